//! A compact binary encoding of imported traces, for handing a parsed file from the import
//! worker to the page: the worker encodes the traces with its own string table, and the page
//! decodes them straight into its dataset's interner, renumbering every string id on the way.
//!
//! The layout is private to this module and versioned by a magic header; both ends are always
//! the same build. Little-endian fixed-width fields, counts before every list, strings as
//! length-prefixed UTF-8. Decoding reads from a [`Source`] in chunks, so the page never needs a
//! second copy of the whole encoding in its memory. Depends only on the other `model` modules.

use super::ids::{SpanId, TraceId};
use super::logs::LogRecord;
use super::strings::{Interner, StrId};
use super::trace::{
    DependencyLink, Event, KeyValue, Link, LinkKind, ParentRelation, Range32, Resource, Scope, Span, StatusCode, Trace,
    Value,
};
use super::warnings::{Detail, Warning};

/// The layout's version: `02` added log lines (per trace: records, resources, scopes); `03`
/// warning details as numbers (`Detail`) and the encoder's `extra` bytes.
const MAGIC: &[u8; 8] = b"STRAND03";

mod codes;
mod source;
use codes::{kind_code, warning_code, KINDS, WARNINGS};
pub use source::{OwnedSource, SliceSource, Source};

/// How many bytes a decoder asks its source for at a time.
pub const CHUNK: usize = 1 << 20;

/// What a decoded encoding holds; string ids refer to the interner it was decoded into.
#[derive(Debug, Default)]
pub struct Decoded {
    pub traces: Vec<Trace>,
    pub dependencies: Vec<DependencyLink>,
    pub notes: Vec<String>,
    /// What the encoder was given as `extra`.
    pub extra: Vec<u8>,
}

/// Why an encoding could not be read back (a bug or a truncated message, never user data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferError(pub String);

impl std::fmt::Display for TransferError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the parsed file could not be handed over: {}", self.0)
    }
}

impl std::error::Error for TransferError {}

type Result<T> = std::result::Result<T, TransferError>;

fn bad(what: &str) -> TransferError {
    TransferError(what.to_string())
}

// ---------------------------------------------------------------------------------------------
// Encoding

/// Encodes traces, dependency links and notes whose string ids belong to `strings`.
pub fn encode(strings: &Interner, traces: &[Trace], dependencies: &[DependencyLink], notes: &[String]) -> Vec<u8> {
    encode_with(strings, traces, dependencies, notes, &[])
}

/// [`encode`], plus `extra` bytes this module does not read (a split document's join facts),
/// handed back as [`Decoded::extra`].
pub fn encode_with(
    strings: &Interner,
    traces: &[Trace],
    dependencies: &[DependencyLink],
    notes: &[String],
    extra: &[u8],
) -> Vec<u8> {
    let spans: usize = traces.iter().map(|t| t.spans.len()).sum();
    let logs: usize = traces.iter().map(|t| t.logs.len()).sum();
    let mut w = Writer { out: Vec::with_capacity(64 + strings.heap_bytes() + spans * 140 + logs * 100) };
    w.out.extend_from_slice(MAGIC);
    w.len(strings.len());
    for i in 0..strings.len() {
        w.str(strings.get(StrId(u32::try_from(i).unwrap_or(u32::MAX))));
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
    }
    w.out
}

struct Writer {
    out: Vec<u8>,
}

impl Writer {
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
        }
        self.len(t.values.len());
        for &v in &t.values {
            self.value(v);
        }
        self.len(t.bytes.len());
        self.out.extend_from_slice(&t.bytes);
        self.len(t.events.len());
        for e in &t.events {
            self.i64(e.time_ns);
            self.u32(e.name.0);
            self.range(e.attrs);
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
        self.len(t.depth.len());
        for &d in &t.depth {
            self.u32(d);
        }
        self.len(t.logs.len());
        for l in &t.logs {
            self.log(l);
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

// ---------------------------------------------------------------------------------------------
// Decoding

/// Decodes an encoding made by [`encode`] from bytes in memory.
pub fn decode_slice(bytes: &[u8], strings: &mut Interner) -> Result<Decoded> {
    decode(&mut SliceSource { bytes }, strings)
}

/// Decodes an encoding made by [`encode`], interning its strings into `strings` and renumbering
/// every string id. On error, nothing but a few extra interned strings is left behind.
pub fn decode(source: &mut dyn Source, strings: &mut Interner) -> Result<Decoded> {
    let mut r = Reader { buf: Vec::new(), pos: 0, source, map: Vec::new() };
    if r.take(MAGIC.len())? != MAGIC.as_slice() {
        return Err(bad("it does not start with the expected header (is the worker from another build?)"));
    }
    let n = r.len()?;
    let mut map = Vec::with_capacity(n.min(1 << 24));
    for _ in 0..n {
        let bytes = r.bytes_field()?;
        let s = std::str::from_utf8(bytes).map_err(|_| bad("a string is not UTF-8"))?;
        map.push(strings.intern(s));
    }
    r.map = map;
    let mut decoded = Decoded::default();
    let n = r.len()?;
    for _ in 0..n {
        let bytes = r.bytes_field()?;
        decoded.notes.push(String::from_utf8_lossy(bytes).into_owned());
    }
    let n = r.len()?;
    decoded.dependencies.reserve_exact(n.min(1 << 24));
    for _ in 0..n {
        decoded.dependencies.push(DependencyLink {
            parent: r.str_id()?,
            child: r.str_id()?,
            call_count: r.u64()?,
            error_count: r.u64()?,
        });
    }
    decoded.extra = r.bytes_field()?.to_vec();
    let n = r.len()?;
    for _ in 0..n {
        decoded.traces.push(r.trace()?);
    }
    Ok(decoded)
}

struct Reader<'s> {
    buf: Vec<u8>,
    pos: usize,
    source: &'s mut dyn Source,
    /// String ids of the encoding to ids of the target interner.
    map: Vec<StrId>,
}

/// Lists are pre-sized from their count, but never beyond this, so a corrupt count cannot
/// reserve gigabytes before the reader notices the data ends.
const MAX_RESERVE: usize = 1 << 22;

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8]> {
        if self.buf.len() - self.pos < n {
            self.buf.drain(..self.pos);
            self.pos = 0;
            while self.buf.len() < n {
                let want = CHUNK.max(n - self.buf.len());
                if self.source.read_more(&mut self.buf, want) == 0 {
                    return Err(bad("it ends early"));
                }
            }
        }
        let start = self.pos;
        self.pos += n;
        self.buf.get(start..start + n).ok_or_else(|| bad("it ends early"))
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let bytes = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    fn i64(&mut self) -> Result<i64> {
        Ok(i64::from_le_bytes(self.array()?))
    }
    fn len(&mut self) -> Result<usize> {
        Ok(self.u32()? as usize)
    }
    fn bytes_field(&mut self) -> Result<&[u8]> {
        let n = self.len()?;
        self.take(n)
    }
    fn str_id(&mut self) -> Result<StrId> {
        let i = self.u32()?;
        self.map.get(i as usize).copied().ok_or_else(|| bad("a string id is out of range"))
    }
    fn range(&mut self) -> Result<Range32> {
        Ok(Range32 { start: self.u32()?, len: self.u32()? })
    }
    fn span_id(&mut self) -> Result<SpanId> {
        match self.u8()? {
            0 => Ok(SpanId::Hex(self.u64()?)),
            1 => Ok(SpanId::Text(self.str_id()?)),
            _ => Err(bad("unknown span id tag")),
        }
    }
    fn trace_id(&mut self) -> Result<TraceId> {
        match self.u8()? {
            0 => Ok(TraceId::Hex(u128::from_le_bytes(self.array()?))),
            1 => Ok(TraceId::Text(self.str_id()?)),
            _ => Err(bad("unknown trace id tag")),
        }
    }
    fn value(&mut self) -> Result<Value> {
        Ok(match self.u8()? {
            0 => Value::Str(self.str_id()?),
            1 => Value::Bool(self.u8()? != 0),
            2 => Value::Int(self.i64()?),
            3 => Value::Double(f64::from_bits(self.u64()?)),
            4 => Value::Bytes(self.range()?),
            5 => Value::Array(self.range()?),
            6 => Value::Map(self.range()?),
            7 => Value::Empty,
            _ => return Err(bad("unknown value tag")),
        })
    }
    fn span(&mut self) -> Result<Span> {
        let span_id = self.span_id()?;
        let parent_id = match self.u8()? {
            0 => None,
            _ => Some(self.span_id()?),
        };
        Ok(Span {
            span_id,
            parent_id,
            parent: self.u32()?,
            parent_relation: if self.u8()? == 1 { ParentRelation::FollowsFrom } else { ParentRelation::ChildOf },
            name: self.str_id()?,
            resource: self.u32()?,
            scope: self.u32()?,
            kind: KINDS.get(self.u8()? as usize).copied().ok_or_else(|| bad("unknown span kind"))?,
            status: match self.u8()? {
                0 => StatusCode::Unset,
                1 => StatusCode::Ok,
                2 => StatusCode::Error,
                _ => return Err(bad("unknown status")),
            },
            status_message: self.str_id()?,
            start_ns: self.i64()?,
            duration_ns: self.i64()?,
            skew_ns: self.i64()?,
            flags: self.u32()?,
            trace_state: self.str_id()?,
            attrs: self.range()?,
            events: self.range()?,
            links: self.range()?,
            shared: self.u8()? != 0,
        })
    }
    /// A list of `read` items, pre-sized from its count.
    fn list<T>(&mut self, mut read: impl FnMut(&mut Self) -> Result<T>) -> Result<Vec<T>> {
        let n = self.len()?;
        let mut out = Vec::with_capacity(n.min(MAX_RESERVE));
        for _ in 0..n {
            out.push(read(self)?);
        }
        Ok(out)
    }
    fn trace(&mut self) -> Result<Trace> {
        let mut t = Trace::new(self.trace_id()?);
        t.start_ns = self.i64()?;
        t.end_ns = self.i64()?;
        t.spans = self.list(Self::span)?;
        t.resources = self.list(|r| Ok(Resource { service: r.str_id()?, attrs: r.range()? }))?;
        t.scopes = self.list(|r| Ok(Scope { name: r.str_id()?, version: r.str_id()?, attrs: r.range()? }))?;
        t.attrs = self.list(|r| Ok(KeyValue { key: r.str_id()?, value: r.value()? }))?;
        t.values = self.list(Self::value)?;
        t.bytes = self.bytes_field()?.to_vec();
        t.events = self.list(|r| Ok(Event { time_ns: r.i64()?, name: r.str_id()?, attrs: r.range()? }))?;
        t.links = self.list(|r| {
            let trace_id = r.trace_id()?;
            let span_id = r.span_id()?;
            let kind = match r.u8()? {
                0 => LinkKind::Link,
                1 => LinkKind::ChildOf,
                2 => LinkKind::FollowsFrom,
                _ => return Err(bad("unknown link kind")),
            };
            Ok(Link { trace_id, span_id, kind, attrs: r.range()? })
        })?;
        t.warnings = self.list(|r| {
            let span = match r.u8()? {
                0 => None,
                _ => Some(r.u32()?),
            };
            let kind = WARNINGS.get(r.u8()? as usize).copied().ok_or_else(|| bad("unknown warning kind"))?;
            let detail = match r.u8()? {
                0 => Detail::from(String::from_utf8_lossy(r.bytes_field()?).into_owned()),
                1 => Detail::Shifted { by_ns: r.i64()? },
                2 => Detail::OutsideParent { before_ns: r.i64()?, after_ns: r.i64()? },
                _ => return Err(bad("unknown warning detail")),
            };
            Ok(Warning { span, kind, detail })
        })?;
        t.sources = self.list(Self::str_id)?;
        t.order = self.list(Self::u32)?;
        t.depth = self.list(Self::u32)?;
        t.logs = self.list(Self::log)?;
        t.log_resources = self.list(|r| Ok(Resource { service: r.str_id()?, attrs: r.range()? }))?;
        t.log_scopes = self.list(|r| Ok(Scope { name: r.str_id()?, version: r.str_id()?, attrs: r.range()? }))?;
        Ok(t)
    }
    fn log(&mut self) -> Result<LogRecord> {
        let time_ns = self.i64()?;
        let observed_ns = self.i64()?;
        let span_id = match self.u8()? {
            0 => None,
            _ => Some(self.span_id()?),
        };
        Ok(LogRecord {
            time_ns,
            observed_ns,
            span_id,
            span: self.u32()?,
            severity: self.u8()?,
            severity_text: self.str_id()?,
            body: self.value()?,
            attrs: self.range()?,
            resource: self.u32()?,
            scope: self.u32()?,
            flags: self.u32()?,
            source: self.str_id()?,
        })
    }
}

#[cfg(test)]
mod tests;
