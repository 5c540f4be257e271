//! Measures what a split, parallel import would gain, natively, along the app's two paths:
//!
//! - *whole*: one worker imports and assembles (`import_assembled`) and encodes; the page decodes
//!   and merges (`merge_assembled`).
//! - *split*: the scan cuts the document into PARTS parts; one thread per part imports it
//!   (`import_part`) and encodes it with its join facts; the page decodes each part, joins them
//!   (`join::Joiner`) and merges, which assembles.
//!
//! `cargo run --release --example split_import -- FORMAT SPANS [PARTS] [RUNS]` (FORMAT: jaeger or
//! otlp; PARTS 2, RUNS 5). Prints the median wall time of each path and checks that both give
//! the same canonical dump.
// Benchmark code: a failure should panic loudly; it measures time, natively only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::disallowed_methods)]

use std::time::Instant;
use strand_formats::join::{JoinFacts, Joiner};
use strand_formats::split::{self, Splitter};
use strand_formats::synth::{synthesize, SynthFormat};
use strand_formats::{self as formats, AssembleOptions, Imported};
use strand_model::dump::dump_dataset;
use strand_model::{transfer, Dataset, Interner};

fn whole(doc: &[u8]) -> Dataset {
    let options = AssembleOptions::default();
    let mut worker = Interner::new();
    let (_, imported) = formats::import_assembled(doc, "synth.json", None, &mut worker, &options).expect("imports");
    let bytes = transfer::encode(&worker, &imported.traces, &imported.dependencies, &imported.notes);
    let mut data = Dataset::new();
    let decoded = transfer::decode_slice(&bytes, &mut data.strings).expect("decodes");
    let imported = Imported { traces: decoded.traces, dependencies: decoded.dependencies, notes: decoded.notes };
    formats::merge_assembled(&mut data, imported, &options);
    data
}

fn split_parallel(doc: &[u8], parts: usize) -> Dataset {
    let target = (doc.len() / parts.max(1)) as u64 + 1;
    let mut splitter = Splitter::start(doc, doc.len() as u64, target, None).expect("splits");
    let mut cuts = splitter.feed(0, doc).expect("scan");
    let (last, tail) = splitter.finish(None).expect("tail");
    cuts.extend(last);
    let encoded: Vec<Vec<u8>> = std::thread::scope(|scope| {
        let handles: Vec<_> = cuts
            .iter()
            .map(|cut| {
                let splitter = &splitter;
                scope.spawn(move || {
                    let part = split::part_document(doc, splitter.head_end(), cut.body.clone(), tail).expect("part");
                    let spec = splitter.spec(cut);
                    let mut worker = Interner::new();
                    let (_, imported, facts) =
                        formats::import_part(&part, "synth.json", &mut worker, &spec).expect("part imports");
                    transfer::encode_with(
                        &worker,
                        &imported.traces,
                        &imported.dependencies,
                        &imported.notes,
                        &facts.encode(),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("part thread")).collect()
    });
    let mut data = Dataset::new();
    let mut joiner = Joiner::new(splitter.spec(&cuts[0]).proto_names);
    for bytes in encoded {
        let decoded = transfer::decode_slice(&bytes, &mut data.strings).expect("decodes");
        let facts = JoinFacts::decode(&decoded.extra).expect("facts");
        joiner.add(
            Imported { traces: decoded.traces, dependencies: decoded.dependencies, notes: decoded.notes },
            facts,
            &mut data.strings,
        );
    }
    let joined = joiner.finish(&mut data.strings).expect("joined");
    formats::merge(&mut data, joined, &AssembleOptions::default());
    data
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let format = args.first().and_then(|f| SynthFormat::parse(f)).unwrap_or(SynthFormat::Jaeger);
    let spans: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let parts: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(2);
    let runs: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(5);
    let doc = synthesize(format, spans, 42);
    assert_eq!(dump_dataset(&whole(doc.as_bytes())), dump_dataset(&split_parallel(doc.as_bytes(), parts)));
    let (mut t_whole, mut t_split) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t0 = Instant::now();
        std::hint::black_box(whole(doc.as_bytes()));
        t_whole.push(t0.elapsed().as_secs_f64());
        let t0 = Instant::now();
        std::hint::black_box(split_parallel(doc.as_bytes(), parts));
        t_split.push(t0.elapsed().as_secs_f64());
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "{spans} spans, {:.1} MB, {parts} parts, medians of {runs}: whole {:.3} s, split {:.3} s (load {})",
        doc.len() as f64 / 1e6,
        median(t_whole),
        median(t_split),
        load.split(' ').next().unwrap_or("?")
    );
}
