//! The Traces page: a bar that folds the trace list (and its scatter plot) away and steps to the
//! previous or next trace, the list when it is open, and the selected trace below it — or, when
//! the address names a trace that is not loaded, a panel that says so and offers to open its
//! file. `L` (outside text fields) folds and unfolds the list; the choice is a setting, kept.
//! A page opened on a link to a trace scrolls that trace into view once.

use super::store::{DataHandle, Store};
use super::trace_page::TracePage;
use super::trace_table::TraceTable;
use strand_app::{Action, Settings};
use strand_view::route::Route;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TracesViewProps {
    pub store: Store,
    pub data: DataHandle,
    pub selected: Option<usize>,
    pub route: Route,
    pub settings: Settings,
    /// The trace the address names when it is not loaded.
    pub missing: Option<String>,
    pub on_select: Callback<usize>,
    pub on_navigate: Callback<(Route, bool)>,
    pub on_open_files: Callback<MouseEvent>,
    /// While a large file's first look is shown: what it is (`Progress::preview_short`).
    #[prop_or_default]
    pub first_look: Option<String>,
}

#[function_component(TracesView)]
pub fn traces_view(props: &TracesViewProps) -> Html {
    let collapsed = props.settings.list_collapsed;
    let toggle = {
        let store = props.store.clone();
        let settings = props.settings.clone();
        Callback::from(move |()| {
            store.dispatch(Action::SetSettings(Settings {
                list_collapsed: !settings.list_collapsed,
                ..settings.clone()
            }))
        })
    };
    // "L" outside text fields folds or unfolds the list.
    {
        let toggle = toggle.clone();
        use_effect_with(collapsed, move |_| {
            let listener = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
                let plain = !(e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented());
                if plain && (e.key() == "l" || e.key() == "L") && !typing(&e) {
                    e.prevent_default();
                    toggle.emit(());
                }
            });
            let document = web_sys::window().and_then(|w| w.document());
            if let Some(d) = &document {
                let _ = d.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(d) = document {
                    let _ = d.remove_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
                }
                drop(listener);
            }
        });
    }
    // The trace takes the screen: opening one (a link, a load, a row, a dot, Previous/Next) or
    // folding the list scrolls it up under the list bar; the list is one scroll or key away.
    let trace_ref = use_node_ref();
    {
        let trace_ref = trace_ref.clone();
        use_effect_with((props.selected, collapsed), move |&(selected, _)| {
            if selected.is_some() {
                if let Some(el) = trace_ref.cast::<web_sys::Element>() {
                    el.scroll_into_view();
                }
            }
        });
    }

    let (total, position) = {
        let data = props.data.borrow();
        (data.traces.len(), props.selected.map(|i| i + 1))
    };
    let step = |delta: isize| {
        let on_select = props.on_select.clone();
        let target = props.selected.and_then(|i| i.checked_add_signed(delta)).filter(|&i| i < total);
        (
            target,
            Callback::from(move |_: MouseEvent| {
                if let Some(i) = target {
                    on_select.emit(i);
                }
            }),
        )
    };
    let (prev_target, prev) = step(-1);
    let (next_target, next) = step(1);
    let on_toggle = {
        let toggle = toggle.clone();
        Callback::from(move |_: MouseEvent| toggle.emit(()))
    };
    let where_text = match position {
        Some(p) => format!("trace {p} of {total} (by start time)"),
        None => strand_model::format::counted(total as u64, "trace"),
    };

    html! {
        <main class={classes!("workspace", "traces-view", collapsed.then_some("list-collapsed"))}>
            if let Some(missing) = props.missing.as_ref() {
                <MissingTrace trace={missing.clone()} loaded={total} on_open_files={props.on_open_files.clone()}
                              store={props.store.clone()} route={props.route.clone()} />
            }
            <div class="list-bar" role="group" aria-label="Trace list">
                <button class="btn small list-toggle" aria-expanded={(!collapsed).to_string()} aria-controls="trace-list-panel"
                        title="Show or hide the trace list (L)" onclick={on_toggle}>
                    { if collapsed { "Show trace list" } else { "Hide trace list" } }
                </button>
                <span class="list-where">{ where_text }</span>
                <button class="btn small" onclick={prev} disabled={prev_target.is_none()} title="The trace that starts before this one">{ "◂ Previous" }</button>
                <button class="btn small" onclick={next} disabled={next_target.is_none()} title="The trace that starts after this one">{ "Next ▸" }</button>
                if let Some(note) = props.first_look.as_ref() {
                    // In the bar that stays in view while the trace takes the screen.
                    <span class="list-first-look" role="status"
                          title="The traces of the file's first part, shown while the rest loads; they may still gain spans">
                        { note }
                    </span>
                }
                <span class="list-hint"><kbd>{ "L" }</kbd>{ " shows or hides the list" }</span>
            </div>
            if !collapsed {
                <div class="list-panel" id="trace-list-panel">
                    <super::logs::UnmatchedLogs data={props.data.clone()} />
                    <TraceTable data={props.data.clone()} selected={props.selected} on_select={props.on_select.clone()}
                                route={props.route.clone()} on_navigate={props.on_navigate.clone()} />
                </div>
            }
            <div class="trace-anchor" ref={trace_ref}>
                if let Some(index) = props.selected {
                    <TracePage data={props.data.clone()} trace_index={index} route={props.route.clone()}
                               on_navigate={props.on_navigate.clone()} />
                }
            </div>
        </main>
    }
}

fn typing(e: &KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|el| el.is_content_editable() || matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

#[derive(Properties, PartialEq)]
pub struct MissingTraceProps {
    pub trace: String,
    /// How many traces are loaded.
    pub loaded: usize,
    pub on_open_files: Callback<MouseEvent>,
    pub store: Store,
    pub route: Route,
}

/// A link names a trace that is not loaded here: say so, say why that happens, offer the file.
#[function_component(MissingTrace)]
pub fn missing_trace(props: &MissingTraceProps) -> Html {
    let show_loaded = {
        let route = Route { trace: None, span: None, ..props.route.clone() };
        props.store.callback(move |_: MouseEvent| Action::Navigate { route: Box::new(route.clone()), push: true })
    };
    html! {
        <section class="missing-trace" role="alert" aria-labelledby="missing-trace-title">
            <h2 id="missing-trace-title">{ "This link's trace is not loaded" }</h2>
            <p>
                { "The address names trace " }<code class="mono">{ &props.trace }</code>
                { ", but it is not among the traces loaded in this tab. Traces from files live only in the browser that opened them (and in its kept workspace), so a link shared from another browser, or made before Clear all, cannot bring them back by itself." }
            </p>
            <p>{ "Open the file that contains it — the link then shows the trace and span it names." }</p>
            <div class="missing-actions">
                <button class="btn primary" onclick={props.on_open_files.clone()}>{ "Open its file…" }</button>
                <super::load_ui::PasteJson store={props.store.clone()} />
                if props.loaded > 0 {
                    <button class="btn" onclick={show_loaded}>{ format!("Show the {} loaded", strand_model::format::counted(props.loaded as u64, "trace")) }</button>
                }
            </div>
        </section>
    }
}
