//! Writes the diagnosis benchmark's data as files for the browser benchmark
//! (`bench/diagnosis.mjs`): `cargo run --release --example diagnosis_data -- OUT_DIR`.
//!
//! - `ranking.otlp.jsonl`: 1,000 synthetic traces of 100 spans (100k spans), each span with the
//!   eight extra attributes of `strand_testkit::bench_data::enrich`, one trace per line;
//! - `compare.otlp.jsonl`: 2,000 synthetic traces of 100 spans (1,000 against 1,000);
//! - `loops.otlp.json`: one trace of about a million spans made of loops (folding).
//!
//! The same data as `cargo bench --bench diagnosis`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use std::io::Write;
use strand_model::Dataset;
use strand_testkit::bench_data::{dataset, enrich, loop_trace};
use strand_view::export::{otlp_json, JsonStyle};

fn write_lines(data: &Dataset, path: &std::path::Path) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    for trace in &data.traces {
        out.write_all(otlp_json(&data.strings, trace, JsonStyle::Compact).as_bytes()).expect("write");
        out.write_all(b"\n").expect("write");
    }
    out.flush().expect("flush");
    println!("wrote {}", path.display());
}

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "bench/out".to_string()));
    std::fs::create_dir_all(&dir).expect("out dir");
    let mut ranking = dataset(1000, 100, 1);
    enrich(&mut ranking);
    write_lines(&ranking, &dir.join("ranking.otlp.jsonl"));
    write_lines(&dataset(2000, 100, 10_001), &dir.join("compare.otlp.jsonl"));
    write_lines(&loop_trace(), &dir.join("loops.otlp.json"));
}
