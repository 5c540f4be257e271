//! Native analysis benchmark: time of each analysis on synthetic data, for one trace of 100k and
//! of 1M spans, and for 10k traces of 100 spans.
//!
//!     cargo bench --bench analysis                   # all three shapes
//!     cargo bench --bench analysis -- 100000         # one trace of N spans
//!
//! Prints a table and writes bench/out/native-analysis.json.
#![allow(clippy::disallowed_methods)] // a benchmark measures time: native only
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use std::time::Instant;
use strand_analysis::critical_path::critical_path;
use strand_analysis::graph::service_graph;
use strand_analysis::self_time::self_times;
use strand_analysis::stats::{dataset_stats, red_series, trace_stats, GroupBy, SpanFilter};
use strand_analysis::tree::SpanTree;
use strand_formats::synth::{synthesize, SynthFormat};
use strand_formats::{self as formats, AssembleOptions};
use strand_model::Dataset;

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(f());
        best = best.min(t.elapsed().as_secs_f64());
    }
    best
}

fn dataset(traces: usize, spans_per_trace: usize) -> Dataset {
    let mut data = Dataset::new();
    for seed in 0..traces {
        let json = synthesize(SynthFormat::Otlp, spans_per_trace, seed as u64 + 1);
        formats::load(&mut data, json.as_bytes(), "synth.json", None, &AssembleOptions::default()).expect("loads");
    }
    data
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let shapes: Vec<(usize, usize)> = if args.is_empty() {
        vec![(1, 100_000), (1, 1_000_000), (10_000, 100)]
    } else {
        args.iter().map(|&n| (1, n)).collect()
    };
    let mut json_rows = Vec::new();
    println!(
        "{:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "traces", "spans", "tree", "self", "critical", "trace-st", "stats", "red", "graph", "total"
    );
    for (traces, per_trace) in shapes {
        let data = dataset(traces, per_trace);
        let runs = if traces * per_trace >= 1_000_000 { 3 } else { 5 };
        let tree = best_of(runs, || data.traces.iter().map(SpanTree::build).count());
        let trees: Vec<SpanTree> = data.traces.iter().map(SpanTree::build).collect();
        let self_t =
            best_of(runs, || data.traces.iter().zip(&trees).map(|(t, tr)| self_times(t, tr).len()).sum::<usize>());
        let critical =
            best_of(runs, || data.traces.iter().zip(&trees).map(|(t, tr)| critical_path(t, tr).len()).sum::<usize>());
        let per_trace_stats = best_of(runs, || {
            data.traces
                .iter()
                .zip(&trees)
                .map(|(t, tr)| trace_stats(&data.strings, t, tr, GroupBy::Operation).groups.len())
                .sum::<usize>()
        });
        let stats = best_of(runs, || dataset_stats(&data));
        let red = best_of(runs, || red_series(&data, 60, SpanFilter::All));
        let graph = best_of(runs, || service_graph(&data));
        let total = tree + self_t + critical + per_trace_stats + stats + red + graph;
        let spans = data.span_count();
        println!(
            "{:>8} {:>9} {:>8.1}ms {:>8.1}ms {:>8.1}ms {:>8.1}ms {:>8.1}ms {:>8.1}ms {:>8.1}ms {:>8.1}ms",
            traces,
            spans,
            tree * 1e3,
            self_t * 1e3,
            critical * 1e3,
            per_trace_stats * 1e3,
            stats * 1e3,
            red * 1e3,
            graph * 1e3,
            total * 1e3
        );
        json_rows.push(format!(
            "  {{\"traces\": {traces}, \"spans\": {spans}, \"tree_s\": {tree:.6}, \"self_time_s\": {self_t:.6}, \"critical_path_s\": {critical:.6}, \"trace_stats_s\": {per_trace_stats:.6}, \"dataset_stats_s\": {stats:.6}, \"red_series_s\": {red:.6}, \"service_graph_s\": {graph:.6}, \"total_s\": {total:.6}}}"
        ));
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/out");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("native-analysis.json");
    match std::fs::write(&path, format!("[\n{}\n]\n", json_rows.join(",\n"))) {
        Ok(()) => println!("wrote {}", path.display()),
        Err(e) => eprintln!("could not write {}: {e}", path.display()),
    }
}
