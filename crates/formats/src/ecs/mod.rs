//! Elastic Common Schema log documents, as the ecs-logging libraries, Filebeat and Logstash write
//! them (`@timestamp`, `log.level`, `message`, `trace.id`, `span.id`, `transaction.id`,
//! `service.name`, …, nested or dotted), one per line, in a top-level array, or as the hits of
//! an Elasticsearch / OpenSearch `_search` answer (`hits.hits[]._source`, or the hit's `fields`
//! when `_source` is turned off). Fields are read by name like any JSON log line
//! (`logs::record`); ECS's names come first. Depends on `model` and `formats::logs`.

use crate::logs::json::Json;
use crate::logs::read::{count_lines, read_lines, read_values, LinesRead};
use crate::logs::record::{LogSink, Repairs};
use crate::{Format, ImportError, Imported};
use strand_model::{Interner, StrId};

pub fn import(bytes: &[u8], file: &str, source: StrId, strings: &mut Interner) -> Result<Imported, ImportError> {
    let mut sink = LogSink::with_size_hint(source, strings, bytes.len());
    let mut empty_hits = 0usize;
    let mut notes = if reads_lines(bytes) {
        read_lines(bytes, file, Format::Ecs, &mut |text| line(&mut sink, text, &mut empty_hits))?
    } else {
        read_values(bytes, file, Format::Ecs, &mut |value| empty_hits += document(&mut sink, &value))?;
        Vec::new()
    };
    end_notes(&sink.repairs, empty_hits, &mut notes);
    Ok(sink.finish(notes))
}

/// Whether a file of ECS documents is read a line at a time (decided on its first line).
pub(crate) fn reads_lines(bytes: &[u8]) -> bool {
    crate::detect::is_json_lines(bytes)
}

/// The lines of one part of a split file (`logs::parts`): what [`count_lines`] found and how many
/// search hits had nothing to read.
pub(crate) fn read_part(sink: &mut LogSink, bytes: &[u8], file: &str) -> (LinesRead, usize) {
    let mut empty_hits = 0usize;
    let read = count_lines(bytes, file, Format::Ecs, &mut |text| line(sink, text, &mut empty_hits));
    (read, empty_hits)
}

/// One line: a plain document is converted as it is read; a search hit or answer is read whole.
fn line(sink: &mut LogSink, text: &str, empty_hits: &mut usize) -> Result<(), serde_json::Error> {
    if let Some(value) = sink.record_line(text, &["hits", "_source", "_index"])? {
        *empty_hits += document(sink, &value);
    }
    Ok(())
}

/// The notes after those about unreadable lines.
pub(crate) fn end_notes(repairs: &Repairs, empty_hits: usize, notes: &mut Vec<String>) {
    repairs.notes("document", notes);
    if empty_hits > 0 {
        notes.push(format!("{empty_hits} search hits had neither _source nor fields; skipped"));
    }
}

/// One ECS document, a search hit, or a whole search answer; returns how many hits had nothing
/// to read.
fn document(sink: &mut LogSink, value: &Json) -> usize {
    if let Some(hits) = value.get("hits") {
        // A `_search` answer: `hits.hits` is the list (`hits` alone when given the inner object).
        let list = match hits.get("hits") {
            Some(Json::Array(list)) => list.as_slice(),
            _ => match hits {
                Json::Array(list) => list.as_slice(),
                _ => &[],
            },
        };
        return list.iter().map(|hit| self::hit(sink, hit)).sum();
    }
    if value.get("_source").is_some() || value.get("_index").is_some() {
        return hit(sink, value);
    }
    sink.record(value, &[]);
    0
}

fn hit(sink: &mut LogSink, hit: &Json) -> usize {
    if let Some(source) = hit.get("_source").filter(|s| s.as_object().is_some()) {
        sink.record(source, &[]);
        return 0;
    }
    // `fields` holds every value as an array; one-element arrays are the value itself.
    if let Some(Json::Object(members)) = hit.get("fields") {
        let unwrapped: Vec<(std::borrow::Cow<str>, Json)> = members
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    Json::Array(items) if items.len() == 1 => items.first().cloned().unwrap_or(Json::Null),
                    other => other.clone(),
                };
                (k.clone(), value)
            })
            .collect();
        sink.record(&Json::Object(unwrapped), &[]);
        return 0;
    }
    1
}

#[cfg(test)]
mod tests;
