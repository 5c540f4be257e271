//! Format detection on arbitrary bytes: must return, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let bytes = strand::formats::detect::strip_bom(data);
    let _ = strand::formats::detect::detect(bytes);
});
