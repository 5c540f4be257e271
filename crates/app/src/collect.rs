//! Loading from URLs and collectors, as the app core sees it: the connection and what it listed,
//! the requests in flight, and what each finished plan means — names for the pickers, documents
//! for the load queue, a notice for a failure. The requests themselves are [`crate::plan`]s that
//! the browser side runs.

use crate::app::{App, Effect};
use crate::plan::{self, Finished, Plan};
use strand_sources::errors::{explain, Context, Target};
use strand_sources::query::{clean_trace_id, route_trace_id};
use strand_sources::{self as sources, remote_file, CollectorKind, Connection, Failure, SearchForm};
use strand_view::route::{Page, Route};

/// Requests time out after 30 s unless `?timeout=` says otherwise.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;

pub type RequestId = u64;

/// Where the connection stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Status {
    #[default]
    Disconnected,
    /// Asked for the service list; no answer yet.
    Connecting,
    /// The collector answered.
    Connected,
    /// It did not: the reason is in a notice, and the form stays open to fix the address.
    Failed,
}

/// What a request in flight is for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Purpose {
    Services,
    Operations {
        service: String,
    },
    /// A document to load under `name`; then go to `then`.
    Load {
        name: String,
        then: Option<Box<Route>>,
    },
    File {
        name: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct InFlight {
    id: RequestId,
    purpose: Purpose,
    /// Words for the busy line: `Connecting to zipkin 127.0.0.1:9411`.
    label: String,
    /// Words for a failure: `zipkin 127.0.0.1:9411: list services`, or the file's URL.
    what: String,
}

/// The collector side of the app.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Collector {
    pub connection: Option<Connection>,
    pub status: Status,
    pub services: Vec<String>,
    /// The service whose operations are listed, and them.
    pub operations: (String, Vec<String>),
    /// Why the last form could not be sent (shown under the form).
    pub form_error: Option<String>,
    in_flight: Vec<InFlight>,
    next_id: RequestId,
}

impl Collector {
    /// What is in flight, in words, for the busy line.
    pub fn busy(&self) -> Vec<String> {
        self.in_flight.iter().map(|f| format!("{}…", f.label)).collect()
    }

    pub fn is_connected(&self) -> bool {
        self.status == Status::Connected
    }
}

/// What the user asks of a URL or a collector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CollectorCommand {
    /// Fetch a JSON file (also `?url=` on open).
    OpenUrl {
        url: String,
    },
    /// Connect with what the form says (kind, base URL, optional auth header).
    Connect {
        kind: CollectorKind,
        base: String,
        auth: String,
    },
    Disconnect,
    ListOperations {
        service: String,
    },
    /// Search with the form; `now_ms` ends a lookback range.
    Search {
        form: SearchForm,
        now_ms: i64,
    },
    /// Open a trace by id (selects it when it is already loaded).
    OpenTrace {
        id: String,
    },
    /// Dependency links over the form's time range.
    LoadDependencies {
        form: SearchForm,
        now_ms: i64,
    },
}

/// What a page opens with: `?url=`, and `?source=&base=` (or nothing).
pub(crate) fn on_open(app: &mut App) -> Vec<Effect> {
    let mut effects = Vec::new();
    let saved = app.env.saved_connection.as_deref().and_then(Connection::from_storage);
    let from_address = match (&app.route.source, &app.route.base) {
        (Some(kind), Some(base)) => CollectorKind::parse(kind).map(|k| (k, base.clone())),
        _ => None,
    };
    let conn = match (from_address, saved) {
        (Some((kind, base)), Some(saved)) if saved.kind == kind && saved.base_url == base => Some(saved),
        (Some((kind, base)), _) => Connection::new(kind, &base, "").ok(),
        (None, _) => None,
    };
    if let Some(conn) = conn {
        effects.extend(connect(app, conn));
    }
    if let Some(url) = app.route.url.clone() {
        effects.extend(open_url(app, &url));
    }
    effects
}

pub(crate) fn command(app: &mut App, command: CollectorCommand) -> Vec<Effect> {
    app.collector.form_error = None;
    match command {
        CollectorCommand::OpenUrl { url } => {
            let effects = open_url(app, &url);
            if remote_file::request(&url).is_ok() {
                app.route.url = Some(url.trim().to_string());
                app.push_history = false;
            }
            effects
        }
        CollectorCommand::Connect { kind, base, auth } => match Connection::new(kind, &base, &auth) {
            Ok(conn) => {
                app.route.source = Some(conn.kind.name().to_string());
                app.route.base = Some(conn.base_url.clone());
                app.push_history = false;
                let mut effects = vec![Effect::SaveConnection(Some(conn.to_storage()))];
                effects.extend(connect(app, conn));
                effects
            }
            Err(message) => form_error(app, message),
        },
        CollectorCommand::Disconnect => {
            app.collector = Collector { next_id: app.collector.next_id, ..Collector::default() };
            app.route.source = None;
            app.route.base = None;
            app.push_history = false;
            vec![Effect::SaveConnection(None)]
        }
        CollectorCommand::ListOperations { service } => {
            app.collector.operations = (service.clone(), Vec::new());
            let Some(conn) = app.collector.connection.clone() else { return Vec::new() };
            if service.is_empty() {
                return Vec::new();
            }
            let label = format!("Listing operations of {service}");
            let step = sources::operations(&conn, &service);
            run(app, Purpose::Operations { service }, label, Plan::Collector { connection: conn, step })
        }
        CollectorCommand::Search { form, now_ms } => search(app, &form, now_ms),
        CollectorCommand::OpenTrace { id } => open_trace(app, &id),
        CollectorCommand::LoadDependencies { form, now_ms } => dependencies(app, &form, now_ms),
    }
}

fn form_error(app: &mut App, message: String) -> Vec<Effect> {
    app.collector.form_error = Some(message);
    Vec::new()
}

fn run(app: &mut App, purpose: Purpose, label: String, plan: Plan) -> Vec<Effect> {
    // A request asked for when nothing is going on starts a batch of its own, so its failure
    // does not fold into the notices of earlier loads.
    if app.loads.is_idle() && app.collector.in_flight.is_empty() {
        app.notices.begin_batch();
    }
    app.collector.next_id += 1;
    let id = app.collector.next_id;
    let conn = app.collector.connection.as_ref().map(Connection::label).unwrap_or_default();
    let what = match (&purpose, &plan) {
        (Purpose::Services, _) => format!("{conn}: list services"),
        (Purpose::Operations { .. }, _) => format!("{conn}: list operations"),
        (Purpose::Load { name, .. }, _) => name.clone(),
        (Purpose::File { .. }, Plan::File { request }) => request.url.clone(),
        (Purpose::File { name }, _) => name.clone(),
    };
    app.collector.in_flight.push(InFlight { id, purpose, label, what });
    vec![Effect::RunPlan { request: id, plan, timeout_ms: app.timeout_ms() }]
}

fn open_url(app: &mut App, url: &str) -> Vec<Effect> {
    match remote_file::request(url) {
        Ok(request) => {
            let name = remote_file::label(&request.url);
            run(app, Purpose::File { name: name.clone() }, format!("Loading {name}"), Plan::File { request })
        }
        Err(message) => {
            app.notices.error(message, Vec::new());
            Vec::new()
        }
    }
}

fn connect(app: &mut App, conn: Connection) -> Vec<Effect> {
    app.collector.connection = Some(conn.clone());
    app.collector.status = Status::Connecting;
    app.collector.services.clear();
    app.collector.operations = (String::new(), Vec::new());
    let step = sources::services(&conn);
    let label = format!("Connecting to {}", conn.label());
    run(app, Purpose::Services, label, Plan::Collector { connection: conn, step })
}

fn search(app: &mut App, form: &SearchForm, now_ms: i64) -> Vec<Effect> {
    let Some(conn) = app.collector.connection.clone() else { return Vec::new() };
    let form = if conn.kind == CollectorKind::Tempo {
        form.clone()
    } else {
        SearchForm { traceql: String::new(), ..form.clone() }
    };
    let checked = form.to_query(now_ms).and_then(|q| sources::search(&conn, &q).map(|step| (q, step)));
    match checked {
        Ok((q, step)) => {
            let scope = if q.service.is_empty() { "all services".to_string() } else { q.service.clone() };
            let name = format!("{}: search {scope}", conn.label());
            let purpose = Purpose::Load { name: name.clone(), then: None };
            run(app, purpose, name, Plan::Collector { connection: conn, step })
        }
        Err(message) => form_error(app, message),
    }
}

fn open_trace(app: &mut App, id: &str) -> Vec<Effect> {
    let Some(conn) = app.collector.connection.clone() else { return Vec::new() };
    let step = match sources::trace(&conn, id) {
        Ok(step) => step,
        Err(message) => return form_error(app, message),
    };
    let clean = clean_trace_id(id).unwrap_or_default();
    let shown = route_trace_id(&clean);
    let route = Route { page: Page::Traces, trace: Some(shown.clone()), span: None, ..app.route.clone() };
    // Already loaded: select it rather than fetch and merge a second copy.
    let data = app.data();
    if data.traces.iter().any(|t| t.trace_id.display(&data.strings) == shown) {
        app.route = route;
        app.push_history = true;
        return Vec::new();
    }
    let name = format!("{}: trace {clean}", conn.label());
    run(
        app,
        Purpose::Load { name: name.clone(), then: Some(Box::new(route)) },
        name,
        Plan::Collector { connection: conn, step },
    )
}

fn dependencies(app: &mut App, form: &SearchForm, now_ms: i64) -> Vec<Effect> {
    let Some(conn) = app.collector.connection.clone() else { return Vec::new() };
    let form = SearchForm { traceql: String::new(), ..form.clone() };
    let query = match form.to_query(now_ms) {
        Ok(q) => q,
        Err(message) => return form_error(app, message),
    };
    match sources::dependencies(&conn, query.end_ms, query.lookback_ms()) {
        Some(step) => {
            let route = Route { page: Page::Map, ..app.route.clone() };
            let name = format!("{}: dependencies", conn.label());
            run(
                app,
                Purpose::Load { name: name.clone(), then: Some(Box::new(route)) },
                name,
                Plan::Collector { connection: conn, step },
            )
        }
        None => form_error(
            app,
            "Tempo's API has no dependency links; the service map is built from loaded traces.".to_string(),
        ),
    }
}

/// A plan finished: read its result in the light of what it was for.
pub(crate) fn finished(app: &mut App, request: RequestId, finished: Finished) -> Vec<Effect> {
    let Some(pos) = app.collector.in_flight.iter().position(|f| f.id == request) else { return Vec::new() };
    let flight = app.collector.in_flight.remove(pos);
    let conn = app.collector.connection.clone();
    let target = match (&flight.purpose, &conn) {
        (Purpose::File { .. }, _) | (_, None) => Target::File,
        (_, Some(c)) => Target::Collector(c.kind),
    };
    let header = conn.as_ref().and_then(|c| c.auth_header.as_ref().map(|(name, _)| name.clone()));
    let fail = |app: &mut App, failure: &Failure, url: &str| {
        let ctx =
            Context { target, what: &flight.what, url, page_origin: &app.env.page_origin, header: header.as_deref() };
        let explained = explain(failure, &ctx);
        app.notices.error(explained.text, explained.details);
    };
    match (flight.purpose.clone(), finished) {
        (Purpose::Services, Finished::Names(names)) => {
            let label = conn.as_ref().map(Connection::label).unwrap_or_default();
            app.notices.loaded(
                format!("{label}: connected, {}", strand_model::format::counted(names.len() as u64, "service")),
                Vec::new(),
                app.route.page,
            );
            app.collector.services = names;
            app.collector.status = Status::Connected;
            Vec::new()
        }
        (Purpose::Operations { service }, Finished::Names(names)) => {
            if app.collector.operations.0 == service {
                app.collector.operations.1 = names;
            }
            Vec::new()
        }
        (Purpose::Load { name, then }, Finished::Documents { documents, failures, asked }) => {
            for (failure, url) in &failures {
                fail(app, failure, url);
            }
            let Some(bytes) = plan::combined(&documents) else { return Vec::new() };
            let name = if asked > 1 { format!("{name} ({} of {asked} traces)", documents.len()) } else { name };
            if let Some(route) = then {
                app.route = *route;
                app.push_history = true;
            }
            app.submit(name, crate::load::Input::Bytes(bytes))
        }
        (Purpose::File { name }, Finished::Documents { documents, .. }) => match plan::combined(&documents) {
            Some(bytes) => app.submit(name, crate::load::Input::Bytes(bytes)),
            None => Vec::new(),
        },
        (_, Finished::Empty(message)) => {
            app.notices.loaded(
                format!("{}: {message}", flight.what),
                vec!["Widen the time range or remove some filters.".to_string()],
                app.route.page,
            );
            Vec::new()
        }
        (purpose, Finished::Failed { failure, url }) => {
            if purpose == Purpose::Services {
                app.collector.status = Status::Failed;
            }
            fail(app, &failure, &url);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
