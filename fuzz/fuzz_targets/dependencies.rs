//! The dependencies importer, forced (no detection), followed by assembly and per-trace analysis.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strand_formats::Format;

fuzz_target!(|data: &[u8]| {
    strand_fuzz_common::run(data, Some(Format::Dependencies));
});

#[path = "common.rs"]
mod strand_fuzz_common;
