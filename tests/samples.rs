//! Every real sample in ../shared/samples loads with the span and trace counts its README gives
//! (after the importers' stated rules), auto-detection agrees with the explicit format, and a
//! canonical text dump of each is snapshot-tested (`UPDATE_EXPECT=1 cargo test` refreshes them).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use strand_formats::{self as formats, AssembleOptions, Format};
use strand_model::dump::dump_dataset;
use strand_model::Dataset;

fn samples_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples")
}

fn load_one(name: &str, format: Option<Format>) -> (Format, Dataset) {
    let bytes = std::fs::read(samples_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut data = Dataset::new();
    let (format, _) = formats::load(&mut data, &bytes, name, format, &AssembleOptions::default())
        .unwrap_or_else(|e| panic!("{name} must load: {e}"));
    (format, data)
}

/// (file, format, spans after import rules, traces, dependency links, why counts differ from the README)
const SAMPLES: [(&str, Format, usize, usize, usize, &str); 25] = [
    ("jaeger-anonymizer_spans-inline-process.json", Format::Jaeger, 2, 1, 0, ""),
    ("jaeger-api_jaeger-query-traces-response.json", Format::Jaeger, 2, 1, 0, ""),
    ("jaeger-deps_dependency-graph-large.json", Format::Dependencies, 0, 0, 4271, ""),
    (
        "jaeger-ui_converter-fixture-edge-cases.json",
        Format::Jaeger,
        5,
        1,
        0,
        "the two spans with id …0002 differ, so both stay (flagged)",
    ),
    ("jaeger-ui_genai-trace.json", Format::Jaeger, 57, 1, 0, ""),
    ("jaeger-ui_petclinic-short-ids.json", Format::Jaeger, 17, 1, 0, ""),
    ("jaeger-ui_trace-graph-nonhex-ids.json", Format::Jaeger, 11, 1, 0, ""),
    ("otlp-jsonl_nodejs-sdk.jsonl", Format::OtlpLines, 4, 1, 0, ""),
    ("otlp-jsonl_spec-file-exporter-example.jsonl", Format::OtlpLines, 8, 1, 0, ""),
    ("otlp_examples-trace.json", Format::Otlp, 1, 1, 0, ""),
    ("otlp_hotrod-full-trace.json", Format::Otlp, 40, 1, 0, ""),
    ("otlp_jaeger-apiv3-gettrace-result-wrapper.json", Format::Otlp, 1, 1, 0, ""),
    ("otlp_jaeger-link-attributes.json", Format::Otlp, 1, 1, 0, ""),
    ("otlp_jaeger-multi-trace-links-kinds.json", Format::Otlp, 4, 2, 0, ""),
    (
        "otlp_jaeger-otlp2jaeger-duplicate-span.json",
        Format::Otlp,
        1,
        1,
        0,
        "the identical second copy is dropped (README: 2 raw)",
    ),
    ("otlp_otel-demo-error-timeout.json", Format::Otlp, 26, 1, 0, ""),
    ("zipkin-v2_envoy-single-span.json", Format::Zipkin, 1, 1, 0, ""),
    ("zipkin-v2_kong-malformed.json", Format::Zipkin, 7, 1, 0, ""),
    ("zipkin-v2_messaging-128bit.json", Format::Zipkin, 4, 1, 0, ""),
    ("zipkin-v2_messaging-kafka.json", Format::Zipkin, 28, 1, 0, ""),
    ("zipkin-v2_messaging2-missing-parents.json", Format::Zipkin, 11, 1, 0, ""),
    ("zipkin-v2_skew.json", Format::Zipkin, 4, 1, 0, ""),
    (
        "zipkin-v2_smartthings-mobile-web-install.json",
        Format::Zipkin,
        957,
        1,
        0,
        "84 kind-less fragments merged into their spans (README: 1041 raw)",
    ),
    ("zipkin-v2_smartthings-oauth-authorization.json", Format::Zipkin, 175, 1, 0, ""),
    ("zipkin-v2_yelp.json", Format::Zipkin, 16, 1, 0, ""),
];

#[test]
fn every_sample_is_covered() {
    let mut on_disk: Vec<String> = std::fs::read_dir(samples_dir())
        .expect("../shared/samples exists beside the repository")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") || n.ends_with(".jsonl"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = SAMPLES.iter().map(|s| s.0.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn samples_load_with_their_counts() {
    for (name, format, spans, traces, links, _why) in SAMPLES {
        let (detected, data) = load_one(name, None);
        assert_eq!(detected, format, "{name}: detected format");
        assert_eq!(data.span_count(), spans, "{name}: spans");
        assert_eq!(data.traces.len(), traces, "{name}: traces");
        assert_eq!(data.dependencies.len(), links, "{name}: dependency links");
        for trace in &data.traces {
            assert_eq!(trace.order.len(), trace.spans.len(), "{name}: every span is in the tree order");
        }
    }
}

#[test]
fn detection_and_explicit_format_give_the_same_model() {
    for (name, format, ..) in SAMPLES {
        let (_, detected) = load_one(name, None);
        let (_, explicit) = load_one(name, Some(format));
        assert_eq!(dump_dataset(&detected), dump_dataset(&explicit), "{name}");
    }
}

#[test]
fn loading_twice_is_the_same_as_once_plus_dropped_duplicates() {
    // Merging the same file again drops every span as an identical duplicate: the trace is unchanged
    // apart from the duplicate warnings, and assembly does not compound (e.g. skew shifts).
    for name in ["zipkin-v2_skew.json", "otlp_hotrod-full-trace.json", "jaeger-ui_genai-trace.json"] {
        let bytes = std::fs::read(samples_dir().join(name)).expect("sample");
        let mut data = Dataset::new();
        let options = AssembleOptions::default();
        formats::load(&mut data, &bytes, name, None, &options).expect("loads");
        let once: Vec<_> = data.traces.iter().map(|t| (t.spans.len(), t.start_ns, t.end_ns)).collect();
        let starts: Vec<i64> = data.traces[0].spans.iter().map(|s| s.start_ns).collect();
        formats::load(&mut data, &bytes, name, None, &options).expect("loads again");
        let twice: Vec<_> = data.traces.iter().map(|t| (t.spans.len(), t.start_ns, t.end_ns)).collect();
        assert_eq!(once, twice, "{name}");
        let starts_again: Vec<i64> = data.traces[0].spans.iter().map(|s| s.start_ns).collect();
        assert_eq!(starts, starts_again, "{name}: no compounding");
    }
}

#[test]
fn clock_skew_switch_moves_the_skew_sample_and_back() {
    let name = "zipkin-v2_skew.json";
    let bytes = std::fs::read(samples_dir().join(name)).expect("sample");
    let mut raw = Dataset::new();
    formats::load(&mut raw, &bytes, name, None, &AssembleOptions { adjust_clock_skew: false }).expect("loads");
    let mut adjusted = Dataset::new();
    formats::load(&mut adjusted, &bytes, name, None, &AssembleOptions::default()).expect("loads");
    let skewed =
        |d: &Dataset| d.traces[0].warnings.iter().filter(|w| w.kind == strand_model::WarningKind::ClockSkew).count();
    assert_eq!(skewed(&raw), 0);
    assert!(skewed(&adjusted) >= 1, "the SERVER half that starts 65 ms before its CLIENT is shifted");
    formats::reassemble_all(&mut adjusted, &AssembleOptions { adjust_clock_skew: false });
    assert_eq!(dump_dataset(&adjusted), dump_dataset(&raw), "turning the switch off restores the file's times");
}

#[test]
fn sample_dumps_match_snapshots() {
    for (name, ..) in SAMPLES {
        if name.starts_with("jaeger-deps") {
            continue; // 4271 links: counted above; the dump would only repeat the file.
        }
        let (_, data) = load_one(name, None);
        let snapshot =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(format!("{name}.txt"));
        expect_test::expect_file![snapshot].assert_eq(&dump_dataset(&data));
    }
}
