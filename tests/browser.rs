//! Browser glue tests: run with `cargo test --target wasm32-unknown-unknown --test browser`
//! (wasm-bindgen-test in headless Chromium). Natively this file compiles to nothing.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use strand::ui::app::App;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

async fn next_tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().expect("window").set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[wasm_bindgen_test]
fn error_banner_shows_text_not_html() {
    strand::ui::show_error_banner("bad <b>thing</b>");
    let banner = document().get_element_by_id("panic-banner").expect("banner created");
    assert!(!banner.has_attribute("hidden"));
    let text = banner.text_content().unwrap_or_default();
    assert!(text.contains("bad <b>thing</b>"), "{text}");
    assert!(text.contains("report"), "{text}");
    assert_eq!(banner.children().length(), 0, "the message must not be parsed as HTML");
}

#[wasm_bindgen_test]
async fn app_mounts_and_loads_the_demo_trace() {
    let root = document().create_element("div").expect("div");
    document().body().expect("body").append_child(&root).expect("append");
    yew::Renderer::<App>::with_root(root.clone()).render();
    next_tick().await;
    assert!(root.text_content().unwrap_or_default().contains("Drop trace files here"));
    let demo_button = root
        .query_selector_all("button")
        .expect("buttons")
        .values()
        .into_iter()
        .filter_map(|n| n.ok())
        .filter_map(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(n).ok())
        .find(|b| b.text_content().unwrap_or_default().contains("Open the demo trace"))
        .expect("demo button");
    demo_button.click();
    // Loading is asynchronous (an import worker; here, where no worker.js is served, the worker
    // fails to start and the loader falls back to the main thread): wait for the waterfall.
    let mut grid = None;
    for _ in 0..500 {
        next_tick().await;
        grid = root.query_selector("[role=treegrid]").expect("query");
        if grid.is_some() {
            break;
        }
    }
    // The waterfall is a virtualized treegrid: it knows all 43 rows and shows those in view.
    let grid = grid.expect("the waterfall treegrid");
    assert_eq!(grid.get_attribute("aria-rowcount").as_deref(), Some("43"));
    let rendered = root.query_selector_all(".wf-row").expect("rows").length();
    assert!(rendered > 0 && rendered <= 43, "{rendered} rows rendered");
    let perf = web_sys::window().and_then(|w| w.performance()).expect("performance");
    assert!(perf.get_entries_by_name("strand:import").length() >= 1, "the import phase is measured");
}

#[wasm_bindgen_test]
fn a_panic_shows_what_failed_and_how_to_report_it() {
    // The hook the app installs at start; a real panic would abort the module (and this test), so
    // the hook's report is called as the hook calls it.
    let message = strand::ui::report_panic(
        "index out of bounds: the len is 3 but the index is 7",
        Some("src/view/flame.rs:42:9"),
    );
    assert_eq!(message, "index out of bounds: the len is 3 but the index is 7 (at src/view/flame.rs:42:9)");
    let banner = document().get_element_by_id("panic-banner").expect("banner shown");
    assert!(!banner.has_attribute("hidden"));
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    let text = banner.text_content().unwrap_or_default();
    assert!(text.contains("internal error: index out of bounds"), "what failed: {text}");
    assert!(text.contains("src/view/flame.rs:42:9"), "where: {text}");
    assert!(text.contains("reload"), "what to do: {text}");
    assert!(text.contains("report this to the Strand issue tracker"), "how to report: {text}");
    assert!(text.contains(env!("CARGO_PKG_VERSION")), "the version: {text}");
}
