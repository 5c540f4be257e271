//! The merged path tree as a table: one row per visible node (`view::compare::compare_rows`),
//! indented by depth, with a toggle for subtrees, both sides' numbers and the difference, and
//! the row's colour class. Clicking a row picks it (its spans show beside the table).

use std::rc::Rc;
use strand_view::compare::CompareRow;
use yew::prelude::*;

/// Indentation stops growing here (168 px), so the numbers of a deep tree stay in view; deeper
/// rows show their depth as a number, as the waterfall's do.
const MAX_INDENT_LEVELS: u32 = 12;

/// More rows than this are not drawn (collapse subtrees to see the rest).
const MAX_ROWS: usize = 2000;

#[derive(Properties)]
pub(super) struct TreeProps {
    pub rows: Rc<Vec<CompareRow>>,
    pub selected: Option<u32>,
    pub on_toggle: Callback<u32>,
    pub on_pick: Callback<Option<u32>>,
}

impl PartialEq for TreeProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.rows, &other.rows) && self.selected == other.selected
    }
}

#[function_component(CompareTree)]
pub(super) fn compare_tree(props: &TreeProps) -> Html {
    let rows = props.rows.iter().take(MAX_ROWS).map(|r| {
        let node = r.node;
        let picked = props.selected == Some(node);
        let onclick = {
            let on_pick = props.on_pick.clone();
            Callback::from(move |_: MouseEvent| on_pick.emit(if picked { None } else { Some(node) }))
        };
        let onkeydown = {
            let on_pick = props.on_pick.clone();
            let on_toggle = props.on_toggle.clone();
            let has_children = r.has_children;
            let collapsed = r.collapsed;
            Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
                "Enter" | " " => {
                    e.prevent_default();
                    on_pick.emit(Some(node));
                }
                "ArrowRight" if has_children && collapsed => on_toggle.emit(node),
                "ArrowLeft" if has_children && !collapsed => on_toggle.emit(node),
                _ => {}
            })
        };
        let toggle = {
            let on_toggle = props.on_toggle.clone();
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                on_toggle.emit(node);
            })
        };
        html! {
            <tr key={node} class={classes!("compare-row", r.class_name, picked.then_some("picked"))} data-node={node.to_string()}
                data-class={r.class_name} title={r.title.clone()} tabindex="0" aria-selected={picked.to_string()}
                aria-level={(r.depth + 1).to_string()} aria-expanded={r.has_children.then(|| (!r.collapsed).to_string())}
                {onclick} {onkeydown}>
                <td class="compare-name-cell">
                    <div class="compare-name">
                    <span class="compare-indent" style={format!("width: {}px", r.depth.min(MAX_INDENT_LEVELS) * 14)}></span>
                    if r.depth > MAX_INDENT_LEVELS {
                        <span class="depth-badge" title={format!("depth {}", r.depth)}>{ r.depth }</span>
                    }
                    if r.has_children {
                        <button class="compare-toggle" tabindex="-1" onclick={toggle}
                                aria-label={if r.collapsed { format!("Expand ({} hidden)", r.hidden) } else { "Collapse".to_string() }}>
                            { if r.collapsed { format!("▸ {}", r.hidden) } else { "▾".to_string() } }
                        </button>
                    } else {
                        <span class="compare-toggle-space"></span>
                    }
                    <span class="compare-mark" aria-hidden="true"></span>
                    <span class="compare-service">{ &r.service }</span>
                    <span class="compare-operation">{ &r.operation }</span>
                    </div>
                </td>
                <td class="num side-a">{ &r.a.count }</td>
                <td class="num side-a">{ &r.a.mean }</td>
                <td class="num side-a">{ &r.a.p90 }</td>
                <td class="num side-b">{ &r.b.count }</td>
                <td class="num side-b">{ &r.b.mean }</td>
                <td class="num side-b">{ &r.b.p90 }</td>
                <td class="num compare-delta">{ &r.delta }</td>
            </tr>
        }
    });
    html! {
        <div class="compare-table-box">
            <table class="grid compare-table" aria-label="Paths of A and B">
                <thead>
                    <tr>
                        <th scope="col">{ "Service · operation" }</th>
                        <th scope="col" class="num side-a" title="Spans with this path in A">{ "A spans" }</th>
                        <th scope="col" class="num side-a">{ "A mean" }</th>
                        <th scope="col" class="num side-a">{ "A p90" }</th>
                        <th scope="col" class="num side-b" title="Spans with this path in B">{ "B spans" }</th>
                        <th scope="col" class="num side-b">{ "B mean" }</th>
                        <th scope="col" class="num side-b">{ "B p90" }</th>
                        <th scope="col" class="num" title="Mean of B minus mean of A">{ "B − A" }</th>
                    </tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
            if props.rows.len() > MAX_ROWS {
                <p class="muted compare-more">
                    { format!("Showing the first {MAX_ROWS} of {} rows: collapse subtrees to see the rest.", props.rows.len()) }
                </p>
            }
        </div>
    }
}
