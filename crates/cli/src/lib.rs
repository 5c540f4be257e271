//! The command-line interface on the same engine as the app (`strand-cli`): load trace and log
//! files, print traces, warnings, statistics, the service graph, critical paths, comparisons,
//! log lines or the canonical dump, as text or `--json`, or export them to another format. Pure: takes arguments and file contents, returns the
//! output, so tests call it directly. Depends on `model`, `formats`, `analysis` and `view`.

use serde::Serialize;
use std::fmt::Write;
use strand_formats::{self as formats, AssembleOptions, Format};
use strand_model::dump::{dump_trace, dump_unmatched_logs};

mod logs;
use strand_model::time::{format_duration, format_timestamp_utc};
use strand_model::Dataset;

pub const USAGE: &str = "\
usage: strand-cli [options] <command> <file>...

Loads trace and log files (Jaeger JSON, Zipkin v2 JSON, OTLP JSON or JSON lines, dependency
links; OTLP logs, ECS / Elasticsearch, JSON log lines / Fluentd / Fluent Bit, Loki answers; the
format is detected) and prints, for all of them together:

commands:
  traces          one line per trace: root, start, duration, spans, services, errors, warnings
  warnings        what import repaired, per trace
  stats           latency statistics per service and per (service, operation, kind)
  trace-stats     per-trace statistics grouped by --group-by (default: service)
  graph           the service dependency graph (calls, errors, p50/p90/p99 per edge)
  critical-path   each trace's critical path, as segments of spans
  compare         compare the first two traces loaded (spans added, removed, changed)
  dump            the canonical text dump of every trace (and the unmatched log lines)
  logs            per trace: log lines at spans, in the trace only, and unmatched; levels
  export          every trace in another format (--to), on stdout: strand-cli export --to chrome f.json > out.json

options:
  --json                 print JSON instead of text
  --format NAME          read every file as NAME (jaeger, zipkin, otlp, otlp-lines, dependencies,
                         otlp-logs, ecs, json-logs, loki)
  --no-clock-skew        keep the files' timestamps (no clock-skew adjustment)
  --trace ID             only the trace with this id (or id prefix)
  --group-by KEY         trace-stats grouping: service, operation, or an attribute key
  --buckets N            stats: number of RED time-series buckets (default 10)
  --lines                logs: list every line too
  --to FORMAT            export: chrome, zipkin, jaeger, otlp or otlp-logs
  --mask RULES           export: mask values first (e.g. defaults, or *.email,ip:*,-user.id)
  --pretty               export: indented JSON
  -h, --help             this text

exit status: 0 success, 1 a file could not be loaded (the others are still used), 2 bad usage";

/// What a run printed and how it ended.
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

#[derive(Debug, Default)]
struct Options {
    command: String,
    files: Vec<String>,
    json: bool,
    format: Option<Format>,
    no_skew: bool,
    trace: Option<String>,
    group_by: Option<String>,
    buckets: usize,
    lines: bool,
    to: Option<String>,
    mask: Option<String>,
    pretty: bool,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut o = Options { buckets: 10, ..Options::default() };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--json" => o.json = true,
            "--lines" => o.lines = true,
            "--pretty" => o.pretty = true,
            "--to" => o.to = Some(it.next().ok_or("--to needs a format")?.clone()),
            "--mask" => o.mask = Some(it.next().ok_or("--mask needs rules (e.g. defaults)")?.clone()),
            "--no-clock-skew" => o.no_skew = true,
            "--format" => {
                let name = it.next().ok_or("--format needs a name")?;
                o.format = Some(Format::parse(name).ok_or_else(|| format!("unknown format {name:?}"))?);
            }
            "--trace" => o.trace = Some(it.next().ok_or("--trace needs an id")?.to_lowercase()),
            "--group-by" => o.group_by = Some(it.next().ok_or("--group-by needs a key")?.clone()),
            "--buckets" => {
                let n = it.next().ok_or("--buckets needs a number")?;
                o.buckets = n.parse().ok().filter(|&b| b > 0).ok_or_else(|| format!("bad bucket count {n:?}"))?;
            }
            flag if flag.starts_with('-') && flag.len() > 1 => return Err(format!("unknown option {flag}")),
            word if o.command.is_empty() => o.command = word.to_string(),
            file => o.files.push(file.to_string()),
        }
    }
    if o.command.is_empty() {
        return Err("no command given".into());
    }
    if o.files.is_empty() {
        return Err("no trace or log files given".into());
    }
    Ok(o)
}

/// Runs the CLI. `read` returns a file's bytes (std::fs::read in the binary, fixtures in tests).
pub fn run(args: &[String], read: &dyn Fn(&str) -> Result<Vec<u8>, String>) -> Outcome {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        return Outcome { stdout: format!("{USAGE}\n"), stderr: String::new(), code: 0 };
    }
    let options = match parse_args(args) {
        Ok(o) => o,
        Err(e) => return Outcome { stdout: String::new(), stderr: format!("strand-cli: {e}\n\n{USAGE}\n"), code: 2 },
    };
    let mut stderr = String::new();
    let mut code = 0;
    let mut data = Dataset::new();
    let assemble = AssembleOptions { adjust_clock_skew: !options.no_skew };
    for file in &options.files {
        let loaded = read(file).and_then(|bytes| {
            formats::load(&mut data, &bytes, file, options.format, &assemble).map_err(|e| e.to_string())
        });
        match loaded {
            Ok((_, summary)) => {
                for note in summary.notes {
                    let _ = writeln!(stderr, "strand-cli: {file}: {note}");
                }
            }
            Err(e) => {
                let _ = writeln!(stderr, "strand-cli: {e}");
                code = 1;
            }
        }
    }
    if let Some(prefix) = &options.trace {
        data.traces.retain(|t| t.trace_id.display(&data.strings).starts_with(prefix.as_str()));
        data.unmatched_logs.retain(|t| t.trace_id.display(&data.strings).starts_with(prefix.as_str()));
        if data.traces.is_empty() {
            let _ = writeln!(stderr, "strand-cli: no loaded trace has an id starting with {prefix}");
            code = 1;
        }
    }
    let result = match options.command.as_str() {
        "traces" => Ok(traces(&data, options.json)),
        "warnings" => Ok(warnings(&data, options.json)),
        "dump" => Ok(data
            .traces
            .iter()
            .map(|t| dump_trace(&data.strings, t) + "\n")
            .chain(data.unmatched_logs.iter().map(|g| dump_unmatched_logs(&data.strings, g) + "\n"))
            .collect()),
        "logs" => Ok(logs::logs(&data, &options)),
        "export" => logs::export_command(&data, &options),
        other => commands::run(other, &data, &options),
    };
    match result {
        Ok(stdout) => Outcome { stdout, stderr, code },
        Err(e) => Outcome { stdout: String::new(), stderr: stderr + &format!("strand-cli: {e}\n\n{USAGE}\n"), code: 2 },
    }
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).map(|s| s + "\n").unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"))
}

#[derive(Serialize)]
struct TraceRow {
    trace_id: String,
    root_service: String,
    root_operation: String,
    start: String,
    start_ns: i64,
    duration_ns: i64,
    spans: usize,
    services: usize,
    errors: usize,
    warnings: usize,
    sources: Vec<String>,
}

fn traces(data: &Dataset, as_json: bool) -> String {
    let rows: Vec<TraceRow> = strand_view::trace_list::summaries(data)
        .into_iter()
        .map(|s| TraceRow {
            trace_id: s.trace_id,
            root_service: s.root_service,
            root_operation: s.root_name,
            start: s.start,
            start_ns: s.start_ns,
            duration_ns: s.duration_ns,
            spans: s.spans,
            services: s.services,
            errors: s.errors,
            warnings: s.warnings,
            sources: data
                .traces
                .get(s.index)
                .map(|t| t.sources.iter().map(|&id| data.strings.get(id).to_string()).collect())
                .unwrap_or_default(),
        })
        .collect();
    if as_json {
        return json(&rows);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<32}  {:<23}  {:>9}  {:>6}  {:>4}  {:>6}  {:>5}  root",
        "trace", "start (UTC)", "duration", "spans", "svcs", "errors", "warn"
    );
    for r in &rows {
        let _ = writeln!(
            out,
            "{:<32}  {:<23}  {:>9}  {:>6}  {:>4}  {:>6}  {:>5}  {}: {}",
            r.trace_id,
            r.start,
            format_duration(r.duration_ns),
            r.spans,
            r.services,
            r.errors,
            r.warnings,
            r.root_service,
            r.root_operation
        );
    }
    out
}

#[derive(Serialize)]
struct WarningRow {
    trace_id: String,
    span_id: Option<String>,
    span_name: Option<String>,
    code: &'static str,
    detail: String,
}

fn warnings(data: &Dataset, as_json: bool) -> String {
    let mut rows = Vec::new();
    for trace in &data.traces {
        for w in &trace.warnings {
            let span = w.span.and_then(|i| trace.span(i));
            rows.push(WarningRow {
                trace_id: trace.trace_id.display(&data.strings),
                span_id: span.map(|s| s.span_id.display(&data.strings)),
                span_name: span.map(|s| data.strings.get(s.name).to_string()),
                code: w.kind.code(),
                detail: w.detail.to_string(),
            });
        }
    }
    if as_json {
        return json(&rows);
    }
    let mut out = String::new();
    for r in &rows {
        let _ = match (&r.span_id, &r.span_name) {
            (Some(id), Some(name)) => writeln!(out, "{} {} ({name}): {}: {}", r.trace_id, id, r.code, r.detail),
            _ => writeln!(out, "{}: {}: {}", r.trace_id, r.code, r.detail),
        };
    }
    if rows.is_empty() {
        out.push_str("no warnings\n");
    }
    out
}

/// One line naming a trace: id, root service and operation, start, duration.
fn trace_title(data: &Dataset, trace: &strand_model::Trace) -> String {
    let root = trace.root();
    format!(
        "trace {} {}: {} ({}, {})",
        trace.trace_id.display(&data.strings),
        root.map(|r| data.strings.get(trace.service_of(r))).unwrap_or(""),
        root.map(|r| data.strings.get(r.name)).unwrap_or(""),
        format_timestamp_utc(trace.start_ns),
        format_duration(trace.duration_ns())
    )
}

mod commands {
    //! The analysis commands: each builds the analysis result, then prints it as text or JSON.
    use super::*;
    use strand_analysis::compare::compare;
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
            "compare" => compare_command(data, options.json),
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

    fn compare_command(data: &Dataset, as_json: bool) -> Result<String, String> {
        let (Some(a), Some(b)) = (data.traces.first(), data.traces.get(1)) else {
            return Err(format!("compare needs two traces; {} loaded", data.traces.len()));
        };
        let result = compare(&data.strings, a, b);
        if as_json {
            return Ok(json(&result));
        }
        let mut out = format!("A = {}\nB = {}\n", trace_title(data, a), trace_title(data, b));
        let _ = writeln!(out, "{:<8} {:>4} {:>4} {:>10} {:>10}  path", "status", "#A", "#B", "mean A", "mean B");
        for r in &result.rows {
            let _ = writeln!(
                out,
                "{:<8} {:>4} {:>4} {:>10} {:>10}  {}{}: {}",
                r.status.as_str(),
                r.count_a,
                r.count_b,
                format_duration(r.mean_a_ns),
                format_duration(r.mean_b_ns),
                "  ".repeat(r.depth.min(30) as usize),
                r.service,
                r.operation
            );
        }
        Ok(out)
    }
}
