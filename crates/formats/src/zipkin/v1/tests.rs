//! Zipkin v1 conversion rules, each as a small v1 document and what it loads to (canonical dump
//! plus the load's notes, or the error). The rules were checked against a real Zipkin server:
//! `tests/zipkin_v1.rs` and `tests/fixtures/zipkin-v1/`.

use crate::test_support::check_load;
use crate::{AssembleOptions, Format};
use expect_test::{expect, Expect};
use strand_model::Dataset;

fn check(json: &str, expect: Expect) {
    check_load(json, None, Some(Format::ZipkinV1), expect);
}

#[test]
fn one_v1_span_holding_both_sides_of_an_rpc_becomes_two() {
    check(
        r#"[{"traceId":"a","id":"1","name":"GET /cart","timestamp":1000,"duration":500,
            "annotations":[{"timestamp":1000,"value":"cs","endpoint":{"serviceName":"web","ipv4":"10.0.0.1"}},
                           {"timestamp":1100,"value":"sr","endpoint":{"serviceName":"cart","ipv4":"10.0.0.2","port":8080}},
                           {"timestamp":1200,"value":"cache.miss","endpoint":{"serviceName":"cart","ipv4":"10.0.0.2","port":8080}},
                           {"timestamp":1400,"value":"ss","endpoint":{"serviceName":"cart","ipv4":"10.0.0.2","port":8080}},
                           {"timestamp":1500,"value":"cr","endpoint":{"serviceName":"web","ipv4":"10.0.0.1"}}],
            "binaryAnnotations":[{"key":"http.path","value":"/cart","endpoint":{"serviceName":"cart","ipv4":"10.0.0.2","port":8080}},
                                 {"key":"sa","value":true,"endpoint":{"serviceName":"cart","ipv4":"10.0.0.2","port":8080}},
                                 {"key":"ca","value":true,"endpoint":{"ipv4":"10.0.0.1","port":51000}}]}]"#,
        expect![[r#"
            trace 000000000000000a spans=2 services=2 duration=500µs errors=0
              web: GET /cart [client] +0ns 500µs id=0000000000000001
                attrs {peer.service="cart", network.peer.address="10.0.0.2", network.peer.port=8080}
                cart: GET /cart [server] +100µs 300µs id=0000000000000001 shared
                  attrs {network.peer.address="10.0.0.1", network.peer.port=51000, http.path="/cart"}
                  event +100µs "cache.miss"
              resource#0 service="web" {ipv4="10.0.0.1"}
              resource#1 service="cart" {ipv4="10.0.0.2", port=8080}

            note: read as Zipkin v1 JSON (hosts on annotations, binaryAnnotations): 1 v1 span became 2 spans, one per local endpoint, as Zipkin's own v1-to-v2 conversion does
        "#]],
    );
}

#[test]
fn sides_reported_apart_share_the_id_and_the_server_is_shared() {
    // As py_zipkin and Brave report: each process sends its half; the server half has no
    // timestamp (the client owns the span's timing).
    check(
        r#"[{"traceId":"a","id":"2","parentId":"1","name":"get","annotations":[
              {"timestamp":1100,"value":"sr","endpoint":{"serviceName":"back"}},{"timestamp":1300,"value":"ss","endpoint":{"serviceName":"back"}}],
             "binaryAnnotations":[]},
            {"traceId":"a","id":"2","parentId":"1","name":"get","timestamp":1000,"duration":400,"annotations":[
              {"timestamp":1000,"value":"cs","endpoint":{"serviceName":"front"}},{"timestamp":1400,"value":"cr","endpoint":{"serviceName":"front"}}],
             "binaryAnnotations":[]},
            {"traceId":"a","id":"1","name":"root","timestamp":900,"duration":600,"annotations":[
              {"timestamp":900,"value":"sr","endpoint":{"serviceName":"front"}},{"timestamp":1500,"value":"ss","endpoint":{"serviceName":"front"}}],
             "binaryAnnotations":[]}]"#,
        expect![[r#"
            trace 000000000000000a spans=3 services=2 duration=600µs errors=0
              front: root [server] +0ns 600µs id=0000000000000001
                front: get [client] +100µs 400µs id=0000000000000002
                  back: get [server] +200µs 200µs id=0000000000000002 shared
              resource#0 service="back" {}
              resource#1 service="front" {}

            note: read as Zipkin v1 JSON (hosts on annotations, binaryAnnotations): 3 v1 spans became 3 spans, one per local endpoint, as Zipkin's own v1-to-v2 conversion does
        "#]],
    );
}

#[test]
fn loopback_call_still_gives_two_spans() {
    check(
        r#"[{"traceId":"a","id":"1","name":"self","annotations":[
              {"timestamp":1000,"value":"cs","endpoint":{"serviceName":"api"}},{"timestamp":1010,"value":"sr","endpoint":{"serviceName":"API"}},
              {"timestamp":1090,"value":"ss","endpoint":{"serviceName":"api"}},{"timestamp":1100,"value":"cr","endpoint":{"serviceName":"api"}}]}]"#,
        expect![[r#"
            trace 000000000000000a spans=2 services=2 duration=100µs errors=0
              api: self [client] +0ns 100µs id=0000000000000001
                API: self [server] +10.0µs 80.0µs id=0000000000000001 shared
              resource#0 service="api" {}
              resource#1 service="API" {}

            note: read as Zipkin v1 JSON (hosts on annotations, binaryAnnotations): 1 v1 span became 2 spans, one per local endpoint, as Zipkin's own v1-to-v2 conversion does
        "#]],
    );
}

#[test]
fn one_sided_and_incomplete_rpcs() {
    // A lone cs starts a span without duration; a lone cr only sets the kind; a cr at the
    // span's end stands for a cs at its start; a lone sr is shared.
    check(
        r#"[{"traceId":"a","id":"1","name":"oneway","annotations":[{"timestamp":1000,"value":"cs","endpoint":{"serviceName":"c"}}]},
            {"traceId":"a","id":"2","parentId":"1","name":"late","annotations":[{"timestamp":1050,"value":"cr","endpoint":{"serviceName":"c"}}]},
            {"traceId":"a","id":"3","parentId":"1","name":"implied","timestamp":1010,"duration":30,
             "annotations":[{"timestamp":1040,"value":"cr","endpoint":{"serviceName":"c"}}]},
            {"traceId":"a","id":"4","parentId":"1","name":"received","annotations":[{"timestamp":1020,"value":"sr","endpoint":{"serviceName":"s"}}]}]"#,
        expect![[r#"
            trace 000000000000000a spans=4 services=2 duration=40.0µs errors=0
              c: oneway [client] +0ns 0ns id=0000000000000001
                ! missing-duration: the span has no duration; it is shown as 0
                c: late [client] +0ns 0ns id=0000000000000002
                  event +50.0µs "cr"
                  ! missing-start: the span has no timestamp; it is placed at its parent's start
                  ! missing-duration: the span has no duration; it is shown as 0
                c: implied [client] +10.0µs 30.0µs id=0000000000000003
                  ! outside-parent: ends 40.0µs after its parent
                s: received [server] +20.0µs 0ns id=0000000000000004 shared
                  ! missing-duration: the span has no duration; it is shown as 0
                  ! outside-parent: ends 20.0µs after its parent
              resource#0 service="c" {}
              resource#1 service="s" {}

            note: read as Zipkin v1 JSON (hosts on annotations, binaryAnnotations): 4 v1 spans became 4 spans, one per local endpoint, as Zipkin's own v1-to-v2 conversion does
        "#]],
    );
}

#[test]
fn messaging_sides_and_message_address() {
    check(
        r#"[{"traceId":"a","id":"1","name":"send order","annotations":[
              {"timestamp":1000,"value":"ms","endpoint":{"serviceName":"shop"}},{"timestamp":1005,"value":"ws","endpoint":{"serviceName":"shop"}},
              {"timestamp":1200,"value":"wr","endpoint":{"serviceName":"billing"}},{"timestamp":1250,"value":"mr","endpoint":{"serviceName":"billing"}}],
            "binaryAnnotations":[{"key":"ma","value":true,"endpoint":{"serviceName":"kafka","ipv4":"10.0.0.9","port":9092}}]},
            {"traceId":"a","id":"2","parentId":"1","name":"fire and forget","annotations":[{"timestamp":1300,"value":"ms","endpoint":{"serviceName":"billing"}}]}]"#,
        expect![[r#"
            trace 000000000000000a spans=3 services=2 duration=300µs errors=0
              shop: send order [producer] +0ns 5.00µs id=0000000000000001
                attrs {peer.service="kafka", network.peer.address="10.0.0.9", network.peer.port=9092}
                billing: send order [consumer] +200µs 50.0µs id=0000000000000001 shared
                  attrs {peer.service="kafka", network.peer.address="10.0.0.9", network.peer.port=9092}
                  billing: fire and forget [producer] +300µs 0ns id=0000000000000002
                    ! missing-duration: the span has no duration; it is shown as 0
              resource#0 service="shop" {}
              resource#1 service="billing" {}

            note: read as Zipkin v1 JSON (hosts on annotations, binaryAnnotations): 2 v1 spans became 3 spans, one per local endpoint, as Zipkin's own v1-to-v2 conversion does
        "#]],
    );
}

#[test]
fn local_span_with_local_component_and_addresses_without_core_annotations() {
    // `lc` is an ordinary tag (dropped when empty); `ca` alone makes a server span; `sa` alone
    // only names the remote side.
    check(
        r#"[{"traceId":"a","id":"1","name":"render","timestamp":1000,"duration":40,
             "binaryAnnotations":[{"key":"lc","value":"templates","endpoint":{"serviceName":"web"}}]},
            {"traceId":"a","id":"2","parentId":"1","name":"empty lc","timestamp":1005,"duration":5,
             "binaryAnnotations":[{"key":"lc","value":"","endpoint":{"serviceName":"web"}}]},
            {"traceId":"a","id":"3","parentId":"1","name":"called","timestamp":1010,"duration":5,
             "binaryAnnotations":[{"key":"ca","value":true,"endpoint":{"serviceName":"caller","ipv4":"10.0.0.3"}}]},
            {"traceId":"a","id":"4","parentId":"1","name":"query","timestamp":1020,"duration":5,
             "binaryAnnotations":[{"key":"sa","value":true,"endpoint":{"serviceName":"mysql","port":3306}},
                                  {"key":"sql","value":"select 1","endpoint":{"serviceName":"web"}},
                                  {"key":"sa","value":false,"endpoint":{"serviceName":"ignored"}}]}]"#,
        expect![[r#"
            trace 000000000000000a spans=4 services=2 duration=40.0µs errors=0
              web: render [unspecified] +0ns 40.0µs id=0000000000000001
                attrs {lc="templates"}
                web: empty lc [unspecified] +5.00µs 5.00µs id=0000000000000002
                : called [server] +10.0µs 5.00µs id=0000000000000003
                  attrs {peer.service="caller", network.peer.address="10.0.0.3"}
                  ! missing-service: the span has no localEndpoint; it is shown without a service
                web: query [unspecified] +20.0µs 5.00µs id=0000000000000004
                  attrs {peer.service="mysql", network.peer.port=3306, sql="select 1"}
              resource#0 service="web" {}
              resource#1 service="" {}

            note: read as Zipkin v1 JSON (hosts on annotations, binaryAnnotations): 4 v1 spans became 4 spans, one per local endpoint, as Zipkin's own v1-to-v2 conversion does
        "#]],
    );
}

#[test]
fn typed_binary_annotations_are_kept_as_text_with_a_note() {
    // Zipkin's conversion drops them (and their endpoints); Strand keeps them.
    check(
        r#"[{"traceId":"a","id":"1","name":"typed","timestamp":1000,"duration":10,"binaryAnnotations":[
              {"key":"http.status_code","value":503,"type":"I32","endpoint":{"serviceName":"s"}},
              {"key":"ratio","value":0.5,"type":"DOUBLE","endpoint":{"serviceName":"s"}},
              {"key":"retried","value":true,"type":"BOOL","endpoint":{"serviceName":"s"}},
              {"key":"error","value":"upstream timeout","endpoint":{"serviceName":"s"}},
              {"key":"payload","value":"AQID","type":"BYTES","endpoint":{"serviceName":"s"}}]}]"#,
        expect![[r#"
            trace 000000000000000a spans=1 services=1 duration=10.0µs errors=1
              s: typed [unspecified] +0ns 10.0µs id=0000000000000001 status=error("upstream timeout")
                attrs {error="upstream timeout", http.status_code="503", payload="AQID", ratio="0.5", retried="true"}
              resource#0 service="s" {}

            note: read as Zipkin v1 JSON (hosts on annotations, binaryAnnotations): 1 v1 span became 1 span, one per local endpoint, as Zipkin's own v1-to-v2 conversion does
            note: 3 binary annotations held a number or boolean; kept as text tags (Zipkin's conversion drops them)
        "#]],
    );
}

#[test]
fn annotations_without_endpoints_go_to_the_first_span_in_time_order() {
    // Annotations are taken in time order: the server's sr is the earliest here, so the
    // endpoint-less annotation and tag go to the server side.
    check(
        r#"[{"traceId":"a","id":"1","name":"skewed","timestamp":1000,"duration":20,"annotations":[
              {"timestamp":1000,"value":"cs","endpoint":{"serviceName":"c"}},{"timestamp":990,"value":"sr","endpoint":{"serviceName":"s"}},
              {"timestamp":995,"value":"ss","endpoint":{"serviceName":"s"}},{"timestamp":1020,"value":"cr","endpoint":{"serviceName":"c"}},
              {"timestamp":1001,"value":"no endpoint"},{"timestamp":1001,"value":"no endpoint"}],
            "binaryAnnotations":[{"key":"tag","value":"v"},{"key":"other","value":"o","endpoint":{"serviceName":"third"}}]}]"#,
        expect![[r#"
            trace 000000000000000a spans=3 services=3 duration=30.0µs errors=0
              third: skewed [unspecified] +0ns 0ns id=0000000000000001
                attrs {other="o"}
                ! missing-start: the span has no timestamp; it is placed at its parent's start
                ! missing-duration: the span has no duration; it is shown as 0
                ! duplicate-id: another span of this trace has the same id 0000000000000001; children of that id attach to the first one
              c: skewed [client] +10.0µs 20.0µs id=0000000000000001
                ! duplicate-id: another span of this trace has the same id 0000000000000001; children of that id attach to the first one
                s: skewed [server] +17.5µs 5.00µs id=0000000000000001 shared
                  attrs {tag="v"}
                  event +11.0µs "no endpoint"
                  ! clock-skew: shifted by 17.5µs to undo clock skew against its parent on another host
              resource#0 service="s" {}
              resource#1 service="c" {}
              resource#2 service="third" {}

            note: read as Zipkin v1 JSON (hosts on annotations, binaryAnnotations): 1 v1 span became 3 spans, one per local endpoint, as Zipkin's own v1-to-v2 conversion does
        "#]],
    );
}

#[test]
fn v1_spans_without_binary_annotations_are_found_by_their_endpoints() {
    // zipkin-js leaves out empty binaryAnnotations: detection says v2, the importer sees v1.
    check(
        r#"[{"traceId":"a","id":"1","name":"get","timestamp":1000,"duration":10,
             "annotations":[{"timestamp":1000,"value":"sr","endpoint":{"serviceName":"s"}},{"timestamp":1010,"value":"ss","endpoint":{"serviceName":"s"}}]}]"#,
        expect![[r#"
            trace 000000000000000a spans=1 services=1 duration=10.0µs errors=0
              s: get [server] +0ns 10.0µs id=0000000000000001
              resource#0 service="s" {}

            note: read as Zipkin v1 JSON (hosts on annotations, binaryAnnotations): 1 v1 span became 1 span, one per local endpoint, as Zipkin's own v1-to-v2 conversion does
        "#]],
    );
}

#[test]
fn mixed_v1_and_v2_spans_say_so() {
    check(
        r#"[{"traceId":"a","id":"1","name":"v2","kind":"SERVER","timestamp":1000,"duration":100,"localEndpoint":{"serviceName":"front"}},
            {"traceId":"a","id":"2","parentId":"1","name":"v1","timestamp":1010,"duration":50,"annotations":[],
             "binaryAnnotations":[{"key":"lc","value":"worker","endpoint":{"serviceName":"front"}}]}]"#,
        expect![[r#"
            trace 000000000000000a spans=2 services=1 duration=100µs errors=0
              front: v2 [server] +0ns 100µs id=0000000000000001
                front: v1 [unspecified] +10.0µs 50.0µs id=0000000000000002
                  attrs {lc="worker"}
              resource#0 service="front" {}

            note: read as Zipkin v1 JSON (hosts on annotations, binaryAnnotations): 1 v1 span became 1 span, one per local endpoint, as Zipkin's own v1-to-v2 conversion does
            note: the file mixes Zipkin versions: 1 span was already v2 and read as such
        "#]],
    );
}

#[test]
fn single_v1_span_object() {
    check(
        r#"{"traceId":"a","id":"1","name":"alone","timestamp":1000,"duration":10,"annotations":[],
            "binaryAnnotations":[{"key":"lc","value":"batch","endpoint":{"serviceName":"job"}}]}"#,
        expect![[r#"
            trace 000000000000000a spans=1 services=1 duration=10.0µs errors=0
              job: alone [unspecified] +0ns 10.0µs id=0000000000000001
                attrs {lc="batch"}
              resource#0 service="job" {}

            note: the file is a single Zipkin span object, not a list of spans as the Zipkin API defines; read as a list of one
            note: read as Zipkin v1 JSON (hosts on annotations, binaryAnnotations): 1 v1 span became 1 span, one per local endpoint, as Zipkin's own v1-to-v2 conversion does
        "#]],
    );
}

#[test]
fn lists_that_are_neither_v1_nor_v2_stay_errors() {
    // No traceId: not a Zipkin span of either version.
    check(
        r#"[{"id":"1","name":"x","annotations":[{"timestamp":1,"value":"cs","endpoint":{"serviceName":"s"}}]}]"#,
        expect![[r#"
            error: t.json: not a trace or log format Strand knows. Tried Jaeger (needs traceID/spans or spanID), Zipkin v1 or v2 (a list of spans with traceId and id), OTLP (resourceSpans or batches), dependency links (parent/child), OTLP logs (resourceLogs), ECS logs (@timestamp), JSON or logfmt log lines (a message, a trace id, or a time and a level), text log lines (a date-time and a level) and Loki answers (data.result); found a JSON array with keys "id", "name", "annotations"
        "#]],
    );
    check(
        r#"[{"trace":"a","span":"b"}]"#,
        expect![[r#"
            error: t.json: not a trace or log format Strand knows. Tried Jaeger (needs traceID/spans or spanID), Zipkin v1 or v2 (a list of spans with traceId and id), OTLP (resourceSpans or batches), dependency links (parent/child), OTLP logs (resourceLogs), ECS logs (@timestamp), JSON or logfmt log lines (a message, a trace id, or a time and a level), text log lines (a date-time and a level) and Loki answers (data.result); found a JSON array with keys "trace", "span"
        "#]],
    );
    // Cut off inside a v1 annotation: truncated, located.
    check(
        r#"[{"traceId":"a","id":"1","binaryAnnotations":[{"key":"lc","value":"x","endpoint":{"serviceN"#,
        expect![[r#"
        error: t.json: the file ends early at line 1, column 91; it looks truncated (was the download or export cut off?)
    "#]],
    );
    // A v1 document whose binaryAnnotations is not a list: a located shape error naming v1.
    check(
        r#"[{"traceId":"a","id":"1","binaryAnnotations":{"lc":"x"}}]"#,
        expect![[r#"
        error: t.json: read as Zipkin v1 JSON, but at line 1, column 45: invalid type: map, expected a sequence
    "#]],
    );
}

/// The v1 fixtures mutated at random, and a span with many endpoints: any outcome but a panic,
/// and the big span in linear time.
#[test]
fn mutated_and_hostile_v1_inputs() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/zipkin-v1/");
    let mut seed: u64 = 0x2545f4914f6cdd1d;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for name in ["py_zipkin.v1.json", "edge-cases.v1.json"] {
        let input = std::fs::read(format!("{dir}{name}")).expect("fixture");
        for _ in 0..300 {
            let mut b = input.clone();
            for _ in 0..(1 + rnd() % 4) {
                let pos = (rnd() as usize) % (b.len() + 1);
                match rnd() % 3 {
                    0 => b.truncate(pos),
                    1 if pos < b.len() => {
                        b.remove(pos);
                    }
                    _ if pos < b.len() => b[pos] = b"{}[],:\"0cs"[(rnd() % 10) as usize],
                    _ => {}
                }
            }
            let mut data = Dataset::new();
            let _ = crate::load(&mut data, &b, "m.json", None, &AssembleOptions::default());
            let _ = strand_model::dump::dump_dataset(&data);
        }
    }
    let annotations: Vec<String> = (0..50_000)
        .map(|i| format!(r#"{{"timestamp":{},"value":"v","endpoint":{{"serviceName":"s{i}"}}}}"#, 1000 + i))
        .collect();
    let big = format!(r#"[{{"traceId":"a","id":"1","annotations":[{}]}}]"#, annotations.join(","));
    let mut data = Dataset::new();
    crate::load(&mut data, big.as_bytes(), "big.json", None, &AssembleOptions::default()).expect("loads");
    assert_eq!(data.span_count(), 50_000);
    // The time it takes grows linearly: tests/zipkin_v1.rs checks n against 4n.
}
