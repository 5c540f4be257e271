//! The whole pipeline as the app runs it: detection, import, assembly (with and without
//! clock-skew adjustment), then the per-trace analysis every trace page computes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    strand_fuzz_common::run(data, None);
});

#[path = "common.rs"]
mod strand_fuzz_common;
