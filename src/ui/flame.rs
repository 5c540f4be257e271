//! The Flame graph tab: the trace as an icicle by time, drawn on a `<canvas>` scaled for the
//! device pixel ratio. The rectangles come from `view::flame` for the rows in view only; this
//! component sizes the canvas, draws, and turns pointer events into hover, selection and zoom.

use super::hooks::use_element_size;
use super::store::DataHandle;
use std::rc::Rc;
use strand_model::time::format_duration;
use strand_model::StatusCode;
use strand_view::flame::{
    hit_test, layout, service_legend, span_box, time_ticks, tooltip, window_around, zoom, FlameIndex, FlameRect,
    Viewport, AXIS_HEIGHT_PX, ROW_HEIGHT_PX,
};
use strand_view::trace_view::TraceAnalysis;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FlameGraphProps {
    pub data: DataHandle,
    pub trace_index: usize,
    pub analysis: Rc<TraceAnalysis>,
    pub selected: Option<u32>,
    pub on_select: Callback<Option<u32>>,
}

/// The tallest the graph gets before it scrolls, in CSS pixels.
const MAX_HEIGHT_PX: f64 = 560.0;

/// The pointer over a rectangle: which one, and where (CSS pixels in the canvas).
#[derive(Clone, Copy, PartialEq)]
struct Hover {
    rect: usize,
    x: f64,
    y: f64,
}

#[function_component(FlameGraph)]
pub fn view(props: &FlameGraphProps) -> Html {
    let key = (props.data.generation, props.trace_index);
    let scroller = use_node_ref();
    let canvas = use_node_ref();
    let (width_px, _) = use_element_size(scroller.clone());
    let scroll_top = use_state_eq(|| 0.0f64);
    // The zoomed time window, for the trace it was chosen in; `None`: the whole trace.
    let window = use_state_eq(|| None::<((u64, usize), (i64, i64))>);
    let hover = use_state_eq(|| None::<Hover>);

    let index = use_memo(key, {
        let data = props.data.clone();
        let analysis = props.analysis.clone();
        move |&(_, i)| data.borrow().traces.get(i).map(|t| FlameIndex::build(t, &analysis.tree)).unwrap_or_default()
    });
    let bounds = {
        let data = props.data.borrow();
        data.traces.get(props.trace_index).map_or((0, 1), |t| (t.start_ns, t.end_ns.max(t.start_ns.saturating_add(1))))
    };
    let shown = window.filter(|(k, _)| *k == key).map_or(bounds, |(_, w)| w);

    let rows = index.rows();
    let content_px = AXIS_HEIGHT_PX + f64::from(rows) * ROW_HEIGHT_PX + 4.0;
    let height_px = content_px.min(MAX_HEIGHT_PX);
    let first_row = (*scroll_top / ROW_HEIGHT_PX).floor().max(0.0) as u32;
    let visible_rows = ((height_px - AXIS_HEIGHT_PX) / ROW_HEIGHT_PX).ceil() as u32 + 1;
    let viewport = Viewport {
        start_ns: shown.0,
        end_ns: shown.1,
        width_px: width_px.floor().max(0.0) as u32,
        first_row,
        end_row: first_row.saturating_add(visible_rows),
    };
    let rects = use_memo((key, viewport), {
        let data = props.data.clone();
        let index = index.clone();
        move |((_, i), viewport)| {
            let data = data.borrow();
            data.traces.get(*i).map(|t| layout(&data.strings, t, &index, viewport)).unwrap_or_default()
        }
    });

    // On opening the tab, scroll the selected span's row into view.
    {
        let scroller = scroller.clone();
        let row = props.selected.and_then(|s| props.analysis.tree.depth.get(s as usize).copied());
        use_effect_with((), move |_| {
            if let (Some(row), Some(el)) = (row, scroller.cast::<Element>()) {
                let y = f64::from(row) * ROW_HEIGHT_PX;
                if y + ROW_HEIGHT_PX > height_px - AXIS_HEIGHT_PX {
                    el.set_scroll_top((y - (height_px - AXIS_HEIGHT_PX) / 2.0).max(0.0) as i32);
                }
            }
        });
    }

    // Draw after every change of what is shown.
    {
        let canvas = canvas.clone();
        let data = props.data.clone();
        let analysis = props.analysis.clone();
        let trace_index = props.trace_index;
        let selected = props.selected;
        let hovered = hover.map(|h| h.rect);
        let scroll = *scroll_top;
        use_effect_with(
            (rects.clone(), viewport, height_px, selected, hovered, scroll),
            move |(rects, viewport, height_px, selected, hovered, scroll)| {
                if let Some(canvas) = canvas.cast::<HtmlCanvasElement>() {
                    let data = data.borrow();
                    let selected_box = selected.and_then(|s| {
                        let trace = data.traces.get(trace_index)?;
                        let error = trace.span(s).is_some_and(|span| span.status == StatusCode::Error);
                        span_box(trace, &analysis.tree, viewport, s).map(|b| (b, error))
                    });
                    let trace_start = data.traces.get(trace_index).map_or(0, |t| t.start_ns);
                    let frame = Frame {
                        rects,
                        viewport,
                        height_px: *height_px,
                        scroll_px: *scroll,
                        hovered: *hovered,
                        selected_box,
                        trace_start,
                    };
                    draw(&canvas, &frame);
                }
            },
        );
    }

    let trace_bounds = bounds;
    let set_window = {
        let window = window.clone();
        Callback::from(move |w: (i64, i64)| {
            window.set(if w == trace_bounds { None } else { Some((key, w)) });
        })
    };
    let pointer = move |e: &MouseEvent| -> (f64, f64) { (f64::from(e.offset_x()), f64::from(e.offset_y())) };
    let rect_at = {
        let rects = rects.clone();
        let scroll_px = *scroll_top;
        move |x: f64, y: f64| -> Option<usize> {
            if y < AXIS_HEIGHT_PX {
                return None;
            }
            let offset = scroll_px - f64::from(first_row) * ROW_HEIGHT_PX;
            let row = first_row + ((y - AXIS_HEIGHT_PX + offset) / ROW_HEIGHT_PX).floor().max(0.0) as u32;
            hit_test(&rects, row, x)
        }
    };
    let onmousemove = {
        let hover = hover.clone();
        let rect_at = rect_at.clone();
        Callback::from(move |e: MouseEvent| {
            let (x, y) = pointer(&e);
            hover.set(rect_at(x, y).map(|rect| Hover { rect, x, y }));
        })
    };
    let onmouseleave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };
    let onclick = {
        let rects = rects.clone();
        let rect_at = rect_at.clone();
        let on_select = props.on_select.clone();
        Callback::from(move |e: MouseEvent| {
            let (x, y) = pointer(&e);
            if let Some(r) = rect_at(x, y).and_then(|i| rects.get(i)) {
                on_select.emit(Some(r.span));
            }
        })
    };
    let ondblclick = {
        let rects = rects.clone();
        let data = props.data.clone();
        let trace_index = props.trace_index;
        let set_window = set_window.clone();
        Callback::from(move |e: MouseEvent| {
            let (x, y) = pointer(&e);
            let Some(r) = rect_at(x, y).and_then(|i| rects.get(i)) else {
                return;
            };
            let data = data.borrow();
            if let Some(span) = data.traces.get(trace_index).and_then(|t| t.span(r.span)) {
                set_window.emit(window_around(trace_bounds, span.start_ns, span.duration_ns));
            }
        })
    };
    let onwheel = {
        let set_window = set_window.clone();
        Callback::from(move |e: WheelEvent| {
            let w = f64::from(viewport.width_px.max(1));
            if e.ctrl_key() || e.meta_key() {
                e.prevent_default();
                let factor = 1.0015f64.powf(e.delta_y().clamp(-500.0, 500.0));
                set_window.emit(zoom(shown, trace_bounds, factor, f64::from(e.offset_x()) / w));
            } else if e.shift_key() || e.delta_x().abs() > e.delta_y().abs() {
                let delta = if e.shift_key() { e.delta_y() } else { e.delta_x() };
                let len = shown.1.saturating_sub(shown.0);
                if len < trace_bounds.1.saturating_sub(trace_bounds.0) {
                    e.prevent_default();
                    let shift = (delta / w * len as f64).round() as i64;
                    set_window.emit(strand_view::flame::clamp_window(shown.0.saturating_add(shift), len, trace_bounds));
                }
            }
        })
    };
    let onscroll = {
        let scroll_top = scroll_top.clone();
        let hover = hover.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) {
                scroll_top.set(f64::from(el.scroll_top()));
                hover.set(None);
            }
        })
    };
    let zoom_by = |factor: f64| {
        let set_window = set_window.clone();
        Callback::from(move |_: MouseEvent| set_window.emit(zoom(shown, trace_bounds, factor, 0.5)))
    };
    let reset = {
        let set_window = set_window.clone();
        Callback::from(move |_: MouseEvent| set_window.emit(trace_bounds))
    };

    // The tooltip element is always there (hidden when unused): a conditional sibling would make
    // Yew's unkeyed diff patch the scroll box into it and build a new scroll box.
    let tip = hover.as_ref().and_then(|h| {
        let r: &FlameRect = rects.get(h.rect)?;
        let data = props.data.borrow();
        let lines = tooltip(&data.strings, data.traces.get(props.trace_index)?, &props.analysis.self_ns, r);
        let left = if h.x > viewport.width_px as f64 - 280.0 { (h.x - 270.0).max(0.0) } else { h.x + 14.0 };
        Some((lines, format!("left:{left:.0}px;top:{:.0}px", h.y + 14.0)))
    });
    let (tip_lines, tip_style) = tip.unwrap_or_default();
    let tip_hidden = tip_lines.is_empty();
    let tooltip_html = html! {
        <div class="flame-tooltip" role="tooltip" hidden={tip_hidden} style={tip_style}>
            { for tip_lines.iter().enumerate().map(|(i, l)| html! {
                <div class={classes!(if i == 0 { "tip-title" } else { "tip-line" })}>{ l }</div>
            }) }
        </div>
    };
    let legend = {
        let data = props.data.borrow();
        data.traces.get(props.trace_index).map(|t| service_legend(&data.strings, t)).unwrap_or_default()
    };
    let zoomed = shown != bounds;
    let window_text = format!(
        "{} – {} of {}",
        format_duration(shown.0.saturating_sub(bounds.0)),
        format_duration(shown.1.saturating_sub(bounds.0)),
        format_duration(bounds.1.saturating_sub(bounds.0))
    );

    html! {
        <div class="flame">
            <div class="flame-toolbar">
                <button class="btn small" onclick={zoom_by(0.5)} title="Zoom in">{ "Zoom in" }</button>
                <button class="btn small" onclick={zoom_by(2.0)} title="Zoom out" disabled={!zoomed}>{ "Zoom out" }</button>
                <button class="btn small" onclick={reset} disabled={!zoomed}>{ "Whole trace" }</button>
                <span class="flame-window">{ window_text }</span>
                <span class="flame-hint">{ "Click a span to select it · double-click to zoom to it · Ctrl+wheel zooms, Shift+wheel pans" }</span>
            </div>
            <div class="flame-stage">
                <div class="flame-scroll" ref={scroller} style={format!("height:{height_px:.0}px")} {onscroll}>
                    <canvas class="flame-canvas" ref={canvas} style={format!("height:{height_px:.0}px")}
                            role="img" aria-label="Flame graph of the trace: rows are depth, x is time"
                            {onmousemove} {onmouseleave} {onclick} {ondblclick} {onwheel}></canvas>
                    <div class="flame-spacer" style={format!("height:{:.0}px", (content_px - height_px).max(0.0))}></div>
                </div>
                { tooltip_html }
            </div>
            <ul class="flame-legend" aria-label="Services">
                { for legend.iter().map(|(service, hue)| html! {
                    <li><span class="swatch" style={format!("background:hsl({hue}, 60%, 72%)")}></span>{ service }</li>
                }) }
                <li><span class="swatch error-swatch"></span>{ "error" }</li>
            </ul>
        </div>
    }
}

/// Everything one drawing needs.
struct Frame<'a> {
    rects: &'a [FlameRect],
    viewport: &'a Viewport,
    height_px: f64,
    scroll_px: f64,
    hovered: Option<usize>,
    /// The selected span's row and extent, and whether it failed.
    selected_box: Option<((u32, f64, f64), bool)>,
    trace_start: i64,
}

fn draw(canvas: &HtmlCanvasElement, f: &Frame) {
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    let width = f64::from(f.viewport.width_px);
    let (pixel_w, pixel_h) = ((width * dpr).round() as u32, (f.height_px * dpr).round() as u32);
    if canvas.width() != pixel_w || canvas.height() != pixel_h {
        canvas.set_width(pixel_w);
        canvas.set_height(pixel_h);
    }
    let Some(ctx) = canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, width, f.height_px);
    ctx.set_font("11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif");
    ctx.set_text_baseline("middle");

    let row_y = |row: u32| {
        AXIS_HEIGHT_PX + f64::from(row.saturating_sub(f.viewport.first_row)) * ROW_HEIGHT_PX
            - (f.scroll_px - f64::from(f.viewport.first_row) * ROW_HEIGHT_PX)
    };
    let palette = super::palette::canvas_palette();
    ctx.save();
    ctx.begin_path();
    ctx.rect(0.0, AXIS_HEIGHT_PX, width, f.height_px - AXIS_HEIGHT_PX);
    ctx.clip();
    for (i, r) in f.rects.iter().enumerate() {
        let y = row_y(r.row) + 1.0;
        let h = ROW_HEIGHT_PX - 2.0;
        // A hairline gap between neighbours once there is room for it.
        let w = if r.width >= 3.0 { r.width - 1.0 } else { r.width };
        let (saturation, lightness) = match (r.count > 1, f.hovered == Some(i)) {
            (true, _) => (28, 74),
            (false, true) => (66, 62),
            (false, false) => (60, 72),
        };
        ctx.set_fill_style_str(&format!("hsl({}, {saturation}%, {lightness}%)", r.hue));
        ctx.fill_rect(r.x, y, w, h);
        if r.error {
            ctx.set_stroke_style_str(palette.error);
            ctx.set_line_width(1.5);
            ctx.stroke_rect(r.x + 0.75, y + 0.75, (w - 1.5).max(0.5), h - 1.5);
        }
        if !r.label.is_empty() {
            ctx.set_fill_style_str(palette.bar_ink);
            let _ = ctx.fill_text(&r.label, r.x + 4.0, y + h / 2.0 + 0.5);
        }
    }
    if let Some(((row, x, w), error)) = f.selected_box {
        if row >= f.viewport.first_row && row < f.viewport.end_row {
            let y = row_y(row);
            ctx.set_stroke_style_str(palette.outline);
            ctx.set_line_width(2.0);
            ctx.stroke_rect(x + 1.0, y + 1.0, (w - 2.0).max(1.0), ROW_HEIGHT_PX - 2.0);
            // Keep the error mark visible inside the selection.
            if error && w > 8.0 {
                ctx.set_stroke_style_str(palette.error);
                ctx.set_line_width(1.5);
                ctx.stroke_rect(x + 2.75, y + 2.75, w - 5.5, ROW_HEIGHT_PX - 5.5);
            }
        }
    }
    ctx.restore();

    // The time axis, on top.
    ctx.set_fill_style_str(palette.axis_bg);
    ctx.fill_rect(0.0, 0.0, width, AXIS_HEIGHT_PX);
    ctx.set_fill_style_str(palette.axis_ink);
    ctx.set_stroke_style_str(palette.axis_line);
    ctx.set_line_width(1.0);
    for (x, label) in time_ticks(f.trace_start, f.viewport) {
        ctx.begin_path();
        ctx.move_to(x.round() + 0.5, AXIS_HEIGHT_PX - 5.0);
        ctx.line_to(x.round() + 0.5, AXIS_HEIGHT_PX);
        ctx.stroke();
        if x < width - 40.0 {
            let _ = ctx.fill_text(&label, x + 3.0, AXIS_HEIGHT_PX / 2.0);
        }
    }
}
