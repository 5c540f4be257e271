//! Log lines in the app: the span's lines in its details (`span`), the trace's Logs tab (`tab`)
//! and the lines that match no loaded trace (`unmatched`). Shared here: the level badge, the
//! filter bar (level, service, text, counts per level), one line's details, and a list that
//! renders only the rows in view. Text comes from `view::logs`.

mod span;
mod tab;
mod unmatched;

pub use span::SpanLogs;
pub use tab::LogsTab;
pub use unmatched::UnmatchedLogs;

use crate::ui::details::attr_table;
use strand_model::Level;
use strand_view::logs::{LogFilter, LogLine};
use strand_view::spans_table::visible_rows;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Height of a list row in CSS pixels; `static/logs.css` gives `.log-row` the same.
pub const ROW_PX: f64 = 28.0;
/// Rows rendered beyond the visible ones on each side.
const OVERSCAN: usize = 12;

/// `error`, `warn`, … as a coloured badge; the file's own wording in the tooltip.
pub fn level_badge(line: &LogLine) -> Html {
    let level = line.level.as_str();
    let title =
        if line.severity_text.is_empty() { level.to_string() } else { format!("{level} ({})", line.severity_text) };
    html! { <span class={classes!("log-level", format!("level-{level}"))} {title}>{ level }</span> }
}

/// A line's fields, collapsed under their count (a line may carry dozens).
pub fn fields(line: &LogLine, open: bool) -> Html {
    if line.fields.is_empty() && line.logger.is_empty() {
        return html! {};
    }
    html! {
        <details class="log-fields" {open}>
            <summary>{ strand_model::format::counted(line.fields.len() as u64, "field") }</summary>
            if !line.logger.is_empty() {
                <p class="log-logger"><span class="muted">{ "logger " }</span><span class="mono">{ &line.logger }</span></p>
            }
            { attr_table(&line.fields, "") }
        </details>
    }
}

#[derive(Properties, PartialEq)]
pub struct FilterBarProps {
    pub filter: LogFilter,
    pub on_change: Callback<LogFilter>,
    /// Lines per level over everything listed (not only the filtered ones).
    pub by_level: Vec<(Level, usize)>,
    pub services: Vec<String>,
    pub shown: usize,
    pub total: usize,
}

/// Level (and above), service, text; the counts per level, each a button that filters from it.
#[function_component(FilterBar)]
pub fn filter_bar(props: &FilterBarProps) -> Html {
    let change = |edit: fn(&mut LogFilter, String)| {
        let filter = props.filter.clone();
        let on_change = props.on_change.clone();
        move |value: String| {
            let mut next = filter.clone();
            edit(&mut next, value);
            on_change.emit(next);
        }
    };
    let on_level = {
        let set = change(|f, v| f.min_level = Level::parse(&v).unwrap_or_default());
        Callback::from(move |e: Event| set(select_value(&e)))
    };
    let on_service = {
        let set = change(|f, v| f.service = v);
        Callback::from(move |e: Event| set(select_value(&e)))
    };
    let on_text = {
        let set = change(|f, v| f.text = v);
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                set(input.value());
            }
        })
    };
    let levels = Level::ALL.iter().filter(|l| **l != Level::Unspecified).map(|&level| {
        let selected = props.filter.min_level == level;
        let label = if level == Level::Fatal { "fatal".to_string() } else { format!("{} and above", level.as_str()) };
        html! { <option value={level.as_str()} {selected}>{ label }</option> }
    });
    let counts = props.by_level.iter().map(|&(level, n)| {
        let active = props.filter.min_level == level;
        let onclick = {
            let filter = props.filter.clone();
            let on_change = props.on_change.clone();
            Callback::from(move |_: MouseEvent| {
                let min_level = if active { Level::Unspecified } else { level };
                on_change.emit(LogFilter { min_level, ..filter.clone() });
            })
        };
        let title = if level == Level::Unspecified {
            "lines without a level".to_string()
        } else {
            format!("show {} lines and above", level.as_str())
        };
        html! {
            <button type="button" class={classes!("log-count", format!("level-{}", level.as_str()), active.then_some("active"))}
                    aria-pressed={active.to_string()} {title} {onclick} data-level={level.as_str()}>
                { format!("{} {n}", level.as_str()) }
            </button>
        }
    });
    html! {
        <div class="log-filters">
            <select aria-label="Level" onchange={on_level}>
                <option value="" selected={props.filter.min_level == Level::Unspecified}>{ "Every level" }</option>
                { for levels }
            </select>
            <select aria-label="Service" onchange={on_service}>
                <option value="" selected={props.filter.service.is_empty()}>{ "Every service" }</option>
                { for props.services.iter().map(|s| html! {
                    <option value={s.clone()} selected={props.filter.service == *s}>{ s }</option>
                }) }
            </select>
            <input type="search" class="log-text-filter" placeholder="Text in messages and fields" aria-label="Filter log lines"
                   value={props.filter.text.clone()} oninput={on_text} />
            <span class="log-counts" aria-label="Lines per level">{ for counts }</span>
            <span class="muted log-shown">{
                if props.shown == props.total {
                    strand_model::format::counted(props.total as u64, "line")
                } else {
                    format!("{} of {}", props.shown, strand_model::format::counted(props.total as u64, "line"))
                }
            }</span>
        </div>
    }
}

fn select_value(e: &Event) -> String {
    e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()).map(|s| s.value()).unwrap_or_default()
}

#[derive(Properties, PartialEq)]
pub struct VirtualRowsProps {
    pub count: usize,
    /// Renders rows `first..end`.
    pub render: Callback<(usize, usize), Html>,
    pub label: AttrValue,
    /// Rows to keep in view when it changes (a selected line).
    #[prop_or_default]
    pub keep_in_view: Option<usize>,
}

/// A scrolling list of `count` rows of [`ROW_PX`] that puts only the rows in view in the page.
#[function_component(VirtualRows)]
pub fn virtual_rows(props: &VirtualRowsProps) -> Html {
    let scroller = use_node_ref();
    let (_, viewport_px) = crate::ui::hooks::use_element_size(scroller.clone());
    let scroll_top = use_state_eq(|| 0.0f64);
    {
        let scroller = scroller.clone();
        use_effect_with(props.keep_in_view, move |row| {
            if let (Some(row), Some(el)) = (*row, scroller.cast::<Element>()) {
                let top = row as f64 * ROW_PX;
                let height = f64::from(el.client_height());
                let current = f64::from(el.scroll_top());
                if top < current || top + ROW_PX > current + height {
                    el.set_scroll_top((top - height / 2.0).max(0.0) as i32);
                }
            }
        });
    }
    let (first, end) = visible_rows(*scroll_top, viewport_px.max(ROW_PX * 10.0), ROW_PX, props.count, OVERSCAN);
    let onscroll = {
        let scroll_top = scroll_top.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) {
                scroll_top.set(f64::from(el.scroll_top()));
            }
        })
    };
    html! {
        <div class="log-scroll" ref={scroller} {onscroll} role="list" aria-label={props.label.clone()}>
            <div style={format!("height:{:.0}px", first as f64 * ROW_PX)}></div>
            { props.render.emit((first, end)) }
            <div style={format!("height:{:.0}px", props.count.saturating_sub(end) as f64 * ROW_PX)}></div>
        </div>
    }
}
