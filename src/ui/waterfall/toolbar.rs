//! The waterfall's toolbar: expand and collapse, expand to a depth, the switches (critical path,
//! critical path only, slow-span markers, folding of repeated siblings), reset zoom, what is
//! shown.

use yew::prelude::*;

/// The on/off switches of the toolbar.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Switch {
    /// Draw the critical path on the bars.
    Critical,
    /// Show only the spans on the critical path and their ancestors.
    CriticalOnly,
    /// Mark the spans above their operation's p95.
    Slow,
    /// Fold repeated siblings into one row.
    Fold,
}

#[derive(Properties, PartialEq)]
pub(super) struct ToolbarProps {
    pub expand_all: Callback<MouseEvent>,
    pub collapse_all: Callback<MouseEvent>,
    pub on_depth: Callback<Event>,
    pub on_switch: Callback<Switch>,
    pub reset_zoom: Callback<MouseEvent>,
    /// Depths offered by "Expand to depth".
    pub level_choices: u32,
    pub show_critical: bool,
    pub critical_only: bool,
    pub show_slow: bool,
    pub fold: bool,
    /// Fold groups in the trace (for the current row filter).
    pub fold_groups: usize,
    pub zoomed: bool,
    pub window_label: String,
    /// Rows shown and spans in the trace.
    pub rows: usize,
    pub spans: usize,
}

#[function_component(Toolbar)]
pub(super) fn toolbar(props: &ToolbarProps) -> Html {
    let switch = |which: Switch, checked: bool, label: &'static str, title: &'static str| {
        let onchange = {
            let on_switch = props.on_switch.clone();
            Callback::from(move |_: Event| on_switch.emit(which))
        };
        html! {
            <label class="wf-check" {title}>
                <input type="checkbox" {checked} {onchange} />
                { format!(" {label}") }
            </label>
        }
    };
    let fold_title = if props.fold_groups == 0 {
        "Fold five or more siblings with the same service and operation into one row (this trace has none)"
    } else {
        "Fold five or more siblings with the same service and operation into one row"
    };
    html! {
        <div class="wf-toolbar" role="toolbar" aria-label="Waterfall controls">
            <button class="btn" onclick={props.expand_all.clone()}>{ "Expand all" }</button>
            <button class="btn" onclick={props.collapse_all.clone()}>{ "Collapse all" }</button>
            <label class="wf-depth-select">
                { "Expand to depth " }
                <select onchange={props.on_depth.clone()} aria-label="Expand to depth">
                    <option value="" selected=true disabled=true>{ "…" }</option>
                    { for (1..=props.level_choices).map(|d| html! { <option value={d.to_string()}>{ d }</option> }) }
                </select>
            </label>
            <span class="wf-switches" role="group" aria-label="Show">
                { switch(Switch::Critical, props.show_critical, "Critical path", "Draw what the trace waited for: the critical path") }
                { switch(Switch::CriticalOnly, props.critical_only, "Critical path only",
                         "Show only the spans with time on the critical path, and their ancestors") }
                { switch(Switch::Slow, props.show_slow, "Slow spans (> p95)",
                         "Mark the spans slower than the p95 of their operation over all loaded traces") }
                { switch(Switch::Fold, props.fold, "Fold repeats", fold_title) }
            </span>
            <button class="btn" onclick={props.reset_zoom.clone()} disabled={!props.zoomed}>{ "Reset zoom" }</button>
            <span class="wf-window-label">{ &props.window_label }</span>
            <span class="wf-count">{ format!("{} of {} rows", props.rows, props.spans) }</span>
        </div>
    }
}
