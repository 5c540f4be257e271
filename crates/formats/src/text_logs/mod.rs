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
use strand_model::ids::{parse_hex_u128, parse_hex_u64};
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
    pairs: Pairs<'a>,
}

impl<'a> Line<'a> {
    /// The parts of a line that starts with a date-time; `None` for any other line.
    fn read(raw: &'a str) -> Option<Line<'a>> {
        let (time, rest) = leading_time(raw)?;
        let level = words(rest).take(LEVEL_WITHIN).find(|(w, _)| w.len() >= 3 && severity_from_text(w) != 0);
        let (level, after_level) = match level {
            Some((word, end)) => (word, rest.get(end..).unwrap_or("")),
            None => ("", rest),
        };
        let (header, body) = split_header(after_level);
        let mut pairs = Pairs::default();
        for (word, _) in words(header) {
            if !pairs.add_word(word) {
                spring_correlation(&mut pairs, word);
            }
        }
        // Pairs a pattern puts first in the message (`- trace_id=%mdc{trace_id} … %msg`); those
        // inside the message are its text.
        let mut body = body.trim();
        while let Some(word) = body.split_whitespace().next() {
            if !pairs.add_word(word) {
                break;
            }
            body = body.get(word.len()..).unwrap_or("").trim_start();
        }
        // Without a trace id so far, pairs the pattern puts last (`%msg trace_id=%X{trace_id}`).
        if !pairs.has_trace_id() {
            while let Some(word) = body.split_whitespace().next_back() {
                if !pairs.add_word(word) {
                    break;
                }
                body = body.get(..body.len().saturating_sub(word.len())).unwrap_or("").trim_end();
            }
        }
        Some(Line { time, level, message: body.to_string(), pairs })
    }

    fn record(self, sink: &mut LogSink) {
        let mut fields: Vec<(Cow<str>, Json)> = vec![
            (Cow::Borrowed("time"), Json::Str(Cow::Borrowed(self.time))),
            (Cow::Borrowed("message"), Json::Str(Cow::Owned(self.message))),
        ];
        if !self.level.is_empty() {
            fields.push((Cow::Borrowed("level"), Json::Str(Cow::Borrowed(self.level))));
        }
        for (_, key, value) in self.pairs.list {
            fields.push((Cow::Borrowed(key), Json::Str(Cow::Borrowed(value))));
        }
        sink.record(&Json::Object(fields), &[]);
    }
}

/// The trace-context pairs of a line: at most one per meaning, the first kept (so a hostile
/// line of many spellings of `trace_id=` costs no more than a plain one).
#[derive(Default)]
struct Pairs<'a> {
    list: Vec<(Role, &'a str, &'a str)>,
}

impl<'a> Pairs<'a> {
    /// Reads `word` when it is made of trace-context pairs only (`trace_id=…`, also several
    /// joined by commas as `%X` writes a map: `{span_id=…, trace_id=…}`); whether it was.
    fn add_word(&mut self, word: &'a str) -> bool {
        let pieces = || word.split(',').map(unbracket).filter(|p| !p.is_empty());
        let known = |piece: &str| piece.split_once('=').and_then(|(key, _)| context_role(key)).is_some();
        if pieces().next().is_none() || !pieces().all(known) {
            return false;
        }
        for (key, value) in pieces().filter_map(|p| p.split_once('=')) {
            if let Some(role) = context_role(key) {
                self.add(role, key, value);
            }
        }
        true
    }

    fn add(&mut self, role: Role, key: &'a str, value: &'a str) {
        if !value.is_empty() && !self.list.iter().any(|(r, _, _)| r.slot() == role.slot()) {
            self.list.push((role, key, value));
        }
    }

    fn has_trace_id(&self) -> bool {
        self.list.iter().any(|(r, _, _)| matches!(r, Role::TraceId(_)))
    }
}

/// The meaning of a pair's name when it carries the trace context or the service.
fn context_role(key: &str) -> Option<Role> {
    match role_of(key)?.0 {
        role @ (Role::TraceId(_) | Role::SpanId(_) | Role::TraceParent | Role::Flags | Role::Service) => Some(role),
        _ => None,
    }
}

/// Spring Boot's correlation of the trace context: `[application,traceId,spanId]` (Sleuth and
/// Spring Boot 3.0–3.1; Sleuth 2 adds a fourth part) or `[traceId-spanId]` (3.2 and later).
fn spring_correlation<'a>(pairs: &mut Pairs<'a>, word: &'a str) {
    let trace_id = |s: &str| matches!(s.len(), 16 | 32) && parse_hex_u128(s).is_some();
    let span_id = |s: &str| s.len() == 16 && parse_hex_u64(s).is_some();
    let mut parts = word.split(',');
    if let (Some(app), Some(trace), Some(span)) = (parts.next(), parts.next(), parts.next()) {
        if trace_id(trace) && span_id(span) {
            pairs.add(Role::TraceId(false), "trace_id", trace);
            pairs.add(Role::SpanId(false), "span_id", span);
            pairs.add(Role::Service, "service.name", app);
        }
    } else if let Some((trace, span)) = word.split_once('-') {
        if trace_id(trace) && span_id(span) {
            pairs.add(Role::TraceId(false), "trace_id", trace);
            pairs.add(Role::SpanId(false), "span_id", span);
        }
    }
}

/// `text` without the brackets, braces and parentheses around it.
fn unbracket(text: &str) -> &str {
    text.trim_matches(|c| matches!(c, '[' | ']' | '(' | ')' | '{' | '}'))
}

/// Words of `text` with brackets and braces and a trailing comma or colon taken off, each with
/// the byte offset just past it in `text`.
fn words(text: &str) -> impl Iterator<Item = (&str, usize)> {
    let base = text.as_ptr() as usize;
    text.split_whitespace().map(move |w| {
        let end = (w.as_ptr() as usize).saturating_sub(base).saturating_add(w.len());
        (unbracket(w).trim_end_matches([',', ':']), end)
    })
}

/// How many words may come between the level and the ` - ` (or ` : `) that ends a pattern's
/// header (a thread, a logger, a pid, Python's bracketed trace context).
const HEADER_WORDS: usize = 10;

/// The header of the text after the level (up to a lone `-` or `:` within [`HEADER_WORDS`]
/// words) and the message after it; without such a separator, no header.
fn split_header(text: &str) -> (&str, &str) {
    let base = text.as_ptr() as usize;
    for word in text.split_whitespace().take(HEADER_WORDS + 1) {
        if word == "-" || word == ":" {
            let at = (word.as_ptr() as usize).saturating_sub(base);
            return (text.get(..at).unwrap_or(""), text.get(at + 1..).unwrap_or(""));
        }
    }
    ("", text)
}

/// The date-time a line starts with (`2026-12-04 22:52:42,773`, `2026-12-04T22:52:42.773Z`,
/// with a zone word after it or not, in brackets or not) and the text after it. The words that
/// make it are chosen by their shape, so a line is parsed once (again only when a word that
/// looks like a zone, or the time, turns out not to be one).
fn leading_time(line: &str) -> Option<(&str, &str)> {
    let start = line.trim_start();
    let start = start.strip_prefix('[').unwrap_or(start);
    if !start.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    // The first three words and where each ends.
    let base = start.as_ptr() as usize;
    let ends: Vec<(&str, usize)> = start
        .split_whitespace()
        .take(3)
        .map(|w| (w, (w.as_ptr() as usize).saturating_sub(base).saturating_add(w.len())))
        .collect();
    let word = |i: usize| ends.get(i).map_or("", |(w, _)| w.trim_end_matches(']'));
    let end = |i: usize| ends.get(i).map_or(start.len(), |(_, e)| *e);
    // A date and a time in two words, or one word (`…T…`, or a date alone).
    let time_word = !word(0).contains(['T', ':']) && word(1).as_bytes().first().is_some_and(u8::is_ascii_digit);
    let last = usize::from(time_word);
    let zone = |w: &str| {
        w.starts_with(['+', '-']) && w.as_bytes().get(1).is_some_and(u8::is_ascii_digit)
            || matches!(w, "Z" | "UTC" | "GMT")
    };
    // With a zone word first; a date whose time word is not one (`2026-12-04 09:`) last.
    let mut candidates = vec![end(last)];
    if zone(word(last + 1)) {
        candidates.insert(0, end(last + 1));
    }
    if time_word {
        candidates.push(end(0));
    }
    for end in candidates {
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
