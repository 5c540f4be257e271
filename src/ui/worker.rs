//! The import worker's side: runs in a module worker (`static/worker.js`) that instantiates the
//! same WebAssembly module as the page. For each job it reads the file (or takes the bytes it was
//! given), imports and assembles it into a fresh interner, encodes the result with
//! `model::transfer` and posts it back as a transferable buffer, with progress on the way.
//!
//! Messages in: `{id, name, file?: File, bytes?: ArrayBuffer, skew: bool, preview: bool}`.
//! Messages out: `{type: "progress", id, phase: "read"|"parse"|"encode", done, total}`,
//! `{type: "preview", id, covered, payload: ArrayBuffer}` (a large file's first part, see
//! `formats::preview`, sent while the rest is read when the job asks for it),
//! `{type: "done", id, format, payload: ArrayBuffer, timings: {read, import, encode}}`,
//! `{type: "error", id, error}` (the file could not be used; the worker is fine).

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use strand_formats::{self as formats, AssembleOptions};
use strand_model::{transfer, Interner};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Bytes read from a file per step (one progress message each).
const READ_CHUNK: f64 = 8.0 * 1024.0 * 1024.0;

/// Whether this instance runs in a worker (no `window`): then `main` must not mount the app.
pub fn in_worker() -> bool {
    web_sys::window().is_none()
}

fn scope() -> web_sys::DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

pub(super) fn now() -> f64 {
    scope().performance().map_or(0.0, |p| p.now())
}

pub(super) fn set(obj: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), &value.into());
}

pub(super) fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

pub(super) fn post(msg: &Object, transfer: Option<&JsValue>) {
    let result = match transfer {
        Some(buffer) => scope().post_message_with_transfer(msg, &Array::of1(buffer)),
        None => scope().post_message(msg),
    };
    if let Err(e) = result {
        web_sys::console::error_2(&JsValue::from_str("Strand import worker: could not post a message"), &e);
    }
}

pub(super) fn message(kind: &str, id: f64) -> Object {
    let msg = Object::new();
    set(&msg, "type", kind);
    set(&msg, "id", id);
    msg
}

pub(super) fn progress(id: f64, phase: &str, done: f64, total: f64) {
    let msg = message("progress", id);
    set(&msg, "phase", phase);
    set(&msg, "done", done);
    set(&msg, "total", total);
    post(&msg, None);
}

fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown browser error".to_string())
}

/// Spans (or log lines) per warm-up document: enough calls for WebAssembly's tier-up to compile
/// the importers' per-item functions optimised, small enough that a step takes a few
/// milliseconds once warm.
const WARM_SPANS: usize = 1500;
/// Warm-up steps, the formats in turn (Jaeger, OTLP, Zipkin, ECS log lines). 5 trace steps left
/// the importers partly unoptimised: a 10k-span Jaeger file imported in 35-37 ms against 26-27
/// ms after 12 (`bench/browser.mjs`, medians of 7, run in turn); 24 gained nothing more. Log
/// lines share little code with the trace formats: without a step of their own, the first 100k
/// ECS lines imported in 147-160 ms against 124-130 ms after (the worker's job in Node's V8, on
/// the same module). 16 steps take ~300-350 ms of the worker's time after it starts (12: ~230).
const WARM_STEPS: u32 = 16;

/// One step of the warm-up the worker runs when it starts, before any file: imports, assembles
/// and encodes a small synthetic document (the formats in turn), so the first real file runs
/// compiled, optimised code instead of paying for lazy compilation. Returns whether there are
/// more steps. `worker.js` yields between steps, so a file that arrives meanwhile waits at most
/// one step.
pub fn warm_up(step: u32) -> bool {
    use strand_formats::synth::{synthesize, synthesize_ecs_logs, SynthFormat};
    if step >= WARM_STEPS {
        return false;
    }
    let seed = u64::from(step) + 1;
    let json = match step % 4 {
        0 => synthesize(SynthFormat::Jaeger, WARM_SPANS, seed),
        1 => synthesize(SynthFormat::Otlp, WARM_SPANS, seed),
        2 => synthesize(SynthFormat::Zipkin, WARM_SPANS, seed),
        _ => synthesize_ecs_logs(WARM_SPANS, seed),
    };
    let mut strings = Interner::new();
    if let Ok((_, imported)) =
        formats::import_assembled(json.as_bytes(), "warm-up", None, &mut strings, &AssembleOptions::default())
    {
        let encoded = transfer::encode(&strings, &imported.traces, &imported.dependencies, &imported.notes);
        std::hint::black_box(encoded.len());
    }
    step + 1 < WARM_STEPS
}

/// Runs one job and posts its result. Never panics on bad input: import errors become `error`
/// messages. (A crash of the module itself is caught by `worker.js`.)
pub async fn run_job(job: JsValue) {
    if get(&job, "part").as_bool() == Some(true) {
        return super::worker_parts::run_part(job).await;
    }
    let id = get(&job, "id").as_f64().unwrap_or(-1.0);
    let name = get(&job, "name").as_string().unwrap_or_else(|| "file".to_string());
    // A large file of log lines: two workers import its halves (`worker_parts`); anything else,
    // or a file none of whose lines could be read that way, is imported whole below.
    if get(&job, "split").as_bool() == Some(true) && super::worker_parts::has_helper() {
        if let Ok(file) = get(&job, "file").dyn_into::<web_sys::File>() {
            if super::worker_parts::import_in_parts(&job, id, &name, &file).await.is_some() {
                return;
            }
        }
    }
    let options = AssembleOptions { adjust_clock_skew: get(&job, "skew").as_bool().unwrap_or(true) };
    let preview = get(&job, "preview").as_bool().unwrap_or(false).then_some(Preview { name: &name, options: &options });

    let t0 = now();
    let bytes = match read_input(&job, id, preview).await {
        Ok(bytes) => bytes,
        Err(error) => {
            let msg = message("error", id);
            set(&msg, "error", format!("{name}: could not be read: {error}"));
            post(&msg, None);
            return;
        }
    };
    let t1 = now();
    progress(id, "parse", 0.0, bytes.len() as f64);
    super::memory::make_room(bytes.len());
    let mut strings = Interner::new();
    let result = formats::import_assembled(&bytes, &name, None, &mut strings, &options);
    drop(bytes);
    let (format, imported) = match result {
        Ok(ok) => ok,
        Err(err) => {
            let msg = message("error", id);
            set(&msg, "error", err.to_string());
            post(&msg, None);
            return;
        }
    };
    let t2 = now();
    progress(id, "encode", 0.0, 0.0);
    let encoded = transfer::encode(&strings, &imported.traces, &imported.dependencies, &imported.notes);
    drop(imported);
    drop(strings);
    let payload = Uint8Array::new_with_length(u32::try_from(encoded.len()).unwrap_or(u32::MAX));
    payload.copy_from(&encoded);
    drop(encoded);
    let t3 = now();

    let timings = Object::new();
    set(&timings, "read", t1 - t0);
    set(&timings, "import", t2 - t1);
    set(&timings, "encode", t3 - t2);
    let msg = message("done", id);
    set(&msg, "format", format.name());
    set(&msg, "timings", timings);
    post_payload(&msg, &payload);
}

/// Posts `msg` with `encoded` copied out of the module as its transferred `payload`.
fn post_with_payload(msg: &Object, encoded: &[u8]) {
    let payload = Uint8Array::new_with_length(u32::try_from(encoded.len()).unwrap_or(u32::MAX));
    payload.copy_from(encoded);
    post_payload(msg, &payload);
}

/// Posts `msg` with `first`'s buffer as its `payload` and `later`'s as its `parts`, all
/// transferred (not copied).
/// Whether it could be posted.
pub(super) fn post_payloads(msg: &Object, first: &Uint8Array, later: &[Uint8Array]) -> bool {
    let buffers = Array::new();
    let first: JsValue = first.buffer().into();
    set(msg, "payload", first.clone());
    buffers.push(&first);
    if !later.is_empty() {
        let parts = Array::new();
        for part in later {
            let buffer: JsValue = part.buffer().into();
            parts.push(&buffer);
            buffers.push(&buffer);
        }
        set(msg, "parts", parts);
    }
    match scope().post_message_with_transfer(msg, &buffers) {
        Ok(()) => true,
        Err(e) => {
            web_sys::console::error_2(&JsValue::from_str("Strand import worker: could not post a message"), &e);
            false
        }
    }
}

/// Posts `msg` with `payload`'s buffer as its `payload`, transferred (not copied).
fn post_payload(msg: &Object, payload: &Uint8Array) {
    let buffer: JsValue = payload.buffer().into();
    set(msg, "payload", buffer.clone());
    post(msg, Some(&buffer));
}

/// What a job that asks for a preview needs to make one.
#[derive(Clone, Copy)]
struct Preview<'a> {
    name: &'a str,
    options: &'a AssembleOptions,
}

impl Preview<'_> {
    /// Imports what the file's `first` bytes hold (with its `last` bytes, from `last_offset`,
    /// for the end of the document) and posts it: the page shows it while the rest comes.
    /// Nothing is posted when the file has no preview (`formats::preview::document`).
    fn post(self, id: f64, first: &[u8], last: &[u8], last_offset: u64, total: u64) {
        let Some(shown) = formats::preview::document(first, last, last_offset, total) else { return };
        let mut strings = Interner::new();
        let Ok((_, imported)) = formats::import_assembled(&shown.document, self.name, None, &mut strings, self.options)
        else {
            return;
        };
        let encoded = transfer::encode(&strings, &imported.traces, &imported.dependencies, &imported.notes);
        let msg = message("preview", id);
        set(&msg, "covered", shown.covered as f64);
        post_with_payload(&msg, &encoded);
    }
}

/// Starts reading `[from, to)` of `file` (the browser reads it while this module goes on).
pub(super) fn start_read(file: &web_sys::File, from: f64, to: f64) -> Result<JsFuture, String> {
    let piece = file.slice_with_f64_and_f64(from, to).map_err(|e| describe(&e))?;
    Ok(JsFuture::from(piece.array_buffer()))
}

/// The bytes of a read [`start_read`] started.
pub(super) async fn finish_read(read: JsFuture) -> Result<ArrayBuffer, String> {
    let buffer = read.await.map_err(|e| describe(&e))?;
    buffer.dyn_into().map_err(|_| "the browser returned no data".to_string())
}

/// The job's bytes in this module's memory: a `File` read in chunks (with progress), or the
/// transferred `ArrayBuffer` copied in once. With `preview`, the first chunk (at most half the
/// file) is previewed while the next one is read.
async fn read_input(job: &JsValue, id: f64, preview: Option<Preview<'_>>) -> Result<Vec<u8>, String> {
    let bytes = get(job, "bytes");
    if let Some(buffer) = bytes.dyn_ref::<ArrayBuffer>() {
        return Ok(Uint8Array::new(buffer).to_vec());
    }
    let file: web_sys::File = get(job, "file").dyn_into().map_err(|_| "the job names no file".to_string())?;
    let size = file.size();
    let mut out: Vec<u8> = Vec::new();
    out.try_reserve_exact(size as usize).map_err(|_| "there is not enough memory in this tab for it".to_string())?;
    progress(id, "read", 0.0, size);
    let first_chunk = if preview.is_some() { READ_CHUNK.min((size / 2.0).floor()).max(1.0) } else { READ_CHUNK };
    // The document's end, for the preview (read while the first chunk is).
    let last_offset = (size - formats::preview::TAIL_BYTES as f64).max(0.0);
    let mut last = match preview {
        Some(_) => start_read(&file, last_offset, size).ok(),
        None => None,
    };
    // The browser reads the next chunk while this one is copied into the module's memory (one
    // read ahead): the reads' waits and the copies overlap instead of taking turns.
    let read = |from: f64| -> Result<(JsFuture, f64), String> {
        let end = (from + if from == 0.0 { first_chunk } else { READ_CHUNK }).min(size);
        Ok((start_read(&file, from, end)?, end))
    };
    let mut next = if size > 0.0 { Some(read(0.0)?) } else { None };
    while let Some((pending, end)) = next.take() {
        if end < size {
            next = Some(read(end)?);
        }
        let buffer = finish_read(pending).await?;
        // Copied in without zero-filling the room first: `Vec::resize` in this size-optimised
        // crate wrote the zeros a byte at a time (500 ms of a 1M-span file's read in a profile);
        // `to_vec` copies straight into a new vector, then one bulk copy appends it.
        out.extend_from_slice(&Uint8Array::new(&buffer).to_vec());
        progress(id, "read", end, size);
        if let (Some(preview), Some(tail)) = (preview, last.take()) {
            // A preview that cannot be made is no error: the file itself still loads.
            if let Ok(tail) = finish_read(tail).await {
                preview.post(id, &out, &Uint8Array::new(&tail).to_vec(), last_offset as u64, size as u64);
            }
        }
    }
    Ok(out)
}
