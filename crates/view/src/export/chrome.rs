//! Traces written as Chrome trace event JSON (the Trace Event Format that Perfetto UI and
//! `chrome://tracing` open): `{"traceEvents":[…],"displayTimeUnit":"ms","otherData":{…}}`.
//! Depends on `model` and `export`.
//!
//! - One process (`pid`) per service, named by `M` `process_name` events, in order of first
//!   appearance.
//! - Spans are complete events (`ph:"X"`, `ts`/`dur` in microseconds with nanosecond decimals,
//!   relative to the earliest span or log line, which `otherData.time_origin_unix_ns` gives).
//!   The viewers need the slices of one thread to nest, so each service's spans are packed onto
//!   threads ("lanes", `tid`, named `SERVICE #N` by `M` `thread_name` events): a span goes on the
//!   first lane where it nests in the span open there, else on a new lane. Concurrent calls
//!   get a lane each. Past [`MAX_LANES`] lanes a span that overlaps the open spans of every lane
//!   is an async slice instead (`ph:"b"`/`"e"`, `cat:"async"`, its own `id`).
//! - Span events and log lines are instant events on their span's lane (`ph:"i"`, `s:"t"`), or
//!   async instants (`ph:"n"`) on an async span; lines of no span are process-wide instants
//!   (`s:"p"`) on their service's process.
//! - A call from a span to a child on another lane is a flow (`ph:"s"` on the parent's lane at the
//!   child's start, `ph:"f"` with `bp:"e"` on the child's), drawn as an arrow.
//! - `args` hold the ids, kind, status and the attributes (masked).
//!
//! Times are those Strand shows (clock-skew shifts included), unlike the other exports: this
//! file is for looking at, and Strand does not read it back.

use super::json::JsonWriter;
use super::otlp::span_id_hex;
use super::{Ctx, JsonStyle};
use base64::Engine;
use strand_model::{Interner, KeyValue, LogRecord, Span, StrId, Trace, Value};

/// Threads per service before overlapping spans become async slices.
pub const MAX_LANES: usize = 16;

/// Log messages longer than this are cut in the event name (the whole message is in `args`).
const NAME_CHARS: usize = 120;

/// Where a span is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Lane { pid: u32, tid: u32 },
    Async { pid: u32, id: u32 },
}

/// Processes, lanes and places of every span of the exported traces.
struct Layout {
    /// Service of each process, by pid - 1.
    services: Vec<StrId>,
    /// Lanes per process, by pid - 1.
    lanes: Vec<u32>,
    /// Per trace, per span index.
    places: Vec<Vec<Place>>,
    origin_ns: i64,
}

impl Layout {
    fn build(traces: &[&Trace]) -> Layout {
        let mut services: Vec<StrId> = Vec::new();
        let mut pid_of = hashbrown::HashMap::new();
        // (pid, start, end, trace, span): spans per process, placed by start.
        let mut spans: Vec<(u32, i64, i64, usize, u32)> = Vec::new();
        for (t, trace) in traces.iter().enumerate() {
            for &idx in &trace.order {
                let Some(span) = trace.span(idx) else { continue };
                let service = trace.service_of(span);
                let pid = *pid_of.entry(service).or_insert_with(|| {
                    services.push(service);
                    u32::try_from(services.len()).unwrap_or(u32::MAX)
                });
                spans.push((pid, span.start_ns, span.end_ns().max(span.start_ns), t, idx));
            }
        }
        // By process, then start, longer first (a parent before a child starting with it), then
        // tree order (the sort is stable).
        strand_model::order::sort_by_key(&mut spans, |&(pid, start, end, _, _)| (pid, start, std::cmp::Reverse(end)));
        let mut places: Vec<Vec<Place>> =
            traces.iter().map(|t| vec![Place::Async { pid: 0, id: 0 }; t.spans.len()]).collect();
        let mut lanes: Vec<u32> = vec![0; services.len()];
        // Per lane of the current process: the (start, end) of the spans open on it.
        let mut open: Vec<Vec<(i64, i64)>> = Vec::new();
        let mut current_pid = 0;
        let mut async_ids = 0u32;
        for (pid, start, end, t, idx) in spans {
            if pid != current_pid {
                current_pid = pid;
                open.clear();
            }
            let lane = open.iter_mut().position(|stack| {
                // Spans that ended by now are closed; the span fits if it ends within the one
                // still open (it starts within it: spans come by start).
                while stack.last().is_some_and(|&(_, e)| e <= start) {
                    stack.pop();
                }
                stack.last().is_none_or(|&(_, e)| end <= e)
            });
            let place = match lane {
                Some(lane) => {
                    if let Some(stack) = open.get_mut(lane) {
                        stack.push((start, end));
                    }
                    Place::Lane { pid, tid: u32::try_from(lane + 1).unwrap_or(u32::MAX) }
                }
                None if open.len() < MAX_LANES => {
                    open.push(vec![(start, end)]);
                    if let Some(n) = lanes.get_mut(pid as usize - 1) {
                        *n = u32::try_from(open.len()).unwrap_or(u32::MAX);
                    }
                    Place::Lane { pid, tid: u32::try_from(open.len()).unwrap_or(u32::MAX) }
                }
                None => {
                    async_ids += 1;
                    Place::Async { pid, id: async_ids }
                }
            };
            if let Some(slot) = places.get_mut(t).and_then(|p| p.get_mut(idx as usize)) {
                *slot = place;
            }
        }
        let span_start = traces.iter().filter(|t| !t.spans.is_empty()).map(|t| t.start_ns).min();
        let log_start = traces.iter().flat_map(|t| t.logs.iter().map(|l| display_ns(t, l))).min();
        let origin_ns = match (span_start, log_start) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b).unwrap_or(0),
        };
        Layout { services, lanes, places, origin_ns }
    }

    fn place(&self, trace: usize, span: u32) -> Option<Place> {
        self.places.get(trace)?.get(span as usize).copied()
    }

    fn pid_of_service(&self, service: StrId) -> Option<u32> {
        self.services.iter().position(|s| *s == service).and_then(|i| u32::try_from(i + 1).ok())
    }
}

/// A log line's time as shown: moved with its span's clock-skew shift.
fn display_ns(trace: &Trace, log: &LogRecord) -> i64 {
    crate::logs::display_time_ns(trace, log)
}

pub(crate) fn write(
    ctx: &Ctx,
    traces: &[&Trace],
    style: JsonStyle,
    chunk_bytes: usize,
    emit: &mut dyn FnMut(String) -> bool,
) -> bool {
    let traces: Vec<&Trace> = traces.iter().copied().filter(|t| !t.spans.is_empty()).collect();
    let layout = Layout::build(&traces);
    let mut w = JsonWriter::new(style);
    w.begin_object();
    w.key("traceEvents");
    w.begin_array();
    write_metadata(&mut w, ctx.strings, &layout);
    let mut flows = 0u32;
    for (t, trace) in traces.iter().enumerate() {
        for &idx in &trace.order {
            let Some(span) = trace.span(idx) else { continue };
            write_span(&mut w, ctx, &layout, t, trace, idx, span, &mut flows);
            if !w.flush_over(chunk_bytes, emit) {
                return false;
            }
        }
        for log in &trace.logs {
            write_log(&mut w, ctx, &layout, t, trace, log);
        }
    }
    w.end_array();
    w.key("displayTimeUnit");
    w.string("ms");
    w.key("otherData");
    w.begin_object();
    w.key("producer");
    w.string("Strand");
    w.key("time_origin_unix_ns");
    w.string(&layout.origin_ns.to_string());
    w.key("traces");
    w.string(&traces.iter().map(|t| t.trace_id.display(ctx.strings)).collect::<Vec<_>>().join(","));
    w.end_object();
    w.end_object();
    w.finish(emit)
}

fn write_metadata(w: &mut JsonWriter, strings: &Interner, layout: &Layout) {
    for (i, &service) in layout.services.iter().enumerate() {
        let pid = i + 1;
        let name = match strings.get(service) {
            "" => "(no service)",
            s => s,
        };
        metadata(w, "process_name", pid, None, "name", &json_string(name));
        metadata(w, "process_sort_index", pid, None, "sort_index", &pid.to_string());
        for lane in 1..=layout.lanes.get(i).copied().unwrap_or(0) {
            metadata(w, "thread_name", pid, Some(lane), "name", &json_string(&format!("{name} #{lane}")));
            metadata(w, "thread_sort_index", pid, Some(lane), "sort_index", &lane.to_string());
        }
    }
}

fn metadata(w: &mut JsonWriter, name: &str, pid: usize, tid: Option<u32>, arg: &str, value: &str) {
    w.begin_object();
    w.key("name");
    w.string(name);
    w.key("ph");
    w.string("M");
    w.key("pid");
    w.raw(&pid.to_string());
    if let Some(tid) = tid {
        w.key("tid");
        w.raw(&tid.to_string());
    }
    w.key("args");
    w.begin_object();
    w.key(arg);
    w.raw(value);
    w.end_object();
    w.end_object();
}

fn json_string(s: &str) -> String {
    let mut out = String::new();
    super::json::push_json_string(&mut out, s);
    out
}

/// Nanoseconds after the origin as microseconds with three decimals (`1234.567`).
fn micros(ns: i64, origin_ns: i64) -> String {
    let rel = ns.saturating_sub(origin_ns);
    let sign = if rel < 0 { "-" } else { "" };
    let abs = rel.unsigned_abs();
    format!("{sign}{}.{:03}", abs / 1_000, abs % 1_000)
}

/// The fields every event has: name, category, phase, time, process and thread.
fn head(w: &mut JsonWriter, name: &str, cat: &str, ph: &str, ts: &str, pid: u32, tid: u32) {
    w.begin_object();
    w.key("name");
    w.string(name);
    w.key("cat");
    w.string(cat);
    w.key("ph");
    w.string(ph);
    w.key("ts");
    w.raw(ts);
    w.key("pid");
    w.raw(&pid.to_string());
    w.key("tid");
    w.raw(&tid.to_string());
}

#[allow(clippy::too_many_arguments)]
fn write_span(
    w: &mut JsonWriter,
    ctx: &Ctx,
    layout: &Layout,
    t: usize,
    trace: &Trace,
    idx: u32,
    span: &Span,
    flows: &mut u32,
) {
    let strings = ctx.strings;
    let name = strings.get(span.name);
    let ts = micros(span.start_ns, layout.origin_ns);
    let Some(place) = layout.place(t, idx) else { return };
    match place {
        Place::Lane { pid, tid } => {
            head(w, name, span.kind.as_str(), "X", &ts, pid, tid);
            w.key("dur");
            w.raw(&micros(span.duration_ns.max(0), 0));
            span_args(w, ctx, trace, span);
            w.end_object();
            for e in trace.events_of(span) {
                head(w, strings.get(e.name), "event", "i", &micros(e.time_ns, layout.origin_ns), pid, tid);
                w.key("s");
                w.string("t");
                args(w, ctx, trace, trace.attrs_of(e.attrs), &[]);
                w.end_object();
            }
            // The call from the parent, when the parent is drawn on another lane and is open then.
            let parent = trace.span(span.parent).filter(|_| span.has_parent());
            if let (Some(parent), Some(Place::Lane { pid: ppid, tid: ptid })) = (parent, layout.place(t, span.parent)) {
                let inside = parent.start_ns <= span.start_ns && span.start_ns <= parent.end_ns();
                if (ppid, ptid) != (pid, tid) && inside {
                    *flows += 1;
                    for (ph, p, th) in [("s", ppid, ptid), ("f", pid, tid)] {
                        head(w, "call", "call", ph, &ts, p, th);
                        w.key("id");
                        w.raw(&flows.to_string());
                        if ph == "f" {
                            w.key("bp");
                            w.string("e");
                        }
                        w.end_object();
                    }
                }
            }
        }
        Place::Async { pid, id } => {
            let id = format!("0x{id:x}");
            head(w, name, "async", "b", &ts, pid, 1);
            w.key("id");
            w.string(&id);
            span_args(w, ctx, trace, span);
            w.end_object();
            for e in trace.events_of(span) {
                head(w, strings.get(e.name), "async", "n", &micros(e.time_ns, layout.origin_ns), pid, 1);
                w.key("id");
                w.string(&id);
                args(w, ctx, trace, trace.attrs_of(e.attrs), &[]);
                w.end_object();
            }
            head(w, name, "async", "e", &micros(span.end_ns().max(span.start_ns), layout.origin_ns), pid, 1);
            w.key("id");
            w.string(&id);
            w.end_object();
        }
    }
}

fn span_args(w: &mut JsonWriter, ctx: &Ctx, trace: &Trace, span: &Span) {
    let strings = ctx.strings;
    let mut fields: Vec<(&str, String)> =
        vec![("trace_id", trace.trace_id.display(strings)), ("span_id", span_id_hex(strings, span.span_id))];
    if let Some(parent) = span.parent_id {
        fields.push(("parent_span_id", span_id_hex(strings, parent)));
    }
    fields.push(("service", strings.get(trace.service_of(span)).to_string()));
    fields.push(("kind", span.kind.as_str().to_string()));
    fields.push(("status", span.status.as_str().to_string()));
    if span.status_message != StrId::EMPTY {
        fields.push(("status_message", strings.get(span.status_message).to_string()));
    }
    args(w, ctx, trace, trace.attrs_of(span.attrs), &fields);
}

/// `"args": {fields…, "attributes": {…}}`, the attributes masked (the last of a repeated key).
fn args(w: &mut JsonWriter, ctx: &Ctx, trace: &Trace, attrs: &[KeyValue], fields: &[(&str, String)]) {
    w.key("args");
    w.begin_object();
    for (key, value) in fields {
        w.key(key);
        w.string(value);
    }
    if !attrs.is_empty() {
        w.key("attributes");
        w.begin_object();
        let keep = super::last_of_each(attrs);
        for (kv, _) in attrs.iter().zip(keep).filter(|(_, keep)| *keep) {
            let key = ctx.strings.get(kv.key);
            w.key(key);
            match ctx.masked(trace, key, kv.value) {
                Some(masked) => w.string(&masked.text),
                None => json_value(w, ctx.strings, trace, kv.value, 0),
            }
        }
        w.end_object();
    }
    w.end_object();
}

/// A model value as plain JSON. Recursion is bounded (nested values past 32 levels are `null`).
fn json_value(w: &mut JsonWriter, strings: &Interner, trace: &Trace, value: Value, depth: usize) {
    if depth > 32 {
        w.raw("null");
        return;
    }
    match value {
        Value::Str(s) => w.string(strings.get(s)),
        Value::Bool(b) => w.raw(if b { "true" } else { "false" }),
        Value::Int(i) => w.raw(&i.to_string()),
        Value::Double(d) if d.is_finite() => w.raw(&format!("{d:?}")),
        Value::Double(d) => w.string(&d.to_string()),
        Value::Bytes(r) => w.string(&base64::engine::general_purpose::STANDARD.encode(trace.bytes_of(r))),
        Value::Array(r) => {
            w.begin_array();
            for &v in trace.values_of(r) {
                json_value(w, strings, trace, v, depth + 1);
            }
            w.end_array();
        }
        Value::Map(r) => {
            w.begin_object();
            for kv in trace.attrs_of(r) {
                w.key(strings.get(kv.key));
                json_value(w, strings, trace, kv.value, depth + 1);
            }
            w.end_object();
        }
        Value::Empty => w.raw("null"),
    }
}

fn write_log(w: &mut JsonWriter, ctx: &Ctx, layout: &Layout, t: usize, trace: &Trace, log: &LogRecord) {
    let strings = ctx.strings;
    let message = match ctx.masked(trace, "body", log.body) {
        Some(masked) => masked.text,
        None => crate::logs::message_text(strings, trace, log),
    };
    let level = log.level().as_str();
    let mut name: String = message.chars().take(NAME_CHARS).collect();
    if name.is_empty() {
        name = format!("log ({level})");
    }
    let ts = micros(display_ns(trace, log), layout.origin_ns);
    let fields = [("level", level.to_string()), ("message", message.clone())];
    let service = trace.log_resources.get(log.resource as usize).map_or(StrId::EMPTY, |r| r.service);
    match log.has_span().then(|| layout.place(t, log.span)).flatten() {
        Some(Place::Lane { pid, tid }) => {
            head(w, &name, "log", "i", &ts, pid, tid);
            w.key("s");
            w.string("t");
        }
        Some(Place::Async { pid, id }) => {
            head(w, &name, "async", "n", &ts, pid, 1);
            w.key("id");
            w.string(&format!("0x{id:x}"));
        }
        None => {
            let root_pid = trace.root().and_then(|r| layout.pid_of_service(trace.service_of(r)));
            let pid = layout.pid_of_service(service).or(root_pid).unwrap_or(1);
            head(w, &name, "log", "i", &ts, pid, 1);
            w.key("s");
            w.string("p");
        }
    }
    args(w, ctx, trace, trace.attrs_of(log.attrs), &fields);
    w.end_object();
}
