//! The selected trace: a header with its numbers, its spans in tree order (service, name,
//! duration bar) and its import warnings. The virtualized waterfall replaces the list later.

use super::state::DataHandle;
use crate::view::colors::service_color;
use crate::view::span_list::{span_rows, warning_lines};
use crate::view::trace_list::summarize;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SpanTableProps {
    pub data: DataHandle,
    pub trace_index: usize,
}

#[function_component(SpanTable)]
pub fn span_table(props: &SpanTableProps) -> Html {
    let computed = use_memo((props.data.generation, props.trace_index), {
        let data = props.data.clone();
        move |&(_, index)| {
            let data = data.borrow();
            data.traces.get(index).map(|trace| {
                (summarize(&data.strings, index, trace), span_rows(&data.strings, trace), warning_lines(&data.strings, trace))
            })
        }
    });
    let Some((summary, rows, warnings)) = computed.as_ref() else {
        return html! {};
    };
    html! {
        <section class="trace-page" aria-label="Trace">
            <div class="trace-header">
                <h2>
                    <span class="service">{ &summary.root_service }</span>{ " " }
                    <span class="op">{ &summary.root_name }</span>
                </h2>
                <dl class="facts">
                    <div><dt>{ "Start" }</dt><dd>{ &summary.start }</dd></div>
                    <div><dt>{ "Duration" }</dt><dd>{ &summary.duration }</dd></div>
                    <div><dt>{ "Services" }</dt><dd>{ summary.services }</dd></div>
                    <div><dt>{ "Depth" }</dt><dd>{ summary.depth }</dd></div>
                    <div><dt>{ "Spans" }</dt><dd>{ summary.spans }</dd></div>
                    <div><dt>{ "Errors" }</dt><dd>{ summary.errors }</dd></div>
                    <div><dt>{ "Warnings" }</dt><dd>{ summary.warnings }</dd></div>
                    <div><dt>{ "Trace id" }</dt><dd class="mono">{ &summary.trace_id }</dd></div>
                </dl>
            </div>
            <table class="grid spans" aria-label="Spans">
                <thead>
                    <tr><th>{ "Service" }</th><th>{ "Span" }</th><th class="num">{ "Start" }</th>
                        <th class="num">{ "Duration" }</th><th class="timeline-col">{ "Timeline" }</th></tr>
                </thead>
                <tbody>
                    { for rows.iter().map(|row| {
                        let color = service_color(&row.service);
                        let indent = format!("padding-left: {}px", 6 + 14 * row.depth.min(40));
                        let bar = format!("left: {:.3}%; width: max({:.3}%, 1px); background: {color}", row.left_pct, row.width_pct);
                        html! {
                            <tr class={classes!("span-row", row.error.then_some("error"))} data-depth={row.depth.to_string()}>
                                <td class="service-cell">
                                    <span class="swatch" style={format!("background: {color}")}></span>
                                    { &row.service }
                                </td>
                                <td class="name-cell" style={indent}>
                                    if row.error { <span class="error-mark" title="error">{ "!" }</span> }
                                    <span class="span-name">{ &row.name }</span>
                                    <span class="kind">{ row.kind.as_str() }</span>
                                    if row.warnings > 0 { <span class="warn-mark" title="import warnings">{ format!("⚠ {}", row.warnings) }</span> }
                                </td>
                                <td class="num">{ &row.offset }</td>
                                <td class="num duration">{ &row.duration }</td>
                                <td class="timeline-col"><div class="track"><div class="bar" style={bar}></div></div></td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            if !warnings.is_empty() {
                <details class="warnings" open={warnings.len() <= 12}>
                    <summary>{ format!("{} import warning{}", warnings.len(), if warnings.len() == 1 { "" } else { "s" }) }</summary>
                    <ul>{ for warnings.iter().map(|w| html! { <li>{ w }</li> }) }</ul>
                </details>
            }
        </section>
    }
}
