//! The link settings dialog: named URL templates to the user's log tool, edited as a list with
//! a check per template (`strand_app::link_settings::checked`), the placeholders explained, and
//! examples to start from (`view::link_out::EXAMPLES`: Kibana Discover, Grafana Explore with
//! Loki). Save hands the list to the core, which keeps it in local storage, never in the address.

use std::rc::Rc;
use strand_app::link_settings::{checked, MAX_TEMPLATES};
use strand_view::link_out::{expand, LinkContext, LinkTemplate, EXAMPLES};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LinkSettingsProps {
    pub templates: Rc<Vec<LinkTemplate>>,
    pub on_save: Callback<Vec<LinkTemplate>>,
    pub on_close: Callback<()>,
}

/// What the example link under each template is filled in with.
fn sample_context() -> LinkContext {
    LinkContext {
        trace_id: "4bf92f3577b34da6a3ce929d0e0e4736".into(),
        span_id: "00f067aa0ba902b7".into(),
        service: "checkout".into(),
        start_ns: 1_714_564_800_000_000_000,
        end_ns: 1_714_564_800_250_000_000,
    }
}

#[function_component(LinkSettingsDialog)]
pub fn link_settings_dialog(props: &LinkSettingsProps) -> Html {
    let draft = use_state(|| {
        let mut rows = (*props.templates).clone();
        if rows.is_empty() {
            rows.push(LinkTemplate { name: String::new(), template: String::new() });
        }
        rows
    });
    let problems: Vec<Option<String>> = draft
        .iter()
        .map(|t| {
            let blank = t.name.trim().is_empty() && t.template.trim().is_empty();
            if blank {
                None
            } else {
                checked(t).err()
            }
        })
        .collect();
    let can_save = problems.iter().all(Option::is_none);

    let edit = |index: usize, field: &'static str| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let Some(target) = e.target() else { return };
            let value = match target.clone().dyn_into::<HtmlInputElement>() {
                Ok(input) => input.value(),
                Err(_) => target.dyn_into::<HtmlTextAreaElement>().map(|t| t.value()).unwrap_or_default(),
            };
            let mut rows = (*draft).clone();
            if let Some(row) = rows.get_mut(index) {
                if field == "name" {
                    row.name = value;
                } else {
                    row.template = value.replace(['\n', '\r'], "");
                }
            }
            draft.set(rows);
        })
    };
    let remove = |index: usize| {
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            let mut rows = (*draft).clone();
            if index < rows.len() {
                rows.remove(index);
            }
            draft.set(rows);
        })
    };
    let add = |name: &'static str, template: &'static str| {
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            let mut rows: Vec<LinkTemplate> =
                draft.iter().filter(|t| !(t.name.trim().is_empty() && t.template.trim().is_empty())).cloned().collect();
            if rows.len() < MAX_TEMPLATES {
                rows.push(LinkTemplate { name: name.to_string(), template: template.to_string() });
            }
            draft.set(rows);
        })
    };
    let save = {
        let draft = draft.clone();
        let on_save = props.on_save.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| {
            on_save.emit((*draft).clone());
            on_close.emit(());
        })
    };
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let onkeydown = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.stop_propagation();
                on_close.emit(());
            }
        })
    };
    let context = sample_context();
    let rows = draft.iter().enumerate().map(|(i, t)| {
        let problem = problems.get(i).cloned().flatten();
        let example = if problem.is_none() { expand(t.template.trim(), &context) } else { None };
        html! {
            <li class={classes!("link-template", problem.is_some().then_some("invalid"))}>
                <div class="link-template-fields">
                    <input type="text" class="link-template-name" placeholder="Name (the link's text)" aria-label="Link name"
                           value={t.name.clone()} oninput={edit(i, "name")} />
                    <textarea class="link-template-url mono" rows="2" spellcheck="false" aria-label="URL template"
                              placeholder="https://logs.example.com/search?q={trace_id}&from={start}&to={end}"
                              value={t.template.clone()} oninput={edit(i, "template")} />
                    <button type="button" class="btn small" onclick={remove(i)} aria-label={format!("Remove link {}", i + 1)}>{ "Remove" }</button>
                </div>
                if let Some(problem) = problem {
                    <p class="link-template-problem" role="alert">{ problem }</p>
                } else if let Some(url) = example {
                    <p class="link-template-example">{ "e.g. " }<span class="mono">{ url }</span></p>
                }
            </li>
        }
    });
    let examples = EXAMPLES.iter().map(|(name, template, note)| {
        html! {
            <li>
                <button type="button" class="btn small" onclick={add(name, template)}>{ format!("Add “{name}”") }</button>
                <span class="muted">{ format!(" {note}") }</span>
            </li>
        }
    });
    html! {
        <div class="dialog-overlay" onkeydown={onkeydown}>
            <div class="dialog link-settings" role="dialog" aria-modal="true" aria-labelledby="link-settings-title">
                <h3 id="link-settings-title">{ "Links to your log tool" }</h3>
                <p class="dialog-intro">
                    { "Each template becomes a link in the span details and the Logs tab, filled in from the span (or the trace): " }
                    <code>{ "{trace_id}" }</code>{ ", " }<code>{ "{span_id}" }</code>{ ", " }<code>{ "{service}" }</code>{ ", " }
                    <code>{ "{start}" }</code>{ " and " }<code>{ "{end}" }</code>{ " (epoch milliseconds; " }
                    <code>{ "{start_iso}" }</code>{ ", " }<code>{ "{end_iso}" }</code>{ ", " }<code>{ "{start_ns}" }</code>{ ", " }<code>{ "{end_ns}" }</code>
                    { " too). Values are URL-encoded; write {{ and }} for literal braces. Only http:// and https:// links are made. The templates are kept in this browser's local storage, never in the page address." }
                </p>
                <ol class="link-templates">{ for rows }</ol>
                <div class="dialog-row">
                    <button type="button" class="btn small" onclick={add("", "")}>{ "Add a link" }</button>
                </div>
                <h4>{ "Examples" }</h4>
                <ul class="link-examples">{ for examples }</ul>
                <div class="dialog-actions">
                    <button type="button" class="btn primary" onclick={save} disabled={!can_save}>{ "Save" }</button>
                    <button type="button" class="btn" onclick={close}>{ "Cancel" }</button>
                </div>
            </div>
        </div>
    }
}
