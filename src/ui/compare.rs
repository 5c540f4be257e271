//! The compare page (`?page=compare&a=…&b=…`, or `split=` for groups): the merged tree of
//! service + operation paths of two traces or two groups, with counts, mean, p90 and total per
//! side, the difference, and colours for only-in-A, only-in-B, slower and faster. Everything it
//! shows is `strand_view::compare`.

use super::store::DataHandle;
use strand_view::compare::{compare_for_route, compare_rows, CompareCollapse};
use strand_view::route::Route;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    pub data: DataHandle,
    pub route: Route,
    pub on_navigate: Callback<(Route, bool)>,
}

#[function_component(ComparePage)]
pub fn compare_page(props: &CompareProps) -> Html {
    let collapse_version = use_state(|| 0u64);
    let diff = {
        let data = props.data.clone();
        use_memo((props.data.generation, props.route.clone()), move |(_, route)| {
            compare_for_route(&data.borrow(), route)
        })
    };
    let collapse = use_mut_ref(|| None::<CompareCollapse>);
    let (target, diff) = match diff.as_ref() {
        Ok(found) => found,
        Err(message) => {
            return html! {
                <section class="compare-page" aria-label="Compare">
                    <h2>{ "Compare" }</h2>
                    <p class="compare-empty">{ message }</p>
                </section>
            }
        }
    };
    let mut collapse_state = collapse.borrow_mut();
    let state = collapse_state.get_or_insert_with(|| CompareCollapse::expanded(diff));
    let data = props.data.borrow();
    let rows = compare_rows(&data, diff, state);
    drop(collapse_state);
    let toggle = |node: u32| {
        let collapse = collapse.clone();
        let version = collapse_version.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(c) = collapse.borrow_mut().as_mut() {
                c.toggle(node);
            }
            version.set(*version + 1);
        })
    };
    html! {
        <section class="compare-page" aria-label="Compare">
            <h2>{ "Compare" }</h2>
            <p class="compare-sides"><span class="side-a">{ &target.label_a }</span>{ " · " }<span class="side-b">{ &target.label_b }</span></p>
            <table class="compare-table">
                <thead><tr>
                    <th scope="col">{ "Service · operation" }</th>
                    <th scope="col">{ "A spans" }</th><th scope="col">{ "A mean" }</th><th scope="col">{ "A p90" }</th>
                    <th scope="col">{ "B spans" }</th><th scope="col">{ "B mean" }</th><th scope="col">{ "B p90" }</th>
                    <th scope="col">{ "B − A" }</th>
                </tr></thead>
                <tbody>
                    { for rows.iter().map(|r| html! {
                        <tr class={classes!("compare-row", r.class_name)} data-node={r.node.to_string()} title={r.title.clone()}>
                            <td class="compare-name" style={format!("padding-left: {}px", 8 + r.depth * 14)}>
                                if r.has_children {
                                    <button class="compare-toggle" onclick={toggle(r.node)}
                                            aria-label={if r.collapsed { "Expand" } else { "Collapse" }}>
                                        { if r.collapsed { format!("▸ {}", r.hidden) } else { "▾".to_string() } }
                                    </button>
                                }
                                <span class="compare-service">{ &r.service }</span>{ " " }
                                <span class="compare-operation">{ &r.operation }</span>
                            </td>
                            <td>{ &r.a.count }</td><td>{ &r.a.mean }</td><td>{ &r.a.p90 }</td>
                            <td>{ &r.b.count }</td><td>{ &r.b.mean }</td><td>{ &r.b.p90 }</td>
                            <td class="compare-delta">{ &r.delta }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </section>
    }
}
