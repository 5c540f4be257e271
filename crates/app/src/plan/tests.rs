//! Plans against canned answers: fallbacks, Tempo's fan-out, files.

use super::*;
use std::cell::RefCell;
use std::collections::BTreeMap;
use strand_sources::CollectorKind;

/// Answers GETs from a table (URL → status and body) and records what was asked, in order.
struct Canned {
    answers: BTreeMap<String, (u16, String)>,
    asked: RefCell<Vec<String>>,
}

impl Canned {
    fn new(answers: &[(&str, u16, &str)]) -> Canned {
        Canned {
            answers: answers.iter().map(|(u, s, b)| (u.to_string(), (*s, b.to_string()))).collect(),
            asked: RefCell::new(Vec::new()),
        }
    }
}

impl Fetch for Canned {
    async fn get(&self, request: &Request) -> Result<Response, Failure> {
        self.asked.borrow_mut().push(request.url.clone());
        match self.answers.get(&request.url) {
            Some((status, body)) => Ok(Response { status: *status, body: body.clone().into_bytes() }),
            None => Err(Failure::Unreachable),
        }
    }
}

/// Polls a future to the end; the canned fetches never wait, so a no-op waker is enough.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

fn conn(kind: CollectorKind) -> Connection {
    Connection::new(kind, "http://c", "").unwrap()
}

#[test]
fn jaeger_falls_back_to_v1_when_v3_is_not_there() {
    let fetch = Canned::new(&[
        ("http://c/api/v3/services", 404, "404 page not found"),
        ("http://c/api/services", 200, r#"{"data":["b","a","a"],"total":2}"#),
    ]);
    let c = conn(CollectorKind::Jaeger);
    let done = block_on(run(&fetch, Plan::Collector { step: sources::services(&c), connection: c }));
    assert_eq!(done, Finished::Names(vec!["a".into(), "b".into()]));
    assert_eq!(*fetch.asked.borrow(), ["http://c/api/v3/services", "http://c/api/services"]);
}

#[test]
fn a_failure_names_the_url_that_failed() {
    let fetch = Canned::new(&[]);
    let c = conn(CollectorKind::Zipkin);
    let done = block_on(run(&fetch, Plan::Collector { step: sources::services(&c), connection: c }));
    assert_eq!(done, Finished::Failed { failure: Failure::Unreachable, url: "http://c/api/v2/services".into() });
}

#[test]
fn tempo_search_fetches_every_trace_four_at_a_time_in_order() {
    let trace = |id: &str| {
        format!(
            r#"{{"trace":{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"{id}","spanId":"01","name":"x","startTimeUnixNano":"1000","endTimeUnixNano":"2000"}}]}}]}}]}}}}"#
        )
    };
    let ids = ["0a", "0b", "0c", "0d", "0e", "0f"];
    let summaries: Vec<String> = ids
        .iter()
        .map(|id| format!(r#"{{"traceID":"{id}","rootServiceName":"s","rootTraceName":"x","startTimeUnixNano":"1","durationMs":1}}"#))
        .collect();
    let search = format!(r#"{{"traces":[{}]}}"#, summaries.join(","));
    let mut answers: Vec<(String, u16, String)> =
        vec![("http://c/api/search?q=%7B%7D&limit=20&start=0&end=1".into(), 200, search)];
    for id in ids.iter().filter(|id| **id != "0c") {
        answers.push((format!("http://c/api/v2/traces/{id}"), 200, trace(id)));
    }
    let answers: Vec<(&str, u16, &str)> = answers.iter().map(|(u, s, b)| (u.as_str(), *s, b.as_str())).collect();
    let fetch = Canned::new(&answers);
    let c = conn(CollectorKind::Tempo);
    let step = Step {
        request: Request { url: "http://c/api/search?q=%7B%7D&limit=20&start=0&end=1".into(), headers: vec![] },
        api: strand_sources::Api::Tempo,
        call: strand_sources::Call::Search,
        fallback: None,
    };
    let Finished::Documents { documents, failures, asked } =
        block_on(run(&fetch, Plan::Collector { connection: c, step }))
    else {
        panic!("documents expected")
    };
    assert_eq!(asked, 6, "{:?}", fetch.asked.borrow());
    assert_eq!(documents.len(), 5, "{:?}", fetch.asked.borrow());
    // In the order of the summaries, whatever order the answers came in.
    let first_ids: Vec<String> = documents
        .iter()
        .map(|d| String::from_utf8_lossy(d).split("traceId\":\"").nth(1).unwrap()[..2].to_string())
        .collect();
    assert_eq!(first_ids, ["0a", "0b", "0d", "0e", "0f"]);
    // The missing trace fell back to the older endpoint, which was not there either.
    assert_eq!(failures.len(), 1);
    assert!(failures[0].1.ends_with("0c"), "{failures:?}");
    assert!(combined(&documents).is_some());
}

#[test]
fn files_must_be_json_and_2xx() {
    let fetch = Canned::new(&[
        ("http://f/a.json", 200, r#"{"resourceSpans":[]}"#),
        ("http://f/page", 200, "<!DOCTYPE html><html>"),
        ("http://f/gone", 404, "nope"),
    ]);
    let file = |url: &str| Plan::File { request: Request { url: url.into(), headers: vec![] } };
    assert!(matches!(block_on(run(&fetch, file("http://f/a.json"))), Finished::Documents { .. }));
    assert!(matches!(
        block_on(run(&fetch, file("http://f/page"))),
        Finished::Failed { failure: Failure::Malformed { .. }, .. }
    ));
    assert!(matches!(
        block_on(run(&fetch, file("http://f/gone"))),
        Finished::Failed { failure: Failure::Http { status: 404, .. }, .. }
    ));
}
