//! The analysis commands: each builds the analysis result, then prints it as text or JSON.

use super::*;
use strand_analysis::critical_path::critical_path;
use strand_analysis::graph::{graph_from_links, service_graph, ServiceGraph};
use strand_analysis::stats::{dataset_stats, red_series, trace_stats, GroupBy, LatencySummary, SpanFilter};
use strand_analysis::tree::SpanTree;

pub(super) fn run(command: &str, data: &Dataset, options: &Options) -> Result<String, String> {
    match command {
        "stats" => Ok(stats(data, options)),
        "trace-stats" => trace_stats_command(data, options),
        "graph" => Ok(graph(data, options.json)),
        "critical-path" => Ok(critical_paths(data, options.json)),
        "compare" => super::diagnosis::compare(data, options),
        "outliers" => super::diagnosis::outliers(data, options),
        "spans" => super::diagnosis::spans(data, options),
        other => Err(format!("unknown command {other:?}")),
    }
}

fn pct(ratio: f64) -> String {
    format!("{:.1}%", ratio * 100.0)
}

fn rate(r: Option<f64>) -> String {
    r.map_or_else(|| "-".to_string(), |r| format!("{r:.2}/s"))
}

fn summary_cells(s: &LatencySummary) -> String {
    format!(
        "{:>7} {:>6} {:>6} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>6}",
        s.count,
        s.errors,
        pct(s.error_rate),
        rate(s.throughput_per_s),
        format_duration(s.min_ns),
        format_duration(s.p50_ns),
        format_duration(s.p75_ns),
        format_duration(s.p90_ns),
        format_duration(s.p95_ns),
        format_duration(s.p99_ns),
        format_duration(s.max_ns),
        pct(s.self_share),
    )
}

const SUMMARY_HEADER: &str =
    "  count errors   rate throughput       min       p50       p75       p90       p95       p99       max   self";

fn stats(data: &Dataset, options: &Options) -> String {
    let stats = dataset_stats(data);
    let red = red_series(data, options.buckets, SpanFilter::All);
    if options.json {
        #[derive(Serialize)]
        struct Out<'a> {
            stats: &'a strand_analysis::stats::DatasetStats,
            red: &'a strand_analysis::stats::RedSeries,
        }
        return json(&Out { stats: &stats, red: &red });
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} spans, {} errors, window {} ({} to {}); percentiles are nearest-rank",
        stats.span_count,
        stats.error_count,
        format_duration(stats.window.end_ns.saturating_sub(stats.window.start_ns)),
        format_timestamp_utc(stats.window.start_ns),
        format_timestamp_utc(stats.window.end_ns),
    );
    let _ = writeln!(out, "\nper service\n{:<28}{SUMMARY_HEADER}", "service");
    for s in &stats.services {
        let _ = writeln!(out, "{:<28}{}", s.service, summary_cells(&s.summary));
    }
    let _ = writeln!(out, "\nper operation\n{:<52}{SUMMARY_HEADER}", "service: operation [kind]");
    for o in &stats.operations {
        let label = format!("{}: {} [{}]", o.service, o.operation, o.kind.as_str());
        let _ = writeln!(out, "{label:<52}{}", summary_cells(&o.summary));
    }
    let _ = writeln!(out, "\nrate, errors and duration over time ({} buckets by span start)", red.buckets.len());
    let _ = writeln!(out, "{:<23} {:>7} {:>6} {:>9} {:>9}", "bucket start (UTC)", "spans", "errors", "p50", "p99");
    for b in &red.buckets {
        let _ = writeln!(
            out,
            "{:<23} {:>7} {:>6} {:>9} {:>9}",
            format_timestamp_utc(b.start_ns),
            b.count,
            b.errors,
            b.p50_ns.map_or_else(|| "-".into(), format_duration),
            b.p99_ns.map_or_else(|| "-".into(), format_duration),
        );
    }
    out
}

fn trace_stats_command(data: &Dataset, options: &Options) -> Result<String, String> {
    let group_by = match options.group_by.as_deref() {
        None | Some("service") => GroupBy::Service,
        Some("operation") => GroupBy::Operation,
        Some(key) => match data.strings.lookup(key) {
            Some(id) => GroupBy::Attribute(id),
            None => return Err(format!("no loaded span has an attribute {key:?}")),
        },
    };
    #[derive(Serialize)]
    struct Out {
        trace_id: String,
        stats: strand_analysis::stats::TraceStats,
    }
    let all: Vec<Out> = data
        .traces
        .iter()
        .map(|t| Out {
            trace_id: t.trace_id.display(&data.strings),
            stats: trace_stats(&data.strings, t, &SpanTree::build(t), group_by),
        })
        .collect();
    if options.json {
        return Ok(json(&all));
    }
    let mut out = String::new();
    for (trace, o) in data.traces.iter().zip(&all) {
        let _ = writeln!(out, "{}", trace_title(data, trace));
        let _ = writeln!(
            out,
            "  {:<44} {:>6} {:>9} {:>9} {:>9} {:>9} {:>10} {:>9} {:>7}",
            "group", "count", "total", "avg", "min", "max", "self total", "self avg", "share"
        );
        for g in &o.stats.groups {
            let _ = writeln!(
                out,
                "  {:<44} {:>6} {:>9} {:>9} {:>9} {:>9} {:>10} {:>9} {:>7}",
                g.key.label(),
                g.count,
                format_duration(g.total_ns),
                format_duration(g.avg_ns),
                format_duration(g.min_ns),
                format_duration(g.max_ns),
                format_duration(g.self_total_ns),
                format_duration(g.self_avg_ns),
                pct(g.share)
            );
        }
        out.push('\n');
    }
    Ok(out)
}

fn graph(data: &Dataset, as_json: bool) -> String {
    let from_traces = service_graph(data);
    let from_links = graph_from_links(&data.strings, &data.dependencies);
    if as_json {
        #[derive(Serialize)]
        struct Out {
            traces: ServiceGraph,
            dependency_links: ServiceGraph,
        }
        return json(&Out { traces: from_traces, dependency_links: from_links });
    }
    let mut out = String::new();
    if !data.traces.is_empty() {
        out.push_str(&graph_text("service graph of the loaded traces", &from_traces));
    }
    if !data.dependencies.is_empty() {
        out.push_str(&graph_text("service graph of the loaded dependency links", &from_links));
    }
    out
}

fn graph_text(title: &str, graph: &ServiceGraph) -> String {
    let mut out = format!("{title}: {} nodes, {} edges\n", graph.nodes.len(), graph.edges.len());
    let _ = writeln!(out, "{:<28} {:<9} {:>7} {:>6} {:>9} {:>9}", "node", "kind", "spans", "errors", "p50", "p99");
    for n in &graph.nodes {
        let _ = writeln!(
            out,
            "{:<28} {:<9} {:>7} {:>6} {:>9} {:>9}",
            n.name,
            n.kind.as_str(),
            n.span_count,
            n.error_count,
            n.p50_ns.map_or_else(|| "-".into(), format_duration),
            n.p99_ns.map_or_else(|| "-".into(), format_duration)
        );
    }
    let _ = writeln!(out, "{:<48} {:>7} {:>6} {:>9} {:>9} {:>9}", "edge", "calls", "errors", "p50", "p90", "p99");
    let name = |i: usize| graph.nodes.get(i).map_or("?", |n| n.name.as_str());
    for e in &graph.edges {
        let _ = writeln!(
            out,
            "{:<48} {:>7} {:>6} {:>9} {:>9} {:>9}",
            format!("{} -> {}", name(e.from), name(e.to)),
            e.calls,
            e.errors,
            e.p50_ns.map_or_else(|| "-".into(), format_duration),
            e.p90_ns.map_or_else(|| "-".into(), format_duration),
            e.p99_ns.map_or_else(|| "-".into(), format_duration)
        );
    }
    out.push('\n');
    out
}

fn critical_paths(data: &Dataset, as_json: bool) -> String {
    #[derive(Serialize)]
    struct Step {
        span_id: String,
        service: String,
        operation: String,
        offset_ns: i64,
        duration_ns: i64,
    }
    #[derive(Serialize)]
    struct Out {
        trace_id: String,
        duration_ns: i64,
        segments: Vec<Step>,
    }
    let all: Vec<Out> = data
        .traces
        .iter()
        .map(|t| {
            let segments = critical_path(t, &SpanTree::build(t));
            Out {
                trace_id: t.trace_id.display(&data.strings),
                duration_ns: t.duration_ns(),
                segments: segments
                    .iter()
                    .filter_map(|seg| {
                        let span = t.span(seg.span)?;
                        Some(Step {
                            span_id: span.span_id.display(&data.strings),
                            service: data.strings.get(t.service_of(span)).to_string(),
                            operation: data.strings.get(span.name).to_string(),
                            offset_ns: seg.start_ns.saturating_sub(t.start_ns),
                            duration_ns: seg.end_ns.saturating_sub(seg.start_ns),
                        })
                    })
                    .collect(),
            }
        })
        .collect();
    if as_json {
        return json(&all);
    }
    let mut out = String::new();
    for (trace, o) in data.traces.iter().zip(&all) {
        let _ = writeln!(out, "{}", trace_title(data, trace));
        for s in &o.segments {
            let _ = writeln!(
                out,
                "  +{:<10} {:>9}  {}: {} ({})",
                format_duration(s.offset_ns),
                format_duration(s.duration_ns),
                s.service,
                s.operation,
                s.span_id
            );
        }
        out.push('\n');
    }
    out
}
