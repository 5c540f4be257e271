//! Trace comparison: a merged tree of (service, operation) paths for trace A against trace B, or
//! for a group of traces A against a group B (as Jaeger's TraceDiff merges two traces). Owns only
//! that alignment and its numbers; depends on `model` and `analysis::{selection, stats}`, never on
//! `formats`, `view` or the browser.
//!
//! The rules:
//!
//! - **Path.** A span's path is the chain of (service name, span name) pairs from its root down
//!   to itself (`frontend: GET / > cart: get_cart`). Spans with the same path are one node,
//!   however many times they ran and in however many traces; siblings with the same service and
//!   operation are counted together. All traces must come from one dataset (paths are matched
//!   by interned ids).
//! - **Per node and side:** `count` (spans), `traces` (traces of the group that have the path),
//!   `total_ns`, `mean_ns` (total / count, truncated), nearest-rank `p90_ns` and `max_ns` of the
//!   spans' durations (negative durations count as 0), and the spans themselves, slowest first
//!   (then in dataset order), so a UI can list both sides of a node.
//! - **Class.** `OnlyA`: the path ran only in A; `OnlyB`: only in B. Otherwise the means decide:
//!   `Slower` when B's mean exceeds A's by more than [`CHANGED_RELATIVE_PERCENT`] percent of A's
//!   mean *and* by more than [`CHANGED_ABSOLUTE_NS`]; `Faster` when it is below A's by as much;
//!   `Same` otherwise (both thresholds, so that microsecond jitter of tiny spans and a few percent
//!   on long ones are not flagged). A different count alone does not change the class; the
//!   counts are there to read.
//! - **Order.** Nodes are listed in pre-order of the path tree. Siblings come in the order they
//!   were first met walking A's traces (in the order given, each in tree order), then the paths
//!   only B has, in the order they were first met in B: an added call is listed under its caller,
//!   after the calls A already had.
//! - **Totals per side:** traces, spans, and the mean and nearest-rank p90 of the traces'
//!   end-to-end durations.
//!
//! Cost: one hash lookup per span (its path id comes from its parent's path id plus its own
//! service and name, walking each trace in tree order), then one sort of each side's spans by
//! node and duration: O(n log n) for n spans, iterative, no per-span allocation.

use crate::selection::SpanRef;
use crate::stats::percentile;
use hashbrown::HashMap;
use serde::Serialize;
use strand_model::tree::SpanTree;
use strand_model::{Dataset, Interner, SpanIdx, StrId, Trace};

/// A mean that moved by more than this percentage of A's mean (and by more than
/// [`CHANGED_ABSOLUTE_NS`]) makes a node `Slower` or `Faster`.
pub const CHANGED_RELATIVE_PERCENT: i64 = 10;

/// A mean that moved by more than this many nanoseconds (1 ms), and by more than
/// [`CHANGED_RELATIVE_PERCENT`] percent, makes a node `Slower` or `Faster`.
pub const CHANGED_ABSOLUTE_NS: i64 = 1_000_000;

/// Marker for "no node" (the parent of a root path).
pub const NO_NODE: u32 = u32::MAX;

/// How a path differs between A and B.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffClass {
    Same,
    Slower,
    Faster,
    /// Only in A.
    OnlyA,
    /// Only in B.
    OnlyB,
}

impl DiffClass {
    pub fn as_str(self) -> &'static str {
        match self {
            DiffClass::Same => "same",
            DiffClass::Slower => "slower",
            DiffClass::Faster => "faster",
            DiffClass::OnlyA => "only-a",
            DiffClass::OnlyB => "only-b",
        }
    }
}

/// Which group of a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Side {
    A,
    B,
}

/// The numbers of one path on one side.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SideStats {
    pub count: u64,
    /// Traces of the group in which the path occurs.
    pub traces: u64,
    pub total_ns: i64,
    pub mean_ns: i64,
    pub p90_ns: i64,
    pub max_ns: i64,
}

/// One path of the merged tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffNode {
    /// The node of the path one shorter ([`NO_NODE`] for roots).
    pub parent: u32,
    /// Pairs in the path minus one (roots are 0).
    pub depth: u32,
    /// Nodes in this node's subtree, itself included: its descendants are the next
    /// `subtree - 1` nodes.
    pub subtree: u32,
    /// The last pair of the path.
    pub service: StrId,
    pub operation: StrId,
    pub a: SideStats,
    pub b: SideStats,
    pub class: DiffClass,
}

/// Traces, spans and end-to-end durations of one side.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GroupTotals {
    pub traces: u64,
    pub spans: u64,
    pub mean_duration_ns: i64,
    pub p90_duration_ns: i64,
}

/// The merged path tree of A and B.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PathDiff {
    /// In pre-order.
    pub nodes: Vec<DiffNode>,
    pub totals_a: GroupTotals,
    pub totals_b: GroupTotals,
    /// Per side: `spans[offsets[n]..offsets[n + 1]]` are node `n`'s spans, slowest first.
    offsets: [Vec<u32>; 2],
    spans: [Vec<SpanRef>; 2],
}

impl PathDiff {
    /// The spans of `node` on `side`, slowest first.
    pub fn spans(&self, node: u32, side: Side) -> &[SpanRef] {
        let s = side_index(side);
        let (Some(offsets), Some(spans)) = (self.offsets.get(s), self.spans.get(s)) else {
            return &[];
        };
        let (Some(&from), Some(&to)) = (offsets.get(node as usize), offsets.get(node as usize + 1)) else {
            return &[];
        };
        spans.get(from as usize..to as usize).unwrap_or(&[])
    }

    /// `service: operation` pairs from the root down to `node`, joined by ` > `.
    pub fn path_text(&self, strings: &Interner, node: u32) -> String {
        let mut chain = Vec::new();
        let mut current = node;
        while let Some(n) = self.nodes.get(current as usize) {
            chain.push(format!("{}: {}", strings.get(n.service), strings.get(n.operation)));
            current = n.parent;
        }
        chain.reverse();
        chain.join(" > ")
    }

    /// The node whose path contains the span `span`, on `side` (a linear search, for tests and
    /// one-off look-ups).
    pub fn node_of(&self, span: SpanRef, side: Side) -> Option<u32> {
        (0..self.nodes.len() as u32).find(|&n| self.spans(n, side).contains(&span))
    }

    /// Every node with its numbers and strings, for printing or JSON.
    pub fn rows(&self, strings: &Interner) -> Vec<DiffRow> {
        (0..self.nodes.len() as u32)
            .filter_map(|n| {
                let node = self.nodes.get(n as usize)?;
                Some(DiffRow {
                    path: self.path_text(strings, n),
                    depth: node.depth,
                    service: strings.get(node.service).to_string(),
                    operation: strings.get(node.operation).to_string(),
                    class: node.class,
                    a: node.a,
                    b: node.b,
                })
            })
            .collect()
    }
}

/// A node with its strings, for printing or JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffRow {
    pub path: String,
    pub depth: u32,
    pub service: String,
    pub operation: String,
    pub class: DiffClass,
    pub a: SideStats,
    pub b: SideStats,
}

fn side_index(side: Side) -> usize {
    match side {
        Side::A => 0,
        Side::B => 1,
    }
}

/// Compares trace `a` (the baseline) with trace `b`, path by path (indices into `data.traces`).
pub fn compare_traces(data: &Dataset, a: usize, b: usize) -> PathDiff {
    compare_groups(data, &[a], &[b])
}

/// Compares the traces `a` (the baseline) with the traces `b`, path by path (indices into
/// `data.traces`; indices out of range are skipped).
pub fn compare_groups(data: &Dataset, a: &[usize], b: &[usize]) -> PathDiff {
    let mut builder = Builder::default();
    let totals_a = builder.add_group(data, a, 0);
    let totals_b = builder.add_group(data, b, 1);
    builder.finish(totals_a, totals_b)
}

/// One span met while walking a side: its (provisional) node, duration and reference.
#[derive(Clone, Copy)]
struct Entry {
    node: u32,
    duration_ns: i64,
    span: SpanRef,
}

#[derive(Default)]
struct Builder {
    /// Per provisional node: service, name, parent, children in order of first appearance.
    service: Vec<StrId>,
    name: Vec<StrId>,
    children: Vec<Vec<u32>>,
    roots: Vec<u32>,
    ids: HashMap<(u32, StrId, StrId), u32>,
    entries: [Vec<Entry>; 2],
    /// Per provisional node and side: traces that have it (and the last trace counted).
    traces: [Vec<(u64, u32)>; 2],
    /// Scratch: the node of each span of the trace being walked.
    span_node: Vec<u32>,
}

impl Builder {
    fn add_group(&mut self, data: &Dataset, group: &[usize], side: usize) -> GroupTotals {
        let mut durations = Vec::with_capacity(group.len());
        let mut spans = 0u64;
        for &t in group {
            let Some(trace) = data.traces.get(t) else { continue };
            durations.push(trace.duration_ns());
            spans += trace.spans.len() as u64;
            self.add_trace(trace, t, side);
        }
        durations.sort_unstable();
        let total = durations.iter().fold(0i64, |acc, &d| acc.saturating_add(d));
        GroupTotals {
            traces: durations.len() as u64,
            spans,
            mean_duration_ns: mean(total, durations.len() as u64),
            p90_duration_ns: percentile(&durations, 90.0).unwrap_or(0),
        }
    }

    fn add_trace(&mut self, trace: &Trace, t: usize, side: usize) {
        let fallback;
        let order: &[SpanIdx] = if trace.order.len() == trace.spans.len() {
            &trace.order
        } else {
            fallback = SpanTree::build(trace).preorder;
            &fallback
        };
        self.span_node.clear();
        self.span_node.resize(trace.spans.len(), NO_NODE);
        let trace_tag = u32::try_from(t).unwrap_or(u32::MAX);
        for &i in order {
            let Some(span) = trace.span(i) else { continue };
            // Tree order puts parents first, so the parent's node is already known.
            let parent = self.span_node.get(span.parent as usize).copied().unwrap_or(NO_NODE);
            let node = self.node_id(parent, trace.service_of(span), span.name);
            if let Some(slot) = self.span_node.get_mut(i as usize) {
                *slot = node;
            }
            let (Some(entries), Some(traces)) = (self.entries.get_mut(side), self.traces.get_mut(side)) else {
                continue;
            };
            entries.push(Entry { node, duration_ns: span.duration_ns.max(0), span: SpanRef::new(t, i) });
            if traces.len() <= node as usize {
                traces.resize(node as usize + 1, (0, u32::MAX));
            }
            if let Some((count, last)) = traces.get_mut(node as usize) {
                if *last != trace_tag {
                    *count += 1;
                    *last = trace_tag;
                }
            }
        }
    }

    fn node_id(&mut self, parent: u32, service: StrId, name: StrId) -> u32 {
        if let Some(&id) = self.ids.get(&(parent, service, name)) {
            return id;
        }
        let id = u32::try_from(self.service.len()).unwrap_or(u32::MAX);
        self.service.push(service);
        self.name.push(name);
        self.children.push(Vec::new());
        match self.children.get_mut(parent as usize) {
            Some(list) => list.push(id),
            None => self.roots.push(id),
        }
        self.ids.insert((parent, service, name), id);
        id
    }

    /// Numbers the nodes in pre-order, sorts each side's spans by node and duration, and fills
    /// in the numbers.
    fn finish(mut self, totals_a: GroupTotals, totals_b: GroupTotals) -> PathDiff {
        let n = self.service.len();
        let mut new_id = vec![NO_NODE; n];
        let mut old_id: Vec<u32> = Vec::with_capacity(n);
        let mut nodes: Vec<DiffNode> = Vec::with_capacity(n);
        let mut stack: Vec<(u32, u32, u32)> = self.roots.iter().rev().map(|&r| (r, NO_NODE, 0)).collect();
        while let Some((old, parent, depth)) = stack.pop() {
            let id = nodes.len() as u32;
            if let Some(slot) = new_id.get_mut(old as usize) {
                *slot = id;
            }
            old_id.push(old);
            nodes.push(DiffNode {
                parent,
                depth,
                subtree: 1,
                service: self.service.get(old as usize).copied().unwrap_or_default(),
                operation: self.name.get(old as usize).copied().unwrap_or_default(),
                a: SideStats::default(),
                b: SideStats::default(),
                class: DiffClass::Same,
            });
            for &child in self.children.get(old as usize).map_or(&[][..], Vec::as_slice).iter().rev() {
                stack.push((child, id, depth.saturating_add(1)));
            }
        }
        // Subtree sizes: children follow their parent in pre-order, so a reverse sweep adds up.
        for i in (0..nodes.len()).rev() {
            let (parent, size) = nodes.get(i).map_or((NO_NODE, 0), |n| (n.parent, n.subtree));
            if let Some(p) = nodes.get_mut(parent as usize) {
                p.subtree = p.subtree.saturating_add(size);
            }
        }

        let mut offsets: [Vec<u32>; 2] = [Vec::new(), Vec::new()];
        let mut spans: [Vec<SpanRef>; 2] = [Vec::new(), Vec::new()];
        let mut durations: Vec<i64> = Vec::new();
        for side in 0..2 {
            let Some(entries) = self.entries.get_mut(side) else { continue };
            for e in entries.iter_mut() {
                e.node = new_id.get(e.node as usize).copied().unwrap_or(NO_NODE);
            }
            entries.sort_unstable_by(|x, y| {
                x.node.cmp(&y.node).then(y.duration_ns.cmp(&x.duration_ns)).then(x.span.cmp(&y.span))
            });
            let mut side_offsets = Vec::with_capacity(nodes.len() + 1);
            let mut pos = 0usize;
            for (id, node) in nodes.iter_mut().enumerate() {
                side_offsets.push(pos as u32);
                let run = entries.get(pos..).map_or(0, |rest| rest.iter().take_while(|e| e.node == id as u32).count());
                durations.clear();
                durations.extend(entries.get(pos..pos + run).unwrap_or(&[]).iter().rev().map(|e| e.duration_ns));
                let old = old_id.get(id).copied().unwrap_or(NO_NODE) as usize;
                let traces = self.traces.get(side).and_then(|t| t.get(old)).map_or(0, |t| t.0);
                let stats = side_stats(&durations, traces);
                if side == 0 {
                    node.a = stats;
                } else {
                    node.b = stats;
                }
                pos += run;
            }
            side_offsets.push(pos as u32);
            if let (Some(o), Some(s)) = (offsets.get_mut(side), spans.get_mut(side)) {
                *o = side_offsets;
                *s = entries.iter().map(|e| e.span).collect();
            }
        }
        for node in &mut nodes {
            node.class = classify(&node.a, &node.b);
        }
        PathDiff { nodes, totals_a, totals_b, offsets, spans }
    }
}

/// Count, traces, total, mean, p90 and max of ascending `sorted_ns`.
fn side_stats(sorted_ns: &[i64], traces: u64) -> SideStats {
    let total_ns = sorted_ns.iter().fold(0i64, |acc, &d| acc.saturating_add(d));
    let count = sorted_ns.len() as u64;
    SideStats {
        count,
        traces,
        total_ns,
        mean_ns: mean(total_ns, count),
        p90_ns: percentile(sorted_ns, 90.0).unwrap_or(0),
        max_ns: sorted_ns.last().copied().unwrap_or(0),
    }
}

fn mean(total_ns: i64, count: u64) -> i64 {
    match i64::try_from(count) {
        Ok(n) if n > 0 => total_ns / n,
        _ => 0,
    }
}

/// The class of a node from its two sides (see the module rules).
pub fn classify(a: &SideStats, b: &SideStats) -> DiffClass {
    if a.count == 0 {
        return DiffClass::OnlyB;
    }
    if b.count == 0 {
        return DiffClass::OnlyA;
    }
    // In i128 so that no value can overflow.
    let diff = i128::from(b.mean_ns) - i128::from(a.mean_ns);
    let moved = diff.abs() > i128::from(CHANGED_ABSOLUTE_NS)
        && diff.abs() * 100 > i128::from(a.mean_ns).abs() * i128::from(CHANGED_RELATIVE_PERCENT);
    match (moved, diff > 0) {
        (false, _) => DiffClass::Same,
        (true, true) => DiffClass::Slower,
        (true, false) => DiffClass::Faster,
    }
}

#[cfg(test)]
mod tests;
