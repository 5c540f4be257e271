//! A large file of log lines imported by two workers at once (`formats::logs::parts`): the
//! pool's first import worker (`ui::worker`, `ui::importer::Pool`) keeps a helper worker of its
//! own where the machine has a second core (the same module, started when the import worker's
//! warm-up ends, or its first job when that cut the warm-up short), and when a job's file is large and
//! its first chunk shows lines that split, it asks the helper for the file's later half while
//! it reads and imports the first. Both halves go to the page as one answer (`payload` and
//! `parts`), which decodes them in turn and joins them before the one merge (`app::handover`).
//!
//! The cut: the helper's part starts after the first `\n` at or after the middle of the file
//! (`parts::line_start`); the import worker reads on until that `\n` and stops there. Both
//! read the same bytes there, so they agree without talking.
//!
//! Falling back: a helper that cannot start, fails or crashes leaves its half to the import
//! worker, which reads and imports it itself; a file of which no line could be read is imported
//! whole again (its error, or its text with bad bytes replaced, is then the whole file's).
//!
//! Messages to the helper: `{id, part: true, name, file, from, format, skew}`; from it:
//! `{type: "part", id, payload, good, busy, encode}` (milliseconds importing and encoding) or
//! `{type: "part-error", id, error}` (and its start-up's `ready`/`warm`, and `crashed`, from
//! `worker.js`). One part at a time: a job that finds the helper still on an earlier job's part
//! imports its file whole.

use super::worker::{finish_read, get, message, now, post_payloads, progress, set, start_read};
use js_sys::{Object, Promise, Uint8Array};
use std::cell::RefCell;
use std::rc::Rc;
use strand_formats::logs::parts::{self, LogFacts};
use strand_formats::{AssembleOptions, Format};
use strand_model::{transfer, Interner};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The helper worker and the answer it owes, if any.
struct Helper {
    worker: web_sys::Worker,
    /// The job whose part the helper imports, and what resolves its promise with the helper's
    /// answer (a late answer for an earlier job is dropped).
    answer: Rc<RefCell<Option<(f64, js_sys::Function)>>>,
    _handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

thread_local! {
    static HELPER: RefCell<Option<Helper>> = const { RefCell::new(None) };
    static STARTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Starts the helper, once: `worker.js` calls this when the import worker's warm-up ends, or
/// when its first job ends if the job cut the warm-up short (the helper's start and warm-up
/// would take a core from the job). A helper that failed is not started again.
pub fn start_helper() {
    if STARTED.replace(true) {
        return;
    }
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    // The same script; the query only tells it apart in the network log (the e2e tests count
    // the import workers).
    let Ok(worker) = web_sys::Worker::new_with_options("./worker.js?helper", &options) else { return };
    let answer: Rc<RefCell<Option<(f64, js_sys::Function)>>> = Rc::default();
    let reply = {
        let answer = answer.clone();
        move |data: &JsValue| {
            let crashed = get(data, "type").as_string().as_deref() == Some("crashed");
            let id = get(data, "id").as_f64();
            let resolve = answer.borrow_mut().take_if(|(want, _)| crashed || id == Some(*want));
            if let Some((_, resolve)) = resolve {
                let _ = resolve.call1(&JsValue::NULL, data);
            }
        }
    };
    let on_message = {
        let reply = reply.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else { return };
            let data = event.data();
            match get(&data, "type").as_string().as_deref() {
                Some("part" | "part-error") => reply(&data),
                Some("crashed") => {
                    reply(&data);
                    drop_helper();
                }
                _ => {}
            }
        })
    };
    let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_event: JsValue| {
        let data = message("crashed", -1.0);
        reply(&data.into());
        drop_helper();
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // A message that cannot be read (its part never comes): the same as a crash.
    worker.set_onmessageerror(Some(on_error.as_ref().unchecked_ref()));
    let init = Object::new();
    set(&init, "type", "init");
    set(&init, "module", wasm_bindgen::module());
    set(&init, "helpers", 0u32);
    if worker.post_message(&init).is_err() {
        worker.terminate();
        return;
    }
    let helper = Helper { worker, answer, _handlers: vec![on_message, on_error] };
    HELPER.with(|h| *h.borrow_mut() = Some(helper));
}

/// Drops the helper (it crashed or could not start): later files import whole.
fn drop_helper() {
    // Taken out first: terminating runs no handler, but the handlers are dropped after the borrow.
    let helper = HELPER.with(|h| h.borrow_mut().take());
    if let Some(helper) = helper {
        helper.worker.set_onmessage(None);
        helper.worker.set_onerror(None);
        helper.worker.terminate();
    }
}

/// How many bytes of a file's start tell whether it splits (its first line must be in them).
const LOOK_BYTES: f64 = 256.0 * 1024.0;

/// Bytes read per step while a part streams.
const CHUNK: f64 = 8.0 * 1024.0 * 1024.0;

/// Whether there is a helper to ask (else a large file is imported whole, as before).
pub fn has_helper() -> bool {
    HELPER.with(|h| h.borrow().is_some())
}

/// Imports the job's `file` in two parts if its first bytes show log lines that split: the
/// helper streams the later half, this worker the first, and both are posted to the page.
/// `None` (nothing posted) when the file does not split or no line of it could be read: the
/// caller imports it whole.
pub async fn import_in_parts(job: &JsValue, id: f64, name: &str, file: &web_sys::File) -> Option<()> {
    let options = AssembleOptions { adjust_clock_skew: get(job, "skew").as_bool().unwrap_or(true) };
    let size = file.size();
    let t0 = now();
    let look = finish_read(start_read(file, 0.0, size.min(LOOK_BYTES)).ok()?).await.ok()?;
    let format = parts::split_format(&Uint8Array::new(&look).to_vec())?;
    let at = (size / 2.0).floor();
    let answer = ask_helper(job, file, format, at)?;
    progress(id, "read", 0.0, size);
    // This worker's half: from the start to the first `\n` at or after the middle.
    super::memory::make_room(at as usize);
    let mut strings = Interner::new();
    let mut reader = parts::PartReader::new(&mut strings, name, format, true, at as usize);
    let (cut, mut busy) = stream(file, 0.0, Some(at), &mut reader, Some((id, size))).await.ok()?;
    let t = now();
    let (mut imported, facts) = reader.finish();
    parts::assemble_part(&mut imported, &facts, &strings, &options);
    let t2 = now();
    let first = encoded(&strings, &imported, &facts);
    busy += t2 - t;
    let encode = now() - t2;
    let good = facts.lines.good;
    drop((imported, strings));
    let answer = answer.await.unwrap_or(JsValue::UNDEFINED);
    let helped = match get(&answer, "payload").dyn_into::<js_sys::ArrayBuffer>() {
        Ok(buffer) if get(&answer, "type").as_string().as_deref() == Some("part") => Some((
            Uint8Array::new(&buffer),
            get(&answer, "good").as_f64().unwrap_or(0.0) as u64,
            get(&answer, "busy").as_f64().unwrap_or(0.0),
            get(&answer, "encode").as_f64().unwrap_or(0.0),
        )),
        _ => None,
    };
    let (later, later_good, later_busy, later_encode) = match helped {
        Some(later) => later,
        // The helper could not do it: this worker reads and imports the rest itself.
        None => import_stream(file, cut, name, format, &options).await.ok()?,
    };
    if good + later_good == 0 {
        return None;
    }
    // The two workers read, import and encode at once: the import is the longer of their times
    // spent importing, the encode the longer of their encodes, the read what is left of the
    // wall clock (waiting for bytes).
    let (import, encode) = (busy.max(later_busy), encode.max(later_encode));
    let timings = Object::new();
    set(&timings, "read", (now() - t0 - import - encode).max(0.0));
    set(&timings, "import", import);
    set(&timings, "encode", encode);
    let msg = message("done", id);
    set(&msg, "format", format.name());
    set(&msg, "timings", timings);
    post_payloads(&msg, &first, &[later]);
    Some(())
}

/// Asks the helper to import `file` from the first `\n` at or after `from` on.
fn ask_helper(job: &JsValue, file: &web_sys::File, format: Format, from: f64) -> Option<JsFuture> {
    HELPER.with(|h| {
        let helper = h.borrow();
        let helper = helper.as_ref()?;
        let answer = helper.answer.clone();
        // Still on an earlier job's part (that job gave up on it): this file is imported whole.
        if answer.borrow().is_some() {
            return None;
        }
        let id = get(job, "id").as_f64().unwrap_or(-1.0);
        let promise = Promise::new(&mut |resolve, _reject| *answer.borrow_mut() = Some((id, resolve)));
        let msg = message("part", id);
        set(&msg, "part", true);
        set(&msg, "name", get(job, "name"));
        set(&msg, "skew", get(job, "skew"));
        set(&msg, "file", file);
        set(&msg, "from", from);
        set(&msg, "format", format.name());
        helper.worker.post_message(&msg).ok()?;
        Some(JsFuture::from(promise))
    })
}

/// The helper's side: imports the part of the file from the first `\n` at or after `from` on
/// and posts it to the import worker.
pub async fn run_part(job: JsValue) {
    let id = get(&job, "id").as_f64().unwrap_or(-1.0);
    let name = get(&job, "name").as_string().unwrap_or_else(|| "file".to_string());
    let options = AssembleOptions { adjust_clock_skew: get(&job, "skew").as_bool().unwrap_or(true) };
    let format = get(&job, "format").as_string().and_then(|f| Format::parse(&f));
    let file = get(&job, "file").dyn_into::<web_sys::File>().ok();
    let from = get(&job, "from").as_f64().unwrap_or(0.0);
    let (Some(format), Some(file)) = (format, file) else {
        return fail(id, "the part names no file or format");
    };
    // Its part starts after the line the middle falls in: a stream that skips to the first `\n`.
    let start = match first_line_end(&file, from).await {
        Ok(start) => start,
        Err(error) => return fail(id, &error),
    };
    match import_stream(&file, start, &name, format, &options).await {
        Ok((payload, good, busy, encode)) => {
            let msg = message("part", id);
            set(&msg, "good", good as f64);
            set(&msg, "busy", busy);
            set(&msg, "encode", encode);
            if !post_payloads(&msg, &payload, &[]) {
                // The import worker waits for an answer: it gets one, and imports the part itself.
                fail(id, "the part could not be handed over");
            }
        }
        Err(error) => fail(id, &error),
    }
}

/// The offset just after the first `\n` at or after `from` (the file's end if none).
async fn first_line_end(file: &web_sys::File, from: f64) -> Result<f64, String> {
    let size = file.size();
    let mut at = from;
    while at < size {
        let end = (at + 64.0 * 1024.0).min(size);
        let buffer = finish_read(start_read(file, at, end)?).await?;
        let bytes = Uint8Array::new(&buffer).to_vec();
        if let Some(start) = parts::line_start(&bytes) {
            return Ok(at + start as f64);
        }
        at = end;
    }
    Ok(size)
}

/// Streams `file` from `from` (a line start) to its end into a new part and encodes it; how
/// many of its lines could be read, and the milliseconds spent importing, then encoding.
async fn import_stream(
    file: &web_sys::File,
    from: f64,
    name: &str,
    format: Format,
    options: &AssembleOptions,
) -> Result<(Uint8Array, u64, f64, f64), String> {
    let part_size = (file.size() - from).max(0.0) as usize;
    super::memory::make_room(part_size);
    let mut strings = Interner::new();
    let mut reader = parts::PartReader::new(&mut strings, name, format, from == 0.0, part_size);
    let (_, busy) = stream(file, from, None, &mut reader, None).await?;
    let t = now();
    let (mut imported, facts) = reader.finish();
    parts::assemble_part(&mut imported, &facts, &strings, options);
    let t2 = now();
    let payload = encoded(&strings, &imported, &facts);
    Ok((payload, facts.lines.good, busy + t2 - t, now() - t2))
}

/// Reads `file` from `from` (a line start) a chunk at a time, the next chunk read while this
/// one's whole lines go to `reader`; with `until`, stops after the first `\n` at or after that
/// offset. Returns the offset it stopped at and the milliseconds spent importing (not waiting
/// for bytes). `progress`: the job's id and the file's size, for the page's progress bar (the
/// reading worker's share, scaled to the file).
async fn stream(
    file: &web_sys::File,
    from: f64,
    until: Option<f64>,
    reader: &mut parts::PartReader<'_>,
    report: Option<(f64, f64)>,
) -> Result<(f64, f64), String> {
    let mut busy = 0.0;
    let mut feed = |reader: &mut parts::PartReader<'_>, bytes: &[u8]| {
        let t = now();
        reader.feed(bytes);
        busy += now() - t;
    };
    let size = file.size();
    let read = |at: f64| -> Result<(JsFuture, f64), String> {
        let end = (at + CHUNK).min(size);
        Ok((start_read(file, at, end)?, end))
    };
    // `carry` holds the bytes from file offset `pos` on not yet fed: a line's start.
    let (mut carry, mut pos) = (Vec::<u8>::new(), from);
    let mut next = if from < size { Some(read(from)?) } else { None };
    while let Some((pending, end)) = next.take() {
        if end < size {
            next = Some(read(end)?);
        }
        let buffer = finish_read(pending).await?;
        carry.extend_from_slice(&Uint8Array::new(&buffer).to_vec());
        if let Some(at) = until.filter(|&at| pos + carry.len() as f64 > at) {
            let rel = (at - pos).max(0.0) as usize;
            if let Some(start) = parts::line_start(carry.get(rel..).unwrap_or(&[])) {
                feed(reader, carry.get(..rel + start).unwrap_or(&[]));
                return Ok((pos + (rel + start) as f64, busy));
            }
        }
        if let Some(last) = carry.iter().rposition(|&b| b == b'\n') {
            feed(reader, carry.get(..=last).unwrap_or(&[]));
            carry.drain(..=last);
            pos += (last + 1) as f64;
        }
        if let Some((id, size)) = report {
            let share = until.map_or(1.0, |at| (end / at.max(1.0)).min(1.0));
            progress(id, "read", share * size, size);
        }
    }
    feed(reader, &carry);
    Ok((pos + carry.len() as f64, busy))
}

fn fail(id: f64, error: &str) {
    let msg = message("part-error", id);
    set(&msg, "error", error);
    super::worker::post(&msg, None);
}

/// A part's encoding with its facts, copied out of the module.
fn encoded(strings: &Interner, imported: &strand_formats::Imported, facts: &LogFacts) -> Uint8Array {
    let bytes =
        transfer::encode_with(strings, &imported.traces, &imported.dependencies, &imported.notes, &facts.encode());
    copy_out(&bytes)
}

fn copy_out(encoded: &[u8]) -> Uint8Array {
    let payload = Uint8Array::new_with_length(u32::try_from(encoded.len()).unwrap_or(u32::MAX));
    payload.copy_from(encoded);
    payload
}
