//! The Statistics tab: the trace's spans grouped by service, operation or any attribute key,
//! with count, total, average, min, max, self time and share of the trace; sortable by header.
//! Numbers come from `analysis::stats::trace_stats`, rows and sorting from `view::spans_table`.

use super::store::DataHandle;
use std::rc::Rc;
use strand_analysis::stats::trace_stats;
use strand_view::spans_table::{group_choices, stats_rows, StatsColumn, StatsSort};
use strand_view::trace_view::TraceAnalysis;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StatsTabProps {
    pub data: DataHandle,
    pub trace_index: usize,
    pub analysis: Rc<TraceAnalysis>,
}

#[function_component(StatsTab)]
pub fn view(props: &StatsTabProps) -> Html {
    let key = (props.data.generation, props.trace_index);
    // The attribute keys are collected once per trace.
    let choices = use_memo(key, {
        let data = props.data.clone();
        move |&(_, i)| {
            let data = data.borrow();
            data.traces.get(i).map(|t| group_choices(&data.strings, t)).unwrap_or_default()
        }
    });
    let group = use_state(|| "service".to_string());
    let sort = use_state(StatsSort::default);
    let choice = choices.iter().find(|c| c.value == *group).or_else(|| choices.first()).cloned();
    let stats = use_memo((key, choice.as_ref().map(|c| c.value.clone())), {
        let data = props.data.clone();
        let analysis = props.analysis.clone();
        let group_by = choice.as_ref().map(|c| c.group_by);
        move |((_, i), _)| {
            let data = data.borrow();
            match (data.traces.get(*i), group_by) {
                (Some(t), Some(g)) => Some(trace_stats(&data.strings, t, &analysis.tree, g)),
                _ => None,
            }
        }
    });
    let Some(stats) = stats.as_ref().as_ref() else {
        return html! { <div class="stats-tab"></div> };
    };
    let rows = stats_rows(stats, *sort);

    let onchange = {
        let group = group.clone();
        let sort = sort.clone();
        Callback::from(move |e: Event| {
            let value = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()).map(|s| s.value());
            if let Some(value) = value {
                group.set(value);
                sort.set(StatsSort::default());
            }
        })
    };
    let current = choice.as_ref().map(|c| c.value.clone()).unwrap_or_default();
    let header = StatsColumn::ALL.iter().map(|&column| {
        let onclick = {
            let sort = sort.clone();
            Callback::from(move |_: MouseEvent| sort.set(Some(strand_view::sort::clicked(*sort, column))))
        };
        let numeric = column != StatsColumn::Group;
        let label = if column == StatsColumn::Group {
            choice.as_ref().map_or("Group".to_string(), |c| c.label.clone())
        } else {
            column.label().to_string()
        };
        let arrow = match strand_view::sort::aria(*sort, column) {
            "ascending" => " ▲",
            "descending" => " ▼",
            _ => "",
        };
        html! {
            <th class={classes!(numeric.then_some("num"))} aria-sort={strand_view::sort::aria(*sort, column)}>
                <button class="sort-button" {onclick}>{ label }{ arrow }</button>
            </th>
        }
    });

    html! {
        <div class="stats-tab">
            <div class="stats-toolbar">
                <label>
                    { "Group spans by " }
                    <select class="stats-group" {onchange} aria-label="Group spans by">
                        { for choices.iter().map(|c| html! {
                            <option value={c.value.clone()} selected={c.value == current}>{ &c.label }</option>
                        }) }
                    </select>
                </label>
                <span class="muted">
                    { format!("{} groups · {} spans · self time is the part of a span not covered by its synchronous children", rows.len(), stats.span_count) }
                </span>
            </div>
            <div class="stats-scroll">
                <table class="grid stats-table">
                    <thead><tr>{ for header }</tr></thead>
                    <tbody>
                        { for rows.iter().map(|r| html! {
                            <tr class="stats-row">
                                <td class="group-cell">
                                    if let Some(hue) = r.hue {
                                        <span class="swatch" style={format!("background:hsl({hue}, 62%, 52%)")}></span>
                                    }
                                    { &r.label }
                                </td>
                                <td class="num">{ r.count }</td>
                                <td class="num">{ &r.total }</td>
                                <td class="num">{ &r.avg }</td>
                                <td class="num">{ &r.min }</td>
                                <td class="num">{ &r.max }</td>
                                <td class="num">{ &r.self_total }</td>
                                <td class="num">{ &r.self_avg }</td>
                                <td class="num share-cell">
                                    <span class="share-bar" style={format!("width:{:.1}%", r.share_pct)}></span>
                                    <span class="share-text">{ &r.share }</span>
                                </td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </div>
    }
}
