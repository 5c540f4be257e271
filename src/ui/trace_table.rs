//! The list of loaded traces; clicking a row selects the trace.

use super::state::DataHandle;
use crate::view::trace_list::summaries;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TraceTableProps {
    pub data: DataHandle,
    pub selected: Option<usize>,
    /// Open the trace at this index of `Dataset::traces`.
    pub on_select: Callback<usize>,
}

#[function_component(TraceTable)]
pub fn trace_table(props: &TraceTableProps) -> Html {
    let rows = use_memo(props.data.generation, {
        let data = props.data.clone();
        move |_| summaries(&data.borrow())
    });
    html! {
        <section class="trace-list" aria-label="Loaded traces">
            <table class="grid">
                <thead>
                    <tr>
                        <th>{ "Root" }</th><th>{ "Start (UTC)" }</th><th class="num">{ "Duration" }</th>
                        <th class="num">{ "Spans" }</th><th class="num">{ "Services" }</th>
                        <th class="num">{ "Errors" }</th><th class="num">{ "Warnings" }</th><th>{ "Trace id" }</th>
                    </tr>
                </thead>
                <tbody>
                    { for rows.iter().map(|row| {
                        let index = row.index;
                        let on_select = props.on_select.clone();
                        let onclick = Callback::from(move |_: MouseEvent| on_select.emit(index));
                        let selected = props.selected == Some(row.index);
                        html! {
                            <tr class={classes!("trace-row", selected.then_some("selected"))} {onclick}
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
    }
}
