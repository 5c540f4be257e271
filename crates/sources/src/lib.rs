//! Where traces come from besides files: a URL to a JSON file and collector APIs (Jaeger, Zipkin,
//! Tempo). Everything here is pure: which requests to make (`Step`), what an answer means
//! (`decode` → `Outcome`), and how to explain a failure (`errors`). The thin fetch layer in `ui`
//! performs the requests and hands the bodies to `formats` through the app's load action.
//! Depends on `model` and `formats` (nothing from the browser).

pub mod connection;
pub mod errors;
pub mod jaeger;
pub mod query;
pub mod remote_file;
pub mod tempo;
pub mod zipkin;

pub use connection::{CollectorKind, Connection};
pub use errors::Failure;
pub use query::{SearchForm, SearchQuery};

/// One HTTP GET to make: the absolute (or page-relative) URL and the extra request headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub url: String,
    pub headers: Vec<(String, String)>,
}

/// What an HTTP exchange returned (any status).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Which API a request speaks, so its answer is decoded the right way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    JaegerV3,
    JaegerV1,
    ZipkinV2,
    Tempo,
    /// Tempo's older endpoints (`/api/traces/{id}`, `/api/search/tag/{tag}/values`).
    TempoV1,
}

/// What is being asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    Services,
    Operations,
    Search,
    Trace,
    Dependencies,
}

impl Call {
    /// Words for messages: "list services", "search", ...
    pub fn describe(self) -> &'static str {
        match self {
            Call::Services => "list services",
            Call::Operations => "list operations",
            Call::Search => "search",
            Call::Trace => "open trace",
            Call::Dependencies => "load dependencies",
        }
    }
}

/// A request plus how to read its answer, and what to try when the API is not there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub request: Request,
    pub api: Api,
    pub call: Call,
    /// An older API to ask when this one answers that it does not exist (`Outcome::Fallback`).
    pub fallback: Option<Box<Step>>,
}

/// A trace found by a search that returns summaries (Tempo): fetch it by id to see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceSummary {
    pub trace_id: String,
    pub root_service: String,
    pub root_name: String,
    pub start_ns: i64,
    pub duration_ms: u64,
}

/// What an answer means.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Service or operation names, sorted and without duplicates.
    Names(Vec<String>),
    /// A document to load as it is (traces or dependency links).
    Document(Vec<u8>),
    /// Trace summaries (Tempo search): fetch each by id.
    Summaries(Vec<TraceSummary>),
    /// The collector answered that nothing matched; the text says so in words.
    Empty(String),
    /// This API is not there: ask `Step::fallback`.
    Fallback,
    Failed(Failure),
}

/// Reads `response` to `step`.
pub fn decode(step: &Step, response: Response) -> Outcome {
    match step.api {
        Api::JaegerV3 | Api::JaegerV1 => jaeger::decode(step, response),
        Api::ZipkinV2 => zipkin::decode(step, response),
        Api::Tempo | Api::TempoV1 => tempo::decode(step, response),
    }
}

/// The first step of each call for `conn`.
pub fn services(conn: &Connection) -> Step {
    match conn.kind {
        CollectorKind::Jaeger => jaeger::services(conn),
        CollectorKind::Zipkin => zipkin::services(conn),
        CollectorKind::Tempo => tempo::services(conn),
    }
}

pub fn operations(conn: &Connection, service: &str) -> Step {
    match conn.kind {
        CollectorKind::Jaeger => jaeger::operations(conn, service),
        CollectorKind::Zipkin => zipkin::operations(conn, service),
        CollectorKind::Tempo => tempo::operations(conn, service),
    }
}

/// The search request; `Err` says which part of the query the collector cannot take.
pub fn search(conn: &Connection, query: &SearchQuery) -> Result<Step, String> {
    match conn.kind {
        CollectorKind::Jaeger => jaeger::search(conn, query),
        CollectorKind::Zipkin => Ok(zipkin::search(conn, query)),
        CollectorKind::Tempo => Ok(tempo::search(conn, query)),
    }
}

/// Opens one trace by id; `Err` when the id is empty or not an id.
pub fn trace(conn: &Connection, trace_id: &str) -> Result<Step, String> {
    let id = query::clean_trace_id(trace_id)?;
    Ok(match conn.kind {
        CollectorKind::Jaeger => jaeger::trace(conn, &id),
        CollectorKind::Zipkin => zipkin::trace(conn, &id),
        CollectorKind::Tempo => tempo::trace(conn, &id),
    })
}

/// Dependency links between services over `[end_ms - lookback_ms, end_ms]`; `None` when the
/// collector's API has none (Tempo keeps its service graph in metrics, not in the query API).
pub fn dependencies(conn: &Connection, end_ms: i64, lookback_ms: i64) -> Option<Step> {
    match conn.kind {
        CollectorKind::Jaeger => Some(jaeger::dependencies(conn, end_ms, lookback_ms)),
        CollectorKind::Zipkin => Some(zipkin::dependencies(conn, end_ms, lookback_ms)),
        CollectorKind::Tempo => None,
    }
}

/// A request to `path_and_query` under the connection's base URL, with its auth header.
pub(crate) fn request(conn: &Connection, path_and_query: &str) -> Request {
    Request { url: format!("{}{}", conn.base_url, path_and_query), headers: conn.auth_header.iter().cloned().collect() }
}

pub(crate) fn step(conn: &Connection, api: Api, call: Call, path_and_query: &str) -> Step {
    Step { request: request(conn, path_and_query), api, call, fallback: None }
}

/// Builds `?a=b&c=d` from pairs, percent-encoding keys and values; empty values are left out.
pub(crate) fn query_string(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> =
        pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

pub(crate) use strand_model::url::encode_component as encode;

/// The common handling of an answer: 2xx bodies go to `ok`, anything else becomes a failure
/// carrying the server's own message.
pub(crate) fn on_success(response: Response, ok: impl FnOnce(Vec<u8>) -> Outcome) -> Outcome {
    if (200..300).contains(&response.status) {
        ok(response.body)
    } else {
        Outcome::Failed(Failure::http(response.status, &response.body))
    }
}

/// Decodes a JSON body, turning a shape mismatch into `Failure::Malformed`.
pub(crate) fn json<'a, T: serde::Deserialize<'a>>(body: &'a [u8], expected: &str) -> Result<T, Failure> {
    serde_json::from_slice(body).map_err(|e| Failure::Malformed {
        detail: format!("expected {expected}, but {}", errors::describe_json_error(body, &e)),
    })
}

/// Sorted, de-duplicated, without empty names.
pub(crate) fn names(mut list: Vec<String>) -> Outcome {
    list.retain(|s| !s.is_empty());
    strand_model::order::sort(&mut list);
    list.dedup();
    Outcome::Names(list)
}
