//! The import worker's hand-over: for every sample (and every log fixture), importing and
//! assembling on the side, encoding, decoding into the page's dataset and merging gives the same
//! model as loading the file directly (compared by the canonical dump, log lines included), one
//! file at a time and all files together, logs loaded before or after their traces.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use strand_formats::{self as formats, AssembleOptions, Imported};
use strand_model::dump::dump_dataset;
use strand_model::{transfer, Dataset, Interner};

fn samples() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("../shared/samples exists beside the repository")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") || n.ends_with(".jsonl"))
        .collect();
    names.sort();
    assert!(names.len() >= 20, "samples found: {}", names.len());
    names.into_iter().map(|n| (n.clone(), std::fs::read(dir.join(&n)).expect("readable"))).collect()
}

/// The log fixtures (one per log shape), all about the HotROD sample trace.
fn log_fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/logs")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("hotrod."))
        .collect();
    names.sort();
    assert!(names.len() >= 7, "log fixtures found: {}", names.len());
    names.into_iter().map(|n| (n.clone(), std::fs::read(dir.join(&n)).expect("readable"))).collect()
}

/// What the worker and the page do together.
fn load_via_transfer(data: &mut Dataset, bytes: &[u8], name: &str, options: &AssembleOptions) {
    let mut worker = Interner::new();
    let (_, imported) = formats::import_assembled(bytes, name, None, &mut worker, options).expect("sample imports");
    let encoded = transfer::encode(&worker, &imported.traces, &imported.dependencies, &imported.notes);
    let decoded = transfer::decode_slice(&encoded, &mut data.strings).expect("decodes");
    let imported = Imported { traces: decoded.traces, dependencies: decoded.dependencies, notes: decoded.notes };
    formats::merge_assembled(data, imported, options);
}

#[test]
fn every_sample_round_trips_through_the_worker_encoding() {
    for skew in [true, false] {
        let options = AssembleOptions { adjust_clock_skew: skew };
        let mut all_direct = Dataset::new();
        let mut all_transferred = Dataset::new();
        for (name, bytes) in samples().into_iter().chain(log_fixtures()) {
            let mut direct = Dataset::new();
            formats::load(&mut direct, &bytes, &name, None, &options).expect("sample loads");
            let mut transferred = Dataset::new();
            load_via_transfer(&mut transferred, &bytes, &name, &options);
            assert_eq!(dump_dataset(&transferred), dump_dataset(&direct), "{name} (skew {skew})");

            formats::load(&mut all_direct, &bytes, &name, None, &options).expect("sample loads");
            load_via_transfer(&mut all_transferred, &bytes, &name, &options);
        }
        // Loading more files merges into what is loaded, including traces seen before.
        let (name, bytes) = samples().into_iter().next().expect("a sample");
        formats::load(&mut all_direct, &bytes, &name, None, &options).expect("sample loads");
        load_via_transfer(&mut all_transferred, &bytes, &name, &options);
        assert_eq!(dump_dataset(&all_transferred), dump_dataset(&all_direct), "all samples (skew {skew})");
    }
}

#[test]
fn log_lines_round_trip_whether_they_come_before_or_after_their_traces() {
    let options = AssembleOptions::default();
    let hotrod = samples().into_iter().filter(|(n, _)| n.contains("hotrod")).collect::<Vec<_>>();
    for order in [[log_fixtures(), hotrod.clone()], [hotrod.clone(), log_fixtures()]] {
        let mut direct = Dataset::new();
        let mut transferred = Dataset::new();
        for (name, bytes) in order.iter().flatten() {
            formats::load(&mut direct, bytes, name, None, &options).expect("loads");
            load_via_transfer(&mut transferred, bytes, name, &options);
        }
        assert_eq!(dump_dataset(&transferred), dump_dataset(&direct));
        let counts = direct.log_counts();
        // 19 at spans: the Elasticsearch answer holds one of the ECS file's lines, added once.
        assert!(counts.span >= 19 && counts.trace_only >= 1 && counts.none >= 2, "{counts:?}");
    }
}
