//! Property tests: truncated and randomly mutated versions of every real sample (and of every log
//! fixture) are fed to detection and to every importer (auto-detected and forced). Whatever the
//! bytes, import must return `Ok` or a located `Err`, never panic or hang, and what it returns
//! must be usable by the rest of the pipeline (dump and view models). Deterministic: a
//! fixed-seed PRNG.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use strand_formats::{self as formats, AssembleOptions, Format, ImportError};
use strand_model::dump::dump_dataset;
use strand_model::Dataset;

/// The real samples, then the log fixtures (one per log shape).
fn samples() -> Vec<(String, Vec<u8>)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for (dir, min) in [(root.join("../shared/samples"), 20), (root.join("tests/fixtures/logs"), 7)] {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .expect("the samples and fixtures exist")
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json" || x == "jsonl" || x == "log"))
            .map(|p| {
                (p.file_name().unwrap_or_default().to_string_lossy().into_owned(), std::fs::read(&p).expect("read"))
            })
            .collect();
        files.sort();
        assert!(files.len() >= min, "{}", dir.display());
        out.extend(files);
    }
    out
}

/// Runs the whole pipeline on `bytes` with every format choice. Returns how many loads succeeded.
fn exercise(name: &str, bytes: &[u8]) -> usize {
    let mut ok = 0;
    for format in std::iter::once(None).chain(Format::ALL.into_iter().map(Some)) {
        let mut data = Dataset::new();
        match formats::load(&mut data, bytes, name, format, &AssembleOptions::default()) {
            Ok(_) => {
                ok += 1;
                let _ = dump_dataset(&data);
                for (i, trace) in data.traces.iter().enumerate() {
                    assert_eq!(trace.order.len(), trace.spans.len(), "{name}: tree order covers every span");
                    let _ = strand_view::span_list::warning_lines(&data.strings, trace, usize::MAX);
                    let _ = strand_view::trace_list::summarize(&data.strings, i, trace);
                    let filter = strand_view::logs::LogFilter::default();
                    let rows = strand_view::logs::trace_log_rows(&data.strings, trace, &filter);
                    assert_eq!(rows.rows.len(), trace.logs.len(), "{name}: every line is a row");
                }
                let _ = strand_view::logs::unmatched_logs(&data, &strand_view::logs::LogFilter::default());
            }
            Err(err) => check_error_is_located(name, &err),
        }
    }
    ok
}

fn check_error_is_located(name: &str, err: &ImportError) {
    let text = err.to_string();
    assert!(text.starts_with(name), "the error names the file: {text}");
    match err {
        ImportError::Syntax { line, .. } | ImportError::Truncated { line, .. } | ImportError::Shape { line, .. } => {
            assert!(*line >= 1, "{text}")
        }
        ImportError::Empty { .. } | ImportError::UnknownFormat { .. } => {}
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: [&[u8]; 16] = [
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b",",
    b":",
    b"null",
    b"-1",
    b"1e309",
    b"\"\\u0000\"",
    b"99999999999999999999999",
    b"\"\xff\xfe\"",
    b"{\"spans\":[]}",
    b"\"parentSpanId\":\"\"",
    b"[[[[[[[[",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = out.len().max(1);
        let at = rng.below(len);
        match rng.below(6) {
            0 => {
                if let Some(b) = out.get_mut(at) {
                    *b = rng.next() as u8;
                }
            }
            1 => {
                let end = (at + 1 + rng.below(64)).min(out.len());
                if at < end {
                    out.drain(at..end);
                }
            }
            2 => {
                let end = (at + 1 + rng.below(256)).min(out.len());
                if at < end {
                    let copy = out[at..end].to_vec();
                    let to = rng.below(out.len() + 1);
                    out.splice(to..to, copy);
                }
            }
            3 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                let at = at.min(out.len());
                out.splice(at..at, token.iter().copied());
            }
            4 => {
                // Replace a digit run with an extreme number.
                if let Some(pos) = out.iter().skip(at).position(|b| b.is_ascii_digit()) {
                    let start = at + pos;
                    let end = start + out[start..].iter().take_while(|b| b.is_ascii_digit()).count();
                    let extreme: &[u8] =
                        [b"-9223372036854775808".as_slice(), b"0", b"18446744073709551616", b"1.5e300"][rng.below(4)];
                    out.splice(start..end, extreme.iter().copied());
                }
            }
            _ => {
                // Swap the contents of two string literals' first bytes: ids into names and back.
                let a = rng.below(out.len().max(1));
                let b = rng.below(out.len().max(1));
                if a < out.len() && b < out.len() {
                    out.swap(a, b);
                }
            }
        }
    }
    out
}

#[test]
fn truncated_samples_never_panic() {
    for (name, bytes) in samples() {
        // Every structural point for small files; an even spread of 300 of them for large ones.
        let points: Vec<usize> = bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| matches!(b, b'{' | b'[' | b',' | b':' | b'"' | b'}' | b']'))
            .map(|(i, _)| i + 1)
            .collect();
        let step = (points.len() / 300).max(1);
        let mut failures_seen = 0;
        for &cut in points.iter().step_by(step) {
            let truncated = bytes.get(..cut).unwrap_or(&bytes);
            if exercise(&name, truncated) == 0 {
                failures_seen += 1;
            }
        }
        // Text log lines have no structure to cut: every truncation still loads (a line cut
        // short is still a line); any other file has truncations that are rejected.
        if matches!(strand_formats::detect::detect(&bytes), strand_formats::detect::Detected::Found(Format::TextLogs)) {
            assert_eq!(failures_seen, 0, "{name}: a truncated text log file still loads");
        } else {
            assert!(
                failures_seen > 0,
                "{name}: some truncations must be rejected (the test would be vacuous otherwise)"
            );
        }
    }
}

#[test]
fn mutated_samples_never_panic() {
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    for (name, bytes) in samples() {
        let mutants = (24_000_000 / bytes.len().max(1)).clamp(20, 250);
        for _ in 0..mutants {
            let mutant = mutate(&mut rng, &bytes);
            exercise(&name, &mutant);
        }
    }
}

#[test]
fn empty_bom_and_whitespace_inputs_get_clear_errors() {
    for input in [&b""[..], b"   \n", b"\xEF\xBB\xBF", b"\xEF\xBB\xBF  "] {
        let mut data = Dataset::new();
        let err = formats::load(&mut data, input, "empty.json", None, &AssembleOptions::default()).unwrap_err();
        assert_eq!(err.to_string(), "empty.json: the file is empty");
    }
}
