//! The app's state and the one function that changes it: [`App::apply`] takes an [`Action`] —
//! a command from the user or a fact an effect reported — changes the state and returns the
//! [`Effect`]s to perform. Nothing here waits, reads a clock or touches the browser.

use crate::collect::{Collector, CollectorCommand, RequestId};
use crate::load::{FileKey, Input, JobId, LoadQueue, Phase, Progress};
use crate::notice::{NoticeAction, NoticeKind, Notices};
use crate::persist::KeptMeta;
use crate::plan::{Finished, Plan};
use crate::settings::Settings;
use strand_formats::AssembleOptions;
use strand_model::{transfer, Dataset};
use strand_view::route::Route;

/// Files above this size (1 GB) are refused before reading (see README, "Large files"): a tab
/// gives WebAssembly at most 4 GiB, and loading needs about 2.5–3× the file.
pub const MAX_FILE_BYTES: u64 = 1_000_000_000;

/// What the app knows of where it runs, given once at start.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Env {
    /// The page's origin (`http://127.0.0.1:8080`), named in CORS advice.
    pub page_origin: String,
    /// The collector connection saved in local storage (`Connection::to_storage`), if any.
    pub saved_connection: Option<String>,
    /// The settings saved in local storage (`Settings::serialize`), if any.
    pub saved_settings: Option<String>,
    /// The log link templates and the masking setting saved in local storage, if any.
    pub saved_link_templates: Option<String>,
    pub saved_mask: Option<String>,
    /// The machine's logical cores (`navigator.hardwareConcurrency`; 0 when unknown): files load
    /// in `cores - 1` workers side by side (at least one, at most [`MAX_WORKERS`]) unless the
    /// address says `workers=`.
    pub cores: u32,
}

/// The most import workers that load files side by side.
pub const MAX_WORKERS: u32 = 8;

/// Files up to this size (kB) are imported on the page, not in a worker, unless the address
/// says `page-import=`. A small file's import takes a few milliseconds there (the page's code is
/// warm), while the worker's round trip (posting the file, reading it in chunks with progress,
/// encoding the result, decoding and merging it on the page) cost ~40-50 ms of the ~110 ms to
/// the first rows of a 1k-span file. Up to this size the import blocks the page for ~20 ms.
pub const PAGE_IMPORT_KB: u32 = 2048;

/// Something the user asked for, or something an effect reports.
pub enum Action {
    // ---- commands ----
    /// A file the browser holds under `key` (picked, dropped).
    LoadFile {
        key: FileKey,
        name: String,
        size: u64,
    },
    /// Bytes to load (pasted text, the demo).
    LoadBytes {
        name: String,
        bytes: Vec<u8>,
    },
    /// Stop loading: the running job and the waiting ones; what was loaded stays.
    CancelLoading,
    /// Empty the workspace (and stop loading).
    ClearAll,
    /// Go to another view; `push` adds a history entry.
    Navigate {
        /// Boxed: a route is the largest thing an action carries.
        route: Box<Route>,
        push: bool,
    },
    /// Show a message; nothing loaded changes.
    Notify {
        kind: NoticeKind,
        text: String,
        details: Vec<String>,
    },
    Dismiss(u64),
    /// Dismiss every notice (and with them an offer to undo Clear all).
    DismissAll,
    /// Dismiss the notices of one batch (a folded summary).
    DismissBatch(u64),
    /// A notice's button (Undo, Forget).
    NoticeAction(NoticeAction),
    /// Change the settings (theme, time zone, keeping data, the list folded).
    SetSettings(Settings),
    SetClockSkew(bool),
    /// Open a URL, connect, search… (see [`CollectorCommand`]).
    Collector(CollectorCommand),
    /// Replace the log link templates (`link_settings`).
    SetLinkTemplates(Vec<strand_view::link_out::LinkTemplate>),
    /// Choose what exports mask (`mask_settings`).
    SetMask(crate::mask_settings::MaskSetting),

    // ---- facts ----
    /// The running job progressed.
    ImportProgress {
        job: JobId,
        phase: Phase,
        done: f64,
        total: f64,
    },
    /// The import worker finished `job`: its encoding (`model::transfer`, `size` bytes in all)
    /// to decode and merge, made with clock-skew adjustment `skew`, in the format named
    /// `format`; for a file of log lines imported in parts, the later parts' encodings.
    Imported {
        job: JobId,
        format: String,
        payload: Box<dyn transfer::Source>,
        parts: Vec<Box<dyn transfer::Source>>,
        size: u64,
        skew: bool,
    },
    /// The import worker's preview of `job`'s large file: the encoding of what the file's
    /// first `covered` bytes hold (`preview`), shown until the file itself lands.
    Previewed {
        job: JobId,
        payload: Box<dyn transfer::Source>,
        covered: u64,
        skew: bool,
    },
    /// Decode the next slice of `job`'s encoding (asked for by [`Effect::ContinueImport`]).
    DecodeMore {
        job: JobId,
    },
    /// No worker could take `job`: here are its bytes; import them here.
    ImportHere {
        job: JobId,
        bytes: Vec<u8>,
    },
    /// `job` could not be used (or read); `error` says why and names the file.
    ImportFailed {
        job: JobId,
        error: String,
    },
    /// The import worker died while on `job`.
    ImportCrashed {
        job: JobId,
        detail: String,
    },
    /// A request plan finished.
    PlanFinished {
        request: RequestId,
        finished: Finished,
    },
    /// The workspace kept in this browser was read back: its encoding and what was kept.
    Restored {
        payload: Box<dyn transfer::Source>,
        meta: KeptMeta,
    },
    /// Decode the next slice of the kept workspace (asked for by [`Effect::ContinueRestore`]).
    RestoreMore,
    /// Nothing was kept (or keeping is not possible here); `error` says why it failed, if it did.
    NothingRestored {
        error: Option<String>,
    },
    /// The workspace was written to this browser.
    Kept(KeptMeta),
    /// Writing it failed (quota, private mode…).
    KeepFailed(String),
}

impl Action {
    /// The load job this answer ends, if it is one.
    fn ends_job(&self) -> Option<JobId> {
        match self {
            Action::Imported { job, .. }
            | Action::DecodeMore { job }
            | Action::ImportHere { job, .. }
            | Action::ImportFailed { job, .. }
            | Action::ImportCrashed { job, .. } => Some(*job),
            _ => None,
        }
    }
}

/// How many jobs load side by side: `workers=` from the address, else the cores less one.
fn workers(route: &Route, env: &Env) -> u32 {
    route.workers.unwrap_or(env.cores.saturating_sub(1)).clamp(1, MAX_WORKERS)
}

/// Something for the browser side to do.
#[derive(Debug, PartialEq)]
pub enum Effect {
    /// Import a job in the import worker (or, if no worker can start, read it and answer
    /// with [`Action::ImportHere`]).
    /// `here`: import it on the page (a small file, see [`PAGE_IMPORT_KB`]): read it and answer
    /// with [`Action::ImportHere`] without a worker. `preview`: a large file; the worker sends
    /// the traces of its first part ahead ([`Action::Previewed`], see `preview`). `split`: a
    /// large file; if it holds log lines, two workers import its halves (see `handover`).
    Import { job: JobId, name: String, input: Input, skew: bool, here: bool, preview: bool, split: bool },
    /// Let the browser render and handle input, then answer with [`Action::DecodeMore`]: `job`'s
    /// encoding is decoded a slice per task (`handover`).
    ContinueImport { job: JobId },
    /// Stop importing `job`; a late answer for it will be ignored anyway.
    CancelImport { job: JobId },
    /// The browser may forget the file `key`.
    ReleaseFile { key: FileKey },
    /// Run a request plan; answer with [`Action::PlanFinished`].
    RunPlan { request: RequestId, plan: Plan, timeout_ms: u32 },
    /// Save (`Some`) or remove the collector connection in local storage.
    SaveConnection(Option<String>),
    /// Save the settings (`Settings::serialize`) in local storage and apply them (theme, zone).
    SaveSettings(String),
    /// Read the workspace kept in this browser; answer with [`Action::Restored`] or
    /// [`Action::NothingRestored`].
    RestoreKept,
    /// Let the browser render and handle input, then answer with [`Action::RestoreMore`]: the
    /// kept workspace is decoded a slice per task, like a worker's file.
    ContinueRestore,
    /// Write the workspace to this browser: the encoding is [`App::snapshot`], made when the
    /// browser gets to it (after the load settled); answer with [`Action::Kept`] or
    /// [`Action::KeepFailed`].
    KeepData,
    /// Delete the kept workspace.
    ForgetKept,
    /// Save (`Some`) or remove the log link templates in local storage (never the address).
    SaveLinkTemplates(Option<String>),
    /// Save the masking setting in local storage.
    SaveMask(String),
}

pub struct App {
    data: Dataset,
    /// Bumped by every change of `data`, and of how times are shown (the time zone): views
    /// compare it to know when to recompute.
    generation: u64,
    pub route: Route,
    /// Whether the last route change should add a history entry (false: replace it).
    pub push_history: bool,
    pub notices: Notices,
    pub options: AssembleOptions,
    pub(crate) loads: LoadQueue,
    /// Answers of jobs that finished before an older running job: merged, in submission order,
    /// once they are the oldest (so loading side by side gives what one after another gives).
    parked: Vec<(JobId, Action)>,
    pub collector: Collector,
    pub(crate) env: Env,
    pub settings: Settings,
    /// The kept workspace, its restore and what Clear all can bring back (`workspace.rs`).
    pub(crate) keep: crate::workspace::KeepState,
    /// Link-out templates to the user's log tool, and what exports mask.
    pub links: crate::link_settings::LinkSettings,
    pub mask: crate::mask_settings::MaskSetting,
    /// The worker's encoding being decoded, a slice per action (`handover`).
    pub(crate) decoding: Option<crate::handover::Decoding>,
    /// The preview of a large file on show while it loads (`preview`).
    pub(crate) preview: Option<crate::preview::Shown>,
    /// Bytes decoded or encoded per step ([`crate::STEP_BYTES`], or `step-kb=` from the
    /// address; tests take smaller steps).
    pub(crate) step_bytes: usize,
}

impl App {
    /// The app as a page opens it, and what to do first: `?demo` loads the demo, `?url=` fetches
    /// a file, `?source=&base=` reconnects (with the saved auth header when it was saved for
    /// the same collector).
    pub fn open(route: Route, env: Env) -> (App, Vec<Effect>) {
        let settings = env.saved_settings.as_deref().map(Settings::parse).unwrap_or_default();
        let slots = workers(&route, &env) as usize;
        let step_bytes = crate::handover::step_bytes(&route);
        let mut app = App {
            data: Dataset::new(),
            generation: 0,
            route,
            push_history: false,
            notices: Notices::default(),
            options: AssembleOptions::default(),
            loads: LoadQueue::with_slots(slots),
            parked: Vec::new(),
            collector: Collector::default(),
            links: env
                .saved_link_templates
                .as_deref()
                .map(crate::link_settings::LinkSettings::parse)
                .unwrap_or_default(),
            mask: env.saved_mask.as_deref().map(crate::mask_settings::MaskSetting::parse).unwrap_or_default(),
            env,
            settings,
            keep: Default::default(),
            decoding: None,
            preview: None,
            step_bytes,
        };
        if app.settings.keep_data {
            // What the page opens with (the demo, `?url=`) waits for the kept workspace.
            return app.open_restoring();
        }
        let mut effects = Vec::new();
        if app.route.demo {
            effects.extend(app.apply(Action::LoadBytes {
                name: strand_formats::demo::DEMO_FILE_NAME.to_string(),
                bytes: strand_formats::demo::DEMO_TRACE_JSON.to_vec(),
            }));
        }
        effects.extend(crate::collect::on_open(&mut app));
        (app, effects)
    }

    pub fn data(&self) -> &Dataset {
        &self.data
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub(crate) fn data_mut(&mut self) -> &mut Dataset {
        &mut self.data
    }

    /// Marks the data (or how it is shown) as changed, so views recompute.
    pub(crate) fn bump(&mut self) {
        self.generation += 1;
    }

    /// What the progress bar shows.
    pub fn progress(&self) -> Option<&Progress> {
        self.loads.progress_view()
    }

    /// The index of the trace the route names, if it is loaded.
    pub fn selected_trace(&self) -> Option<usize> {
        let wanted = self.route.trace.as_deref()?;
        self.data.traces.iter().position(|t| t.trace_id.display(&self.data.strings) == wanted)
    }

    /// The request time limit: `?timeout=` or 30 s.
    pub fn timeout_ms(&self) -> u32 {
        self.route.timeout_ms.unwrap_or(crate::collect::DEFAULT_TIMEOUT_MS)
    }

    /// How many import workers the browser side starts: as many as jobs may run at once.
    pub fn import_workers(&self) -> usize {
        self.loads.slots()
    }

    /// The largest file this tab loads: 1 GB, or less with `?max-file-mb=`.
    pub fn max_file_bytes(&self) -> u64 {
        self.route.max_file_bytes.map_or(MAX_FILE_BYTES, |b| b.min(MAX_FILE_BYTES))
    }

    /// Applies `action` and returns what the browser side must do.
    pub fn apply(&mut self, action: Action) -> Vec<Effect> {
        let effects = self.apply_in_order(action);
        // A newer write or a forget of the kept workspace makes a write still going stale.
        if effects.iter().any(|e| matches!(e, Effect::KeepData | Effect::ForgetKept)) {
            self.keep.writes += 1;
        }
        effects
    }

    /// [`App::apply`], with answers of load jobs merged in submission order.
    fn apply_in_order(&mut self, action: Action) -> Vec<Effect> {
        let Some(job) = action.ends_job() else { return self.apply_now(action) };
        if self.loads.running(job).is_some() && !self.loads.is_oldest(job) {
            self.parked.push((job, action));
            // Its worker is free: the next waiting job can start there.
            self.loads.answered(job);
            return self.start_next();
        }
        let mut effects = self.apply_now(action);
        // The job that ended may have been the one the next parked answer waited for.
        while let Some(oldest) = self.loads.oldest() {
            let Some(at) = self.parked.iter().position(|(j, _)| *j == oldest) else { break };
            let (_, parked) = self.parked.remove(at);
            effects.extend(self.apply_now(parked));
        }
        effects
    }

    fn apply_now(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::LoadFile { key, name, size } => self.load_file(key, name, size),
            Action::LoadBytes { name, bytes } => self.submit(name, Input::Bytes(bytes)),
            Action::CancelLoading => self.cancel_loading(true),
            Action::ClearAll => self.clear_all(),
            Action::Navigate { route, push } => {
                self.route = *route;
                self.push_history = push;
                Vec::new()
            }
            Action::Notify { kind, text, details } => {
                self.notices.push(kind, text, details);
                Vec::new()
            }
            Action::Dismiss(id) => {
                self.notices.dismiss(id);
                self.drop_undo_unless_offered();
                Vec::new()
            }
            Action::DismissAll => {
                self.notices.clear();
                self.drop_undo_unless_offered();
                Vec::new()
            }
            Action::DismissBatch(batch) => {
                self.notices.dismiss_batch(batch);
                self.drop_undo_unless_offered();
                Vec::new()
            }
            Action::NoticeAction(NoticeAction::UndoClear) => self.undo_clear(),
            Action::NoticeAction(NoticeAction::ForgetKept) => self.forget_kept(),
            Action::SetSettings(settings) => self.set_settings(settings),
            Action::Restored { payload, meta } => self.restored(payload, meta),
            Action::RestoreMore => self.restore_more(),
            Action::NothingRestored { error } => self.nothing_restored(error),
            Action::Kept(meta) => self.on_kept(meta),
            Action::KeepFailed(error) => self.keep_failed(error),
            Action::SetClockSkew(on) => {
                self.options.adjust_clock_skew = on;
                strand_formats::reassemble_all(&mut self.data, &self.options);
                self.generation += 1;
                Vec::new()
            }
            Action::Collector(command) => crate::collect::command(self, command),
            Action::SetLinkTemplates(templates) => crate::link_settings::set(self, templates),
            Action::SetMask(setting) => crate::mask_settings::set(self, setting),
            Action::ImportProgress { job, phase, done, total } => {
                self.loads.progress(job, phase, done, total);
                Vec::new()
            }
            Action::Imported { job, format, payload, parts, size, skew } => {
                self.merge_encoded(job, format, payload, parts, size, skew)
            }
            Action::Previewed { job, payload, covered, skew } => self.previewed(job, payload, covered, skew),
            Action::DecodeMore { job } => self.decode_more(job),
            Action::ImportHere { job, bytes } => self.import_here(job, &bytes),
            Action::ImportFailed { job, error } => self.job_failed(job, error),
            Action::ImportCrashed { job, detail } => {
                let name = self.loads.running(job).map(|r| r.name.clone()).unwrap_or_default();
                self.job_failed(
                    job,
                    format!(
                        "{name}: the import stopped unexpectedly ({detail}). This is a bug in Strand; please report it with the file if you can."
                    ),
                )
            }
            Action::PlanFinished { request, finished } => crate::collect::finished(self, request, finished),
        }
    }

    // ---- loading ---------------------------------------------------------------------------

    fn load_file(&mut self, key: FileKey, name: String, size: u64) -> Vec<Effect> {
        let limit = self.max_file_bytes();
        if size > limit {
            self.notices.error(
                format!(
                    "{name} is {}; this tab loads files of up to {}.",
                    strand_model::format::bytes(size as f64),
                    strand_model::format::bytes(limit as f64)
                ),
                vec![
                    "A browser tab gives WebAssembly at most 4 GB, and loading needs about 2.5–3× the file size. \
                     Split the file, or keep only the traces you need (e.g. with jq, or strand-cli), and load the parts; \
                     they merge into what is loaded."
                        .to_string(),
                    "Nothing was read; what was loaded before is still here.".to_string(),
                ],
            );
            return vec![Effect::ReleaseFile { key }];
        }
        self.submit(name, Input::File { key, size })
    }

    /// Queues a job and starts it if nothing else is loading.
    pub(crate) fn submit(&mut self, name: String, input: Input) -> Vec<Effect> {
        if self.loads.is_idle() {
            self.notices.begin_batch();
        }
        self.forget_cleared();
        self.loads.submit(name, input);
        self.start_next()
    }

    pub(crate) fn start_next(&mut self) -> Vec<Effect> {
        let started = self.loads.start_next(self.options.adjust_clock_skew);
        let here_up_to = u64::from(self.route.page_import_kb.unwrap_or(PAGE_IMPORT_KB)) * 1024;
        started
            .into_iter()
            .map(|(running, input)| {
                let here = input.size() <= here_up_to;
                let preview = !here && self.wants_preview(&input);
                let split = !here && self.wants_split(&input);
                let (job, name, skew) = (running.id, running.name, running.skew);
                Effect::Import { job, name, input, skew, here, preview, split }
            })
            .collect()
    }

    /// Ends `job` (if it is the running one) and starts the next; returns its name.
    pub(crate) fn end_job(&mut self, job: JobId, effects: &mut Vec<Effect>) -> Option<String> {
        let running = self.loads.finish(job)?;
        if let Some(key) = running.file {
            effects.push(Effect::ReleaseFile { key });
        }
        effects.extend(self.start_next());
        // Written once the queue is empty, by the report of this job (see `report`).
        Some(running.name)
    }

    fn cancel_loading(&mut self, tell: bool) -> Vec<Effect> {
        let cancelled = self.loads.cancel_all();
        self.parked.clear();
        self.decoding = None;
        self.drop_preview(None);
        let mut effects = Vec::new();
        for job in &cancelled.waiting {
            if let Input::File { key, .. } = job.input {
                effects.push(Effect::ReleaseFile { key });
            }
        }
        for running in &cancelled.running {
            effects.push(Effect::CancelImport { job: running.id });
            if let Some(key) = running.file {
                effects.push(Effect::ReleaseFile { key });
            }
        }
        if let (Some(first), true) = (cancelled.running.first(), tell) {
            let more = match cancelled.waiting.len() + cancelled.running.len() - 1 {
                0 => String::new(),
                n => format!(" ({n} more {} not loaded)", strand_model::format::plural(n as u64, "file")),
            };
            self.notices.error(
                format!("Loading {} was cancelled{more}.", first.name),
                vec!["Nothing from it was loaded; what was loaded before is still here.".to_string()],
            );
        }
        effects
    }

    fn clear_all(&mut self) -> Vec<Effect> {
        // A file still loading would otherwise land in the emptied workspace.
        let mut effects = self.cancel_loading(false);
        // So would the rest of a kept workspace being restored; its strings are in the old data.
        // (Nothing the page was opened with is opened then: the user cleared the workspace.)
        if self.keep.decoding.take().is_some() {
            self.keep.restoring = false;
            self.keep.deferred_open = false;
        }
        let data = std::mem::take(&mut self.data);
        let route = self.route.clone();
        self.generation += 1;
        self.route = self.route.session();
        self.push_history = true;
        self.notices.clear();
        effects.extend(self.offer_undo(data, route));
        effects
    }

    /// The main-thread fallback: import and merge here.
    fn import_here(&mut self, job: JobId, bytes: &[u8]) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.loads.running(job).is_none() {
            return effects;
        }
        let name = self.end_job(job, &mut effects).unwrap_or_default();
        // The file itself replaces its preview (the workspace was empty before it).
        self.replace_preview(job);
        let result = strand_formats::load(&mut self.data, bytes, &name, None, &self.options).map_err(|e| e.to_string());
        self.report(&name, result);
        effects.extend(self.keep_if_settled());
        effects
    }

    fn job_failed(&mut self, job: JobId, error: String) -> Vec<Effect> {
        let mut effects = Vec::new();
        self.drop_preview(Some(job));
        if self.end_job(job, &mut effects).is_some() {
            self.notices.error(error, vec![crate::notice::NOTHING_LOST.to_string()]);
        }
        effects.extend(self.keep_if_settled());
        effects
    }

    pub(crate) fn report(
        &mut self,
        file: &str,
        result: Result<(strand_formats::Format, strand_formats::LoadSummary), String>,
    ) {
        match result {
            Ok((format, summary)) => {
                self.generation += 1;
                self.keep.dirty = true;
                let text = crate::notice::loaded_text(file, format, &summary);
                self.land();
                self.notices.loaded(text, summary.notes, self.route.page);
            }
            Err(err) => self.notices.error(err, vec![crate::notice::NOTHING_LOST.to_string()]),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
