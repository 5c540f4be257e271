//! Strand: a distributed-trace viewer. The library holds the whole core (model, formats,
//! analysis, view models, collector clients) as pure Rust that builds natively and for wasm32;
//! only `ui` (compiled for wasm32 alone) touches the browser. See ARCHITECTURE.md.

pub mod analysis;
pub mod cli;
pub mod demo;
pub mod formats;
pub mod model;
pub mod sources;
pub mod synth;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod ui;
