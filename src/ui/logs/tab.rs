//! The Logs tab: every log line of the trace in time order, filtered by level (and above),
//! service and text, with the counts per level; only the rows in view are in the page. A row's
//! span button opens that span in the waterfall (the route's `span=`); clicking a row shows the
//! whole line below the list, with the links of the user's templates.

use super::{fields, level_badge, FilterBar, VirtualRows};
use crate::ui::outbound::LinkOuts;
use crate::ui::store::DataHandle;
use strand_view::link_out::LinkContext;
use strand_view::logs::{log_order, log_row, LogFilter, LogRow};
use strand_view::route::Route;
use strand_view::trace_view::Tab;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LogsTabProps {
    pub data: DataHandle,
    pub trace_index: usize,
    pub route: Route,
    pub on_navigate: Callback<(Route, bool)>,
}

#[function_component(LogsTab)]
pub fn logs_tab(props: &LogsTabProps) -> Html {
    let filter = use_state_eq(LogFilter::default);
    let selected = use_state_eq(|| None::<u32>);
    let order = use_memo((props.data.generation, props.trace_index, (*filter).clone()), {
        let data = props.data.clone();
        move |(_, index, filter)| {
            let data = data.borrow();
            data.traces.get(*index).map(|t| log_order(&data.strings, t, filter)).unwrap_or_default()
        }
    });
    let trace_context = use_memo((props.data.generation, props.trace_index), {
        let data = props.data.clone();
        move |&(_, index)| {
            let data = data.borrow();
            data.traces.get(index).map(|t| LinkContext::of_trace(&data.strings, t))
        }
    });
    // Opens a span in the waterfall, where its details show.
    let jump = {
        let route = props.route.clone();
        let on_navigate = props.on_navigate.clone();
        Callback::from(move |span_id: String| {
            on_navigate.emit((Route { span: Some(span_id), tab: Tab::Waterfall, ..route.clone() }, true))
        })
    };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |next: LogFilter| filter.set(next))
    };

    let render = {
        let data = props.data.clone();
        let trace_index = props.trace_index;
        let order = order.clone();
        let selected = selected.clone();
        let jump = jump.clone();
        Callback::from(move |(first, end): (usize, usize)| {
            let data = data.borrow();
            let Some(trace) = data.traces.get(trace_index) else { return html! {} };
            let rows = order.lines.get(first..end).unwrap_or(&[]).iter().filter_map(|&i| {
                let row = log_row(&data.strings, trace, i)?;
                let span_id = row.line.span.and_then(|s| trace.span(s)).map(|s| s.span_id.display(&data.strings));
                Some(render_row(&row, span_id, *selected == Some(i), &selected, &jump))
            });
            html! { <>{ for rows }</> }
        })
    };
    let detail = selected.and_then(|i| {
        let data = props.data.borrow();
        let trace = data.traces.get(props.trace_index)?;
        let row = log_row(&data.strings, trace, i)?;
        let span_id = row.line.span.and_then(|s| trace.span(s)).map(|s| s.span_id.display(&data.strings));
        let context = match row.line.span {
            Some(s) => LinkContext::of_span(&data.strings, trace, s),
            None => Some(LinkContext::of_trace(&data.strings, trace)),
        };
        Some(line_detail(&row, span_id, context, &jump))
    });
    let keep_in_view = selected.and_then(|i| order.lines.iter().position(|&l| l == i));

    if order.total == 0 {
        return html! {
            <div class="logs-tab">
                <p class="logs-empty">
                    { "No log lines in this trace. Drop log files with its trace id on the page — OTLP logs, ECS (Elasticsearch), JSON lines (Fluentd, Fluent Bit) or a Loki answer — before or after the trace; each line joins its span." }
                </p>
                if let Some(context) = trace_context.as_ref() {
                    <LinkOuts context={context.clone()} of="trace" />
                }
            </div>
        };
    }
    html! {
        <div class="logs-tab">
            <FilterBar filter={(*filter).clone()} on_change={on_filter} by_level={order.by_level.clone()}
                       services={order.services.clone()} shown={order.lines.len()} total={order.total} />
            if let Some(context) = trace_context.as_ref() {
                <LinkOuts context={context.clone()} of="trace" />
            }
            <div class="log-head" aria-hidden="true">
                <span>{ "offset" }</span><span>{ "level" }</span><span>{ "service" }</span><span>{ "message" }</span><span>{ "span" }</span>
            </div>
            <VirtualRows count={order.lines.len()} {render} label="Log lines of the trace" keep_in_view={keep_in_view} />
            if order.lines.is_empty() {
                <p class="muted logs-none">{ "No line passes the filter." }</p>
            }
            { detail.unwrap_or_default() }
        </div>
    }
}

fn render_row(
    row: &LogRow,
    span_id: Option<String>,
    selected: bool,
    select: &UseStateHandle<Option<u32>>,
    jump: &Callback<String>,
) -> Html {
    let line = &row.line;
    let index = line.index;
    let onclick = {
        let select = select.clone();
        Callback::from(move |_: MouseEvent| select.set(if selected { None } else { Some(index) }))
    };
    let span = match (span_id, &row.span_label) {
        (Some(id), Some(label)) => {
            let jump = jump.clone();
            let onclick = Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                jump.emit(id.clone());
            });
            html! {
                <button type="button" class="btn link-btn log-span" title={format!("Open {label} in the waterfall")} {onclick}>
                    { label }
                </button>
            }
        }
        _ => html! { <span class="log-span muted">{ "(no span)" }</span> },
    };
    html! {
        <div key={index} role="listitem" class={classes!("log-row", selected.then_some("selected"))}
             data-level={line.level.as_str()} aria-selected={selected.to_string()} {onclick}>
            <span class="log-offset mono" title={line.time_zoned()}>{ &line.offset }</span>
            { level_badge(line) }
            <span class="log-service" title={line.service.clone()}>{ &line.service }</span>
            <span class="log-message" title={line.message.clone()}>{ &line.message }</span>
            { span }
        </div>
    }
}

/// The selected line in full.
pub(super) fn line_detail(
    row: &LogRow,
    span_id: Option<String>,
    context: Option<LinkContext>,
    jump: &Callback<String>,
) -> Html {
    let line = &row.line;
    let span = match (span_id, &row.span_label) {
        (Some(id), Some(label)) => {
            let jump = jump.clone();
            let onclick = Callback::from(move |_: MouseEvent| jump.emit(id.clone()));
            html! { <button type="button" class="btn link-btn" {onclick}>{ format!("{label} ›") }</button> }
        }
        _ => match &line.span_id {
            Some(id) => html! { <span class="muted">{ format!("span {id} is not in the trace") }</span> },
            None => html! { <span class="muted">{ "no span id" }</span> },
        },
    };
    html! {
        <section class="log-detail" aria-label="Log line">
            <div class="log-detail-head">
                { level_badge(line) }
                <span class="mono">{ line.time_zoned() }</span>
                <span class="muted">{ format!("({} into the trace)", line.offset) }</span>
                if !line.service.is_empty() { <span class="log-detail-service">{ &line.service }</span> }
                { span }
            </div>
            <pre class="log-detail-message">{ &line.message }</pre>
            { fields(line, true) }
            <p class="muted log-source">{ format!("from {}", line.source) }</p>
            if let Some(context) = context {
                <LinkOuts context={context} of={if line.span.is_some() { "span" } else { "trace" }} />
            }
        </section>
    }
}
