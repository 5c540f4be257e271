//! Hostile input for the log importers (OTLP logs, ECS, JSON lines / Fluent, Loki): each case
//! has a defined outcome, asserted here, as in `hostile.rs`: the lines load with what was
//! repaired in the notes, or import fails with an error naming the file, line and column. Never
//! a panic, never a hang, never quadratic time. The outcomes are listed in README.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use strand_formats::{self as formats, AssembleOptions, Format, ImportError, LoadSummary};
use strand_model::dump::dump_dataset;
use strand_model::Dataset;

fn load(file: &str, bytes: &[u8], format: Option<Format>) -> Result<(Dataset, LoadSummary), ImportError> {
    let mut data = Dataset::new();
    let (_, summary) = formats::load(&mut data, bytes, file, format, &AssembleOptions::default())?;
    let _ = dump_dataset(&data);
    Ok((data, summary))
}

fn loads(file: &str, text: &str) -> (Dataset, LoadSummary) {
    load(file, text.as_bytes(), None).unwrap_or_else(|e| panic!("{file} should load, but: {e}"))
}

fn located(err: &ImportError) -> (usize, usize) {
    match err {
        ImportError::Syntax { line, column, .. }
        | ImportError::Truncated { line, column, .. }
        | ImportError::Shape { line, column, .. } => (*line, *column),
        other => panic!("expected a located error, got {other:?}"),
    }
}

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/logs")
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read")))
        .filter(|(n, _)| n.starts_with("hotrod."))
        .collect();
    out.sort();
    out
}

#[test]
fn every_fixture_cut_at_every_byte_loads_its_complete_part_or_says_where_it_breaks() {
    for (name, bytes) in fixtures() {
        let (full, _) = load(&name, &bytes, None).expect("the fixture loads");
        let mut loaded = 0;
        for cut in 1..bytes.len() {
            let format = formats::detect::detect(&bytes[..cut]);
            match load(&name, &bytes[..cut], None) {
                Ok((data, _)) => {
                    loaded += 1;
                    assert!(data.log_count() <= full.log_count(), "{name} cut at {cut}");
                }
                Err(err) => {
                    if !matches!(format, formats::detect::Detected::Unknown(_)) {
                        located(&err);
                    }
                }
            }
        }
        assert!(loaded > 0 || bytes.len() < 2, "{name}: no cut loaded");
    }
}

#[test]
fn a_line_cut_off_at_the_end_keeps_the_complete_lines() {
    let line = r#"{"time":"2024-05-01T12:00:00Z","msg":"ok","trace_id":"0af7651916cd43dd8448eb211c80319c"}"#;
    let text = format!("{line}\n{line}\n{}", &line[..40]);
    let (data, summary) = loads("cut.jsonl", &text);
    assert_eq!(data.log_count(), 2);
    assert_eq!(summary.notes.len(), 1);
    assert!(summary.notes[0].contains("cut.jsonl: the file ends early at line 3, column 40"), "{:?}", summary.notes);
}

#[test]
fn thousands_of_broken_lines_are_counted_not_listed() {
    let mut text = String::from("{\"msg\":\"good\",\"level\":\"info\",\"time\":1714564800}\n");
    for _ in 0..5000 {
        text.push_str("{\"msg\": nope}\n");
    }
    let (data, summary) = loads("broken.jsonl", &text);
    assert_eq!(data.log_count(), 1);
    assert_eq!(summary.notes.len(), 21);
    assert_eq!(summary.notes[20], "skipped 4980 more lines that could not be read");
}

#[test]
fn records_nested_past_the_parser_limit_are_errors_not_stack_overflows() {
    let deep =
        format!("{{\"msg\":\"x\",\"level\":\"info\",\"a\":{}1{}}}", "{\"b\":".repeat(100_000), "}".repeat(100_000));
    let err = load("deep.jsonl", deep.as_bytes(), Some(Format::JsonLogs)).unwrap_err();
    assert!(err.to_string().contains("recursion limit exceeded"), "{err}");
    // Within the limit: flattened to one long dotted key.
    let nested = format!("{{\"msg\":\"x\",\"a\":{}1{}}}", "{\"b\":".repeat(100), "}".repeat(100));
    let (data, _) = load("nested.jsonl", nested.as_bytes(), Some(Format::JsonLogs)).expect("loads");
    assert_eq!(data.log_count(), 1);
    for format in [Format::Ecs, Format::Loki] {
        let err = load("deep.json", deep.as_bytes(), Some(format)).unwrap_err();
        located(&err);
    }
    // OTLP skips fields it does not know without building them (iteratively): nothing to read.
    let (data, _) = load("deep.json", deep.as_bytes(), Some(Format::OtlpLogs)).expect("loads");
    assert_eq!(data.log_count(), 0);
}

#[test]
fn times_out_of_range_or_not_times_are_repaired_and_noted() {
    let text = [
        r#"{"time":"2024-05-01T12:00:00Z","msg":"anchor"}"#,
        r#"{"time":"9999-12-31T23:59:59Z","msg":"past i64 nanoseconds"}"#,
        r#"{"time":1e300,"msg":"a huge epoch"}"#,
        r#"{"time":-99999999999999999999,"msg":"a huge negative epoch"}"#,
        r#"{"time":"NaN","msg":"not a number"}"#,
        r#"{"time":"1969-07-20T20:17:40Z","msg":"before 1970"}"#,
        r#"{"time":true,"msg":"a boolean"}"#,
        r#"{"time":[1,2,3],"msg":"an array"}"#,
    ]
    .join("\n");
    let (data, summary) = loads("times.jsonl", &text);
    assert_eq!(data.log_count(), 8);
    assert!(
        summary.notes.iter().any(|n| n.starts_with("6 records had a time that could not be read")),
        "{:?}",
        summary.notes
    );
    let logs = &data.unmatched_logs[0].logs;
    assert_eq!(logs[0].time_ns, -14_182_940_000_000_000, "before 1970 is kept");
}

#[test]
fn odd_ids_are_kept_as_text_and_zero_ids_mean_none() {
    let text = [
        r#"{"msg":"markup","trace_id":"<script>alert(1)</script>","span_id":"\"><svg onload=x>"}"#,
        r#"{"msg":"long","trace_id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}"#,
        r#"{"msg":"zeros","trace_id":"0x0000","span_id":"0"}"#,
        r#"{"msg":"bad traceparent","traceparent":"00-zz-yy-01"}"#,
        r#"{"msg":"numbers","trace_id":12345,"span_id":-7}"#,
    ]
    .join("\n");
    let (data, _) = loads("ids.jsonl", &text);
    assert_eq!(data.log_count(), 5);
    let ids: Vec<String> = data.unmatched_logs.iter().map(|t| t.trace_id.display(&data.strings)).collect();
    // Hex ids first, then text ids in the order they were first seen (the empty id first).
    assert_eq!(
        ids,
        [
            "0000000000003039",
            "",
            "<script>alert(1)</script>",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ]
    );
}

/// `n` OTLP spans sharing one span id, and `n` log lines naming that id.
fn shared_span_id(n: usize) -> (String, String) {
    let mut spans = String::new();
    for i in 0..n {
        if i > 0 {
            spans.push(',');
        }
        spans.push_str(&format!(
            r#"{{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00000000000000aa","name":"s{i}","startTimeUnixNano":"{}","endTimeUnixNano":"{}"}}"#,
            1_000_000 + i,
            2_000_000 + i
        ));
    }
    let trace = format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{spans}]}}]}}]}}"#);
    let line =
        r#"{"time":1714564800,"msg":"x","trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"00000000000000aa"}"#;
    (trace, vec![line; n].join("\n"))
}

fn load_both((trace, lines): &(String, String)) -> Dataset {
    let mut data = Dataset::new();
    formats::load(&mut data, trace.as_bytes(), "t.json", None, &AssembleOptions::default()).expect("loads");
    formats::load(&mut data, lines.as_bytes(), "l.jsonl", None, &AssembleOptions::default()).expect("loads");
    data
}

#[test]
fn a_line_whose_span_id_thousands_of_spans_share_resolves_in_linear_time() {
    assert_eq!(load_both(&shared_span_id(20_000)).log_counts().span, 20_000);
    strand_testkit::assert_linear("lines naming a span id n spans share", 5_000, |n| {
        let input = shared_span_id(n);
        move || assert_eq!(load_both(&input).log_counts().span, n)
    });
}

/// `n` JSON log lines, each with a trace id of its own.
fn lines_in_own_traces(n: u64) -> String {
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            r#"{{"ts":{},"msg":"line {i}","trace_id":"{:032x}"}}"#,
            1_714_564_800_000u64 + i,
            i + 1
        ));
        text.push('\n');
    }
    text
}

#[test]
fn a_hundred_thousand_lines_each_in_its_own_trace_load_in_linear_time() {
    let (data, _) = loads("many.jsonl", &lines_in_own_traces(100_000));
    assert_eq!(data.unmatched_logs.len(), 100_000);
    strand_testkit::assert_linear("log lines in their own traces", 25_000, |n| {
        let text = lines_in_own_traces(n as u64);
        move || assert_eq!(loads("many.jsonl", &text).0.unmatched_logs.len(), n)
    });
}

#[test]
fn a_10_mb_message_is_kept_whole_and_invalid_utf8_is_located() {
    let big = "x".repeat(10 << 20);
    let (data, _) =
        loads("big.jsonl", &format!("{{\"msg\":\"{big}\",\"level\":\"info\"}}\n{{\"msg\":\"b\",\"level\":\"info\"}}"));
    let trace = &data.unmatched_logs[0];
    let strand_model::Value::Str(id) = trace.logs[0].body else { panic!("a text body") };
    assert_eq!(data.strings.get(id).len(), 10 << 20);

    let mut bad = b"{\"msg\":\"ok\",\"level\":\"info\"}\n{\"msg\":\"".to_vec();
    bad.extend_from_slice(b"\xff\xfe\"}\n");
    let (data, summary) = load("utf8.jsonl", &bad, None).expect("the good line loads");
    assert_eq!(data.log_count(), 1);
    assert!(summary.notes[0].contains("utf8.jsonl: not valid JSON at line 2"), "{:?}", summary.notes);
    // When no line is UTF-8, the file is read with the bad bytes replaced, and a note says so.
    let (data, summary) = load("utf8.jsonl", &bad[28..], None).expect("read replaced");
    assert_eq!(data.log_count(), 1);
    assert!(summary.notes.iter().any(|n| n.contains("not valid UTF-8 (first at line 1,")), "{:?}", summary.notes);
}

#[test]
fn markup_in_log_lines_is_kept_as_text() {
    let text = r#"{"msg":"<img src=x onerror=alert(1)>","level":"<b>error</b>","service":"javascript:alert(1)","<script>":"</script>"}"#;
    let (data, _) = loads("markup.jsonl", text);
    let dump = dump_dataset(&data);
    assert!(
        dump.contains(r#""<img src=x onerror=alert(1)>" {level="<b>error</b>", <script>="</script>"}"#)
            || dump.contains("<img"),
        "{dump}"
    );
    assert!(dump.contains("javascript:alert(1)"));
}

/// `n` copies of one line, and one line of its own, all without a trace id.
fn one_line_repeated(n: usize) -> String {
    let line = r#"{"ts":1714564800000,"msg":"retry","level":"warn"}"#;
    let mut text = format!("{line}\n").repeat(n);
    text.push_str(r#"{"ts":1714564800000,"msg":"other","level":"warn"}"#);
    text
}

#[test]
fn a_file_of_one_line_repeated_loaded_again_adds_nothing_in_linear_time() {
    let load_twice = |text: &str| {
        let mut data = Dataset::new();
        let options = AssembleOptions::default();
        let (_, first) = formats::load(&mut data, text.as_bytes(), "a.jsonl", None, &options).unwrap();
        let (_, second) = formats::load(&mut data, text.as_bytes(), "a.jsonl", None, &options).unwrap();
        (data.log_count(), first.logs_added, second.logs_added, second.logs_repeated)
    };
    assert_eq!(load_twice(&one_line_repeated(20_000)), (20_001, 20_001, 0, 20_001));
    strand_testkit::assert_linear("a file of one line repeated n times, loaded twice", 10_000, |n| {
        let text = one_line_repeated(n);
        move || assert_eq!(load_twice(&text).0, n + 1)
    });
}

/// One text log line of `n` differently spelt trace-id pairs (any case, any prefix the names
/// allow), before and after its message.
fn text_line_of_many_pairs(n: usize) -> String {
    let spell = |i: usize| {
        let key: String = "trace_id"
            .chars()
            .enumerate()
            .map(|(j, c)| if i >> (j % 8) & 1 == 1 { c.to_ascii_uppercase() } else { c })
            .collect();
        let prefix = ["", "_", "mdc.", "contextMap."][i % 4];
        format!("{prefix}{key}={i:032x}")
    };
    let pairs: Vec<String> = (0..n).map(spell).collect();
    format!("2026-12-04 10:00:00,001 INFO app - {} hello {}\n", pairs.join(" "), pairs.join(" "))
}

/// One logfmt line of `n` fields, most of them trace-id spellings.
fn logfmt_line_of_many_pairs(n: usize) -> String {
    let fields: Vec<String> = (0..n).map(|i| format!("{}trace_ID=\"{i:032x}\"", ["", "_", "mdc."][i % 3])).collect();
    format!("time=2026-12-04T10:00:00Z level=info msg=\"x\" {}\n", fields.join(" "))
}

#[test]
fn text_and_logfmt_lines_of_many_pairs_load_in_linear_time() {
    let (data, _) = loads("many.log", &text_line_of_many_pairs(2_000));
    assert_eq!(data.unmatched_logs.len(), 1);
    strand_testkit::assert_linear("a text line of n trace-id pairs", 20_000, |n| {
        let text = text_line_of_many_pairs(n);
        move || assert_eq!(loads("many.log", &text).0.unmatched_logs.len(), 1)
    });
    strand_testkit::assert_linear("a logfmt line of n trace-id pairs", 20_000, |n| {
        let text = logfmt_line_of_many_pairs(n);
        move || assert_eq!(loads("many.log", &text).0.unmatched_logs.len(), 1)
    });
}
