//! The page of one trace: its header (root, start, duration, services, depth, spans, errors,
//! warnings), the view tabs, and the selected view. The waterfall view has the search bar and the
//! span details beside it. Derived data comes from `view` functions through `use_memo`.

use super::details::SpanDetails;
use super::flame::FlameGraph;
use super::hooks::{defers, use_deferred_memo};
use super::json_tab::JsonTab;
use super::search_bar::SearchBar;
use super::service_map::ServiceMapView;
use super::spans_tab::SpansTab;
use super::stats_tab::StatsTab;
use super::store::DataHandle;
use super::waterfall::Waterfall;
use std::rc::Rc;
use strand_analysis::tree::SpanTree;
use strand_view::route::Route;
use strand_view::search::search;
use strand_view::span_list::warning_lines;
use strand_view::trace_list::summarize;
use strand_view::trace_view::{analyze_with, find_span, Tab};
use yew::prelude::*;

/// At most this many warnings are listed one by one (`strand-cli warnings` lists them all).
const SHOWN_WARNINGS: usize = 500;

#[derive(Properties, PartialEq)]
pub struct TracePageProps {
    pub data: DataHandle,
    pub trace_index: usize,
    pub route: Route,
    /// Navigate to a new route; the flag says whether to add a history entry.
    pub on_navigate: Callback<(Route, bool)>,
}

#[function_component(TracePage)]
pub fn trace_page(props: &TracePageProps) -> Html {
    let key = (props.data.generation, props.trace_index);
    // A large trace's analysis and summary come on tasks of their own (`use_deferred_memo`).
    let defer = defers(&props.data, props.trace_index);
    // Deferred, the tree and the rest of the analysis are two tasks (at 1M spans ~100 and ~50 ms
    // in Chromium, one task of ~150 ms together).
    let tree = use_deferred_memo(key, defer, {
        let data = props.data.clone();
        move |&(_, index)| {
            super::perf::mark("strand:analysis:start");
            data.borrow().traces.get(index).map(|t| Rc::new(SpanTree::build(t)))
        }
    });
    let tree_ready = tree.as_ref().is_some_and(|t| t.is_some());
    let analysis = use_deferred_memo((key, tree_ready), defer, {
        let data = props.data.clone();
        move |&((_, index), _)| {
            let tree = tree.as_deref().and_then(Option::as_ref)?.clone();
            let result = data.borrow().traces.get(index).map(|t| Rc::new(analyze_with(t, tree)));
            super::perf::measure_since("strand:analysis", "strand:analysis:start");
            result
        }
    })
    .and_then(|a| (*a).clone());
    let summary = use_deferred_memo(key, defer, {
        let data = props.data.clone();
        move |&(_, index)| {
            let data = data.borrow();
            data.traces.get(index).map(|t| summarize(&data.strings, index, t))
        }
    });
    let summary = summary.as_deref().and_then(Option::as_ref);
    let search_result = use_memo((key, props.route.search.clone(), analysis.is_some()), {
        let data = props.data.clone();
        let analysis = analysis.clone();
        move |((_, index), query, _)| {
            let data = data.borrow();
            match (data.traces.get(*index), analysis.as_ref()) {
                (Some(trace), Some(a)) => search(&data.strings, trace, &a.tree, query),
                _ => Default::default(),
            }
        }
    });
    // The selected span: the route names it by id; duplicates resolve to the first in tree order.
    let selected = use_memo((key, props.route.span.clone()), {
        let data = props.data.clone();
        move |((_, index), span)| {
            let data = data.borrow();
            let trace = data.traces.get(*index)?;
            find_span(&data.strings, trace, span.as_deref()?)
        }
    });
    // The list of each warning is built (and put in the page) only while it is open: a trace can
    // carry a warning per span, and their lines cost more than the rest of the first render.
    let warnings_open = use_state(|| false);
    // From the trace, not the summary: a large trace's summary comes a task later, and its
    // warnings (possibly one per span) must not be listed meanwhile.
    let warning_count = props.data.borrow().traces.get(props.trace_index).map_or(0, |t| t.warnings.len());
    let list_open = warning_count <= 3 || *warnings_open;
    let warnings = use_memo((key, list_open), {
        let data = props.data.clone();
        move |&((_, index), open)| {
            let data = data.borrow();
            match data.traces.get(index) {
                Some(t) if open => warning_lines(&data.strings, t, SHOWN_WARNINGS),
                _ => Vec::new(),
            }
        }
    });
    let on_warnings_toggle = {
        let warnings_open = warnings_open.clone();
        Callback::from(move |e: Event| {
            if let Some(details) = e.target_dyn_into::<web_sys::Element>() {
                warnings_open.set(details.has_attribute("open"));
            }
        })
    };
    let warning_kinds = use_memo(key, {
        let data = props.data.clone();
        move |&(_, index)| {
            let data = data.borrow();
            data.traces
                .get(index)
                .map(|t| strand_model::warnings::count_by_kind(&t.warnings))
                .unwrap_or_default()
                .into_iter()
                .map(|(kind, n)| (kind.code(), kind.summary(n)))
                .collect::<Vec<_>>()
        }
    });
    let matches_only = use_state(|| false);
    let current_match = use_state(|| None::<usize>);
    let (Some(analysis_rc), Some(summary)) = (analysis.as_ref(), summary) else {
        if defer {
            let spans = props.data.borrow().traces.get(props.trace_index).map_or(0, |t| t.spans.len());
            return html! {
                <p class="booting" role="status">{ format!("Preparing the trace's {} spans…", strand_model::format::thousands(spans as u64)) }</p>
            };
        }
        return html! {};
    };
    let analysis_rc = analysis_rc.clone();
    let selected = *selected;

    let on_select = {
        let data = props.data.clone();
        let trace_index = props.trace_index;
        let route = props.route.clone();
        let on_navigate = props.on_navigate.clone();
        Callback::from(move |span: Option<u32>| {
            let mut next = route.clone();
            next.span = span.and_then(|i| {
                let data = data.borrow();
                let trace = data.traces.get(trace_index)?;
                Some(trace.span(i)?.span_id.display(&data.strings))
            });
            // Selecting spans (often by keyboard, row after row) replaces the history entry;
            // changing trace or view adds one.
            on_navigate.emit((next, false));
        })
    };
    let on_query = {
        let route = props.route.clone();
        let on_navigate = props.on_navigate.clone();
        let current_match = current_match.clone();
        Callback::from(move |q: String| {
            current_match.set(None);
            on_navigate.emit((Route { search: q, ..route.clone() }, false));
        })
    };
    let on_step = {
        let current_match = current_match.clone();
        let count = search_result.matches.len();
        Callback::from(move |delta: i32| {
            if count == 0 {
                return;
            }
            let next = match *current_match {
                None if delta >= 0 => 0,
                None => count - 1,
                Some(i) => ((i as i64 + i64::from(delta)).rem_euclid(count as i64)) as usize,
            };
            current_match.set(Some(next));
        })
    };
    let on_matches_only = {
        let matches_only = matches_only.clone();
        Callback::from(move |on: bool| matches_only.set(on))
    };
    let focus_match = current_match.and_then(|i| search_result.matches.get(i).copied());

    let tabs = Tab::ALL.iter().map(|&tab| {
        let active = props.route.tab == tab;
        let onclick = {
            let p = props.route.clone();
            let on_navigate = props.on_navigate.clone();
            Callback::from(move |_: MouseEvent| on_navigate.emit((Route { tab, ..p.clone() }, true)))
        };
        html! {
            <button role="tab" class={classes!("tab", active.then_some("active"))} aria-selected={active.to_string()}
                    data-tab={tab.name()} {onclick}>{ tab.label() }</button>
        }
    });

    let body = match props.route.tab {
        Tab::Waterfall => html! {
            <div class="waterfall-layout">
                <div class="waterfall-main">
                    <SearchBar query={props.route.search.clone()} on_query={on_query}
                               matches={search_result.matches.len()} current={*current_match} on_step={on_step}
                               matches_only={*matches_only} on_matches_only={on_matches_only}
                               error={search_result.error.clone()} />
                    <Waterfall data={props.data.clone()} trace_index={props.trace_index} analysis={analysis_rc.clone()}
                               search={search_result.clone()} matches_only={*matches_only} selected={selected}
                               focus_match={focus_match} on_select={on_select.clone()} />
                </div>
                if let Some(span) = selected {
                    <SpanDetails data={props.data.clone()} trace_index={props.trace_index} analysis={analysis_rc.clone()}
                                 span={span} on_select={on_select.clone()} on_navigate={props.on_navigate.clone()}
                                 route={props.route.clone()} />
                }
            </div>
        },
        Tab::Flame => html! {
            <FlameGraph data={props.data.clone()} trace_index={props.trace_index} analysis={analysis_rc.clone()}
                        selected={selected} on_select={on_select.clone()} />
        },
        Tab::Statistics => html! {
            <StatsTab data={props.data.clone()} trace_index={props.trace_index} analysis={analysis_rc.clone()} />
        },
        Tab::Spans => html! {
            <SpansTab data={props.data.clone()} trace_index={props.trace_index} analysis={analysis_rc.clone()}
                      selected={selected} on_select={on_select.clone()} />
        },
        Tab::Map => html! {
            <ServiceMapView data={props.data.clone()} trace_index={Some(props.trace_index)} route={props.route.clone()}
                            on_navigate={props.on_navigate.clone()} />
        },
        Tab::Json => html! { <JsonTab data={props.data.clone()} trace_index={props.trace_index} /> },
        Tab::Logs => html! {
            <super::logs::LogsTab data={props.data.clone()} trace_index={props.trace_index} route={props.route.clone()}
                                  on_navigate={props.on_navigate.clone()} />
        },
    };

    html! {
        <section class="trace-page" aria-label="Trace">
            <div class="trace-header">
                <div class="trace-actions">
                    <super::export_menu::ExportMenu data={props.data.clone()} trace_index={props.trace_index} />
                    <super::compare_with::CompareWith data={props.data.clone()} trace_index={props.trace_index}
                                                      route={props.route.clone()} on_navigate={props.on_navigate.clone()} />
                    <super::copy_link::CopyLink route={Route { span: None, ..props.route.clone() }} what="trace" />
                </div>
                <h2>
                    <span class="service">{ strand_model::format::service_label(&summary.root_service) }</span>{ " " }
                    <span class="op">{ &summary.root_name }</span>
                </h2>
                <dl class="facts">
                    <div><dt>{ "Start" }</dt><dd>{ &summary.start }<span class="zone">{ " " }{ strand_model::time::display_zone_label() }</span></dd></div>
                    <div><dt>{ "Duration" }</dt><dd>{ &summary.duration }</dd></div>
                    <div><dt>{ "Services" }</dt><dd>{ summary.services }</dd></div>
                    <div><dt>{ "Depth" }</dt><dd>{ summary.depth }</dd></div>
                    <div><dt>{ "Spans" }</dt><dd>{ summary.spans }</dd></div>
                    <div><dt>{ "Errors" }</dt><dd class={classes!((summary.errors > 0).then_some("has-errors"))}>{ summary.errors }</dd></div>
                    <div><dt>{ "Warnings" }</dt><dd class={classes!((summary.warnings > 0).then_some("has-warnings"))}>{ summary.warnings }</dd></div>
                    <div><dt>{ "Trace id" }</dt><dd class="mono">{ &summary.trace_id }</dd></div>
                </dl>
                if summary.warnings > 0 {
                    <div class="warnings" role="note">
                        <span class="warnings-title">{ format!("{} import warning{} — what Strand repaired in this trace:", summary.warnings, if summary.warnings == 1 { "" } else { "s" }) }</span>
                        <ul class="warning-kinds">
                            { for warning_kinds.iter().map(|(code, text)| html! { <li data-kind={*code}><code>{ *code }</code>{ " " }{ text }</li> }) }
                        </ul>
                        <details open={list_open} ontoggle={on_warnings_toggle}>
                            <summary>{ "each warning" }</summary>
                            if list_open {
                                <ul class="warning-spans">{ for warnings.iter().map(|w| html! { <li>{ w }</li> }) }</ul>
                                if summary.warnings > SHOWN_WARNINGS {
                                    <p class="muted">{ format!("… and {} more (strand-cli warnings lists them all)", summary.warnings - SHOWN_WARNINGS) }</p>
                                }
                            }
                        </details>
                    </div>
                }
                <div class="tabs" role="tablist" aria-label="Trace views">{ for tabs }</div>
            </div>
            { body }
        </section>
    }
}
