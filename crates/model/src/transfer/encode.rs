//! Encoding: the writer behind [`super::encode`] and its variants. Everything is written
//! into one growing buffer, or, for [`encode_selected_to`], handed to a sink a chunk at a time
//! so that the whole encoding never sits in memory at once.

use super::codes::{kind_code, warning_code};
use super::MAGIC;
use crate::ids::{SpanId, TraceId};
use crate::logs::LogRecord;
use crate::strings::{Interner, StrId};
use crate::trace::{DependencyLink, LinkKind, ParentRelation, Range32, Span, StatusCode, Trace, Value};
use crate::warnings::Detail;

/// Encodes traces, dependency links and notes whose string ids belong to `strings`.
pub fn encode(strings: &Interner, traces: &[Trace], dependencies: &[DependencyLink], notes: &[String]) -> Vec<u8> {
    encode_with(strings, traces, dependencies, notes, &[])
}

/// Encodes some of a dataset's traces (those kept across reloads) with its dependency links;
/// decoded like any other encoding.
pub fn encode_selected(strings: &Interner, traces: &[&Trace], dependencies: &[DependencyLink]) -> Vec<u8> {
    encode_refs(strings, traces, dependencies, &[], &[], None)
}

/// How many bytes [`encode_selected_to`] collects before handing them to its sink.
pub const SINK_CHUNK: usize = 1 << 20;

/// [`encode_selected`], handed to `sink` in pieces of about [`SINK_CHUNK`] bytes (a piece can
/// be longer when one string or span is; a trace of a million spans is many pieces) instead of returned whole, so that keeping a large
/// workspace needs about a chunk of memory beyond the dataset rather than its whole encoding.
/// The pieces joined are exactly what [`encode_selected`] returns. Returns their total length.
pub fn encode_selected_to(
    strings: &Interner,
    traces: &[&Trace],
    dependencies: &[DependencyLink],
    sink: &mut dyn FnMut(&[u8]),
) -> u64 {
    encode_selected_chunked(strings, traces, dependencies, SINK_CHUNK, sink)
}

/// [`encode_selected_to`] with pieces of at least `chunk` bytes (tests use tiny ones).
pub(crate) fn encode_selected_chunked(
    strings: &Interner,
    traces: &[&Trace],
    dependencies: &[DependencyLink],
    chunk: usize,
    sink: &mut dyn FnMut(&[u8]),
) -> u64 {
    let mut total = 0u64;
    let mut counting = |piece: &[u8]| {
        total += piece.len() as u64;
        sink(piece);
    };
    encode_refs(strings, traces, dependencies, &[], &[], Some(Sink { to: &mut counting, chunk }));
    total
}

/// [`encode`], plus `extra` bytes this module does not read (a split document's join facts),
/// handed back as [`super::Decoded::extra`].
pub fn encode_with(
    strings: &Interner,
    traces: &[Trace],
    dependencies: &[DependencyLink],
    notes: &[String],
    extra: &[u8],
) -> Vec<u8> {
    let traces: Vec<&Trace> = traces.iter().collect();
    encode_refs(strings, &traces, dependencies, notes, extra, None)
}

/// Writes the encoding; with a `sink`, hands it out in chunks and returns an empty vector.
fn encode_refs(
    strings: &Interner,
    traces: &[&Trace],
    dependencies: &[DependencyLink],
    notes: &[String],
    extra: &[u8],
    sink: Option<Sink<'_>>,
) -> Vec<u8> {
    let capacity = match &sink {
        Some(sink) => sink.chunk + sink.chunk / 4,
        None => {
            let spans: usize = traces.iter().map(|t| t.spans.len()).sum();
            let logs: usize = traces.iter().map(|t| t.logs.len()).sum();
            64 + strings.heap_bytes() + spans * 140 + logs * 100
        }
    };
    let mut w = Writer { out: Vec::with_capacity(capacity), sink };
    w.out.extend_from_slice(MAGIC);
    w.len(strings.len());
    for i in 0..strings.len() {
        w.str(strings.get(StrId(u32::try_from(i).unwrap_or(u32::MAX))));
        w.hand_over(false);
    }
    w.len(notes.len());
    for note in notes {
        w.str(note);
    }
    w.len(dependencies.len());
    for d in dependencies {
        w.u32(d.parent.0);
        w.u32(d.child.0);
        w.u64(d.call_count);
        w.u64(d.error_count);
    }
    w.len(extra.len());
    w.out.extend_from_slice(extra);
    w.len(traces.len());
    for t in traces {
        w.trace(t);
        w.hand_over(false);
    }
    w.hand_over(true);
    w.out
}

/// Where a chunked encoding goes, and the size of its pieces.
struct Sink<'s> {
    to: &'s mut dyn FnMut(&[u8]),
    chunk: usize,
}

struct Writer<'s> {
    out: Vec<u8>,
    sink: Option<Sink<'s>>,
}

impl Writer<'_> {
    /// Gives what is written so far to the sink, if there is one and it holds a chunk (or,
    /// at the `end`, anything).
    fn hand_over(&mut self, end: bool) {
        if let Some(sink) = &mut self.sink {
            let min = if end { 1 } else { sink.chunk.max(1) };
            if self.out.len() >= min {
                (sink.to)(&self.out);
                self.out.clear();
            }
        }
    }
    fn u8(&mut self, v: u8) {
        self.out.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn i64(&mut self, v: i64) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.out.extend_from_slice(s.as_bytes());
    }
    fn range(&mut self, r: Range32) {
        self.u32(r.start);
        self.u32(r.len);
    }
    fn span_id(&mut self, id: SpanId) {
        match id {
            SpanId::Hex(v) => {
                self.u8(0);
                self.u64(v);
            }
            SpanId::Text(s) => {
                self.u8(1);
                self.u32(s.0);
            }
        }
    }
    fn trace_id(&mut self, id: TraceId) {
        match id {
            TraceId::Hex(v) => {
                self.u8(0);
                self.out.extend_from_slice(&v.to_le_bytes());
            }
            TraceId::Text(s) => {
                self.u8(1);
                self.u32(s.0);
            }
        }
    }
    fn value(&mut self, v: Value) {
        match v {
            Value::Str(s) => {
                self.u8(0);
                self.u32(s.0);
            }
            Value::Bool(b) => {
                self.u8(1);
                self.u8(u8::from(b));
            }
            Value::Int(i) => {
                self.u8(2);
                self.i64(i);
            }
            Value::Double(d) => {
                self.u8(3);
                self.u64(d.to_bits());
            }
            Value::Bytes(r) => {
                self.u8(4);
                self.range(r);
            }
            Value::Array(r) => {
                self.u8(5);
                self.range(r);
            }
            Value::Map(r) => {
                self.u8(6);
                self.range(r);
            }
            Value::Empty => self.u8(7),
        }
    }
    fn span(&mut self, s: &Span) {
        self.span_id(s.span_id);
        match s.parent_id {
            None => self.u8(0),
            Some(id) => {
                self.u8(1);
                self.span_id(id);
            }
        }
        self.u32(s.parent);
        self.u8(match s.parent_relation {
            ParentRelation::ChildOf => 0,
            ParentRelation::FollowsFrom => 1,
        });
        self.u32(s.name.0);
        self.u32(s.resource);
        self.u32(s.scope);
        self.u8(kind_code(s.kind));
        self.u8(match s.status {
            StatusCode::Unset => 0,
            StatusCode::Ok => 1,
            StatusCode::Error => 2,
        });
        self.u32(s.status_message.0);
        self.i64(s.start_ns);
        self.i64(s.duration_ns);
        self.i64(s.skew_ns);
        self.u32(s.flags);
        self.u32(s.trace_state.0);
        self.range(s.attrs);
        self.range(s.events);
        self.range(s.links);
        self.u8(u8::from(s.shared));
    }
    fn trace(&mut self, t: &Trace) {
        self.trace_id(t.trace_id);
        self.i64(t.start_ns);
        self.i64(t.end_ns);
        self.len(t.spans.len());
        for s in &t.spans {
            self.span(s);
            self.hand_over(false);
        }
        self.len(t.resources.len());
        for r in &t.resources {
            self.u32(r.service.0);
            self.range(r.attrs);
        }
        self.len(t.scopes.len());
        for s in &t.scopes {
            self.u32(s.name.0);
            self.u32(s.version.0);
            self.range(s.attrs);
        }
        self.len(t.attrs.len());
        for kv in &t.attrs {
            self.u32(kv.key.0);
            self.value(kv.value);
            self.hand_over(false);
        }
        self.len(t.values.len());
        for &v in &t.values {
            self.value(v);
            self.hand_over(false);
        }
        self.len(t.bytes.len());
        self.out.extend_from_slice(&t.bytes);
        self.hand_over(false);
        self.len(t.events.len());
        for e in &t.events {
            self.i64(e.time_ns);
            self.u32(e.name.0);
            self.range(e.attrs);
            self.hand_over(false);
        }
        self.len(t.links.len());
        for l in &t.links {
            self.trace_id(l.trace_id);
            self.span_id(l.span_id);
            self.u8(match l.kind {
                LinkKind::Link => 0,
                LinkKind::ChildOf => 1,
                LinkKind::FollowsFrom => 2,
            });
            self.range(l.attrs);
        }
        self.len(t.warnings.len());
        for w in &t.warnings {
            match w.span {
                None => self.u8(0),
                Some(i) => {
                    self.u8(1);
                    self.u32(i);
                }
            }
            self.u8(warning_code(w.kind));
            match &w.detail {
                Detail::Text(text) => {
                    self.u8(0);
                    self.str(text);
                }
                Detail::Shifted { by_ns } => {
                    self.u8(1);
                    self.i64(*by_ns);
                }
                Detail::OutsideParent { before_ns, after_ns } => {
                    self.u8(2);
                    self.i64(*before_ns);
                    self.i64(*after_ns);
                }
            }
        }
        self.len(t.sources.len());
        for s in &t.sources {
            self.u32(s.0);
        }
        self.len(t.order.len());
        for &i in &t.order {
            self.u32(i);
        }
        self.hand_over(false);
        self.len(t.depth.len());
        for &d in &t.depth {
            self.u32(d);
        }
        self.hand_over(false);
        self.len(t.logs.len());
        for l in &t.logs {
            self.log(l);
            self.hand_over(false);
        }
        self.len(t.log_resources.len());
        for r in &t.log_resources {
            self.u32(r.service.0);
            self.range(r.attrs);
        }
        self.len(t.log_scopes.len());
        for s in &t.log_scopes {
            self.u32(s.name.0);
            self.u32(s.version.0);
            self.range(s.attrs);
        }
    }
    fn log(&mut self, l: &LogRecord) {
        self.i64(l.time_ns);
        self.i64(l.observed_ns);
        match l.span_id {
            None => self.u8(0),
            Some(id) => {
                self.u8(1);
                self.span_id(id);
            }
        }
        self.u32(l.span);
        self.u8(l.severity);
        self.u32(l.severity_text.0);
        self.value(l.body);
        self.range(l.attrs);
        self.u32(l.resource);
        self.u32(l.scope);
        self.u32(l.flags);
        self.u32(l.source.0);
    }
}
