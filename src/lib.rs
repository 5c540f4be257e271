//! Strand's app: the Yew UI (`ui`, compiled for wasm32 only) over the pure core crates
//! (`strand-model`, `-formats`, `-analysis`, `-view`, `-sources`, `-app` in `crates/`).
//! The only part of Strand that touches the browser. See ARCHITECTURE.md.

#[cfg(target_arch = "wasm32")]
pub mod ui;
