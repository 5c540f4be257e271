//! The app binary. Built for wasm32 by Trunk, it mounts the Yew UI; natively it only explains
//! itself (the native entry points are the tests and `strand-cli`).
//!
//! The same WebAssembly module also runs in the import worker (`static/worker.js`): there `main`
//! (which wasm-bindgen runs on every instantiation) does nothing, and the worker calls
//! `strand_worker_job` for each file.

#[cfg(target_arch = "wasm32")]
fn main() {
    if strand::ui::in_worker() {
        return;
    }
    strand::ui::start();
}

/// The import worker's entry point: parses one file (see `strand::ui::worker`).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub async fn strand_worker_job(job: wasm_bindgen::JsValue) {
    strand::ui::run_worker_job(job).await;
}

/// One step of the import worker's warm-up (see `strand::ui::worker::warm_up`).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn strand_worker_warm(step: u32) -> bool {
    strand::ui::warm_worker(step)
}

/// Starts the import worker's helper (see `strand::ui::worker_parts`).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn strand_worker_helper() {
    strand::ui::start_worker_helper();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Strand runs in the browser: build and serve it with scripts/run.sh (see README.md).");
}
