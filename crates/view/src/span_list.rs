//! The trace's warnings as lines for people, in the order of the span tree (the warnings list
//! of the trace page). Depends on `model` only.

use strand_model::{Interner, Trace};

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
    strand_model::order::sort_by_key(&mut warnings, |w| {
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
