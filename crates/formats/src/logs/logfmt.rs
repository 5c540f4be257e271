//! logfmt lines (`time=… level=info msg="handling request" trace_id=…`): Go's `log/slog` text
//! handler, logrus, and most Go and Heroku-style loggers write them. Read by the Loki importer
//! for each line that is not JSON, and as a log file of their own by `json_logs`. Depends on
//! `logs::json`.

use super::json::Json;
use std::borrow::Cow;

/// logfmt: `key=value key="quoted \"value\"" bare`; `None` unless it starts with a pair.
pub fn logfmt(line: &str) -> Option<Vec<(Cow<'_, str>, Json<'_>)>> {
    let mut fields = Vec::new();
    let mut rest = line.trim_start();
    while !rest.is_empty() {
        let key_end = rest.find([' ', '=', '"', '\t']).unwrap_or(rest.len());
        let (key, after) = rest.split_at(key_end);
        if key.is_empty() {
            return None;
        }
        if let Some(value_text) = after.strip_prefix('=') {
            let (value, remaining) = logfmt_value(value_text)?;
            fields.push((Cow::Borrowed(key), Json::Str(value)));
            rest = remaining.trim_start();
        } else {
            if fields.is_empty() || after.starts_with('"') {
                return None;
            }
            fields.push((Cow::Borrowed(key), Json::Bool(true)));
            rest = after.trim_start();
        }
    }
    (!fields.is_empty()).then_some(fields)
}

fn logfmt_value(text: &str) -> Option<(Cow<'_, str>, &str)> {
    let Some(quoted) = text.strip_prefix('"') else {
        let end = text.find([' ', '\t']).unwrap_or(text.len());
        let (value, rest) = text.split_at(end);
        return Some((Cow::Borrowed(value), rest));
    };
    // Most quoted values have no escape: borrowed, not copied.
    if let Some(end) = quoted.find(['"', '\\']) {
        if quoted.as_bytes().get(end) == Some(&b'"') {
            return Some((Cow::Borrowed(quoted.get(..end)?), quoted.get(end + 1..).unwrap_or("")));
        }
    }
    let mut value = String::new();
    let mut chars = quoted.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((Cow::Owned(value), quoted.get(i + 1..).unwrap_or(""))),
            '\\' => match chars.next() {
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, 'r')) => value.push('\r'),
                Some((_, other)) => value.push(other),
                None => return None,
            },
            other => value.push(other),
        }
    }
    None
}
