//! Zipkin API v2 JSON: a list of spans `[{…}]`, or the API's list of traces `[[{…}], [{…}]]`;
//! leniently also a single span object `{…}` (with a note).
//!
//! Times are epoch microseconds (numbers, or numbers sent as strings) and become integer
//! nanoseconds. The local endpoint is the span's resource (deduplicated per trace by service name,
//! ipv4, ipv6 and port); the remote endpoint becomes OpenTelemetry peer attributes; tags become
//! string attributes sorted by key; the `error` tag sets the error status; annotations become
//! events.
//!
//! Three steps: each span is deserialized into a borrowed DTO and at once interned into a compact
//! `Record` (while its bytes are in cache); records are merged; records become model spans.
//! Zipkin reporters may send one span in several pieces: before converting, pieces with the same
//! (trace id, span id) are merged (`compatible` states the rule); CLIENT and SERVER halves that
//! share an id are kept apart for assembly to pair. Depends on `model` and `formats::builder`.

mod v1;

use super::builder::{push_attrs, LenientStr, Scalar, TraceSet};
use super::{Format, ImportError, Imported};
use hashbrown::hash_map::Entry;
use hashbrown::{DefaultHashBuilder, HashMap, HashTable};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;
use std::hash::BuildHasher;
use strand_model::{
    Event, Interner, KeyValue, Range32, Resource, Span, SpanId, SpanKind, StatusCode, StrId, TraceId, Value, Warning,
    WarningKind,
};

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SpanDto<'a> {
    #[serde(borrow, default)]
    trace_id: LenientStr<'a>,
    #[serde(borrow, default)]
    id: LenientStr<'a>,
    #[serde(borrow, default)]
    parent_id: LenientStr<'a>,
    /// Empty when absent (a local span).
    #[serde(borrow, default)]
    kind: LenientStr<'a>,
    #[serde(borrow, default)]
    name: LenientStr<'a>,
    #[serde(default)]
    timestamp: Num,
    #[serde(default)]
    duration: Num,
    #[serde(borrow, default)]
    local_endpoint: Option<EndpointDto<'a>>,
    #[serde(borrow, default)]
    remote_endpoint: Option<EndpointDto<'a>>,
    #[serde(borrow, default)]
    tags: Tags<'a>,
    #[serde(borrow, default)]
    annotations: Option<Vec<AnnotationDto<'a>>>,
    #[serde(default)]
    shared: Flag,
    #[serde(default)]
    debug: Flag,
    /// Zipkin v1 only: tags and addresses, each with the endpoint that recorded it.
    #[serde(borrow, default)]
    binary_annotations: Option<Vec<v1::BinaryAnnotationDto<'a>>>,
}

impl SpanDto<'_> {
    /// A Zipkin v1 span: it has `binaryAnnotations`, or annotations that carry their endpoint.
    /// (A span with neither reads the same either way.)
    fn is_v1(&self) -> bool {
        self.binary_annotations.is_some() || self.annotations.iter().flatten().any(|a| a.endpoint.is_some())
    }
}

#[derive(Deserialize, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
struct EndpointDto<'a> {
    #[serde(borrow, default)]
    service_name: LenientStr<'a>,
    #[serde(borrow, default)]
    ipv4: LenientStr<'a>,
    #[serde(borrow, default)]
    ipv6: LenientStr<'a>,
    #[serde(default)]
    port: Num,
}

#[derive(Deserialize, PartialEq)]
struct AnnotationDto<'a> {
    #[serde(default)]
    timestamp: Num,
    #[serde(borrow, default)]
    value: LenientStr<'a>,
    /// Zipkin v1 only: the host that recorded the annotation.
    #[serde(borrow, default)]
    endpoint: Option<EndpointDto<'a>>,
}

/// A JSON number that may arrive as a string (µs times, ports). Absent, `null` and unreadable
/// values are told apart; 16 bytes, so the span DTOs stay small.
#[derive(Clone, Copy, PartialEq, Debug, Default)]
enum Num {
    #[default]
    Absent,
    Null,
    Int(i64),
    Float(f64),
    /// A string that is not a number, a boolean, an array or an object.
    Invalid,
}

impl Num {
    fn from_text(s: &str) -> Num {
        let t = s.trim();
        match t.parse::<i64>() {
            Ok(i) => Num::Int(i),
            Err(_) => match t.parse::<f64>() {
                Ok(f) if f.is_finite() => Num::Float(f),
                _ => Num::Invalid,
            },
        }
    }

    /// Microseconds to nanoseconds, saturating; fractions of a µs are kept.
    fn micros_to_ns(self) -> Option<i64> {
        match self {
            Num::Int(i) => Some(i.saturating_mul(1000)),
            // `as` saturates at the i64 bounds.
            Num::Float(f) if f.is_finite() => Some((f * 1000.0) as i64),
            _ => None,
        }
    }

    fn as_int(self) -> Option<i64> {
        match self {
            Num::Int(i) => Some(i),
            Num::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.2e18 => Some(f as i64),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(i64::try_from(v).map_or(Num::Float(v as f64), Num::Int))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                Ok(Num::Float(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
                Ok(Num::from_text(v))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Num, E> {
                Ok(Num::Invalid)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Num, E> {
                Ok(Num::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Num, E> {
                Ok(Num::Null)
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Num, S::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Num::Invalid)
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Num, M::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Num::Invalid)
            }
        }
        d.deserialize_any(V)
    }
}

/// A boolean that may arrive as a string or number; anything unreadable is false.
#[derive(Clone, Copy, PartialEq, Debug, Default)]
struct Flag(bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a boolean")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Flag, E> {
                Ok(Flag(v != 0))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Flag, E> {
                Ok(Flag(v != 0))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Flag, E> {
                Ok(Flag(v != 0.0))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
                Ok(Flag(Scalar::Text(Cow::Borrowed(v)).as_bool().unwrap_or(false)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Flag, E> {
                Ok(Flag(false))
            }
            fn visit_none<E: de::Error>(self) -> Result<Flag, E> {
                Ok(Flag(false))
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Flag, S::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Flag(false))
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Flag, M::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Flag(false))
            }
        }
        d.deserialize_any(V)
    }
}

/// The `tags` object in file order; `null` reads as no tags.
#[derive(Default)]
struct Tags<'a>(Vec<(LenientStr<'a>, TagValue<'a>)>);

/// A tag value: Zipkin says string, reporters sometimes send numbers, booleans, null or worse.
enum TagValue<'a> {
    Text(Cow<'a, str>),
    /// A JSON array or object, which no Zipkin tag can hold; skipped over, reported.
    Composite(&'static str),
}

impl<'de: 'a, 'a> Deserialize<'de> for Tags<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Tags<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of string tags")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
                while let Some(entry) = map.next_entry::<LenientStr<'de>, TagValue<'de>>()? {
                    out.push(entry);
                }
                Ok(Tags(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Tags::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Tags::default())
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for TagValue<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TagValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a tag value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(TagValue::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(TagValue::Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(TagValue::Text(Cow::Owned(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(TagValue::Text(Cow::Owned(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(TagValue::Text(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(TagValue::Text(Cow::Owned(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(TagValue::Text(Cow::Borrowed(if v { "true" } else { "false" })))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TagValue::Text(Cow::Borrowed("")))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TagValue::Text(Cow::Borrowed("")))
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(TagValue::Composite("an array"))
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(TagValue::Composite("an object"))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing: each span is deserialized into a short-lived DTO and at once interned into a compact
// record, while its bytes are still in cache.

/// Why a tag value could not be kept, or its interned text.
#[derive(Clone, Copy, PartialEq, Debug)]
enum TagVal {
    Str(StrId),
    Composite(&'static str),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
enum Kind {
    #[default]
    Absent,
    Known(SpanKind),
    Unknown(StrId),
}

#[derive(Clone, Copy, PartialEq, Debug, Default)]
struct Endpoint {
    service: StrId,
    ipv4: StrId,
    ipv6: StrId,
    port: Num,
}

impl Endpoint {
    fn intern(e: &EndpointDto, strings: &mut Interner) -> Endpoint {
        Endpoint {
            service: strings.intern(e.service_name.as_str()),
            ipv4: strings.intern(e.ipv4.as_str()),
            ipv6: strings.intern(e.ipv6.as_str()),
            port: e.port,
        }
    }

    /// The port, when given and not 0 (Zipkin's "unknown").
    fn port(&self) -> Option<i64> {
        self.port.as_int().filter(|&p| p != 0)
    }
}

/// One span as read, interned, before merging and conversion.
#[derive(Clone, Copy, Debug)]
struct Record {
    /// Into [`Collector::trace_ids`].
    trace: u32,
    /// `None` when the file gave an empty id.
    span_id: Option<SpanId>,
    parent_id: Option<SpanId>,
    name: StrId,
    kind: Kind,
    timestamp: Num,
    duration: Num,
    local: Option<Endpoint>,
    remote: Option<Endpoint>,
    /// Into [`Collector::tags`], sorted by key.
    tags: Range32,
    /// Into [`Collector::annotations`].
    annotations: Range32,
    shared: bool,
    debug: bool,
    /// How many other records were merged into this one, or [`MERGED_AWAY`].
    merged: u32,
}

impl Record {
    /// The timestamp in ns, when given and not 0 (Zipkin's "unknown").
    fn start_ns(&self) -> Option<i64> {
        self.timestamp.micros_to_ns().filter(|&t| t != 0)
    }

    fn service(&self) -> StrId {
        self.local.map_or(StrId::EMPTY, |e| e.service)
    }
}

/// Everything read from the document: records plus the pools their ranges point into.
struct Collector<'s> {
    strings: &'s mut Interner,
    records: Vec<Record>,
    tags: Vec<(StrId, TagVal)>,
    annotations: Vec<(Num, StrId)>,
    /// Distinct trace ids in order of appearance, and their positions.
    trace_ids: Vec<TraceId>,
    trace_index: HashMap<TraceId, u32>,
    last_trace: Option<(TraceId, u32)>,
    /// Spans read as Zipkin v2.
    v2_spans: usize,
    /// What the Zipkin v1 conversion did.
    v1: v1::Stats,
}

impl<'s> Collector<'s> {
    fn new(strings: &'s mut Interner) -> Collector<'s> {
        Collector {
            strings,
            records: Vec::new(),
            tags: Vec::new(),
            annotations: Vec::new(),
            trace_ids: Vec::new(),
            trace_index: HashMap::new(),
            last_trace: None,
            v2_spans: 0,
            v1: v1::Stats::default(),
        }
    }

    fn trace(&mut self, trace_id: TraceId) -> u32 {
        // Spans of one trace mostly come together: check the last one before the map.
        if let Some((last, idx)) = self.last_trace {
            if last == trace_id {
                return idx;
            }
        }
        let next = u32::try_from(self.trace_ids.len()).unwrap_or(u32::MAX);
        let idx = *self.trace_index.entry(trace_id).or_insert(next);
        if idx == next {
            self.trace_ids.push(trace_id);
        }
        self.last_trace = Some((trace_id, idx));
        idx
    }

    fn add(&mut self, dto: &mut SpanDto) {
        if dto.is_v1() {
            v1::add(self, dto);
            return;
        }
        self.v2_spans += 1;
        let trace_id = parse_trace_id(dto.trace_id.as_str(), self.strings);
        let trace = self.trace(trace_id);
        let strings = &mut *self.strings;
        let id = dto.id.as_str();
        let parent = dto.parent_id.as_str();
        let kind = dto.kind.as_str().trim();
        let kind = if kind.is_empty() {
            Kind::Absent
        } else {
            SpanKind::parse(kind).map_or_else(|| Kind::Unknown(strings.intern(kind)), Kind::Known)
        };
        let local = dto.local_endpoint.as_ref().map(|e| Endpoint::intern(e, strings));
        let remote = dto.remote_endpoint.as_ref().map(|e| Endpoint::intern(e, strings));

        let tags = &mut dto.tags.0;
        if !tags.is_sorted_by(|(ka, _), (kb, _)| ka.as_str() <= kb.as_str()) {
            tags.sort_unstable_by(|(ka, _), (kb, _)| ka.as_str().cmp(kb.as_str()));
        }
        let tag_start = self.tags.len();
        for (key, value) in tags.iter() {
            let value = match value {
                TagValue::Text(text) => TagVal::Str(strings.intern(text)),
                TagValue::Composite(what) => TagVal::Composite(what),
            };
            self.tags.push((strings.intern(key.as_str()), value));
        }
        let annotation_start = self.annotations.len();
        for ann in dto.annotations.iter().flatten() {
            self.annotations.push((ann.timestamp, strings.intern(ann.value.as_str())));
        }

        self.records.push(Record {
            trace,
            span_id: (!id.is_empty()).then(|| parse_span_id(id, strings)),
            parent_id: (!parent.is_empty()).then(|| parse_span_id(parent, strings)),
            name: strings.intern(dto.name.as_str()),
            kind,
            timestamp: dto.timestamp,
            duration: dto.duration,
            local,
            remote,
            tags: Range32::from_bounds(tag_start, self.tags.len()),
            annotations: Range32::from_bounds(annotation_start, self.annotations.len()),
            shared: dto.shared.0,
            debug: dto.debug.0,
            merged: 0,
        });
    }
}

/// A span that must be a JSON object: derived structs would also accept an array of fields,
/// which would turn `[[]]`-shaped garbage into empty spans.
struct SpanObject<'a>(SpanDto<'a>);

impl<'de: 'a, 'a> Deserialize<'de> for SpanObject<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SpanObject<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a Zipkin span object")
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
                SpanDto::deserialize(de::value::MapAccessDeserializer::new(map)).map(SpanObject)
            }
        }
        d.deserialize_map(V)
    }
}

/// Deserializes a JSON list of spans into the collector.
struct AppendSpans<'c, 's>(&'c mut Collector<'s>);

impl<'de> DeserializeSeed<'de> for AppendSpans<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for AppendSpans<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of Zipkin spans")
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while let Some(SpanObject(mut span)) = seq.next_element::<SpanObject<'de>>()? {
            self.0.add(&mut span);
        }
        Ok(())
    }
}

/// Deserializes the API's list of lists of spans into the collector.
struct AppendLists<'c, 's>(&'c mut Collector<'s>);

impl<'de> DeserializeSeed<'de> for AppendLists<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for AppendLists<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of lists of Zipkin spans")
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while seq.next_element_seed(AppendSpans(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

/// What the document holds at the top level.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum TopLevel {
    /// `[{…}, …]`: Zipkin's list of spans.
    Spans,
    /// `[[{…}], …]`: the API's list of traces.
    Lists,
    /// `{…}`: one span object on its own, which some exporters write for a single span.
    Single,
}

/// Decided by the first non-whitespace bytes: `[[`, `[` or `{`.
fn top_level(bytes: &[u8]) -> TopLevel {
    let mut rest = bytes.iter().copied().filter(|b| !b.is_ascii_whitespace());
    match (rest.next(), rest.next()) {
        (Some(b'['), Some(b'[')) => TopLevel::Lists,
        (Some(b'{'), _) => TopLevel::Single,
        _ => TopLevel::Spans,
    }
}

fn parse(bytes: &[u8], collector: &mut Collector) -> Result<TopLevel, serde_json::Error> {
    // Real spans take 300-1000 bytes of JSON: reserve for the common case up front.
    collector.records.reserve(bytes.len() / 600);
    let top = top_level(bytes);
    // Validating UTF-8 once lets serde_json skip validating every string; invalid input goes
    // through the byte reader, which reports where the bad byte is.
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_with(serde_json::Deserializer::from_str(text), top, collector)?,
        Err(_) => parse_with(serde_json::Deserializer::from_slice(bytes), top, collector)?,
    }
    Ok(top)
}

fn parse_with<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    top: TopLevel,
    collector: &mut Collector,
) -> Result<(), serde_json::Error> {
    match top {
        TopLevel::Lists => AppendLists(collector).deserialize(&mut de)?,
        TopLevel::Spans => AppendSpans(collector).deserialize(&mut de)?,
        TopLevel::Single => {
            let SpanObject(mut span) = SpanObject::deserialize(&mut de)?;
            collector.add(&mut span);
        }
    }
    de.end()
}

/// [`SpanId::parse`] with a fast path for hex, which nearly every Zipkin id is.
fn parse_span_id(s: &str, strings: &mut Interner) -> SpanId {
    match hex_value(s, 16) {
        Some(v) => SpanId::Hex(v as u64),
        None => SpanId::parse(s, strings),
    }
}

/// [`TraceId::parse`] with a fast path for hex.
fn parse_trace_id(s: &str, strings: &mut Interner) -> TraceId {
    match hex_value(s, 32) {
        Some(v) => TraceId::Hex(v),
        None => TraceId::parse(s, strings),
    }
}

/// 1 to `max_digits` hex digits of either case, as the model's id parsers accept them.
fn hex_value(s: &str, max_digits: usize) -> Option<u128> {
    if s.is_empty() || s.len() > max_digits {
        return None;
    }
    let mut v: u128 = 0;
    for b in s.bytes() {
        let digit = char::from(b).to_digit(16)?;
        v = (v << 4) | u128::from(digit);
    }
    Some(v)
}

/// The load notice for a document that is one span object rather than a list.
pub const SINGLE_SPAN_NOTE: &str =
    "the file is a single Zipkin span object, not a list of spans as the Zipkin API defines; read as a list of one";

/// Imports one Zipkin JSON document, v2 or v1 (each span is read as what it is; v1 spans are
/// converted to v2 ones, see [`v1`]). `format` names the format in error messages; the format
/// returned is what the document turned out to hold: [`Format::ZipkinV1`] when any span was v1.
pub fn import(
    bytes: &[u8],
    file: &str,
    format: Format,
    source: StrId,
    strings: &mut Interner,
) -> Result<(Format, Imported), ImportError> {
    let mut collector = Collector::new(strings);
    let top = parse(bytes, &mut collector).map_err(|e| ImportError::from_json(file, format, &e, 0))?;
    let v1_stats = collector.v1;
    let v2_spans = collector.v2_spans;
    merge_fragments(&mut collector);
    let Collector { strings, records, tags, annotations, trace_ids, .. } = collector;
    let mut decoder = Decoder::new(source, strings);
    decoder.sizes = pool_sizes(&records, trace_ids.len());
    for record in records.iter().filter(|r| r.merged != MERGED_AWAY) {
        let trace_id = trace_ids.get(record.trace as usize).copied().unwrap_or(TraceId::Text(StrId::EMPTY));
        decoder.span(record, trace_id, &tags, &annotations);
    }
    let mut imported = decoder.finish();
    if top == TopLevel::Single {
        imported.notes.push(SINGLE_SPAN_NOTE.to_string());
    }
    if v1_stats.spans_in == 0 {
        return Ok((Format::Zipkin, imported));
    }
    imported.notes.extend(v1_stats.notes(v2_spans));
    Ok((Format::ZipkinV1, imported))
}

// ---------------------------------------------------------------------------------------------
// Fragment merging

/// Marks a record that was merged into an earlier one.
const MERGED_AWAY: u32 = u32::MAX;
/// Records compared per id before giving up: bounds the work on files where thousands of
/// distinct spans share one id.
const MAX_CANDIDATES: usize = 256;

/// Merges the pieces of each span into its first piece in file order (see [`compatible`]).
fn merge_fragments(c: &mut Collector) {
    let n = c.records.len();
    // Records kept so far with the same (trace id, span id), chained in file order. The table
    // holds (first, last) of each chain and finds it through the records' ids: 8 bytes a slot.
    let mut next = vec![MERGED_AWAY; n];
    let mut index: HashTable<(u32, u32)> = HashTable::with_capacity(n);
    let hasher = DefaultHashBuilder::default();
    let key_of = |r: &Record| r.span_id.map(|id| (r.trace, id));
    for b in 0..n {
        let Some(&fragment) = c.records.get(b) else { continue };
        let Some(key) = key_of(&fragment) else { continue };
        let b32 = u32::try_from(b).unwrap_or(MERGED_AWAY);
        let records = &c.records;
        let hash = hasher.hash_one(key);
        let found = index.find_mut(hash, |&(first, _)| records.get(first as usize).and_then(key_of) == Some(key));
        let Some(slot) = found else {
            index.insert_unique(hash, (b32, b32), |&(first, _)| {
                records.get(first as usize).and_then(key_of).map_or(0, |k| hasher.hash_one(k))
            });
            continue;
        };
        let mut candidate = slot.0;
        let mut target = None;
        for _ in 0..MAX_CANDIDATES {
            let Some(a) = c.records.get(candidate as usize) else {
                break;
            };
            if compatible(a, &fragment) {
                target = Some(candidate);
                break;
            }
            candidate = next.get(candidate as usize).copied().unwrap_or(MERGED_AWAY);
        }
        match target {
            Some(a) => {
                merge_into(c, a as usize, &fragment);
                if let Some(r) = c.records.get_mut(b) {
                    r.merged = MERGED_AWAY;
                }
            }
            None => {
                if let Some(link) = next.get_mut(slot.1 as usize) {
                    *link = b32;
                }
                slot.1 = b32;
            }
        }
    }
}

/// The merge rule. Two spans with the same trace id and span id are pieces of one span when:
/// - their local endpoints name the same service (a missing endpoint or name counts as ""),
///   and their ipv4, ipv6 and port agree where both give one;
/// - at least one has no `kind`, or both have the same kind (so a CLIENT and a SERVER half that
///   share an id stay apart);
/// - at least one has no `timestamp`, or both have the same timestamp and the same `shared` flag
///   (two reports that both carry a start, at different times, are two executions: the 5 SERVER
///   spans under one id in the smartthings samples are Kafka deliveries to different consumers).
///
/// The rule is symmetric: kind-less fragments may come before the span they belong to (they do
/// in smartthings-mobile-web-install, where every fragment precedes its SERVER span).
fn compatible(a: &Record, b: &Record) -> bool {
    if a.service() != b.service() {
        return false;
    }
    if a.kind != Kind::Absent && b.kind != Kind::Absent && a.kind != b.kind {
        return false;
    }
    if let (Some(ta), Some(tb)) = (a.start_ns(), b.start_ns()) {
        if ta != tb || a.shared != b.shared {
            return false;
        }
    }
    if let (Some(ea), Some(eb)) = (a.local, b.local) {
        let agrees = |x: StrId, y: StrId| x == StrId::EMPTY || y == StrId::EMPTY || x == y;
        let ports_agree = match (ea.port(), eb.port()) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        };
        if !agrees(ea.ipv4, eb.ipv4) || !agrees(ea.ipv6, eb.ipv6) || !ports_agree {
            return false;
        }
    }
    true
}

/// Merges record `b` into record `a`: fills what `a` lacks (parent id, kind, name, timestamp,
/// duration, endpoint fields), unions tags (the later piece wins a clash), appends annotations
/// not already present, keeps `shared`/`debug` if either piece set them.
fn merge_into(c: &mut Collector, a: usize, b: &Record) {
    let Collector { strings, records, tags, annotations, .. } = c;
    let Some(a) = records.get_mut(a) else { return };
    a.parent_id = a.parent_id.or(b.parent_id);
    if a.kind == Kind::Absent {
        a.kind = b.kind;
    }
    if a.name == StrId::EMPTY {
        a.name = b.name;
    }
    if a.start_ns().is_none() {
        a.timestamp = b.timestamp;
    }
    if a.duration.micros_to_ns().is_none() {
        a.duration = b.duration;
    }
    a.local = fill_endpoint(a.local, b.local);
    a.remote = fill_endpoint(a.remote, b.remote);
    a.shared |= b.shared;
    a.debug |= b.debug;
    a.merged = a.merged.saturating_add(1).min(MERGED_AWAY - 1);

    // Pools only grow: the merged lists are appended as new ranges.
    if !b.tags.is_empty() {
        let start = tags.len();
        let own = a.tags.as_range();
        if own.end <= start {
            tags.extend_from_within(own);
        }
        for i in b.tags.as_range() {
            let Some(&(key, value)) = tags.get(i) else { continue };
            match tags.get_mut(start..).and_then(|new| new.iter_mut().find(|(k, _)| *k == key)) {
                Some(existing) => existing.1 = value,
                None => tags.push((key, value)),
            }
        }
        if let Some(new) = tags.get_mut(start..) {
            new.sort_by(|(ka, _), (kb, _)| strings.get(*ka).cmp(strings.get(*kb)));
        }
        a.tags = Range32::from_bounds(start, tags.len());
    }
    if !b.annotations.is_empty() {
        let start = annotations.len();
        let own = a.annotations.as_range();
        if own.end <= start {
            annotations.extend_from_within(own);
        }
        for i in b.annotations.as_range() {
            let Some(&ann) = annotations.get(i) else { continue };
            if !annotations.get(start..).is_some_and(|new| new.contains(&ann)) {
                annotations.push(ann);
            }
        }
        a.annotations = Range32::from_bounds(start, annotations.len());
    }
}

fn fill_endpoint(a: Option<Endpoint>, b: Option<Endpoint>) -> Option<Endpoint> {
    let (Some(mut a), Some(b)) = (a, b) else { return a.or(b) };
    let fill = |x: &mut StrId, y: StrId| {
        if *x == StrId::EMPTY {
            *x = y;
        }
    };
    fill(&mut a.service, b.service);
    fill(&mut a.ipv4, b.ipv4);
    fill(&mut a.ipv6, b.ipv6);
    if a.port().is_none() {
        a.port = b.port;
    }
    Some(a)
}

// ---------------------------------------------------------------------------------------------
// Conversion to the model

/// What each trace's pools will hold (spans, attributes at most, events), so that they are
/// allocated once instead of doubling their way up on big files.
#[derive(Clone, Copy, Default)]
struct PoolSizes {
    spans: usize,
    attrs: usize,
    events: usize,
}

fn pool_sizes(records: &[Record], traces: usize) -> Vec<PoolSizes> {
    let mut sizes = vec![PoolSizes::default(); traces];
    for r in records.iter().filter(|r| r.merged != MERGED_AWAY) {
        if let Some(size) = sizes.get_mut(r.trace as usize) {
            size.spans += 1;
            // Tags, up to 4 remote endpoint attributes, the debug flag.
            size.attrs += r.tags.len as usize + if r.remote.is_some() { 4 } else { 0 } + usize::from(r.debug);
            size.events += r.annotations.len as usize;
        }
    }
    sizes
}

/// Keys interned once per import.
struct Keys {
    ipv4: StrId,
    ipv6: StrId,
    port: StrId,
    peer_service: StrId,
    peer_address: StrId,
    peer_ipv6: StrId,
    peer_port: StrId,
    debug: StrId,
    error: StrId,
}

/// (trace position, service, ipv4, ipv6, port or 0): what makes a Zipkin local endpoint a resource.
type ResourceKey = (usize, StrId, StrId, StrId, i64);

struct Decoder<'s> {
    strings: &'s mut Interner,
    traces: TraceSet,
    /// Resource index in its trace, per local endpoint.
    resources: HashMap<ResourceKey, u32>,
    /// The last resource looked up, to skip the map for runs of spans from one endpoint.
    last_resource: Option<(ResourceKey, u32)>,
    /// Pool sizes per trace (by [`Record::trace`]), reserved when the trace is created.
    sizes: Vec<PoolSizes>,
    missing_ids: usize,
    kv_scratch: Vec<KeyValue>,
    warnings: Vec<(WarningKind, String)>,
    keys: Keys,
}

impl<'s> Decoder<'s> {
    fn new(source: StrId, strings: &'s mut Interner) -> Decoder<'s> {
        let keys = Keys {
            ipv4: strings.intern("ipv4"),
            ipv6: strings.intern("ipv6"),
            port: strings.intern("port"),
            peer_service: strings.intern("peer.service"),
            peer_address: strings.intern("network.peer.address"),
            peer_ipv6: strings.intern("peer.ipv6"),
            peer_port: strings.intern("network.peer.port"),
            debug: strings.intern("zipkin.debug"),
            error: strings.intern("error"),
        };
        Decoder {
            strings,
            traces: TraceSet::new(source),
            resources: HashMap::new(),
            last_resource: None,
            sizes: Vec::new(),
            missing_ids: 0,
            kv_scratch: Vec::new(),
            warnings: Vec::new(),
            keys,
        }
    }

    fn finish(self) -> Imported {
        Imported { traces: self.traces.finish(), dependencies: Vec::new(), notes: Vec::new() }
    }

    fn span(&mut self, r: &Record, trace_id: TraceId, tags: &[(StrId, TagVal)], annotations: &[(Num, StrId)]) {
        let strings = &mut *self.strings;
        let warnings = &mut self.warnings;
        warnings.clear();

        let span_id = match r.span_id {
            Some(id) => id,
            None => {
                self.missing_ids = self.missing_ids.saturating_add(1);
                warnings.push((WarningKind::MissingSpanId, "the span has no id; it was given a synthetic one".into()));
                SpanId::Text(strings.intern(&format!("(no id #{})", self.missing_ids)))
            }
        };
        let mut span = Span::empty(span_id);
        span.parent_id = r.parent_id;
        span.name = r.name;
        span.shared = r.shared;
        span.kind = match r.kind {
            Kind::Absent => SpanKind::Unspecified,
            Kind::Known(kind) => kind,
            Kind::Unknown(text) => {
                warnings.push((
                    WarningKind::UnknownValue,
                    format!("unknown span kind {:?}; shown as unspecified", strings.get(text)),
                ));
                SpanKind::Unspecified
            }
        };

        match r.start_ns() {
            Some(t) => span.start_ns = t,
            None if r.timestamp == Num::Invalid => warnings.push((
                WarningKind::MissingStartTime,
                "the span's timestamp is not a number; it is placed at its parent's start".into(),
            )),
            None => warnings.push((
                WarningKind::MissingStartTime,
                "the span has no timestamp; it is placed at its parent's start".into(),
            )),
        }
        match r.duration.micros_to_ns() {
            Some(d) if d < 0 => warnings.push((
                WarningKind::NegativeDuration,
                format!(
                    "the span's duration is negative ({}); it is shown as 0",
                    strand_model::time::format_duration(d)
                ),
            )),
            Some(d) => span.duration_ns = d,
            None if r.duration == Num::Invalid => warnings
                .push((WarningKind::MissingDuration, "the span's duration is not a number; it is shown as 0".into())),
            None => warnings.push((WarningKind::MissingDuration, "the span has no duration; it is shown as 0".into())),
        }

        // Resource: the local endpoint.
        let local = r.local.unwrap_or_default();
        if r.local.is_some_and(|e| e.port.as_int().is_none() && !matches!(e.port, Num::Absent | Num::Null)) {
            warnings.push((WarningKind::InvalidValue, "the localEndpoint port is not a number; it was ignored".into()));
        }
        if local.service == StrId::EMPTY {
            let detail = if r.local.is_none() {
                "the span has no localEndpoint; it is shown without a service"
            } else {
                "the span's localEndpoint has no serviceName; it is shown without a service"
            };
            warnings.push((WarningKind::MissingService, detail.into()));
        }
        let keys = &self.keys;
        let Some((trace_pos, trace)) = self.traces.get(trace_id) else {
            return;
        };
        if trace.spans.capacity() == 0 {
            if let Some(size) = self.sizes.get(r.trace as usize) {
                trace.spans.reserve_exact(size.spans);
                trace.attrs.reserve_exact(size.attrs);
                trace.events.reserve_exact(size.events);
            }
        }
        let resource_key = (trace_pos, local.service, local.ipv4, local.ipv6, local.port().unwrap_or(0));
        span.resource = match self.last_resource {
            Some((key, idx)) if key == resource_key => idx,
            _ => {
                let idx = match self.resources.entry(resource_key) {
                    Entry::Occupied(o) => *o.get(),
                    Entry::Vacant(v) => {
                        let scratch = &mut self.kv_scratch;
                        scratch.clear();
                        if local.ipv4 != StrId::EMPTY {
                            scratch.push(KeyValue { key: keys.ipv4, value: Value::Str(local.ipv4) });
                        }
                        if local.ipv6 != StrId::EMPTY {
                            scratch.push(KeyValue { key: keys.ipv6, value: Value::Str(local.ipv6) });
                        }
                        if let Some(port) = local.port() {
                            scratch.push(KeyValue { key: keys.port, value: Value::Int(port) });
                        }
                        let attrs = push_attrs(trace, scratch);
                        let idx = u32::try_from(trace.resources.len()).unwrap_or(u32::MAX);
                        trace.resources.push(Resource { service: local.service, attrs });
                        *v.insert(idx)
                    }
                };
                self.last_resource = Some((resource_key, idx));
                idx
            }
        };

        // Span attributes: the remote endpoint, then tags by key, then the debug flag.
        let scratch = &mut self.kv_scratch;
        scratch.clear();
        if let Some(remote) = r.remote {
            if remote.service != StrId::EMPTY {
                scratch.push(KeyValue { key: keys.peer_service, value: Value::Str(remote.service) });
            }
            if remote.ipv4 != StrId::EMPTY {
                scratch.push(KeyValue { key: keys.peer_address, value: Value::Str(remote.ipv4) });
            }
            if remote.ipv6 != StrId::EMPTY {
                // One address per key: with both given, ipv4 is the peer address.
                let key = if remote.ipv4 == StrId::EMPTY { keys.peer_address } else { keys.peer_ipv6 };
                scratch.push(KeyValue { key, value: Value::Str(remote.ipv6) });
            }
            match remote.port {
                Num::Absent | Num::Null => {}
                port => match port.as_int() {
                    Some(0) => {}
                    Some(p) => scratch.push(KeyValue { key: keys.peer_port, value: Value::Int(p) }),
                    None => warnings.push((
                        WarningKind::InvalidValue,
                        "the remoteEndpoint port is not a number; it was ignored".into(),
                    )),
                },
            }
        }
        for &(key, value) in tags.get(r.tags.as_range()).unwrap_or(&[]) {
            let value = match value {
                TagVal::Str(text) => Value::Str(text),
                TagVal::Composite(what) => {
                    warnings.push((
                        WarningKind::InvalidValue,
                        format!("tag {:?} holds {what}, not a string; its value was dropped", strings.get(key)),
                    ));
                    Value::Empty
                }
            };
            if key == keys.error {
                // Zipkin's error tag holds a message or an HTTP status, not a boolean.
                span.status = StatusCode::Error;
                if let Value::Str(message) = value {
                    span.status_message = message;
                }
            }
            scratch.push(KeyValue { key, value });
        }
        if r.debug {
            scratch.push(KeyValue { key: keys.debug, value: Value::Bool(true) });
        }
        span.attrs = push_attrs(trace, scratch);

        let event_start = trace.events.len();
        for &(time, name) in annotations.get(r.annotations.as_range()).unwrap_or(&[]) {
            let time_ns = time.micros_to_ns().filter(|&t| t != 0).unwrap_or(span.start_ns);
            trace.events.push(Event { time_ns, name, attrs: Range32::EMPTY });
        }
        span.events = Range32::from_bounds(event_start, trace.events.len());

        if r.merged > 0 {
            let (n, reports) = (r.merged, if r.merged == 1 { "report" } else { "reports" });
            warnings.push((
                WarningKind::MergedFragment,
                format!(
                    "merged {n} more {reports} of this span (same id and local service; Zipkin reporters may send a span in pieces)"
                ),
            ));
        }

        let idx = u32::try_from(trace.spans.len()).unwrap_or(u32::MAX);
        trace.spans.push(span);
        for (kind, detail) in warnings.drain(..) {
            trace.warnings.push(Warning::span(idx, kind, detail));
        }
        if trace_id.is_empty() && !trace.warnings.iter().any(|w| w.kind == WarningKind::MissingTraceId) {
            trace.warnings.push(Warning::trace(
                WarningKind::MissingTraceId,
                "spans without a trace id were gathered into this trace",
            ));
        }
    }
}

#[cfg(test)]
mod quirk_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AssembleOptions;
    use expect_test::expect;
    use strand_model::dump::dump_dataset;
    use strand_model::Dataset;

    fn load(json: &str) -> Result<Dataset, ImportError> {
        let mut data = Dataset::new();
        crate::load(&mut data, json.as_bytes(), "t.json", Some(Format::Zipkin), &AssembleOptions::default())?;
        Ok(data)
    }

    fn check(json: &str, expect: expect_test::Expect) {
        match load(json) {
            Ok(data) => expect.assert_eq(&dump_dataset(&data)),
            Err(e) => expect.assert_eq(&format!("error: {e:?}")),
        }
    }

    #[test]
    fn client_server_pair_sharing_an_id() {
        check(
            r#"[
  {"traceId":"a","id":"1","kind":"SERVER","name":"get /","timestamp":1000,"duration":900,
   "localEndpoint":{"serviceName":"front","ipv4":"10.0.0.1"}},
  {"traceId":"a","parentId":"1","id":"2","kind":"CLIENT","name":"get /api","timestamp":1100,"duration":500,
   "localEndpoint":{"serviceName":"front","ipv4":"10.0.0.1"}},
  {"traceId":"a","parentId":"1","id":"2","kind":"SERVER","name":"get /api","timestamp":1150,"duration":400,
   "localEndpoint":{"serviceName":"back","ipv4":"10.0.0.2"},"shared":true},
  {"traceId":"a","parentId":"2","id":"3","name":"query","timestamp":1200,"duration":100,
   "localEndpoint":{"serviceName":"back","ipv4":"10.0.0.2"}}
]"#,
            expect![[r#"
                trace 000000000000000a spans=4 services=2 duration=900µs errors=0
                  front: get / [server] +0ns 900µs id=0000000000000001
                    front: get /api [client] +100µs 500µs id=0000000000000002
                      back: get /api [server] +150µs 400µs id=0000000000000002 shared
                        back: query [unspecified] +200µs 100µs id=0000000000000003
                  resource#0 service="front" {ipv4="10.0.0.1"}
                  resource#1 service="back" {ipv4="10.0.0.2"}

            "#]],
        );
    }

    #[test]
    fn list_of_lists_gives_one_trace_per_list() {
        check(
            r#" [ [{"traceId":"a","id":"1","name":"one","timestamp":1000,"duration":10,"localEndpoint":{"serviceName":"s"}}],
  [{"traceId":"b","id":"1","name":"two","timestamp":2000,"duration":20,"localEndpoint":{"serviceName":"s"}}], [] ]"#,
            expect![[r#"
                trace 000000000000000a spans=1 services=1 duration=10.0µs errors=0
                  s: one [unspecified] +0ns 10.0µs id=0000000000000001
                  resource#0 service="s" {}

                trace 000000000000000b spans=1 services=1 duration=20.0µs errors=0
                  s: two [unspecified] +0ns 20.0µs id=0000000000000001
                  resource#0 service="s" {}

            "#]],
        );
    }

    #[test]
    fn empty_lists_give_no_traces() {
        check("[]", expect![[""]]);
        check("[[]]", expect![[""]]);
    }

    #[test]
    fn missing_timestamp_and_duration() {
        check(
            r#"[
  {"traceId":"a","id":"1","name":"root","timestamp":"1000","duration":"500","localEndpoint":{"serviceName":"s"}},
  {"traceId":"a","parentId":"1","id":"2","name":"no-start","duration":100,"localEndpoint":{"serviceName":"s"}},
  {"traceId":"a","parentId":"1","id":"3","name":"no-duration","timestamp":1200,"localEndpoint":{"serviceName":"s"}},
  {"traceId":"a","parentId":"1","id":"4","name":"negative","timestamp":1300,"duration":-5,"localEndpoint":{"serviceName":"s"}}
]"#,
            expect![[r#"
                trace 000000000000000a spans=4 services=1 duration=500µs errors=0
                  s: root [unspecified] +0ns 500µs id=0000000000000001
                    s: no-start [unspecified] +0ns 100µs id=0000000000000002
                      ! missing-start: the span has no timestamp; it is placed at its parent's start
                    s: no-duration [unspecified] +200µs 0ns id=0000000000000003
                      ! missing-duration: the span has no duration; it is shown as 0
                    s: negative [unspecified] +300µs 0ns id=0000000000000004
                      ! negative-duration: the span's duration is negative (-5.00µs); it is shown as 0
                  resource#0 service="s" {}

            "#]],
        );
    }

    #[test]
    fn missing_local_endpoint_or_service_name() {
        check(
            r#"[
  {"traceId":"a","id":"1","name":"no endpoint","timestamp":1000,"duration":10},
  {"traceId":"a","parentId":"1","id":"2","name":"ip only","timestamp":1001,"duration":5,
   "localEndpoint":{"ipv4":"10.0.0.9","port":8080}},
  {"traceId":"a","parentId":"1","id":"3","name":"same ip","timestamp":1002,"duration":5,
   "localEndpoint":{"ipv4":"10.0.0.9","port":"8080"}}
]"#,
            expect![[r#"
                trace 000000000000000a spans=3 services=1 duration=10.0µs errors=0
                  : no endpoint [unspecified] +0ns 10.0µs id=0000000000000001
                    ! missing-service: the span has no localEndpoint; it is shown without a service
                    : ip only [unspecified] +1.00µs 5.00µs id=0000000000000002
                      ! missing-service: the span's localEndpoint has no serviceName; it is shown without a service
                    : same ip [unspecified] +2.00µs 5.00µs id=0000000000000003
                      ! missing-service: the span's localEndpoint has no serviceName; it is shown without a service
                  resource#0 service="" {}
                  resource#1 service="" {ipv4="10.0.0.9", port=8080}

            "#]],
        );
    }

    #[test]
    fn error_tag_sets_status() {
        check(
            r#"[
  {"traceId":"a","id":"1","name":"get","timestamp":1000,"duration":10,"localEndpoint":{"serviceName":"s"},
   "tags":{"http.status_code":"404","error":"404"}},
  {"traceId":"a","parentId":"1","id":"2","name":"db","timestamp":1001,"duration":5,"localEndpoint":{"serviceName":"s"},
   "tags":{"error":""}}
]"#,
            expect![[r#"
                trace 000000000000000a spans=2 services=1 duration=10.0µs errors=2
                  s: get [unspecified] +0ns 10.0µs id=0000000000000001 status=error("404")
                    attrs {error="404", http.status_code="404"}
                    s: db [unspecified] +1.00µs 5.00µs id=0000000000000002 status=error
                      attrs {error=""}
                  resource#0 service="s" {}

            "#]],
        );
    }

    #[test]
    fn annotations_become_events() {
        check(
            r#"[{"traceId":"a","id":"1","name":"get","timestamp":1000,"duration":100,"localEndpoint":{"serviceName":"s"},
  "annotations":[{"timestamp":1010,"value":"ws"},{"timestamp":"1090","value":"wr"},{"value":"no time"}]}]"#,
            expect![[r#"
                trace 000000000000000a spans=1 services=1 duration=100µs errors=0
                  s: get [unspecified] +0ns 100µs id=0000000000000001
                    event +10.0µs "ws"
                    event +90.0µs "wr"
                    event +0ns "no time"
                  resource#0 service="s" {}

            "#]],
        );
    }

    #[test]
    fn kindless_fragment_is_merged_into_its_span() {
        // The fragment comes first, as in smartthings-mobile-web-install; the CLIENT half in
        // another service keeps its own span.
        check(
            r#"[
  {"traceId":"a","parentId":"1","id":"2","name":"post","localEndpoint":{"serviceName":"api","ipv4":"10.0.0.2"},
   "annotations":[{"timestamp":1500,"value":"brave.flush"}],"tags":{"late":"yes"}},
  {"traceId":"a","id":"1","kind":"SERVER","name":"root","timestamp":1000,"duration":1000,
   "localEndpoint":{"serviceName":"web"}},
  {"traceId":"a","parentId":"1","id":"2","kind":"CLIENT","name":"post","timestamp":1100,"duration":800,
   "localEndpoint":{"serviceName":"web"}},
  {"traceId":"a","parentId":"1","id":"2","kind":"SERVER","name":"post","timestamp":1200,"duration":600,"shared":true,
   "localEndpoint":{"serviceName":"api","ipv4":"10.0.0.2","port":80},"tags":{"http.path":"/x"}}
]"#,
            expect![[r#"
                trace 000000000000000a spans=3 services=2 duration=1.00ms errors=0
                  web: root [server] +0ns 1.00ms id=0000000000000001
                    web: post [client] +100µs 800µs id=0000000000000002
                      api: post [server] +200µs 600µs id=0000000000000002 shared
                        attrs {http.path="/x", late="yes"}
                        event +300µs "brave.flush"
                        ! merged-fragment: merged 1 more report of this span (same id and local service; Zipkin reporters may send a span in pieces)
                  resource#0 service="api" {ipv4="10.0.0.2", port=80}
                  resource#1 service="web" {}

            "#]],
        );
    }

    #[test]
    fn same_id_reports_with_different_starts_stay_apart() {
        // Two deliveries of one message to consumers on different hosts (smartthings samples).
        check(
            r#"[
  {"traceId":"a","id":"1","kind":"CLIENT","name":"send","timestamp":1000,"duration":10,"localEndpoint":{"serviceName":"p"}},
  {"traceId":"a","id":"1","kind":"SERVER","name":"receive","timestamp":1100,"shared":true,
   "localEndpoint":{"serviceName":"c","ipv4":"10.0.0.1"}},
  {"traceId":"a","id":"1","kind":"SERVER","name":"receive","timestamp":1200,"shared":true,
   "localEndpoint":{"serviceName":"c","ipv4":"10.0.0.1"}}
]"#,
            expect![[r#"
                trace 000000000000000a spans=3 services=2 duration=10.0µs errors=0
                  p: send [client] +0ns 10.0µs id=0000000000000001
                    c: receive [server] +5.00µs 0ns id=0000000000000001 shared
                      ! missing-duration: the span has no duration; it is shown as 0
                      ! clock-skew: shifted by -95.0µs to undo clock skew against its parent on another host
                    c: receive [server] +5.00µs 0ns id=0000000000000001 shared
                      ! missing-duration: the span has no duration; it is shown as 0
                      ! clock-skew: shifted by -195µs to undo clock skew against its parent on another host
                  resource#0 service="p" {}
                  resource#1 service="c" {ipv4="10.0.0.1"}

            "#]],
        );
    }

    #[test]
    fn remote_endpoint_becomes_peer_attributes() {
        check(
            r#"[{"traceId":"a","id":"1","kind":"client","name":"get","timestamp":1000,"duration":10,
  "localEndpoint":{"serviceName":"s"},
  "remoteEndpoint":{"serviceName":"db","ipv4":"10.0.0.5","ipv6":"::1","port":5432},
  "tags":{"zeta":"z","alpha":"a"}, "debug": true},
 {"traceId":"a","parentId":"1","id":"2","kind":"gossip","name":"v6","timestamp":1001,"duration":5,
  "localEndpoint":{"serviceName":"s"},"remoteEndpoint":{"ipv6":"2001:db8::1","port":0}}]"#,
            expect![[r#"
                trace 000000000000000a spans=2 services=1 duration=10.0µs errors=0
                  s: get [client] +0ns 10.0µs id=0000000000000001
                    attrs {peer.service="db", network.peer.address="10.0.0.5", peer.ipv6="::1", network.peer.port=5432, alpha="a", zeta="z", zipkin.debug=true}
                    s: v6 [unspecified] +1.00µs 5.00µs id=0000000000000002
                      attrs {network.peer.address="2001:db8::1"}
                      ! unknown-value: unknown span kind "gossip"; shown as unspecified
                  resource#0 service="s" {}

            "#]],
        );
    }

    #[test]
    fn trace_ids_of_128_bits() {
        check(
            r#"[{"traceId":"463ac35c9f6413ad48485a3953bb6124","id":"a2fb4a1d1a96d312","name":"x","timestamp":1000,
  "duration":1,"localEndpoint":{"serviceName":"s"}},
 {"traceId":"463AC35C9F6413AD48485A3953BB6124","id":"not-hex!","parentId":"A2FB4A1D1A96D312","name":"y",
  "timestamp":1000,"duration":1,"localEndpoint":{"serviceName":"s"}},
 {"traceId":"463ac35c9f6413ad48485a3953bb6124","id":"","name":"z","timestamp":1000,"duration":1,
  "localEndpoint":{"serviceName":"s"}}]"#,
            expect![[r#"
                trace 463ac35c9f6413ad48485a3953bb6124 spans=3 services=1 duration=1.00µs errors=0
                  s: x [unspecified] +0ns 1.00µs id=a2fb4a1d1a96d312
                    s: y [unspecified] +0ns 1.00µs id=not-hex!
                  s: z [unspecified] +0ns 1.00µs id=(no id #1)
                    ! missing-span-id: the span has no id; it was given a synthetic one
                  resource#0 service="s" {}

            "#]],
        );
    }

    #[test]
    fn non_string_tag_values_are_kept_as_text() {
        check(
            r#"[{"traceId":"a","id":"1","name":"x","timestamp":1000,"duration":1,"localEndpoint":{"serviceName":"s"},
  "tags":{"int":42,"float":1.5,"bool":true,"null":null,"list":[1,2],"map":{"k":"v"}},"annotations":null}]"#,
            expect![[r#"
                trace 000000000000000a spans=1 services=1 duration=1.00µs errors=0
                  s: x [unspecified] +0ns 1.00µs id=0000000000000001
                    attrs {bool="true", float="1.5", int="42", list=null, map=null, null=""}
                    ! invalid-value: tag "list" holds an array, not a string; its value was dropped
                    ! invalid-value: tag "map" holds an object, not a string; its value was dropped
                  resource#0 service="s" {}

            "#]],
        );
    }

    #[test]
    fn truncated_document_is_reported() {
        check(
            r#"[{"traceId":"a","id":"1","name":"x","timest"#,
            expect![[r#"error: Truncated { file: "t.json", line: 1, column: 43 }"#]],
        );
    }

    #[test]
    fn wrong_shape_is_reported() {
        check(
            "[1,2]",
            expect![[
                r#"error: Shape { file: "t.json", format: "Zipkin v2 JSON", line: 1, column: 2, message: "invalid type: integer `1`, expected a Zipkin span object" }"#
            ]],
        );
        check(
            r#""a string""#,
            expect![[
                r#"error: Shape { file: "t.json", format: "Zipkin v2 JSON", line: 1, column: 10, message: "invalid type: string \"a string\", expected a list of Zipkin spans" }"#
            ]],
        );
        check(
            r#"[[{"traceId":"a","id":"1"}, []]]"#,
            expect![[
                r#"error: Shape { file: "t.json", format: "Zipkin v2 JSON", line: 1, column: 28, message: "invalid type: sequence, expected a Zipkin span object" }"#
            ]],
        );
        check(
            r#"[[{"traceId":"a","id":"1"}], {"traceId":"a"}]"#,
            expect![[
                r#"error: Shape { file: "t.json", format: "Zipkin v2 JSON", line: 1, column: 29, message: "invalid type: map, expected a list of Zipkin spans" }"#
            ]],
        );
    }

    /// Mutated samples and hostile values: any outcome but a panic is fine.
    #[test]
    fn mutated_inputs_never_panic() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/samples/");
        let mut seed: u64 = 0x9e3779b97f4a7c15;
        let mut rnd = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let extra: &[&str] = &[
            r#"[{"traceId":"","id":"","parentId":"","timestamp":-9223372036854775808,"duration":-1e300,"kind":5,"tags":{"error":{"a":[1]}},"annotations":[{"timestamp":"x","value":null}],"localEndpoint":{"port":"x","serviceName":7},"remoteEndpoint":{"port":1.5},"shared":"true","debug":1}]"#,
            r#"[{"traceId":"a","id":"1","timestamp":18446744073709551615,"duration":"9e40"},{"traceId":"a","id":"1","parentId":"1"},{"traceId":"a","id":"1","kind":"client","shared":true}]"#,
            r#"[[],[[]]]"#,
            r#"[{"traceId":"a","id":"1","localEndpoint":null,"remoteEndpoint":null,"tags":null,"annotations":null,"timestamp":null,"duration":null,"shared":null}]"#,
        ];
        let mut inputs: Vec<Vec<u8>> = extra.iter().map(|s| s.as_bytes().to_vec()).collect();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("zipkin-v2_")) {
                let b = std::fs::read(&path).unwrap();
                if b.len() < 20000 {
                    inputs.push(b);
                }
            }
        }
        let tokens: &[&[u8]] = &[
            b"null",
            b"\"",
            b"{",
            b"}",
            b"[",
            b"]",
            b",",
            b"-1",
            b"1e309",
            b"\"\\u0000\"",
            b"true",
            b"\"kind\"",
            b"0",
        ];
        let mut runs = 0;
        for input in &inputs {
            for _ in 0..400 {
                let mut b = input.clone();
                for _ in 0..(1 + rnd() % 4) {
                    let pos = (rnd() as usize) % (b.len() + 1);
                    match rnd() % 4 {
                        0 => b.truncate(pos),
                        1 => {
                            if pos < b.len() {
                                b.remove(pos);
                            }
                        }
                        2 => {
                            let t = tokens[(rnd() as usize) % tokens.len()];
                            for (i, &c) in t.iter().enumerate() {
                                b.insert((pos + i).min(b.len()), c);
                            }
                        }
                        _ => {
                            if pos < b.len() {
                                b[pos] = (rnd() % 256) as u8;
                            }
                        }
                    }
                }
                let mut data = Dataset::new();
                let _ = crate::load(&mut data, &b, "f.json", Some(Format::Zipkin), &AssembleOptions::default());
                let _ = dump_dataset(&data);
                runs += 1;
            }
        }
        assert_eq!(runs, inputs.len() * 400);
    }

    #[test]
    fn sample_files_import_with_merged_fragments() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/samples/");
        // (file, raw span objects per the README, spans after import)
        let cases = [
            // 84 kind-less fragments (no timestamp, no kind) merge into the SERVER span with the
            // same id and local service that follows them. The 1 CLIENT + 5 SERVER spans under
            // one id stay 6: the SERVERs start at different times on different hosts.
            ("zipkin-v2_smartthings-mobile-web-install.json", 1041, 1041 - 84),
            // The 5 SERVER spans under one id (two pairs on the same host) all carry different
            // timestamps, so none merge.
            ("zipkin-v2_smartthings-oauth-authorization.json", 175, 175),
            ("zipkin-v2_yelp.json", 16, 16),
            ("zipkin-v2_skew.json", 4, 4),
            ("zipkin-v2_messaging-kafka.json", 28, 28),
            ("zipkin-v2_messaging2-missing-parents.json", 11, 11),
            ("zipkin-v2_messaging-128bit.json", 4, 4),
            ("zipkin-v2_envoy-single-span.json", 1, 1),
            ("zipkin-v2_kong-malformed.json", 7, 7),
        ];
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).expect("samples directory") {
            let path = entry.expect("dir entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
            if !(name.starts_with("zipkin-v2_") && name.ends_with(".json")) {
                continue;
            }
            let &(_, raw, after) =
                cases.iter().find(|c| c.0 == name).unwrap_or_else(|| panic!("no expected count for {name}"));
            let bytes = std::fs::read(&path).expect("read sample");
            let mut strings = Interner::new();
            let (_, imported) = import(&bytes, &name, Format::Zipkin, StrId::EMPTY, &mut strings).expect("import");
            let spans: usize = imported.traces.iter().map(|t| t.spans.len()).sum();
            let merged: usize = imported
                .traces
                .iter()
                .flat_map(|t| &t.warnings)
                .filter(|w| w.kind == WarningKind::MergedFragment)
                .count();
            assert_eq!(spans, after, "{name}");
            assert_eq!(raw - after, merged, "{name}: one merged-fragment warning per merged piece");
            assert_eq!(imported.traces.len(), 1, "{name}");
            let mut data = Dataset::new();
            crate::load(&mut data, &bytes, &name, None, &AssembleOptions::default()).expect("load");
            assert_eq!(data.span_count(), after, "{name} after assembly");
            seen += 1;
        }
        assert_eq!(seen, cases.len());
    }
}
