//! Native diagnosis benchmark (not a timed test): attribute ranking over 100k spans, set
//! comparison of 1,000 traces against 1,000, the peer index, and folding a 1M-span trace.
//!
//!     cargo bench --bench diagnosis
//!
//! Data comes from `formats::synth` (OTLP, deterministic). Synthetic spans carry few attributes,
//! so before ranking every span gets eight more (status code, route, region, a tenant of 50, a
//! user id of 5,000, a response size and a retry count as numbers, a feature flag), as an
//! instrumented service would add: ranking costs per (span, attribute). Prints a table and writes
//! bench/out/native-diagnosis.json.
#![allow(clippy::disallowed_methods)] // a benchmark measures time: native only
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use std::time::Instant;
use strand_analysis::compare::compare_groups;
use strand_analysis::outliers::{rank_attributes, RankOptions};
use strand_analysis::peers::PeerIndex;
use strand_analysis::selection::{same_operation_baseline, spans_where};
use strand_analysis::stats::percentile;
use strand_testkit::bench_data::{dataset, enrich, loop_trace};
use strand_view::outliers::{outliers, SpanSelector};
use strand_view::trace_view::analyze;
use strand_view::waterfall::fold::{fold_row_view, visible_rows_folded, Folds, FOLD_MIN_SIBLINGS};
use strand_view::waterfall::{visible_rows, Collapse, CriticalIndex, RowContext, TimeWindow};

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let out = std::hint::black_box(f());
        best = best.min(t.elapsed().as_secs_f64());
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}

struct Row {
    name: &'static str,
    spans: usize,
    seconds: f64,
    note: String,
}

fn ranking_rows(rows: &mut Vec<Row>) {
    // 1,000 traces of 100 spans: 100k spans.
    let mut data = dataset(1000, 100, 1);
    enrich(&mut data);
    let spans = data.span_count();
    let mut durations: Vec<i64> = data.traces.iter().flat_map(|t| t.spans.iter().map(|s| s.duration_ns)).collect();
    durations.sort_unstable();
    let p90 = percentile(&durations, 90.0).unwrap();
    let selection = spans_where(&data, |_, s| s.duration_ns > p90);
    let (select_s, baseline) = best_of(5, || same_operation_baseline(&data, &selection));
    let options = RankOptions { exclude: Vec::new(), limit: Some(50) };
    let (rank_s, ranking) = best_of(5, || rank_attributes(&data, &selection, &baseline, &options));
    rows.push(Row {
        name: "attribute ranking",
        spans,
        seconds: rank_s,
        note: format!(
            "{} selected vs {} baseline, {} distinct pairs",
            ranking.selection, ranking.baseline, ranking.distinct_pairs
        ),
    });
    rows.push(Row {
        name: "default baseline",
        spans,
        seconds: select_s,
        note: "other spans of the same operations".into(),
    });
    let query = SpanSelector::Query(">50ms".into());
    let (full_s, result) = best_of(5, || outliers(&data, &query, None, Some(50)));
    rows.push(Row {
        name: "outliers (query + baseline + ranking)",
        spans,
        seconds: full_s,
        note: format!("`>50ms`: {} selected vs {} baseline", result.ranking.selection, result.ranking.baseline),
    });
    let (peer_s, index) = best_of(5, || PeerIndex::build(&data));
    rows.push(Row { name: "peer index", spans, seconds: peer_s, note: format!("{} operations", index.groups.len()) });
}

fn compare_rows(rows: &mut Vec<Row>) {
    // 2,000 traces of 100 spans: 1,000 against 1,000.
    let data = dataset(2000, 100, 10_001);
    let a: Vec<usize> = (0..1000).collect();
    let b: Vec<usize> = (1000..2000).collect();
    let (s, diff) = best_of(5, || compare_groups(&data, &a, &b));
    rows.push(Row {
        name: "set comparison 1,000 vs 1,000 traces",
        spans: data.span_count(),
        seconds: s,
        note: format!("{} paths", diff.nodes.len()),
    });
}

fn fold_rows(rows: &mut Vec<Row>) {
    let data = loop_trace();
    let trace = &data.traces[0];
    let spans = trace.spans.len();
    let analysis = analyze(trace);
    let collapse = Collapse::expanded(spans);
    let (build_s, folds) = best_of(3, || Folds::build(trace, &analysis.tree, None, FOLD_MIN_SIBLINGS));
    let members: usize = folds.groups().iter().map(|g| g.count as usize).sum();
    rows.push(Row {
        name: "fold groups (1M-span trace of loops)",
        spans,
        seconds: build_s,
        note: format!("{} groups holding {members} spans", folds.groups().len()),
    });
    // A synthetic service trace (many distinct parent/service/name keys): the waterfall's
    // first render of a 1M-span file builds this.
    let mut synth = strand_model::Dataset::new();
    let json = strand_formats::synth::synthesize(strand_formats::synth::SynthFormat::Jaeger, 1_000_000, 42);
    let options = strand_formats::AssembleOptions::default();
    if strand_formats::load(&mut synth, json.as_bytes(), "synth", None, &options).is_ok() {
        if let Some(t) = synth.traces.iter().max_by_key(|t| t.spans.len()) {
            let synth_analysis = analyze(t);
            let (s, f) = best_of(3, || Folds::build(t, &synth_analysis.tree, None, FOLD_MIN_SIBLINGS));
            let members: usize = f.groups().iter().map(|g| g.count as usize).sum();
            rows.push(Row {
                name: "fold groups (1M-span synthetic Jaeger)",
                spans: t.spans.len(),
                seconds: s,
                note: format!("{} groups holding {members} spans", f.groups().len()),
            });
        }
    }
    let (plain_s, plain) = best_of(3, || visible_rows(&analysis.tree, &collapse, None));
    let (folded_s, folded) = best_of(3, || visible_rows_folded(&analysis.tree, &collapse, None, &folds));
    rows.push(Row { name: "rows without folding", spans, seconds: plain_s, note: format!("{} rows", plain.len()) });
    rows.push(Row { name: "rows with folding", spans, seconds: folded_s, note: format!("{} rows", folded.len()) });
    // One scroll frame: the 40 rows in view, around the biggest folded group.
    let critical = CriticalIndex::new(&analysis.critical);
    let ctx = RowContext {
        strings: &data.strings,
        trace,
        analysis: &analysis,
        collapse: &collapse,
        critical: &critical,
        window: TimeWindow::of_trace(trace),
        min_bar: 0.001,
    };
    let biggest = (0..folds.groups().len() as u32).max_by_key(|&g| folds.group(g).map_or(0, |g| g.count)).unwrap_or(0);
    let first = folds.members(biggest).first().copied().unwrap_or(0);
    let at = folded.iter().position(|&r| r == first).unwrap_or(0).saturating_sub(20);
    let frame: Vec<u32> = folded.iter().skip(at).take(40).copied().collect();
    let (frame_s, drawn) = best_of(20, || {
        frame
            .iter()
            .map(|&r| match folds.folded_row(r) {
                Some(g) => fold_row_view(&ctx, &folds, g, None).map_or(0, |v| v.label.len()),
                None => strand_view::waterfall::row_view(&ctx, r).map_or(0, |v| v.name.len()),
            })
            .sum::<usize>()
    });
    let biggest_count = folds.group(biggest).map_or(0, |g| g.count);
    rows.push(Row {
        name: "one scroll frame of 40 rows (folded)",
        spans,
        seconds: frame_s,
        note: format!("around the biggest group (×{biggest_count}); {drawn} chars"),
    });
}

fn main() {
    let mut rows = Vec::new();
    ranking_rows(&mut rows);
    compare_rows(&mut rows);
    fold_rows(&mut rows);
    println!("{:<40} {:>9} {:>10}  note", "benchmark", "spans", "time");
    for r in &rows {
        println!("{:<40} {:>9} {:>8.2}ms  {}", r.name, r.spans, r.seconds * 1e3, r.note);
    }
    let json: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "  {{\"benchmark\": {:?}, \"spans\": {}, \"seconds\": {:.6}, \"note\": {:?}}}",
                r.name, r.spans, r.seconds, r.note
            )
        })
        .collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/out");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("native-diagnosis.json");
    match std::fs::write(&path, format!("[\n{}\n]\n", json.join(",\n"))) {
        Ok(()) => println!("wrote {}", path.display()),
        Err(e) => eprintln!("could not write {}: {e}", path.display()),
    }
}
