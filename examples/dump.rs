//! Prints the canonical dump of files: `cargo run --example dump -- FILE...` (a development aid).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly
fn main() {
    let mut data = strand_model::Dataset::new();
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        if let Err(e) = strand_formats::load(&mut data, &bytes, &path, None, &Default::default()) {
            eprintln!("{e}");
        }
    }
    print!("{}", strand_model::dump::dump_dataset(&data));
}
