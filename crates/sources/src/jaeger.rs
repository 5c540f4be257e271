//! Jaeger's query APIs. API v3 first (`/api/v3/services`, `/api/v3/operations`,
//! `/api/v3/traces`, `/api/v3/traces/{id}`: OTLP JSON in `{"result": …}`, snake_case parameters,
//! RFC 3339 times, Go durations; 404 `"No traces found"` means an empty result), and the v1 HTTP
//! API (`/api/services`, `/api/traces`, `/api/traces/{id}`: `{"data": …}`) when v3 is not there.
//! Dependencies come from v1 `/api/dependencies` (v3 has none).

use super::query::{go_duration, rfc3339, tags_json, SearchQuery};
use super::{
    encode, json, names, on_success, query_string, step, Api, Call, Connection, Failure, Outcome, Response, Step,
};
use serde::de::IgnoredAny;
use serde::Deserialize;

pub fn services(conn: &Connection) -> Step {
    with_fallback(
        step(conn, Api::JaegerV3, Call::Services, "/api/v3/services"),
        step(conn, Api::JaegerV1, Call::Services, "/api/services"),
    )
}

pub fn operations(conn: &Connection, service: &str) -> Step {
    with_fallback(
        step(
            conn,
            Api::JaegerV3,
            Call::Operations,
            &format!("/api/v3/operations{}", query_string(&[("service", service.to_string())])),
        ),
        step(conn, Api::JaegerV1, Call::Operations, &format!("/api/services/{}/operations", encode(service))),
    )
}

pub fn search(conn: &Connection, q: &SearchQuery) -> Result<Step, String> {
    if q.service.is_empty() {
        return Err("Jaeger searches need a service: pick one".to_string());
    }
    let tags = tags_json(&q.tags, "Jaeger")?;
    let v3 = query_string(&[
        ("query.service_name", q.service.clone()),
        ("query.operation_name", q.operation.clone()),
        ("query.attributes", tags.clone()),
        ("query.start_time_min", rfc3339(q.start_ms)),
        ("query.start_time_max", rfc3339(q.end_ms)),
        ("query.duration_min", q.min_duration_ns.map(go_duration).unwrap_or_default()),
        ("query.duration_max", q.max_duration_ns.map(go_duration).unwrap_or_default()),
        ("query.search_depth", q.limit.to_string()),
        // Jaeger's HTTP gateway (checked: module v1.75.0, the v2 binary) reads the limit from
        // `num_traces`, the field's old name; its in-memory store refuses a search without a
        // limit (HTTP 500).
        ("query.num_traces", q.limit.to_string()),
    ]);
    let v1 = query_string(&[
        ("service", q.service.clone()),
        ("operation", q.operation.clone()),
        ("tags", tags),
        ("start", q.start_ms.saturating_mul(1000).to_string()),
        ("end", q.end_ms.saturating_mul(1000).to_string()),
        ("minDuration", q.min_duration_ns.map(go_duration).unwrap_or_default()),
        ("maxDuration", q.max_duration_ns.map(go_duration).unwrap_or_default()),
        ("limit", q.limit.to_string()),
    ]);
    let v3 = step(conn, Api::JaegerV3, Call::Search, &format!("/api/v3/traces{v3}"));
    let v1 = step(conn, Api::JaegerV1, Call::Search, &format!("/api/traces{v1}"));
    // Jaeger's v3 HTTP gateway (checked: v1.75.0) does not read `query.attributes`, so a search
    // with tags would silently return the untagged result: ask v1 first, which filters by tags.
    Ok(if q.tags.is_empty() { with_fallback(v3, v1) } else { with_fallback(v1, v3) })
}

pub fn trace(conn: &Connection, trace_id: &str) -> Step {
    with_fallback(
        step(conn, Api::JaegerV3, Call::Trace, &format!("/api/v3/traces/{}", encode(trace_id))),
        step(conn, Api::JaegerV1, Call::Trace, &format!("/api/traces/{}", encode(trace_id))),
    )
}

pub fn dependencies(conn: &Connection, end_ms: i64, lookback_ms: i64) -> Step {
    let q = query_string(&[("endTs", end_ms.to_string()), ("lookback", lookback_ms.to_string())]);
    step(conn, Api::JaegerV1, Call::Dependencies, &format!("/api/dependencies{q}"))
}

fn with_fallback(first: Step, then: Step) -> Step {
    Step { fallback: Some(Box::new(then)), ..first }
}

#[derive(Deserialize)]
struct V3Services {
    #[serde(default)]
    services: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct V3Operations {
    #[serde(default)]
    operations: Option<Vec<Operation>>,
}

/// An operation: `{"name", "spanKind"}` (v3 and newer v1) or a bare name (older v1).
#[derive(Deserialize)]
#[serde(untagged)]
enum Operation {
    Name(String),
    Object {
        #[serde(default)]
        name: String,
    },
}

impl Operation {
    fn into_name(self) -> String {
        match self {
            Operation::Name(n) | Operation::Object { name: n } => n,
        }
    }
}

#[derive(Deserialize)]
struct V1Envelope<T> {
    #[serde(default = "Option::default")]
    data: Option<Vec<T>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct V3Traces {
    #[serde(default)]
    result: Option<V3TracesData>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct V3TracesData {
    #[serde(default)]
    resource_spans: Option<Vec<IgnoredAny>>,
}

pub fn decode(step: &Step, response: Response) -> Outcome {
    let v3 = step.api == Api::JaegerV3;
    // A v3 endpoint that is not there: Jaeger v1 answers 404 with a plain-text page.
    if v3 && response.status == 404 {
        if step.call == Call::Search && is_no_traces(&response.body) {
            return Outcome::Empty("Jaeger found no traces for this search".to_string());
        }
        return Outcome::Fallback;
    }
    // Some versions answer an unknown /api/v3 path with the UI's index page.
    if v3 && looks_like_html(&response.body) && (200..300).contains(&response.status) {
        return Outcome::Fallback;
    }
    // v1 asked first (a search with tags) and not there: ask v3.
    if !v3 && step.fallback.is_some() && (response.status == 404 || looks_like_html(&response.body)) {
        return Outcome::Fallback;
    }
    if !v3 && response.status == 404 && step.call == Call::Trace {
        return Outcome::Failed(Failure::http(404, &response.body));
    }
    on_success(response, |body| match (step.call, v3) {
        (Call::Services, true) => {
            result(json::<V3Services>(&body, "{\"services\": [...]}").map(|s| names(s.services.unwrap_or_default())))
        }
        (Call::Services, false) => {
            result(json::<V1Envelope<String>>(&body, "{\"data\": [...]}").map(|s| names(s.data.unwrap_or_default())))
        }
        (Call::Operations, true) => result(
            json::<V3Operations>(&body, "{\"operations\": [...]}")
                .map(|o| names(o.operations.unwrap_or_default().into_iter().map(Operation::into_name).collect())),
        ),
        (Call::Operations, false) => result(
            json::<V1Envelope<Operation>>(&body, "{\"data\": [...]}")
                .map(|o| names(o.data.unwrap_or_default().into_iter().map(Operation::into_name).collect())),
        ),
        (Call::Search | Call::Trace, true) => match json::<V3Traces>(&body, "{\"result\": {\"resourceSpans\": [...]}}")
        {
            Ok(t) if t.result.as_ref().and_then(|r| r.resource_spans.as_ref()).is_some_and(|s| !s.is_empty()) => {
                Outcome::Document(body)
            }
            Ok(_) if step.call == Call::Search => Outcome::Empty("Jaeger found no traces for this search".to_string()),
            Ok(_) => Outcome::Failed(Failure::Http { status: 404, message: "trace not found".to_string() }),
            Err(e) => Outcome::Failed(e),
        },
        (Call::Search | Call::Trace | Call::Dependencies, false) => {
            match json::<V1Envelope<IgnoredAny>>(&body, "{\"data\": [...]}") {
                Ok(d) if d.data.as_ref().is_some_and(|d| !d.is_empty()) => Outcome::Document(body),
                Ok(_) => match step.call {
                    Call::Search => Outcome::Empty("Jaeger found no traces for this search".to_string()),
                    Call::Dependencies => {
                        Outcome::Empty("Jaeger has no dependency links for this time range".to_string())
                    }
                    _ => Outcome::Failed(Failure::Http { status: 404, message: "trace not found".to_string() }),
                },
                Err(e) => Outcome::Failed(e),
            }
        }
        (Call::Dependencies, true) => Outcome::Document(body),
    })
}

fn result(r: Result<Outcome, Failure>) -> Outcome {
    r.unwrap_or_else(Outcome::Failed)
}

/// The v3 gateway's "nothing found": `{"error":{"httpCode":404,"message":"No traces found"}}`.
fn is_no_traces(body: &[u8]) -> bool {
    super::errors::server_message(body).eq_ignore_ascii_case("no traces found")
}

fn looks_like_html(body: &[u8]) -> bool {
    body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}
