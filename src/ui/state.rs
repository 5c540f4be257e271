//! App state and its reducer: the loaded dataset, the selected trace, the notices shown to the
//! user and the progress of loading. Files are parsed by the import worker (`loader`) and merged
//! here (`Action::Loaded`); `Action::Load` imports on this thread (the loader's fallback). A bad
//! file only adds an error notice and leaves what was loaded untouched.

use std::cell::RefCell;
use std::rc::Rc;
use strand_formats::{self as formats, AssembleOptions};
use strand_model::Dataset;
use strand_view::route::Route;
use yew::Reducible;

/// The dataset shared with components. Equality is by generation, which every change bumps, so
/// components re-render exactly when the data changed.
#[derive(Clone)]
pub struct DataHandle {
    inner: Rc<RefCell<Dataset>>,
    pub generation: u64,
}

impl PartialEq for DataHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner) && self.generation == other.generation
    }
}

impl DataHandle {
    pub fn borrow(&self) -> std::cell::Ref<'_, Dataset> {
        self.inner.borrow()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NoticeKind {
    Loaded,
    Error,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Notice {
    pub id: u64,
    pub kind: NoticeKind,
    pub text: String,
    pub details: Vec<String>,
}

/// Where the file being loaded is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LoadPhase {
    Reading,
    Parsing,
    Merging,
}

/// What the loader is doing, for the progress bar.
#[derive(Clone, PartialEq, Debug)]
pub struct LoadProgress {
    pub file: String,
    pub phase: LoadPhase,
    /// Bytes read so far and the file size (reading); 0 when the phase has no measure.
    pub done: f64,
    pub total: f64,
    /// This file's position in the batch (1-based) and the batch size.
    pub position: usize,
    pub count: usize,
}

#[derive(Clone, PartialEq)]
pub struct AppState {
    pub data: DataHandle,
    /// What the address bar says: selected trace, span, view and search.
    pub route: Route,
    /// Whether the last route change should add a history entry (false: replace it).
    pub push_history: bool,
    pub notices: Vec<Notice>,
    pub options: AssembleOptions,
    /// The file being loaded, if any.
    pub loading: Option<LoadProgress>,
    next_notice: u64,
}

impl Default for AppState {
    fn default() -> Self {
        AppState {
            data: DataHandle { inner: Rc::new(RefCell::new(Dataset::new())), generation: 0 },
            route: Route::default(),
            push_history: false,
            notices: Vec::new(),
            options: AssembleOptions::default(),
            loading: None,
            next_notice: 0,
        }
    }
}

pub enum Action {
    /// A file's bytes are here: load them. Components dispatch this; the loader (`route_loads`)
    /// sends it to the import worker, and only its main-thread fallback reaches the reducer.
    Load {
        file: String,
        bytes: Vec<u8>,
    },
    /// The import worker parsed and assembled a file (with clock-skew adjustment `skew`):
    /// decode the encoding (`model::transfer`) and merge it.
    Loaded {
        file: String,
        format: String,
        payload: js_sys::Uint8Array,
        skew: bool,
    },
    /// The import worker could not use a file; `error` says why, naming the file.
    LoadFailed {
        error: String,
    },
    /// Loading progressed (`None`: nothing is loading any more).
    Progress(Option<LoadProgress>),
    /// A file could not even be read.
    ReadFailed {
        file: String,
        error: String,
    },
    /// Go to another trace, span, view or search; `push` adds a history entry.
    Navigate {
        route: Route,
        push: bool,
    },
    /// Show a message (e.g. a collector request that failed); nothing loaded changes.
    Notify {
        kind: NoticeKind,
        text: String,
        details: Vec<String>,
    },
    Dismiss(u64),
    ClearAll,
    SetClockSkew(bool),
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Load { file, bytes } => next.load(&file, &bytes),
            Action::Loaded { file, format, payload, skew } => next.merge_loaded(&file, &format, payload, skew),
            Action::LoadFailed { error } => next.notify(
                NoticeKind::Error,
                error,
                vec!["Nothing from this file was loaded; what was loaded before is still here.".to_string()],
            ),
            Action::Progress(progress) => next.loading = progress,
            Action::ReadFailed { file, error } => {
                next.notify(NoticeKind::Error, format!("{file}: could not be read: {error}"), Vec::new());
            }
            Action::Navigate { route, push } => {
                next.route = route;
                next.push_history = push;
            }
            Action::Notify { kind, text, details } => next.notify(kind, text, details),
            Action::Dismiss(id) => next.notices.retain(|n| n.id != id),
            Action::ClearAll => {
                next.data.inner.borrow_mut().clone_from(&Dataset::new());
                next.data.generation += 1;
                next.route = Route { other: next.route.other.clone(), ..Route::default() };
                next.push_history = true;
                next.notices.clear();
            }
            Action::SetClockSkew(on) => {
                next.options.adjust_clock_skew = on;
                formats::reassemble_all(&mut next.data.inner.borrow_mut(), &next.options);
                next.data.generation += 1;
            }
        }
        Rc::new(next)
    }
}

impl AppState {
    /// The state a page opens with: nothing loaded, the route from the address.
    pub fn with_route(route: Route) -> AppState {
        AppState { route, ..AppState::default() }
    }

    /// The index of the trace the route names, if it is loaded.
    pub fn selected_trace(&self, data: &Dataset) -> Option<usize> {
        let wanted = self.route.trace.as_deref()?;
        data.traces.iter().position(|t| t.trace_id.display(&data.strings) == wanted)
    }

    fn notify(&mut self, kind: NoticeKind, text: String, details: Vec<String>) {
        self.next_notice += 1;
        self.notices.push(Notice { id: self.next_notice, kind, text, details });
    }

    fn load(&mut self, file: &str, bytes: &[u8]) {
        super::perf::mark("strand:import:start");
        let result = {
            let mut data = self.data.inner.borrow_mut();
            formats::load(&mut data, bytes, file, None, &self.options)
        };
        super::perf::measure_since("strand:import", "strand:import:start");
        self.report(file, result.map_err(|err| err.to_string()));
    }

    /// Decodes what the import worker sent and merges it. Traces it assembled are kept as they
    /// are unless the clock-skew setting changed meanwhile.
    fn merge_loaded(&mut self, file: &str, format: &str, payload: js_sys::Uint8Array, skew: bool) {
        let perf = web_sys::window().and_then(|w| w.performance());
        let start = perf.as_ref().map_or(0.0, |p| p.now());
        let result = {
            let mut data = self.data.inner.borrow_mut();
            let mut source = super::loader::JsSource { array: payload, offset: 0 };
            match strand_model::transfer::decode(&mut source, &mut data.strings) {
                Ok(decoded) => {
                    let imported = formats::Imported {
                        traces: decoded.traces,
                        dependencies: decoded.dependencies,
                        notes: decoded.notes,
                    };
                    let summary = if skew == self.options.adjust_clock_skew {
                        formats::merge_assembled(&mut data, imported, &self.options)
                    } else {
                        formats::merge(&mut data, imported, &self.options)
                    };
                    Ok((formats::Format::parse(format).unwrap_or(formats::Format::Otlp), summary))
                }
                Err(err) => Err(format!("{file}: {err}. This is a bug in Strand; please report it.")),
            }
        };
        if let Some(perf) = perf {
            super::loader::measure(&perf, "strand:merge", start, perf.now());
        }
        self.report(file, result);
    }

    fn report(&mut self, file: &str, result: Result<(formats::Format, formats::LoadSummary), String>) {
        match result {
            Ok((format, summary)) => {
                self.data.generation += 1;
                let mut text = format!(
                    "{file}: {} — {} span{} in {} new trace{}",
                    format.label(),
                    summary.spans_added,
                    plural(summary.spans_added),
                    summary.traces_added,
                    plural(summary.traces_added),
                );
                if summary.traces_merged > 0 {
                    text.push_str(&format!(", {} merged into loaded traces", summary.traces_merged));
                }
                if summary.dependencies_added > 0 {
                    text.push_str(&format!(", {} dependency links", summary.dependencies_added));
                }
                self.notify(NoticeKind::Loaded, text, summary.notes);
                let data = self.data.inner.borrow();
                if self.selected_trace(&data).is_none() {
                    self.route.trace = data.traces.first().map(|t| t.trace_id.display(&data.strings));
                    self.route.span = None;
                    self.push_history = false;
                }
            }
            Err(err) => self.notify(
                NoticeKind::Error,
                err,
                vec!["Nothing from this file was loaded; what was loaded before is still here.".to_string()],
            ),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
