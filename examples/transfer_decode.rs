//! How long the page's decode of a worker's hand-over takes, natively (not a test):
//!   cargo run --release --example transfer_decode -- [SPANS] [RUNS]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::disallowed_methods)]

use std::time::Instant;
use strand_formats::synth::{synthesize, SynthFormat};
use strand_formats::AssembleOptions;
use strand_model::{transfer, Interner};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let spans: usize = args.first().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let runs: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(7);
    let doc = synthesize(SynthFormat::Jaeger, spans, 42);
    let mut worker = Interner::new();
    let (_, imported) =
        strand_formats::import_assembled(doc.as_bytes(), "synth.json", None, &mut worker, &AssembleOptions::default())
            .expect("imports");
    let bytes = transfer::encode(&worker, &imported.traces, &imported.dependencies, &imported.notes);
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let mut strings = Interner::new();
            let t0 = Instant::now();
            let decoded = transfer::decode_slice(&bytes, &mut strings).expect("decodes");
            let t = t0.elapsed().as_secs_f64();
            std::hint::black_box(decoded);
            t
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "{spans} spans, encoding {:.1} MB: decode median {:.1} ms ({} runs)",
        bytes.len() as f64 / 1e6,
        times[runs / 2] * 1e3,
        runs
    );
}
