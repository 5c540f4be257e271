//! The list of loaded traces, sortable by clicking a header, with a scatter plot of duration
//! against start time above it when two or more traces are shown. Clicking a row or a dot opens
//! the trace. The route's filter (service, operation, time window) narrows list and plot and
//! shows as removable chips; the route's `sort` orders the list. Rows, filter, order and
//! geometry come from `view::trace_list` and `view::scatter`.

use super::hooks::use_element_size;
use super::list_brush::ListBrush;
use super::list_picks::ListPicks;
use super::scatter::ScatterPlot;
use super::store::DataHandle;
use std::rc::Rc;
use strand_view::route::Route;
use strand_view::scatter::{auto_scale, scatter, ScatterBrush, YScale};
use strand_view::trace_list::{filter_rows, sort_order, summaries, ListFilter, TraceColumn, TraceSort, TraceSummary};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TraceTableProps {
    pub data: DataHandle,
    pub selected: Option<usize>,
    /// Open the trace at this index of `Dataset::traces`.
    pub on_select: Callback<usize>,
    /// The filter and sort come from the route; chips and headers change it.
    pub route: Route,
    pub on_navigate: Callback<(Route, bool)>,
}

/// Height of the scatter plot in CSS pixels.
const SCATTER_HEIGHT_PX: f64 = 190.0;

#[function_component(TraceTable)]
pub fn trace_table(props: &TraceTableProps) -> Html {
    let rows = use_memo(props.data.generation, {
        let data = props.data.clone();
        move |_| summaries(&data.borrow())
    });
    let sort = TraceSort::from_route(&props.route);
    let filter = ListFilter::from_route(&props.route);
    // The rows that pass the filter, as their own list for the plot.
    let visible = use_memo((props.data.generation, filter.clone()), {
        let data = props.data.clone();
        let rows = rows.clone();
        move |(_, filter)| -> Vec<TraceSummary> {
            let data = data.borrow();
            filter_rows(&data, &rows, filter).into_iter().filter_map(|p| rows.get(p).cloned()).collect()
        }
    });
    let order = use_memo((props.data.generation, filter.clone(), sort), {
        let visible = visible.clone();
        move |(_, _, sort)| sort_order(&visible, *sort)
    });
    let scale_choice = use_state_eq(|| None::<YScale>);
    let plot_box = use_node_ref();
    let (plot_width, _) = use_element_size(plot_box.clone());
    let scale = scale_choice.unwrap_or_else(|| auto_scale(&visible));
    let plot = (visible.len() >= 2 && plot_width > 0.0)
        .then(|| Rc::new(scatter(&visible, props.selected, scale, plot_width, SCATTER_HEIGHT_PX)));
    // Traces ticked for comparison, and a rectangle brushed over the plot (see list_picks.rs,
    // list_brush.rs).
    let picked = use_state(Vec::<usize>::new);
    let brush = use_state(|| None::<ScatterBrush>);
    let on_brush = {
        let brush = brush.clone();
        Callback::from(move |b: Option<ScatterBrush>| brush.set(b))
    };

    let header = TraceColumn::ALL.iter().map(|&column| {
        let onclick = {
            let navigate = props.on_navigate.clone();
            let route = props.route.clone();
            Callback::from(move |_: MouseEvent| {
                navigate.emit((Route { sort: Some(sort.clicked(column).key()), ..route.clone() }, false))
            })
        };
        let arrow = match sort.aria(column) {
            "ascending" => " ▲",
            "descending" => " ▼",
            _ => "",
        };
        html! {
            <th class={classes!(column.numeric().then_some("num"))} aria-sort={sort.aria(column)}>
                <button class="sort-button" {onclick}>{ column.label() }{ arrow }</button>
            </th>
        }
    });
    let toggle_scale = {
        let scale_choice = scale_choice.clone();
        Callback::from(move |_: MouseEvent| {
            scale_choice.set(Some(if scale == YScale::Log { YScale::Linear } else { YScale::Log }))
        })
    };

    let chips = filter.chips().into_iter().map(|chip| {
        let onclick = {
            let navigate = props.on_navigate.clone();
            let route = props.route.clone();
            Callback::from(move |_: MouseEvent| navigate.emit((ListFilter::without(&route, chip.kind), true)))
        };
        let name = match chip.kind {
            strand_view::trace_list::ChipKind::Service => "service",
            strand_view::trace_list::ChipKind::Operation => "operation",
            strand_view::trace_list::ChipKind::Window => "window",
            strand_view::trace_list::ChipKind::Resource => "resource",
        };
        html! {
            <span class="chip" data-chip={name}>
                <span class="chip-label">{ chip.label.clone() }</span>
                <button class="chip-remove" aria-label={format!("Remove filter {}", chip.label)} title="Remove this filter" {onclick}>{ "×" }</button>
            </span>
        }
    });
    let clear_filter = {
        let navigate = props.on_navigate.clone();
        let route = props.route.clone();
        Callback::from(move |_: MouseEvent| {
            navigate
                .emit((Route { service: None, operation: None, window: None, resource: None, ..route.clone() }, true))
        })
    };

    html! {
        <>
            if !filter.is_empty() {
                <div class="list-filter" role="group" aria-label="Trace list filter">
                    <span class="muted">{ "Showing traces with" }</span>
                    { for chips }
                    <span class="muted list-filter-count">{ format!("{} of {} traces", visible.len(), rows.len()) }</span>
                    <button class="btn small" onclick={clear_filter}>{ "Show all traces" }</button>
                </div>
            }
            // Always in the DOM (hidden below two traces), so that the list keeps its element.
            <section class="scatter-panel" aria-label="Trace durations over time" hidden={visible.len() < 2}>
                <div class="scatter-head">
                    <span class="scatter-title">{ "Duration by start time" }</span>
                    <span class="muted">{ "one dot per trace · red: has errors · click a dot to open it" }</span>
                    <span class="muted scatter-caption">{ plot.as_ref().map(|p| format!("x: {}", p.x_caption)).unwrap_or_default() }</span>
                    <button class="btn small scatter-scale" onclick={toggle_scale}
                            title="Switch between a logarithmic and a linear duration axis">
                        { format!("Scale: {}", scale.label()) }
                    </button>
                </div>
                <div class="scatter-box" ref={plot_box}>
                    if let Some(plot) = plot.clone() {
                        <ScatterPlot {plot} rows={visible.clone()} on_select={props.on_select.clone()}
                                     brush={(*brush).clone()} on_brush={on_brush.clone()} />
                    }
                </div>
            </section>
            if let Some(b) = (*brush).clone() {
                <ListBrush data={props.data.clone()} brush={b} on_clear={let brush = brush.clone(); Callback::from(move |()| brush.set(None))}
                           route={props.route.clone()} on_navigate={props.on_navigate.clone()} />
            }
            <ListPicks data={props.data.clone()} picked={(*picked).clone()} on_clear={let picked = picked.clone(); Callback::from(move |()| picked.set(Vec::new()))}
                       route={props.route.clone()} on_navigate={props.on_navigate.clone()} />
            <section class="trace-list" aria-label="Loaded traces">
                <table class="grid">
                    <thead>
                        <tr><th class="pick-col"><span class="visually-hidden">{ "Compare" }</span></th>{ for header }<th>{ "Trace id" }</th></tr>
                    </thead>
                    <tbody>
                        { for order.iter().filter_map(|&p| visible.get(p)).map(|row| {
                            let index = row.index;
                            let on_select = props.on_select.clone();
                            let onclick = Callback::from(move |_: MouseEvent| on_select.emit(index));
                            let selected = props.selected == Some(row.index);
                            let tick = pick_box(&picked, index);
                            html! {
                                <tr key={row.index} class={classes!("trace-row", selected.then_some("selected"))} {onclick}
                                    aria-selected={selected.to_string()}>
                                    { tick }
                                    <td class="root-cell">
                                        <span class="service">{ &row.root_service }</span>{ " " }
                                        <span class="op">{ &row.root_name }</span>
                                    </td>
                                    <td>{ &row.start }</td>
                                    <td class="num">{ &row.duration }</td>
                                    <td class="num">{ row.spans }</td>
                                    <td class="num">{ row.services }</td>
                                    <td class={classes!("num", (row.errors > 0).then_some("has-errors"))}>{ row.errors }</td>
                                    <td class={classes!("num", (row.warnings > 0).then_some("has-warnings"))}>{ row.warnings }</td>
                                    <td class="mono">{ &row.trace_id }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
                if visible.is_empty() {
                    <p class="muted list-empty">{ "No loaded trace matches this filter. Remove a filter above to see more." }</p>
                }
            </section>
        </>
    }
}

/// The tick box of a row: at most two traces are ticked (a third replaces the second).
fn pick_box(picked: &UseStateHandle<Vec<usize>>, index: usize) -> Html {
    let checked = picked.contains(&index);
    let onclick = Callback::from(|e: MouseEvent| e.stop_propagation());
    let onchange = {
        let picked = picked.clone();
        Callback::from(move |_: Event| {
            let mut next: Vec<usize> = (*picked).clone();
            if let Some(at) = next.iter().position(|&p| p == index) {
                next.remove(at);
            } else {
                next.truncate(1);
                next.push(index);
            }
            picked.set(next);
        })
    };
    html! {
        <td class="pick-cell" {onclick}>
            <input type="checkbox" class="pick-box" {checked} {onchange} aria-label="Tick to compare" title="Tick two traces to compare them" />
        </td>
    }
}
