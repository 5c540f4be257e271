//! Reading files the user dropped or picked, in the browser. Bytes go to the reducer, which
//! imports them; reading failures become notices.

use super::state::Action;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::Callback;

/// Reads every file of a `FileList`, one after the other, and dispatches each.
pub fn read_files(files: web_sys::FileList, dispatch: Callback<Action>) {
    let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
    wasm_bindgen_futures::spawn_local(async move {
        for file in files {
            let name = file.name();
            super::perf::mark("strand:read:start");
            match read_bytes(&file).await {
                Ok(bytes) => {
                    super::perf::measure_since("strand:read", "strand:read:start");
                    dispatch.emit(Action::Load { file: name, bytes });
                }
                Err(error) => dispatch.emit(Action::ReadFailed { file: name, error }),
            }
        }
    });
}

async fn read_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(|e| describe_js_error(&e))?;
    let buffer: js_sys::ArrayBuffer = buffer.dyn_into().map_err(|_| "the browser returned no data".to_string())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

fn describe_js_error(e: &wasm_bindgen::JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown browser error (the file may be too large for this tab)".to_string())
}
