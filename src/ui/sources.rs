//! Where traces come from besides dropped files: "Open URL…" (also `?url=` on page load) and
//! "Connect…" to a collector (Jaeger, Zipkin, Tempo; kept in local storage, kind and base URL in
//! the address as `source=`/`base=`), with service and operation pickers, a search form, open by
//! trace id and dependency links. Requests and answers are `strand_sources` (pure); this component
//! only runs them through `fetch` and hands bodies to the app with `Action::Load`. A failure adds
//! an error notice and never touches what is loaded.

use super::fetch::{self, DEFAULT_TIMEOUT_MS};
use super::state::{Action, NoticeKind};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use strand_sources::errors::{explain, Context, Target};
use strand_sources::query::{SearchForm, DEFAULT_LIMIT, DEFAULT_LOOKBACK};
use strand_sources::{self as sources, remote_file, tempo, CollectorKind, Connection, Failure, Outcome, Step};
use strand_view::route::{Page, Route};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

const STORAGE_KEY: &str = "strand.connection";
/// How many traces a Tempo search fetches at once.
const TEMPO_PARALLEL: usize = 4;
const LOOKBACKS: [(&str, &str); 7] = [
    ("15m", "last 15 minutes"),
    ("1h", "last hour"),
    ("6h", "last 6 hours"),
    ("24h", "last 24 hours"),
    ("2d", "last 2 days"),
    ("7d", "last 7 days"),
    ("custom", "from … to …"),
];

#[derive(Properties, PartialEq)]
pub struct SourcesProps {
    pub dispatch: Callback<Action>,
    pub route: Route,
    /// What is loaded: opening a trace by id that is already here just selects it.
    pub data: super::state::DataHandle,
}

/// The panel's own state (what is typed, what is open, what is in flight).
#[derive(Clone, PartialEq)]
struct Panel {
    show_url: bool,
    url_text: String,
    show_collector: bool,
    /// Whether the connection form is open while connected (it is always open when not).
    edit_connection: bool,
    kind: CollectorKind,
    base_text: String,
    auth_text: String,
    connection: Option<Connection>,
    services: Vec<String>,
    operations: Vec<String>,
    service: String,
    operation: String,
    tags: String,
    traceql: String,
    traceql_edited: bool,
    lookback: String,
    from_text: String,
    to_text: String,
    min_duration: String,
    max_duration: String,
    limit: String,
    trace_id: String,
    form_error: Option<String>,
    /// Requests in flight: (job id, what it is doing).
    busy: Vec<(u64, String)>,
}

impl Default for Panel {
    fn default() -> Self {
        Panel {
            show_url: false,
            url_text: String::new(),
            show_collector: false,
            edit_connection: false,
            kind: CollectorKind::Jaeger,
            base_text: String::new(),
            auth_text: String::new(),
            connection: None,
            services: Vec::new(),
            operations: Vec::new(),
            service: String::new(),
            operation: String::new(),
            tags: String::new(),
            traceql: String::new(),
            traceql_edited: false,
            lookback: DEFAULT_LOOKBACK.to_string(),
            from_text: String::new(),
            to_text: String::new(),
            min_duration: String::new(),
            max_duration: String::new(),
            limit: String::new(),
            trace_id: String::new(),
            form_error: None,
            busy: Vec::new(),
        }
    }
}

impl Panel {
    fn search_form(&self, with_traceql: bool) -> SearchForm {
        let custom = self.lookback == "custom";
        SearchForm {
            service: self.service.clone(),
            operation: self.operation.clone(),
            tags: self.tags.clone(),
            traceql: if with_traceql && self.traceql_edited { self.traceql.clone() } else { String::new() },
            lookback: if custom { String::new() } else { self.lookback.clone() },
            from_ms: if custom { fetch::local_datetime_ms(&self.from_text) } else { None },
            to_ms: if custom { fetch::local_datetime_ms(&self.to_text) } else { None },
            min_duration: self.min_duration.clone(),
            max_duration: self.max_duration.clone(),
            limit: self.limit.clone(),
        }
    }
}

/// A change to the panel, applied by the reducer (so async tasks can make changes too).
struct Edit(Box<dyn FnOnce(&mut Panel)>);

impl Reducible for Panel {
    type Action = Edit;
    fn reduce(self: Rc<Self>, edit: Edit) -> Rc<Self> {
        let mut next = (*self).clone();
        (edit.0)(&mut next);
        Rc::new(next)
    }
}

type Dispatcher = UseReducerDispatcher<Panel>;

fn edit(panel: &Dispatcher, f: impl FnOnce(&mut Panel) + 'static) {
    panel.dispatch(Edit(Box::new(f)));
}

/// What a running request needs: where results and notices go, the time limit.
#[derive(Clone)]
struct Runner {
    app: Callback<Action>,
    panel: Dispatcher,
    timeout_ms: u32,
}

static NEXT_JOB: AtomicU64 = AtomicU64::new(1);

impl Runner {
    /// Shows `label` as in progress until the returned job ends.
    fn begin(&self, label: String) -> u64 {
        let id = NEXT_JOB.fetch_add(1, Ordering::Relaxed);
        edit(&self.panel, move |p| p.busy.push((id, label)));
        id
    }

    fn end(&self, id: u64) {
        edit(&self.panel, move |p| p.busy.retain(|(j, _)| *j != id));
    }

    fn fail(&self, failure: &Failure, target: Target, what: &str, url: &str, header: Option<&str>) {
        let origin = fetch::page_origin();
        let e = explain(failure, &Context { target, what, url, page_origin: &origin, header });
        self.app.emit(Action::Notify { kind: NoticeKind::Error, text: e.text, details: e.details });
    }

    fn info(&self, text: String, details: Vec<String>) {
        self.app.emit(Action::Notify { kind: NoticeKind::Loaded, text, details });
    }
}

/// Runs a step and its fallbacks; returns the outcome and the URL that produced it.
async fn run(step: Step, timeout_ms: u32) -> (Outcome, String) {
    let mut step = step;
    loop {
        let url = step.request.url.clone();
        let outcome = match fetch::get(&step.request, timeout_ms).await {
            Ok(response) => sources::decode(&step, response),
            Err(failure) => Outcome::Failed(failure),
        };
        match outcome {
            Outcome::Fallback => match step.fallback.take() {
                Some(next) => step = *next,
                None => return (Outcome::Failed(Failure::Http { status: 404, message: String::new() }), url),
            },
            other => return (other, url),
        }
    }
}

fn load_url(runner: &Runner, input: &str) {
    let request = match remote_file::request(input) {
        Ok(r) => r,
        Err(message) => {
            runner.app.emit(Action::Notify { kind: NoticeKind::Error, text: message, details: Vec::new() });
            return;
        }
    };
    let label = remote_file::label(&request.url);
    let runner = runner.clone();
    let job = runner.begin(format!("Loading {label}…"));
    wasm_bindgen_futures::spawn_local(async move {
        let result = fetch::get(&request, runner.timeout_ms).await;
        runner.end(job);
        let outcome = result.and_then(|r| {
            if (200..300).contains(&r.status) {
                remote_file::check_body(&r.body).map(|()| r.body)
            } else {
                Err(Failure::http(r.status, &r.body))
            }
        });
        match outcome {
            Ok(bytes) => runner.app.emit(Action::Load { file: label, bytes }),
            Err(failure) => runner.fail(&failure, Target::File, &request.url, &request.url, None),
        }
    });
}

/// Connects: remembers the connection and lists its services.
fn list_services(runner: &Runner, conn: Connection) {
    let runner = runner.clone();
    let job = runner.begin(format!("Connecting to {}…", conn.label()));
    wasm_bindgen_futures::spawn_local(async move {
        let (outcome, url) = run(sources::services(&conn), runner.timeout_ms).await;
        runner.end(job);
        match outcome {
            Outcome::Names(names) => {
                let count = names.len();
                edit(&runner.panel, move |p| p.services = names);
                runner.info(
                    format!("{}: connected, {count} service{}", conn.label(), if count == 1 { "" } else { "s" }),
                    Vec::new(),
                );
            }
            Outcome::Failed(failure) => {
                // Keep the connection form open: the address or the header probably needs fixing.
                edit(&runner.panel, |p| p.edit_connection = true);
                runner.fail(
                    &failure,
                    Target::Collector(conn.kind),
                    &format!("{}: list services", conn.label()),
                    &url,
                    header_name(&conn),
                );
            }
            _ => {}
        }
    });
}

fn list_operations(runner: &Runner, conn: Connection, service: String) {
    let runner = runner.clone();
    let job = runner.begin(format!("Listing operations of {service}…"));
    wasm_bindgen_futures::spawn_local(async move {
        let (outcome, url) = run(sources::operations(&conn, &service), runner.timeout_ms).await;
        runner.end(job);
        match outcome {
            Outcome::Names(names) => edit(&runner.panel, move |p| {
                if p.service == service {
                    p.operations = names;
                }
            }),
            Outcome::Failed(failure) => runner.fail(
                &failure,
                Target::Collector(conn.kind),
                &format!("{}: list operations", conn.label()),
                &url,
                header_name(&conn),
            ),
            _ => {}
        }
    });
}

fn header_name(conn: &Connection) -> Option<&str> {
    conn.auth_header.as_ref().map(|(name, _)| name.as_str())
}

/// Runs a step that yields a document to load (search, trace, dependencies).
fn load_step(runner: &Runner, conn: Connection, step: Step, what: String, then: Option<Route>) {
    let runner = runner.clone();
    let job = runner.begin(format!("{what}…"));
    wasm_bindgen_futures::spawn_local(async move {
        let (outcome, url) = run(step, runner.timeout_ms).await;
        match outcome {
            Outcome::Document(bytes) => {
                runner.app.emit(Action::Load { file: what, bytes });
                if let Some(route) = then {
                    runner.app.emit(Action::Navigate { route, push: true });
                }
            }
            Outcome::Summaries(found) => {
                fetch_summaries(&runner, &conn, found, what.clone()).await;
            }
            Outcome::Empty(message) => runner
                .info(format!("{what}: {message}"), vec!["Widen the time range or remove some filters.".to_string()]),
            Outcome::Failed(failure) => {
                runner.fail(&failure, Target::Collector(conn.kind), &what, &url, header_name(&conn))
            }
            Outcome::Names(_) | Outcome::Fallback => {}
        }
        runner.end(job);
    });
}

/// Tempo search answers with summaries: fetch the traces by id, a few at a time, and load them
/// as one document.
async fn fetch_summaries(runner: &Runner, conn: &Connection, found: Vec<sources::TraceSummary>, what: String) {
    let steps: VecDeque<Step> = found.iter().filter_map(|s| sources::trace(conn, &s.trace_id).ok()).collect();
    let total = steps.len();
    let queue = Rc::new(RefCell::new(steps));
    let documents: Rc<RefCell<Vec<Vec<u8>>>> = Rc::default();
    let failures: Rc<RefCell<Vec<(Failure, String)>>> = Rc::default();
    let (sender, receiver) = futures_lite_channel();
    for _ in 0..TEMPO_PARALLEL.min(total.max(1)) {
        let (queue, documents, failures, sender, timeout) =
            (queue.clone(), documents.clone(), failures.clone(), sender.clone(), runner.timeout_ms);
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let next = queue.borrow_mut().pop_front();
                let Some(step) = next else { break };
                match run(step, timeout).await {
                    (Outcome::Document(doc), _) => documents.borrow_mut().push(doc),
                    (Outcome::Failed(f), url) => failures.borrow_mut().push((f, url)),
                    _ => {}
                }
            }
            sender.finish_one();
        });
    }
    receiver.await_all(TEMPO_PARALLEL.min(total.max(1))).await;
    let docs = documents.take();
    if !docs.is_empty() {
        let label = format!("{what} ({} of {total} traces)", docs.len());
        runner.app.emit(Action::Load { file: label, bytes: tempo::combine_documents(&docs) });
    }
    for (failure, url) in failures.take() {
        runner.fail(
            &failure,
            Target::Collector(conn.kind),
            &format!("{}: fetch found trace", conn.label()),
            &url,
            header_name(conn),
        );
    }
}

/// A tiny join for the worker tasks above: each worker calls `finish_one`; `await_all(n)`
/// resolves when `n` have.
fn futures_lite_channel() -> (Finisher, Finisher) {
    let shared = Rc::new(JoinState { finished: Cell::new(0), waker: RefCell::new(None) });
    (Finisher(shared.clone()), Finisher(shared))
}

struct JoinState {
    finished: Cell<usize>,
    waker: RefCell<Option<std::task::Waker>>,
}

#[derive(Clone)]
struct Finisher(Rc<JoinState>);

impl Finisher {
    fn finish_one(&self) {
        self.0.finished.set(self.0.finished.get() + 1);
        if let Some(waker) = self.0.waker.borrow_mut().take() {
            waker.wake();
        }
    }

    async fn await_all(&self, n: usize) {
        std::future::poll_fn(|cx| {
            if self.0.finished.get() >= n {
                std::task::Poll::Ready(())
            } else {
                *self.0.waker.borrow_mut() = Some(cx.waker().clone());
                std::task::Poll::Pending
            }
        })
        .await
    }
}

fn param<'a>(route: &'a Route, key: &str) -> Option<&'a str> {
    route.other.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn with_params(route: &Route, remove: &[&str], add: Vec<(String, String)>) -> Route {
    let mut next = route.clone();
    next.other.retain(|(k, _)| !remove.contains(&k.as_str()));
    next.other.extend(add);
    next
}

fn input_value(e: &InputEvent) -> String {
    e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).map(|i| i.value()).unwrap_or_default()
}

fn select_value(e: &Event) -> String {
    e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()).map(|s| s.value()).unwrap_or_default()
}

/// A callback that stores an input's text with `set`.
fn on_text(panel: &UseReducerHandle<Panel>, set: fn(&mut Panel, String)) -> Callback<InputEvent> {
    let panel = panel.dispatcher();
    Callback::from(move |e: InputEvent| {
        let value = input_value(&e);
        edit(&panel, move |p| set(p, value));
    })
}

#[function_component(SourcesPanel)]
pub fn sources_panel(props: &SourcesProps) -> Html {
    let panel = use_reducer(Panel::default);
    let timeout_ms =
        param(&props.route, "timeout").and_then(|t| t.parse().ok()).filter(|&t| t > 0).unwrap_or(DEFAULT_TIMEOUT_MS);
    let runner = Runner { app: props.dispatch.clone(), panel: panel.dispatcher(), timeout_ms };

    // On open: `?url=` loads a file; `?source=&base=` reconnects (auth header from local storage
    // when it was saved for the same collector); otherwise the saved connection fills the form.
    {
        let runner = runner.clone();
        let route = props.route.clone();
        use_effect_with((), move |_| {
            let saved = fetch::storage_get(STORAGE_KEY).and_then(|s| Connection::from_storage(&s));
            let from_address = Connection::from_params(&route.other);
            let conn = match (from_address, saved.clone()) {
                (Some((kind, base)), Some(saved)) if saved.kind == kind && saved.base_url == base => Some(saved),
                (Some((kind, base_url)), _) => Some(Connection { kind, base_url, auth_header: None }),
                (None, _) => None,
            };
            let form = conn.clone().or(saved);
            if let Some(c) = &form {
                let c = c.clone();
                let connected = conn.is_some();
                edit(&runner.panel, move |p| {
                    p.kind = c.kind;
                    p.base_text = c.base_url.clone();
                    p.auth_text = c.auth_header.as_ref().map(|(n, v)| format!("{n}: {v}")).unwrap_or_default();
                    if connected {
                        p.connection = Some(c);
                        p.show_collector = true;
                    }
                });
            }
            if let Some(c) = conn {
                list_services(&runner, c);
            }
            if let Some(url) = param(&route, "url") {
                let url = url.to_string();
                edit(&runner.panel, {
                    let url = url.clone();
                    move |p| p.url_text = url
                });
                load_url(&runner, &url);
            }
        });
    }

    let p = (*panel).clone();
    let toggle_url = {
        let panel = panel.dispatcher();
        Callback::from(move |_: MouseEvent| edit(&panel, |p| p.show_url = !p.show_url))
    };
    let toggle_collector = {
        let panel = panel.dispatcher();
        Callback::from(move |_: MouseEvent| edit(&panel, |p| p.show_collector = !p.show_collector))
    };
    let submit_url = {
        let runner = runner.clone();
        let text = p.url_text.clone();
        let route = props.route.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if remote_file::request(&text).is_ok() {
                let next = with_params(&route, &["url"], vec![("url".to_string(), text.trim().to_string())]);
                runner.app.emit(Action::Navigate { route: next, push: false });
            }
            load_url(&runner, &text);
        })
    };
    let submit_connect = {
        let runner = runner.clone();
        let (kind, base, auth) = (p.kind, p.base_text.clone(), p.auth_text.clone());
        let route = props.route.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match Connection::new(kind, &base, &auth) {
                Ok(conn) => {
                    fetch::storage_set(STORAGE_KEY, &conn.to_storage());
                    let next = with_params(&route, &["source", "base"], conn.to_params());
                    runner.app.emit(Action::Navigate { route: next, push: false });
                    let c = conn.clone();
                    edit(&runner.panel, move |p| {
                        p.base_text = c.base_url.clone();
                        p.connection = Some(c);
                        p.edit_connection = false;
                        p.services.clear();
                        p.operations.clear();
                        p.service.clear();
                        p.operation.clear();
                        p.form_error = None;
                    });
                    list_services(&runner, conn);
                }
                Err(message) => edit(&runner.panel, move |p| p.form_error = Some(message)),
            }
        })
    };
    let disconnect = {
        let runner = runner.clone();
        let route = props.route.clone();
        Callback::from(move |_: MouseEvent| {
            fetch::storage_remove(STORAGE_KEY);
            runner
                .app
                .emit(Action::Navigate { route: with_params(&route, &["source", "base"], Vec::new()), push: false });
            edit(&runner.panel, |p| {
                p.connection = None;
                p.services.clear();
                p.operations.clear();
                p.auth_text.clear();
            });
        })
    };
    let on_kind = {
        let panel = panel.dispatcher();
        Callback::from(move |e: Event| {
            let value = select_value(&e);
            edit(&panel, move |p| {
                if let Some(kind) = CollectorKind::parse(&value) {
                    p.kind = kind;
                }
            })
        })
    };
    let on_service = {
        let runner = runner.clone();
        let conn = p.connection.clone();
        Callback::from(move |e: Event| {
            let service = select_value(&e);
            let s = service.clone();
            edit(&runner.panel, move |p| {
                p.service = s;
                p.operation.clear();
                p.operations.clear();
            });
            if let (Some(conn), false) = (conn.clone(), service.is_empty()) {
                list_operations(&runner, conn, service);
            }
        })
    };
    let on_operation = {
        let panel = panel.dispatcher();
        Callback::from(move |e: Event| {
            let value = select_value(&e);
            edit(&panel, move |p| p.operation = value)
        })
    };
    let on_lookback = {
        let panel = panel.dispatcher();
        Callback::from(move |e: Event| {
            let value = select_value(&e);
            edit(&panel, move |p| p.lookback = value)
        })
    };
    let on_traceql = {
        let panel = panel.dispatcher();
        Callback::from(move |e: InputEvent| {
            let value = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
                .map(|t| t.value())
                .unwrap_or_default();
            edit(&panel, move |p| {
                p.traceql = value;
                p.traceql_edited = true;
            })
        })
    };
    let toggle_connection_form = {
        let panel = panel.dispatcher();
        Callback::from(move |_: MouseEvent| edit(&panel, |p| p.edit_connection = !p.edit_connection))
    };
    let rebuild_traceql = {
        let panel = panel.dispatcher();
        Callback::from(move |_: MouseEvent| edit(&panel, |p| p.traceql_edited = false))
    };
    let submit_search = {
        let runner = runner.clone();
        let p = p.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(conn) = p.connection.clone() else { return };
            let checked = p
                .search_form(conn.kind == CollectorKind::Tempo)
                .to_query(fetch::now_ms())
                .and_then(|q| sources::search(&conn, &q).map(|step| (q, step)));
            match checked {
                Ok((q, step)) => {
                    edit(&runner.panel, |p| p.form_error = None);
                    let scope = if q.service.is_empty() { "all services".to_string() } else { q.service.clone() };
                    let what = format!("{}: search {scope}", conn.label());
                    load_step(&runner, conn, step, what, None);
                }
                Err(message) => edit(&runner.panel, move |p| p.form_error = Some(message)),
            }
        })
    };
    let open_trace = {
        let runner = runner.clone();
        let data = props.data.clone();
        let (conn, id) = (p.connection.clone(), p.trace_id.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(conn) = conn.clone() else { return };
            match sources::trace(&conn, &id) {
                Ok(step) => {
                    let clean = sources::query::clean_trace_id(&id).unwrap_or_default();
                    let mut route = super::url::current_route();
                    route.page = Page::Traces;
                    let shown = sources::query::route_trace_id(&clean);
                    route.trace = Some(shown.clone());
                    route.span = None;
                    edit(&runner.panel, |p| p.form_error = None);
                    // Already loaded: select it rather than fetch and merge a second copy.
                    let loaded = {
                        let data = data.borrow();
                        data.traces.iter().any(|t| t.trace_id.display(&data.strings) == shown)
                    };
                    if loaded {
                        runner.app.emit(Action::Navigate { route, push: true });
                        return;
                    }
                    load_step(&runner, conn.clone(), step, format!("{}: trace {clean}", conn.label()), Some(route));
                }
                Err(message) => edit(&runner.panel, move |p| p.form_error = Some(message)),
            }
        })
    };
    let load_dependencies = {
        let runner = runner.clone();
        let p = p.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(conn) = p.connection.clone() else { return };
            match p.search_form(false).to_query(fetch::now_ms()) {
                Ok(q) => match sources::dependencies(&conn, q.end_ms, q.lookback_ms()) {
                    Some(step) => {
                        let mut route = super::url::current_route();
                        route.page = Page::Map;
                        load_step(&runner, conn.clone(), step, format!("{}: dependencies", conn.label()), Some(route));
                    }
                    None => edit(&runner.panel, |p| {
                        p.form_error = Some(
                            "Tempo's API has no dependency links; the service map is built from loaded traces.".into(),
                        )
                    }),
                },
                Err(message) => edit(&runner.panel, move |p| p.form_error = Some(message)),
            }
        })
    };

    let connected = p.connection.clone();
    let collector_label = match &connected {
        Some(c) => format!("{} {}", c.kind.label(), c.host()),
        None => "Connect…".to_string(),
    };
    let auto_traceql = p.search_form(false).to_query(0).map(|q| tempo::build_traceql(&q)).unwrap_or_default();

    let progress = (!p.busy.is_empty()).then(|| {
        let text = p.busy.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>().join(" · ");
        html! { <span class="sources-progress" role="status" aria-live="polite"><span class="spinner" aria-hidden="true"></span>{ text }</span> }
    });

    html! {
        <section class="sources" aria-label="Sources">
            <div class="sources-bar">
                <button type="button" class={classes!("btn", "sources-open-url", p.show_url.then_some("active"))}
                        aria-expanded={p.show_url.to_string()} onclick={toggle_url}>{ "Open URL…" }</button>
                <button type="button" class={classes!("btn", "sources-open-collector", p.show_collector.then_some("active"), connected.is_some().then_some("connected"))}
                        aria-expanded={p.show_collector.to_string()} onclick={toggle_collector}>{ collector_label }</button>
                { for progress }
            </div>
            if p.show_url {
                <form class="sources-form sources-url" onsubmit={submit_url} aria-label="Open a URL">
                    <label class="field wide">
                        <span>{ "JSON file URL" }</span>
                        <input type="text" name="url" value={p.url_text.clone()} placeholder="https://example.com/trace.json"
                               spellcheck="false" oninput={on_text(&panel, |p, v| p.url_text = v)} />
                    </label>
                    <button type="submit" class="btn primary">{ "Load" }</button>
                    <p class="sources-hint">{ "The server must allow this page to read the file (CORS). The address also works as ?url= on Strand's own link." }</p>
                </form>
            }
            if p.show_collector {
                <div class="sources-collector">
                    if connected.is_none() || p.edit_connection {
                    <form class="sources-form sources-connect" onsubmit={submit_connect} aria-label="Collector connection">
                        <label class="field">
                            <span>{ "Collector" }</span>
                            <select name="kind" onchange={on_kind}>
                                { for CollectorKind::ALL.iter().map(|k| html! {
                                    <option value={k.name()} selected={*k == p.kind}>{ k.label() }</option>
                                }) }
                            </select>
                        </label>
                        <label class="field wide">
                            <span>{ "Base URL" }</span>
                            <input type="text" name="base" value={p.base_text.clone()} placeholder={p.kind.example_base()}
                                   spellcheck="false" oninput={on_text(&panel, |p, v| p.base_text = v)} />
                        </label>
                        <label class="field">
                            <span>{ "Auth header (optional)" }</span>
                            <input type="password" name="auth" value={p.auth_text.clone()} placeholder="Bearer … or X-Scope-OrgID: team"
                                   autocomplete="off" oninput={on_text(&panel, |p, v| p.auth_text = v)} />
                        </label>
                        <button type="submit" class="btn primary">{ if connected.is_some() { "Reconnect" } else { "Connect" } }</button>
                        if connected.is_some() {
                            <button type="button" class="btn" onclick={disconnect}>{ "Disconnect" }</button>
                        }
                        <p class="sources-hint">{ "Kind and base URL go into the address so a link reconnects; the auth header stays in this browser's local storage and is never put in the address." }</p>
                    </form>
                    }
                    if let Some(conn) = connected.clone() {
                        <form class="sources-form sources-search" onsubmit={submit_search} aria-label="Search the collector">
                            <label class="field">
                                <span>{ "Service" }</span>
                                <select name="service" onchange={on_service}>
                                    <option value="" selected={p.service.is_empty()}>{ if conn.kind == CollectorKind::Jaeger { "choose…" } else { "all services" } }</option>
                                    { for p.services.iter().map(|s| html! { <option value={s.clone()} selected={*s == p.service}>{ s }</option> }) }
                                </select>
                            </label>
                            <label class="field">
                                <span>{ if conn.kind == CollectorKind::Zipkin { "Span name" } else { "Operation" } }</span>
                                <select name="operation" onchange={on_operation}>
                                    <option value="" selected={p.operation.is_empty()}>{ "all" }</option>
                                    { for p.operations.iter().map(|s| html! { <option value={s.clone()} selected={*s == p.operation}>{ s }</option> }) }
                                </select>
                            </label>
                            <label class="field wide">
                                <span>{ "Tags" }</span>
                                <input type="text" name="tags" value={p.tags.clone()} placeholder={conn.kind.tags_hint()}
                                       spellcheck="false" oninput={on_text(&panel, |p, v| p.tags = v)} />
                            </label>
                            <label class="field">
                                <span>{ "Time" }</span>
                                <select name="lookback" onchange={on_lookback}>
                                    { for LOOKBACKS.iter().map(|(value, label)| html! {
                                        <option value={*value} selected={p.lookback == *value}>{ *label }</option>
                                    }) }
                                </select>
                            </label>
                            if p.lookback == "custom" {
                                <label class="field">
                                    <span>{ "From" }</span>
                                    <input type="datetime-local" name="from" value={p.from_text.clone()} oninput={on_text(&panel, |p, v| p.from_text = v)} />
                                </label>
                                <label class="field">
                                    <span>{ "To" }</span>
                                    <input type="datetime-local" name="to" value={p.to_text.clone()} oninput={on_text(&panel, |p, v| p.to_text = v)} />
                                </label>
                            }
                            <label class="field narrow">
                                <span>{ "Min duration" }</span>
                                <input type="text" name="min" value={p.min_duration.clone()} placeholder="e.g. 10ms" oninput={on_text(&panel, |p, v| p.min_duration = v)} />
                            </label>
                            <label class="field narrow">
                                <span>{ "Max duration" }</span>
                                <input type="text" name="max" value={p.max_duration.clone()} placeholder="e.g. 2s" oninput={on_text(&panel, |p, v| p.max_duration = v)} />
                            </label>
                            <label class="field narrow">
                                <span>{ "Limit" }</span>
                                <input type="text" name="limit" inputmode="numeric" value={p.limit.clone()} placeholder={DEFAULT_LIMIT.to_string()} oninput={on_text(&panel, |p, v| p.limit = v)} />
                            </label>
                            if conn.kind == CollectorKind::Tempo {
                                <label class="field traceql">
                                    <span>{ "TraceQL" }{ if p.traceql_edited { " (edited)" } else { " (from the form)" } }</span>
                                    <textarea name="traceql" rows="2" spellcheck="false" oninput={on_traceql}
                                              value={if p.traceql_edited { p.traceql.clone() } else { auto_traceql.clone() }} />
                                </label>
                                if p.traceql_edited {
                                    <button type="button" class="btn" onclick={rebuild_traceql}>{ "Rebuild from form" }</button>
                                }
                            }
                            <button type="submit" class="btn primary sources-search-button">{ "Search" }</button>
                            if conn.kind != CollectorKind::Tempo {
                                <button type="button" class="btn sources-dependencies" onclick={load_dependencies}>{ "Load dependencies" }</button>
                            }
                            <button type="button" class={classes!("btn", "sources-edit-connection", p.edit_connection.then_some("active"))}
                                    aria-expanded={p.edit_connection.to_string()} onclick={toggle_connection_form}>{ "Connection…" }</button>
                        </form>
                        <form class="sources-form sources-trace" onsubmit={open_trace} aria-label="Open a trace by id">
                            <label class="field trace-id">
                                <span>{ "Trace id" }</span>
                                <input type="text" name="trace-id" value={p.trace_id.clone()} placeholder="4bf92f3577b34da6a3ce929d0e0e4736"
                                       spellcheck="false" oninput={on_text(&panel, |p, v| p.trace_id = v)} />
                            </label>
                            <button type="submit" class="btn">{ "Open trace" }</button>
                        </form>
                    }
                </div>
            }
            if let Some(message) = &p.form_error {
                if p.show_collector || p.show_url {
                    <p class="sources-error" role="alert">{ message }</p>
                }
            }
        </section>
    }
}
