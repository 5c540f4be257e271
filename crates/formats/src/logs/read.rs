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
    let read = count_lines(crate::detect::strip_bom(bytes), file, format, line);
    read.into_notes()
}

/// What [`count_lines`] found: enough to write the notes of a file, or of a file whose parts
/// were read apart and then joined (`logs::parts`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LinesRead {
    /// How many `\n` the bytes hold (a later part's line numbers start after them).
    pub newlines: u64,
    pub good: u64,
    pub skipped: u64,
    /// The first [`MAX_LINE_NOTES`] lines' errors, in order.
    pub errors: Vec<ImportError>,
}

impl LinesRead {
    /// The notes about skipped lines, or the first error when no line could be used.
    pub fn into_notes(self) -> Result<Vec<String>, ImportError> {
        let mut errors = self.errors.into_iter();
        if self.good == 0 {
            if let Some(first) = errors.next() {
                return Err(first);
            }
        }
        let mut notes: Vec<String> =
            errors.map(|err| format!("skipped a line that could not be read: {err}")).collect();
        if self.skipped > MAX_LINE_NOTES as u64 {
            notes.push(format!("skipped {} more lines that could not be read", self.skipped - MAX_LINE_NOTES as u64));
        }
        Ok(notes)
    }

    /// Adds what a later part of the same file read (its line numbers were counted from its own
    /// start).
    pub fn append(&mut self, later: LinesRead) {
        let offset = usize::try_from(self.newlines).unwrap_or(usize::MAX);
        let room = MAX_LINE_NOTES.saturating_sub(self.errors.len());
        self.errors.extend(later.errors.into_iter().take(room).map(|err| err.moved_down(offset)));
        self.newlines = self.newlines.saturating_add(later.newlines);
        self.good = self.good.saturating_add(later.good);
        self.skipped = self.skipped.saturating_add(later.skipped);
    }
}

/// [`read_lines`] without its notes; `bytes` as they are (a part after the first has no BOM to
/// strip).
pub(crate) fn count_lines(
    bytes: &[u8],
    file: &str,
    format: Format,
    line: &mut dyn FnMut(&str) -> Result<(), serde_json::Error>,
) -> LinesRead {
    let mut read = LinesRead::default();
    for (line_no, raw) in lines(bytes).enumerate() {
        read.newlines = line_no as u64;
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let result = crate::utf8::text(raw, file, line_no).and_then(|text| {
            line(text.trim_end_matches('\r')).map_err(|e| ImportError::from_json(file, format, &e, line_no))
        });
        match result {
            Ok(()) => read.good += 1,
            Err(err) => {
                read.skipped += 1;
                if read.errors.len() < MAX_LINE_NOTES {
                    read.errors.push(err);
                }
            }
        }
    }
    read
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
