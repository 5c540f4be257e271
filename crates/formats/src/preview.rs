//! A first look at a large file while the rest of it is read: the complete elements of its
//! split array (`data`, a trace's `spans`, `resourceSpans`, … or whole JSON lines, as
//! [`crate::split`] picks) found in the file's first bytes, as a document of their own. The app
//! shows what that document holds until the whole file is imported, then replaces it: the
//! preview is never merged with the file's own import, so the result is the whole file's as
//! before. What a preview can lack: spans of its traces that come later in the file (a trace's
//! spans may be spread over the whole of an OTLP or JSON lines file), and everything after its
//! bytes. Documents that split have a preview (Jaeger and OTLP), and Zipkin's list of traces
//! (`[[…], […]]`: whole traces); a flat Zipkin list of spans and log lines have none.

use crate::split::{self, Level, Splitter};
use crate::Format;

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

/// The window is scanned this many bytes at a time.
const FEED_BYTES: usize = 256 << 10;

/// The preview of a document of `total` bytes from its `first` bytes and its `last` bytes
/// (which start at `last_offset`; at most [`TAIL_BYTES`] are needed). `None` when the
/// document does not split, when `first` holds no complete element, when its end does not read
/// as the end of the containers, when what it holds is less than an eighth of `first`, or when
/// `first` is the whole document.
pub fn document(first: &[u8], last: &[u8], last_offset: u64, total: u64) -> Option<Preview> {
    if first.len() as u64 >= total || last_offset.saturating_add(last.len() as u64) != total {
        return None;
    }
    let enough = first.len() as u64 / 8;
    if let Some(preview) = zipkin_traces(first) {
        return (preview.covered >= enough).then_some(preview);
    }
    // The outermost array whose complete elements fill an eighth of `first` or more: whole
    // traces or resources when the first ones fit, else the spans of the first one. (A first
    // resource of a few spans followed by one of millions would show next to nothing.)
    let (_, candidates) = split::candidates(first);
    (0..candidates.len().max(1))
        .find_map(|level| at_level(first, last, last_offset, total, level).filter(|p| p.covered >= enough))
}

/// [`document`] split at candidate `level` (JSON lines have one).
fn at_level(first: &[u8], last: &[u8], last_offset: u64, total: u64, level: usize) -> Option<Preview> {
    // A target of one byte closes a part after every element; the window is fed a slice at a
    // time, so only one slice's cuts are held: the last one ends after the window's last
    // complete element.
    let mut splitter = Splitter::start(first, total, 1, Some(level))?;
    let tail = splitter.guess_tail(last, last_offset)?;
    let mut end = None;
    for (i, slice) in first.chunks(FEED_BYTES).enumerate() {
        if let Some(cut) = splitter.feed((i * FEED_BYTES) as u64, slice).ok()?.pop() {
            end = Some(cut.body.end);
        }
    }
    let end = end?;
    if end > tail {
        return None;
    }
    let body = first.get(..usize::try_from(end).ok()?)?;
    let tail_at = usize::try_from(tail.checked_sub(last_offset)?).ok()?;
    let tail_bytes = last.get(tail_at..)?;
    match splitter.level() {
        Level::Jaeger { enclosing_trace: true } => {
            // The spans of one trace, whose `processes` (the tail) come from the file's end: they
            // are this trace's only if no other trace follows it. Every Jaeger span names its
            // trace: every trace id in the last bytes before the tail must be the one the file
            // starts with (a span's own, a reference's, the trace's).
            let first_id = trace_id(first)?;
            let before_tail = last.get(..tail_at)?;
            if !trace_ids(before_tail).all(|id| id == first_id) || trace_id(before_tail).is_none() {
                return None;
            }
        }
        // The spans or scopes of the first resource (and scope), under the head's resource: the
        // tail must not bring another one's (`"resource": {…}` written after `scopeSpans`).
        Level::Otlp { shared_resources, shared_scopes }
            if shared_resources + shared_scopes > 0 && !split::opens_no_container(tail_bytes) =>
        {
            return None;
        }
        _ => {}
    }
    let mut document = Vec::with_capacity(body.len() + tail_bytes.len());
    document.extend_from_slice(body);
    document.extend_from_slice(tail_bytes);
    Some(Preview { document, covered: end })
}

/// A Zipkin list of traces (`[[span…], […]]`, the API's search answer): its complete traces.
/// Each is a trace as the collector grouped it; a span's other half in a later one (rare) shows
/// once the file has loaded.
fn zipkin_traces(first: &[u8]) -> Option<Preview> {
    // Without a byte-order mark (the importer skips one too); `[[` can also start a list of
    // Fluent events, which detection tells apart.
    let bom = first.len() - crate::detect::strip_bom(first).len();
    let text = first.get(bom..)?;
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    let after = text.get(start + 1..)?;
    let inner = after.iter().position(|b| !b.is_ascii_whitespace())?;
    let zipkin = matches!(crate::detect::detect(text), crate::detect::Detected::Found(Format::Zipkin));
    if after.get(inner) != Some(&b'[') || !zipkin {
        return None;
    }
    let end = bom + split::last_complete_element(text)?;
    let mut document = first.get(..end)?.to_vec();
    document.push(b']');
    Some(Preview { document, covered: end as u64 })
}

/// The values of every `"traceID": "…"` in `bytes`. An unescaped `"traceID"` followed by a
/// colon is a key (inside a JSON string its quotes would be escaped).
fn trace_ids(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    const KEY: &[u8] = b"\"traceID\"";
    let value_at = move |at: usize| -> Option<&[u8]> {
        let rest = bytes.get(at + KEY.len()..)?;
        let rest = rest.get(rest.iter().position(|b| !b.is_ascii_whitespace())?..)?;
        let rest = rest.strip_prefix(b":")?;
        let rest = rest.get(rest.iter().position(|b| !b.is_ascii_whitespace())?..)?;
        let rest = rest.strip_prefix(b"\"")?;
        let len = rest.iter().position(|&b| b == b'"' || b == b'\\')?;
        (rest.get(len) == Some(&b'"')).then(|| rest.get(..len)).flatten()
    };
    bytes.windows(KEY.len()).enumerate().filter(|(_, w)| *w == KEY).filter_map(move |(i, _)| value_at(i))
}

/// The first trace id in `bytes` ([`trace_ids`]).
fn trace_id(bytes: &[u8]) -> Option<&[u8]> {
    trace_ids(bytes).next()
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
    fn a_zipkin_list_of_traces_previews_whole_traces() {
        let doc = r#"[[{"traceId":"a","id":"1"}],[{"traceId":"b","id":"2"},{"traceId":"b","id":"3"}],[{"traceId":"c","id":"4"}]]"#;
        check(doc, 45, r#"[[{"traceId":"a","id":"1"}]]"#);
        let third = doc.find(r#"[{"traceId":"c""#).unwrap();
        check(doc, third, r#"[[{"traceId":"a","id":"1"}],[{"traceId":"b","id":"2"},{"traceId":"b","id":"3"}]]"#);
        // A string holding brackets and commas is not a boundary; a broken end is no preview.
        let tricky = r#"[[{"traceId":"a","id":"1","name":"],[x"}],[{"traceId":"b","id":"2"}]]"#;
        check(tricky, 50, r#"[[{"traceId":"a","id":"1","name":"],[x"}]]"#);
        check(r#"[[{"id":"1"}]]]],[{"id":"2"}],"#, 28, "-");
        // With a byte-order mark.
        let bom = format!("\u{feff}{doc}");
        check(&bom, 48, "\u{feff}[[{\"traceId\":\"a\",\"id\":\"1\"}]]");
        // A list of Fluent events is log lines, not traces: none.
        let fluent =
            r#"[[1714564800.5,{"log":"a","trace_id":"x"}],[1714564801.5,{"log":"b"}],[1714564802.5,{"log":"c"}]]"#;
        check(fluent, 60, "-");
    }

    #[test]
    fn documents_that_do_not_split_have_no_preview() {
        // A flat Zipkin list of spans: a span's fragments may be anywhere in the file.
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
    fn a_reference_to_the_first_trace_in_a_later_one_is_not_the_same_trace() {
        // The last trace's span refers to the first trace: still another trace, with its own
        // processes at the end.
        let doc = r#"{"data":[{"traceID":"a","spans":[{"traceID":"a","spanID":"1"},{"traceID":"a","spanID":"2"},{"traceID":"a","spanID":"3"}],"processes":{"p":{"serviceName":"s"}}},{"traceID":"b","spans":[{"traceID":"b","spanID":"4","references":[{"traceID":"a","spanID":"3"}]}],"processes":{"p":{"serviceName":"t"}}}]}"#;
        let third = doc.find(r#"{"traceID":"a","spanID":"3""#).unwrap();
        check(doc, third, "-");
    }

    #[test]
    fn the_spans_of_a_resource_preview_only_under_their_own_resource() {
        let doc = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"r1"}}]},"scopeSpans":[{"spans":[{"spanId":"1"},{"spanId":"2"},{"spanId":"3"}]}]},{"scopeSpans":[{"spans":[{"spanId":"4"}]}],"schemaUrl":"x"}]}"#;
        let third = doc.find(r#"{"spanId":"3""#).unwrap();
        check(
            doc,
            third,
            r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"r1"}}]},"scopeSpans":[{"spans":[{"spanId":"1"},{"spanId":"2"}]}],"schemaUrl":"x"}]}"#,
        );
        // The last resource written after its spans: its attributes must not come with the tail.
        let after = doc.replace(r#""schemaUrl":"x""#, r#""resource":{"attributes":[]}"#);
        check(&after, third, "-");
    }

    #[test]
    fn a_first_look_at_next_to_nothing_is_none() {
        // A first resource of one span, then one too large for the window: what the window's
        // complete elements hold is under an eighth of it.
        let big: String = (0..200).map(|i| format!(r#"{{"spanId":"{i:04}"}},"#)).collect();
        let doc = format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"spanId":"1"}}]}}]}},{{"scopeSpans":[{{"spans":[{big}{{"spanId":"x"}}]}}]}}]}}"#
        );
        check(&doc, 1000, "-");
    }

    #[test]
    fn a_crafted_end_does_not_make_the_tail_guess_read_it_over_and_over() {
        // Every `]` here starts a try that reads to the end (up to 1 MB): unbounded, that is hours.
        let mut doc = String::from(
            r#"{"data":[{"traceID":"a","spans":[{"traceID":"a","spanID":"1"},{"traceID":"a","spanID":"2"},"#,
        );
        doc.push(']');
        for _ in 0..250_000 {
            doc.push_str(r#","a":[]"#);
        }
        doc.push('x');
        check(&doc, 60, "-");
    }

    #[test]
    fn the_last_bytes_must_be_the_documents_end() {
        let doc = JAEGER.as_bytes();
        assert_eq!(document(&doc[..50], &doc[10..20], 10, doc.len() as u64), None);
    }
}
