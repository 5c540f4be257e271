//! Zipkin's API v2: `/api/v2/services`, `/api/v2/spans?serviceName=` (span names),
//! `/api/v2/traces?serviceName=&spanName=&annotationQuery=&minDuration=&maxDuration=&endTs=&lookback=&limit=`
//! (durations in µs, times in ms; a list of traces, each a list of spans), `/api/v2/trace/{id}`
//! and `/api/v2/dependencies?endTs=&lookback=`. Errors are plain text.

use super::query::SearchQuery;
use super::{
    encode, json, names, on_success, query_string, step, Api, Call, Connection, Failure, Outcome, Response, Step,
};
use serde::de::IgnoredAny;

pub fn services(conn: &Connection) -> Step {
    step(conn, Api::ZipkinV2, Call::Services, "/api/v2/services")
}

pub fn operations(conn: &Connection, service: &str) -> Step {
    step(
        conn,
        Api::ZipkinV2,
        Call::Operations,
        &format!("/api/v2/spans{}", query_string(&[("serviceName", service.to_string())])),
    )
}

pub fn search(conn: &Connection, q: &SearchQuery) -> Step {
    step(conn, Api::ZipkinV2, Call::Search, &format!("/api/v2/traces{}", query_string(&search_params(q))))
}

fn search_params(q: &SearchQuery) -> Vec<(&'static str, String)> {
    let annotation_query = q
        .tags
        .iter()
        .map(|(k, v)| match v {
            Some(v) => format!("{k}={v}"),
            None => k.clone(),
        })
        .collect::<Vec<_>>()
        .join(" and ");
    let micros = |ns: Option<u64>| ns.map(|ns| (ns / 1000).to_string()).unwrap_or_default();
    vec![
        ("serviceName", q.service.clone()),
        ("spanName", q.operation.clone()),
        ("annotationQuery", annotation_query),
        ("minDuration", micros(q.min_duration_ns)),
        ("maxDuration", micros(q.max_duration_ns)),
        ("endTs", q.end_ms.to_string()),
        ("lookback", q.lookback_ms().to_string()),
        ("limit", q.limit.to_string()),
    ]
}

pub fn trace(conn: &Connection, trace_id: &str) -> Step {
    step(conn, Api::ZipkinV2, Call::Trace, &format!("/api/v2/trace/{}", encode(trace_id)))
}

pub fn dependencies(conn: &Connection, end_ms: i64, lookback_ms: i64) -> Step {
    let q = query_string(&[("endTs", end_ms.to_string()), ("lookback", lookback_ms.to_string())]);
    step(conn, Api::ZipkinV2, Call::Dependencies, &format!("/api/v2/dependencies{q}"))
}

pub fn decode(step: &Step, response: Response) -> Outcome {
    on_success(response, |body| match step.call {
        Call::Services | Call::Operations => match json::<Vec<String>>(&body, "a list of names") {
            Ok(list) => names(list),
            Err(e) => Outcome::Failed(e),
        },
        Call::Search | Call::Trace | Call::Dependencies => match json::<Vec<IgnoredAny>>(&body, "a JSON list") {
            Ok(list) if !list.is_empty() => Outcome::Document(body),
            Ok(_) => match step.call {
                Call::Search => Outcome::Empty("Zipkin found no traces for this search".to_string()),
                Call::Dependencies => Outcome::Empty("Zipkin has no dependency links for this time range".to_string()),
                _ => Outcome::Failed(Failure::Http { status: 404, message: "trace not found".to_string() }),
            },
            Err(e) => Outcome::Failed(e),
        },
    })
}
