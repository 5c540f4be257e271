//! The log lines that match no loaded trace, reachable from the traces page: a link saying how
//! many there are opens a list of them (time, level, service, message, and why each is here: no
//! trace id, or its trace is not loaded), filtered like the Logs tab. Loading the trace later
//! moves its lines out of this list into the trace.

use super::{fields, level_badge, FilterBar, VirtualRows};
use crate::ui::store::DataHandle;
use strand_model::time::display_zone_label;
use strand_view::logs::{unmatched_breakdown, unmatched_order, unmatched_row, unmatched_summary, LogFilter};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct UnmatchedLogsProps {
    pub data: DataHandle,
}

#[function_component(UnmatchedLogs)]
pub fn unmatched_logs(props: &UnmatchedLogsProps) -> Html {
    let open = use_state_eq(|| false);
    let summary = use_memo(props.data.generation, {
        let data = props.data.clone();
        move |_| unmatched_summary(&data.borrow())
    });
    let Some(summary) = summary.as_ref() else {
        return html! {};
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let close = {
        let open = open.clone();
        Callback::from(move |()| open.set(false))
    };
    html! {
        <div class="unmatched-logs">
            <button type="button" class="btn link-btn unmatched-link" onclick={toggle} aria-expanded={open.to_string()}>
                { summary.clone() }
            </button>
            if *open {
                <UnmatchedList data={props.data.clone()} on_close={close} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct UnmatchedListProps {
    data: DataHandle,
    on_close: Callback<()>,
}

#[function_component(UnmatchedList)]
fn unmatched_list(props: &UnmatchedListProps) -> Html {
    let filter = use_state_eq(LogFilter::default);
    let selected = use_state_eq(|| None::<(u32, u32)>);
    let order = use_memo((props.data.generation, (*filter).clone()), {
        let data = props.data.clone();
        move |(_, filter)| unmatched_order(&data.borrow(), filter)
    });
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |next: LogFilter| filter.set(next))
    };
    let render = {
        let data = props.data.clone();
        let order = order.clone();
        let selected = selected.clone();
        Callback::from(move |(first, end): (usize, usize)| {
            let data = data.borrow();
            let rows = order.lines.get(first..end).unwrap_or(&[]).iter().filter_map(|&at| {
                let row = unmatched_row(&data, order.first_ns, at)?;
                let is_selected = *selected == Some(at);
                let onclick = {
                    let selected = selected.clone();
                    Callback::from(move |_: MouseEvent| selected.set(if is_selected { None } else { Some(at) }))
                };
                let line = &row.line;
                Some(html! {
                    <div key={format!("{}-{}", at.0, at.1)} role="listitem" class={classes!("log-row", "unmatched-row", is_selected.then_some("selected"))}
                         data-level={line.level.as_str()} aria-selected={is_selected.to_string()} {onclick}>
                        <span class="log-time mono">{ &line.time }</span>
                        { level_badge(line) }
                        <span class="log-service" title={line.service.clone()}>{ &line.service }</span>
                        <span class="log-message" title={line.message.clone()}>{ &line.message }</span>
                        <span class="log-reason" title={row.reason_text()}>{ row.reason_text() }</span>
                    </div>
                })
            });
            html! { <>{ for rows }</> }
        })
    };
    let detail = selected.and_then(|at| {
        let data = props.data.borrow();
        let row = unmatched_row(&data, order.first_ns, at)?;
        let line = &row.line;
        Some(html! {
            <section class="log-detail" aria-label="Log line">
                <div class="log-detail-head">
                    { level_badge(line) }
                    <span class="mono">{ line.time_zoned() }</span>
                    if !line.service.is_empty() { <span class="log-detail-service">{ &line.service }</span> }
                    <span class="log-reason">{ row.reason_text() }</span>
                </div>
                <pre class="log-detail-message">{ &line.message }</pre>
                { fields(line, true) }
                <p class="muted log-source">{ format!("from {}", line.source) }</p>
            </section>
        })
    });
    let keep_in_view = selected.and_then(|at| order.lines.iter().position(|&l| l == at));
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let onkeydown = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_close.emit(());
            }
        })
    };
    html! {
        <div class="dialog-overlay" {onkeydown}>
            <div class="dialog unmatched-dialog" role="dialog" aria-modal="true" aria-labelledby="unmatched-title">
                <div class="dialog-title-row">
                    <h3 id="unmatched-title">{ "Log lines that match no loaded trace" }</h3>
                    <button type="button" class="details-close" aria-label="Close" onclick={close.clone()}>{ "×" }</button>
                </div>
                <p class="dialog-intro">
                    { unmatched_breakdown(&order) }{ ". A line joins its trace when a file with that trace is loaded; lines without a trace id never do." }
                </p>
                <FilterBar filter={(*filter).clone()} on_change={on_filter} by_level={order.by_level.clone()}
                           services={order.services.clone()} shown={order.lines.len()} total={order.total} />
                <div class="log-head unmatched-head" aria-hidden="true">
                    <span>{ format!("time ({})", display_zone_label()) }</span><span>{ "level" }</span><span>{ "service" }</span><span>{ "message" }</span><span>{ "why here" }</span>
                </div>
                <VirtualRows count={order.lines.len()} {render} label="Log lines that match no loaded trace" keep_in_view={keep_in_view} />
                { detail.unwrap_or_default() }
                <div class="dialog-actions">
                    <button type="button" class="btn" onclick={close}>{ "Close" }</button>
                </div>
            </div>
        </div>
    }
}
