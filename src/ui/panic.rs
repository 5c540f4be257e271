//! A panic hook that replaces the blank page a WASM panic would leave with a visible banner
//! saying what failed and how to report it.

use std::panic::PanicHookInfo;

pub fn install() {
    std::panic::set_hook(Box::new(|info: &PanicHookInfo<'_>| {
        let location = info.location().map(|loc| format!("{}:{}:{}", loc.file(), loc.line(), loc.column()));
        report(&payload_text(info), location.as_deref());
    }));
}

fn payload_text(info: &PanicHookInfo<'_>) -> String {
    info.payload()
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown error".to_string())
}

/// What the hook does with a panic: logs it to the console and shows the banner. Returns the
/// message shown. Public so that the banner can be tested without panicking (a panic aborts the
/// WASM module, so a test cannot survive a real one).
pub fn report(payload: &str, location: Option<&str>) -> String {
    let message = match location {
        Some(location) => format!("{payload} (at {location})"),
        None => payload.to_string(),
    };
    web_sys::console::error_1(&format!("Strand panicked: {message}").into());
    show_banner(&message);
    message
}

/// Shows the error banner (the element `#panic-banner` of index.html, created if missing).
/// Text only: nothing is inserted as HTML.
pub fn show_banner(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let banner = match document.get_element_by_id("panic-banner") {
        Some(el) => el,
        None => {
            let Ok(el) = document.create_element("div") else {
                return;
            };
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
         Please report this to the Strand issue tracker with this message, the Strand version \
         ({version}), your browser, and the file you loaded (or a description of it).",
        version = env!("CARGO_PKG_VERSION"),
    )));
}
