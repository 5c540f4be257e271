//! Cheap format detection by structure: reads the top-level keys of the document (and of the
//! first element of a top-level array, or of an envelope such as `data`/`result`/`trace`) with a
//! tiny tokenizer that never builds values and looks at no more than the first 64 KiB of keys.
//! Depends on nothing outside `formats`.

use super::Format;
use crate::json_scan::Cursor;
use crate::logs::logfmt::logfmt;
use crate::logs::roles::{role_of, Role};
use strand_model::ids::le_word;

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
    let mut sc = Cursor { bytes, pos: 0, limit };
    sc.skip_ws();
    match sc.peek() {
        None => Detected::Unknown(Shape { top: "empty", keys: vec![] }),
        Some(b'{') => {
            let keys = object_keys_with_envelopes(&mut sc);
            classify_object(&keys, is_json_lines(bytes))
        }
        // A text log line whose date-time is in brackets (`[2026-12-04 10:00:00,001] INFO …`).
        Some(b'[') if is_text_log_line(bytes) => Detected::Found(Format::TextLogs),
        Some(b'[') => {
            sc.pos += 1;
            sc.skip_ws();
            match sc.peek() {
                Some(b'{') => {
                    let keys = object_keys(&mut sc);
                    classify_array(&keys, "array")
                }
                Some(b'[') => {
                    sc.pos += 1;
                    sc.skip_ws();
                    match sc.peek() {
                        Some(b'{') => {
                            let keys = object_keys(&mut sc);
                            classify_array(&keys, "array of arrays")
                        }
                        // Fluent Bit's `[[time, {metadata}], {record}]`.
                        Some(b'0'..=b'9' | b'-' | b'"') => Detected::Found(Format::JsonLogs),
                        // `[[]]`: Zipkin's list of traces with none in it.
                        _ => Detected::Found(Format::Zipkin),
                    }
                }
                // An empty array: no traces, any format would do; Zipkin reads it as nothing.
                Some(b']') => Detected::Found(Format::Zipkin),
                Some(b'0'..=b'9' | b'-' | b'"') if is_fluent_event(&mut sc) => Detected::Found(Format::JsonLogs),
                _ => Detected::Unknown(Shape { top: "array", keys: vec![] }),
            }
        }
        Some(_) if is_fluentd_line(bytes) || is_logfmt_log_line(bytes) => Detected::Found(Format::JsonLogs),
        Some(_) if is_text_log_line(bytes) => Detected::Found(Format::TextLogs),
        Some(_) => Detected::Unknown(Shape { top: "not JSON", keys: vec![] }),
    }
}

fn has(keys: &[String], k: &str) -> bool {
    keys.iter().any(|x| x == k)
}

fn has_any(keys: &[String], names: &[&str]) -> bool {
    keys.iter().any(|k| names.contains(&k.as_str()))
}

/// Keys that name a log line's message or level (see `logs::record::role_of`).
const LOG_KEYS: [&str; 16] = [
    "message",
    "msg",
    "log",
    "@m",
    "@mt",
    "MESSAGE",
    "short_message",
    "level",
    "severity",
    "log.level",
    "levelname",
    "lvl",
    "@l",
    "severity_text",
    "loglevel",
    "line",
];
/// Keys that only spans have.
const SPAN_KEYS: [&str; 7] = ["spans", "operationName", "localEndpoint", "duration", "processes", "references", "kind"];
/// Keys that carry a trace id in log lines.
const TRACE_ID_KEYS: [&str; 10] = [
    "trace_id",
    "traceId",
    "traceid",
    "traceID",
    "trace.id",
    "dd.trace_id",
    "traceparent",
    "otelTraceID",
    "logging.googleapis.com/trace",
    "dd",
];

/// The log formats, recognised before the trace formats (whose keys a log line may share).
fn classify_logs(keys: &[String], top_level: bool) -> Option<Format> {
    // Also a bare `ResourceLogs` (Java's `logging-otlp` log exporter).
    let bare = has(keys, "scopeLogs") || has(keys, "scope_logs") || has(keys, "instrumentationLibraryLogs");
    if has(keys, "resourceLogs") || has(keys, "resource_logs") || bare {
        return Some(Format::OtlpLogs);
    }
    if top_level && (has(keys, "resultType") || has(keys, "streams") && !has(keys, "spans")) {
        return Some(Format::Loki);
    }
    let search = has(keys, "hits") && (has_any(keys, &["took", "timed_out", "_shards"]) || keys.len() == 1);
    if search || has(keys, "_source") || has(keys, "@timestamp") || has(keys, "ecs.version") || has(keys, "ecs") {
        return Some(Format::Ecs);
    }
    (has_any(keys, &LOG_KEYS) && !has_any(keys, &SPAN_KEYS)).then_some(Format::JsonLogs)
}

/// Whether `keys` are those of a log line by what their names mean (`logs::roles`, any case,
/// the names of any producer the log importers read): a trace id or `traceparent`, a message,
/// or a time and a level. Asked after every trace format, whose keys a log line may share.
fn names_a_log_line<'k>(keys: impl IntoIterator<Item = &'k str>) -> bool {
    let (mut time, mut level) = (false, false);
    for (role, _) in keys.into_iter().filter_map(role_of) {
        match role {
            Role::TraceId(_) | Role::TraceParent | Role::Message => return true,
            Role::Time => time = true,
            Role::Level(_) => level = true,
            _ => {}
        }
    }
    time && level
}

fn classify_object(keys: &[String], lines: bool) -> Detected {
    if let Some(format) = classify_logs(keys, !lines) {
        return Detected::Found(format);
    }
    // A bare `ResourceSpans` per line: Java's `logging-otlp` exporter.
    let bare = has(keys, "scopeSpans") || has(keys, "scope_spans") || has(keys, "instrumentationLibrarySpans");
    let otlp = has(keys, "resourceSpans") || has(keys, "resource_spans") || has(keys, "batches") || bare;
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
    if has_any(keys, &TRACE_ID_KEYS) || names_a_log_line(keys.iter().map(String::as_str)) {
        return Detected::Found(Format::JsonLogs);
    }
    let top = if lines { "JSON lines" } else { "object" };
    Detected::Unknown(Shape { top, keys: keys.to_vec() })
}

fn classify_array(keys: &[String], top: &'static str) -> Detected {
    if let Some(format) = classify_logs(keys, false) {
        return Detected::Found(format);
    }
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
    if has_any(keys, &TRACE_ID_KEYS) || names_a_log_line(keys.iter().map(String::as_str)) {
        return Detected::Found(Format::JsonLogs);
    }
    Detected::Unknown(Shape { top, keys: keys.to_vec() })
}

/// Fluent's event `[time, {record}]`: a scalar, a comma, an object (the cursor is after `[`).
fn is_fluent_event(sc: &mut Cursor) -> bool {
    sc.skip_value_to_end() && {
        sc.skip_ws();
        sc.peek() == Some(b',') && {
            sc.pos += 1;
            sc.skip_ws();
            sc.peek() == Some(b'{')
        }
    }
}

/// Fluentd's `out_file` line: `TIME<TAB>TAG<TAB>{record}`.
fn is_fluentd_line(bytes: &[u8]) -> bool {
    let line = bytes.get(..find_newline(bytes).unwrap_or(bytes.len())).unwrap_or(&[]);
    let mut fields = line.splitn(3, |&b| b == b'\t');
    let (Some(time), Some(_tag), Some(record)) = (fields.next(), fields.next(), fields.next()) else { return false };
    !time.is_empty() && record.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// Whether `text` starts (after whitespace) as a JSON document or line does: `{`, `[` or `"`.
pub(crate) fn starts_like_json(text: &[u8]) -> bool {
    text.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|b| matches!(b, b'{' | b'[' | b'"'))
}

/// A logfmt log line first (`time=… level=INFO msg="…" trace_id=…`): pairs whose names say a log
/// line (`names_a_log_line`), within the first 64 KiB.
fn is_logfmt_log_line(bytes: &[u8]) -> bool {
    let end = find_newline(bytes).unwrap_or(bytes.len()).min(SCAN_LIMIT);
    let line = String::from_utf8_lossy(bytes.get(..end).unwrap_or(&[]));
    logfmt(&line).is_some_and(|fields| names_a_log_line(fields.iter().map(|(key, _)| &**key)))
}

/// A text log line (a date-time, then a level word, `text_logs`) among the first 12 lines that
/// are not blank (a banner may come before, as Spring Boot's), within the first 64 KiB.
fn is_text_log_line(bytes: &[u8]) -> bool {
    // Bad bytes (a character cut by the scan window, a file not in UTF-8) read as U+FFFD.
    let head = String::from_utf8_lossy(bytes.get(..bytes.len().min(SCAN_LIMIT)).unwrap_or(bytes));
    head.lines().filter(|line| !line.trim().is_empty()).take(12).any(crate::text_logs::is_log_line)
}

/// JSON lines: the first line holds one whole object and another object follows. Only the first
/// line is scanned, so a large single-line or pretty-printed document costs next to nothing here.
pub(crate) fn is_json_lines(bytes: &[u8]) -> bool {
    is_lines_of(bytes, b"{")
}

/// Like [`is_json_lines`], for lines that may also be arrays (Fluent's `[time, record]`).
pub(crate) fn is_value_lines(bytes: &[u8]) -> bool {
    is_lines_of(bytes, b"{[")
}

fn is_lines_of(bytes: &[u8], next_starts: &[u8]) -> bool {
    let bytes = strip_bom(bytes);
    let Some(newline) = find_newline(bytes) else { return false };
    let rest = bytes.get(newline..).unwrap_or(&[]);
    let Some(next) = rest.iter().position(|b| !b.is_ascii_whitespace()) else { return false };
    if !rest.get(next).is_some_and(|b| next_starts.contains(b)) {
        return false;
    }
    let mut first = Cursor::new(bytes.get(..newline).unwrap_or(&[]), 0);
    first.skip_ws();
    first.skip_value_to_end() && {
        first.skip_ws();
        first.peek().is_none()
    }
}

/// The first `\n` (see [`find_byte`]).
pub(crate) fn find_newline(bytes: &[u8]) -> Option<usize> {
    find_byte(bytes, b'\n')
}

// Eight bytes at a time: WebAssembly has no vectorised byte search or compare (its `memcmp` is
// a loop over single bytes), so the byte scans of large documents and of every log line work on
// 64-bit words.

/// 0x01 in every byte of a word.
const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte of a word.
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit set in each byte of `x` below `n` (at most 0x80), and possibly in bytes after
/// such a byte (a borrow carries only past a byte below `n`): zero exactly when no byte is below
/// `n`, and its lowest set bit marks the first such byte.
fn bytes_below(x: u64, n: u8) -> u64 {
    x.wrapping_sub(ONES * u64::from(n)) & !x & HIGHS
}

/// The first `byte`: a 100 MB single-line document is searched end to end.
pub(crate) fn find_byte(bytes: &[u8], byte: u8) -> Option<usize> {
    let pattern = ONES * u64::from(byte);
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        // A zero byte of `word ^ pattern` is `byte` in the chunk.
        let found = bytes_below(le_word(chunk) ^ pattern, 1);
        if found != 0 {
            return Some(offset + found.trailing_zeros() as usize / 8);
        }
        offset += 8;
    }
    chunks.remainder().iter().position(|&b| b == byte).map(|i| offset + i)
}

/// Whether `bytes` hold a byte below 0x20 or a backslash, with no early exit: whether a log line
/// can be read by the small scanner (`logs::scan`), checked for every line (a byte at a time, a
/// tenth of a line's import in the browser).
pub(crate) fn has_escape_or_control(bytes: &[u8]) -> bool {
    let backslashes = ONES * u64::from(b'\\');
    let mut found = 0u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let x = le_word(chunk);
        found |= bytes_below(x, 0x20) | bytes_below(x ^ backslashes, 1);
    }
    found != 0 || chunks.remainder().iter().any(|&b| b < 0x20 || b == b'\\')
}

pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)
}

/// Keys of the object at the cursor, stopping at the scan limit.
fn object_keys(sc: &mut Cursor) -> Vec<String> {
    let mut keys = Vec::new();
    if sc.peek() != Some(b'{') {
        return keys;
    }
    sc.pos += 1;
    while let Some(key) = sc.next_key() {
        keys.push(String::from_utf8_lossy(key.raw).into_owned());
        if !sc.colon() || sc.pos > SCAN_LIMIT || !sc.skip_value_to_end() {
            break;
        }
    }
    keys
}

/// Keys of the object at the cursor; for the envelopes `data`, `result` and `trace`, the keys
/// of what they wrap are added too (the first element, for an array).
fn object_keys_with_envelopes(sc: &mut Cursor) -> Vec<String> {
    let mut keys = Vec::new();
    let start = sc.pos;
    let top = object_keys(sc);
    for envelope in ["data", "result", "trace"] {
        if !top.iter().any(|k| k == envelope) {
            continue;
        }
        sc.pos = start;
        if let Some(inner) = find_value_of(sc, envelope) {
            keys.extend(inner);
        }
    }
    keys.extend(top);
    keys
}

/// Positions after `"key":` at the top level of the object at the cursor and returns the keys
/// of the object found there (or of the first object in the array found there).
fn find_value_of(sc: &mut Cursor, wanted: &str) -> Option<Vec<String>> {
    if sc.peek() != Some(b'{') {
        return None;
    }
    sc.pos += 1;
    loop {
        let key = sc.next_key()?;
        if !sc.colon() {
            return None;
        }
        sc.skip_ws();
        if key.raw == wanted.as_bytes() {
            return match sc.peek()? {
                b'{' => Some(object_keys(sc)),
                b'[' => {
                    sc.pos += 1;
                    sc.skip_ws();
                    Some(object_keys(sc))
                }
                _ => None,
            };
        }
        if sc.pos > SCAN_LIMIT || !sc.skip_value_to_end() {
            return None;
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
    fn finds_every_control_byte_and_backslash_at_every_position() {
        // Every byte value at every position of lines of 1 to 20 bytes, among plain text,
        // against a byte at a time.
        for len in 1..=20 {
            for at in 0..len {
                for byte in 0..=255u8 {
                    let mut line = vec![b'a'; len];
                    if let Some(b) = line.get_mut(at) {
                        *b = byte;
                    }
                    let expect = line.iter().any(|&b| b < 0x20 || b == b'\\');
                    assert_eq!(has_escape_or_control(&line), expect, "byte {byte:#x} at {at} of {len}");
                }
            }
        }
        // Neighbours that could borrow: 0x20 after 0x1f, 0x80 and above around them.
        for line in [[0x1f, 0x20, 0x21, 0x80, 0xff, 0x5b, 0x5d, 0x5c], [0x7f, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20]]
        {
            let expect = line.iter().any(|&b| b < 0x20 || b == b'\\');
            assert_eq!(has_escape_or_control(&line), expect, "{line:x?}");
        }
    }

    #[test]
    fn log_lines_are_told_by_what_their_keys_mean_in_any_case() {
        // structlog without a level, zap's development keys, OpenTelemetry Go's stdout exporter.
        check("{\"event\": \"started\", \"timestamp\": \"2026-12-04T22:57:49Z\"}\n{\"event\": \"b\"}\n", "json-logs");
        check("{\"L\":\"INFO\",\"T\":\"2026-12-04T17:55:19.677-0500\",\"M\":\"x\"}\n", "json-logs");
        check("{\"Timestamp\":\"2026-12-04T17:55:19Z\",\"SeverityText\":\"INFO\",\"TraceID\":\"ab\"}\n", "json-logs");
        // A time and a level are enough; a time alone, or unknown keys, are not.
        check("{\"time\":1,\"severity\":\"info\"}\n", "json-logs");
        check("{\"time\":1,\"count\":2}\n", "unknown object [\"time\", \"count\"]");
        // logfmt lines whose keys say a log line; other `key=value` text is not one.
        check("time=2026-12-04T17:57:40.140-05:00 level=INFO msg=\"handling request\" trace_id=ab\n", "json-logs");
        check("a=1 b=2\n", "unknown not JSON []");
        // Text lines: a bracketed date-time, a banner first (Spring Boot's), a first line longer
        // than the scan window cut inside a character.
        check("[2026-12-04 22:56:55,136] INFO app - hello\n", "text-logs");
        let banner = "  .   ____          _            __ _ _\n\n :: Spring Boot ::   (v3.2.0)\n\n".repeat(3);
        check(&format!("{banner}2026-12-04T22:56:55.136+01:00  INFO 1 --- [main] c.e.App : Started\n"), "text-logs");
        check(&format!("2026-12-04 22:56:55,136 INFO app - {}\n", "é".repeat(40_000)), "text-logs");
        // Fluent's `[time, {record}]` is still JSON.
        check("[1714564800, {\"message\": \"x\"}]", "json-logs");
        // Trace formats first: a Zipkin span's `timestamp` and `name` do not make it a log line.
        check(r#"[{"traceId":"a","id":"b","name":"get","timestamp":1}]"#, "zipkin");
    }

    #[test]
    fn detects_by_structure() {
        // First bytes that end right after a decisive key (a large file's first look).
        check(r#"[{"traceID""#, "jaeger");
        check(r#"{"resourceSpans""#, "otlp");
        // The scan limit is measured at the colon, whatever whitespace follows it.
        let padded = format!(r#"{{"a":"{}","b":{}1,"traceID":"x","spans":[]}}"#, "x".repeat(65_524), " ".repeat(8));
        assert!(matches!(detect(padded.as_bytes()), Detected::Found(Format::Jaeger)), "padded past the scan limit");
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
        // Bytes next to the one sought, and several of it in one chunk: the first is found.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in (0..40).cycle().take(2000) {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    [b'"', b'!', b'#', 0xA2, 0, b'a', b'b', b'c'][(seed % 8) as usize]
                })
                .collect();
            assert_eq!(find_byte(&bytes, b'"'), bytes.iter().position(|&b| b == b'"'), "{bytes:?}");
        }
        for n in 0..20 {
            let text = format!("{}\n{{\"resourceSpans\":[]}}", " ".repeat(n));
            assert_eq!(find_newline(text.as_bytes()), Some(n));
        }
        assert_eq!(find_newline(b"no newline at all, long enough to fill chunks"), None);
        check("garbage", "unknown not JSON []");
        // Logs.
        check(r#"{"resourceLogs":[]}"#, "otlp-logs");
        check("{\"resource_logs\":[]}\n{\"resource_logs\":[]}\n", "otlp-logs");
        check(r#"{"@timestamp":"2024-05-01T12:00:00Z","log.level":"info","message":"hi"}"#, "ecs");
        check(r#"{"took":3,"timed_out":false,"_shards":{},"hits":{"hits":[]}}"#, "ecs");
        check(r#"[{"_index":"logs","_source":{"message":"x"}}]"#, "ecs");
        check(r#"{"status":"success","data":{"resultType":"streams","result":[]}}"#, "loki");
        check(r#"{"time":"2024-05-01T12:00:00Z","level":"info","msg":"hi","trace_id":"ab"}"#, "json-logs");
        check(r#"{"traceID":"ab","spanID":"cd","msg":"a log line, not a Jaeger span"}"#, "json-logs");
        check(r#"{"traceId":"ab","id":"cd","message":"a log line, not a Zipkin span"}"#, "json-logs");
        check(r#"{"dd":{"trace_id":"1"},"status":"info"}"#, "json-logs");
        check(r#"[{"date":1714564800.5,"log":"started"}]"#, "json-logs");
        check(r#"[1714564800,{"log":"started"}]"#, "json-logs");
        check(r#"[[1714564800.5,{}],{"log":"started"}]"#, "json-logs");
        check("2024-05-01T12:00:00+00:00\tapp.web\t{\"message\":\"hi\"}\n", "json-logs");
        check(r#"[1, 2]"#, "unknown array []");
        check(r#"{"a":"unterminated"#, r#"unknown object ["a"]"#);
    }
}
