//! The waterfall: spans as a virtualized tree grid on a time axis, with a time ruler, a minimap of
//! the whole trace, zoom and pan, collapsing, the critical path and keyboard navigation. Only the
//! rows in view are in the DOM, so a million spans scroll like forty. Everything it shows comes
//! from `view::waterfall`; this component only keeps UI state and talks to the browser.

mod drag;
mod fold_row;
mod keys;
mod minimap;
mod row;
mod rows;
mod toolbar;

use super::hooks::use_element_size;
use super::perf;
use super::store::DataHandle;
use drag::{drag_handlers, DragInputs};
use fold_row::render_fold_row;
use keys::{key_handler, KeyContext};
use minimap::{draw_minimap, MINIMAP_BAND_PX, MINIMAP_ERROR_PX};
use row::{render_row, RowFlags};
use rows::{use_row_model, RowOptions};
use std::rc::Rc;
use strand_app::interaction::waterfall::{default_name_width, name_width, slivers_hint, Drag};
use strand_model::format::thousands;
use strand_model::time::format_duration;
use strand_view::peers::slow_marker_title;
use strand_view::search::SearchResult;
use strand_view::trace_view::TraceAnalysis;
use strand_view::waterfall::fold::{fold_row_view, row_for_span};
use strand_view::waterfall::{
    level_count, minimap, row_view, rows_in_view, ruler_ticks, scroll_top_for_row, CriticalIndex, Minimap, RowContext,
    RowRange, ScrollTo, TimeWindow, MINIMAP_COLUMNS,
};
use toolbar::{Switch, Toolbar};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlCanvasElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WaterfallProps {
    pub data: DataHandle,
    pub trace_index: usize,
    pub analysis: Rc<TraceAnalysis>,
    pub search: Rc<SearchResult>,
    /// Show only matches and their ancestors.
    pub matches_only: bool,
    /// The selected span (index into the trace's spans).
    pub selected: Option<u32>,
    /// A span to bring into view (search next/previous).
    pub focus_match: Option<u32>,
    pub on_select: Callback<Option<u32>>,
}

/// Every row is this high (CSS `.wf-row` agrees).
const ROW_PX: f64 = 24.0;
/// Rows rendered above and below the viewport, so fast scrolling does not show blank space.
const OVERSCAN: usize = 10;
/// Horizontal pixels between ruler ticks.
const TICK_SPACING_PX: f64 = 90.0;
/// The narrowest bar in pixels.
const MIN_BAR_PX: f64 = 2.0;
/// Depth choices offered by the selector (deeper traces use "Expand all").
const MAX_DEPTH_CHOICES: u32 = 40;

/// What identifies the trace shown: state tied to one trace resets when it changes.
type TraceKey = (u64, usize);

/// Compares by pointer, for memo dependencies on shared values that are costly to compare.
struct Same<T>(Rc<T>);

impl<T> PartialEq for Same<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Clone for Same<T> {
    fn clone(&self) -> Self {
        Same(self.0.clone())
    }
}

pub(super) fn pct(fraction: f64) -> String {
    format!("{:.4}%", fraction * 100.0)
}

/// The span index a row element (or something inside it) stands for.
fn span_of(target: Option<web_sys::EventTarget>, selector: &str) -> Option<u32> {
    number_of(target, selector, "data-span-index")
}

/// A number attribute of the closest element matching `selector` around `target`.
fn number_of(target: Option<web_sys::EventTarget>, selector: &str, attribute: &str) -> Option<u32> {
    let element = target?.dyn_into::<Element>().ok()?;
    let found = element.closest(selector).ok()??;
    found.get_attribute(attribute)?.parse().ok()
}

#[function_component(Waterfall)]
pub fn waterfall(props: &WaterfallProps) -> Html {
    let key: TraceKey = (props.data.generation, props.trace_index);
    let force_update = use_force_update();

    // The switches of the toolbar (folding is on by default).
    let show_critical = use_state(|| false);
    let critical_only = use_state(|| false);
    let show_slow = use_state(|| false);
    let fold_on = use_state(|| true);
    let options = RowOptions {
        matches_only: props.matches_only.then(|| Same(props.search.clone())),
        critical_only: *critical_only,
        fold: *fold_on,
    };
    let model = use_row_model(&props.data, key, &props.analysis, options);
    let (collapse, folds, rows, bump) =
        (model.collapse.clone(), model.folds.clone(), model.rows.clone(), model.bump.clone());
    // Spans above their operation's p95, when the marker is on (the peer index is shared).
    let slow = use_memo((key, *show_slow), {
        let data = props.data.clone();
        move |&((_, index), on)| on.then(|| super::peers::peer_index(&data).above_p95(&data.borrow(), index))
    });
    let critical_index = use_memo(key, {
        let analysis = props.analysis.clone();
        move |_| CriticalIndex::new(&analysis.critical)
    });
    let levels = use_memo(key, {
        let analysis = props.analysis.clone();
        move |_| level_count(&analysis.tree)
    });
    let overview = use_memo(key, {
        let data = props.data.clone();
        move |&(_, index)| {
            perf::mark("strand:waterfall:minimap:start");
            let data = data.borrow();
            let map = data.traces.get(index).map(|t| minimap(t, &t.depth, MINIMAP_COLUMNS));
            perf::measure_since("strand:waterfall:minimap", "strand:waterfall:minimap:start");
            map
        }
    });

    let slivers = use_memo((props.data.generation, props.trace_index), {
        let data = props.data.clone();
        move |&(_, index)| {
            let data = data.borrow();
            let trace = data.traces.get(index)?;
            slivers_hint(trace.spans.iter().map(|s| s.duration_ns), trace.duration_ns())
        }
    });
    let zoom = use_state(|| None::<(TraceKey, TimeWindow)>);
    // None until the user drags the splitter: then the width follows the viewport.
    let name_px = use_state(|| None::<f64>);
    let drag = use_state(|| None::<Drag>);
    let scroll_ref = use_node_ref();
    // The viewport's size, from a ResizeObserver (no layout reads in handlers); a guess until
    // the first measure.
    let measured = use_element_size(scroll_ref.clone());
    let viewport = if measured.1 > 0.0 { measured } else { (1000.0, 600.0) };
    // The scroll position lives outside Yew state: the scroll handler re-renders only when the
    // set of rows in view changes, not on every scrolled pixel.
    let scroll_top = use_mut_ref(|| 0.0f64);
    let rendered_range = use_mut_ref(|| None::<RowRange>);
    let pending_scroll = use_mut_ref(|| None::<(u32, ScrollTo, u8)>);
    let ruler_ref = use_node_ref();
    let minimap_ref = use_node_ref();
    let canvas_ref = use_node_ref();

    // A selection the keyboard made: it may stand on a folded row without unfolding it.
    let keyboard_select = use_mut_ref(|| None::<u32>);
    // Another trace starts at the top.
    {
        let scroll_ref = scroll_ref.clone();
        let scroll_top = scroll_top.clone();
        use_effect_with(key, move |_| {
            // Only when scrolled: setting scrollTop lays the page out at once, and a new
            // waterfall (the first trace) is at the top already.
            if std::mem::take(&mut *scroll_top.borrow_mut()) != 0.0 {
                if let Some(element) = scroll_ref.cast::<Element>() {
                    element.set_scroll_top(0);
                }
            }
        });
    }

    // The minimap is drawn once per trace.
    {
        let canvas_ref = canvas_ref.clone();
        use_effect_with(Same(overview.clone()), move |overview| {
            if let (Some(canvas), Some(map)) = (canvas_ref.cast::<HtmlCanvasElement>(), overview.0.as_ref()) {
                draw_minimap(&canvas, map);
            }
        });
    }

    // A selection made elsewhere (details, URL, keyboard) is revealed and scrolled into view;
    // a search match is centred. Revealing expands collapsed ancestors; the scroll itself waits
    // for the render that puts the row in the list (the effect below).
    let reveal = {
        let collapse = collapse.clone();
        let folds = folds.clone();
        let data = props.data.clone();
        let pending_scroll = pending_scroll.clone();
        let bump = bump.clone();
        let force_update = force_update.clone();
        Rc::new(move |span: u32, index: usize, how: ScrollTo, own_row: bool| {
            let revealed = data.borrow().traces.get(index).is_some_and(|t| {
                let expanded = collapse.borrow_mut().reveal(&t.spans, span);
                let unfolded = folds.borrow_mut().reveal(&t.spans, span, own_row);
                expanded || unfolded
            });
            *pending_scroll.borrow_mut() = Some((span, how, 0));
            if revealed {
                bump();
            } else {
                force_update.force_update();
            }
        })
    };
    {
        let reveal = reveal.clone();
        let keyboard_select = keyboard_select.clone();
        use_effect_with((props.selected, key), move |&(selected, (_, index))| {
            // Selections from the details, the address, a click or the search unfold the group
            // that hides the span; keyboard moves stand on folded rows (Right unfolds them).
            let by_key = keyboard_select.borrow_mut().take();
            if let Some(span) = selected {
                reveal(span, index, ScrollTo::Nearest, by_key != Some(span));
            }
        });
    }
    // The viewport's height is a guess until it is measured: once it is (a page opened on a
    // link), reveal the selection again with the real height.
    {
        let reveal = reveal.clone();
        let selected = props.selected;
        use_effect_with((measured.1 > 0.0, key), move |&(known, (_, index))| {
            if let (true, Some(span)) = (known, selected) {
                reveal(span, index, ScrollTo::Nearest, true);
            }
        });
    }
    {
        let reveal = reveal.clone();
        use_effect_with((props.focus_match, key), move |&(focus, (_, index))| {
            if let Some(span) = focus {
                reveal(span, index, ScrollTo::Center, true);
            }
        });
    }
    // After each render: carry out a pending scroll once its row is in the row list.
    {
        let pending_scroll = pending_scroll.clone();
        let rows = rows.clone();
        let scroll_ref = scroll_ref.clone();
        let scroll_top = scroll_top.clone();
        let viewport_px = viewport.1;
        let data = props.data.clone();
        let folds = folds.clone();
        let trace_index = props.trace_index;
        let ready = model.ready;
        use_effect(move || {
            // A large trace's fold groups are still coming: its rows are not there to try yet.
            if !ready {
                return;
            }
            let pending = *pending_scroll.borrow();
            if let Some((span, how, attempts)) = pending {
                // The span's own row; on the last try, the folded row that holds it (the row
                // list may be a render behind a reveal, and a folded row would be found too early).
                let position = rows.iter().position(|&r| r == span).or_else(|| {
                    let data = data.borrow();
                    let trace = data.traces.get(trace_index).filter(|_| attempts >= 2)?;
                    row_for_span(&rows, &trace.spans, &folds.borrow(), span)
                });
                match position {
                    Some(pos) => {
                        *pending_scroll.borrow_mut() = None;
                        let current = *scroll_top.borrow();
                        let target = scroll_top_for_row(rows.len(), ROW_PX, viewport_px, current, pos, how);
                        if let (Some(top), Some(element)) = (target, scroll_ref.cast::<Element>()) {
                            element.set_scroll_top(top as i32);
                        }
                    }
                    // After that, give up (the span is filtered out by "matches only").
                    None if attempts < 2 => *pending_scroll.borrow_mut() = Some((span, how, attempts + 1)),
                    None => *pending_scroll.borrow_mut() = None,
                }
            }
        });
    }

    let data = props.data.borrow();
    let Some(trace) = data.traces.get(props.trace_index) else {
        return html! { <div class="waterfall" ref={scroll_ref}></div> };
    };
    let bounds = TimeWindow::of_trace(trace);
    let window = match *zoom {
        Some((k, w)) if k == key => w.clamp_to(bounds),
        _ => bounds,
    };
    let zoomed = window != bounds;
    let (viewport_w, viewport_h) = viewport;
    let name_w = name_width(name_px.unwrap_or_else(|| default_name_width(viewport_w)), viewport_w);
    let timeline_w = (viewport_w - name_w).max(1.0);
    let range = rows_in_view(rows.len(), ROW_PX, viewport_h, *scroll_top.borrow(), OVERSCAN);
    *rendered_range.borrow_mut() = Some(range);

    let set_window = {
        let zoom = zoom.clone();
        move |w: TimeWindow| zoom.set(if w == bounds { None } else { Some((key, w)) })
    };
    let set_window = Rc::new(set_window);

    // ---- handlers ------------------------------------------------------------------------

    let on_scroll = {
        let scroll_top = scroll_top.clone();
        let rendered_range = rendered_range.clone();
        let force_update = force_update.clone();
        let row_count = rows.len();
        Callback::from(move |e: Event| {
            let Some(element) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
                return;
            };
            let top = f64::from(element.scroll_top());
            *scroll_top.borrow_mut() = top;
            let next = rows_in_view(row_count, ROW_PX, viewport_h, top, OVERSCAN);
            if *rendered_range.borrow() != Some(next) {
                force_update.force_update();
            }
        })
    };

    let on_rows_click = {
        let collapse = collapse.clone();
        let folds = folds.clone();
        let bump = bump.clone();
        let on_select = props.on_select.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(group) = number_of(e.target(), ".wf-fold-toggle", "data-group") {
                folds.borrow_mut().toggle(group);
                bump();
            } else if let Some(span) = span_of(e.target(), ".wf-toggle") {
                collapse.borrow_mut().toggle(span);
                bump();
            } else if let Some(span) = span_of(e.target(), ".wf-row") {
                on_select.emit(Some(span));
            }
        })
    };
    let on_rows_dblclick = {
        let collapse = collapse.clone();
        let bump = bump.clone();
        let analysis = props.analysis.clone();
        Callback::from(move |e: MouseEvent| {
            // Toggles and folded rows are not collapsed by a double click.
            let on_fold = span_of(e.target(), ".wf-fold").is_some()
                || number_of(e.target(), ".wf-fold-toggle", "data-group").is_some();
            if on_fold || span_of(e.target(), ".wf-toggle").is_some() {
                return;
            }
            if let Some(span) = span_of(e.target(), ".wf-row") {
                if !analysis.tree.children_of(span).is_empty() {
                    collapse.borrow_mut().toggle(span);
                    bump();
                }
            }
        })
    };

    let on_key = key_handler(KeyContext {
        data: props.data.clone(),
        trace_index: props.trace_index,
        analysis: props.analysis.clone(),
        model: model.clone(),
        selected: props.selected,
        on_select: props.on_select.clone(),
        keyboard_select: keyboard_select.clone(),
        set_window: set_window.clone(),
        window,
        bounds,
        page_rows: ((viewport_h / ROW_PX).floor() as usize).saturating_sub(1).max(1),
    });

    let expand_all = {
        let collapse = collapse.clone();
        let bump = bump.clone();
        Callback::from(move |_: MouseEvent| {
            collapse.borrow_mut().expand_all();
            bump();
        })
    };
    let collapse_all = {
        let collapse = collapse.clone();
        let bump = bump.clone();
        let analysis = props.analysis.clone();
        Callback::from(move |_: MouseEvent| {
            collapse.borrow_mut().collapse_all(&analysis.tree);
            bump();
        })
    };
    let on_depth = {
        let collapse = collapse.clone();
        let bump = bump.clone();
        let analysis = props.analysis.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) else {
                return;
            };
            if let Ok(levels) = select.value().parse::<u32>() {
                collapse.borrow_mut().expand_to_depth(&analysis.tree, levels);
                bump();
            }
            // The choice is an action, not a state: show the placeholder again, so that choosing
            // the same depth after expanding or collapsing rows works.
            select.set_value("");
        })
    };
    let on_switch = {
        let (show_critical, critical_only, show_slow, fold_on, folds) =
            (show_critical.clone(), critical_only.clone(), show_slow.clone(), fold_on.clone(), folds.clone());
        Callback::from(move |which: Switch| match which {
            Switch::Critical => show_critical.set(!*show_critical),
            Switch::CriticalOnly => critical_only.set(!*critical_only),
            Switch::Slow => show_slow.set(!*show_slow),
            Switch::Fold => {
                // Switching folding on folds every group again, also those a click or a search
                // opened: the switch means "fold the repeats", not "restore what was open".
                if !*fold_on {
                    folds.borrow_mut().fold_all();
                }
                fold_on.set(!*fold_on);
            }
        })
    };
    let reset_zoom = {
        let set_window = set_window.clone();
        Callback::from(move |_: MouseEvent| set_window(bounds))
    };

    let handlers = drag_handlers(DragInputs {
        drag: drag.clone(),
        name_px: name_px.clone(),
        ruler: ruler_ref.clone(),
        minimap: minimap_ref.clone(),
        set_window: set_window.clone(),
        window,
        bounds,
        viewport_w,
        name_w,
    });

    // ---- rendering -----------------------------------------------------------------------

    let ctx = RowContext {
        strings: &data.strings,
        trace,
        analysis: &props.analysis,
        collapse: &collapse.borrow(),
        critical: &critical_index,
        window,
        min_bar: MIN_BAR_PX / timeline_w,
    };
    let visible = rows.get(range.first..range.end).unwrap_or(&[]);
    let folds_now = folds.borrow();
    let peers = slow.is_some().then(|| super::peers::peer_index(&props.data));
    let search_keep = Some(props.search.keep.as_slice()).filter(|k| !k.is_empty());
    let row_html = visible.iter().enumerate().filter_map(|(k, &span)| {
        let flags = RowFlags {
            position: range.first + k,
            top_px: range.first_top_px + k as f64 * ROW_PX,
            selected: props.selected == Some(span),
            is_match: props.search.is_match.get(span as usize).copied().unwrap_or(false),
            focused: props.focus_match == Some(span),
            critical: *show_critical,
            name_px: name_w,
            slow: slow
                .as_ref()
                .as_ref()
                .filter(|mask| mask.get(span as usize).copied().unwrap_or(false))
                .and(peers.as_ref())
                .and_then(|index| slow_marker_title(&data, index, props.trace_index, span)),
            fold_handle: folds_now
                .group_of(span)
                .filter(|&g| {
                    folds_now.enabled() && !folds_now.is_folded(g) && folds_now.members(g).first() == Some(&span)
                })
                .map(|g| (g, folds_now.group(g).map_or(0, |group| group.count))),
        };
        if let Some(group) = folds_now.folded_row(span) {
            return fold_row_view(&ctx, &folds_now, group, search_keep).map(|view| render_fold_row(&view, &flags));
        }
        let view = row_view(&ctx, span)?;
        Some(render_row(&view, &flags))
    });
    let fold_groups = folds_now.groups().len();

    let ticks = ruler_ticks(window, trace.start_ns, ((timeline_w / TICK_SPACING_PX).floor() as usize).max(2));
    let tick_html = ticks.iter().map(|t| {
        let class = classes!("wf-tick", (t.fraction > 0.9).then_some("end"));
        html! { <div class={class} style={format!("left: {}", pct(t.fraction))}><span class="wf-tick-label">{ &t.label }</span></div> }
    });
    let gridlines =
        ticks.iter().map(|t| html! { <div class="wf-gridline" style={format!("left: {}", pct(t.fraction))}></div> });

    let selection = drag.and_then(Drag::selection);
    let ruler_selection = selection.filter(|s| s.0).map(|(_, left, width)| (left, width));
    let minimap_selection = selection.filter(|s| !s.0).map(|(_, left, width)| (left, width));
    let window_left = bounds.fraction_of(window.start_ns).clamp(0.0, 1.0);
    let window_width = (bounds.fraction_of(window.end_ns).clamp(0.0, 1.0) - window_left).max(0.0);
    let (minimap_columns, minimap_height) = overview
        .as_ref()
        .as_ref()
        .map_or((1, 1), |m: &Minimap| (m.columns, m.bands as u32 * MINIMAP_BAND_PX + MINIMAP_ERROR_PX));
    let level_choices = (*levels).min(MAX_DEPTH_CHOICES);
    let active = props.selected.filter(|s| visible.contains(s)).map(|s| format!("wf-row-{s}"));
    let drag_cursor = drag.map_or("crosshair", Drag::cursor);
    let span_count = trace.spans.len();
    let window_label = if zoomed {
        format!(
            "Showing {} – {} of {}",
            format_duration(window.start_ns.saturating_sub(trace.start_ns)),
            format_duration(window.end_ns.saturating_sub(trace.start_ns)),
            format_duration(bounds.duration_ns())
        )
    } else if let Some(hint) = *slivers {
        hint.to_string()
    } else {
        "Drag across the ruler or the overview to zoom".to_string()
    };

    html! {
        <div class={classes!("waterfall", (*show_critical).then_some("critical-on"))} style={format!("--wf-name: {name_w:.0}px")}>
            <Toolbar {expand_all} {collapse_all} {on_depth} {on_switch} {reset_zoom} {level_choices}
                     show_critical={*show_critical} critical_only={*critical_only} show_slow={*show_slow} fold={*fold_on}
                     {fold_groups} {zoomed} {window_label} rows={rows.len()} spans={span_count} />
            <div class="wf-head">
                <div class="wf-overview-label">{ "Overview" }</div>
                <div class="wf-minimap" ref={minimap_ref.clone()} onmousedown={handlers.minimap_down}
                     title="The whole trace: drag to zoom into a range, drag the window to pan">
                    <canvas ref={canvas_ref} class="wf-minimap-canvas" width={minimap_columns.to_string()}
                            height={minimap_height.to_string()} aria-hidden="true"></canvas>
                    if zoomed {
                        <div class="wf-minimap-shade" style={format!("left: 0; width: {}", pct(window_left))}></div>
                        <div class="wf-minimap-shade" style={format!("left: {}; right: 0", pct(window_left + window_width))}></div>
                        <div class="wf-minimap-window"
                             style={format!("left: {}; width: {}", pct(window_left), pct(window_width))}
                             onmousedown={handlers.window_move}>
                            <div class="wf-handle start" onmousedown={handlers.window_start}></div>
                            <div class="wf-handle end" onmousedown={handlers.window_end}></div>
                        </div>
                    }
                    if let Some((left, width)) = minimap_selection {
                        <div class="wf-selection" style={format!("left: {}; width: {}", pct(left), pct(width))}></div>
                    }
                </div>
            </div>
            <div class="wf-head wf-ruler-row">
                <div class="wf-name-head">
                    { "Service · operation" }
                    <div class="wf-splitter" onmousedown={handlers.splitter_down} title="Drag to resize"
                         role="separator" aria-orientation="vertical" aria-label="Resize the name column"></div>
                </div>
                <div class="wf-ruler" ref={ruler_ref} onmousedown={handlers.ruler_down} title="Drag to zoom into a time range">
                    { for tick_html }
                    if let Some((left, width)) = ruler_selection {
                        <div class="wf-selection" style={format!("left: {}; width: {}", pct(left), pct(width))}></div>
                    }
                </div>
            </div>
            <div class="wf-body">
                <div class="wf-gridlines" aria-hidden="true" style={format!("width: {timeline_w:.0}px")}>{ for gridlines }</div>
                <div class="wf-scroll" ref={scroll_ref} role="treegrid" tabindex="0" aria-label="Spans"
                     aria-rowcount={rows.len().to_string()} aria-activedescendant={active}
                     aria-multiselectable="false"
                     onscroll={on_scroll} onkeydown={on_key} onclick={on_rows_click} ondblclick={on_rows_dblclick}>
                    <div class="wf-spacer" style={format!("height: {:.0}px", range.content_px)}>
                        { for row_html }
                    </div>
                    if !model.ready {
                        // A large trace's fold groups come on the next task (`RowModel::ready`).
                        <p class="wf-empty" role="status">{ format!("Grouping the {} spans…", thousands(span_count as u64)) }</p>
                    } else if rows.is_empty() {
                        <p class="wf-empty">{ empty_text(props.matches_only, *critical_only) }</p>
                    }
                </div>
            </div>
            if drag.is_some() {
                <div class="wf-drag-overlay" style={format!("cursor: {drag_cursor}")}
                     onmousemove={handlers.drag_move} onmouseup={handlers.drag_end}></div>
            }
        </div>
    }
}

/// Why the waterfall has no rows.
fn empty_text(matches_only: bool, critical_only: bool) -> &'static str {
    match (matches_only, critical_only) {
        (true, true) => "No span on the critical path matches the search.",
        (true, false) => "No span matches the search.",
        (false, true) => "No span has time on the critical path.",
        (false, false) => "This trace has no spans.",
    }
}
