//! Reading the records of a log document, whatever its layout: JSON lines (one record per line;
//! a broken line is skipped and named, the others load), a top-level array of records (read one
//! element at a time), or one or more JSON values one after another (a single document, or
//! pretty-printed objects written back to back). Depends on `formats` errors and `logs::json`.

use super::json::Json;
use crate::{Format, ImportError};
use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use std::fmt;

/// How many unreadable lines of a file get a note of their own; the rest are counted.
const MAX_LINE_NOTES: usize = 20;

/// Calls `line` with the text of every non-blank line. A line that is not UTF-8, or whose
/// `line` call fails, is skipped and named in the notes; if no line could be used, the first
/// error is returned instead.
pub fn read_lines(
    bytes: &[u8],
    file: &str,
    format: Format,
    line: &mut dyn FnMut(&str) -> Result<(), serde_json::Error>,
) -> Result<Vec<String>, ImportError> {
    let bytes = crate::detect::strip_bom(bytes);
    let mut notes = Vec::new();
    let mut first_error = None;
    let (mut good, mut skipped) = (0usize, 0usize);
    for (line_no, raw) in lines(bytes).enumerate() {
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let result = crate::utf8::text(raw, file, line_no).and_then(|text| {
            line(text.trim_end_matches('\r')).map_err(|e| ImportError::from_json(file, format, &e, line_no))
        });
        match result {
            Ok(()) => good += 1,
            Err(err) => {
                skipped += 1;
                if skipped <= MAX_LINE_NOTES {
                    notes.push(format!("skipped a line that could not be read: {err}"));
                    first_error.get_or_insert(err);
                }
            }
        }
    }
    if skipped > MAX_LINE_NOTES {
        notes.push(format!("skipped {} more lines that could not be read", skipped - MAX_LINE_NOTES));
    }
    match first_error {
        Some(err) if good == 0 => Err(err),
        _ => Ok(notes),
    }
}

/// The lines of `bytes` (split at `\n`, eight bytes at a time).
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let text = rest?;
        match crate::detect::find_newline(text) {
            Some(end) => {
                rest = text.get(end + 1..);
                text.get(..end)
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

/// Reads a document that is not JSON lines: a top-level array hands `each` its elements one at a
/// time; otherwise every top-level value (one, or several back to back) goes to `each` whole.
pub fn read_values(bytes: &[u8], file: &str, format: Format, each: &mut dyn FnMut(Json)) -> Result<(), ImportError> {
    let bytes = crate::detect::strip_bom(bytes);
    let located = |e: serde_json::Error| ImportError::from_json(file, format, &e, 0);
    let starts_with_array = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    let text = crate::utf8::text(bytes, file, 0)?;
    if starts_with_array {
        let mut de = serde_json::Deserializer::from_str(text);
        ElementSeed { each }.deserialize(&mut de).map_err(located)?;
        de.end().map_err(located)
    } else {
        for value in serde_json::Deserializer::from_str(text).into_iter::<Json>() {
            each(value.map_err(located)?);
        }
        Ok(())
    }
}

/// A top-level array whose elements are converted as they are read.
struct ElementSeed<'f> {
    each: &'f mut dyn FnMut(Json),
}

impl<'de> DeserializeSeed<'de> for ElementSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ElementSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of log records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(element) = seq.next_element::<Json<'de>>()? {
            (self.each)(element);
        }
        Ok(())
    }
}
