//! The service map: services as boxes, calls as curves, for all loaded traces (or collector
//! dependency links) or one trace. Renders what `view::service_map` computes as SVG, with wheel
//! zoom, drag to pan, hover tooltips and highlighting, click to select (the `service=` route
//! parameter), a focus of N hops (`hops=`), and a side panel with the selected service's numbers,
//! callers and callees.

mod layer;
mod legend;

use super::hooks::use_element_size;
use super::perf;
use super::store::DataHandle;
use std::rc::Rc;
use strand_analysis::graph::{graph_from_links, service_graph, trace_service_graph, NodeKind, ServiceGraph};
use strand_app::interaction::map::{initial_transform, wheel_factor, Pan};
use strand_model::format::{percent as format_percent, thousands as format_thousands};
use strand_model::time::format_duration;
use strand_view::map_groups::{group_frames, service_namespaces, GroupFrame, MapGrouping};
use strand_view::route::{Page, Route};
use strand_view::service_map::{self as map, ErrorLevel, MapView, RouteKind, Scope, Transform};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ServiceMapProps {
    pub data: DataHandle,
    /// `Some(index)`: the map of that trace alone; `None`: of every loaded trace (or, when the
    /// dataset holds collector dependency links, of those).
    pub trace_index: Option<usize>,
    pub route: Route,
    pub on_navigate: Callback<(Route, bool)>,
}

/// Where the graph comes from (the page-level map can show either when both are loaded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Traces,
    Links,
}

/// A laid-out map; compared by identity so that child components skip re-rendering.
#[derive(Clone)]
struct Built {
    view: Rc<MapView>,
    /// Nodes in the whole graph (before focusing).
    total_nodes: usize,
    layout_ms: f64,
}

impl PartialEq for Built {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.view, &other.view)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Hover {
    Node(usize),
    Edge(usize),
}

/// Edge labels are drawn when there are at most this many edges.
const EDGE_LABELS_MAX: usize = 80;
/// Wide invisible strokes that make thin edges easy to hover, up to this many edges.
const HIT_PATHS_MAX: usize = 1500;

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

#[function_component(ServiceMapView)]
pub fn service_map_view(props: &ServiceMapProps) -> Html {
    let chosen_source = use_state_eq(|| None::<Source>);
    let (has_traces, has_links) = {
        let data = props.data.borrow();
        (!data.traces.is_empty(), !data.dependencies.is_empty())
    };
    let source = match (props.trace_index, *chosen_source) {
        (Some(_), _) => Source::Traces,
        (None, Some(Source::Links)) if has_links => Source::Links,
        (None, Some(Source::Traces)) if has_traces => Source::Traces,
        _ if has_traces => Source::Traces,
        _ => Source::Links,
    };

    let graph: Rc<ServiceGraph> = {
        let data = props.data.clone();
        use_memo((props.data.generation, props.trace_index, source), move |&(_, trace_index, source)| {
            let data = data.borrow();
            match (trace_index, source) {
                (Some(i), _) => data.traces.get(i).map(|t| trace_service_graph(&data.strings, t)).unwrap_or_default(),
                (None, Source::Traces) => service_graph(&data),
                (None, Source::Links) => graph_from_links(&data.strings, &data.dependencies),
            }
        })
    };
    let scope = map::scope(&graph, props.route.service.as_deref(), props.route.hops);
    let built: Rc<Built> = {
        let graph = graph.clone();
        use_memo((props.data.generation, props.trace_index, source, scope), move |_| {
            perf::mark("strand:map-layout-start");
            let started = now_ms();
            let view = map::build_map(&map::scoped_graph(&graph, scope));
            let layout_ms = now_ms() - started;
            perf::measure_since("strand:map-layout", "strand:map-layout-start");
            Built { view: Rc::new(view), total_nodes: graph.nodes.len(), layout_ms }
        })
    };
    let view = built.view.clone();
    let selected = props.route.service.as_deref().and_then(|s| view.node_index(s));
    let focus_center = match scope {
        Scope::Focus { center, .. } => graph.nodes.get(center).and_then(|n| view.node_index(&n.name)),
        Scope::Whole => None,
    };

    // Pan and zoom: the transform is kept per laid-out map; a new map is fitted to the view.
    let canvas = use_node_ref();
    let size = use_element_size(canvas.clone());
    let map_key = format!("{}:{:?}:{:?}:{:?}", props.data.generation, props.trace_index, source, scope);
    let stored = use_state(|| None::<(String, Transform)>);
    let fitted = {
        let focus = selected.or(focus_center).and_then(|i| view.nodes.get(i)).map(|n| (n.x, n.y));
        initial_transform((view.width, view.height), size, focus, view.nodes.len())
    };
    let transform = match &*stored {
        Some((key, t)) if *key == map_key => *t,
        _ => fitted,
    };
    let set_transform = {
        let stored = stored.clone();
        let map_key = map_key.clone();
        Callback::from(move |t: Transform| stored.set(Some((map_key.clone(), t))))
    };

    let hover = use_state_eq(|| None::<(Hover, f64, f64)>);
    let drag = use_mut_ref(|| None::<Pan>);

    let local_point = {
        let canvas = canvas.clone();
        move |x: i32, y: i32| -> (f64, f64) {
            match canvas.cast::<Element>() {
                Some(el) => {
                    let r = el.get_bounding_client_rect();
                    (f64::from(x) - r.left(), f64::from(y) - r.top())
                }
                None => (f64::from(x), f64::from(y)),
            }
        }
    };
    let target_item = |e: &MouseEvent| -> Option<Hover> {
        let el = e.target()?.dyn_into::<Element>().ok()?;
        if let Some(node) = el.closest("[data-node]").ok().flatten() {
            return node.get_attribute("data-i")?.parse().ok().map(Hover::Node);
        }
        let edge = el.closest("[data-edge]").ok().flatten()?;
        edge.get_attribute("data-i")?.parse().ok().map(Hover::Edge)
    };

    let navigate_select = {
        let route = props.route.clone();
        let on_navigate = props.on_navigate.clone();
        Callback::from(move |(service, hops): (Option<String>, Option<u32>)| {
            on_navigate.emit((Route { service, hops, ..route.clone() }, true));
        })
    };

    let onwheel = {
        let set_transform = set_transform.clone();
        let local_point = local_point.clone();
        Callback::from(move |e: WheelEvent| {
            e.prevent_default();
            let factor = wheel_factor(e.delta_y(), e.delta_mode());
            set_transform.emit(transform.zoom_at(factor, local_point(e.client_x(), e.client_y())));
        })
    };
    let onmousedown = {
        let drag = drag.clone();
        Callback::from(move |e: MouseEvent| {
            if e.button() == 0 {
                *drag.borrow_mut() = Some(Pan::new(f64::from(e.client_x()), f64::from(e.client_y()), transform));
            }
        })
    };
    let onmousemove = {
        let drag = drag.clone();
        let hover = hover.clone();
        let set_transform = set_transform.clone();
        let local_point = local_point.clone();
        Callback::from(move |e: MouseEvent| {
            let mut dragging = drag.borrow_mut();
            if let Some(pan) = dragging.as_mut() {
                if e.buttons() & 1 == 0 {
                    *dragging = None;
                } else if let Some(t) = pan.move_to(f64::from(e.client_x()), f64::from(e.client_y())) {
                    set_transform.emit(t);
                    hover.set(None);
                    return;
                }
            }
            drop(dragging);
            let (x, y) = local_point(e.client_x(), e.client_y());
            hover.set(target_item(&e).map(|h| (h, x, y)));
        })
    };
    let onmouseup = {
        let drag = drag.clone();
        let view = view.clone();
        let navigate_select = navigate_select.clone();
        let hops = props.route.hops;
        let whole = scope == Scope::Whole;
        Callback::from(move |e: MouseEvent| {
            let Some(pan) = drag.borrow_mut().take() else { return };
            if !pan.is_click() || e.button() != 0 {
                return;
            }
            match target_item(&e) {
                Some(Hover::Node(i)) => {
                    if let Some(n) = view.nodes.get(i) {
                        navigate_select.emit((Some(n.name.clone()), hops));
                    }
                }
                Some(Hover::Edge(_)) => {}
                // A click on the background clears the selection (a focus keeps its centre).
                None if whole => navigate_select.emit((None, hops)),
                None => {}
            }
        })
    };
    let onmouseleave = {
        let drag = drag.clone();
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| {
            *drag.borrow_mut() = None;
            hover.set(None);
        })
    };
    let ondblclick = {
        let view = view.clone();
        let navigate_select = navigate_select.clone();
        let hops = props.route.hops.filter(|&h| h > 0).unwrap_or(map::DEFAULT_FOCUS_HOPS);
        Callback::from(move |e: MouseEvent| {
            if let Some(Hover::Node(i)) = target_item(&e) {
                if let Some(n) = view.nodes.get(i) {
                    navigate_select.emit((Some(n.name.clone()), Some(hops)));
                }
            }
        })
    };
    let onkeydown = {
        let view = view.clone();
        let navigate_select = navigate_select.clone();
        let hops = props.route.hops;
        Callback::from(move |e: KeyboardEvent| {
            if e.key() != "Enter" && e.key() != " " {
                return;
            }
            let Some(el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
            let index = el.get_attribute("data-i").and_then(|i| i.parse::<usize>().ok());
            if let Some(n) = el.has_attribute("data-node").then_some(index).flatten().and_then(|i| view.nodes.get(i)) {
                e.prevent_default();
                navigate_select.emit((Some(n.name.clone()), hops));
            }
        })
    };

    // Toolbar.
    let zoom_button = |factor: f64, label: &'static str, text: &'static str| {
        let set_transform = set_transform.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            set_transform.emit(transform.zoom_at(factor, (size.0 / 2.0, size.1 / 2.0)))
        });
        html! { <button class="btn small" aria-label={label} title={label} {onclick}>{ text }</button> }
    };
    let fit_button = {
        let set_transform = set_transform.clone();
        let onclick =
            Callback::from(move |_: MouseEvent| set_transform.emit(Transform::fit((view.width, view.height), size)));
        html! { <button class="btn small map-fit" title="Show the whole map" {onclick}>{ "Fit" }</button> }
    };
    let view = built.view.clone();
    let source_toggle = if props.trace_index.is_none() && has_traces && has_links {
        let button = |s: Source, text: &'static str| {
            let chosen_source = chosen_source.clone();
            let onclick = Callback::from(move |_: MouseEvent| chosen_source.set(Some(s)));
            let name = if s == Source::Traces { "traces" } else { "links" };
            html! {
                <button class={classes!("btn", "small", "map-source", (source == s).then_some("active"))}
                        data-source={name} aria-pressed={(source == s).to_string()} {onclick}>{ text }</button>
            }
        };
        html! {
            <span class="map-group" role="group" aria-label="Graph source">
                { button(Source::Traces, "from traces") }
                { button(Source::Links, "from dependency links") }
            </span>
        }
    } else {
        html! {}
    };
    let current_hops = match scope {
        Scope::Whole => 0,
        Scope::Focus { hops, .. } => hops,
    };
    let hops_buttons = {
        let can_focus = selected.is_some() || built.total_nodes > map::LARGE_GRAPH_NODES;
        let buttons = [0u32, 1, 2, 3].into_iter().map(|h| {
            let navigate_select = navigate_select.clone();
            let service = props.route.service.clone();
            let onclick = Callback::from(move |_: MouseEvent| navigate_select.emit((service.clone(), Some(h))));
            let text = match h {
                0 => "all".to_string(),
                1 => "1 hop".to_string(),
                h => format!("{h} hops"),
            };
            let disabled = h > 0 && !can_focus;
            html! {
                <button class={classes!("btn", "small", "map-hops", (current_hops == h).then_some("active"))}
                        data-hops={h.to_string()} aria-pressed={(current_hops == h).to_string()} {disabled}
                        title={if disabled { "Select a service first" } else { "Services this many calls up and down" }}
                        {onclick}>{ text }</button>
            }
        });
        html! {
            <span class="map-group" role="group" aria-label="Focus">
                <span class="map-group-label">{ "Focus" }</span>
                { for buttons }
            </span>
        }
    };
    let find = {
        let lookup = graph.clone();
        let navigate_select = navigate_select.clone();
        let hops = props.route.hops;
        let onchange = Callback::from(move |e: Event| {
            let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
            let name = input.value();
            if lookup.node_index(name.trim()).is_some() {
                navigate_select.emit((Some(name.trim().to_string()), hops));
                input.set_value("");
            }
        });
        let list_id = if props.trace_index.is_some() { "map-services-trace" } else { "map-services" };
        html! {
            <>
                <input class="map-find" type="search" list={list_id} placeholder="Find a service…"
                       aria-label="Find a service" {onchange} />
                <datalist id={list_id}>
                    { for graph.nodes.iter().map(|n| html! { <option value={n.name.clone()} /> }) }
                </datalist>
            </>
        }
    };
    let scope_text = match scope {
        Scope::Whole => format!("{} services · {} edges", view.nodes.len(), view.edges.len()),
        Scope::Focus { center, hops } => format!(
            "{} of {} services · {} edges · {} hop{} around {}{}",
            view.nodes.len(),
            built.total_nodes,
            view.edges.len(),
            hops,
            if hops == 1 { "" } else { "s" },
            graph.nodes.get(center).map_or("?", |n| n.name.as_str()),
            if props.route.service.is_none() { " (the busiest)" } else { "" },
        ),
    };
    let title = match (props.trace_index, source) {
        (Some(_), _) => "Services of this trace",
        (None, Source::Traces) => "Services of all loaded traces",
        (None, Source::Links) => "Services from dependency links",
    };
    let large_note = (scope != Scope::Whole && built.total_nodes > map::LARGE_GRAPH_NODES).then(|| {
        html! {
            <p class="map-note" role="note">
                { format!("{} services are too many to read at once: the map shows one service and its neighbours. \
                           Find or click a service to move the focus, change the hops, or choose “all” to see everything.",
                          built.total_nodes) }
            </p>
        }
    });

    // Tooltip.
    let tooltip = hover.as_ref().and_then(|&(h, x, y)| {
        let lines = match h {
            Hover::Node(i) => view.nodes.get(i).map(|n| n.tooltip.clone()),
            Hover::Edge(i) => view.edges.get(i).map(|e| e.tooltip.clone()),
        }?;
        let left = if x > size.0 - 320.0 { (x - 300.0).max(4.0) } else { x + 16.0 };
        let top = if y > size.1 - 110.0 { (y - 90.0).max(4.0) } else { y + 16.0 };
        Some(html! {
            <div class="map-tooltip" role="tooltip" style={format!("left:{left:.0}px;top:{top:.0}px")}>
                { for lines.iter().enumerate().map(|(i, l)| html! {
                    <div class={if i == 0 { "map-tooltip-title" } else { "map-tooltip-line" }}>{ l.clone() }</div>
                }) }
            </div>
        })
    });
    let active = match *hover {
        Some((Hover::Node(i), _, _)) => Some(i),
        _ => selected,
    };

    let panel = selected.and_then(|i| view.nodes.get(i).map(|n| (i, n))).map(|(i, n)| {
        let close = {
            let navigate_select = navigate_select.clone();
            let hops = props.route.hops;
            Callback::from(move |_: MouseEvent| navigate_select.emit((None, hops)))
        };
        let show_traces = (has_traces && source == Source::Traces && n.kind == NodeKind::Service).then(|| {
            let on_navigate = props.on_navigate.clone();
            let session = props.route.session();
            let name = n.name.clone();
            let onclick = Callback::from(move |_: MouseEvent| {
                on_navigate.emit((Route { page: Page::Traces, service: Some(name.clone()), ..session.clone() }, true))
            });
            html! { <button class="btn small map-show-traces" {onclick}>{ "Show traces with this service" }</button> }
        });
        let peer_rows = |callers: bool| {
            let mut rows: Vec<(usize, &map::EdgeView)> =
                view.edges.iter().filter(|e| if callers { e.to == i } else { e.from == i && e.to != i }).map(|e| (if callers { e.from } else { e.to }, e)).collect();
            strand_model::order::sort_by_key(&mut rows, |row| std::cmp::Reverse(row.1.calls));
            let rows = rows.into_iter().map(|(peer, e)| {
                let peer_name = view.nodes.get(peer).map_or(String::new(), |p| p.name.clone());
                let navigate_select = navigate_select.clone();
                let hops = props.route.hops;
                let target = peer_name.clone();
                let onclick = Callback::from(move |_: MouseEvent| navigate_select.emit((Some(target.clone()), hops)));
                html! {
                    <tr data-peer={peer_name.clone()} data-calls={e.calls.to_string()} data-errors={e.errors.to_string()}>
                        <td><button class="link-button" {onclick} title={peer_name.clone()}>{ peer_name.clone() }</button></td>
                        <td class="num">{ format_thousands(e.calls) }</td>
                        <td class={classes!("num", (e.errors > 0).then_some("map-err-text"))}>{ format_thousands(e.errors) }</td>
                        <td class="num">{ e.p99_ns.map_or("–".to_string(), format_duration) }</td>
                    </tr>
                }
            });
            html! {
                <table class={classes!("map-peers", if callers { "map-callers" } else { "map-callees" })}>
                    <thead><tr><th>{ if callers { "caller" } else { "callee" } }</th><th class="num">{ "calls" }</th>
                        <th class="num">{ "errors" }</th><th class="num">{ "p99" }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        };
        let callers = view.edges.iter().filter(|e| e.to == i).count();
        let callees = view.edges.iter().filter(|e| e.from == i && e.to != i).count();
        html! {
            <aside class="map-panel" aria-label="Selected service">
                <div class="map-panel-head">
                    <h2 class="map-panel-name" title={n.name.clone()}>{ n.name.clone() }</h2>
                    <button class="notice-close" aria-label="Close" title="Clear the selection" onclick={close}>{ "×" }</button>
                </div>
                <p class={classes!("map-kind", format!("kind-{}", n.kind.as_str()))}>
                    { match n.kind {
                        NodeKind::Service => "instrumented service",
                        NodeKind::Database => "database (not instrumented)",
                        NodeKind::Messaging => "messaging system (not instrumented)",
                        NodeKind::External => "external service (not instrumented)",
                    } }
                </p>
                <dl class="map-numbers">
                    if n.span_count > 0 {
                        <dt>{ "spans" }</dt><dd data-field="spans">{ format_thousands(n.span_count) }</dd>
                        <dt>{ "errors" }</dt>
                        <dd data-field="errors">{ format!("{} ({})", format_thousands(n.error_count), format_percent(n.error_count, n.span_count)) }</dd>
                        <dt>{ "p50" }</dt><dd data-field="p50">{ n.p50_ns.map_or("–".to_string(), format_duration) }</dd>
                        <dt>{ "p99" }</dt><dd data-field="p99">{ n.p99_ns.map_or("–".to_string(), format_duration) }</dd>
                    }
                    <dt>{ "calls in" }</dt>
                    <dd data-field="calls-in">{ format!("{} ({} errors)", format_thousands(n.calls_in), format_thousands(n.errors_in)) }</dd>
                    <dt>{ "calls out" }</dt>
                    <dd data-field="calls-out">{ format!("{} ({} errors)", format_thousands(n.calls_out), format_thousands(n.errors_out)) }</dd>
                </dl>
                { for show_traces }
                <h3>{ format!("Callers ({callers})") }</h3>
                if callers > 0 { { peer_rows(true) } } else { <p class="muted">{ "Nobody calls it here." }</p> }
                <h3>{ format!("Callees ({callees})") }</h3>
                if callees > 0 { { peer_rows(false) } } else { <p class="muted">{ "It calls no other service here." }</p> }
            </aside>
        }
    });

    let layout_text = format!("layout {:.0} ms", built.layout_ms);
    let empty = view.nodes.is_empty();

    // Namespace groups (`group=namespace`): frames behind the boxes, from the pure view model.
    let namespaces = {
        let data = props.data.clone();
        use_memo(props.data.generation, move |_| service_namespaces(&data.borrow()))
    };
    let grouped = props.route.group == Some(MapGrouping::Namespace);
    let frames: Vec<GroupFrame> = if grouped { group_frames(&view, &namespaces) } else { Vec::new() };
    let group_button = {
        let route = props.route.clone();
        let on_navigate = props.on_navigate.clone();
        let next = if grouped { None } else { Some(MapGrouping::Namespace) };
        let onclick =
            Callback::from(move |_: MouseEvent| on_navigate.emit((Route { group: next, ..route.clone() }, true)));
        let disabled = namespaces.is_empty() && !grouped;
        html! {
            <button class={classes!("btn", "small", "map-group", grouped.then_some("active"))} aria-pressed={grouped.to_string()}
                    {disabled} {onclick}
                    title="Frame the services of each namespace (k8s.namespace.name, else service.namespace)">
                { "Namespaces" }
            </button>
        }
    };

    html! {
        <section class={classes!("service-map", props.trace_index.is_some().then_some("in-trace"))} aria-label="Service map">
            <div class="map-toolbar">
                <span class="map-title">{ title }</span>
                { source_toggle }
                { hops_buttons }
                { group_button }
                { find }
                { zoom_button(1.25, "Zoom in", "+") }
                { zoom_button(0.8, "Zoom out", "−") }
                { fit_button }
                <span class="map-scope">{ scope_text }</span>
                <span class="map-layout-time muted" title="Time to lay out this map">{ layout_text }</span>
            </div>
            { for large_note }
            <div class="map-body">
                <div class="map-canvas" ref={canvas} {onwheel} {onmousedown} {onmousemove} {onmouseup} {onmouseleave}
                     {ondblclick} {onkeydown}>
                    if empty {
                        <p class="map-empty">{ "No calls between services here: every span belongs to one service, or no span names a peer." }</p>
                    } else {
                        <svg class={classes!("map-svg", transform.detail_class())} role="group"
                             aria-label={format!("Service map with {} services", view.nodes.len())}>
                            <MarkerDefs />
                            <g class="map-viewport" transform={transform.svg()}>
                                { for frames.iter().map(|f| html! {
                                    <g class="map-group-frame" data-namespace={f.name.clone()}>
                                        <rect x={format!("{:.1}", f.x)} y={format!("{:.1}", f.y)} rx="10"
                                              width={format!("{:.1}", f.width)} height={format!("{:.1}", f.height)} />
                                        <text x={format!("{:.1}", f.label_x)} y={format!("{:.1}", f.label_y)}>{ f.name.clone() }</text>
                                    </g>
                                }) }
                                <MapLayer built={(*built).clone()} active={active} selected={selected} />
                            </g>
                        </svg>
                    }
                    { for tooltip }
                    <Legend />
                </div>
                { for panel }
            </div>
        </section>
    }
}

use layer::{MapLayer, MarkerDefs};
use legend::Legend;
