//! Plain JSON log lines, Fluentd and Fluent Bit records: any JSON object per line whose fields
//! are recognised by name (see `logs::record::role_of`): a trace id as `trace_id`, `traceId`,
//! `traceid`, `trace.id`, `dd.trace_id` (decimal) or a W3C `traceparent`, the same for span ids,
//! a time in any common form (RFC 3339, epoch seconds/milliseconds/microseconds/nanoseconds,
//! Fluent's `[seconds, nanoseconds]`), a level, a message.
//!
//! Layouts: JSON lines; logfmt lines (`time=… level=info msg="…" trace_id=…`, Go's `log/slog`
//! text handler, logrus); Fluentd's `out_file` lines `TIME<TAB>TAG<TAB>{record}`; Fluent's event
//! arrays `[time, {record}]` and Fluent Bit's `[[time, {metadata}], {record}]` (per line or in a
//! top-level array); a top-level array of records (Fluent Bit's `format json`); objects written
//! back to back (pretty-printed, as OpenTelemetry's console exporter does). A Docker/Kubernetes
//! `log` (or `message`) field holding a JSON object has its fields read too.
//! Depends on `model` and `formats::logs`.

use crate::logs::json::Json;
use crate::logs::logfmt::logfmt;
use crate::logs::read::{count_lines, read_lines, read_values, LinesRead};
use crate::logs::record::{LogSink, Repairs};
use crate::{Format, ImportError, Imported};
use std::borrow::Cow;
use strand_model::{Interner, StrId};

pub fn import(bytes: &[u8], file: &str, source: StrId, strings: &mut Interner) -> Result<Imported, ImportError> {
    let mut sink = LogSink::with_size_hint(source, strings, bytes.len());
    let mut stray = 0usize;
    let mut notes = if reads_lines(bytes) {
        read_lines(bytes, file, Format::JsonLogs, &mut |text| line(&mut sink, text))?
    } else {
        // A time waiting for its record: Fluent's `[time, {record}]` read as array elements.
        let mut pending: Option<Json<'static>> = None;
        read_values(bytes, file, Format::JsonLogs, &mut |value| {
            if event(&mut sink, &value) {
                return;
            }
            match (&value, pending.take()) {
                (Json::Object(_), Some(time)) => sink.record(&value, &[&[("time", &time)]]),
                (Json::Object(_), None) => sink.record(&value, &[]),
                (Json::Int(_) | Json::UInt(_) | Json::Float(_) | Json::Str(_), before) => {
                    stray += usize::from(before.is_some());
                    pending = Some(scalar_owned(&value));
                }
                (_, before) => {
                    stray += 1 + usize::from(before.is_some());
                }
            }
        })?;
        stray += usize::from(pending.is_some());
        Vec::new()
    };
    end_notes(&sink.repairs, stray, &mut notes);
    Ok(sink.finish(notes))
}

/// Whether a file is read a line at a time (JSON lines, Fluentd's `out_file` lines, logfmt),
/// decided on its first line.
pub(crate) fn reads_lines(bytes: &[u8]) -> bool {
    let first = first_line(bytes);
    crate::detect::is_value_lines(bytes) || fluentd_line(&first).is_some() || logfmt(&first).is_some()
}

/// The lines of one part of a split file (`logs::parts`).
pub(crate) fn read_part(sink: &mut LogSink, bytes: &[u8], file: &str) -> LinesRead {
    count_lines(bytes, file, Format::JsonLogs, &mut |text| line(sink, text))
}

/// One line: a Fluentd `out_file` line, a logfmt line (a file of them, or one among JSON lines),
/// or a JSON value (an object is converted as it is read; any other value is read whole).
fn line(sink: &mut LogSink, text: &str) -> Result<(), serde_json::Error> {
    if let Some((time, tag, record)) = fluentd_line(text) {
        let record: Json = serde_json::from_str(record)?;
        let (time, tag) = (Json::Str(Cow::Borrowed(time)), Json::Str(Cow::Borrowed(tag)));
        sink.record(&record, &[&[("time", &time), ("fluentd.tag", &tag)]]);
        return Ok(());
    }
    if !crate::detect::starts_like_json(text.as_bytes()) {
        if let Some(fields) = logfmt(text) {
            sink.record(&Json::Object(fields), &[]);
            return Ok(());
        }
    }
    if let Some(value) = sink.record_line(text, &[])? {
        if !event(sink, &value) {
            sink.record(&value, &[]);
        }
    }
    Ok(())
}

/// The notes after those about unreadable lines (`stray`: values that were neither records nor
/// the time of one, in a document that is not read as lines).
pub(crate) fn end_notes(repairs: &Repairs, stray: usize, notes: &mut Vec<String>) {
    repairs.notes("record", notes);
    if stray > 0 {
        notes.push(format!("skipped {stray} values that were neither records nor the time of one"));
    }
}

/// Fluent's `[time, {record}]` or `[[time, {metadata}], {record}]`: converted, `true`.
fn event(sink: &mut LogSink, value: &Json) -> bool {
    let Json::Array(parts) = value else { return false };
    let [head, record @ Json::Object(_)] = parts.as_slice() else { return false };
    match head {
        Json::Array(inner) => match inner.as_slice() {
            [time, meta @ Json::Object(_)] => sink.record(record, &[&[("time", time), ("fluent.metadata", meta)]]),
            [time] => sink.record(record, &[&[("time", time)]]),
            // EventTime written as `[seconds, nanoseconds]`.
            [Json::Int(_), Json::Int(_)] => sink.record(record, &[&[("time", head)]]),
            _ => return false,
        },
        time @ (Json::Int(_) | Json::UInt(_) | Json::Float(_) | Json::Str(_)) => {
            sink.record(record, &[&[("time", time)]]);
        }
        _ => return false,
    }
    true
}

/// Fluentd's `out_file` line: `TIME<TAB>TAG<TAB>{json}`.
fn fluentd_line(line: &str) -> Option<(&str, &str, &str)> {
    let (time, rest) = line.split_once('\t')?;
    let (tag, record) = rest.split_once('\t')?;
    let time = time.trim();
    (record.trim_start().starts_with('{') && !time.is_empty() && !time.starts_with(['{', '[', '"'])).then_some((
        time,
        tag.trim(),
        record,
    ))
}

/// The first line as text, a byte that is not UTF-8 read as U+FFFD (the lines themselves are
/// checked as they are read, with a located note).
fn first_line(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = crate::detect::strip_bom(bytes);
    let end = bytes.iter().position(|&b| b == b'\n').unwrap_or(bytes.len());
    String::from_utf8_lossy(bytes.get(..end).unwrap_or(&[]))
}

fn scalar_owned(value: &Json) -> Json<'static> {
    match value {
        Json::Int(i) => Json::Int(*i),
        Json::UInt(u) => Json::UInt(*u),
        Json::Float(f) => Json::Float(*f),
        Json::Str(s) => Json::Str(Cow::Owned(s.to_string())),
        _ => Json::Null,
    }
}

#[cfg(test)]
mod producer_tests;
#[cfg(test)]
mod tests;
