//! A first look at a large file while the rest of it is read: the complete elements of its
//! split array (`data`, a trace's `spans`, `resourceSpans`, … or whole JSON lines, as
//! [`crate::split`] picks) found in the file's first bytes, as a document of their own. The app
//! shows what that document holds until the whole file is imported, then replaces it: the
//! preview is never merged with the file's own import, so the result is the whole file's as
//! before. What a preview can lack: spans of its traces that come later in the file (a trace's
//! spans may be spread over the whole of an OTLP or JSON lines file), and everything after its
//! bytes. Only documents that split have a preview (Jaeger and OTLP; not Zipkin, not log lines).

use crate::split::{self, Level, Splitter};

/// A preview's document and how much of the file it covers.
#[derive(Debug, PartialEq, Eq)]
pub struct Preview {
    pub document: Vec<u8>,
    /// The bytes of the file the preview's elements come from (from the start).
    pub covered: u64,
}

/// How many of a file's last bytes [`document`] needs (the closing brackets, and a Jaeger
/// trace's `processes` when it is the one trace whose spans the preview holds).
pub const TAIL_BYTES: u64 = 1 << 20;

/// The preview of a document of `total` bytes from its `first` bytes and its `last` bytes
/// (which start at `last_offset`; at most [`TAIL_BYTES`] are needed). `None` when the
/// document does not split, when `first` holds no complete element, when its end does not read
/// as the end of the containers, or when `first` is the whole document.
pub fn document(first: &[u8], last: &[u8], last_offset: u64, total: u64) -> Option<Preview> {
    if first.len() as u64 >= total || last_offset.saturating_add(last.len() as u64) != total {
        return None;
    }
    // The outermost array with a complete element in `first`: whole traces or resources when the
    // first one fits, else the spans of the first one.
    let (_, candidates) = split::candidates(first);
    (0..candidates.len().max(1)).find_map(|level| at_level(first, last, last_offset, total, level))
}

/// [`document`] split at candidate `level` (JSON lines have one).
fn at_level(first: &[u8], last: &[u8], last_offset: u64, total: u64, level: usize) -> Option<Preview> {
    let mut splitter = Splitter::start(first, total, 1, Some(level))?;
    let tail = splitter.guess_tail(last, last_offset)?;
    // A target of one byte closes a part after every element: the last cut ends after the last
    // complete element of the window.
    let cuts = splitter.feed(0, first).ok()?;
    let end = cuts.last()?.body.end;
    if end > tail {
        return None;
    }
    let body = first.get(..usize::try_from(end).ok()?)?;
    let tail_at = usize::try_from(tail.checked_sub(last_offset)?).ok()?;
    if splitter.level() == (Level::Jaeger { enclosing_trace: true }) {
        // The spans of one trace, whose `processes` (the tail) come from the file's end: they are
        // this trace's only if no other trace follows it. Every Jaeger span names its trace: the
        // last span before the tail must be of the trace the file starts with.
        let first_id = trace_id(first, false)?;
        if trace_id(last.get(..tail_at)?, true)? != first_id {
            return None;
        }
    }
    let tail = last.get(tail_at..)?;
    let mut document = Vec::with_capacity(body.len() + tail.len());
    document.extend_from_slice(body);
    document.extend_from_slice(tail);
    Some(Preview { document, covered: end })
}

/// The value of the first (or `last`) `"traceID": "…"` in `bytes`. An unescaped `"traceID"`
/// followed by a colon is a key (inside a JSON string its quotes would be escaped).
fn trace_id(bytes: &[u8], last: bool) -> Option<&[u8]> {
    const KEY: &[u8] = b"\"traceID\"";
    let value_at = |at: usize| -> Option<&[u8]> {
        let rest = bytes.get(at + KEY.len()..)?;
        let rest = rest.get(rest.iter().position(|b| !b.is_ascii_whitespace())?..)?;
        let rest = rest.strip_prefix(b":")?;
        let rest = rest.get(rest.iter().position(|b| !b.is_ascii_whitespace())?..)?;
        let rest = rest.strip_prefix(b"\"")?;
        let len = rest.iter().position(|&b| b == b'"' || b == b'\\')?;
        (rest.get(len) == Some(&b'"')).then(|| rest.get(..len)).flatten()
    };
    let mut found = bytes.windows(KEY.len()).enumerate().filter(|(_, w)| *w == KEY).map(|(i, _)| i);
    if last {
        found.rev().find_map(value_at)
    } else {
        found.find_map(value_at)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
    use super::*;

    /// The preview of `doc` cut after `first` bytes, as text (or `-` for none).
    fn check(doc: &str, first: usize, expect: &str) {
        let last_offset = doc.len().saturating_sub(TAIL_BYTES as usize);
        let got =
            document(&doc.as_bytes()[..first], &doc.as_bytes()[last_offset..], last_offset as u64, doc.len() as u64);
        let got = got.map_or_else(|| "-".to_string(), |p| String::from_utf8(p.document).unwrap());
        assert_eq!(got, expect, "{doc:?} cut after {first} bytes");
    }

    const JAEGER: &str =
        r#"{"data":[{"traceID":"a","spans":[]},{"traceID":"b","spans":[]},{"traceID":"c","spans":[]}],"total":0}"#;

    #[test]
    fn a_preview_holds_the_complete_elements_and_the_documents_end() {
        // Inside the second trace: the first one only.
        check(JAEGER, 50, r#"{"data":[{"traceID":"a","spans":[]}],"total":0}"#);
        // An element is complete once the comma after it came: right after the second trace's
        // closing brace, the first one only; with the comma, both.
        let second_end = JAEGER.find(r#""b","spans":[]}"#).unwrap() + r#""b","spans":[]}"#.len();
        check(JAEGER, second_end, r#"{"data":[{"traceID":"a","spans":[]}],"total":0}"#);
        check(JAEGER, second_end + 1, r#"{"data":[{"traceID":"a","spans":[]},{"traceID":"b","spans":[]}],"total":0}"#);
        // Nothing complete yet, and the whole document: no preview.
        check(JAEGER, 20, "-");
        check(JAEGER, JAEGER.len(), "-");
    }

    #[test]
    fn json_lines_preview_whole_lines() {
        let doc = "{\"resourceSpans\":[]}\n{\"resourceSpans\":[1]}\n{\"resourceSpans\":[2]}\n";
        check(doc, 30, "{\"resourceSpans\":[]}\n");
        check(doc, 43, "{\"resourceSpans\":[]}\n{\"resourceSpans\":[1]}\n");
    }

    #[test]
    fn documents_that_do_not_split_have_no_preview() {
        // Zipkin: a span's fragments may be anywhere in the file.
        let zipkin = r#"[{"traceId":"a","id":"1","name":"x"},{"traceId":"a","id":"2","name":"y"}]"#;
        check(zipkin, 40, "-");
        // Not JSON at all.
        check("hello, world, this is not a trace file", 10, "-");
    }

    #[test]
    fn the_spans_of_a_jaeger_trace_preview_only_when_no_other_trace_follows() {
        // One trace: its first spans, with the processes from the file's end.
        let one = r#"{"data":[{"traceID":"a","spans":[{"traceID":"a","spanID":"1"},{"traceID":"a","spanID":"2"},{"traceID":"a","spanID":"3"}],"processes":{"p":{"serviceName":"s"}}}]}"#;
        let third = one.find(r#"{"traceID":"a","spanID":"3""#).unwrap();
        check(
            one,
            third,
            r#"{"data":[{"traceID":"a","spans":[{"traceID":"a","spanID":"1"},{"traceID":"a","spanID":"2"}],"processes":{"p":{"serviceName":"s"}}}]}"#,
        );
        // Another trace after it: the processes at the end are that trace's, not this one's.
        let two = r#"{"data":[{"traceID":"a","spans":[{"traceID":"a","spanID":"1"},{"traceID":"a","spanID":"2"},{"traceID":"a","spanID":"3"}],"processes":{"p":{"serviceName":"s"}}},{"traceID":"b","spans":[{"traceID":"b","spanID":"4"}],"processes":{"p":{"serviceName":"t"}}}]}"#;
        check(two, third, "-");
    }

    #[test]
    fn the_last_bytes_must_be_the_documents_end() {
        let doc = JAEGER.as_bytes();
        assert_eq!(document(&doc[..50], &doc[10..20], 10, doc.len() as u64), None);
    }
}
