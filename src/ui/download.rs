//! Saving text the app made (exports) as a file: a temporary blob URL and a link click.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// Saves `parts` (JavaScript strings, concatenated) as `file_name` of type `mime`.
pub fn save(parts: &js_sys::Array, file_name: &str, mime: &str) -> Result<(), String> {
    let describe = |e: JsValue| e.as_string().unwrap_or_else(|| format!("{e:?}"));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(parts, &options).map_err(describe)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(describe)?;
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let link: HtmlAnchorElement =
        document.create_element("a").map_err(describe)?.dyn_into().map_err(|_| "not an anchor".to_string())?;
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    // Revoke once the browser has taken the blob.
    let revoke = Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&url);
    });
    window.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000).map_err(describe)?;
    Ok(())
}

/// Saves one string as a file.
pub fn save_text(text: &str, file_name: &str, mime: &str) -> Result<(), String> {
    save(&js_sys::Array::of1(&JsValue::from_str(text)), file_name, mime)
}
