//! Collector commands and finished plans: what is asked, what the user is told, what loads.

use crate::app::tests::render_state;
use crate::collect::CollectorCommand;
use crate::plan::Finished;
use crate::{Action, App, Effect, Env};
use expect_test::{expect, Expect};
use strand_sources::{CollectorKind, Failure, SearchForm};
use strand_view::route::Route;

fn render_effects(effects: &[Effect]) -> String {
    let mut out = String::new();
    for e in effects {
        match e {
            Effect::RunPlan { request, plan, timeout_ms } => {
                let urls = match plan {
                    crate::plan::Plan::Collector { step, .. } => {
                        let mut urls = vec![step.request.url.clone()];
                        let mut next = step.fallback.as_deref();
                        while let Some(s) = next {
                            urls.push(s.request.url.clone());
                            next = s.fallback.as_deref();
                        }
                        urls.join(" then ")
                    }
                    crate::plan::Plan::File { request } => request.url.clone(),
                };
                out.push_str(&format!("  -> plan {request} ({timeout_ms} ms): {urls}\n"));
            }
            Effect::Import { job, name, .. } => out.push_str(&format!("  -> import job {job} {name}\n")),
            other => out.push_str(&format!("  -> {other:?}\n")),
        }
    }
    out
}

fn check_from(route: Route, env: Env, actions: Vec<Action>, expect: Expect) {
    let (mut app, opened) = App::open(route, env);
    let mut out = render_effects(&opened);
    out.push_str(&collector_state(&app));
    for action in actions {
        out.push_str(&format!("> {}\n", label(&action)));
        out.push_str(&render_effects(&app.apply(action)));
        out.push_str(&render_state(&app));
        out.push_str(&collector_state(&app));
    }
    expect.assert_eq(&out);
}

fn collector_state(app: &App) -> String {
    let c = &app.collector;
    let mut out = format!("  collector: {:?}", c.status);
    if let Some(conn) = &c.connection {
        out.push_str(&format!(" {}", conn.label()));
    }
    if !c.services.is_empty() {
        out.push_str(&format!(" services={:?}", c.services));
    }
    if !c.operations.1.is_empty() {
        out.push_str(&format!(" operations of {}={:?}", c.operations.0, c.operations.1));
    }
    for b in c.busy() {
        out.push_str(&format!(" busy: {b}"));
    }
    if let Some(e) = &c.form_error {
        out.push_str(&format!(" form error: {e}"));
    }
    out.push('\n');
    out
}

fn label(action: &Action) -> String {
    match action {
        Action::Collector(c) => format!("{c:?}"),
        Action::PlanFinished { request, finished } => match finished {
            Finished::Documents { documents, failures, asked } => {
                format!("plan {request}: {} documents of {asked}, {} failures", documents.len(), failures.len())
            }
            other => format!("plan {request}: {other:?}"),
        },
        _ => "other".to_string(),
    }
}

fn connect(kind: CollectorKind) -> Action {
    Action::Collector(CollectorCommand::Connect { kind, base: "http://127.0.0.1:9411".into(), auth: String::new() })
}

const NOW_MS: i64 = 1_795_295_400_000;

#[test]
fn connecting_is_connected_only_when_the_collector_answers() {
    check_from(
        Route::default(),
        Env {
            page_origin: "http://127.0.0.1:8080".into(),
            saved_connection: None,
            saved_settings: Some("keep-data=off".into()),
            ..Env::default()
        },
        vec![
            connect(CollectorKind::Zipkin),
            Action::PlanFinished {
                request: 1,
                finished: Finished::Failed {
                    failure: Failure::CorsRefused,
                    url: "http://127.0.0.1:9411/api/v2/services".into(),
                },
            },
            connect(CollectorKind::Zipkin),
            Action::PlanFinished { request: 2, finished: Finished::Names(vec!["cart".into(), "frontend".into()]) },
            Action::Collector(CollectorCommand::ListOperations { service: "cart".into() }),
            Action::PlanFinished { request: 3, finished: Finished::Names(vec!["get /cart".into()]) },
        ],
        expect![[r#"
              collector: Disconnected
            > Connect { kind: Zipkin, base: "http://127.0.0.1:9411", auth: "" }
              -> SaveConnection(Some("{\"kind\":\"zipkin\",\"base_url\":\"http://127.0.0.1:9411\",\"auth_header\":null}"))
              -> plan 1 (30000 ms): http://127.0.0.1:9411/api/v2/services
              route: ?source=zipkin&base=http%3A%2F%2F127.0.0.1%3A9411
              collector: Connecting zipkin 127.0.0.1:9411 busy: Connecting to zipkin 127.0.0.1:9411…
            > plan 1: Failed { failure: CorsRefused, url: "http://127.0.0.1:9411/api/v2/services" }
              notice Error: zipkin 127.0.0.1:9411: list services: 127.0.0.1:9411 answered, but its CORS settings do not let pages from http://127.0.0.1:8080 read the response
                Start Zipkin with ZIPKIN_QUERY_ALLOWED_ORIGINS=http://127.0.0.1:8080 (its default, *, allows every origin).
                Or serve Strand and the collector from one origin (Trunk's [[proxy]] in development, the nginx snippet for hosting: README, "Loading from URLs and collectors").
                What was loaded before is still here.
              route: ?source=zipkin&base=http%3A%2F%2F127.0.0.1%3A9411
              collector: Failed zipkin 127.0.0.1:9411
            > Connect { kind: Zipkin, base: "http://127.0.0.1:9411", auth: "" }
              -> SaveConnection(Some("{\"kind\":\"zipkin\",\"base_url\":\"http://127.0.0.1:9411\",\"auth_header\":null}"))
              -> plan 2 (30000 ms): http://127.0.0.1:9411/api/v2/services
              notice Error: zipkin 127.0.0.1:9411: list services: 127.0.0.1:9411 answered, but its CORS settings do not let pages from http://127.0.0.1:8080 read the response
                Start Zipkin with ZIPKIN_QUERY_ALLOWED_ORIGINS=http://127.0.0.1:8080 (its default, *, allows every origin).
                Or serve Strand and the collector from one origin (Trunk's [[proxy]] in development, the nginx snippet for hosting: README, "Loading from URLs and collectors").
                What was loaded before is still here.
              route: ?source=zipkin&base=http%3A%2F%2F127.0.0.1%3A9411
              collector: Connecting zipkin 127.0.0.1:9411 busy: Connecting to zipkin 127.0.0.1:9411…
            > plan 2: Names(["cart", "frontend"])
              notice Error: zipkin 127.0.0.1:9411: list services: 127.0.0.1:9411 answered, but its CORS settings do not let pages from http://127.0.0.1:8080 read the response
                Start Zipkin with ZIPKIN_QUERY_ALLOWED_ORIGINS=http://127.0.0.1:8080 (its default, *, allows every origin).
                Or serve Strand and the collector from one origin (Trunk's [[proxy]] in development, the nginx snippet for hosting: README, "Loading from URLs and collectors").
                What was loaded before is still here.
              notice Loaded: zipkin 127.0.0.1:9411: connected, 2 services
              route: ?source=zipkin&base=http%3A%2F%2F127.0.0.1%3A9411
              collector: Connected zipkin 127.0.0.1:9411 services=["cart", "frontend"]
            > ListOperations { service: "cart" }
              -> plan 3 (30000 ms): http://127.0.0.1:9411/api/v2/spans?serviceName=cart
              notice Error: zipkin 127.0.0.1:9411: list services: 127.0.0.1:9411 answered, but its CORS settings do not let pages from http://127.0.0.1:8080 read the response
                Start Zipkin with ZIPKIN_QUERY_ALLOWED_ORIGINS=http://127.0.0.1:8080 (its default, *, allows every origin).
                Or serve Strand and the collector from one origin (Trunk's [[proxy]] in development, the nginx snippet for hosting: README, "Loading from URLs and collectors").
                What was loaded before is still here.
              notice Loaded: zipkin 127.0.0.1:9411: connected, 2 services
              route: ?source=zipkin&base=http%3A%2F%2F127.0.0.1%3A9411
              collector: Connected zipkin 127.0.0.1:9411 services=["cart", "frontend"] busy: Listing operations of cart…
            > plan 3: Names(["get /cart"])
              notice Error: zipkin 127.0.0.1:9411: list services: 127.0.0.1:9411 answered, but its CORS settings do not let pages from http://127.0.0.1:8080 read the response
                Start Zipkin with ZIPKIN_QUERY_ALLOWED_ORIGINS=http://127.0.0.1:8080 (its default, *, allows every origin).
                Or serve Strand and the collector from one origin (Trunk's [[proxy]] in development, the nginx snippet for hosting: README, "Loading from URLs and collectors").
                What was loaded before is still here.
              notice Loaded: zipkin 127.0.0.1:9411: connected, 2 services
              route: ?source=zipkin&base=http%3A%2F%2F127.0.0.1%3A9411
              collector: Connected zipkin 127.0.0.1:9411 services=["cart", "frontend"] operations of cart=["get /cart"]
        "#]],
    );
}

#[test]
fn a_search_loads_what_it_found_and_says_when_nothing_was() {
    check_from(
        Route::default(),
        crate::app::tests::env_keeping_nothing(),
        vec![
            connect(CollectorKind::Jaeger),
            Action::PlanFinished { request: 1, finished: Finished::Names(vec!["frontend".into()]) },
            Action::Collector(CollectorCommand::Search { form: SearchForm::default(), now_ms: NOW_MS }),
            Action::Collector(CollectorCommand::Search {
                form: SearchForm { service: "frontend".into(), lookback: "15m".into(), ..SearchForm::default() },
                now_ms: NOW_MS,
            }),
            Action::PlanFinished { request: 2, finished: Finished::Empty("Jaeger found no traces".into()) },
            Action::Collector(CollectorCommand::Search {
                form: SearchForm { service: "frontend".into(), ..SearchForm::default() },
                now_ms: NOW_MS,
            }),
            Action::PlanFinished {
                request: 3,
                finished: Finished::Documents { documents: vec![b"{}".to_vec()], failures: Vec::new(), asked: 1 },
            },
        ],
        expect![[r#"
              collector: Disconnected
            > Connect { kind: Jaeger, base: "http://127.0.0.1:9411", auth: "" }
              -> SaveConnection(Some("{\"kind\":\"jaeger\",\"base_url\":\"http://127.0.0.1:9411\",\"auth_header\":null}"))
              -> plan 1 (30000 ms): http://127.0.0.1:9411/api/v3/services then http://127.0.0.1:9411/api/services
              route: ?source=jaeger&base=http%3A%2F%2F127.0.0.1%3A9411
              collector: Connecting jaeger 127.0.0.1:9411 busy: Connecting to jaeger 127.0.0.1:9411…
            > plan 1: Names(["frontend"])
              notice Loaded: jaeger 127.0.0.1:9411: connected, 1 service
              route: ?source=jaeger&base=http%3A%2F%2F127.0.0.1%3A9411
              collector: Connected jaeger 127.0.0.1:9411 services=["frontend"]
            > Search { form: SearchForm { service: "", operation: "", tags: "", traceql: "", lookback: "", from_ms: None, to_ms: None, min_duration: "", max_duration: "", limit: "" }, now_ms: 1795295400000 }
              notice Loaded: jaeger 127.0.0.1:9411: connected, 1 service
              route: ?source=jaeger&base=http%3A%2F%2F127.0.0.1%3A9411
              collector: Connected jaeger 127.0.0.1:9411 services=["frontend"] form error: Jaeger searches need a service: pick one
            > Search { form: SearchForm { service: "frontend", operation: "", tags: "", traceql: "", lookback: "15m", from_ms: None, to_ms: None, min_duration: "", max_duration: "", limit: "" }, now_ms: 1795295400000 }
              -> plan 2 (30000 ms): http://127.0.0.1:9411/api/v3/traces?query.service_name=frontend&query.start_time_min=2026-11-21T20%3A55%3A00.000Z&query.start_time_max=2026-11-21T21%3A10%3A00.000Z&query.search_depth=20&query.num_traces=20 then http://127.0.0.1:9411/api/traces?service=frontend&start=1795294500000000&end=1795295400000000&limit=20
              notice Loaded: jaeger 127.0.0.1:9411: connected, 1 service
              route: ?source=jaeger&base=http%3A%2F%2F127.0.0.1%3A9411
              collector: Connected jaeger 127.0.0.1:9411 services=["frontend"] busy: jaeger 127.0.0.1:9411: search frontend…
            > plan 2: Empty("Jaeger found no traces")
              notice Loaded: jaeger 127.0.0.1:9411: connected, 1 service
              notice Loaded: jaeger 127.0.0.1:9411: search frontend: Jaeger found no traces
                Widen the time range or remove some filters.
              route: ?source=jaeger&base=http%3A%2F%2F127.0.0.1%3A9411
              collector: Connected jaeger 127.0.0.1:9411 services=["frontend"]
            > Search { form: SearchForm { service: "frontend", operation: "", tags: "", traceql: "", lookback: "", from_ms: None, to_ms: None, min_duration: "", max_duration: "", limit: "" }, now_ms: 1795295400000 }
              -> plan 3 (30000 ms): http://127.0.0.1:9411/api/v3/traces?query.service_name=frontend&query.start_time_min=2026-11-21T20%3A10%3A00.000Z&query.start_time_max=2026-11-21T21%3A10%3A00.000Z&query.search_depth=20&query.num_traces=20 then http://127.0.0.1:9411/api/traces?service=frontend&start=1795291800000000&end=1795295400000000&limit=20
              notice Loaded: jaeger 127.0.0.1:9411: connected, 1 service
              notice Loaded: jaeger 127.0.0.1:9411: search frontend: Jaeger found no traces
                Widen the time range or remove some filters.
              route: ?source=jaeger&base=http%3A%2F%2F127.0.0.1%3A9411
              collector: Connected jaeger 127.0.0.1:9411 services=["frontend"] busy: jaeger 127.0.0.1:9411: search frontend…
            > plan 3: 1 documents of 1, 0 failures
              -> import job 1 jaeger 127.0.0.1:9411: search frontend
              progress: jaeger 127.0.0.1:9411: search frontend Reading 0 bytes of 2 bytes…
              notice Loaded: jaeger 127.0.0.1:9411: connected, 1 service
              notice Loaded: jaeger 127.0.0.1:9411: search frontend: Jaeger found no traces
                Widen the time range or remove some filters.
              route: ?source=jaeger&base=http%3A%2F%2F127.0.0.1%3A9411
              collector: Connected jaeger 127.0.0.1:9411 services=["frontend"]
        "#]],
    );
}

#[test]
fn the_address_reconnects_and_opens_a_url_with_the_saved_header() {
    let saved = strand_sources::Connection::new(CollectorKind::Tempo, "http://t:3200", "X-Scope-OrgID: team").unwrap();
    check_from(
        Route::parse("?source=tempo&base=http%3A%2F%2Ft%3A3200&url=https%3A%2F%2Fx.example%2Ft.json&timeout=500"),
        Env {
            page_origin: "http://p".into(),
            saved_connection: Some(saved.to_storage()),
            saved_settings: Some("keep-data=off".into()),
            ..Env::default()
        },
        vec![
            Action::PlanFinished {
                request: 2,
                finished: Finished::Failed {
                    failure: Failure::Timeout { after_ms: 500 },
                    url: "https://x.example/t.json".into(),
                },
            },
            Action::Collector(CollectorCommand::OpenTrace { id: "not an id!".into() }),
            Action::Collector(CollectorCommand::LoadDependencies { form: SearchForm::default(), now_ms: NOW_MS }),
            Action::Collector(CollectorCommand::Disconnect),
        ],
        expect![[r#"
              -> plan 1 (500 ms): http://t:3200/api/v2/search/tag/resource.service.name/values then http://t:3200/api/search/tag/service.name/values
              -> plan 2 (500 ms): https://x.example/t.json
              collector: Connecting tempo t:3200 busy: Connecting to tempo t:3200… busy: Loading t.json (x.example)…
            > plan 2: Failed { failure: Timeout { after_ms: 500 }, url: "https://x.example/t.json" }
              notice Error: https://x.example/t.json: timed out
                x.example did not answer within 0.5 s.
                The server may be slow or the file very large; try again, or download it and open it with Open files….
                What was loaded before is still here.
              route: ?url=https%3A%2F%2Fx.example%2Ft.json&source=tempo&base=http%3A%2F%2Ft%3A3200&timeout=500
              collector: Connecting tempo t:3200 busy: Connecting to tempo t:3200…
            > OpenTrace { id: "not an id!" }
              notice Error: https://x.example/t.json: timed out
                x.example did not answer within 0.5 s.
                The server may be slow or the file very large; try again, or download it and open it with Open files….
                What was loaded before is still here.
              route: ?url=https%3A%2F%2Fx.example%2Ft.json&source=tempo&base=http%3A%2F%2Ft%3A3200&timeout=500
              collector: Connecting tempo t:3200 busy: Connecting to tempo t:3200… form error: "not an id!" is not a trace id (hex digits, e.g. 4bf92f3577b34da6a3ce929d0e0e4736)
            > LoadDependencies { form: SearchForm { service: "", operation: "", tags: "", traceql: "", lookback: "", from_ms: None, to_ms: None, min_duration: "", max_duration: "", limit: "" }, now_ms: 1795295400000 }
              notice Error: https://x.example/t.json: timed out
                x.example did not answer within 0.5 s.
                The server may be slow or the file very large; try again, or download it and open it with Open files….
                What was loaded before is still here.
              route: ?url=https%3A%2F%2Fx.example%2Ft.json&source=tempo&base=http%3A%2F%2Ft%3A3200&timeout=500
              collector: Connecting tempo t:3200 busy: Connecting to tempo t:3200… form error: Tempo's API has no dependency links; the service map is built from loaded traces.
            > Disconnect
              -> SaveConnection(None)
              notice Error: https://x.example/t.json: timed out
                x.example did not answer within 0.5 s.
                The server may be slow or the file very large; try again, or download it and open it with Open files….
                What was loaded before is still here.
              route: ?url=https%3A%2F%2Fx.example%2Ft.json&timeout=500
              collector: Disconnected
        "#]],
    );
}

#[test]
fn opening_a_loaded_trace_by_id_selects_it_without_fetching() {
    let (mut app, _) = App::open(Route::default(), crate::app::tests::env_keeping_nothing());
    app.apply(connect(CollectorKind::Zipkin));
    app.apply(Action::LoadBytes { name: "demo".into(), bytes: strand_formats::demo::DEMO_TRACE_JSON.to_vec() });
    let bytes = strand_formats::demo::DEMO_TRACE_JSON.to_vec();
    app.apply(Action::ImportHere { job: 1, bytes });
    let id = app.data().traces[0].trace_id.display(&app.data().strings);
    let effects = app.apply(Action::Collector(CollectorCommand::OpenTrace { id: id.clone() }));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(app.route.trace.as_deref(), Some(id.as_str()));
}
