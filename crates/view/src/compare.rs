//! The compare page as a view model: which traces the address compares (two traces, or two
//! groups: the slowest share of a root operation against the rest, the traces of a time window
//! against the others), the merged path tree as rows (depth, label, numbers, colour class) with
//! expand and collapse, and both sides' spans of a node. Depends on `model`, `analysis::compare`,
//! `analysis::selection` and `view::route`.

use crate::route::{CompareSplit, Route};
use crate::search::match_spans;
use strand_analysis::compare::{compare_groups, DiffClass, PathDiff, Side, SideStats};
use strand_analysis::selection::{slowest_split, window_split, SpanRef, TraceSplit};
use strand_model::format::{counted, thousands as format_thousands};
use strand_model::time::format_duration;
use strand_model::{Dataset, StrId, TraceId};

mod pick;
pub use pick::*;

/// What the page compares, resolved against the loaded traces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompareTarget {
    pub a: Vec<usize>,
    pub b: Vec<usize>,
    /// `A: trace 4bf9…` or `B: slowest 10% of checkout: POST /orders (12 traces)`.
    pub label_a: String,
    pub label_b: String,
}

/// The traces the route asks to compare: `a=` and `b=` trace ids, or `split=` with the root
/// operation in `service=`/`op=` (all traces when absent) and, for `split=window`, `window=`.
/// For groups, B is the group of interest (the slowest, those in the window) and A the rest, its
/// baseline, so that "slower" reads as "slower in the group of interest". An error says what is
/// missing or not loaded.
pub fn compare_target(data: &Dataset, route: &Route) -> Result<CompareTarget, String> {
    let root = root_operation(data, route)?;
    let of_root = match (&route.service, &route.operation) {
        (Some(s), Some(o)) => format!(" of {s}: {o}"),
        _ => String::new(),
    };
    match route.split {
        Some(CompareSplit::Slowest { percent }) => {
            let TraceSplit { focus: b, rest: a } = slowest_split(data, root, f64::from(percent));
            let label_a = format!("A: the other {}{of_root}", counted(a.len() as u64, "trace"));
            let label_b = format!("B: slowest {percent}%{of_root} ({})", counted(b.len() as u64, "trace"));
            Ok(CompareTarget { a, b, label_a, label_b })
        }
        Some(CompareSplit::Window) => {
            let Some((from, to)) = route.window else {
                return Err("comparing a time window needs window=FROM~TO in the address".to_string());
            };
            let TraceSplit { focus: b, rest: a } = window_split(data, root, from, to);
            let span = format_duration(to.saturating_sub(from));
            let label_a = format!("A: the other {}{of_root}", counted(a.len() as u64, "trace"));
            let label_b = format!("B: {} starting in the {span} window{of_root}", counted(b.len() as u64, "trace"));
            Ok(CompareTarget { a, b, label_a, label_b })
        }
        None => {
            let find = |which: &str, id: &Option<String>| -> Result<usize, String> {
                let id = id.as_deref().ok_or_else(|| format!("pick trace {which} to compare"))?;
                data.traces
                    .iter()
                    .position(|t| t.trace_id.display(&data.strings) == id)
                    .ok_or_else(|| format!("trace {which} ({id}) is not loaded"))
            };
            let (a, b) = (find("A", &route.a)?, find("B", &route.b)?);
            let title = |t: usize| data.traces.get(t).map_or(String::new(), |t| trace_label(data, t.trace_id));
            Ok(CompareTarget {
                a: vec![a],
                b: vec![b],
                label_a: format!("A: {}", title(a)),
                label_b: format!("B: {}", title(b)),
            })
        }
    }
}

/// Groups by search query: A is the traces with a span that matches `a`; B the traces with a
/// span that matches `b`, or without `b` every other trace. A query with unreadable terms is an
/// error (it would compare something else than asked).
pub fn query_target(data: &Dataset, a: &str, b: Option<&str>) -> Result<CompareTarget, String> {
    let matching = |query: &str| -> Result<Vec<usize>, String> {
        let mut traces = Vec::new();
        for (t, trace) in data.traces.iter().enumerate() {
            let (hits, error) = match_spans(&data.strings, trace, query);
            if let Some(e) = error {
                return Err(e);
            }
            if hits.iter().any(|&h| h) {
                traces.push(t);
            }
        }
        Ok(traces)
    };
    let in_a = matching(a)?;
    let (in_b, label_b) = match b {
        Some(q) => (matching(q)?, format!("B: traces with a span matching {q}")),
        None => {
            let rest = (0..data.traces.len()).filter(|t| in_a.binary_search(t).is_err()).collect();
            (rest, "B: the other traces".to_string())
        }
    };
    let label_a = format!("A: traces with a span matching {a} ({})", counted(in_a.len() as u64, "trace"));
    let label_b = format!("{label_b} ({})", counted(in_b.len() as u64, "trace"));
    Ok(CompareTarget { a: in_a, b: in_b, label_a, label_b })
}

/// A trace id short enough for a label: ids up to 16 characters as they are, longer ones (the
/// 32 hex digits of W3C ids) cut to their first 12 with an ellipsis.
pub fn short_id(id: &str) -> String {
    if id.chars().count() <= 16 {
        id.to_string()
    } else {
        let mut short: String = id.chars().take(12).collect();
        short.push('…');
        short
    }
}

fn trace_label(data: &Dataset, id: TraceId) -> String {
    let short = short_id(&id.display(&data.strings));
    let trace = data.traces.iter().find(|t| t.trace_id == id);
    let root = trace.and_then(|t| t.root().map(|r| (t, r)));
    match root {
        Some((t, r)) => format!(
            "trace {short} {}: {} ({})",
            data.strings.get(t.service_of(r)),
            data.strings.get(r.name),
            format_duration(t.duration_ns())
        ),
        None => format!("trace {short}"),
    }
}

fn root_operation(data: &Dataset, route: &Route) -> Result<Option<(StrId, StrId)>, String> {
    match (&route.service, &route.operation) {
        (Some(service), Some(op)) => match (data.strings.lookup(service), data.strings.lookup(op)) {
            (Some(s), Some(o)) => Ok(Some((s, o))),
            _ => Err(format!("no loaded trace has the root operation {service}: {op}")),
        },
        _ => Ok(None),
    }
}

/// Compares what the route asks for.
pub fn compare_for_route(data: &Dataset, route: &Route) -> Result<(CompareTarget, PathDiff), String> {
    let target = compare_target(data, route)?;
    let diff = compare_groups(data, &target.a, &target.b);
    Ok((target, diff))
}

/// Which nodes of the merged tree have their subtree hidden.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompareCollapse {
    collapsed: Vec<bool>,
}

impl CompareCollapse {
    pub fn expanded(diff: &PathDiff) -> CompareCollapse {
        CompareCollapse { collapsed: vec![false; diff.nodes.len()] }
    }

    pub fn is_collapsed(&self, node: u32) -> bool {
        self.collapsed.get(node as usize).copied().unwrap_or(false)
    }

    pub fn toggle(&mut self, node: u32) {
        if let Some(slot) = self.collapsed.get_mut(node as usize) {
            *slot = !*slot;
        }
    }

    pub fn expand_all(&mut self) {
        self.collapsed.fill(false);
    }

    /// Shows the first `levels` levels (1: only the roots).
    pub fn expand_to_depth(&mut self, diff: &PathDiff, levels: u32) {
        for (slot, node) in self.collapsed.iter_mut().zip(&diff.nodes) {
            *slot = node.depth.saturating_add(1) >= levels && node.subtree > 1;
        }
    }

    /// Collapses the nodes whose subtree has nothing but `Same` in it, so that differences
    /// stand out (a useful first view of large trees).
    pub fn collapse_unchanged(&mut self, diff: &PathDiff) {
        // Per node: does its subtree (itself excluded) hold a difference? Children follow their
        // parent in pre-order, so a reverse sweep adds up.
        let mut differs = vec![false; diff.nodes.len()];
        for (i, node) in diff.nodes.iter().enumerate().rev() {
            let here = node.class != DiffClass::Same || differs.get(i).copied().unwrap_or(false);
            if let Some(p) = differs.get_mut(node.parent as usize) {
                *p |= here;
            }
        }
        for (i, (slot, node)) in self.collapsed.iter_mut().zip(&diff.nodes).enumerate() {
            *slot = node.subtree > 1 && !differs.get(i).copied().unwrap_or(false);
        }
    }
}

/// The numbers of one side as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideCells {
    pub count: String,
    pub mean: String,
    pub p90: String,
    pub total: String,
}

/// One row of the compare table.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareRow {
    pub node: u32,
    pub depth: u32,
    pub has_children: bool,
    pub collapsed: bool,
    /// Nodes hidden below a collapsed row.
    pub hidden: u32,
    pub service: String,
    pub operation: String,
    pub class: DiffClass,
    /// The CSS class for the colour: `only-a`, `only-b`, `slower`, `faster` or `same`.
    pub class_name: &'static str,
    pub a: SideCells,
    pub b: SideCells,
    /// Mean B − mean A (`+2.00ms (+40%)`), or `only in A` / `only in B`.
    pub delta: String,
    pub title: String,
}

/// The visible rows of the merged tree (the subtrees of collapsed nodes left out).
pub fn compare_rows(data: &Dataset, diff: &PathDiff, collapse: &CompareCollapse) -> Vec<CompareRow> {
    let mut rows = Vec::new();
    let mut i = 0usize;
    while let Some(node) = diff.nodes.get(i) {
        let id = i as u32;
        let collapsed = node.subtree > 1 && collapse.is_collapsed(id);
        let service = data.strings.get(node.service).to_string();
        let operation = data.strings.get(node.operation).to_string();
        let delta = delta_text(node.class, &node.a, &node.b);
        let title = format!(
            "{}\nA: {} in {} · B: {} in {}\n{delta}",
            diff.path_text(&data.strings, id),
            counted(node.a.count, "span"),
            counted(node.a.traces, "trace"),
            counted(node.b.count, "span"),
            counted(node.b.traces, "trace"),
        );
        rows.push(CompareRow {
            node: id,
            depth: node.depth,
            has_children: node.subtree > 1,
            collapsed,
            hidden: if collapsed { node.subtree - 1 } else { 0 },
            service,
            operation,
            class: node.class,
            class_name: node.class.as_str(),
            a: cells(&node.a),
            b: cells(&node.b),
            delta,
            title,
        });
        i += if collapsed { node.subtree.max(1) as usize } else { 1 };
    }
    rows
}

fn cells(side: &SideStats) -> SideCells {
    if side.count == 0 {
        let dash = || "–".to_string();
        return SideCells { count: "0".to_string(), mean: dash(), p90: dash(), total: dash() };
    }
    SideCells {
        count: format_thousands(side.count),
        mean: format_duration(side.mean_ns),
        p90: format_duration(side.p90_ns),
        total: format_duration(side.total_ns),
    }
}

fn delta_text(class: DiffClass, a: &SideStats, b: &SideStats) -> String {
    match class {
        DiffClass::OnlyA => "only in A".to_string(),
        DiffClass::OnlyB => "only in B".to_string(),
        _ => {
            let diff = i128::from(b.mean_ns) - i128::from(a.mean_ns);
            let sign = if diff > 0 {
                "+"
            } else if diff < 0 {
                "−"
            } else {
                "±"
            };
            let abs = i64::try_from(diff.unsigned_abs()).unwrap_or(i64::MAX);
            let percent = if a.mean_ns > 0 {
                format!(" ({sign}{:.0}%)", diff.abs() as f64 * 100.0 / a.mean_ns as f64)
            } else {
                String::new()
            };
            format!("{sign}{}{percent}", format_duration(abs))
        }
    }
}

/// One span of a node, for the list a click on a node shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanLink {
    pub span: SpanRef,
    /// Ids as displayed, for the address (`trace=`, `span=`).
    pub trace_id: String,
    pub span_id: String,
    /// `12.3ms · trace 4bf92f3577b3`.
    pub label: String,
}

/// The spans of `node` on `side`, slowest first, at most `limit` of them, plus how many there
/// are in all.
pub fn node_spans(data: &Dataset, diff: &PathDiff, node: u32, side: Side, limit: usize) -> (Vec<SpanLink>, usize) {
    let all = diff.spans(node, side);
    let links = all
        .iter()
        .take(limit)
        .filter_map(|&r| {
            let (trace, span) = r.resolve(data)?;
            let trace_id = trace.trace_id.display(&data.strings);
            Some(SpanLink {
                span: r,
                span_id: span.span_id.display(&data.strings),
                label: format!("{} · trace {}", format_duration(span.duration_ns), short_id(&trace_id)),
                trace_id,
            })
        })
        .collect();
    (links, all.len())
}

/// The route that opens a span of the list (its trace, with the span selected).
pub fn span_route(link: &SpanLink, route: &Route) -> Route {
    Route {
        trace: Some(link.trace_id.clone()),
        span: Some(link.span_id.clone()),
        other: route.other.clone(),
        ..Route::default()
    }
}

#[cfg(test)]
mod tests;
