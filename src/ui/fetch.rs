//! The thin fetch layer: performs one GET with gloo-net (the browser's `fetch`), a time limit
//! (an `AbortController` fired by a gloo timer) and optional headers, and reports what it saw.
//! Everything else (which request, what the answer means, how a failure is worded) is in
//! `strand_sources` and `strand_app::plan`.
//!
//! A failed `fetch` is a bare `TypeError` whether the host is down or CORS refused the answer.
//! To tell them apart the same URL is fetched again with `mode: "no-cors"`: if that resolves (an
//! opaque response) the server is up and refused CORS; if it fails too, the host is unreachable.

use gloo::timers::callback::Timeout;
use gloo_net::http::Request as HttpRequest;
use std::cell::Cell;
use std::rc::Rc;
use strand_sources::{Failure, Request, Response};
use web_sys::{AbortController, RequestMode};

/// Runs request plans in the page (`strand_app::plan::Fetch`) with a time limit per request.
pub struct BrowserFetch {
    pub timeout_ms: u32,
}

impl strand_app::plan::Fetch for BrowserFetch {
    async fn get(&self, request: &Request) -> Result<Response, Failure> {
        get(request, self.timeout_ms).await
    }
}

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
    let controller = AbortController::new().map_err(|_| Attempt::Failed)?;
    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let (controller, timed_out) = (controller.clone(), timed_out.clone());
        Timeout::new(timeout_ms, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let mut builder = HttpRequest::get(&request.url).mode(mode).abort_signal(Some(&controller.signal()));
    if with_headers {
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
    }
    // The body is read under the same time limit: a server that sends headers and then stalls
    // times out too.
    let result = match builder.send().await {
        Ok(response) => response.binary().await.map(|body| Response { status: response.status(), body }),
        Err(e) => Err(e),
    };
    timer.cancel();
    match result {
        Ok(response) => Ok(response),
        Err(_) if timed_out.get() => Err(Attempt::TimedOut),
        Err(_) => Err(Attempt::Failed),
    }
}

/// The page's origin, for CORS advice.
pub fn page_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// A `datetime-local` field's value (local time) as ms since the epoch.
pub fn local_datetime_ms(value: &str) -> Option<i64> {
    if value.trim().is_empty() {
        return None;
    }
    let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value)).get_time();
    ms.is_finite().then_some(ms as i64)
}
