//! The same log lines loaded again are not added twice (`logs::drop_known`), and spans loaded
//! again are counted apart.

use super::tests::TRACE;
use crate::{load, merge, AssembleOptions, Imported};
use expect_test::{expect, Expect};
use strand_model::dump::dump_dataset;
use strand_model::Dataset;

/// Two lines at the trace's spans, one in another trace, one without a trace id, and a line
/// the file repeats (same text, same millisecond).
const LINES: &str = r#"{"@timestamp":"2024-05-01T12:00:00.015Z","log.level":"info","message":"cart loaded","service.name":"cart","span.id":"eee19b7ec3c1b174","trace.id":"5b8efff798038103d269b633813fc60c"}
{"@timestamp":"2024-05-01T12:00:00.025Z","log.level":"warn","message":"retry","service.name":"cart","span.id":"00000000000000c1","trace.id":"5b8efff798038103d269b633813fc60c"}
{"@timestamp":"2024-05-01T12:00:00.025Z","log.level":"warn","message":"retry","service.name":"cart","span.id":"00000000000000c1","trace.id":"5b8efff798038103d269b633813fc60c"}
{"@timestamp":"2024-05-01T12:00:00.030Z","log.level":"info","message":"elsewhere","service.name":"cart","trace.id":"0000000000000000000000000000abcd"}
{"@timestamp":"2024-05-01T12:00:00.040Z","log.level":"info","message":"no trace","service.name":"cart"}
"#;

/// Loads `files` (name, text) in turn; the dump, then what each load added and left out.
fn check(files: &[(&str, &str)], expect: Expect) {
    let mut data = Dataset::new();
    let mut out = String::new();
    for (name, text) in files {
        match load(&mut data, text.as_bytes(), name, None, &AssembleOptions::default()) {
            Ok((_, s)) => out.push_str(&format!(
                "{name}: spans {} lines {} repeated {}\n",
                s.spans_added, s.logs_added, s.logs_repeated
            )),
            Err(e) => out.push_str(&format!("{name}: error {e}\n")),
        }
    }
    let counts = data.log_counts();
    out.push_str(&format!("at a span {}, trace only {}, unmatched {}\n", counts.span, counts.trace_only, counts.none));
    expect.assert_eq(&out);
}

#[test]
fn a_log_file_loaded_again_adds_nothing_and_keeps_the_lines_it_repeats() {
    // Lines first, twice (the second copy meets the first among the unmatched lines), then
    // their trace: every line once, the repeated "retry" twice as in the file.
    check(
        &[("a.log", LINES), ("a.log", LINES), ("trace.json", TRACE)],
        expect![[r#"
            a.log: spans 0 lines 5 repeated 0
            a.log: spans 0 lines 0 repeated 5
            trace.json: spans 2 lines 0 repeated 0
            at a span 3, trace only 0, unmatched 2
        "#]],
    );
    // The trace first: the second copy meets the first in the loaded trace. A renamed copy of
    // the file is the same lines.
    check(
        &[("trace.json", TRACE), ("a.log", LINES), ("a (1).log", LINES)],
        expect![[r#"
            trace.json: spans 2 lines 0 repeated 0
            a.log: spans 0 lines 5 repeated 0
            a (1).log: spans 0 lines 0 repeated 5
            at a span 3, trace only 0, unmatched 2
        "#]],
    );
}

#[test]
fn only_identical_lines_are_left_out_each_at_most_as_often_as_loaded() {
    let three = r#"{"@timestamp":"2024-05-01T12:00:00.025Z","log.level":"warn","message":"retry","service.name":"cart","span.id":"00000000000000c1","trace.id":"5b8efff798038103d269b633813fc60c"}
{"@timestamp":"2024-05-01T12:00:00.025Z","log.level":"warn","message":"retry","service.name":"cart","span.id":"00000000000000c1","trace.id":"5b8efff798038103d269b633813fc60c"}
{"@timestamp":"2024-05-01T12:00:00.025Z","log.level":"warn","message":"retry","service.name":"cart","span.id":"00000000000000c1","trace.id":"5b8efff798038103d269b633813fc60c"}
"#;
    // Same time and text, but another level, span, field, service or time: new lines.
    let others = r#"{"@timestamp":"2024-05-01T12:00:00.025Z","log.level":"error","message":"retry","service.name":"cart","span.id":"00000000000000c1","trace.id":"5b8efff798038103d269b633813fc60c"}
{"@timestamp":"2024-05-01T12:00:00.025Z","log.level":"warn","message":"retry","service.name":"cart","span.id":"eee19b7ec3c1b174","trace.id":"5b8efff798038103d269b633813fc60c"}
{"@timestamp":"2024-05-01T12:00:00.025Z","log.level":"warn","message":"retry","service.name":"cart","span.id":"00000000000000c1","trace.id":"5b8efff798038103d269b633813fc60c","attempt":2}
{"@timestamp":"2024-05-01T12:00:00.025Z","log.level":"warn","message":"retry","service.name":"shop","span.id":"00000000000000c1","trace.id":"5b8efff798038103d269b633813fc60c"}
{"@timestamp":"2024-05-01T12:00:00.026Z","log.level":"warn","message":"retry","service.name":"cart","span.id":"00000000000000c1","trace.id":"5b8efff798038103d269b633813fc60c"}
"#;
    check(
        &[
            ("trace.json", TRACE),
            ("a.log", LINES),
            ("three.log", three),
            ("others.log", others),
            ("others.log", others),
        ],
        expect![[r#"
            trace.json: spans 2 lines 0 repeated 0
            a.log: spans 0 lines 5 repeated 0
            three.log: spans 0 lines 1 repeated 2
            others.log: spans 0 lines 5 repeated 0
            others.log: spans 0 lines 0 repeated 5
            at a span 9, trace only 0, unmatched 2
        "#]],
    );
}

#[test]
fn a_trace_merged_with_its_own_log_lines_keeps_one_copy() {
    // A kept workspace restored over the same trace and lines: its traces carry their lines.
    let options = AssembleOptions::default();
    let mut data = Dataset::new();
    for (name, text) in [("trace.json", TRACE), ("a.log", LINES)] {
        load(&mut data, text.as_bytes(), name, None, &options).unwrap();
    }
    let before = dump_dataset(&data);
    let copy = Imported { traces: data.traces.clone(), dependencies: Vec::new(), notes: Vec::new() };
    let summary = merge(&mut data, copy, &options);
    assert_eq!((summary.logs_added, summary.logs_repeated), (0, 3));
    let after = dump_dataset(&data);
    let lines = |dump: &str| dump.lines().filter(|l| l.trim_start().starts_with("log ")).count();
    assert_eq!(lines(&after), lines(&before), "{after}");
}

#[test]
fn a_dataset_with_a_file_loaded_twice_dumps_as_with_it_loaded_once() {
    let dump = |files: &[(&str, &str)]| {
        let mut data = Dataset::new();
        for (name, text) in files {
            load(&mut data, text.as_bytes(), name, None, &AssembleOptions::default()).unwrap();
        }
        dump_dataset(&data)
    };
    let hotrod = |name: &str| {
        let path = format!("{}/../../tests/fixtures/logs/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path).unwrap()
    };
    let (ecs, otlp) = (hotrod("hotrod.ecs.jsonl"), hotrod("hotrod.otlp-logs.jsonl"));
    for lines in [LINES, ecs.as_str(), otlp.as_str()] {
        let once = dump(&[("trace.json", TRACE), ("a.log", lines)]);
        assert_eq!(dump(&[("trace.json", TRACE), ("a.log", lines), ("a.log", lines)]), once);
        assert_eq!(dump(&[("a.log", lines), ("a.log", lines), ("trace.json", TRACE)]), once);
    }
    // The text kept across reloads does not grow either: the messages of the lines left out
    // (texts added apart from the string table) are written empty. (Their other fields stay in
    // the trace's pools until Clear all, as those of a dropped duplicate span.)
    let kept_text = |times: usize| {
        let mut data = Dataset::new();
        load(&mut data, TRACE.as_bytes(), "trace.json", None, &AssembleOptions::default()).unwrap();
        for _ in 0..times {
            load(&mut data, ecs.as_bytes(), "a.log", None, &AssembleOptions::default()).unwrap();
        }
        let traces: Vec<&strand_model::Trace> = data.traces.iter().chain(&data.unmatched_logs).collect();
        let bytes = strand_model::transfer::encode_selected(&data.strings, &traces, &[]);
        let mut restored = strand_model::Interner::new();
        strand_model::transfer::decode_slice(&bytes, &mut restored).unwrap();
        (0..restored.len()).map(|i| restored.get(strand_model::StrId(i as u32)).len()).sum::<usize>()
    };
    assert_eq!(kept_text(3), kept_text(1));
}

#[test]
fn lines_that_differ_only_in_how_their_fields_would_print_are_both_kept() {
    // A key holding `=` and `, ` (one field) against two fields; a difference 40 levels deep
    // (deeper than the dump writes).
    let line = |fields: &str| {
        format!(
            r#"{{"@timestamp":"2024-05-01T12:00:00.015Z","log.level":"info","message":"m","service.name":"cart","trace.id":"5b8efff798038103d269b633813fc60c",{fields}}}"#
        )
    };
    let deep = |leaf: &str| format!("{}{leaf}{}", "[".repeat(40), "]".repeat(40));
    check(
        &[
            ("trace.json", TRACE),
            ("two.log", &line(r#""a":"x","b":1"#)),
            ("one.log", &line(r#""a=\"x\", b":1"#)),
            ("deep1.log", &line(&format!(r#""v":{}"#, deep("1")))),
            ("deep2.log", &line(&format!(r#""v":{}"#, deep("2")))),
        ],
        expect![[r#"
            trace.json: spans 2 lines 0 repeated 0
            two.log: spans 0 lines 1 repeated 0
            one.log: spans 0 lines 1 repeated 0
            deep1.log: spans 0 lines 1 repeated 0
            deep2.log: spans 0 lines 1 repeated 0
            at a span 0, trace only 4, unmatched 0
        "#]],
    );
}

#[test]
fn a_trace_file_does_not_count_waiting_lines_it_takes_in_as_its_own() {
    // The same line under the trace's 128-bit id and under its low 64 bits: one trace, so one
    // line (the identity is the line's within its trace). Loaded before the trace, the copy
    // is left out when both groups join it, and the trace's load adds and repeats no line.
    let lines = r#"{"@timestamp":"2024-05-01T12:00:00.015Z","log.level":"info","message":"m","service.name":"cart","trace.id":"5b8efff798038103d269b633813fc60c"}
{"@timestamp":"2024-05-01T12:00:00.015Z","log.level":"info","message":"m","service.name":"cart","trace.id":"d269b633813fc60c"}
"#;
    check(
        &[("a.log", lines), ("trace.json", TRACE)],
        expect![[r#"
            a.log: spans 0 lines 2 repeated 0
            trace.json: spans 2 lines 0 repeated 0
            at a span 0, trace only 1, unmatched 0
        "#]],
    );
}

#[test]
fn spans_loaded_again_are_counted_apart_from_new_ones() {
    let options = AssembleOptions::default();
    let mut data = Dataset::new();
    let first = load(&mut data, TRACE.as_bytes(), "trace.json", None, &options).unwrap().1;
    assert_eq!((first.spans_added, first.spans_repeated, first.traces_added), (2, 0, 1));
    let again = load(&mut data, TRACE.as_bytes(), "trace.json", None, &options).unwrap().1;
    assert_eq!((again.spans_added, again.spans_repeated, again.traces_merged), (0, 2, 1));
    // The same trace with one more span: one new, two loaded already.
    let more = TRACE.replace(
        r#"{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"00000000000000c1""#,
        r#"{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"00000000000000c2","parentSpanId":"eee19b7ec3c1b174","name":"GET","kind":3,"startTimeUnixNano":"1714564800040000000","endTimeUnixNano":"1714564800050000000"},
        {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"00000000000000c1""#,
    );
    let grown = load(&mut data, more.as_bytes(), "more.json", None, &options).unwrap().1;
    assert_eq!((grown.spans_added, grown.spans_repeated), (1, 2));
    assert_eq!(data.traces.first().map(|t| t.spans.len()), Some(3));
}

#[test]
fn a_span_without_a_start_loaded_again_is_a_copy_and_assembly_stays_idempotent() {
    // Assembly places a missing start (the parent's); it undoes that before assembling again,
    // so the copy loaded later is identical and a third file's new span is counted as new.
    let options = AssembleOptions::default();
    let no_start = TRACE
        .replace(r#""startTimeUnixNano":"1714564800010000000""#, r#""startTimeUnixNano":"0""#)
        .replace(r#""endTimeUnixNano":"1714564800030000000""#, r#""endTimeUnixNano":"20000000""#);
    let more = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},
      "scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"00000000000000c9","parentSpanId":"eee19b7ec3c1b174",
        "name":"GET","kind":3,"startTimeUnixNano":"1714564800040000000","endTimeUnixNano":"1714564800050000000"}]}]}]}"#;
    let mut data = Dataset::new();
    let counts = |s: crate::LoadSummary| (s.spans_added, s.spans_repeated);
    assert_eq!(counts(load(&mut data, no_start.as_bytes(), "a.json", None, &options).unwrap().1), (2, 0));
    assert_eq!(counts(load(&mut data, no_start.as_bytes(), "a.json", None, &options).unwrap().1), (0, 2));
    assert_eq!(counts(load(&mut data, more.as_bytes(), "more.json", None, &options).unwrap().1), (1, 0));
}
