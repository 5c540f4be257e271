//! The flat span list of the trace page: one row per span in tree order with service, name,
//! depth and duration as text. Depends on `model` only.

use strand_model::time::format_duration;
use strand_model::{Interner, SpanKind, StatusCode, Trace};

#[derive(Clone, Debug, PartialEq)]
pub struct SpanRow {
    pub index: u32,
    pub depth: u32,
    pub service: String,
    pub name: String,
    pub kind: SpanKind,
    pub error: bool,
    pub offset: String,
    pub duration: String,
    pub warnings: usize,
    pub events: usize,
    /// Bar position and width in percent of the trace's duration.
    pub left_pct: f64,
    pub width_pct: f64,
}

/// Rows for every span of `trace` in tree order.
pub fn span_rows(strings: &Interner, trace: &Trace) -> Vec<SpanRow> {
    let mut warning_counts = vec![0usize; trace.spans.len()];
    for w in &trace.warnings {
        if let Some(c) = w.span.and_then(|s| warning_counts.get_mut(s as usize)) {
            *c += 1;
        }
    }
    let total = trace.duration_ns();
    trace
        .order
        .iter()
        .filter_map(|&i| {
            let span = trace.span(i)?;
            Some(SpanRow {
                index: i,
                depth: trace.depth.get(i as usize).copied().unwrap_or(0),
                service: strings.get(trace.service_of(span)).to_string(),
                name: strings.get(span.name).to_string(),
                kind: span.kind,
                error: span.status == StatusCode::Error,
                offset: format_duration(span.start_ns.saturating_sub(trace.start_ns)),
                duration: format_duration(span.duration_ns),
                warnings: warning_counts.get(i as usize).copied().unwrap_or(0),
                events: trace.events_of(span).len(),
                left_pct: percent(span.start_ns.saturating_sub(trace.start_ns), total),
                width_pct: percent(span.duration_ns, total),
            })
        })
        .collect()
}

fn percent(part_ns: i64, total_ns: i64) -> f64 {
    if total_ns <= 0 {
        return 0.0;
    }
    (part_ns as f64 / total_ns as f64 * 100.0).clamp(0.0, 100.0)
}

/// The first `limit` of the trace's warnings as lines for people, span warnings naming their
/// span, in tree order. Only the lines asked for are formatted: a trace can carry a warning per
/// span, and their text is the costly part.
pub fn warning_lines(strings: &Interner, trace: &Trace, limit: usize) -> Vec<String> {
    let mut position = vec![usize::MAX; trace.spans.len()];
    for (pos, &i) in trace.order.iter().enumerate() {
        if let Some(p) = position.get_mut(i as usize) {
            *p = pos;
        }
    }
    let mut warnings: Vec<_> = trace.warnings.iter().collect();
    warnings.sort_by_key(|w| {
        (w.span.map_or(0, |s| position.get(s as usize).copied().unwrap_or(usize::MAX).saturating_add(1)), w.kind)
    });
    warnings
        .into_iter()
        .take(limit)
        .map(|w| match w.span.and_then(|s| trace.span(s)) {
            Some(span) => format!(
                "{}: {} ({}): {}",
                w.kind.code(),
                strings.get(span.name),
                strings.get(trace.service_of(span)),
                w.detail
            ),
            None => format!("{}: {}", w.kind.code(), w.detail),
        })
        .collect()
}
