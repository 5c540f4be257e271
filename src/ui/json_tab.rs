//! The JSON tab: the trace as read, written back as OTLP JSON by `view::export` (Strand keeps
//! the model, not the file's bytes). Shows the first ~200 KB of the pretty text and offers the
//! whole document as a download, assembled from chunks into a Blob, or on the clipboard; all
//! three masked as the masking setting says (`outbound`).

use super::outbound::{use_outbound, MaskPicker, MaskPreviewPanel};
use super::store::DataHandle;
use strand_view::export::{
    download_name, download_style, text_preview, write, ExportFormat, ExportOptions, ExportScope, JsonStyle,
    PRETTY_DOWNLOAD_MAX_SPANS,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct JsonTabProps {
    pub data: DataHandle,
    pub trace_index: usize,
}

/// How much pretty text the page shows.
const PREVIEW_BYTES: usize = 200 * 1024;
/// Size of the pieces the download is built from (JavaScript strings, joined by the Blob).
const CHUNK_BYTES: usize = 4 << 20;

#[function_component(JsonTab)]
pub fn view(props: &JsonTabProps) -> Html {
    let outbound = use_outbound();
    // The rules in force; a custom list that does not read masks nothing until it is fixed (the
    // picker says why, and the buttons wait).
    let mask = outbound.mask.mask();
    let key = (props.data.generation, props.trace_index, mask.as_ref().map(|m| m.spec()).ok());
    let shown = use_memo(key, {
        let data = props.data.clone();
        let mask = mask.clone().unwrap_or_default();
        move |&(_, i, _)| {
            let data = data.borrow();
            let options = ExportOptions { style: JsonStyle::Pretty, mask: mask.clone() };
            data.traces.get(i).map(|t| {
                let text = text_preview(ExportFormat::Otlp, &data.strings, &[t], &options, PREVIEW_BYTES);
                (text, download_name(&data.strings, t), download_style(t))
            })
        }
    });
    let failed = use_state_eq(|| None::<String>);
    let copied = use_state_eq(|| false);
    let Some((text, file_name, style)) = shown.as_ref().as_ref() else {
        return html! { <div class="json-tab"></div> };
    };
    let masked = mask.as_ref().is_ok_and(|m| !m.is_empty());
    let ready = mask.is_ok();

    // The whole document, masked, in chunks.
    let chunks = {
        let data = props.data.clone();
        let trace_index = props.trace_index;
        let mask = mask.clone().unwrap_or_default();
        move || {
            let data = data.borrow();
            let trace = data.traces.get(trace_index)?;
            let options = ExportOptions { style: download_style(trace), mask: mask.clone() };
            let parts = js_sys::Array::new();
            write(ExportFormat::Otlp, &data.strings, &[trace], &options, CHUNK_BYTES, &mut |chunk| {
                parts.push(&JsValue::from_str(&chunk));
                true
            });
            Some((parts, download_name(&data.strings, trace)))
        }
    };
    let on_download = {
        let failed = failed.clone();
        let chunks = chunks.clone();
        Callback::from(move |_: MouseEvent| {
            let Some((parts, name)) = chunks() else { return };
            match super::download::save(&parts, &name, "application/json") {
                Ok(()) => failed.set(None),
                Err(e) => failed.set(Some(e)),
            }
        })
    };
    let on_copy = {
        let failed = failed.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            let (Some((parts, _)), Some(window)) = (chunks(), web_sys::window()) else { return };
            let text = parts.join("");
            let promise = window.navigator().clipboard().write_text(&String::from(text));
            let failed = failed.clone();
            let copied = copied.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match JsFuture::from(promise).await {
                    Ok(_) => copied.set(true),
                    Err(_) => failed.set(Some("the browser did not allow writing to the clipboard".to_string())),
                }
            });
        })
    };

    html! {
        <div class="json-tab">
            <div class="json-toolbar">
                <button class="btn primary json-download" onclick={on_download} disabled={!ready}>{ format!("Download {file_name}") }</button>
                <button class="btn json-copy" onclick={on_copy} disabled={!ready}>{ if *copied { "Copied" } else { "Copy JSON" } }</button>
                <details class="json-mask">
                    <summary>{ if masked { format!("Masking: {}", outbound.mask.mode.label()) } else { "Masking: off".to_string() } }</summary>
                    <MaskPicker id="json" />
                    <MaskPreviewPanel data={props.data.clone()} scope={ExportScope::Trace(props.trace_index)} format={ExportFormat::Otlp} />
                </details>
                <p class="json-note">
                    { "The trace as read, in OTLP JSON. Strand keeps the spans it read, not the file's bytes, so this is written back from them: ids, times, attributes, events, links, resources and scopes are as read. Jaeger references become links with opentracing.ref_type, and times are the file's, without the clock-skew shifts Strand applies for display." }
                    if masked {
                        { " Values the masking rules cover are masked in the text, the download and the copy." }
                    }
                    if *style == JsonStyle::Compact {
                        { format!(" Traces over {PRETTY_DOWNLOAD_MAX_SPANS} spans download as compact JSON.") }
                    }
                </p>
            </div>
            if let Some(error) = failed.as_ref() {
                <p class="notice notice-error" role="alert">{ format!("The download could not be started: {error}") }</p>
            }
            if text.truncated {
                <p class="json-truncated">{ format!("Showing the first {} KB; the download has all of it.", text.text.len() / 1024) }</p>
            }
            <pre class="json-text" tabindex="0" aria-label="The trace as OTLP JSON">{ &text.text }</pre>
        </div>
    }
}
