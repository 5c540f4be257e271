//! Shared by the importer targets: load `data` (format forced or detected), then check what came
//! out is usable by the rest of the pipeline. Errors are fine; panics, hangs and runaway memory
//! are what libFuzzer reports.

use strand_formats::{self as formats, AssembleOptions, Format, ImportError};
use strand_model::Dataset;

pub fn run(data: &[u8], format: Option<Format>) {
    let mut dataset = Dataset::new();
    match formats::load(
        &mut dataset,
        data,
        "fuzz.json",
        format,
        &AssembleOptions::default(),
    ) {
        Ok(_) => {}
        Err(err) => {
            // Every error names the file, and located errors have a real line.
            assert!(err.to_string().starts_with("fuzz.json"), "{err}");
            if let ImportError::Syntax { line, .. }
            | ImportError::Truncated { line, .. }
            | ImportError::Shape { line, .. } = err
            {
                assert!(line >= 1, "{err}");
            }
            return;
        }
    }
    check(&dataset);
    // Re-assembly is idempotent and must survive toggling clock-skew adjustment.
    formats::reassemble_all(
        &mut dataset,
        &AssembleOptions {
            adjust_clock_skew: false,
        },
    );
    formats::reassemble_all(&mut dataset, &AssembleOptions::default());
    check(&dataset);
}

fn check(dataset: &Dataset) {
    let _ = strand_model::dump::dump_dataset(dataset);
    // Every log line is counted once, and resolved spans exist.
    let counts = dataset.log_counts();
    let lines: usize = dataset.traces.iter().chain(&dataset.unmatched_logs).map(|t| t.logs.len()).sum();
    assert_eq!(counts.total(), lines);
    for trace in &dataset.traces {
        for log in &trace.logs {
            assert!(!log.has_span() || (log.span as usize) < trace.spans.len(), "a resolved span exists");
        }
    }
    let _ = strand_view::logs::unmatched_logs(dataset, &Default::default());
    for group in &dataset.unmatched_logs {
        assert!(group.spans.is_empty() && group.logs.iter().all(|l| !l.has_span()));
    }
    for (i, trace) in dataset.traces.iter().enumerate() {
        assert_eq!(
            trace.order.len(),
            trace.spans.len(),
            "tree order covers every span"
        );
        let analysis = strand_view::trace_view::analyze(trace);
        assert_eq!(analysis.self_ns.len(), trace.spans.len());
        let _ = strand_view::trace_list::summarize(&dataset.strings, i, trace);
        let _ = strand_view::span_list::warning_lines(&dataset.strings, trace, usize::MAX);
        let _ = strand_view::logs::trace_log_rows(&dataset.strings, trace, &Default::default());
    }
}
