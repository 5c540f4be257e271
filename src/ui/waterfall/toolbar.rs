//! The waterfall's toolbar: expand and collapse, expand to a depth, the critical path switch,
//! reset zoom, what is shown.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(super) struct ToolbarProps {
    pub expand_all: Callback<MouseEvent>,
    pub collapse_all: Callback<MouseEvent>,
    pub on_depth: Callback<Event>,
    pub toggle_critical: Callback<Event>,
    pub reset_zoom: Callback<MouseEvent>,
    /// Depths offered by "Expand to depth".
    pub level_choices: u32,
    pub show_critical: bool,
    pub zoomed: bool,
    pub window_label: String,
    /// Rows shown and spans in the trace.
    pub rows: usize,
    pub spans: usize,
}

#[function_component(Toolbar)]
pub(super) fn toolbar(props: &ToolbarProps) -> Html {
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
            <label class="wf-check" title="Draw what the trace waited for: the critical path">
                <input type="checkbox" checked={props.show_critical} onchange={props.toggle_critical.clone()} />
                { " Critical path" }
            </label>
            <button class="btn" onclick={props.reset_zoom.clone()} disabled={!props.zoomed}>{ "Reset zoom" }</button>
            <span class="wf-window-label">{ &props.window_label }</span>
            <span class="wf-count">{ format!("{} of {} rows", props.rows, props.spans) }</span>
        </div>
    }
}
