//! The service map's pure part: a layered left-to-right layout of a [`ServiceGraph`] (callers to
//! the left of their callees), the view model the SVG is drawn from (boxes, curves, labels,
//! stroke widths, error classes, tooltips), the focus subgraph (N hops up and down from one
//! service), the highlight sets for hover and selection, and the pan/zoom transform math.
//! Depends on `model` and `analysis::graph`; never on `ui` or the browser.
//!
//! The layout is a Sugiyama-style pipeline written here because the layered-layout crates
//! tried (rust-sugiyama 0.4, layout-rs 0.1.3) took more than a minute on the 1238-service
//! sample. Every step is a loop (no recursion), and the result is deterministic for a given
//! graph:
//!
//! 1. weakly connected components are laid out one by one and packed on shelves;
//! 2. cycles are broken by reversing the edges that point backwards in a greedy vertex sequence
//!    (Eades, Lin and Smyth), so cycles and self loops never stop the layout;
//! 3. layers by longest path from the sources, then a few balancing passes move each node
//!    next to its callees or its callers, whichever are more (sources next to their first
//!    callee), which shortens edges and so saves dummy points;
//! 4. edges that span several layers get a chain of dummy points, one per layer;
//! 5. the order within each layer comes from barycenter sweeps down and up; the order with the
//!    fewest crossings (counted exactly with a Fenwick tree) is kept;
//! 6. vertical positions: each layer is pulled towards the mean position of its neighbours and
//!    made non-overlapping by isotonic regression (pool adjacent violators), alternating down
//!    and up;
//! 7. every edge becomes a route: from the caller's right side through its dummy slots to the
//!    callee's left side (reversed edges run right to left), drawn as horizontal-tangent cubic
//!    curves.
//!
//! With `V` nodes plus dummies and `E` edge segments, a sweep costs `O(V log V + E log V)`;
//! the number of sweeps is bounded, so the layout is `O((V + E) log V)`.

use std::collections::VecDeque;
use strand_analysis::graph::{NodeKind, ServiceEdge, ServiceGraph};
use strand_model::time::format_duration;

/// Graphs with more nodes than this open focused on one service (see [`scope`]).
pub const LARGE_GRAPH_NODES: usize = 150;
/// Hops up and down a large graph's focus shows when the route says nothing.
pub const DEFAULT_FOCUS_HOPS: u32 = 1;

pub const NODE_WIDTH: f64 = 196.0;
pub const NODE_HEIGHT: f64 = 44.0;
/// Horizontal room between two layers, where the curves run.
const LAYER_GAP: f64 = 130.0;
/// Vertical room between two boxes of one layer.
const NODE_GAP: f64 = 18.0;
/// Room between edge slots, and between a slot and a box.
const SLOT_GAP: f64 = 7.0;
const BOX_SLOT_GAP: f64 = 12.0;
/// Room between packed components; more than a self loop's height.
const COMPONENT_GAP: f64 = 48.0;
/// Margin around the drawing.
const MARGIN: f64 = 44.0;
/// Crossing-reduction sweeps at most (each is one pass down and one up).
const MAX_SWEEPS: usize = 12;
/// Coordinate passes (each is one pass down and one up).
const COORD_PASSES: usize = 6;
/// Ends of a 2-cycle's two edges are drawn this far apart.
const PAIR_OFFSET: f64 = 6.0;
/// The longest node label, in characters.
const LABEL_CHARS: usize = 25;

#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteKind {
    /// Left to right, from a caller in an earlier layer.
    Forward,
    /// Right to left: this edge closes a cycle and was reversed for layering.
    Backward,
    /// A call from a node to itself, drawn as a loop above the box.
    SelfLoop,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EdgeRoute {
    pub kind: RouteKind,
    /// From the caller's side to the callee's side; consecutive points are joined by
    /// horizontal-tangent curves ([`path_data`]).
    pub points: Vec<Point>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct LayoutStats {
    pub components: usize,
    /// Layers of the largest component.
    pub layers: usize,
    pub dummies: usize,
    pub reversed_edges: usize,
    pub crossings: u64,
}

/// Where everything goes; all coordinates in the drawing's own units (CSS pixels at zoom 1).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Layout {
    /// Top-left corner of every node's box (`NODE_WIDTH` x `NODE_HEIGHT`), by node index.
    pub nodes: Vec<Point>,
    /// Layer (column) of every node inside its component.
    pub layers: Vec<u32>,
    /// The route of every input edge, by edge index.
    pub edges: Vec<EdgeRoute>,
    pub width: f64,
    pub height: f64,
    pub stats: LayoutStats,
}

/// Lays out `node_count` boxes and the directed `edges` between them (indices; pairs out of
/// range are given an empty route; duplicates share one route).
pub fn layered_layout(node_count: usize, edges: &[(usize, usize)]) -> Layout {
    let n = node_count;
    let mut unique: Vec<(usize, usize)> = edges.iter().copied().filter(|&(a, b)| a != b && a < n && b < n).collect();
    unique.sort_unstable();
    unique.dedup();

    // Weakly connected components, by an iterative flood fill.
    let mut undirected: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in &unique {
        if let Some(list) = undirected.get_mut(a) {
            list.push(b);
        }
        if let Some(list) = undirected.get_mut(b) {
            list.push(a);
        }
    }
    let mut component_of = vec![usize::MAX; n];
    let mut members: Vec<Vec<usize>> = Vec::new();
    for start in 0..n {
        if component_of.get(start) != Some(&usize::MAX) {
            continue;
        }
        let c = members.len();
        let mut list = vec![start];
        if let Some(slot) = component_of.get_mut(start) {
            *slot = c;
        }
        let mut next = 0;
        while let Some(&v) = list.get(next) {
            next += 1;
            for &w in undirected.get(v).map_or(&[][..], Vec::as_slice) {
                if let Some(slot) = component_of.get_mut(w) {
                    if *slot == usize::MAX {
                        *slot = c;
                        list.push(w);
                    }
                }
            }
        }
        list.sort_unstable();
        members.push(list);
    }
    drop(undirected);

    // Local indices and the edges of every component.
    let mut local = vec![0usize; n];
    for list in &members {
        for (i, &v) in list.iter().enumerate() {
            if let Some(slot) = local.get_mut(v) {
                *slot = i;
            }
        }
    }
    let mut component_edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); members.len()];
    // For every unique edge: its component and its index among that component's edges.
    let mut unique_place: Vec<(usize, usize)> = Vec::with_capacity(unique.len());
    for &(a, b) in &unique {
        let c = component_of.get(a).copied().unwrap_or(0);
        let (la, lb) = (local.get(a).copied().unwrap_or(0), local.get(b).copied().unwrap_or(0));
        if let Some(list) = component_edges.get_mut(c) {
            unique_place.push((c, list.len()));
            list.push((la, lb));
        }
    }

    let mut stats = LayoutStats { components: members.len(), ..LayoutStats::default() };
    let mut laid: Vec<ComponentLayout> = Vec::with_capacity(members.len());
    for (list, local_edges) in members.iter().zip(&component_edges) {
        let c = layout_component(list.len(), local_edges);
        stats.layers = stats.layers.max(c.layer_count);
        stats.dummies += c.dummies;
        stats.reversed_edges += c.reversed;
        stats.crossings += c.crossings;
        laid.push(c);
    }

    // Shelf packing: biggest components first, rows no wider than the widest component or a
    // roughly square drawing, whichever is wider.
    let mut order: Vec<usize> = (0..laid.len()).collect();
    order.sort_by(|&a, &b| {
        let size = |c: usize| laid.get(c).map_or((0.0, 0.0), |c| (c.height, c.width));
        let ((ha, wa), (hb, wb)) = (size(a), size(b));
        hb.total_cmp(&ha).then(wb.total_cmp(&wa)).then(a.cmp(&b))
    });
    let area: f64 = laid.iter().map(|c| (c.width + COMPONENT_GAP) * (c.height + COMPONENT_GAP)).sum();
    let widest = laid.iter().map(|c| c.width).fold(0.0, f64::max);
    let row_limit = widest.max(area.sqrt() * 1.4);
    let mut offsets = vec![Point::default(); laid.len()];
    let (mut x, mut y, mut row_height, mut width) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for &c in &order {
        let Some(comp) = laid.get(c) else { continue };
        if x > 0.0 && x + comp.width > row_limit {
            x = 0.0;
            y += row_height + COMPONENT_GAP;
            row_height = 0.0;
        }
        if let Some(slot) = offsets.get_mut(c) {
            *slot = Point { x: x + MARGIN, y: y + MARGIN };
        }
        width = width.max(x + comp.width);
        row_height = row_height.max(comp.height);
        x += comp.width + COMPONENT_GAP;
    }
    let height = y + row_height;

    let mut nodes = vec![Point::default(); n];
    let mut layers = vec![0u32; n];
    for (c, list) in members.iter().enumerate() {
        let (Some(comp), Some(off)) = (laid.get(c), offsets.get(c)) else {
            continue;
        };
        for (i, &v) in list.iter().enumerate() {
            if let (Some(p), Some(slot), Some(layer)) = (comp.nodes.get(i), nodes.get_mut(v), comp.layers.get(i)) {
                *slot = Point { x: p.x + off.x, y: p.y + off.y };
                if let Some(l) = layers.get_mut(v) {
                    *l = *layer;
                }
            }
        }
    }

    let routes = edges
        .iter()
        .map(|&(a, b)| {
            if a == b {
                return match nodes.get(a) {
                    Some(p) => self_loop(*p),
                    None => EdgeRoute { kind: RouteKind::SelfLoop, points: Vec::new() },
                };
            }
            let Ok(u) = unique.binary_search(&(a, b)) else {
                return EdgeRoute { kind: RouteKind::Forward, points: Vec::new() };
            };
            let Some(&(c, e)) = unique_place.get(u) else {
                return EdgeRoute { kind: RouteKind::Forward, points: Vec::new() };
            };
            let (Some(comp), Some(off)) = (laid.get(c), offsets.get(c)) else {
                return EdgeRoute { kind: RouteKind::Forward, points: Vec::new() };
            };
            let mut route =
                comp.routes.get(e).cloned().unwrap_or(EdgeRoute { kind: RouteKind::Forward, points: Vec::new() });
            for p in &mut route.points {
                p.x += off.x;
                p.y += off.y;
            }
            // Two edges in opposite directions between the same pair: keep their ends apart.
            if unique.binary_search(&(b, a)).is_ok() {
                let shift = if route.kind == RouteKind::Backward { PAIR_OFFSET } else { -PAIR_OFFSET };
                let last = route.points.len().saturating_sub(1);
                for (i, p) in route.points.iter_mut().enumerate() {
                    if i == 0 || i == last {
                        p.y += shift;
                    }
                }
            }
            route
        })
        .collect();

    Layout { nodes, layers, edges: routes, width: width + 2.0 * MARGIN, height: height + 2.0 * MARGIN, stats }
}

fn self_loop(p: Point) -> EdgeRoute {
    let start = Point { x: p.x + NODE_WIDTH - 46.0, y: p.y };
    let end = Point { x: p.x + NODE_WIDTH - 16.0, y: p.y };
    EdgeRoute { kind: RouteKind::SelfLoop, points: vec![start, end] }
}

struct ComponentLayout {
    /// Top-left corners, relative to the component's own origin.
    nodes: Vec<Point>,
    layers: Vec<u32>,
    routes: Vec<EdgeRoute>,
    width: f64,
    height: f64,
    layer_count: usize,
    dummies: usize,
    reversed: usize,
    crossings: u64,
}

/// One connected component: `n` nodes, unique edges without self loops (local indices).
fn layout_component(n: usize, edges: &[(usize, usize)]) -> ComponentLayout {
    // --- 1. Break cycles: edges that point backwards in a greedy vertex sequence. ---
    let sequence = greedy_sequence(n, edges);
    let reversed: Vec<bool> = edges
        .iter()
        .map(|&(a, b)| sequence.get(a).copied().unwrap_or(0) > sequence.get(b).copied().unwrap_or(0))
        .collect();
    let dag: Vec<(usize, usize)> =
        edges.iter().zip(&reversed).map(|(&(a, b), &r)| if r { (b, a) } else { (a, b) }).collect();

    // --- 2. Layers: longest path from the sources, then sources pulled right. ---
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pred_count = vec![0usize; n];
    for &(a, b) in &dag {
        if let Some(list) = succ.get_mut(a) {
            list.push(b);
        }
        if let Some(c) = pred_count.get_mut(b) {
            *c += 1;
        }
    }
    let mut remaining = pred_count.clone();
    let mut topo: Vec<usize> = (0..n).filter(|&v| pred_count.get(v) == Some(&0)).collect();
    let mut layer = vec![0usize; n];
    let mut next = 0;
    while let Some(&v) = topo.get(next) {
        next += 1;
        let lv = layer.get(v).copied().unwrap_or(0);
        for &w in succ.get(v).map_or(&[][..], Vec::as_slice) {
            if let Some(lw) = layer.get_mut(w) {
                *lw = (*lw).max(lv + 1);
            }
            if let Some(r) = remaining.get_mut(w) {
                *r -= 1;
                if *r == 0 {
                    topo.push(w);
                }
            }
        }
    }
    debug_assert_eq!(topo.len(), n, "the reversed graph is acyclic");
    // Balance: a node with more callees than callers moves right, next to its first callee,
    // and one with more callers than callees moves left, next to its last caller (sources and
    // sinks included). Every move keeps all edges pointing right and shortens them in total.
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in &dag {
        if let Some(list) = preds.get_mut(b) {
            list.push(a);
        }
    }
    for _ in 0..4 {
        let mut moved = false;
        for &v in topo.iter().rev() {
            let (ins, outs) = (preds.get(v).map_or(0, Vec::len), succ.get(v).map_or(0, Vec::len));
            let lo = preds.get(v).and_then(|p| p.iter().filter_map(|&u| layer.get(u)).max()).map(|&l| l + 1);
            let hi =
                succ.get(v).and_then(|s| s.iter().filter_map(|&w| layer.get(w)).min()).map(|&l| l.saturating_sub(1));
            let target = match (lo, hi) {
                (_, Some(hi)) if outs > ins => hi,
                (Some(lo), _) if ins > outs => lo,
                _ => continue,
            };
            if let Some(lv) = layer.get_mut(v) {
                if *lv != target {
                    *lv = target;
                    moved = true;
                }
            }
        }
        if !moved {
            break;
        }
    }
    let min_layer = layer.iter().copied().min().unwrap_or(0);
    for l in &mut layer {
        *l -= min_layer;
    }
    let layer_count = layer.iter().copied().max().map_or(0, |m| m + 1);

    // --- 3. Dummy chains for edges that span several layers. ---
    let mut node_layer: Vec<usize> = layer.clone();
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(dag.len());
    for &(a, b) in &dag {
        let (la, lb) = (layer.get(a).copied().unwrap_or(0), layer.get(b).copied().unwrap_or(0));
        let mut chain = vec![a];
        for l in la + 1..lb {
            chain.push(node_layer.len());
            node_layer.push(l);
        }
        chain.push(b);
        chains.push(chain);
    }
    let total = node_layer.len();
    let dummies = total - n;
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); total];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); total];
    for chain in &chains {
        for pair in chain.windows(2) {
            if let [x, y] = *pair {
                if let Some(list) = down.get_mut(x) {
                    list.push(y);
                }
                if let Some(list) = up.get_mut(y) {
                    list.push(x);
                }
            }
        }
    }

    // --- 4. Order within layers. Start from a DFS order from the sources, then sweep. ---
    let mut ranks: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    {
        let mut seen = vec![false; total];
        let mut roots: Vec<usize> = (0..n).filter(|&v| pred_count.get(v) == Some(&0)).collect();
        roots.sort_by_key(|&v| (layer.get(v).copied().unwrap_or(0), v));
        let mut stack: Vec<usize> = Vec::new();
        for root in roots.into_iter().chain(0..total) {
            if seen.get(root) != Some(&false) {
                continue;
            }
            stack.push(root);
            while let Some(v) = stack.pop() {
                if seen.get(v) != Some(&false) {
                    continue;
                }
                if let Some(s) = seen.get_mut(v) {
                    *s = true;
                }
                if let Some(rank) = node_layer.get(v).and_then(|&l| ranks.get_mut(l)) {
                    rank.push(v);
                }
                // Reverse, so the first successor is visited first.
                for &w in down.get(v).map_or(&[][..], Vec::as_slice).iter().rev() {
                    if seen.get(w) == Some(&false) {
                        stack.push(w);
                    }
                }
            }
        }
    }
    let mut pos = vec![0usize; total];
    let set_positions = |ranks: &[Vec<usize>], pos: &mut Vec<usize>| {
        for rank in ranks {
            for (i, &v) in rank.iter().enumerate() {
                if let Some(p) = pos.get_mut(v) {
                    *p = i;
                }
            }
        }
    };
    set_positions(&ranks, &mut pos);
    let mut best = ranks.clone();
    let mut best_crossings = count_crossings(&ranks, &pos, &down);
    let mut stale = 0;
    for _ in 0..MAX_SWEEPS {
        if best_crossings == 0 {
            break;
        }
        for l in 1..layer_count {
            reorder(&mut ranks, l, &mut pos, &up);
        }
        for l in (0..layer_count.saturating_sub(1)).rev() {
            reorder(&mut ranks, l, &mut pos, &down);
        }
        let c = count_crossings(&ranks, &pos, &down);
        if c < best_crossings {
            best_crossings = c;
            best.clone_from(&ranks);
            stale = 0;
        } else {
            stale += 1;
            if stale >= 3 {
                break;
            }
        }
    }
    let ranks = best;
    set_positions(&ranks, &mut pos);

    // --- 5. Vertical positions (centres). ---
    let is_real = |v: usize| v < n;
    let separation = |a: usize, b: usize| match (is_real(a), is_real(b)) {
        (true, true) => NODE_HEIGHT + NODE_GAP,
        (true, false) | (false, true) => NODE_HEIGHT / 2.0 + BOX_SLOT_GAP,
        (false, false) => SLOT_GAP,
    };
    let mut y = vec![0.0f64; total];
    for rank in &ranks {
        let mut at = 0.0;
        for (i, &v) in rank.iter().enumerate() {
            if i > 0 {
                if let Some(&prev) = rank.get(i - 1) {
                    at += separation(prev, v);
                }
            }
            if let Some(slot) = y.get_mut(v) {
                *slot = at;
            }
        }
    }
    for pass in 0..COORD_PASSES {
        let both = pass + 1 == COORD_PASSES;
        for l in 1..layer_count {
            place(&ranks, l, &mut y, &up, both.then_some(&down), &separation);
        }
        for l in (0..layer_count.saturating_sub(1)).rev() {
            place(&ranks, l, &mut y, &down, both.then_some(&up), &separation);
        }
    }
    // Normalise to the top of the highest box.
    let top = (0..total)
        .filter_map(|v| y.get(v).map(|&c| c - if is_real(v) { NODE_HEIGHT / 2.0 } else { 0.0 }))
        .fold(f64::INFINITY, f64::min);
    let top = if top.is_finite() { top } else { 0.0 };
    for c in &mut y {
        *c -= top;
    }
    let bottom = (0..total)
        .filter_map(|v| y.get(v).map(|&c| c + if is_real(v) { NODE_HEIGHT / 2.0 } else { 0.0 }))
        .fold(0.0, f64::max);

    let column_x = |l: usize| l as f64 * (NODE_WIDTH + LAYER_GAP);
    let nodes: Vec<Point> = (0..n)
        .map(|v| Point {
            x: column_x(layer.get(v).copied().unwrap_or(0)),
            y: y.get(v).copied().unwrap_or(0.0) - NODE_HEIGHT / 2.0,
        })
        .collect();

    // --- 6. Routes. ---
    let routes = chains
        .iter()
        .zip(&reversed)
        .map(|(chain, &rev)| {
            let mut points = Vec::with_capacity(chain.len() * 2);
            let last = chain.len().saturating_sub(1);
            for (i, &v) in chain.iter().enumerate() {
                let l = node_layer.get(v).copied().unwrap_or(0);
                let x = column_x(l);
                let cy = y.get(v).copied().unwrap_or(0.0);
                if i == 0 {
                    points.push(Point { x: x + NODE_WIDTH, y: cy });
                } else if i == last {
                    points.push(Point { x, y: cy });
                } else {
                    // A dummy: a straight run through its slot across the column.
                    points.push(Point { x, y: cy });
                    points.push(Point { x: x + NODE_WIDTH, y: cy });
                }
            }
            if rev {
                // Drawn from the real caller (the chain's end: its left side) back to the
                // callee (the chain's start: its right side).
                points.reverse();
                EdgeRoute { kind: RouteKind::Backward, points }
            } else {
                EdgeRoute { kind: RouteKind::Forward, points }
            }
        })
        .collect();

    ComponentLayout {
        nodes,
        layers: layer.iter().map(|&l| l as u32).collect(),
        routes,
        width: column_x(layer_count.saturating_sub(1)) + NODE_WIDTH,
        height: bottom,
        layer_count,
        dummies,
        reversed: reversed.iter().filter(|&&r| r).count(),
        crossings: best_crossings,
    }
}

/// The Eades–Lin–Smyth heuristic for a small feedback arc set: repeatedly take sinks off the
/// end and sources off the front, else the node with the most outgoing minus incoming edges
/// left. Returns every node's place in the sequence; edges from a later to an earlier place are
/// the ones to reverse. `O((V + E) log V)` with an ordered set as the priority queue.
fn greedy_sequence(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    use std::collections::BTreeSet;
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut inc: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        if let (Some(o), Some(i)) = (out.get_mut(a), inc.get_mut(b)) {
            o.push(b);
            i.push(a);
        }
    }
    let mut out_degree: Vec<i64> = out.iter().map(|l| l.len() as i64).collect();
    let mut in_degree: Vec<i64> = inc.iter().map(|l| l.len() as i64).collect();
    let key = |v: usize, o: &[i64], i: &[i64]| (i.get(v).copied().unwrap_or(0) - o.get(v).copied().unwrap_or(0), v);
    let mut queue: BTreeSet<(i64, usize)> = (0..n).map(|v| key(v, &out_degree, &in_degree)).collect();
    let mut live = vec![true; n];
    let mut front: Vec<usize> = Vec::with_capacity(n);
    let mut back: Vec<usize> = Vec::new();
    let mut sinks: Vec<usize> = (0..n).filter(|&v| out_degree.get(v) == Some(&0)).collect();
    let mut sources: Vec<usize> = (0..n).filter(|&v| in_degree.get(v) == Some(&0)).collect();
    sinks.reverse();
    sources.reverse();
    loop {
        let is_live = |v: usize, live: &[bool]| live.get(v).copied().unwrap_or(false);
        let (v, to_back) = if let Some(v) = sinks.pop() {
            if !is_live(v, &live) {
                continue;
            }
            (v, true)
        } else if let Some(v) = sources.pop() {
            if !is_live(v, &live) {
                continue;
            }
            (v, false)
        } else if let Some(&(_, v)) = queue.first() {
            (v, false)
        } else {
            break;
        };
        queue.remove(&key(v, &out_degree, &in_degree));
        if let Some(l) = live.get_mut(v) {
            *l = false;
        }
        if to_back {
            back.push(v);
        } else {
            front.push(v);
        }
        for &w in out.get(v).map_or(&[][..], Vec::as_slice) {
            if !is_live(w, &live) {
                continue;
            }
            queue.remove(&key(w, &out_degree, &in_degree));
            if let Some(d) = in_degree.get_mut(w) {
                *d -= 1;
                if *d == 0 {
                    sources.push(w);
                }
            }
            queue.insert(key(w, &out_degree, &in_degree));
        }
        for &u in inc.get(v).map_or(&[][..], Vec::as_slice) {
            if !is_live(u, &live) {
                continue;
            }
            queue.remove(&key(u, &out_degree, &in_degree));
            if let Some(d) = out_degree.get_mut(u) {
                *d -= 1;
                if *d == 0 {
                    sinks.push(u);
                }
            }
            queue.insert(key(u, &out_degree, &in_degree));
        }
    }
    let mut place = vec![0usize; n];
    for (i, v) in front.into_iter().chain(back.into_iter().rev()).enumerate() {
        if let Some(p) = place.get_mut(v) {
            *p = i;
        }
    }
    place
}

/// Sorts layer `l` by the barycenter of each node's neighbours in `adjacent` (a node without
/// neighbours there keeps its place as its key). Ties keep the current order.
fn reorder(ranks: &mut [Vec<usize>], l: usize, pos: &mut [usize], adjacent: &[Vec<usize>]) {
    let Some(rank) = ranks.get_mut(l) else { return };
    let mut keyed: Vec<(f64, usize, usize)> = rank
        .iter()
        .map(|&v| {
            let here = pos.get(v).copied().unwrap_or(0);
            let neighbours = adjacent.get(v).map_or(&[][..], Vec::as_slice);
            let key = if neighbours.is_empty() {
                here as f64
            } else {
                neighbours.iter().map(|&w| pos.get(w).copied().unwrap_or(0) as f64).sum::<f64>()
                    / neighbours.len() as f64
            };
            (key, here, v)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (i, (_, _, v)) in keyed.into_iter().enumerate() {
        if let Some(slot) = rank.get_mut(i) {
            *slot = v;
        }
        if let Some(p) = pos.get_mut(v) {
            *p = i;
        }
    }
}

/// Edge crossings between all pairs of neighbouring layers: inversions of the lower ends when
/// the segments are sorted by their upper ends, counted with a Fenwick tree.
fn count_crossings(ranks: &[Vec<usize>], pos: &[usize], down: &[Vec<usize>]) -> u64 {
    let mut total = 0u64;
    let mut segments: Vec<(usize, usize)> = Vec::new();
    for (l, rank) in ranks.iter().enumerate() {
        let Some(below) = ranks.get(l + 1) else { break };
        segments.clear();
        for &v in rank {
            let pv = pos.get(v).copied().unwrap_or(0);
            for &w in down.get(v).map_or(&[][..], Vec::as_slice) {
                segments.push((pv, pos.get(w).copied().unwrap_or(0)));
            }
        }
        segments.sort_unstable();
        let mut tree = vec![0u64; below.len() + 1];
        for (inserted, &(_, b)) in (0u64..).zip(&segments) {
            // Count earlier segments whose lower end is strictly right of b.
            let mut at_most_b = 0u64;
            let mut i = b + 1;
            while i > 0 {
                at_most_b += tree.get(i).copied().unwrap_or(0);
                i &= i - 1;
            }
            total += inserted - at_most_b;
            let mut i = b + 1;
            while let Some(slot) = tree.get_mut(i) {
                *slot += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}

/// Moves the nodes of layer `l` towards the mean centre of their neighbours in `primary` (and
/// `secondary`, when given), keeping the layer's order and separations: a weighted isotonic
/// regression solved by pool adjacent violators, `O(len)`.
fn place(
    ranks: &[Vec<usize>],
    l: usize,
    y: &mut [f64],
    primary: &[Vec<usize>],
    secondary: Option<&Vec<Vec<usize>>>,
    separation: &dyn Fn(usize, usize) -> f64,
) {
    let Some(rank) = ranks.get(l) else { return };
    if rank.is_empty() {
        return;
    }
    // Offsets: the smallest distance from the layer's first node to each node.
    let mut offset = Vec::with_capacity(rank.len());
    let mut acc = 0.0;
    for (i, &v) in rank.iter().enumerate() {
        if i > 0 {
            if let Some(&prev) = rank.get(i - 1) {
                acc += separation(prev, v);
            }
        }
        offset.push(acc);
    }
    // Blocks of pooled targets: (weight, weighted sum, count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(rank.len());
    for (i, &v) in rank.iter().enumerate() {
        let mut sum = 0.0;
        let mut count = 0usize;
        for list in std::iter::once(primary.get(v)).chain(std::iter::once(secondary.and_then(|s| s.get(v)))) {
            for &w in list.map_or(&[][..], Vec::as_slice) {
                sum += y.get(w).copied().unwrap_or(0.0);
                count += 1;
            }
        }
        let current = y.get(v).copied().unwrap_or(0.0);
        let (desired, weight) = if count == 0 { (current, 0.25) } else { (sum / count as f64, count as f64) };
        let target = desired - offset.get(i).copied().unwrap_or(0.0);
        blocks.push((weight, weight * target, 1));
        while blocks.len() >= 2 {
            let (Some(&last), Some(&prev)) = (blocks.last(), blocks.get(blocks.len() - 2)) else {
                break;
            };
            if prev.1 / prev.0 > last.1 / last.0 {
                blocks.pop();
                blocks.pop();
                blocks.push((prev.0 + last.0, prev.1 + last.1, prev.2 + last.2));
            } else {
                break;
            }
        }
    }
    let mut i = 0;
    for (weight, sum, count) in blocks {
        let z = sum / weight;
        for _ in 0..count {
            if let (Some(&v), Some(&off)) = (rank.get(i), offset.get(i)) {
                if let Some(slot) = y.get_mut(v) {
                    *slot = z + off;
                }
            }
            i += 1;
        }
    }
}

/// SVG path data for a route: straight moves joined by cubic curves with horizontal tangents
/// (a self loop is one arc above the box).
pub fn path_data(route: &EdgeRoute) -> String {
    let mut out = String::new();
    let mut points = route.points.iter();
    let Some(first) = points.next() else { return out };
    out.push_str(&format!("M{:.1} {:.1}", first.x, first.y));
    if route.kind == RouteKind::SelfLoop {
        if let Some(end) = points.next() {
            out.push_str(&format!(
                " C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}",
                first.x - 8.0,
                first.y - 38.0,
                end.x + 8.0,
                end.y - 38.0,
                end.x,
                end.y
            ));
        }
        return out;
    }
    let mut prev = *first;
    for p in points {
        if (p.y - prev.y).abs() < 0.05 {
            out.push_str(&format!(" L{:.1} {:.1}", p.x, p.y));
        } else {
            let mid = (p.x - prev.x) / 2.0;
            out.push_str(&format!(
                " C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}",
                prev.x + mid,
                prev.y,
                p.x - mid,
                p.y,
                p.x,
                p.y
            ));
        }
        prev = *p;
    }
    out
}

/// The middle of a route (where its label goes).
pub fn midpoint(route: &EdgeRoute) -> Point {
    let pts = &route.points;
    if route.kind == RouteKind::SelfLoop {
        return match (pts.first(), pts.last()) {
            (Some(a), Some(b)) => Point { x: (a.x + b.x) / 2.0, y: a.y - 30.0 },
            _ => Point::default(),
        };
    }
    let k = pts.len() / 2;
    match (pts.get(k.saturating_sub(1)), pts.get(k)) {
        (Some(a), Some(b)) => Point { x: (a.x + b.x) / 2.0, y: (a.y + b.y) / 2.0 },
        (None, Some(b)) => *b,
        _ => Point::default(),
    }
}

// ------------------------------------------------------------------------------------------
// The view model.

/// How bad a node's or an edge's error rate is; the CSS class colours it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ErrorLevel {
    None,
    /// Below 1%.
    Low,
    /// 1% to 10%.
    Medium,
    /// 10% and more.
    High,
}

impl ErrorLevel {
    pub fn of(errors: u64, total: u64) -> ErrorLevel {
        if errors == 0 || total == 0 {
            ErrorLevel::None
        } else if errors * 100 < total {
            ErrorLevel::Low
        } else if errors * 10 < total {
            ErrorLevel::Medium
        } else {
            ErrorLevel::High
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            ErrorLevel::None => "err-none",
            ErrorLevel::Low => "err-low",
            ErrorLevel::Medium => "err-mid",
            ErrorLevel::High => "err-high",
        }
    }

    pub const ALL: [ErrorLevel; 4] = [ErrorLevel::None, ErrorLevel::Low, ErrorLevel::Medium, ErrorLevel::High];

    pub fn legend(self) -> &'static str {
        match self {
            ErrorLevel::None => "no errors",
            ErrorLevel::Low => "< 1% errors",
            ErrorLevel::Medium => "1–10% errors",
            ErrorLevel::High => "≥ 10% errors",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    pub name: String,
    pub kind: NodeKind,
    /// Top-left corner of the box.
    pub x: f64,
    pub y: f64,
    /// The name, shortened to fit the box.
    pub label: String,
    /// The second line: spans, error rate and p99 (or calls, for nodes without spans).
    pub detail: String,
    /// The service's colour (`view::colors`); peers are drawn in neutral colours by kind.
    pub color: String,
    pub span_count: u64,
    pub error_count: u64,
    pub p50_ns: Option<i64>,
    pub p99_ns: Option<i64>,
    pub calls_in: u64,
    pub errors_in: u64,
    pub calls_out: u64,
    pub errors_out: u64,
    pub error_level: ErrorLevel,
    pub tooltip: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EdgeView {
    /// Indices into [`MapView::nodes`].
    pub from: usize,
    pub to: usize,
    pub calls: u64,
    pub errors: u64,
    pub p50_ns: Option<i64>,
    pub p90_ns: Option<i64>,
    pub p99_ns: Option<i64>,
    pub path: String,
    pub kind: RouteKind,
    /// Stroke width in drawing units: 1.2 to 6.5 by calls on a log scale.
    pub width: f64,
    pub error_level: ErrorLevel,
    /// Calls (and errors) in short form, for the label at `label_at`.
    pub label: String,
    pub label_at: Point,
    pub tooltip: Vec<String>,
}

/// Everything the map draws, for one graph (the whole graph or a focus subgraph).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct MapView {
    /// In the graph's order (sorted by name), so an index here is an index into the graph.
    pub nodes: Vec<NodeView>,
    pub edges: Vec<EdgeView>,
    pub width: f64,
    pub height: f64,
    pub stats: LayoutStats,
}

impl MapView {
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.nodes.binary_search_by(|n| n.name.as_str().cmp(name)).ok()
    }

    /// The node itself, its callers and callees, and the edges between them and it.
    pub fn highlight(&self, node: usize) -> Highlight {
        let mut h = Highlight {
            node,
            callers: vec![false; self.nodes.len()],
            callees: vec![false; self.nodes.len()],
            edges: vec![false; self.edges.len()],
        };
        for (i, e) in self.edges.iter().enumerate() {
            if e.to == node {
                if let Some(c) = h.callers.get_mut(e.from) {
                    *c = true;
                }
            }
            if e.from == node {
                if let Some(c) = h.callees.get_mut(e.to) {
                    *c = true;
                }
            }
            if e.from == node || e.to == node {
                if let Some(slot) = h.edges.get_mut(i) {
                    *slot = true;
                }
            }
        }
        h
    }
}

/// What hovering or selecting a node lights up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub node: usize,
    pub callers: Vec<bool>,
    pub callees: Vec<bool>,
    pub edges: Vec<bool>,
}

impl Highlight {
    /// The CSS class of node `i`: the highlighted node, a caller, a callee, or dimmed.
    pub fn node_class(&self, i: usize) -> &'static str {
        let caller = self.callers.get(i).copied().unwrap_or(false);
        let callee = self.callees.get(i).copied().unwrap_or(false);
        if i == self.node {
            "hl-self"
        } else if caller && callee {
            "hl-both"
        } else if caller {
            "hl-caller"
        } else if callee {
            "hl-callee"
        } else {
            "dim"
        }
    }

    pub fn edge_class(&self, i: usize) -> &'static str {
        if self.edges.get(i).copied().unwrap_or(false) {
            "hl"
        } else {
            "dim"
        }
    }
}

/// Lays out `graph` and builds what the map draws.
pub fn build_map(graph: &ServiceGraph) -> MapView {
    let pairs: Vec<(usize, usize)> = graph.edges.iter().map(|e| (e.from, e.to)).collect();
    let layout = layered_layout(graph.nodes.len(), &pairs);

    let mut calls_in = vec![(0u64, 0u64); graph.nodes.len()];
    let mut calls_out = vec![(0u64, 0u64); graph.nodes.len()];
    for e in &graph.edges {
        if let Some(c) = calls_in.get_mut(e.to) {
            c.0 += e.calls;
            c.1 += e.errors;
        }
        if let Some(c) = calls_out.get_mut(e.from) {
            c.0 += e.calls;
            c.1 += e.errors;
        }
    }
    let max_calls = graph.edges.iter().map(|e| e.calls).max().unwrap_or(1);

    let nodes = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let at = layout.nodes.get(i).copied().unwrap_or_default();
            let (cin, ein) = calls_in.get(i).copied().unwrap_or_default();
            let (cout, eout) = calls_out.get(i).copied().unwrap_or_default();
            let error_level =
                if n.span_count > 0 { ErrorLevel::of(n.error_count, n.span_count) } else { ErrorLevel::of(ein, cin) };
            let detail = if n.span_count > 0 {
                let mut d = format!(
                    "{} {} · {} err",
                    format_count(n.span_count),
                    if n.span_count == 1 { "span" } else { "spans" },
                    format_percent(n.error_count, n.span_count)
                );
                if let Some(p99) = n.p99_ns {
                    d.push_str(&format!(" · p99 {}", format_duration(p99)));
                }
                d
            } else if n.kind == NodeKind::Service {
                format!("in {} · out {}", format_count(cin), format_count(cout))
            } else {
                format!(
                    "{} {} in · {} err",
                    format_count(cin),
                    if cin == 1 { "call" } else { "calls" },
                    format_percent(ein, cin)
                )
            };
            let mut tooltip = vec![format!("{} ({})", n.name, n.kind.as_str())];
            if n.kind != NodeKind::Service {
                tooltip.push("not instrumented: seen from its callers' spans".to_string());
            }
            if n.span_count > 0 {
                tooltip.push(format!(
                    "{} · {} ({})",
                    counted(n.span_count, "span"),
                    counted(n.error_count, "error"),
                    format_percent(n.error_count, n.span_count)
                ));
                if let (Some(p50), Some(p99)) = (n.p50_ns, n.p99_ns) {
                    tooltip.push(format!("span duration p50 {} · p99 {}", format_duration(p50), format_duration(p99)));
                }
            }
            tooltip.push(format!(
                "calls in {} ({}) · calls out {} ({})",
                format_thousands(cin),
                counted(ein, "error"),
                format_thousands(cout),
                counted(eout, "error")
            ));
            NodeView {
                name: n.name.clone(),
                kind: n.kind,
                x: at.x,
                y: at.y,
                label: shorten(&n.name, LABEL_CHARS),
                detail,
                color: if n.kind == NodeKind::Service { crate::colors::service_color(&n.name) } else { String::new() },
                span_count: n.span_count,
                error_count: n.error_count,
                p50_ns: n.p50_ns,
                p99_ns: n.p99_ns,
                calls_in: cin,
                errors_in: ein,
                calls_out: cout,
                errors_out: eout,
                error_level,
                tooltip,
            }
        })
        .collect();

    let name = |i: usize| graph.nodes.get(i).map_or("?", |n| n.name.as_str());
    let edges = graph
        .edges
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let route =
                layout.edges.get(i).cloned().unwrap_or(EdgeRoute { kind: RouteKind::Forward, points: Vec::new() });
            EdgeView {
                from: e.from,
                to: e.to,
                calls: e.calls,
                errors: e.errors,
                p50_ns: e.p50_ns,
                p90_ns: e.p90_ns,
                p99_ns: e.p99_ns,
                path: path_data(&route),
                kind: route.kind,
                width: edge_width(e.calls, max_calls),
                error_level: ErrorLevel::of(e.errors, e.calls),
                label: if e.errors > 0 {
                    format!("{} · {} err", format_count(e.calls), format_count(e.errors))
                } else {
                    format_count(e.calls)
                },
                label_at: midpoint(&route),
                tooltip: edge_tooltip(name(e.from), name(e.to), e),
            }
        })
        .collect();

    MapView { nodes, edges, width: layout.width, height: layout.height, stats: layout.stats }
}

fn edge_tooltip(from: &str, to: &str, e: &ServiceEdge) -> Vec<String> {
    let mut lines = vec![
        format!("{from} → {to}"),
        format!(
            "{} · {} ({})",
            counted(e.calls, "call"),
            counted(e.errors, "error"),
            format_percent(e.errors, e.calls)
        ),
    ];
    match (e.p50_ns, e.p90_ns, e.p99_ns) {
        (Some(p50), Some(p90), Some(p99)) => lines.push(format!(
            "latency p50 {} · p90 {} · p99 {}",
            format_duration(p50),
            format_duration(p90),
            format_duration(p99)
        )),
        _ => lines.push("latency unknown (dependency links carry only counts)".to_string()),
    }
    lines
}

/// Stroke width by calls, on a log scale from 1.2 (one call) to 6.5 (the busiest edge).
pub fn edge_width(calls: u64, max_calls: u64) -> f64 {
    if max_calls <= 1 {
        return 1.6;
    }
    let t = ((calls.max(1)) as f64).ln() / (max_calls as f64).ln();
    1.2 + 5.3 * t.clamp(0.0, 1.0)
}

/// A count in at most four characters: `999`, `1.2k`, `12k`, `3.4M`.
pub fn format_count(n: u64) -> String {
    let f = n as f64;
    if n < 1_000 {
        n.to_string()
    } else if n < 10_000 {
        format!("{:.1}k", f / 1e3)
    } else if n < 1_000_000 {
        format!("{:.0}k", f / 1e3)
    } else if n < 10_000_000 {
        format!("{:.1}M", f / 1e6)
    } else {
        format!("{:.0}M", f / 1e6)
    }
}

/// A count with thousands separators: `2,985,281`.
pub fn format_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` and a noun, singular for one: `1 call`, `2,000 calls`.
pub fn counted(n: u64, noun: &str) -> String {
    format!("{} {noun}{}", format_thousands(n), if n == 1 { "" } else { "s" })
}

/// `part` of `total` as a percentage: `0%`, `0.4%`, `12%`, `100%`.
pub fn format_percent(part: u64, total: u64) -> String {
    if total == 0 || part == 0 {
        return "0%".to_string();
    }
    let p = part as f64 * 100.0 / total as f64;
    if p < 10.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// `s` cut to `max` characters with an ellipsis.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

// ------------------------------------------------------------------------------------------
// Focus, neighbours, what to show.

/// The edges into and out of one node, busiest first: indices into `graph.edges`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Neighbours {
    pub callers: Vec<usize>,
    pub callees: Vec<usize>,
}

pub fn neighbours(graph: &ServiceGraph, node: usize) -> Neighbours {
    let mut n = Neighbours::default();
    for (i, e) in graph.edges.iter().enumerate() {
        if e.to == node {
            n.callers.push(i);
        }
        if e.from == node && e.to != node {
            n.callees.push(i);
        }
    }
    let calls = |i: &usize| std::cmp::Reverse(graph.edges.get(*i).map_or(0, |e| e.calls));
    n.callers.sort_by_key(calls);
    n.callees.sort_by_key(calls);
    n
}

/// Distances (in calls) upstream and downstream of `center`, at most `hops`; `u32::MAX` where
/// a node is farther or unrelated. Breadth-first, with a queue.
fn focus_distances(graph: &ServiceGraph, center: usize, hops: u32) -> [Vec<u32>; 2] {
    let n = graph.nodes.len();
    let mut callees: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut callers: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &graph.edges {
        if let Some(list) = callees.get_mut(e.from) {
            list.push(e.to);
        }
        if let Some(list) = callers.get_mut(e.to) {
            list.push(e.from);
        }
    }
    [&callers, &callees].map(|adjacency| {
        let mut distance = vec![u32::MAX; n];
        if let Some(d) = distance.get_mut(center) {
            *d = 0;
        }
        let mut queue = VecDeque::from([center]);
        while let Some(v) = queue.pop_front() {
            let d = distance.get(v).copied().unwrap_or(u32::MAX);
            if d >= hops {
                continue;
            }
            for &w in adjacency.get(v).map_or(&[][..], Vec::as_slice) {
                if let Some(dw) = distance.get_mut(w).filter(|dw| **dw == u32::MAX) {
                    *dw = d + 1;
                    queue.push_back(w);
                }
            }
        }
        distance
    })
}

/// The nodes at most `hops` calls upstream (callers, their callers...) or downstream of
/// `center`, with `center`; sorted.
pub fn focus_nodes(graph: &ServiceGraph, center: usize, hops: u32) -> Vec<usize> {
    if center >= graph.nodes.len() {
        return Vec::new();
    }
    let [up, down] = focus_distances(graph, center, hops);
    (0..graph.nodes.len())
        .filter(|&i| up.get(i).is_some_and(|&d| d != u32::MAX) || down.get(i).is_some_and(|&d| d != u32::MAX))
        .collect()
}

/// The focus view of `center`: the nodes of [`focus_nodes`] and only the edges that step along
/// the shortest call paths to or from it — upstream, from a caller to one fewer hops from
/// `center`; downstream, from a callee to one hop farther out. Calls among a service's
/// neighbours at the same distance are left out: around a busy service they are most of the
/// edges and say nothing about it.
pub fn focus_subgraph(graph: &ServiceGraph, center: usize, hops: u32) -> ServiceGraph {
    let keep = focus_nodes(graph, center, hops);
    if keep.is_empty() {
        return ServiceGraph::default();
    }
    let [up, down] = focus_distances(graph, center, hops);
    let mut sub = subgraph(graph, &keep);
    let on_path = |from: usize, to: usize| {
        let (uf, ut) = (up.get(from).copied().unwrap_or(u32::MAX), up.get(to).copied().unwrap_or(u32::MAX));
        let (df, dt) = (down.get(from).copied().unwrap_or(u32::MAX), down.get(to).copied().unwrap_or(u32::MAX));
        (uf != u32::MAX && ut != u32::MAX && uf > ut) || (df != u32::MAX && dt != u32::MAX && dt > df)
    };
    // `subgraph` renumbered the nodes; map back through `keep` (sorted, same order).
    sub.edges.retain(|e| match (keep.get(e.from), keep.get(e.to)) {
        (Some(&from), Some(&to)) => on_path(from, to),
        _ => false,
    });
    sub
}

/// The subgraph on `keep` (sorted node indices) with every edge between kept nodes; nodes and
/// edges keep their order.
pub fn subgraph(graph: &ServiceGraph, keep: &[usize]) -> ServiceGraph {
    let mut new_index = vec![usize::MAX; graph.nodes.len()];
    let mut nodes = Vec::with_capacity(keep.len());
    for &i in keep {
        if let (Some(node), Some(slot)) = (graph.nodes.get(i), new_index.get_mut(i)) {
            *slot = nodes.len();
            nodes.push(node.clone());
        }
    }
    let edges = graph
        .edges
        .iter()
        .filter_map(|e| {
            let from = new_index.get(e.from).copied().filter(|&i| i != usize::MAX)?;
            let to = new_index.get(e.to).copied().filter(|&i| i != usize::MAX)?;
            Some(ServiceEdge { from, to, ..e.clone() })
        })
        .collect();
    ServiceGraph { nodes, edges }
}

/// The node with the most calls in and out (ties: the first by name).
pub fn busiest_node(graph: &ServiceGraph) -> Option<usize> {
    let mut calls = vec![0u64; graph.nodes.len()];
    for e in &graph.edges {
        for i in [e.from, e.to] {
            if let Some(c) = calls.get_mut(i) {
                *c = c.saturating_add(e.calls);
            }
        }
    }
    let mut best: Option<(u64, usize)> = None;
    for (i, &c) in calls.iter().enumerate() {
        if best.is_none_or(|(b, _)| c > b) {
            best = Some((c, i));
        }
    }
    best.map(|(_, i)| i)
}

/// What part of the graph the map shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Whole,
    Focus { center: usize, hops: u32 },
}

/// The scope for the route's `service` and `hops`: `hops=0` asks for the whole graph, `hops=N`
/// for N hops around the service. Without `hops`, small graphs show whole and large ones
/// ([`LARGE_GRAPH_NODES`]) open focused on the selected service, else the busiest.
pub fn scope(graph: &ServiceGraph, service: Option<&str>, hops: Option<u32>) -> Scope {
    let selected = service.and_then(|s| graph.node_index(s));
    let large = graph.nodes.len() > LARGE_GRAPH_NODES;
    let focus_on = |hops: u32| match selected.or_else(|| if large { busiest_node(graph) } else { None }) {
        Some(center) => Scope::Focus { center, hops },
        None => Scope::Whole,
    };
    match hops {
        Some(0) => Scope::Whole,
        Some(h) => focus_on(h),
        None if large => focus_on(DEFAULT_FOCUS_HOPS),
        None => Scope::Whole,
    }
}

/// The graph `scope` selects (a clone of the whole graph, or the focus subgraph).
pub fn scoped_graph(graph: &ServiceGraph, scope: Scope) -> ServiceGraph {
    match scope {
        Scope::Whole => graph.clone(),
        Scope::Focus { center, hops } => focus_subgraph(graph, center, hops),
    }
}

// ------------------------------------------------------------------------------------------
// Pan and zoom.

/// Screen = content * scale + (x, y).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transform {
    pub scale: f64,
    pub x: f64,
    pub y: f64,
}

impl Default for Transform {
    fn default() -> Self {
        Transform { scale: 1.0, x: 0.0, y: 0.0 }
    }
}

impl Transform {
    pub const MIN_SCALE: f64 = 0.01;
    pub const MAX_SCALE: f64 = 4.0;
    /// Fitting never enlarges beyond this, so a two-node map does not fill the screen.
    pub const MAX_FIT_SCALE: f64 = 1.25;

    /// Shows all of a `content`-sized drawing centred in a `view`-sized viewport.
    pub fn fit(content: (f64, f64), view: (f64, f64)) -> Transform {
        let (cw, ch) = (content.0.max(1.0), content.1.max(1.0));
        let (vw, vh) = (view.0.max(1.0), view.1.max(1.0));
        let scale = (vw / cw).min(vh / ch).clamp(Self::MIN_SCALE, Self::MAX_FIT_SCALE);
        Transform { scale, x: (vw - cw * scale) / 2.0, y: (vh - ch * scale) / 2.0 }
    }

    /// Zooms by `factor`, keeping the screen point `at` over the same content point.
    pub fn zoom_at(self, factor: f64, at: (f64, f64)) -> Transform {
        let scale = (self.scale * factor).clamp(Self::MIN_SCALE, Self::MAX_SCALE);
        let k = scale / self.scale;
        Transform { scale, x: at.0 - (at.0 - self.x) * k, y: at.1 - (at.1 - self.y) * k }
    }

    pub fn pan(self, dx: f64, dy: f64) -> Transform {
        Transform { x: self.x + dx, y: self.y + dy, ..self }
    }

    /// Puts the content point `at` in the middle of a `view`-sized viewport.
    pub fn center_on(self, at: (f64, f64), view: (f64, f64)) -> Transform {
        Transform { x: view.0 / 2.0 - at.0 * self.scale, y: view.1 / 2.0 - at.1 * self.scale, ..self }
    }

    pub fn to_content(self, screen: (f64, f64)) -> (f64, f64) {
        ((screen.0 - self.x) / self.scale, (screen.1 - self.y) / self.scale)
    }

    /// The SVG `transform` attribute.
    pub fn svg(self) -> String {
        format!("translate({:.2} {:.2}) scale({:.5})", self.x, self.y, self.scale)
    }

    /// How much text to draw at this zoom: both lines, names only, or no text.
    pub fn detail_class(self) -> &'static str {
        if self.scale >= 0.6 {
            "lod-full"
        } else if self.scale >= 0.32 {
            "lod-names"
        } else {
            "lod-shapes"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};
    use strand_analysis::graph::{graph_from_links, ServiceNode};

    fn graph(nodes: &[&str], edges: &[(&str, &str, u64, u64)]) -> ServiceGraph {
        let mut names: Vec<&str> = nodes.to_vec();
        names.sort_unstable();
        let nodes = names
            .iter()
            .map(|n| ServiceNode {
                name: n.to_string(),
                kind: if n.starts_with("db") { NodeKind::Database } else { NodeKind::Service },
                span_count: 0,
                error_count: 0,
                p50_ns: None,
                p99_ns: None,
            })
            .collect();
        let at = |n: &str| names.iter().position(|m| *m == n).expect("known node");
        let mut edges: Vec<ServiceEdge> = edges
            .iter()
            .map(|&(a, b, calls, errors)| ServiceEdge {
                from: at(a),
                to: at(b),
                calls,
                errors,
                p50_ns: None,
                p90_ns: None,
                p99_ns: None,
            })
            .collect();
        edges.sort_by_key(|e| (e.from, e.to));
        ServiceGraph { nodes, edges }
    }

    /// Layers (columns) and the order within them, plus the route kinds: the shape of a layout.
    fn check_layout(g: &ServiceGraph, expect: Expect) {
        let view = build_map(g);
        assert_sane(&view);
        let mut columns: Vec<Vec<(f64, &str)>> = Vec::new();
        for n in &view.nodes {
            let col = (n.x / (NODE_WIDTH + LAYER_GAP)).round() as usize;
            if columns.len() <= col {
                columns.resize(col + 1, Vec::new());
            }
            columns[col].push((n.y, n.name.as_str()));
        }
        let mut out = String::new();
        for (i, col) in columns.iter_mut().enumerate() {
            col.sort_by(|a, b| a.0.total_cmp(&b.0));
            let names: Vec<&str> = col.iter().map(|c| c.1).collect();
            out.push_str(&format!("layer {i}: {}\n", names.join(", ")));
        }
        for e in &view.edges {
            out.push_str(&format!(
                "{} -> {} {:?} {}\n",
                view.nodes[e.from].name, view.nodes[e.to].name, e.kind, e.label
            ));
        }
        out.push_str(&format!(
            "reversed={} crossings={} dummies={}\n",
            view.stats.reversed_edges, view.stats.crossings, view.stats.dummies
        ));
        expect.assert_eq(&out);
    }

    /// No two boxes overlap, everything lies inside the drawing, every edge has a path that
    /// starts and ends at its nodes' sides.
    fn assert_sane(view: &MapView) {
        for (i, a) in view.nodes.iter().enumerate() {
            assert!(a.x >= 0.0 && a.y >= 0.0, "{} at {},{}", a.name, a.x, a.y);
            assert!(a.x + NODE_WIDTH <= view.width + 0.01 && a.y + NODE_HEIGHT <= view.height + 0.01);
            for b in view.nodes.iter().skip(i + 1) {
                let apart = a.x + NODE_WIDTH <= b.x
                    || b.x + NODE_WIDTH <= a.x
                    || a.y + NODE_HEIGHT <= b.y + 0.01
                    || b.y + NODE_HEIGHT <= a.y + 0.01;
                assert!(apart, "{} and {} overlap", a.name, b.name);
            }
        }
        for e in &view.edges {
            assert!(e.path.starts_with('M'), "edge {}->{} has a path", e.from, e.to);
            assert!(e.width >= 1.2 && e.width <= 6.5);
        }
    }

    #[test]
    fn chain_with_a_shortcut() {
        check_layout(
            &graph(
                &["a", "b", "c", "d"],
                &[("a", "b", 10, 0), ("b", "c", 5, 1), ("c", "d", 5, 0), ("a", "d", 2000, 30)],
            ),
            expect![[r#"
                layer 0: a
                layer 1: b
                layer 2: c
                layer 3: d
                a -> b Forward 10
                a -> d Forward 2.0k · 30 err
                b -> c Forward 5 · 1 err
                c -> d Forward 5
                reversed=0 crossings=0 dummies=2
            "#]],
        );
    }

    #[test]
    fn cycles_and_self_loops_do_not_break_the_layout() {
        check_layout(
            &graph(
                &["a", "b", "c", "d"],
                &[
                    ("a", "b", 1, 0),
                    ("b", "c", 1, 0),
                    ("c", "a", 1, 0),
                    ("c", "d", 1, 0),
                    ("d", "d", 3, 0),
                    ("d", "c", 1, 0),
                ],
            ),
            expect![[r#"
                layer 0: a
                layer 1: b
                layer 2: c
                layer 3: d
                a -> b Forward 1
                b -> c Forward 1
                c -> a Backward 1
                c -> d Forward 1
                d -> c Backward 1
                d -> d SelfLoop 3
                reversed=2 crossings=0 dummies=1
            "#]],
        );
    }

    #[test]
    fn a_graph_that_is_one_big_cycle() {
        let names: Vec<String> = (0..30).map(|i| format!("s{i:02}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let edges: Vec<(&str, &str, u64, u64)> = (0..30).map(|i| (refs[i], refs[(i + 1) % 30], 1, 0)).collect();
        let view = build_map(&graph(&refs, &edges));
        assert_sane(&view);
        assert_eq!(view.stats.reversed_edges, 1);
        assert_eq!(view.stats.layers, 30);
    }

    #[test]
    fn disconnected_components_are_packed_apart() {
        check_layout(
            &graph(
                &["a", "b", "c", "d", "lonely", "x", "y"],
                &[("a", "b", 1, 0), ("b", "c", 1, 0), ("a", "d", 1, 0), ("x", "y", 1, 0)],
            ),
            expect![[r#"
                layer 0: a, x
                layer 1: b, d, y
                layer 2: c, lonely
                a -> b Forward 1
                a -> d Forward 1
                b -> c Forward 1
                x -> y Forward 1
                reversed=0 crossings=0 dummies=0
            "#]],
        );
        let view = build_map(&graph(&["a", "b", "c"], &[]));
        assert_sane(&view);
        assert_eq!(view.stats.components, 3);
    }

    #[test]
    fn crossings_are_reduced() {
        // Two fans whose natural order crosses: the sweeps untangle them.
        check_layout(
            &graph(
                &["a", "b", "p", "q", "r", "s"],
                &[("a", "s", 1, 0), ("a", "r", 1, 0), ("b", "q", 1, 0), ("b", "p", 1, 0), ("a", "p", 1, 0)],
            ),
            expect![[r#"
                layer 0: a, b
                layer 1: r, s, p, q
                a -> p Forward 1
                a -> r Forward 1
                a -> s Forward 1
                b -> p Forward 1
                b -> q Forward 1
                reversed=0 crossings=0 dummies=0
            "#]],
        );
    }

    #[test]
    fn two_cycle_edges_are_drawn_apart() {
        let view = build_map(&graph(&["a", "b"], &[("a", "b", 5, 0), ("b", "a", 2, 1)]));
        assert_ne!(view.edges[0].path, view.edges[1].path);
        expect![[r#"
            M240.0 60.0 L370.0 60.0
            M370.0 72.0 L240.0 72.0
        "#]]
        .assert_eq(&format!("{}\n{}\n", view.edges[0].path, view.edges[1].path));
    }

    #[test]
    fn empty_and_degenerate_inputs() {
        let view = build_map(&ServiceGraph::default());
        assert!(view.nodes.is_empty() && view.edges.is_empty());
        let layout = layered_layout(2, &[(0, 5), (1, 1), (0, 1), (0, 1)]);
        assert!(layout.edges[0].points.is_empty());
        assert_eq!(layout.edges[1].kind, RouteKind::SelfLoop);
        assert_eq!(layout.edges[2], layout.edges[3]);
    }

    #[test]
    fn focus_keeps_only_edges_on_paths_through_the_center() {
        // a -> b -> c -> d, plus the bypasses a -> c and b -> d, a sibling call b -> e, and
        // c -> b (a cycle back towards the caller).
        let g = graph(
            &["a", "b", "c", "d", "e"],
            &[
                ("a", "b", 1, 0),
                ("b", "c", 1, 0),
                ("c", "d", 1, 0),
                ("a", "c", 1, 0),
                ("b", "d", 1, 0),
                ("b", "e", 1, 0),
                ("c", "b", 1, 0),
            ],
        );
        let edges = |sub: &ServiceGraph| {
            sub.edges
                .iter()
                .map(|e| format!("{}->{}", sub.nodes[e.from].name, sub.nodes[e.to].name))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let c = g.node_index("c").unwrap();
        let one = focus_subgraph(&g, c, 1);
        assert_eq!(one.nodes.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), ["a", "b", "c", "d"]);
        assert_eq!(edges(&one), "a->c b->c c->b c->d");
        let two = focus_subgraph(&g, c, 2);
        // a -> b stays out: both call c directly, so the call brings nothing closer to it.
        // b -> e is in: c calls b, which calls e (two hops down).
        assert_eq!(edges(&two), "a->c b->c b->e c->b c->d");
        assert_eq!(focus_subgraph(&g, 99, 1), ServiceGraph::default());
    }

    #[test]
    fn focus_takes_hops_up_and_down() {
        // up2 -> up1 -> mid -> down1 -> down2, plus side -> down1 (not a caller of mid).
        let g = graph(
            &["down1", "down2", "mid", "side", "up1", "up2"],
            &[
                ("up2", "up1", 1, 0),
                ("up1", "mid", 1, 0),
                ("mid", "down1", 1, 0),
                ("down1", "down2", 1, 0),
                ("side", "down1", 1, 0),
            ],
        );
        let names = |keep: Vec<usize>| keep.iter().map(|&i| g.nodes[i].name.as_str()).collect::<Vec<_>>().join(" ");
        let mid = g.node_index("mid").unwrap();
        assert_eq!(names(focus_nodes(&g, mid, 0)), "mid");
        assert_eq!(names(focus_nodes(&g, mid, 1)), "down1 mid up1");
        assert_eq!(names(focus_nodes(&g, mid, 2)), "down1 down2 mid up1 up2");
        let sub = subgraph(&g, &focus_nodes(&g, mid, 1));
        assert_eq!(sub.edges.len(), 2);
        assert_eq!(sub.nodes[sub.edges[0].from].name, "mid");
    }

    #[test]
    fn highlight_and_neighbours() {
        let g = graph(&["a", "b", "c", "d"], &[("a", "b", 1, 0), ("b", "c", 9, 0), ("b", "d", 3, 0), ("d", "b", 1, 0)]);
        let view = build_map(&g);
        let b = view.node_index("b").unwrap();
        let h = view.highlight(b);
        let classes: Vec<&str> = (0..4).map(|i| h.node_class(i)).collect();
        assert_eq!(classes, ["hl-caller", "hl-self", "hl-callee", "hl-both"]);
        assert_eq!((0..4).map(|i| h.edge_class(i)).collect::<Vec<_>>(), ["hl", "hl", "hl", "hl"]);
        let n = neighbours(&g, b);
        let name = |e: usize| (g.nodes[g.edges[e].from].name.as_str(), g.nodes[g.edges[e].to].name.as_str());
        assert_eq!(n.callers.iter().map(|&e| name(e)).collect::<Vec<_>>(), [("a", "b"), ("d", "b")]);
        assert_eq!(n.callees.iter().map(|&e| name(e)).collect::<Vec<_>>(), [("b", "c"), ("b", "d")]);
    }

    #[test]
    fn scope_rules() {
        let small = graph(&["a", "b"], &[("a", "b", 1, 0)]);
        assert_eq!(scope(&small, None, None), Scope::Whole);
        assert_eq!(scope(&small, Some("b"), None), Scope::Whole);
        assert_eq!(scope(&small, Some("b"), Some(2)), Scope::Focus { center: 1, hops: 2 });
        assert_eq!(scope(&small, Some("nope"), Some(2)), Scope::Whole);
        let names: Vec<String> = (0..200).map(|i| format!("s{i:03}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let edges: Vec<(&str, &str, u64, u64)> =
            (1..200).map(|i| (refs[0], refs[i], i as u64, 0)).chain([(refs[7], refs[8], 1000, 0)]).collect();
        let large = graph(&refs, &edges);
        assert_eq!(busiest_node(&large), Some(0));
        assert_eq!(scope(&large, None, None), Scope::Focus { center: 0, hops: DEFAULT_FOCUS_HOPS });
        assert_eq!(scope(&large, Some("s007"), None), Scope::Focus { center: 7, hops: 1 });
        assert_eq!(scope(&large, None, Some(0)), Scope::Whole);
        assert_eq!(scoped_graph(&large, Scope::Focus { center: 8, hops: 1 }).nodes.len(), 3);
    }

    #[test]
    fn numbers_and_levels() {
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1234), "1.2k");
        assert_eq!(format_count(298_314), "298k");
        assert_eq!(format_count(2_985_281), "3.0M");
        assert_eq!(format_thousands(2_985_281), "2,985,281");
        assert_eq!(format_thousands(100), "100");
        assert_eq!(counted(1, "error"), "1 error");
        assert_eq!(counted(1234, "call"), "1,234 calls");
        assert_eq!(format_percent(1, 3), "33%");
        assert_eq!(format_percent(1, 300), "0.3%");
        assert_eq!(format_percent(0, 0), "0%");
        assert_eq!(ErrorLevel::of(0, 10), ErrorLevel::None);
        assert_eq!(ErrorLevel::of(1, 1000), ErrorLevel::Low);
        assert_eq!(ErrorLevel::of(1, 100), ErrorLevel::Medium);
        assert_eq!(ErrorLevel::of(1, 10), ErrorLevel::High);
        assert!((edge_width(1, 1000) - 1.2).abs() < 1e-9);
        assert!((edge_width(1000, 1000) - 6.5).abs() < 1e-9);
        assert_eq!(shorten("abcdef", 4), "abc…");
    }

    #[test]
    fn transform_math() {
        let t = Transform::fit((1000.0, 500.0), (500.0, 500.0));
        assert_eq!(t, Transform { scale: 0.5, x: 0.0, y: 125.0 });
        // Zooming keeps the point under the cursor in place.
        let z = t.zoom_at(2.0, (100.0, 200.0));
        let before = t.to_content((100.0, 200.0));
        let after = z.to_content((100.0, 200.0));
        assert!((before.0 - after.0).abs() < 1e-9 && (before.1 - after.1).abs() < 1e-9);
        assert_eq!(z.scale, 1.0);
        assert_eq!(t.pan(5.0, -5.0), Transform { scale: 0.5, x: 5.0, y: 120.0 });
        let c = z.center_on((300.0, 300.0), (500.0, 500.0));
        assert_eq!(c.to_content((250.0, 250.0)), (300.0, 300.0));
        assert_eq!(Transform::fit((10.0, 10.0), (800.0, 600.0)).scale, Transform::MAX_FIT_SCALE);
        assert_eq!(z.zoom_at(1e9, (0.0, 0.0)).scale, Transform::MAX_SCALE);
        assert_eq!(t.detail_class(), "lod-names");
        assert_eq!(t.svg(), "translate(0.00 125.00) scale(0.50000)");
    }

    fn large_sample() -> Option<ServiceGraph> {
        let path =
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/samples/jaeger-deps_dependency-graph-large.json");
        let bytes = std::fs::read(path).ok()?;
        let mut data = strand_model::Dataset::new();
        let options = strand_formats::assemble::AssembleOptions { adjust_clock_skew: true };
        strand_formats::load(&mut data, &bytes, "deps.json", None, &options).ok()?;
        Some(graph_from_links(&data.strings, &data.dependencies))
    }

    #[test]
    fn the_1238_service_sample_lays_out() {
        let Some(g) = large_sample() else {
            panic!("../shared/samples/jaeger-deps_dependency-graph-large.json is missing");
        };
        let started = std::time::Instant::now();
        let view = build_map(&g);
        let elapsed = started.elapsed();
        // A figure, not an assertion: run with --nocapture to see it.
        println!(
            "layout of the 1238-service sample: {elapsed:?} ({} nodes, {} edges, {:?})",
            view.nodes.len(),
            view.edges.len(),
            view.stats
        );
        assert_eq!(view.nodes.len(), 1238);
        assert_eq!(view.edges.len(), 4271);
        assert!(view.edges.iter().all(|e| e.path.starts_with('M') && e.path.len() > 10));
        assert!(view.nodes.iter().all(|n| n.x.is_finite() && n.y.is_finite()));
        // Boxes in one column never overlap.
        let mut by_column: Vec<(i64, f64)> = view.nodes.iter().map(|n| (n.x.round() as i64, n.y)).collect();
        by_column.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        for w in by_column.windows(2) {
            if w[0].0 == w[1].0 {
                assert!(w[1].1 - w[0].1 >= NODE_HEIGHT - 0.01, "boxes overlap at x={}", w[0].0);
            }
        }
        // The default scope focuses on the busiest service.
        let Scope::Focus { center, hops } = scope(&g, None, None) else { panic!("large graphs open focused") };
        assert_eq!((g.nodes[center].name.as_str(), hops), ("Service50", 1));
        let focused = build_map(&scoped_graph(&g, Scope::Focus { center, hops }));
        assert_eq!(focused.nodes.len(), 111, "Service50 and its 110 distinct neighbours");
        assert_sane(&focused);
    }
}
