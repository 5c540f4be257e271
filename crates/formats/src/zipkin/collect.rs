//! Parsing: each span is deserialized into a short-lived DTO and at once interned into a compact record, while its bytes are still in cache.

use super::*;

// ---------------------------------------------------------------------------------------------
// Parsing: each span is deserialized into a short-lived DTO and at once interned into a compact
// record, while its bytes are still in cache.

/// Why a tag value could not be kept, or its interned text.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum TagVal {
    Str(StrId),
    Composite(&'static str),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(super) enum Kind {
    #[default]
    Absent,
    Known(SpanKind),
    Unknown(StrId),
}

#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub(super) struct Endpoint {
    pub(super) service: StrId,
    pub(super) ipv4: StrId,
    pub(super) ipv6: StrId,
    pub(super) port: Num,
}

impl Endpoint {
    pub(super) fn intern(e: &EndpointDto, strings: &mut Interner) -> Endpoint {
        Endpoint {
            service: strings.intern(e.service_name.as_str()),
            ipv4: strings.intern(e.ipv4.as_str()),
            ipv6: strings.intern(e.ipv6.as_str()),
            port: e.port,
        }
    }

    /// The port, when given and not 0 (Zipkin's "unknown").
    pub(super) fn port(&self) -> Option<i64> {
        self.port.as_int().filter(|&p| p != 0)
    }
}

/// One span as read, interned, before merging and conversion.
#[derive(Clone, Copy, Debug)]
pub(super) struct Record {
    /// Into [`Collector::trace_ids`].
    pub(super) trace: u32,
    /// `None` when the file gave an empty id.
    pub(super) span_id: Option<SpanId>,
    pub(super) parent_id: Option<SpanId>,
    pub(super) name: StrId,
    pub(super) kind: Kind,
    pub(super) timestamp: Num,
    pub(super) duration: Num,
    pub(super) local: Option<Endpoint>,
    pub(super) remote: Option<Endpoint>,
    /// Into [`Collector::tags`], sorted by key.
    pub(super) tags: Range32,
    /// Into [`Collector::annotations`].
    pub(super) annotations: Range32,
    pub(super) shared: bool,
    pub(super) debug: bool,
    /// How many other records were merged into this one, or [`MERGED_AWAY`].
    pub(super) merged: u32,
}

impl Record {
    /// The timestamp in ns, when given and not 0 (Zipkin's "unknown").
    pub(super) fn start_ns(&self) -> Option<i64> {
        self.timestamp.micros_to_ns().filter(|&t| t != 0)
    }

    pub(super) fn service(&self) -> StrId {
        self.local.map_or(StrId::EMPTY, |e| e.service)
    }
}

/// Everything read from the document: records plus the pools their ranges point into.
pub(super) struct Collector<'s> {
    pub(super) strings: &'s mut Interner,
    pub(super) records: Vec<Record>,
    pub(super) tags: Vec<(StrId, TagVal)>,
    pub(super) annotations: Vec<(Num, StrId)>,
    /// Distinct trace ids in order of appearance, and their positions.
    pub(super) trace_ids: Vec<TraceId>,
    pub(super) trace_index: HashMap<TraceId, u32>,
    pub(super) last_trace: Option<(TraceId, u32)>,
    /// Spans read as Zipkin v2.
    pub(super) v2_spans: usize,
    /// What the Zipkin v1 conversion did.
    pub(super) v1: v1::Stats,
}

impl<'s> Collector<'s> {
    pub(super) fn new(strings: &'s mut Interner) -> Collector<'s> {
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

    pub(super) fn trace(&mut self, trace_id: TraceId) -> u32 {
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

    pub(super) fn add(&mut self, dto: &mut SpanDto) {
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
pub(super) struct SpanObject<'a>(pub(super) SpanDto<'a>);

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
pub(super) struct AppendSpans<'c, 's>(pub(super) &'c mut Collector<'s>);

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
pub(super) struct AppendLists<'c, 's>(pub(super) &'c mut Collector<'s>);

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
pub(super) enum TopLevel {
    /// `[{…}, …]`: Zipkin's list of spans.
    Spans,
    /// `[[{…}], …]`: the API's list of traces.
    Lists,
    /// `{…}`: one span object on its own, which some exporters write for a single span.
    Single,
}

/// Decided by the first non-whitespace bytes: `[[`, `[` or `{`.
pub(super) fn top_level(bytes: &[u8]) -> TopLevel {
    let mut rest = bytes.iter().copied().filter(|b| !b.is_ascii_whitespace());
    match (rest.next(), rest.next()) {
        (Some(b'['), Some(b'[')) => TopLevel::Lists,
        (Some(b'{'), _) => TopLevel::Single,
        _ => TopLevel::Spans,
    }
}

/// UTF-8 was checked once (`utf8::text`), so serde_json does not check every string.
pub(super) fn parse(text: &str, collector: &mut Collector) -> Result<TopLevel, serde_json::Error> {
    // Real spans take 300-1000 bytes of JSON: reserve for the common case up front.
    collector.records.reserve(text.len() / 600);
    let top = top_level(text.as_bytes());
    parse_with(serde_json::Deserializer::from_str(text), top, collector)?;
    Ok(top)
}

pub(super) fn parse_with<'de, R: serde_json::de::Read<'de>>(
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

/// A Zipkin span id (16 hex digits, or whatever the reporter sent).
pub(super) fn parse_span_id(s: &str, strings: &mut Interner) -> SpanId {
    SpanId::parse(s, strings)
}

/// A Zipkin trace id (16 or 32 hex digits, or whatever the reporter sent).
pub(super) fn parse_trace_id(s: &str, strings: &mut Interner) -> TraceId {
    TraceId::parse(s, strings)
}
