//! The map's SVG content: edges (with hit paths and labels), nodes and namespace frames, and the
//! arrow markers. Re-rendered only when the map or the highlight changes; pan and zoom only move
//! the group around it.

use super::*;

#[derive(Properties, PartialEq)]
pub(super) struct MapLayerProps {
    pub built: Built,
    /// The hovered node, else the selected one: it and its callers and callees are highlighted.
    pub active: Option<usize>,
    pub selected: Option<usize>,
}

/// The nodes and edges; re-rendered only when the map or the highlighted node changes (not on
/// pan or zoom, which only change the transform of the group around it).
#[function_component(MapLayer)]
pub(super) fn map_layer(props: &MapLayerProps) -> Html {
    let view = &props.built.view;
    let highlight = props.active.map(|i| view.highlight(i));
    let hit_paths = view.edges.len() <= HIT_PATHS_MAX;
    let name = |i: usize| view.nodes.get(i).map_or("?", |n| n.name.as_str());
    let edges = view.edges.iter().enumerate().map(|(i, e)| {
        let hl = highlight.as_ref().map(|h| h.edge_class(i));
        let kind = match e.kind {
            RouteKind::Forward => "forward",
            RouteKind::Backward => "backward",
            RouteKind::SelfLoop => "self-loop",
        };
        html! {
            <g class={classes!("map-edge", e.error_level.class(), kind, hl)} data-edge={format!("{}->{}", name(e.from), name(e.to))}
               data-i={i.to_string()} data-calls={e.calls.to_string()} data-errors={e.errors.to_string()}
               data-p50={e.p50_ns.map(|v| v.to_string())} data-p99={e.p99_ns.map(|v| v.to_string())}>
                if hit_paths { <path class="map-edge-hit" d={e.path.clone()} /> }
                <path class="map-edge-line" d={e.path.clone()} stroke-width={format!("{:.2}", e.width)}
                      marker-end={format!("url(#map-arrow-{})", e.error_level.class())} />
            </g>
        }
    });
    let labels = (view.edges.len() <= EDGE_LABELS_MAX).then(|| {
        html! {
            <g class="map-edge-labels" aria-hidden="true">
                { for view.edges.iter().enumerate().map(|(i, e)| {
                    let hl = highlight.as_ref().map(|h| h.edge_class(i));
                    html! {
                        <text class={classes!("map-edge-label", e.error_level.class(), hl)} x={format!("{:.1}", e.label_at.x)}
                              y={format!("{:.1}", e.label_at.y - 5.0)} text-anchor="middle">{ e.label.clone() }</text>
                    }
                }) }
            </g>
        }
    });
    let nodes = view.nodes.iter().enumerate().map(|(i, n)| {
        let hl = highlight.as_ref().map(|h| h.node_class(i));
        let selected = (props.selected == Some(i)).then_some("selected");
        let (w, h) = (map::NODE_WIDTH, map::NODE_HEIGHT);
        let text_x = if n.kind == NodeKind::Service { 14.0 } else { 34.0 };
        let shape = match n.kind {
            NodeKind::Service => html! {
                <>
                    <rect class="map-node-box" width={w.to_string()} height={h.to_string()} rx="7" />
                    <rect class="map-node-strip" width="6" height={h.to_string()} rx="2" fill={n.color.clone()} />
                </>
            },
            NodeKind::Database => html! {
                <>
                    <rect class="map-node-box" width={w.to_string()} height={h.to_string()} rx="7" />
                    <path class="map-node-icon" d="M10 14 v16 a8 3 0 0 0 16 0 v-16 a8 3 0 0 0 -16 0 a8 3 0 0 0 16 0" />
                </>
            },
            NodeKind::Messaging => html! {
                <>
                    <rect class="map-node-box" width={w.to_string()} height={h.to_string()} rx="7" />
                    <path class="map-node-icon" d="M9 15 h18 M9 22 h18 M9 29 h18 M24 11 l4 4 l-4 4" />
                </>
            },
            NodeKind::External => html! {
                <>
                    <rect class="map-node-box" width={w.to_string()} height={h.to_string()} rx="7" />
                    <path class="map-node-icon" d="M18 13 a9 9 0 1 0 0.01 0 M9 22 h18 M18 13 c-5 5 -5 13 0 18 c5 -5 5 -13 0 -18" />
                </>
            },
        };
        html! {
            <g class={classes!("map-node", format!("kind-{}", n.kind.as_str()), n.error_level.class(), hl, selected)}
               transform={format!("translate({:.1} {:.1})", n.x, n.y)} data-node={n.name.clone()} data-i={i.to_string()}
               data-kind={n.kind.as_str()} data-spans={n.span_count.to_string()} data-errors={n.error_count.to_string()}
               data-calls-in={n.calls_in.to_string()} data-calls-out={n.calls_out.to_string()}
               tabindex="0" role="button" aria-label={node_label(&n.label, &n.detail, &n.tooltip)}>
                { shape }
                <text class="map-node-name" x={text_x.to_string()} y="18">{ n.label.clone() }</text>
                // The leading space is not drawn; it keeps the name and the detail apart in the text
                // a screen reader (and the accessible-name check) reads.
                <text class="map-node-detail" x={text_x.to_string()} y="34">{ format!(" {}", n.detail) }</text>
            </g>
        }
    });
    html! {
        <>
            <g class={classes!("map-edges", highlight.is_some().then_some("has-highlight"))}>{ for edges }</g>
            { for labels }
            <g class={classes!("map-nodes", highlight.is_some().then_some("has-highlight"))}>{ for nodes }</g>
        </>
    }
}

/// Arrowheads, one per error level (SVG markers do not inherit the stroke colour everywhere).
#[function_component(MarkerDefs)]
pub(super) fn marker_defs() -> Html {
    html! {
        <defs>
            { for ErrorLevel::ALL.iter().map(|l| html! {
                <marker id={format!("map-arrow-{}", l.class())} class={classes!("map-arrow", l.class())} viewBox="0 0 10 10"
                        refX="10" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">
                    <path d="M0 0 L10 5 L0 10 z" />
                </marker>
            }) }
        </defs>
    }
}

/// A node's accessible name: the text it shows (name, then the detail line) first, so that the
/// name contains the visible label (WCAG 2.5.3), then the tooltip's numbers.
fn node_label(label: &str, detail: &str, tooltip: &[String]) -> String {
    let mut name = label.to_string();
    if !detail.is_empty() {
        name.push(' ');
        name.push_str(detail);
    }
    for line in tooltip.iter().skip(1) {
        name.push_str(". ");
        name.push_str(line);
    }
    name
}
