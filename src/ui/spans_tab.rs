//! The Spans tab: every span of the trace in a sortable, filterable table. Only the rows in view
//! are in the DOM (fixed row height, spacers above and below); the order is an index permutation
//! from `view::spans_table`, and so is the text of each row. Clicking a row selects the span.

use super::hooks::use_element_size;
use super::store::DataHandle;
use std::rc::Rc;
use strand_view::spans_table::{span_order, table_row, visible_rows, warning_counts, SpanColumn, SpanSort};
use strand_view::trace_view::TraceAnalysis;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SpansTabProps {
    pub data: DataHandle,
    pub trace_index: usize,
    pub analysis: Rc<TraceAnalysis>,
    pub selected: Option<u32>,
    pub on_select: Callback<Option<u32>>,
}

/// Height of a row in CSS pixels; `static/views.css` gives `.spans-row` the same height.
const ROW_HEIGHT_PX: f64 = 26.0;
/// Rows rendered beyond the visible ones on each side, so that fast scrolling shows no gaps.
const OVERSCAN: usize = 10;

#[function_component(SpansTab)]
pub fn view(props: &SpansTabProps) -> Html {
    let key = (props.data.generation, props.trace_index);
    let scroller = use_node_ref();
    let (_, viewport_px) = use_element_size(scroller.clone());
    let scroll_top = use_state_eq(|| 0.0f64);
    let sort = use_state_eq(SpanSort::default);
    let filter = use_state_eq(String::new);

    let warnings = use_memo(key, {
        let data = props.data.clone();
        move |&(_, i)| data.borrow().traces.get(i).map(warning_counts).unwrap_or_default()
    });
    let order = use_memo((key, *sort, (*filter).clone()), {
        let data = props.data.clone();
        let analysis = props.analysis.clone();
        let warnings = warnings.clone();
        move |((_, i), sort, filter)| {
            let data = data.borrow();
            data.traces
                .get(*i)
                .map(|t| span_order(&data.strings, t, &analysis.tree, &analysis.self_ns, &warnings, *sort, filter))
                .unwrap_or_default()
        }
    });

    // On opening the tab, bring the selected span into view.
    {
        let scroller = scroller.clone();
        let order = order.clone();
        let selected = props.selected;
        use_effect_with((), move |_| {
            let position = selected.and_then(|s| order.iter().position(|&i| i == s));
            if let (Some(pos), Some(el)) = (position, scroller.cast::<Element>()) {
                let target = pos as f64 * ROW_HEIGHT_PX - f64::from(el.client_height()) / 2.0;
                el.set_scroll_top(target.max(0.0) as i32);
            }
        });
    }

    let total = order.len();
    let (first, end) = visible_rows(*scroll_top, viewport_px.max(ROW_HEIGHT_PX * 10.0), ROW_HEIGHT_PX, total, OVERSCAN);
    let rows: Vec<_> = {
        let data = props.data.borrow();
        match data.traces.get(props.trace_index) {
            Some(trace) => order
                .get(first..end)
                .unwrap_or(&[])
                .iter()
                .filter_map(|&i| table_row(&data.strings, trace, &props.analysis.self_ns, &warnings, i))
                .collect(),
            None => Vec::new(),
        }
    };
    let span_count = props.data.borrow().traces.get(props.trace_index).map_or(0, |t| t.spans.len());

    let onscroll = {
        let scroll_top = scroll_top.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) {
                scroll_top.set(f64::from(el.scroll_top()));
            }
        })
    };
    let oninput = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                filter.set(input.value());
            }
        })
    };
    let header = SpanColumn::ALL.iter().map(|&column| {
        let onclick = {
            let sort = sort.clone();
            Callback::from(move |_: MouseEvent| sort.set(strand_view::sort::cycled(*sort, column)))
        };
        let arrow = match strand_view::sort::aria(*sort, column) {
            "ascending" => " ▲",
            "descending" => " ▼",
            _ => "",
        };
        html! {
            <th class={classes!(column.numeric().then_some("num"), format!("col-{}", column_class(column)))}
                aria-sort={strand_view::sort::aria(*sort, column)} data-column={column_class(column)}>
                <button class="sort-button" {onclick}>{ column.label() }{ arrow }</button>
            </th>
        }
    });
    let summary =
        if total == span_count { format!("{span_count} spans") } else { format!("{total} of {span_count} spans") };
    let sorted_by = match *sort {
        None => "in tree order".to_string(),
        Some(s) => {
            let direction = if s.descending { "descending" } else { "ascending" };
            format!("by {} ({direction})", s.column.label().to_lowercase())
        }
    };

    html! {
        <div class="spans-tab">
            <div class="spans-toolbar">
                <input type="search" class="spans-filter" placeholder="Filter by service or name" aria-label="Filter spans"
                       value={(*filter).clone()} {oninput} />
                <span class="muted">{ format!("{summary}, {sorted_by} · click a header to sort, a row to select the span") }</span>
            </div>
            <div class="spans-scroll" ref={scroller} {onscroll}>
                <table class="grid spans-table">
                    <colgroup>
                        <col class="col-service" /><col class="col-name" /><col class="col-kind" /><col class="col-start" />
                        <col class="col-duration" /><col class="col-self" /><col class="col-error" /><col class="col-warnings" />
                    </colgroup>
                    <thead><tr>{ for header }</tr></thead>
                    <tbody>
                        <tr class="spans-spacer" style={format!("height:{:.0}px", first as f64 * ROW_HEIGHT_PX)}><td colspan="8"></td></tr>
                        { for rows.into_iter().map(|r| {
                            let index = r.index;
                            let selected = props.selected == Some(index);
                            let onclick = {
                                let on_select = props.on_select.clone();
                                Callback::from(move |_: MouseEvent| on_select.emit(Some(index)))
                            };
                            html! {
                                <tr key={index} class={classes!("spans-row", selected.then_some("selected"), r.error.then_some("error"))}
                                    aria-selected={selected.to_string()} {onclick}>
                                    <td class="service-cell" title={r.service.clone()}>
                                        <span class="swatch" style={format!("background:hsl({}, 62%, 52%)", r.hue)}></span>
                                        { &r.service }
                                    </td>
                                    <td class="name-cell" title={r.name.clone()}>{ &r.name }</td>
                                    <td class="kind-cell">{ r.kind }</td>
                                    <td class="num">{ &r.start }</td>
                                    <td class="num">{ &r.duration }</td>
                                    <td class="num">{ &r.self_time }</td>
                                    <td class="num">if r.error { <span class="error-badge">{ "error" }</span> }</td>
                                    <td class={classes!("num", (r.warnings > 0).then_some("has-warnings"))}>
                                        if r.warnings > 0 { { r.warnings } }
                                    </td>
                                </tr>
                            }
                        }) }
                        <tr class="spans-spacer" style={format!("height:{:.0}px", total.saturating_sub(end) as f64 * ROW_HEIGHT_PX)}><td colspan="8"></td></tr>
                    </tbody>
                </table>
                <p class="muted spans-empty" hidden={total > 0}>{ "No span matches the filter." }</p>
            </div>
        </div>
    }
}

fn column_class(column: SpanColumn) -> &'static str {
    match column {
        SpanColumn::Service => "service",
        SpanColumn::Name => "name",
        SpanColumn::Kind => "kind",
        SpanColumn::Start => "start",
        SpanColumn::Duration => "duration",
        SpanColumn::SelfTime => "self",
        SpanColumn::Error => "error",
        SpanColumn::Warnings => "warnings",
    }
}
