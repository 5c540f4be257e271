//! The log and export commands: `logs` (per trace, how the loaded log lines matched spans, the
//! trace only, or nothing, and their levels) and `export` (the loaded traces in another format,
//! masked if asked). Pure, like the rest of the CLI. Depends on `model` and `view`.

use super::{json, Options};
use serde::Serialize;
use std::fmt::Write;
use strand_model::time::format_timestamp_utc;
use strand_model::{Dataset, Level, Trace};
use strand_view::export::mask::Mask;
use strand_view::export::{export, ExportFormat, ExportOptions, JsonStyle};
use strand_view::logs::{log_summary, message_text, trace_log_rows, LogFilter};

#[derive(Serialize)]
struct TraceLogs {
    trace_id: String,
    root: String,
    lines: usize,
    at_span: usize,
    trace_only: usize,
    levels: Vec<(&'static str, usize)>,
}

#[derive(Serialize)]
struct LogsReport {
    traces: Vec<TraceLogs>,
    unmatched: Unmatched,
    lines: usize,
    at_span: usize,
    trace_only: usize,
}

#[derive(Serialize, Default)]
struct Unmatched {
    lines: usize,
    without_trace_id: usize,
    trace_not_loaded: usize,
    /// Trace ids of the lines whose trace is not loaded.
    trace_ids: Vec<String>,
    levels: Vec<(&'static str, usize)>,
}

fn levels<'a>(traces: impl Iterator<Item = &'a Trace>) -> Vec<(&'static str, usize)> {
    let mut counts = [0usize; 7];
    for trace in traces {
        for log in &trace.logs {
            if let Some(slot) = Level::ALL.iter().position(|l| *l == log.level()).and_then(|p| counts.get_mut(p)) {
                *slot += 1;
            }
        }
    }
    Level::ALL.iter().zip(counts).rev().filter(|(_, n)| *n > 0).map(|(l, n)| (l.as_str(), n)).collect()
}

fn levels_text(levels: &[(&str, usize)]) -> String {
    levels.iter().map(|(l, n)| format!("{l} {n}")).collect::<Vec<_>>().join(", ")
}

/// `logs`: per trace with log lines, how they matched and their levels; then the unmatched
/// lines; with `--lines`, every line too.
pub(super) fn logs(data: &Dataset, options: &Options) -> String {
    let strings = &data.strings;
    let traces: Vec<TraceLogs> = data
        .traces
        .iter()
        .filter(|t| !t.logs.is_empty())
        .map(|t| {
            let s = log_summary(t);
            let root = t
                .root()
                .map_or(String::new(), |r| format!("{}: {}", strings.get(t.service_of(r)), strings.get(r.name)));
            TraceLogs {
                trace_id: t.trace_id.display(strings),
                root,
                lines: s.lines,
                at_span: s.at_span,
                trace_only: s.trace_only,
                levels: levels(std::iter::once(t)),
            }
        })
        .collect();
    let mut unmatched = Unmatched { levels: levels(data.unmatched_logs.iter()), ..Unmatched::default() };
    for group in &data.unmatched_logs {
        unmatched.lines += group.logs.len();
        if group.trace_id.is_empty() {
            unmatched.without_trace_id += group.logs.len();
        } else {
            unmatched.trace_not_loaded += group.logs.len();
            unmatched.trace_ids.push(group.trace_id.display(strings));
        }
    }
    let counts = data.log_counts();
    let report =
        LogsReport { traces, unmatched, lines: counts.total(), at_span: counts.span, trace_only: counts.trace_only };
    if options.json {
        return json(&report);
    }
    let mut out = String::new();
    for (t, trace) in report.traces.iter().zip(data.traces.iter().filter(|t| !t.logs.is_empty())) {
        let _ = writeln!(
            out,
            "trace {} ({}): {} lines, {} at spans, {} in the trace only; {}",
            t.trace_id,
            t.root,
            t.lines,
            t.at_span,
            t.trace_only,
            levels_text(&t.levels)
        );
        if options.lines {
            for row in trace_log_rows(strings, trace, &LogFilter::default()).rows {
                let line = row.line;
                let _ = writeln!(
                    out,
                    "  {} {:<7} {:<28} {}",
                    line.offset,
                    line.level.as_str(),
                    row.span_label.unwrap_or_else(|| "(no span)".to_string()),
                    line.message
                );
            }
        }
    }
    let u = &report.unmatched;
    if u.lines > 0 {
        let _ = writeln!(
            out,
            "unmatched: {} lines, {} without a trace id, {} of {} traces not loaded; {}",
            u.lines,
            u.without_trace_id,
            u.trace_not_loaded,
            u.trace_ids.len(),
            levels_text(&u.levels)
        );
        if options.lines {
            for group in &data.unmatched_logs {
                for log in &group.logs {
                    let _ = writeln!(
                        out,
                        "  {} {:<7} {}",
                        if log.has_time() {
                            format_timestamp_utc(log.time_ns)
                        } else {
                            strand_view::logs::NO_TIME.to_string()
                        },
                        log.level().as_str(),
                        message_text(strings, group, log)
                    );
                }
            }
        }
    }
    let _ = writeln!(
        out,
        "{} log lines: {} at a loaded span, {} in a loaded trace only, {} unmatched",
        report.lines, report.at_span, report.trace_only, u.lines
    );
    out
}

/// `export --to FORMAT`: every loaded trace (and, for OTLP logs, the unmatched lines) in one
/// document, masked with `--mask`.
pub(super) fn export_command(data: &Dataset, options: &Options) -> Result<String, String> {
    let name = options.to.as_deref().ok_or("export needs --to FORMAT (chrome, zipkin, jaeger, otlp or otlp-logs)")?;
    let format = ExportFormat::parse(name)
        .ok_or_else(|| format!("unknown export format {name:?}: use chrome, zipkin, jaeger, otlp or otlp-logs"))?;
    let mask = match &options.mask {
        Some(spec) => Mask::parse(spec)?,
        None => Mask::none(),
    };
    let style = if options.pretty { JsonStyle::Pretty } else { JsonStyle::Compact };
    let mut traces: Vec<&Trace> = data.traces.iter().collect();
    if format == ExportFormat::OtlpLogs {
        traces.extend(data.unmatched_logs.iter());
    }
    Ok(export(format, &data.strings, &traces, &ExportOptions { style, mask }))
}
