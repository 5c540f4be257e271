//! Grafana Tempo's HTTP API: `/api/search?q=<TraceQL>&start=&end=&limit=` (unix seconds; it
//! returns trace summaries, so each found trace is then fetched by id), `/api/v2/traces/{id}`
//! (OTLP JSON in `{"trace": …}`; `/api/traces/{id}` on older versions), and tag values for the
//! service and span-name pickers (`/api/v2/search/tag/{tag}/values`). Tempo has no dependency
//! API. Errors are plain text.

use super::query::{go_duration, SearchQuery};
use super::{
    encode, json, names, on_success, query_string, step, Api, Call, Connection, Failure, Outcome, Response, Step,
    TraceSummary,
};
use serde::Deserialize;

pub fn services(conn: &Connection) -> Step {
    Step {
        fallback: Some(Box::new(step(conn, Api::TempoV1, Call::Services, "/api/search/tag/service.name/values"))),
        ..step(conn, Api::Tempo, Call::Services, "/api/v2/search/tag/resource.service.name/values")
    }
}

pub fn operations(conn: &Connection, service: &str) -> Step {
    let filter =
        if service.is_empty() { String::new() } else { format!("{{ resource.service.name = {} }}", quote(service)) };
    Step {
        fallback: Some(Box::new(step(conn, Api::TempoV1, Call::Operations, "/api/search/tag/name/values"))),
        ..step(
            conn,
            Api::Tempo,
            Call::Operations,
            &format!("/api/v2/search/tag/name/values{}", query_string(&[("q", filter)])),
        )
    }
}

/// The TraceQL query the form stands for (shown in the form, where it can be edited).
pub fn build_traceql(q: &SearchQuery) -> String {
    let mut conditions = Vec::new();
    if !q.service.is_empty() {
        conditions.push(format!("resource.service.name = {}", quote(&q.service)));
    }
    if !q.operation.is_empty() {
        conditions.push(format!("name = {}", quote(&q.operation)));
    }
    for (key, value) in &q.tags {
        let attr = attribute(key);
        conditions.push(match value {
            Some(v) => format!("{attr} = {}", literal(v)),
            None => format!("{attr} != nil"),
        });
    }
    if let Some(min) = q.min_duration_ns {
        conditions.push(format!("traceDuration >= {}", go_duration(min)));
    }
    if let Some(max) = q.max_duration_ns {
        conditions.push(format!("traceDuration <= {}", go_duration(max)));
    }
    if conditions.is_empty() {
        "{}".to_string()
    } else {
        format!("{{ {} }}", conditions.join(" && "))
    }
}

pub fn search(conn: &Connection, q: &SearchQuery) -> Step {
    let traceql = q.traceql.clone().unwrap_or_else(|| build_traceql(q));
    let start_s = q.start_ms.div_euclid(1000);
    // Tempo wants end > start, in whole seconds.
    let end_s = (q.end_ms + 999).div_euclid(1000).max(start_s + 1);
    let params =
        [("q", traceql), ("start", start_s.to_string()), ("end", end_s.to_string()), ("limit", q.limit.to_string())];
    step(conn, Api::Tempo, Call::Search, &format!("/api/search{}", query_string(&params)))
}

pub fn trace(conn: &Connection, trace_id: &str) -> Step {
    Step {
        fallback: Some(Box::new(step(conn, Api::TempoV1, Call::Trace, &format!("/api/traces/{}", encode(trace_id))))),
        ..step(conn, Api::Tempo, Call::Trace, &format!("/api/v2/traces/{}", encode(trace_id)))
    }
}

/// Trace documents fetched one by one, as one OTLP JSON lines document that loads in one go.
/// Raw line breaks cannot occur inside JSON strings, so replacing them keeps each body's meaning.
pub fn combine_documents(documents: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(documents.iter().map(|d| d.len() + 1).sum());
    for doc in documents {
        out.extend(doc.iter().map(|&b| if b == b'\n' || b == b'\r' { b' ' } else { b }));
        out.push(b'\n');
    }
    out
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TagValues {
    #[serde(default)]
    tag_values: Option<Vec<TagValue>>,
}

/// v2: `{"type": "string", "value": "frontend"}`; v1: `"frontend"`.
#[derive(Deserialize)]
#[serde(untagged)]
enum TagValue {
    Text(String),
    Typed {
        #[serde(default)]
        value: String,
    },
}

#[derive(Deserialize)]
struct SearchResponse {
    #[serde(default)]
    traces: Option<Vec<SummaryDto>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SummaryDto {
    #[serde(default, rename = "traceID")]
    trace_id: String,
    #[serde(default)]
    root_service_name: Option<String>,
    #[serde(default)]
    root_trace_name: Option<String>,
    #[serde(default)]
    start_time_unix_nano: Option<NumberOrText>,
    #[serde(default)]
    duration_ms: Option<u64>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Number(i64),
    Text(String),
}

#[derive(Deserialize)]
struct TraceResponse {
    #[serde(default)]
    trace: Option<TraceBody>,
    #[serde(default)]
    batches: Option<Vec<serde::de::IgnoredAny>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TraceBody {
    #[serde(default)]
    resource_spans: Option<Vec<serde::de::IgnoredAny>>,
    #[serde(default)]
    batches: Option<Vec<serde::de::IgnoredAny>>,
}

pub fn decode(step: &Step, response: Response) -> Outcome {
    // An endpoint this Tempo does not have (older versions) answers 404: ask the older one.
    if step.api == Api::Tempo && response.status == 404 && step.fallback.is_some() {
        return Outcome::Fallback;
    }
    on_success(response, |body| match step.call {
        Call::Services | Call::Operations => match json::<TagValues>(&body, "{\"tagValues\": [...]}") {
            Ok(v) => names(
                v.tag_values
                    .unwrap_or_default()
                    .into_iter()
                    .map(|t| match t {
                        TagValue::Text(s) | TagValue::Typed { value: s } => s,
                    })
                    .collect(),
            ),
            Err(e) => Outcome::Failed(e),
        },
        Call::Search => match json::<SearchResponse>(&body, "{\"traces\": [...]}") {
            Ok(r) => {
                let summaries: Vec<TraceSummary> = r
                    .traces
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|t| !t.trace_id.is_empty())
                    .map(|t| TraceSummary {
                        trace_id: t.trace_id,
                        root_service: t.root_service_name.unwrap_or_default(),
                        root_name: t.root_trace_name.unwrap_or_default(),
                        start_ns: match t.start_time_unix_nano {
                            Some(NumberOrText::Number(n)) => n,
                            Some(NumberOrText::Text(s)) => s.parse().unwrap_or(0),
                            None => 0,
                        },
                        duration_ms: t.duration_ms.unwrap_or(0),
                    })
                    .collect();
                if summaries.is_empty() {
                    Outcome::Empty("Tempo found no traces for this search".to_string())
                } else {
                    Outcome::Summaries(summaries)
                }
            }
            Err(e) => Outcome::Failed(e),
        },
        Call::Trace => match json::<TraceResponse>(&body, "{\"trace\": {...}} or {\"batches\": [...]}") {
            Ok(t) => {
                let has_spans = t.batches.is_some_and(|b| !b.is_empty())
                    || t.trace.is_some_and(|b| {
                        b.resource_spans.is_some_and(|s| !s.is_empty()) || b.batches.is_some_and(|s| !s.is_empty())
                    });
                if has_spans {
                    Outcome::Document(body)
                } else {
                    Outcome::Failed(Failure::Http { status: 404, message: "trace not found".to_string() })
                }
            }
            Err(e) => Outcome::Failed(e),
        },
        Call::Dependencies => Outcome::Empty("Tempo has no dependency API".to_string()),
    })
}

/// A TraceQL string literal.
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Numbers and booleans stay bare so they compare with typed attributes; the rest is quoted.
fn literal(v: &str) -> String {
    if v == "true" || v == "false" || (v.parse::<f64>().is_ok() && !v.is_empty() && !v.starts_with('+')) {
        v.to_string()
    } else {
        quote(v)
    }
}

/// `.key` for plain keys (span or resource), `."odd key"` otherwise.
fn attribute(key: &str) -> String {
    if key.starts_with("span.") || key.starts_with("resource.") {
        return key.to_string();
    }
    if key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/' | b':')) {
        format!(".{key}")
    } else {
        format!(".{}", quote(key))
    }
}
