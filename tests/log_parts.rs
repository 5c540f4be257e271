//! A file of log lines imported in two parts (as two workers do: each part on its own interner,
//! handed over through `model::transfer` with its facts, then joined on the page) gives exactly
//! the whole file's import: for every line boundary of real log fixtures and of small files
//! made for what a part cannot know (lines before the first time, a time-less part, lines that
//! cannot be read on both sides of the cut, resources and loggers in both parts, a BOM, CRLF),
//! into an empty dataset and into one holding the trace the lines belong to.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use strand_formats::logs::parts::{self, LogFacts};
use strand_formats::{self as formats, AssembleOptions, Format, Imported};
use strand_model::dump::dump_dataset;
use strand_model::{transfer, Dataset, Interner};

fn fixture(path: &str) -> Vec<u8> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read(root.join("tests/fixtures").join(path)).expect("fixture")
}

/// Imports `doc` cut at `cuts` (byte offsets, each just after a `\n`) as the workers do and
/// merges the joined parts into `data` as the page does.
/// `by_line`: each part is fed to its reader a line at a time (as a worker feeds the whole lines
/// of each chunk it reads), else at once.
fn load_in_parts(
    data: &mut Dataset,
    doc: &[u8],
    name: &str,
    cuts: &[usize],
    by_line: bool,
) -> Result<Vec<String>, String> {
    let options = AssembleOptions::default();
    let format = parts::split_format(doc).expect("a file that splits");
    let mut bounds = vec![0];
    bounds.extend_from_slice(cuts);
    bounds.push(doc.len());
    let mut decoded_parts: Vec<(Imported, LogFacts)> = Vec::new();
    for (i, w) in bounds.windows(2).enumerate() {
        let mut worker = Interner::new();
        let part = &doc[w[0]..w[1]];
        let (imported, facts) = if by_line {
            let mut reader = parts::PartReader::new(&mut worker, name, format, i == 0, part.len());
            for line in part.split_inclusive(|&b| b == b'\n') {
                reader.feed(line);
            }
            let (mut imported, facts) = reader.finish();
            parts::assemble_part(&mut imported, &facts, &worker, &options);
            (imported, facts)
        } else {
            parts::import_part(part, name, format, i == 0, &mut worker, &options)
        };
        let bytes =
            transfer::encode_with(&worker, &imported.traces, &imported.dependencies, &imported.notes, &facts.encode());
        let decoded = transfer::decode_slice(&bytes, &mut data.strings).expect("decodes");
        let facts = LogFacts::decode(&decoded.extra, name, format).expect("facts decode");
        let imported = Imported { traces: decoded.traces, dependencies: decoded.dependencies, notes: decoded.notes };
        decoded_parts.push((imported, facts));
    }
    let joined = parts::join(format, decoded_parts, &data.strings, &options).map_err(|e| e.to_string())?;
    Ok(formats::merge_assembled(data, joined, &options).notes)
}

/// Every offset just after a `\n` (a part boundary), and the end (an empty last part).
fn boundaries(doc: &[u8]) -> Vec<usize> {
    let mut out: Vec<usize> = doc.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i + 1).collect();
    if out.last() != Some(&doc.len()) {
        out.push(doc.len());
    }
    out
}

/// The dump and the load's notes.
fn whole(base: &Dataset, doc: &[u8], name: &str) -> Result<String, String> {
    let mut data = base.clone();
    let (_, summary) =
        formats::load(&mut data, doc, name, None, &AssembleOptions::default()).map_err(|e| e.to_string())?;
    Ok(format!("{}notes: {:?}\n", dump_dataset(&data), summary.notes))
}

/// Checks `doc` cut at every boundary (two parts), and at all of them (a part per line).
fn check(name: &str, doc: &[u8], base: &Dataset) {
    let want = whole(base, doc, name);
    let mut ways: Vec<(Vec<usize>, bool)> = boundaries(doc).into_iter().map(|b| (vec![b], false)).collect();
    ways.push((boundaries(doc), false));
    ways.extend(boundaries(doc).into_iter().step_by(3).map(|b| (vec![b], true)));
    for (cuts, by_line) in ways {
        let mut data = base.clone();
        let got = load_in_parts(&mut data, doc, name, &cuts, by_line)
            .map(|notes| format!("{}notes: {notes:?}\n", dump_dataset(&data)));
        if got != want {
            let (got, want) = (got.unwrap_or_else(|e| e), want.clone().unwrap_or_else(|e| e));
            let first = got.lines().zip(want.lines()).position(|(a, b)| a != b);
            panic!(
                "{name} cut at {cuts:?}: first difference at dump line {first:?}\n--- parts\n{got}\n--- whole\n{want}"
            );
        }
    }
}

fn with_trace() -> Dataset {
    let mut data = Dataset::new();
    let trace = fixture("shop-logs/shop.otlp.jsonl");
    formats::load(&mut data, &trace, "shop.otlp.jsonl", None, &AssembleOptions::default()).expect("trace loads");
    let hotrod = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/otlp_hotrod-full-trace.json"),
    )
    .expect("sample");
    formats::load(&mut data, &hotrod, "hotrod.json", None, &AssembleOptions::default()).expect("sample loads");
    data
}

#[test]
fn real_log_files_split_at_every_line_give_the_whole_import() {
    let base = with_trace();
    for path in
        ["shop-logs/shop.ecs.jsonl", "logs/hotrod.ecs.jsonl", "logs/hotrod.json-logs.jsonl", "logs/hotrod.logfmt.log"]
    {
        let doc = fixture(path);
        check(path, &doc, &Dataset::new());
        check(path, &doc, &base);
    }
}

/// A small file's lines, joined with `\n`.
fn lines(lines: &[&str]) -> Vec<u8> {
    let mut out = lines.join("\n").into_bytes();
    out.push(b'\n');
    out
}

#[test]
fn lines_before_a_part_first_time_take_the_time_of_the_line_before_the_part() {
    let doc = lines(&[
        r#"{"level":"info","msg":"no time yet","trace_id":"0af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"time":"2026-12-05T10:00:01Z","level":"info","msg":"first time","trace_id":"0af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"level":"warn","msg":"after, no time","trace_id":"0af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"level":"warn","msg":"other trace, no time","trace_id":"1af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"time":"2026-12-05T10:00:00Z","level":"info","msg":"earlier time","trace_id":"1af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"time":"not a time","level":"info","msg":"unreadable","trace_id":"0af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"time":"2026-12-05T10:00:03","level":"info","msg":"no zone"}"#,
        r#"{"level":"error","msg":"last, no time"}"#,
    ]);
    check("times.jsonl", &doc, &Dataset::new());
    // A waiting line that a later line of its trace, with an earlier time, would pass if the
    // part sorted its group before the join gave the waiting line its time.
    let doc = lines(&[
        r#"{"time":"2026-12-05T10:00:05Z","msg":"a","trace_id":"0af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"msg":"waits","trace_id":"0af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"time":"2026-12-05T10:00:06Z","msg":"b","trace_id":"1af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"time":"2026-12-05T10:00:01Z","msg":"early","trace_id":"0af7651916cd43dd8448eb211c80319c"}"#,
    ]);
    check("waits.jsonl", &doc, &Dataset::new());
}

#[test]
fn files_without_any_time_or_with_the_first_time_late() {
    let none = lines(&[
        r#"{"level":"info","msg":"a","trace_id":"0af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"level":"info","msg":"b"}"#,
        r#"{"level":"info","msg":"c","trace_id":"0af7651916cd43dd8448eb211c80319c"}"#,
    ]);
    check("none.jsonl", &none, &Dataset::new());
    let late = lines(&[
        r#"{"level":"info","msg":"a","trace_id":"0af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"level":"info","msg":"b"}"#,
        r#"{"level":"info","msg":"c","trace_id":"1af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"ts":1796425015.5,"level":"info","msg":"d","trace_id":"1af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"ts":1796425014.5,"level":"info","msg":"e","trace_id":"0af7651916cd43dd8448eb211c80319c"}"#,
    ]);
    check("late.jsonl", &late, &Dataset::new());
}

#[test]
fn unreadable_lines_on_both_sides_are_numbered_in_the_whole_file() {
    let mut rows: Vec<String> = Vec::new();
    for i in 0..30 {
        rows.push(format!(r#"{{"time":"2026-12-05T10:00:{:02}Z","level":"info","msg":"line {i}"}}"#, i % 60));
        if i % 2 == 0 {
            rows.push(format!(r#"{{"time":"2026-12-05T10:00:00Z","msg":"broken {i}""#));
        }
        if i % 7 == 0 {
            rows.push(String::new());
        }
    }
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let doc = lines(&rows);
    check("broken.jsonl", &doc, &Dataset::new());
    // No line can be read: the whole file's error, wherever it is cut.
    let bad = lines(&[r#"{"msg":"x","level":"info"}"#, "{broken", "{also broken"]);
    let only_bad = &bad[bad.iter().position(|&b| b == b'\n').unwrap() + 1..];
    let mut doc = br#"{"msg":"x","level":"info"}"#.to_vec();
    doc.push(b'\n');
    doc.extend_from_slice(only_bad);
    check("some-bad.jsonl", &doc, &Dataset::new());
}

#[test]
fn resources_and_loggers_met_in_both_parts_are_one() {
    let doc = lines(&[
        r#"{"@timestamp":"2026-12-05T10:00:00Z","log.level":"info","message":"a","service.name":"api","host.name":"h1","log.logger":"web","trace.id":"0af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"@timestamp":"2026-12-05T10:00:01Z","log.level":"info","message":"b","service.name":"api","host.name":"h2","log.logger":"db","trace.id":"0af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"@timestamp":"2026-12-05T10:00:02Z","log.level":"info","message":"c","service.name":"api","log.logger":"web","trace.id":"0af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"@timestamp":"2026-12-05T10:00:03Z","log.level":"info","message":"d","service.name":"api","host.name":"h1","log.logger":"db","trace.id":"0af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"@timestamp":"2026-12-05T10:00:04Z","log.level":"info","message":"e","service.name":"db","host.name":"h2","trace.id":"0af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"@timestamp":"2026-12-05T10:00:05Z","log.level":"info","message":"f","service.name":"api","host.name":"h2","log.logger":"web"}"#,
        r#"{"@timestamp":"2026-12-05T10:00:06Z","log.level":"info","message":"g","service.name":"api","host.name":"h2","log.logger":"web"}"#,
        r#"{"hits":{"hits":[{"_source":{"@timestamp":"2026-12-05T10:00:07Z","message":"hit"}},{"_id":"x"}]}}"#,
    ]);
    check("resources.ecs.jsonl", &doc, &Dataset::new());
}

#[test]
fn a_byte_order_mark_and_crlf_lines() {
    let mut doc = "\u{feff}".as_bytes().to_vec();
    doc.extend_from_slice(
        b"time=2026-12-05T10:00:00Z level=info msg=\"one\" trace_id=0af7651916cd43dd8448eb211c80319c\r\n\
time=2026-12-05T10:00:01Z level=warn msg=\"two\" trace_id=0af7651916cd43dd8448eb211c80319c\r\n\
\r\n\
time=2026-12-05T10:00:02Z level=error msg=\"three\"\r\n",
    );
    check("crlf.log", &doc, &Dataset::new());
}

#[test]
fn the_cut_falls_after_the_first_newline_from_any_offset() {
    let doc = fixture("logs/hotrod.json-logs.jsonl");
    for at in 1..doc.len() {
        let expected = doc[at..].iter().position(|&b| b == b'\n').map(|p| p + 1);
        assert_eq!(parts::line_start(&doc[at..]), expected, "offset {at}");
    }
    assert_eq!(parts::split_format(&doc), Some(Format::JsonLogs));
    assert_eq!(parts::split_format(&fixture("logs/hotrod.ecs.jsonl")), Some(Format::Ecs));
    assert_eq!(parts::split_format(&fixture("logs/hotrod.text.log")), None, "continuation lines: not split");
    assert_eq!(parts::split_format(&fixture("logs/hotrod.es-search.json")), None, "one document");
    assert_eq!(parts::split_format(&fixture("logs/hotrod.otlp-logs.jsonl")), None);
}

/// Resource attributes that are whole numbers past `i64` are kept as floats: the whole file and
/// the join key its resources alike (two such numbers that read the same are one resource).
#[test]
fn resources_keyed_by_the_values_they_keep() {
    let doc = lines(&[
        r#"{"@timestamp":"2026-12-05T10:00:00Z","message":"a","service.name":"api","resource.attributes.host.id":18446744073709551615,"trace.id":"0af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"@timestamp":"2026-12-05T10:00:01Z","message":"b","service.name":"api","resource.attributes.host.id":18446744073709551614,"trace.id":"0af7651916cd43dd8448eb211c80319c"}"#,
        r#"{"@timestamp":"2026-12-05T10:00:02Z","message":"c","service.name":"api","resource.attributes.host.id":12,"trace.id":"0af7651916cd43dd8448eb211c80319c"}"#,
    ]);
    check("uint.ecs.jsonl", &doc, &Dataset::new());
}
