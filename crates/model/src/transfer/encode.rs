//! Encoding: the writer behind [`super::encode`] and its variants. Everything is written
//! into one growing buffer, or, by an [`Encoder`], handed to a sink a chunk at a time and a
//! slice per step, so that the whole encoding never sits in memory at once.

use super::codes::{kind_code, warning_code};
use super::{DISTINCT, MAGIC};
use crate::ids::{SpanId, TraceId};
use crate::logs::LogRecord;
use crate::strings::{Interner, StrId};
use crate::trace::{DependencyLink, Link, LinkKind, ParentRelation, Range32, Scope, Span, StatusCode, Trace, Value};
use crate::warnings::{Detail, Warning};

/// Encodes traces, dependency links and notes whose string ids belong to `strings`.
pub fn encode(strings: &Interner, traces: &[Trace], dependencies: &[DependencyLink], notes: &[String]) -> Vec<u8> {
    encode_with(strings, traces, dependencies, notes, &[])
}

/// Encodes some of a dataset's traces (those kept across reloads) with its dependency links;
/// decoded like any other encoding.
pub fn encode_selected(strings: &Interner, traces: &[&Trace], dependencies: &[DependencyLink]) -> Vec<u8> {
    encode_refs(strings, traces, dependencies, &[], &[])
}

/// How many bytes an [`Encoder`] collects before handing them to its sink (a piece can be
/// longer when one string or span is).
pub const SINK_CHUNK: usize = 1 << 20;

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
    encode_refs(strings, &traces, dependencies, notes, extra)
}

/// Writes the whole encoding into one vector.
fn encode_refs(
    strings: &Interner,
    traces: &[&Trace],
    dependencies: &[DependencyLink],
    notes: &[String],
    extra: &[u8],
) -> Vec<u8> {
    let spans: usize = traces.iter().map(|t| t.spans.len()).sum();
    let logs: usize = traces.iter().map(|t| t.logs.len()).sum();
    let capacity = 64 + strings.heap_bytes() + spans * 140 + logs * 100;
    let mut w = Writer { out: Vec::with_capacity(capacity), sink: None, handed: 0 };
    let what = What { strings, traces, dependencies, notes, extra };
    Encoder::default().write(&mut w, &what, u64::MAX);
    w.out
}

/// A chunked encoding written a slice at a time (keeping a large workspace writes it over
/// several short tasks): each [`Encoder::step`] writes about `budget` bytes (at least one item)
/// and keeps its place, down to an item of a trace's list. The pieces of all steps joined are
/// exactly what [`encode_selected`] returns for the same data; every step must be given the
/// same data (the caller starts over when it changed).
#[derive(Debug, Default)]
pub struct Encoder {
    at: At,
    /// The part of the header or of the trace being written.
    part: u8,
    /// The next item of the list being written; 0 when its length is not written yet.
    item: usize,
    /// The length written for the list being written.
    len: usize,
    /// Bytes handed to the sink so far.
    total: u64,
    /// By string id, a bit for each text added apart that a log line of the encoding refers
    /// to (see [`used_distinct`]); set when the string table starts.
    used: Vec<u64>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum At {
    #[default]
    Header,
    Trace(usize),
    Done,
}

/// What one encoding holds.
struct What<'a> {
    strings: &'a Interner,
    traces: &'a [&'a Trace],
    dependencies: &'a [DependencyLink],
    notes: &'a [String],
    extra: &'a [u8],
}

/// The parts of a trace, in the order they are written.
const TRACE_PARTS: u8 = 16;

impl Encoder {
    /// Writes about `budget` more bytes of the encoding of `traces` (with `strings` and
    /// `dependencies`, as [`encode_selected`]) and hands them to `sink` in pieces of about
    /// [`SINK_CHUNK`] bytes; everything written is handed over before it returns. Returns
    /// whether the encoding is complete (a finished encoder writes nothing more).
    pub fn step(
        &mut self,
        strings: &Interner,
        traces: &[&Trace],
        dependencies: &[DependencyLink],
        budget: u64,
        sink: &mut dyn FnMut(&[u8]),
    ) -> bool {
        self.step_chunked(strings, traces, dependencies, budget, SINK_CHUNK, sink)
    }

    /// [`Encoder::step`] with pieces of at least `chunk` bytes (tests use tiny ones).
    pub(crate) fn step_chunked(
        &mut self,
        strings: &Interner,
        traces: &[&Trace],
        dependencies: &[DependencyLink],
        budget: u64,
        chunk: usize,
        sink: &mut dyn FnMut(&[u8]),
    ) -> bool {
        if self.at == At::Done {
            return true;
        }
        let capacity =
            chunk.saturating_add(chunk / 4).min(budget.try_into().unwrap_or(usize::MAX).saturating_add(4096));
        let mut w = Writer { out: Vec::with_capacity(capacity), sink: Some(Sink { to: sink, chunk }), handed: 0 };
        let what = What { strings, traces, dependencies, notes: &[], extra: &[] };
        let done = self.write(&mut w, &what, budget);
        w.hand_over(true);
        self.total += w.handed;
        done
    }

    /// Bytes handed over by all steps so far.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Writes on from where the last call stopped until `budget` more bytes are written (at
    /// least one item) or the encoding is complete; returns whether it is.
    fn write(&mut self, w: &mut Writer<'_>, what: &What<'_>, budget: u64) -> bool {
        let stop = w.position().saturating_add(budget);
        loop {
            let finished_part = match self.at {
                At::Done => return true,
                At::Header => self.header(w, what, stop),
                At::Trace(t) => match what.traces.get(t) {
                    Some(trace) => self.trace(w, trace, stop),
                    None => {
                        self.at = At::Done;
                        w.hand_over(true);
                        return true;
                    }
                },
            };
            if !finished_part {
                return false;
            }
            self.part += 1;
            let last = match self.at {
                At::Header => 3,
                _ => TRACE_PARTS - 1,
            };
            if self.part > last {
                self.part = 0;
                self.at = match self.at {
                    At::Header => At::Trace(0),
                    At::Trace(t) => At::Trace(t + 1),
                    At::Done => At::Done,
                };
            }
            if w.position() >= stop {
                return false;
            }
        }
    }

    /// Writes a list of `len` items from `self.item` on (its length first), stopping once the
    /// position reaches `stop` with items left; returns whether the list is complete. A list
    /// resumed on a later step keeps the length it was written with: the interner can gain
    /// strings between steps (a file being decoded meanwhile), which the written traces never
    /// refer to.
    fn list(
        &mut self,
        w: &mut Writer<'_>,
        len: usize,
        stop: u64,
        mut item: impl FnMut(&mut Writer<'_>, usize),
    ) -> bool {
        if self.item == 0 {
            self.len = len;
            w.len(len);
        }
        let len = self.len;
        while self.item < len {
            item(w, self.item);
            self.item += 1;
            w.hand_over(false);
            if self.item < len && w.position() >= stop {
                return false;
            }
        }
        self.item = 0;
        true
    }

    /// The header's parts: the magic and the strings; the notes; the dependency links; the
    /// extra bytes and the count of traces.
    fn header(&mut self, w: &mut Writer<'_>, what: &What<'_>, stop: u64) -> bool {
        match self.part {
            0 => {
                if self.item == 0 {
                    w.out.extend_from_slice(MAGIC);
                }
                let strings = what.strings;
                if self.item == 0 {
                    self.used = used_distinct(strings, what.traces);
                }
                let used = std::mem::take(&mut self.used);
                let done = self.list(w, strings.len(), stop, |w, i| {
                    let id = StrId(u32::try_from(i).unwrap_or(u32::MAX));
                    let distinct = strings.is_distinct(id);
                    let s = if distinct && !bit(&used, i) { "" } else { strings.get(id) };
                    w.string(s, distinct);
                });
                self.used = used;
                done
            }
            1 => self.list(w, what.notes.len(), stop, |w, i| w.str(what.notes.get(i).map_or("", String::as_str))),
            2 => self.list(w, what.dependencies.len(), stop, |w, i| {
                if let Some(d) = what.dependencies.get(i) {
                    w.dependency(d);
                }
            }),
            _ => {
                w.len(what.extra.len());
                w.out.extend_from_slice(what.extra);
                w.len(what.traces.len());
                true
            }
        }
    }

    /// One part of a trace: its ids and times, then each of its lists.
    fn trace(&mut self, w: &mut Writer<'_>, t: &Trace, stop: u64) -> bool {
        fn each<T>(items: &[T], i: usize, w: &mut Writer<'_>, write: impl FnOnce(&mut Writer<'_>, &T)) {
            if let Some(x) = items.get(i) {
                write(w, x);
            }
        }
        match self.part {
            0 => {
                w.trace_id(t.trace_id);
                w.i64(t.start_ns);
                w.i64(t.end_ns);
                true
            }
            1 => self.list(w, t.spans.len(), stop, |w, i| each(&t.spans, i, w, |w, s| w.span(s))),
            2 => self.list(w, t.resources.len(), stop, |w, i| {
                each(&t.resources, i, w, |w, r| {
                    w.u32(r.service.0);
                    w.range(r.attrs);
                })
            }),
            3 => self.list(w, t.scopes.len(), stop, |w, i| each(&t.scopes, i, w, |w, s| w.scope(s))),
            4 => self.list(w, t.attrs.len(), stop, |w, i| {
                each(&t.attrs, i, w, |w, kv| {
                    w.u32(kv.key.0);
                    w.value(kv.value);
                })
            }),
            5 => self.list(w, t.values.len(), stop, |w, i| each(&t.values, i, w, |w, &v| w.value(v))),
            6 => {
                w.len(t.bytes.len());
                w.out.extend_from_slice(&t.bytes);
                w.hand_over(false);
                true
            }
            7 => self.list(w, t.events.len(), stop, |w, i| {
                each(&t.events, i, w, |w, e| {
                    w.i64(e.time_ns);
                    w.u32(e.name.0);
                    w.range(e.attrs);
                })
            }),
            8 => self.list(w, t.links.len(), stop, |w, i| each(&t.links, i, w, |w, l| w.link(l))),
            9 => self.list(w, t.warnings.len(), stop, |w, i| each(&t.warnings, i, w, |w, x| w.warning(x))),
            10 => self.list(w, t.sources.len(), stop, |w, i| each(&t.sources, i, w, |w, s| w.u32(s.0))),
            11 => self.list(w, t.order.len(), stop, |w, i| each(&t.order, i, w, |w, &x| w.u32(x))),
            12 => self.list(w, t.depth.len(), stop, |w, i| each(&t.depth, i, w, |w, &x| w.u32(x))),
            13 => self.list(w, t.logs.len(), stop, |w, i| each(&t.logs, i, w, |w, l| w.log(l))),
            14 => self.list(w, t.log_resources.len(), stop, |w, i| {
                each(&t.log_resources, i, w, |w, r| {
                    w.u32(r.service.0);
                    w.range(r.attrs);
                })
            }),
            _ => self.list(w, t.log_scopes.len(), stop, |w, i| each(&t.log_scopes, i, w, |w, s| w.scope(s))),
        }
    }
}

/// Where a chunked encoding goes, and the size of its pieces.
struct Sink<'s> {
    to: &'s mut dyn FnMut(&[u8]),
    chunk: usize,
}

struct Writer<'s> {
    out: Vec<u8>,
    sink: Option<Sink<'s>>,
    /// Bytes handed to the sink so far.
    handed: u64,
}

impl Writer<'_> {
    /// Gives what is written so far to the sink, if there is one and it holds a chunk (or,
    /// at the `end`, anything).
    fn hand_over(&mut self, end: bool) {
        if let Some(sink) = &mut self.sink {
            let min = if end { 1 } else { sink.chunk.max(1) };
            if self.out.len() >= min {
                (sink.to)(&self.out);
                self.handed += self.out.len() as u64;
                self.out.clear();
            }
        }
    }
    /// How many bytes are written so far, handed over or not.
    fn position(&self) -> u64 {
        self.handed + self.out.len() as u64
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
        self.string(s, false);
    }
    /// A string, its length's top bit marking a text added apart (`Interner::add_distinct`;
    /// see the decoder).
    fn string(&mut self, s: &str, distinct: bool) {
        let len = u32::try_from(s.len()).unwrap_or(u32::MAX).min(DISTINCT - 1);
        self.u32(if distinct { len | DISTINCT } else { len });
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
        // Bit 0: shared; bit 1: start placed by assembly (older encodings have only bit 0).
        self.u8(u8::from(s.shared) | u8::from(s.start_placed) << 1);
    }
    fn dependency(&mut self, d: &DependencyLink) {
        self.u32(d.parent.0);
        self.u32(d.child.0);
        self.u64(d.call_count);
        self.u64(d.error_count);
    }
    fn scope(&mut self, s: &Scope) {
        self.u32(s.name.0);
        self.u32(s.version.0);
        self.range(s.attrs);
    }
    fn link(&mut self, l: &Link) {
        self.trace_id(l.trace_id);
        self.span_id(l.span_id);
        self.u8(match l.kind {
            LinkKind::Link => 0,
            LinkKind::ChildOf => 1,
            LinkKind::FollowsFrom => 2,
        });
        self.range(l.attrs);
    }
    fn warning(&mut self, w: &Warning) {
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

/// The texts added apart (`Interner::add_distinct`: log messages) that a log line of `traces`
/// refers to, as bits by string id. The others belong to lines left out as copies of lines
/// already loaded (`formats::logs::drop_known`); they are written empty, so that a kept workspace
/// does not grow each time the same log file is loaded again.
fn used_distinct(strings: &Interner, traces: &[&Trace]) -> Vec<u64> {
    let mut used = vec![0u64; strings.len().div_ceil(64)];
    for trace in traces {
        for line in &trace.logs {
            if let Value::Str(id) = line.body {
                if let Some(word) = used.get_mut(id.0 as usize / 64) {
                    *word |= 1 << (id.0 % 64);
                }
            }
        }
    }
    used
}

fn bit(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|word| word >> (i % 64) & 1 == 1)
}
