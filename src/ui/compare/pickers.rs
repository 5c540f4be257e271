//! What the compare page compares, chosen in place: two traces (A and B, with a swap), the
//! slowest share of a root operation against the rest, or the traces of a time window against
//! the others. Every choice is a new address (`view::compare::{traces_route, slowest_route,
//! window_route, mode_route}`), so back and links work.

use crate::ui::hooks::use_draft;
use crate::ui::store::DataHandle;
use strand_view::compare::{
    mode_route, root_operations, slowest_route, trace_choices, traces_route, window_label, window_route, CompareMode,
    DEFAULT_SLOWEST_PERCENT,
};
use strand_view::route::{CompareSplit, Page, Route};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(super) struct PickerProps {
    pub data: DataHandle,
    pub route: Route,
    pub on_navigate: Callback<(Route, bool)>,
}

/// The value of the `<select>` an event came from.
fn select_value(e: &Event) -> Option<String> {
    e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()).map(|s| s.value())
}

#[function_component(ComparePickers)]
pub(super) fn compare_pickers(props: &PickerProps) -> Html {
    let choices = use_memo(props.data.generation, {
        let data = props.data.clone();
        move |_| trace_choices(&data.borrow())
    });
    let roots = use_memo(props.data.generation, {
        let data = props.data.clone();
        move |_| root_operations(&data.borrow())
    });
    let route = &props.route;
    let mode = CompareMode::of(route);
    let percent = match route.split {
        Some(CompareSplit::Slowest { percent }) => percent,
        _ => DEFAULT_SLOWEST_PERCENT,
    };
    // The percent field keeps what is typed until it is applied (`use_draft`).
    let (percent_text, on_percent_typed) = use_draft(&percent.to_string());

    let modes = CompareMode::ALL.iter().map(|&m| {
        let onclick = {
            let on_navigate = props.on_navigate.clone();
            let next = mode_route(route, m);
            Callback::from(move |_: MouseEvent| on_navigate.emit((next.clone(), true)))
        };
        let active = m == mode;
        html! {
            <button class={classes!("btn", "small", active.then_some("active"))} data-mode={m.name()}
                    aria-pressed={active.to_string()} {onclick}>{ m.label() }</button>
        }
    });

    let body = match mode {
        CompareMode::Traces => {
            let pick = |which: &'static str| {
                let current = if which == "a" { route.a.clone() } else { route.b.clone() };
                let onchange = {
                    let on_navigate = props.on_navigate.clone();
                    let route = route.clone();
                    Callback::from(move |e: Event| {
                        let value = select_value(&e).filter(|v| !v.is_empty());
                        let (a, b) = if which == "a" { (value, route.b.clone()) } else { (route.a.clone(), value) };
                        on_navigate.emit((traces_route(&route, a, b), true));
                    })
                };
                let known = current.as_ref().is_some_and(|id| choices.iter().any(|c| &c.trace_id == id));
                html! {
                    <label class={classes!("compare-pick", format!("side-{which}"))}>
                        <span class="side-tag">{ which.to_uppercase() }</span>
                        <select aria-label={format!("Trace {}", which.to_uppercase())} {onchange} data-pick={which}>
                            <option value="" selected={!known}>{ "Choose a trace…" }</option>
                            { for choices.iter().map(|c| html! {
                                <option value={c.trace_id.clone()} selected={current.as_deref() == Some(c.trace_id.as_str())}>
                                    { &c.label }
                                </option>
                            }) }
                        </select>
                    </label>
                }
            };
            let swap = {
                let on_navigate = props.on_navigate.clone();
                let next = traces_route(route, route.b.clone(), route.a.clone());
                Callback::from(move |_: MouseEvent| on_navigate.emit((next.clone(), true)))
            };
            html! {
                <>
                    { pick("a") }
                    <button class="btn small compare-swap" onclick={swap} title="Swap A and B" aria-label="Swap A and B">{ "⇄" }</button>
                    { pick("b") }
                </>
            }
        }
        CompareMode::Slowest | CompareMode::Window => {
            let root = route.service.clone().zip(route.operation.clone());
            let root_known =
                root.as_ref().is_some_and(|(s, o)| roots.iter().any(|r| &r.service == s && &r.operation == o));
            let on_root = {
                let on_navigate = props.on_navigate.clone();
                let route = route.clone();
                let roots = roots.clone();
                Callback::from(move |e: Event| {
                    let root = select_value(&e)
                        .and_then(|v| v.parse::<usize>().ok())
                        .and_then(|i| roots.get(i))
                        .map(|r| (r.service.clone(), r.operation.clone()));
                    let next = match route.split {
                        Some(CompareSplit::Slowest { percent }) => slowest_route(&route, root, percent),
                        _ => window_route(&route, root, route.window),
                    };
                    on_navigate.emit((next, true));
                })
            };
            let root_select = html! {
                <label class="compare-pick">
                    { "Root operation " }
                    <select aria-label="Root operation" onchange={on_root} data-pick="root">
                        <option value="" selected={!root_known}>{ format!("All traces ({})", choices.len()) }</option>
                        { for roots.iter().enumerate().map(|(i, r)| html! {
                            <option value={i.to_string()}
                                    selected={root.as_ref().is_some_and(|(s, o)| &r.service == s && &r.operation == o)}>
                                { &r.label }
                            </option>
                        }) }
                    </select>
                </label>
            };
            if mode == CompareMode::Slowest {
                let on_percent = {
                    let on_navigate = props.on_navigate.clone();
                    let route = route.clone();
                    let root = root.clone();
                    Callback::from(move |e: Event| {
                        let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else {
                            return;
                        };
                        if let Ok(p) = input.value().trim().parse::<f64>() {
                            let p = p.round().clamp(1.0, 100.0) as u32;
                            on_navigate.emit((slowest_route(&route, root.clone(), p), true));
                        }
                    })
                };
                html! {
                    <>
                        <label class="compare-pick">
                            <span class="side-tag side-b">{ "B" }</span>
                            { "the slowest " }
                            <input type="number" class="compare-percent" min="1" max="100" step="1" value={percent_text}
                                   aria-label="Slowest share in percent" oninput={on_percent_typed} onchange={on_percent} />
                            { "%" }
                        </label>
                        <span class="compare-pick"><span class="side-tag side-a">{ "A" }</span>{ "the rest" }</span>
                        { root_select }
                    </>
                }
            } else {
                let window = match route.window {
                    Some(w) => {
                        html! { <span class="compare-window" data-window="set">{ format!("B: traces starting {}", window_label(w)) }</span> }
                    }
                    None => html! { <span class="compare-window muted">{ "No time window chosen yet." }</span> },
                };
                let jump = |page: Page| {
                    let on_navigate = props.on_navigate.clone();
                    let next = Route { page, ..route.session() };
                    Callback::from(move |_: MouseEvent| on_navigate.emit((next.clone(), true)))
                };
                html! {
                    <>
                        { root_select }
                        { window }
                        <span class="compare-window-help muted">
                            { "Choose one by dragging across the " }
                            <button class="btn link-btn" onclick={jump(Page::Traces)}>{ "trace list's scatter plot" }</button>
                            { " or an " }
                            <button class="btn link-btn" onclick={jump(Page::Analytics)}>{ "Analytics rate chart" }</button>
                            { "." }
                        </span>
                    </>
                }
            }
        }
    };

    html! {
        <div class="compare-pickers">
            <div class="level-toggle compare-modes" role="group" aria-label="What to compare">{ for modes }</div>
            <div class="compare-choice">{ body }</div>
        </div>
    }
}
