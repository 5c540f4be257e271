//! What the importers' snapshot tests share: a document loaded into an empty dataset, written as
//! the canonical dump followed by the load's notes, or the error.

use crate::{AssembleOptions, Format};
use expect_test::Expect;
use strand_model::Dataset;

/// Loads `json` (read as `format` when given, else detected) and compares the dump and one
/// `note:` line per note (or `error: …`) with `expect`. With `detected`, the format detection
/// found must be that one.
pub(crate) fn check_load(json: &str, format: Option<Format>, detected: Option<Format>, expect: Expect) {
    let mut data = Dataset::new();
    let got = match crate::load(&mut data, json.as_bytes(), "t.json", format, &AssembleOptions::default()) {
        Ok((found, summary)) => {
            if let Some(detected) = detected {
                assert_eq!(found, detected, "detected format");
            }
            let mut out = strand_model::dump::dump_dataset(&data);
            for note in &summary.notes {
                out.push_str(&format!("note: {note}\n"));
            }
            out
        }
        Err(e) => format!("error: {e}\n"),
    };
    expect.assert_eq(&got);
}
