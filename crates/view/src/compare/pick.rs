//! How people choose what the compare page compares: the traces offered for A and B (and, from a
//! trace page, the traces to compare it with), the root operations whose traces can be split
//! into groups, the routes each choice leads to, the legend of the colours, the groups' totals,
//! and how much of a large tree shows at first. Pure; depends on `model`, `analysis` and the rest
//! of `view::compare`.

use super::{short_id, CompareCollapse};
use crate::route::{CompareSplit, Page, Route};
use strand_analysis::compare::{DiffClass, GroupTotals, PathDiff};
use strand_analysis::selection::root_operation;
use strand_model::format::{counted, thousands as format_thousands};
use strand_model::time::{display_zone_label, format_duration, format_timestamp};
use strand_model::{Dataset, StrId, Trace};

/// A trace as the pickers offer it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceChoice {
    /// Position in `Dataset::traces`.
    pub index: usize,
    /// The id as displayed (for the address).
    pub trace_id: String,
    /// `checkout: POST /orders · 1.20s · 4bf92f3577b3…`.
    pub label: String,
    /// Whether its root is the same operation as the trace the choice is made for.
    pub same_root: bool,
}

fn choice(data: &Dataset, index: usize, trace: &Trace, same_root: bool) -> TraceChoice {
    let trace_id = trace.trace_id.display(&data.strings);
    let root = root_operation(trace)
        .map_or_else(|| "(no root)".to_string(), |(s, o)| format!("{}: {}", data.strings.get(s), data.strings.get(o)));
    let label = format!("{root} · {} · {}", format_duration(trace.duration_ns()), short_id(&trace_id));
    TraceChoice { index, trace_id, label, same_root }
}

/// Trace `index` as the pickers offer it.
pub fn trace_choice(data: &Dataset, index: usize) -> Option<TraceChoice> {
    data.traces.get(index).map(|t| choice(data, index, t, false))
}

/// Every loaded trace, in dataset order (by start time).
pub fn trace_choices(data: &Dataset) -> Vec<TraceChoice> {
    data.traces.iter().enumerate().map(|(i, t)| choice(data, i, t, false)).collect()
}

/// The traces to compare trace `trace` with: first those with the same root operation, fastest
/// first (the usual question is "why is this one slower than a normal one?"), then the others
/// in dataset order. The trace itself is left out.
pub fn compare_with_choices(data: &Dataset, trace: usize) -> Vec<TraceChoice> {
    let root = data.traces.get(trace).and_then(root_operation);
    let mut same: Vec<TraceChoice> = Vec::new();
    let mut other: Vec<TraceChoice> = Vec::new();
    for (i, t) in data.traces.iter().enumerate().filter(|&(i, _)| i != trace) {
        if root.is_some() && root_operation(t) == root {
            same.push(choice(data, i, t, true));
        } else {
            other.push(choice(data, i, t, false));
        }
    }
    let duration = |c: &TraceChoice| data.traces.get(c.index).map_or(0, Trace::duration_ns);
    strand_model::order::sort_by(&mut same, |x, y| duration(x).cmp(&duration(y)).then(x.index.cmp(&y.index)));
    same.extend(other);
    same
}

/// A root operation: the service and span name of traces' roots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RootOperation {
    pub service: String,
    pub operation: String,
    /// Traces with this root.
    pub traces: usize,
    /// `checkout: POST /orders (120 traces)`.
    pub label: String,
}

/// The root operations of the loaded traces, most traces first (then by name).
pub fn root_operations(data: &Dataset) -> Vec<RootOperation> {
    let mut counts: Vec<((StrId, StrId), usize)> = Vec::new();
    let mut index: hashbrown::HashMap<(StrId, StrId), usize> = hashbrown::HashMap::new();
    for root in data.traces.iter().filter_map(root_operation) {
        let slot = *index.entry(root).or_insert_with(|| {
            counts.push((root, 0));
            counts.len() - 1
        });
        if let Some((_, n)) = counts.get_mut(slot) {
            *n += 1;
        }
    }
    let mut out: Vec<RootOperation> = counts
        .into_iter()
        .map(|((s, o), traces)| {
            let (service, operation) = (data.strings.get(s).to_string(), data.strings.get(o).to_string());
            let label = format!("{service}: {operation} ({})", counted(traces as u64, "trace"));
            RootOperation { service, operation, traces, label }
        })
        .collect();
    strand_model::order::sort_by(&mut out, |x, y| {
        y.traces.cmp(&x.traces).then_with(|| (&x.service, &x.operation).cmp(&(&y.service, &y.operation)))
    });
    out
}

/// Whether `service: operation` is the root of at least `min_traces` loaded traces (the
/// analytics table offers "slowest 10% vs the rest" only for such rows).
pub fn is_root_operation(data: &Dataset, service: &str, operation: &str, min_traces: usize) -> bool {
    let (Some(s), Some(o)) = (data.strings.lookup(service), data.strings.lookup(operation)) else {
        return false;
    };
    data.traces.iter().filter(|t| root_operation(t) == Some((s, o))).take(min_traces).count() >= min_traces
}

/// What the compare page compares, as its pickers show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareMode {
    /// Two traces (`a=`, `b=`).
    Traces,
    /// The slowest share of a root operation against the rest (`split=slowest-N`).
    Slowest,
    /// The traces of a time window against the others (`split=window`).
    Window,
}

impl CompareMode {
    pub const ALL: [CompareMode; 3] = [CompareMode::Traces, CompareMode::Slowest, CompareMode::Window];

    pub fn of(route: &Route) -> CompareMode {
        match route.split {
            None => CompareMode::Traces,
            Some(CompareSplit::Slowest { .. }) => CompareMode::Slowest,
            Some(CompareSplit::Window) => CompareMode::Window,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CompareMode::Traces => "Two traces",
            CompareMode::Slowest => "Slowest traces vs the rest",
            CompareMode::Window => "Time window vs the rest",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            CompareMode::Traces => "traces",
            CompareMode::Slowest => "slowest",
            CompareMode::Window => "window",
        }
    }
}

/// The share of slow traces the page starts with.
pub const DEFAULT_SLOWEST_PERCENT: u32 = 10;

/// A compare-page route on top of `route`'s session: nothing else of the view it came from.
fn compare_route(route: &Route) -> Route {
    Route { page: Page::Compare, ..route.session() }
}

/// Compares trace `a` with trace `b` (ids as displayed; either may still be missing).
pub fn traces_route(route: &Route, a: Option<String>, b: Option<String>) -> Route {
    Route { a, b, ..compare_route(route) }
}

/// Compares the slowest `percent`% of the traces of `root` (all traces when `None`) with the rest.
pub fn slowest_route(route: &Route, root: Option<(String, String)>, percent: u32) -> Route {
    let (service, operation) = root.map_or((None, None), |(s, o)| (Some(s), Some(o)));
    Route {
        service,
        operation,
        split: Some(CompareSplit::Slowest { percent: percent.clamp(1, 100) }),
        ..compare_route(route)
    }
}

/// Compares the traces (of `root`, when given) that start in `window` with the others.
pub fn window_route(route: &Route, root: Option<(String, String)>, window: Option<(i64, i64)>) -> Route {
    let (service, operation) = root.map_or((None, None), |(s, o)| (Some(s), Some(o)));
    Route { service, operation, window, split: Some(CompareSplit::Window), ..compare_route(route) }
}

/// The route of the compare page in `mode`, keeping what the current route says that still
/// applies (the root operation, the window, the traces).
pub fn mode_route(route: &Route, mode: CompareMode) -> Route {
    let root = route.service.clone().zip(route.operation.clone());
    match mode {
        CompareMode::Traces => traces_route(route, route.a.clone(), route.b.clone()),
        CompareMode::Slowest => {
            let percent = match route.split {
                Some(CompareSplit::Slowest { percent }) => percent,
                _ => DEFAULT_SLOWEST_PERCENT,
            };
            slowest_route(route, root, percent)
        }
        CompareMode::Window => window_route(route, root, route.window),
    }
}

/// A time window for people, in the display zone: `2023-11-14 22:13:20.000 – 22:13:22.500 UTC
/// (2.50s)` (the date once when both ends are on the same day).
pub fn window_label((from_ns, to_ns): (i64, i64)) -> String {
    let (from, to) = (format_timestamp(from_ns), format_timestamp(to_ns));
    let to_shown = match (from.get(..10), to.get(..10), to.get(11..)) {
        (Some(a), Some(b), Some(time)) if a == b => time.to_string(),
        _ => to.clone(),
    };
    format!("{from} – {to_shown} {} ({})", display_zone_label(), format_duration(to_ns.saturating_sub(from_ns)))
}

/// The colours of the tree, for the legend: class, CSS class name, label and what it means.
pub fn legend() -> [(DiffClass, &'static str, &'static str, &'static str); 5] {
    [
        (DiffClass::OnlyA, DiffClass::OnlyA.as_str(), "only in A", "the path ran only in A"),
        (DiffClass::OnlyB, DiffClass::OnlyB.as_str(), "only in B", "the path ran only in B"),
        (
            DiffClass::Slower,
            DiffClass::Slower.as_str(),
            "slower in B",
            "B's mean is more than 10% and more than 1 ms above A's",
        ),
        (
            DiffClass::Faster,
            DiffClass::Faster.as_str(),
            "faster in B",
            "B's mean is more than 10% and more than 1 ms below A's",
        ),
        (DiffClass::Same, DiffClass::Same.as_str(), "same", "within 10% or 1 ms"),
    ]
}

/// A side's totals as one line: `27 traces · 1,234 spans · mean 120ms · p90 300ms`.
pub fn totals_text(totals: &GroupTotals) -> String {
    if totals.traces == 0 {
        return "no trace".to_string();
    }
    format!(
        "{} · {} · mean {} · p90 {}",
        counted(totals.traces, "trace"),
        counted(totals.spans, "span"),
        format_duration(totals.mean_duration_ns),
        format_duration(totals.p90_duration_ns)
    )
}

/// How many differences of each class the tree has, for the summary line: `3 slower · 1 only in
/// B` (classes without nodes left out; when all are the same, that no path differs by the
/// amount that counts, so a row's few percent do not contradict it).
pub fn differences_text(diff: &PathDiff) -> String {
    let mut parts = Vec::new();
    for (class, _, label, _) in legend() {
        let n = diff.nodes.iter().filter(|n| n.class == class).count() as u64;
        if n > 0 && class != DiffClass::Same {
            parts.push(format!("{} {label}", format_thousands(n)));
        }
    }
    if parts.is_empty() {
        format!(
            "no path's mean moved by over {} % and {}",
            strand_analysis::compare::CHANGED_RELATIVE_PERCENT,
            format_duration(strand_analysis::compare::CHANGED_ABSOLUTE_NS)
        )
    } else {
        parts.join(" · ")
    }
}

/// Trees with more nodes than this start with the unchanged subtrees collapsed.
pub const COLLAPSE_UNCHANGED_ABOVE: usize = 60;
/// Rows shown at first at most: deeper levels start collapsed until the tree fits.
pub const FIRST_VIEW_ROWS: usize = 400;

/// The collapse state a tree opens with: everything for small trees; for larger ones the
/// unchanged subtrees folded away, and then, while that still leaves more than
/// [`FIRST_VIEW_ROWS`] rows, only the first levels.
pub fn initial_collapse(diff: &PathDiff) -> CompareCollapse {
    let mut collapse = CompareCollapse::expanded(diff);
    if diff.nodes.len() <= COLLAPSE_UNCHANGED_ABOVE {
        return collapse;
    }
    collapse.collapse_unchanged(diff);
    let unchanged = collapse.collapsed.clone();
    let max_depth = diff.nodes.iter().map(|n| n.depth).max().unwrap_or(0);
    let mut levels = max_depth + 1;
    while visible_count(diff, &collapse) > FIRST_VIEW_ROWS && levels > 1 {
        levels -= 1;
        for ((slot, node), &same) in collapse.collapsed.iter_mut().zip(&diff.nodes).zip(&unchanged) {
            *slot = same || (node.depth.saturating_add(1) >= levels && node.subtree > 1);
        }
    }
    collapse
}

/// Rows `collapse` leaves visible (without building them).
pub fn visible_count(diff: &PathDiff, collapse: &CompareCollapse) -> usize {
    let mut count = 0;
    let mut i = 0usize;
    while let Some(node) = diff.nodes.get(i) {
        count += 1;
        let collapsed = node.subtree > 1 && collapse.is_collapsed(i as u32);
        i += if collapsed { node.subtree.max(1) as usize } else { 1 };
    }
    count
}

#[cfg(test)]
mod tests;
