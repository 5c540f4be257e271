//! Splitting a large document into parts that import on their own (in parallel workers) and join
//! into exactly what importing the whole document gives ([`crate::join`]). A structural scan, not
//! a parse: it follows strings and nesting, picks the one array to split (`data`, a trace's
//! `spans`, `resourceSpans`, a resource's `scopeSpans`, a scope's `spans`, or the lines of OTLP
//! JSON lines) and cuts it between elements.
//!
//! A part's document is the original with only a run of the split array's elements: the bytes
//! before the array's first element (the *head*), the run (the *body*) and the bytes from the
//! array's closing bracket on (the *tail*). Every part repeats head and tail, so the containers
//! around the array must hold nothing else that imports: the scan checks their keys (in the head
//! as it picks the array, in the tail at the end) and gives up on anything else. Only Jaeger and
//! OTLP documents split; Zipkin merges the fragments of a span from anywhere in a file.
//!
//! The tail is at the end of the file (Jaeger writes a trace's `processes` after its `spans`).
//! To start parts before the whole file is read, the tail is guessed from the file's last bytes —
//! the rightmost closing bracket after which the rest reads as the ends of the containers — and
//! the scan confirms the guess when it gets there ([`Splitter::finish`]); a wrong guess means the
//! file is imported whole instead. Depends on `detect` and [`Format`].

use super::Format;
use std::ops::Range;

/// Which array a document splits at, and what its parts share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// OTLP JSON lines: runs of whole lines; nothing is shared.
    Lines,
    /// Jaeger. `enclosing_trace`: the array is the `spans` of a trace object, whose other fields
    /// (`processes`, `warnings`) every part repeats.
    Jaeger { enclosing_trace: bool },
    /// OTLP: how many enclosing `ResourceSpans` and `ScopeSpans` (0 or 1) every part repeats.
    Otlp { shared_resources: u8, shared_scopes: u8 },
}

/// What the import of one part needs besides its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartSpec {
    pub format: Format,
    pub level: Level,
    /// The part's position among the document's parts, from 0.
    pub index: u32,
    /// JSON lines: the number (from 0) of the part's first line in the file.
    pub first_line: u32,
    /// OTLP: whether the document spells its keys as protobuf names (decided on its start, as a
    /// whole-document import does).
    pub proto_names: bool,
}

/// A part found by the scan: where its elements are in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cut {
    pub index: u32,
    pub body: Range<u64>,
    pub first_line: u32,
}

/// Why a document is imported whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoSplit;

/// Keys of the containers around a split array that carry spans of their own (besides the
/// array): a document where one of them sits in the head or tail is not split.
const JAEGER_TOP: &[&str] = &["data", "spans"];
const JAEGER_TRACE: &[&str] = &["spans"];
const OTLP_DOC: &[&str] = &["resourceSpans", "resource_spans", "batches", "result", "trace"];
const OTLP_RESOURCE: &[&str] =
    &["scopeSpans", "scope_spans", "instrumentationLibrarySpans", "instrumentation_library_spans"];
const OTLP_SCOPE: &[&str] = &["spans"];

/// The tail is read whole to check it; a longer one means no split.
const MAX_TAIL: u64 = 4 << 20;

/// A container around the split array, outermost first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame {
    /// An object whose other keys must not be these.
    Object(&'static [&'static str]),
    /// An array: the split array sits in its first element, and no element may follow.
    Array,
}

/// An array the document could split at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Position of the array's `[`.
    open: usize,
    /// Containers around it, outermost first.
    frames: Vec<Frame>,
    level: Level,
    elements: Count,
}

/// How many elements an array has, as far as the first bytes of the file tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Count {
    Empty,
    One,
    Many,
    Unknown,
}

/// The arrays a document could split at, outermost first, found in its first bytes; empty for
/// formats that do not split.
pub fn candidates(window: &[u8]) -> (Option<Format>, Vec<Candidate>) {
    let format = match super::detect::detect(window) {
        super::detect::Detected::Found(f) => f,
        super::detect::Detected::Unknown(_) => return (None, Vec::new()),
    };
    let bom = window.len() - super::detect::strip_bom(window).len();
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
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// The raw text of the key at the cursor and moves past its `:`; `None` for a key with an
    /// escape (the importer would read it decoded) or when the bytes end.
    fn key(&mut self) -> Option<&str> {
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
    fn find_key(&mut self, wanted: &[&str], deny: &[&str]) -> Option<String> {
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
    fn array(&mut self, frames: Vec<Frame>, level: Level) -> Option<Candidate> {
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
    fn enter_first_object(&mut self, array: &Candidate) -> bool {
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
    fn skip_value(&mut self) -> bool {
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

/// The state of a structural scan: nesting and strings.
#[derive(Default, Clone, Copy, Debug)]
struct Scan {
    depth: u32,
    in_string: bool,
    escape: bool,
}

impl Scan {
    /// Follows one byte; false on a closing bracket with nothing open.
    #[inline]
    fn step(&mut self, b: u8) -> bool {
        if self.in_string {
            if self.escape {
                self.escape = false;
            } else if b == b'\\' {
                self.escape = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            return true;
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => {
                if self.depth == 0 {
                    return false;
                }
                self.depth -= 1;
            }
            _ => {}
        }
        true
    }
}

/// Cuts a document into parts as its bytes arrive.
#[derive(Debug)]
pub struct Splitter {
    format: Format,
    level: Level,
    proto_names: bool,
    frames: Vec<Frame>,
    /// Bytes before the split array's first element.
    head_end: u64,
    total: u64,
    /// Parts close at the first element boundary at least this many bytes into them.
    target: u64,
    /// Bytes scanned so far.
    pos: u64,
    scan: Scan,
    body_start: u64,
    /// JSON lines: newlines seen, and the first line of the part being scanned.
    lines: u32,
    part_first_line: u32,
    next_index: u32,
    /// Where the split array's `]` is, once found, and the tail's bytes.
    closed_at: Option<u64>,
    tail: Vec<u8>,
    failed: bool,
}

impl Splitter {
    /// Starts the scan of a document of `total` bytes from its first bytes `window` (at least a
    /// few MB, or all of it): `None` when it does not split. `level` forces a candidate (tests);
    /// `None` lets [`choose`] pick.
    pub fn start(window: &[u8], total: u64, target: u64, level: Option<usize>) -> Option<Splitter> {
        let (format, candidates) = candidates(window);
        let format = format?;
        let proto_names = super::otlp::uses_proto_names(window);
        let mut splitter = Splitter {
            format,
            level: Level::Lines,
            proto_names,
            frames: Vec::new(),
            head_end: 0,
            total,
            target: target.max(1),
            pos: 0,
            scan: Scan::default(),
            body_start: 0,
            lines: 0,
            part_first_line: 0,
            next_index: 0,
            closed_at: None,
            tail: Vec::new(),
            failed: false,
        };
        if format == Format::OtlpLines {
            return Some(splitter);
        }
        let chosen = match level {
            Some(i) => i,
            None => choose(format, &candidates)?,
        };
        let candidate = candidates.get(chosen)?;
        if candidate.elements == Count::Empty {
            return None;
        }
        splitter.level = candidate.level;
        splitter.frames = candidate.frames.clone();
        splitter.head_end = candidate.open as u64 + 1;
        splitter.body_start = splitter.head_end;
        splitter.pos = splitter.head_end;
        splitter.scan = Scan { depth: candidate.frames.len() as u32 + 1, in_string: false, escape: false };
        Some(splitter)
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// The bytes every part starts with: `[0, head_end)`.
    pub fn head_end(&self) -> u64 {
        self.head_end
    }

    /// What the import of part `cut` needs.
    pub fn spec(&self, cut: &Cut) -> PartSpec {
        PartSpec {
            format: self.format,
            level: self.level,
            index: cut.index,
            first_line: cut.first_line,
            proto_names: self.proto_names,
        }
    }

    /// Scans the document's next bytes, `bytes` starting at `offset` (chunks in order; bytes
    /// before the split array are skipped), and returns the parts that closed.
    pub fn feed(&mut self, offset: u64, bytes: &[u8]) -> Result<Vec<Cut>, NoSplit> {
        if self.failed {
            return Err(NoSplit);
        }
        let end = offset + bytes.len() as u64;
        if offset > self.pos {
            // A gap: the chunks must come in order.
            self.failed = true;
            return Err(NoSplit);
        }
        if end <= self.pos {
            return Ok(Vec::new());
        }
        let skip = usize::try_from(self.pos.saturating_sub(offset)).map_err(|_| NoSplit)?;
        let Some(rest) = bytes.get(skip..) else { return Ok(Vec::new()) };
        let mut cuts = Vec::new();
        let result =
            if self.level == Level::Lines { self.feed_lines(rest, &mut cuts) } else { self.feed_json(rest, &mut cuts) };
        if result.is_err() {
            self.failed = true;
        }
        result.map(|()| cuts)
    }

    fn feed_lines(&mut self, bytes: &[u8], cuts: &mut Vec<Cut>) -> Result<(), NoSplit> {
        let start = self.pos;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                self.lines = self.lines.saturating_add(1);
                let boundary = start + i as u64 + 1;
                if boundary - self.body_start >= self.target {
                    self.cut(boundary, boundary, cuts);
                    self.part_first_line = self.lines;
                }
            }
        }
        self.pos = start + bytes.len() as u64;
        Ok(())
    }

    fn feed_json(&mut self, bytes: &[u8], cuts: &mut Vec<Cut>) -> Result<(), NoSplit> {
        let array_depth = self.frames.len() as u32 + 1;
        let start = self.pos;
        // Where in `bytes` the tail starts, when it does.
        let mut tail_from = if self.closed_at.is_some() { Some(0) } else { None };
        let mut i = 0usize;
        while tail_from.is_none() {
            let Some(&b) = bytes.get(i) else { break };
            let at = start + i as u64;
            i += 1;
            if self.scan.in_string {
                // Most bytes are in strings: jump to the next quote or backslash.
                if !self.scan.escape && b != b'"' && b != b'\\' {
                    let rest = bytes.get(i..).unwrap_or(&[]);
                    i += rest.iter().position(|&b| b == b'"' || b == b'\\').unwrap_or(rest.len());
                    continue;
                }
                self.scan.step(b);
                continue;
            }
            match b {
                b',' if self.scan.depth == array_depth => {
                    if at - self.body_start >= self.target {
                        self.cut(at, at + 1, cuts);
                    }
                }
                b']' if self.scan.depth == array_depth => {
                    self.scan.depth -= 1;
                    self.closed_at = Some(at);
                    self.cut(at, at, cuts);
                    tail_from = Some(i - 1);
                }
                b'}' if self.scan.depth == array_depth => return Err(NoSplit),
                _ => {
                    if !self.scan.step(b) {
                        return Err(NoSplit);
                    }
                }
            }
        }
        if let Some(from) = tail_from {
            let tail = bytes.get(from..).unwrap_or(&[]);
            if self.tail.len() as u64 + tail.len() as u64 > MAX_TAIL {
                return Err(NoSplit);
            }
            self.tail.extend_from_slice(tail);
        }
        self.pos = start + bytes.len() as u64;
        Ok(())
    }

    /// Closes the part being scanned at `end` (if it holds anything) and starts the next at `next`.
    fn cut(&mut self, end: u64, next: u64, cuts: &mut Vec<Cut>) {
        let body = self.body_start..end;
        if self.level == Level::Lines || has_content(body.end - body.start) {
            cuts.push(Cut { index: self.next_index, body, first_line: self.part_first_line });
            self.next_index += 1;
        }
        self.body_start = next;
    }

    /// The document ended: returns the last part and where the tail starts, after checking
    /// that the tail holds only the ends of the containers (and that `guess`, the tail start
    /// parts were imported with, was right).
    pub fn finish(&mut self, guess: Option<u64>) -> Result<(Vec<Cut>, u64), NoSplit> {
        if self.failed || self.pos < self.total {
            return Err(NoSplit);
        }
        if self.level == Level::Lines {
            let mut cuts = Vec::new();
            if self.body_start < self.total {
                let total = self.total;
                self.cut(total, total, &mut cuts);
            }
            return Ok((cuts, self.total));
        }
        let closed = self.closed_at.ok_or(NoSplit)?;
        if !tail_closes(&self.tail, &self.frames) || guess.is_some_and(|g| g != closed) {
            return Err(NoSplit);
        }
        Ok((Vec::new(), closed))
    }

    /// Guesses where the tail starts from the document's last bytes (`end` starts at
    /// `end_offset`): the first `]` after which the rest closes the containers around the split
    /// array. (A later one can close them too — a trace's last field may be a list — while a
    /// bracket inside the last element leaves bytes over.) `None` when no bracket in `end`
    /// does; then the scan finds the tail when it gets there.
    pub fn guess_tail(&self, end: &[u8], end_offset: u64) -> Option<u64> {
        if self.level == Level::Lines {
            return Some(self.total);
        }
        // Each try fails within a few bytes but for the right one; bound them all the same.
        let mut tries = 0;
        let mut from = 0;
        while let Some(i) = end.get(from..)?.iter().position(|&b| b == b']').map(|i| from + i) {
            let start = end_offset + i as u64;
            if start >= self.head_end && tail_closes(end.get(i..)?, &self.frames) {
                return Some(start);
            }
            tries += 1;
            if tries > 100_000 {
                return None;
            }
            from = i + 1;
        }
        None
    }
}

/// Whether a run of bytes between element boundaries holds an element (a JSON value is never
/// empty; whitespace-only runs come from trailing commas, which the importer rejects anyway).
fn has_content(len: u64) -> bool {
    len > 0
}

/// Does `tail` (starting at the split array's `]`) close exactly the containers `frames`, with
/// only allowed keys in their objects and no more elements in their arrays?
fn tail_closes(tail: &[u8], frames: &[Frame]) -> bool {
    let mut c = Cursor { bytes: tail, pos: 0 };
    if c.peek() != Some(b']') {
        return false;
    }
    c.pos += 1;
    for frame in frames.iter().rev() {
        c.ws();
        match frame {
            Frame::Array => {
                if c.peek() != Some(b']') {
                    return false;
                }
                c.pos += 1;
            }
            Frame::Object(deny) => loop {
                c.ws();
                match c.peek() {
                    Some(b'}') => {
                        c.pos += 1;
                        break;
                    }
                    Some(b',') => {
                        c.pos += 1;
                        c.ws();
                        match c.key() {
                            Some(key) if !deny.contains(&key) => {}
                            _ => return false,
                        }
                        if !c.skip_value() {
                            return false;
                        }
                    }
                    _ => return false,
                }
            },
        }
    }
    c.ws();
    c.peek().is_none()
}

/// A part's document: head, body and tail of the original.
pub fn part_document(doc: &[u8], head_end: u64, body: Range<u64>, tail_start: u64) -> Option<Vec<u8>> {
    let head = doc.get(..usize::try_from(head_end).ok()?)?;
    let body = doc.get(usize::try_from(body.start).ok()?..usize::try_from(body.end).ok()?)?;
    let tail = doc.get(usize::try_from(tail_start).ok()?..)?;
    let mut out = Vec::with_capacity(head.len() + body.len() + tail.len());
    out.extend_from_slice(head);
    out.extend_from_slice(body);
    out.extend_from_slice(tail);
    Some(out)
}

#[cfg(test)]
mod tests;
