//! Where traces come from besides dropped files: "Open URL…" (also `?url=` on page load) and
//! "Connect…" to a collector (Jaeger, Zipkin, Tempo; kept in local storage, kind and base URL in
//! the address as `source=`/`base=`), with service and operation pickers, a search form, open by
//! trace id and dependency links. This component holds only what is typed; every request, its
//! fallbacks and what its answer means are the app core's (`strand_app::collect`, `plan`).

use super::fetch;
use super::store::Store;
use strand_app::collect::{Collector, CollectorCommand, Status};
use strand_app::Action;
use strand_sources::query::{SearchForm, DEFAULT_LIMIT, DEFAULT_LOOKBACK};
use strand_sources::{tempo, CollectorKind};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

const LOOKBACKS: [(&str, &str); 7] = [
    ("15m", "last 15 minutes"),
    ("1h", "last hour"),
    ("6h", "last 6 hours"),
    ("24h", "last 24 hours"),
    ("2d", "last 2 days"),
    ("7d", "last 7 days"),
    ("custom", "from … to …"),
];

#[derive(Properties, PartialEq)]
pub struct SourcesProps {
    pub store: Store,
    /// The core's collector state (a snapshot: the panel renders again when it changes).
    pub collector: Collector,
    /// The file URL of the address, to fill the Open URL field.
    pub url: Option<String>,
}

/// What is typed in the panel, and which parts are open.
#[derive(Clone, PartialEq)]
struct Panel {
    show_url: bool,
    url_text: String,
    show_collector: bool,
    /// Whether the connection form is open while connected (it is always open when not).
    edit_connection: bool,
    kind: CollectorKind,
    base_text: String,
    auth_text: String,
    service: String,
    operation: String,
    tags: String,
    traceql: String,
    traceql_edited: bool,
    lookback: String,
    from_text: String,
    to_text: String,
    min_duration: String,
    max_duration: String,
    limit: String,
    trace_id: String,
}

impl Panel {
    fn new(route_url: Option<String>, connection: Option<&strand_sources::Connection>) -> Panel {
        Panel {
            show_url: false,
            url_text: route_url.unwrap_or_default(),
            show_collector: connection.is_some(),
            edit_connection: false,
            kind: connection.map_or(CollectorKind::Jaeger, |c| c.kind),
            base_text: connection.map(|c| c.base_url.clone()).unwrap_or_default(),
            auth_text: connection
                .and_then(|c| c.auth_header.as_ref().map(|(n, v)| format!("{n}: {v}")))
                .unwrap_or_default(),
            service: String::new(),
            operation: String::new(),
            tags: String::new(),
            traceql: String::new(),
            traceql_edited: false,
            lookback: DEFAULT_LOOKBACK.to_string(),
            from_text: String::new(),
            to_text: String::new(),
            min_duration: String::new(),
            max_duration: String::new(),
            limit: String::new(),
            trace_id: String::new(),
        }
    }

    fn search_form(&self, with_traceql: bool) -> SearchForm {
        let custom = self.lookback == "custom";
        SearchForm {
            service: self.service.clone(),
            operation: self.operation.clone(),
            tags: self.tags.clone(),
            traceql: if with_traceql && self.traceql_edited { self.traceql.clone() } else { String::new() },
            lookback: if custom { String::new() } else { self.lookback.clone() },
            from_ms: if custom { fetch::local_datetime_ms(&self.from_text) } else { None },
            to_ms: if custom { fetch::local_datetime_ms(&self.to_text) } else { None },
            min_duration: self.min_duration.clone(),
            max_duration: self.max_duration.clone(),
            limit: self.limit.clone(),
        }
    }
}

fn input_value(e: &InputEvent) -> String {
    e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).map(|i| i.value()).unwrap_or_default()
}

fn select_value(e: &Event) -> String {
    e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()).map(|s| s.value()).unwrap_or_default()
}

/// A callback that stores an input's text with `set`.
fn on_text(panel: &UseStateHandle<Panel>, set: fn(&mut Panel, String)) -> Callback<InputEvent> {
    let panel = panel.clone();
    Callback::from(move |e: InputEvent| {
        let mut next = (*panel).clone();
        set(&mut next, input_value(&e));
        panel.set(next);
    })
}

/// A callback that changes the panel with `change`.
fn on_panel<E: 'static>(panel: &UseStateHandle<Panel>, change: impl Fn(&mut Panel, E) + 'static) -> Callback<E> {
    let panel = panel.clone();
    Callback::from(move |e: E| {
        let mut next = (*panel).clone();
        change(&mut next, e);
        panel.set(next);
    })
}

#[function_component(SourcesPanel)]
pub fn sources_panel(props: &SourcesProps) -> Html {
    let store = props.store.clone();
    let (collector, route_url) = (props.collector.clone(), props.url.clone());
    let panel = {
        let connection = collector.connection.clone();
        use_state(move || Panel::new(route_url, connection.as_ref()))
    };
    let p = (*panel).clone();
    let command = |make: fn(&Panel) -> Option<CollectorCommand>| {
        let (store, panel) = (store.clone(), panel.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(command) = make(&panel) {
                store.dispatch(Action::Collector(command));
            }
        })
    };

    let toggle_url = on_panel(&panel, |p, _: MouseEvent| p.show_url = !p.show_url);
    let toggle_collector = on_panel(&panel, |p, _: MouseEvent| p.show_collector = !p.show_collector);
    let submit_url = command(|p| Some(CollectorCommand::OpenUrl { url: p.url_text.clone() }));
    let submit_connect = {
        let (store, panel) = (store.clone(), panel.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let command = CollectorCommand::Connect {
                kind: panel.kind,
                base: panel.base_text.clone(),
                auth: panel.auth_text.clone(),
            };
            store.dispatch(Action::Collector(command));
            let mut next = (*panel).clone();
            next.edit_connection = false;
            next.service.clear();
            next.operation.clear();
            panel.set(next);
        })
    };
    let disconnect = {
        let (store, panel) = (store.clone(), panel.clone());
        Callback::from(move |_: MouseEvent| {
            store.dispatch(Action::Collector(CollectorCommand::Disconnect));
            let mut next = (*panel).clone();
            next.auth_text.clear();
            panel.set(next);
        })
    };
    let on_kind = on_panel(&panel, |p, e: Event| {
        if let Some(kind) = CollectorKind::parse(&select_value(&e)) {
            p.kind = kind;
        }
    });
    let on_service = {
        let (store, panel) = (store.clone(), panel.clone());
        Callback::from(move |e: Event| {
            let service = select_value(&e);
            let mut next = (*panel).clone();
            next.service = service.clone();
            next.operation.clear();
            panel.set(next);
            store.dispatch(Action::Collector(CollectorCommand::ListOperations { service }));
        })
    };
    let on_operation = on_panel(&panel, |p, e: Event| p.operation = select_value(&e));
    let on_lookback = on_panel(&panel, |p, e: Event| p.lookback = select_value(&e));
    let on_traceql = on_panel(&panel, |p, e: InputEvent| {
        p.traceql =
            e.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()).map(|t| t.value()).unwrap_or_default();
        p.traceql_edited = true;
    });
    let toggle_connection_form = on_panel(&panel, |p, _: MouseEvent| p.edit_connection = !p.edit_connection);
    let rebuild_traceql = on_panel(&panel, |p, _: MouseEvent| p.traceql_edited = false);
    let submit_search =
        command(|p| Some(CollectorCommand::Search { form: p.search_form(true), now_ms: fetch::now_ms() }));
    let open_trace = command(|p| Some(CollectorCommand::OpenTrace { id: p.trace_id.clone() }));
    let load_dependencies = {
        let (store, panel) = (store.clone(), panel.clone());
        Callback::from(move |_: MouseEvent| {
            let command =
                CollectorCommand::LoadDependencies { form: panel.search_form(false), now_ms: fetch::now_ms() };
            store.dispatch(Action::Collector(command));
        })
    };

    // Connected only once the collector answered; a failed connection keeps the form open.
    let connected = collector.connection.clone().filter(|_| collector.status == Status::Connected);
    let collector_label = match (&collector.connection, collector.status) {
        (Some(c), Status::Connected) => format!("{} {}", c.kind.label(), c.host()),
        (Some(c), Status::Connecting) => format!("{} {}…", c.kind.label(), c.host()),
        (Some(c), Status::Failed) => format!("{} {} (not reachable)", c.kind.label(), c.host()),
        _ => "Connect…".to_string(),
    };
    let status_class = match collector.status {
        Status::Connected => "connected",
        Status::Connecting => "connecting",
        Status::Failed => "failed",
        Status::Disconnected => "disconnected",
    };
    let busy = collector.busy();
    let auto_traceql = p.search_form(false).to_query(0).map(|q| tempo::build_traceql(&q)).unwrap_or_default();

    let progress = (!busy.is_empty()).then(|| {
        let text = busy.join(" · ");
        html! { <span class="sources-progress" role="status" aria-live="polite"><span class="spinner" aria-hidden="true"></span>{ text }</span> }
    });

    html! {
        <section class="sources" aria-label="Sources">
            <div class="sources-bar">
                <button type="button" class={classes!("btn", "sources-open-url", p.show_url.then_some("active"))}
                        aria-expanded={p.show_url.to_string()} onclick={toggle_url}>{ "Open URL…" }</button>
                <button type="button" class={classes!("btn", "sources-open-collector", p.show_collector.then_some("active"), status_class)}
                        aria-expanded={p.show_collector.to_string()} onclick={toggle_collector}>{ collector_label }</button>
                { for progress }
            </div>
            if p.show_url {
                <form class="sources-form sources-url" onsubmit={submit_url} aria-label="Open a URL">
                    <label class="field wide">
                        <span>{ "JSON file URL" }</span>
                        <input type="text" name="url" value={p.url_text.clone()} placeholder="https://example.com/trace.json"
                               spellcheck="false" oninput={on_text(&panel, |p, v| p.url_text = v)} />
                    </label>
                    <button type="submit" class="btn primary">{ "Load" }</button>
                    <p class="sources-hint">{ "The server must allow this page to read the file (CORS). The address also works as ?url= on Strand's own link." }</p>
                </form>
            }
            if p.show_collector {
                <div class="sources-collector">
                    if connected.is_none() || p.edit_connection {
                    <form class="sources-form sources-connect" onsubmit={submit_connect} aria-label="Collector connection">
                        <label class="field">
                            <span>{ "Collector" }</span>
                            <select name="kind" onchange={on_kind}>
                                { for CollectorKind::ALL.iter().map(|k| html! {
                                    <option value={k.name()} selected={*k == p.kind}>{ k.label() }</option>
                                }) }
                            </select>
                        </label>
                        <label class="field wide">
                            <span>{ "Base URL" }</span>
                            <input type="text" name="base" value={p.base_text.clone()} placeholder={p.kind.example_base()}
                                   spellcheck="false" oninput={on_text(&panel, |p, v| p.base_text = v)} />
                        </label>
                        <label class="field">
                            <span>{ "Auth header (optional)" }</span>
                            <input type="password" name="auth" value={p.auth_text.clone()} placeholder="Bearer … or X-Scope-OrgID: team"
                                   autocomplete="off" oninput={on_text(&panel, |p, v| p.auth_text = v)} />
                        </label>
                        <button type="submit" class="btn primary">{ if connected.is_some() { "Reconnect" } else { "Connect" } }</button>
                        if connected.is_some() {
                            <button type="button" class="btn" onclick={disconnect}>{ "Disconnect" }</button>
                        }
                        <p class="sources-hint">{ "Kind and base URL go into the address so a link reconnects; the auth header stays in this browser's local storage and is never put in the address." }</p>
                    </form>
                    }
                    if let Some(conn) = connected.clone() {
                        <form class="sources-form sources-search" onsubmit={submit_search} aria-label="Search the collector">
                            <label class="field">
                                <span>{ "Service" }</span>
                                <select name="service" onchange={on_service}>
                                    <option value="" selected={p.service.is_empty()}>{ if conn.kind == CollectorKind::Jaeger { "choose…" } else { "all services" } }</option>
                                    { for collector.services.iter().map(|s| html! { <option value={s.clone()} selected={*s == p.service}>{ s }</option> }) }
                                </select>
                            </label>
                            <label class="field">
                                <span>{ if conn.kind == CollectorKind::Zipkin { "Span name" } else { "Operation" } }</span>
                                <select name="operation" onchange={on_operation}>
                                    <option value="" selected={p.operation.is_empty()}>{ "all" }</option>
                                    { for collector.operations.1.iter().map(|s| html! { <option value={s.clone()} selected={*s == p.operation}>{ s }</option> }) }
                                </select>
                            </label>
                            <label class="field wide">
                                <span>{ "Tags" }</span>
                                <input type="text" name="tags" value={p.tags.clone()} placeholder={conn.kind.tags_hint()}
                                       spellcheck="false" oninput={on_text(&panel, |p, v| p.tags = v)} />
                            </label>
                            <label class="field">
                                <span>{ "Time" }</span>
                                <select name="lookback" onchange={on_lookback}>
                                    { for LOOKBACKS.iter().map(|(value, label)| html! {
                                        <option value={*value} selected={p.lookback == *value}>{ *label }</option>
                                    }) }
                                </select>
                            </label>
                            if p.lookback == "custom" {
                                <label class="field">
                                    <span>{ "From" }</span>
                                    <input type="datetime-local" name="from" value={p.from_text.clone()} oninput={on_text(&panel, |p, v| p.from_text = v)} />
                                </label>
                                <label class="field">
                                    <span>{ "To" }</span>
                                    <input type="datetime-local" name="to" value={p.to_text.clone()} oninput={on_text(&panel, |p, v| p.to_text = v)} />
                                </label>
                            }
                            <label class="field narrow">
                                <span>{ "Min duration" }</span>
                                <input type="text" name="min" value={p.min_duration.clone()} placeholder="e.g. 10ms" oninput={on_text(&panel, |p, v| p.min_duration = v)} />
                            </label>
                            <label class="field narrow">
                                <span>{ "Max duration" }</span>
                                <input type="text" name="max" value={p.max_duration.clone()} placeholder="e.g. 2s" oninput={on_text(&panel, |p, v| p.max_duration = v)} />
                            </label>
                            <label class="field narrow">
                                <span>{ "Limit" }</span>
                                <input type="text" name="limit" inputmode="numeric" value={p.limit.clone()} placeholder={DEFAULT_LIMIT.to_string()} oninput={on_text(&panel, |p, v| p.limit = v)} />
                            </label>
                            if conn.kind == CollectorKind::Tempo {
                                <label class="field traceql">
                                    <span>{ "TraceQL" }{ if p.traceql_edited { " (edited)" } else { " (from the form)" } }</span>
                                    <textarea name="traceql" rows="2" spellcheck="false" oninput={on_traceql}
                                              value={if p.traceql_edited { p.traceql.clone() } else { auto_traceql.clone() }} />
                                </label>
                                if p.traceql_edited {
                                    <button type="button" class="btn" onclick={rebuild_traceql}>{ "Rebuild from form" }</button>
                                }
                            }
                            <button type="submit" class="btn primary sources-search-button">{ "Search" }</button>
                            if conn.kind != CollectorKind::Tempo {
                                <button type="button" class="btn sources-dependencies" onclick={load_dependencies}>{ "Load dependencies" }</button>
                            }
                            <button type="button" class={classes!("btn", "sources-edit-connection", p.edit_connection.then_some("active"))}
                                    aria-expanded={p.edit_connection.to_string()} onclick={toggle_connection_form}>{ "Connection…" }</button>
                        </form>
                        <form class="sources-form sources-trace" onsubmit={open_trace} aria-label="Open a trace by id">
                            <label class="field trace-id">
                                <span>{ "Trace id" }</span>
                                <input type="text" name="trace-id" value={p.trace_id.clone()} placeholder="4bf92f3577b34da6a3ce929d0e0e4736"
                                       spellcheck="false" oninput={on_text(&panel, |p, v| p.trace_id = v)} />
                            </label>
                            <button type="submit" class="btn">{ "Open trace" }</button>
                        </form>
                    }
                </div>
            }
            if let Some(message) = &collector.form_error {
                if p.show_collector || p.show_url {
                    <p class="sources-error" role="alert">{ message }</p>
                }
            }
        </section>
    }
}
