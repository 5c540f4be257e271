//! The page side of the import worker: files are read, parsed and assembled in a module worker
//! (`static/worker.js` + `ui::worker`, the same WebAssembly module), which hands back a compact
//! encoding (`model::transfer`) that the core decodes and merges. The worker is started when the
//! page opens (so its module is instantiated before the first file) and kept between files; it
//! is replaced after a cancel, after a crash, and after a large file (WebAssembly memory never
//! shrinks, so a fresh worker gives the memory back). Small files (up to
//! `strand_app::PAGE_IMPORT_KB`) skip the worker: the round trip costs more than their import.
//! Without workers (blocked by a policy, no `worker.js` where the app is served) every job is
//! read here and imported on the main thread.
//! Which job runs when is the core's decision (`strand_app::load`); this module only runs it.

use super::store::{Inner, Store};
use js_sys::{Object, Reflect, Uint8Array};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use strand_app::{Action, Input, JobId, Phase};
use strand_model::transfer;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// From this size of the worker's encoding (about 25k spans) the page paints "merging" before
/// it merges; smaller ones merge at once, which saves a render and a task on every small file.
const PAINT_MERGING_FROM_BYTES: u32 = 4 << 20;
/// After a file this large (bytes), the worker is replaced to give its memory back.
const RECYCLE_AFTER_BYTES: u64 = 64 * 1024 * 1024;

/// How the core wants a job run (`Effect::Import`): with clock-skew adjustment, on the page
/// (`here`), with a preview sent ahead.
#[derive(Clone, Copy)]
pub struct How {
    pub skew: bool,
    pub here: bool,
    pub preview: bool,
    /// A large file: the worker imports it in two parts when it holds log lines.
    pub split: bool,
}

/// A job sent to the worker, or waiting for it to be ready.
struct Pending {
    job: JobId,
    name: String,
    input: Input,
    /// The browser file, for `Input::File`.
    file: Option<web_sys::File>,
    how: How,
}

#[derive(Default)]
struct State {
    worker: Option<web_sys::Worker>,
    /// Keeps the worker's handlers alive as long as the worker.
    handlers: Vec<Closure<dyn FnMut(JsValue)>>,
    /// The worker has instantiated the module (its `ready` message came).
    ready: bool,
    /// Workers cannot run here: read and import on the main thread.
    unavailable: bool,
    /// The job waiting for the worker to be ready; kept (not yet transferred) so that it can
    /// still be imported on the main thread if the worker cannot start at all.
    waiting: Option<Pending>,
    /// The job the worker is on: its id, size and clock-skew setting.
    current: Option<(JobId, u64, bool)>,
    /// Whether its worker keeps a helper worker (told in the worker's `init`).
    helper: bool,
}

/// The import workers, one per job the core lets run at once (`App::import_workers`: the cores
/// less one, or `workers=`); each job goes to a free one. Cloning shares them.
#[derive(Clone)]
pub struct Pool {
    lanes: Rc<Vec<Importer>>,
}

impl Pool {
    /// Starts `lanes` workers right away (at least one). The first keeps a helper worker for the
    /// second half of a large file of log lines, where the browser reports two cores or more
    /// (one helper for the pool: a file that may be split goes to the first worker when it is
    /// free; in another worker it is imported whole).
    pub fn start(store: &Weak<Inner>, lanes: usize) -> Pool {
        let cores = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency());
        let lanes = (0..lanes.max(1)).map(|i| Importer::start(store.clone(), i == 0 && cores >= 2.0));
        Pool { lanes: Rc::new(lanes.collect()) }
    }

    /// Runs `job` on the page (`here`, a small file) or in a free worker (the core never starts
    /// more jobs than there are workers).
    pub fn import(&self, store: &Store, job: JobId, name: String, input: Input, how: How) {
        // A file that may be split goes to the lane with the helper when it is free.
        let free = || self.lanes.iter().filter(|lane| lane.is_free());
        let lane = free()
            .find(|lane| how.split && lane.state.borrow().helper)
            .or_else(|| free().next())
            .or_else(|| self.lanes.first());
        if let Some(lane) = lane {
            lane.import(store, job, name, input, how);
        }
    }

    /// Stops the worker that is on `job`, if any, and starts a fresh one in its place.
    pub fn cancel(&self, job: JobId) {
        for lane in self.lanes.iter() {
            lane.cancel(job);
        }
    }
}

/// One import worker and the job it is on. Cloning shares it.
#[derive(Clone)]
pub struct Importer {
    state: Rc<RefCell<State>>,
    store: Weak<Inner>,
}

impl Importer {
    /// Starts a worker right away (warm start), with a helper worker of its own when `helper`.
    pub fn start(store: Weak<Inner>, helper: bool) -> Importer {
        let importer = Importer { state: Rc::default(), store };
        importer.state.borrow_mut().helper = helper;
        importer.spawn();
        importer
    }

    fn store(&self) -> Option<Store> {
        Store::upgrade(&self.store)
    }

    /// Whether it is on no job (nor holding one until its worker is ready).
    fn is_free(&self) -> bool {
        let state = self.state.borrow();
        state.current.is_none() && state.waiting.is_none()
    }

    fn dispatch(&self, action: Action) {
        if let Some(store) = self.store() {
            store.dispatch(action);
        }
    }

    /// Runs `job`: here when the core says so (`here`, a small file) or when no worker can
    /// run, else in the worker.
    pub fn import(&self, store: &Store, job: JobId, name: String, input: Input, how: How) {
        let size = input.size();
        let file = match &input {
            // The worker (or the page, for a small file) reads the file itself.
            Input::File { key, .. } => match store.file(*key) {
                Some(file) => Some(file),
                None => {
                    self.defer(Action::ImportFailed { job, error: format!("{name}: the file is no longer available") });
                    return;
                }
            },
            Input::Bytes(_) => None,
        };
        let pending = Pending { job, name, input, file, how };
        if how.here || self.state.borrow().unavailable {
            self.import_here(pending);
            return;
        }
        if self.state.borrow().worker.is_none() {
            self.spawn();
        }
        let mut state = self.state.borrow_mut();
        state.current = Some((job, size, how.skew));
        if state.ready {
            drop(state);
            self.send(pending);
        } else {
            state.waiting = Some(pending);
        }
    }

    /// Stops the worker if it is on `job` and starts a fresh one.
    pub fn cancel(&self, job: JobId) {
        let on_it = {
            let mut state = self.state.borrow_mut();
            if state.waiting.as_ref().is_some_and(|p| p.job == job) {
                state.waiting = None;
            }
            state.current.is_some_and(|(j, ..)| j == job)
        };
        if on_it {
            self.stop();
            self.spawn();
        }
    }

    /// Dispatches on a fresh task (never inside the current dispatch).
    fn defer(&self, action: Action) {
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move { this.dispatch(action) });
    }

    fn spawn(&self) {
        if self.state.borrow().unavailable {
            return;
        }
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let worker = match web_sys::Worker::new_with_options("./worker.js", &options) {
            Ok(w) => w,
            Err(e) => {
                web_sys::console::warn_2(&"Strand: no import worker, loading on the main thread:".into(), &e);
                self.state.borrow_mut().unavailable = true;
                return;
            }
        };
        let on_message = {
            let this = self.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                if let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() {
                    this.on_message(&event.data());
                }
            })
        };
        let on_error = {
            let this = self.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let detail = event
                    .dyn_ref::<web_sys::ErrorEvent>()
                    .map(|e| e.message())
                    .filter(|m| !m.is_empty())
                    .unwrap_or_else(|| "the import worker could not start or stopped".to_string());
                this.failed(&detail);
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // Same module, already compiled: the worker instantiates it without fetching or compiling.
        let init = Object::new();
        set(&init, "type", "init");
        set(&init, "module", wasm_bindgen::module());
        // A second worker of its own imports the later half of a large file of log lines.
        set(&init, "helpers", u32::from(self.state.borrow().helper));
        if worker.post_message(&init).is_err() {
            worker.terminate();
            self.state.borrow_mut().unavailable = true;
            return;
        }
        let mut state = self.state.borrow_mut();
        state.worker = Some(worker);
        state.handlers = vec![on_message, on_error];
        state.ready = false;
    }

    fn stop(&self) {
        let mut state = self.state.borrow_mut();
        state.ready = false;
        state.current = None;
        if let Some(worker) = state.worker.take() {
            worker.set_onmessage(None);
            worker.set_onerror(None);
            worker.terminate();
        }
        // The closures may be running right now (this can be called from them): drop them later.
        let handlers = std::mem::take(&mut state.handlers);
        if !handlers.is_empty() {
            wasm_bindgen_futures::spawn_local(async move { drop(handlers) });
        }
    }

    /// The worker failed: before it was ready, workers cannot run here (the waiting job is
    /// imported on the main thread); after, it crashed on the current job.
    fn failed(&self, detail: &str) {
        let (ready, current) = {
            let state = self.state.borrow();
            (state.ready, state.current.map(|(j, ..)| j))
        };
        self.stop();
        if ready {
            if let Some(job) = current {
                self.dispatch(Action::ImportCrashed { job, detail: detail.to_string() });
            }
            self.spawn();
        } else {
            web_sys::console::warn_1(
                &format!("Strand: the import worker did not start ({detail}); loading on the main thread").into(),
            );
            let waiting = {
                let mut state = self.state.borrow_mut();
                state.unavailable = true;
                state.waiting.take()
            };
            if let Some(pending) = waiting {
                self.import_here(pending);
            }
        }
    }

    fn send(&self, pending: Pending) {
        let Some(worker) = self.state.borrow().worker.clone() else {
            self.import_here(pending);
            return;
        };
        let msg = Object::new();
        set(&msg, "id", f64::from(pending.job));
        set(&msg, "name", pending.name.as_str());
        set(&msg, "skew", pending.how.skew);
        set(&msg, "preview", pending.how.preview);
        set(&msg, "split", pending.how.split);
        let sent = match (&pending.input, &pending.file) {
            (Input::File { .. }, Some(file)) => {
                set(&msg, "file", file);
                worker.post_message(&msg)
            }
            (Input::Bytes(bytes), _) => {
                let array = Uint8Array::new_with_length(u32::try_from(bytes.len()).unwrap_or(u32::MAX));
                array.copy_from(bytes);
                let buffer: JsValue = array.buffer().into();
                set(&msg, "bytes", &buffer);
                worker.post_message_with_transfer(&msg, &js_sys::Array::of1(&buffer))
            }
            (Input::File { .. }, None) => Err(JsValue::NULL),
        };
        if sent.is_err() {
            self.stop();
            self.state.borrow_mut().unavailable = true;
            self.import_here(pending);
        }
    }

    fn on_message(&self, data: &JsValue) {
        let kind = get(data, "type").as_string();
        if !self.state.borrow().ready {
            match kind.as_deref() {
                Some("ready") => {
                    let waiting = {
                        let mut state = self.state.borrow_mut();
                        state.ready = true;
                        state.waiting.take()
                    };
                    if let Some(pending) = waiting {
                        self.send(pending);
                    }
                }
                Some("crashed") => self.failed(&get(data, "error").as_string().unwrap_or_default()),
                _ => {}
            }
            return;
        }
        if kind.as_deref() == Some("warm") {
            if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
                let ms = get(data, "ms").as_f64().unwrap_or(0.0);
                let end = perf.now();
                measure(&perf, "strand:warm:worker", end - ms, end);
            }
            return;
        }
        let job = get(data, "id").as_f64().unwrap_or(-1.0) as JobId;
        let Some((_, _, skew)) = self.state.borrow().current.filter(|(j, ..)| *j == job) else {
            return;
        };
        match kind.as_deref() {
            Some("progress") => {
                let phase = match get(data, "phase").as_string().as_deref() {
                    Some("read") => Phase::Reading,
                    _ => Phase::Parsing,
                };
                let (done, total) =
                    (get(data, "done").as_f64().unwrap_or(0.0), get(data, "total").as_f64().unwrap_or(0.0));
                self.dispatch(Action::ImportProgress { job, phase, done, total });
            }
            Some("preview") => self.preview(job, skew, data),
            Some("done") => self.done(job, skew, data),
            Some("error") => {
                let error =
                    get(data, "error").as_string().unwrap_or_else(|| "the file could not be loaded".to_string());
                self.job_ended();
                self.dispatch(Action::ImportFailed { job, error });
            }
            Some("crashed") => self.failed(&get(data, "error").as_string().unwrap_or_default()),
            _ => {}
        }
    }

    /// Clears the current job; replaces the worker after a large one.
    fn job_ended(&self) {
        let size = self.state.borrow_mut().current.take().map_or(0, |(_, size, _)| size);
        if size >= RECYCLE_AFTER_BYTES {
            self.stop();
            self.spawn();
        }
    }

    fn done(&self, job: JobId, skew: bool, data: &JsValue) {
        let timings = get(data, "timings");
        record_worker_timings(
            get(&timings, "read").as_f64().unwrap_or(0.0),
            get(&timings, "import").as_f64().unwrap_or(0.0),
            get(&timings, "encode").as_f64().unwrap_or(0.0),
        );
        let payload = get(data, "payload");
        // A file of log lines imported in two parts: the later parts' encodings.
        let parts: Vec<js_sys::ArrayBuffer> = match get(data, "parts").dyn_into::<js_sys::Array>() {
            Ok(list) => list.iter().filter_map(|p| p.dyn_into::<js_sys::ArrayBuffer>().ok()).collect(),
            Err(_) => Vec::new(),
        };
        if !parts.is_empty() {
            // For tests and profiles: this file came in parts.
            super::perf::mark("strand:import-parts");
        }
        let format = get(data, "format").as_string().unwrap_or_default();
        self.job_ended();
        let small = parts.is_empty()
            && payload.dyn_ref::<js_sys::ArrayBuffer>().is_some_and(|b| b.byte_length() < PAINT_MERGING_FROM_BYTES);
        if small {
            // Merged in a few milliseconds: no "merging" frame, no extra render and task.
            self.merge(job, skew, format, payload, parts);
            return;
        }
        self.dispatch(Action::ImportProgress { job, phase: Phase::Merging, done: 0.0, total: 0.0 });
        let this = self.clone();
        // Let the page paint "merging" before the core takes the main thread.
        wasm_bindgen_futures::spawn_local(async move {
            super::yield_to_browser().await;
            this.merge(job, skew, format, payload, parts);
        });
    }

    /// The worker's preview of a large file (`Effect::Import::preview`): the core shows it, if
    /// nothing else is loaded, until the file itself lands.
    fn preview(&self, job: JobId, skew: bool, data: &JsValue) {
        let Ok(buffer) = get(data, "payload").dyn_into::<js_sys::ArrayBuffer>() else {
            return;
        };
        let covered = get(data, "covered").as_f64().unwrap_or(0.0) as u64;
        super::memory::make_room(buffer.byte_length() as usize);
        let payload = Box::new(JsSource { array: Uint8Array::new(&buffer), offset: 0 });
        super::perf::mark("strand:preview:start");
        self.dispatch(Action::Previewed { job, payload, covered, skew });
        super::perf::measure_since("strand:preview", "strand:preview:start");
    }

    /// Hands the worker's encoding to the core, which decodes and merges it: at once, or a
    /// slice per task for a large one (`Effect::ContinueImport`, performed by the store, which
    /// ends the `strand:merge` measure when the last slice lands).
    fn merge(&self, job: JobId, skew: bool, format: String, payload: JsValue, parts: Vec<js_sys::ArrayBuffer>) {
        super::perf::mark("strand:merge:start");
        let action = match payload.dyn_into::<js_sys::ArrayBuffer>() {
            Ok(buffer) => {
                let size = buffer.byte_length() + parts.iter().map(js_sys::ArrayBuffer::byte_length).sum::<u32>();
                let parts = parts
                    .iter()
                    .map(|p| Box::new(JsSource { array: Uint8Array::new(p), offset: 0 }) as Box<dyn transfer::Source>)
                    .collect();
                // The decoded model takes at least as many bytes as its encoding; room for one
                // step at a time (growing by hundreds of MB at once took ~90 ms in one task).
                super::memory::make_room((size as usize).min(strand_app::STEP_BYTES));
                Action::Imported {
                    job,
                    format,
                    payload: Box::new(JsSource { array: Uint8Array::new(&buffer), offset: 0 }),
                    parts,
                    size: u64::from(size),
                    skew,
                }
            }
            Err(_) => Action::ImportFailed { job, error: "the import worker returned no data".to_string() },
        };
        self.dispatch(action);
        if let Some(store) = self.store() {
            super::perf::merge_landed(&store);
        }
    }

    /// Import on the page: read the job's bytes, then let the core import them. For small files
    /// (the core's choice, `Effect::Import::here`) and when no worker can run.
    fn import_here(&self, pending: Pending) {
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let job = pending.job;
            let bytes = match (pending.input, pending.file) {
                (Input::Bytes(bytes), _) => Ok(bytes),
                (Input::File { .. }, Some(file)) => read_bytes(&file).await,
                (Input::File { .. }, None) => Err("the file is no longer available".to_string()),
            };
            match bytes {
                Ok(bytes) => {
                    super::perf::measure_since("strand:read", "strand:read:start");
                    // The core imports and merges as it applies this action.
                    super::perf::mark("strand:import:start");
                    this.dispatch(Action::ImportHere { job, bytes });
                    super::perf::measure_since("strand:import", "strand:import:start");
                }
                Err(error) => this.dispatch(Action::ImportFailed {
                    job,
                    error: format!("{}: could not be read: {error}", pending.name),
                }),
            }
        });
    }
}

fn set(obj: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), &value.into());
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

async fn read_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(|e| describe_js_error(&e))?;
    let buffer: js_sys::ArrayBuffer = buffer.dyn_into().map_err(|_| "the browser returned no data".to_string())?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

fn describe_js_error(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown browser error (the file may be too large for this tab)".to_string())
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
    set(&options, "start", start);
    set(&options, "end", end);
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
        // No zero-filling first: `Vec::resize` in this size-optimised crate writes zeros a byte
        // at a time (see `worker::read_input`); `to_vec` copies straight in, then one bulk append.
        out.extend_from_slice(&self.array.subarray(self.offset, self.offset + n).to_vec());
        self.offset += n;
        n as usize
    }
}
