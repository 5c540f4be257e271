//! The list of loaded traces, sortable by clicking a header, with a scatter plot of duration
//! against start time above it when two or more traces are loaded. Clicking a row or a dot opens
//! the trace. Rows, order and geometry come from `view::trace_list` and `view::scatter`.

use super::flame::use_element_size;
use super::state::DataHandle;
use crate::view::scatter::{auto_scale, scatter, Scatter, YScale};
use crate::view::trace_list::{sort_order, summaries, TraceColumn, TraceSort};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TraceTableProps {
    pub data: DataHandle,
    pub selected: Option<usize>,
    /// Open the trace at this index of `Dataset::traces`.
    pub on_select: Callback<usize>,
}

/// Height of the scatter plot in CSS pixels.
const SCATTER_HEIGHT_PX: f64 = 190.0;

#[function_component(TraceTable)]
pub fn trace_table(props: &TraceTableProps) -> Html {
    let rows = use_memo(props.data.generation, {
        let data = props.data.clone();
        move |_| summaries(&data.borrow())
    });
    let sort = use_state_eq(TraceSort::default);
    let order = use_memo((props.data.generation, *sort), {
        let rows = rows.clone();
        move |(_, sort)| sort_order(&rows, *sort)
    });
    let scale_choice = use_state_eq(|| None::<YScale>);
    let plot_box = use_node_ref();
    let (plot_width, _) = use_element_size(plot_box.clone());
    let scale = scale_choice.unwrap_or_else(|| auto_scale(&rows));
    let plot = (rows.len() >= 2 && plot_width > 0.0)
        .then(|| scatter(&rows, props.selected, scale, plot_width, SCATTER_HEIGHT_PX));

    let header = TraceColumn::ALL.iter().map(|&column| {
        let onclick = {
            let sort = sort.clone();
            Callback::from(move |_: MouseEvent| sort.set(sort.clicked(column)))
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
            scale_choice.set(Some(if scale == YScale::Log {
                YScale::Linear
            } else {
                YScale::Log
            }))
        })
    };

    html! {
        <>
            // Always in the DOM (hidden below two traces), so that the list keeps its element.
            <section class="scatter-panel" aria-label="Trace durations over time" hidden={rows.len() < 2}>
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
                    if let Some(plot) = plot.as_ref() {
                        { scatter_svg(plot, &props.on_select) }
                    }
                </div>
            </section>
            <section class="trace-list" aria-label="Loaded traces">
                <table class="grid">
                    <thead>
                        <tr>{ for header }<th>{ "Trace id" }</th></tr>
                    </thead>
                    <tbody>
                        { for order.iter().filter_map(|&p| rows.get(p)).map(|row| {
                            let index = row.index;
                            let on_select = props.on_select.clone();
                            let onclick = Callback::from(move |_: MouseEvent| on_select.emit(index));
                            let selected = props.selected == Some(row.index);
                            html! {
                                <tr key={row.index} class={classes!("trace-row", selected.then_some("selected"))} {onclick}
                                    aria-selected={selected.to_string()}>
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
            </section>
        </>
    }
}

fn scatter_svg(plot: &Scatter, on_select: &Callback<usize>) -> Html {
    let (left, right, top, bottom) = (plot.plot_left(), plot.plot_right(), plot.plot_top(), plot.plot_bottom());
    let y_ticks = plot.y_ticks.iter().map(|t| {
        html! {
            <g class="scatter-tick">
                <line class="scatter-grid" x1={format!("{left:.1}")} x2={format!("{right:.1}")}
                      y1={format!("{:.1}", t.pos)} y2={format!("{:.1}", t.pos)} />
                <text class="scatter-label" x={format!("{:.1}", left - 6.0)} y={format!("{:.1}", t.pos + 4.0)}
                      text-anchor="end">{ &t.label }</text>
            </g>
        }
    });
    let x_ticks = plot.x_ticks.iter().map(|t| {
        html! {
            <g class="scatter-tick">
                <line class="scatter-axis" x1={format!("{:.1}", t.pos)} x2={format!("{:.1}", t.pos)}
                      y1={format!("{bottom:.1}")} y2={format!("{:.1}", bottom + 4.0)} />
                <text class="scatter-label" x={format!("{:.1}", t.pos)} y={format!("{:.1}", bottom + 16.0)}
                      text-anchor="middle">{ &t.label }</text>
            </g>
        }
    });
    let dots = plot.dots.iter().map(|d| {
        let index = d.index;
        let onclick = {
            let on_select = on_select.clone();
            Callback::from(move |_: MouseEvent| on_select.emit(index))
        };
        let onkeydown = {
            let on_select = on_select.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    on_select.emit(index);
                }
            })
        };
        html! {
            <circle key={index} class={classes!("scatter-dot", d.error.then_some("error"), d.selected.then_some("selected"))}
                    cx={format!("{:.1}", d.cx)} cy={format!("{:.1}", d.cy)} r={if d.selected { "6" } else { "4.5" }}
                    tabindex="0" role="button" aria-label={d.title.clone()} data-index={index.to_string()}
                    {onclick} {onkeydown}>
                <title>{ &d.title }</title>
            </circle>
        }
    });
    html! {
        <svg class="scatter" width={format!("{:.0}", plot.width)} height={format!("{:.0}", plot.height)}
             viewBox={format!("0 0 {:.0} {:.0}", plot.width, plot.height)} role="group"
             aria-label="Scatter plot of trace duration against start time">
            { for y_ticks }
            <line class="scatter-axis" x1={format!("{left:.1}")} x2={format!("{right:.1}")}
                  y1={format!("{bottom:.1}")} y2={format!("{bottom:.1}")} />
            <line class="scatter-axis" x1={format!("{left:.1}")} x2={format!("{left:.1}")}
                  y1={format!("{top:.1}")} y2={format!("{bottom:.1}")} />
            { for x_ticks }
            { for dots }
        </svg>
    }
}
