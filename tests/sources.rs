//! Collector clients against recorded responses (tests/fixtures/collectors): the requests each
//! search builds, how each answer is read (names, documents, summaries, "no traces", fallbacks,
//! errors), and that the documents load into a dataset with the expected traces.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use expect_test::expect;
use strand_formats::{self as formats, AssembleOptions};
use strand_model::Dataset;
use strand_sources::{self as sources, Api, CollectorKind, Connection, Failure, Outcome, Response, SearchForm, Step};

const NOW_MS: i64 = 1_795_295_400_000;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/collectors/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn conn(kind: CollectorKind) -> Connection {
    Connection::new(kind, kind.example_base(), "").unwrap()
}

fn ok(name: &str) -> Response {
    Response { status: 200, body: fixture(name) }
}

fn status(status: u16, body: &str) -> Response {
    Response { status, body: body.as_bytes().to_vec() }
}

fn names(outcome: Outcome) -> Vec<String> {
    match outcome {
        Outcome::Names(n) => n,
        other => panic!("expected names, got {other:?}"),
    }
}

/// Loads a document outcome; returns (traces, spans, dependency links).
fn load(outcome: Outcome) -> (usize, usize, usize) {
    let Outcome::Document(bytes) = outcome else { panic!("expected a document, got {outcome:?}") };
    let mut data = Dataset::new();
    formats::load(&mut data, &bytes, "collector", None, &AssembleOptions::default()).expect("loads");
    (data.traces.len(), data.span_count(), data.dependencies.len())
}

fn fallback(step: &Step) -> &Step {
    step.fallback.as_deref().expect("has a fallback")
}

fn query(form: SearchForm) -> sources::SearchQuery {
    form.to_query(NOW_MS).unwrap()
}

#[test]
fn jaeger_v3_requests_use_snake_case_rfc3339_and_go_durations() {
    let c = conn(CollectorKind::Jaeger);
    let q = query(SearchForm {
        service: "frontend".into(),
        operation: "GET /checkout/<int:n>".into(),
        tags: "http.response.status_code=502".into(),
        lookback: "15m".into(),
        min_duration: "10ms".into(),
        max_duration: "1.5s".into(),
        limit: "7".into(),
        ..SearchForm::default()
    });
    // With tags, API v1 first: Jaeger's v3 gateway does not read `query.attributes`.
    let step = sources::search(&c, &q).unwrap();
    assert_eq!(step.api, Api::JaegerV1);
    assert_eq!(fallback(&step).api, Api::JaegerV3);
    expect!["http://localhost:16686/api/v3/traces?query.service_name=frontend&query.operation_name=GET%20%2Fcheckout%2F%3Cint%3An%3E&query.attributes=%7B%22http.response.status_code%22%3A%22502%22%7D&query.start_time_min=2026-11-21T20%3A55%3A00.000Z&query.start_time_max=2026-11-21T21%3A10%3A00.000Z&query.duration_min=10ms&query.duration_max=1500ms&query.search_depth=7&query.num_traces=7"]
        .assert_eq(&fallback(&step).request.url);
    expect![[r#"http://localhost:16686/api/traces?service=frontend&operation=GET%20%2Fcheckout%2F%3Cint%3An%3E&tags=%7B%22http.response.status_code%22%3A%22502%22%7D&start=1795294500000000&end=1795295400000000&minDuration=10ms&maxDuration=1500ms&limit=7"#]]
        .assert_eq(&step.request.url);
    // A Jaeger that has no v1 (behind a proxy that only passes /api/v3) still answers.
    assert_eq!(sources::decode(&step, status(404, "404 page not found\n")), Outcome::Fallback);
    let untagged = query(SearchForm { service: "frontend".into(), ..SearchForm::default() });
    assert_eq!(sources::search(&c, &untagged).unwrap().api, Api::JaegerV3);
    assert!(sources::search(&c, &query(SearchForm::default())).unwrap_err().contains("need a service"));
    let needs_values = SearchForm { service: "x".into(), tags: "error".into(), ..SearchForm::default() };
    assert!(sources::search(&c, &query(needs_values)).unwrap_err().contains("key=value"));
}

#[test]
fn jaeger_v3_answers_are_read() {
    let c = conn(CollectorKind::Jaeger);
    let services = sources::services(&c);
    assert_eq!(services.request.url, "http://localhost:16686/api/v3/services");
    assert_eq!(
        names(sources::decode(&services, ok("jaeger-v3-services.json"))),
        ["cart", "frontend", "inventory", "payment", "pricing"]
    );
    let ops = sources::operations(&c, "frontend");
    assert_eq!(ops.request.url, "http://localhost:16686/api/v3/operations?service=frontend");
    assert!(
        names(sources::decode(&ops, ok("jaeger-v3-operations.json"))).contains(&"GET /checkout/<int:n>".to_string())
    );

    let search =
        sources::search(&c, &query(SearchForm { service: "frontend".into(), ..SearchForm::default() })).unwrap();
    assert_eq!(load(sources::decode(&search, ok("jaeger-v3-find-traces.json"))), (3, 51, 0));
    // "No traces found" is an empty result, not an error and not a missing API.
    let none = sources::decode(&search, Response { status: 404, body: fixture("jaeger-v3-no-traces.json") });
    assert_eq!(none, Outcome::Empty("Jaeger found no traces for this search".into()));

    let trace = sources::trace(&c, "20FBBC4FD5C3FFDAD24A83677946B472").unwrap();
    assert_eq!(trace.request.url, "http://localhost:16686/api/v3/traces/20fbbc4fd5c3ffdad24a83677946b472");
    assert_eq!(load(sources::decode(&trace, ok("jaeger-v3-get-trace.json"))), (1, 19, 0));
    // Jaeger's own api_v3 GetTrace snapshot (a span without times) loads too.
    assert_eq!(load(sources::decode(&trace, ok("jaeger-v3-gettrace-snapshot.json"))), (1, 1, 0));
}

#[test]
fn jaeger_falls_back_to_v1_when_v3_is_not_there() {
    let c = conn(CollectorKind::Jaeger);
    let not_there = || status(404, "404 page not found\n");
    let services = sources::services(&c);
    assert_eq!(sources::decode(&services, not_there()), Outcome::Fallback);
    let v1 = fallback(&services);
    assert_eq!((v1.api, v1.request.url.as_str()), (Api::JaegerV1, "http://localhost:16686/api/services"));
    assert_eq!(names(sources::decode(v1, ok("jaeger-v1-services.json"))).len(), 5);
    let ops = sources::operations(&c, "front end");
    assert_eq!(fallback(&ops).request.url, "http://localhost:16686/api/services/front%20end/operations");
    assert!(names(sources::decode(fallback(&ops), ok("jaeger-v1-operations.json"))).contains(&"POST".to_string()));

    let trace = sources::trace(&c, "2db17286b3e6b148").unwrap();
    assert_eq!(sources::decode(&trace, not_there()), Outcome::Fallback);
    assert_eq!(fallback(&trace).request.url, "http://localhost:16686/api/traces/2db17286b3e6b148");
    assert_eq!(load(sources::decode(fallback(&trace), ok("jaeger-v1-get-trace.json"))), (1, 2, 0));
    let gone = sources::decode(
        fallback(&trace),
        status(404, r#"{"data":null,"errors":[{"code":404,"msg":"trace not found"}]}"#),
    );
    assert_eq!(gone, Outcome::Failed(Failure::Http { status: 404, message: "trace not found".into() }));

    let search =
        sources::search(&c, &query(SearchForm { service: "frontend".into(), ..SearchForm::default() })).unwrap();
    assert_eq!(sources::decode(&search, not_there()), Outcome::Fallback);
    assert!(matches!(sources::decode(fallback(&search), ok("jaeger-v1-no-traces.json")), Outcome::Empty(_)));
    let error = sources::decode(fallback(&search), Response { status: 400, body: fixture("jaeger-v1-error.json") });
    assert_eq!(
        error,
        Outcome::Failed(Failure::Http { status: 400, message: "parameter 'service' is required".into() })
    );
}

#[test]
fn jaeger_dependencies_load_as_links() {
    let c = conn(CollectorKind::Jaeger);
    let step = sources::dependencies(&c, NOW_MS, 3_600_000).unwrap();
    assert_eq!(step.request.url, "http://localhost:16686/api/dependencies?endTs=1795295400000&lookback=3600000");
    assert_eq!(load(sources::decode(&step, ok("jaeger-v1-dependencies.json"))), (0, 0, 4));
    assert!(matches!(sources::decode(&step, status(200, r#"{"data":[]}"#)), Outcome::Empty(_)));
}

#[test]
fn jaeger_failures_carry_the_servers_message() {
    let c = conn(CollectorKind::Jaeger);
    let services = sources::services(&c);
    let failed =
        sources::decode(&services, status(500, r#"{"error":{"httpCode":500,"message":"storage unavailable"}}"#));
    assert_eq!(failed, Outcome::Failed(Failure::Http { status: 500, message: "storage unavailable".into() }));
    // An HTML page (the v1 UI answering an unknown path) means v3 is not there.
    assert_eq!(sources::decode(&services, status(200, "<html>Jaeger UI</html>")), Outcome::Fallback);
    // From v1, HTML is not an answer at all.
    let Outcome::Failed(Failure::Malformed { detail }) =
        sources::decode(fallback(&services), status(200, "<html>login</html>"))
    else {
        panic!("expected malformed")
    };
    assert!(detail.contains("not JSON: it starts with \"<html>login</html>\""), "{detail}");
}

#[test]
fn zipkin_requests_and_answers() {
    let c = conn(CollectorKind::Zipkin);
    let q = query(SearchForm {
        service: "frontend".into(),
        operation: "get /checkout".into(),
        tags: "error http.method=GET".into(),
        lookback: "1h".into(),
        min_duration: "250us".into(),
        limit: "3".into(),
        ..SearchForm::default()
    });
    expect![[r#"http://localhost:9411/api/v2/traces?serviceName=frontend&spanName=get%20%2Fcheckout&annotationQuery=error%20and%20http.method%3DGET&minDuration=250&endTs=1795295400000&lookback=3600000&limit=3"#]]
        .assert_eq(&sources::search(&c, &q).unwrap().request.url);
    assert_eq!(sources::services(&c).request.url, "http://localhost:9411/api/v2/services");
    assert_eq!(
        sources::operations(&c, "frontend").request.url,
        "http://localhost:9411/api/v2/spans?serviceName=frontend"
    );
    assert_eq!(sources::trace(&c, "abc").unwrap().request.url, "http://localhost:9411/api/v2/trace/abc");
    assert_eq!(
        sources::dependencies(&c, 1000, 500).unwrap().request.url,
        "http://localhost:9411/api/v2/dependencies?endTs=1000&lookback=500"
    );
    let svc = sources::services(&c);
    assert_eq!(names(sources::decode(&svc, status(200, r#"["payment","cart","cart",""]"#))), ["cart", "payment"]);
    let search = sources::search(&c, &q).unwrap();
    assert!(matches!(sources::decode(&search, status(200, "[]")), Outcome::Empty(_)));
    let sample =
        std::fs::read(format!("{}/../shared/samples/zipkin-v2_yelp.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let trace = sources::trace(&c, "abc").unwrap();
    assert!(matches!(sources::decode(&trace, Response { status: 200, body: sample }), Outcome::Document(_)));
    assert_eq!(
        sources::decode(&trace, status(404, "Trace not found")),
        Outcome::Failed(Failure::Http { status: 404, message: "Trace not found".into() })
    );
    let deps = sources::dependencies(&c, 1000, 500).unwrap();
    let links = r#"[{"parent":"frontend","child":"cart","callCount":4,"errorCount":1}]"#;
    assert_eq!(load(sources::decode(&deps, status(200, links))), (0, 0, 1));
    assert!(matches!(sources::decode(&svc, status(200, "{\"oops\":1}")), Outcome::Failed(Failure::Malformed { .. })));
}

#[test]
fn tempo_builds_traceql_from_the_form() {
    let c = conn(CollectorKind::Tempo);
    let q = query(SearchForm {
        service: "frontend".into(),
        operation: "GET /checkout/<int:n>".into(),
        tags: r#"http.response.status_code=409 order="a \"b\"" error"#.into(),
        min_duration: "20ms".into(),
        max_duration: "2s".into(),
        lookback: "30m".into(),
        limit: "5".into(),
        ..SearchForm::default()
    });
    expect![[r#"{ resource.service.name = "frontend" && name = "GET /checkout/<int:n>" && .http.response.status_code = 409 && .order = "a \"b\"" && .error != nil && traceDuration >= 20ms && traceDuration <= 2s }"#]]
        .assert_eq(&sources::tempo::build_traceql(&q));
    assert_eq!(sources::tempo::build_traceql(&query(SearchForm::default())), "{}");
    let step = sources::search(&c, &q).unwrap();
    assert!(step.request.url.starts_with("http://localhost:3200/api/search?q=%7B%20resource.service.name"));
    assert!(step.request.url.ends_with("&start=1795293600&end=1795295400&limit=5"));
    // A query typed by hand is sent as it is.
    let typed = query(SearchForm { traceql: "{ status = error }".into(), ..SearchForm::default() });
    assert!(sources::search(&c, &typed).unwrap().request.url.contains("q=%7B%20status%20%3D%20error%20%7D&"));
}

#[test]
fn tempo_search_returns_summaries_and_traces_load_by_id() {
    let c = conn(CollectorKind::Tempo);
    let search = sources::search(&c, &query(SearchForm::default())).unwrap();
    let Outcome::Summaries(found) = sources::decode(&search, ok("tempo-search.json")) else { panic!() };
    assert_eq!(found.len(), 3);
    assert_eq!(found.first().map(|s| (s.root_service.as_str(), s.duration_ms)), Some(("frontend", 88)));
    assert!(matches!(sources::decode(&search, ok("tempo-search-empty.json")), Outcome::Empty(_)));

    let mut documents = Vec::new();
    for summary in &found {
        let step = sources::trace(&c, &summary.trace_id).unwrap();
        assert_eq!(step.request.url, format!("http://localhost:3200/api/v2/traces/{}", summary.trace_id));
        let Outcome::Document(doc) = sources::decode(&step, ok(&format!("tempo-trace-{}.json", summary.trace_id)))
        else {
            panic!()
        };
        documents.push(doc);
    }
    // All found traces load as one document.
    assert_eq!(load(Outcome::Document(sources::tempo::combine_documents(&documents))), (3, 51, 0));

    let step = sources::trace(&c, "00ff").unwrap();
    assert_eq!(sources::decode(&step, status(404, "trace not found")), Outcome::Fallback);
    assert_eq!(fallback(&step).request.url, "http://localhost:3200/api/traces/00ff");
    assert_eq!(
        sources::decode(fallback(&step), status(404, "trace not found")),
        Outcome::Failed(Failure::Http { status: 404, message: "trace not found".into() })
    );
    assert!(sources::dependencies(&c, 0, 1).is_none());
}

#[test]
fn tempo_tag_values_fill_the_pickers() {
    let c = conn(CollectorKind::Tempo);
    let services = sources::services(&c);
    assert_eq!(services.request.url, "http://localhost:3200/api/v2/search/tag/resource.service.name/values");
    assert_eq!(names(sources::decode(&services, ok("tempo-tag-values-service.json"))).len(), 5);
    assert_eq!(names(sources::decode(fallback(&services), ok("tempo-v1-tag-values-service.json"))).len(), 5);
    let ops = sources::operations(&c, "frontend");
    assert_eq!(
        ops.request.url,
        "http://localhost:3200/api/v2/search/tag/name/values?q=%7B%20resource.service.name%20%3D%20%22frontend%22%20%7D"
    );
    assert!(
        names(sources::decode(&ops, ok("tempo-tag-values-name.json"))).contains(&"GET /checkout/<int:n>".to_string())
    );
    let bad = sources::decode(&services, status(400, "invalid TraceQL query: parse error at line 1, col 3"));
    assert_eq!(
        bad,
        Outcome::Failed(Failure::Http {
            status: 400,
            message: "invalid TraceQL query: parse error at line 1, col 3".into()
        })
    );
}

#[test]
fn auth_headers_go_on_every_request_of_the_connection() {
    let c = Connection::new(CollectorKind::Tempo, "tempo:3200", "X-Scope-OrgID: team-a").unwrap();
    let step = sources::trace(&c, "ab").unwrap();
    assert_eq!(step.request.headers, vec![("X-Scope-OrgID".to_string(), "team-a".to_string())]);
    assert_eq!(fallback(&step).request.headers, step.request.headers);
}
