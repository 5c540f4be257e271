//! The layout of one connected component, as the steps of the module docs: break cycles, assign
//! layers, add dummy chains, order the layers, place vertically, route the edges.

use super::order::{count_crossings, greedy_sequence, reorder};
use super::place::place;
use super::{EdgeRoute, Point, RouteKind, Spacing, COORD_PASSES, MAX_SWEEPS};

pub(super) struct ComponentLayout {
    /// Top-left corners, relative to the component's own origin.
    pub nodes: Vec<Point>,
    pub layers: Vec<u32>,
    pub routes: Vec<EdgeRoute>,
    pub width: f64,
    pub height: f64,
    pub layer_count: usize,
    pub dummies: usize,
    pub reversed: usize,
    pub crossings: u64,
}

/// One connected component: `n` nodes, unique edges without self loops (local indices).
pub(super) fn layout_component(n: usize, edges: &[(usize, usize)], s: &Spacing) -> ComponentLayout {
    let (dag, reversed) = break_cycles(n, edges);
    let layering = assign_layers(n, &dag);
    let graph = DummyGraph::build(n, &dag, &layering.layer, layering.count);
    let (ranks, crossings) = order_layers(n, &layering, &graph);
    let (y, bottom) = vertical_positions(n, &ranks, &graph, s);
    let column_x = |l: usize| l as f64 * (s.node_width + s.layer_gap);
    let nodes: Vec<Point> = (0..n)
        .map(|v| Point {
            x: column_x(layering.layer.get(v).copied().unwrap_or(0)),
            y: y.get(v).copied().unwrap_or(0.0) - s.node_height / 2.0,
        })
        .collect();
    let routes = route_edges(&graph, &reversed, &y, s);
    ComponentLayout {
        nodes,
        layers: layering.layer.iter().map(|&l| l as u32).collect(),
        routes,
        width: column_x(layering.count.saturating_sub(1)) + s.node_width,
        height: bottom,
        layer_count: layering.count,
        dummies: graph.total - n,
        reversed: reversed.iter().filter(|&&r| r).count(),
        crossings,
    }
}

/// Step 1: the edges with those that point backwards in a greedy vertex sequence reversed, and
/// which were.
fn break_cycles(n: usize, edges: &[(usize, usize)]) -> (Vec<(usize, usize)>, Vec<bool>) {
    let sequence = greedy_sequence(n, edges);
    let reversed: Vec<bool> = edges
        .iter()
        .map(|&(a, b)| sequence.get(a).copied().unwrap_or(0) > sequence.get(b).copied().unwrap_or(0))
        .collect();
    let dag = edges.iter().zip(&reversed).map(|(&(a, b), &r)| if r { (b, a) } else { (a, b) }).collect();
    (dag, reversed)
}

struct Layering {
    /// Layer of every node.
    layer: Vec<usize>,
    count: usize,
    /// Incoming edges of every node in the acyclic graph (0: a source).
    pred_count: Vec<usize>,
}

/// Step 2: longest path from the sources, then balancing passes: a node with more callees than
/// callers moves right, next to its first callee, and one with more callers than callees moves
/// left, next to its last caller (sources and sinks included). Every move keeps all edges
/// pointing right and shortens them in total.
fn assign_layers(n: usize, dag: &[(usize, usize)]) -> Layering {
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pred_count = vec![0usize; n];
    for &(a, b) in dag {
        if let Some(list) = succ.get_mut(a) {
            list.push(b);
        }
        if let Some(list) = preds.get_mut(b) {
            list.push(a);
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
    let count = layer.iter().copied().max().map_or(0, |m| m + 1);
    Layering { layer, count, pred_count }
}

/// Step 3: the graph with a dummy point per layer an edge crosses. Nodes `0..n` are real, the
/// rest dummies.
struct DummyGraph {
    node_layer: Vec<usize>,
    /// Every edge as the chain of points it runs through, from its first node to its last.
    chains: Vec<Vec<usize>>,
    up: Vec<Vec<usize>>,
    down: Vec<Vec<usize>>,
    total: usize,
}

impl DummyGraph {
    fn build(n: usize, dag: &[(usize, usize)], layer: &[usize], _layers: usize) -> DummyGraph {
        let mut node_layer: Vec<usize> = layer.get(..n).unwrap_or(layer).to_vec();
        let mut chains: Vec<Vec<usize>> = Vec::with_capacity(dag.len());
        for &(a, b) in dag {
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
        DummyGraph { node_layer, chains, up, down, total }
    }
}

/// Step 4: the order within every layer: a DFS order from the sources, then barycenter sweeps
/// down and up; the order with the fewest crossings wins. Returns it and its crossings.
fn order_layers(n: usize, layering: &Layering, g: &DummyGraph) -> (Vec<Vec<usize>>, u64) {
    let mut ranks: Vec<Vec<usize>> = vec![Vec::new(); layering.count];
    let mut seen = vec![false; g.total];
    let mut roots: Vec<usize> = (0..n).filter(|&v| layering.pred_count.get(v) == Some(&0)).collect();
    strand_model::order::sort_by_key(&mut roots, |&v| (layering.layer.get(v).copied().unwrap_or(0), v));
    let mut stack: Vec<usize> = Vec::new();
    for root in roots.into_iter().chain(0..g.total) {
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
            if let Some(rank) = g.node_layer.get(v).and_then(|&l| ranks.get_mut(l)) {
                rank.push(v);
            }
            // Reverse, so the first successor is visited first.
            for &w in g.down.get(v).map_or(&[][..], Vec::as_slice).iter().rev() {
                if seen.get(w) == Some(&false) {
                    stack.push(w);
                }
            }
        }
    }
    let mut pos = vec![0usize; g.total];
    set_positions(&ranks, &mut pos);
    let mut best = ranks.clone();
    let mut best_crossings = count_crossings(&ranks, &pos, &g.down);
    let mut stale = 0;
    for _ in 0..MAX_SWEEPS {
        if best_crossings == 0 {
            break;
        }
        for l in 1..layering.count {
            reorder(&mut ranks, l, &mut pos, &g.up);
        }
        for l in (0..layering.count.saturating_sub(1)).rev() {
            reorder(&mut ranks, l, &mut pos, &g.down);
        }
        let c = count_crossings(&ranks, &pos, &g.down);
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
    (best, best_crossings)
}

fn set_positions(ranks: &[Vec<usize>], pos: &mut [usize]) {
    for rank in ranks {
        for (i, &v) in rank.iter().enumerate() {
            if let Some(p) = pos.get_mut(v) {
                *p = i;
            }
        }
    }
}

/// Step 5: vertical centres of every point, normalised to the top of the highest box, and the
/// bottom of the lowest.
fn vertical_positions(n: usize, ranks: &[Vec<usize>], g: &DummyGraph, s: &Spacing) -> (Vec<f64>, f64) {
    let is_real = |v: usize| v < n;
    let separation = |a: usize, b: usize| match (is_real(a), is_real(b)) {
        (true, true) => s.node_height + s.node_gap,
        (true, false) | (false, true) => s.node_height / 2.0 + s.box_slot_gap,
        (false, false) => s.slot_gap,
    };
    let mut y = vec![0.0f64; g.total];
    for rank in ranks {
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
    let layers = ranks.len();
    for pass in 0..COORD_PASSES {
        let both = pass + 1 == COORD_PASSES;
        for l in 1..layers {
            place(ranks, l, &mut y, &g.up, both.then_some(&g.down), &separation);
        }
        for l in (0..layers.saturating_sub(1)).rev() {
            place(ranks, l, &mut y, &g.down, both.then_some(&g.up), &separation);
        }
    }
    let half = |v: usize| if is_real(v) { s.node_height / 2.0 } else { 0.0 };
    let top = (0..g.total).filter_map(|v| y.get(v).map(|&c| c - half(v))).fold(f64::INFINITY, f64::min);
    let top = if top.is_finite() { top } else { 0.0 };
    for c in &mut y {
        *c -= top;
    }
    let bottom = (0..g.total).filter_map(|v| y.get(v).map(|&c| c + half(v))).fold(0.0, f64::max);
    (y, bottom)
}

/// Step 6: every edge's route through its chain: from the caller's right side, through each
/// dummy's slot straight across its column, to the callee's left side; reversed edges run from
/// the real caller (the chain's end) back to the callee.
fn route_edges(g: &DummyGraph, reversed: &[bool], y: &[f64], s: &Spacing) -> Vec<EdgeRoute> {
    let column_x = |l: usize| l as f64 * (s.node_width + s.layer_gap);
    g.chains
        .iter()
        .zip(reversed)
        .map(|(chain, &rev)| {
            let mut points = Vec::with_capacity(chain.len() * 2);
            let last = chain.len().saturating_sub(1);
            for (i, &v) in chain.iter().enumerate() {
                let x = column_x(g.node_layer.get(v).copied().unwrap_or(0));
                let cy = y.get(v).copied().unwrap_or(0.0);
                if i == 0 {
                    points.push(Point { x: x + s.node_width, y: cy });
                } else if i == last {
                    points.push(Point { x, y: cy });
                } else {
                    points.push(Point { x, y: cy });
                    points.push(Point { x: x + s.node_width, y: cy });
                }
            }
            if rev {
                points.reverse();
                EdgeRoute { kind: RouteKind::Backward, points }
            } else {
                EdgeRoute { kind: RouteKind::Forward, points }
            }
        })
        .collect()
}
