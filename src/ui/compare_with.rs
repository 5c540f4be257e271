//! "Compare with…" on a trace page: a small popover to pick the trace this one is compared with
//! (traces with the same root operation first, fastest first: `view::compare::compare_with_choices`).
//! The picked trace is A, the baseline, and this trace B, so "slower" reads "slower here".

use super::store::DataHandle;
use strand_view::compare::{compare_with_choices, traces_route};
use strand_view::route::Route;
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CompareWithProps {
    pub data: DataHandle,
    pub trace_index: usize,
    pub route: Route,
    pub on_navigate: Callback<(Route, bool)>,
}

#[function_component(CompareWith)]
pub fn compare_with(props: &CompareWithProps) -> Html {
    let open = use_state(|| false);
    let picked = use_state(|| None::<String>);
    let choices = use_memo((props.data.generation, props.trace_index), {
        let data = props.data.clone();
        move |&(_, index)| compare_with_choices(&data.borrow(), index)
    });
    let this_id = {
        let data = props.data.borrow();
        data.traces.get(props.trace_index).map(|t| t.trace_id.display(&data.strings))
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let disabled = choices.is_empty();
    let chosen = (*picked).clone().or_else(|| choices.first().map(|c| c.trace_id.clone()));
    let on_change = {
        let picked = picked.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()) {
                picked.set(Some(select.value()));
            }
        })
    };
    let compare = {
        let on_navigate = props.on_navigate.clone();
        let route = props.route.clone();
        let chosen = chosen.clone();
        let open = open.clone();
        Callback::from(move |_: MouseEvent| {
            if let (Some(a), Some(b)) = (chosen.clone(), this_id.clone()) {
                open.set(false);
                on_navigate.emit((traces_route(&route, Some(a), Some(b)), true));
            }
        })
    };
    let on_key = {
        let open = open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                open.set(false);
            }
        })
    };
    let same: Vec<_> = choices.iter().filter(|c| c.same_root).collect();
    let other: Vec<_> = choices.iter().filter(|c| !c.same_root).collect();
    let option = |c: &&strand_view::compare::TraceChoice| {
        html! { <option value={c.trace_id.clone()} selected={chosen.as_deref() == Some(c.trace_id.as_str())}>{ &c.label }</option> }
    };
    html! {
        <div class="compare-with" onkeydown={on_key}>
            <button class="btn small compare-with-open" onclick={toggle} {disabled} aria-expanded={open.to_string()}
                    title={if disabled { "Load another trace to compare with" } else { "Compare this trace with another one, path by path" }}>
                { "Compare with…" }
            </button>
            if *open && !disabled {
                <div class="compare-with-pop" role="dialog" aria-label="Compare with another trace">
                    <label>
                        <span class="side-tag side-a">{ "A" }</span>
                        <select aria-label="Trace to compare with" onchange={on_change}>
                            if !same.is_empty() {
                                <optgroup label="Same root operation (fastest first)">{ for same.iter().map(option) }</optgroup>
                            }
                            if !other.is_empty() {
                                <optgroup label="Other traces">{ for other.iter().map(option) }</optgroup>
                            }
                        </select>
                    </label>
                    <p class="muted">{ "against this trace (B)" }</p>
                    <div class="compare-with-actions">
                        <button class="btn primary small compare-with-go" onclick={compare}>{ "Compare" }</button>
                        <button class="btn small" onclick={let open = open.clone(); Callback::from(move |_: MouseEvent| open.set(false))}>{ "Cancel" }</button>
                    </div>
                </div>
            }
        </div>
    }
}
