//! A layered (Sugiyama-style) left-to-right layout of a directed graph of equal boxes: callers
//! to the left of their callees. Generic: boxes and edges by index, sizes and gaps from
//! [`Spacing`]. Written here because the crates tried (rust-sugiyama 0.4, layout-rs 0.1.3) took
//! more than a minute on a 1238-node graph. Every step is a loop (no recursion) and the result is
//! deterministic for a given graph. The steps, each a function:
//!
//! 1. weakly connected components are laid out one by one ([`component`]) and packed on shelves
//!    (here);
//! 2. cycles are broken by reversing the edges that point backwards in a greedy vertex sequence
//!    (Eades, Lin and Smyth: [`order::greedy_sequence`]), so cycles and self loops never stop the
//!    layout;
//! 3. layers by longest path from the sources, then a few balancing passes move each node next
//!    to its callees or its callers, whichever are more, which shortens edges and so saves
//!    dummy points;
//! 4. edges that span several layers get a chain of dummy points, one per layer;
//! 5. the order within each layer comes from barycenter sweeps down and up; the order with the
//!    fewest crossings (counted exactly with a Fenwick tree) is kept ([`order`]);
//! 6. vertical positions: each layer is pulled towards the mean position of its neighbours and
//!    made non-overlapping by isotonic regression (pool adjacent violators, [`place`]),
//!    alternating down and up;
//! 7. every edge becomes a route: from the caller's right side through its dummy slots to the
//!    callee's left side (reversed edges run right to left), drawn as horizontal-tangent cubic
//!    curves ([`path_data`]).
//!
//! With `V` nodes plus dummies and `E` edge segments, a sweep costs `O(V log V + E log V)`; the
//! number of sweeps is bounded, so the layout is `O((V + E) log V)`. Depends on nothing else in
//! the crate.

mod component;
mod order;
mod place;

use component::{layout_component, ComponentLayout};

/// Sizes and gaps of a drawing, in its own units (CSS pixels at zoom 1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spacing {
    pub node_width: f64,
    pub node_height: f64,
    /// Horizontal room between two layers, where the curves run.
    pub layer_gap: f64,
    /// Vertical room between two boxes of one layer.
    pub node_gap: f64,
    /// Room between edge slots, and between a slot and a box.
    pub slot_gap: f64,
    pub box_slot_gap: f64,
    /// Room between packed components; more than a self loop's height.
    pub component_gap: f64,
    /// Margin around the drawing.
    pub margin: f64,
    /// Ends of a 2-cycle's two edges are drawn this far apart.
    pub pair_offset: f64,
}

/// Crossing-reduction sweeps at most (each is one pass down and one up).
const MAX_SWEEPS: usize = 12;
/// Coordinate passes (each is one pass down and one up).
const COORD_PASSES: usize = 6;

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
pub fn layered_layout(node_count: usize, edges: &[(usize, usize)], s: &Spacing) -> Layout {
    let n = node_count;
    let mut unique: Vec<(usize, usize)> = edges.iter().copied().filter(|&(a, b)| a != b && a < n && b < n).collect();
    strand_model::order::sort(&mut unique);
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
        strand_model::order::sort(&mut list);
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
        let c = layout_component(list.len(), local_edges, s);
        stats.layers = stats.layers.max(c.layer_count);
        stats.dummies += c.dummies;
        stats.reversed_edges += c.reversed;
        stats.crossings += c.crossings;
        laid.push(c);
    }

    // Shelf packing: biggest components first, rows no wider than the widest component or a
    // roughly square drawing, whichever is wider.
    let mut order: Vec<usize> = (0..laid.len()).collect();
    strand_model::order::sort_by(&mut order, |&a, &b| {
        let size = |c: usize| laid.get(c).map_or((0.0, 0.0), |c| (c.height, c.width));
        let ((ha, wa), (hb, wb)) = (size(a), size(b));
        hb.total_cmp(&ha).then(wb.total_cmp(&wa)).then(a.cmp(&b))
    });
    let area: f64 = laid.iter().map(|c| (c.width + s.component_gap) * (c.height + s.component_gap)).sum();
    let widest = laid.iter().map(|c| c.width).fold(0.0, f64::max);
    let row_limit = widest.max(area.sqrt() * 1.4);
    let mut offsets = vec![Point::default(); laid.len()];
    let (mut x, mut y, mut row_height, mut width) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for &c in &order {
        let Some(comp) = laid.get(c) else { continue };
        if x > 0.0 && x + comp.width > row_limit {
            x = 0.0;
            y += row_height + s.component_gap;
            row_height = 0.0;
        }
        if let Some(slot) = offsets.get_mut(c) {
            *slot = Point { x: x + s.margin, y: y + s.margin };
        }
        width = width.max(x + comp.width);
        row_height = row_height.max(comp.height);
        x += comp.width + s.component_gap;
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
                    Some(p) => self_loop(*p, s),
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
                let shift = if route.kind == RouteKind::Backward { s.pair_offset } else { -s.pair_offset };
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

    Layout { nodes, layers, edges: routes, width: width + 2.0 * s.margin, height: height + 2.0 * s.margin, stats }
}

fn self_loop(p: Point, s: &Spacing) -> EdgeRoute {
    let start = Point { x: p.x + s.node_width - 46.0, y: p.y };
    let end = Point { x: p.x + s.node_width - 16.0, y: p.y };
    EdgeRoute { kind: RouteKind::SelfLoop, points: vec![start, end] }
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
