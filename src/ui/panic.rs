//! A panic hook that replaces the blank page a WASM panic would leave with a visible banner
//! saying what failed and how to report it.

use std::panic::PanicHookInfo;

pub fn install() {
    std::panic::set_hook(Box::new(|info: &PanicHookInfo<'_>| {
        let message = describe(info);
        web_sys::console::error_1(&format!("Strand panicked: {message}").into());
        show_banner(&message);
    }));
}

fn describe(info: &PanicHookInfo<'_>) -> String {
    let payload = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown error".to_string());
    match info.location() {
        Some(loc) => format!("{payload} (at {}:{})", loc.file(), loc.line()),
        None => payload,
    }
}

/// Shows the error banner (the element `#panic-banner` of index.html, created if missing).
/// Text only: nothing is inserted as HTML.
pub fn show_banner(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let banner = match document.get_element_by_id("panic-banner") {
        Some(el) => el,
        None => {
            let Ok(el) = document.create_element("div") else { return };
            el.set_id("panic-banner");
            if let Some(body) = document.body() {
                let _ = body.append_child(&el);
            }
            el
        }
    };
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.remove_attribute("hidden");
    banner.set_text_content(Some(&format!(
        "Strand stopped because of an internal error: {message}. \
         The page cannot continue; reload it to start again. Your files were not changed. \
         Please report this with the file you loaded (or a description of it) and this message \
         to the Strand issue tracker."
    )));
}
