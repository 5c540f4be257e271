//! The text_logs log importer (text lines of pattern layouts), forced (no detection), followed by assembly and the checks of
//! `common.rs` (log lines included).
#![no_main]

use libfuzzer_sys::fuzz_target;
use strand_formats::Format;

fuzz_target!(|data: &[u8]| {
    strand_fuzz_common::run(data, Some(Format::TextLogs));
});

#[path = "common.rs"]
mod strand_fuzz_common;
