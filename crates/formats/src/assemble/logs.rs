//! Assembly's step for log lines: put them in time order and resolve each line's span id to a
//! span of the trace. Depends on `model` and the span-id index of `assemble`.

use super::IdGroups;
use strand_model::{LogRecord, SpanId, SpanIdx, StrId, Trace, NO_SPAN};

/// Sorts the trace's log lines by time (stable: lines of the same instant keep their load
/// order) and resolves their span ids. A span id that several spans share (Zipkin's client and
/// server halves, duplicates) goes to the span in the line's own service whose time covers the
/// line, else to one in its service, else to one whose time covers it, else to the first (of the
/// first 64 spans with that id).
pub(super) fn resolve_logs(trace: &mut Trace) {
    if trace.logs.is_empty() {
        return;
    }
    sort_logs(trace);
    if trace.spans.is_empty() {
        for log in &mut trace.logs {
            log.span = NO_SPAN;
        }
        return;
    }
    let index = IdGroups::build(&trace.spans);
    let mut resolved = Vec::with_capacity(trace.logs.len());
    for log in &trace.logs {
        resolved.push(log.span_id.map_or(NO_SPAN, |id| pick(trace, &index, log, id)));
    }
    for (log, span) in trace.logs.iter_mut().zip(resolved) {
        log.span = span;
    }
}

/// Time order, stable; nothing to do for lines that are in order already (the usual case).
pub fn sort_logs(trace: &mut Trace) {
    if !trace.logs.is_sorted_by_key(|l| l.time_ns) {
        trace.logs.sort_by_key(|l| l.time_ns);
    }
}

/// How many spans with the same id a line's span is chosen among.
const MAX_CANDIDATES: usize = 64;

fn pick(trace: &Trace, index: &IdGroups, log: &LogRecord, id: SpanId) -> SpanIdx {
    let service = trace.log_resources.get(log.resource as usize).map_or(StrId::EMPTY, |r| r.service);
    let mut best = NO_SPAN;
    let mut best_score = 0;
    // Real shared ids come in twos and threes; a hostile file's thousands are not all weighed.
    for idx in index.with_id(id).take(MAX_CANDIDATES) {
        let Some(span) = trace.span(idx) else { continue };
        // The span's own clock: the line was written on the span's host, before any skew shift.
        let start = span.start_ns.saturating_sub(span.skew_ns);
        let covers = start <= log.time_ns && log.time_ns <= start.saturating_add(span.duration_ns);
        let same_service = service != StrId::EMPTY && trace.service_of(span) == service;
        let score = 1 + 2 * u8::from(same_service) + u8::from(covers);
        if score > best_score {
            best = idx;
            best_score = score;
        }
    }
    best
}
