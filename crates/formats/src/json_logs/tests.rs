//! JSON log lines, Fluentd and Fluent Bit quirks, each as a small document and the canonical
//! dump it loads to (plus the load's notes, or the error).

use crate::logs::tests::{load_logs, TRACE};
use crate::Format;
use expect_test::{expect, Expect};

fn check(text: &str, expect: Expect) {
    expect.assert_eq(&load_logs(Format::JsonLogs, &[text]));
}

/// Loads the two-span trace of `logs::tests::TRACE`, then `text`.
fn check_with_trace(text: &str, expect: Expect) {
    expect.assert_eq(&load_logs(Format::JsonLogs, &[TRACE, text]));
}

#[test]
fn ids_under_their_common_names_and_every_time_form() {
    check(
        r#"{"time":"2024-05-01T12:00:00.000000001Z","level":"info","msg":"rfc 3339","trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174","user":"ann"}
{"timestamp":1714564800,"severity":"WARNING","message":"epoch seconds","traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174"}
{"ts":1714564800123,"lvl":"error","msg":"epoch ms","traceid":"5b8efff798038103d269b633813fc60c"}
{"ts":1714564800123456,"level":30,"msg":"epoch µs, pino level","trace.id":"5b8efff798038103d269b633813fc60c","span.id":"eee19b7ec3c1b174"}
{"ts":"1714564800123456789","level":"debug","msg":"epoch ns as text","traceparent":"00-5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174-01"}
{"date":1714564800.5,"log":"fluent bit float seconds","dd.trace_id":"1234567890123456789","dd.span_id":1311768467294899695}
{"time":"2024-05-01 14:00:00,250 +0200","levelname":"CRITICAL","message":"python asctime with a zone","trace_id":"0x5b8efff798038103d269b633813fc60c"}
"#,
        expect![[r#"
            unmatched logs trace=112210f47de98115 lines=1 from 2024-05-01 12:00:00.500
              log +0ns unspecified span=1234567890abcdef "fluent bit float seconds"
              log-resource#0 service="" {}

            unmatched logs trace=5b8efff798038103d269b633813fc60c lines=6 from 2024-05-01 12:00:00.000
              log +0ns warn("WARNING") span=eee19b7ec3c1b174 "epoch seconds"
              log +1ns info("info") span=eee19b7ec3c1b174 "rfc 3339" {user="ann"}
              log +123ms error("error") "epoch ms"
              log +123ms info("30") span=eee19b7ec3c1b174 "epoch µs, pino level"
              log +123ms debug("debug") span=eee19b7ec3c1b174 "epoch ns as text" flags=1
              log +250ms fatal("CRITICAL") "python asctime with a zone"
              log-resource#0 service="" {}

            lines at a span: 0, in a trace only: 0, unmatched: 7
        "#]],
    );
}

#[test]
fn lines_find_their_spans_and_traces_when_both_are_loaded() {
    check_with_trace(
        r#"{"time":"2024-05-01T12:00:00.010Z","level":"info","msg":"in the root","trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174","service":"cart"}
{"time":"2024-05-01T12:00:00.020Z","level":"error","msg":"in the child","trace_id":"5b8efff798038103d269b633813fc60c","span_id":"00000000000000c1","service":"cart"}
{"time":"2024-05-01T12:00:00.030Z","level":"warn","msg":"span not in the trace","trace_id":"5b8efff798038103d269b633813fc60c","span_id":"00000000000000ff"}
{"time":"2024-05-01T12:00:00.040Z","level":"info","msg":"trace id only","trace_id":"5b8efff798038103d269b633813fc60c"}
{"time":"2024-05-01T12:00:00.050Z","level":"info","msg":"64-bit id of the trace (dd)","dd.trace_id":"15161849952847513100","dd.span_id":"193"}
{"time":"2024-05-01T12:00:00.060Z","level":"info","msg":"another trace","trace_id":"0000000000000000000000000000abcd"}
{"time":"2024-05-01T12:00:00.070Z","level":"info","msg":"no trace at all"}
{"time":"2024-05-01T12:00:00.080Z","level":"info","msg":"zero ids mean none","trace_id":"00000000000000000000000000000000","span_id":"0000000000000000"}
"#,
        expect![[r#"
            trace 5b8efff798038103d269b633813fc60c spans=2 services=1 duration=100ms errors=0
              cart: GET /cart [server] +0ns 100ms id=eee19b7ec3c1b174
                cart: SELECT [client] +10.0ms 20.0ms id=00000000000000c1
              resource#0 service="cart" {service.name="cart"}
              scope#0 "" "" {}
              logs lines=5 at-span=3 trace-only=2
              log +10.0ms cart: info("info") span=eee19b7ec3c1b174 "in the root"
              log +20.0ms cart: error("error") span=00000000000000c1 "in the child"
              log +30.0ms warn("warn") span=00000000000000ff (not in trace) "span not in the trace"
              log +40.0ms info("info") "trace id only"
              log +50.0ms info("info") span=00000000000000c1 "64-bit id of the trace (dd)"
              log-resource#0 service="cart" {}
              log-resource#1 service="" {}
              log-resource#2 service="" {}

            unmatched logs trace=000000000000abcd lines=1 from 2024-05-01 12:00:00.060
              log +0ns info("info") "another trace"
              log-resource#0 service="" {}

            unmatched logs trace=(none) lines=2 from 2024-05-01 12:00:00.070
              log +0ns info("info") "no trace at all"
              log +10.0ms info("info") "zero ids mean none"
              log-resource#0 service="" {}

            lines at a span: 3, in a trace only: 2, unmatched: 3
        "#]],
    );
}

#[test]
fn fluentd_out_file_lines_and_fluent_event_arrays() {
    check(
        "2024-05-01T12:00:00+00:00\tapp.web\t{\"message\":\"out_file line\",\"trace_id\":\"0af7651916cd43dd8448eb211c80319c\"}\n\
         2024-05-01T12:00:01+00:00\tapp.web\t{\"message\":\"second\",\"level\":\"warn\"}\n",
        expect![[r#"
            unmatched logs trace=0af7651916cd43dd8448eb211c80319c lines=1 from 2024-05-01 12:00:00.000
              log +0ns unspecified "out_file line" {fluentd.tag="app.web"}
              log-resource#0 service="" {}

            unmatched logs trace=(none) lines=1 from 2024-05-01 12:00:01.000
              log +0ns warn("warn") "second" {fluentd.tag="app.web"}
              log-resource#0 service="" {}

            lines at a span: 0, in a trace only: 0, unmatched: 2
        "#]],
    );
    check(
        r#"[1714564800, {"log": "event with epoch seconds", "trace_id": "0af7651916cd43dd8448eb211c80319c"}]
[[1714564801.25, {"tag": "kube"}], {"log": "fluent bit v2 event with metadata"}]
[[1714564802, 500000000], {"log": "EventTime as [s, ns]"}]
"#,
        expect![[r#"
            unmatched logs trace=0af7651916cd43dd8448eb211c80319c lines=1 from 2024-05-01 12:00:00.000
              log +0ns unspecified "event with epoch seconds"
              log-resource#0 service="" {}

            unmatched logs trace=(none) lines=2 from 2024-05-01 12:00:01.250
              log +0ns unspecified "fluent bit v2 event with metadata" {fluent.metadata.tag="kube"}
              log +1.25s unspecified "EventTime as [s, ns]"
              log-resource#0 service="" {}

            lines at a span: 0, in a trace only: 0, unmatched: 3
        "#]],
    );
}

#[test]
fn fluent_bit_json_array_and_docker_log_with_embedded_json() {
    check(
        r#"[
  {"date": 1714564800.25, "log": "{\"level\":\"error\",\"msg\":\"payment failed\",\"trace_id\":\"0af7651916cd43dd8448eb211c80319c\",\"span_id\":\"b7ad6b7169203331\"}\n", "stream": "stderr", "kubernetes": {"pod_name": "pay-1", "container_name": "pay"}},
  {"date": 1714564801.0, "log": "plain text line\n", "stream": "stdout"}
]"#,
        expect![[r#"
            unmatched logs trace=0af7651916cd43dd8448eb211c80319c lines=1 from 2024-05-01 12:00:00.250
              log +0ns error("error") span=b7ad6b7169203331 "payment failed" {stream="stderr", kubernetes.pod_name="pay-1", kubernetes.container_name="pay"}
              log-resource#0 service="" {}

            unmatched logs trace=(none) lines=1 from 2024-05-01 12:00:01.000
              log +0ns unspecified "plain text line\n" {stream="stdout"}
              log-resource#0 service="" {}

            note: a.log: 1 record carried a JSON object as its message text (Docker / Kubernetes); its fields were read too
            lines at a span: 0, in a trace only: 0, unmatched: 2
        "#]],
    );
}

#[test]
fn pretty_objects_back_to_back_as_opentelemetry_console_exporter_writes() {
    check(
        r#"{
    "body": "charged card",
    "severity_number": 9,
    "severity_text": "INFO",
    "attributes": {"code.function.name": "pay"},
    "dropped_attributes": 0,
    "timestamp": "2024-05-01T12:00:00.000100Z",
    "observed_timestamp": "2024-05-01T12:00:00.000200Z",
    "trace_id": "0x0af7651916cd43dd8448eb211c80319c",
    "span_id": "0xb7ad6b7169203331",
    "trace_flags": 1,
    "resource": {"attributes": {"service.name": "payment", "service.version": "1.2"}, "schema_url": ""}
}
{
    "body": "no span",
    "severity_number": 13,
    "severity_text": "WARN",
    "timestamp": "2024-05-01T12:00:01Z",
    "trace_id": "0x00000000000000000000000000000000",
    "span_id": "0x0000000000000000",
    "resource": {"attributes": {"service.name": "payment", "service.version": "1.2"}, "schema_url": ""}
}
"#,
        expect![[r#"
            unmatched logs trace=0af7651916cd43dd8448eb211c80319c lines=1 from 2024-05-01 12:00:00.000
              log +0ns payment: info("INFO") span=b7ad6b7169203331 "charged card" {code.function.name="pay", dropped_attributes=0, resource.schema_url=""} observed=+100µs flags=1
              log-resource#0 service="payment" {service.version="1.2"}

            unmatched logs trace=(none) lines=1 from 2024-05-01 12:00:01.000
              log +0ns payment: warn("WARN") "no span" {resource.schema_url=""}
              log-resource#0 service="payment" {service.version="1.2"}

            lines at a span: 0, in a trace only: 0, unmatched: 2
        "#]],
    );
}

#[test]
fn repairs_are_noted_and_broken_lines_skipped() {
    check(
        r#"{"time":"2024-05-01T12:00:00Z","msg":"first"}
{"msg":"no time: placed at the time before"}
{"time":"half past noon","msg":"unreadable time: kept as an attribute"}
{"time":"2024-05-01 12:00:02","msg":"no zone: UTC"}
{"time":"2024-05-01T12:00:03Z","msg":"cut off
{"time":null,"level":null,"msg":null,"observed_timestamp":"2024-05-01T12:00:04Z"}
"#,
        expect![[r#"
            unmatched logs trace=(none) lines=5 from 2024-05-01 12:00:00.000
              log +0ns unspecified "first"
              log +0ns unspecified "no time: placed at the time before"
              log +0ns unspecified "unreadable time: kept as an attribute" {time="half past noon"}
              log +2.00s unspecified "no zone: UTC"
              log +4.00s unspecified null {time=null, level=null, msg=null}
              log-resource#0 service="" {}

            note: a.log: skipped a line that could not be read: a.log: the file ends early at line 5, column 45; it looks truncated (was the download or export cut off?)
            note: a.log: 1 record had no time; placed at the time of the record before (the first ones: of the first record with a time)
            note: a.log: 1 record had a time that could not be read (kept as an attribute); placed at the time of the record before
            note: a.log: 1 record had a time without a time zone; read as UTC
            lines at a span: 0, in a trace only: 0, unmatched: 5
        "#]],
    );
}

#[test]
fn a_file_of_nothing_but_broken_lines_is_an_error_with_its_place() {
    check(
        "{\"msg\":\"a\"\n{\"msg\":\"b\"\n",
        expect![[r#"
        error: a.log: not valid JSON at line 2, column 1: expected `,` or `}`
    "#]],
    );
}
