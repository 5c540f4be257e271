//! The ranked pairs of the outliers panel: key and value, the selection's and the baseline's
//! share as two bars side by side with their percentages, and the difference. A click (or Enter)
//! adds the pair's search term.

use std::rc::Rc;
use strand_view::outliers::OutlierRow;
use yew::prelude::*;

#[derive(Properties)]
pub(super) struct PairProps {
    pub rows: Rc<Vec<OutlierRow>>,
    /// The search term of the pair clicked.
    pub on_pick: Callback<String>,
}

impl PartialEq for PairProps {
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows
    }
}

fn width(share: f64) -> String {
    let share = if share.is_finite() { share.clamp(0.0, 1.0) } else { 0.0 };
    format!("width: {:.2}%", share * 100.0)
}

#[function_component(PairList)]
pub(super) fn pair_list(props: &PairProps) -> Html {
    if props.rows.is_empty() {
        return html! {};
    }
    let rows = props.rows.iter().enumerate().map(|(rank, r)| {
        let onclick = {
            let on_pick = props.on_pick.clone();
            let term = r.filter_term.clone();
            Callback::from(move |_: MouseEvent| on_pick.emit(term.clone()))
        };
        html! {
            <li>
                <button type="button" class={classes!("outlier-pair", r.unique.then_some("pair-unique"))} {onclick} data-rank={(rank + 1).to_string()} data-term={r.filter_term.clone()}
                        title={format!("{}\nClick to narrow the selection to {}", r.title, r.filter_term)}>
                    <span class="pair-key">{ &r.key }</span>
                    <span class="pair-value">{ &r.value }</span>
                    <span class="pair-bars" aria-hidden="true">
                        <span class="pair-track"><span class="pair-bar selection" style={width(r.selection_share)}></span></span>
                        <span class="pair-track"><span class="pair-bar baseline" style={width(r.baseline_share)}></span></span>
                    </span>
                    <span class="pair-shares">
                        <span class="share-selection">{ &r.selection_percent }</span>
                        <span class="muted">{ " vs " }</span>
                        <span class="share-baseline">{ &r.baseline_percent }</span>
                    </span>
                    <span class="pair-diff">{ &r.difference }</span>
                </button>
            </li>
        }
    });
    html! {
        <div class="outlier-table">
            <div class="outlier-columns" aria-hidden="true">
                <span>{ "Attribute" }</span><span>{ "Value" }</span><span>{ "Share: selection / baseline" }</span><span></span><span>{ "Difference" }</span>
            </div>
            <ol class="outlier-pairs" aria-label="Attribute values, most over-represented first">{ for rows }</ol>
        </div>
    }
}
