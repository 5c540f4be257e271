//! One waterfall row: the name cell (indent, toggle, colour, service and operation) and the
//! timeline cell (bar, critical path, events, log marks, duration label), from a `RowView`.

use super::pct;
use strand_model::format::thousands as format_thousands;
use strand_view::colors::service_color;
use strand_view::waterfall::{indent_levels, label_place, LabelPlace, RowView, INDENT_PX};
use yew::prelude::*;

/// How a row is drawn besides its [`RowView`].
pub(super) struct RowFlags {
    /// Index in the row list.
    pub position: usize,
    pub top_px: f64,
    pub selected: bool,
    pub is_match: bool,
    pub focused: bool,
    pub critical: bool,
    pub name_px: f64,
    /// Above its operation's p95 (the marker's tooltip), when the marker is on.
    pub slow: Option<String>,
    /// The first member of an unfolded group: its group and member count (a button folds it).
    pub fold_handle: Option<(u32, u32)>,
}

pub(super) fn render_row(view: &RowView, flags: &RowFlags) -> Html {
    let color = service_color(&view.service);
    let has_children = view.child_count > 0;
    let levels = indent_levels(view.depth, flags.name_px);
    let class = classes!(
        "wf-row",
        flags.selected.then_some("selected"),
        flags.is_match.then_some("match"),
        flags.focused.then_some("focus"),
        view.error.then_some("error"),
    );
    let toggle = if has_children {
        let label = if view.collapsed { format!("Expand ({} hidden)", view.hidden) } else { "Collapse".to_string() };
        html! {
            <button class={classes!("wf-toggle", view.collapsed.then_some("collapsed"))} tabindex="-1"
                    data-span-index={view.span.to_string()} aria-label={label}>
                { if view.collapsed { format!("▸ {}", view.hidden) } else { "▾".to_string() } }
            </button>
        }
    } else {
        html! { <span class="wf-toggle-space"></span> }
    };
    let label_text = if has_children && view.self_time != view.duration {
        format!("{} · self {}", view.duration, view.self_time)
    } else {
        view.duration.clone()
    };
    let timeline = match view.bar {
        Some(bar) => {
            let label_style = match label_place(bar) {
                LabelPlace::After => format!("left: calc({} + 4px)", pct(bar.left + bar.width)),
                LabelPlace::Before => format!("right: calc({} + 4px)", pct(1.0 - bar.left)),
                LabelPlace::Inside => format!("left: calc({} + 4px)", pct(bar.left)),
            };
            let inside = label_place(bar) == LabelPlace::Inside;
            html! {
                <>
                    <div class={classes!("wf-bar", view.error.then_some("error"))}
                         style={format!("left: {}; width: {}; background: {color}", pct(bar.left), pct(bar.width))}>
                    </div>
                    if flags.critical {
                        { for view.critical.iter().map(|c| html! {
                            <div class="wf-critical" style={format!("left: {}; width: {}", pct(c.left), pct(c.width))}></div>
                        }) }
                    }
                    { for view.events.iter().map(|e| html! {
                        <div class="wf-event" style={format!("left: {}", pct(e.fraction))} title={e.label.clone()}></div>
                    }) }
                    { for view.logs.iter().map(|l| html! {
                        <div class={classes!("wf-log", format!("level-{}", l.level.as_str()))} style={format!("left: {}", pct(l.fraction))}
                             title={l.label.clone()} data-lines={l.lines.to_string()}></div>
                    }) }
                    <span class={classes!("wf-label", inside.then_some("inside"))} style={label_style}>{ label_text }</span>
                </>
            }
        }
        None => html! { <span class="wf-offscreen">{ format!("{} (outside the zoomed range)", view.duration) }</span> },
    };
    let indent_style = format!("width: {:.0}px", f64::from(levels) * INDENT_PX);
    html! {
        <div {class} key={view.span} role="row" id={format!("wf-row-{}", view.span)}
             data-span-index={view.span.to_string()} aria-level={(view.depth + 1).to_string()}
             aria-expanded={has_children.then(|| (!view.collapsed).to_string())}
             aria-selected={flags.selected.to_string()} aria-rowindex={(flags.position + 1).to_string()}
             style={format!("top: {:.0}px", flags.top_px)} title={view.title.clone()}>
            <div class="wf-name" role="gridcell">
                <span class="wf-indent" style={indent_style}></span>
                if view.depth > levels {
                    <span class="depth-badge" title={format!("depth {}", view.depth)}>{ view.depth }</span>
                }
                { toggle }
                <span class="wf-swatch" style={format!("background: {color}")}></span>
                if view.error {
                    <span class="wf-error-mark" title="error" aria-label="error">{ "!" }</span>
                }
                if let Some(title) = &flags.slow {
                    <span class="wf-slow-mark" title={title.clone()} aria-label="above the p95 of its operation">{ "▲" }</span>
                }
                <span class="wf-service">{ strand_model::format::service_label(&view.service) }</span>
                <span class="wf-span-name">{ &view.name }</span>
                if let Some((group, count)) = flags.fold_handle {
                    <button class="wf-fold-toggle unfolded" tabindex="-1" data-group={group.to_string()}
                            title={format!("Fold the {} repeated {} spans into one row", format_thousands(u64::from(count)), view.name)}
                            aria-label={format!("Fold {} repeated spans", format_thousands(u64::from(count)))}>
                        { format!("⊟ ×{}", format_thousands(u64::from(count))) }
                    </button>
                }
            </div>
            <div class="wf-timeline" role="gridcell">{ timeline }</div>
        </div>
    }
}
