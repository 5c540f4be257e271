//! Native import benchmark: throughput (MB/s) of decoding and of assembly, and the model's real
//! memory per span (measured by a counting allocator), for synthetic traces of 10k, 100k and 1M
//! spans in Jaeger, Zipkin and OTLP JSON.
//!
//!     cargo bench --bench import                 # 10k, 100k, 1M
//!     cargo bench --bench import -- 10000 100000 # chosen sizes
//!
//! Times are medians over the runs (7 up to 10k spans, 5 up to 100k, 3 above). Prints a table and
//! writes bench/out/native-import.json.
#![allow(clippy::disallowed_methods)]
// a benchmark measures time: native only
// Benchmark code: a failure should panic loudly. A counting global allocator needs
// `unsafe impl GlobalAlloc`; it only forwards to `System`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, unsafe_code)]

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::{Counting, CURRENT, PEAK};
use std::sync::atomic::Ordering;
use std::time::Instant;
use strand_formats::synth::{synthesize, SynthFormat};
use strand_formats::{self as formats, AssembleOptions, Format};
use strand_model::Dataset;

#[global_allocator]
static ALLOC: Counting = Counting;

struct Row {
    spans: usize,
    format: &'static str,
    json_mb: f64,
    decode_s: f64,
    assemble_s: f64,
    total_s: f64,
    model_bytes: usize,
    peak_extra_bytes: usize,
}

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![10_000, 100_000, 1_000_000] } else { sizes };
    let mut rows = Vec::new();
    for &n in &sizes {
        for (synth, format, name) in [
            (SynthFormat::Jaeger, Format::Jaeger, "jaeger"),
            (SynthFormat::Zipkin, Format::Zipkin, "zipkin"),
            (SynthFormat::Otlp, Format::Otlp, "otlp"),
        ] {
            let json = synthesize(synth, n, 42);
            let runs = if n > 100_000 {
                3
            } else if n > 10_000 {
                5
            } else {
                7
            };
            let mut decode = Vec::new();
            let mut assemble = Vec::new();
            let mut total = Vec::new();
            let mut model_bytes = 0;
            let mut peak_extra = 0;
            for _ in 0..runs {
                let before = CURRENT.load(Ordering::Relaxed);
                PEAK.store(before, Ordering::Relaxed);
                let mut data = Dataset::new();
                let t0 = Instant::now();
                let (_, imported) = formats::import(json.as_bytes(), "synth.json", Some(format), &mut data.strings)
                    .expect("synthetic traces import");
                let t1 = Instant::now();
                formats::merge(&mut data, imported, &AssembleOptions::default());
                let t2 = Instant::now();
                assert_eq!(data.span_count(), n);
                decode.push((t1 - t0).as_secs_f64());
                assemble.push((t2 - t1).as_secs_f64());
                total.push((t2 - t0).as_secs_f64());
                model_bytes = CURRENT.load(Ordering::Relaxed).saturating_sub(before);
                peak_extra = PEAK.load(Ordering::Relaxed).saturating_sub(before);
                drop(data);
            }
            let row = Row {
                spans: n,
                format: name,
                json_mb: json.len() as f64 / 1e6,
                decode_s: median(&mut decode),
                assemble_s: median(&mut assemble),
                total_s: median(&mut total),
                model_bytes,
                peak_extra_bytes: peak_extra,
            };
            print_row(&row, rows.is_empty());
            rows.push(row);
        }
    }
    write_json(&rows);
}

fn median(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn print_row(r: &Row, header: bool) {
    if header {
        println!(
            "{:>9} {:>7} {:>9} {:>10} {:>9} {:>11} {:>9} {:>11} {:>10} {:>11}",
            "spans",
            "format",
            "JSON MB",
            "decode s",
            "MB/s",
            "assemble s",
            "total s",
            "model MB",
            "B/span",
            "model/JSON"
        );
    }
    println!(
        "{:>9} {:>7} {:>9.1} {:>10.3} {:>9.0} {:>11.3} {:>9.3} {:>11.1} {:>10.0} {:>11.2}",
        r.spans,
        r.format,
        r.json_mb,
        r.decode_s,
        r.json_mb / r.decode_s,
        r.assemble_s,
        r.total_s,
        r.model_bytes as f64 / 1e6,
        r.model_bytes as f64 / r.spans as f64,
        r.model_bytes as f64 / (r.json_mb * 1e6),
    );
}

fn write_json(rows: &[Row]) {
    let mut out = String::from("[\n");
    for (i, r) in rows.iter().enumerate() {
        out.push_str(&format!(
            "  {{\"spans\": {}, \"format\": \"{}\", \"json_bytes\": {}, \"decode_s\": {:.6}, \"decode_mb_per_s\": {:.1}, \"assemble_s\": {:.6}, \"model_bytes\": {}, \"model_bytes_per_span\": {:.1}, \"peak_extra_bytes\": {}}}{}\n",
            r.spans,
            r.format,
            (r.json_mb * 1e6) as u64,
            r.decode_s,
            r.json_mb / r.decode_s,
            r.assemble_s,
            r.model_bytes,
            r.model_bytes as f64 / r.spans as f64,
            r.peak_extra_bytes,
            if i + 1 < rows.len() { "," } else { "" }
        ));
    }
    out.push_str("]\n");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/out");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("native-import.json");
    match std::fs::write(&path, out) {
        Ok(()) => println!("wrote {}", path.display()),
        Err(e) => eprintln!("could not write {}: {e}", path.display()),
    }
}
