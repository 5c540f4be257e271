//! Statistics checked against numbers computed independently: `tests/otel/shop.py record` ran
//! five real OpenTelemetry-instrumented Flask services (Python SDK, flask and requests
//! instrumentation; parallel calls, a failing payment and its retry, 404s, a SQLite call and an
//! uninstrumented bank), wrote their spans as OTLP JSON lines with the SDK's protobuf encoder,
//! and computed its own counts, errors, nearest-rank percentiles, trace sizes and service calls
//! from the SDK's span objects into shop.expected.json. Strand must reproduce them exactly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use serde::Deserialize;
use strand_analysis::graph::service_graph;
use strand_analysis::stats::dataset_stats;
use strand_formats::{self as formats, AssembleOptions, Format};
use strand_model::Dataset;

#[derive(Deserialize)]
struct Expected {
    spans: usize,
    traces: std::collections::BTreeMap<String, usize>,
    errors: u64,
    window_ns: i64,
    operations: Vec<Operation>,
    edges: Vec<Edge>,
}

#[derive(Deserialize)]
struct Operation {
    service: String,
    name: String,
    kind: String,
    count: u64,
    errors: u64,
    min: i64,
    max: i64,
    p50: i64,
    p90: i64,
    p99: i64,
}

#[derive(Deserialize)]
struct Edge {
    from: String,
    to: String,
    calls: u64,
}

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shop").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load() -> (Dataset, Expected) {
    let expected: Expected = serde_json::from_slice(&fixture("shop.expected.json")).expect("expected.json");
    let mut data = Dataset::new();
    // Clock skew off: the services share one host clock, and the numbers must be the SDK's own.
    let (format, _) = formats::load(
        &mut data,
        &fixture("shop.otlp.jsonl"),
        "shop.otlp.jsonl",
        None,
        &AssembleOptions { adjust_clock_skew: false },
    )
    .expect("the recording loads");
    assert_eq!(format, Format::OtlpLines);
    (data, expected)
}

#[test]
fn traces_and_spans_match_the_recording() {
    let (data, expected) = load();
    assert_eq!(data.span_count(), expected.spans);
    let mut traces: Vec<(String, usize)> =
        data.traces.iter().map(|t| (t.trace_id.display(&data.strings), t.spans.len())).collect();
    traces.sort();
    let expected_traces: Vec<(String, usize)> = expected.traces.into_iter().collect();
    assert_eq!(traces, expected_traces);
    for trace in &data.traces {
        assert_eq!(trace.roots().count(), 1, "every recorded trace has one root");
        assert!(trace.warnings.is_empty(), "a clean recording needs no repairs: {:?}", trace.warnings);
    }
}

#[test]
fn operation_statistics_match_independent_numbers() {
    let (data, expected) = load();
    let stats = dataset_stats(&data);
    assert_eq!(stats.error_count, expected.errors);
    assert_eq!(stats.window.end_ns - stats.window.start_ns, expected.window_ns);
    let mut got: Vec<String> = stats
        .operations
        .iter()
        .map(|o| {
            let s = &o.summary;
            format!(
                "{} | {} | {} | count={} errors={} min={} max={} p50={} p90={} p99={}",
                o.service,
                o.operation,
                o.kind.as_str(),
                s.count,
                s.errors,
                s.min_ns,
                s.max_ns,
                s.p50_ns,
                s.p90_ns,
                s.p99_ns
            )
        })
        .collect();
    let mut want: Vec<String> = expected
        .operations
        .iter()
        .map(|o| {
            format!(
                "{} | {} | {} | count={} errors={} min={} max={} p50={} p90={} p99={}",
                o.service, o.name, o.kind, o.count, o.errors, o.min, o.max, o.p50, o.p90, o.p99
            )
        })
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    // Throughput is count over the window, error rate errors over count.
    for o in &stats.operations {
        let window_s = expected.window_ns as f64 / 1e9;
        let throughput = o.summary.throughput_per_s.expect("non-empty window");
        assert!((throughput - o.summary.count as f64 / window_s).abs() < 1e-9);
        assert!((o.summary.error_rate - o.summary.errors as f64 / o.summary.count as f64).abs() < 1e-12);
    }
}

#[test]
fn service_calls_match_independent_numbers() {
    let (data, expected) = load();
    let graph = service_graph(&data);
    let name = |i: usize| graph.nodes.get(i).map(|n| n.name.clone()).unwrap_or_default();
    let mut got: Vec<(String, String, u64)> = graph.edges.iter().map(|e| (name(e.from), name(e.to), e.calls)).collect();
    got.sort();
    let mut want: Vec<(String, String, u64)> =
        expected.edges.iter().map(|e| (e.from.clone(), e.to.clone(), e.calls)).collect();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn cli_prints_the_same_numbers() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shop/shop.otlp.jsonl");
    let path = path.to_string_lossy().into_owned();
    let read = |p: &str| std::fs::read(p).map_err(|e| e.to_string());
    let args: Vec<String> = ["stats", "--json", "--no-clock-skew", &path].iter().map(|s| s.to_string()).collect();
    let out = strand_cli::run(&args, &read);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let parsed: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON output");
    let (data, _) = load();
    let stats = dataset_stats(&data);
    assert_eq!(parsed["stats"]["span_count"], serde_json::json!(stats.span_count));
    assert_eq!(parsed["stats"]["operations"].as_array().map(Vec::len), Some(stats.operations.len()));
}
