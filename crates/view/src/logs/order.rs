//! The Logs tab and the unmatched list at any size: which lines pass the filter (indices, in
//! time order) and what the filter chooses from, without building the text of every line; the
//! text of a row is made when it comes into view ([`log_row`], [`unmatched_row`]), as the spans
//! table does. The filter matches as the search language's `log:` term does.

use super::{log_line, LogFilter, LogRow, Unmatched, UnmatchedRow};
use crate::search::logs::line_contains;
use strand_model::format::counted;
use strand_model::{Dataset, Interner, Level, LogRecord, Trace};

/// The lines of a trace that pass a filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogOrder {
    /// Indices into `Trace::logs`, in time order.
    pub lines: Vec<u32>,
    /// Lines in the trace, before filtering.
    pub total: usize,
    /// Lines per level over the whole trace, in level order, levels with lines only.
    pub by_level: Vec<(Level, usize)>,
    /// The services that wrote lines, sorted.
    pub services: Vec<String>,
}

impl LogFilter {
    /// Whether `log` (a line of `trace`) passes; `needle` is `text` in lowercase.
    pub(crate) fn keeps_record(&self, strings: &Interner, trace: &Trace, log: &LogRecord, needle: &str) -> bool {
        if self.min_level != Level::Unspecified && log.level() < self.min_level {
            return false;
        }
        if self.span.is_some_and(|s| s != log.span) {
            return false;
        }
        let service = trace.log_resources.get(log.resource as usize).map_or("", |r| strings.get(r.service));
        if !self.service.is_empty() && !service.eq_ignore_ascii_case(&self.service) {
            return false;
        }
        needle.is_empty() || service.to_lowercase().contains(needle) || line_contains(strings, trace, log, needle)
    }
}

/// Counts per level and the services of `trace`'s lines, added to `levels` and `services`.
fn tally(strings: &Interner, trace: &Trace, levels: &mut [usize; 7], services: &mut Vec<String>) {
    let mut used = vec![false; trace.log_resources.len()];
    for log in &trace.logs {
        if let Some(slot) = Level::ALL.iter().position(|l| *l == log.level()).and_then(|p| levels.get_mut(p)) {
            *slot += 1;
        }
        if let Some(u) = used.get_mut(log.resource as usize) {
            *u = true;
        }
    }
    for (resource, _) in trace.log_resources.iter().zip(used).filter(|(_, u)| *u) {
        let service = strings.get(resource.service);
        if !service.is_empty() && !services.iter().any(|s| s == service) {
            services.push(service.to_string());
        }
    }
}

fn levels_with_lines(levels: [usize; 7]) -> Vec<(Level, usize)> {
    Level::ALL.iter().copied().zip(levels).filter(|(_, n)| *n > 0).collect()
}

/// The lines of `trace` that pass `filter`.
pub fn log_order(strings: &Interner, trace: &Trace, filter: &LogFilter) -> LogOrder {
    let needle = filter.text.to_lowercase();
    let mut lines: Vec<u32> = (0..trace.logs.len() as u32)
        .filter(|&i| trace.logs.get(i as usize).is_some_and(|log| filter.keeps_record(strings, trace, log, &needle)))
        .collect();
    // Lines are in time order, those without a time first (0): they are shown at their span's
    // start, so they take their place there (the lines are sorted, so the first one tells).
    if trace.logs.first().is_some_and(|l| !l.has_time()) {
        let at = |i: &u32| trace.logs.get(*i as usize).map_or(0, |l| super::display_time_ns(trace, l));
        strand_model::order::sort_by_key(&mut lines, at);
    }
    let mut levels = [0usize; 7];
    let mut services = Vec::new();
    tally(strings, trace, &mut levels, &mut services);
    strand_model::order::sort(&mut services);
    LogOrder { lines, total: trace.logs.len(), by_level: levels_with_lines(levels), services }
}

/// Line `index` of `trace` as a row of the Logs tab (offset from the trace's start).
pub fn log_row(strings: &Interner, trace: &Trace, index: u32) -> Option<LogRow> {
    let log = trace.logs.get(index as usize)?;
    let line = log_line(strings, trace, index as usize, log, trace.start_ns);
    let span_label = line
        .span
        .and_then(|s| trace.span(s))
        .map(|span| format!("{}: {}", strings.get(trace.service_of(span)), strings.get(span.name)));
    Some(LogRow { line, span_label })
}

/// The unmatched lines that pass a filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnmatchedOrder {
    /// (group in `Dataset::unmatched_logs`, line in the group), in time order (ties in load order).
    pub lines: Vec<(u32, u32)>,
    /// Unmatched lines in all, before filtering, and why.
    pub total: usize,
    pub no_trace_id: usize,
    pub trace_not_loaded: usize,
    /// Trace ids named by lines whose trace is not loaded.
    pub traces_not_loaded: usize,
    pub by_level: Vec<(Level, usize)>,
    pub services: Vec<String>,
    /// The earliest unmatched line: offsets are from it.
    pub first_ns: i64,
}

pub fn unmatched_order(data: &Dataset, filter: &LogFilter) -> UnmatchedOrder {
    let strings = &data.strings;
    let needle = filter.text.to_lowercase();
    let mut order = UnmatchedOrder {
        first_ns: data
            .unmatched_logs
            .iter()
            .flat_map(|g| g.logs.iter().filter(|l| l.has_time()).map(|l| l.time_ns))
            .min()
            .unwrap_or(0),
        ..UnmatchedOrder::default()
    };
    let mut levels = [0usize; 7];
    let mut keyed: Vec<(i64, u32, u32)> = Vec::new();
    for (g, group) in data.unmatched_logs.iter().enumerate() {
        order.total += group.logs.len();
        if group.trace_id.is_empty() {
            order.no_trace_id += group.logs.len();
        } else {
            order.trace_not_loaded += group.logs.len();
            order.traces_not_loaded += usize::from(!group.logs.is_empty());
        }
        tally(strings, group, &mut levels, &mut order.services);
        for (i, log) in group.logs.iter().enumerate() {
            if filter.keeps_record(strings, group, log, &needle) {
                keyed.push((super::display_time_ns(group, log), g as u32, i as u32));
            }
        }
    }
    // Groups are by trace id: put everything in time order (stable, so ties keep load order).
    strand_model::order::sort_by_key(&mut keyed, |&(t, _, _)| t);
    order.lines = keyed.into_iter().map(|(_, g, i)| (g, i)).collect();
    order.by_level = levels_with_lines(levels);
    strand_model::order::sort(&mut order.services);
    order
}

/// One unmatched line as a row, offset from the earliest unmatched line.
pub fn unmatched_row(data: &Dataset, first_ns: i64, (group, index): (u32, u32)) -> Option<UnmatchedRow> {
    let trace = data.unmatched_logs.get(group as usize)?;
    let log = trace.logs.get(index as usize)?;
    let (reason, trace_id) = if trace.trace_id.is_empty() {
        (Unmatched::NoTraceId, None)
    } else {
        (Unmatched::TraceNotLoaded, Some(trace.trace_id.display(&data.strings)))
    };
    Some(UnmatchedRow { line: log_line(&data.strings, trace, index as usize, log, first_ns), reason, trace_id })
}

impl UnmatchedRow {
    /// Why the line is here, in words: `no trace id`, `trace 1a4e… not loaded`.
    pub fn reason_text(&self) -> String {
        match (self.reason, &self.trace_id) {
            (Unmatched::TraceNotLoaded, Some(id)) => format!("trace {id} not loaded"),
            (Unmatched::TraceNotLoaded, None) => "trace not loaded".to_string(),
            (Unmatched::NoTraceId, _) => "no trace id".to_string(),
        }
    }
}

/// The link to the unmatched list: `5 log lines match no loaded trace`; `None` when every line
/// found its trace.
pub fn unmatched_summary(data: &Dataset) -> Option<String> {
    let total: usize = data.unmatched_logs.iter().map(|g| g.logs.len()).sum();
    match total {
        0 => None,
        1 => Some("1 log line matches no loaded trace".to_string()),
        n => Some(format!("{} match no loaded trace", counted(n as u64, "log line"))),
    }
}

/// The breakdown under the list's title: `4 without a trace id · 1 of 1 trace not loaded`.
pub fn unmatched_breakdown(order: &UnmatchedOrder) -> String {
    let mut parts = Vec::new();
    if order.no_trace_id > 0 {
        parts.push(format!("{} without a trace id", counted(order.no_trace_id as u64, "line")));
    }
    if order.trace_not_loaded > 0 {
        parts.push(format!(
            "{} of {} not loaded",
            counted(order.trace_not_loaded as u64, "line"),
            counted(order.traces_not_loaded as u64, "trace")
        ));
    }
    parts.join(" · ")
}
