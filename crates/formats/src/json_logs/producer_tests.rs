//! Lines as real logging libraries write them with trace context (taken from runs of each
//! library with an OpenTelemetry SDK; extra fields trimmed): found by detection, ids under the
//! containers the layouts put them in, times in their own forms, levels on their own scales.

use crate::logs::tests::load_logs;
use crate::Format;
use expect_test::{expect, Expect};

fn check(text: &str, expect: Expect) {
    check_as(Format::JsonLogs, text, expect);
}

fn check_as(format: Format, text: &str, expect: Expect) {
    expect.assert_eq(&load_logs(format, &[text]));
}

#[test]
fn java_layouts_nest_ids_and_split_the_time() {
    // log4j 2.25 JsonLayout: `instant` in seconds + nanoseconds, ids in `contextMap`.
    check(
        r#"{"instant":{"epochSecond":1796425047,"nanoOfSecond":41431055},"thread":"main","level":"WARN","loggerName":"app.orders","message":"slow query","contextMap":{"span_id":"c9c8163c4ea7f327","trace_flags":"03","trace_id":"c4a1c26e345ebf7262f240596eceb9ab"}}
"#,
        expect![[r#"
            unmatched logs trace=c4a1c26e345ebf7262f240596eceb9ab lines=1 from 2026-12-04 22:57:27.041
              log +0ns warn("WARN") span=c9c8163c4ea7f327 "slow query" {thread="main"} flags=3 scope="app.orders"
              log-resource#0 service="" {}
              log-scope#0 "app.orders" "" {}

            lines at a span: 0, in a trace only: 0, unmatched: 1
        "#]],
    );
    // logback 1.5 JsonEncoder: epoch ms + `nanoseconds`, ids in `mdc`.
    check(
        r#"{"sequenceNumber":0,"timestamp":1796425015136,"nanoseconds":136625766,"level":"INFO","loggerName":"app.orders","mdc": {"trace_id":"94db7f7f2b96d74519cb222af74fd799","span_id":"66b72c335b0cd5cd"},"message":"handling request"}
"#,
        expect![[r#"
            unmatched logs trace=94db7f7f2b96d74519cb222af74fd799 lines=1 from 2026-12-04 22:56:55.136
              log +0ns info("INFO") span=66b72c335b0cd5cd "handling request" {sequenceNumber=0} scope="app.orders"
              log-resource#0 service="" {}
              log-scope#0 "app.orders" "" {}

            lines at a span: 0, in a trace only: 0, unmatched: 1
        "#]],
    );
    // log4j GcpLayout: Google's seconds + nanos, ids among the labels.
    check(
        r#"{"timestampSeconds":1796425047,"timestampNanos":41431055,"severity":"WARNING","message":"slow query","logging.googleapis.com/labels":{"span_id":"c9c8163c4ea7f327","trace_id":"c4a1c26e345ebf7262f240596eceb9ab"},"logger":"app.orders"}
"#,
        expect![[r#"
            unmatched logs trace=c4a1c26e345ebf7262f240596eceb9ab lines=1 from 2026-12-04 22:57:27.041
              log +0ns warn("WARNING") span=c9c8163c4ea7f327 "slow query" scope="app.orders"
              log-resource#0 service="" {}
              log-scope#0 "app.orders" "" {}

            lines at a span: 0, in a trace only: 0, unmatched: 1
        "#]],
    );
    // log4j GelfLayout: GELF's syslog `level` (4 = warning, 3 = error), additional fields
    // with `_`.
    check(
        r#"{"version":"1.1","host":"vm","short_message":"slow query","timestamp":1796425047.05,"level":4,"_logger":"app.orders","_span_id":"c9c8163c4ea7f327","_trace_id":"c4a1c26e345ebf7262f240596eceb9ab"}
{"version":"1.1","host":"vm","short_message":"query failed","timestamp":1796425047.06,"level":3,"_logger":"app.orders","_span_id":"c9c8163c4ea7f327","_trace_id":"c4a1c26e345ebf7262f240596eceb9ab"}
"#,
        expect![[r#"
            unmatched logs trace=c4a1c26e345ebf7262f240596eceb9ab lines=2 from 2026-12-04 22:57:27.049
              log +0ns warn("4") span=c9c8163c4ea7f327 "slow query" {version="1.1", host="vm"} scope="app.orders"
              log +10.00ms error("3") span=c9c8163c4ea7f327 "query failed" {version="1.1", host="vm"} scope="app.orders"
              log-resource#0 service="" {}
              log-scope#0 "app.orders" "" {}

            lines at a span: 0, in a trace only: 0, unmatched: 2
        "#]],
    );
}

#[test]
fn python_node_and_go_loggers() {
    // structlog 26 without `add_log_level`, and with its ids grouped under `span`.
    check(
        r#"{"event": "before any span", "timestamp": "2026-12-04T22:57:49.323761Z"}
{"order_id": 42, "event": "handling request", "timestamp": "2026-12-04T22:57:49.323928Z", "span": {"span_id": "4b6e74652a167943", "trace_id": "bc2adf9a3158f83505bca2c7a4243b58"}}
"#,
        expect![[r#"
            unmatched logs trace=bc2adf9a3158f83505bca2c7a4243b58 lines=1 from 2026-12-04 22:57:49.323
              log +0ns unspecified span=4b6e74652a167943 "handling request" {order_id=42}
              log-resource#0 service="" {}

            unmatched logs trace=(none) lines=1 from 2026-12-04 22:57:49.323
              log +0ns unspecified "before any span"
              log-resource#0 service="" {}

            lines at a span: 0, in a trace only: 0, unmatched: 2
        "#]],
    );
    // python-json-logger with `%(created)f` as its only time.
    check(
        r#"{"created": 1796424761.8583255, "levelname": "INFO", "message": "handling request", "otelTraceID": "6b9319b72400dae36eaf9e5887ccf589", "otelSpanID": "24431164382a867f", "otelServiceName": "pjl-svc"}
"#,
        expect![[r#"
            unmatched logs trace=6b9319b72400dae36eaf9e5887ccf589 lines=1 from 2026-12-04 22:52:41.858
              log +0ns pjl-svc: info("INFO") span=24431164382a867f "handling request"
              log-resource#0 service="pjl-svc" {}

            lines at a span: 0, in a trace only: 0, unmatched: 1
        "#]],
    );
    // winston 3 `format.logstash()` (read as ECS for its `@timestamp`), and npm's `http` and
    // `silly` levels.
    check_as(
        Format::Ecs,
        r#"{"@fields":{"level":"http","service":"winston-svc","span_id":"f682cbef5681d43c","trace_id":"61243f820636be63ab140198f4ab84b3"},"@message":"http detail","@timestamp":"2026-12-04T22:54:51.605Z"}
{"@fields":{"level":"silly","service":"winston-svc","span_id":"f682cbef5681d43c","trace_id":"61243f820636be63ab140198f4ab84b3"},"@message":"silly detail","@timestamp":"2026-12-04T22:54:51.606Z"}
"#,
        expect![[r#"
            unmatched logs trace=61243f820636be63ab140198f4ab84b3 lines=2 from 2026-12-04 22:54:51.605
              log +0ns winston-svc: debug#7("http") span=f682cbef5681d43c "http detail"
              log +1.00ms winston-svc: trace("silly") span=f682cbef5681d43c "silly detail"
              log-resource#0 service="winston-svc" {}

            lines at a span: 0, in a trace only: 0, unmatched: 2
        "#]],
    );
    // zap's development config with JSON encoding: single-capital keys; the first line has
    // no trace context.
    check(
        r#"{"L":"INFO","T":"2026-12-04T17:55:19.677-0500","C":"go/main.go:93","M":"before any span"}
{"L":"WARN","T":"2026-12-04T17:55:19.678-0500","C":"go/main.go:91","M":"slow query","trace_id":"e143dcc624aba49bc185805bf5d2e2d4","span_id":"e9ae2850c6b5e25b"}
"#,
        expect![[r#"
            unmatched logs trace=e143dcc624aba49bc185805bf5d2e2d4 lines=1 from 2026-12-04 22:55:19.678
              log +0ns warn("WARN") span=e9ae2850c6b5e25b "slow query" {C="go/main.go:91"}
              log-resource#0 service="" {}

            unmatched logs trace=(none) lines=1 from 2026-12-04 22:55:19.677
              log +0ns info("INFO") "before any span" {C="go/main.go:93"}
              log-resource#0 service="" {}

            lines at a span: 0, in a trace only: 0, unmatched: 2
        "#]],
    );
    // The OpenTelemetry Go stdout log exporter: capitalised names, the body as a typed value.
    check(
        r#"{"Timestamp":"2026-12-04T17:55:19.70521617-05:00","Severity":13,"SeverityText":"WARN","Body":{"Type":"STRING","Value":"slow query"},"TraceID":"11f5e977a441f9708cf26e581707dc53","SpanID":"90a4708e6b46a18a","TraceFlags":"01","Scope":{"Name":"app/orders","Version":""}}
"#,
        expect![[r#"
            unmatched logs trace=11f5e977a441f9708cf26e581707dc53 lines=1 from 2026-12-04 22:55:19.705
              log +0ns warn("WARN") span=90a4708e6b46a18a "slow query" {Severity=13, Body.Type="STRING", Scope.Version=""} flags=1 scope="app/orders"
              log-resource#0 service="" {}
              log-scope#0 "app/orders" "" {}

            lines at a span: 0, in a trace only: 0, unmatched: 1
        "#]],
    );
}

#[test]
fn lines_before_the_first_time_take_it_and_lines_without_any_say_so() {
    check(
        r#"{"level":"info","message":"no time yet","trace_id":"af6f4034587943602e4bdbb222431aa8"}
{"level":"info","message":"timed","timestamp":"2026-12-04T22:54:51.202Z","trace_id":"af6f4034587943602e4bdbb222431aa8"}
{"level":"info","message":"no time again","trace_id":"af6f4034587943602e4bdbb222431aa8"}
"#,
        expect![[r#"
            unmatched logs trace=af6f4034587943602e4bdbb222431aa8 lines=3 from 2026-12-04 22:54:51.202
              log +0ns info("info") "no time yet"
              log +0ns info("info") "timed"
              log +0ns info("info") "no time again"
              log-resource#0 service="" {}

            note: a.log: 2 records had no time; placed at the time of the record before (the first ones: of the first record with a time)
            lines at a span: 0, in a trace only: 0, unmatched: 3
        "#]],
    );
    // winston's plain `format.json()` writes no time at all.
    check(
        r#"{"level":"info","message":"handling request","service":"winston-svc","span_id":"f20dd48e475da638","trace_id":"af6f4034587943602e4bdbb222431aa8"}
"#,
        expect![[r#"
            unmatched logs trace=af6f4034587943602e4bdbb222431aa8 lines=1 from 1970-01-01 00:00:00.000
              log +0ns winston-svc: info("info") span=f20dd48e475da638 "handling request"
              log-resource#0 service="winston-svc" {}

            note: a.log: no record had a time: each is shown at the start of its span (or trace)
            lines at a span: 0, in a trace only: 0, unmatched: 1
        "#]],
    );
}

#[test]
fn logfmt_lines_as_go_slog_text_handler_writes_them() {
    // Go 1.2x `log/slog` TextHandler with the trace context added as attributes.
    check(
        r#"time=2026-12-04T17:57:40.140-05:00 level=INFO msg="before any span"
time=2026-12-04T17:57:40.140-05:00 level=INFO msg="handling request" trace_id=18a06528b3bec686c67aa21adff5f894 span_id=968cd929ec21c7ca order_id=42
time=2026-12-04T17:57:40.141-05:00 level=ERROR msg="query failed" err="boom \"db\"" trace_id=18a06528b3bec686c67aa21adff5f894 span_id=722b637cdfc7cd16
"#,
        expect![[r#"
            unmatched logs trace=18a06528b3bec686c67aa21adff5f894 lines=2 from 2026-12-04 22:57:40.140
              log +0ns info("INFO") span=968cd929ec21c7ca "handling request" {order_id="42"}
              log +1.00ms error("ERROR") span=722b637cdfc7cd16 "query failed" {err="boom \"db\""}
              log-resource#0 service="" {}

            unmatched logs trace=(none) lines=1 from 2026-12-04 22:57:40.140
              log +0ns info("INFO") "before any span"
              log-resource#0 service="" {}

            lines at a span: 0, in a trace only: 0, unmatched: 3
        "#]],
    );
}

#[test]
fn a_nanoseconds_field_that_does_not_fit_the_time_stays_a_field() {
    check(
        r#"{"time":"2024-05-01T12:00:00Z","msg":"query done","nanoseconds":52000}
{"time":1714564800,"msg":"whole seconds","nanoseconds":523000}
{"timestamp":9223372036,"nanoseconds":999999999,"msg":"at the end of time"}
{"timestamp":-9223372036854,"nanoseconds":146500000,"msg":"before its start"}
"#,
        expect![[r#"
            unmatched logs trace=(none) lines=4 from 1677-09-21 00:12:43.146
              log +0ns unspecified "before its start" {nanoseconds=146500000}
              log +2562047h 47m 16s unspecified "query done" {nanoseconds=52000}
              log +2562047h 47m 16s unspecified "whole seconds" {nanoseconds=523000}
              log +2562047h 47m 16s unspecified "at the end of time" {nanoseconds=999999999}
              log-resource#0 service="" {}

            lines at a span: 0, in a trace only: 0, unmatched: 4
        "#]],
    );
}

#[test]
fn dotnet_serilog_and_console_formatter_lines() {
    // Serilog 4's compact JSON (CLEF) with `@tr`/`@sp`; its JSON formatter with the ids among
    // `Properties`.
    check(
        r#"{"@t":"2026-12-04T22:56:55.1360000Z","@mt":"Handled {Path}","@l":"Warning","Path":"/cart","@tr":"94db7f7f2b96d74519cb222af74fd799","@sp":"66b72c335b0cd5cd"}
{"Timestamp":"2026-12-04T22:56:55.1400000+00:00","Level":"Error","MessageTemplate":"Query failed","Properties":{"TraceId":"94db7f7f2b96d74519cb222af74fd799","SpanId":"d2cb0b99844d9a40","SourceContext":"Shop.Repo"}}
"#,
        expect![[r#"
            unmatched logs trace=94db7f7f2b96d74519cb222af74fd799 lines=2 from 2026-12-04 22:56:55.136
              log +0ns warn("Warning") span=66b72c335b0cd5cd "Handled {Path}" {Path="/cart"}
              log +4.00ms error("Error") span=d2cb0b99844d9a40 "Query failed" scope="Shop.Repo"
              log-resource#0 service="" {}
              log-scope#0 "Shop.Repo" "" {}

            lines at a span: 0, in a trace only: 0, unmatched: 2
        "#]],
    );
}
