//! Hostile input: documents built to break a trace viewer. Each case has a defined outcome,
//! asserted here: the document loads with the damage repaired and a warning saying so, or import
//! fails with an error that names the file and the line and column. Never a panic, never a hang.
//! The outcomes are listed in README ("Hostile input"). Crash inputs found by fuzzing
//! (`fuzz/`, `scripts/fuzz.sh`) are kept in `tests/fixtures/fuzz-regressions` and replayed here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use strand_formats::{self as formats, AssembleOptions, Format, ImportError};
use strand_model::dump::dump_dataset;
use strand_model::{Dataset, SpanId, Trace, Value, WarningKind, NO_PARENT};
use strand_testkit::assert_linear;
use strand_view::trace_view::analyze;

/// Loads `bytes` as the app does, then runs what every trace page computes on each trace.
fn load(file: &str, bytes: &[u8]) -> Result<Dataset, ImportError> {
    load_as(file, bytes, None)
}

fn load_as(file: &str, bytes: &[u8], format: Option<Format>) -> Result<Dataset, ImportError> {
    let mut data = Dataset::new();
    formats::load(&mut data, bytes, file, format, &AssembleOptions::default())?;
    for (i, trace) in data.traces.iter().enumerate() {
        assert_eq!(trace.order.len(), trace.spans.len(), "{file}: tree order covers every span");
        let analysis = analyze(trace);
        assert_eq!(analysis.self_ns.len(), trace.spans.len());
        let _ = strand_view::trace_list::summarize(&data.strings, i, trace);
    }
    Ok(data)
}

fn loads(file: &str, text: &str) -> Dataset {
    match load(file, text.as_bytes()) {
        Ok(data) => data,
        Err(err) => panic!("{file} should load, but: {err}"),
    }
}

/// The error for a document that must not load; checks it names the file.
fn fails(file: &str, bytes: &[u8]) -> ImportError {
    match load(file, bytes) {
        Ok(data) => panic!("{file} should not load, but gave {} traces", data.traces.len()),
        Err(err) => {
            assert!(err.to_string().starts_with(file), "the error names the file: {err}");
            err
        }
    }
}

/// Line and column of a located error.
fn place(err: &ImportError) -> (usize, usize) {
    match err {
        ImportError::Syntax { line, column, .. }
        | ImportError::Truncated { line, column, .. }
        | ImportError::Shape { line, column, .. } => (*line, *column),
        other => panic!("expected a located error, got {other:?}"),
    }
}

fn kinds(trace: &Trace) -> Vec<WarningKind> {
    let mut k: Vec<WarningKind> = trace.warnings.iter().map(|w| w.kind).collect();
    k.sort();
    k.dedup();
    k
}

fn has_warning(trace: &Trace, kind: WarningKind) -> bool {
    trace.warnings.iter().any(|w| w.kind == kind)
}

fn span_named(data: &Dataset, trace: &Trace, name: &str) -> u32 {
    let found = trace.spans.iter().position(|s| data.strings.get(s.name) == name);
    found.unwrap_or_else(|| panic!("no span named {name}")) as u32
}

/// A Jaeger span (times in microseconds); `parent` is a CHILD_OF reference when not empty.
fn jaeger_span(id: &str, parent: &str, name: &str, start: &str, duration: &str) -> String {
    let refs = if parent.is_empty() {
        String::new()
    } else {
        format!(r#","references":[{{"refType":"CHILD_OF","traceID":"1","spanID":"{parent}"}}]"#)
    };
    format!(
        r#"{{"traceID":"1","spanID":"{id}","operationName":"{name}","startTime":{start},"duration":{duration},"processID":"p1"{refs}}}"#
    )
}

fn jaeger_doc(spans: &[String]) -> String {
    format!(
        r#"{{"data":[{{"traceID":"1","spans":[{}],"processes":{{"p1":{{"serviceName":"svc","tags":[]}}}}}}]}}"#,
        spans.join(",")
    )
}

// --- Truncation ------------------------------------------------------------------------------

const SMALL_JAEGER: &str = r#"{"data":[{"traceID":"ab","spans":[{"traceID":"ab","spanID":"1","operationName":"a","references":[],"startTime":1000,"duration":5,"tags":[{"key":"k","type":"string","value":"v"}],"logs":[{"timestamp":1001,"fields":[{"key":"event","vStr":"x"}]}],"processID":"p1"}],"processes":{"p1":{"serviceName":"s","tags":[]}}}]}"#;
const SMALL_ZIPKIN: &str = r#"[{"traceId":"ab","id":"1","name":"a","timestamp":1000,"duration":5,"localEndpoint":{"serviceName":"s"},"tags":{"k":"v"},"annotations":[{"timestamp":1001,"value":"x"}]}]"#;
const SMALL_OTLP: &str = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"s"}}]},"scopeSpans":[{"scope":{"name":"l"},"spans":[{"traceId":"000000000000000000000000000000ab","spanId":"0000000000000001","name":"a","kind":2,"startTimeUnixNano":"1000000","endTimeUnixNano":"1005000","attributes":[{"key":"k","value":{"arrayValue":{"values":[{"intValue":"1"}]}}}],"events":[{"timeUnixNano":"1001000","name":"x"}],"status":{"code":2}}]}]}]}"#;
const SMALL_DEPS: &str = r#"{"data":[{"parent":"a","child":"b","callCount":3}]}"#;

#[test]
fn truncated_at_every_byte_is_a_located_error() {
    for (file, doc) in [
        ("jaeger.json", SMALL_JAEGER),
        ("zipkin.json", SMALL_ZIPKIN),
        ("otlp.json", SMALL_OTLP),
        ("deps.json", SMALL_DEPS),
    ] {
        assert!(load(file, doc.as_bytes()).is_ok(), "{file} loads whole");
        for cut in 1..doc.len() {
            let prefix = &doc.as_bytes()[..cut];
            let err = fails(file, prefix);
            // A cut anywhere is "the file ends early", with the place it ends, even when what is
            // left is too short to tell the format.
            match &err {
                ImportError::Truncated { line, column, .. } => {
                    assert_eq!((*line, *column), (1, cut), "{file} cut at {cut}: {err}")
                }
                other => panic!("{file} cut at {cut}: {other:?}"),
            }
        }
    }
}

#[test]
fn truncated_json_lines_keep_the_complete_lines() {
    let line = SMALL_OTLP;
    let doc = format!("{line}\n{line}\n");
    for cut in line.len() + 2..doc.len() - 1 {
        let prefix = &doc.as_bytes()[..cut];
        match load_as("lines.jsonl", prefix, Some(Format::OtlpLines)) {
            Ok(data) => assert_eq!(data.traces.len(), 1, "cut at {cut}"),
            Err(err) => {
                // Or the broken last line is reported with its place (line 2).
                assert_eq!(place(&err).0, 2, "cut at {cut}: {err}");
            }
        }
    }
}

#[test]
fn many_broken_json_lines_are_counted_not_listed() {
    let mut doc = format!("{SMALL_OTLP}\n");
    for _ in 0..50_000 {
        doc.push_str("{\"resourceSpans\": [\n");
    }
    let mut data = Dataset::new();
    let (format, summary) = formats::load(&mut data, doc.as_bytes(), "lines.jsonl", None, &AssembleOptions::default())
        .expect("the good line loads");
    assert_eq!(format, Format::OtlpLines);
    assert_eq!(data.traces.len(), 1);
    assert_eq!(summary.notes.len(), 21, "20 lines named, the rest counted");
    assert!(summary.notes[0].contains("lines.jsonl") && summary.notes[0].contains("line 2"), "{}", summary.notes[0]);
    assert_eq!(summary.notes[20], "skipped 49980 more lines that could not be read");
}

// --- Nesting ---------------------------------------------------------------------------------

#[test]
fn deeply_nested_arrays_hit_the_parser_limit_not_the_stack() {
    let depth = 100_000;
    let doc = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    // Detection takes it for a Zipkin list of lists; the importer stops at the second level.
    let err = fails("deep.json", doc.as_bytes());
    assert!(matches!(err, ImportError::Shape { .. }), "{err}");
    assert_eq!(place(&err), (1, 2), "{err}");
    // Objects nested 100 000 deep are valid JSON of no known format (checked without recursion).
    let objects = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
    let err = fails("deep-objects.json", objects.as_bytes());
    assert!(matches!(err, ImportError::UnknownFormat { .. }), "{err}");
    // An unknown field of a span nested that deep is skipped (also without recursion).
    let span = format!(
        r#"{{"traceID":"1","spanID":"2","operationName":"x","startTime":1,"duration":1,"junk":{}1{}}}"#,
        r#"{"a":"#.repeat(depth),
        "}".repeat(depth)
    );
    let data = loads("deep-jaeger.json", &format!(r#"{{"data":[{{"traceID":"1","spans":[{span}]}}]}}"#));
    assert_eq!(data.traces[0].spans.len(), 1);
    // Read as a given format, it is the wrong shape long before it is too deep.
    for format in Format::ALL {
        let err = load_as("deep.json", doc.as_bytes(), Some(format)).expect_err("not a trace");
        let (line, column) = place(&err);
        assert!(line == 1 && column <= 129, "{format:?}: {err}");
    }
    // Unclosed: the same, the limit comes before the end of the file.
    let open = "[".repeat(depth);
    let _ = fails("open.json", open.as_bytes());
}

#[test]
fn deeply_nested_attribute_values_are_an_error_at_the_limit() {
    // OTLP arrayValue nested 10 000 deep inside a span attribute.
    let depth = 10_000;
    let value =
        format!("{}{{\"stringValue\":\"x\"}}{}", r#"{"arrayValue":{"values":["#.repeat(depth), "]}}".repeat(depth));
    let doc = SMALL_OTLP.replace(r#"{"arrayValue":{"values":[{"intValue":"1"}]}}"#, &value);
    let err = fails("nested.json", doc.as_bytes());
    assert!(err.to_string().contains("recursion limit"), "{err}");
    assert_eq!(place(&err).0, 1);
    // 20 levels are fine and kept.
    let value = format!("{}{{\"stringValue\":\"x\"}}{}", r#"{"arrayValue":{"values":["#.repeat(20), "]}}".repeat(20));
    let doc = SMALL_OTLP.replace(r#"{"arrayValue":{"values":[{"intValue":"1"}]}}"#, &value);
    let data = loads("nested20.json", &doc);
    assert!(data.traces[0].values.len() >= 20);
}

// --- Tree damage -----------------------------------------------------------------------------

#[test]
fn a_parent_cycle_is_cut_with_a_warning() {
    let doc = jaeger_doc(&[
        jaeger_span("a", "c", "A", "1000", "100"),
        jaeger_span("b", "a", "B", "1010", "50"),
        jaeger_span("c", "b", "C", "1020", "20"),
        jaeger_span("d", "c", "D", "1030", "5"),
    ]);
    let data = loads("cycle.json", &doc);
    let trace = &data.traces[0];
    assert!(has_warning(trace, WarningKind::Cycle), "{:?}", kinds(trace));
    // Cut at the earliest-starting span of the cycle, which becomes the root.
    let a = span_named(&data, trace, "A");
    assert_eq!(trace.spans[a as usize].parent, NO_PARENT);
    assert_eq!(trace.order.first(), Some(&a));
    assert_eq!(trace.depth[span_named(&data, trace, "D") as usize], 3);
}

#[test]
fn a_span_that_is_its_own_parent_becomes_a_root() {
    let doc = jaeger_doc(&[jaeger_span("a", "a", "A", "1000", "100"), jaeger_span("b", "a", "B", "1010", "10")]);
    let data = loads("self.json", &doc);
    let trace = &data.traces[0];
    assert!(has_warning(trace, WarningKind::SelfParent), "{:?}", kinds(trace));
    let a = span_named(&data, trace, "A");
    assert_eq!(trace.spans[a as usize].parent, NO_PARENT);
    assert_eq!(trace.spans[span_named(&data, trace, "B") as usize].parent, a);
}

/// A Zipkin trace of one root with `n` children (~70 bytes a span).
fn wide_zipkin(n: u64) -> String {
    use std::fmt::Write;
    let mut doc = String::with_capacity(80 * n as usize);
    doc.push_str(r#"[{"traceId":"1","id":"1","name":"root","timestamp":1000,"duration":2000000,"localEndpoint":{"serviceName":"s"}}"#);
    for i in 0..n {
        let _ = write!(
            doc,
            r#",{{"traceId":"1","id":"{:x}","parentId":"1","name":"c","timestamp":{},"duration":1}}"#,
            i + 2,
            1000 + i
        );
    }
    doc.push(']');
    doc
}

#[test]
fn one_span_with_a_million_children_loads_in_linear_time() {
    let n = 1_000_000u64;
    let data = loads("wide.json", &wide_zipkin(n));
    let trace = &data.traces[0];
    assert_eq!(trace.spans.len(), n as usize + 1);
    let root = span_named(&data, trace, "root");
    assert_eq!(trace.order.first(), Some(&root));
    assert!(trace.depth.iter().all(|&d| d <= 1));
    let analysis = analyze(trace);
    assert_eq!(analysis.tree.children_of(root).len(), n as usize);
    assert_linear("a span with n children, load and analysis", 50_000, |n| {
        let doc = wide_zipkin(n as u64);
        move || {
            let data = loads("wide.json", &doc);
            assert_eq!(analyze(&data.traces[0]).tree.children_of(0).len(), n);
        }
    });
}

/// `n` Zipkin spans sharing the span id 5, as `case` says: "different content", "all server
/// halves", or "parents and children" (half share the id, half are children of it).
fn same_id_doc(case: &str, n: usize) -> String {
    use std::fmt::Write;
    let kind = if case == "different content" { "" } else { r#""kind":"SERVER","# };
    let mut doc = String::from("[");
    for i in 0..n {
        let sep = if i == 0 { "" } else { "," };
        if case == "parents and children" && i >= n / 2 {
            let _ = write!(
                doc,
                r#"{sep}{{"traceId":"1","id":"{:x}","parentId":"5","name":"c","timestamp":{},"duration":1,"localEndpoint":{{"serviceName":"b{i}"}}}}"#,
                i + 100,
                1000 + i
            );
        } else {
            let _ = write!(
                doc,
                r#"{sep}{{"traceId":"1","id":"5",{kind}"name":"s{i}","timestamp":{},"duration":1,"localEndpoint":{{"serviceName":"a"}}}}"#,
                1000 + i
            );
        }
    }
    doc.push(']');
    doc
}

#[test]
fn thousands_of_spans_sharing_one_id_assemble_in_linear_time() {
    // Each of these took seconds (quadratic) before assembly looked ids up instead of walking
    // the group of spans sharing an id.
    for case in ["different content", "all server halves", "parents and children"] {
        let n = 30_000;
        let data = loads("same-id.json", &same_id_doc(case, n));
        let trace = &data.traces[0];
        assert_eq!(trace.spans.len(), n, "{case}");
        if case == "parents and children" {
            assert!(
                trace.spans.iter().filter(|s| s.parent_id.is_some()).all(|s| s.parent == 0),
                "children attach to the first"
            );
        } else {
            assert!(has_warning(trace, WarningKind::DuplicateSpanId), "{case}: {:?}", kinds(trace));
        }
        assert_linear(case, 7_500, |n| {
            let doc = same_id_doc(case, n);
            move || assert_eq!(loads("same-id.json", &doc).traces[0].spans.len(), n)
        });
    }
}

// --- Ids ---------------------------------------------------------------------------------------

#[test]
fn ids_of_odd_length_or_not_hex_are_kept_as_text() {
    let doc = jaeger_doc(&[
        jaeger_span("abc", "", "short", "1000", "100"),
        jaeger_span("0123456789abcdef0", "abc", "17 digits", "1001", "10"),
        jaeger_span("not-hex!", "abc", "text", "1002", "10"),
        jaeger_span("<script>x</script>", "not-hex!", "markup id", "1003", "1"),
    ]);
    let data = loads("ids.json", &doc);
    let trace = &data.traces[0];
    assert!(kinds(trace).is_empty(), "no repair needed: {:?}", kinds(trace));
    let id = |name: &str| trace.spans[span_named(&data, trace, name) as usize].span_id;
    assert_eq!(id("short"), SpanId::Hex(0xabc));
    assert!(matches!(id("17 digits"), SpanId::Text(_)));
    assert_eq!(id("text").display(&data.strings), "not-hex!");
    assert_eq!(id("markup id").display(&data.strings), "<script>x</script>");
    // Parents resolve through text ids as well.
    assert_eq!(trace.depth[span_named(&data, trace, "markup id") as usize], 2);

    // An empty span id gets a synthetic one, with a warning; a trace id that is not hex is text.
    let doc = r#"[{"traceId":"zz-top","id":"","name":"no id","timestamp":1000,"duration":5}]"#;
    let data = loads("empty-id.json", doc);
    let trace = &data.traces[0];
    assert!(has_warning(trace, WarningKind::MissingSpanId), "{:?}", kinds(trace));
    assert_eq!(trace.trace_id.display(&data.strings), "zz-top");
}

#[test]
fn otlp_ids_of_the_wrong_length_are_kept() {
    let doc = SMALL_OTLP
        .replace(r#""traceId":"000000000000000000000000000000ab""#, r#""traceId":"ab""#)
        .replace(r#""spanId":"0000000000000001""#, r#""spanId":"00000000000000000001""#);
    let data = loads("otlp-ids.json", &doc);
    let trace = &data.traces[0];
    assert_eq!(trace.spans.len(), 1);
    assert_eq!(trace.trace_id.display(&data.strings), "00000000000000ab");
}

// --- Times -------------------------------------------------------------------------------------

#[test]
fn odd_timestamps_are_repaired_or_kept_without_overflow() {
    let doc = jaeger_doc(&[
        jaeger_span("1", "", "root", "1000", "1000"),
        jaeger_span("2", "1", "negative", "-5", "10"),
        jaeger_span("3", "1", "zero", "0", "10"),
        jaeger_span("4", "1", "far future", "9223372036854775807", "9223372036854775807"),
        jaeger_span("5", "1", "nan", r#""NaN""#, r#""NaN""#),
        jaeger_span("6", "1", "infinity", r#""-Infinity""#, r#""1e400""#),
        jaeger_span("7", "1", "negative duration", "1001", "-50"),
    ]);
    let data = loads("times.json", &doc);
    let trace = &data.traces[0];
    let span = |name: &str| trace.spans[span_named(&data, trace, name) as usize];
    let warned = |name: &str, kind: WarningKind| {
        let i = span_named(&data, trace, name);
        trace.warnings.iter().any(|w| w.span == Some(i) && w.kind == kind)
    };
    // Zero and unreadable start times: placed at the parent's start, with a warning.
    assert!(warned("zero", WarningKind::MissingStartTime));
    assert!(warned("nan", WarningKind::MissingStartTime));
    assert!(warned("infinity", WarningKind::MissingStartTime));
    assert_eq!(span("zero").start_ns, span("root").start_ns);
    // An unreadable duration is a missing one.
    assert!(warned("nan", WarningKind::MissingDuration));
    assert!(warned("negative duration", WarningKind::NegativeDuration));
    assert_eq!(span("negative duration").duration_ns, 0);
    // Negative and far-future times are kept (saturated to the model's range), and flagged as
    // outside their parent.
    assert_eq!(span("negative").start_ns, -5_000);
    assert_eq!(span("far future").start_ns, i64::MAX);
    assert!(warned("far future", WarningKind::OutsideParent) || warned("far future", WarningKind::ClockSkew));
    assert!(trace.end_ns >= trace.start_ns);
    let _ = dump_dataset(&data);

    // A number beyond f64 is not JSON Strand can read: a located error.
    let doc = jaeger_doc(&[jaeger_span("1", "", "root", "1000", "1e400")]);
    let err = fails("huge.json", doc.as_bytes());
    assert!(err.to_string().contains("number out of range"), "{err}");
    assert_eq!(place(&err).0, 1);
}

#[test]
fn otlp_timestamps_that_are_not_numbers() {
    use WarningKind::{MissingDuration, MissingStartTime};
    // (start, end) → start_ns, duration_ns, warnings.
    let cases: [(&str, &str, i64, i64, &[WarningKind]); 7] = [
        (r#""NaN""#, r#""NaN""#, 0, 0, &[MissingStartTime, MissingDuration]),
        (r#""99999999999999999999999""#, r#""1""#, 0, 0, &[MissingStartTime]),
        (r#""0""#, r#""0""#, 0, 0, &[MissingStartTime, MissingDuration]),
        // Negative: before 1970, kept as given (the views show times relative to the trace).
        (r#""-1""#, r#""5""#, -1, 6, &[]),
        ("-1", "0", -1, 0, &[MissingDuration]),
        // Numbers instead of strings, and exponents: read as the integer they denote.
        (r#""1e3""#, r#""2e3""#, 1000, 1000, &[]),
        ("1.5", "2.5", 1, 1, &[]),
    ];
    for (start, end, start_ns, duration_ns, warnings) in cases {
        let doc = SMALL_OTLP.replace(r#""1000000""#, start).replace(r#""1005000""#, end);
        let data = loads("otlp-times.json", &doc);
        let trace = &data.traces[0];
        let span = trace.spans[0];
        assert_eq!((span.start_ns, span.duration_ns), (start_ns, duration_ns), "{start}..{end}");
        assert_eq!(kinds(trace), warnings, "{start}..{end}");
    }
}

#[test]
fn a_child_longer_than_the_whole_trace_is_flagged() {
    let doc = jaeger_doc(&[
        jaeger_span("1", "", "root", "1000", "100"),
        jaeger_span("2", "1", "too long", "1010", "100000000"),
    ]);
    let data = loads("long.json", &doc);
    let trace = &data.traces[0];
    assert!(has_warning(trace, WarningKind::OutsideParent), "{:?}", kinds(trace));
    // The trace's extent covers the child, so the views scale to it.
    assert_eq!(trace.end_ns, (1010 + 100_000_000) * 1000);
    let analysis = analyze(trace);
    assert!(analysis.self_ns.iter().all(|&t| t >= 0));
}

// --- Size --------------------------------------------------------------------------------------

#[test]
fn a_50_mb_attribute_string_is_kept_whole() {
    let big = "x".repeat(50 * 1024 * 1024);
    let doc = format!(
        r#"[{{"traceId":"1","id":"1","name":"big","timestamp":1000,"duration":5,"tags":{{"payload":"{big}","<b>":"</b>"}}}}]"#
    );
    drop(big);
    let data = loads("big.json", &doc);
    let trace = &data.traces[0];
    let kv = trace.attrs_of(trace.spans[0].attrs);
    let payload = kv.iter().find(|kv| data.strings.get(kv.key) == "payload").expect("payload kept");
    let Value::Str(s) = payload.value else { panic!("a string") };
    assert_eq!(data.strings.get(s).len(), 50 * 1024 * 1024);
}

// --- Encoding ----------------------------------------------------------------------------------

#[test]
fn invalid_utf8_is_shown_replaced_and_located() {
    // Latin-1 bytes in a name: the trace loads, the bad bytes shown as U+FFFD, and a note says
    // where the first one was (a browser shows such text the same way).
    let check = |file: &str, doc: &[u8], format: Option<Format>, line: usize| {
        let mut data = Dataset::new();
        let (_, summary) = formats::load(&mut data, doc, file, format, &AssembleOptions::default())
            .unwrap_or_else(|err| panic!("{file} should load, but: {err}"));
        assert_eq!(data.traces.len() + usize::from(!data.dependencies.is_empty()), 1, "{file}");
        let note = summary.notes.iter().find(|n| n.contains("not valid UTF-8")).expect("a note on the bad bytes");
        assert!(note.starts_with(file) && note.contains(&format!("first at line {line},")), "{note}");
        let replaced =
            (0..data.strings.len()).any(|i| data.strings.get(strand_model::StrId(i as u32)).contains('\u{fffd}'));
        assert!(replaced, "{file}: the bad bytes are shown as U+FFFD");
    };
    let mut doc = SMALL_ZIPKIN.as_bytes().to_vec();
    let at = SMALL_ZIPKIN.find("\"a\"").expect("name") + 1;
    doc.splice(at..at + 1, [0xff, 0xfe]);
    for format in [None, Some(Format::Zipkin)] {
        check("latin1.json", &doc, format, 1);
    }
    // In every format, and in a field no importer reads.
    for (file, text) in [("j.json", SMALL_JAEGER), ("o.json", SMALL_OTLP), ("d.json", SMALL_DEPS)] {
        let at = text.find("\"a\"").unwrap_or_else(|| text.find("\"b\"").expect("a name")) + 1;
        let mut doc = text.as_bytes().to_vec();
        doc.insert(at, 0xc3);
        check(file, &doc, None, 1);
    }
    // Unpaired surrogate escapes: serde_json rejects them, located.
    let doc = SMALL_ZIPKIN.replace("\"name\":\"a\"", "\"name\":\"\\ud800\"");
    let err = fails("surrogate.json", doc.as_bytes());
    assert_eq!(place(&err).0, 1);
}

#[test]
fn a_byte_order_mark_is_skipped() {
    for (file, text) in
        [("j.json", SMALL_JAEGER), ("z.json", SMALL_ZIPKIN), ("o.json", SMALL_OTLP), ("d.json", SMALL_DEPS)]
    {
        let mut doc = vec![0xef, 0xbb, 0xbf];
        doc.extend_from_slice(text.as_bytes());
        assert!(load(file, &doc).is_ok(), "{file}");
    }
}

#[test]
fn duplicate_keys_are_a_located_error() {
    // Two values for one field: which one counts is not defined, so it is an error, not a guess.
    for (file, doc, needle) in [
        (
            "j.json",
            SMALL_JAEGER.replace(r#""operationName":"a""#, r#""operationName":"a","operationName":"b""#),
            "operationName",
        ),
        ("z.json", SMALL_ZIPKIN.replace(r#""name":"a""#, r#""name":"a","name":"b""#), "name"),
        ("o.json", SMALL_OTLP.replace(r#""name":"a""#, r#""name":"a","name":"b""#), "name"),
    ] {
        let err = fails(file, doc.as_bytes());
        assert!(matches!(err, ImportError::Shape { .. }), "{err}");
        assert!(err.to_string().contains(&format!("duplicate field `{needle}`")), "{err}");
        assert_eq!(place(&err).0, 1);
    }
}

// --- Markup ------------------------------------------------------------------------------------

const XSS: [&str; 5] = [
    "<script>window.__xss=1</script>",
    "<img src=x onerror=window.__xss=1>",
    "javascript:window.__xss=1",
    "\"><svg onload=window.__xss=1>",
    "data:text/html,<script>window.__xss=1</script>",
];

#[test]
fn markup_in_names_attributes_and_events_is_kept_as_text() {
    for payload in XSS {
        let quoted = serde_json::to_string(payload).expect("json string");
        let doc = format!(
            r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":{quoted}}}}}]}},
              "scopeSpans":[{{"scope":{{"name":{quoted}}},"spans":[{{"traceId":"ab","spanId":"1","name":{quoted},
              "startTimeUnixNano":"1000","endTimeUnixNano":"2000",
              "attributes":[{{"key":{quoted},"value":{{"stringValue":{quoted}}}}}],
              "events":[{{"timeUnixNano":"1500","name":{quoted},"attributes":[{{"key":"url.full","value":{{"stringValue":{quoted}}}}}]}}],
              "links":[{{"traceId":"ab","spanId":"2","attributes":[{{"key":{quoted},"value":{{"stringValue":{quoted}}}}}]}}]}}]}}]}}]}}"#
        );
        let data = loads("xss.json", &doc);
        let trace = &data.traces[0];
        let span = trace.spans[0];
        assert_eq!(data.strings.get(span.name), payload);
        let resource = trace.resources[span.resource as usize];
        assert_eq!(data.strings.get(resource.service), payload);
        let kv = trace.attrs_of(span.attrs)[0];
        assert_eq!(data.strings.get(kv.key), payload);
        assert_eq!(kv.value, Value::Str(kv.key));
        // The details view keeps every value as text and makes none of them a link.
        let analysis = analyze(trace);
        let details = strand_view::details::span_details(&data, 0, &analysis, 0).expect("details");
        assert_eq!(details.name, payload);
        assert_eq!(details.service, payload);
        let rows = details.attrs.iter().chain(details.events.iter().flat_map(|e| &e.attrs));
        let rows = rows.chain(details.links.iter().flat_map(|l| &l.attrs));
        let mut count = 0;
        for row in rows {
            assert_eq!(row.value, payload, "values are kept verbatim");
            assert!(!row.is_url, "{payload} must not become a link");
            count += 1;
        }
        assert_eq!(count, 3, "span, event and link attributes");
        assert_eq!(details.events.first().map(|e| e.name.as_str()), Some(payload));
    }
}

// --- Fuzz regressions --------------------------------------------------------------------------

/// Replays every crash input fuzzing found (`tests/fixtures/fuzz-regressions/<target>-<n>.bin`)
/// through the code its target exercises: it must load or fail with a located error.
#[test]
fn fuzz_regressions_stay_fixed() {
    // Every input kept from fuzzing is replayed through the code its target exercises, and its
    // outcome (what loaded, or the start of the error) must match `expected.txt`
    // (`UPDATE_EXPECT=1 cargo test --test hostile` rewrites it; review the diff).
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz-regressions");
    let entries = std::fs::read_dir(&dir).expect("tests/fixtures/fuzz-regressions/ holds the inputs kept from fuzzing");
    let mut files: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fuzz regression inputs in {}", dir.display());
    let mut outcomes = String::new();
    for path in files {
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let Some((target, _)) = name.rsplit_once('-') else {
            panic!("{name}: name it <target>-<n>.bin");
        };
        let bytes = std::fs::read(&path).expect("read regression input");
        let format = match target {
            "detect" => {
                let found = match formats::detect::detect(formats::detect::strip_bom(&bytes)) {
                    formats::detect::Detected::Found(format) => format!("{format:?}"),
                    formats::detect::Detected::Unknown(_) => "unknown".to_string(),
                };
                outcomes.push_str(&format!("{name}: detected {found}\n"));
                continue;
            }
            "jaeger" => Some(Format::Jaeger),
            "zipkin" => Some(Format::Zipkin),
            "otlp" => Some(Format::Otlp),
            "otlp_lines" => Some(Format::OtlpLines),
            "dependencies" => Some(Format::Dependencies),
            "otlp_logs" => Some(Format::OtlpLogs),
            "ecs" => Some(Format::Ecs),
            "json_logs" => Some(Format::JsonLogs),
            "loki" => Some(Format::Loki),
            "load" => None,
            other => panic!("{name}: unknown fuzz target {other}"),
        };
        let outcome = match load_as(&name, &bytes, format) {
            Ok(mut data) => {
                let _ = dump_dataset(&data);
                formats::reassemble_all(&mut data, &AssembleOptions { adjust_clock_skew: false });
                formats::reassemble_all(&mut data, &AssembleOptions::default());
                for trace in &data.traces {
                    let _ = analyze(trace);
                }
                format!("{} traces, {} spans, {} log lines", data.traces.len(), data.span_count(), data.log_count())
            }
            Err(err) => {
                let text = err.to_string();
                assert!(text.starts_with(&name), "{text}");
                let first = text.lines().next().unwrap_or_default();
                format!("error: {}", first.chars().take(100).collect::<String>())
            }
        };
        outcomes.push_str(&format!("{name}: {outcome}\n"));
    }
    expect_test::expect_file!["fixtures/fuzz-regressions/expected.txt"].assert_eq(&outcomes);
}
