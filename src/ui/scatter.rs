//! The trace list's scatter plot as SVG: a dot per trace (click or Enter opens it), axes, and a
//! brush: dragging a rectangle over the background selects the traces inside it
//! (`view::scatter::Scatter::brush`), which the list then offers to compare or to look into.

use std::rc::Rc;
use strand_view::scatter::{Scatter, ScatterBrush};
use strand_view::trace_list::TraceSummary;
use web_sys::Element;
use yew::prelude::*;

/// A drag shorter than this (pixels, both ways) is a click, not a brush.
const CLICK_PX: f64 = 4.0;

#[derive(Properties)]
pub struct ScatterProps {
    pub plot: Rc<Scatter>,
    /// The rows the plot was made from.
    pub rows: Rc<Vec<TraceSummary>>,
    pub on_select: Callback<usize>,
    /// The current brush (its traces are drawn highlighted).
    pub brush: Option<ScatterBrush>,
    /// A new brush, or `None` when a click on the background clears it.
    pub on_brush: Callback<Option<ScatterBrush>>,
}

impl PartialEq for ScatterProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.plot, &other.plot) && Rc::ptr_eq(&self.rows, &other.rows) && self.brush == other.brush
    }
}

/// A drag in progress: where the plot is on the page, and the start and current points in the
/// plot's pixels.
#[derive(Clone, Copy, PartialEq)]
struct Drag {
    origin: (f64, f64),
    from: (f64, f64),
    to: (f64, f64),
}

#[function_component(ScatterPlot)]
pub fn scatter_plot(props: &ScatterProps) -> Html {
    let plot = &props.plot;
    let svg = use_node_ref();
    let drag = use_state_eq(|| None::<Drag>);
    let (left, right, top, bottom) = (plot.plot_left(), plot.plot_right(), plot.plot_top(), plot.plot_bottom());
    let clamp = move |(x, y): (f64, f64)| (x.clamp(left, right), y.clamp(top, bottom));

    let on_down = {
        let svg = svg.clone();
        let drag = drag.clone();
        Callback::from(move |e: MouseEvent| {
            if e.button() != 0 {
                return;
            }
            let Some(rect) = svg.cast::<Element>().map(|el| el.get_bounding_client_rect()) else { return };
            e.prevent_default();
            let origin = (rect.left(), rect.top());
            let at = clamp((f64::from(e.client_x()) - origin.0, f64::from(e.client_y()) - origin.1));
            drag.set(Some(Drag { origin, from: at, to: at }));
        })
    };
    let on_move = {
        let drag = drag.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(current) = *drag else { return };
            if e.buttons() == 0 {
                drag.set(None);
                return;
            }
            let to = clamp((f64::from(e.client_x()) - current.origin.0, f64::from(e.client_y()) - current.origin.1));
            drag.set(Some(Drag { to, ..current }));
        })
    };
    let on_up = {
        let drag = drag.clone();
        let plot = plot.clone();
        let rows = props.rows.clone();
        let on_brush = props.on_brush.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(d) = *drag else { return };
            drag.set(None);
            let click = (d.to.0 - d.from.0).abs() < CLICK_PX && (d.to.1 - d.from.1).abs() < CLICK_PX;
            on_brush.emit(if click { None } else { plot.brush(&rows, d.from, d.to) });
        })
    };

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
    let brushed = props.brush.as_ref().map(|b| b.traces.as_slice()).unwrap_or(&[]);
    let dots = plot.dots.iter().map(|d| {
        let index = d.index;
        let onclick = {
            let on_select = props.on_select.clone();
            Callback::from(move |_: MouseEvent| on_select.emit(index))
        };
        let onkeydown = {
            let on_select = props.on_select.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    on_select.emit(index);
                }
            })
        };
        let in_brush = brushed.binary_search(&index).is_ok();
        html! {
            <circle key={index} class={classes!("scatter-dot", d.error.then_some("error"), d.selected.then_some("selected"), in_brush.then_some("brushed"))}
                    cx={format!("{:.1}", d.cx)} cy={format!("{:.1}", d.cy)} r={if d.selected { "6" } else { "4.5" }}
                    tabindex="0" role="button" aria-label={d.title.clone()} data-index={index.to_string()}
                    {onclick} {onkeydown}>
                <title>{ &d.title }</title>
            </circle>
        }
    });
    let brush_rect = drag.map(|d| {
        let (x, y) = (d.from.0.min(d.to.0), d.from.1.min(d.to.1));
        let (w, h) = ((d.to.0 - d.from.0).abs(), (d.to.1 - d.from.1).abs());
        html! { <rect class="scatter-brush" x={format!("{x:.1}")} y={format!("{y:.1}")} width={format!("{w:.1}")} height={format!("{h:.1}")} /> }
    });
    html! {
        <>
            <svg ref={svg} class={classes!("scatter", props.brush.is_some().then_some("has-brush"))}
                 width={format!("{:.0}", plot.width)} height={format!("{:.0}", plot.height)}
                 viewBox={format!("0 0 {:.0} {:.0}", plot.width, plot.height)} role="group"
                 aria-label="Scatter plot of trace duration against start time">
                { for y_ticks }
                <rect class="scatter-capture" x={format!("{left:.1}")} y={format!("{top:.1}")}
                      width={format!("{:.1}", right - left)} height={format!("{:.1}", bottom - top)} onmousedown={on_down} />
                <line class="scatter-axis" x1={format!("{left:.1}")} x2={format!("{right:.1}")}
                      y1={format!("{bottom:.1}")} y2={format!("{bottom:.1}")} />
                <line class="scatter-axis" x1={format!("{left:.1}")} x2={format!("{left:.1}")}
                      y1={format!("{top:.1}")} y2={format!("{bottom:.1}")} />
                { for x_ticks }
                { for dots }
                { for brush_rect }
            </svg>
            if drag.is_some() {
                <div class="scatter-drag-overlay" onmousemove={on_move} onmouseup={on_up}></div>
            }
        </>
    }
}
