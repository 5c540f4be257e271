//! Zipkin API v2 JSON: a list of spans `[{…}]`, or the API's list of traces `[[{…}], [{…}]]`;
//! leniently also a single span object `{…}` (with a note).
//!
//! Times are epoch microseconds (numbers, or numbers sent as strings) and become integer
//! nanoseconds. The local endpoint is the span's resource (deduplicated per trace by service name,
//! ipv4, ipv6 and port); the remote endpoint becomes OpenTelemetry peer attributes, except those a
//! tag already holds (OpenTelemetry's exporters write `peer.service` both ways); tags become
//! string attributes sorted by key; the `error` tag sets the error status, else OpenTelemetry's
//! `otel.status_code` (ERROR or OK) does, as in the Jaeger importer; annotations become events.
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

mod collect;
mod decode;
mod dto;
mod merge;

#[allow(unused_imports)]
use collect::*;
#[allow(unused_imports)]
use decode::*;
#[allow(unused_imports)]
use dto::*;
#[allow(unused_imports)]
use merge::*;
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
    let text = crate::utf8::text(bytes, file, 0)?;
    let mut collector = Collector::new(strings);
    let top = parse(text, &mut collector).map_err(|e| ImportError::from_json(file, format, &e, 0))?;
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

#[cfg(test)]
mod quirk_tests;

#[cfg(test)]
mod tests;
