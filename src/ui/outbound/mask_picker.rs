//! Choosing what exports mask (no masking, the default rules, or one's own rule list) and the
//! preview of what that masks in the data about to leave: values changed per rule and a few
//! before/after samples (`view::export::mask_preview`, which walks exactly what the writers mask).

use super::use_outbound;
use crate::ui::store::DataHandle;
use strand_app::mask_settings::{MaskMode, MaskSetting};
use strand_view::export::mask::DEFAULT_RULES;
use strand_view::export::{mask_preview, scope_traces, ExportFormat, ExportScope, Parts};
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// Before/after samples shown under the counts.
const SAMPLES: usize = 8;

#[derive(Properties, PartialEq)]
pub struct MaskPickerProps {
    /// Tells several pickers on one page apart (radio group names).
    pub id: &'static str,
}

#[function_component(MaskPicker)]
pub fn mask_picker(props: &MaskPickerProps) -> Html {
    let outbound = use_outbound();
    let setting = outbound.mask.clone();
    let choices = MaskMode::ALL.iter().map(|&mode| {
        let onchange = {
            let set_mask = outbound.set_mask.clone();
            let setting = setting.clone();
            Callback::from(move |_: Event| set_mask.emit(MaskSetting { mode, ..setting.clone() }))
        };
        html! {
            <label class="mask-choice">
                <input type="radio" name={format!("mask-{}", props.id)} value={mode.name()}
                       checked={setting.mode == mode} {onchange} />
                { format!(" {}", mode.label()) }
            </label>
        }
    });
    let on_rules = {
        let set_mask = outbound.set_mask.clone();
        let setting = setting.clone();
        Callback::from(move |e: InputEvent| {
            let Some(area) = e.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()) else { return };
            set_mask.emit(MaskSetting { custom: area.value(), ..setting.clone() });
        })
    };
    let error = setting.mask().err();
    html! {
        <div class="mask-picker" role="radiogroup" aria-label="Masking">
            { for choices }
            if setting.mode == MaskMode::Custom {
                <textarea class="mask-rules mono" rows="2" spellcheck="false" aria-label="Mask rules"
                          value={setting.custom.clone()} oninput={on_rules}
                          placeholder="defaults, -user.id, literals:sql.query, query:http.url, ip:*" />
                if let Some(error) = error {
                    <p class="mask-error" role="alert">{ error }</p>
                }
                <details class="mask-help">
                    <summary>{ "How rules are written" }</summary>
                    <ul>
                        <li><code>{ "KEY" }</code>{ " or a pattern (" }<code>{ "*.email" }</code>{ ", " }<code>{ "http.request.header.*" }</code>{ "): the whole value of matching keys becomes ***" }</li>
                        <li><code>{ "literals:PATTERN" }</code>{ ": SQL string and number literals become ?" }</li>
                        <li><code>{ "query:PATTERN" }</code>{ ": URL query values become ***" }</li>
                        <li><code>{ "ip:PATTERN" }</code>{ ": IP addresses inside values become ***" }</li>
                        <li><code>{ "-PATTERN" }</code>{ ": never mask matching keys; " }<code>{ "defaults" }</code>{ ": the default rules; " }<code>{ "none" }</code>{ ": forget the rules before it" }</li>
                        <li>{ "Log messages are masked under the key " }<code>{ "body" }</code>{ "." }</li>
                    </ul>
                </details>
            }
            if setting.mode != MaskMode::Off {
                <details class="mask-help">
                    <summary>{ "The default rules" }</summary>
                    <p class="mono mask-defaults">{ DEFAULT_RULES }</p>
                </details>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct MaskPreviewProps {
    pub data: DataHandle,
    pub scope: ExportScope,
    /// The preview counts only what this format writes.
    pub format: ExportFormat,
}

#[function_component(MaskPreviewPanel)]
pub fn mask_preview_panel(props: &MaskPreviewProps) -> Html {
    let outbound = use_outbound();
    let spec = outbound.mask.mask().map(|m| m.spec());
    let preview = use_memo((props.data.generation, props.scope, props.format, spec), {
        let data = props.data.clone();
        move |(_, scope, format, spec)| {
            let mask = strand_view::export::mask::Mask::parse(spec.as_ref().ok()?).ok()?;
            if mask.is_empty() {
                return None;
            }
            let data = data.borrow();
            let traces = scope_traces(&data, *scope);
            Some(mask_preview(&data.strings, &traces, &mask, Parts::written_by(*format), SAMPLES))
        }
    });
    let Some(preview) = preview.as_ref() else {
        return html! {};
    };
    let hits: Vec<_> = preview.rules.iter().filter(|r| r.values > 0).collect();
    let idle = preview.rules.len() - hits.len();
    html! {
        <div class="mask-preview" aria-live="polite">
            <p class="mask-total">
                if preview.values == 0 {
                    { "Nothing here matches the rules: the file is written as read." }
                } else {
                    { strand_model::format::counted(preview.values as u64, "value") }{ " will be masked." }
                }
            </p>
            if !hits.is_empty() {
                <table class="grid mask-rule-hits">
                    <thead><tr><th>{ "rule" }</th><th class="num">{ "values" }</th></tr></thead>
                    <tbody>
                        { for hits.iter().map(|r| html! {
                            <tr><td class="mono">{ &r.rule }</td><td class="num">{ r.values }</td></tr>
                        }) }
                    </tbody>
                </table>
            }
            if idle > 0 {
                <p class="muted">{ format!("{} change nothing here.", strand_model::format::counted(idle as u64, "other rule")) }</p>
            }
            if !preview.samples.is_empty() {
                <ul class="mask-samples">
                    { for preview.samples.iter().map(|s| html! {
                        <li>
                            <span class="mask-place">{ &s.place }</span>{ " " }<code>{ &s.key }</code>
                            <div class="mask-before-after mono">
                                <del title="before">{ &s.before }</del>{ " → " }<ins title="after">{ &s.after }</ins>
                            </div>
                        </li>
                    }) }
                </ul>
            }
        </div>
    }
}
