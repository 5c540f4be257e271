//! The service map's pure part: a layered left-to-right layout of a [`ServiceGraph`] (callers to
//! the left of their callees), the view model the SVG is drawn from (boxes, curves, labels,
//! stroke widths, error classes, tooltips), the focus subgraph (N hops up and down from one
//! service), the highlight sets for hover and selection, and the pan/zoom transform math.
//! Depends on `model` and `analysis::graph`; never on `ui` or the browser.
//!
//! The layout is [`crate::layered`], with the map's box sizes and gaps ([`SPACING`]).

use crate::layered::{layered_layout, Spacing};
pub use crate::layered::{midpoint, path_data, EdgeRoute, LayoutStats, Point, RouteKind};
pub use strand_analysis::graph::focus::{busiest_node, focus_nodes, focus_subgraph, neighbours, subgraph, Neighbours};
use strand_analysis::graph::{NodeKind, ServiceEdge, ServiceGraph};
use strand_model::format::{
    counted, percent as format_percent, short_count as format_count, thousands as format_thousands,
};
use strand_model::time::format_duration;

/// Graphs with more nodes than this open focused on one service (see [`scope`]).
pub const LARGE_GRAPH_NODES: usize = 150;
/// Hops up and down a large graph's focus shows when the route says nothing.
pub const DEFAULT_FOCUS_HOPS: u32 = 1;

pub const NODE_WIDTH: f64 = 196.0;
pub const NODE_HEIGHT: f64 = 44.0;
/// The map's sizes and gaps.
pub const SPACING: Spacing = Spacing {
    node_width: NODE_WIDTH,
    node_height: NODE_HEIGHT,
    layer_gap: LAYER_GAP,
    node_gap: 18.0,
    slot_gap: 7.0,
    box_slot_gap: 12.0,
    component_gap: 48.0,
    margin: 44.0,
    pair_offset: 6.0,
};
/// Horizontal room between two layers, where the curves run.
pub const LAYER_GAP: f64 = 130.0;
/// The longest node label, in characters.
const LABEL_CHARS: usize = 25;

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
    let layout = layered_layout(graph.nodes.len(), &pairs, &SPACING);

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
// What to show (the graph algorithms are in `strand_analysis::graph::focus`).

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
        let layout = layered_layout(2, &[(0, 5), (1, 1), (0, 1), (0, 1)], &SPACING);
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
    #[allow(clippy::disallowed_methods)] // native test: prints a figure
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
