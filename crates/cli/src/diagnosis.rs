//! The diagnosis commands: `compare` (path trees of two traces or two groups), `outliers` (what
//! sets a selection of spans apart) and `spans` (each span's rank among its peers). They print
//! what the app's compare page, outliers panel and span details show, from the same view code.

use super::{json, trace_title, Options};
use serde::Serialize;
use std::fmt::Write;
use strand_analysis::compare::{compare_groups, compare_traces, DiffRow, GroupTotals};
use strand_analysis::peers::PeerIndex;
use strand_model::time::format_duration;
use strand_model::Dataset;
use strand_view::compare::{compare_target, query_target, CompareTarget};
use strand_view::outliers::{outliers as rank_outliers, select_spans, SpanSelector};
use strand_view::peers::peer_text;
use strand_view::route::{CompareSplit, Route};

pub(super) fn compare(data: &Dataset, options: &Options) -> Result<String, String> {
    let groups = options.a.is_some() || options.slowest.is_some() || options.window.is_some();
    if options.b.is_some() && options.a.is_none() {
        return Err("--b needs --a".to_string());
    }
    let (target, diff) = if groups {
        let target = group_target(data, options)?;
        let diff = compare_groups(data, &target.a, &target.b);
        (target, diff)
    } else {
        let (Some(a), Some(b)) = (data.traces.first(), data.traces.get(1)) else {
            return Err(format!("compare needs two traces; {} loaded", data.traces.len()));
        };
        let target = CompareTarget {
            a: vec![0],
            b: vec![1],
            label_a: format!("A = {}", trace_title(data, a)),
            label_b: format!("B = {}", trace_title(data, b)),
        };
        (target, compare_traces(data, 0, 1))
    };
    let rows = diff.rows(&data.strings);
    if options.json {
        #[derive(Serialize)]
        struct Out {
            a: String,
            b: String,
            totals_a: GroupTotals,
            totals_b: GroupTotals,
            rows: Vec<DiffRow>,
        }
        return Ok(json(&Out {
            a: target.label_a,
            b: target.label_b,
            totals_a: diff.totals_a,
            totals_b: diff.totals_b,
            rows,
        }));
    }
    let mut out = format!("{}\n{}\n", target.label_a, target.label_b);
    if groups {
        for (side, t) in [("A", diff.totals_a), ("B", diff.totals_b)] {
            let _ = writeln!(
                out,
                "{side}: {} traces, {} spans, mean {}, p90 {}",
                t.traces,
                t.spans,
                format_duration(t.mean_duration_ns),
                format_duration(t.p90_duration_ns)
            );
        }
    }
    let _ = writeln!(
        out,
        "{:<7} {:>5} {:>5} {:>9} {:>9} {:>9} {:>9}  path",
        "class", "#A", "#B", "mean A", "mean B", "p90 A", "p90 B"
    );
    // A side without the path has no durations: "-" rather than 0.
    let time = |count: u64, ns: i64| if count == 0 { "-".to_string() } else { format_duration(ns) };
    for r in &rows {
        let _ = writeln!(
            out,
            "{:<7} {:>5} {:>5} {:>9} {:>9} {:>9} {:>9}  {}{}: {}",
            r.class.as_str(),
            r.a.count,
            r.b.count,
            time(r.a.count, r.a.mean_ns),
            time(r.b.count, r.b.mean_ns),
            time(r.a.count, r.a.p90_ns),
            time(r.b.count, r.b.p90_ns),
            "  ".repeat(r.depth.min(30) as usize),
            r.service,
            r.operation
        );
    }
    Ok(out)
}

/// The two groups `--a/--b`, `--slowest` or `--window` (with `--root`) ask for.
fn group_target(data: &Dataset, options: &Options) -> Result<CompareTarget, String> {
    let chosen = [options.a.is_some(), options.slowest.is_some(), options.window.is_some()];
    if chosen.iter().filter(|&&c| c).count() > 1 {
        return Err("give one of --a, --slowest and --window".to_string());
    }
    if let Some(a) = &options.a {
        return query_target(data, a, options.b.as_deref());
    }
    // The same route the app's compare page reads.
    let mut route = Route {
        service: options.root.as_ref().map(|r| r.0.clone()),
        operation: options.root.as_ref().map(|r| r.1.clone()),
        window: options.window,
        ..Route::default()
    };
    route.split = match options.slowest {
        Some(percent) => Some(CompareSplit::Slowest { percent }),
        None => Some(CompareSplit::Window),
    };
    compare_target(data, &route)
}

pub(super) fn outliers(data: &Dataset, options: &Options) -> Result<String, String> {
    let select = options.select.as_deref().filter(|q| !q.trim().is_empty()).ok_or("outliers needs --select QUERY")?;
    let selection = SpanSelector::Query(select.to_string());
    let baseline = options.baseline.clone().map(SpanSelector::Query);
    let limit = (options.top > 0).then_some(options.top);
    let result = rank_outliers(data, &selection, baseline.as_ref(), limit);
    if let Some(error) = result.errors.first() {
        return Err(format!("cannot read the query: {error}"));
    }
    let r = &result.ranking;
    if options.json {
        #[derive(Serialize)]
        struct Pair<'a> {
            key: &'a str,
            value: &'a str,
            selection_share: f64,
            baseline_share: f64,
            /// A value of one or two spans of an id-like key (ranked after the other pairs more
            /// common in the selection).
            unique: bool,
        }
        #[derive(Serialize)]
        struct Out<'a> {
            selection: u64,
            baseline: u64,
            pairs: Vec<Pair<'a>>,
        }
        let pairs = r
            .pairs
            .iter()
            .map(|p| Pair {
                key: &p.key,
                value: &p.value,
                selection_share: p.selection_share,
                baseline_share: p.baseline_share,
                unique: p.unique,
            })
            .collect();
        return Ok(json(&Out { selection: r.selection, baseline: r.baseline, pairs }));
    }
    let mut out = format!(
        "selection: {} spans ({})\nbaseline: {} spans ({})\n",
        r.selection, result.selection, r.baseline, result.baseline
    );
    let _ = writeln!(out, "{:>8} {:>10} {:>10}  key = value", "diff", "selection", "baseline");
    for p in &r.pairs {
        let _ = writeln!(
            out,
            "{:>+7.1}% {:>9.1}% {:>9.1}%  {} = {}{}",
            p.difference() * 100.0,
            p.selection_share * 100.0,
            p.baseline_share * 100.0,
            p.key,
            p.value,
            if p.unique { strand_view::outliers::UNIQUE_NOTE } else { "" }
        );
    }
    if r.pairs.is_empty() {
        out.push_str("(no attributes to compare)\n");
    }
    Ok(out)
}

pub(super) fn spans(data: &Dataset, options: &Options) -> Result<String, String> {
    let chosen = match options.select.as_deref() {
        Some(query) => {
            let selected = select_spans(data, &SpanSelector::Query(query.to_string()));
            if let Some(error) = selected.error {
                return Err(format!("cannot read the query: {error}"));
            }
            selected.spans
        }
        None => strand_analysis::selection::spans_where(data, |_, _| true),
    };
    let index = PeerIndex::build(data);
    #[derive(Serialize)]
    struct Row {
        trace_id: String,
        span_id: String,
        service: String,
        operation: String,
        kind: &'static str,
        duration_ns: i64,
        peer_percentile: u32,
        peers: u64,
        above_p95: bool,
        peer_rank: String,
    }
    let rows: Vec<Row> = chosen
        .iter()
        .filter_map(|r| {
            let (trace, span) = r.resolve(data)?;
            let rank = index.rank(data, r.trace as usize, r.span)?;
            Some(Row {
                trace_id: trace.trace_id.display(&data.strings),
                span_id: span.span_id.display(&data.strings),
                service: data.strings.get(trace.service_of(span)).to_string(),
                operation: data.strings.get(span.name).to_string(),
                kind: span.kind.as_str(),
                duration_ns: span.duration_ns,
                peer_percentile: rank.percentile,
                peers: rank.peers,
                above_p95: rank.above_p95,
                peer_rank: peer_text(data, &index, &rank),
            })
        })
        .collect();
    if options.json {
        return Ok(json(&rows));
    }
    let mut out = String::new();
    let _ = writeln!(out, "{:<32} {:<16} {:>9}  {:<4} peers", "trace", "span", "duration", "");
    for r in &rows {
        let _ = writeln!(
            out,
            "{:<32} {:<16} {:>9}  {:<4} {}",
            r.trace_id,
            r.span_id,
            format_duration(r.duration_ns),
            if r.above_p95 { "slow" } else { "" },
            r.peer_rank
        );
    }
    Ok(out)
}
