//! Prints the canonical dump of files: `cargo run --example dump -- FILE...` (a development aid).
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
