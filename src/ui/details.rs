//! The span details panel beside the waterfall: what `view::details` says about the selected
//! span, laid out: header, timing facts, ids with copy buttons, attribute tables, events, links
//! (loaded ones navigate) and warnings. Text only: values become links solely when they are
//! http(s) URLs, and nothing from a trace is inserted as HTML. Props are fixed by `trace_page.rs`.

use super::store::DataHandle;
use std::rc::Rc;
use strand_model::StatusCode;
use strand_view::colors::service_color;
use strand_view::details::{self, AttrRow, LinkRow, LinkTarget};
use strand_view::route::{AttrMatch, Route};
use strand_view::trace_view::TraceAnalysis;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// How long a Copy button says "Copied".
const COPIED_MS: i32 = 1500;

#[derive(Properties, PartialEq)]
pub struct SpanDetailsProps {
    pub data: DataHandle,
    pub trace_index: usize,
    pub analysis: Rc<TraceAnalysis>,
    /// The span shown (index into the trace's spans).
    pub span: u32,
    /// Select another span of this trace, or `None` to close the details.
    pub on_select: Callback<Option<u32>>,
    /// Go elsewhere (a linked span in another loaded trace).
    pub on_navigate: Callback<(Route, bool)>,
    pub route: Route,
}

/// Which Copy button last succeeded: (span, which id, a number telling successive copies apart).
type Copied = Option<(u32, &'static str, u64)>;

#[function_component(SpanDetails)]
pub fn span_details(props: &SpanDetailsProps) -> Html {
    let view = use_memo((props.data.generation, props.trace_index, props.span), {
        let data = props.data.clone();
        let analysis = props.analysis.clone();
        move |&(_, trace_index, span)| details::span_details(&data.borrow(), trace_index, &analysis, span)
    });
    let copied = use_state(|| None as Copied);
    let copy_count = use_mut_ref(|| 0u64);
    let close = {
        let on_select = props.on_select.clone();
        Callback::from(move |_: MouseEvent| on_select.emit(None))
    };
    let Some(d) = view.as_ref() else {
        return html! {
            <aside class="span-details" aria-label="Span details">
                <div class="details-header">
                    <p class="details-empty">{ "This span is not loaded any more." }</p>
                    <button type="button" class="details-close" aria-label="Close details" onclick={close}>{ "×" }</button>
                </div>
            </aside>
        };
    };

    let copy_button = |which: &'static str, text: &str| {
        let shown = matches!(*copied, Some((span, w, _)) if span == d.index && w == which);
        let onclick = {
            let text = text.to_string();
            let copied = copied.clone();
            let copy_count = copy_count.clone();
            let span = d.index;
            Callback::from(move |_: MouseEvent| {
                let Some(window) = web_sys::window() else { return };
                let promise = window.navigator().clipboard().write_text(&text);
                let copied = copied.clone();
                let copy_count = copy_count.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    // A refused clipboard (no permission, insecure page) is not worth a message.
                    if JsFuture::from(promise).await.is_err() {
                        return;
                    }
                    let nonce = {
                        let mut n = copy_count.borrow_mut();
                        *n += 1;
                        *n
                    };
                    copied.set(Some((span, which, nonce)));
                    sleep_ms(COPIED_MS).await;
                    if *copy_count.borrow() == nonce {
                        copied.set(None);
                    }
                });
            })
        };
        html! {
            <button type="button" class="btn copy-btn" aria-label={format!("Copy {which}")} {onclick}>
                { if shown { "Copied" } else { "Copy" } }
            </button>
        }
    };

    let status_class = match d.status {
        StatusCode::Error => "status-error",
        StatusCode::Ok => "status-ok",
        StatusCode::Unset => "status-unset",
    };
    let go_to_parent = d.parent.map(|parent| {
        let on_select = props.on_select.clone();
        Callback::from(move |_: MouseEvent| on_select.emit(Some(parent)))
    });
    let share_line = match (&d.share, &d.self_share) {
        (Some(share), Some(self_share)) => format!("{share} of the trace · self {self_share}"),
        _ => "—".to_string(),
    };

    html! {
        <aside class="span-details" aria-label="Span details">
            <header class="details-header">
                <div class="details-title">
                    <h3 class="details-name" title={d.name.clone()}>{ &d.name }</h3>
                    <button type="button" class="details-close" aria-label="Close details" title="Close details" onclick={close}>{ "×" }</button>
                </div>
                <div class="details-tags">
                    <span class="details-service">
                        <span class="swatch" style={format!("background:{}", service_color(&d.service))}></span>
                        { if d.service.is_empty() { "(no service)" } else { d.service.as_str() } }
                    </span>
                    <span class="badge details-kind">{ d.kind.as_str() }</span>
                    <span class={classes!("badge", "details-status", status_class)}>{ d.status.as_str() }</span>
                    <super::copy_link::CopyLink route={props.route.clone()} what="span" />
                </div>
                if !d.status_message.is_empty() {
                    <p class={classes!("details-status-message", status_class)}>{ &d.status_message }</p>
                }
            </header>

            <dl class="details-facts">
                <div><dt>{ "Start" }</dt><dd title={d.started.clone()}>{ &d.start_offset }</dd></div>
                <div><dt>{ "Duration" }</dt><dd>{ &d.duration }</dd></div>
                <div><dt>{ "Self time" }</dt><dd>{ &d.self_time }</dd></div>
                <div><dt>{ "Critical path" }</dt>
                    <dd>{ &d.critical_time }
                        if let Some(share) = &d.critical_share { <span class="details-muted">{ format!(" ({share})") }</span> }
                    </dd>
                </div>
                <div class="wide"><dt>{ "Share" }</dt><dd>{ share_line }</dd></div>
                <div class="wide"><dt>{ "Started" }</dt><dd class="details-muted">{ &d.started }</dd></div>
            </dl>

            <super::peers::PeerPanel data={props.data.clone()} trace_index={props.trace_index} span={props.span}
                                     route={props.route.clone()} on_navigate={props.on_navigate.clone()} />

            <section class="details-section details-ids">
                <h4>{ "Ids" }</h4>
                <div class="id-row">
                    <span class="id-label">{ "Span" }</span>
                    <code class="mono id-value">{ &d.span_id }</code>
                    { copy_button("span id", &d.span_id) }
                </div>
                if let Some(parent_id) = &d.parent_id {
                    <div class="id-row">
                        <span class="id-label">{ "Parent" }</span>
                        <code class="mono id-value">{ parent_id }</code>
                        { copy_button("parent id", parent_id) }
                        if let Some(onclick) = go_to_parent {
                            <button type="button" class="btn link-btn" {onclick} title="Select the parent span">{ "Go to" }</button>
                        }
                    </div>
                }
                <div class="id-row">
                    <span class="id-label">{ "Trace" }</span>
                    <code class="mono id-value">{ &d.trace_id }</code>
                    { copy_button("trace id", &d.trace_id) }
                </div>
            </section>

            <section class="details-section">
                <h4>{ "Attributes" }<span class="details-count">{ d.attrs.len() }</span></h4>
                { attr_table(&d.attrs, "No attributes.") }
            </section>

            <section class="details-section">
                <h4>{ "Resource" }<span class="details-count">{ d.resource_attrs.len() }</span></h4>
                if d.resource_groups.is_empty() {
                    <p class="details-empty">{ "No resource attributes." }</p>
                }
                { for d.resource_groups.iter().map(|g| html! {
                    <div class="details-group" data-group={g.label}>
                        <h5>{ g.label }<span class="details-count">{ g.rows.len() }</span></h5>
                        { attr_table(&g.rows, "") }
                        { resource_filters(&g.rows, props) }
                    </div>
                }) }
                if let Some(scope) = &d.scope {
                    <p class="details-scope">
                        <span class="details-muted">{ "Scope " }</span>
                        <span class="mono">{ &scope.name }</span>
                        if !scope.version.is_empty() { <span class="details-muted">{ format!(" {}", scope.version) }</span> }
                    </p>
                }
            </section>

            if !d.events.is_empty() {
                <section class="details-section">
                    <h4>{ "Events" }<span class="details-count">{ d.events.len() }</span></h4>
                    <ol class="details-events">
                        { for d.events.iter().map(|e| html! {
                            <li class="event">
                                <div class="event-head">
                                    <span class="event-offset mono">{ &e.offset }</span>
                                    <span class="event-name">{ &e.name }</span>
                                </div>
                                if !e.attrs.is_empty() { { attr_table(&e.attrs, "") } }
                            </li>
                        }) }
                    </ol>
                </section>
            }

            <super::logs::SpanLogs data={props.data.clone()} trace_index={props.trace_index} span={props.span}
                                   route={props.route.clone()} on_navigate={props.on_navigate.clone()} />

            if !d.links.is_empty() {
                <section class="details-section">
                    <h4>{ "Links" }<span class="details-count">{ d.links.len() }</span></h4>
                    <ul class="details-links">
                        { for d.links.iter().map(|l| link_item(l, props)) }
                    </ul>
                </section>
            }

            if !d.warnings.is_empty() {
                <section class="details-section">
                    <h4>{ "Warnings" }<span class="details-count">{ d.warnings.len() }</span></h4>
                    <ul class="details-warnings">
                        { for d.warnings.iter().map(|w| html! {
                            <li><span class="warning-code mono">{ w.code }</span>{ " " }<span class="warning-detail">{ &w.detail }</span></li>
                        }) }
                    </ul>
                </section>
            }
        </aside>
    }
}

pub(crate) fn attr_table(rows: &[AttrRow], empty: &'static str) -> Html {
    if rows.is_empty() {
        return if empty.is_empty() {
            html! {}
        } else {
            html! { <p class="details-empty">{ empty }</p> }
        };
    }
    html! {
        <table class="details-attrs">
            <tbody>
                { for rows.iter().map(|r| html! {
                    <tr class="attr-row">
                        <th scope="row" class="attr-key">{ breakable(&r.key) }</th>
                        <td class="attr-value">{ attr_value(r) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

/// A dotted key (`deployment.environment.name`) that may wrap after its dots and underscores
/// rather than mid-word.
fn breakable(key: &str) -> Html {
    let parts = key.split_inclusive(['.', '_', '/']).map(|part| html! { <>{ part }<wbr /></> });
    html! { <>{ for parts }</> }
}

/// Buttons that filter the trace list by the span's namespace or deployment (`resource=`).
fn resource_filters(rows: &[AttrRow], props: &SpanDetailsProps) -> Html {
    let buttons: Vec<Html> = rows
        .iter()
        .filter(|r| matches!(r.key.as_str(), "k8s.namespace.name" | "k8s.deployment.name" | "service.namespace"))
        .map(|r| {
            let resource = Some(AttrMatch { key: r.key.clone(), value: r.value.clone() });
            let route = Route { resource, ..props.route.clone() };
            let on_navigate = props.on_navigate.clone();
            let onclick = Callback::from(move |_: MouseEvent| on_navigate.emit((route.clone(), true)));
            html! {
                <button type="button" class="btn small" data-resource-filter={r.key.clone()} {onclick}
                        title="Show only traces with spans from this resource in the trace list">
                    { format!("traces with {} = {}", r.key, r.value) }
                </button>
            }
        })
        .collect();
    if buttons.is_empty() {
        return html! {};
    }
    html! { <p class="details-resource-filters">{ for buttons }</p> }
}

/// The value as text; only an http(s) URL (checked by `view::details::is_web_url`) becomes a link.
fn attr_value(row: &AttrRow) -> Html {
    if row.is_url && details::is_web_url(&row.value) {
        html! { <a href={row.value.clone()} target="_blank" rel="noopener noreferrer">{ &row.value }</a> }
    } else {
        html! { { &row.value } }
    }
}

fn link_item(link: &LinkRow, props: &SpanDetailsProps) -> Html {
    let target = match link.target {
        LinkTarget::SameTrace(span) => {
            let on_select = props.on_select.clone();
            let onclick = Callback::from(move |_: MouseEvent| on_select.emit(Some(span)));
            let label = link.target_label.clone().unwrap_or_else(|| link.span_id.clone());
            html! { <button type="button" class="btn link-btn" {onclick} title="Select the linked span">{ label }</button> }
        }
        LinkTarget::OtherTrace { .. } => {
            let route = Route {
                trace: Some(link.trace_id.clone()),
                span: Some(link.span_id.clone()),
                tab: props.route.tab,
                search: String::new(),
                ..props.route.clone()
            };
            let on_navigate = props.on_navigate.clone();
            let onclick = Callback::from(move |_: MouseEvent| on_navigate.emit((route.clone(), true)));
            let label = link.target_label.clone().unwrap_or_else(|| link.span_id.clone());
            html! {
                <button type="button" class="btn link-btn" {onclick} title="Open the linked span in its trace">
                    { format!("{label} (other trace)") }
                </button>
            }
        }
        LinkTarget::NotLoaded => html! { <span class="details-muted link-missing">{ "not loaded" }</span> },
    };
    html! {
        <li class="link">
            <div class="link-head">
                <span class="badge">{ link.kind }</span>
                { target }
            </div>
            <div class="link-ids mono">
                <span title="Trace id">{ &link.trace_id }</span>{ " / " }<span title="Span id">{ &link.span_id }</span>
            </div>
            if !link.attrs.is_empty() { { attr_table(&link.attrs, "") } }
        </li>
    }
}

/// A promise that resolves after `ms` milliseconds (no timer crate in the dependencies).
async fn sleep_ms(ms: i32) {
    let Some(window) = web_sys::window() else { return };
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(resolve.unchecked_ref(), ms);
    });
    let _ = JsFuture::from(promise).await;
}
