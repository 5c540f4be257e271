//! Sets of spans and of traces that the diagnosis views compare: span references across traces,
//! the default baseline of a span selection, and the two usual ways of splitting traces into
//! groups (the slowest share of one root operation against the rest, the traces that start in a
//! time window against the others). Depends on `model` only.
//!
//! The rules:
//!
//! - **Span references** ([`SpanRef`]) name a span by its trace's index in `Dataset::traces` and
//!   its index in that trace's `spans`. Lists of them are kept sorted and free of duplicates.
//! - **Default baseline** ([`same_operation_baseline`]): every span that is not selected and has
//!   the operation — (service, span name, kind), as in the analytics table — of a selected span.
//! - **Slowest share** ([`slowest_split`]): among the traces whose root (the first root in tree
//!   order) has the given service and span name (all traces when none is given), the focus is
//!   the `ceil(percent / 100 × n)` longest ones (ties: the earlier trace in the dataset first),
//!   and the rest is the others. `percent` is clamped to 0..=100.
//! - **Time window** ([`window_split`]): the focus is the traces (of that root operation, when
//!   one is given) that *start* in `from_ns..=to_ns` (both ends included, as the trace list's
//!   window filter), the rest the others.
//!
//! Both splits return trace indices in dataset order.

use hashbrown::HashSet;
use serde::Serialize;
use strand_model::{Dataset, Span, SpanIdx, SpanKind, StrId, Trace};

/// A span of the dataset: `data.traces[trace].spans[span]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SpanRef {
    pub trace: u32,
    pub span: SpanIdx,
}

impl SpanRef {
    pub fn new(trace: usize, span: SpanIdx) -> SpanRef {
        SpanRef { trace: u32::try_from(trace).unwrap_or(u32::MAX), span }
    }

    /// The trace and span this refers to, when both exist.
    pub fn resolve(self, data: &Dataset) -> Option<(&Trace, &Span)> {
        let trace = data.traces.get(self.trace as usize)?;
        Some((trace, trace.span(self.span)?))
    }
}

/// The spans marked in per-trace masks (`masks[t][i]`: is span `i` of trace `t` in the set?), in
/// order.
pub fn refs_from_masks(masks: &[Vec<bool>]) -> Vec<SpanRef> {
    let mut out = Vec::new();
    for (t, mask) in masks.iter().enumerate() {
        for (i, &on) in mask.iter().enumerate() {
            if on {
                out.push(SpanRef::new(t, u32::try_from(i).unwrap_or(u32::MAX)));
            }
        }
    }
    out
}

/// Every span of the dataset for which `keep(trace, span)` holds, in order.
pub fn spans_where(data: &Dataset, mut keep: impl FnMut(&Trace, &Span) -> bool) -> Vec<SpanRef> {
    let mut out = Vec::new();
    for (t, trace) in data.traces.iter().enumerate() {
        for (i, span) in trace.spans.iter().enumerate() {
            if keep(trace, span) {
                out.push(SpanRef::new(t, u32::try_from(i).unwrap_or(u32::MAX)));
            }
        }
    }
    out
}

/// The operation of a span as the analytics table groups spans: service, span name and kind.
pub type Operation = (StrId, StrId, SpanKind);

pub fn operation_of(trace: &Trace, span: &Span) -> Operation {
    (trace.service_of(span), span.name, span.kind)
}

/// The default baseline for `selection`: the other spans of the operations that occur in it.
/// `selection` need not be sorted; the result is.
pub fn same_operation_baseline(data: &Dataset, selection: &[SpanRef]) -> Vec<SpanRef> {
    let mut operations: HashSet<Operation> = HashSet::new();
    for r in selection {
        if let Some((trace, span)) = r.resolve(data) {
            operations.insert(operation_of(trace, span));
        }
    }
    let mut selected = selection.to_vec();
    selected.sort_unstable();
    selected.dedup();
    let mut out = Vec::new();
    for (t, trace) in data.traces.iter().enumerate() {
        for (i, span) in trace.spans.iter().enumerate() {
            let here = SpanRef::new(t, u32::try_from(i).unwrap_or(u32::MAX));
            if operations.contains(&operation_of(trace, span)) && selected.binary_search(&here).is_err() {
                out.push(here);
            }
        }
    }
    out
}

/// Traces split in two, as indices into `Dataset::traces` in dataset order: the group of
/// interest (the slowest, those in a window) and the rest, its baseline.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TraceSplit {
    pub focus: Vec<usize>,
    pub rest: Vec<usize>,
}

/// The service and span name of a trace's root (its first root in tree order).
pub fn root_operation(trace: &Trace) -> Option<(StrId, StrId)> {
    trace.root().map(|r| (trace.service_of(r), r.name))
}

fn candidates(data: &Dataset, root: Option<(StrId, StrId)>) -> Vec<usize> {
    (0..data.traces.len()).filter(|&t| root.is_none() || data.traces.get(t).and_then(root_operation) == root).collect()
}

/// The slowest `percent`% of the traces of one root operation (the focus) and the rest of them.
/// See the module rules.
pub fn slowest_split(data: &Dataset, root: Option<(StrId, StrId)>, percent: f64) -> TraceSplit {
    let mut traces = candidates(data, root);
    let duration = |t: usize| data.traces.get(t).map_or(0, Trace::duration_ns);
    strand_model::order::sort_by(&mut traces, |&x, &y| duration(y).cmp(&duration(x)).then(x.cmp(&y)));
    let percent = if percent.is_finite() { percent.clamp(0.0, 100.0) } else { 0.0 };
    // In millionths of a percent, so that the count is exact in integers (10% of 30 is 3).
    let micro = (percent * 1e6).round() as u128;
    let take = usize::try_from((micro * traces.len() as u128).div_ceil(100_000_000)).unwrap_or(traces.len());
    let mut rest = traces.split_off(take.min(traces.len()));
    let mut focus = traces;
    focus.sort_unstable();
    rest.sort_unstable();
    TraceSplit { focus, rest }
}

/// The traces (of one root operation, when given) that start in `from_ns..=to_ns` (the focus)
/// and the others.
pub fn window_split(data: &Dataset, root: Option<(StrId, StrId)>, from_ns: i64, to_ns: i64) -> TraceSplit {
    let (from_ns, to_ns) = (from_ns.min(to_ns), from_ns.max(to_ns));
    let (focus, rest) = candidates(data, root)
        .into_iter()
        .partition(|&t| data.traces.get(t).is_some_and(|tr| tr.start_ns >= from_ns && tr.start_ns <= to_ns));
    TraceSplit { focus, rest }
}

#[cfg(test)]
mod tests;
