//! The OTLP writer: shapes, chunks, previews, names, and the round trip of every sample.

use crate::export::*;
use expect_test::{expect, Expect};
use strand_formats::{load, AssembleOptions};
use strand_model::dump::dump_dataset;
use strand_model::Dataset;

use super::load_one;

/// Loads `input` (any format Strand reads), exports its first trace and compares the pretty
/// OTLP JSON with `expect`.
fn check(input: &str, expect: Expect) {
    let data = load_one(input.as_bytes(), "fixture.json");
    let trace = data.traces.first().expect("one trace");
    expect.assert_eq(&otlp_json(&data.strings, trace, JsonStyle::Pretty));
}

#[test]
fn jaeger_span_becomes_otlp() {
    check(
        r#"{"traceID":"abc","spans":[
            {"traceID":"abc","spanID":"1","operationName":"GET /","startTime":1000,"duration":50,"processID":"p1",
             "references":[],"tags":[{"key":"span.kind","type":"string","value":"server"},
               {"key":"n","type":"int64","value":"9223372036854775222"},{"key":"b","type":"binary","value":"AQI="},
               {"key":"f","type":"float64","value":1.5},{"key":"e","type":"string","value":"line\n\"q\""}],
             "logs":[{"timestamp":1010,"fields":[{"key":"event","type":"string","value":"done"}]}]},
            {"traceID":"abc","spanID":"span-2_1","operationName":"later","startTime":1020,"duration":10,"processID":"p1",
             "references":[{"refType":"FOLLOWS_FROM","traceID":"abc","spanID":"1"},
                           {"refType":"CHILD_OF","traceID":"ff","spanID":"9"}]}],
          "processes":{"p1":{"serviceName":"web","tags":[{"key":"host.name","type":"string","value":"h1"}]}}}"#,
        expect![[r#"
            {
              "resourceSpans": [
                {
                  "resource": {
                    "attributes": [
                      {
                        "key": "service.name",
                        "value": {
                          "stringValue": "web"
                        }
                      },
                      {
                        "key": "host.name",
                        "value": {
                          "stringValue": "h1"
                        }
                      }
                    ]
                  },
                  "scopeSpans": [
                    {
                      "spans": [
                        {
                          "traceId": "00000000000000000000000000000abc",
                          "spanId": "0000000000000001",
                          "name": "GET /",
                          "kind": 2,
                          "startTimeUnixNano": "1000000",
                          "endTimeUnixNano": "1050000",
                          "attributes": [
                            {
                              "key": "span.kind",
                              "value": {
                                "stringValue": "server"
                              }
                            },
                            {
                              "key": "n",
                              "value": {
                                "intValue": "9223372036854775222"
                              }
                            },
                            {
                              "key": "b",
                              "value": {
                                "bytesValue": "AQI="
                              }
                            },
                            {
                              "key": "f",
                              "value": {
                                "doubleValue": 1.5
                              }
                            },
                            {
                              "key": "e",
                              "value": {
                                "stringValue": "line\n\"q\""
                              }
                            }
                          ],
                          "events": [
                            {
                              "timeUnixNano": "1010000",
                              "name": "done",
                              "attributes": [
                                {
                                  "key": "event",
                                  "value": {
                                    "stringValue": "done"
                                  }
                                }
                              ]
                            }
                          ]
                        },
                        {
                          "traceId": "00000000000000000000000000000abc",
                          "spanId": "span-2_1",
                          "parentSpanId": "0000000000000001",
                          "name": "later",
                          "kind": 0,
                          "startTimeUnixNano": "1020000",
                          "endTimeUnixNano": "1030000",
                          "links": [
                            {
                              "traceId": "00000000000000000000000000000abc",
                              "spanId": "0000000000000001",
                              "attributes": [
                                {
                                  "key": "opentracing.ref_type",
                                  "value": {
                                    "stringValue": "follows_from"
                                  }
                                }
                              ]
                            },
                            {
                              "traceId": "000000000000000000000000000000ff",
                              "spanId": "0000000000000009",
                              "attributes": [
                                {
                                  "key": "opentracing.ref_type",
                                  "value": {
                                    "stringValue": "child_of"
                                  }
                                }
                              ]
                            }
                          ]
                        }
                      ]
                    }
                  ]
                }
              ]
            }
        "#]],
    );
}

#[test]
fn otlp_values_status_and_scope_survive() {
    check(
        r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"db"}}]},
          "scopeSpans":[{"scope":{"name":"lib","version":"1.2","attributes":[{"key":"k","value":{"boolValue":true}}]},
          "spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"a1a2a3a4a5a6a7a8","name":"q","kind":3,
            "flags":257,"traceState":"x=1","startTimeUnixNano":"5","endTimeUnixNano":"9",
            "status":{"code":2,"message":"boom"},
            "attributes":[{"key":"arr","value":{"arrayValue":{"values":[{"intValue":"1"},{"doubleValue":"NaN"},{}]}}},
              {"key":"map","value":{"kvlistValue":{"values":[{"key":"inner","value":{"stringValue":"v"}}]}}},
              {"key":"none","value":{"arrayValue":{}}}]}]}]}]}"#,
        expect![[r#"
            {
              "resourceSpans": [
                {
                  "resource": {
                    "attributes": [
                      {
                        "key": "service.name",
                        "value": {
                          "stringValue": "db"
                        }
                      }
                    ]
                  },
                  "scopeSpans": [
                    {
                      "scope": {
                        "name": "lib",
                        "version": "1.2",
                        "attributes": [
                          {
                            "key": "k",
                            "value": {
                              "boolValue": true
                            }
                          }
                        ]
                      },
                      "spans": [
                        {
                          "traceId": "0102030405060708090a0b0c0d0e0f10",
                          "spanId": "a1a2a3a4a5a6a7a8",
                          "traceState": "x=1",
                          "flags": 257,
                          "name": "q",
                          "kind": 3,
                          "startTimeUnixNano": "5",
                          "endTimeUnixNano": "9",
                          "attributes": [
                            {
                              "key": "arr",
                              "value": {
                                "arrayValue": {
                                  "values": [
                                    {
                                      "intValue": "1"
                                    },
                                    {
                                      "doubleValue": "NaN"
                                    },
                                    {}
                                  ]
                                }
                              }
                            },
                            {
                              "key": "map",
                              "value": {
                                "kvlistValue": {
                                  "values": [
                                    {
                                      "key": "inner",
                                      "value": {
                                        "stringValue": "v"
                                      }
                                    }
                                  ]
                                }
                              }
                            },
                            {
                              "key": "none",
                              "value": {
                                "arrayValue": {}
                              }
                            }
                          ],
                          "status": {
                            "message": "boom",
                            "code": 2
                          }
                        }
                      ]
                    }
                  ]
                }
              ]
            }
        "#]],
    );
}

#[test]
fn compact_preview_and_names() {
    let data = load_one(strand_formats::demo::DEMO_TRACE_JSON, "demo.json");
    let trace = data.traces.first().expect("the demo trace");
    let pretty = otlp_json(&data.strings, trace, JsonStyle::Pretty);
    let compact = otlp_json(&data.strings, trace, JsonStyle::Compact);
    assert!(!compact.contains('\n') && compact.len() < pretty.len() / 2);
    let a: serde_json::Value = serde_json::from_str(&pretty).expect("pretty is JSON");
    let b: serde_json::Value = serde_json::from_str(&compact).expect("compact is JSON");
    assert_eq!(a, b);

    let whole = preview(&data.strings, trace, usize::MAX);
    assert!(!whole.truncated);
    assert_eq!(whole.text, pretty);
    let cut = preview(&data.strings, trace, 1000);
    assert!(cut.truncated);
    assert!(cut.text.len() <= 1000 && cut.text.ends_with('\n'));
    assert!(pretty.starts_with(&cut.text));

    // Chunks concatenate to the whole text, and stopping early stops.
    let mut chunks = Vec::new();
    assert!(write_otlp_json(&data.strings, trace, JsonStyle::Compact, 4096, &mut |c| {
        chunks.push(c);
        true
    }));
    assert!(chunks.len() > 1);
    assert_eq!(chunks.concat(), compact);
    let mut calls = 0;
    assert!(!write_otlp_json(&data.strings, trace, JsonStyle::Compact, 4096, &mut |_| {
        calls += 1;
        false
    }));
    assert_eq!(calls, 1);

    assert_eq!(
        download_name(&data.strings, trace),
        format!("trace-{}.otlp.json", trace.trace_id.display(&data.strings))
    );
    let odd = load_one(br#"[{"traceId":"a/b c","id":"1","name":"x","timestamp":1,"duration":1}]"#, "z.json");
    assert_eq!(download_name(&odd.strings, &odd.traces[0]), "trace-a_b_c.otlp.json");
    assert_eq!(download_style(trace), JsonStyle::Pretty);
}

/// The differences an OTLP round trip cannot avoid, taken out of a dump so that everything
/// else (ids, times, names, kinds, attributes, events, links, status, the tree and assembly's
/// warnings) must match exactly. Applied to both dumps.
///
/// - Warnings found while decoding (`missing-start`, `source-warning`, `missing-service`,
///   `merged-fragment`, ...) describe the original file; OTLP has no place for them, and the
///   re-import finds none or its own. Assembly warnings (orphans, duplicate ids, clock skew,
///   children outside parents) are recomputed from the spans, so those stay.
/// - Zipkin's `shared` flag has no OTLP field. The tree does not depend on it: a SERVER or
///   CONSUMER half that shares its id hangs under the caller half either way.
/// - Jaeger's reference kinds become links with an `opentracing.ref_type` attribute, which
///   Strand's OTLP importer keeps as plain links: `child_of trace=… span=…` is rewritten to
///   the `link … {opentracing.ref_type="child_of"}` it comes back as, and a `FOLLOWS_FROM`
///   parent (` follows_from` on the span line) to the extra link the export writes for it.
/// - Resources get a `service.name` attribute when the source named the service elsewhere.
/// - Every OTLP `scopeSpans` makes a scope on import, so spans without one come back with an
///   empty one.
fn normalize(dump: &str) -> String {
    const ASSEMBLY: [&str; 6] = ["orphan", "self-parent", "cycle", "duplicate-id", "clock-skew", "outside-parent"];
    let mut out: Vec<String> = Vec::new();
    let mut trace_id = String::new();
    // Span ids by depth, to name the parent of a span line.
    let mut ids_by_depth: Vec<String> = Vec::new();
    // A FOLLOWS_FROM parent link still to be written for the current span: (indent, line).
    let mut pending: Option<(usize, String)> = None;
    for line in dump.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let mut text = trimmed.to_string();
        if let Some(rest) = text.strip_prefix("trace ") {
            trace_id = rest.split(' ').next().unwrap_or("").to_string();
        }
        let is_detail = pending.as_ref().is_some_and(|(span_indent, _)| indent > *span_indent);
        let is_link = ["link ", "child_of ", "follows_from ", "! "].iter().any(|p| text.starts_with(p));
        if pending.is_some() && (!is_detail || is_link) {
            if let Some((span_indent, link)) = pending.take() {
                out.push(format!("{}{link}", " ".repeat(span_indent + 2)));
            }
        }
        if let Some(rest) = text.strip_prefix("! ") {
            if !ASSEMBLY.contains(&rest.split(':').next().unwrap_or("")) {
                continue;
            }
        }
        if text.starts_with("scope#") && text.ends_with(r#" "" "" {}"#) {
            continue;
        }
        let detail_prefixes =
            ["resource#", "scope#", "attrs ", "event ", "link ", "child_of ", "follows_from ", "! ", "trace "];
        let span_id = text.split(" id=").nth(1).map(|r| r.split(' ').next().unwrap_or("").to_string());
        if let Some(id) = span_id.filter(|_| indent >= 2 && !detail_prefixes.iter().any(|p| text.starts_with(p))) {
            // A span line: `service: name [kind] +offset duration id=… [parent_id=…] …`.
            let depth = indent / 2 - 1;
            ids_by_depth.truncate(depth);
            let parent = match text.split(" parent_id=").nth(1) {
                Some(r) => r.split(' ').next().unwrap_or("").to_string(),
                None => ids_by_depth.last().cloned().unwrap_or_default(),
            };
            ids_by_depth.push(id);
            text = text.replace(" shared", "");
            if text.ends_with(" follows_from") {
                text.truncate(text.len() - " follows_from".len());
                let link = format!(r#"link trace={trace_id} span={parent} {{opentracing.ref_type="follows_from"}}"#);
                pending = Some((indent, link));
            }
        }
        for kind in ["child_of", "follows_from"] {
            if let Some(rest) = text.strip_prefix(&format!("{kind} trace=")) {
                text = match rest.strip_suffix('}') {
                    Some(head) if rest.contains(" {") => {
                        format!(r#"link trace={head}, opentracing.ref_type="{kind}"}}"#)
                    }
                    _ => format!(r#"link trace={rest} {{opentracing.ref_type="{kind}"}}"#),
                };
            }
        }
        if text.starts_with("resource#") {
            // `resource#0 service="web" {service.name="web", …}`: drop that attribute.
            let service = text.split(" service=").nth(1).and_then(|r| r.split(" {").next()).unwrap_or("");
            let entry = format!("service.name={service}");
            text = text.replace(&format!("{{{entry}, "), "{").replace(&format!("{{{entry}}}"), "{}");
        }
        out.push(format!("{}{text}", " ".repeat(indent)));
    }
    if let Some((span_indent, link)) = pending {
        out.push(format!("{}{link}", " ".repeat(span_indent + 2)));
    }
    out.join("\n")
}

#[test]
fn every_sample_round_trips() {
    let mut checked = 0;
    for (name, bytes) in super::samples() {
        let mut original = Dataset::new();
        load(&mut original, &bytes, &name, None, &AssembleOptions::default()).expect("the sample loads");
        if original.traces.is_empty() {
            continue; // dependency links: no traces to export
        }
        let mut again = Dataset::new();
        for (i, trace) in original.traces.iter().enumerate() {
            let style = if i % 2 == 0 { JsonStyle::Pretty } else { JsonStyle::Compact };
            let text = otlp_json(&original.strings, trace, style);
            load(
                &mut again,
                text.as_bytes(),
                &format!("{name}.otlp.json"),
                Some(strand_formats::Format::Otlp),
                &AssembleOptions::default(),
            )
            .unwrap_or_else(|e| panic!("{name}: the export does not load: {e}"));
        }
        original.dependencies.clear();
        // The whole dataset in one document (the CLI's and the app's "all traces" export) reads
        // back as the traces one by one did.
        let all: Vec<&strand_model::Trace> = original.traces.iter().collect();
        let whole =
            crate::export::export(crate::export::ExportFormat::Otlp, &original.strings, &all, &Default::default());
        let mut together = Dataset::new();
        load(
            &mut together,
            whole.as_bytes(),
            &format!("{name}.otlp.json"),
            Some(strand_formats::Format::Otlp),
            &AssembleOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{name}: the dataset export does not load: {e}"));
        assert_eq!(dump_dataset(&together), dump_dataset(&again), "{name}: one document or one per trace");
        let (a, b) = (normalize(&dump_dataset(&original)), normalize(&dump_dataset(&again)));
        if a != b {
            let diff: Vec<String> = a
                .lines()
                .zip(b.lines())
                .filter(|(x, y)| x != y)
                .take(6)
                .map(|(x, y)| format!("- {x}\n+ {y}"))
                .collect();
            panic!("{name}: the export does not round-trip:\n{}", diff.join("\n"));
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} samples checked");
}
