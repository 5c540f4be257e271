//! A tiny text format for analysis test fixtures (test builds only). One span per line; two
//! spaces of indentation per tree level; fields separated by spaces:
//!
//! ```text
//! name service start..end [server|client|producer|consumer|internal] [error] [follows] [key=value]...
//! ```
//!
//! Times are integers in nanoseconds. Example:
//!
//! ```text
//! GET_/ frontend 0..100 server
//!   SELECT db-client 10..40 client db.system=postgresql
//!   render frontend 50..90
//! ```
//!
//! Names cannot contain spaces (use `_`). Spans get ids 1, 2, 3... in line order, and the trace
//! is assembled (without clock-skew adjustment) like an imported one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

pub mod bench_data;

use strand_formats::assemble::{assemble, AssembleOptions};
use strand_formats::builder::push_attrs;
use strand_model::{
    Dataset, KeyValue, ParentRelation, Resource, Span, SpanId, SpanKind, StatusCode, Trace, TraceId, Value,
};

/// Builds a dataset with one trace per fixture text (trace ids 1, 2, ...).
pub fn dataset(fixtures: &[&str]) -> Dataset {
    let mut data = Dataset::new();
    for (t, text) in fixtures.iter().enumerate() {
        let mut trace = Trace::new(TraceId::Hex(t as u128 + 1));
        let mut stack: Vec<(usize, SpanId)> = Vec::new();
        let mut scratch = Vec::new();
        for (line_no, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let indent = line.len() - line.trim_start().len();
            let level = indent / 2;
            let mut fields = line.split_whitespace();
            let name = fields.next().unwrap_or_else(|| panic!("line {line_no}: no name"));
            let service = fields.next().unwrap_or_else(|| panic!("line {line_no}: no service"));
            let times = fields.next().unwrap_or_else(|| panic!("line {line_no}: no start..end"));
            let (start, end) = times.split_once("..").unwrap_or_else(|| panic!("line {line_no}: bad times {times}"));
            let start: i64 = start.parse().expect("start");
            let end: i64 = end.parse().expect("end");
            let id = SpanId::Hex(trace.spans.len() as u64 + 1);
            let mut span = Span::empty(id);
            span.name = data.strings.intern(&name.replace('_', " "));
            span.start_ns = start;
            span.duration_ns = end - start;
            stack.truncate(level);
            span.parent_id = stack.last().map(|&(_, pid)| pid);
            for field in fields {
                match field {
                    "error" => span.status = StatusCode::Error,
                    "follows" => span.parent_relation = ParentRelation::FollowsFrom,
                    other => {
                        if let Some(kind) = SpanKind::parse(other) {
                            span.kind = kind;
                        } else if let Some((k, v)) = other.split_once('=') {
                            let value = match v.parse::<i64>() {
                                Ok(i) => Value::Int(i),
                                Err(_) => Value::Str(data.strings.intern(v)),
                            };
                            scratch.push(KeyValue { key: data.strings.intern(k), value });
                        } else {
                            panic!("line {line_no}: unknown field {other}");
                        }
                    }
                }
            }
            span.attrs = push_attrs(&mut trace, &mut scratch);
            let service_id = data.strings.intern(service);
            span.resource = match trace.resources.iter().position(|r| r.service == service_id) {
                Some(i) => i as u32,
                None => {
                    trace.resources.push(Resource { service: service_id, attrs: Default::default() });
                    trace.resources.len() as u32 - 1
                }
            };
            trace.spans.push(span);
            stack.push((trace.spans.len() - 1, id));
        }
        assemble(&mut trace, &data.strings, &AssembleOptions { adjust_clock_skew: false });
        data.traces.push(trace);
    }
    data
}

/// Finds a span by name (the first one in tree order).
pub fn span_named(data: &Dataset, trace: &Trace, name: &str) -> u32 {
    trace
        .order
        .iter()
        .copied()
        .find(|&i| trace.span(i).is_some_and(|s| data.strings.get(s.name) == name))
        .unwrap_or_else(|| panic!("no span named {name}"))
}
