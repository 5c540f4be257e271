//! The compare page (`?page=compare&a=…&b=…`, or `split=` for groups): what is compared (the
//! pickers), both sides with their totals, the legend, and the merged tree of service +
//! operation paths with counts, mean and p90 per side and the difference, coloured only in A,
//! only in B, slower, faster or same. A click on a row lists both sides' spans of that path, each
//! a link to its trace. Everything it shows comes from `strand_view::compare`; the address holds
//! what is compared, so a link reopens the same comparison.

mod node;
mod pickers;
mod tree;

use super::store::DataHandle;
use node::NodeSpans;
use pickers::ComparePickers;
use std::cell::RefCell;
use std::rc::Rc;
use strand_analysis::compare::PathDiff;
use strand_view::compare::{
    compare_for_route, compare_rows, differences_text, initial_collapse, legend, totals_text, CompareCollapse,
    CompareMode, CompareTarget,
};
use strand_view::route::{CompareSplit, Page, Route};
use tree::CompareTree;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    pub data: DataHandle,
    pub route: Route,
    pub on_navigate: Callback<(Route, bool)>,
}

/// What a comparison depends on: the data and the part of the address that says what to compare.
#[derive(Clone, Debug, PartialEq)]
struct CompareKey {
    generation: u64,
    a: Option<String>,
    b: Option<String>,
    split: Option<CompareSplit>,
    service: Option<String>,
    operation: Option<String>,
    window: Option<(i64, i64)>,
}

impl CompareKey {
    fn of(generation: u64, route: &Route) -> CompareKey {
        CompareKey {
            generation,
            a: route.a.clone(),
            b: route.b.clone(),
            split: route.split,
            service: route.service.clone(),
            operation: route.operation.clone(),
            window: route.window,
        }
    }
}

/// A comparison, shared with the child components; equal when it is the same one.
#[derive(Clone)]
pub(super) struct Compared(pub Rc<(CompareTarget, PathDiff)>);

impl PartialEq for Compared {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[function_component(ComparePage)]
pub fn compare_page(props: &CompareProps) -> Html {
    let key = CompareKey::of(props.data.generation, &props.route);
    let result = use_memo(key.clone(), {
        let data = props.data.clone();
        let route = props.route.clone();
        move |_| {
            super::perf::mark("strand:compare:start");
            let result = compare_for_route(&data.borrow(), &route).map(|r| Compared(Rc::new(r)));
            super::perf::measure_since("strand:compare", "strand:compare:start");
            result
        }
    });
    // Which subtrees are collapsed, per comparison; mutated in place, `version` re-renders.
    let collapse = use_memo(key.clone(), {
        let result = result.clone();
        move |_| {
            super::perf::mark("strand:compare:collapse:start");
            let state = result.as_ref().as_ref().ok().map(|c| initial_collapse(&c.0 .1));
            super::perf::measure_since("strand:compare:collapse", "strand:compare:collapse:start");
            RefCell::new(state)
        }
    });
    let version = use_state(|| 0u64);
    let selected = use_state(|| None::<(CompareKey, u32)>);
    let selected_node = selected.as_ref().filter(|(k, _)| *k == key).map(|&(_, node)| node);

    let head = html! {
        <div class="compare-head">
            <h2>{ "Compare" }</h2>
            <ComparePickers data={props.data.clone()} route={props.route.clone()} on_navigate={props.on_navigate.clone()} />
        </div>
    };
    let compared = match result.as_ref() {
        Ok(compared) => compared.clone(),
        Err(message) => {
            return html! {
                <section class="compare-page" aria-label="Compare">
                    { head }
                    <p class="compare-empty" role="status">{ message }</p>
                    <p class="muted compare-hint">{ hint(CompareMode::of(&props.route)) }</p>
                </section>
            };
        }
    };
    let (target, diff) = (&compared.0 .0, &compared.0 .1);
    let rows = {
        super::perf::mark("strand:compare:rows:start");
        let data = props.data.borrow();
        let state = collapse.borrow();
        let fallback = CompareCollapse::expanded(diff);
        let rows = compare_rows(&data, diff, state.as_ref().unwrap_or(&fallback));
        super::perf::measure_since("strand:compare:rows", "strand:compare:rows:start");
        rows
    };
    let change = |apply: fn(&mut CompareCollapse, &PathDiff)| {
        let collapse = collapse.clone();
        let version = version.clone();
        let compared = compared.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(state) = collapse.borrow_mut().as_mut() {
                apply(state, &compared.0 .1);
            }
            version.set(*version + 1);
        })
    };
    let expand_all = change(|c, _| c.expand_all());
    let collapse_unchanged = change(|c, d| c.collapse_unchanged(d));
    let on_toggle = {
        let collapse = collapse.clone();
        let version = version.clone();
        Callback::from(move |node: u32| {
            if let Some(state) = collapse.borrow_mut().as_mut() {
                state.toggle(node);
            }
            version.set(*version + 1);
        })
    };
    let on_pick = {
        let selected = selected.clone();
        let key = key.clone();
        Callback::from(move |node: Option<u32>| selected.set(node.map(|n| (key.clone(), n))))
    };
    let groups = props.route.split.is_some();
    let side = |which: &'static str, label: &str, totals: String, trace: Option<String>| {
        let open = trace.filter(|_| !groups).map(|id| {
            let next = Route { page: Page::Traces, trace: Some(id), ..props.route.session() };
            let on_navigate = props.on_navigate.clone();
            Callback::from(move |_: MouseEvent| on_navigate.emit((next.clone(), true)))
        });
        html! {
            <div class={classes!("compare-side", format!("side-{which}"))} data-side={which}>
                <span class="side-tag">{ which.to_uppercase() }</span>
                <span class="side-label">{ label.trim_start_matches("A: ").trim_start_matches("B: ").to_string() }</span>
                if let Some(onclick) = open {
                    <button class="btn small link-btn compare-open" {onclick} title="Open this trace">{ "Open" }</button>
                }
                if groups {
                    <span class="side-totals muted">{ totals }</span>
                }
            </div>
        }
    };

    html! {
        <section class="compare-page" aria-label="Compare">
            { head }
            <div class="compare-summary">
                { side("a", &target.label_a, totals_text(&diff.totals_a), props.route.a.clone()) }
                { side("b", &target.label_b, totals_text(&diff.totals_b), props.route.b.clone()) }
            </div>
            <div class="compare-toolbar" role="toolbar" aria-label="Compare tree controls">
                <button class="btn small" onclick={expand_all}>{ "Expand all" }</button>
                <button class="btn small" onclick={collapse_unchanged}
                        title="Fold away the subtrees in which every path is the same in A and B">{ "Collapse unchanged" }</button>
                <span class="compare-differences">{ differences_text(diff) }</span>
                <ul class="compare-legend" aria-label="Colours">
                    { for legend().iter().map(|(_, class, label, meaning)| html! {
                        <li class={classes!("legend-item", *class)} title={*meaning}>
                            <span class="legend-swatch"></span>{ *label }
                        </li>
                    }) }
                </ul>
            </div>
            <div class="compare-body">
                <CompareTree rows={Rc::new(rows)} selected={selected_node} {on_toggle} on_pick={on_pick.clone()} />
                if let Some(node) = selected_node {
                    <NodeSpans data={props.data.clone()} compared={compared.clone()} {node} route={props.route.clone()}
                               on_navigate={props.on_navigate.clone()} on_close={on_pick} />
                }
            </div>
        </section>
    }
}

/// What to do when there is nothing to compare yet.
fn hint(mode: CompareMode) -> &'static str {
    match mode {
        CompareMode::Traces => {
            "Choose traces A and B above, tick two traces in the trace list and press Compare, or use \
             \"Compare with…\" on a trace's page."
        }
        CompareMode::Slowest => "Choose a root operation above with at least two traces.",
        CompareMode::Window => {
            "Drag across the trace list's scatter plot (or a rate chart on the Analytics page, then \
             \"Compare with the other traces\" above the list) to choose a time window."
        }
    }
}
