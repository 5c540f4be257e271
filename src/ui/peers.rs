//! A span among its peers, in the span details: "p93 of 1,204 `checkout POST /orders` spans
//! loaded", the peers' small latency histogram with this span's bucket marked, the slowest peers
//! to open, and a link to the trace list sorted by duration. Also the peer index itself, built
//! once per dataset generation and shared with the waterfall's p95 marker. Text and bars come
//! from `view::peers`.

use super::store::DataHandle;
use std::cell::RefCell;
use std::rc::Rc;
use strand_analysis::peers::PeerIndex;
use strand_view::peers::peer_view;
use strand_view::route::{Page, Route};
use yew::prelude::*;

/// Slowest peers listed.
const SLOWEST: usize = 5;

thread_local! {
    /// The peer index of the last dataset generation asked for.
    static INDEX: RefCell<Option<(u64, Rc<PeerIndex>)>> = const { RefCell::new(None) };
}

/// The peer index of `data`'s generation, built on first use (one pass over the spans).
pub fn peer_index(data: &DataHandle) -> Rc<PeerIndex> {
    INDEX.with(|cell| {
        if let Some((generation, index)) = cell.borrow().as_ref() {
            if *generation == data.generation {
                return index.clone();
            }
        }
        super::perf::mark("strand:peers:start");
        let index = Rc::new(PeerIndex::build(&data.borrow()));
        super::perf::measure_since("strand:peers", "strand:peers:start");
        *cell.borrow_mut() = Some((data.generation, index.clone()));
        index
    })
}

#[derive(Properties, PartialEq)]
pub struct PeersProps {
    pub data: DataHandle,
    pub trace_index: usize,
    pub span: u32,
    pub route: Route,
    pub on_navigate: Callback<(Route, bool)>,
}

#[function_component(PeerPanel)]
pub fn peer_panel(props: &PeersProps) -> Html {
    let view = use_memo((props.data.generation, props.trace_index, props.span), {
        let data = props.data.clone();
        move |&(_, trace, span)| {
            let index = peer_index(&data);
            let data = data.borrow();
            let view = peer_view(&data, &index, trace, span, SLOWEST)?;
            let group = index.group(view.rank.group)?;
            let operation = (data.strings.get(group.service).to_string(), data.strings.get(group.name).to_string());
            Some((view, operation))
        }
    });
    let Some((view, (service, operation))) = view.as_ref() else {
        return html! {};
    };
    let bars = view.bars.iter().map(|b| {
        html! {
            <span class={classes!("peer-bar", b.marked.then_some("marked"))} title={b.title.clone()}
                  data-count={b.count.to_string()}>
                <span class="peer-fill" style={format!("height: {:.1}%", (b.height * 100.0).max(if b.count > 0 { 4.0 } else { 0.0 }))}></span>
            </span>
        }
    });
    let slowest = view.slowest.iter().map(|p| {
        let route = Route {
            page: Page::Traces,
            trace: Some(p.trace_id.clone()),
            span: Some(p.span_id.clone()),
            ..props.route.session()
        };
        let onclick = {
            let on_navigate = props.on_navigate.clone();
            Callback::from(move |_: MouseEvent| on_navigate.emit((route.clone(), true)))
        };
        html! {
            <li class={classes!(p.is_this.then_some("this"))}>
                if p.is_this {
                    <span class="peer-this">{ format!("{} (this span)", p.label) }</span>
                } else {
                    <button type="button" class="btn link-btn peer-link" {onclick} title="Open this span in its trace">{ &p.label }</button>
                }
            </li>
        }
    });
    let slowest_traces = {
        let route = Route {
            page: Page::Traces,
            service: Some(service.clone()),
            operation: Some(operation.clone()),
            sort: Some("duration-desc".to_string()),
            ..props.route.session()
        };
        let on_navigate = props.on_navigate.clone();
        Callback::from(move |_: MouseEvent| on_navigate.emit((route.clone(), true)))
    };
    let marked = view.rank.above_p95;
    html! {
        <section class="details-section details-peers" aria-label="Among its peers">
            <h4>{ "Among its peers" }</h4>
            <p class={classes!("peer-rank", marked.then_some("slow"))} data-percentile={view.rank.percentile.to_string()}>
                { for view.text.split('`').enumerate().map(|(i, part)| if i % 2 == 1 {
                    html! { <strong class="peer-operation">{ part }</strong> }
                } else {
                    html! { { part } }
                }) }
            </p>
            <div class="peer-histogram" role="img"
                 aria-label={format!("Durations of the peers; this span is in the marked bar ({})", view.text)}>
                { for bars }
            </div>
            <details class="peer-slowest">
                <summary>{ "Slowest peers" }</summary>
                <ol>{ for slowest }</ol>
                <button type="button" class="btn small peer-traces" onclick={slowest_traces}
                        title="The trace list filtered to traces with this operation, longest first">
                    { "Traces with this operation, slowest first" }
                </button>
            </details>
        </section>
    }
}
