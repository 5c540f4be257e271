//! Prints the canonical dump of files: `cargo run --example dump -- FILE...` (a development aid).
fn main() {
    let mut data = strand::model::Dataset::new();
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        if let Err(e) = strand::formats::load(&mut data, &bytes, &path, None, &Default::default()) {
            eprintln!("{e}");
        }
    }
    print!("{}", strand::model::dump::dump_dataset(&data));
}
