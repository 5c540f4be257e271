//! Text log lines as pattern layouts write them, with the trace context as `key=value` pairs:
//! Python's logging with OpenTelemetry's logging instrumentation
//! (`2026-12-04 22:52:42,773 INFO [app] [f.py:29] [trace_id=… span_id=… resource.service.name=…] - msg`),
//! logback / log4j patterns with the MDC (`2026-12-04 22:56:55.136 INFO [main] app - trace_id=…
//! span_id=… msg`), and any line that starts with a date-time followed (within a few words) by
//! a level. Depends on `formats::logs`.
//!
//! A line is read as: its leading date-time (ISO 8601 / RFC 3339, a space or `T` before the time,
//! an optional zone word, optionally in brackets), its first level word, the pairs whose names
//! have a meaning (`logs::roles`: trace and span ids, flags, service), and its message: the text
//! after the first ` - ` past the level (else all text after the level), without those pairs.
//! A line that does not start with a date-time continues the line before (a stack trace).

use crate::logs::fields::{parse_time_text, severity_from_text, TimeRead};
use crate::logs::json::Json;
use crate::logs::record::LogSink;
use crate::logs::roles::{role_of, Role};
use crate::{Format, ImportError, Imported};
use std::borrow::Cow;
use strand_model::{Interner, StrId};

/// How many words after the time the level may come (a thread, a logger, a pid before it).
const LEVEL_WITHIN: usize = 4;

pub fn import(bytes: &[u8], file: &str, source: StrId, strings: &mut Interner) -> Result<Imported, ImportError> {
    let text = crate::utf8::text(bytes, file, 0)?;
    let mut sink = LogSink::with_size_hint(source, strings, bytes.len());
    let mut pending: Option<Line> = None;
    let mut stray = 0usize;
    let mut first_text = None;
    let mut any = false;
    for (at, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        first_text.get_or_insert(at + 1);
        match Line::read(raw) {
            Some(line) => {
                any = true;
                if let Some(done) = pending.replace(line) {
                    done.record(&mut sink);
                }
            }
            None => match pending.as_mut() {
                Some(line) => {
                    line.message.push('\n');
                    line.message.push_str(raw.trim_end());
                }
                None => stray += 1,
            },
        }
    }
    if let Some(done) = pending {
        done.record(&mut sink);
    }
    if !any {
        // Asked for as text logs (`--format text-logs`) but nothing in it reads as one.
        return Err(ImportError::Shape {
            file: file.to_string(),
            format: Format::TextLogs.label(),
            line: first_text.unwrap_or(1),
            column: 1,
            message: "no line starts with a date-time (a text log line starts with its time, then its level)".into(),
        });
    }
    let mut notes = Vec::new();
    sink.repairs.notes("line", &mut notes);
    if stray > 0 {
        let lines = if stray == 1 { "1 line".to_string() } else { format!("{stray} lines") };
        notes.push(format!("skipped {lines} before the first line that starts with a date-time"));
    }
    Ok(sink.finish(notes))
}

/// Whether `line` reads as a text log line: a leading date-time, then a level word.
pub(crate) fn is_log_line(line: &str) -> bool {
    Line::read(line).is_some_and(|l| !l.level.is_empty())
}

/// One line's parts, the message owned so that continuation lines can be added.
struct Line<'a> {
    time: &'a str,
    level: &'a str,
    message: String,
    pairs: Vec<(&'a str, &'a str)>,
}

impl<'a> Line<'a> {
    /// The parts of a line that starts with a date-time; `None` for any other line.
    fn read(raw: &'a str) -> Option<Line<'a>> {
        let (time, rest) = leading_time(raw)?;
        let mut words = words(rest);
        let level = words.by_ref().take(LEVEL_WITHIN).find(|(w, _)| w.len() >= 3 && severity_from_text(w) != 0);
        let (level, after_level) = match level {
            Some((word, end)) => (word, rest.get(end..).unwrap_or("")),
            None => ("", rest),
        };
        let body = after_level.split_once(" - ").map_or(after_level, |(_, message)| message);
        let mut pairs = Vec::new();
        for (word, _) in self::words(rest) {
            let Some((key, value)) = word.split_once('=') else { continue };
            if let Some(key) = known_key(key) {
                if !value.is_empty() {
                    pairs.push((key, value));
                }
            }
        }
        // The message without the pairs that were read (ids in the pattern before it).
        let read = |w: &str| {
            let pair = w.trim_matches(|c| c == '[' || c == ']' || c == ',').split_once('=');
            pair.is_some_and(|(k, _)| known_key(k).is_some())
        };
        let message: Vec<&str> = body.split_whitespace().filter(|w| !read(w)).collect();
        Some(Line { time, level, message: message.join(" "), pairs })
    }

    fn record(self, sink: &mut LogSink) {
        let mut fields: Vec<(Cow<str>, Json)> = vec![
            (Cow::Borrowed("time"), Json::Str(Cow::Borrowed(self.time))),
            (Cow::Borrowed("message"), Json::Str(Cow::Owned(self.message))),
        ];
        if !self.level.is_empty() {
            fields.push((Cow::Borrowed("level"), Json::Str(Cow::Borrowed(self.level))));
        }
        for (key, value) in self.pairs {
            fields.push((Cow::Borrowed(key), Json::Str(Cow::Borrowed(value))));
        }
        sink.record(&Json::Object(fields), &[]);
    }
}

/// The name a pair is read under when it carries the trace context or the service (Python's
/// logging instrumentation writes `resource.service.name`), else `None`.
fn known_key(key: &str) -> Option<&str> {
    if key == "resource.service.name" {
        return Some("service.name");
    }
    match role_of(key)?.0 {
        Role::TraceId(_) | Role::SpanId(_) | Role::TraceParent | Role::Flags | Role::Service => Some(key),
        _ => None,
    }
}

/// Words of `text` with brackets and a trailing comma or colon taken off, each with the byte
/// offset just past it in `text`.
fn words(text: &str) -> impl Iterator<Item = (&str, usize)> {
    let base = text.as_ptr() as usize;
    text.split_whitespace().map(move |w| {
        let end = w.as_ptr() as usize - base + w.len();
        (w.trim_matches(|c| c == '[' || c == ']' || c == '(' || c == ')').trim_end_matches([',', ':']), end)
    })
}

/// The date-time a line starts with (`2026-12-04 22:52:42,773`, `2026-12-04T22:52:42.773Z`,
/// with a zone word after it or not, in brackets or not) and the text after it.
fn leading_time(line: &str) -> Option<(&str, &str)> {
    let start = line.trim_start();
    let start = start.strip_prefix('[').unwrap_or(start);
    if !start.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    // Candidates, longest first: date and time with a zone word, date and time, one word.
    let mut ends: Vec<usize> = start.match_indices(char::is_whitespace).map(|(i, _)| i).take(3).collect();
    if ends.is_empty() {
        ends.push(start.len());
    }
    for &end in ends.iter().rev() {
        let text = start.get(..end)?.trim_end_matches(']');
        if text.len() < 10 || text.as_bytes().get(4).is_none_or(|&b| b != b'-') {
            continue;
        }
        if let TimeRead::Ok { .. } = parse_time_text(text) {
            let rest = start.get(end..)?.trim_start_matches(']');
            return Some((text, rest));
        }
    }
    None
}

#[cfg(test)]
mod tests;
