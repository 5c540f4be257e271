//! Loading files off the main thread. Files the user dropped, picked or pasted, and bytes other
//! parts of the app fetched (`Action::Load`), go into one queue; an import worker
//! (`static/worker.js` + `ui::worker`, the same WebAssembly module) reads, parses and assembles
//! them one at a time and hands back a compact encoding (`model::transfer`), which the reducer
//! decodes and merges (`Action::Loaded`). The page stays responsive while a big file loads, and
//! its WebAssembly memory only ever holds the model. The worker is terminated when the queue is
//! empty, which gives its memory back. Without workers, loading falls back to the main thread.

use super::state::{Action, LoadPhase, LoadProgress, NoticeKind};
use js_sys::{Object, Reflect, Uint8Array};
use std::cell::RefCell;
use std::collections::VecDeque;
use strand_model::transfer;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use yew::Callback;

/// Files above this size (1 GB) are refused before reading (see README, "Loading large files"). The
/// browser gives a WebAssembly instance at most 4 GiB; while a file loads, the worker holds the
/// file, the model (0.55–0.9× the JSON) and its encoding, plus growth headroom: about 2.5–3×
/// the file. The page then holds the model only. `?max-file-mb=N` lowers it (tests).
pub const MAX_FILE_BYTES: f64 = 1e9;

enum Input {
    File(web_sys::File),
    Bytes(Vec<u8>),
}

struct Job {
    name: String,
    input: Input,
}

struct Current {
    id: u32,
    name: String,
    skew: bool,
}

#[derive(Default)]
struct Loader {
    /// The app's own dispatch (the reducer), set on every render of the app.
    dispatch: Option<Callback<Action>>,
    skew: bool,
    worker: Option<web_sys::Worker>,
    /// Keeps the worker's handlers alive as long as the worker.
    handlers: Vec<Closure<dyn FnMut(JsValue)>>,
    queue: VecDeque<Job>,
    current: Option<Current>,
    next_id: u32,
    /// Position of the current file in this batch, and the batch size, for "file 2 of 5".
    position: usize,
    count: usize,
    /// Workers could not be started: load on the main thread.
    no_worker: bool,
    /// The worker has instantiated the module (its `ready` message came).
    ready: bool,
    /// The job waiting for the worker to be ready; kept here (not yet transferred) so that it
    /// can still be loaded on the main thread if the worker cannot start at all (e.g. no
    /// worker.js where the app is served, or a policy that forbids workers).
    pending: Option<(Job, u32)>,
}

thread_local! {
    static LOADER: RefCell<Loader> = RefCell::new(Loader { skew: true, ..Loader::default() });
}

/// Wraps the reducer's dispatch so that `Action::Load` (from any component) goes through the
/// import worker; every other action passes straight through. Call on every render.
pub fn route_loads(reducer: Callback<Action>, adjust_clock_skew: bool) -> Callback<Action> {
    LOADER.with(|l| {
        let mut l = l.borrow_mut();
        l.dispatch = Some(reducer.clone());
        l.skew = adjust_clock_skew;
    });
    Callback::from(move |action: Action| match action {
        Action::Load { file, bytes } => submit(Job { name: file, input: Input::Bytes(bytes) }),
        other => reducer.emit(other),
    })
}

/// Queues every file of a `FileList`, in order, refusing those too large for this tab.
pub fn read_files(files: web_sys::FileList, dispatch: Callback<Action>) {
    let limit = file_limit();
    for file in (0..files.length()).filter_map(|i| files.get(i)) {
        let name = file.name();
        if file.size() > limit {
            dispatch.emit(Action::Notify {
                kind: NoticeKind::Error,
                text: format!(
                    "{name} is {}; this tab loads files of up to {}.",
                    human_bytes(file.size()),
                    human_bytes(limit)
                ),
                details: vec![
                    "A browser tab gives WebAssembly at most 4 GB, and loading needs about 2.5–3× the file size. \
                     Split the file, or keep only the traces you need (e.g. with jq, or strand-cli), and load the parts; \
                     they merge into what is loaded."
                        .to_string(),
                    "Nothing was read; what was loaded before is still here.".to_string(),
                ],
            });
            continue;
        }
        submit(Job { name, input: Input::File(file) });
    }
}

/// Queues pasted text as a file called `name`.
pub fn load_text(name: String, text: String) {
    submit(Job { name, input: Input::Bytes(text.into_bytes()) });
}

/// Stops loading: the worker is terminated and the queue dropped; what was loaded stays.
pub fn cancel() {
    let (dispatch, current, queued) = LOADER.with(|l| {
        let mut l = l.borrow_mut();
        stop_worker(&mut l);
        let queued = l.queue.len();
        l.queue.clear();
        l.position = 0;
        l.count = 0;
        (l.dispatch.clone(), l.current.take(), queued)
    });
    let Some(dispatch) = dispatch else { return };
    dispatch.emit(Action::Progress(None));
    if let Some(current) = current {
        let more =
            if queued > 0 { format!(" ({queued} more file{} not loaded)", plural(queued)) } else { String::new() };
        dispatch.emit(Action::Notify {
            kind: NoticeKind::Error,
            text: format!("Loading {} was cancelled{more}.", current.name),
            details: vec!["Nothing from it was loaded; what was loaded before is still here.".to_string()],
        });
    }
}

fn file_limit() -> f64 {
    let from_url = web_sys::window().and_then(|w| w.location().search().ok()).and_then(|search| {
        search
            .trim_start_matches('?')
            .split('&')
            .find_map(|kv| kv.strip_prefix("max-file-mb=").and_then(|v| v.parse::<f64>().ok()))
    });
    match from_url {
        Some(mb) if mb > 0.0 => (mb * 1e6).min(MAX_FILE_BYTES),
        _ => MAX_FILE_BYTES,
    }
}

fn submit(job: Job) {
    super::perf::mark("strand:read:start");
    LOADER.with(|l| {
        let mut l = l.borrow_mut();
        l.queue.push_back(job);
        l.count += 1;
    });
    pump();
}

/// Starts the next job if none is running.
fn pump() {
    let started = LOADER.with(|l| {
        let mut l = l.borrow_mut();
        if l.current.is_some() {
            return None;
        }
        let Some(job) = l.queue.pop_front() else {
            // Done: give the worker's memory back.
            stop_worker(&mut l);
            l.position = 0;
            l.count = 0;
            return Some(None);
        };
        l.position += 1;
        l.next_id += 1;
        let id = l.next_id;
        let progress = LoadProgress {
            file: job.name.clone(),
            phase: LoadPhase::Reading,
            done: 0.0,
            total: match &job.input {
                Input::File(f) => f.size(),
                Input::Bytes(b) => b.len() as f64,
            },
            position: l.position,
            count: l.count,
        };
        l.current = Some(Current { id, name: job.name.clone(), skew: l.skew });
        Some(Some((job, id, progress)))
    });
    let dispatch = LOADER.with(|l| l.borrow().dispatch.clone());
    let Some(dispatch) = dispatch else { return };
    match started {
        None => {}
        Some(None) => dispatch.emit(Action::Progress(None)),
        Some(Some((job, id, progress))) => {
            dispatch.emit(Action::Progress(Some(progress)));
            if let Err(job) = post_job(job, id) {
                // No worker: load here, on the main thread.
                load_here(job, dispatch);
            }
        }
    }
}

/// Sends a job to the worker (starting one if needed); gives the job back if there is none.
fn post_job(job: Job, id: u32) -> Result<(), Job> {
    let Some(worker) = worker() else {
        return Err(job);
    };
    if !LOADER.with(|l| l.borrow().ready) {
        LOADER.with(|l| l.borrow_mut().pending = Some((job, id)));
        return Ok(());
    }
    send_job(&worker, job, id)
}

/// The worker answered `init`: send it the job that waited.
fn worker_ready() {
    let (worker, pending) = LOADER.with(|l| {
        let mut l = l.borrow_mut();
        l.ready = true;
        (l.worker.clone(), l.pending.take())
    });
    if let (Some(worker), Some((job, id))) = (worker, pending) {
        if let Err(job) = send_job(&worker, job, id) {
            if let Some(dispatch) = LOADER.with(|l| l.borrow().dispatch.clone()) {
                load_here(job, dispatch);
            }
        }
    }
}

/// The worker failed before it was ready: no workers here; load the waiting job on the main
/// thread (nothing of it was transferred yet).
fn worker_failed_to_start(detail: &str) {
    web_sys::console::warn_1(
        &format!("Strand: the import worker did not start ({detail}); loading on the main thread").into(),
    );
    let pending = LOADER.with(|l| {
        let mut l = l.borrow_mut();
        stop_worker(&mut l);
        l.no_worker = true;
        l.pending.take()
    });
    if let (Some((job, _)), Some(dispatch)) = (pending, LOADER.with(|l| l.borrow().dispatch.clone())) {
        load_here(job, dispatch);
    }
}

fn send_job(worker: &web_sys::Worker, job: Job, id: u32) -> Result<(), Job> {
    let skew = LOADER.with(|l| l.borrow().skew);
    let msg = Object::new();
    let _ = Reflect::set(&msg, &"id".into(), &f64::from(id).into());
    let _ = Reflect::set(&msg, &"name".into(), &job.name.as_str().into());
    let _ = Reflect::set(&msg, &"skew".into(), &skew.into());
    let sent = match &job.input {
        Input::File(file) => {
            let _ = Reflect::set(&msg, &"file".into(), file);
            worker.post_message(&msg)
        }
        Input::Bytes(bytes) => {
            let array = Uint8Array::new_with_length(u32::try_from(bytes.len()).unwrap_or(u32::MAX));
            array.copy_from(bytes);
            let buffer: JsValue = array.buffer().into();
            let _ = Reflect::set(&msg, &"bytes".into(), &buffer);
            worker.post_message_with_transfer(&msg, &js_sys::Array::of1(&buffer))
        }
    };
    match sent {
        Ok(()) => Ok(()),
        Err(_) => {
            LOADER.with(|l| stop_worker(&mut l.borrow_mut()));
            Err(job)
        }
    }
}

/// The running worker, or a new one; `None` if workers cannot be started here.
fn worker() -> Option<web_sys::Worker> {
    if let Some(w) = LOADER.with(|l| l.borrow().worker.clone()) {
        return Some(w);
    }
    if LOADER.with(|l| l.borrow().no_worker) {
        return None;
    }
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let worker = match web_sys::Worker::new_with_options("./worker.js", &options) {
        Ok(w) => w,
        Err(e) => {
            web_sys::console::warn_2(&"Strand: no import worker, loading on the main thread:".into(), &e);
            LOADER.with(|l| l.borrow_mut().no_worker = true);
            return None;
        }
    };
    let on_message = Closure::<dyn FnMut(JsValue)>::new(|event: JsValue| {
        if let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() {
            on_worker_message(event.data());
        }
    });
    let on_error = Closure::<dyn FnMut(JsValue)>::new(|event: JsValue| {
        let detail = event
            .dyn_ref::<web_sys::ErrorEvent>()
            .map(|e| e.message())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| "the import worker could not start or stopped".to_string());
        if LOADER.with(|l| l.borrow().ready) {
            worker_crashed(detail);
        } else {
            worker_failed_to_start(&detail);
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // Same module, already compiled: the worker instantiates it without fetching or compiling.
    let init = Object::new();
    let _ = Reflect::set(&init, &"type".into(), &"init".into());
    let _ = Reflect::set(&init, &"module".into(), &wasm_bindgen::module());
    if worker.post_message(&init).is_err() {
        worker.terminate();
        LOADER.with(|l| l.borrow_mut().no_worker = true);
        return None;
    }
    LOADER.with(|l| {
        let mut l = l.borrow_mut();
        l.worker = Some(worker.clone());
        l.handlers = vec![on_message, on_error];
    });
    Some(worker)
}

fn stop_worker(l: &mut Loader) {
    l.ready = false;
    if let Some(worker) = l.worker.take() {
        worker.set_onmessage(None);
        worker.set_onerror(None);
        worker.terminate();
    }
    // The closures may be running right now (this can be called from them): drop them later.
    let handlers = std::mem::take(&mut l.handlers);
    if !handlers.is_empty() {
        wasm_bindgen_futures::spawn_local(async move { drop(handlers) });
    }
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn on_worker_message(data: JsValue) {
    let kind = get(&data, "type").as_string();
    if !LOADER.with(|l| l.borrow().ready) {
        match kind.as_deref() {
            Some("ready") => worker_ready(),
            Some("crashed") => worker_failed_to_start(&get(&data, "error").as_string().unwrap_or_default()),
            _ => {}
        }
        return;
    }
    let id = get(&data, "id").as_f64().unwrap_or(-1.0);
    let (current, dispatch, position, count) = LOADER.with(|l| {
        let l = l.borrow();
        let current = l.current.as_ref().filter(|c| f64::from(c.id) == id).map(|c| (c.name.clone(), c.skew));
        (current, l.dispatch.clone(), l.position, l.count)
    });
    let (Some((name, skew)), Some(dispatch)) = (current, dispatch) else {
        return;
    };
    match get(&data, "type").as_string().as_deref() {
        Some("progress") => {
            let phase = match get(&data, "phase").as_string().as_deref() {
                Some("read") => LoadPhase::Reading,
                _ => LoadPhase::Parsing,
            };
            dispatch.emit(Action::Progress(Some(LoadProgress {
                file: name,
                phase,
                done: get(&data, "done").as_f64().unwrap_or(0.0),
                total: get(&data, "total").as_f64().unwrap_or(0.0),
                position,
                count,
            })));
        }
        Some("done") => {
            let timings = get(&data, "timings");
            let (read, import, encode) = (
                get(&timings, "read").as_f64().unwrap_or(0.0),
                get(&timings, "import").as_f64().unwrap_or(0.0),
                get(&timings, "encode").as_f64().unwrap_or(0.0),
            );
            record_worker_timings(read, import, encode);
            let payload = get(&data, "payload");
            let format = get(&data, "format").as_string().unwrap_or_default();
            dispatch.emit(Action::Progress(Some(LoadProgress {
                file: name.clone(),
                phase: LoadPhase::Merging,
                done: 0.0,
                total: 0.0,
                position,
                count,
            })));
            // Let the page paint "merging" before the reducer takes the main thread.
            wasm_bindgen_futures::spawn_local(async move {
                yield_to_browser().await;
                match payload.dyn_into::<js_sys::ArrayBuffer>() {
                    Ok(buffer) => {
                        dispatch.emit(Action::Loaded { file: name, format, payload: Uint8Array::new(&buffer), skew })
                    }
                    Err(_) => dispatch
                        .emit(Action::LoadFailed { error: format!("{name}: the import worker returned no data") }),
                }
                finish_current();
            });
        }
        Some("error") => {
            let error = get(&data, "error").as_string().unwrap_or_else(|| format!("{name}: could not be loaded"));
            dispatch.emit(Action::LoadFailed { error });
            finish_current();
        }
        Some("crashed") => {
            worker_crashed(get(&data, "error").as_string().unwrap_or_default());
        }
        _ => {}
    }
}

/// The worker died (a crash of the module, or it could not start): the current file fails,
/// the others go on in a fresh worker.
fn worker_crashed(detail: String) {
    let (dispatch, current) = LOADER.with(|l| {
        let mut l = l.borrow_mut();
        stop_worker(&mut l);
        (l.dispatch.clone(), l.current.as_ref().map(|c| c.name.clone()))
    });
    if let (Some(dispatch), Some(name)) = (dispatch, current) {
        dispatch.emit(Action::LoadFailed {
            error: format!(
                "{name}: the import stopped unexpectedly ({detail}). This is a bug in Strand; please report it with the file if you can."
            ),
        });
    }
    finish_current();
}

fn finish_current() {
    LOADER.with(|l| l.borrow_mut().current = None);
    pump();
}

/// Main-thread fallback when no worker can run: read the file, then let the reducer import.
fn load_here(job: Job, dispatch: Callback<Action>) {
    wasm_bindgen_futures::spawn_local(async move {
        match job.input {
            Input::Bytes(bytes) => dispatch.emit(Action::Load { file: job.name, bytes }),
            Input::File(file) => match read_bytes(&file).await {
                Ok(bytes) => {
                    super::perf::measure_since("strand:read", "strand:read:start");
                    dispatch.emit(Action::Load { file: job.name, bytes });
                }
                Err(error) => dispatch.emit(Action::ReadFailed { file: job.name, error }),
            },
        }
        finish_current();
    });
}

async fn read_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(|e| describe_js_error(&e))?;
    let buffer: js_sys::ArrayBuffer = buffer.dyn_into().map_err(|_| "the browser returned no data".to_string())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

fn describe_js_error(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown browser error (the file may be too large for this tab)".to_string())
}

/// Resolves on a fresh task, after the browser had a chance to render.
async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        } else {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// The worker's phase durations as User Timing measures on the page, ending now, so profilers
/// and `bench/browser.mjs` see them: `strand:read`, `strand:import`, `strand:encode`.
fn record_worker_timings(read: f64, import: f64, encode: f64) {
    let Some(perf) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let end = perf.now();
    let mut start = end - read - import - encode;
    for (name, duration) in [("strand:read", read), ("strand:import", import), ("strand:encode", encode)] {
        measure(&perf, name, start, start + duration);
        start += duration;
    }
}

/// `performance.measure(name, {start, end})`.
pub fn measure(perf: &web_sys::Performance, name: &str, start: f64, end: f64) {
    let Ok(f) = Reflect::get(perf, &"measure".into()).and_then(|f| f.dyn_into::<js_sys::Function>()) else {
        return;
    };
    let options = Object::new();
    let _ = Reflect::set(&options, &"start".into(), &start.into());
    let _ = Reflect::set(&options, &"end".into(), &end.into());
    let _ = f.call2(perf, &name.into(), &options);
}

/// Reads an encoding from a JS byte array in [`transfer::CHUNK`] pieces, so the page's memory
/// never holds the whole encoding next to the model being built from it.
pub struct JsSource {
    pub array: Uint8Array,
    pub offset: u32,
}

impl transfer::Source for JsSource {
    fn read_more(&mut self, out: &mut Vec<u8>, max: usize) -> usize {
        let len = self.array.length();
        let n = u32::try_from(max).unwrap_or(u32::MAX).min(len.saturating_sub(self.offset));
        if n == 0 {
            return 0;
        }
        let start = out.len();
        out.resize(start + n as usize, 0);
        if let Some(dest) = out.get_mut(start..) {
            self.array.subarray(self.offset, self.offset + n).copy_to(dest);
        }
        self.offset += n;
        n as usize
    }
}

pub fn human_bytes(n: f64) -> String {
    const UNITS: [&str; 4] = ["bytes", "kB", "MB", "GB"];
    let mut value = n;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    let name = UNITS.get(unit).copied().unwrap_or("bytes");
    if unit == 0 {
        format!("{value:.0} {name}")
    } else {
        format!("{value:.1} {name}")
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
