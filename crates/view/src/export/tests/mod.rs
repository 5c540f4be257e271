//! The exporters: the OTLP writer's shapes (`otlp`), round trips of every sample through every
//! format Strand reads back (`roundtrip`), the Chrome trace checked against the Trace Event
//! Format (`chrome`), masking and its preview (`masking`).

mod chrome;
mod masking;
mod otlp;
mod roundtrip;

use strand_formats::{load, AssembleOptions};
use strand_model::Dataset;

pub(super) fn load_one(bytes: &[u8], file: &str) -> Dataset {
    let mut data = Dataset::new();
    load(&mut data, bytes, file, None, &AssembleOptions::default()).expect("the fixture loads");
    data
}

/// Every sample beside the repository, by name.
pub(super) fn samples() -> Vec<(String, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/samples/");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the samples folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") || n.ends_with(".jsonl"))
        .collect();
    names.sort();
    assert!(names.len() >= 20);
    names.into_iter().map(|n| (n.clone(), std::fs::read(format!("{dir}{n}")).expect("readable sample"))).collect()
}
