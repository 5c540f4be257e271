//! OTLP JSON (`TracesData`) and OTLP JSON lines. Accepts `resourceSpans` and the older
//! `batches`/`instrumentationLibrarySpans`, Jaeger v3's `{"result":…}` and Tempo v2's
//! `{"trace":…}` envelopes, hex or base64 ids, enum numbers or names, int64 as strings or
//! numbers, and every `AnyValue` variant.
//!
//! A document is streamed: each span is deserialized into a short-lived borrowed DTO and
//! converted into the model at once, while its bytes are in cache, instead of building DTOs for
//! the whole document first (see the streaming section for how the order of conversion is kept).
//! JSON lines are read a line at a time. Depends on `model` and `formats::builder`.

use super::builder::{
    decode_base64, push_attrs, push_bytes, push_values, Key, LenientStr, Scalar, TraceSet, HEX_DIGITS,
};
use super::join::{JoinFacts, Made, Shared};
use super::split::{Level, PartSpec};
use super::{Format, ImportError, Imported};
use hashbrown::HashMap;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use strand_model::{
    Event, Interner, KeyValue, Link, LinkKind, Resource, Scope, Span, SpanId, SpanKind, StatusCode, StrId, Trace,
    TraceId, Value, Warning, WarningKind,
};

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct TracesData<'a> {
    #[serde(borrow, default, alias = "resource_spans")]
    resource_spans: Option<Vec<ResourceSpans<'a>>>,
    #[serde(borrow, default)]
    batches: Option<Vec<ResourceSpans<'a>>>,
    /// Jaeger API v3 envelope.
    #[serde(borrow, default)]
    result: Option<Box<TracesData<'a>>>,
    /// Tempo API v2 envelope.
    #[serde(borrow, default)]
    trace: Option<Box<TracesData<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceSpans<'a> {
    #[serde(borrow, default)]
    resource: Option<ResourceDto<'a>>,
    #[serde(borrow, default, alias = "scope_spans")]
    scope_spans: Option<Vec<ScopeSpans<'a>>>,
    #[serde(borrow, default, alias = "instrumentation_library_spans")]
    instrumentation_library_spans: Option<Vec<ScopeSpans<'a>>>,
}

#[derive(Deserialize, Default)]
struct ResourceDto<'a> {
    #[serde(borrow, default)]
    attributes: Vec<KeyValueDto<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScopeSpans<'a> {
    #[serde(borrow, default)]
    scope: Option<ScopeDto<'a>>,
    #[serde(borrow, default, alias = "instrumentation_library")]
    instrumentation_library: Option<ScopeDto<'a>>,
    #[serde(borrow, default)]
    spans: Vec<SpanDto<'a>>,
}

#[derive(Deserialize, Default)]
struct ScopeDto<'a> {
    #[serde(borrow, default)]
    name: LenientStr<'a>,
    #[serde(borrow, default)]
    version: LenientStr<'a>,
    #[serde(borrow, default)]
    attributes: Vec<KeyValueDto<'a>>,
}

impl ScopeDto<'_> {
    /// Converts like no scope at all.
    fn is_empty(&self) -> bool {
        self.name.as_str().is_empty() && self.version.as_str().is_empty() && self.attributes.is_empty()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpanDto<'a> {
    #[serde(borrow, default, alias = "trace_id")]
    trace_id: LenientStr<'a>,
    #[serde(borrow, default, alias = "span_id")]
    span_id: LenientStr<'a>,
    #[serde(borrow, default, alias = "parent_span_id")]
    parent_span_id: LenientStr<'a>,
    #[serde(borrow, default, alias = "trace_state")]
    trace_state: LenientStr<'a>,
    #[serde(borrow, default)]
    name: LenientStr<'a>,
    #[serde(borrow, default)]
    kind: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "start_time_unix_nano")]
    start_time_unix_nano: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "end_time_unix_nano")]
    end_time_unix_nano: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    attributes: Vec<KeyValueDto<'a>>,
    #[serde(borrow, default)]
    events: Vec<EventDto<'a>>,
    #[serde(borrow, default)]
    links: Vec<LinkDto<'a>>,
    #[serde(borrow, default)]
    status: Option<StatusDto<'a>>,
    #[serde(borrow, default)]
    flags: Option<Scalar<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventDto<'a> {
    #[serde(borrow, default, alias = "time_unix_nano")]
    time_unix_nano: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    name: LenientStr<'a>,
    #[serde(borrow, default)]
    attributes: Vec<KeyValueDto<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LinkDto<'a> {
    #[serde(borrow, default, alias = "trace_id")]
    trace_id: LenientStr<'a>,
    #[serde(borrow, default, alias = "span_id")]
    span_id: LenientStr<'a>,
    #[serde(borrow, default)]
    attributes: Vec<KeyValueDto<'a>>,
}

#[derive(Deserialize)]
struct StatusDto<'a> {
    #[serde(borrow, default)]
    code: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    message: LenientStr<'a>,
}

#[derive(Deserialize)]
struct KeyValueDto<'a> {
    #[serde(borrow, default)]
    key: LenientStr<'a>,
    #[serde(borrow, default)]
    value: Option<AnyValueDto<'a>>,
}

/// An `AnyValue`, reduced to the field that counts: `stringValue`, else `intValue`,
/// `doubleValue`, `boolValue`, `bytesValue`, `arrayValue`, `kvlistValue`. The others are read
/// (and checked) all the same. Reads exactly like the derived [`AnyValueFields`] (same names,
/// aliases, `null`s and errors), in a quarter of the size: attributes are most of a span.
enum AnyValueDto<'a> {
    Empty,
    Str(LenientStr<'a>),
    Int(Scalar<'a>),
    Double(Scalar<'a>),
    Bool(Scalar<'a>),
    Bytes(LenientStr<'a>),
    Array(Vec<AnyValueDto<'a>>),
    KvList(Vec<KeyValueDto<'a>>),
    /// A bare JSON scalar where an `AnyValue` object belongs (`"value": "text"`, `5`, `true`):
    /// not OTLP, but a clear intent that some tools write; read as its JSON type, with a note.
    Bare(Scalar<'a>),
}

impl<'a> AnyValueDto<'a> {
    /// Which field wins when several are given: lower is stronger.
    fn rank(&self) -> u8 {
        match self {
            AnyValueDto::Str(_) => 0,
            AnyValueDto::Int(_) => 1,
            AnyValueDto::Double(_) => 2,
            AnyValueDto::Bool(_) => 3,
            AnyValueDto::Bytes(_) => 4,
            AnyValueDto::Array(_) => 5,
            AnyValueDto::KvList(_) => 6,
            AnyValueDto::Bare(_) => 7,
            AnyValueDto::Empty => 8,
        }
    }

    /// Keeps `other` if it is stronger.
    fn keep(&mut self, other: AnyValueDto<'a>) {
        if other.rank() < self.rank() {
            *self = other;
        }
    }

    fn from_fields(f: AnyValueFields<'a>) -> AnyValueDto<'a> {
        let mut v = AnyValueDto::Empty;
        v.keep(f.kvlist_value.map_or(AnyValueDto::Empty, |x| AnyValueDto::KvList(x.values)));
        v.keep(f.array_value.map_or(AnyValueDto::Empty, |x| AnyValueDto::Array(x.values)));
        v.keep(f.bytes_value.map_or(AnyValueDto::Empty, AnyValueDto::Bytes));
        v.keep(f.bool_value.map_or(AnyValueDto::Empty, AnyValueDto::Bool));
        v.keep(f.double_value.map_or(AnyValueDto::Empty, AnyValueDto::Double));
        v.keep(f.int_value.map_or(AnyValueDto::Empty, AnyValueDto::Int));
        v.keep(f.string_value.map_or(AnyValueDto::Empty, AnyValueDto::Str));
        v
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for AnyValueDto<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnyValueDto<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("struct AnyValueDto")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(AnyValueDto::Bare(Scalar::Text(std::borrow::Cow::Owned(v.to_string()))))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(AnyValueDto::Bare(Scalar::Text(std::borrow::Cow::Borrowed(v))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(AnyValueDto::Bare(Scalar::Int(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(AnyValueDto::Bare(Scalar::UInt(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(AnyValueDto::Bare(Scalar::Float(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(AnyValueDto::Bare(Scalar::Bool(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                let fields = AnyValueFields::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(AnyValueDto::from_fields(fields))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                const NAMES: [&str; 7] =
                    ["stringValue", "boolValue", "intValue", "doubleValue", "bytesValue", "arrayValue", "kvlistValue"];
                let mut value = AnyValueDto::Empty;
                let mut seen = [false; 7];
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    let field = match key.0.as_ref() {
                        "stringValue" | "string_value" => 0,
                        "boolValue" | "bool_value" => 1,
                        "intValue" | "int_value" => 2,
                        "doubleValue" | "double_value" => 3,
                        "bytesValue" | "bytes_value" => 4,
                        "arrayValue" | "array_value" => 5,
                        "kvlistValue" | "kvlist_value" => 6,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    if let Some(seen) = seen.get_mut(field) {
                        if *seen {
                            return Err(de::Error::duplicate_field(NAMES.get(field).copied().unwrap_or("")));
                        }
                        *seen = true;
                    }
                    let read = match field {
                        0 => map.next_value::<Option<LenientStr<'de>>>()?.map(AnyValueDto::Str),
                        1 => map.next_value::<Option<Scalar<'de>>>()?.map(AnyValueDto::Bool),
                        2 => map.next_value::<Option<Scalar<'de>>>()?.map(AnyValueDto::Int),
                        3 => map.next_value::<Option<Scalar<'de>>>()?.map(AnyValueDto::Double),
                        4 => map.next_value::<Option<LenientStr<'de>>>()?.map(AnyValueDto::Bytes),
                        5 => map.next_value::<Option<ValuesDto<'de>>>()?.map(|x| AnyValueDto::Array(x.values)),
                        _ => map.next_value::<Option<KvListDto<'de>>>()?.map(|x| AnyValueDto::KvList(x.values)),
                    };
                    if let Some(read) = read {
                        value.keep(read);
                    }
                }
                Ok(value)
            }
        }
        d.deserialize_any(V)
    }
}

/// The fields of an `AnyValue`, for the rare value written as an array of its fields.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AnyValueFields<'a> {
    #[serde(borrow, default, alias = "string_value")]
    string_value: Option<LenientStr<'a>>,
    #[serde(borrow, default, alias = "bool_value")]
    bool_value: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "int_value")]
    int_value: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "double_value")]
    double_value: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "bytes_value")]
    bytes_value: Option<LenientStr<'a>>,
    #[serde(borrow, default, alias = "array_value")]
    array_value: Option<ValuesDto<'a>>,
    #[serde(borrow, default, alias = "kvlist_value")]
    kvlist_value: Option<KvListDto<'a>>,
}

#[derive(Deserialize)]
struct ValuesDto<'a> {
    #[serde(borrow, default)]
    values: Vec<AnyValueDto<'a>>,
}

#[derive(Deserialize)]
struct KvListDto<'a> {
    #[serde(borrow, default)]
    values: Vec<KeyValueDto<'a>>,
}

/// Imports one OTLP JSON document.
pub fn import(bytes: &[u8], file: &str, source: StrId, strings: &mut Interner) -> Result<Imported, ImportError> {
    import_with(bytes, file, source, strings, None).map(|(imported, _)| imported)
}

/// Imports one part of a split document (see `join`): resources and scopes of the containers
/// every part repeats, made-up ids and the document's counts are recorded for the join.
pub(crate) fn import_part(
    bytes: &[u8],
    file: &str,
    source: StrId,
    strings: &mut Interner,
    spec: &PartSpec,
) -> Result<(Imported, JoinFacts), ImportError> {
    if spec.level == Level::Lines {
        return import_lines_with(bytes, file, source, strings, Some(PartHooks::new(spec)));
    }
    import_with(bytes, file, source, strings, Some(PartHooks::new(spec)))
}

fn import_with(
    bytes: &[u8],
    file: &str,
    source: StrId,
    strings: &mut Interner,
    part: Option<PartHooks>,
) -> Result<(Imported, JoinFacts), ImportError> {
    let mut decoder = Decoder::new(source, strings, true);
    decoder.part.clone_from(&part);
    let mut parsed = read(bytes, &mut decoder);
    if decoder.restart {
        // A guess failed (see the streaming section): read again, converting in document order.
        decoder = Decoder::new(source, decoder.strings, false);
        decoder.part = part;
        parsed = read(bytes, &mut decoder);
    }
    parsed.map_err(|e| ImportError::from_json(file, Format::Otlp, &e, 0))?;
    decoder.proto_names = uses_proto_names(bytes);
    Ok(decoder.finish(Vec::new()))
}

/// Part mode: what the import of one part records for the join.
#[derive(Clone, Debug, Default)]
struct PartHooks {
    /// How many enclosing `ResourceSpans` and `ScopeSpans` every part repeats (each is the first
    /// of its kind in the part's document).
    shared_resources: usize,
    shared_scopes: usize,
    /// JSON lines: the number of the part's first line in the file.
    first_line: usize,
    facts: JoinFacts,
}

impl PartHooks {
    fn new(spec: &PartSpec) -> PartHooks {
        let (shared_resources, shared_scopes) = match spec.level {
            Level::Otlp { shared_resources, shared_scopes } => (shared_resources.into(), shared_scopes.into()),
            _ => (0, 0),
        };
        PartHooks { shared_resources, shared_scopes, first_line: spec.first_line as usize, facts: JoinFacts::default() }
    }
}

/// Decodes one whole document into `decoder`, converting spans as they are read.
fn read(bytes: &[u8], decoder: &mut Decoder) -> Result<(), serde_json::Error> {
    // Validating UTF-8 once lets serde_json skip validating every string; invalid input goes
    // through the byte reader, which reports where the bad byte is.
    match std::str::from_utf8(bytes) {
        Ok(text) => stream(serde_json::Deserializer::from_str(text), decoder),
        Err(_) => stream(serde_json::Deserializer::from_slice(bytes), decoder),
    }
}

fn stream<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    decoder: &mut Decoder,
) -> Result<(), serde_json::Error> {
    DocSeed { decoder }.deserialize(&mut de)?;
    de.end()
}

/// Imports OTLP JSON lines: one `TracesData` per line. A trace may be spread over many lines.
/// A broken line does not lose the others: it is skipped and reported, unless no line is usable.
///
/// Each line is read whole before it is converted (a line that breaks halfway must leave no
/// spans behind); lines are short, so their DTOs stay small.
/// How many unreadable lines of a JSON lines file get a note of their own.
pub(crate) const MAX_LINE_NOTES: usize = 20;

pub fn import_lines(bytes: &[u8], file: &str, source: StrId, strings: &mut Interner) -> Result<Imported, ImportError> {
    import_lines_with(bytes, file, source, strings, None).map(|(imported, _)| imported)
}

fn import_lines_with(
    bytes: &[u8],
    file: &str,
    source: StrId,
    strings: &mut Interner,
    part: Option<PartHooks>,
) -> Result<(Imported, JoinFacts), ImportError> {
    let first_line = part.as_ref().map_or(0, |p| p.first_line);
    let mut decoder = Decoder::new(source, strings, false);
    decoder.part = part;
    let mut notes = Vec::new();
    let mut first_error = None;
    let mut good_lines = 0usize;
    let mut skipped = 0usize;
    // Splitting valid UTF-8 at '\n' gives valid UTF-8 lines: check once, not per line.
    let text = std::str::from_utf8(bytes).ok();
    for (line_no, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let parsed = match text.and_then(|t| line_text(t, bytes, line)) {
            Some(line) => serde_json::from_str::<TracesData>(line),
            None => serde_json::from_slice::<TracesData>(line),
        };
        match parsed {
            Ok(doc) => {
                decoder.document(doc);
                good_lines += 1;
            }
            Err(e) => {
                skipped += 1;
                // Each skipped line is named up to a point; past it they are counted (a
                // pretty-printed document read as lines would otherwise give a note per line).
                if skipped <= MAX_LINE_NOTES {
                    let err = ImportError::from_json(file, Format::OtlpLines, &e, first_line + line_no);
                    if skipped <= MAX_LINE_NOTES {
                        notes.push(format!("skipped a line that could not be read: {err}"));
                    }
                    first_error.get_or_insert(err);
                }
            }
        }
    }
    if good_lines == 0 && decoder.part.is_none() {
        if let Some(err) = first_error {
            return Err(err);
        }
    }
    if let Some(part) = decoder.part.as_mut() {
        // Whether any line of the whole document was usable, only the join knows.
        part.facts.good_lines = good_lines as u64;
        // The join names the document's first skipped lines and counts the rest.
        part.facts.skipped_notes = std::mem::take(&mut notes);
        part.facts.skipped = skipped as u64;
    } else if skipped > MAX_LINE_NOTES {
        notes.push(format!("skipped {} more lines that could not be read", skipped - MAX_LINE_NOTES));
    }
    decoder.proto_names = uses_proto_names(bytes);
    Ok(decoder.finish(notes))
}

/// The notes about the document as a whole: protobuf key names, bare attribute values.
pub(crate) fn document_notes(proto_names: bool, bare_values: u64) -> Vec<String> {
    let mut notes = Vec::new();
    if proto_names {
        notes.push(
            "the file uses protobuf field names (resource_spans, start_time_unix_nano, …) instead of \
             OTLP/JSON's lowerCamelCase; read as OTLP JSON, as protobuf's JSON mapping allows"
                .to_string(),
        );
    }
    if bare_values > 0 {
        let one = bare_values == 1;
        notes.push(format!(
            "{} attribute value{} {} bare JSON value{} instead of AnyValue objects ({{\"stringValue\": …}}); \
             read as {} JSON type{}",
            bare_values,
            if one { "" } else { "s" },
            if one { "was a" } else { "were" },
            if one { "" } else { "s" },
            if one { "its" } else { "their" },
            if one { "" } else { "s" },
        ));
    }
    notes
}

/// Whether the document spells its keys as protobuf field names (`resource_spans`,
/// `start_time_unix_nano`, …), which protobuf's JSON mapping accepts besides lowerCamelCase.
/// Looks at the first 64 KiB: files come from one writer, so the first spans tell.
pub(crate) fn uses_proto_names(bytes: &[u8]) -> bool {
    const KEYS: [&[u8]; 4] = [b"\"resource_spans\"", b"\"scope_spans\"", b"\"start_time_unix_nano\"", b"\"span_id\""];
    let head = bytes.get(..bytes.len().min(64 * 1024)).unwrap_or(bytes);
    KEYS.iter().any(|key| head.windows(key.len()).any(|w| w == *key))
}

/// `line` (a sub-slice of `bytes`) as a slice of `text` (the same bytes, known to be UTF-8).
fn line_text<'t>(text: &'t str, bytes: &[u8], line: &[u8]) -> Option<&'t str> {
    let start = (line.as_ptr() as usize).checked_sub(bytes.as_ptr() as usize)?;
    text.get(start..start.checked_add(line.len())?)
}

// ---------------------------------------------------------------------------------------------
// Streaming: seeds that convert each span as soon as it is deserialized, so that no document-wide
// DTO tree is built. They follow the derived DTOs field by field (same names and aliases, same
// `null` handling, same errors).
//
// The result must be that of converting the whole DTO tree in document order: `resourceSpans`,
// `batches`, then the `trace` envelope, then `result`; `scopeSpans` before
// `instrumentationLibrarySpans`; a resource's spans with that resource, a scope's spans with
// that scope (`scope`, else `instrumentationLibrary`). Files nearly always put things in that
// order, so the first reading guesses that whatever comes first may be converted at once: spans
// whose resource or scope has not been read get the empty one (as when there is none). A key
// that shows a guess wrong (a `resource` or `scope` with content after spans that went without,
// `resourceSpans` after `batches`…) stops the reading, and the document is read again without
// guessing: then a part that comes before what must be converted ahead of it is read into DTOs
// and converted when its turn comes. A scope's spans that come after `instrumentationLibrary`
// but before any `scope` key are read into DTOs in both readings. Strings interned before a
// failed guess, or before an error that makes the document unusable, stay in the interner.

/// `Option<T>` for a seed: `null` is nothing, anything else goes to the seed.
struct Optional<S>(S);

impl<'de, S: DeserializeSeed<'de, Value = ()>> DeserializeSeed<'de> for Optional<S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de, Value = ()>> Visitor<'de> for Optional<S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("option")
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.0.deserialize(d)
    }
}

/// What a `TracesData` holds, in the order the DTO walk converts it.
#[derive(Clone, Copy)]
enum DocPart {
    ResourceSpans = 0,
    Batches = 1,
    Trace = 2,
    Result = 3,
}

impl DocPart {
    fn from_key(key: &str) -> Option<DocPart> {
        match key {
            "resourceSpans" | "resource_spans" => Some(DocPart::ResourceSpans),
            "batches" => Some(DocPart::Batches),
            "trace" => Some(DocPart::Trace),
            "result" => Some(DocPart::Result),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            DocPart::ResourceSpans => "resourceSpans",
            DocPart::Batches => "batches",
            DocPart::Trace => "trace",
            DocPart::Result => "result",
        }
    }
}

/// A part of a `TracesData` read ahead of its turn.
enum Parked<'a> {
    Resources(Vec<ResourceSpans<'a>>),
    Doc(TracesData<'a>),
}

/// One `TracesData` object (the document, or an envelope's content).
struct DocSeed<'d, 's> {
    decoder: &'d mut Decoder<'s>,
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_struct("TracesData", &[], self)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct TracesData")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let doc = TracesData::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        self.decoder.document(doc);
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let decoder = self.decoder;
        // Per part, in order: was it seen, did it convert spans, is it waiting to be converted.
        let mut seen = [false; 4];
        let mut converted = [false; 4];
        let mut parked: [Option<Parked<'de>>; 4] = [None, None, None, None];
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let Some(part) = DocPart::from_key(&key.0) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let rank = part as usize;
            if seen.get(rank).copied().unwrap_or(false) {
                return Err(de::Error::duplicate_field(part.name()));
            }
            if decoder.guess && converted.iter().skip(rank + 1).any(|c| *c) {
                return Err(decoder.guessed_wrong());
            }
            let ready = decoder.guess || seen.iter().zip(&parked).take(rank).all(|(s, p)| *s && p.is_none());
            let spans_before = decoder.spans_read;
            let value = match (part, ready) {
                (DocPart::ResourceSpans | DocPart::Batches, true) => {
                    map.next_value_seed(Optional(ResourceListSeed { decoder: &mut *decoder }))?;
                    None
                }
                (DocPart::Trace | DocPart::Result, true) => {
                    map.next_value_seed(Optional(DocSeed { decoder: &mut *decoder }))?;
                    None
                }
                (DocPart::ResourceSpans | DocPart::Batches, false) => {
                    map.next_value::<Option<Vec<ResourceSpans<'de>>>>()?.map(Parked::Resources)
                }
                (DocPart::Trace | DocPart::Result, false) => {
                    map.next_value::<Option<Box<TracesData<'de>>>>()?.map(|doc| Parked::Doc(*doc))
                }
            };
            if let Some(slot) = seen.get_mut(rank) {
                *slot = true;
            }
            if let Some(slot) = converted.get_mut(rank) {
                *slot = decoder.spans_read != spans_before;
            }
            if let Some(slot) = parked.get_mut(rank) {
                *slot = value;
            }
            // Convert what waited for this part, as far as the parts seen so far allow.
            for (s, p) in seen.iter().zip(parked.iter_mut()) {
                if !*s {
                    break;
                }
                if let Some(p) = p.take() {
                    decoder.parked(p);
                }
            }
        }
        for p in parked.into_iter().flatten() {
            decoder.parked(p);
        }
        Ok(())
    }
}

/// A list of `ResourceSpans` (`resourceSpans` or `batches`).
struct ResourceListSeed<'d, 's> {
    decoder: &'d mut Decoder<'s>,
}

impl<'de> DeserializeSeed<'de> for ResourceListSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ResourceListSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(ResourceSeed { decoder: &mut *self.decoder })?.is_some() {}
        Ok(())
    }
}

/// One `ResourceSpans`.
struct ResourceSeed<'d, 's> {
    decoder: &'d mut Decoder<'s>,
}

impl<'de> DeserializeSeed<'de> for ResourceSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_struct("ResourceSpans", &[], self)
    }
}

impl<'de> Visitor<'de> for ResourceSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct ResourceSpans")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let rs = ResourceSpans::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        self.decoder.resource_spans(rs);
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let decoder = self.decoder;
        let resource_no = decoder.next_resource_no();
        let no_resource = ResourceDto::default();
        // `Some` once the `resource` key was read.
        let mut resource: Option<ResourceDto<'de>> = None;
        // Whether spans were converted with no resource read (a guess), and from the second list.
        let mut guessed = false;
        let mut converted_library_spans = false;
        let mut seen_scope_spans = false;
        let mut seen_library_spans = false;
        let mut parked_scope_spans: Option<Vec<ScopeSpans<'de>>> = None;
        let mut parked_library_spans: Option<Vec<ScopeSpans<'de>>> = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.0.as_ref() {
                "resource" => {
                    if resource.is_some() {
                        return Err(de::Error::duplicate_field("resource"));
                    }
                    let read = map.next_value::<Option<ResourceDto<'de>>>()?.unwrap_or_default();
                    if guessed && !read.attributes.is_empty() {
                        return Err(decoder.guessed_wrong());
                    }
                    resource = Some(read);
                }
                "scopeSpans" | "scope_spans" => {
                    if seen_scope_spans {
                        return Err(de::Error::duplicate_field("scopeSpans"));
                    }
                    seen_scope_spans = true;
                    if converted_library_spans {
                        return Err(decoder.guessed_wrong());
                    }
                    match (&resource, decoder.guess) {
                        (Some(resource), _) => {
                            let seed = GroupListSeed { decoder: &mut *decoder, resource, resource_no };
                            map.next_value_seed(Optional(seed))?;
                        }
                        (None, true) => {
                            let before = decoder.spans_read;
                            let seed = GroupListSeed { decoder: &mut *decoder, resource: &no_resource, resource_no };
                            map.next_value_seed(Optional(seed))?;
                            guessed |= decoder.spans_read != before;
                        }
                        (None, false) => parked_scope_spans = map.next_value()?,
                    }
                }
                "instrumentationLibrarySpans" | "instrumentation_library_spans" => {
                    if seen_library_spans {
                        return Err(de::Error::duplicate_field("instrumentationLibrarySpans"));
                    }
                    seen_library_spans = true;
                    let in_turn = seen_scope_spans && parked_scope_spans.is_none();
                    let before = decoder.spans_read;
                    match (&resource, decoder.guess) {
                        (Some(resource), guess) if guess || in_turn => {
                            let seed = GroupListSeed { decoder: &mut *decoder, resource, resource_no };
                            map.next_value_seed(Optional(seed))?;
                        }
                        (None, true) => {
                            let seed = GroupListSeed { decoder: &mut *decoder, resource: &no_resource, resource_no };
                            map.next_value_seed(Optional(seed))?;
                            guessed |= decoder.spans_read != before;
                        }
                        _ => parked_library_spans = map.next_value()?,
                    }
                    converted_library_spans = decoder.guess && decoder.spans_read != before;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if let Some(resource) = &resource {
                for group in parked_scope_spans.take().into_iter().flatten() {
                    decoder.group(group, resource, resource_no);
                }
                if seen_scope_spans {
                    for group in parked_library_spans.take().into_iter().flatten() {
                        decoder.group(group, resource, resource_no);
                    }
                }
            }
        }
        let resource = resource.unwrap_or_default();
        for group in parked_scope_spans.into_iter().flatten().chain(parked_library_spans.into_iter().flatten()) {
            decoder.group(group, &resource, resource_no);
        }
        Ok(())
    }
}

/// A list of `ScopeSpans` (`scopeSpans` or `instrumentationLibrarySpans`) of one resource.
struct GroupListSeed<'d, 's, 'r, 'a> {
    decoder: &'d mut Decoder<'s>,
    resource: &'r ResourceDto<'a>,
    resource_no: usize,
}

impl<'de> DeserializeSeed<'de> for GroupListSeed<'_, '_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for GroupListSeed<'_, '_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            let seed =
                GroupSeed { decoder: &mut *self.decoder, resource: self.resource, resource_no: self.resource_no };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
        }
    }
}

/// One `ScopeSpans`.
struct GroupSeed<'d, 's, 'r, 'a> {
    decoder: &'d mut Decoder<'s>,
    resource: &'r ResourceDto<'a>,
    resource_no: usize,
}

impl<'de> DeserializeSeed<'de> for GroupSeed<'_, '_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_struct("ScopeSpans", &[], self)
    }
}

impl<'de> Visitor<'de> for GroupSeed<'_, '_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct ScopeSpans")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let group = ScopeSpans::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        self.decoder.group(group, self.resource, self.resource_no);
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let GroupSeed { decoder, resource, resource_no } = self;
        let scope_no = decoder.next_scope_no();
        let no_scope = ScopeDto::default();
        // Outer `Some` once the key was read.
        let mut scope: Option<Option<ScopeDto<'de>>> = None;
        let mut library: Option<Option<ScopeDto<'de>>> = None;
        // Whether spans were converted with no scope read (a guess).
        let mut guessed = false;
        let mut seen_spans = false;
        let mut parked: Option<Vec<SpanDto<'de>>> = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.0.as_ref() {
                "scope" => {
                    if scope.is_some() {
                        return Err(de::Error::duplicate_field("scope"));
                    }
                    let read: Option<ScopeDto<'de>> = map.next_value()?;
                    if guessed && read.as_ref().is_some_and(|s| !s.is_empty()) {
                        return Err(decoder.guessed_wrong());
                    }
                    scope = Some(read);
                }
                "instrumentationLibrary" | "instrumentation_library" => {
                    if library.is_some() {
                        return Err(de::Error::duplicate_field("instrumentationLibrary"));
                    }
                    let read: Option<ScopeDto<'de>> = map.next_value()?;
                    if guessed && read.as_ref().is_some_and(|s| !s.is_empty()) {
                        return Err(decoder.guessed_wrong());
                    }
                    library = Some(read);
                }
                "spans" => {
                    if seen_spans {
                        return Err(de::Error::duplicate_field("spans"));
                    }
                    seen_spans = true;
                    // The scope is `scope`, else `instrumentationLibrary`: known once `scope`
                    // was given, or both keys were read; guessed empty if neither was.
                    let known = match (&scope, &library) {
                        (Some(Some(s)), _) => Some(s),
                        (Some(None), Some(l)) => Some(l.as_ref().unwrap_or(&no_scope)),
                        (None, None) if decoder.guess => Some(&no_scope),
                        _ => None,
                    };
                    match known {
                        Some(scope_dto) => {
                            let before = decoder.spans_read;
                            let seed = SpanListSeed {
                                decoder: &mut *decoder,
                                resource,
                                resource_no,
                                scope: scope_dto,
                                scope_no,
                            };
                            map.next_value_seed(seed)?;
                            guessed = scope.is_none() && library.is_none() && decoder.spans_read != before;
                        }
                        None => parked = Some(map.next_value()?),
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(spans) = parked {
            let scope = scope.flatten().or(library.flatten()).unwrap_or_default();
            for span in &spans {
                decoder.span(span, resource, resource_no, &scope, scope_no);
            }
        }
        Ok(())
    }
}

/// The `spans` of one scope: each span is converted as soon as it is read.
struct SpanListSeed<'d, 's, 'r, 'a> {
    decoder: &'d mut Decoder<'s>,
    resource: &'r ResourceDto<'a>,
    resource_no: usize,
    scope: &'r ScopeDto<'a>,
    scope_no: usize,
}

impl<'de> DeserializeSeed<'de> for SpanListSeed<'_, '_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for SpanListSeed<'_, '_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(span) = seq.next_element::<SpanDto<'de>>()? {
            self.decoder.span(&span, self.resource, self.resource_no, self.scope, self.scope_no);
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Conversion to the model

struct Decoder<'s> {
    strings: &'s mut Interner,
    traces: TraceSet,
    /// (resource number in the document, trace position) -> resource index in that trace.
    resources: HashMap<(usize, usize), u32>,
    /// (scope number in the document, trace position) -> scope index in that trace.
    scopes: HashMap<(usize, usize), u32>,
    /// The last entries looked up in `resources` and `scopes`.
    last_resource: Option<((usize, usize), u32)>,
    last_scope: Option<((usize, usize), u32)>,
    resource_counter: usize,
    scope_counter: usize,
    missing_ids: usize,
    /// Whether the trace of spans without a trace id was told so.
    missing_trace_warned: bool,
    /// The text of the last trace id read and what it parsed to.
    last_trace_text: String,
    last_trace_id: Option<TraceId>,
    kv_scratch: Vec<KeyValue>,
    service_name: StrId,
    /// Spans converted so far: tells whether reading a part converted any.
    spans_read: usize,
    /// Whether parts may be converted before what should come ahead of them has been read, on
    /// the guess that it will not come (see the streaming section).
    guess: bool,
    /// Set when a guess proved wrong: the document must be read again without guessing.
    restart: bool,
    /// Attribute values that were bare JSON scalars instead of `AnyValue` objects.
    bare_values: usize,
    /// Whether the document's keys are protobuf field names (`resource_spans`, …).
    proto_names: bool,
    /// Part mode: the document is one part of a split one.
    part: Option<PartHooks>,
}

impl<'s> Decoder<'s> {
    fn new(source: StrId, strings: &'s mut Interner, guess: bool) -> Decoder<'s> {
        let service_name = strings.intern("service.name");
        Decoder {
            strings,
            traces: TraceSet::new(source),
            resources: HashMap::new(),
            scopes: HashMap::new(),
            last_resource: None,
            last_scope: None,
            resource_counter: 0,
            scope_counter: 0,
            missing_ids: 0,
            missing_trace_warned: false,
            last_trace_text: String::new(),
            last_trace_id: None,
            kv_scratch: Vec::new(),
            service_name,
            spans_read: 0,
            guess,
            restart: false,
            bare_values: 0,
            proto_names: false,
            part: None,
        }
    }

    /// The error that stops a reading whose guess proved wrong.
    fn guessed_wrong<E: de::Error>(&mut self) -> E {
        self.restart = true;
        E::custom("the document must be read again in document order")
    }

    fn finish(self, mut notes: Vec<String>) -> (Imported, JoinFacts) {
        let facts = match self.part {
            // The join adds the document's notes, over all parts.
            Some(mut part) => {
                part.facts.bare_values = self.bare_values as u64;
                part.facts
            }
            None => {
                notes.extend(document_notes(self.proto_names, self.bare_values as u64));
                JoinFacts::default()
            }
        };
        (Imported { traces: self.traces.list, dependencies: Vec::new(), notes }, facts)
    }

    fn next_resource_no(&mut self) -> usize {
        let no = self.resource_counter;
        self.resource_counter += 1;
        no
    }

    fn next_scope_no(&mut self) -> usize {
        let no = self.scope_counter;
        self.scope_counter += 1;
        no
    }

    fn parked(&mut self, part: Parked) {
        match part {
            Parked::Resources(list) => {
                for rs in list {
                    self.resource_spans(rs);
                }
            }
            Parked::Doc(doc) => self.document(doc),
        }
    }

    fn document(&mut self, doc: TracesData) {
        // Envelopes nest at most a few levels; walk them without recursion.
        let mut pending = vec![doc];
        while let Some(doc) = pending.pop() {
            let TracesData { resource_spans, batches, result, trace } = doc;
            for rs in resource_spans.into_iter().flatten().chain(batches.into_iter().flatten()) {
                self.resource_spans(rs);
            }
            pending.extend(result.map(|b| *b));
            pending.extend(trace.map(|b| *b));
        }
    }

    fn resource_spans(&mut self, rs: ResourceSpans) {
        let resource_no = self.next_resource_no();
        let resource = rs.resource.unwrap_or_default();
        let groups = rs.scope_spans.into_iter().flatten().chain(rs.instrumentation_library_spans.into_iter().flatten());
        for group in groups {
            self.group(group, &resource, resource_no);
        }
    }

    fn group(&mut self, group: ScopeSpans, resource: &ResourceDto, resource_no: usize) {
        let scope_no = self.next_scope_no();
        let scope = group.scope.or(group.instrumentation_library).unwrap_or_default();
        for span in &group.spans {
            self.span(span, resource, resource_no, &scope, scope_no);
        }
    }

    /// The trace id of `s`, parsed once for runs of spans with the same id.
    fn trace_id(&mut self, s: &str) -> TraceId {
        if let Some(id) = self.last_trace_id {
            if self.last_trace_text == s {
                return id;
            }
        }
        let id = parse_trace_id(s, self.strings);
        self.last_trace_text.clear();
        self.last_trace_text.push_str(s);
        self.last_trace_id = Some(id);
        id
    }

    fn span(&mut self, dto: &SpanDto, resource: &ResourceDto, resource_no: usize, scope: &ScopeDto, scope_no: usize) {
        self.spans_read += 1;
        let trace_id = self.trace_id(dto.trace_id.as_str());
        let trace_pos = self.traces.position(trace_id);
        let resource_idx = self.resource_index(trace_pos, resource, resource_no);
        let scope_idx = self.scope_index(trace_pos, scope, scope_no);

        let mut warnings: Vec<(WarningKind, String)> = Vec::new();
        let made_up_id = dto.span_id.as_str().is_empty();
        let span_id = if made_up_id {
            self.missing_ids += 1;
            warnings.push((WarningKind::MissingSpanId, "the span has no span id; it was given a synthetic one".into()));
            SpanId::Text(self.strings.intern(&format!("(no id #{})", self.missing_ids)))
        } else {
            parse_span_id(dto.span_id.as_str(), self.strings)
        };
        let mut span = Span::empty(span_id);
        span.parent_id =
            (!dto.parent_span_id.as_str().is_empty()).then(|| parse_span_id(dto.parent_span_id.as_str(), self.strings));
        span.name = intern(self.strings, dto.name.as_str());
        span.resource = resource_idx;
        span.scope = scope_idx;
        span.trace_state = intern(self.strings, dto.trace_state.as_str());
        span.flags = dto.flags.as_ref().and_then(Scalar::as_u64).and_then(|f| u32::try_from(f).ok()).unwrap_or(0);
        span.kind = match dto.kind.as_ref() {
            None => SpanKind::Unspecified,
            Some(k) => match k.as_i64().and_then(SpanKind::from_otlp).or_else(|| SpanKind::parse(&k.to_text())) {
                Some(kind) => kind,
                None => {
                    warnings.push((WarningKind::UnknownValue, format!("unknown span kind {:?}", k.to_text())));
                    SpanKind::Unspecified
                }
            },
        };
        if let Some(status) = &dto.status {
            span.status = status.code.as_ref().map_or(StatusCode::Unset, parse_status);
            span.status_message = intern(self.strings, status.message.as_str());
        }
        let start = dto.start_time_unix_nano.as_ref().and_then(scalar_i64).unwrap_or(0);
        let end = dto.end_time_unix_nano.as_ref().and_then(scalar_i64).unwrap_or(0);
        span.start_ns = start;
        if start == 0 {
            warnings.push((
                WarningKind::MissingStartTime,
                "the span has no start time; it is placed at its parent's start".into(),
            ));
        }
        if end == 0 {
            warnings
                .push((WarningKind::MissingDuration, "the span has no end time; its duration is shown as 0".into()));
        } else if start != 0 && end < start {
            warnings.push((
                WarningKind::NegativeDuration,
                format!(
                    "the span ends {} before it starts; its duration is shown as 0",
                    strand_model::time::format_duration(start.saturating_sub(end))
                ),
            ));
        } else if start != 0 {
            span.duration_ns = end.saturating_sub(start);
        }

        let Some(trace) = self.traces.list.get_mut(trace_pos) else {
            return;
        };
        let strings = &mut *self.strings;
        self.bare_values += count_bare(&dto.attributes)
            + dto.events.iter().map(|e| count_bare(&e.attributes)).sum::<usize>()
            + dto.links.iter().map(|l| count_bare(&l.attributes)).sum::<usize>();
        span.attrs = convert_attrs(&dto.attributes, trace, strings, &mut self.kv_scratch);
        let event_start = trace.events.len();
        for e in &dto.events {
            let attrs = convert_attrs(&e.attributes, trace, strings, &mut self.kv_scratch);
            let time_ns = e.time_unix_nano.as_ref().and_then(scalar_i64).unwrap_or(0);
            trace.events.push(Event { time_ns, name: intern(strings, e.name.as_str()), attrs });
        }
        span.events = strand_model::Range32::from_bounds(event_start, trace.events.len());
        let link_start = trace.links.len();
        for l in &dto.links {
            let attrs = convert_attrs(&l.attributes, trace, strings, &mut self.kv_scratch);
            trace.links.push(Link {
                trace_id: parse_trace_id(l.trace_id.as_str(), strings),
                span_id: parse_span_id(l.span_id.as_str(), strings),
                kind: LinkKind::Link,
                attrs,
            });
        }
        span.links = strand_model::Range32::from_bounds(link_start, trace.links.len());
        let idx = trace.spans.len() as u32;
        trace.spans.push(span);
        if let Some(part) = self.part.as_mut().filter(|_| made_up_id) {
            part.facts.made_up_ids.push((trace_pos as u32, idx));
        }
        for (kind, detail) in warnings {
            trace.warnings.push(Warning::span(idx, kind, detail));
        }
        // Only this decoder adds this warning, and only to the one trace of spans without an id.
        if trace_id.is_empty() && !self.missing_trace_warned {
            self.missing_trace_warned = true;
            if let Some(part) = self.part.as_mut() {
                part.facts.missing_trace_warning = Some((trace_pos as u32, trace.warnings.len() as u32));
            }
            trace.warnings.push(Warning::trace(
                WarningKind::MissingTraceId,
                "spans without a trace id were gathered into this trace",
            ));
        }
    }

    fn resource_index(&mut self, trace_pos: usize, dto: &ResourceDto, resource_no: usize) -> u32 {
        let key = (resource_no, trace_pos);
        if let Some((last, idx)) = self.last_resource {
            if last == key {
                return idx;
            }
        }
        let idx = match self.resources.get(&key) {
            Some(&idx) => idx,
            None => {
                let idx = self.new_resource(trace_pos, dto, resource_no);
                self.resources.insert(key, idx);
                idx
            }
        };
        self.last_resource = Some((key, idx));
        idx
    }

    fn new_resource(&mut self, trace_pos: usize, dto: &ResourceDto, resource_no: usize) -> u32 {
        let service_key = self.service_name;
        let Some(trace) = self.traces.list.get_mut(trace_pos) else {
            return 0;
        };
        let warnings_before = trace.warnings.len() as u32;
        let bare = count_bare(&dto.attributes);
        self.bare_values += bare;
        let attrs = convert_attrs(&dto.attributes, trace, self.strings, &mut self.kv_scratch);
        let service = trace
            .attrs_of(attrs)
            .iter()
            .find(|kv| kv.key == service_key)
            .and_then(|kv| match kv.value {
                Value::Str(s) => Some(s),
                _ => None,
            })
            .unwrap_or(StrId::EMPTY);
        let idx = trace.resources.len() as u32;
        trace.resources.push(Resource { service, attrs });
        if service == StrId::EMPTY {
            trace.warnings.push(Warning::trace(
                WarningKind::MissingService,
                "a resource has no service.name attribute; its spans are shown without a service",
            ));
        }
        if let Some(part) = self.part.as_mut() {
            let key = if resource_no < part.shared_resources { Shared::Head(resource_no as u32) } else { Shared::Own };
            let made = Made { key, warnings: warnings_before..trace.warnings.len() as u32, bare_values: bare as u32 };
            JoinFacts::record(&mut part.facts.resources, trace_pos, made);
        }
        idx
    }

    fn scope_index(&mut self, trace_pos: usize, dto: &ScopeDto, scope_no: usize) -> u32 {
        let key = (scope_no, trace_pos);
        if let Some((last, idx)) = self.last_scope {
            if last == key {
                return idx;
            }
        }
        let idx = match self.scopes.get(&key) {
            Some(&idx) => idx,
            None => {
                let Some(trace) = self.traces.list.get_mut(trace_pos) else {
                    return u32::MAX;
                };
                let bare = count_bare(&dto.attributes);
                self.bare_values += bare;
                let attrs = convert_attrs(&dto.attributes, trace, self.strings, &mut self.kv_scratch);
                let idx = trace.scopes.len() as u32;
                trace.scopes.push(Scope {
                    name: self.strings.intern(dto.name.as_str()),
                    version: self.strings.intern(dto.version.as_str()),
                    attrs,
                });
                self.scopes.insert(key, idx);
                if let Some(part) = self.part.as_mut() {
                    let shared =
                        if scope_no < part.shared_scopes { Shared::Head(scope_no as u32) } else { Shared::Own };
                    let made = Made { key: shared, warnings: 0..0, bare_values: bare as u32 };
                    JoinFacts::record(&mut part.facts.scopes, trace_pos, made);
                }
                idx
            }
        };
        self.last_scope = Some((key, idx));
        idx
    }
}

/// [`Interner::intern`] without hashing the empty string, which is always [`StrId::EMPTY`].
fn intern(strings: &mut Interner, s: &str) -> StrId {
    if s.is_empty() {
        StrId::EMPTY
    } else {
        strings.intern(s)
    }
}

fn parse_status(code: &Scalar) -> StatusCode {
    match code.as_i64() {
        Some(1) => StatusCode::Ok,
        Some(2) => StatusCode::Error,
        Some(_) => StatusCode::Unset,
        None => match code.to_text().trim_start_matches("STATUS_CODE_").to_ascii_uppercase().as_str() {
            "OK" => StatusCode::Ok,
            "ERROR" => StatusCode::Error,
            _ => StatusCode::Unset,
        },
    }
}

/// OTLP ids are hex (32/16 digits) in the spec's JSON, base64 in Go jsonpb output (Tempo, old
/// Jaeger v3): exact-width hex first, then base64 of the right byte count, then any hex, then text.
fn parse_trace_id(s: &str, strings: &mut Interner) -> TraceId {
    if s.len() == 32 {
        if let Some(v) = hex_u128(s) {
            return TraceId::Hex(v);
        }
    }
    if let Some(bytes) = decode_base64(s).filter(|b| b.len() == 16) {
        return TraceId::from_bytes(&bytes, strings);
    }
    TraceId::parse(s, strings)
}

fn parse_span_id(s: &str, strings: &mut Interner) -> SpanId {
    if s.len() == 16 {
        if let Some(v) = hex_u64(s) {
            return SpanId::Hex(v);
        }
    }
    if let Some(bytes) = decode_base64(s).filter(|b| b.len() == 8) {
        return SpanId::from_bytes(&bytes, strings);
    }
    SpanId::parse(s, strings)
}

/// The value of 16 hex digits of either case, as [`SpanId::parse`] reads them (without its
/// second pass and without branching on each digit); `None` if any other character appears.
fn hex_u64(s: &str) -> Option<u64> {
    let mut v: u64 = 0;
    let mut bad = 0u8;
    for b in s.bytes() {
        let digit = HEX_DIGITS.get(usize::from(b)).copied().unwrap_or(0xFF);
        bad |= digit;
        v = (v << 4) | u64::from(digit & 0x0F);
    }
    (bad & 0xF0 == 0).then_some(v)
}

/// The value of 32 hex digits of either case, as [`TraceId::parse`] reads them.
fn hex_u128(s: &str) -> Option<u128> {
    let (high, low) = (s.get(..16)?, s.get(16..)?);
    Some((u128::from(hex_u64(high)?) << 64) | u128::from(hex_u64(low)?))
}

/// [`Scalar::as_i64`] with a fast path for what OTLP times nearly always are: a string of
/// decimal digits (the slow path gives the same value for those).
fn scalar_i64(s: &Scalar) -> Option<i64> {
    if let Scalar::Text(text) = s {
        if !text.is_empty() && text.len() <= 19 {
            let mut v: i64 = 0;
            let mut digits = true;
            for b in text.bytes() {
                digits &= b.is_ascii_digit();
                v = v.wrapping_mul(10).wrapping_add(i64::from(b.wrapping_sub(b'0')));
            }
            // 19 digits may overflow: those take the slow path.
            if digits && (text.len() < 19 || v >= 0) {
                return Some(v);
            }
        }
    }
    s.as_i64()
}

/// Converts attributes into the trace's pools and returns their range. Nested values are
/// appended first so that the returned range stays contiguous. Nesting is bounded by serde_json's
/// recursion limit (128), so the recursion here is bounded too.
fn convert_attrs(
    dtos: &[KeyValueDto],
    trace: &mut Trace,
    strings: &mut Interner,
    scratch: &mut Vec<KeyValue>,
) -> strand_model::Range32 {
    if dtos.is_empty() {
        return strand_model::Range32::EMPTY;
    }
    let mut local = std::mem::take(scratch);
    local.clear();
    for kv in dtos {
        let value = kv.value.as_ref().map_or(Value::Empty, |v| convert_value(v, trace, strings));
        local.push(KeyValue { key: strings.intern(kv.key.as_str()), value });
    }
    let range = push_attrs(trace, &mut local);
    *scratch = local;
    range
}

fn convert_value(v: &AnyValueDto, trace: &mut Trace, strings: &mut Interner) -> Value {
    match v {
        AnyValueDto::Str(s) => Value::Str(intern(strings, s.as_str())),
        AnyValueDto::Int(i) => match i.as_i64() {
            Some(n) => Value::Int(n),
            None => Value::Str(strings.intern(&i.to_text())),
        },
        AnyValueDto::Double(d) => match d.as_f64() {
            Some(f) => Value::Double(f),
            None => Value::Str(strings.intern(&d.to_text())),
        },
        AnyValueDto::Bool(b) => match b.as_bool() {
            Some(x) => Value::Bool(x),
            None => Value::Str(strings.intern(&b.to_text())),
        },
        AnyValueDto::Bytes(b) => match decode_base64(b.as_str()) {
            Some(bytes) => push_bytes(trace, &bytes),
            None => Value::Str(strings.intern(b.as_str())),
        },
        AnyValueDto::Array(values) => {
            let mut items: Vec<Value> = values.iter().map(|x| convert_value(x, trace, strings)).collect();
            Value::Array(push_values(trace, &mut items))
        }
        AnyValueDto::KvList(values) => {
            let mut scratch = Vec::new();
            Value::Map(convert_attrs(values, trace, strings, &mut scratch))
        }
        AnyValueDto::Bare(scalar) => match scalar {
            Scalar::Int(i) => Value::Int(*i),
            Scalar::UInt(u) => i64::try_from(*u).map_or_else(|_| Value::Double(*u as f64), Value::Int),
            Scalar::Float(f) => Value::Double(*f),
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Text(t) => Value::Str(intern(strings, t)),
            Scalar::Null => Value::Empty,
        },
        AnyValueDto::Empty => Value::Empty,
    }
}

/// How many of these attribute values are bare JSON scalars instead of `AnyValue` objects.
fn count_bare(kvs: &[KeyValueDto]) -> usize {
    kvs.iter().filter(|kv| matches!(kv.value, Some(AnyValueDto::Bare(_)))).count()
}

#[cfg(test)]
mod tests;
