//! "What is different about these spans?": the outliers panel. It picks spans within the page's
//! scope (a brushed chart range, every span, the errors, those slower than a threshold, a search
//! query), narrows them by the pairs clicked so far, and ranks every attribute value by how much
//! more often it occurs there than in the baseline (by default the other spans of the same
//! operations), with both shares as a pair of bars and both sides' span counts. Clicking a pair
//! adds its search term. The selectors and the ranking are `view::outliers`; the analytics page
//! and the trace list mount it.

mod pairs;

use super::hooks::use_draft;
use super::store::DataHandle;
use pairs::PairList;
use std::rc::Rc;
use strand_view::outliers::{
    add_term, outliers, outliers_view, panel_selector, PanelBaseline, PanelPick, SpanSelector,
};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Pairs shown at first, and after "Show more".
const FIRST_PAIRS: usize = 12;
const MORE_PAIRS: usize = 60;

#[derive(Properties, PartialEq)]
pub struct OutliersProps {
    pub data: DataHandle,
    /// The spans the page is about (an analytics row, the brushed traces); everything when `None`.
    pub scope: Option<SpanSelector>,
    /// The scope in words, after "within": `cart: GET /cart [server]`, `the 12 brushed traces`.
    pub scope_label: String,
    /// Whether the page has a chart to brush, and the brushed range if there is one.
    pub offer_brush: bool,
    pub brush: Option<SpanSelector>,
    /// Offer "all spans of the scope" (useful when the scope is not the baseline's operations).
    pub offer_all: bool,
    /// The threshold "Slower than" starts with (`12.0ms`).
    pub default_threshold: String,
}

/// The value of the `<input>` an event came from.
fn input_value(e: &Event) -> Option<String> {
    e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).map(|i| i.value())
}

#[function_component(OutliersPanel)]
pub fn outliers_panel(props: &OutliersProps) -> Html {
    let pick = use_state(|| {
        if props.brush.is_some() {
            PanelPick::Brush
        } else if props.offer_all {
            PanelPick::All
        } else {
            PanelPick::Errors
        }
    });
    let refine = use_state(String::new);
    let baseline = use_state(|| PanelBaseline::SameOperations);
    let limit = use_state(|| FIRST_PAIRS);
    // The text fields keep what is typed until it is applied (`use_draft`).
    let (slower_text, on_slower_typed) = use_draft(match &*pick {
        PanelPick::SlowerThan(t) => t,
        _ => &props.default_threshold,
    });
    let (query_text, on_query_typed) = use_draft(match &*pick {
        PanelPick::Query(q) => q,
        _ => "",
    });
    let (refine_text, on_refine_typed) = use_draft(&refine);
    let (baseline_text, on_baseline_typed) = use_draft(match &*baseline {
        PanelBaseline::Query(q) => q,
        PanelBaseline::SameOperations => "",
    });
    // A new brush is what the user wants to look into.
    {
        let pick = pick.clone();
        use_effect_with(props.brush.clone(), move |brush| {
            if brush.is_some() {
                pick.set(PanelPick::Brush);
            }
        });
    }
    let selector = panel_selector(props.scope.as_ref(), &pick, props.brush.as_ref(), &refine);
    let baseline_selector = baseline.selector();
    let result = use_memo((props.data.generation, selector.clone(), baseline_selector, *limit), {
        let data = props.data.clone();
        move |(_, selector, baseline, limit)| {
            let selector = selector.as_ref()?;
            super::perf::mark("strand:outliers:start");
            let result = outliers(&data.borrow(), selector, baseline.as_ref(), Some(*limit));
            super::perf::measure_since("strand:outliers", "strand:outliers:start");
            Some((outliers_view(&result), result.errors))
        }
    });

    let set_pick = |next: PanelPick| {
        let pick = pick.clone();
        let limit = limit.clone();
        Callback::from(move |_: MouseEvent| {
            pick.set(next.clone());
            limit.set(FIRST_PAIRS);
        })
    };
    let mut choices: Vec<PanelPick> = Vec::new();
    if props.offer_brush {
        choices.push(PanelPick::Brush);
    }
    if props.offer_all {
        choices.push(PanelPick::All);
    }
    choices.push(PanelPick::Errors);
    choices.push(PanelPick::SlowerThan(match &*pick {
        PanelPick::SlowerThan(t) => t.clone(),
        _ => props.default_threshold.clone(),
    }));
    choices.push(PanelPick::Query(match &*pick {
        PanelPick::Query(q) => q.clone(),
        _ => String::new(),
    }));
    let pick_buttons = choices.iter().map(|c| {
        let active = c.name() == pick.name();
        html! {
            <button class={classes!("btn", "small", active.then_some("active"))} data-pick={c.name()}
                    aria-pressed={active.to_string()} onclick={set_pick(c.clone())}>{ c.label() }</button>
        }
    });
    let on_text = {
        let pick = pick.clone();
        Callback::from(move |e: Event| {
            let Some(text) = input_value(&e) else { return };
            match &*pick {
                PanelPick::SlowerThan(_) => pick.set(PanelPick::SlowerThan(text)),
                PanelPick::Query(_) => pick.set(PanelPick::Query(text)),
                _ => {}
            }
        })
    };
    let pick_input = match &*pick {
        PanelPick::SlowerThan(_) => html! {
            <input class="outliers-text" type="text" value={slower_text} oninput={on_slower_typed} onchange={on_text} aria-label="Slower than"
                   placeholder="250ms" title="A duration (ns, µs, ms, s, m); >=, < and <= work too" size="10" />
        },
        PanelPick::Query(_) => html! {
            <input class="outliers-text wide" type="search" value={query_text} oninput={on_query_typed} onchange={on_text} aria-label="Spans matching"
                   placeholder="service:inventory >20ms, error, http.route=/cart" title="The trace search language; Enter applies it" />
        },
        PanelPick::Brush if props.brush.is_none() => html! {
            <span class="muted">{ "Drag across the histogram above to choose a range of durations." }</span>
        },
        _ => html! {},
    };
    let on_pair = {
        let refine = refine.clone();
        Callback::from(move |term: String| refine.set(add_term(&refine, &term)))
    };
    let on_refine = {
        let refine = refine.clone();
        Callback::from(move |e: Event| refine.set(input_value(&e).unwrap_or_default()))
    };
    let clear_refine = {
        let refine = refine.clone();
        Callback::from(move |_: MouseEvent| refine.set(String::new()))
    };
    let set_baseline = |next: PanelBaseline| {
        let baseline = baseline.clone();
        Callback::from(move |_: Event| baseline.set(next.clone()))
    };
    let on_baseline_query = {
        let baseline = baseline.clone();
        Callback::from(move |e: Event| baseline.set(PanelBaseline::Query(input_value(&e).unwrap_or_default())))
    };
    let baseline_query = match &*baseline {
        PanelBaseline::Query(q) => Some(q.clone()),
        PanelBaseline::SameOperations => None,
    };
    let show_more = {
        let limit = limit.clone();
        Callback::from(move |_: MouseEvent| limit.set(MORE_PAIRS))
    };

    let body = match result.as_ref() {
        None => html! { <p class="muted outliers-note">{ "Choose the spans to look into above." }</p> },
        Some((view, errors)) => html! {
            <>
                <div class="outliers-sides">
                    <span class="side-selection" data-side="selection"><span class="outliers-key selection"></span>{ &view.selection }</span>
                    <span class="side-baseline" data-side="baseline"><span class="outliers-key baseline"></span>{ &view.baseline }</span>
                </div>
                { for errors.iter().map(|e| html! { <p class="filter-problems" role="alert">{ e }</p> }) }
                if let Some(note) = &view.note {
                    <p class="muted outliers-note" role="status">{ note }</p>
                }
                if view.rows.is_empty() && view.note.is_none() {
                    <p class="muted outliers-note">{ "Nothing sets these spans apart: every attribute value is as common in the baseline." }</p>
                }
                <PairList rows={Rc::new(view.rows.clone())} on_pick={on_pair} />
                if view.more && *limit < MORE_PAIRS {
                    <button class="btn small outliers-more" onclick={show_more}>{ "Show more" }</button>
                }
            </>
        },
    };

    html! {
        <section class="outliers-panel" aria-label="What is different about these spans">
            <div class="outliers-head">
                <h3>{ "What is different about these spans?" }</h3>
                <span class="muted">{ format!("within {}", props.scope_label) }</span>
            </div>
            <div class="outliers-controls">
                <span class="outliers-label">{ "Spans" }</span>
                <div class="level-toggle outliers-picks" role="group" aria-label="Which spans">{ for pick_buttons }</div>
                { pick_input }
            </div>
            <div class="outliers-controls">
                <label class="outliers-label" for="outliers-refine">{ "and" }</label>
                <input id="outliers-refine" class="outliers-text wide outliers-refine" type="search" value={refine_text}
                       oninput={on_refine_typed} onchange={on_refine} aria-label="And matching" placeholder="click a pair below to add it here" />
                if !refine.is_empty() {
                    <button class="btn small" onclick={clear_refine}>{ "Clear" }</button>
                }
            </div>
            <div class="outliers-controls">
                <span class="outliers-label">{ "against" }</span>
                <label class="wf-check">
                    <input type="radio" name="outliers-baseline" checked={baseline_query.is_none()}
                           onchange={set_baseline(PanelBaseline::SameOperations)} />
                    { " the other spans of the same operations" }
                </label>
                <label class="wf-check">
                    <input type="radio" name="outliers-baseline" checked={baseline_query.is_some()}
                           onchange={set_baseline(PanelBaseline::Query(baseline_query.clone().unwrap_or_default()))} />
                    { " spans matching " }
                </label>
                <input class="outliers-text" type="search" value={baseline_text}
                       oninput={on_baseline_typed} onchange={on_baseline_query} aria-label="Baseline query" placeholder="a search query"
                       disabled={baseline_query.is_none()} />
            </div>
            { body }
        </section>
    }
}
