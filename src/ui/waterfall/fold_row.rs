//! A folded row: repeated siblings drawn as one row (`view::waterfall::fold::FoldRowView`): the
//! name with the count, one band from the first start to the last end, the members' part of the
//! critical path, and how many members have errors or search matches. Its toggle unfolds it in
//! place; a click on the row selects its first member, which unfolds it too.

use super::pct;
use super::row::RowFlags;
use strand_model::format::thousands as format_thousands;
use strand_view::colors::service_color;
use strand_view::waterfall::fold::FoldRowView;
use strand_view::waterfall::{indent_levels, label_place, LabelPlace, INDENT_PX};
use yew::prelude::*;

pub(super) fn render_fold_row(view: &FoldRowView, flags: &RowFlags) -> Html {
    let color = service_color(&view.service);
    let levels = indent_levels(view.depth, flags.name_px);
    let class = classes!(
        "wf-row",
        "wf-fold",
        flags.selected.then_some("selected"),
        (view.with_matches > 0).then_some("match"),
        flags.focused.then_some("focus"),
        (view.errors > 0).then_some("error"),
    );
    let timeline = match view.band {
        Some(band) => {
            let label_style = match label_place(band) {
                LabelPlace::After => format!("left: calc({} + 4px)", pct(band.left + band.width)),
                LabelPlace::Before => format!("right: calc({} + 4px)", pct(1.0 - band.left)),
                LabelPlace::Inside => format!("left: calc({} + 4px)", pct(band.left)),
            };
            let inside = label_place(band) == LabelPlace::Inside;
            html! {
                <>
                    <div class={classes!("wf-band", (view.errors > 0).then_some("error"))}
                         style={format!("left: {}; width: {}; --band: {color}", pct(band.left), pct(band.width))}></div>
                    if flags.critical {
                        { for view.critical.iter().map(|c| html! {
                            <div class="wf-critical" style={format!("left: {}; width: {}", pct(c.left), pct(c.width))}></div>
                        }) }
                    }
                    <span class={classes!("wf-label", inside.then_some("inside"))} style={label_style}>{ &view.stats }</span>
                </>
            }
        }
        None => html! { <span class="wf-offscreen">{ format!("{} (outside the zoomed range)", view.stats) }</span> },
    };
    html! {
        <div {class} key={view.span} role="row" id={format!("wf-row-{}", view.span)}
             data-span-index={view.span.to_string()} data-group={view.group.to_string()} data-count={view.count.to_string()}
             aria-level={(view.depth + 1).to_string()} aria-expanded="false"
             aria-selected={flags.selected.to_string()} aria-rowindex={(flags.position + 1).to_string()}
             style={format!("top: {:.0}px", flags.top_px)} title={view.title.clone()}>
            <div class="wf-name" role="gridcell">
                <span class="wf-indent" style={format!("width: {:.0}px", f64::from(levels) * INDENT_PX)}></span>
                if view.depth > levels {
                    <span class="depth-badge" title={format!("depth {}", view.depth)}>{ view.depth }</span>
                }
                <button class="wf-fold-toggle" tabindex="-1" data-group={view.group.to_string()}
                        aria-label={format!("Unfold {} repeated spans", format_thousands(u64::from(view.count)))}
                        title="Show each of these spans">{ "▸" }</button>
                <span class="wf-swatch wf-swatch-stack" style={format!("background: {color}")}></span>
                if view.errors > 0 {
                    <span class="wf-error-mark" title={format!("{} with errors", view.errors)} aria-label="errors">{ "!" }</span>
                }
                <span class="wf-service">{ &view.service }</span>
                <span class="wf-span-name">{ &view.name }</span>
                <span class="wf-fold-count">{ &view.count_label }</span>
                if view.with_matches > 0 {
                    <span class="wf-fold-matches" title="members that match the search, or hold a match">
                        { format!("{} match", format_thousands(u64::from(view.with_matches))) }
                    </span>
                }
            </div>
            <div class="wf-timeline" role="gridcell">{ timeline }</div>
        </div>
    }
}
