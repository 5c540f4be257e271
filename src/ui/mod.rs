//! The browser layer: Yew components, file reading, the panic banner. The only module that
//! touches `web-sys`, `wasm-bindgen` and `yew`; compiled for wasm32 only. Components stay thin:
//! everything they show comes from `view` and `formats` functions.

pub mod app;
mod loader;
mod panic;

pub use panic::show_banner as show_error_banner;
pub mod perf;
mod analytics;
mod details;
mod flame;
mod help;
mod json_tab;
mod search_bar;
mod service_map;
mod sources;
mod spans_tab;
mod state;
mod stats_tab;
mod trace_page;
mod trace_table;
mod url;
mod waterfall;

/// Entry point of the app: installs the panic banner and mounts the root component.
pub fn start() {
    panic::install();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => panic::show_banner("the page has no element with id \"app\" to mount Strand into"),
    }
}
