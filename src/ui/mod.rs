//! The browser layer: Yew components, the import worker, fetch, the panic banner. The only code
//! that touches `web-sys`, `wasm-bindgen`, `gloo` and `yew`; compiled for wasm32 only. The app
//! core (`strand_app`, run by `store`) decides; components render its snapshots and the view
//! models of `strand_view`, and dispatch what the user does.

pub mod app;
mod importer;
mod load_ui;
mod memory;
mod panic;
mod worker;
mod worker_parts;

pub use panic::report as report_panic;
pub use panic::show_banner as show_error_banner;
mod analytics;
mod charts;
mod compare;
mod compare_with;
mod copy_link;
mod details;
mod download;
mod export_menu;
mod fetch;
mod flame;
mod help;
mod hooks;
mod json_tab;
mod list_brush;
mod list_picks;
mod logs;
mod notices;
mod outbound;
mod outliers;
mod palette;
mod peers;
pub mod perf;
mod persist;
mod scatter;
mod search_bar;
mod service_map;
mod settings;
mod shell_state;
mod sources;
mod spans_tab;
mod stats_tab;
mod store;
mod trace_page;
mod trace_table;
mod traces_view;
mod url;
mod warm;
mod waterfall;

/// Resolves on a fresh task (a zero-delay timer), after the browser had a chance to render and
/// handle input.
pub(crate) async fn yield_to_browser() {
    gloo::timers::future::TimeoutFuture::new(0).await;
}

/// Whether this instance of the module runs in the import worker (then there is no page).
pub fn in_worker() -> bool {
    worker::in_worker()
}

/// The import worker's job handler (exported by `main.rs`).
pub async fn run_worker_job(job: wasm_bindgen::JsValue) {
    worker::run_job(job).await;
}

/// One step of the import worker's warm-up (exported by `main.rs`); false when done.
pub fn warm_worker(step: u32) -> bool {
    worker::warm_up(step)
}

/// Starts the import worker's helper for files imported in two parts (see `ui::worker_parts`).
pub fn start_worker_helper() {
    worker_parts::start_helper();
}

/// Entry point of the app: installs the panic banner and mounts the root component.
pub fn start() {
    panic::install();
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => panic::show_banner("the page has no element with id \"app\" to mount Strand into"),
    }
}
