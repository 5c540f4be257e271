//! The root component: header with actions, the drop zone, notices, and the page the route
//! names. It owns the app core (`store`), renders a snapshot of it and dispatches what the user
//! does; nothing is decided here.

use super::analytics::AnalyticsPage;
use super::service_map::ServiceMapView;
use super::sources::SourcesPanel;
use super::store::Store;
use super::traces_view::TracesView;
use strand_app::Action;
use strand_formats::demo::{DEMO_FILE_NAME, DEMO_TRACE_JSON};
use strand_view::route::{Page, Route};
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, Event, HtmlInputElement};
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    let store = (*use_state(|| Store::new(super::url::current_route()))).clone();
    let rerender = use_force_update();
    store.set_rerender(Callback::from(move |()| rerender.force_update()));
    let dragging = use_state(|| false);
    let file_input = use_node_ref();
    let dispatch = store.callback(|action: Action| action);
    // A snapshot of the core for this render.
    let (route, progress, skew_on, selected, collector) = {
        let app = store.read();
        (
            app.route.clone(),
            app.progress().cloned(),
            app.options.adjust_clock_skew,
            app.selected_trace(),
            app.collector.clone(),
        )
    };
    let workspace = super::shell_state::snapshot(&store);
    let data_handle = store.data();

    let load_demo = store.callback(|_: MouseEvent| Action::LoadBytes {
        name: DEMO_FILE_NAME.to_string(),
        bytes: DEMO_TRACE_JSON.to_vec(),
    });
    let open_picker = {
        let file_input = file_input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = file_input.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let on_pick = {
        let store = store.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
            if let Some(files) = input.files() {
                store.load_files(&files);
            }
            input.set_value("");
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            // Only when the pointer leaves the page, not when it moves between children.
            if e.related_target().is_none() {
                dragging.set(false);
            }
        })
    };
    let on_drop = {
        let store = store.clone();
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if let Some(files) = e.data_transfer().and_then(|dt| dt.files()) {
                store.load_files(&files);
            }
        })
    };
    let clear_all = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::ClearAll))
    };
    let toggle_skew = {
        let dispatch = dispatch.clone();
        let on = skew_on;
        Callback::from(move |_: Event| dispatch.emit(Action::SetClockSkew(!on)))
    };
    let on_navigate = {
        let dispatch = dispatch.clone();
        Callback::from(move |(route, push)| dispatch.emit(Action::Navigate { route: Box::new(route), push }))
    };
    let on_select_trace = {
        let dispatch = dispatch.clone();
        let data = data_handle.clone();
        let route = route.clone();
        Callback::from(move |index: usize| {
            let data = data.borrow();
            let Some(trace) = data.traces.get(index) else { return };
            // Keep the list's filter and sort; open the trace on its waterfall.
            let next = Route {
                trace: Some(trace.trace_id.display(&data.strings)),
                span: None,
                tab: Default::default(),
                search: String::new(),
                ..route.clone()
            };
            dispatch.emit(Action::Navigate { route: Box::new(next), push: true });
        })
    };
    super::url::use_url_sync(&route, store.read().push_history, dispatch.clone());
    // Services get their colour slots in name order whenever the data changes.
    {
        let data = data_handle.clone();
        use_memo(data_handle.generation, move |_| {
            let data = data.borrow();
            let mut names: Vec<&str> =
                data.traces.iter().flat_map(|t| t.resources.iter().map(|r| data.strings.get(r.service))).collect();
            strand_model::order::sort(&mut names);
            names.dedup();
            strand_view::colors::assign_services(names);
        });
    }

    let data = data_handle.borrow();
    let has_traces = !data.traces.is_empty() || !data.dependencies.is_empty() || !data.unmatched_logs.is_empty();
    let span_total = data.span_count();
    let trace_total = data.traces.len();
    drop(data);

    // Switching page keeps the selected trace so that coming back shows it again.
    let page_links = Page::ALL.iter().map(|&page| {
        let active = route.page == page;
        let onclick = {
            let dispatch = dispatch.clone();
            let route = route.clone();
            Callback::from(move |_: MouseEvent| {
                dispatch.emit(Action::Navigate { route: Box::new(Route { page, ..route.clone() }), push: true })
            })
        };
        html! {
            <button class={classes!("page-link", active.then_some("active"))} data-page={page.name()}
                    aria-current={if active { "page" } else { "false" }} {onclick}>{ page.label() }</button>
        }
    });

    super::settings::use_system_theme(workspace.settings.theme);

    html! {
        <super::outbound::OutboundProvider store={store.clone()}>
        <div class={classes!("shell", (*dragging).then_some("dragging"))}
             ondragover={on_drag_over} ondragleave={on_drag_leave} ondrop={on_drop}>
            <header class="topbar">
                <h1 class="brand">{ "Strand" }</h1>
                <span class="tagline">{ "trace viewer" }</span>
                if has_traces {
                    <nav class="pages" aria-label="Pages">{ for page_links }</nav>
                }
                <div class="actions">
                    <button class="btn primary" onclick={open_picker.clone()}>{ "Open files…" }</button>
                    // On the welcome page its twin is in the drop zone.
                    if has_traces {
                        <button class="btn demo-button" onclick={load_demo.clone()}>{ "Open the demo trace" }</button>
                    }
                    <super::load_ui::PasteJson store={store.clone()} />
                    <label class="toggle" title="Shift spans on other hosts that lie outside their caller, as Jaeger and Zipkin do">
                        <input type="checkbox" checked={skew_on} onchange={toggle_skew} />
                        { " " }<span class="toggle-long">{ "adjust " }</span>{ "clock skew" }
                    </label>
                    if has_traces {
                        <button class="btn" onclick={clear_all}>{ "Clear all" }</button>
                    }
                    <super::settings::SettingsButton store={store.clone()} settings={workspace.settings.clone()}
                                                     kept={workspace.kept.clone()} keep_error={workspace.keep_error.clone()} />
                    <super::outbound::LinkSettingsButton />
                    <super::help::KeyboardHelp />
                    <input ref={file_input.clone()} type="file" multiple=true class="hidden-input" onchange={on_pick}
                           accept=".json,.jsonl,.ndjson,.log,.txt,application/json" aria-label="Trace files" />
                </div>
                if has_traces {
                    <span class="totals">{ format!(
                        "{} · {}",
                        strand_model::format::counted(trace_total as u64, "trace"),
                        strand_model::format::counted(span_total as u64, "span")
                    ) }</span>
                }
            </header>
            <SourcesPanel store={store.clone()} collector={collector} url={route.url.clone()} />
            <super::load_ui::LoadProgressBar progress={progress.clone()} store={store.clone()} />
            // Here rather than in the bar: the bar's own render lagged one App render behind
            // (Yew did not re-render it for the render that merged the preview).
            if let Some(text) = progress.as_ref().and_then(|p| p.preview_text()) {
                <p class="load-preview" role="status">{ text }</p>
            }
            <super::notices::NoticeArea store={store.clone()} groups={workspace.notices.clone()} />
            if has_traces {
                { match route.page {
                    Page::Traces => html! {
                        <TracesView store={store.clone()} data={data_handle.clone()} selected={selected} route={route.clone()}
                                    first_look={progress.as_ref().and_then(|p| p.preview_short())}
                                    settings={workspace.settings.clone()} missing={workspace.missing.clone()}
                                    on_select={on_select_trace} on_navigate={on_navigate.clone()}
                                    on_open_files={open_picker.clone()} />
                    },
                    Page::Map => html! {
                        <main class="workspace page-map">
                            <ServiceMapView data={data_handle.clone()} trace_index={None::<usize>} route={route.clone()}
                                            on_navigate={on_navigate.clone()} />
                        </main>
                    },
                    Page::Compare => html! {
                        <main class="workspace page-compare">
                            <super::compare::ComparePage data={data_handle.clone()} route={route.clone()} on_navigate={on_navigate.clone()} />
                        </main>
                    },
                    Page::Analytics => html! {
                        <main class="workspace page-analytics">
                            <AnalyticsPage data={data_handle.clone()} route={route.clone()} on_navigate={on_navigate.clone()} />
                        </main>
                    },
                } }
            } else {
                <main class="welcome">
                    if workspace.restoring {
                        <p class="restoring" role="status">{ "Restoring your last session…" }</p>
                    } else if let Some(missing) = workspace.missing.clone() {
                        <super::traces_view::MissingTrace trace={missing} loaded={0} on_open_files={open_picker.clone()}
                                                          store={store.clone()} route={route.clone()} />
                    }
                    <div class="dropzone" aria-label="Drop trace files here">
                        <p class="drop-title">{ "Drop trace files here" }</p>
                        <p>{ "Jaeger JSON, Zipkin v2 JSON, OTLP JSON and OTLP JSON lines — several at once. Nothing leaves your browser." }</p>
                        <div class="welcome-actions">
                            <button class="btn primary" onclick={open_picker_again(&file_input)}>{ "Choose files…" }</button>
                            <button class="btn" onclick={load_demo}>{ "Open the demo trace" }</button>
                        </div>
                    </div>
                </main>
            }
            <div class="drop-overlay" aria-hidden="true">{ "Drop to load" }</div>
        </div>
        </super::outbound::OutboundProvider>
    }
}

fn open_picker_again(file_input: &NodeRef) -> Callback<MouseEvent> {
    let file_input = file_input.clone();
    Callback::from(move |_: MouseEvent| {
        if let Some(input) = file_input.cast::<HtmlInputElement>() {
            input.click();
        }
    })
}
