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
mod encode;
mod source;
use codes::{KINDS, WARNINGS};
pub use encode::{encode, encode_selected, encode_selected_to, encode_with, SINK_CHUNK};
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
    // The table and the id list grow once, not by doubling (each doubling holds old and new).
    strings.reserve(n.min(1 << 24), 0);
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

/// The most bytes one fixed-layout item can take (a span: 105; a log line: 78).
const MAX_ITEM: usize = 128;

impl Reader<'_> {
    /// Makes `n` bytes available from `pos`, or as many as the source still has.
    fn fill(&mut self, n: usize) {
        if self.buf.len() - self.pos < n {
            self.buf.drain(..self.pos);
            self.pos = 0;
            while self.buf.len() < n {
                let want = CHUNK.max(n - self.buf.len());
                if self.source.read_more(&mut self.buf, want) == 0 {
                    break;
                }
            }
        }
    }
    fn take(&mut self, n: usize) -> Result<&[u8]> {
        self.fill(n);
        let start = self.pos;
        let bytes = self.buf.get(start..start + n).ok_or_else(|| bad("it ends early"))?;
        self.pos += n;
        Ok(bytes)
    }
    /// Reads one item of at most [`MAX_ITEM`] bytes through a [`Cursor`] over the buffered
    /// bytes: one refill check per item instead of one per field (the page decodes a million
    /// spans in one go, and this is most of it).
    fn item<T>(&mut self, read: impl FnOnce(&mut Cursor<'_>) -> Result<T>) -> Result<T> {
        self.fill(MAX_ITEM);
        let mut cursor = Cursor { bytes: self.buf.get(self.pos..).unwrap_or(&[]), at: 0, map: &self.map };
        let item = read(&mut cursor)?;
        self.pos += cursor.at;
        Ok(item)
    }
    fn u8(&mut self) -> Result<u8> {
        self.item(|c| c.u8())
    }
    fn u32(&mut self) -> Result<u32> {
        self.item(|c| c.u32())
    }
    fn u64(&mut self) -> Result<u64> {
        self.item(|c| c.u64())
    }
    fn i64(&mut self) -> Result<i64> {
        self.item(|c| c.i64())
    }
    fn len(&mut self) -> Result<usize> {
        Ok(self.u32()? as usize)
    }
    fn bytes_field(&mut self) -> Result<&[u8]> {
        let n = self.len()?;
        self.take(n)
    }
    fn str_id(&mut self) -> Result<StrId> {
        self.item(|c| c.str_id())
    }
    /// A list of items read through a [`Cursor`], pre-sized from its count.
    fn list<T>(&mut self, mut read: impl FnMut(&mut Cursor<'_>) -> Result<T>) -> Result<Vec<T>> {
        let n = self.len()?;
        let mut out = Vec::with_capacity(n.min(MAX_RESERVE));
        for _ in 0..n {
            out.push(self.item(&mut read)?);
        }
        Ok(out)
    }
    fn trace(&mut self) -> Result<Trace> {
        let mut t = Trace::new(self.item(|c| c.trace_id())?);
        t.start_ns = self.i64()?;
        t.end_ns = self.i64()?;
        t.spans = self.list(|c| c.span())?;
        t.resources = self.list(|r| Ok(Resource { service: r.str_id()?, attrs: r.range()? }))?;
        t.scopes = self.list(|r| Ok(Scope { name: r.str_id()?, version: r.str_id()?, attrs: r.range()? }))?;
        t.attrs = self.list(|r| Ok(KeyValue { key: r.str_id()?, value: r.value()? }))?;
        t.values = self.list(|c| c.value())?;
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
        let n = self.len()?;
        t.warnings.reserve(n.min(MAX_RESERVE));
        for _ in 0..n {
            // Not one fixed-layout item: a detail can be a text of any length.
            let span = match self.u8()? {
                0 => None,
                _ => Some(self.u32()?),
            };
            let kind = WARNINGS.get(self.u8()? as usize).copied().ok_or_else(|| bad("unknown warning kind"))?;
            let detail = match self.u8()? {
                0 => Detail::from(String::from_utf8_lossy(self.bytes_field()?).into_owned()),
                1 => Detail::Shifted { by_ns: self.i64()? },
                2 => Detail::OutsideParent { before_ns: self.i64()?, after_ns: self.i64()? },
                _ => return Err(bad("unknown warning detail")),
            };
            t.warnings.push(Warning { span, kind, detail });
        }
        t.sources = self.list(|c| c.str_id())?;
        t.order = self.list(|c| c.u32())?;
        t.depth = self.list(|c| c.u32())?;
        t.logs = self.list(|c| c.log())?;
        t.log_resources = self.list(|r| Ok(Resource { service: r.str_id()?, attrs: r.range()? }))?;
        t.log_scopes = self.list(|r| Ok(Scope { name: r.str_id()?, version: r.str_id()?, attrs: r.range()? }))?;
        Ok(t)
    }
}

/// Reads fixed-layout fields from bytes already buffered (see [`Reader::item`]).
struct Cursor<'b> {
    bytes: &'b [u8],
    at: usize,
    map: &'b [StrId],
}

impl Cursor<'_> {
    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let bytes = self.bytes.get(self.at..self.at + N).ok_or_else(|| bad("it ends early"))?;
        self.at += N;
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
