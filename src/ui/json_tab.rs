//! The JSON tab: the trace as read, written back as OTLP JSON by `view::export` (Strand keeps
//! the model, not the file's bytes). Shows the first ~200 KB of the pretty text and offers the
//! whole document as a download, assembled from chunks into a Blob.

use super::store::DataHandle;
use strand_view::export::{
    download_name, download_style, preview, write_otlp_json, JsonStyle, PRETTY_DOWNLOAD_MAX_SPANS,
};
use wasm_bindgen::JsValue;
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
    let key = (props.data.generation, props.trace_index);
    let shown = use_memo(key, {
        let data = props.data.clone();
        move |&(_, i)| {
            let data = data.borrow();
            data.traces
                .get(i)
                .map(|t| (preview(&data.strings, t, PREVIEW_BYTES), download_name(&data.strings, t), download_style(t)))
        }
    });
    let failed = use_state_eq(|| None::<String>);
    let Some((text, file_name, style)) = shown.as_ref().as_ref() else {
        return html! { <div class="json-tab"></div> };
    };

    let on_download = {
        let data = props.data.clone();
        let trace_index = props.trace_index;
        let failed = failed.clone();
        Callback::from(move |_: MouseEvent| {
            let data = data.borrow();
            let Some(trace) = data.traces.get(trace_index) else {
                return;
            };
            let parts = js_sys::Array::new();
            write_otlp_json(&data.strings, trace, download_style(trace), CHUNK_BYTES, &mut |chunk| {
                parts.push(&JsValue::from_str(&chunk));
                true
            });
            match super::download::save(&parts, &download_name(&data.strings, trace), "application/json") {
                Ok(()) => failed.set(None),
                Err(e) => failed.set(Some(e)),
            }
        })
    };

    html! {
        <div class="json-tab">
            <div class="json-toolbar">
                <button class="btn primary json-download" onclick={on_download}>{ format!("Download {file_name}") }</button>
                <p class="json-note">
                    { "The trace as read, in OTLP JSON. Strand keeps the spans it read, not the file's bytes, so this is written back from them: ids, times, attributes, events, links, resources and scopes are as read. Jaeger references become links with opentracing.ref_type, and times are the file's, without the clock-skew shifts Strand applies for display." }
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
