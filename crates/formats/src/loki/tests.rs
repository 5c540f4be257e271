//! Loki answers: JSON and logfmt lines, plain text, stream labels, structured metadata (flat and
//! categorised), the old API, and a metric answer (an error).

use crate::logs::tests::{load_logs, TRACE};
use crate::Format;
use expect_test::{expect, Expect};

fn check(text: &str, expect: Expect) {
    expect.assert_eq(&load_logs(Format::Loki, &[TRACE, text]));
}

#[test]
fn json_logfmt_and_plain_lines_with_labels_and_metadata() {
    check(
        r#"{"status":"success","data":{"resultType":"streams","result":[
  {"stream":{"service_name":"cart","job":"shop/cart","level":"info"},
   "values":[
    ["1714564800015000000","{\"msg\":\"json line\",\"trace_id\":\"5b8efff798038103d269b633813fc60c\",\"span_id\":\"eee19b7ec3c1b174\",\"level\":\"warn\"}"],
    ["1714564800025000000","level=error msg=\"logfmt line with \\\"quotes\\\"\" trace_id=5b8efff798038103d269b633813fc60c span_id=00000000000000c1 retry"],
    ["1714564800035000000","plain text line: user=ann logged in"],
    ["1714564800045000000","otlp body",{"trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174","severity_text":"ERROR"}],
    ["1714564800055000000","categorised",{"structuredMetadata":{"trace_id":"5b8efff798038103d269b633813fc60c"},"parsed":{"user":"bob"}}],
    ["not a pair"]
   ]}],
 "stats":{"summary":{"bytesProcessedPerSecond":1}}}}"#,
        expect![[r#"
            trace 5b8efff798038103d269b633813fc60c spans=2 services=1 duration=100ms errors=0
              cart: GET /cart [server] +0ns 100ms id=eee19b7ec3c1b174
                cart: SELECT [client] +10.0ms 20.0ms id=00000000000000c1
              resource#0 service="cart" {service.name="cart"}
              scope#0 "" "" {}
              logs lines=4 at-span=3 trace-only=1
              log +15.0ms cart: warn("warn") span=eee19b7ec3c1b174 "json line" {job="shop/cart", level="info"}
              log +25.0ms cart: error("error") span=00000000000000c1 "logfmt line with \"quotes\"" {job="shop/cart", level="info", retry=true}
              log +45.0ms cart: error("ERROR") span=eee19b7ec3c1b174 "otlp body" {job="shop/cart", level="info"}
              log +55.0ms cart: info("info") "categorised" {job="shop/cart", user="bob"}
              log-resource#0 service="cart" {}

            unmatched logs trace=(none) lines=1 from 2024-05-01 12:00:00.035
              log +0ns cart: info("info") "plain text line: user=ann logged in" {job="shop/cart"}
              log-resource#0 service="cart" {}

            note: b.log: skipped 1 entries that were not [timestamp, line] pairs
            lines at a span: 3, in a trace only: 1, unmatched: 1
        "#]],
    );
}

#[test]
fn the_old_api_answer() {
    check(
        r#"{"streams":[{"labels":"{app=\"cart\", level=\"info\"}","entries":[
  {"ts":"2024-05-01T12:00:00.015Z","line":"ts=2024-05-01T12:00:00.014Z msg=hello trace_id=5b8efff798038103d269b633813fc60c"}]}]}"#,
        expect![[r#"
            trace 5b8efff798038103d269b633813fc60c spans=2 services=1 duration=100ms errors=0
              cart: GET /cart [server] +0ns 100ms id=eee19b7ec3c1b174
                cart: SELECT [client] +10.0ms 20.0ms id=00000000000000c1
              resource#0 service="cart" {service.name="cart"}
              scope#0 "" "" {}
              logs lines=1 at-span=0 trace-only=1
              log +14.0ms cart: info("info") "hello" observed=+1.00ms
              log-resource#0 service="cart" {}

            lines at a span: 0, in a trace only: 1, unmatched: 0
        "#]],
    );
}

#[test]
fn a_metric_answer_is_an_error_with_its_place() {
    check(
        r#"{"status":"success",
"data":{"resultType":"matrix","result":[{"metric":{"job":"cart"},"values":[[1714564800,"3"]]}]}}"#,
        expect![[r#"
            error: b.log: read as a Loki query answer, but at line 2, column 9: the answer is a metric query result (resultType "matrix"), not log lines; query Loki with a log selector such as {service_name="cart"}
        "#]],
    );
}
