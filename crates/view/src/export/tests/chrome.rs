//! The Chrome trace export checked field by field against the Trace Event Format (the JSON
//! Object Format: `traceEvents`, `displayTimeUnit`, `otherData`; complete, instant, async,
//! flow and metadata events) and what Perfetto's importer needs of it (the slices of a thread
//! nest), on every sample, on the HotROD trace with its log lines, and on a trace wider than the
//! lane limit.

use super::roundtrip::hotrod_with_logs;
use crate::export::chrome::MAX_LANES;
use crate::export::{export, ExportFormat, ExportOptions};
use serde_json::Value as J;
use std::collections::{BTreeMap, BTreeSet};
use strand_model::{Dataset, Trace};

/// Microseconds with three decimals, as nanoseconds (exact for what the writer writes).
fn ns(v: &J) -> i64 {
    (v.as_f64().expect("a number") * 1000.0).round() as i64
}

/// Checks one Chrome trace file; returns (span slices, async slices, processes, threads).
fn validate(text: &str) -> (usize, usize, usize, usize) {
    let doc: J = serde_json::from_str(text).expect("the export is JSON");
    let top = doc.as_object().expect("the JSON Object Format");
    assert!(matches!(top.get("displayTimeUnit").and_then(J::as_str), Some("ms" | "ns")));
    assert!(top.get("otherData").is_none_or(J::is_object));
    let events = top.get("traceEvents").and_then(J::as_array).expect("traceEvents is an array");
    let mut process_names = BTreeSet::new();
    let mut thread_names = BTreeSet::new();
    let mut slices: BTreeMap<(i64, i64), Vec<(i64, i64)>> = BTreeMap::new();
    let mut async_open: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    let mut async_done = 0;
    let mut flows: BTreeMap<String, Vec<(String, i64, i64, i64)>> = BTreeMap::new();
    let mut used_threads = BTreeSet::new();
    let mut used_pids = BTreeSet::new();
    let (mut x_count, mut b_count) = (0, 0);
    for e in events {
        let e = e.as_object().expect("every event is an object");
        let ph = e.get("ph").and_then(J::as_str).expect("ph");
        assert!(e.get("name").is_some_and(J::is_string), "name: {e:?}");
        let pid = e.get("pid").and_then(J::as_i64).expect("pid is an integer");
        assert!(pid >= 0);
        assert!(e.get("args").is_none_or(J::is_object), "args is an object: {e:?}");
        if ph == "M" {
            let name = e.get("name").and_then(J::as_str).unwrap_or("");
            let args = e.get("args").and_then(J::as_object).expect("metadata args");
            match name {
                "process_name" => {
                    assert!(args.get("name").is_some_and(J::is_string));
                    process_names.insert(pid);
                }
                "thread_name" => {
                    assert!(args.get("name").is_some_and(J::is_string));
                    thread_names.insert((pid, e.get("tid").and_then(J::as_i64).expect("thread_name has a tid")));
                }
                "process_sort_index" | "thread_sort_index" => assert!(args.get("sort_index").is_some_and(J::is_i64)),
                other => panic!("unknown metadata event {other}"),
            }
            continue;
        }
        let tid = e.get("tid").and_then(J::as_i64).expect("tid is an integer");
        let ts = ns(e.get("ts").expect("ts"));
        assert!(e.get("cat").is_some_and(J::is_string), "cat: {e:?}");
        used_pids.insert(pid);
        let id = || match e.get("id") {
            Some(J::String(s)) => s.clone(),
            Some(J::Number(n)) => n.to_string(),
            other => panic!("an id is a string or number, not {other:?}"),
        };
        let cat = e.get("cat").and_then(J::as_str).unwrap_or("").to_string();
        match ph {
            "X" => {
                let dur = ns(e.get("dur").expect("complete events have dur"));
                assert!(dur >= 0);
                slices.entry((pid, tid)).or_default().push((ts, ts + dur));
                used_threads.insert((pid, tid));
                x_count += 1;
            }
            "i" => {
                let scope = e.get("s").and_then(J::as_str).expect("instant scope");
                assert!(matches!(scope, "g" | "p" | "t"));
                if scope == "t" {
                    used_threads.insert((pid, tid));
                }
            }
            "b" => {
                assert!(async_open.insert((cat, id()), (pid, ts)).is_none(), "one begin per id");
                b_count += 1;
            }
            "n" => assert!(async_open.contains_key(&(cat, id())), "an async instant inside its slice"),
            "e" => {
                let (bpid, bts) = async_open.remove(&(cat, id())).expect("an end after its begin");
                assert_eq!(bpid, pid);
                assert!(ts >= bts);
                async_done += 1;
            }
            "s" | "f" => {
                if ph == "f" {
                    assert_eq!(e.get("bp").and_then(J::as_str), Some("e"), "flow ends bind to the enclosing slice");
                }
                flows.entry(format!("{cat}/{}", id())).or_default().push((ph.to_string(), pid, tid, ts));
            }
            other => panic!("unexpected phase {other}"),
        }
    }
    assert!(async_open.is_empty(), "every async slice ends");
    assert_eq!(async_done, b_count);
    // Slices of one thread nest (Perfetto drops the rest).
    for ((pid, tid), list) in &mut slices {
        list.sort_by_key(|&(s, e)| (s, std::cmp::Reverse(e)));
        let mut stack: Vec<i64> = Vec::new();
        for &(s, e) in list.iter() {
            while stack.last().is_some_and(|&end| end <= s && !(end == s && e == s)) {
                stack.pop();
            }
            if let Some(&end) = stack.last() {
                assert!(e <= end, "slice {s}..{e} on {pid}/{tid} overlaps its enclosing slice ending at {end}");
            }
            stack.push(e);
        }
    }
    // Flows: a start and an end, each inside a slice of its thread.
    for (id, pair) in &flows {
        assert_eq!(pair.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(), ["s", "f"], "flow {id}");
        for (_, pid, tid, ts) in pair {
            let inside = slices.get(&(*pid, *tid)).is_some_and(|l| l.iter().any(|&(s, e)| s <= *ts && *ts <= e));
            assert!(inside, "flow {id} at {ts} is inside a slice of {pid}/{tid}");
        }
    }
    for pid in &used_pids {
        assert!(process_names.contains(pid), "process {pid} is named");
    }
    for thread in &used_threads {
        assert!(thread_names.contains(thread), "thread {thread:?} is named");
    }
    (x_count, b_count, process_names.len(), thread_names.len())
}

fn services(data: &Dataset) -> usize {
    let names: BTreeSet<&str> =
        data.traces.iter().flat_map(|t| t.spans.iter().map(|s| data.strings.get(t.service_of(s)))).collect();
    names.len()
}

#[test]
fn every_sample_is_a_valid_chrome_trace_with_one_process_per_service() {
    for (name, bytes) in super::samples() {
        let data = super::load_one(&bytes, &name);
        let traces: Vec<&Trace> = data.traces.iter().collect();
        let text = export(ExportFormat::Chrome, &data.strings, &traces, &ExportOptions::default());
        let (slices, asyncs, processes, _) = validate(&text);
        assert_eq!(slices + asyncs, data.span_count(), "{name}: every span once");
        assert_eq!(processes, services(&data), "{name}: one process per service");
    }
}

#[test]
fn concurrent_calls_get_lanes_and_log_lines_are_instants() {
    let data = hotrod_with_logs();
    let trace = &data.traces[0];
    let text = export(ExportFormat::Chrome, &data.strings, &[trace], &ExportOptions::default());
    let (slices, asyncs, processes, threads) = validate(&text);
    assert_eq!((slices, asyncs, processes), (trace.spans.len(), 0, 6));
    assert!(threads > processes, "the 11 overlapping calls need more than one lane per service: {threads}");
    let doc: J = serde_json::from_str(&text).expect("JSON");
    let logs = doc["traceEvents"].as_array().expect("events").iter().filter(|e| e["cat"] == "log").count();
    assert_eq!(logs, trace.logs.len());
}

#[test]
fn past_the_lane_limit_overlapping_spans_are_async_slices() {
    // A root and 30 children that each overlap the next: 16 lanes, then async slices.
    let mut spans = String::from(
        r#"{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00000000000000aa","name":"root","startTimeUnixNano":"1000","endTimeUnixNano":"100000"}"#,
    );
    for i in 0..30 {
        spans.push_str(&format!(
            r#",{{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"{:016x}","parentSpanId":"00000000000000aa","name":"c{i}","startTimeUnixNano":"{}","endTimeUnixNano":"{}"}}"#,
            i + 1,
            2000 + i * 10,
            200_000 + i * 10
        ));
    }
    let doc = format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{spans}]}}]}}]}}"#);
    let data = super::load_one(doc.as_bytes(), "wide.json");
    let traces: Vec<&Trace> = data.traces.iter().collect();
    let (slices, asyncs, processes, threads) =
        validate(&export(ExportFormat::Chrome, &data.strings, &traces, &ExportOptions::default()));
    assert_eq!((processes, threads), (1, MAX_LANES));
    assert_eq!(slices + asyncs, 31);
    assert!(asyncs > 0);
}
