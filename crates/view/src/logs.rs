//! Log lines as the UI shows them: the lines of one span (for span details), the Logs tab of a
//! trace with its level, service and text filter, and the lines that found no loaded trace.
//! Everything is text ready to display, in time order. Depends on `model` and `view::details`.
//!
//! Times are shown on the span's clock as displayed: when assembly shifted a span to undo clock
//! skew, its lines move with it (they were written on the same host), so a line stays inside its
//! span. Lines of no span, or of spans not shifted, keep the file's time.

mod index;
mod order;

pub use index::SpanLogIndex;
pub use order::{
    log_order, log_row, unmatched_breakdown, unmatched_order, unmatched_row, unmatched_summary, LogOrder,
    UnmatchedOrder,
};

use super::details::{attr_rows, signed_duration, AttrRow};
use strand_model::dump::value_text;
use strand_model::time::{display_zone_label, format_timestamp};
use strand_model::{Dataset, Interner, Level, LogRecord, Trace, Value};

/// One log line.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    /// Its index in the trace's `logs` (a stable key for rows and selection).
    pub index: u32,
    /// The time shown (ns since the epoch), with the span's clock-skew shift.
    pub time_ns: i64,
    /// Time since the reference point (the span's or the trace's start), e.g. `+12.3ms`.
    pub offset: String,
    pub offset_ns: i64,
    /// `YYYY-MM-DD HH:MM:SS.mmm` in the display zone (the time-zone setting), like every
    /// absolute time shown; the views name the zone next to it.
    pub time: String,
    pub level: Level,
    /// The level as the file wrote it (`WARNING`, `30`); empty when it gave none.
    pub severity_text: String,
    /// The message as text (a string body as it is, other bodies as values are shown); empty
    /// when the line had no message.
    pub message: String,
    /// The line's other fields, in file order.
    pub fields: Vec<AttrRow>,
    /// Empty when unknown.
    pub service: String,
    /// The logger (instrumentation scope); empty when unknown.
    pub logger: String,
    /// The span the line belongs to (its index), when it is loaded.
    pub span: Option<u32>,
    /// The span id the line carried, as displayed elsewhere.
    pub span_id: Option<String>,
    /// The file it came from.
    pub source: String,
}

impl LogLine {
    /// [`LogLine::time`] followed by the zone's name: `2024-05-01 17:30:00.020 Asia/Kolkata`.
    pub fn time_zoned(&self) -> String {
        format!("{} {}", self.time, display_zone_label())
    }
}

/// The lines of span `span` of `trace`, by time, with offsets from the span's start.
pub fn span_logs(strings: &Interner, trace: &Trace, span: u32) -> Vec<LogLine> {
    let Some(start_ns) = trace.span(span).map(|s| s.start_ns) else { return Vec::new() };
    trace
        .logs
        .iter()
        .enumerate()
        .filter(|(_, l)| l.span == span)
        .map(|(i, l)| log_line(strings, trace, i, l, start_ns))
        .collect()
}

/// The lines of span `span` that contain `text` in their message, fields, logger or service
/// (any case, as the Logs tab's text filter and the search's `log:`), by time; an empty `text`
/// keeps every line of the span.
pub fn span_logs_matching(strings: &Interner, trace: &Trace, span: u32, text: &str) -> Vec<LogLine> {
    let Some(start_ns) = trace.span(span).map(|s| s.start_ns) else { return Vec::new() };
    let filter = LogFilter { span: Some(span), text: text.to_string(), ..LogFilter::default() };
    let needle = text.to_lowercase();
    trace
        .logs
        .iter()
        .enumerate()
        .filter(|(_, l)| filter.keeps_record(strings, trace, l, &needle))
        .map(|(i, l)| log_line(strings, trace, i, l, start_ns))
        .collect()
}

/// What the Logs tab of a trace (or the unmatched list) shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Only lines at this level or above (`Unspecified`: every line).
    pub min_level: Level,
    /// Only lines of this service (exact, any case; empty: every service).
    pub service: String,
    /// Only lines whose message, fields, logger or service contain this text (any case).
    pub text: String,
    /// Only the lines of this span.
    pub span: Option<u32>,
}

/// The Logs tab of a trace: the rows that pass the filter and what the filter chooses from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogRows {
    pub rows: Vec<LogRow>,
    /// Lines in the trace, before filtering.
    pub total: usize,
    /// Lines per level over the whole trace, in level order, levels with lines only.
    pub by_level: Vec<(Level, usize)>,
    /// The services that wrote lines, sorted.
    pub services: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LogRow {
    pub line: LogLine,
    /// `service: name` of the line's span, when it has one.
    pub span_label: Option<String>,
}

/// The rows of a trace's Logs tab, by time, offsets from the trace's start. (The app builds
/// only the rows in view: [`log_order`], then [`log_row`].)
pub fn trace_log_rows(strings: &Interner, trace: &Trace, filter: &LogFilter) -> LogRows {
    let order = log_order(strings, trace, filter);
    let rows = order.lines.iter().filter_map(|&i| log_row(strings, trace, i)).collect();
    LogRows { rows, total: order.total, by_level: order.by_level, services: order.services }
}

/// Why a line found no loaded trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unmatched {
    /// It carries no trace id.
    NoTraceId,
    /// Its trace is not loaded.
    TraceNotLoaded,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UnmatchedRow {
    pub line: LogLine,
    pub reason: Unmatched,
    /// The trace id the line carried (`None` for [`Unmatched::NoTraceId`]).
    pub trace_id: Option<String>,
}

/// The lines that found no loaded trace, by time (offsets from the first of them), filtered.
/// (The app builds only the rows in view: [`unmatched_order`], then [`unmatched_row`].)
pub fn unmatched_logs(data: &Dataset, filter: &LogFilter) -> Vec<UnmatchedRow> {
    let order = unmatched_order(data, filter);
    order.lines.iter().filter_map(|&at| unmatched_row(data, order.first_ns, at)).collect()
}

/// How a trace's lines are spread, for a tab's label or a list column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogSummary {
    pub lines: usize,
    pub at_span: usize,
    pub trace_only: usize,
    /// Lines at level error or fatal.
    pub errors: usize,
    pub warnings: usize,
}

pub fn log_summary(trace: &Trace) -> LogSummary {
    let mut s = LogSummary { lines: trace.logs.len(), ..LogSummary::default() };
    for log in &trace.logs {
        if log.has_span() {
            s.at_span += 1;
        }
        match log.level() {
            Level::Error | Level::Fatal => s.errors += 1,
            Level::Warn => s.warnings += 1,
            _ => {}
        }
    }
    s.trace_only = s.lines - s.at_span;
    s
}

/// Shown for the time and offset of a line without any time and without a span or trace.
pub const NO_TIME: &str = "no time";

/// The time a line is shown at: the file's, moved with its span's clock-skew shift. A line
/// without any time (0: its file had none, as winston's plain `json()` format writes them) is
/// shown at its span's start, else its trace's.
pub fn display_time_ns(trace: &Trace, log: &LogRecord) -> i64 {
    let span = trace.span(log.span);
    if !log.has_time() {
        return span.map_or(if trace.spans.is_empty() { 0 } else { trace.start_ns }, |s| s.start_ns);
    }
    log.time_ns.saturating_add(span.map_or(0, |s| s.skew_ns))
}

/// The message of a line as text: a string as it is, any other body as values are shown.
pub fn message_text(strings: &Interner, trace: &Trace, log: &LogRecord) -> String {
    match log.body {
        Value::Empty => String::new(),
        body => value_text(strings, trace, body),
    }
}

fn log_line(strings: &Interner, trace: &Trace, index: usize, log: &LogRecord, reference_ns: i64) -> LogLine {
    let time_ns = display_time_ns(trace, log);
    // A line without a time that has no span or trace to be shown at (unmatched) says so.
    let timeless = !log.has_time() && time_ns == 0;
    let offset_ns = if timeless { 0 } else { time_ns.saturating_sub(reference_ns) };
    LogLine {
        index: u32::try_from(index).unwrap_or(u32::MAX),
        time_ns,
        offset: if timeless { NO_TIME.to_string() } else { signed_duration(offset_ns) },
        offset_ns,
        time: if timeless { NO_TIME.to_string() } else { format_timestamp(time_ns) },
        level: log.level(),
        severity_text: strings.get(log.severity_text).to_string(),
        message: message_text(strings, trace, log),
        fields: attr_rows(strings, trace, trace.attrs_of(log.attrs)),
        service: trace.log_resources.get(log.resource as usize).map_or("", |r| strings.get(r.service)).to_string(),
        logger: trace.log_scopes.get(log.scope as usize).map_or("", |s| strings.get(s.name)).to_string(),
        span: log.has_span().then_some(log.span),
        span_id: log.span_id.map(|id| id.display(strings)),
        source: strings.get(log.source).to_string(),
    }
}

#[cfg(test)]
pub(crate) mod tests;
