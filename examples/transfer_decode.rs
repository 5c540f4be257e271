//! How long the worker's encode and the page's decode of a hand-over take, natively, and the
//! encode in pieces that keeping the workspace does (not a test):
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
    let times: Vec<f64> = (0..runs)
        .map(|_| {
            let mut strings = Interner::new();
            let t0 = Instant::now();
            let decoded = transfer::decode_slice(&bytes, &mut strings).expect("decodes");
            let t = t0.elapsed().as_secs_f64();
            std::hint::black_box(decoded);
            t
        })
        .collect();
    let median = |mut times: Vec<f64>| {
        times.sort_by(f64::total_cmp);
        times[runs / 2] * 1e3
    };
    let decode = median(times);
    let encode = median(
        (0..runs)
            .map(|_| {
                let t0 = Instant::now();
                let out = transfer::encode(&worker, &imported.traces, &imported.dependencies, &imported.notes);
                let t = t0.elapsed().as_secs_f64();
                std::hint::black_box(out);
                t
            })
            .collect(),
    );
    let refs: Vec<&strand_model::Trace> = imported.traces.iter().collect();
    let pieces = median(
        (0..runs)
            .map(|_| {
                let mut total = 0usize;
                let t0 = Instant::now();
                transfer::Encoder::default()
                    .step(&worker, &refs, &imported.dependencies, u64::MAX, &mut |p| total += p.len());
                let t = t0.elapsed().as_secs_f64();
                std::hint::black_box(total);
                t
            })
            .collect(),
    );
    println!(
        "{spans} spans, encoding {:.1} MB: encode median {encode:.1} ms, in pieces {pieces:.1} ms, decode {decode:.1} ms ({runs} runs)",
        bytes.len() as f64 / 1e6,
    );
}
