//! The spans of one path of the compare tree, A's and B's side by side, slowest first: each opens
//! its trace with the span selected (`view::compare::node_spans`, `span_route`).

use super::Compared;
use crate::ui::store::DataHandle;
use strand_analysis::compare::Side;
use strand_model::format::counted;
use strand_view::compare::{node_spans, span_route};
use strand_view::route::Route;
use yew::prelude::*;

/// Spans listed per side at most.
const LISTED: usize = 25;

#[derive(Properties, PartialEq)]
pub(super) struct NodeProps {
    pub data: DataHandle,
    pub compared: Compared,
    pub node: u32,
    pub route: Route,
    pub on_navigate: Callback<(Route, bool)>,
    pub on_close: Callback<Option<u32>>,
}

#[function_component(NodeSpans)]
pub(super) fn node_spans_panel(props: &NodeProps) -> Html {
    let data = props.data.borrow();
    let diff = &props.compared.0 .1;
    let path = diff.path_text(&data.strings, props.node);
    let side = |side: Side, which: &'static str| {
        let (links, total) = node_spans(&data, diff, props.node, side, LISTED);
        let items = links.iter().map(|link| {
            let onclick = {
                let route = span_route(link, &props.route);
                let on_navigate = props.on_navigate.clone();
                Callback::from(move |_: MouseEvent| on_navigate.emit((route.clone(), true)))
            };
            html! {
                <li>
                    <button type="button" class="btn link-btn compare-span" {onclick}
                            title="Open this span in its trace">{ &link.label }</button>
                </li>
            }
        });
        html! {
            <div class={classes!("node-side", format!("side-{which}"))} data-side={which}>
                <h4><span class="side-tag">{ which.to_uppercase() }</span>{ counted(total as u64, "span") }</h4>
                if total == 0 {
                    <p class="muted">{ format!("This path did not run in {}.", which.to_uppercase()) }</p>
                } else {
                    <ol class="node-spans">{ for items }</ol>
                }
                if total > LISTED {
                    <p class="muted">{ format!("… and {} more (the slowest are listed)", total - LISTED) }</p>
                }
            </div>
        }
    };
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(None))
    };
    html! {
        <aside class="compare-node" aria-label="Spans of the selected path">
            <div class="compare-node-head">
                <h3 title={path.clone()}>{ "Spans of this path" }</h3>
                <button type="button" class="details-close" aria-label="Close" title="Close" onclick={close}>{ "×" }</button>
            </div>
            <p class="compare-path">{ path }</p>
            <div class="node-sides">
                { side(Side::A, "a") }
                { side(Side::B, "b") }
            </div>
        </aside>
    }
}
