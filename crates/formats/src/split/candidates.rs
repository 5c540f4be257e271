//! Finding the arrays a document could split at, from its first bytes: a cursor that reads keys
//! and skips values, the candidate arrays per format (outermost first), and the choice among them.
//! Depends on `detect` and the scan of [`super`].

use super::{Format, Frame, Level, Scan};

/// Keys of the containers around a split array that carry spans of their own (besides the
/// array): a document where one of them sits in the head or tail is not split.
const JAEGER_TOP: &[&str] = &["data", "spans"];
const JAEGER_TRACE: &[&str] = &["spans"];
const OTLP_DOC: &[&str] = &["resourceSpans", "resource_spans", "batches", "result", "trace"];
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
    let mut c = Cursor { bytes: window, pos: bom };
    let found = match format {
        Format::Jaeger => jaeger_candidates(&mut c),
        Format::Otlp => otlp_candidates(&mut c, Vec::new(), 0),
        _ => None,
    };
    (Some(format), found.unwrap_or_default())
}

fn jaeger_candidates(c: &mut Cursor) -> Option<Vec<Candidate>> {
    c.ws();
    let mut out = Vec::new();
    match c.peek()? {
        b'{' => {
            c.pos += 1;
            let key = c.find_key(&["data", "spans"], JAEGER_TOP)?;
            let frames = vec![Frame::Object(JAEGER_TOP)];
            let outer = c.array(frames.clone(), Level::Jaeger { enclosing_trace: key == "spans" })?;
            let inner = key == "data";
            out.push(outer.clone());
            if inner && c.enter_first_object(&outer) {
                let key = c.find_key(&["spans"], JAEGER_TRACE);
                if key.is_some() {
                    let frames = vec![Frame::Object(JAEGER_TOP), Frame::Array, Frame::Object(JAEGER_TRACE)];
                    out.extend(c.array(frames, Level::Jaeger { enclosing_trace: true }));
                }
            }
        }
        b'[' => {
            let outer = c.array(Vec::new(), Level::Jaeger { enclosing_trace: false })?;
            out.push(outer.clone());
            if c.enter_first_object(&outer) && c.find_key(&["spans"], JAEGER_TRACE).is_some() {
                let frames = vec![Frame::Array, Frame::Object(JAEGER_TRACE)];
                out.extend(c.array(frames, Level::Jaeger { enclosing_trace: true }));
            }
        }
        _ => return None,
    }
    Some(out)
}

/// OTLP: `resourceSpans` (or `batches`) of the document or of its `result`/`trace` envelope, the
/// first resource's `scopeSpans`, the first scope's `spans`.
fn otlp_candidates(c: &mut Cursor, mut frames: Vec<Frame>, depth: usize) -> Option<Vec<Candidate>> {
    c.ws();
    if c.peek()? != b'{' || depth > 4 {
        return None;
    }
    c.pos += 1;
    frames.push(Frame::Object(OTLP_DOC));
    let key = c.find_key(&["resourceSpans", "resource_spans", "batches", "result", "trace"], OTLP_DOC)?;
    if key == "result" || key == "trace" {
        return otlp_candidates(c, frames, depth + 1);
    }
    let mut out = Vec::new();
    let resources = c.array(frames.clone(), Level::Otlp { shared_resources: 0, shared_scopes: 0 })?;
    out.push(resources.clone());
    if !c.enter_first_object(&resources) {
        return Some(out);
    }
    frames.extend([Frame::Array, Frame::Object(OTLP_RESOURCE)]);
    let keys = ["scopeSpans", "scope_spans", "instrumentationLibrarySpans", "instrumentation_library_spans"];
    if c.find_key(&keys, OTLP_RESOURCE).is_none() {
        return Some(out);
    }
    let scopes = c.array(frames.clone(), Level::Otlp { shared_resources: 1, shared_scopes: 0 })?;
    out.push(scopes.clone());
    if !c.enter_first_object(&scopes) {
        return Some(out);
    }
    frames.extend([Frame::Array, Frame::Object(OTLP_SCOPE)]);
    if c.find_key(&["spans"], OTLP_SCOPE).is_some() {
        out.extend(c.array(frames, Level::Otlp { shared_resources: 1, shared_scopes: 1 }));
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

/// A cursor over the first bytes of a document, for finding the arrays it could split at.
pub(super) struct Cursor<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) pos: usize,
}

impl Cursor<'_> {
    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub(super) fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// The raw text of the key at the cursor and moves past its `:`; `None` for a key with an
    /// escape (the importer would read it decoded) or when the bytes end.
    pub(super) fn key(&mut self) -> Option<&str> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos + 1;
        let len = self.bytes.get(start..)?.iter().position(|&b| b == b'"' || b == b'\\')?;
        let key = self.bytes.get(start..start + len)?;
        if self.bytes.get(start + len) != Some(&b'"') {
            return None;
        }
        self.pos = start + len + 1;
        self.ws();
        if self.peek()? != b':' {
            return None;
        }
        self.pos += 1;
        self.ws();
        std::str::from_utf8(key).ok()
    }

    /// In an object (just past its `{` or a value), finds the first key of `wanted` and stops at
    /// its value; `None` if a key of `deny` comes first, or the object or the bytes end.
    pub(super) fn find_key(&mut self, wanted: &[&str], deny: &[&str]) -> Option<String> {
        loop {
            self.ws();
            match self.peek()? {
                b',' => {
                    self.pos += 1;
                    continue;
                }
                b'"' => {}
                _ => return None,
            }
            let key = self.key()?.to_string();
            if wanted.contains(&key.as_str()) {
                return Some(key);
            }
            if deny.contains(&key.as_str()) || !self.skip_value() {
                return None;
            }
        }
    }

    /// The array at the cursor as a candidate, counting its elements as far as the bytes go;
    /// leaves the cursor on its first element.
    pub(super) fn array(&mut self, frames: Vec<Frame>, level: Level) -> Option<Candidate> {
        self.ws();
        if self.peek()? != b'[' {
            return None;
        }
        let open = self.pos;
        self.pos += 1;
        self.ws();
        let first = self.pos;
        let elements = if self.peek() == Some(b']') {
            Count::Empty
        } else if self.skip_value() {
            self.ws();
            match self.peek() {
                Some(b',') => Count::Many,
                Some(b']') => Count::One,
                _ => Count::Unknown,
            }
        } else {
            Count::Unknown
        };
        self.pos = first;
        Some(Candidate { open, frames, level, elements })
    }

    /// Enters the first element of `array` if it is an object.
    pub(super) fn enter_first_object(&mut self, array: &Candidate) -> bool {
        self.pos = array.open + 1;
        self.ws();
        if array.elements == Count::Empty || self.peek() != Some(b'{') {
            return false;
        }
        self.pos += 1;
        true
    }

    /// Skips one value; false when the bytes end first (a scalar at their very end counts as
    /// unfinished: more digits could follow).
    pub(super) fn skip_value(&mut self) -> bool {
        self.ws();
        match self.peek() {
            None => false,
            Some(b'{' | b'[' | b'"') => {
                let mut scan = Scan::default();
                while let Some(&b) = self.bytes.get(self.pos) {
                    if !scan.step(b) {
                        return false;
                    }
                    self.pos += 1;
                    if scan.depth == 0 && !scan.in_string {
                        return true;
                    }
                }
                false
            }
            Some(_) => {
                while let Some(&b) = self.bytes.get(self.pos) {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        return true;
                    }
                    self.pos += 1;
                }
                false
            }
        }
    }
}
