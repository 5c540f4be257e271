//! Step 1 of assembly: spans that are exact copies of an earlier span (same id and content; the
//! same file loaded twice, or a producer that wrote a span twice) are dropped, with a warning on
//! the copy that stays.

use super::IdGroups;
use strand_model::dump::format_attrs;
use strand_model::{Interner, Span, SpanIdx, Trace, Warning, WarningKind, NO_PARENT};

/// How many earlier spans of the same id a span is compared with to find an exact copy.
const MAX_DUPLICATE_CHECKS: usize = 64;

pub(super) fn drop_exact_duplicates(trace: &mut Trace, strings: &Interner, index: &IdGroups) -> bool {
    let mut drop = vec![false; trace.spans.len()];
    let mut notes: Vec<SpanIdx> = Vec::new();
    for (i, span) in trace.spans.iter().enumerate() {
        let Some((_, group)) = index.of_span(i).filter(|(_, g)| g.len > 1) else { continue };
        // Bounded, so that thousands of different spans sharing one id stay linear (exact
        // copies, e.g. a file loaded twice, sit in small groups and are always found).
        for earlier in index.members(group).take(MAX_DUPLICATE_CHECKS) {
            if earlier as usize >= i {
                break;
            }
            if drop.get(earlier as usize).copied().unwrap_or(true) {
                continue;
            }
            let Some(other) = trace.spans.get(earlier as usize) else { continue };
            if same_content(trace, strings, other, span) {
                if let Some(d) = drop.get_mut(i) {
                    *d = true;
                }
                notes.push(earlier);
                break;
            }
        }
    }
    if notes.is_empty() {
        return false;
    }
    // Compact the spans and renumber warnings; pool entries of dropped spans stay unused.
    let mut new_index = vec![NO_PARENT; trace.spans.len()];
    let mut kept = 0u32;
    for (i, slot) in new_index.iter_mut().enumerate() {
        if !drop.get(i).copied().unwrap_or(false) {
            *slot = kept;
            kept += 1;
        }
    }
    let mut i = 0usize;
    trace.spans.retain(|_| {
        let keep = !drop.get(i).copied().unwrap_or(false);
        i += 1;
        keep
    });
    trace.warnings.retain_mut(|w| match w.span {
        None => true,
        Some(s) => match new_index.get(s as usize).copied() {
            Some(n) if n != NO_PARENT => {
                w.span = Some(n);
                true
            }
            _ => false,
        },
    });
    for kept_idx in notes {
        let Some(&n) = new_index.get(kept_idx as usize) else { continue };
        let id = trace.spans.get(n as usize).map(|s| s.span_id.display(strings)).unwrap_or_default();
        trace.warnings.push(Warning::span(
            n,
            WarningKind::DuplicateDropped,
            format!("an identical copy of span {id} was dropped"),
        ));
    }
    true
}

fn same_content(trace: &Trace, strings: &Interner, a: &Span, b: &Span) -> bool {
    let scalar_eq = a.span_id == b.span_id
        && a.parent_id == b.parent_id
        && a.parent_relation == b.parent_relation
        && a.name == b.name
        && a.kind == b.kind
        && a.status == b.status
        && a.status_message == b.status_message
        && a.start_ns == b.start_ns
        && a.duration_ns == b.duration_ns
        && a.shared == b.shared
        && a.flags == b.flags
        && trace.service_of(a) == trace.service_of(b)
        && a.attrs.len == b.attrs.len
        && a.events.len == b.events.len
        && a.links.len == b.links.len;
    if !scalar_eq {
        return false;
    }
    let attrs_eq =
        format_attrs(strings, trace, trace.attrs_of(a.attrs)) == format_attrs(strings, trace, trace.attrs_of(b.attrs));
    let events_eq = trace.events_of(a).iter().zip(trace.events_of(b)).all(|(x, y)| {
        x.time_ns == y.time_ns
            && x.name == y.name
            && format_attrs(strings, trace, trace.attrs_of(x.attrs))
                == format_attrs(strings, trace, trace.attrs_of(y.attrs))
    });
    let links_eq = trace
        .links_of(a)
        .iter()
        .zip(trace.links_of(b))
        .all(|(x, y)| x.trace_id == y.trace_id && x.span_id == y.span_id && x.kind == y.kind);
    attrs_eq && events_eq && links_eq
}
