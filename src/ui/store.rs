//! The app core in the page: one `strand_app::App` shared by the components. `Store::dispatch`
//! applies an action and performs the effects it returns — start or cancel an import (the
//! import worker, `importer`), run a request plan (`fetch`), save the connection — then asks the
//! root component to render again. Components read snapshots and dispatch; they never decide.

use super::importer::Pool;
use std::cell::{Cell, Ref, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::rc::{Rc, Weak};
use strand_app::{Action, App, Effect, Env, FileKey};
use strand_model::Dataset;
use strand_view::route::Route;
use yew::Callback;

/// Where the collector connection is kept between visits (never in the address).
const CONNECTION_KEY: &str = "strand.connection";
/// Where the log link templates and the masking setting are kept (never in the address).
const LINK_TEMPLATES_KEY: &str = "strand.link-templates";
const MASK_KEY: &str = "strand.mask";

/// The shared app. Cloning shares it; equality is identity.
#[derive(Clone)]
pub struct Store(Rc<Inner>);

pub(super) struct Inner {
    app: RefCell<App>,
    /// Files the user picked or dropped, by the key the core knows them by.
    files: RefCell<BTreeMap<FileKey, web_sys::File>>,
    next_file: Cell<FileKey>,
    rerender: RefCell<Option<Callback<()>>>,
    importer: RefCell<Option<Pool>>,
    /// Actions waiting to be applied, in order (see [`Store::dispatch`]).
    queue: RefCell<VecDeque<Action>>,
    draining: Cell<bool>,
}

impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The dataset as components see it. Equality is by generation, which every change bumps, so
/// components re-render exactly when the data changed.
#[derive(Clone)]
pub struct DataHandle {
    store: Store,
    pub generation: u64,
}

impl PartialEq for DataHandle {
    fn eq(&self, other: &Self) -> bool {
        self.store == other.store && self.generation == other.generation
    }
}

impl DataHandle {
    pub fn borrow(&self) -> Ref<'_, Dataset> {
        Ref::map(self.store.0.app.borrow(), App::data)
    }
}

impl Store {
    /// The app for a page opened at `route`; call [`Store::start`] once the page is up.
    pub fn new(route: Route) -> Store {
        let env = Env {
            page_origin: super::fetch::page_origin(),
            saved_connection: stored(CONNECTION_KEY),
            saved_settings: stored(strand_app::Settings::STORAGE_KEY),
            saved_link_templates: stored(LINK_TEMPLATES_KEY),
            saved_mask: stored(MASK_KEY),
            cores: web_sys::window().map_or(0, |w| w.navigator().hardware_concurrency() as u32),
        };
        super::hooks::set_defer_from(route.defer_spans);
        let (app, opening) = App::open(route, env);
        super::settings::apply_theme(app.settings.theme);
        let _ = super::settings::apply_time_zone(&app.settings.time_zone);
        let store = Store::detached(app);
        // Warm start: the import workers instantiate the module while the page renders, so the
        // first file does not wait for them; the page warms its own code once it has painted.
        let lanes = store.read().import_workers();
        *store.0.importer.borrow_mut() = Some(Pool::start(&store.downgrade(), lanes));
        store.perform(opening);
        super::warm::schedule(&store);
        store
    }

    /// A store over `app` that starts no worker and whose effects go nowhere: for rendering
    /// views off-screen (the warm-up), and the start of [`Store::new`].
    pub fn detached(app: App) -> Store {
        Store(Rc::new(Inner {
            app: RefCell::new(app),
            files: RefCell::new(BTreeMap::new()),
            next_file: Cell::new(0),
            rerender: RefCell::new(None),
            importer: RefCell::new(None),
            queue: RefCell::new(VecDeque::new()),
            draining: Cell::new(false),
        }))
    }

    fn downgrade(&self) -> Weak<Inner> {
        Rc::downgrade(&self.0)
    }

    pub(super) fn upgrade(weak: &Weak<Inner>) -> Option<Store> {
        weak.upgrade().map(Store)
    }

    /// The callback that renders the root component again (set by it on every render).
    pub fn set_rerender(&self, rerender: Callback<()>) {
        *self.0.rerender.borrow_mut() = Some(rerender);
    }

    /// Reads the app.
    pub fn read(&self) -> Ref<'_, App> {
        self.0.app.borrow()
    }

    /// The app, unless an action is being applied right now.
    pub fn try_read(&self) -> Option<Ref<'_, App>> {
        self.0.app.try_borrow().ok()
    }

    pub fn data(&self) -> DataHandle {
        DataHandle { store: self.clone(), generation: self.read().generation() }
    }

    /// Applies `action`, performs its effects and renders again. Actions are applied in the order
    /// they were dispatched: one dispatched while another is being applied (by an effect) waits
    /// its turn, and one dispatched while a component still reads the app (a callback holding
    /// the dataset) is applied on a fresh task.
    pub fn dispatch(&self, action: Action) {
        super::warm::unmount();
        self.0.queue.borrow_mut().push_back(action);
        self.drain();
    }

    fn drain(&self) {
        if self.0.draining.replace(true) {
            return;
        }
        loop {
            let Ok(mut app) = self.0.app.try_borrow_mut() else {
                self.0.draining.set(false);
                let store = self.clone();
                wasm_bindgen_futures::spawn_local(async move { store.drain() });
                return;
            };
            let Some(action) = self.0.queue.borrow_mut().pop_front() else { break };
            let effects = app.apply(action);
            drop(app);
            self.perform(effects);
        }
        self.0.draining.set(false);
        let rerender = self.0.rerender.borrow().clone();
        if let Some(rerender) = rerender {
            rerender.emit(());
        }
    }

    /// A callback that dispatches what `make` builds from its argument.
    pub fn callback<T: 'static>(&self, make: impl Fn(T) -> Action + 'static) -> Callback<T> {
        let store = self.clone();
        Callback::from(move |value: T| store.dispatch(make(value)))
    }

    /// Queues every file of a `FileList`, in order (the core refuses those too large).
    pub fn load_files(&self, files: &web_sys::FileList) {
        for file in (0..files.length()).filter_map(|i| files.get(i)) {
            let key = self.0.next_file.get();
            self.0.next_file.set(key.wrapping_add(1));
            let (name, size) = (file.name(), file.size().max(0.0) as u64);
            self.0.files.borrow_mut().insert(key, file);
            self.dispatch(Action::LoadFile { key, name, size });
        }
    }

    /// The browser file the core calls `key`.
    pub(super) fn file(&self, key: FileKey) -> Option<web_sys::File> {
        self.0.files.borrow().get(&key).cloned()
    }

    fn perform(&self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Import { job, name, input, skew, here, preview, split } => {
                    super::perf::mark("strand:read:start");
                    let importer = self.0.importer.borrow();
                    if let Some(importer) = importer.as_ref() {
                        importer.import(self, job, name, input, super::importer::How { skew, here, preview, split });
                    }
                }
                Effect::ContinueImport { job } => {
                    // The next slice of a large encoding, on a fresh task: the page renders the
                    // progress and handles input in between.
                    let store = self.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        super::yield_to_browser().await;
                        super::memory::make_room(strand_app::STEP_BYTES);
                        store.dispatch(Action::DecodeMore { job });
                        super::perf::merge_landed(&store);
                    });
                }
                Effect::CancelImport { job } => {
                    if let Some(importer) = self.0.importer.borrow().as_ref() {
                        importer.cancel(job);
                    }
                }
                Effect::ReleaseFile { key } => {
                    self.0.files.borrow_mut().remove(&key);
                }
                Effect::RunPlan { request, plan, timeout_ms } => {
                    let store = self.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let fetch = super::fetch::BrowserFetch { timeout_ms };
                        let finished = strand_app::plan::run(&fetch, plan).await;
                        store.dispatch(Action::PlanFinished { request, finished });
                    });
                }
                Effect::SaveSettings(text) => {
                    store_item(strand_app::Settings::STORAGE_KEY, Some(&text));
                    let settings = self.read().settings.clone();
                    super::settings::apply_theme(settings.theme);
                    let _ = super::settings::apply_time_zone(&settings.time_zone);
                }
                Effect::RestoreKept => super::persist::restore(self),
                Effect::ContinueRestore => {
                    let store = self.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        super::yield_to_browser().await;
                        super::memory::make_room(strand_app::STEP_BYTES);
                        store.dispatch(Action::RestoreMore);
                        super::perf::restore_landed(&store);
                    });
                }
                Effect::KeepData => super::persist::keep(self),
                Effect::ForgetKept => super::persist::forget(),
                Effect::SaveConnection(value) => store_item(CONNECTION_KEY, value.as_deref()),
                Effect::SaveLinkTemplates(value) => store_item(LINK_TEMPLATES_KEY, value.as_deref()),
                Effect::SaveMask(value) => store_item(MASK_KEY, Some(&value)),
            }
        }
    }
}

/// The value kept in local storage under `key`, if any.
fn stored(key: &str) -> Option<String> {
    local_storage().and_then(|s| s.get_item(key).ok().flatten())
}

/// Keeps (`Some`) or removes a value in local storage; a browser that refuses keeps nothing.
fn store_item(key: &str, value: Option<&str>) {
    if let Some(storage) = local_storage() {
        let _ = match value {
            Some(text) => storage.set_item(key, text),
            None => storage.remove_item(key),
        };
    }
}

/// Local storage, if the browser allows it (private modes and policies may not).
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}
