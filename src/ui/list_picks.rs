//! Above the trace list: the traces ticked for comparison (A is the first ticked, B the second)
//! with a Compare button, and, when the list shows a time window (from an analytics chart or the
//! address), "compare these traces with the others". Both open the compare page
//! (`view::compare::{traces_route, window_route}`).

use super::store::DataHandle;
use strand_view::compare::{trace_choice, traces_route, window_label, window_route};
use strand_view::route::Route;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ListPicksProps {
    pub data: DataHandle,
    /// Ticked traces (positions in `Dataset::traces`), in the order they were ticked.
    pub picked: Vec<usize>,
    pub on_clear: Callback<()>,
    pub route: Route,
    pub on_navigate: Callback<(Route, bool)>,
}

#[function_component(ListPicks)]
pub fn list_picks(props: &ListPicksProps) -> Html {
    let window = props.route.window;
    if props.picked.is_empty() && window.is_none() {
        return html! {};
    }
    let (labels, ids): (Vec<String>, Vec<String>) = {
        let data = props.data.borrow();
        props.picked.iter().filter_map(|&i| trace_choice(&data, i)).map(|c| (c.label, c.trace_id)).unzip()
    };
    let compare = {
        let on_navigate = props.on_navigate.clone();
        let next = traces_route(&props.route, ids.first().cloned(), ids.get(1).cloned());
        Callback::from(move |_: MouseEvent| on_navigate.emit((next.clone(), true)))
    };
    let clear = {
        let on_clear = props.on_clear.clone();
        Callback::from(move |_: MouseEvent| on_clear.emit(()))
    };
    let compare_window = window.map(|w| {
        let on_navigate = props.on_navigate.clone();
        let next = window_route(&props.route, None, Some(w));
        let onclick = Callback::from(move |_: MouseEvent| on_navigate.emit((next.clone(), true)));
        html! {
            <button class="btn small compare-window-go" {onclick} title={format!("B: the traces starting {}; A: all the others", window_label(w))}>
                { "Compare this time window with the other traces" }
            </button>
        }
    });
    html! {
        <div class="list-picks" role="group" aria-label="Compare traces">
            if !labels.is_empty() {
                { for labels.iter().zip(["a", "b"]).map(|(label, which)| html! {
                    <span class={classes!("list-pick", format!("side-{which}"))}>
                        <span class="side-tag">{ which.to_uppercase() }</span>{ label }
                    </span>
                }) }
                if labels.len() < 2 {
                    <span class="muted">{ "Tick a second trace to compare with." }</span>
                }
                <button class="btn small primary compare-picked" onclick={compare} disabled={labels.len() < 2}>{ "Compare" }</button>
                <button class="btn small" onclick={clear}>{ "Clear" }</button>
            }
            { for compare_window }
        </div>
    }
}
