//! Below the trace list's scatter plot, once a rectangle is brushed over it: how many traces it
//! holds, "what is different about their spans?" (the outliers panel scoped to those traces) and
//! "compare with the other traces" (the compare page's time-window split over the brushed start
//! times).

use super::outliers::OutliersPanel;
use super::store::DataHandle;
use strand_view::compare::window_route;
use strand_view::outliers::SpanSelector;
use strand_view::route::Route;
use strand_view::scatter::ScatterBrush;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ListBrushProps {
    pub data: DataHandle,
    pub brush: ScatterBrush,
    pub on_clear: Callback<()>,
    pub route: Route,
    pub on_navigate: Callback<(Route, bool)>,
}

#[function_component(ListBrush)]
pub fn list_brush(props: &ListBrushProps) -> Html {
    let open = use_state(|| true);
    let b = &props.brush;
    let scope = SpanSelector::Traces {
        start_from_ns: b.start_from_ns,
        start_to_ns: b.start_to_ns,
        min_duration_ns: b.min_duration_ns,
        max_duration_ns: b.max_duration_ns,
    };
    let compare = {
        let on_navigate = props.on_navigate.clone();
        let next = window_route(&props.route, None, Some((b.start_from_ns, b.start_to_ns)));
        Callback::from(move |_: MouseEvent| on_navigate.emit((next.clone(), true)))
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let clear = {
        let on_clear = props.on_clear.clone();
        Callback::from(move |_: MouseEvent| on_clear.emit(()))
    };
    let count = b.traces.len();
    html! {
        <section class="list-brush" aria-label="Brushed traces">
            <div class="list-brush-head">
                <span class="list-brush-label">{ format!("Brushed: {}", b.label()) }</span>
                <button class="btn small" onclick={toggle} aria-expanded={open.to_string()}>
                    { if *open { "Hide what is different" } else { "What is different about their spans?" } }
                </button>
                <button class="btn small compare-brushed" onclick={compare}
                        title="Compare the traces that start in the brushed time range (B) with all the others (A)">
                    { "Compare with the other traces" }
                </button>
                <button class="btn small" onclick={clear}>{ "Clear selection" }</button>
            </div>
            if *open {
                <OutliersPanel data={props.data.clone()} scope={Some(scope)}
                               scope_label={format!("the {count} brushed trace{}", if count == 1 { "" } else { "s" })}
                               offer_brush={false} brush={None::<SpanSelector>} offer_all={true} default_threshold={String::new()} />
            }
        </section>
    }
}
