//! Text log lines of pattern layouts, each as a small file and the canonical dump it loads to
//! (lines taken from runs of each library with an OpenTelemetry SDK).

use crate::logs::tests::load_logs;
use crate::Format;
use expect_test::{expect, Expect};

fn check(text: &str, expect: Expect) {
    expect.assert_eq(&load_logs(Format::TextLogs, &[text]));
}

#[test]
fn python_logging_with_the_opentelemetry_instrumentation_format() {
    // opentelemetry-instrumentation-logging 0.66b2's default format; a traceback continues
    // the line before.
    check(
        "2026-12-04 22:52:42,773 INFO [app.orders] [pjl_otel.py:27] [trace_id=0 span_id=0 resource.service.name=pjl-svc trace_sampled=False] - before any span
2026-12-04 22:52:42,773 INFO [app.orders] [pjl_otel.py:29] [trace_id=dbf4744ad79fdd8a498819d20b8c601b span_id=9930a7dde71ecca0 resource.service.name=pjl-svc trace_sampled=True] - handling request
2026-12-04 22:52:42,794 ERROR [app.orders] [pjl_otel.py:35] [trace_id=dbf4744ad79fdd8a498819d20b8c601b span_id=1f2a7dde71ecca01 resource.service.name=pjl-svc trace_sampled=True] - query failed
Traceback (most recent call last):
  File \"pjl_otel.py\", line 33, in <module>
ZeroDivisionError: division by zero
",
        expect![[r#"
            unmatched logs trace=dbf4744ad79fdd8a498819d20b8c601b lines=2 from 2026-12-04 22:52:42.773
              log +0ns pjl-svc: info("INFO") span=9930a7dde71ecca0 "handling request"
              log +21.0ms pjl-svc: error("ERROR") span=1f2a7dde71ecca01 "query failed\nTraceback (most recent call last):\n  File \"pjl_otel.py\", line 33, in <module>\nZeroDivisionError: division by zero"
              log-resource#0 service="pjl-svc" {}

            unmatched logs trace=(none) lines=1 from 2026-12-04 22:52:42.773
              log +0ns pjl-svc: info("INFO") "before any span"
              log-resource#0 service="pjl-svc" {}

            note: a.log: 3 lines had a time without a time zone; read as UTC
            lines at a span: 0, in a trace only: 0, unmatched: 3
        "#]],
    );
}

#[test]
fn logback_and_log4j_patterns_with_the_mdc() {
    // `%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger - trace_id=%mdc{trace_id}
    // span_id=%mdc{span_id} trace_flags=%mdc{trace_flags} %msg%n`, as OpenTelemetry's docs
    // suggest; outside a span the MDC is empty.
    check(
        "2026-12-04 22:56:55.090 INFO  [main] app.orders - trace_id= span_id= trace_flags= before any span
2026-12-04 22:56:55.136 INFO  [main] app.orders - trace_id=94db7f7f2b96d74519cb222af74fd799 span_id=66b72c335b0cd5cd trace_flags=03 handling request order_id=42
[2026-12-04T22:56:55.138Z] [WARN] slow query trace_id=94db7f7f2b96d74519cb222af74fd799 span_id=d2cb0b99844d9a40
",
        expect![[r#"
            unmatched logs trace=94db7f7f2b96d74519cb222af74fd799 lines=2 from 2026-12-04 22:56:55.136
              log +0ns info("INFO") span=66b72c335b0cd5cd "handling request order_id=42" flags=3
              log +2.00ms warn("WARN") span=d2cb0b99844d9a40 "slow query"
              log-resource#0 service="" {}

            unmatched logs trace=(none) lines=1 from 2026-12-04 22:56:55.090
              log +0ns info("INFO") "before any span"
              log-resource#0 service="" {}

            note: a.log: 2 lines had a time without a time zone; read as UTC
            lines at a span: 0, in a trace only: 0, unmatched: 3
        "#]],
    );
}

#[test]
fn lines_before_the_first_dated_line_are_counted_and_plain_text_is_no_log() {
    check(
        "starting up
2026-12-04T22:56:55Z DEBUG ready trace_id=94db7f7f2b96d74519cb222af74fd799
",
        expect![[r#"
            unmatched logs trace=94db7f7f2b96d74519cb222af74fd799 lines=1 from 2026-12-04 22:56:55.000
              log +0ns debug("DEBUG") "ready"
              log-resource#0 service="" {}

            note: a.log: skipped 1 line before the first line that starts with a date-time
            lines at a span: 0, in a trace only: 0, unmatched: 1
        "#]],
    );
    assert!(matches!(crate::detect::detect(b"hello world\nnot a log either\n"), crate::detect::Detected::Unknown(_)));
    assert!(matches!(
        crate::detect::detect(b"2026-12-04 22:56:55 something else\n"),
        crate::detect::Detected::Unknown(_)
    ));
}

#[test]
fn spring_boot_patterns_and_pairs_inside_the_message() {
    // Spring Boot 3.2's default console pattern with Micrometer tracing, 3.0's, a log4j `%X`
    // map; a `trace_id=` inside the message is the message's text, not the line's context.
    check(
        "2026-12-04T22:56:55.136+01:00  INFO 12345 --- [myapp] [nio-8080-exec-1] [94db7f7f2b96d74519cb222af74fd799-66b72c335b0cd5cd] c.e.DemoController       : Started App - ok in 1.2s
2026-12-04T22:56:55.140+01:00  WARN [myapp,94db7f7f2b96d74519cb222af74fd799,d2cb0b99844d9a40] 12345 --- [main] c.e.Repo : slow query
2026-12-04 21:56:55,150 ERROR [main] app {span_id=d2cb0b99844d9a40, trace_id=94db7f7f2b96d74519cb222af74fd799} - retry for trace_id=11111111111111111111111111111111 failed
2026-12-04 21:56:55,160 INFO app - trace_id=94db7f7f2b96d74519cb222af74fd799 span_id=66b72c335b0cd5cd routing to service=billing
2026-12-04 21:56:55
2026-12-04 22:56:56 +0100 INFO app - a zone word after the time
",
        expect![[r#"
            unmatched logs trace=94db7f7f2b96d74519cb222af74fd799 lines=4 from 2026-12-04 21:56:55.136
              log +0ns info("INFO") span=66b72c335b0cd5cd "Started App - ok in 1.2s"
              log +4.00ms myapp: warn("WARN") span=d2cb0b99844d9a40 "slow query"
              log +14.0ms error("ERROR") span=d2cb0b99844d9a40 "retry for trace_id=11111111111111111111111111111111 failed"
              log +24.0ms info("INFO") span=66b72c335b0cd5cd "routing to service=billing"
              log-resource#0 service="" {}
              log-resource#1 service="myapp" {}

            unmatched logs trace=(none) lines=2 from 2026-12-04 21:56:55.000
              log +0ns unspecified ""
              log +1.00s info("INFO") "a zone word after the time"
              log-resource#0 service="" {}

            note: a.log: 3 lines had a time without a time zone; read as UTC
            lines at a span: 0, in a trace only: 0, unmatched: 6
        "#]],
    );
}
