//! The Export menu of the trace page: the trace (or everything loaded) written as OTLP, OTLP logs,
//! Zipkin v2, Jaeger or Chrome trace event JSON by `view::export`, masked first as the masking
//! setting says, with the preview of what the mask changes; then downloaded as a file.

use super::download;
use super::outbound::{use_outbound, MaskPicker, MaskPreviewPanel};
use super::store::DataHandle;
use strand_view::export::{
    contents, scope_file_name, scope_traces, write, ExportFormat, ExportOptions, ExportScope, JsonStyle,
    PRETTY_DOWNLOAD_MAX_SPANS,
};
use wasm_bindgen::JsValue;
use yew::prelude::*;

/// Size of the pieces the download is built from (JavaScript strings, joined by the Blob).
const CHUNK_BYTES: usize = 4 << 20;

#[derive(Properties, PartialEq)]
pub struct ExportMenuProps {
    pub data: DataHandle,
    pub trace_index: usize,
}

#[function_component(ExportMenu)]
pub fn export_menu(props: &ExportMenuProps) -> Html {
    let open = use_state_eq(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let close = {
        let open = open.clone();
        Callback::from(move |()| open.set(false))
    };
    html! {
        <>
            <button type="button" class="btn small export-button" onclick={toggle} aria-expanded={open.to_string()}
                    title="Download this trace (or everything loaded) as OTLP, Zipkin, Jaeger or Chrome trace JSON, masked if you like">
                { "Export…" }
            </button>
            if *open {
                <ExportDialog data={props.data.clone()} trace_index={props.trace_index} on_close={close} />
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ExportDialogProps {
    data: DataHandle,
    trace_index: usize,
    on_close: Callback<()>,
}

#[function_component(ExportDialog)]
fn export_dialog(props: &ExportDialogProps) -> Html {
    let outbound = use_outbound();
    let format = use_state_eq(|| ExportFormat::Otlp);
    let all = use_state_eq(|| false);
    let outcome = use_state_eq(|| None::<Result<String, String>>);
    let scope = if *all { ExportScope::All } else { ExportScope::Trace(props.trace_index) };
    let summary = use_memo((props.data.generation, scope, *format), {
        let data = props.data.clone();
        move |&(_, scope, format)| {
            let data = data.borrow();
            let traces = scope_traces(&data, scope);
            (contents(format, &traces), scope_file_name(format, &data.strings, &traces))
        }
    });
    let (what, file_name) = (*summary).clone();
    let mask = outbound.mask.mask();

    let download = {
        let data = props.data.clone();
        let format = *format;
        let mask = mask.clone();
        let outcome = outcome.clone();
        let file_name = file_name.clone();
        Callback::from(move |_: MouseEvent| {
            let Ok(mask) = mask.clone() else { return };
            let data = data.borrow();
            let traces = scope_traces(&data, scope);
            let spans: usize = traces.iter().map(|t| t.spans.len()).sum();
            let style = if spans > PRETTY_DOWNLOAD_MAX_SPANS { JsonStyle::Compact } else { JsonStyle::Pretty };
            let options = ExportOptions { style, mask };
            let parts = js_sys::Array::new();
            write(format, &data.strings, &traces, &options, CHUNK_BYTES, &mut |chunk| {
                parts.push(&JsValue::from_str(&chunk));
                true
            });
            outcome.set(Some(
                download::save(&parts, &file_name, "application/json").map(|()| format!("Saved {file_name}.")),
            ));
        })
    };
    let formats = ExportFormat::ALL.iter().map(|&f| {
        let onchange = {
            let format = format.clone();
            let outcome = outcome.clone();
            Callback::from(move |_: Event| {
                format.set(f);
                outcome.set(None);
            })
        };
        html! {
            <label class="export-format">
                <input type="radio" name="export-format" value={f.name()} checked={*format == f} {onchange} />
                <span class="export-format-text">
                    <strong>{ f.label() }</strong>
                    <span class="muted">{ f.note() }</span>
                </span>
            </label>
        }
    });
    let scope_choice = |value: bool, label: &'static str| {
        let onchange = {
            let all = all.clone();
            let outcome = outcome.clone();
            Callback::from(move |_: Event| {
                all.set(value);
                outcome.set(None);
            })
        };
        html! {
            <label class="export-scope">
                <input type="radio" name="export-scope" value={if value { "all" } else { "trace" }} checked={*all == value} {onchange} />
                { format!(" {label}") }
            </label>
        }
    };
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let onkeydown = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_close.emit(());
            }
        })
    };
    let ready = what.is_some() && mask.is_ok();
    html! {
        <div class="dialog-overlay" {onkeydown}>
            <div class="dialog export-dialog" role="dialog" aria-modal="true" aria-labelledby="export-title">
                <div class="dialog-title-row">
                    <h3 id="export-title">{ "Export" }</h3>
                    <button type="button" class="details-close" aria-label="Close" onclick={close.clone()}>{ "×" }</button>
                </div>
                <fieldset class="export-section">
                    <legend>{ "What" }</legend>
                    { scope_choice(false, "This trace") }
                    { scope_choice(true, "Everything loaded (every trace; for OTLP logs also the lines that match no trace)") }
                </fieldset>
                <fieldset class="export-section">
                    <legend>{ "Format" }</legend>
                    { for formats }
                </fieldset>
                <fieldset class="export-section">
                    <legend>{ "Masking" }</legend>
                    <MaskPicker id="export" />
                    <MaskPreviewPanel data={props.data.clone()} {scope} format={*format} />
                </fieldset>
                <div class="dialog-actions export-actions">
                    <button type="button" class="btn primary export-download" onclick={download} disabled={!ready}>
                        { format!("Download {file_name}") }
                    </button>
                    <span class="muted export-contents">{
                        match &what {
                            Some(what) => format!("{what}{}", if outbound.mask.mask().is_ok_and(|m| !m.is_empty()) { ", masked" } else { "" }),
                            None => "Nothing to write in this format here.".to_string(),
                        }
                    }</span>
                </div>
                { outcome_line((*outcome).as_ref()) }
            </div>
        </div>
    }
}

fn outcome_line(outcome: Option<&Result<String, String>>) -> Html {
    match outcome {
        None => html! {},
        Some(Ok(text)) => html! { <p class="export-outcome" role="status">{ text }</p> },
        Some(Err(error)) => html! {
            <p class="notice notice-error" role="alert">{ format!("The download could not be started: {error}") }</p>
        },
    }
}
