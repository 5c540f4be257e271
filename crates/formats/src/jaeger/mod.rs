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

use super::builder::{decode_base64, push_attrs, push_bytes, Key, LenientStr, Scalar, TraceSet};
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

mod convert;
mod decode;
mod dto;
mod part;
mod seeds;

#[allow(unused_imports)]
use convert::*;
#[allow(unused_imports)]
use decode::*;
#[allow(unused_imports)]
use dto::*;
use part::PartHooks;
#[allow(unused_imports)]
use seeds::*;

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
    let text = crate::utf8::text(bytes, file, 0)?;
    let mut decoder = Decoder::new(source, strings, true);
    decoder.part.clone_from(&part);
    let mut parsed = read(text, list, &mut decoder);
    if decoder.restart {
        // A guess failed (see the streaming section): read again, converting in document order.
        decoder = Decoder::new(source, decoder.strings, false);
        decoder.part = part;
        parsed = read(text, list, &mut decoder);
    }
    parsed.map_err(|e| ImportError::from_json(file, Format::Jaeger, &e, 0))?;
    Ok(decoder.finish())
}

/// UTF-8 was checked once for the whole document (`utf8::text`, much faster than per string).
fn read<'a>(text: &'a str, list: bool, decoder: &mut Decoder<'_, 'a>) -> Result<(), serde_json::Error> {
    stream(serde_json::Deserializer::from_str(text), list, decoder)
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

#[cfg(test)]
mod tests;
