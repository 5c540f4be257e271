//! Zipkin v1 JSON against the real Zipkin: every `NAME.v1.json` in `tests/fixtures/zipkin-v1/`
//! was POSTed to a Zipkin server's `/api/v1/spans`, and `NAME.zipkin-v2.json` holds what the
//! server answered on `/api/v2/trace/{id}` for each trace (a list of traces). Strand's import of
//! the v1 file must equal Strand's import of Zipkin's answer (canonical dump), after exactly
//! these normalisations, each for a stated reason:
//!
//! 1. Zipkin lowercases span names and service names; Strand keeps them as written. The test
//!    lowercases `name` and every endpoint's `serviceName` in the v1 input.
//! 2. Zipkin drops binary annotations whose value is a number, a boolean or null (other than the
//!    `ca`/`sa`/`ma` addresses); Strand keeps them as text tags (and says so in the notice). The
//!    test removes them from the v1 input (`typed_binary_annotations_are_kept` checks Strand's side).
//! 3. Zipkin answers a trace's spans in its storage's order, not the file's, and the dump breaks
//!    ties between siblings that start together by file order. The test puts Zipkin's spans in
//!    the order Strand's conversion emits them, matching spans by (trace id, span id, kind,
//!    local service).
//!
//! The fixtures and how they were made: `tests/fixtures/zipkin-v1/README.md`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use serde_json::Value;
use strand_formats::{self as formats, AssembleOptions, Format};
use strand_model::dump::dump_dataset;
use strand_model::{Dataset, Interner};

fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zipkin-v1")
}

fn read_json(name: &str) -> Value {
    let bytes = std::fs::read(fixtures().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn lowercase(v: &mut Value, field: &str) {
    if let Some(Value::String(s)) = v.get_mut(field) {
        *s = s.to_lowercase();
    }
}

/// Normalisations 1 and 2 on the v1 input.
fn normalise_v1(mut spans: Value) -> Value {
    for span in spans.as_array_mut().unwrap() {
        lowercase(span, "name");
        for list in ["annotations", "binaryAnnotations"] {
            let Some(Value::Array(entries)) = span.get_mut(list) else { continue };
            entries.retain(|e| {
                let address = matches!(e["key"].as_str(), Some("ca" | "sa" | "ma"));
                list == "annotations" || address || e["value"].is_string()
            });
            for entry in entries {
                if let Some(endpoint) = entry.get_mut("endpoint") {
                    lowercase(endpoint, "serviceName");
                }
            }
        }
    }
    spans
}

/// (trace id, span id, kind, local service), the same from JSON and from the model.
type Key = (String, String, String, String);

fn id_text(s: &str) -> String {
    let s = s.to_lowercase();
    let trimmed = s.trim_start_matches('0');
    trimmed.to_string()
}

fn json_key(span: &Value) -> Key {
    (
        id_text(span["traceId"].as_str().unwrap_or("")),
        id_text(span["id"].as_str().unwrap_or("")),
        span["kind"].as_str().unwrap_or("unspecified").to_lowercase(),
        span["localEndpoint"]["serviceName"].as_str().unwrap_or("").to_lowercase(),
    )
}

/// The order in which Strand's conversion emits the spans of the (normalised) v1 file.
fn emitted_order(v1: &[u8]) -> Vec<Key> {
    let mut strings = Interner::new();
    let (format, imported) = formats::import(v1, "v1.json", None, &mut strings).unwrap();
    assert_eq!(format, Format::ZipkinV1);
    let mut keys = Vec::new();
    for trace in &imported.traces {
        for span in &trace.spans {
            keys.push((
                id_text(&trace.trace_id.display(&strings)),
                id_text(&span.span_id.display(&strings)),
                span.kind.as_str().to_string(),
                strings.get(trace.service_of(span)).to_lowercase(),
            ));
        }
    }
    keys
}

/// Normalisation 3 on Zipkin's answer.
fn in_emitted_order(mut answer: Value, order: &[Key]) -> Value {
    for trace in answer.as_array_mut().unwrap() {
        let spans = trace.as_array_mut().unwrap();
        spans.sort_by_key(|s| order.iter().position(|k| *k == json_key(s)).unwrap_or(usize::MAX));
    }
    answer
}

fn load(bytes: &[u8], name: &str) -> (Format, Dataset) {
    let mut data = Dataset::new();
    let (format, _) = formats::load(&mut data, bytes, name, None, &AssembleOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    (format, data)
}

fn check_against_zipkin(name: &str) -> (usize, usize) {
    let v1 = serde_json::to_vec(&normalise_v1(read_json(&format!("{name}.v1.json")))).unwrap();
    let order = emitted_order(&v1);
    let answer = in_emitted_order(read_json(&format!("{name}.zipkin-v2.json")), &order);
    let (v1_format, from_v1) = load(&v1, name);
    let (v2_format, from_zipkin) = load(&serde_json::to_vec(&answer).unwrap(), name);
    assert_eq!(v1_format, Format::ZipkinV1);
    assert_eq!(v2_format, Format::Zipkin);
    let (ours, theirs) = (dump_dataset(&from_v1), dump_dataset(&from_zipkin));
    if ours != theirs {
        if let Ok(dir) = std::env::var("STRAND_DIFF_DIR") {
            std::fs::write(format!("{dir}/{name}.strand.txt"), &ours).unwrap();
            std::fs::write(format!("{dir}/{name}.zipkin.txt"), &theirs).unwrap();
        }
        let diff: Vec<String> = ours
            .lines()
            .zip(theirs.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(8)
            .map(|(i, (a, b))| format!("line {}:\n  strand: {a}\n  zipkin: {b}", i + 1))
            .collect();
        panic!("{name}: Strand's v1 import differs from Zipkin's v2 answer\n{}", diff.join("\n"));
    }
    (from_v1.traces.len(), from_v1.span_count())
}

#[test]
fn edge_cases_convert_as_zipkin_does() {
    assert_eq!(check_against_zipkin("edge-cases"), (8, 87));
}

#[test]
fn py_zipkin_recording_converts_as_zipkin_does() {
    // 7 v1 spans: 2 RPCs reported by both sides (2 + 2), 2 local spans and the root.
    assert_eq!(check_against_zipkin("py_zipkin"), (1, 7));
}

/// A v1 span with `n` annotations, each from a service of its own (every one becomes a span).
fn annotated_span(n: usize) -> String {
    let annotations: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"timestamp":{},"value":"v","endpoint":{{"serviceName":"s{i}"}}}}"#, 1000 + i))
        .collect();
    format!(r#"[{{"traceId":"a","id":"1","annotations":[{}]}}]"#, annotations.join(","))
}

#[test]
fn a_span_with_thousands_of_annotations_converts_in_linear_time() {
    strand_testkit::assert_linear("a v1 span with n annotating services", 12_500, |n| {
        let text = annotated_span(n);
        move || assert_eq!(load(text.as_bytes(), "big.json").1.span_count(), n)
    });
}
