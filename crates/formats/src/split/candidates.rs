//! Finding the arrays a document could split at, from its first bytes: a cursor that reads keys
//! and skips values, the candidate arrays per format (outermost first), and the choice among them.
//! Depends on `detect` and the scan of [`super`].

use super::{Format, Frame, Level};
use crate::json_scan::{Cursor, Skipped};

/// Keys of the containers around a split array that carry spans of their own (besides the
/// array): a document where one of them sits in the head or tail is not split.
const JAEGER_TOP: &[&str] = &["data", "spans"];
const JAEGER_TRACE: &[&str] = &["spans"];
/// Keys of an OTLP document that hold spans: a part repeats the document's head and tail, so a
/// document with more than its split array among them (a bare `ResourceSpans` beside
/// `resourceSpans`) is not split.
const OTLP_DOC: &[&str] = &[
    "resourceSpans",
    "resource_spans",
    "batches",
    "result",
    "trace",
    "scopeSpans",
    "scope_spans",
    "instrumentationLibrarySpans",
    "instrumentation_library_spans",
];
const OTLP_RESOURCE: &[&str] =
    &["scopeSpans", "scope_spans", "instrumentationLibrarySpans", "instrumentation_library_spans"];
const OTLP_SCOPE: &[&str] = &["spans"];

/// An array the document could split at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Position of the array's `[`.
    pub(super) open: usize,
    /// Containers around it, outermost first.
    pub(super) frames: Vec<Frame>,
    pub(super) level: Level,
    pub(super) elements: Count,
}

/// How many elements an array has, as far as the first bytes of the file tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Count {
    Empty,
    One,
    Many,
    Unknown,
}

/// The arrays a document could split at, outermost first, found in its first bytes; empty for
/// formats that do not split.
pub fn candidates(window: &[u8]) -> (Option<Format>, Vec<Candidate>) {
    let format = match crate::detect::detect(window) {
        crate::detect::Detected::Found(f) => f,
        crate::detect::Detected::Unknown(_) => return (None, Vec::new()),
    };
    let bom = window.len() - crate::detect::strip_bom(window).len();
    let mut c = Cursor::new(window, bom);
    let found = match format {
        Format::Jaeger => jaeger_candidates(&mut c),
        Format::Otlp => otlp_candidates(&mut c, Vec::new(), 0),
        _ => None,
    };
    (Some(format), found.unwrap_or_default())
}

fn jaeger_candidates(c: &mut Cursor) -> Option<Vec<Candidate>> {
    c.skip_ws();
    let mut out = Vec::new();
    match c.peek()? {
        b'{' => {
            c.pos += 1;
            let key = find_key(c, &["data", "spans"], JAEGER_TOP)?;
            let frames = vec![Frame::Object(JAEGER_TOP)];
            let outer = array(c, frames.clone(), Level::Jaeger { enclosing_trace: key == "spans" })?;
            let inner = key == "data";
            out.push(outer.clone());
            if inner && enter_first_object(c, &outer) {
                let key = find_key(c, &["spans"], JAEGER_TRACE);
                if key.is_some() {
                    let frames = vec![Frame::Object(JAEGER_TOP), Frame::Array, Frame::Object(JAEGER_TRACE)];
                    out.extend(array(c, frames, Level::Jaeger { enclosing_trace: true }));
                }
            }
        }
        b'[' => {
            let outer = array(c, Vec::new(), Level::Jaeger { enclosing_trace: false })?;
            out.push(outer.clone());
            if enter_first_object(c, &outer) && find_key(c, &["spans"], JAEGER_TRACE).is_some() {
                let frames = vec![Frame::Array, Frame::Object(JAEGER_TRACE)];
                out.extend(array(c, frames, Level::Jaeger { enclosing_trace: true }));
            }
        }
        _ => return None,
    }
    Some(out)
}

/// OTLP: `resourceSpans` (or `batches`) of the document or of its `result`/`trace` envelope, the
/// first resource's `scopeSpans`, the first scope's `spans`.
fn otlp_candidates(c: &mut Cursor, mut frames: Vec<Frame>, depth: usize) -> Option<Vec<Candidate>> {
    c.skip_ws();
    if c.peek()? != b'{' || depth > 4 {
        return None;
    }
    c.pos += 1;
    frames.push(Frame::Object(OTLP_DOC));
    let key = find_key(c, &["resourceSpans", "resource_spans", "batches", "result", "trace"], OTLP_DOC)?;
    if key == "result" || key == "trace" {
        return otlp_candidates(c, frames, depth + 1);
    }
    let mut out = Vec::new();
    let resources = array(c, frames.clone(), Level::Otlp { shared_resources: 0, shared_scopes: 0 })?;
    out.push(resources.clone());
    if !enter_first_object(c, &resources) {
        return Some(out);
    }
    frames.extend([Frame::Array, Frame::Object(OTLP_RESOURCE)]);
    let keys = ["scopeSpans", "scope_spans", "instrumentationLibrarySpans", "instrumentation_library_spans"];
    if find_key(c, &keys, OTLP_RESOURCE).is_none() {
        return Some(out);
    }
    let scopes = array(c, frames.clone(), Level::Otlp { shared_resources: 1, shared_scopes: 0 })?;
    out.push(scopes.clone());
    if !enter_first_object(c, &scopes) {
        return Some(out);
    }
    frames.extend([Frame::Array, Frame::Object(OTLP_SCOPE)]);
    if find_key(c, &["spans"], OTLP_SCOPE).is_some() {
        out.extend(array(c, frames, Level::Otlp { shared_resources: 1, shared_scopes: 1 }));
    }
    Some(out)
}

/// The array to split at: the outermost one known to have several elements; when the first
/// bytes do not tell, Jaeger goes inside (a big Jaeger file is nearly always one trace) and OTLP
/// stays outside (its big files have a resource per service).
pub fn choose(format: Format, candidates: &[Candidate]) -> Option<usize> {
    for (i, c) in candidates.iter().enumerate() {
        let deeper = candidates.len() > i + 1;
        match c.elements {
            Count::Empty => return None,
            Count::Many => return Some(i),
            Count::One if deeper => continue,
            Count::One => return None,
            Count::Unknown if format == Format::Jaeger && deeper => continue,
            Count::Unknown => return Some(i),
        }
    }
    None
}

/// The raw text of the key at the cursor, past its `:`; `None` for a key with an escape (the
/// importer would read it decoded) or when the bytes end.
pub(super) fn plain_key<'a>(c: &mut Cursor<'a>) -> Option<&'a str> {
    let key = c.key()?;
    if key.escaped || !c.colon() {
        return None;
    }
    std::str::from_utf8(key.raw).ok()
}

/// Skips one value; false when the bytes end first (a scalar at their very end counts as
/// unfinished: more digits could follow).
pub(super) fn skip_whole(c: &mut Cursor) -> bool {
    c.skip_value() == Skipped::Value
}

/// In an object (just past its `{` or a value), finds the first key of `wanted` and stops at its
/// value; `None` if a key of `deny` comes first, or the object or the bytes end.
fn find_key(c: &mut Cursor, wanted: &[&str], deny: &[&str]) -> Option<String> {
    loop {
        let key = c.next_key()?;
        if key.escaped || !c.colon() {
            return None;
        }
        let key = std::str::from_utf8(key.raw).ok()?;
        if wanted.contains(&key) {
            return Some(key.to_string());
        }
        if deny.contains(&key) || !skip_whole(c) {
            return None;
        }
    }
}

/// The array at the cursor as a candidate, counting its elements as far as the bytes go; leaves
/// the cursor on its first element.
fn array(c: &mut Cursor, frames: Vec<Frame>, level: Level) -> Option<Candidate> {
    c.skip_ws();
    if c.peek()? != b'[' {
        return None;
    }
    let open = c.pos;
    c.pos += 1;
    c.skip_ws();
    let first = c.pos;
    let elements = if c.peek() == Some(b']') {
        Count::Empty
    } else if skip_whole(c) {
        c.skip_ws();
        match c.peek() {
            Some(b',') => Count::Many,
            Some(b']') => Count::One,
            _ => Count::Unknown,
        }
    } else {
        Count::Unknown
    };
    c.pos = first;
    Some(Candidate { open, frames, level, elements })
}

/// Enters the first element of `array` if it is an object.
fn enter_first_object(c: &mut Cursor, array: &Candidate) -> bool {
    c.pos = array.open + 1;
    c.skip_ws();
    if array.elements == Count::Empty || c.peek() != Some(b'{') {
        return false;
    }
    c.pos += 1;
    true
}
