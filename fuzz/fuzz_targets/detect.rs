//! Format detection on arbitrary bytes: must return, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let bytes = strand_formats::detect::strip_bom(data);
    let _ = strand_formats::detect::detect(bytes);
});
