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

Loads trace and log files (Jaeger JSON, Zipkin v1 or v2 JSON, OTLP JSON or JSON lines, dependency
links; OTLP logs, ECS / Elasticsearch, JSON or logfmt log lines / Fluentd / Fluent Bit, text log
lines, Loki answers; the format is detected) and prints, for all of them together:

commands:
  traces          one line per trace: root, start, duration, spans, services, errors, warnings
  warnings        what import repaired, per trace
  stats           latency statistics per service and per (service, operation, kind)
  trace-stats     per-trace statistics grouped by --group-by (default: service)
  graph           the service dependency graph (calls, errors, p50/p90/p99 per edge)
  critical-path   each trace's critical path, as segments of spans
  compare         the merged (service, operation) path tree of two traces (the first two loaded)
                  or two groups of traces (--a/--b, --slowest, --window): count, mean and p90
                  per side, and only-a / only-b / slower / faster / same per path
  outliers        what sets the spans --select picks apart from a baseline (--baseline, by
                  default the other spans of the same operations): attribute values ranked by
                  selection share minus baseline share
  spans           one line per span (or per span --select picks) with its percentile among the
                  spans of its operation (p93 of 1,204) and whether it is above their p95
  dump            the canonical text dump of every trace (and the unmatched log lines)
  logs            per trace: log lines at spans, in the trace only, and unmatched; levels
  export          every trace in another format (--to), on stdout: strand-cli export --to chrome f.json > out.json

options:
  --json                 print JSON instead of text
  --format NAME          read every file as NAME (jaeger, zipkin, zipkin-v1, otlp, otlp-lines,
                         dependencies, otlp-logs, ecs, json-logs, loki, text-logs)
  --no-clock-skew        keep the files' timestamps (no clock-skew adjustment)
  --trace ID             only the trace with this id (or id prefix)
  --group-by KEY         trace-stats grouping: service, operation, or an attribute key
  --buckets N            stats: number of RED time-series buckets (default 10)
  --select QUERY         outliers, spans: the spans to look at, in the trace search language
                         (e.g. 'service:inventory >20ms', error, http.route=/cart)
  --baseline QUERY       outliers: the spans to compare with (default: the other spans of the
                         operations of the selected spans)
  --top N                outliers: print the N best pairs (default 20; 0 for all)
  --a QUERY, --b QUERY   compare: group A is the traces with a span matching QUERY; group B
                         those matching --b, or every other trace
  --slowest PCT          compare: group B is the slowest PCT% of the traces, A the rest
  --window FROM~TO       compare: group B is the traces starting in FROM..TO (ns since the
                         epoch, both included), A the others
  --root SERVICE:OP      compare --slowest/--window: only traces whose root is this operation
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
    select: Option<String>,
    baseline: Option<String>,
    top: usize,
    a: Option<String>,
    b: Option<String>,
    slowest: Option<u32>,
    window: Option<(i64, i64)>,
    root: Option<(String, String)>,
    lines: bool,
    to: Option<String>,
    mask: Option<String>,
    pretty: bool,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut o = Options { buckets: 10, top: 20, ..Options::default() };
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
            "--select" => o.select = Some(it.next().ok_or("--select needs a query")?.clone()),
            "--baseline" => o.baseline = Some(it.next().ok_or("--baseline needs a query")?.clone()),
            "--a" => o.a = Some(it.next().ok_or("--a needs a query")?.clone()),
            "--b" => o.b = Some(it.next().ok_or("--b needs a query")?.clone()),
            "--top" => {
                let n = it.next().ok_or("--top needs a number")?;
                o.top = n.parse().map_err(|_| format!("bad count {n:?}"))?;
            }
            "--slowest" => {
                let p = it.next().ok_or("--slowest needs a percentage")?;
                let p = p.trim_end_matches('%');
                o.slowest = Some(
                    p.parse()
                        .ok()
                        .filter(|p| (1..=100).contains(p))
                        .ok_or_else(|| format!("bad percentage {p:?} (a whole number from 1 to 100)"))?,
                );
            }
            "--window" => {
                let w = it.next().ok_or("--window needs FROM~TO")?;
                let parsed = w.split_once('~').and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
                o.window = Some(parsed.ok_or_else(|| format!("bad window {w:?} (FROM~TO in ns since the epoch)"))?);
            }
            "--root" => {
                let r = it.next().ok_or("--root needs SERVICE:OPERATION")?;
                let (service, op) = r.split_once(':').ok_or_else(|| format!("bad root {r:?} (SERVICE:OPERATION)"))?;
                o.root = Some((service.trim().to_string(), op.trim().to_string()));
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
                for note in &summary.notes {
                    let _ = writeln!(stderr, "strand-cli: {file}: {note}");
                }
                if let Some(repeated) = summary.repeated_text() {
                    let _ = writeln!(stderr, "strand-cli: {file}: {repeated}");
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

mod commands;
mod diagnosis;
