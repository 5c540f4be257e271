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

mod candidates;
use crate::json_scan::Cursor;
use candidates::Count;
pub use candidates::{candidates, choose, Candidate};

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

/// The tail is read whole to check it; a longer one means no split.
const MAX_TAIL: u64 = 4 << 20;

/// How many bytes [`Splitter::guess_tail`]'s tries may read in all before it gives up.
const MAX_GUESS_WORK: usize = 16 << 20;

/// A container around the split array, outermost first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame {
    /// An object whose other keys must not be these.
    Object(&'static [&'static str]),
    /// An array: the split array sits in its first element, and no element may follow.
    Array,
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

    /// The array it splits at.
    pub fn level(&self) -> Level {
        self.level
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
        // Each try fails within a few bytes but for the right one; bound them all the same, by
        // the bytes they read: a crafted end (`],"a":[],"a":[]…x`) makes every try read to it.
        let mut work = 0usize;
        let mut from = 0;
        while let Some(i) = end.get(from..)?.iter().position(|&b| b == b']').map(|i| from + i) {
            let start = end_offset + i as u64;
            if start >= self.head_end && tail_closes_counting(end.get(i..)?, &self.frames, &mut work) {
                return Some(start);
            }
            if work > MAX_GUESS_WORK {
                return None;
            }
            from = i + 1;
        }
        None
    }
}

/// Where the last complete element of the top-level array that `bytes` start (after
/// whitespace) ends: the offset of the comma after it. `None` when no element is complete yet
/// or the bytes are not an array. (A Zipkin list of traces, `[[…], […]]`, is not split: a span's
/// fragments may sit in two of its traces; its first look takes whole elements.)
pub(crate) fn last_complete_element(bytes: &[u8]) -> Option<usize> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    if bytes.get(start) != Some(&b'[') {
        return None;
    }
    let mut scan = Scan::default();
    let mut last = None;
    for (i, &b) in bytes.iter().enumerate().skip(start) {
        if b == b',' && scan.depth == 1 && !scan.in_string {
            last = Some(i);
        }
        if !scan.step(b) || scan.depth == 0 && i > start {
            // A closing bracket with nothing open, or the array closed: the whole document.
            return None;
        }
    }
    last
}

/// Whether `bytes` open no object or array outside strings (closing brackets and scalars only).
pub(crate) fn opens_no_container(bytes: &[u8]) -> bool {
    let mut scan = Scan::default();
    // A closing bracket with nothing open is refused by `step` and leaves the state as it was.
    bytes.iter().all(|&b| {
        scan.step(b);
        scan.depth == 0
    })
}

/// Whether a run of bytes between element boundaries holds an element (a JSON value is never
/// empty; whitespace-only runs come from trailing commas, which the importer rejects anyway).
fn has_content(len: u64) -> bool {
    len > 0
}

/// Does `tail` (starting at the split array's `]`) close exactly the containers `frames`, with
/// only allowed keys in their objects and no more elements in their arrays?
fn tail_closes(tail: &[u8], frames: &[Frame]) -> bool {
    tail_closes_counting(tail, frames, &mut 0)
}

/// [`tail_closes`], adding the bytes it read to `work`.
fn tail_closes_counting(tail: &[u8], frames: &[Frame], work: &mut usize) -> bool {
    let mut c = Cursor::new(tail, 0);
    let closes = tail_closes_with(&mut c, frames);
    *work = work.saturating_add(c.pos.max(1));
    closes
}

fn tail_closes_with(c: &mut Cursor<'_>, frames: &[Frame]) -> bool {
    if c.peek() != Some(b']') {
        return false;
    }
    c.pos += 1;
    for frame in frames.iter().rev() {
        c.skip_ws();
        match frame {
            Frame::Array => {
                if c.peek() != Some(b']') {
                    return false;
                }
                c.pos += 1;
            }
            Frame::Object(deny) => loop {
                c.skip_ws();
                match c.peek() {
                    Some(b'}') => {
                        c.pos += 1;
                        break;
                    }
                    Some(b',') => {
                        c.pos += 1;
                        c.skip_ws();
                        match candidates::plain_key(c) {
                            Some(key) if !deny.contains(&key) => {}
                            _ => return false,
                        }
                        if !candidates::skip_whole(c) {
                            return false;
                        }
                    }
                    _ => return false,
                }
            },
        }
    }
    c.skip_ws();
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
