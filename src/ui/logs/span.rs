//! The span's log lines in its details (`view::logs::span_logs_matching`: offset from the span's
//! start, level, message, fields collapsed), a text search within them, the links of the user's
//! templates for the span, and a way to the trace's Logs tab.

use super::{fields, level_badge};
use crate::ui::outbound::LinkOuts;
use crate::ui::store::DataHandle;
use strand_view::link_out::LinkContext;
use strand_view::logs::span_logs_matching;
use strand_view::route::Route;
use strand_view::trace_view::Tab;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Lines listed in the details; the Logs tab has the rest.
const SHOWN_LINES: usize = 200;

#[derive(Properties, PartialEq)]
pub struct SpanLogsProps {
    pub data: DataHandle,
    pub trace_index: usize,
    pub span: u32,
    pub route: Route,
    pub on_navigate: Callback<(Route, bool)>,
}

#[function_component(SpanLogs)]
pub fn span_logs_section(props: &SpanLogsProps) -> Html {
    let search = use_state_eq(String::new);
    let shown = use_memo((props.data.generation, props.trace_index, props.span, (*search).clone()), {
        let data = props.data.clone();
        move |(_, trace_index, span, search)| {
            let data = data.borrow();
            let Some(trace) = data.traces.get(*trace_index) else { return (Vec::new(), 0, None, 0) };
            let lines = span_logs_matching(&data.strings, trace, *span, search);
            // The span's own count, whatever the search.
            let at_span =
                if search.is_empty() { lines.len() } else { trace.logs.iter().filter(|l| l.span == *span).count() };
            (lines, at_span, LinkContext::of_span(&data.strings, trace, *span), trace.logs.len())
        }
    });
    let (lines, at_span, context, trace_lines) = &*shown;
    let on_search = {
        let search = search.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                search.set(input.value());
            }
        })
    };
    let to_tab = {
        let route = Route { tab: Tab::Logs, ..props.route.clone() };
        let on_navigate = props.on_navigate.clone();
        Callback::from(move |_: MouseEvent| on_navigate.emit((route.clone(), true)))
    };
    html! {
        <section class="details-section details-logs">
            <h4>{ "Logs" }<span class="details-count">{ *at_span }</span></h4>
            if *at_span > 0 {
                <input type="search" class="span-log-search" placeholder="Search the span's log lines"
                       aria-label="Search the span's log lines" value={(*search).clone()} oninput={on_search} />
            }
            if *at_span == 0 {
                <p class="details-empty">{ "No log lines at this span." }</p>
            } else if lines.is_empty() {
                <p class="details-empty">{ "No line of this span contains the text." }</p>
            } else {
                <ol class="span-log-lines">
                    { for lines.iter().take(SHOWN_LINES).map(|line| html! {
                        <li class="span-log-line" data-level={line.level.as_str()}>
                            <div class="span-log-head">
                                <span class="log-offset mono" title={line.time_zoned()}>{ &line.offset }</span>
                                { level_badge(line) }
                                <span class="log-message">{ &line.message }</span>
                            </div>
                            { fields(line, false) }
                        </li>
                    }) }
                </ol>
                if lines.len() > SHOWN_LINES {
                    <p class="muted">{ format!("… and {} more in the Logs tab.", lines.len() - SHOWN_LINES) }</p>
                }
            }
            if *trace_lines > 0 {
                <p class="details-logs-tab">
                    <button type="button" class="btn link-btn" onclick={to_tab}>
                        { format!("All {} of the trace in the Logs tab", strand_model::format::counted(*trace_lines as u64, "log line")) }
                    </button>
                </p>
            }
            if let Some(context) = context {
                <LinkOuts context={context.clone()} of="span" />
            }
        </section>
    }
}
