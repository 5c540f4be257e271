//! The hand-over encoding: round trips into another interner, truncation and foreign bytes.

use super::*;
use crate::dump::dump_trace;
use crate::ids::{SpanId, TraceId};
use crate::strings::{Interner, StrId};
use crate::trace::{Event, KeyValue, Link, LinkKind, Range32, Resource, Scope, Span, StatusCode, Value};
use crate::warnings::{Detail, Warning};
use crate::{SpanKind, WarningKind};

fn sample(strings: &mut Interner) -> Trace {
    let mut t = Trace::new(TraceId::Hex(0xabc));
    let mut root = Span::empty(SpanId::Hex(1));
    root.name = strings.intern("GET /");
    root.start_ns = 1_000;
    root.duration_ns = 500;
    root.attrs = Range32 { start: 0, len: 3 };
    root.events = Range32 { start: 0, len: 1 };
    root.kind = SpanKind::Server;
    let mut child = Span::empty(SpanId::Text(strings.intern("span-2")));
    child.parent_id = Some(SpanId::Hex(1));
    child.parent = 0;
    child.name = strings.intern("SELECT");
    child.status = StatusCode::Error;
    child.start_ns = 1_100;
    child.duration_ns = 100;
    child.links = Range32 { start: 0, len: 1 };
    child.scope = 0;
    // The file gave no start: assembly placed it (and undoes that on the page's next assembly).
    child.start_placed = true;
    t.spans = vec![root, child];
    t.resources = vec![Resource { service: strings.intern("api"), attrs: Range32::EMPTY }];
    t.scopes = vec![Scope { name: strings.intern("lib"), version: strings.intern("1.0"), attrs: Range32::EMPTY }];
    t.attrs = vec![
        KeyValue { key: strings.intern("http.status"), value: Value::Int(200) },
        KeyValue { key: strings.intern("ratio"), value: Value::Double(0.25) },
        KeyValue { key: strings.intern("list"), value: Value::Array(Range32 { start: 0, len: 2 }) },
    ];
    t.values = vec![Value::Bool(true), Value::Bytes(Range32 { start: 0, len: 2 })];
    t.bytes = vec![0xde, 0xad];
    t.events = vec![Event { time_ns: 1_200, name: strings.intern("retry"), attrs: Range32::EMPTY }];
    t.links = vec![Link {
        trace_id: TraceId::Text(strings.intern("other")),
        span_id: SpanId::Hex(9),
        kind: LinkKind::FollowsFrom,
        attrs: Range32::EMPTY,
    }];
    t.warnings = vec![
        Warning::span(1, WarningKind::OutsideParent, "ends 1 µs after its parent"),
        Warning::span(1, WarningKind::OutsideParent, Detail::OutsideParent { before_ns: 3, after_ns: 0 }),
        Warning::span(1, WarningKind::ClockSkew, Detail::Shifted { by_ns: -7 }),
    ];
    t.sources = vec![strings.intern("a.json")];
    t.order = vec![0, 1];
    t.depth = vec![0, 1];
    t.start_ns = 1_000;
    t.end_ns = 1_500;
    t.attrs.push(KeyValue { key: strings.intern("user"), value: Value::Str(strings.intern("ann")) });
    let mut log = crate::LogRecord::empty(strings.intern("a.log"));
    log.time_ns = 1_150;
    log.observed_ns = 1_160;
    log.span_id = Some(SpanId::Text(strings.intern("span-2")));
    log.span = 1;
    log.severity = 17;
    log.severity_text = strings.intern("ERROR");
    log.body = Value::Array(Range32 { start: 0, len: 1 });
    log.attrs = Range32 { start: 3, len: 1 };
    log.scope = 0;
    log.flags = 1;
    let mut bare = crate::LogRecord::empty(StrId::EMPTY);
    bare.time_ns = 900;
    bare.body = Value::Str(strings.intern("starting"));
    t.logs = vec![bare, log];
    t.log_resources = vec![Resource { service: strings.intern("db"), attrs: Range32 { start: 3, len: 1 } }];
    t.log_scopes = vec![Scope { name: strings.intern("app.db"), version: StrId::EMPTY, attrs: Range32::EMPTY }];
    t
}

#[test]
fn round_trips_into_another_interner() {
    let mut worker = Interner::new();
    let trace = sample(&mut worker);
    let deps = vec![DependencyLink {
        parent: worker.intern("api"),
        child: worker.intern("db"),
        call_count: 3,
        error_count: 1,
    }];
    let bytes = encode(&worker, std::slice::from_ref(&trace), &deps, &["a note".to_string()]);

    // The page's interner already has other strings, so every id moves.
    let mut page = Interner::new();
    page.intern("something else");
    page.intern("SELECT");
    // A source that hands out a few bytes at a time exercises the refills.
    struct Dribble<'a>(&'a [u8]);
    impl Source for Dribble<'_> {
        fn read_more(&mut self, out: &mut Vec<u8>, max: usize) -> usize {
            let n = max.min(self.0.len()).min(7);
            out.extend_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            n
        }
    }
    let decoded = decode(&mut Dribble(&bytes), &mut page).expect("decodes");
    assert_eq!(decoded.traces.len(), 1);
    assert_eq!(dump_trace(&page, &decoded.traces[0]), dump_trace(&worker, &trace));
    assert_eq!(decoded.notes, vec!["a note".to_string()]);
    assert_eq!(page.get(decoded.dependencies[0].child), "db");
    assert_eq!(decoded.traces[0].spans[1].span_id, SpanId::Text(page.lookup("span-2").expect("interned")));
    assert_eq!(decoded.traces[0].warnings, trace.warnings);
    // The shared flag and the placed start share one byte.
    let flags = |t: &Trace| t.spans.iter().map(|s| (s.shared, s.start_placed)).collect::<Vec<_>>();
    assert_eq!(flags(&decoded.traces[0]), [(false, false), (false, true)]);
    assert_eq!(decoded.traces[0].logs.len(), 2);
    assert_eq!(page.get(decoded.traces[0].logs[1].source), "a.log");
    assert!(dump_trace(&page, &decoded.traces[0]).contains("log +150ns db: error(\"ERROR\") span=span-2 [true]"));
}

/// Two traces (the sample twice, under two ids) and a dependency link, in one interner.
fn two_traces() -> (Interner, Trace, Trace, Vec<DependencyLink>) {
    let mut strings = Interner::new();
    let first = sample(&mut strings);
    let mut second = sample(&mut strings);
    second.trace_id = TraceId::Text(strings.intern("trace-2"));
    let deps = vec![DependencyLink {
        parent: strings.intern("api"),
        child: strings.intern("db"),
        call_count: 3,
        error_count: 1,
    }];
    (strings, first, second, deps)
}

#[test]
fn pieces_for_a_sink_join_to_the_whole_encoding() {
    let (strings, first, second, deps) = two_traces();
    let traces = [&first, &second];
    let whole = encode_selected(&strings, &traces, &deps);
    for chunk in [1, 16, 200, SINK_CHUNK] {
        let mut pieces: Vec<Vec<u8>> = Vec::new();
        let mut encoder = Encoder::default();
        assert!(encoder.step_chunked(&strings, &traces, &deps, u64::MAX, chunk, &mut |p| pieces.push(p.to_vec())));
        assert_eq!(pieces.concat(), whole, "chunk {chunk}");
        assert_eq!(encoder.total(), whole.len() as u64);
        assert!(pieces.iter().all(|p| !p.is_empty()));
        // Small chunks: at least a piece per string and per span (a big trace is never one
        // piece); one megabyte: this small encoding in one.
        if chunk == 1 {
            assert!(pieces.len() >= strings.len() + first.spans.len() + second.spans.len(), "{} pieces", pieces.len());
        }
        if chunk == SINK_CHUNK {
            assert_eq!(pieces.len(), 1);
        }
    }
    // No traces: the strings and the counts still arrive, in the one piece.
    let mut pieces: Vec<Vec<u8>> = Vec::new();
    Encoder::default().step(&strings, &[], &deps, u64::MAX, &mut |p| pieces.push(p.to_vec()));
    assert_eq!(pieces, vec![encode_selected(&strings, &[], &deps)]);
}

#[test]
fn strings_interned_between_steps_are_not_written() {
    // A file decoded while the workspace is kept interns into the same interner; the strings
    // list keeps the count it was written with (the traces never refer to the new strings).
    let (mut strings, first, second, deps) = two_traces();
    let traces = [&first, &second];
    let whole = encode_selected(&strings, &traces, &deps);
    let mut encoder = Encoder::default();
    let mut out: Vec<u8> = Vec::new();
    let mut added = 0;
    while !encoder.step_chunked(&strings, &traces, &deps, 3, 1, &mut |p| out.extend_from_slice(p)) {
        strings.intern(&format!("interned meanwhile {added}"));
        added += 1;
        assert!(added < 10_000, "the strings list never ends");
    }
    assert!(added > 10);
    assert_eq!(out, whole);
}

#[test]
fn encoding_in_steps_gives_the_whole_encoding_at_every_budget() {
    let (strings, first, second, deps) = two_traces();
    let traces = [&first, &second];
    let whole = encode_selected(&strings, &traces, &deps);
    for budget in (1..=whole.len() as u64 + 1).chain([u64::MAX]) {
        for chunk in [1, 64, SINK_CHUNK] {
            let mut encoder = Encoder::default();
            let mut out: Vec<u8> = Vec::new();
            let mut steps = 0;
            loop {
                let before = out.len() as u64;
                let done =
                    encoder.step_chunked(&strings, &traces, &deps, budget, chunk, &mut |p| out.extend_from_slice(p));
                steps += 1;
                // A step writes at least one item and stops soon after its budget: no item of
                // this encoding is longer than a span with its ids.
                let wrote = out.len() as u64 - before;
                assert!(done || wrote > 0, "budget {budget}: an unfinished step wrote nothing");
                assert!(wrote <= budget.saturating_add(200), "budget {budget}: a step wrote {wrote}");
                if done {
                    break;
                }
                assert!(steps <= whole.len() + 2, "budget {budget}: no end");
            }
            assert_eq!(out, whole, "budget {budget}, chunk {chunk}");
            assert_eq!(encoder.total(), whole.len() as u64);
            // A finished encoder writes nothing more.
            assert!(encoder.step(&strings, &traces, &deps, budget, &mut |_| panic!("wrote after the end")));
            if budget == u64::MAX {
                assert_eq!(steps, 1);
            }
            if budget == 1 {
                assert!(steps > first.spans.len() + second.spans.len() + strings.len());
            }
        }
    }
}

#[test]
fn truncated_or_foreign_bytes_are_errors() {
    let mut worker = Interner::new();
    let trace = sample(&mut worker);
    let bytes = encode(&worker, &[trace], &[], &[]);
    let mut page = Interner::new();
    for cut in [0, 5, 8, 40, bytes.len() / 2, bytes.len() - 1] {
        assert!(decode_slice(&bytes[..cut], &mut page).is_err(), "cut at {cut}");
    }
    assert!(decode_slice(b"NOTSTRAND", &mut page).is_err());
    assert!(decode_slice(&bytes, &mut page).is_ok());
}

/// Decodes `bytes` in steps of `budget` bytes into a fresh interner: the dumps of its traces,
/// its notes and dependencies, and how many steps it took.
fn decode_in_steps(bytes: &[u8], budget: usize) -> (Vec<String>, Vec<String>, usize, usize) {
    let mut page = Interner::new();
    page.intern("already here");
    let mut decoder = Decoder::new(SliceSource { bytes });
    let mut steps = 0;
    let decoded = loop {
        steps += 1;
        if let Some(decoded) = decoder.step(&mut page, budget).expect("decodes") {
            break decoded;
        }
        assert!(steps <= bytes.len(), "no progress at budget {budget}");
    };
    assert_eq!(decoder.consumed(), bytes.len() as u64, "budget {budget}");
    let dumps = decoded.traces.iter().map(|t| dump_trace(&page, t)).collect();
    (dumps, decoded.notes, decoded.dependencies.len(), steps)
}

#[test]
fn decoding_in_steps_gives_what_one_call_gives_at_every_budget() {
    let mut worker = Interner::new();
    let first = sample(&mut worker);
    let mut second = sample(&mut worker);
    second.trace_id = TraceId::Text(worker.intern("trace-2"));
    second.spans.truncate(1);
    let deps = vec![DependencyLink {
        parent: worker.intern("api"),
        child: worker.intern("db"),
        call_count: 2,
        error_count: 0,
    }];
    let notes = ["one note".to_string(), "two".to_string()];
    let bytes = encode(&worker, &[first, second], &deps, &notes);
    let whole = decode_in_steps(&bytes, usize::MAX);
    assert_eq!(whole.3, 1, "an unlimited budget is one step");
    assert_eq!(whole.0.len(), 2);
    for budget in 1..=bytes.len() + 1 {
        let stepped = decode_in_steps(&bytes, budget);
        assert_eq!((&stepped.0, &stepped.1, stepped.2), (&whole.0, &whole.1, whole.2), "budget {budget}");
        if budget == 1 {
            // A step reads at least one item, and no more once the budget is spent.
            assert!(stepped.3 > worker.len() + 4, "{} steps", stepped.3);
        }
    }
}

#[test]
fn a_decoder_stepped_over_a_truncated_encoding_fails_and_stays_failed() {
    let mut worker = Interner::new();
    let trace = sample(&mut worker);
    let bytes = encode(&worker, &[trace], &[], &[]);
    for cut in [0, 9, bytes.len() / 3, bytes.len() - 1] {
        let mut page = Interner::new();
        let mut decoder = Decoder::new(SliceSource { bytes: &bytes[..cut] });
        let error = loop {
            match decoder.step(&mut page, 16) {
                Ok(Some(_)) => panic!("decoded a cut at {cut}"),
                Ok(None) => continue,
                Err(error) => break error,
            }
        };
        assert!(error.0.contains("ends early") || error.0.contains("header"), "{error} at cut {cut}");
    }
    // Read to the end, a decoder has nothing more to give.
    let mut page = Interner::new();
    let mut decoder = Decoder::new(SliceSource { bytes: &bytes });
    assert!(decoder.step(&mut page, usize::MAX).expect("decodes").is_some());
    assert!(decoder.step(&mut page, usize::MAX).is_err());
}

#[test]
fn texts_added_apart_are_decoded_apart() {
    // A log line's message added with `add_distinct` (twice the same text, as a log file can
    // repeat it) beside an interned one with the same text.
    let mut worker = Interner::new();
    let mut trace = sample(&mut worker);
    let shared = worker.intern("payment declined");
    let apart = [worker.add_distinct("payment declined"), worker.add_distinct("payment declined")];
    for (i, body) in [shared, apart[0], apart[1]].into_iter().enumerate() {
        let mut line = crate::LogRecord::empty(StrId::EMPTY);
        line.time_ns = 1_000 + i as i64;
        line.body = Value::Str(body);
        trace.logs.push(line);
    }
    let bytes = encode(&worker, std::slice::from_ref(&trace), &[], &[]);
    let mut page = Interner::new();
    page.intern("payment declined");
    let decoded = decode_slice(&bytes, &mut page).unwrap();
    let got = decoded.traces.first().unwrap();
    // The sample's own two lines come first.
    let bodies: Vec<StrId> =
        got.logs.iter().skip(2).map(|l| if let Value::Str(s) = l.body { s } else { StrId::EMPTY }).collect();
    assert_eq!(bodies.len(), 3);
    assert!(!page.is_distinct(bodies[0]) && page.is_distinct(bodies[1]) && page.is_distinct(bodies[2]));
    assert_eq!(page.lookup("payment declined"), Some(bodies[0]));
    assert!(bodies[1] != bodies[0] && bodies[2] != bodies[1]);
    assert_eq!(dump_trace(&page, got), dump_trace(&worker, &trace));
}
