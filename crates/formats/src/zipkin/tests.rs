use super::*;
use crate::AssembleOptions;
use expect_test::expect;
use strand_model::dump::dump_dataset;
use strand_model::Dataset;

fn load(json: &str) -> Result<Dataset, ImportError> {
    let mut data = Dataset::new();
    crate::load(&mut data, json.as_bytes(), "t.json", Some(Format::Zipkin), &AssembleOptions::default())?;
    Ok(data)
}

fn check(json: &str, expect: expect_test::Expect) {
    match load(json) {
        Ok(data) => expect.assert_eq(&dump_dataset(&data)),
        Err(e) => expect.assert_eq(&format!("error: {e:?}")),
    }
}

#[test]
fn client_server_pair_sharing_an_id() {
    check(
        r#"[
  {"traceId":"a","id":"1","kind":"SERVER","name":"get /","timestamp":1000,"duration":900,
   "localEndpoint":{"serviceName":"front","ipv4":"10.0.0.1"}},
  {"traceId":"a","parentId":"1","id":"2","kind":"CLIENT","name":"get /api","timestamp":1100,"duration":500,
   "localEndpoint":{"serviceName":"front","ipv4":"10.0.0.1"}},
  {"traceId":"a","parentId":"1","id":"2","kind":"SERVER","name":"get /api","timestamp":1150,"duration":400,
   "localEndpoint":{"serviceName":"back","ipv4":"10.0.0.2"},"shared":true},
  {"traceId":"a","parentId":"2","id":"3","name":"query","timestamp":1200,"duration":100,
   "localEndpoint":{"serviceName":"back","ipv4":"10.0.0.2"}}
]"#,
        expect![[r#"
                trace 000000000000000a spans=4 services=2 duration=900µs errors=0
                  front: get / [server] +0ns 900µs id=0000000000000001
                    front: get /api [client] +100µs 500µs id=0000000000000002
                      back: get /api [server] +150µs 400µs id=0000000000000002 shared
                        back: query [unspecified] +200µs 100µs id=0000000000000003
                  resource#0 service="front" {ipv4="10.0.0.1"}
                  resource#1 service="back" {ipv4="10.0.0.2"}

            "#]],
    );
}

#[test]
fn list_of_lists_gives_one_trace_per_list() {
    check(
        r#" [ [{"traceId":"a","id":"1","name":"one","timestamp":1000,"duration":10,"localEndpoint":{"serviceName":"s"}}],
  [{"traceId":"b","id":"1","name":"two","timestamp":2000,"duration":20,"localEndpoint":{"serviceName":"s"}}], [] ]"#,
        expect![[r#"
                trace 000000000000000a spans=1 services=1 duration=10.0µs errors=0
                  s: one [unspecified] +0ns 10.0µs id=0000000000000001
                  resource#0 service="s" {}

                trace 000000000000000b spans=1 services=1 duration=20.0µs errors=0
                  s: two [unspecified] +0ns 20.0µs id=0000000000000001
                  resource#0 service="s" {}

            "#]],
    );
}

#[test]
fn empty_lists_give_no_traces() {
    check("[]", expect![[""]]);
    check("[[]]", expect![[""]]);
}

#[test]
fn missing_timestamp_and_duration() {
    check(
        r#"[
  {"traceId":"a","id":"1","name":"root","timestamp":"1000","duration":"500","localEndpoint":{"serviceName":"s"}},
  {"traceId":"a","parentId":"1","id":"2","name":"no-start","duration":100,"localEndpoint":{"serviceName":"s"}},
  {"traceId":"a","parentId":"1","id":"3","name":"no-duration","timestamp":1200,"localEndpoint":{"serviceName":"s"}},
  {"traceId":"a","parentId":"1","id":"4","name":"negative","timestamp":1300,"duration":-5,"localEndpoint":{"serviceName":"s"}}
]"#,
        expect![[r#"
                trace 000000000000000a spans=4 services=1 duration=500µs errors=0
                  s: root [unspecified] +0ns 500µs id=0000000000000001
                    s: no-start [unspecified] +0ns 100µs id=0000000000000002
                      ! missing-start: the span has no timestamp; it is placed at its parent's start
                    s: no-duration [unspecified] +200µs 0ns id=0000000000000003
                      ! missing-duration: the span has no duration; it is shown as 0
                    s: negative [unspecified] +300µs 0ns id=0000000000000004
                      ! negative-duration: the span's duration is negative (-5.00µs); it is shown as 0
                  resource#0 service="s" {}

            "#]],
    );
}

#[test]
fn missing_local_endpoint_or_service_name() {
    check(
        r#"[
  {"traceId":"a","id":"1","name":"no endpoint","timestamp":1000,"duration":10},
  {"traceId":"a","parentId":"1","id":"2","name":"ip only","timestamp":1001,"duration":5,
   "localEndpoint":{"ipv4":"10.0.0.9","port":8080}},
  {"traceId":"a","parentId":"1","id":"3","name":"same ip","timestamp":1002,"duration":5,
   "localEndpoint":{"ipv4":"10.0.0.9","port":"8080"}}
]"#,
        expect![[r#"
                trace 000000000000000a spans=3 services=1 duration=10.0µs errors=0
                  : no endpoint [unspecified] +0ns 10.0µs id=0000000000000001
                    ! missing-service: the span has no localEndpoint; it is shown without a service
                    : ip only [unspecified] +1.00µs 5.00µs id=0000000000000002
                      ! missing-service: the span's localEndpoint has no serviceName; it is shown without a service
                    : same ip [unspecified] +2.00µs 5.00µs id=0000000000000003
                      ! missing-service: the span's localEndpoint has no serviceName; it is shown without a service
                  resource#0 service="" {}
                  resource#1 service="" {ipv4="10.0.0.9", port=8080}

            "#]],
    );
}

#[test]
fn error_tag_sets_status() {
    check(
        r#"[
  {"traceId":"a","id":"1","name":"get","timestamp":1000,"duration":10,"localEndpoint":{"serviceName":"s"},
   "tags":{"http.status_code":"404","error":"404"}},
  {"traceId":"a","parentId":"1","id":"2","name":"db","timestamp":1001,"duration":5,"localEndpoint":{"serviceName":"s"},
   "tags":{"error":""}}
]"#,
        expect![[r#"
                trace 000000000000000a spans=2 services=1 duration=10.0µs errors=2
                  s: get [unspecified] +0ns 10.0µs id=0000000000000001 status=error("404")
                    attrs {error="404", http.status_code="404"}
                    s: db [unspecified] +1.00µs 5.00µs id=0000000000000002 status=error
                      attrs {error=""}
                  resource#0 service="s" {}

            "#]],
    );
}

#[test]
fn otel_status_code_tag_sets_status() {
    // OpenTelemetry's Zipkin exporters write the status as `otel.status_code`, and `error` only
    // when the status has a description (the JS exporter's 5xx server span has none).
    check(
        r#"[
  {"traceId":"a","id":"1","kind":"SERVER","name":"GET /cart","timestamp":1000,"duration":10,"localEndpoint":{"serviceName":"s"},
   "tags":{"http.status_code":"500","otel.status_code":"ERROR"}},
  {"traceId":"a","parentId":"1","id":"2","name":"described","timestamp":1001,"duration":5,"localEndpoint":{"serviceName":"s"},
   "tags":{"otel.status_code":"ERROR","error":"ECONNRESET"}},
  {"traceId":"a","parentId":"1","id":"3","name":"ok","timestamp":1002,"duration":5,"localEndpoint":{"serviceName":"s"},
   "tags":{"otel.status_code":"OK"}},
  {"traceId":"a","parentId":"1","id":"4","name":"error tag wins","timestamp":1003,"duration":5,"localEndpoint":{"serviceName":"s"},
   "tags":{"otel.status_code":"OK","error":""}},
  {"traceId":"a","parentId":"1","id":"5","name":"description","timestamp":1004,"duration":5,"localEndpoint":{"serviceName":"s"},
   "tags":{"otel.status_code":"error","otel.status_description":"deadline exceeded"}},
  {"traceId":"a","parentId":"1","id":"6","name":"unset","timestamp":1005,"duration":5,"localEndpoint":{"serviceName":"s"},
   "tags":{"otel.status_code":"UNSET"}},
  {"traceId":"a","parentId":"1","id":"7","name":"odd","timestamp":1006,"duration":4,"localEndpoint":{"serviceName":"s"},
   "tags":{"otel.status_code":"FAILED"}}
]"#,
        expect![[r#"
            trace 000000000000000a spans=7 services=1 duration=10.0µs errors=4
              s: GET /cart [server] +0ns 10.0µs id=0000000000000001 status=error
                attrs {http.status_code="500", otel.status_code="ERROR"}
                s: described [unspecified] +1.00µs 5.00µs id=0000000000000002 status=error("ECONNRESET")
                  attrs {error="ECONNRESET", otel.status_code="ERROR"}
                s: ok [unspecified] +2.00µs 5.00µs id=0000000000000003 status=ok
                  attrs {otel.status_code="OK"}
                s: error tag wins [unspecified] +3.00µs 5.00µs id=0000000000000004 status=error
                  attrs {error="", otel.status_code="OK"}
                s: description [unspecified] +4.00µs 5.00µs id=0000000000000005 status=error("deadline exceeded")
                  attrs {otel.status_code="error", otel.status_description="deadline exceeded"}
                s: unset [unspecified] +5.00µs 5.00µs id=0000000000000006
                  attrs {otel.status_code="UNSET"}
                s: odd [unspecified] +6.00µs 4.00µs id=0000000000000007
                  attrs {otel.status_code="FAILED"}
                  ! unknown-value: unknown otel.status_code "FAILED"
              resource#0 service="s" {}

        "#]],
    );
}

#[test]
fn annotations_become_events() {
    check(
        r#"[{"traceId":"a","id":"1","name":"get","timestamp":1000,"duration":100,"localEndpoint":{"serviceName":"s"},
  "annotations":[{"timestamp":1010,"value":"ws"},{"timestamp":"1090","value":"wr"},{"value":"no time"}]}]"#,
        expect![[r#"
                trace 000000000000000a spans=1 services=1 duration=100µs errors=0
                  s: get [unspecified] +0ns 100µs id=0000000000000001
                    event +10.0µs "ws"
                    event +90.0µs "wr"
                    event +0ns "no time"
                  resource#0 service="s" {}

            "#]],
    );
}

#[test]
fn kindless_fragment_is_merged_into_its_span() {
    // The fragment comes first, as in smartthings-mobile-web-install; the CLIENT half in
    // another service keeps its own span.
    check(
        r#"[
  {"traceId":"a","parentId":"1","id":"2","name":"post","localEndpoint":{"serviceName":"api","ipv4":"10.0.0.2"},
   "annotations":[{"timestamp":1500,"value":"brave.flush"}],"tags":{"late":"yes"}},
  {"traceId":"a","id":"1","kind":"SERVER","name":"root","timestamp":1000,"duration":1000,
   "localEndpoint":{"serviceName":"web"}},
  {"traceId":"a","parentId":"1","id":"2","kind":"CLIENT","name":"post","timestamp":1100,"duration":800,
   "localEndpoint":{"serviceName":"web"}},
  {"traceId":"a","parentId":"1","id":"2","kind":"SERVER","name":"post","timestamp":1200,"duration":600,"shared":true,
   "localEndpoint":{"serviceName":"api","ipv4":"10.0.0.2","port":80},"tags":{"http.path":"/x"}}
]"#,
        expect![[r#"
                trace 000000000000000a spans=3 services=2 duration=1.00ms errors=0
                  web: root [server] +0ns 1.00ms id=0000000000000001
                    web: post [client] +100µs 800µs id=0000000000000002
                      api: post [server] +200µs 600µs id=0000000000000002 shared
                        attrs {http.path="/x", late="yes"}
                        event +300µs "brave.flush"
                        ! merged-fragment: merged 1 more report of this span (same id and local service; Zipkin reporters may send a span in pieces)
                  resource#0 service="api" {ipv4="10.0.0.2", port=80}
                  resource#1 service="web" {}

            "#]],
    );
}

#[test]
fn same_id_reports_with_different_starts_stay_apart() {
    // Two deliveries of one message to consumers on different hosts (smartthings samples).
    check(
        r#"[
  {"traceId":"a","id":"1","kind":"CLIENT","name":"send","timestamp":1000,"duration":10,"localEndpoint":{"serviceName":"p"}},
  {"traceId":"a","id":"1","kind":"SERVER","name":"receive","timestamp":1100,"shared":true,
   "localEndpoint":{"serviceName":"c","ipv4":"10.0.0.1"}},
  {"traceId":"a","id":"1","kind":"SERVER","name":"receive","timestamp":1200,"shared":true,
   "localEndpoint":{"serviceName":"c","ipv4":"10.0.0.1"}}
]"#,
        expect![[r#"
                trace 000000000000000a spans=3 services=2 duration=10.0µs errors=0
                  p: send [client] +0ns 10.0µs id=0000000000000001
                    c: receive [server] +5.00µs 0ns id=0000000000000001 shared
                      ! missing-duration: the span has no duration; it is shown as 0
                      ! clock-skew: shifted by -95.0µs to undo clock skew against its parent on another host
                    c: receive [server] +5.00µs 0ns id=0000000000000001 shared
                      ! missing-duration: the span has no duration; it is shown as 0
                      ! clock-skew: shifted by -195µs to undo clock skew against its parent on another host
                  resource#0 service="p" {}
                  resource#1 service="c" {ipv4="10.0.0.1"}

            "#]],
    );
}

#[test]
fn remote_endpoint_becomes_peer_attributes() {
    check(
        r#"[{"traceId":"a","id":"1","kind":"client","name":"get","timestamp":1000,"duration":10,
  "localEndpoint":{"serviceName":"s"},
  "remoteEndpoint":{"serviceName":"db","ipv4":"10.0.0.5","ipv6":"::1","port":5432},
  "tags":{"zeta":"z","alpha":"a"}, "debug": true},
 {"traceId":"a","parentId":"1","id":"2","kind":"gossip","name":"v6","timestamp":1001,"duration":5,
  "localEndpoint":{"serviceName":"s"},"remoteEndpoint":{"ipv6":"2001:db8::1","port":0}}]"#,
        expect![[r#"
                trace 000000000000000a spans=2 services=1 duration=10.0µs errors=0
                  s: get [client] +0ns 10.0µs id=0000000000000001
                    attrs {peer.service="db", network.peer.address="10.0.0.5", peer.ipv6="::1", network.peer.port=5432, alpha="a", zeta="z", zipkin.debug=true}
                    s: v6 [unspecified] +1.00µs 5.00µs id=0000000000000002
                      attrs {network.peer.address="2001:db8::1"}
                      ! unknown-value: unknown span kind "gossip"; shown as unspecified
                  resource#0 service="s" {}

            "#]],
    );
}

#[test]
fn peer_tags_win_over_the_remote_endpoint() {
    // OpenTelemetry's Zipkin exporters write the remote endpoint and the `peer.service` tag it
    // came from: the span gets each key once, with the tag's value.
    check(
        r#"[{"traceId":"a","id":"1","kind":"CLIENT","name":"post backend","timestamp":1000,"duration":10,
  "localEndpoint":{"serviceName":"frontend"},"remoteEndpoint":{"serviceName":"backend","ipv4":"10.0.0.2","port":9000},
  "tags":{"peer.service":"backend","network.peer.port":"9000","otel.status_code":"OK"}},
 {"traceId":"a","parentId":"1","id":"2","kind":"CLIENT","name":"differs","timestamp":1001,"duration":5,
  "localEndpoint":{"serviceName":"frontend"},"remoteEndpoint":{"serviceName":"backend-endpoint"},
  "tags":{"peer.service":"backend-tag"}}]"#,
        expect![[r#"
            trace 000000000000000a spans=2 services=1 duration=10.0µs errors=0
              frontend: post backend [client] +0ns 10.0µs id=0000000000000001 status=ok
                attrs {network.peer.address="10.0.0.2", network.peer.port="9000", otel.status_code="OK", peer.service="backend"}
                frontend: differs [client] +1.00µs 5.00µs id=0000000000000002
                  attrs {peer.service="backend-tag"}
              resource#0 service="frontend" {}

        "#]],
    );
}

#[test]
fn trace_ids_of_128_bits() {
    check(
        r#"[{"traceId":"463ac35c9f6413ad48485a3953bb6124","id":"a2fb4a1d1a96d312","name":"x","timestamp":1000,
  "duration":1,"localEndpoint":{"serviceName":"s"}},
 {"traceId":"463AC35C9F6413AD48485A3953BB6124","id":"not-hex!","parentId":"A2FB4A1D1A96D312","name":"y",
  "timestamp":1000,"duration":1,"localEndpoint":{"serviceName":"s"}},
 {"traceId":"463ac35c9f6413ad48485a3953bb6124","id":"","name":"z","timestamp":1000,"duration":1,
  "localEndpoint":{"serviceName":"s"}}]"#,
        expect![[r#"
                trace 463ac35c9f6413ad48485a3953bb6124 spans=3 services=1 duration=1.00µs errors=0
                  s: x [unspecified] +0ns 1.00µs id=a2fb4a1d1a96d312
                    s: y [unspecified] +0ns 1.00µs id=not-hex!
                  s: z [unspecified] +0ns 1.00µs id=(no id #1)
                    ! missing-span-id: the span has no id; it was given a synthetic one
                  resource#0 service="s" {}

            "#]],
    );
}

#[test]
fn non_string_tag_values_are_kept_as_text() {
    check(
        r#"[{"traceId":"a","id":"1","name":"x","timestamp":1000,"duration":1,"localEndpoint":{"serviceName":"s"},
  "tags":{"int":42,"float":1.5,"bool":true,"null":null,"list":[1,2],"map":{"k":"v"}},"annotations":null}]"#,
        expect![[r#"
                trace 000000000000000a spans=1 services=1 duration=1.00µs errors=0
                  s: x [unspecified] +0ns 1.00µs id=0000000000000001
                    attrs {bool="true", float="1.5", int="42", list=null, map=null, null=""}
                    ! invalid-value: tag "list" holds an array, not a string; its value was dropped
                    ! invalid-value: tag "map" holds an object, not a string; its value was dropped
                  resource#0 service="s" {}

            "#]],
    );
}

#[test]
fn truncated_document_is_reported() {
    check(
        r#"[{"traceId":"a","id":"1","name":"x","timest"#,
        expect![[r#"error: Truncated { file: "t.json", line: 1, column: 43 }"#]],
    );
}

#[test]
fn wrong_shape_is_reported() {
    check(
        "[1,2]",
        expect![[
            r#"error: Shape { file: "t.json", format: "Zipkin v2 JSON", line: 1, column: 2, message: "invalid type: integer `1`, expected a Zipkin span object" }"#
        ]],
    );
    check(
        r#""a string""#,
        expect![[
            r#"error: Shape { file: "t.json", format: "Zipkin v2 JSON", line: 1, column: 10, message: "invalid type: string \"a string\", expected a list of Zipkin spans" }"#
        ]],
    );
    check(
        r#"[[{"traceId":"a","id":"1"}, []]]"#,
        expect![[
            r#"error: Shape { file: "t.json", format: "Zipkin v2 JSON", line: 1, column: 28, message: "invalid type: sequence, expected a Zipkin span object" }"#
        ]],
    );
    check(
        r#"[[{"traceId":"a","id":"1"}], {"traceId":"a"}]"#,
        expect![[
            r#"error: Shape { file: "t.json", format: "Zipkin v2 JSON", line: 1, column: 29, message: "invalid type: map, expected a list of Zipkin spans" }"#
        ]],
    );
}

/// Mutated samples and hostile values: any outcome but a panic is fine.
#[test]
fn mutated_inputs_never_panic() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/samples/");
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let extra: &[&str] = &[
        r#"[{"traceId":"","id":"","parentId":"","timestamp":-9223372036854775808,"duration":-1e300,"kind":5,"tags":{"error":{"a":[1]}},"annotations":[{"timestamp":"x","value":null}],"localEndpoint":{"port":"x","serviceName":7},"remoteEndpoint":{"port":1.5},"shared":"true","debug":1}]"#,
        r#"[{"traceId":"a","id":"1","timestamp":18446744073709551615,"duration":"9e40"},{"traceId":"a","id":"1","parentId":"1"},{"traceId":"a","id":"1","kind":"client","shared":true}]"#,
        r#"[[],[[]]]"#,
        r#"[{"traceId":"a","id":"1","localEndpoint":null,"remoteEndpoint":null,"tags":null,"annotations":null,"timestamp":null,"duration":null,"shared":null}]"#,
    ];
    let mut inputs: Vec<Vec<u8>> = extra.iter().map(|s| s.as_bytes().to_vec()).collect();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("zipkin-v2_")) {
            let b = std::fs::read(&path).unwrap();
            if b.len() < 20000 {
                inputs.push(b);
            }
        }
    }
    let tokens: &[&[u8]] =
        &[b"null", b"\"", b"{", b"}", b"[", b"]", b",", b"-1", b"1e309", b"\"\\u0000\"", b"true", b"\"kind\"", b"0"];
    let mut runs = 0;
    for input in &inputs {
        for _ in 0..400 {
            let mut b = input.clone();
            for _ in 0..(1 + rnd() % 4) {
                let pos = (rnd() as usize) % (b.len() + 1);
                match rnd() % 4 {
                    0 => b.truncate(pos),
                    1 => {
                        if pos < b.len() {
                            b.remove(pos);
                        }
                    }
                    2 => {
                        let t = tokens[(rnd() as usize) % tokens.len()];
                        for (i, &c) in t.iter().enumerate() {
                            b.insert((pos + i).min(b.len()), c);
                        }
                    }
                    _ => {
                        if pos < b.len() {
                            b[pos] = (rnd() % 256) as u8;
                        }
                    }
                }
            }
            let mut data = Dataset::new();
            let _ = crate::load(&mut data, &b, "f.json", Some(Format::Zipkin), &AssembleOptions::default());
            let _ = dump_dataset(&data);
            runs += 1;
        }
    }
    assert_eq!(runs, inputs.len() * 400);
}

#[test]
fn sample_files_import_with_merged_fragments() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/samples/");
    // (file, raw span objects per the README, spans after import)
    let cases = [
        // 84 kind-less fragments (no timestamp, no kind) merge into the SERVER span with the
        // same id and local service that follows them. The 1 CLIENT + 5 SERVER spans under
        // one id stay 6: the SERVERs start at different times on different hosts.
        ("zipkin-v2_smartthings-mobile-web-install.json", 1041, 1041 - 84),
        // The 5 SERVER spans under one id (two pairs on the same host) all carry different
        // timestamps, so none merge.
        ("zipkin-v2_smartthings-oauth-authorization.json", 175, 175),
        ("zipkin-v2_yelp.json", 16, 16),
        ("zipkin-v2_skew.json", 4, 4),
        ("zipkin-v2_messaging-kafka.json", 28, 28),
        ("zipkin-v2_messaging2-missing-parents.json", 11, 11),
        ("zipkin-v2_messaging-128bit.json", 4, 4),
        ("zipkin-v2_envoy-single-span.json", 1, 1),
        ("zipkin-v2_kong-malformed.json", 7, 7),
    ];
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("samples directory") {
        let path = entry.expect("dir entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        if !(name.starts_with("zipkin-v2_") && name.ends_with(".json")) {
            continue;
        }
        let &(_, raw, after) =
            cases.iter().find(|c| c.0 == name).unwrap_or_else(|| panic!("no expected count for {name}"));
        let bytes = std::fs::read(&path).expect("read sample");
        let mut strings = Interner::new();
        let (_, imported) = import(&bytes, &name, Format::Zipkin, StrId::EMPTY, &mut strings).expect("import");
        let spans: usize = imported.traces.iter().map(|t| t.spans.len()).sum();
        let merged: usize =
            imported.traces.iter().flat_map(|t| &t.warnings).filter(|w| w.kind == WarningKind::MergedFragment).count();
        assert_eq!(spans, after, "{name}");
        assert_eq!(raw - after, merged, "{name}: one merged-fragment warning per merged piece");
        assert_eq!(imported.traces.len(), 1, "{name}");
        let mut data = Dataset::new();
        crate::load(&mut data, &bytes, &name, None, &AssembleOptions::default()).expect("load");
        assert_eq!(data.span_count(), after, "{name} after assembly");
        seen += 1;
    }
    assert_eq!(seen, cases.len());
}
