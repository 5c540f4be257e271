//! SVG charts of the analytics page: the latency histogram with percentile markers and the
//! time-series charts (rate, errors, duration) with a hover tooltip and a brush that selects a
//! time window. Geometry comes from `view::charts`; this file only draws it and turns pointer
//! positions into chart coordinates.

use std::rc::Rc;
use strand_view::charts::{HistogramChart, SeriesChart, SeriesStyle};
use web_sys::Element;
use yew::prelude::*;

/// The pointer's x inside the element of `node`, in CSS pixels.
fn local_x(node: &NodeRef, e: &MouseEvent) -> Option<f64> {
    let el = node.cast::<Element>()?;
    Some(f64::from(e.client_x()) - el.get_bounding_client_rect().left())
}

/// What the pointer does on a chart: hovering names a bucket, pressing and dragging across the
/// plot brushes from where it was pressed. Both charts share it; they differ in how an x picks a
/// bucket and what a release selects.
struct ChartPointer {
    svg: NodeRef,
    /// The bucket under the pointer.
    hover: UseStateHandle<Option<usize>>,
    /// Where a drag started and where the pointer is now.
    drag: UseStateHandle<Option<(f64, f64)>>,
    onmousedown: Callback<MouseEvent>,
    onmousemove: Callback<MouseEvent>,
    onmouseup: Callback<MouseEvent>,
    onmouseleave: Callback<MouseEvent>,
}

/// `bucket_at` names the bucket at an x (`None`: no tooltip there); `release` gets the drag's
/// start and end x when the button is let go over the chart. Without `brushable` nothing drags.
#[hook]
fn use_chart_pointer(
    brushable: bool,
    bucket_at: Callback<f64, Option<usize>>,
    release: Callback<(f64, f64)>,
) -> ChartPointer {
    let svg = use_node_ref();
    let hover = use_state_eq(|| None::<usize>);
    let drag = use_state_eq(|| None::<(f64, f64)>);
    let onmousedown = {
        let (svg, drag) = (svg.clone(), drag.clone());
        Callback::from(move |e: MouseEvent| {
            if e.button() != 0 || !brushable {
                return;
            }
            e.prevent_default();
            if let Some(x) = local_x(&svg, &e) {
                drag.set(Some((x, x)));
            }
        })
    };
    let onmousemove = {
        let (svg, hover, drag) = (svg.clone(), hover.clone(), drag.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(x) = local_x(&svg, &e) else { return };
            hover.set(bucket_at.emit(x));
            if let Some((start, _)) = *drag {
                drag.set(Some((start, x)));
            }
        })
    };
    let onmouseup = {
        let (svg, drag) = (svg.clone(), drag.clone());
        Callback::from(move |e: MouseEvent| {
            let Some((start, _)) = *drag else { return };
            drag.set(None);
            if let Some(x) = local_x(&svg, &e) {
                release.emit((start, x));
            }
        })
    };
    let onmouseleave = {
        let (hover, drag) = (hover.clone(), drag.clone());
        Callback::from(move |_: MouseEvent| {
            hover.set(None);
            drag.set(None);
        })
    };
    ChartPointer { svg, hover, drag, onmousedown, onmousemove, onmouseup, onmouseleave }
}

fn f1(v: f64) -> String {
    format!("{v:.1}")
}

fn axes(
    frame: &strand_view::charts::Frame,
    x_ticks: &[strand_view::charts::Tick],
    y_ticks: &[strand_view::charts::Tick],
) -> Html {
    let y = y_ticks.iter().map(|t| {
        html! {
            <g class="chart-tick">
                <line class="chart-grid" x1={f1(frame.left)} x2={f1(frame.right)} y1={f1(t.pos)} y2={f1(t.pos)} />
                <text class="chart-label" x={f1(frame.left - 6.0)} y={f1(t.pos + 4.0)} text-anchor="end">{ &t.label }</text>
            </g>
        }
    });
    let x = x_ticks.iter().map(|t| {
        html! {
            <g class="chart-tick">
                <line class="chart-axis" x1={f1(t.pos)} x2={f1(t.pos)} y1={f1(frame.bottom)} y2={f1(frame.bottom + 4.0)} />
                <text class="chart-label" x={f1(t.pos)} y={f1(frame.bottom + 16.0)} text-anchor="middle">{ &t.label }</text>
            </g>
        }
    });
    html! {
        <>
            { for y }
            <line class="chart-axis" x1={f1(frame.left)} x2={f1(frame.right)} y1={f1(frame.bottom)} y2={f1(frame.bottom)} />
            { for x }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct HistogramProps {
    pub chart: Rc<HistogramChart>,
    /// The accessible name of the chart.
    pub label: String,
    /// Dragging across the bars selects the buckets from the first to the last touched; `None`
    /// (the default) leaves the chart without a brush.
    #[prop_or_default]
    pub on_brush: Option<Callback<(usize, usize)>>,
    /// The brushed buckets, drawn highlighted.
    #[prop_or_default]
    pub brushed: Option<(usize, usize)>,
}

/// The latency histogram: one bar per bucket, percentile markers, a tooltip per bar, and
/// optionally a brush over whole buckets.
#[function_component(HistogramSvg)]
pub fn histogram_svg(props: &HistogramProps) -> Html {
    let chart = &props.chart;
    let frame = chart.frame;
    let bucket_at = {
        let chart = chart.clone();
        Callback::from(move |x: f64| chart.bar_at(x).filter(|b| b.count > 0).map(|b| b.bucket))
    };
    let release = {
        let (chart, on_brush) = (chart.clone(), props.on_brush.clone());
        // A click selects the bucket under it.
        Callback::from(move |(start, x): (f64, f64)| {
            if let (Some(on_brush), Some(buckets)) = (on_brush.as_ref(), chart.buckets_between(start, x)) {
                on_brush.emit(buckets);
            }
        })
    };
    let ChartPointer { svg, hover, drag, onmousedown, onmousemove, onmouseup, onmouseleave } =
        use_chart_pointer(props.on_brush.is_some(), bucket_at, release);
    let dragged = drag.and_then(|(a, b)| chart.buckets_between(a, b));
    let lit = dragged.or(props.brushed);
    let bars = chart.bars.iter().map(|b| {
        let hovered = *hover == Some(b.bucket);
        let brushed = lit.is_some_and(|(first, last)| b.bucket >= first && b.bucket <= last);
        html! {
            <rect class={classes!("hist-bar", hovered.then_some("hover"), brushed.then_some("brushed"))} x={f1(b.x)} y={f1(b.y)} width={f1(b.w)} height={f1(b.h)}
                  data-bucket={b.bucket.to_string()} data-count={b.count.to_string()}>
                <title>{ &b.title }</title>
            </rect>
        }
    });
    let markers = chart.markers.iter().enumerate().map(|(i, m)| {
        let label_y = strand_view::charts::MARGIN_TOP + (i as f64 + 0.7) * strand_view::charts::MARKER_LINE_PX;
        // Labels sit right of their line, or left of it near the right edge.
        let right_side = m.x + 90.0 < frame.right;
        let text_x = if right_side { m.x + 4.0 } else { m.x - 4.0 };
        html! {
            <g class={classes!("hist-marker", format!("marker-{}", m.label))} data-label={m.label.clone()} data-ns={m.value_ns.to_string()}>
                <line x1={f1(m.x)} x2={f1(m.x)} y1={f1(label_y - 4.0)} y2={f1(frame.bottom)} />
                <text x={f1(text_x)} y={f1(label_y)} text-anchor={if right_side { "start" } else { "end" }}>
                    { format!("{} {}", m.label, strand_model::time::format_duration(m.value_ns)) }
                </text>
            </g>
        }
    });
    let band = lit.and_then(|(first, last)| {
        let x0 = chart.bars.iter().find(|b| b.bucket == first)?.x;
        let end = chart.bars.iter().find(|b| b.bucket == last)?;
        Some(html! {
            <rect class="chart-brush hist-brush" x={f1(x0 - 0.5)} y={f1(frame.top)} width={f1(end.x + end.w - x0 + 1.0)} height={f1(frame.plot_height())} />
        })
    });
    let tooltip = hover.filter(|_| drag.is_none()).and_then(|bucket| chart.bars.iter().find(|b| b.bucket == bucket)).map(|b| {
        let left = (b.x + b.w / 2.0).min(frame.width - 180.0).max(0.0);
        html! {
            <div class="chart-tooltip" role="status" style={format!("left:{left:.0}px;top:{:.0}px", (b.y - 34.0).max(0.0))}>
                { &b.title }
            </div>
        }
    });
    html! {
        <div class="chart-box">
            <svg ref={svg} class={classes!("chart", "histogram", props.on_brush.is_some().then_some("brushable"))}
                 width={format!("{:.0}", frame.width)} height={format!("{:.0}", frame.height)}
                 viewBox={format!("0 0 {:.0} {:.0}", frame.width, frame.height)} role="img" aria-label={props.label.clone()}
                 {onmousedown} {onmousemove} {onmouseup} {onmouseleave}>
                { axes(&frame, &chart.x_ticks, &chart.y_ticks) }
                { for band }
                { for bars }
                { for markers }
            </svg>
            { for tooltip }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SeriesProps {
    pub chart: Rc<SeriesChart>,
    /// The chart's name (`rate`, `errors`, `duration`): a class and the accessible label.
    pub name: &'static str,
    pub label: String,
    /// Tooltip lines per bucket.
    pub tooltips: Rc<Vec<Vec<String>>>,
    /// A brushed time window `(from_ns, to_ns)`.
    pub on_brush: Callback<(i64, i64)>,
}

/// A time-series chart: hover shows the bucket's numbers, dragging selects a time window.
#[function_component(SeriesSvg)]
pub fn series_svg(props: &SeriesProps) -> Html {
    let chart = &props.chart;
    let frame = chart.frame;
    let bucket_at = {
        let chart = chart.clone();
        Callback::from(move |x: f64| chart.bucket_at(x))
    };
    let release = {
        let (chart, on_brush) = (chart.clone(), props.on_brush.clone());
        Callback::from(move |(start, x): (f64, f64)| {
            // A click is not a selection.
            if (x - start).abs() < 4.0 {
                return;
            }
            if let Some(window) = chart.brush_window(start, x) {
                on_brush.emit(window);
            }
        })
    };
    let ChartPointer { svg, hover, drag, onmousedown, onmousemove, onmouseup, onmouseleave } =
        use_chart_pointer(true, bucket_at, release);
    let series = chart.series.iter().map(|s| {
        let class = classes!(
            "series",
            format!("series-{}", s.name),
            match s.style {
                SeriesStyle::Line => "line",
                SeriesStyle::Area => "area",
                SeriesStyle::Bars => "bars",
            }
        );
        html! {
            <g class={class} data-series={s.name.clone()}>
                if let Some(area) = &s.area {
                    <path class="series-fill" d={area.clone()} />
                }
                <path class="series-path" d={s.path.clone()} />
            </g>
        }
    });
    let hover_line = hover.and_then(|i| {
        let x0 = *chart.edges_x.get(i)?;
        let x1 = *chart.edges_x.get(i + 1)?;
        Some(html! {
            <rect class="chart-hover" x={f1(x0)} y={f1(frame.top)} width={f1((x1 - x0).max(1.0))} height={f1(frame.plot_height())} />
        })
    });
    let brush = drag.and_then(|(a, b)| {
        let (lo, hi) = (a.min(b).max(frame.left), a.max(b).min(frame.right));
        (hi > lo).then(|| html! {
            <rect class="chart-brush" x={f1(lo)} y={f1(frame.top)} width={f1(hi - lo)} height={f1(frame.plot_height())} />
        })
    });
    let tooltip = hover.filter(|_| drag.is_none()).and_then(|i| {
        let lines = props.tooltips.get(i)?;
        let x0 = *chart.edges_x.get(i)?;
        let left = if x0 > frame.width / 2.0 { (x0 - 200.0).max(0.0) } else { x0 + 14.0 };
        Some(html! {
            <div class="chart-tooltip" role="status" style={format!("left:{left:.0}px;top:{:.0}px", frame.top)}>
                { for lines.iter().map(|l| html! { <div>{ l }</div> }) }
            </div>
        })
    });
    html! {
        <div class={classes!("chart-box", format!("red-{}", props.name))}>
            <svg ref={svg} class="chart series-chart" width={format!("{:.0}", frame.width)} height={format!("{:.0}", frame.height)}
                 viewBox={format!("0 0 {:.0} {:.0}", frame.width, frame.height)} role="img" aria-label={props.label.clone()}
                 data-chart={props.name} {onmousedown} {onmousemove} {onmouseup} {onmouseleave}>
                { axes(&frame, &chart.x_ticks, &chart.y_ticks) }
                { for hover_line }
                { for series }
                { for brush }
                <rect class="chart-capture" x={f1(frame.left)} y={f1(frame.top)} width={f1(frame.plot_width())} height={f1(frame.plot_height())} />
            </svg>
            { for tooltip }
        </div>
    }
}
