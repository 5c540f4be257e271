//! Reading the encoding back into an interner. [`Decoder::step`] reads up to a byte budget and
//! returns, keeping its place (down to an item of a trace's list), so the page can decode a
//! million-span trace over several short tasks instead of one long one; [`decode`] runs it to
//! the end in one call. Stepping gives exactly what one call gives (`tests.rs` checks every
//! budget on a small encoding).

use super::codes::{KINDS, WARNINGS};
use super::{bad, Decoded, Result, SliceSource, Source, CHUNK, DISTINCT, MAGIC};
use crate::ids::{SpanId, TraceId};
use crate::logs::LogRecord;
use crate::strings::{Interner, StrId};
use crate::trace::{
    DependencyLink, Event, KeyValue, Link, LinkKind, ParentRelation, Range32, Resource, Scope, Span, StatusCode, Trace,
    Value,
};
use crate::warnings::{Detail, Warning};

/// Decodes an encoding made by [`super::encode`] from bytes in memory.
pub fn decode_slice(bytes: &[u8], strings: &mut Interner) -> Result<Decoded> {
    decode(&mut SliceSource { bytes }, strings)
}

/// Decodes an encoding made by [`super::encode`], interning its strings into `strings` and
/// renumbering every string id. On error, nothing but a few extra interned strings is left behind.
pub fn decode(source: &mut dyn Source, strings: &mut Interner) -> Result<Decoded> {
    let mut decoder = Decoder::new(source);
    loop {
        if let Some(decoded) = decoder.step(strings, usize::MAX)? {
            return Ok(decoded);
        }
    }
}

/// Where a decoder is in the encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Header,
    Strings,
    Notes,
    Dependencies,
    Extra,
    Traces,
    Done,
}

/// How many parts (fixed fields and lists) a trace's encoding has; see [`Decoder::trace_parts`].
const TRACE_PARTS: u8 = 16;

/// A decode that can stop and go on: each [`Decoder::step`] reads about a byte budget (at least
/// one item) and says whether the encoding is complete. Every step must intern into the same
/// interner: ids decoded so far refer to it.
pub struct Decoder<'s> {
    r: Reader<'s>,
    stage: Stage,
    /// Items left in the list being read (`None`: its count is not read yet); for traces, how
    /// many traces are left.
    left: Option<usize>,
    /// The trace being read, which of its parts is next, and the items left in that part.
    trace: Trace,
    part: u8,
    inner: Option<usize>,
    decoded: Decoded,
}

impl<'s> Decoder<'s> {
    pub fn new(source: impl Source + 's) -> Decoder<'s> {
        Decoder {
            r: Reader { buf: Vec::new(), pos: 0, base: 0, source: Box::new(source), map: Vec::new() },
            stage: Stage::Header,
            left: None,
            trace: Trace::new(TraceId::Hex(0)),
            part: 0,
            inner: None,
            decoded: Decoded::default(),
        }
    }

    /// How many bytes of the encoding have been read so far.
    pub fn consumed(&self) -> u64 {
        self.r.consumed()
    }

    /// Reads on until about `budget` more bytes are consumed (at least one item), interning
    /// into `strings`; returns what was decoded once the encoding is complete. After an error
    /// the decoder is spent.
    pub fn step(&mut self, strings: &mut Interner, budget: usize) -> Result<Option<Decoded>> {
        let stop = self.r.consumed().saturating_add(budget.max(1) as u64);
        loop {
            match self.stage {
                Stage::Header => {
                    if self.r.take(MAGIC.len())? != MAGIC.as_slice() {
                        return Err(bad(
                            "it does not start with the expected header (is the worker from another build?)",
                        ));
                    }
                    let n = self.r.len()?;
                    self.r.map = Vec::with_capacity(n.min(1 << 24));
                    // The table and the id list grow once, not by doubling (each doubling holds
                    // old and new).
                    strings.reserve(n.min(1 << 24), 0);
                    self.left = Some(n);
                    self.stage = Stage::Strings;
                }
                Stage::Strings => {
                    // The id map is out of the reader while it grows (strings are not mapped).
                    let mut map = std::mem::take(&mut self.r.map);
                    let read = |r: &mut Reader<'_>| {
                        // A length with the top bit set: a text the encoder's interner held
                        // apart (`Interner::add_distinct`); older encodings never set it.
                        let len = r.u32()?;
                        let bytes = r.take((len & !DISTINCT) as usize)?;
                        let s = std::str::from_utf8(bytes).map_err(|_| bad("a string is not UTF-8"))?;
                        Ok(if len & DISTINCT != 0 { strings.add_distinct(s) } else { strings.intern(s) })
                    };
                    let complete = self.r.part(&mut map, &mut self.left, stop, read);
                    self.r.map = map;
                    if !complete? {
                        return Ok(None);
                    }
                    self.next(Stage::Notes);
                }
                Stage::Notes => {
                    let notes = &mut self.decoded.notes;
                    let read = |r: &mut Reader<'_>| Ok(String::from_utf8_lossy(r.bytes_field()?).into_owned());
                    if !self.r.part(notes, &mut self.left, stop, read)? {
                        return Ok(None);
                    }
                    self.next(Stage::Dependencies);
                }
                Stage::Dependencies => {
                    let dependencies = &mut self.decoded.dependencies;
                    if !self.r.part(dependencies, &mut self.left, stop, |r| r.item(|c| c.dependency()))? {
                        return Ok(None);
                    }
                    self.next(Stage::Extra);
                }
                Stage::Extra => {
                    self.decoded.extra = self.r.bytes_field()?.to_vec();
                    self.left = Some(self.r.len()?);
                    self.stage = Stage::Traces;
                }
                Stage::Traces => {
                    let n = self.left.unwrap_or(0);
                    if n == 0 {
                        self.stage = Stage::Done;
                        return Ok(Some(std::mem::take(&mut self.decoded)));
                    }
                    if !self.trace_parts(stop)? {
                        return Ok(None);
                    }
                    let trace = std::mem::replace(&mut self.trace, Trace::new(TraceId::Hex(0)));
                    self.decoded.traces.push(trace);
                    self.left = Some(n - 1);
                }
                Stage::Done => return Err(bad("it was read to the end already")),
            }
            // Budget spent: stop, unless all that is left is to say it is complete.
            let complete = self.stage == Stage::Traces && self.left == Some(0);
            if self.r.consumed() >= stop && !complete {
                return Ok(None);
            }
        }
    }

    fn next(&mut self, stage: Stage) {
        self.stage = stage;
        self.left = None;
    }
}

impl Decoder<'_> {
    /// Reads the parts of the current trace, in the encoder's order, until the budget is spent
    /// (false) or the trace is complete (true).
    fn trace_parts(&mut self, stop: u64) -> Result<bool> {
        let Decoder { r, trace: t, part, inner: left, .. } = self;
        while *part < TRACE_PARTS {
            let complete = match *part {
                0 => {
                    *t = Trace::new(r.item(|c| c.trace_id())?);
                    t.start_ns = r.i64()?;
                    t.end_ns = r.i64()?;
                    true
                }
                1 => r.part(&mut t.spans, left, stop, |r| r.item(|c| c.span()))?,
                2 => r.part(&mut t.resources, left, stop, |r| r.item(|c| c.resource()))?,
                3 => r.part(&mut t.scopes, left, stop, |r| r.item(|c| c.scope()))?,
                4 => r.part(&mut t.attrs, left, stop, |r| {
                    r.item(|c| Ok(KeyValue { key: c.str_id()?, value: c.value()? }))
                })?,
                5 => r.part(&mut t.values, left, stop, |r| r.item(|c| c.value()))?,
                6 => {
                    t.bytes = r.bytes_field()?.to_vec();
                    true
                }
                7 => r.part(&mut t.events, left, stop, |r| {
                    r.item(|c| Ok(Event { time_ns: c.i64()?, name: c.str_id()?, attrs: c.range()? }))
                })?,
                8 => r.part(&mut t.links, left, stop, |r| r.item(|c| c.link()))?,
                9 => r.part(&mut t.warnings, left, stop, Reader::warning)?,
                10 => r.part(&mut t.sources, left, stop, |r| r.item(|c| c.str_id()))?,
                11 => r.part(&mut t.order, left, stop, |r| r.item(|c| c.u32()))?,
                12 => r.part(&mut t.depth, left, stop, |r| r.item(|c| c.u32()))?,
                13 => r.part(&mut t.logs, left, stop, |r| r.item(|c| c.log()))?,
                14 => r.part(&mut t.log_resources, left, stop, |r| r.item(|c| c.resource()))?,
                _ => r.part(&mut t.log_scopes, left, stop, |r| r.item(|c| c.scope()))?,
            };
            if !complete {
                return Ok(false);
            }
            *part += 1;
            *left = None;
        }
        *part = 0;
        Ok(true)
    }
}

struct Reader<'s> {
    buf: Vec<u8>,
    pos: usize,
    /// How many bytes were dropped from the front of `buf` so far.
    base: u64,
    source: Box<dyn Source + 's>,
    /// String ids of the encoding to ids of the target interner.
    map: Vec<StrId>,
}

/// Lists are pre-sized from their count, but never beyond this, so a corrupt count cannot
/// reserve gigabytes before the reader notices the data ends.
const MAX_RESERVE: usize = 1 << 22;

/// The most bytes one fixed-layout item can take (a span: 105; a log line: 78).
const MAX_ITEM: usize = 128;

impl Reader<'_> {
    fn consumed(&self) -> u64 {
        self.base + self.pos as u64
    }
    /// Makes `n` bytes available from `pos`, or as many as the source still has.
    fn fill(&mut self, n: usize) {
        if self.buf.len() - self.pos < n {
            self.buf.drain(..self.pos);
            self.base += self.pos as u64;
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
    /// spans, and this is most of it).
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
    /// Reads on in a list until it is complete (true) or the budget is spent (false): `left`
    /// holds the items still to read between calls (`None` before the list's count is read).
    /// The list is pre-sized from its count.
    fn part<T>(
        &mut self,
        out: &mut Vec<T>,
        left: &mut Option<usize>,
        stop: u64,
        mut read: impl FnMut(&mut Self) -> Result<T>,
    ) -> Result<bool> {
        let mut n = match *left {
            Some(n) => n,
            None => {
                let n = self.len()?;
                out.reserve_exact(n.min(MAX_RESERVE));
                n
            }
        };
        while n > 0 && self.consumed() < stop {
            out.push(read(self)?);
            n -= 1;
        }
        *left = Some(n);
        Ok(n == 0)
    }
    /// One warning: not one fixed-layout item, as a detail can be a text of any length.
    fn warning(&mut self) -> Result<Warning> {
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
        Ok(Warning { span, kind, detail })
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
    fn optional_span_id(&mut self) -> Result<Option<SpanId>> {
        match self.u8()? {
            0 => Ok(None),
            _ => Ok(Some(self.span_id()?)),
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
    fn dependency(&mut self) -> Result<DependencyLink> {
        Ok(DependencyLink {
            parent: self.str_id()?,
            child: self.str_id()?,
            call_count: self.u64()?,
            error_count: self.u64()?,
        })
    }
    fn resource(&mut self) -> Result<Resource> {
        Ok(Resource { service: self.str_id()?, attrs: self.range()? })
    }
    fn scope(&mut self) -> Result<Scope> {
        Ok(Scope { name: self.str_id()?, version: self.str_id()?, attrs: self.range()? })
    }
    fn link(&mut self) -> Result<Link> {
        let trace_id = self.trace_id()?;
        let span_id = self.span_id()?;
        let kind = match self.u8()? {
            0 => LinkKind::Link,
            1 => LinkKind::ChildOf,
            2 => LinkKind::FollowsFrom,
            _ => return Err(bad("unknown link kind")),
        };
        Ok(Link { trace_id, span_id, kind, attrs: self.range()? })
    }
    fn span(&mut self) -> Result<Span> {
        let span_id = self.span_id()?;
        let parent_id = self.optional_span_id()?;
        let mut span = Span {
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
            shared: false,
            start_placed: false,
        };
        // Bit 0: shared; bit 1: start placed by assembly (see the encoder).
        let bits = self.u8()?;
        span.shared = bits & 1 != 0;
        span.start_placed = bits & 2 != 0;
        Ok(span)
    }
    fn log(&mut self) -> Result<LogRecord> {
        let time_ns = self.i64()?;
        let observed_ns = self.i64()?;
        let span_id = self.optional_span_id()?;
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
