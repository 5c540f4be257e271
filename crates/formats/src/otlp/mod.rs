//! OTLP JSON (`TracesData`) and OTLP JSON lines. Accepts `resourceSpans` and the older
//! `batches`/`instrumentationLibrarySpans`, Jaeger v3's `{"result":…}` and Tempo v2's
//! `{"trace":…}` envelopes, hex or base64 ids, enum numbers or names, int64 as strings or
//! numbers, and every `AnyValue` variant.
//!
//! A document is streamed: each span is deserialized into a short-lived borrowed DTO and
//! converted into the model at once, while its bytes are in cache, instead of building DTOs for
//! the whole document first (see the streaming section for how the order of conversion is kept).
//! JSON lines are read a line at a time. Depends on `model` and `formats::builder`.

use super::builder::{decode_base64, push_attrs, push_bytes, push_values, Key, LenientStr, Scalar, TraceSet};
use super::join::{JoinFacts, Made, Shared};
use super::{Format, ImportError, Imported};
use hashbrown::HashMap;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use strand_model::{
    Event, Interner, KeyValue, Link, LinkKind, Resource, Scope, Span, SpanId, SpanKind, StatusCode, StrId, Trace,
    TraceId, Value, Warning, WarningKind,
};

mod convert;
mod decode;
mod dto;
mod part;
mod seeds;

#[allow(unused_imports)]
pub(crate) use convert::*;
#[allow(unused_imports)]
pub(crate) use decode::*;
#[allow(unused_imports)]
pub(crate) use dto::*;
use part::PartHooks;
pub(crate) use part::{document_notes, import_part};
#[allow(unused_imports)]
pub(crate) use seeds::*;

/// Imports one OTLP JSON document.
pub fn import(bytes: &[u8], file: &str, source: StrId, strings: &mut Interner) -> Result<Imported, ImportError> {
    import_with(bytes, file, source, strings, None).map(|(imported, _)| imported)
}

fn import_with(
    bytes: &[u8],
    file: &str,
    source: StrId,
    strings: &mut Interner,
    part: Option<PartHooks>,
) -> Result<(Imported, JoinFacts), ImportError> {
    let text = crate::utf8::text(bytes, file, 0)?;
    let mut decoder = Decoder::new(source, strings, true);
    decoder.part.clone_from(&part);
    let mut parsed = read(text, &mut decoder);
    if decoder.restart {
        // A guess failed (see the streaming section): read again, converting in document order.
        decoder = Decoder::new(source, decoder.strings, false);
        decoder.part = part;
        parsed = read(text, &mut decoder);
    }
    parsed.map_err(|e| ImportError::from_json(file, Format::Otlp, &e, 0))?;
    decoder.proto_names = uses_proto_names(bytes);
    Ok(decoder.finish(Vec::new()))
}

/// Decodes one whole document into `decoder`, converting spans as they are read.
/// UTF-8 was checked once (`utf8::text`), so serde_json does not check every string.
fn read(text: &str, decoder: &mut Decoder) -> Result<(), serde_json::Error> {
    stream(serde_json::Deserializer::from_str(text), decoder)
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
        let at = first_line + line_no;
        let parsed = text
            .and_then(|t| line_text(t, bytes, line))
            .map_or_else(|| crate::utf8::text(line, file, at), Ok)
            .and_then(|line| {
                serde_json::from_str::<TracesData>(line)
                    .map_err(|e| ImportError::from_json(file, Format::OtlpLines, &e, at))
            });
        match parsed {
            Ok(doc) => {
                decoder.document(doc);
                good_lines += 1;
            }
            Err(err) => {
                skipped += 1;
                // Each skipped line is named up to a point; past it they are counted (a
                // pretty-printed document read as lines would otherwise give a note per line).
                if skipped <= MAX_LINE_NOTES {
                    notes.push(format!("skipped a line that could not be read: {err}"));
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

#[cfg(test)]
mod tests;
