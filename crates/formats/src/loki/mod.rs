//! A Grafana Loki query answer (`/loki/api/v1/query_range` or `/query` with a log selector):
//! `{"status":"success","data":{"resultType":"streams","result":[{"stream":{labels},
//! "values":[["<ns>","<line>"], …]}]}}`. Each line is read as JSON when it is an object, else as
//! logfmt (`level=info msg="…" trace_id=…`) when it starts with a `key=value` pair, else as plain
//! text (the message). Stream labels and the entry's structured metadata (a third element, flat
//! or split into `structuredMetadata` and `parsed` by `X-Loki-Response-Encoding-Flags:
//! categorize-labels`) are fields of every line; the line's own fields win. The entry's
//! timestamp is the observed time (and the time, when the line carries none). Loki's old
//! `/api/prom/query` answer (`streams[].labels` as text, `entries[].ts` / `line`) reads too.
//! Depends on `model` and `formats::logs`.

use crate::logs::json::Json;
use crate::logs::logfmt::logfmt;
use crate::logs::read::read_values;
use crate::logs::record::LogSink;
use crate::{Format, ImportError, Imported};
use std::borrow::Cow;
use strand_model::{Interner, StrId};

pub fn import(bytes: &[u8], file: &str, source: StrId, strings: &mut Interner) -> Result<Imported, ImportError> {
    let mut sink = LogSink::with_size_hint(source, strings, bytes.len());
    let mut counts = Counts::default();
    let mut failure = None;
    read_values(bytes, file, Format::Loki, &mut |doc| {
        if let Err(e) = read_answer(&mut sink, &doc, &mut counts) {
            failure.get_or_insert(e);
        }
    })?;
    if let Some(kind) = failure {
        let (line, column) = locate(bytes, b"\"resultType\"");
        return Err(ImportError::Shape {
            file: file.to_string(),
            format: Format::Loki.label(),
            line,
            column,
            message: format!(
                "the answer is a metric query result (resultType \"{kind}\"), not log lines; query Loki with a log selector such as {{service_name=\"cart\"}}"
            ),
        });
    }
    let mut notes = Vec::new();
    sink.repairs.notes("line", &mut notes);
    if counts.bad_entries > 0 {
        notes.push(format!("skipped {} entries that were not [timestamp, line] pairs", counts.bad_entries));
    }
    Ok(sink.finish(notes))
}

/// One answer; `Err(result type)` for a metric answer.
fn read_answer(sink: &mut LogSink, doc: &Json, counts: &mut Counts) -> Result<(), String> {
    let data = doc.get("data").unwrap_or(doc);
    if let Some(kind) = data.get("resultType").and_then(Json::as_str).filter(|k| *k != "streams") {
        return Err(kind.to_string());
    }
    let result = match data.get("result").or_else(|| data.get("streams")) {
        Some(Json::Array(streams)) => streams.as_slice(),
        _ => &[],
    };
    for stream in result {
        read_stream(sink, stream, counts);
    }
    Ok(())
}

#[derive(Default)]
struct Counts {
    bad_entries: usize,
}

fn read_stream(sink: &mut LogSink, stream: &Json, counts: &mut Counts) {
    // Labels: an object (v1), or `{a="b", …}` text (the old API).
    let legacy_labels;
    let labels: &[(Cow<str>, Json)] = match stream.get("stream").or_else(|| stream.get("labels")) {
        Some(Json::Object(members)) => members,
        Some(Json::Str(text)) => {
            legacy_labels = label_text(text);
            &legacy_labels
        }
        _ => &[],
    };
    let entries = match stream.get("values").or_else(|| stream.get("entries")) {
        Some(Json::Array(entries)) => entries.as_slice(),
        _ => &[],
    };
    for entry in entries {
        let (ts, line, meta) = match entry {
            Json::Array(parts) => match parts.as_slice() {
                [ts, Json::Str(line)] => (ts, line, None),
                [ts, Json::Str(line), meta, ..] => (ts, line, Some(meta)),
                _ => {
                    counts.bad_entries += 1;
                    continue;
                }
            },
            Json::Object(_) => match (entry.get("ts").or_else(|| entry.get("timestamp")), entry.get("line")) {
                (Some(ts), Some(Json::Str(line))) => (ts, line, None),
                _ => {
                    counts.bad_entries += 1;
                    continue;
                }
            },
            _ => {
                counts.bad_entries += 1;
                continue;
            }
        };
        let mut stream_fields: Vec<(&str, &Json)> = labels.iter().map(|(k, v)| (k.as_ref(), v)).collect();
        stream_fields.push(("observed_timestamp", ts));
        let mut metadata: Vec<(&str, &Json)> = Vec::new();
        if let Some(Json::Object(groups)) = meta {
            for (key, value) in groups {
                match (key.as_ref(), value) {
                    ("structuredMetadata" | "parsed", Json::Object(members)) => {
                        metadata.extend(members.iter().map(|(k, v)| (k.as_ref(), v)));
                    }
                    _ => metadata.push((key.as_ref(), value)),
                }
            }
        }
        let record = parse_line(line);
        sink.record(&record, &[&stream_fields, &metadata]);
    }
}

/// A line as JSON (an object), logfmt, or plain text.
fn parse_line(line: &str) -> Json<'_> {
    let trimmed = line.trim();
    if trimmed.starts_with('{') {
        if let Ok(value @ Json::Object(_)) = serde_json::from_str::<Json>(trimmed) {
            return value;
        }
    }
    match logfmt(trimmed) {
        Some(fields) => Json::Object(fields),
        None => Json::Str(Cow::Borrowed(line)),
    }
}

/// `{app="cart", level="info"}` (Loki's old label text).
fn label_text(text: &str) -> Vec<(Cow<'static, str>, Json<'static>)> {
    let inner = text.trim().trim_start_matches('{').trim_end_matches('}');
    let spaced = inner.replace(", ", " ").replace(',', " ");
    logfmt(&spaced).unwrap_or_default().into_iter().map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned())).collect()
}

/// Line and column (1-based) of the first occurrence of `needle`, or of the document's start.
fn locate(bytes: &[u8], needle: &[u8]) -> (usize, usize) {
    let at = bytes.windows(needle.len()).position(|w| w == needle).unwrap_or(0);
    let before = bytes.get(..at).unwrap_or(&[]);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = at - before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
    (line, column)
}

#[cfg(test)]
mod tests;
