//! The app binary. Built for wasm32 by Trunk, it mounts the Yew UI; natively it only explains
//! itself (the native entry points are the tests and `strand-cli`).

#[cfg(target_arch = "wasm32")]
fn main() {
    strand::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Strand runs in the browser: build and serve it with scripts/run.sh (see README.md).");
}
