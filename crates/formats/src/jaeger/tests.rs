use crate::test_support::check_load;
use crate::{AssembleOptions, Format};
use expect_test::{expect, Expect};
use strand_model::Dataset;

/// Loads `json` as Jaeger and compares the dump (plus the load's notes, or the error).
fn check(json: &str, expect: Expect) {
    check_load(json, Some(Format::Jaeger), None, expect);
}

#[test]
fn api_envelope() {
    check(
        r#"{"data":[{"traceID":"2db17286b3e6b148","spans":[
                {"traceID":"2db17286b3e6b148","spanID":"2db17286b3e6b148","flags":1,"operationName":"GET /api","references":[],
                 "startTime":1571326774777373,"duration":4199,"tags":[{"key":"span.kind","type":"string","value":"server"}],
                 "logs":[],"processID":"p1","warnings":null},
                {"traceID":"2db17286b3e6b148","spanID":"0ec2b4e0bcea566d","operationName":"GetOperations",
                 "references":[{"refType":"CHILD_OF","traceID":"2db17286b3e6b148","spanID":"2db17286b3e6b148"}],
                 "startTime":1571326774777428,"duration":3873,"tags":[],"logs":[],"processID":"p1","warnings":null}],
              "processes":{"p1":{"serviceName":"jaeger-query","tags":[{"key":"hostname","type":"string","value":"h1"}]}},
              "warnings":null}],
             "total":1,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found","traceID":"00ff"}]}"#,
        expect![[r#"
                trace 2db17286b3e6b148 spans=2 services=1 duration=4.20ms errors=0
                  jaeger-query: GET /api [server] +0ns 4.20ms id=2db17286b3e6b148
                    attrs {span.kind="server"}
                    jaeger-query: GetOperations [unspecified] +55.0µs 3.87ms id=0ec2b4e0bcea566d
                  resource#0 service="jaeger-query" {hostname="h1"}

                note: the Jaeger query service reported an error: trace not found (code 404, trace 00ff)
            "#]],
    );
}

#[test]
fn api_envelope_without_traces() {
    check(r#"{"data":[],"total":0,"errors":null}"#, expect![[r#""#]]);
    check(
        r#"{"data":null,"errors":["storage unavailable"]}"#,
        expect![[r#"
            note: the Jaeger query service reported an error: storage unavailable
        "#]],
    );
}

#[test]
fn bare_trace() {
    check(
        r#"{"traceID":"1","spans":[
                {"traceID":"1","spanID":"a","operationName":"root","startTime":1000,"duration":10,"processID":"p1"},
                {"spanID":"b","operationName":"child","references":[{"refType":"CHILD_OF","spanID":"a"}],
                 "startTime":1002,"duration":5,"processID":"p2"}],
              "processes":{"p1":{"serviceName":"front","tags":null},"p2":{"serviceName":"back"}}}"#,
        expect![[r#"
                trace 0000000000000001 spans=2 services=2 duration=10.0µs errors=0
                  front: root [unspecified] +0ns 10.0µs id=000000000000000a
                    back: child [unspecified] +2.00µs 5.00µs id=000000000000000b
                  resource#0 service="front" {}
                  resource#1 service="back" {}

            "#]],
    );
}

#[test]
fn array_of_traces() {
    check(
        r#"[{"traceID":"1","spans":[{"traceID":"1","spanID":"a","operationName":"one","startTime":1000,"duration":1,"processID":"p1"}],
                 "processes":{"p1":{"serviceName":"s1"}}},
                {"traceID":"2","spans":[{"traceID":"2","spanID":"a","operationName":"two","startTime":2000,"duration":1,"processID":"p1"}],
                 "processes":{"p1":{"serviceName":"s2"}}}]"#,
        expect![[r#"
                trace 0000000000000001 spans=1 services=1 duration=1.00µs errors=0
                  s1: one [unspecified] +0ns 1.00µs id=000000000000000a
                  resource#0 service="s1" {}

                trace 0000000000000002 spans=1 services=1 duration=1.00µs errors=0
                  s2: two [unspecified] +0ns 1.00µs id=000000000000000a
                  resource#0 service="s2" {}

            "#]],
    );
}

#[test]
fn array_of_spans_with_inline_process() {
    // Two spans share an identical inline process (one resource); the third differs in a tag.
    check(
        r#"[{"traceID":"7","spanID":"1","operationName":"a","startTime":1000,"duration":10,
                 "process":{"serviceName":"svc","tags":[{"key":"ip","type":"string","value":"10.0.0.1"}]}},
                {"traceID":"7","spanID":"2","operationName":"b","references":[{"refType":"CHILD_OF","traceID":"7","spanID":"1"}],
                 "startTime":1001,"duration":5,"process":{"serviceName":"svc","tags":[{"key":"ip","type":"string","value":"10.0.0.1"}]}},
                {"traceID":"7","spanID":"3","operationName":"c","references":[{"refType":"CHILD_OF","traceID":"7","spanID":"1"}],
                 "startTime":1002,"duration":5,"process":{"serviceName":"svc","tags":[{"key":"ip","type":"string","value":"10.0.0.2"}]}}]"#,
        expect![[r#"
                trace 0000000000000007 spans=3 services=1 duration=10.0µs errors=0
                  svc: a [unspecified] +0ns 10.0µs id=0000000000000001
                    svc: b [unspecified] +1.00µs 5.00µs id=0000000000000002
                    svc: c [unspecified] +2.00µs 5.00µs id=0000000000000003
                  resource#0 service="svc" {ip="10.0.0.1"}
                  resource#1 service="svc" {ip="10.0.0.2"}

            "#]],
    );
}

#[test]
fn short_hex_ids_equal_padded_ones() {
    check(
        r#"{"traceID":"df84e36b9e2ee3815d07f0867a5be1f","spans":[
                {"traceID":"0df84e36b9e2ee3815d07f0867a5be1f","spanID":"ec2b4e0bcea566d","operationName":"parent","startTime":1000,"duration":10,"processID":"p1"},
                {"traceID":"df84e36b9e2ee3815d07f0867a5be1f","spanID":"0000000000000001","operationName":"child",
                 "references":[{"refType":"CHILD_OF","traceID":"df84e36b9e2ee3815d07f0867a5be1f","spanID":"0ec2b4e0bcea566d"}],
                 "startTime":1001,"duration":5,"processID":"p1"}],
              "processes":{"p1":{"serviceName":"s"}}}"#,
        expect![[r#"
                trace 0df84e36b9e2ee3815d07f0867a5be1f spans=2 services=1 duration=10.0µs errors=0
                  s: parent [unspecified] +0ns 10.0µs id=0ec2b4e0bcea566d
                    s: child [unspecified] +1.00µs 5.00µs id=0000000000000001
                  resource#0 service="s" {}

            "#]],
    );
}

#[test]
fn follows_from_parent() {
    check(
        r#"{"traceID":"1","spans":[
                {"spanID":"1","operationName":"produce","startTime":1000,"duration":10,"processID":"p1","tags":[{"key":"span.kind","type":"string","value":"producer"}]},
                {"spanID":"2","operationName":"consume","references":[{"refType":"FOLLOWS_FROM","traceID":"1","spanID":"1"}],
                 "startTime":1050,"duration":20,"processID":"p1","tags":[{"key":"span.kind","type":"string","value":"consumer"}]}],
              "processes":{"p1":{"serviceName":"s"}}}"#,
        expect![[r#"
                trace 0000000000000001 spans=2 services=1 duration=70.0µs errors=0
                  s: produce [producer] +0ns 10.0µs id=0000000000000001
                    attrs {span.kind="producer"}
                    s: consume [consumer] +50.0µs 20.0µs id=0000000000000002 follows_from
                      attrs {span.kind="consumer"}
                  resource#0 service="s" {}

            "#]],
    );
}

#[test]
fn reference_into_another_trace_is_a_link() {
    check(
        r#"{"traceID":"1","spans":[
                {"spanID":"1","operationName":"batch","startTime":1000,"duration":10,"processID":"p1",
                 "references":[{"refType":"CHILD_OF","traceID":"ff","spanID":"ff"}]}],
              "processes":{"p1":{"serviceName":"s"}}}"#,
        expect![[r#"
                trace 0000000000000001 spans=1 services=1 duration=10.0µs errors=0
                  s: batch [unspecified] +0ns 10.0µs id=0000000000000001
                    child_of trace=00000000000000ff span=00000000000000ff
                  resource#0 service="s" {}

            "#]],
    );
}

#[test]
fn several_references() {
    // CHILD_OF into another trace, CHILD_OF here (the parent), FOLLOWS_FROM here, CHILD_OF here again.
    check(
        r#"{"traceID":"1","spans":[
                {"spanID":"2","operationName":"p","startTime":1000,"duration":10,"processID":"p1"},
                {"spanID":"3","operationName":"q","startTime":1000,"duration":10,"processID":"p1"},
                {"spanID":"4","operationName":"multi","startTime":1001,"duration":5,"processID":"p1","references":[
                    {"refType":"CHILD_OF","traceID":"ff","spanID":"ff"},
                    {"refType":"CHILD_OF","traceID":"1","spanID":"2"},
                    {"refType":"FOLLOWS_FROM","traceID":"1","spanID":"3"},
                    {"refType":"CHILD_OF","traceID":"1","spanID":"3"}]}],
              "processes":{"p1":{"serviceName":"s"}}}"#,
        expect![[r#"
                trace 0000000000000001 spans=3 services=1 duration=10.0µs errors=0
                  s: p [unspecified] +0ns 10.0µs id=0000000000000002
                    s: multi [unspecified] +1.00µs 5.00µs id=0000000000000004
                      child_of trace=00000000000000ff span=00000000000000ff
                      follows_from trace=0000000000000001 span=0000000000000003
                      child_of trace=0000000000000001 span=0000000000000003
                  s: q [unspecified] +0ns 10.0µs id=0000000000000003
                  resource#0 service="s" {}

            "#]],
    );
}

#[test]
fn old_parent_span_id() {
    check(
        r#"{"traceID":"1","spans":[
                {"spanID":"1","parentSpanID":"0","operationName":"root","startTime":1000,"duration":10,"processID":"p1"},
                {"spanID":"2","parentSpanID":"1","operationName":"child","startTime":1001,"duration":5,"processID":"p1"}],
              "processes":{"p1":{"serviceName":"s"}}}"#,
        expect![[r#"
                trace 0000000000000001 spans=2 services=1 duration=10.0µs errors=0
                  s: root [unspecified] +0ns 10.0µs id=0000000000000001
                    s: child [unspecified] +1.00µs 5.00µs id=0000000000000002
                  resource#0 service="s" {}

            "#]],
    );
}

#[test]
fn typed_tags() {
    check(
        r#"{"traceID":"1","spans":[{"spanID":"1","operationName":"tags","startTime":"1000","duration":"10","processID":"p1","tags":[
                {"key":"big","type":"int64","value":"9223372036854775222"},
                {"key":"small","type":"int64","value":42},
                {"key":"blob","type":"binary","value":"AAAwOQ=="},
                {"key":"flag","type":"bool","value":"true"},
                {"key":"flag2","type":"bool","value":false},
                {"key":"temp","type":"float64","value":72.5},
                {"key":"ratio","type":"float64","value":"0.25"},
                {"key":"whole","type":"float64","value":1},
                {"key":"text","type":"string","value":"hi"},
                {"key":"num_as_text","type":"string","value":7},
                {"key":"untyped_num","value":3},
                {"key":"untyped_float","value":1.5},
                {"key":"untyped_bool","value":true},
                {"key":"untyped_str","type":"uint64","value":"x"},
                {"key":"null_str","type":"string","value":null}]}],
              "processes":{"p1":{"serviceName":"s"}}}"#,
        expect![[r#"
                trace 0000000000000001 spans=1 services=1 duration=10.0µs errors=0
                  s: tags [unspecified] +0ns 10.0µs id=0000000000000001
                    attrs {big=9223372036854775222, small=42, blob=0x00003039, flag=true, flag2=false, temp=72.5, ratio=0.25, whole=1.0, text="hi", num_as_text="7", untyped_num=3, untyped_float=1.5, untyped_bool=true, untyped_str="x", null_str=""}
                  resource#0 service="s" {}

            "#]],
    );
}

#[test]
fn invalid_values_are_kept_as_text() {
    check(
        r#"{"traceID":"1","spans":[{"spanID":"1","operationName":"bad","startTime":1000,"duration":10,"processID":"p1","tags":[
                {"key":"n","type":"int64","value":"12abc"},
                {"key":"f","type":"int64","value":1.5},
                {"key":"b","type":"bool","value":"maybe"},
                {"key":"d","type":"float64","value":"fast"},
                {"key":"bin","type":"binary","value":"!!not base64!!"},
                {"key":"arr","type":"string","value":[1,{"a":2}]},
                {"key":"none","type":"int64"}]}],
              "processes":{"p1":{"serviceName":"s","tags":[{"key":"pid","type":"int64","value":"x"}]}}}"#,
        expect![[r#"
                trace 0000000000000001 spans=1 services=1 duration=10.0µs errors=0
                  ! invalid-value: process "p1" tag "pid": "x" is not a valid int64; kept as text
                  s: bad [unspecified] +0ns 10.0µs id=0000000000000001
                    attrs {n="12abc", f="1.5", b="maybe", d="fast", bin="!!not base64!!", arr="[1,{\"a\":2}]", none=null}
                    ! invalid-value: tag "n": "12abc" is not a valid int64; kept as text
                    ! invalid-value: tag "f": "1.5" is not a valid int64; kept as text
                    ! invalid-value: tag "b": "maybe" is not a valid bool; kept as text
                    ! invalid-value: tag "d": "fast" is not a valid float64; kept as text
                    ! invalid-value: tag "bin": "!!not base64!!" is not a valid binary; kept as text
                    ! invalid-value: tag "arr" has a JSON array or object as its value; kept as its JSON text
                    ! invalid-value: tag "none" of type int64 has no value
                  resource#0 service="s" {pid="x"}

            "#]],
    );
}

#[test]
fn logs_become_events() {
    check(
        r#"{"traceID":"1","spans":[{"spanID":"1","operationName":"logs","startTime":1000,"duration":10,"processID":"p1","logs":[
                {"timestamp":1002,"fields":[{"key":"event","type":"string","value":"cache miss"},{"key":"key","type":"string","value":"k1"}]},
                {"timestamp":1003,"fields":[{"key":"message","type":"string","value":"retrying"},{"key":"attempt","type":"int64","value":2}]},
                {"timestamp":1004,"fields":[{"key":"x","type":"string","value":"y"}]},
                {"fields":null}]}],
              "processes":{"p1":{"serviceName":"s"}}}"#,
        expect![[r#"
                trace 0000000000000001 spans=1 services=1 duration=10.0µs errors=0
                  s: logs [unspecified] +0ns 10.0µs id=0000000000000001
                    event +2.00µs "cache miss" {event="cache miss", key="k1"}
                    event +3.00µs "retrying" {message="retrying", attempt=2}
                    event +4.00µs "log" {x="y"}
                    event +0ns "log"
                  resource#0 service="s" {}

            "#]],
    );
}

#[test]
fn span_and_trace_warnings() {
    check(
        r#"{"traceID":"1","spans":[
                {"spanID":"1","operationName":"w","startTime":1000,"duration":10,"processID":"p1","warnings":["clock skew adjusted","second"]},
                {"spanID":"2","operationName":"none","startTime":1000,"duration":10,"processID":"p1","warnings":null}],
              "processes":{"p1":{"serviceName":"s"}},"warnings":["some trace warning"]}"#,
        expect![[r#"
                trace 0000000000000001 spans=2 services=1 duration=10.0µs errors=0
                  ! source-warning: some trace warning
                  s: w [unspecified] +0ns 10.0µs id=0000000000000001
                    ! source-warning: clock skew adjusted
                    ! source-warning: second
                  s: none [unspecified] +0ns 10.0µs id=0000000000000002
                  resource#0 service="s" {}

            "#]],
    );
}

#[test]
fn kind_and_status_tags() {
    check(
        r#"{"traceID":"1","spans":[
                {"spanID":"1","operationName":"server","startTime":1000,"duration":10,"processID":"p1","tags":[
                    {"key":"span.kind","type":"string","value":"server"},{"key":"error","type":"bool","value":true}]},
                {"spanID":"2","operationName":"client","references":[{"refType":"CHILD_OF","spanID":"1"}],"startTime":1001,"duration":5,"processID":"p1","tags":[
                    {"key":"span.kind","type":"string","value":"client"},{"key":"error","type":"bool","value":"true"}]},
                {"spanID":"3","operationName":"otel","references":[{"refType":"CHILD_OF","spanID":"1"}],"startTime":1002,"duration":5,"processID":"p1","tags":[
                    {"key":"span.kind","type":"string","value":"internal"},
                    {"key":"otel.status_code","type":"string","value":"ERROR"},
                    {"key":"otel.status_description","type":"string","value":"deadline exceeded"}]},
                {"spanID":"4","operationName":"ok","references":[{"refType":"CHILD_OF","spanID":"1"}],"startTime":1003,"duration":5,"processID":"p1","tags":[
                    {"key":"span.kind","type":"string","value":"sideways"},
                    {"key":"otel.status_code","type":"string","value":"OK"},
                    {"key":"error","type":"bool","value":false}]}],
              "processes":{"p1":{"serviceName":"s"}}}"#,
        expect![[r#"
                trace 0000000000000001 spans=4 services=1 duration=10.0µs errors=3
                  s: server [server] +0ns 10.0µs id=0000000000000001 status=error
                    attrs {span.kind="server", error=true}
                    s: client [client] +1.00µs 5.00µs id=0000000000000002 status=error
                      attrs {span.kind="client", error=true}
                    s: otel [internal] +2.00µs 5.00µs id=0000000000000003 status=error("deadline exceeded")
                      attrs {span.kind="internal", otel.status_code="ERROR", otel.status_description="deadline exceeded"}
                    s: ok [unspecified] +3.00µs 5.00µs id=0000000000000004 status=ok
                      attrs {span.kind="sideways", otel.status_code="OK", error=false}
                      ! unknown-value: unknown span.kind "sideways"
                  resource#0 service="s" {}

            "#]],
    );
}

#[test]
fn missing_process_and_ids() {
    check(
        r#"{"traceID":"1","spans":[
                {"spanID":"1","operationName":"unknown key","startTime":1000,"duration":10,"processID":"p9"},
                {"spanID":"2","operationName":"no key","startTime":1001,"duration":5},
                {"spanID":"3","operationName":"empty service","startTime":1002,"duration":5,"processID":"p1"},
                {"spanID":"","operationName":"no id","startTime":1003,"duration":5,"processID":"p2"},
                {"spanID":"5","operationName":"no times","processID":"p2"}],
              "processes":{"p1":{"serviceName":""},"p2":{"serviceName":"ok"}}}"#,
        expect![[r#"
                trace 0000000000000001 spans=5 services=2 duration=10.0µs errors=0
                  : unknown key [unspecified] +0ns 10.0µs id=0000000000000001
                    ! missing-service: process "p9" is not in the trace's processes; the span has no service
                  ok: no times [unspecified] +0ns 0ns id=0000000000000005
                    ! missing-start: the span has no start time; it is placed at its parent's start
                    ! missing-duration: the span has no duration; it is shown as 0
                  : no key [unspecified] +1.00µs 5.00µs id=0000000000000002
                    ! missing-service: the span names no process; it has no service
                  : empty service [unspecified] +2.00µs 5.00µs id=0000000000000003
                    ! missing-service: the span's process has no serviceName
                  ok: no id [unspecified] +3.00µs 5.00µs id=(no id #1)
                    ! missing-span-id: the span has no span id; it was given a synthetic one
                  resource#0 service="" {}
                  resource#1 service="" {}
                  resource#2 service="ok" {}

            "#]],
    );
}

#[test]
fn unusable_documents_are_errors() {
    check(
        r#"{"data":[{"traceID":"1","spans":[{"spanID":"#,
        expect![[r#"
            error: t.json: the file ends early at line 1, column 43; it looks truncated (was the download or export cut off?)
        "#]],
    );
    check(
        r#"{"data": 5}"#,
        expect![[r#"
            error: t.json: read as Jaeger JSON, but at line 1, column 10: invalid type: integer `5`, expected a sequence
        "#]],
    );
    check(
        r#"[1, 2]"#,
        expect![[r#"
            error: t.json: read as Jaeger JSON, but at line 1, column 2: invalid type: integer `1`, expected a Jaeger trace or span object
        "#]],
    );
}

#[test]
fn samples_load_with_expected_counts() {
    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/samples/");
    // (file, spans, traces, warnings by code) after import and assembly.
    let expected = [
        // The parent 492770a15935810f is not in the file.
        ("jaeger-anonymizer_spans-inline-process.json", 2, 1, "orphan x1"),
        ("jaeger-api_jaeger-query-traces-response.json", 2, 1, ""),
        // The two spans with id ...0002 differ (name, tags, logs), so assembly keeps both and
        // flags the second; the trace warning and two span warnings come from the file.
        ("jaeger-ui_converter-fixture-edge-cases.json", 5, 1, "source-warning x3, duplicate-id x1"),
        // Generated: graphql.execution ends 1 ms after its parent.
        ("jaeger-ui_genai-trace.json", 57, 1, "outside-parent x1"),
        ("jaeger-ui_petclinic-short-ids.json", 17, 1, ""),
        ("jaeger-ui_trace-graph-nonhex-ids.json", 11, 1, ""),
    ];
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(DIR).expect("samples directory") {
        let name = entry.expect("dir entry").file_name().to_string_lossy().into_owned();
        if name.starts_with("jaeger-") && name.ends_with(".json") && !name.starts_with("jaeger-deps_") {
            seen.push(name);
        }
    }
    seen.sort();
    let mut listed: Vec<String> = expected.iter().map(|(f, _, _, _)| f.to_string()).collect();
    listed.sort();
    assert_eq!(seen, listed, "every Jaeger sample has expected counts");
    for (file, spans, traces, warnings) in expected {
        let bytes = std::fs::read(format!("{DIR}{file}")).expect("sample file");
        let mut data = Dataset::new();
        crate::load(&mut data, &bytes, file, Some(Format::Jaeger), &AssembleOptions::default())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!((data.span_count(), data.traces.len()), (spans, traces), "{file}");
        let mut counts: Vec<(strand_model::WarningKind, usize)> = Vec::new();
        for w in data.traces.iter().flat_map(|t| &t.warnings) {
            match counts.iter_mut().find(|(k, _)| *k == w.kind) {
                Some((_, n)) => *n += 1,
                None => counts.push((w.kind, 1)),
            }
        }
        counts.sort();
        let got: Vec<String> = counts.iter().map(|(k, n)| format!("{} x{n}", k.code())).collect();
        assert_eq!(got.join(", "), warnings, "{file}");
    }
}
