//! The thin fetch layer: performs one GET with the browser's `fetch`, a time limit
//! (AbortController) and optional headers, and reports what it saw. Everything else (which
//! request, what the answer means, how a failure is worded) is in `strand_sources`.
//!
//! A failed `fetch` is a bare `TypeError` whether the host is down or CORS refused the answer.
//! To tell them apart the same URL is fetched again with `mode: "no-cors"`: if that resolves (an
//! opaque response) the server is up and refused CORS; if it fails too, the host is unreachable.

use std::cell::Cell;
use std::rc::Rc;
use strand_sources::{Failure, Request, Response};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, RequestInit, RequestMode};

/// The default time limit of one request; `?timeout=<ms>` in the address overrides it.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;

/// GETs `request`; any HTTP status is a `Response`, only transport problems are `Err`.
pub async fn get(request: &Request, timeout_ms: u32) -> Result<Response, Failure> {
    match attempt(request, RequestMode::Cors, true, timeout_ms).await {
        Ok(response) => Ok(response),
        Err(Attempt::TimedOut) => Err(Failure::Timeout { after_ms: timeout_ms }),
        Err(Attempt::Failed) => match attempt(request, RequestMode::NoCors, false, timeout_ms).await {
            Ok(_) => Err(Failure::CorsRefused),
            Err(_) => Err(Failure::Unreachable),
        },
    }
}

enum Attempt {
    TimedOut,
    Failed,
}

async fn attempt(
    request: &Request,
    mode: RequestMode,
    with_headers: bool,
    timeout_ms: u32,
) -> Result<Response, Attempt> {
    let window = web_sys::window().ok_or(Attempt::Failed)?;
    let controller = AbortController::new().map_err(|_| Attempt::Failed)?;
    let timed_out = Rc::new(Cell::new(false));
    let on_timeout = {
        let controller = controller.clone();
        let timed_out = timed_out.clone();
        Closure::once(move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            on_timeout.as_ref().unchecked_ref(),
            i32::try_from(timeout_ms).unwrap_or(i32::MAX),
        )
        .ok();
    let result = send(&window, request, mode, with_headers, &controller).await;
    if let Some(id) = timer {
        window.clear_timeout_with_handle(id);
    }
    drop(on_timeout);
    match result {
        Ok(response) => Ok(response),
        Err(_) if timed_out.get() => Err(Attempt::TimedOut),
        Err(_) => Err(Attempt::Failed),
    }
}

async fn send(
    window: &web_sys::Window,
    request: &Request,
    mode: RequestMode,
    with_headers: bool,
    controller: &AbortController,
) -> Result<Response, JsValue> {
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_mode(mode);
    init.set_signal(Some(&controller.signal()));
    if with_headers && !request.headers.is_empty() {
        let headers = web_sys::Headers::new()?;
        for (name, value) in &request.headers {
            headers.append(name, value)?;
        }
        init.set_headers(&headers);
    }
    let req = web_sys::Request::new_with_str_and_init(&request.url, &init)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&req)).await?.dyn_into()?;
    // The body is read under the same time limit: a server that sends headers and then stalls
    // times out too.
    let buffer = JsFuture::from(response.array_buffer()?).await?;
    let body = js_sys::Uint8Array::new(&buffer).to_vec();
    Ok(Response { status: response.status(), body })
}

/// The page's origin, for CORS advice.
pub fn page_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Local storage, if the browser allows it (private modes may not).
pub fn storage_get(key: &str) -> Option<String> {
    web_sys::window()?.local_storage().ok()??.get_item(key).ok()?
}

pub fn storage_set(key: &str, value: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(key, value);
    }
}

pub fn storage_remove(key: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.remove_item(key);
    }
}

/// A `datetime-local` field's value (local time) as ms since the epoch.
pub fn local_datetime_ms(value: &str) -> Option<i64> {
    if value.trim().is_empty() {
        return None;
    }
    let ms = js_sys::Date::new(&JsValue::from_str(value)).get_time();
    ms.is_finite().then_some(ms as i64)
}
