//! OTLP logs JSON: the canonical shape, JSON lines, protobuf names, enum names, base64 ids,
//! bodies of every kind, records without times.

use crate::logs::tests::{load_logs, TRACE};
use crate::Format;
use expect_test::{expect, Expect};

fn check(text: &str, expect: Expect) {
    expect.assert_eq(&load_logs(Format::OtlpLogs, &[TRACE, text]));
}

#[test]
fn canonical_logs_data() {
    check(
        r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}},{"key":"host.name","value":{"stringValue":"h1"}}]},
  "scopeLogs":[{"scope":{"name":"shop.cart","version":"1.0"},"logRecords":[
    {"timeUnixNano":"1714564800015000000","observedTimeUnixNano":"1714564800015500000","severityNumber":9,"severityText":"INFO",
     "body":{"stringValue":"cart loaded"},"attributes":[{"key":"items","value":{"intValue":"3"}}],
     "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","flags":1},
    {"timeUnixNano":"1714564800025000000","severityNumber":"SEVERITY_NUMBER_ERROR","severityText":"ERROR",
     "body":{"kvlistValue":{"values":[{"key":"error","value":{"stringValue":"timeout"}},{"key":"ms","value":{"doubleValue":20.5}}]}},
     "traceId":"5b8efff798038103d269b633813fc60c","spanId":"00000000000000c1","eventName":"db.timeout"}]}]}]}"#,
        expect![[r#"
            trace 5b8efff798038103d269b633813fc60c spans=2 services=1 duration=100ms errors=0
              cart: GET /cart [server] +0ns 100ms id=eee19b7ec3c1b174
                cart: SELECT [client] +10.0ms 20.0ms id=00000000000000c1
              resource#0 service="cart" {service.name="cart"}
              scope#0 "" "" {}
              logs lines=2 at-span=2 trace-only=0
              log +15.0ms cart: info("INFO") span=eee19b7ec3c1b174 "cart loaded" {items=3} observed=+500µs flags=1 scope="shop.cart"
              log +25.0ms cart: error("ERROR") span=00000000000000c1 {error="timeout", ms=20.5} {event.name="db.timeout"} scope="shop.cart"
              log-resource#0 service="cart" {service.name="cart", host.name="h1"}
              log-scope#0 "shop.cart" "1.0" {}

            lines at a span: 2, in a trace only: 0, unmatched: 0
        "#]],
    );
}

#[test]
fn json_lines_with_protobuf_names_base64_ids_and_missing_times() {
    check(
        r#"{"resource_logs":[{"resource":{"attributes":[{"key":"service.name","value":{"string_value":"cart"}}]},"scope_logs":[{"log_records":[{"time_unix_nano":"1714564800035000000","severity_number":13,"body":{"string_value":"base64 ids"},"trace_id":"W47/95gDgQPSabYzgT/GDA==","span_id":"7uGbfsPBsXQ="}]}]}]}
{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"observedTimeUnixNano":"1714564800045000000","body":{"arrayValue":{"values":[{"intValue":"1"},{"boolValue":true}]}}},{"body":{"stringValue":"no time at all"},"traceId":"","spanId":""}]}]}]}
{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"1714564800055000000","severityText":"warning","body":{"bytesValue":"AQI="},"traceId":"00000000000000000000000000000000"}]}]}]}
"#,
        expect![[r#"
            trace 5b8efff798038103d269b633813fc60c spans=2 services=1 duration=100ms errors=0
              cart: GET /cart [server] +0ns 100ms id=eee19b7ec3c1b174
                cart: SELECT [client] +10.0ms 20.0ms id=00000000000000c1
              resource#0 service="cart" {service.name="cart"}
              scope#0 "" "" {}
              logs lines=1 at-span=1 trace-only=0
              log +35.0ms cart: warn span=eee19b7ec3c1b174 "base64 ids"
              log-resource#0 service="cart" {service.name="cart"}

            unmatched logs trace=(none) lines=3 from 2024-05-01 12:00:00.045
              log +0ns unspecified [1, true]
              log +0ns unspecified "no time at all"
              log +10.0ms warn("warning") 0x0102
              log-resource#0 service="" {}
              log-resource#1 service="" {}

            note: b.log: 1 log record had neither a time nor an observed time; placed at the time of the record before
            lines at a span: 1, in a trace only: 0, unmatched: 3
        "#]],
    );
}

#[test]
fn bare_resource_logs_per_line_as_the_java_logging_exporter_writes_them() {
    // The Java SDK's `logging-otlp` log exporter: one `ResourceLogs` per line, no wrapper.
    check(
        r#"{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},"scopeLogs":[{"scope":{"name":"shop.cart"},"logRecords":[{"timeUnixNano":"1714564800015000000","severityNumber":9,"severityText":"INFO","body":{"stringValue":"cart loaded"},"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"}]}]}
{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},"scopeLogs":[{"scope":{"name":"shop.cart"},"logRecords":[{"timeUnixNano":"1714564800025000000","severityNumber":17,"severityText":"ERROR","body":{"stringValue":"query failed"},"traceId":"5b8efff798038103d269b633813fc60c","spanId":"00000000000000c1"}]}]}
"#,
        expect![[r#"
            trace 5b8efff798038103d269b633813fc60c spans=2 services=1 duration=100ms errors=0
              cart: GET /cart [server] +0ns 100ms id=eee19b7ec3c1b174
                cart: SELECT [client] +10.0ms 20.0ms id=00000000000000c1
              resource#0 service="cart" {service.name="cart"}
              scope#0 "" "" {}
              logs lines=2 at-span=2 trace-only=0
              log +15.0ms cart: info("INFO") span=eee19b7ec3c1b174 "cart loaded" scope="shop.cart"
              log +25.0ms cart: error("ERROR") span=00000000000000c1 "query failed" scope="shop.cart"
              log-resource#0 service="cart" {service.name="cart"}
              log-resource#1 service="cart" {service.name="cart"}
              log-scope#0 "shop.cart" "" {}
              log-scope#1 "shop.cart" "" {}

            lines at a span: 2, in a trace only: 0, unmatched: 0
        "#]],
    );
}
