//! Cheap format detection by structure: reads the top-level keys of the document (and of the
//! first element of a top-level array, or of an envelope such as `data`/`result`/`trace`) with a
//! tiny tokenizer that never builds values and looks at no more than the first 64 KiB of keys.
//! Depends on nothing outside `formats`.

use super::Format;

/// What detection saw, for error messages when no format matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// `object`, `array`, `array of arrays`, `JSON lines`, `empty`, or `not JSON`.
    pub top: &'static str,
    /// Keys found at the level that decides the format.
    pub keys: Vec<String>,
}

pub enum Detected {
    Found(Format),
    Unknown(Shape),
}

const SCAN_LIMIT: usize = 64 * 1024;

/// How far a first, cheap pass may skip over values while looking for keys: the decisive keys of
/// every known format come before the big arrays, so this avoids scanning a 100 MB document.
const SKIP_LIMIT: usize = 1024 * 1024;

/// Detects the format of `bytes` from its structure.
pub fn detect(bytes: &[u8]) -> Detected {
    match detect_within(bytes, SKIP_LIMIT) {
        // Keys after a big value were not seen: look again without the limit.
        Detected::Unknown(_) => detect_within(bytes, usize::MAX),
        found => found,
    }
}

/// Detection that stops skipping a value once the cursor passes `limit`.
fn detect_within(bytes: &[u8], limit: usize) -> Detected {
    let bytes = strip_bom(bytes);
    let mut sc = Scanner { bytes, pos: 0, limit };
    sc.skip_ws();
    match sc.peek() {
        None => Detected::Unknown(Shape { top: "empty", keys: vec![] }),
        Some(b'{') => {
            let keys = sc.object_keys_with_envelopes();
            classify_object(&keys, is_json_lines(bytes))
        }
        Some(b'[') => {
            sc.pos += 1;
            sc.skip_ws();
            match sc.peek() {
                Some(b'{') => {
                    let keys = sc.object_keys();
                    classify_array(&keys, "array")
                }
                Some(b'[') => {
                    sc.pos += 1;
                    sc.skip_ws();
                    if sc.peek() == Some(b'{') {
                        let keys = sc.object_keys();
                        classify_array(&keys, "array of arrays")
                    } else {
                        // `[[]]`: Zipkin's list of traces with none in it.
                        Detected::Found(Format::Zipkin)
                    }
                }
                // An empty array: no traces, any format would do; Zipkin reads it as nothing.
                Some(b']') => Detected::Found(Format::Zipkin),
                _ => Detected::Unknown(Shape { top: "array", keys: vec![] }),
            }
        }
        Some(_) => Detected::Unknown(Shape { top: "not JSON", keys: vec![] }),
    }
}

fn has(keys: &[String], k: &str) -> bool {
    keys.iter().any(|x| x == k)
}

fn classify_object(keys: &[String], lines: bool) -> Detected {
    let otlp = has(keys, "resourceSpans") || has(keys, "resource_spans") || has(keys, "batches");
    if otlp {
        return Detected::Found(if lines { Format::OtlpLines } else { Format::Otlp });
    }
    if has(keys, "traceID") || has(keys, "spans") && has(keys, "processes") {
        return Detected::Found(Format::Jaeger);
    }
    if has(keys, "spanID") {
        return Detected::Found(Format::Jaeger);
    }
    if has(keys, "parent") && has(keys, "child") {
        return Detected::Found(Format::Dependencies);
    }
    if has(keys, "traceId") && has(keys, "binaryAnnotations") {
        return Detected::Found(Format::ZipkinV1);
    }
    if has(keys, "traceId") && (has(keys, "id") || has(keys, "localEndpoint")) {
        return Detected::Found(Format::Zipkin);
    }
    let top = if lines { "JSON lines" } else { "object" };
    Detected::Unknown(Shape { top, keys: keys.to_vec() })
}

fn classify_array(keys: &[String], top: &'static str) -> Detected {
    if has(keys, "traceID") || has(keys, "spanID") || has(keys, "spans") && has(keys, "processes") {
        return Detected::Found(Format::Jaeger);
    }
    // Zipkin v1 spans carry `binaryAnnotations` (often empty); a v1 span without them is told
    // apart by the importer, which reads every span as what it is.
    if has(keys, "traceId") && has(keys, "binaryAnnotations") {
        return Detected::Found(Format::ZipkinV1);
    }
    if has(keys, "traceId") && (has(keys, "id") || has(keys, "localEndpoint") || has(keys, "name")) {
        return Detected::Found(Format::Zipkin);
    }
    if has(keys, "parent") && has(keys, "child") {
        return Detected::Found(Format::Dependencies);
    }
    if has(keys, "resourceSpans") || has(keys, "resource_spans") || has(keys, "batches") {
        return Detected::Found(Format::Otlp);
    }
    Detected::Unknown(Shape { top, keys: keys.to_vec() })
}

/// JSON lines: the first line holds one whole object and another object follows. Only the first
/// line is scanned, so a large single-line or pretty-printed document costs next to nothing here.
fn is_json_lines(bytes: &[u8]) -> bool {
    let Some(newline) = find_newline(bytes) else { return false };
    let rest = bytes.get(newline..).unwrap_or(&[]);
    let Some(next) = rest.iter().position(|b| !b.is_ascii_whitespace()) else { return false };
    if rest.get(next) != Some(&b'{') {
        return false;
    }
    let mut first = Scanner { bytes: bytes.get(..newline).unwrap_or(&[]), pos: 0, limit: usize::MAX };
    first.skip_ws();
    first.skip_value() && {
        first.skip_ws();
        first.peek().is_none()
    }
}

/// The first `\n`, eight bytes at a time: a 100 MB single-line document is searched end to end,
/// and WebAssembly has no vectorised byte search.
fn find_newline(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let pattern = ONES * u64::from(b'\n');
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ pattern;
        // A zero byte in `x` is a newline in the chunk.
        if x.wrapping_sub(ONES) & !x & HIGHS != 0 {
            return chunk.iter().position(|&b| b == b'\n').map(|i| offset + i);
        }
        offset += 8;
    }
    chunks.remainder().iter().position(|&b| b == b'\n').map(|i| offset + i)
}

pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// `skip_value` gives up past this position.
    limit: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Reads a string at the cursor (which must be on `"`), returning its raw content.
    fn string(&mut self) -> Option<String> {
        if self.peek() != Some(b'"') {
            return None;
        }
        self.pos += 1;
        let start = self.pos;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    let raw = self.bytes.get(start..self.pos)?;
                    self.pos += 1;
                    return Some(String::from_utf8_lossy(raw).into_owned());
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Steps over the string at the cursor (on `"`) without building it; false if it never ends.
    fn skip_string(&mut self) -> bool {
        let mut pos = self.pos + 1;
        loop {
            let rest = self.bytes.get(pos..).unwrap_or(&[]);
            match rest.iter().position(|&b| b == b'"' || b == b'\\') {
                Some(i) if rest.get(i) == Some(&b'"') => {
                    self.pos = pos + i + 1;
                    return true;
                }
                Some(i) => pos += i + 2,
                None => {
                    self.pos = self.bytes.len();
                    return false;
                }
            }
        }
    }

    /// Skips one JSON value iteratively (strings, nesting); false if the input ends first.
    fn skip_value(&mut self) -> bool {
        let mut depth: usize = 0;
        loop {
            self.skip_ws();
            let Some(b) = self.peek() else { return false };
            if self.pos > self.limit {
                return false;
            }
            match b {
                b'"' => {
                    if !self.skip_string() {
                        return false;
                    }
                }
                b'{' | b'[' => {
                    depth += 1;
                    self.pos += 1;
                }
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    self.pos += 1;
                }
                _ => self.pos += 1,
            }
            if depth == 0 {
                // A scalar ends at a delimiter; step over the rest of it.
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t' | b'{' | b'[' | b'"') {
                        break;
                    }
                    self.pos += 1;
                }
                return true;
            }
        }
    }

    /// Keys of the object at the cursor, stopping at the scan limit.
    fn object_keys(&mut self) -> Vec<String> {
        let mut keys = Vec::new();
        if self.peek() != Some(b'{') {
            return keys;
        }
        self.pos += 1;
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'"') => {}
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                _ => return keys,
            }
            let Some(key) = self.string() else { return keys };
            keys.push(key);
            self.skip_ws();
            if self.peek() != Some(b':') {
                return keys;
            }
            self.pos += 1;
            if self.pos > SCAN_LIMIT || !self.skip_value() {
                return keys;
            }
        }
    }

    /// Keys of the object at the cursor; for the envelopes `data`, `result` and `trace`, the keys
    /// of what they wrap are added too (the first element, for an array).
    fn object_keys_with_envelopes(&mut self) -> Vec<String> {
        let mut keys = Vec::new();
        let start = self.pos;
        let top = self.object_keys();
        for envelope in ["data", "result", "trace"] {
            if !top.iter().any(|k| k == envelope) {
                continue;
            }
            self.pos = start;
            if let Some(inner) = self.find_value_of(envelope) {
                keys.extend(inner);
            }
        }
        keys.extend(top);
        keys
    }

    /// Positions after `"key":` at the top level of the object at the cursor and returns the keys
    /// of the object found there (or of the first object in the array found there).
    fn find_value_of(&mut self, wanted: &str) -> Option<Vec<String>> {
        if self.peek() != Some(b'{') {
            return None;
        }
        self.pos += 1;
        loop {
            self.skip_ws();
            match self.peek()? {
                b',' => {
                    self.pos += 1;
                    continue;
                }
                b'"' => {}
                _ => return None,
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek()? != b':' {
                return None;
            }
            self.pos += 1;
            self.skip_ws();
            if key == wanted {
                return match self.peek()? {
                    b'{' => Some(self.object_keys()),
                    b'[' => {
                        self.pos += 1;
                        self.skip_ws();
                        Some(self.object_keys())
                    }
                    _ => None,
                };
            }
            if self.pos > SCAN_LIMIT || !self.skip_value() {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        let got = match detect(input.as_bytes()) {
            Detected::Found(f) => f.name().to_string(),
            Detected::Unknown(shape) => format!("unknown {} {:?}", shape.top, shape.keys),
        };
        assert_eq!(got, expected, "input: {input}");
    }

    #[test]
    fn detects_by_structure() {
        check(r#"{"data":[{"traceID":"1","spans":[]}],"total":0}"#, "jaeger");
        check(r#"{"traceID":"1","spans":[],"processes":{}}"#, "jaeger");
        check(r#"[{"traceID":"1","spanID":"2","process":{}}]"#, "jaeger");
        check(r#"[{"traceId":"1","id":"2","name":"x"}]"#, "zipkin");
        check(r#"[[{"traceId":"1","id":"2"}]]"#, "zipkin");
        check(r#"[{"traceId":"1","id":"2","annotations":[],"binaryAnnotations":[]}]"#, "zipkin-v1");
        check(r#"{"traceId":"1","id":"2","binaryAnnotations":[]}"#, "zipkin-v1");
        check(r#"[{"id":"2","name":"x","annotations":[]}]"#, r#"unknown array ["id", "name", "annotations"]"#);
        check(r#"[]"#, "zipkin");
        check(r#"{"resourceSpans":[]}"#, "otlp");
        check(r#"{"batches":[]}"#, "otlp");
        check(r#"{"result":{"resourceSpans":[]}}"#, "otlp");
        check(r#"{"trace":{"batches":[]}}"#, "otlp");
        check("{\"resourceSpans\":[]}\n{\"resourceSpans\":[]}\n", "otlp-lines");
        check(r#"[{"parent":"a","child":"b","callCount":3}]"#, "dependencies");
        check(r#"{"data":[{"parent":"a","child":"b","callCount":3}]}"#, "dependencies");
        check("\u{feff}{\"resourceSpans\":[]}", "otlp");
        check(r#"{"hello":{"x":[1,2,{"y":"}"}]},"world":1}"#, r#"unknown object ["hello", "world"]"#);
        check("", "unknown empty []");
        for n in 0..20 {
            let text = format!("{}\n{{\"resourceSpans\":[]}}", " ".repeat(n));
            assert_eq!(find_newline(text.as_bytes()), Some(n));
        }
        assert_eq!(find_newline(b"no newline at all, long enough to fill chunks"), None);
        check("garbage", "unknown not JSON []");
        check(r#"{"a":"unterminated"#, r#"unknown object ["a"]"#);
    }
}
