//! Log lines of real instrumented services matched to the spans they were written in:
//! `tests/otel/shop.py record tests/fixtures/shop-logs --logs` ran the five Flask services with
//! Python logging going to OpenTelemetry's logging handler (OTLP logs JSON lines, written with
//! the SDK's protobuf encoder) and to ecs-logging (ECS JSON lines, trace ids injected by
//! opentelemetry-instrumentation-logging), and recorded, as each line was written, the span the
//! OpenTelemetry context held (`shop-logs.expected.json`; every line carries its number as the
//! `shop.line` attribute). Strand must put every line, from both files, at exactly that span,
//! and the lines written outside any span among the unmatched ones.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use serde::Deserialize;
use strand_formats::{self as formats, AssembleOptions, Format};
use strand_model::{Dataset, Trace, Value};

#[derive(Deserialize)]
struct Expected {
    lines: Vec<Line>,
}

#[derive(Deserialize)]
struct Line {
    line: String,
    service: String,
    level: String,
    message: String,
    trace_id: Option<String>,
    span_id: Option<String>,
}

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shop-logs").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Where Strand put a line: (trace id or None when unmatched, span id at its span or None, the
/// source file, its message, its level, its service).
type Placed = (Option<String>, Option<String>, String, String, String, String);

fn placed(data: &Dataset, line: &str) -> Vec<Placed> {
    let strings = &data.strings;
    let mut out = Vec::new();
    let groups = data.traces.iter().map(|t| (t, true)).chain(data.unmatched_logs.iter().map(|t| (t, false)));
    for (trace, loaded) in groups {
        for log in &trace.logs {
            let tagged = trace.attrs_of(log.attrs).iter().any(|kv| {
                strings.get(kv.key) == "shop.line" && matches!(kv.value, Value::Str(s) if strings.get(s) == line)
            });
            if !tagged {
                continue;
            }
            let span = trace.span(log.span).map(|s| s.span_id.display(strings));
            let body = strand_view::logs::message_text(strings, trace, log);
            let service = service(data, trace, log.resource);
            let trace_id = loaded.then(|| trace.trace_id.display(strings));
            out.push((
                trace_id,
                span,
                strings.get(log.source).to_string(),
                body,
                log.level().as_str().to_string(),
                service,
            ));
        }
    }
    out.sort();
    out
}

fn service(data: &Dataset, trace: &Trace, resource: u32) -> String {
    trace.log_resources.get(resource as usize).map_or(String::new(), |r| data.strings.get(r.service).to_string())
}

#[test]
fn every_line_the_services_wrote_is_at_the_span_that_was_current() {
    let expected: Expected = serde_json::from_slice(&fixture("shop-logs.expected.json")).expect("expected.json");
    let mut data = Dataset::new();
    let options = AssembleOptions { adjust_clock_skew: false };
    for (file, format) in [
        ("shop.otlp.jsonl", Format::OtlpLines),
        ("shop.otlp-logs.jsonl", Format::OtlpLogs),
        ("shop.ecs.jsonl", Format::Ecs),
    ] {
        let (found, summary) = formats::load(&mut data, &fixture(file), file, None, &options).expect("loads");
        assert_eq!(found, format, "{file} is detected");
        assert!(summary.notes.is_empty(), "{file} needs no repairs: {:?}", summary.notes);
    }
    assert!(expected.lines.len() >= 40, "lines recorded: {}", expected.lines.len());
    let outside = expected.lines.iter().filter(|l| l.span_id.is_none()).count();
    assert!(outside >= 5 && outside < expected.lines.len() / 2, "lines outside any span: {outside}");
    for line in &expected.lines {
        let got = placed(&data, &line.line);
        let level = line.level.to_lowercase().replace("warning", "warn").replace("critical", "fatal");
        let want: Vec<Placed> = ["shop.ecs.jsonl", "shop.otlp-logs.jsonl"]
            .iter()
            .map(|file| {
                (
                    line.trace_id.clone(),
                    line.span_id.clone(),
                    file.to_string(),
                    line.message.clone(),
                    level.clone(),
                    line.service.clone(),
                )
            })
            .collect();
        assert_eq!(got, want, "line {} ({:?})", line.line, line.message);
    }
    let counts = data.log_counts();
    assert_eq!(counts.total(), 2 * expected.lines.len());
    assert_eq!(counts.none, 2 * outside);
    assert_eq!(counts.trace_only, 0);
}
