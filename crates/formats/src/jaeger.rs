//! Jaeger JSON (query API / UI model). Accepts the HTTP API response `{"data":[trace…],"errors":…}`,
//! a bare trace object `{traceID, spans, processes, warnings}`, a top-level array of traces and a
//! top-level array of spans that each carry an inline `process` (anonymizer / uiconv output).
//! Typed tags (`string`, `bool`, `int64`, `float64`, `binary`; numbers may arrive as strings and
//! bools as `"true"`), logs, `CHILD_OF`/`FOLLOWS_FROM` references (also into other traces),
//! the older `parentSpanID`, hex ids without leading zeros and `warnings` from the source.
//!
//! A document is streamed: each span is deserialized into a short-lived borrowed DTO and
//! converted into the model at once, instead of building DTOs for the whole document first
//! (see the streaming section for how the result is kept that of a whole-document walk).
//! Depends on `model` and `formats::builder`.

use super::builder::{decode_base64, push_attrs, push_bytes, Key, LenientStr, Scalar, TraceSet, HEX_DIGITS};
use super::join::{JoinFacts, Made, ObjectWarnings, Shared};
use super::split::{Level, PartSpec};
use super::{Format, ImportError, Imported};
use hashbrown::HashMap;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;
use strand_model::{
    Event, Interner, KeyValue, Link, LinkKind, ParentRelation, Range32, Resource, Span, SpanId, SpanKind, StatusCode,
    StrId, Trace, TraceId, Value, Warning, WarningKind,
};

mod part;
use part::PartHooks;

/// A top-level object: the query API envelope, or a bare trace.
#[derive(Deserialize)]
#[serde(expecting = "a Jaeger API response {\"data\":[…]} or a trace {traceID, spans, processes}")]
struct DocDto<'a> {
    #[serde(borrow, default)]
    data: Option<Vec<NodeDto<'a>>>,
    #[serde(borrow, default)]
    errors: Option<Vec<ErrorDto<'a>>>,
    #[serde(borrow, default, rename = "traceID")]
    trace_id: LenientStr<'a>,
    #[serde(borrow, default)]
    spans: Option<Vec<NodeDto<'a>>>,
    #[serde(borrow, default)]
    processes: Option<ProcessMap<'a>>,
    #[serde(borrow, default)]
    warnings: SourceWarnings<'a>,
}

/// A span, or (as an element of a top-level array or of `data`) a whole trace: the union of the
/// fields of both. An element with `spans` (or `processes`) is a trace, anything else a span.
#[derive(Deserialize)]
#[serde(expecting = "a Jaeger trace or span object")]
struct NodeDto<'a> {
    #[serde(borrow, default, rename = "traceID")]
    trace_id: LenientStr<'a>,
    #[serde(borrow, default, rename = "spanID")]
    span_id: LenientStr<'a>,
    #[serde(borrow, default, rename = "parentSpanID")]
    parent_span_id: LenientStr<'a>,
    #[serde(borrow, default, rename = "operationName")]
    operation_name: LenientStr<'a>,
    #[serde(borrow, default)]
    references: Option<Vec<RefDto<'a>>>,
    #[serde(borrow, default)]
    flags: Option<Scalar<'a>>,
    #[serde(borrow, default, rename = "startTime")]
    start_time: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    duration: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    tags: Option<Vec<TagDto<'a>>>,
    #[serde(borrow, default)]
    logs: Option<Vec<LogDto<'a>>>,
    #[serde(borrow, default, rename = "processID")]
    process_id: LenientStr<'a>,
    #[serde(borrow, default)]
    process: Option<ProcessDto<'a>>,
    /// Span warnings on a span, trace warnings on a trace.
    #[serde(borrow, default)]
    warnings: SourceWarnings<'a>,
    /// Trace fields.
    #[serde(borrow, default)]
    spans: Option<Vec<NodeDto<'a>>>,
    #[serde(borrow, default)]
    processes: Option<ProcessMap<'a>>,
}

impl NodeDto<'_> {
    /// A node with every field absent, as the derived deserializer starts.
    fn empty() -> Self {
        NodeDto {
            trace_id: LenientStr::default(),
            span_id: LenientStr::default(),
            parent_span_id: LenientStr::default(),
            operation_name: LenientStr::default(),
            references: None,
            flags: None,
            start_time: None,
            duration: None,
            tags: None,
            logs: None,
            process_id: LenientStr::default(),
            process: None,
            warnings: SourceWarnings::default(),
            spans: None,
            processes: None,
        }
    }

    fn is_trace(&self) -> bool {
        self.spans.is_some()
            || self.processes.is_some()
            || (self.span_id.as_str().is_empty()
                && self.start_time.is_none()
                && self.operation_name.as_str().is_empty())
    }
}

#[derive(Deserialize)]
struct RefDto<'a> {
    #[serde(borrow, default, rename = "refType")]
    ref_type: LenientStr<'a>,
    #[serde(borrow, default, rename = "traceID")]
    trace_id: LenientStr<'a>,
    #[serde(borrow, default, rename = "spanID")]
    span_id: LenientStr<'a>,
}

#[derive(Deserialize, PartialEq)]
struct TagDto<'a> {
    #[serde(borrow, default)]
    key: LenientStr<'a>,
    #[serde(default, rename = "type")]
    ty: TagType,
    #[serde(borrow, default)]
    value: Option<TagValue<'a>>,
}

#[derive(Deserialize)]
struct LogDto<'a> {
    #[serde(borrow, default)]
    timestamp: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    fields: Option<Vec<TagDto<'a>>>,
}

#[derive(Deserialize, PartialEq)]
struct ProcessDto<'a> {
    #[serde(borrow, default, rename = "serviceName")]
    service_name: LenientStr<'a>,
    #[serde(borrow, default)]
    tags: Option<Vec<TagDto<'a>>>,
}

/// One entry of the API's `errors`: `{code, msg, traceID}`, or a bare string.
#[derive(Deserialize)]
#[serde(untagged)]
enum ErrorDto<'a> {
    Text(#[serde(borrow)] LenientStr<'a>),
    Object {
        #[serde(borrow, default)]
        code: Option<Scalar<'a>>,
        #[serde(borrow, default, alias = "message")]
        msg: LenientStr<'a>,
        #[serde(borrow, default, rename = "traceID")]
        trace_id: LenientStr<'a>,
    },
}

/// The `processes` map in file order, without building a map per trace while decoding.
struct ProcessMap<'a>(Vec<(LenientStr<'a>, ProcessDto<'a>)>);

impl<'de: 'a, 'a> Deserialize<'de> for ProcessMap<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ProcessMap<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of process ids to processes")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<LenientStr<'de>>()? {
                    let process = map.next_value::<ProcessDto<'de>>()?;
                    out.push((key, process));
                }
                Ok(ProcessMap(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Jaeger `warnings`: `null`, absent, a list of strings, or (leniently) one string.
#[derive(Default)]
struct SourceWarnings<'a>(Vec<LenientStr<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for SourceWarnings<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SourceWarnings<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of warnings, a string or null")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(SourceWarnings::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(SourceWarnings::default())
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(V)
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(SourceWarnings(vec![LenientStr(Cow::Borrowed(v))]))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(SourceWarnings(vec![LenientStr(Cow::Owned(v.to_string()))]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(w) = seq.next_element::<LenientStr<'de>>()? {
                    out.push(w);
                }
                Ok(SourceWarnings(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A tag value: a JSON scalar, or (not valid Jaeger, but seen in hand-written files) an array or
/// object, kept as its JSON text.
#[derive(Debug, PartialEq)]
enum TagValue<'a> {
    Scalar(Scalar<'a>),
    Json(String),
}

impl<'de: 'a, 'a> Deserialize<'de> for TagValue<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TagValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a tag value")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(TagValue::Scalar(Scalar::Int(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(TagValue::Scalar(i64::try_from(v).map_or(Scalar::UInt(v), Scalar::Int)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(TagValue::Scalar(Scalar::Float(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(TagValue::Scalar(Scalar::Bool(v)))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(TagValue::Scalar(Scalar::Text(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(TagValue::Scalar(Scalar::Text(Cow::Owned(v.to_string()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(TagValue::Scalar(Scalar::Text(Cow::Owned(v))))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TagValue::Scalar(Scalar::Null))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TagValue::Scalar(Scalar::Null))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(V)
            }
            // Nesting is bounded by serde_json's recursion limit.
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                let v = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(TagValue::Json(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let v = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(TagValue::Json(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl TagValue<'_> {
    fn text(&self) -> Cow<'_, str> {
        match self {
            TagValue::Scalar(s) => s.to_text(),
            TagValue::Json(j) => Cow::Borrowed(j.as_str()),
        }
    }
}

/// The declared `type` of a tag or log field, read straight from the JSON string.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
enum TagType {
    Str,
    Bool,
    Int64,
    Float64,
    Binary,
    /// Missing or unknown: the type follows the JSON value.
    #[default]
    Infer,
}

impl<'de> Deserialize<'de> for TagType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TagType;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a tag type")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(TagType::parse(v))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(TagType::Infer)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(TagType::Infer)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(TagType::Infer)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(TagType::Infer)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TagType::Infer)
            }
        }
        d.deserialize_any(V)
    }
}

impl TagType {
    fn parse(s: &str) -> TagType {
        match s {
            "string" => return TagType::Str,
            "int64" => return TagType::Int64,
            "bool" => return TagType::Bool,
            "float64" => return TagType::Float64,
            "binary" => return TagType::Binary,
            _ => {}
        }
        let eq = |t: &str| s.eq_ignore_ascii_case(t);
        if eq("string") {
            TagType::Str
        } else if eq("bool") || eq("boolean") {
            TagType::Bool
        } else if eq("int64") {
            TagType::Int64
        } else if eq("float64") {
            TagType::Float64
        } else if eq("binary") {
            TagType::Binary
        } else {
            TagType::Infer
        }
    }

    fn name(self) -> &'static str {
        match self {
            TagType::Str => "string",
            TagType::Bool => "bool",
            TagType::Int64 => "int64",
            TagType::Float64 => "float64",
            TagType::Binary => "binary",
            TagType::Infer => "untyped",
        }
    }
}

/// Imports one Jaeger JSON document.
pub fn import(bytes: &[u8], file: &str, source: StrId, strings: &mut Interner) -> Result<Imported, ImportError> {
    import_with(bytes, file, source, strings, None).map(|(imported, _)| imported)
}

/// Imports one part of a split document (see `join`): what it made that other parts repeat is
/// recorded in the facts instead of decided here.
pub(crate) fn import_part(
    bytes: &[u8],
    file: &str,
    source: StrId,
    strings: &mut Interner,
    spec: &PartSpec,
) -> Result<(Imported, JoinFacts), ImportError> {
    let enclosing_trace = matches!(spec.level, Level::Jaeger { enclosing_trace: true });
    let hooks = PartHooks { enclosing_trace, first_part: spec.index == 0, facts: JoinFacts::default() };
    import_with(bytes, file, source, strings, Some(hooks))
}

fn import_with(
    bytes: &[u8],
    file: &str,
    source: StrId,
    strings: &mut Interner,
    part: Option<PartHooks>,
) -> Result<(Imported, JoinFacts), ImportError> {
    let first = bytes.iter().copied().find(|b| !b.is_ascii_whitespace());
    let list = first == Some(b'[');
    let mut decoder = Decoder::new(source, strings, true);
    decoder.part.clone_from(&part);
    let mut parsed = read(bytes, list, &mut decoder);
    if decoder.restart {
        // A guess failed (see the streaming section): read again, converting in document order.
        decoder = Decoder::new(source, decoder.strings, false);
        decoder.part = part;
        parsed = read(bytes, list, &mut decoder);
    }
    parsed.map_err(|e| ImportError::from_json(file, Format::Jaeger, &e, 0))?;
    Ok(decoder.finish())
}

fn read<'a>(bytes: &'a [u8], list: bool, decoder: &mut Decoder<'_, 'a>) -> Result<(), serde_json::Error> {
    // Checks UTF-8 once for the whole document (much faster than per string), then parses the
    // text; a document that is not UTF-8 goes through the byte parser, which says where it breaks.
    match std::str::from_utf8(bytes) {
        Ok(text) => stream(serde_json::Deserializer::from_str(text), list, decoder),
        Err(_) => stream(serde_json::Deserializer::from_slice(bytes), list, decoder),
    }
}

/// Decodes one whole document into `decoder`, converting spans as they are read.
fn stream<'a, R: serde_json::de::Read<'a>>(
    mut de: serde_json::Deserializer<R>,
    list: bool,
    decoder: &mut Decoder<'_, 'a>,
) -> Result<(), serde_json::Error> {
    if list {
        NodeListSeed { decoder }.deserialize(&mut de)?;
    } else {
        DocSeed { decoder }.deserialize(&mut de)?;
    }
    de.end()
}

// ---------------------------------------------------------------------------------------------
// Streaming: seeds that convert each span as soon as it is deserialized, so that no document-wide
// DTO tree is built. They read exactly like the derived DTOs (same names, `null`s and errors) and
// convert in the same order as a walk over the whole DTO tree would: `data` before the top-level
// trace's `spans`, each node of a list in turn.
//
// Each span of a trace object is converted as soon as it is read when the object's `traceID`
// came first (as it does in every Jaeger output; else the object is read whole and converted at
// its end). Its resource is found at once if `processes` came first too; otherwise (Jaeger writes
// `processes` after `spans`) the span waits in [`Waiting`], and when the object ends resources
// are found and warnings added, span by span in file order, as if that had happened at once.
// Only the order of strings in the interner and of entries in the attribute and byte pools may
// differ from a whole-tree walk.
//
// A bare trace (top-level `spans`) is converted at once on the guess that no `data` follows it;
// if `data` does, the reading stops and the document is read again without guessing, the trace
// then being read whole and converted after `data`. Strings interned before a failed guess, or
// before an error that makes the document unusable, stay in the interner.

/// `Option<T>` for a seed: `null` is `None`, anything else goes to the seed.
struct Optional<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Optional<S> {
    type Value = Option<S::Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for Optional<S> {
    type Value = Option<S::Value>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("option")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(d).map(Some)
    }
}

/// Marks field `i` of a struct being read; a second time is the derived `duplicate field` error.
fn first_time<E: de::Error>(seen: &mut u16, i: u16, name: &'static str) -> Result<(), E> {
    let bit = 1u16 << i;
    if *seen & bit != 0 {
        return Err(E::duplicate_field(name));
    }
    *seen |= bit;
    Ok(())
}

/// The top-level object: the API envelope or a bare trace ([`DocDto`]).
struct DocSeed<'d, 's, 'a> {
    decoder: &'d mut Decoder<'s, 'a>,
}

impl<'a> DeserializeSeed<'a> for DocSeed<'_, '_, 'a> {
    type Value = ();
    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_struct("DocDto", &[], self)
    }
}

impl<'a> Visitor<'a> for DocSeed<'_, '_, 'a> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Jaeger API response {\"data\":[…]} or a trace {traceID, spans, processes}")
    }
    fn visit_seq<A: SeqAccess<'a>>(self, seq: A) -> Result<(), A::Error> {
        let doc = DocDto::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        self.decoder.document(doc);
        Ok(())
    }
    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<(), A::Error> {
        const DATA: u16 = 0;
        const TRACE_ID: u16 = 2;
        let decoder = self.decoder;
        let notes_start = decoder.notes.len();
        let mut seen = 0u16;
        let mut has_data = false;
        // Whether the top-level trace converted spans before any `data` (a guess).
        let mut converted_spans = false;
        let mut errors: Option<Vec<ErrorDto<'a>>> = None;
        let mut trace_id = LenientStr::default();
        let mut spans: Option<Vec<NodeDto<'a>>> = None;
        let mut streamed: Option<TraceObject<'a>> = None;
        let mut processes: Option<ProcessMap<'a>> = None;
        let mut processes_seen = false;
        let mut warnings = SourceWarnings::default();
        while let Some(key) = map.next_key::<Key<'a>>()? {
            match key.0.as_ref() {
                "data" => {
                    first_time(&mut seen, DATA, "data")?;
                    if converted_spans {
                        return Err(decoder.guessed_wrong());
                    }
                    has_data = map.next_value_seed(Optional(NodeListSeed { decoder: &mut *decoder }))?.is_some();
                }
                "errors" => {
                    first_time(&mut seen, 1, "errors")?;
                    errors = map.next_value()?;
                }
                "traceID" => {
                    first_time(&mut seen, TRACE_ID, "traceID")?;
                    trace_id = map.next_value()?;
                }
                "spans" => {
                    first_time(&mut seen, 3, "spans")?;
                    // `data` is converted first: this trace follows it, or guesses there is none.
                    if (seen & (1 << DATA) != 0 || decoder.guess) && seen & (1 << TRACE_ID) != 0 {
                        let before = decoder.spans_read;
                        let seed = SpansSeed {
                            decoder: &mut *decoder,
                            trace_id: trace_id.as_str(),
                            processes: processes_seen.then_some(processes.as_ref()),
                        };
                        streamed = map.next_value_seed(Optional(seed))?;
                        converted_spans = seen & (1 << DATA) == 0 && decoder.spans_read != before;
                    } else {
                        spans = map.next_value()?;
                    }
                }
                "processes" => {
                    first_time(&mut seen, 4, "processes")?;
                    processes = map.next_value()?;
                    processes_seen = true;
                }
                "warnings" => {
                    first_time(&mut seen, 5, "warnings")?;
                    warnings = map.next_value()?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        // The API's errors come first among the notes (of a split document, the first part's).
        let error_notes: Vec<String> =
            errors.iter().flatten().filter_map(error_note).filter(|_| decoder.envelope_notes()).collect();
        let at = notes_start.min(decoder.notes.len());
        decoder.notes.splice(at..at, error_notes);
        let has_spans = streamed.is_some() || spans.is_some();
        if let Some(object) = streamed {
            decoder.finish_object(object, processes.as_ref(), &warnings.0);
        } else if let Some(spans) = spans {
            decoder.trace_object(trace_id.as_str(), spans, processes.as_ref(), &warnings.0);
        }
        if !has_data && !has_spans && errors.is_none() && decoder.envelope_notes() {
            decoder.notes.push("the document has neither \"data\" nor \"spans\": it holds no Jaeger traces".into());
        }
        Ok(())
    }
}

/// A list of traces or spans (`data`, or a top-level array).
struct NodeListSeed<'d, 's, 'a> {
    decoder: &'d mut Decoder<'s, 'a>,
}

impl<'a> DeserializeSeed<'a> for NodeListSeed<'_, '_, 'a> {
    type Value = ();
    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'a> Visitor<'a> for NodeListSeed<'_, '_, 'a> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'a>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(NodeSeed { decoder: &mut *self.decoder })?.is_some() {}
        Ok(())
    }
}

/// One element of a list: a trace (whose spans are streamed) or a span ([`NodeDto`]).
struct NodeSeed<'d, 's, 'a> {
    decoder: &'d mut Decoder<'s, 'a>,
}

impl<'a> DeserializeSeed<'a> for NodeSeed<'_, '_, 'a> {
    type Value = ();
    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_struct("NodeDto", &[], self)
    }
}

impl<'a> Visitor<'a> for NodeSeed<'_, '_, 'a> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Jaeger trace or span object")
    }
    fn visit_seq<A: SeqAccess<'a>>(self, seq: A) -> Result<(), A::Error> {
        let node = NodeDto::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        self.decoder.node(node);
        Ok(())
    }
    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<(), A::Error> {
        const TRACE_ID: u16 = 0;
        let decoder = self.decoder;
        let mut node = NodeDto::empty();
        let mut seen = 0u16;
        let mut streamed: Option<TraceObject<'a>> = None;
        let mut processes_seen = false;
        while let Some(key) = map.next_key::<Key<'a>>()? {
            match key.0.as_ref() {
                "traceID" => {
                    first_time(&mut seen, TRACE_ID, "traceID")?;
                    node.trace_id = map.next_value()?;
                }
                "spanID" => {
                    first_time(&mut seen, 1, "spanID")?;
                    node.span_id = map.next_value()?;
                }
                "parentSpanID" => {
                    first_time(&mut seen, 2, "parentSpanID")?;
                    node.parent_span_id = map.next_value()?;
                }
                "operationName" => {
                    first_time(&mut seen, 3, "operationName")?;
                    node.operation_name = map.next_value()?;
                }
                "references" => {
                    first_time(&mut seen, 4, "references")?;
                    node.references = map.next_value()?;
                }
                "flags" => {
                    first_time(&mut seen, 5, "flags")?;
                    node.flags = map.next_value()?;
                }
                "startTime" => {
                    first_time(&mut seen, 6, "startTime")?;
                    node.start_time = map.next_value()?;
                }
                "duration" => {
                    first_time(&mut seen, 7, "duration")?;
                    node.duration = map.next_value()?;
                }
                "tags" => {
                    first_time(&mut seen, 8, "tags")?;
                    node.tags = map.next_value()?;
                }
                "logs" => {
                    first_time(&mut seen, 9, "logs")?;
                    node.logs = map.next_value()?;
                }
                "processID" => {
                    first_time(&mut seen, 10, "processID")?;
                    node.process_id = map.next_value()?;
                }
                "process" => {
                    first_time(&mut seen, 11, "process")?;
                    node.process = map.next_value()?;
                }
                "warnings" => {
                    first_time(&mut seen, 12, "warnings")?;
                    node.warnings = map.next_value()?;
                }
                "spans" => {
                    first_time(&mut seen, 13, "spans")?;
                    if seen & (1 << TRACE_ID) != 0 {
                        let seed = SpansSeed {
                            decoder: &mut *decoder,
                            trace_id: node.trace_id.as_str(),
                            processes: processes_seen.then_some(node.processes.as_ref()),
                        };
                        streamed = map.next_value_seed(Optional(seed))?;
                    } else {
                        node.spans = map.next_value()?;
                    }
                }
                "processes" => {
                    first_time(&mut seen, 14, "processes")?;
                    node.processes = map.next_value()?;
                    processes_seen = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match streamed {
            Some(object) => decoder.finish_object(object, node.processes.as_ref(), &node.warnings.0),
            None => decoder.node(node),
        }
        Ok(())
    }
}

/// The `spans` of a trace object whose `traceID` was read: each span is converted once read.
/// `processes` is `Some` when the object's process map came first.
struct SpansSeed<'x, 's, 'a> {
    decoder: &'x mut Decoder<'s, 'a>,
    trace_id: &'x str,
    processes: Option<Option<&'x ProcessMap<'a>>>,
}

impl<'a> DeserializeSeed<'a> for SpansSeed<'_, '_, 'a> {
    type Value = TraceObject<'a>;
    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'a> Visitor<'a> for SpansSeed<'_, '_, 'a> {
    type Value = TraceObject<'a>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'a>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let SpansSeed { decoder, trace_id, processes } = self;
        let mut procs = processes.map(|map| decoder.processes(map));
        let mut object = decoder.start_object(trace_id);
        while let Some(mut span) = seq.next_element::<NodeDto<'a>>()? {
            let tid = decoder.span(&mut span, trace_id, procs.as_mut(), &mut object.waiting);
            object.add(tid);
        }
        Ok(object)
    }
}

/// A trace object being converted: where its spans went, and the spans waiting for its
/// `processes` to get their resource and warnings.
struct TraceObject<'a> {
    /// The trace the object names.
    home: Option<TraceId>,
    first: Option<TraceId>,
    home_used: bool,
    waiting: Waiting<'a>,
}

impl TraceObject<'_> {
    fn add(&mut self, tid: TraceId) {
        self.first.get_or_insert(tid);
        self.home_used |= Some(tid) == self.home;
    }
}

/// Spans converted before their trace's `processes` were read: each is already in its trace;
/// its resource and its warnings are added when the trace object ends, in file order.
#[derive(Default)]
struct Waiting<'a> {
    spans: Vec<WaitingSpan>,
    /// The distinct `processID`s of the spans, by number.
    keys: Vec<String>,
    key_numbers: HashMap<String, u32>,
    last_key: Option<u32>,
    /// Inline processes and warnings of the spans that have some, by position in `spans`.
    processes: Vec<(usize, ProcessDto<'a>)>,
    warnings: Vec<(usize, Vec<(WarningKind, String)>)>,
}

/// A span in [`Waiting`]: 16 bytes, as a million of them may wait.
struct WaitingSpan {
    trace_pos: u32,
    /// Its index in the trace.
    span: u32,
    /// Into [`Waiting::keys`].
    key: u32,
    missing_id: bool,
}

impl<'a> Waiting<'a> {
    fn key_number(&mut self, key: &str) -> u32 {
        if let Some(n) = self.last_key {
            if self.keys.get(n as usize).is_some_and(|k| k == key) {
                return n;
            }
        }
        let n = match self.key_numbers.get(key) {
            Some(&n) => n,
            None => {
                let n = u32::try_from(self.keys.len()).unwrap_or(u32::MAX);
                self.keys.push(key.to_string());
                self.key_numbers.insert(key.to_string(), n);
                n
            }
        };
        self.last_key = Some(n);
        n
    }
}

/// The `processes` of one trace object, with a lookup by key built once for the trace.
struct Processes<'d, 'a> {
    entries: &'d [(LenientStr<'a>, ProcessDto<'a>)],
    /// Only for traces with many processes; a scan is faster for a few.
    by_key: Option<HashMap<&'d str, usize>>,
    /// Number of the first entry among all processes of the document.
    first_no: usize,
    /// Per entry: (trace position, resource index) of its last use.
    cache: Vec<(usize, u32)>,
    /// The entry last found (consecutive spans often share a process).
    last: Option<usize>,
}

impl<'d, 'a> Processes<'d, 'a> {
    const SCAN_LIMIT: usize = 8;

    fn new(map: Option<&'d ProcessMap<'a>>, first_no: usize) -> Processes<'d, 'a> {
        let entries: &'d [(LenientStr<'a>, ProcessDto<'a>)] = map.map_or(&[], |m| m.0.as_slice());
        let by_key = (entries.len() > Self::SCAN_LIMIT).then(|| {
            let mut index: HashMap<&'d str, usize> = HashMap::with_capacity(entries.len());
            for (i, (key, _)) in entries.iter().enumerate() {
                index.entry(key.as_str()).or_insert(i);
            }
            index
        });
        Processes { entries, by_key, first_no, cache: vec![(usize::MAX, 0); entries.len()], last: None }
    }

    /// The first entry with this key.
    fn find(&mut self, key: &str) -> Option<usize> {
        if let Some(i) = self.last {
            if self.entries.get(i).is_some_and(|(k, _)| k.as_str() == key) {
                return Some(i);
            }
        }
        let found = match &self.by_key {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|(k, _)| k.as_str() == key),
        };
        if found.is_some() {
            self.last = found;
        }
        found
    }
}

/// A reference after parsing.
struct ParsedRef {
    kind: LinkKind,
    trace_id: TraceId,
    span_id: SpanId,
    same_trace: bool,
}

struct Decoder<'s, 'a> {
    strings: &'s mut Interner,
    traces: TraceSet,
    notes: Vec<String>,
    kv_scratch: Vec<KeyValue>,
    /// Details of values that did not fit their declared type, for the current span or process.
    invalid: Vec<String>,
    refs: Vec<ParsedRef>,
    /// The warnings of the span being converted, before it is committed.
    span_warnings: Vec<(WarningKind, String)>,
    /// (trace position, process number in the document) -> resource index in that trace.
    resources: HashMap<(usize, usize), u32>,
    /// Trace position -> service name -> inline processes seen, with their resource index.
    inline: HashMap<usize, HashMap<String, Vec<(ProcessDto<'a>, u32)>>>,
    /// Trace position -> the resource of spans whose process is unknown.
    unknown: HashMap<usize, u32>,
    process_counter: usize,
    missing_ids: usize,
    missing_trace_warned: bool,
    /// The text of the last trace id parsed, and its id.
    last_trace: Option<(String, TraceId)>,
    /// Spans converted so far: tells whether reading a part converted any.
    spans_read: usize,
    /// Whether a bare trace may be converted before `data` was read, on the guess that it will
    /// not come (see the streaming section).
    guess: bool,
    /// Set when the guess proved wrong: the document must be read again without guessing.
    restart: bool,
    /// Part mode: the document is one part of a split one.
    part: Option<PartHooks>,
}

impl<'s, 'a> Decoder<'s, 'a> {
    fn new(source: StrId, strings: &'s mut Interner, guess: bool) -> Decoder<'s, 'a> {
        Decoder {
            strings,
            traces: TraceSet::new(source),
            notes: Vec::new(),
            kv_scratch: Vec::new(),
            invalid: Vec::new(),
            refs: Vec::new(),
            span_warnings: Vec::new(),
            resources: HashMap::new(),
            inline: HashMap::new(),
            unknown: HashMap::new(),
            process_counter: 0,
            missing_ids: 0,
            missing_trace_warned: false,
            last_trace: None,
            spans_read: 0,
            guess,
            restart: false,
            part: None,
        }
    }

    /// The error that stops a reading whose guess proved wrong.
    fn guessed_wrong<E: de::Error>(&mut self) -> E {
        self.restart = true;
        E::custom("the document must be read again in document order")
    }

    fn finish(self) -> (Imported, JoinFacts) {
        let facts = self.part.map(|p| p.facts).unwrap_or_default();
        (Imported { traces: self.traces.list, dependencies: Vec::new(), notes: self.notes }, facts)
    }

    /// Whether notes about the document as a whole are this import's to make (all parts of a
    /// split document repeat its envelope; the first one speaks for it).
    fn envelope_notes(&self) -> bool {
        self.part.as_ref().is_none_or(|p| p.first_part)
    }

    /// A document read whole (only when it is not an object).
    fn document(&mut self, doc: DocDto<'a>) {
        let DocDto { data, errors, trace_id, spans, processes, warnings } = doc;
        let envelope_notes = self.envelope_notes();
        for note in errors.iter().flatten().filter_map(error_note).filter(|_| envelope_notes) {
            self.notes.push(note);
        }
        let (has_data, has_spans) = (data.is_some(), spans.is_some());
        for node in data.into_iter().flatten() {
            self.node(node);
        }
        if let Some(spans) = spans {
            self.trace_object(trace_id.as_str(), spans, processes.as_ref(), &warnings.0);
        }
        if !has_data && !has_spans && errors.is_none() && self.envelope_notes() {
            self.notes.push("the document has neither \"data\" nor \"spans\": it holds no Jaeger traces".into());
        }
    }

    /// One element of a list read whole: a trace, or a span.
    fn node(&mut self, node: NodeDto<'a>) {
        if node.is_trace() {
            let NodeDto { trace_id, spans, processes, warnings, .. } = node;
            self.trace_object(trace_id.as_str(), spans.unwrap_or_default(), processes.as_ref(), &warnings.0);
        } else {
            let mut no_processes = Processes::new(None, 0);
            let mut node = node;
            self.span(&mut node, "", Some(&mut no_processes), &mut Waiting::default());
        }
    }

    /// A trace object read whole.
    fn trace_object(
        &mut self,
        trace_id: &str,
        spans: Vec<NodeDto<'a>>,
        processes: Option<&ProcessMap<'a>>,
        warnings: &[LenientStr<'a>],
    ) {
        let mut procs = self.processes(processes);
        let mut object = self.start_object(trace_id);
        for mut span in spans {
            let tid = self.span(&mut span, trace_id, Some(&mut procs), &mut object.waiting);
            object.add(tid);
        }
        self.finish_object(object, processes, warnings);
    }

    /// The process map of a trace object, numbered after those of the objects before it.
    fn processes<'d>(&mut self, map: Option<&'d ProcessMap<'a>>) -> Processes<'d, 'a> {
        let procs = Processes::new(map, self.process_counter);
        self.process_counter = self.process_counter.saturating_add(procs.entries.len());
        procs
    }

    fn start_object(&mut self, trace_id: &str) -> TraceObject<'a> {
        let home = (!trace_id.is_empty()).then(|| self.trace_id(trace_id));
        TraceObject { home, first: None, home_used: false, waiting: Waiting::default() }
    }

    /// Ends a trace object: gives its waiting spans their resources and warnings, then adds its
    /// warnings.
    fn finish_object(&mut self, object: TraceObject<'a>, processes: Option<&ProcessMap<'a>>, warnings: &[LenientStr]) {
        let TraceObject { home, first, home_used, waiting } = object;
        if !waiting.spans.is_empty() {
            let mut procs = self.processes(processes);
            let mut inline = waiting.processes.into_iter().peekable();
            let mut span_warnings = waiting.warnings.into_iter().peekable();
            for (n, s) in waiting.spans.into_iter().enumerate() {
                let process = inline.next_if(|(at, _)| *at == n).map(|(_, p)| p);
                let warnings = span_warnings.next_if(|(at, _)| *at == n).map(|(_, w)| w).unwrap_or_default();
                let key = waiting.keys.get(s.key as usize).map_or("", String::as_str);
                let trace_pos = s.trace_pos as usize;
                let (resource, problem) = self.resource(key, process, trace_pos, &mut procs);
                self.commit(trace_pos, s.span as usize, resource, problem, s.missing_id, warnings);
            }
        }
        let warnings = warnings.iter().map(LenientStr::as_str).filter(|w| !w.is_empty());
        if let Some(part) = self.part.as_mut().filter(|p| p.enclosing_trace) {
            // Every part repeats the object: the join adds its warnings once.
            let home_used = if home_used { home.map(|t| self.traces.position(t) as u32) } else { None };
            let first = first.map(|t| self.traces.position(t) as u32);
            part.facts.object =
                Some(ObjectWarnings { warnings: warnings.map(str::to_string).collect(), home_used, first });
            return;
        }
        // Trace warnings go to the trace the object names, or else to that of its first span.
        let target = if home_used { home } else { first };
        match target {
            Some(tid) => {
                if let Some((_, trace)) = self.traces.get(tid) {
                    for w in warnings {
                        trace.warnings.push(Warning::trace(WarningKind::FromSource, w));
                    }
                }
            }
            None => {
                for w in warnings {
                    self.notes.push(format!("warning on a trace without spans: {w}"));
                }
            }
        }
    }

    /// The trace id of `s`, parsed once for runs of spans with the same id.
    fn trace_id(&mut self, s: &str) -> TraceId {
        if let Some((last, id)) = &self.last_trace {
            if last == s {
                return *id;
            }
        }
        let id = TraceId::parse(s, self.strings);
        match &mut self.last_trace {
            Some((last, last_id)) => {
                last.clear();
                last.push_str(s);
                *last_id = id;
            }
            None => self.last_trace = Some((s.to_string(), id)),
        }
        id
    }

    /// Decodes one span into its trace and returns the trace id. With `procs`, the span gets its
    /// resource and warnings at once; without, it is added to `waiting` to get them later. Takes
    /// the span's inline process.
    fn span(
        &mut self,
        dto: &mut NodeDto<'a>,
        default_trace: &str,
        procs: Option<&mut Processes<'_, 'a>>,
        waiting: &mut Waiting<'a>,
    ) -> TraceId {
        self.spans_read += 1;
        let tid_text = if dto.trace_id.as_str().is_empty() { default_trace } else { dto.trace_id.as_str() };
        let trace_id = self.trace_id(tid_text);
        let trace_pos = self.traces.position(trace_id);
        let NodeDto {
            span_id,
            parent_span_id,
            operation_name,
            references,
            flags,
            start_time,
            duration,
            tags,
            logs,
            process_id,
            process,
            warnings: source_warnings,
            ..
        } = dto;
        let resolved = procs.map(|procs| self.resource(process_id.as_str(), process.take(), trace_pos, procs));
        self.parse_refs(references.as_deref().unwrap_or(&[]), trace_id);

        let missing_id = span_id.as_str().is_empty();
        let span_id = if missing_id {
            self.missing_ids += 1;
            SpanId::Text(self.strings.intern(&format!("(no id #{})", self.missing_ids)))
        } else {
            parse_span_id(span_id.as_str(), self.strings)
        };
        let mut span = Span::empty(span_id);
        span.name = intern(self.strings, operation_name.as_str());
        span.flags = flags.as_ref().and_then(Scalar::as_u64).and_then(|f| u32::try_from(f).ok()).unwrap_or(0);

        let Some(trace) = self.traces.list.get_mut(trace_pos) else {
            return trace_id;
        };
        let strings = &mut *self.strings;
        let warnings = &mut self.span_warnings;
        warnings.clear();
        let mut warn = |kind: WarningKind, detail: String| warnings.push((kind, detail));

        // Parent: the first CHILD_OF into this trace, else the first FOLLOWS_FROM; the rest are links.
        let parent_ref = self
            .refs
            .iter()
            .position(|r| r.same_trace && r.kind == LinkKind::ChildOf)
            .or_else(|| self.refs.iter().position(|r| r.same_trace && r.kind == LinkKind::FollowsFrom));
        if let Some(p) = parent_ref.and_then(|p| self.refs.get(p)) {
            span.parent_id = Some(p.span_id);
            if p.kind == LinkKind::FollowsFrom {
                span.parent_relation = ParentRelation::FollowsFrom;
            }
        } else if !parent_span_id.as_str().is_empty() {
            let parent = parse_span_id(parent_span_id.as_str(), strings);
            if parent != SpanId::Hex(0) {
                span.parent_id = Some(parent);
            }
        }
        let link_start = trace.links.len();
        for (i, r) in self.refs.iter().enumerate() {
            if Some(i) != parent_ref {
                trace.links.push(Link {
                    trace_id: r.trace_id,
                    span_id: r.span_id,
                    kind: r.kind,
                    attrs: Range32::EMPTY,
                });
            }
        }
        span.links = Range32::from_bounds(link_start, trace.links.len());
        let references = references.as_deref().unwrap_or(&[]);
        if references.iter().any(|r| r.span_id.as_str().is_empty()) {
            warn(WarningKind::InvalidValue, "a reference has no span id; it was ignored".into());
        }
        for r in references {
            let t = r.ref_type.as_str();
            if ref_kind(t).is_none() {
                warn(WarningKind::UnknownValue, format!("unknown reference type {t:?}; read as CHILD_OF"));
            }
        }

        // Times: epoch microseconds.
        let start_us = start_time.as_ref().and_then(Scalar::as_i64).unwrap_or(0);
        span.start_ns = start_us.saturating_mul(1000);
        if start_us == 0 {
            warn(
                WarningKind::MissingStartTime,
                "the span has no start time; it is placed at its parent's start".into(),
            );
        }
        match duration.as_ref().and_then(Scalar::as_i64) {
            None => {
                warn(WarningKind::MissingDuration, "the span has no duration; it is shown as 0".into());
            }
            Some(d) if d < 0 => warn(
                WarningKind::NegativeDuration,
                format!(
                    "the span has a negative duration ({}); it is shown as 0",
                    strand_model::time::format_duration(d.saturating_mul(1000))
                ),
            ),
            Some(d) => span.duration_ns = d.saturating_mul(1000),
        }

        // Tags, and the ones that carry span fields.
        let tags = tags.as_deref().unwrap_or(&[]);
        span.attrs = convert_tags(tags, "tag", trace, strings, &mut self.kv_scratch, &mut self.invalid);
        let mut error_tag = false;
        let mut otel_status = None;
        for tag in tags {
            let Some(value) = &tag.value else { continue };
            match tag.key.as_str() {
                "span.kind" => {
                    let text = value.text();
                    match SpanKind::parse(text.trim()) {
                        Some(kind) => span.kind = kind,
                        None if text.trim().is_empty() => {}
                        None => warn(WarningKind::UnknownValue, format!("unknown span.kind {text:?}")),
                    }
                }
                "error" => {
                    error_tag |= match value {
                        TagValue::Scalar(Scalar::Bool(b)) => *b,
                        TagValue::Scalar(Scalar::Text(t)) => t.trim().eq_ignore_ascii_case("true"),
                        _ => false,
                    };
                }
                "otel.status_code" => {
                    let text = value.text();
                    let t = text.trim();
                    if t.eq_ignore_ascii_case("ERROR") {
                        otel_status = Some(StatusCode::Error);
                    } else if t.eq_ignore_ascii_case("OK") {
                        otel_status = Some(StatusCode::Ok);
                    } else if !t.is_empty() && !t.eq_ignore_ascii_case("UNSET") {
                        warn(WarningKind::UnknownValue, format!("unknown otel.status_code {text:?}"));
                    }
                }
                "otel.status_description" => span.status_message = strings.intern(&value.text()),
                _ => {}
            }
        }
        span.status = if error_tag { StatusCode::Error } else { otel_status.unwrap_or(StatusCode::Unset) };

        // Logs become events.
        let event_start = trace.events.len();
        for log in logs.iter().flatten() {
            let fields = log.fields.as_deref().unwrap_or(&[]);
            let attrs = convert_tags(fields, "log field", trace, strings, &mut self.kv_scratch, &mut self.invalid);
            let named = |key: &str| {
                fields
                    .iter()
                    .filter(|f| f.key.as_str() == key)
                    .find_map(|f| f.value.as_ref().map(TagValue::text).filter(|t| !t.is_empty()))
            };
            let name = match named("event").or_else(|| named("message")) {
                Some(text) => strings.intern(&text),
                None => strings.intern("log"),
            };
            let time_ns = match log.timestamp.as_ref().and_then(Scalar::as_i64) {
                Some(us) if us != 0 => us.saturating_mul(1000),
                _ => span.start_ns,
            };
            trace.events.push(Event { time_ns, name, attrs });
        }
        span.events = Range32::from_bounds(event_start, trace.events.len());
        for detail in self.invalid.drain(..) {
            warn(WarningKind::InvalidValue, detail);
        }

        for w in source_warnings.0.iter().map(LenientStr::as_str).filter(|w| !w.is_empty()) {
            warn(WarningKind::FromSource, w.to_string());
        }
        let idx = trace.spans.len();
        trace.spans.push(span);
        if let Some(part) = self.part.as_mut().filter(|_| missing_id) {
            part.facts.made_up_ids.push((trace_pos as u32, idx as u32));
        }
        match resolved {
            Some((resource, problem)) => {
                let warnings = std::mem::take(&mut self.span_warnings);
                let kept = self.commit(trace_pos, idx, resource, problem, missing_id, warnings);
                // Keep the scratch's buffer for the next span.
                self.span_warnings = kept;
            }
            None => {
                let n = waiting.spans.len();
                if !self.span_warnings.is_empty() {
                    waiting.warnings.push((n, std::mem::take(&mut self.span_warnings)));
                }
                if let Some(process) = process.take() {
                    waiting.processes.push((n, process));
                }
                let key = waiting.key_number(process_id.as_str());
                waiting.spans.push(WaitingSpan {
                    trace_pos: u32::try_from(trace_pos).unwrap_or(u32::MAX),
                    span: u32::try_from(idx).unwrap_or(u32::MAX),
                    key,
                    missing_id,
                });
            }
        }
        trace_id
    }

    /// Gives span `idx` of the trace its resource, then adds its warnings (those about its id
    /// and process first, as they were found first) and, for the first span without a trace id,
    /// the trace's warning. Returns `warnings`, emptied.
    fn commit(
        &mut self,
        trace_pos: usize,
        idx: usize,
        resource: u32,
        process_problem: Option<String>,
        missing_id: bool,
        mut warnings: Vec<(WarningKind, String)>,
    ) -> Vec<(WarningKind, String)> {
        let Some(trace) = self.traces.list.get_mut(trace_pos) else {
            return warnings;
        };
        if let Some(span) = trace.spans.get_mut(idx) {
            span.resource = resource;
        }
        let idx = u32::try_from(idx).unwrap_or(u32::MAX);
        let mut warn = |kind: WarningKind, detail: String| {
            trace.warnings.push(Warning::span(idx, kind, detail));
        };
        if missing_id {
            warn(WarningKind::MissingSpanId, "the span has no span id; it was given a synthetic one".into());
        }
        if let Some(problem) = process_problem {
            warn(WarningKind::MissingService, problem);
        } else if trace.resources.get(resource as usize).is_none_or(|r| r.service == StrId::EMPTY) {
            warn(WarningKind::MissingService, "the span's process has no serviceName".into());
        }
        for (kind, detail) in warnings.drain(..) {
            warn(kind, detail);
        }
        if trace.trace_id.is_empty() && !self.missing_trace_warned {
            self.missing_trace_warned = true;
            if let Some(part) = self.part.as_mut() {
                part.facts.missing_trace_warning = Some((trace_pos as u32, trace.warnings.len() as u32));
            }
            trace.warnings.push(Warning::trace(
                WarningKind::MissingTraceId,
                "spans without a trace id were gathered into this trace",
            ));
        }
        warnings
    }

    /// Parses the span's references into `self.refs`, skipping those without a span id.
    fn parse_refs(&mut self, references: &[RefDto], trace_id: TraceId) {
        self.refs.clear();
        for r in references {
            if r.span_id.as_str().is_empty() {
                continue;
            }
            let ref_trace = if r.trace_id.as_str().is_empty() { trace_id } else { self.trace_id(r.trace_id.as_str()) };
            self.refs.push(ParsedRef {
                kind: ref_kind(r.ref_type.as_str()).unwrap_or(LinkKind::ChildOf),
                trace_id: ref_trace,
                span_id: parse_span_id(r.span_id.as_str(), self.strings),
                same_trace: ref_trace == trace_id,
            });
        }
    }

    /// The resource of a span: its `processID` in the trace's `processes`, else its inline
    /// `process`, else a resource without a service (with the problem to warn about).
    fn resource(
        &mut self,
        key: &str,
        process: Option<ProcessDto<'a>>,
        trace_pos: usize,
        procs: &mut Processes<'_, 'a>,
    ) -> (u32, Option<String>) {
        if !key.is_empty() {
            if let Some(i) = procs.find(key) {
                if let Some(&(pos, idx)) = procs.cache.get(i) {
                    if pos == trace_pos {
                        return (idx, None);
                    }
                }
                let no = procs.first_no.saturating_add(i);
                let idx = match self.resources.get(&(trace_pos, no)) {
                    Some(&idx) => idx,
                    None => {
                        let entries = procs.entries;
                        let Some((_, process)) = entries.get(i) else {
                            let problem = format!("process {key:?} could not be read; the span has no service");
                            return (self.unknown_resource(trace_pos), Some(problem));
                        };
                        let shared = match &self.part {
                            Some(p) if p.enclosing_trace => Shared::Head(no as u32),
                            _ => Shared::Own,
                        };
                        let idx = self.new_resource(trace_pos, process, &format!("process {key:?}"), shared);
                        self.resources.insert((trace_pos, no), idx);
                        idx
                    }
                };
                if let Some(slot) = procs.cache.get_mut(i) {
                    *slot = (trace_pos, idx);
                }
                return (idx, None);
            }
        }
        if let Some(process) = process {
            let service = process.service_name.as_str();
            let seen = self.inline.get(&trace_pos).and_then(|by_service| by_service.get(service));
            if let Some(&(_, idx)) = seen.and_then(|seen| seen.iter().find(|(p, _)| *p == process)) {
                return (idx, None);
            }
            let shared = if self.part.is_some() { Shared::Inline(part::canonical(&process)) } else { Shared::Own };
            let idx = self.new_resource(trace_pos, &process, "inline process", shared);
            self.inline
                .entry(trace_pos)
                .or_default()
                .entry(process.service_name.as_str().to_string())
                .or_default()
                .push((process, idx));
            return (idx, None);
        }
        let problem = if key.is_empty() {
            "the span names no process; it has no service".to_string()
        } else {
            format!("process {key:?} is not in the trace's processes; the span has no service")
        };
        (self.unknown_resource(trace_pos), Some(problem))
    }

    fn new_resource(&mut self, trace_pos: usize, process: &ProcessDto, label: &str, shared: Shared) -> u32 {
        let Some(trace) = self.traces.list.get_mut(trace_pos) else {
            return 0;
        };
        let warnings_before = trace.warnings.len() as u32;
        let tags = process.tags.as_deref().unwrap_or(&[]);
        let attrs = convert_tags(tags, "tag", trace, self.strings, &mut self.kv_scratch, &mut self.invalid);
        for detail in self.invalid.drain(..) {
            trace.warnings.push(Warning::trace(WarningKind::InvalidValue, format!("{label} {detail}")));
        }
        let idx = u32::try_from(trace.resources.len()).unwrap_or(u32::MAX);
        trace.resources.push(Resource { service: self.strings.intern(process.service_name.as_str()), attrs });
        if let Some(part) = self.part.as_mut() {
            let warnings = warnings_before..trace.warnings.len() as u32;
            JoinFacts::record(&mut part.facts.resources, trace_pos, Made { key: shared, warnings, bare_values: 0 });
        }
        idx
    }

    fn unknown_resource(&mut self, trace_pos: usize) -> u32 {
        if let Some(&idx) = self.unknown.get(&trace_pos) {
            return idx;
        }
        let Some(trace) = self.traces.list.get_mut(trace_pos) else {
            return 0;
        };
        let idx = u32::try_from(trace.resources.len()).unwrap_or(u32::MAX);
        trace.resources.push(Resource { service: StrId::EMPTY, attrs: Range32::EMPTY });
        if let Some(part) = self.part.as_mut() {
            JoinFacts::record(
                &mut part.facts.resources,
                trace_pos,
                Made { key: Shared::Unknown, warnings: 0..0, bare_values: 0 },
            );
        }
        self.unknown.insert(trace_pos, idx);
        idx
    }
}

/// The note for one entry of the API's `errors`, if it says anything.
fn error_note(e: &ErrorDto) -> Option<String> {
    let note = match e {
        ErrorDto::Text(t) => t.as_str().to_string(),
        ErrorDto::Object { code, msg, trace_id } => {
            let mut about = Vec::new();
            if let Some(code) = code.as_ref().filter(|c| **c != Scalar::Null) {
                about.push(format!("code {}", code.to_text()));
            }
            if !trace_id.as_str().is_empty() {
                about.push(format!("trace {}", trace_id.as_str()));
            }
            if about.is_empty() {
                msg.as_str().to_string()
            } else {
                format!("{} ({})", msg.as_str(), about.join(", "))
            }
        }
    };
    (!note.trim().is_empty()).then(|| format!("the Jaeger query service reported an error: {note}"))
}

/// [`Interner::intern`] without hashing the empty string, which is always [`StrId::EMPTY`].
fn intern(strings: &mut Interner, s: &str) -> StrId {
    if s.is_empty() {
        StrId::EMPTY
    } else {
        strings.intern(s)
    }
}

/// [`SpanId::parse`] with a fast path for hex (nearly every Jaeger id), which it reads the same:
/// 1 to 16 digits of either case, without branching on each digit.
fn parse_span_id(s: &str, strings: &mut Interner) -> SpanId {
    if !s.is_empty() && s.len() <= 16 {
        let mut v: u64 = 0;
        let mut bad = 0u8;
        for b in s.bytes() {
            let digit = HEX_DIGITS.get(usize::from(b)).copied().unwrap_or(0xFF);
            bad |= digit;
            v = (v << 4) | u64::from(digit & 0x0F);
        }
        if bad & 0xF0 == 0 {
            return SpanId::Hex(v);
        }
    }
    SpanId::parse(s, strings)
}

/// `CHILD_OF` / `FOLLOWS_FROM` (any case; Thrift's 0 / 1; empty means CHILD_OF); `None` if unknown.
fn ref_kind(t: &str) -> Option<LinkKind> {
    if t.is_empty() || t.eq_ignore_ascii_case("CHILD_OF") || t == "0" {
        Some(LinkKind::ChildOf)
    } else if t.eq_ignore_ascii_case("FOLLOWS_FROM") || t == "1" {
        Some(LinkKind::FollowsFrom)
    } else {
        None
    }
}

/// Converts tags into the trace's attribute pool (in file order) and returns their range. Values
/// that do not fit their declared type are kept as text and described in `invalid`.
fn convert_tags(
    tags: &[TagDto],
    what: &str,
    trace: &mut Trace,
    strings: &mut Interner,
    scratch: &mut Vec<KeyValue>,
    invalid: &mut Vec<String>,
) -> Range32 {
    if tags.is_empty() {
        return Range32::EMPTY;
    }
    scratch.clear();
    for tag in tags {
        let value = convert_value(tag, what, trace, strings, invalid);
        scratch.push(KeyValue { key: strings.intern(tag.key.as_str()), value });
    }
    push_attrs(trace, scratch)
}

fn convert_value(
    tag: &TagDto,
    what: &str,
    trace: &mut Trace,
    strings: &mut Interner,
    invalid: &mut Vec<String>,
) -> Value {
    let ty = tag.ty;
    let scalar = match &tag.value {
        None | Some(TagValue::Scalar(Scalar::Null)) => {
            return match ty {
                TagType::Str => Value::Str(StrId::EMPTY),
                TagType::Infer => Value::Empty,
                _ => {
                    invalid.push(format!("{what} {:?} of type {} has no value", tag.key.as_str(), ty.name()));
                    Value::Empty
                }
            };
        }
        Some(TagValue::Json(json)) => {
            invalid.push(format!(
                "{what} {:?} has a JSON array or object as its value; kept as its JSON text",
                tag.key.as_str()
            ));
            return Value::Str(strings.intern(json));
        }
        Some(TagValue::Scalar(s)) => s,
    };
    let converted = match ty {
        TagType::Str => Some(match scalar {
            Scalar::Text(t) => Value::Str(strings.intern(t)),
            other => Value::Str(strings.intern(&other.to_text())),
        }),
        TagType::Bool => match scalar {
            Scalar::Int(i) if *i != 0 && *i != 1 => None,
            Scalar::UInt(_) => None,
            other => other.as_bool().map(Value::Bool),
        },
        TagType::Int64 => match scalar {
            Scalar::Int(i) => Some(*i),
            Scalar::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(*f as i64),
            Scalar::Text(t) => t.trim().parse::<i64>().ok(),
            _ => None,
        }
        .map(Value::Int),
        TagType::Float64 => match scalar {
            Scalar::Bool(_) => None,
            other => other.as_f64().map(Value::Double),
        },
        TagType::Binary => match scalar {
            Scalar::Text(t) => decode_base64(t).map(|bytes| push_bytes(trace, &bytes)),
            _ => None,
        },
        TagType::Infer => Some(match scalar {
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Int(i) => Value::Int(*i),
            Scalar::Float(f) => Value::Double(*f),
            Scalar::Text(t) => Value::Str(strings.intern(t)),
            other => Value::Str(strings.intern(&other.to_text())),
        }),
    };
    converted.unwrap_or_else(|| {
        let text = scalar.to_text();
        invalid.push(format!(
            "{what} {:?}: {:?} is not a valid {}; kept as text",
            tag.key.as_str(),
            text.as_ref(),
            ty.name()
        ));
        Value::Str(strings.intern(&text))
    })
}

#[cfg(test)]
mod tests {
    use crate::{AssembleOptions, Format};
    use expect_test::{expect, Expect};
    use strand_model::Dataset;

    /// Loads `json` as Jaeger and compares the dump (plus the load's notes, or the error).
    fn check(json: &str, expect: Expect) {
        let mut data = Dataset::new();
        let got = match crate::load(
            &mut data,
            json.as_bytes(),
            "t.json",
            Some(Format::Jaeger),
            &AssembleOptions::default(),
        ) {
            Ok((_, summary)) => {
                let mut out = strand_model::dump::dump_dataset(&data);
                for note in &summary.notes {
                    out.push_str(&format!("note: {note}\n"));
                }
                out
            }
            Err(e) => format!("error: {e:?}\n"),
        };
        expect.assert_eq(&got);
    }

    #[test]
    fn api_envelope() {
        check(
            r#"{"data":[{"traceID":"2db17286b3e6b148","spans":[
                {"traceID":"2db17286b3e6b148","spanID":"2db17286b3e6b148","flags":1,"operationName":"GET /api","references":[],
                 "startTime":1571326774777373,"duration":4199,"tags":[{"key":"span.kind","type":"string","value":"server"}],
                 "logs":[],"processID":"p1","warnings":null},
                {"traceID":"2db17286b3e6b148","spanID":"0ec2b4e0bcea566d","operationName":"GetOperations",
                 "references":[{"refType":"CHILD_OF","traceID":"2db17286b3e6b148","spanID":"2db17286b3e6b148"}],
                 "startTime":1571326774777428,"duration":3873,"tags":[],"logs":[],"processID":"p1","warnings":null}],
              "processes":{"p1":{"serviceName":"jaeger-query","tags":[{"key":"hostname","type":"string","value":"h1"}]}},
              "warnings":null}],
             "total":1,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found","traceID":"00ff"}]}"#,
            expect![[r#"
                trace 2db17286b3e6b148 spans=2 services=1 duration=4.20ms errors=0
                  jaeger-query: GET /api [server] +0ns 4.20ms id=2db17286b3e6b148
                    attrs {span.kind="server"}
                    jaeger-query: GetOperations [unspecified] +55.0µs 3.87ms id=0ec2b4e0bcea566d
                  resource#0 service="jaeger-query" {hostname="h1"}

                note: the Jaeger query service reported an error: trace not found (code 404, trace 00ff)
            "#]],
        );
    }

    #[test]
    fn api_envelope_without_traces() {
        check(r#"{"data":[],"total":0,"errors":null}"#, expect![[r#""#]]);
        check(
            r#"{"data":null,"errors":["storage unavailable"]}"#,
            expect![[r#"
            note: the Jaeger query service reported an error: storage unavailable
        "#]],
        );
    }

    #[test]
    fn bare_trace() {
        check(
            r#"{"traceID":"1","spans":[
                {"traceID":"1","spanID":"a","operationName":"root","startTime":1000,"duration":10,"processID":"p1"},
                {"spanID":"b","operationName":"child","references":[{"refType":"CHILD_OF","spanID":"a"}],
                 "startTime":1002,"duration":5,"processID":"p2"}],
              "processes":{"p1":{"serviceName":"front","tags":null},"p2":{"serviceName":"back"}}}"#,
            expect![[r#"
                trace 0000000000000001 spans=2 services=2 duration=10.0µs errors=0
                  front: root [unspecified] +0ns 10.0µs id=000000000000000a
                    back: child [unspecified] +2.00µs 5.00µs id=000000000000000b
                  resource#0 service="front" {}
                  resource#1 service="back" {}

            "#]],
        );
    }

    #[test]
    fn array_of_traces() {
        check(
            r#"[{"traceID":"1","spans":[{"traceID":"1","spanID":"a","operationName":"one","startTime":1000,"duration":1,"processID":"p1"}],
                 "processes":{"p1":{"serviceName":"s1"}}},
                {"traceID":"2","spans":[{"traceID":"2","spanID":"a","operationName":"two","startTime":2000,"duration":1,"processID":"p1"}],
                 "processes":{"p1":{"serviceName":"s2"}}}]"#,
            expect![[r#"
                trace 0000000000000001 spans=1 services=1 duration=1.00µs errors=0
                  s1: one [unspecified] +0ns 1.00µs id=000000000000000a
                  resource#0 service="s1" {}

                trace 0000000000000002 spans=1 services=1 duration=1.00µs errors=0
                  s2: two [unspecified] +0ns 1.00µs id=000000000000000a
                  resource#0 service="s2" {}

            "#]],
        );
    }

    #[test]
    fn array_of_spans_with_inline_process() {
        // Two spans share an identical inline process (one resource); the third differs in a tag.
        check(
            r#"[{"traceID":"7","spanID":"1","operationName":"a","startTime":1000,"duration":10,
                 "process":{"serviceName":"svc","tags":[{"key":"ip","type":"string","value":"10.0.0.1"}]}},
                {"traceID":"7","spanID":"2","operationName":"b","references":[{"refType":"CHILD_OF","traceID":"7","spanID":"1"}],
                 "startTime":1001,"duration":5,"process":{"serviceName":"svc","tags":[{"key":"ip","type":"string","value":"10.0.0.1"}]}},
                {"traceID":"7","spanID":"3","operationName":"c","references":[{"refType":"CHILD_OF","traceID":"7","spanID":"1"}],
                 "startTime":1002,"duration":5,"process":{"serviceName":"svc","tags":[{"key":"ip","type":"string","value":"10.0.0.2"}]}}]"#,
            expect![[r#"
                trace 0000000000000007 spans=3 services=1 duration=10.0µs errors=0
                  svc: a [unspecified] +0ns 10.0µs id=0000000000000001
                    svc: b [unspecified] +1.00µs 5.00µs id=0000000000000002
                    svc: c [unspecified] +2.00µs 5.00µs id=0000000000000003
                  resource#0 service="svc" {ip="10.0.0.1"}
                  resource#1 service="svc" {ip="10.0.0.2"}

            "#]],
        );
    }

    #[test]
    fn short_hex_ids_equal_padded_ones() {
        check(
            r#"{"traceID":"df84e36b9e2ee3815d07f0867a5be1f","spans":[
                {"traceID":"0df84e36b9e2ee3815d07f0867a5be1f","spanID":"ec2b4e0bcea566d","operationName":"parent","startTime":1000,"duration":10,"processID":"p1"},
                {"traceID":"df84e36b9e2ee3815d07f0867a5be1f","spanID":"0000000000000001","operationName":"child",
                 "references":[{"refType":"CHILD_OF","traceID":"df84e36b9e2ee3815d07f0867a5be1f","spanID":"0ec2b4e0bcea566d"}],
                 "startTime":1001,"duration":5,"processID":"p1"}],
              "processes":{"p1":{"serviceName":"s"}}}"#,
            expect![[r#"
                trace 0df84e36b9e2ee3815d07f0867a5be1f spans=2 services=1 duration=10.0µs errors=0
                  s: parent [unspecified] +0ns 10.0µs id=0ec2b4e0bcea566d
                    s: child [unspecified] +1.00µs 5.00µs id=0000000000000001
                  resource#0 service="s" {}

            "#]],
        );
    }

    #[test]
    fn follows_from_parent() {
        check(
            r#"{"traceID":"1","spans":[
                {"spanID":"1","operationName":"produce","startTime":1000,"duration":10,"processID":"p1","tags":[{"key":"span.kind","type":"string","value":"producer"}]},
                {"spanID":"2","operationName":"consume","references":[{"refType":"FOLLOWS_FROM","traceID":"1","spanID":"1"}],
                 "startTime":1050,"duration":20,"processID":"p1","tags":[{"key":"span.kind","type":"string","value":"consumer"}]}],
              "processes":{"p1":{"serviceName":"s"}}}"#,
            expect![[r#"
                trace 0000000000000001 spans=2 services=1 duration=70.0µs errors=0
                  s: produce [producer] +0ns 10.0µs id=0000000000000001
                    attrs {span.kind="producer"}
                    s: consume [consumer] +50.0µs 20.0µs id=0000000000000002 follows_from
                      attrs {span.kind="consumer"}
                  resource#0 service="s" {}

            "#]],
        );
    }

    #[test]
    fn reference_into_another_trace_is_a_link() {
        check(
            r#"{"traceID":"1","spans":[
                {"spanID":"1","operationName":"batch","startTime":1000,"duration":10,"processID":"p1",
                 "references":[{"refType":"CHILD_OF","traceID":"ff","spanID":"ff"}]}],
              "processes":{"p1":{"serviceName":"s"}}}"#,
            expect![[r#"
                trace 0000000000000001 spans=1 services=1 duration=10.0µs errors=0
                  s: batch [unspecified] +0ns 10.0µs id=0000000000000001
                    child_of trace=00000000000000ff span=00000000000000ff
                  resource#0 service="s" {}

            "#]],
        );
    }

    #[test]
    fn several_references() {
        // CHILD_OF into another trace, CHILD_OF here (the parent), FOLLOWS_FROM here, CHILD_OF here again.
        check(
            r#"{"traceID":"1","spans":[
                {"spanID":"2","operationName":"p","startTime":1000,"duration":10,"processID":"p1"},
                {"spanID":"3","operationName":"q","startTime":1000,"duration":10,"processID":"p1"},
                {"spanID":"4","operationName":"multi","startTime":1001,"duration":5,"processID":"p1","references":[
                    {"refType":"CHILD_OF","traceID":"ff","spanID":"ff"},
                    {"refType":"CHILD_OF","traceID":"1","spanID":"2"},
                    {"refType":"FOLLOWS_FROM","traceID":"1","spanID":"3"},
                    {"refType":"CHILD_OF","traceID":"1","spanID":"3"}]}],
              "processes":{"p1":{"serviceName":"s"}}}"#,
            expect![[r#"
                trace 0000000000000001 spans=3 services=1 duration=10.0µs errors=0
                  s: p [unspecified] +0ns 10.0µs id=0000000000000002
                    s: multi [unspecified] +1.00µs 5.00µs id=0000000000000004
                      child_of trace=00000000000000ff span=00000000000000ff
                      follows_from trace=0000000000000001 span=0000000000000003
                      child_of trace=0000000000000001 span=0000000000000003
                  s: q [unspecified] +0ns 10.0µs id=0000000000000003
                  resource#0 service="s" {}

            "#]],
        );
    }

    #[test]
    fn old_parent_span_id() {
        check(
            r#"{"traceID":"1","spans":[
                {"spanID":"1","parentSpanID":"0","operationName":"root","startTime":1000,"duration":10,"processID":"p1"},
                {"spanID":"2","parentSpanID":"1","operationName":"child","startTime":1001,"duration":5,"processID":"p1"}],
              "processes":{"p1":{"serviceName":"s"}}}"#,
            expect![[r#"
                trace 0000000000000001 spans=2 services=1 duration=10.0µs errors=0
                  s: root [unspecified] +0ns 10.0µs id=0000000000000001
                    s: child [unspecified] +1.00µs 5.00µs id=0000000000000002
                  resource#0 service="s" {}

            "#]],
        );
    }

    #[test]
    fn typed_tags() {
        check(
            r#"{"traceID":"1","spans":[{"spanID":"1","operationName":"tags","startTime":"1000","duration":"10","processID":"p1","tags":[
                {"key":"big","type":"int64","value":"9223372036854775222"},
                {"key":"small","type":"int64","value":42},
                {"key":"blob","type":"binary","value":"AAAwOQ=="},
                {"key":"flag","type":"bool","value":"true"},
                {"key":"flag2","type":"bool","value":false},
                {"key":"temp","type":"float64","value":72.5},
                {"key":"ratio","type":"float64","value":"0.25"},
                {"key":"whole","type":"float64","value":1},
                {"key":"text","type":"string","value":"hi"},
                {"key":"num_as_text","type":"string","value":7},
                {"key":"untyped_num","value":3},
                {"key":"untyped_float","value":1.5},
                {"key":"untyped_bool","value":true},
                {"key":"untyped_str","type":"uint64","value":"x"},
                {"key":"null_str","type":"string","value":null}]}],
              "processes":{"p1":{"serviceName":"s"}}}"#,
            expect![[r#"
                trace 0000000000000001 spans=1 services=1 duration=10.0µs errors=0
                  s: tags [unspecified] +0ns 10.0µs id=0000000000000001
                    attrs {big=9223372036854775222, small=42, blob=0x00003039, flag=true, flag2=false, temp=72.5, ratio=0.25, whole=1.0, text="hi", num_as_text="7", untyped_num=3, untyped_float=1.5, untyped_bool=true, untyped_str="x", null_str=""}
                  resource#0 service="s" {}

            "#]],
        );
    }

    #[test]
    fn invalid_values_are_kept_as_text() {
        check(
            r#"{"traceID":"1","spans":[{"spanID":"1","operationName":"bad","startTime":1000,"duration":10,"processID":"p1","tags":[
                {"key":"n","type":"int64","value":"12abc"},
                {"key":"f","type":"int64","value":1.5},
                {"key":"b","type":"bool","value":"maybe"},
                {"key":"d","type":"float64","value":"fast"},
                {"key":"bin","type":"binary","value":"!!not base64!!"},
                {"key":"arr","type":"string","value":[1,{"a":2}]},
                {"key":"none","type":"int64"}]}],
              "processes":{"p1":{"serviceName":"s","tags":[{"key":"pid","type":"int64","value":"x"}]}}}"#,
            expect![[r#"
                trace 0000000000000001 spans=1 services=1 duration=10.0µs errors=0
                  ! invalid-value: process "p1" tag "pid": "x" is not a valid int64; kept as text
                  s: bad [unspecified] +0ns 10.0µs id=0000000000000001
                    attrs {n="12abc", f="1.5", b="maybe", d="fast", bin="!!not base64!!", arr="[1,{\"a\":2}]", none=null}
                    ! invalid-value: tag "n": "12abc" is not a valid int64; kept as text
                    ! invalid-value: tag "f": "1.5" is not a valid int64; kept as text
                    ! invalid-value: tag "b": "maybe" is not a valid bool; kept as text
                    ! invalid-value: tag "d": "fast" is not a valid float64; kept as text
                    ! invalid-value: tag "bin": "!!not base64!!" is not a valid binary; kept as text
                    ! invalid-value: tag "arr" has a JSON array or object as its value; kept as its JSON text
                    ! invalid-value: tag "none" of type int64 has no value
                  resource#0 service="s" {pid="x"}

            "#]],
        );
    }

    #[test]
    fn logs_become_events() {
        check(
            r#"{"traceID":"1","spans":[{"spanID":"1","operationName":"logs","startTime":1000,"duration":10,"processID":"p1","logs":[
                {"timestamp":1002,"fields":[{"key":"event","type":"string","value":"cache miss"},{"key":"key","type":"string","value":"k1"}]},
                {"timestamp":1003,"fields":[{"key":"message","type":"string","value":"retrying"},{"key":"attempt","type":"int64","value":2}]},
                {"timestamp":1004,"fields":[{"key":"x","type":"string","value":"y"}]},
                {"fields":null}]}],
              "processes":{"p1":{"serviceName":"s"}}}"#,
            expect![[r#"
                trace 0000000000000001 spans=1 services=1 duration=10.0µs errors=0
                  s: logs [unspecified] +0ns 10.0µs id=0000000000000001
                    event +2.00µs "cache miss" {event="cache miss", key="k1"}
                    event +3.00µs "retrying" {message="retrying", attempt=2}
                    event +4.00µs "log" {x="y"}
                    event +0ns "log"
                  resource#0 service="s" {}

            "#]],
        );
    }

    #[test]
    fn span_and_trace_warnings() {
        check(
            r#"{"traceID":"1","spans":[
                {"spanID":"1","operationName":"w","startTime":1000,"duration":10,"processID":"p1","warnings":["clock skew adjusted","second"]},
                {"spanID":"2","operationName":"none","startTime":1000,"duration":10,"processID":"p1","warnings":null}],
              "processes":{"p1":{"serviceName":"s"}},"warnings":["some trace warning"]}"#,
            expect![[r#"
                trace 0000000000000001 spans=2 services=1 duration=10.0µs errors=0
                  ! source-warning: some trace warning
                  s: w [unspecified] +0ns 10.0µs id=0000000000000001
                    ! source-warning: clock skew adjusted
                    ! source-warning: second
                  s: none [unspecified] +0ns 10.0µs id=0000000000000002
                  resource#0 service="s" {}

            "#]],
        );
    }

    #[test]
    fn kind_and_status_tags() {
        check(
            r#"{"traceID":"1","spans":[
                {"spanID":"1","operationName":"server","startTime":1000,"duration":10,"processID":"p1","tags":[
                    {"key":"span.kind","type":"string","value":"server"},{"key":"error","type":"bool","value":true}]},
                {"spanID":"2","operationName":"client","references":[{"refType":"CHILD_OF","spanID":"1"}],"startTime":1001,"duration":5,"processID":"p1","tags":[
                    {"key":"span.kind","type":"string","value":"client"},{"key":"error","type":"bool","value":"true"}]},
                {"spanID":"3","operationName":"otel","references":[{"refType":"CHILD_OF","spanID":"1"}],"startTime":1002,"duration":5,"processID":"p1","tags":[
                    {"key":"span.kind","type":"string","value":"internal"},
                    {"key":"otel.status_code","type":"string","value":"ERROR"},
                    {"key":"otel.status_description","type":"string","value":"deadline exceeded"}]},
                {"spanID":"4","operationName":"ok","references":[{"refType":"CHILD_OF","spanID":"1"}],"startTime":1003,"duration":5,"processID":"p1","tags":[
                    {"key":"span.kind","type":"string","value":"sideways"},
                    {"key":"otel.status_code","type":"string","value":"OK"},
                    {"key":"error","type":"bool","value":false}]}],
              "processes":{"p1":{"serviceName":"s"}}}"#,
            expect![[r#"
                trace 0000000000000001 spans=4 services=1 duration=10.0µs errors=3
                  s: server [server] +0ns 10.0µs id=0000000000000001 status=error
                    attrs {span.kind="server", error=true}
                    s: client [client] +1.00µs 5.00µs id=0000000000000002 status=error
                      attrs {span.kind="client", error=true}
                    s: otel [internal] +2.00µs 5.00µs id=0000000000000003 status=error("deadline exceeded")
                      attrs {span.kind="internal", otel.status_code="ERROR", otel.status_description="deadline exceeded"}
                    s: ok [unspecified] +3.00µs 5.00µs id=0000000000000004 status=ok
                      attrs {span.kind="sideways", otel.status_code="OK", error=false}
                      ! unknown-value: unknown span.kind "sideways"
                  resource#0 service="s" {}

            "#]],
        );
    }

    #[test]
    fn missing_process_and_ids() {
        check(
            r#"{"traceID":"1","spans":[
                {"spanID":"1","operationName":"unknown key","startTime":1000,"duration":10,"processID":"p9"},
                {"spanID":"2","operationName":"no key","startTime":1001,"duration":5},
                {"spanID":"3","operationName":"empty service","startTime":1002,"duration":5,"processID":"p1"},
                {"spanID":"","operationName":"no id","startTime":1003,"duration":5,"processID":"p2"},
                {"spanID":"5","operationName":"no times","processID":"p2"}],
              "processes":{"p1":{"serviceName":""},"p2":{"serviceName":"ok"}}}"#,
            expect![[r#"
                trace 0000000000000001 spans=5 services=2 duration=10.0µs errors=0
                  : unknown key [unspecified] +0ns 10.0µs id=0000000000000001
                    ! missing-service: process "p9" is not in the trace's processes; the span has no service
                  ok: no times [unspecified] +0ns 0ns id=0000000000000005
                    ! missing-start: the span has no start time; it is placed at its parent's start
                    ! missing-duration: the span has no duration; it is shown as 0
                  : no key [unspecified] +1.00µs 5.00µs id=0000000000000002
                    ! missing-service: the span names no process; it has no service
                  : empty service [unspecified] +2.00µs 5.00µs id=0000000000000003
                    ! missing-service: the span's process has no serviceName
                  ok: no id [unspecified] +3.00µs 5.00µs id=(no id #1)
                    ! missing-span-id: the span has no span id; it was given a synthetic one
                  resource#0 service="" {}
                  resource#1 service="" {}
                  resource#2 service="ok" {}

            "#]],
        );
    }

    #[test]
    fn unusable_documents_are_errors() {
        check(
            r#"{"data":[{"traceID":"1","spans":[{"spanID":"#,
            expect![[r#"
            error: Truncated { file: "t.json", line: 1, column: 43 }
        "#]],
        );
        check(
            r#"{"data": 5}"#,
            expect![[r#"
            error: Shape { file: "t.json", format: "Jaeger JSON", line: 1, column: 10, message: "invalid type: integer `5`, expected a sequence" }
        "#]],
        );
        check(
            r#"[1, 2]"#,
            expect![[r#"
                error: Shape { file: "t.json", format: "Jaeger JSON", line: 1, column: 2, message: "invalid type: integer `1`, expected a Jaeger trace or span object" }
            "#]],
        );
    }

    #[test]
    fn samples_load_with_expected_counts() {
        const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/samples/");
        // (file, spans, traces, warnings by code) after import and assembly.
        let expected = [
            // The parent 492770a15935810f is not in the file.
            ("jaeger-anonymizer_spans-inline-process.json", 2, 1, "orphan x1"),
            ("jaeger-api_jaeger-query-traces-response.json", 2, 1, ""),
            // The two spans with id ...0002 differ (name, tags, logs), so assembly keeps both and
            // flags the second; the trace warning and two span warnings come from the file.
            ("jaeger-ui_converter-fixture-edge-cases.json", 5, 1, "source-warning x3, duplicate-id x1"),
            // Generated: graphql.execution ends 1 ms after its parent.
            ("jaeger-ui_genai-trace.json", 57, 1, "outside-parent x1"),
            ("jaeger-ui_petclinic-short-ids.json", 17, 1, ""),
            ("jaeger-ui_trace-graph-nonhex-ids.json", 11, 1, ""),
        ];
        let mut seen = Vec::new();
        for entry in std::fs::read_dir(DIR).expect("samples directory") {
            let name = entry.expect("dir entry").file_name().to_string_lossy().into_owned();
            if name.starts_with("jaeger-") && name.ends_with(".json") && !name.starts_with("jaeger-deps_") {
                seen.push(name);
            }
        }
        seen.sort();
        let mut listed: Vec<String> = expected.iter().map(|(f, _, _, _)| f.to_string()).collect();
        listed.sort();
        assert_eq!(seen, listed, "every Jaeger sample has expected counts");
        for (file, spans, traces, warnings) in expected {
            let bytes = std::fs::read(format!("{DIR}{file}")).expect("sample file");
            let mut data = Dataset::new();
            crate::load(&mut data, &bytes, file, Some(Format::Jaeger), &AssembleOptions::default())
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!((data.span_count(), data.traces.len()), (spans, traces), "{file}");
            let mut counts: Vec<(strand_model::WarningKind, usize)> = Vec::new();
            for w in data.traces.iter().flat_map(|t| &t.warnings) {
                match counts.iter_mut().find(|(k, _)| *k == w.kind) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((w.kind, 1)),
                }
            }
            counts.sort();
            let got: Vec<String> = counts.iter().map(|(k, n)| format!("{} x{n}", k.code())).collect();
            assert_eq!(got.join(", "), warnings, "{file}");
        }
    }
}
