//! One trace written back as OTLP JSON (`TracesData`), as Strand read it: Strand keeps the model,
//! not the original file bytes, so this is what the JSON tab shows and downloads. Depends on
//! `model` only.
//!
//! The output follows the OTLP/JSON mapping of the protobuf messages: hex trace and span ids,
//! times as decimal strings of nanoseconds, integer enums (`kind`, `status.code`), `intValue` as
//! a decimal string, `bytesValue` as standard base64, doubles as numbers (`"NaN"`, `"Infinity"`,
//! `"-Infinity"` as strings), empty fields left out. One `resourceSpans` per resource (in model
//! order), one `scopeSpans` per scope within it; spans keep their file order inside a group.
//!
//! What has no OTLP field is mapped the way the OpenTelemetry Collector's Jaeger translator does:
//! Jaeger `CHILD_OF` / `FOLLOWS_FROM` references that are not the parent become links with an
//! `opentracing.ref_type` attribute, and a `FOLLOWS_FROM` parent is kept as the parent plus such
//! a link. Ids that were not hex in the source (`span-2_1`) are written as they were: there is no
//! hex form of them, and the text lets Strand (and people) read them back. Times are the ones the
//! file gave: the clock-skew shifts Strand applies for display are taken out again (assembly
//! redoes them on import), but a start that assembly filled in for a span without one is kept.
//!
//! The writer streams: it hands out chunks of text as it goes and can stop early, so that the
//! tab can preview the first few hundred kilobytes of a million-span trace without building the
//! whole text, and the download can be assembled from chunks.

use base64::Engine;
use std::fmt::Write;
use strand_model::{
    Interner, KeyValue, LinkKind, ParentRelation, Span, SpanId, SpanKind, StatusCode, StrId, Trace, TraceId, Value,
};

/// How the JSON is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonStyle {
    /// Two-space indentation, one member per line.
    Pretty,
    /// No whitespace at all.
    Compact,
}

/// Traces with more spans than this download as compact JSON (pretty text is about three times
/// larger, and the whole text has to fit in the browser's memory twice).
pub const PRETTY_DOWNLOAD_MAX_SPANS: usize = 10_000;

/// Attribute values nested deeper than this are written as empty values (importers cap nesting
/// well below it).
const MAX_VALUE_DEPTH: usize = 64;

/// The attribute that names what a link or extra reference meant in Jaeger.
const REF_TYPE_KEY: &str = "opentracing.ref_type";

/// Writes `trace` as OTLP JSON, handing out chunks of at least `chunk_bytes` (the last one may be
/// shorter) to `emit`. Returns `false` if `emit` asked to stop (by returning `false`) before the
/// end, `true` when the whole document was written.
pub fn write_otlp_json(
    strings: &Interner,
    trace: &Trace,
    style: JsonStyle,
    chunk_bytes: usize,
    emit: &mut dyn FnMut(String) -> bool,
) -> bool {
    let mut w = JsonWriter::new(style);
    let ref_type_key = strings.lookup(REF_TYPE_KEY);
    let service_name_key = strings.lookup("service.name");
    w.begin_object();
    w.key("resourceSpans");
    w.begin_array();
    for (resource_no, resource) in trace.resources.iter().enumerate() {
        let groups = groups_of_resource(trace, resource_no);
        w.begin_object();
        w.key("resource");
        w.begin_object();
        let attrs = trace.attrs_of(resource.attrs);
        let has_service_name = service_name_key.is_some_and(|k| attrs.iter().any(|kv| kv.key == k));
        if !attrs.is_empty() || (!has_service_name && resource.service != StrId::EMPTY) {
            w.key("attributes");
            w.begin_array();
            // OTLP names the service with a resource attribute; Jaeger and Zipkin name it apart.
            if !has_service_name && resource.service != StrId::EMPTY {
                w.begin_object();
                w.key("key");
                w.string("service.name");
                w.key("value");
                w.begin_object();
                w.key("stringValue");
                w.string(strings.get(resource.service));
                w.end_object();
                w.end_object();
            }
            for kv in attrs {
                write_key_value(&mut w, strings, trace, kv, 0);
            }
            w.end_array();
        }
        w.end_object();
        if !groups.is_empty() {
            w.key("scopeSpans");
            w.begin_array();
            for group in &groups {
                w.begin_object();
                if let Some(scope) = trace.scopes.get(group.scope as usize) {
                    w.key("scope");
                    w.begin_object();
                    if scope.name != StrId::EMPTY {
                        w.key("name");
                        w.string(strings.get(scope.name));
                    }
                    if scope.version != StrId::EMPTY {
                        w.key("version");
                        w.string(strings.get(scope.version));
                    }
                    write_attrs(&mut w, strings, trace, trace.attrs_of(scope.attrs));
                    w.end_object();
                }
                w.key("spans");
                w.begin_array();
                for &idx in &group.spans {
                    let Some(span) = trace.span(idx) else { continue };
                    write_span(&mut w, strings, trace, span, ref_type_key);
                    if w.out.len() >= chunk_bytes && !emit(std::mem::take(&mut w.out)) {
                        return false;
                    }
                }
                w.end_array();
                w.end_object();
            }
            w.end_array();
        }
        w.end_object();
    }
    w.end_array();
    w.end_object();
    if style == JsonStyle::Pretty {
        w.out.push('\n');
    }
    emit(std::mem::take(&mut w.out))
}

/// The whole document as one string.
pub fn otlp_json(strings: &Interner, trace: &Trace, style: JsonStyle) -> String {
    let mut out = String::new();
    write_otlp_json(strings, trace, style, 1 << 20, &mut |chunk| {
        out.push_str(&chunk);
        true
    });
    out
}

/// The beginning of the pretty document, for showing on the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    /// At most `limit_bytes` of text, cut at a line end when it is truncated.
    pub text: String,
    /// Whether there was more.
    pub truncated: bool,
}

/// The first `limit_bytes` (or a little less: it is cut at a line end) of the pretty document.
pub fn preview(strings: &Interner, trace: &Trace, limit_bytes: usize) -> Preview {
    let mut text = String::new();
    let complete = write_otlp_json(strings, trace, JsonStyle::Pretty, 16 * 1024, &mut |chunk| {
        text.push_str(&chunk);
        text.len() <= limit_bytes
    });
    if complete && text.len() <= limit_bytes {
        return Preview { text, truncated: false };
    }
    let mut cut = limit_bytes.min(text.len());
    while cut > 0 && !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let cut = text.get(..cut).and_then(|t| t.rfind('\n')).map_or(cut, |nl| nl + 1);
    text.truncate(cut);
    Preview { text, truncated: true }
}

/// The download's style: pretty unless the trace is large.
pub fn download_style(trace: &Trace) -> JsonStyle {
    if trace.spans.len() > PRETTY_DOWNLOAD_MAX_SPANS {
        JsonStyle::Compact
    } else {
        JsonStyle::Pretty
    }
}

/// `trace-<id>.otlp.json`, with anything but letters, digits, `.`, `_` and `-` in the id replaced
/// by `_` (text ids can hold anything) and the id cut to 64 characters.
pub fn download_name(strings: &Interner, trace: &Trace) -> String {
    let id: String = trace
        .trace_id
        .display(strings)
        .chars()
        .take(64)
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' })
        .collect();
    let id = if id.is_empty() { "unknown".to_string() } else { id };
    format!("trace-{id}.otlp.json")
}

/// The spans of one resource and scope, in file order.
struct Group {
    /// Index into `Trace::scopes`, `u32::MAX` for none.
    scope: u32,
    spans: Vec<u32>,
}

/// The scope groups of one resource: scopes in model order, spans without a scope last.
fn groups_of_resource(trace: &Trace, resource_no: usize) -> Vec<Group> {
    let mut spans: Vec<u32> = (0..trace.spans.len() as u32)
        .filter(|&i| trace.span(i).is_some_and(|s| s.resource as usize == resource_no))
        .collect();
    // Stable: spans keep their file order within a scope.
    spans.sort_by_key(|&i| trace.span(i).map_or(u32::MAX, |s| s.scope));
    let mut groups: Vec<Group> = Vec::new();
    for idx in spans {
        let scope = trace.span(idx).map_or(u32::MAX, |s| s.scope);
        match groups.last_mut() {
            Some(g) if g.scope == scope => g.spans.push(idx),
            _ => groups.push(Group { scope, spans: vec![idx] }),
        }
    }
    groups
}

fn write_span(w: &mut JsonWriter, strings: &Interner, trace: &Trace, span: &Span, ref_type_key: Option<StrId>) {
    w.begin_object();
    w.key("traceId");
    w.string(&trace_id_hex(strings, trace.trace_id));
    w.key("spanId");
    w.string(&span_id_hex(strings, span.span_id));
    if span.trace_state != StrId::EMPTY {
        w.key("traceState");
        w.string(strings.get(span.trace_state));
    }
    if let Some(parent) = span.parent_id {
        w.key("parentSpanId");
        w.string(&span_id_hex(strings, parent));
    }
    if span.flags != 0 {
        w.key("flags");
        w.raw(&span.flags.to_string());
    }
    w.key("name");
    w.string(strings.get(span.name));
    w.key("kind");
    w.raw(kind_number(span.kind));
    // The file's times: assembly's clock-skew shift is taken out (it is redone on import).
    let start_ns = span.start_ns.saturating_sub(span.skew_ns);
    w.key("startTimeUnixNano");
    w.string(&start_ns.to_string());
    w.key("endTimeUnixNano");
    w.string(&start_ns.saturating_add(span.duration_ns.max(0)).to_string());
    write_attrs(w, strings, trace, trace.attrs_of(span.attrs));

    let events = trace.events_of(span);
    if !events.is_empty() {
        w.key("events");
        w.begin_array();
        for event in events {
            w.begin_object();
            w.key("timeUnixNano");
            w.string(&event.time_ns.saturating_sub(span.skew_ns).to_string());
            w.key("name");
            w.string(strings.get(event.name));
            write_attrs(w, strings, trace, trace.attrs_of(event.attrs));
            w.end_object();
        }
        w.end_array();
    }

    // A FOLLOWS_FROM parent is also written as a link, as the Collector's Jaeger translator does.
    let follows_parent = match (span.parent_relation, span.parent_id) {
        (ParentRelation::FollowsFrom, Some(parent)) => Some(parent),
        _ => None,
    };
    let links = trace.links_of(span);
    if !links.is_empty() || follows_parent.is_some() {
        w.key("links");
        w.begin_array();
        if let Some(parent) = follows_parent {
            write_link(w, strings, trace, trace.trace_id, parent, LinkKind::FollowsFrom, &[], ref_type_key);
        }
        for link in links {
            let attrs = trace.attrs_of(link.attrs);
            write_link(w, strings, trace, link.trace_id, link.span_id, link.kind, attrs, ref_type_key);
        }
        w.end_array();
    }

    if span.status != StatusCode::Unset || span.status_message != StrId::EMPTY {
        w.key("status");
        w.begin_object();
        if span.status_message != StrId::EMPTY {
            w.key("message");
            w.string(strings.get(span.status_message));
        }
        w.key("code");
        w.raw(match span.status {
            StatusCode::Unset => "0",
            StatusCode::Ok => "1",
            StatusCode::Error => "2",
        });
        w.end_object();
    }
    w.end_object();
}

#[allow(clippy::too_many_arguments)]
fn write_link(
    w: &mut JsonWriter,
    strings: &Interner,
    trace: &Trace,
    trace_id: TraceId,
    span_id: SpanId,
    kind: LinkKind,
    attrs: &[KeyValue],
    ref_type_key: Option<StrId>,
) {
    w.begin_object();
    w.key("traceId");
    w.string(&trace_id_hex(strings, trace_id));
    w.key("spanId");
    w.string(&span_id_hex(strings, span_id));
    let ref_type = match kind {
        LinkKind::Link => None,
        LinkKind::ChildOf => Some("child_of"),
        LinkKind::FollowsFrom => Some("follows_from"),
    };
    let has_ref_type = ref_type_key.is_some_and(|k| attrs.iter().any(|kv| kv.key == k));
    let ref_type = ref_type.filter(|_| !has_ref_type);
    if !attrs.is_empty() || ref_type.is_some() {
        w.key("attributes");
        w.begin_array();
        for kv in attrs {
            write_key_value(w, strings, trace, kv, 0);
        }
        if let Some(ref_type) = ref_type {
            w.begin_object();
            w.key("key");
            w.string(REF_TYPE_KEY);
            w.key("value");
            w.begin_object();
            w.key("stringValue");
            w.string(ref_type);
            w.end_object();
            w.end_object();
        }
        w.end_array();
    }
    w.end_object();
}

fn write_attrs(w: &mut JsonWriter, strings: &Interner, trace: &Trace, attrs: &[KeyValue]) {
    if attrs.is_empty() {
        return;
    }
    w.key("attributes");
    w.begin_array();
    for kv in attrs {
        write_key_value(w, strings, trace, kv, 0);
    }
    w.end_array();
}

fn write_key_value(w: &mut JsonWriter, strings: &Interner, trace: &Trace, kv: &KeyValue, depth: usize) {
    w.begin_object();
    w.key("key");
    w.string(strings.get(kv.key));
    w.key("value");
    write_value(w, strings, trace, kv.value, depth + 1);
    w.end_object();
}

/// An `AnyValue`. Recursion is bounded by [`MAX_VALUE_DEPTH`]: only nested attribute values
/// recurse, never spans.
fn write_value(w: &mut JsonWriter, strings: &Interner, trace: &Trace, value: Value, depth: usize) {
    w.begin_object();
    if depth > MAX_VALUE_DEPTH {
        w.end_object();
        return;
    }
    match value {
        Value::Str(s) => {
            w.key("stringValue");
            w.string(strings.get(s));
        }
        Value::Bool(b) => {
            w.key("boolValue");
            w.raw(if b { "true" } else { "false" });
        }
        Value::Int(i) => {
            w.key("intValue");
            w.string(&i.to_string());
        }
        Value::Double(d) => {
            w.key("doubleValue");
            if d.is_nan() {
                w.string("NaN");
            } else if d.is_infinite() {
                w.string(if d > 0.0 { "Infinity" } else { "-Infinity" });
            } else {
                // `{:?}` is the shortest text that reads back as the same f64, and valid JSON.
                w.raw(&format!("{d:?}"));
            }
        }
        Value::Bytes(r) => {
            w.key("bytesValue");
            w.string(&base64::engine::general_purpose::STANDARD.encode(trace.bytes_of(r)));
        }
        Value::Array(r) => {
            w.key("arrayValue");
            w.begin_object();
            let values = trace.values_of(r);
            if !values.is_empty() {
                w.key("values");
                w.begin_array();
                for v in values {
                    write_value(w, strings, trace, *v, depth + 1);
                }
                w.end_array();
            }
            w.end_object();
        }
        Value::Map(r) => {
            w.key("kvlistValue");
            w.begin_object();
            let attrs = trace.attrs_of(r);
            if !attrs.is_empty() {
                w.key("values");
                w.begin_array();
                for kv in attrs {
                    write_key_value(w, strings, trace, kv, depth + 1);
                }
                w.end_array();
            }
            w.end_object();
        }
        Value::Empty => {}
    }
    w.end_object();
}

/// 32 hex digits; ids that were not hex in the source are written as their text.
fn trace_id_hex(strings: &Interner, id: TraceId) -> String {
    match id {
        TraceId::Hex(v) => format!("{v:032x}"),
        TraceId::Text(s) => strings.get(s).to_string(),
    }
}

/// 16 hex digits; ids that were not hex in the source are written as their text.
fn span_id_hex(strings: &Interner, id: SpanId) -> String {
    match id {
        SpanId::Hex(v) => format!("{v:016x}"),
        SpanId::Text(s) => strings.get(s).to_string(),
    }
}

fn kind_number(kind: SpanKind) -> &'static str {
    match kind {
        SpanKind::Unspecified => "0",
        SpanKind::Internal => "1",
        SpanKind::Server => "2",
        SpanKind::Client => "3",
        SpanKind::Producer => "4",
        SpanKind::Consumer => "5",
    }
}

/// A minimal streaming JSON writer: objects, arrays, keys, strings and raw scalars, compact or
/// indented. The caller keeps the structure well formed.
struct JsonWriter {
    out: String,
    style: JsonStyle,
    /// Per open container: whether it has a member yet.
    open: Vec<bool>,
    /// A key was just written: the next value follows it on the same line.
    after_key: bool,
}

impl JsonWriter {
    fn new(style: JsonStyle) -> JsonWriter {
        JsonWriter { out: String::new(), style, open: Vec::new(), after_key: false }
    }

    /// Separator and indentation before a member or element.
    fn before_item(&mut self) {
        if self.after_key {
            self.after_key = false;
            return;
        }
        if let Some(has_member) = self.open.last_mut() {
            if *has_member {
                self.out.push(',');
            }
            *has_member = true;
            self.newline(self.open.len());
        }
    }

    fn newline(&mut self, depth: usize) {
        if self.style == JsonStyle::Pretty {
            self.out.push('\n');
            for _ in 0..depth {
                self.out.push_str("  ");
            }
        }
    }

    fn begin_object(&mut self) {
        self.before_item();
        self.out.push('{');
        self.open.push(false);
    }

    fn end_object(&mut self) {
        self.close('}');
    }

    fn begin_array(&mut self) {
        self.before_item();
        self.out.push('[');
        self.open.push(false);
    }

    fn end_array(&mut self) {
        self.close(']');
    }

    fn close(&mut self, bracket: char) {
        if self.open.pop() == Some(true) {
            self.newline(self.open.len());
        }
        self.out.push(bracket);
    }

    fn key(&mut self, key: &str) {
        self.before_item();
        push_json_string(&mut self.out, key);
        self.out.push(':');
        if self.style == JsonStyle::Pretty {
            self.out.push(' ');
        }
        self.after_key = true;
    }

    fn string(&mut self, s: &str) {
        self.before_item();
        push_json_string(&mut self.out, s);
    }

    fn raw(&mut self, text: &str) {
        self.before_item();
        self.out.push_str(text);
    }
}

fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};
    use strand_formats::{load, AssembleOptions};
    use strand_model::dump::dump_dataset;
    use strand_model::Dataset;

    fn load_one(bytes: &[u8], file: &str) -> Dataset {
        let mut data = Dataset::new();
        load(&mut data, bytes, file, None, &AssembleOptions::default()).expect("the fixture loads");
        data
    }

    /// Loads `input` (any format Strand reads), exports its first trace and compares the pretty
    /// OTLP JSON with `expect`.
    fn check(input: &str, expect: Expect) {
        let data = load_one(input.as_bytes(), "fixture.json");
        let trace = data.traces.first().expect("one trace");
        expect.assert_eq(&otlp_json(&data.strings, trace, JsonStyle::Pretty));
    }

    #[test]
    fn jaeger_span_becomes_otlp() {
        check(
            r#"{"traceID":"abc","spans":[
                {"traceID":"abc","spanID":"1","operationName":"GET /","startTime":1000,"duration":50,"processID":"p1",
                 "references":[],"tags":[{"key":"span.kind","type":"string","value":"server"},
                   {"key":"n","type":"int64","value":"9223372036854775222"},{"key":"b","type":"binary","value":"AQI="},
                   {"key":"f","type":"float64","value":1.5},{"key":"e","type":"string","value":"line\n\"q\""}],
                 "logs":[{"timestamp":1010,"fields":[{"key":"event","type":"string","value":"done"}]}]},
                {"traceID":"abc","spanID":"span-2_1","operationName":"later","startTime":1020,"duration":10,"processID":"p1",
                 "references":[{"refType":"FOLLOWS_FROM","traceID":"abc","spanID":"1"},
                               {"refType":"CHILD_OF","traceID":"ff","spanID":"9"}]}],
              "processes":{"p1":{"serviceName":"web","tags":[{"key":"host.name","type":"string","value":"h1"}]}}}"#,
            expect![[r#"
                {
                  "resourceSpans": [
                    {
                      "resource": {
                        "attributes": [
                          {
                            "key": "service.name",
                            "value": {
                              "stringValue": "web"
                            }
                          },
                          {
                            "key": "host.name",
                            "value": {
                              "stringValue": "h1"
                            }
                          }
                        ]
                      },
                      "scopeSpans": [
                        {
                          "spans": [
                            {
                              "traceId": "00000000000000000000000000000abc",
                              "spanId": "0000000000000001",
                              "name": "GET /",
                              "kind": 2,
                              "startTimeUnixNano": "1000000",
                              "endTimeUnixNano": "1050000",
                              "attributes": [
                                {
                                  "key": "span.kind",
                                  "value": {
                                    "stringValue": "server"
                                  }
                                },
                                {
                                  "key": "n",
                                  "value": {
                                    "intValue": "9223372036854775222"
                                  }
                                },
                                {
                                  "key": "b",
                                  "value": {
                                    "bytesValue": "AQI="
                                  }
                                },
                                {
                                  "key": "f",
                                  "value": {
                                    "doubleValue": 1.5
                                  }
                                },
                                {
                                  "key": "e",
                                  "value": {
                                    "stringValue": "line\n\"q\""
                                  }
                                }
                              ],
                              "events": [
                                {
                                  "timeUnixNano": "1010000",
                                  "name": "done",
                                  "attributes": [
                                    {
                                      "key": "event",
                                      "value": {
                                        "stringValue": "done"
                                      }
                                    }
                                  ]
                                }
                              ]
                            },
                            {
                              "traceId": "00000000000000000000000000000abc",
                              "spanId": "span-2_1",
                              "parentSpanId": "0000000000000001",
                              "name": "later",
                              "kind": 0,
                              "startTimeUnixNano": "1020000",
                              "endTimeUnixNano": "1030000",
                              "links": [
                                {
                                  "traceId": "00000000000000000000000000000abc",
                                  "spanId": "0000000000000001",
                                  "attributes": [
                                    {
                                      "key": "opentracing.ref_type",
                                      "value": {
                                        "stringValue": "follows_from"
                                      }
                                    }
                                  ]
                                },
                                {
                                  "traceId": "000000000000000000000000000000ff",
                                  "spanId": "0000000000000009",
                                  "attributes": [
                                    {
                                      "key": "opentracing.ref_type",
                                      "value": {
                                        "stringValue": "child_of"
                                      }
                                    }
                                  ]
                                }
                              ]
                            }
                          ]
                        }
                      ]
                    }
                  ]
                }
            "#]],
        );
    }

    #[test]
    fn otlp_values_status_and_scope_survive() {
        check(
            r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"db"}}]},
              "scopeSpans":[{"scope":{"name":"lib","version":"1.2","attributes":[{"key":"k","value":{"boolValue":true}}]},
              "spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"a1a2a3a4a5a6a7a8","name":"q","kind":3,
                "flags":257,"traceState":"x=1","startTimeUnixNano":"5","endTimeUnixNano":"9",
                "status":{"code":2,"message":"boom"},
                "attributes":[{"key":"arr","value":{"arrayValue":{"values":[{"intValue":"1"},{"doubleValue":"NaN"},{}]}}},
                  {"key":"map","value":{"kvlistValue":{"values":[{"key":"inner","value":{"stringValue":"v"}}]}}},
                  {"key":"none","value":{"arrayValue":{}}}]}]}]}]}"#,
            expect![[r#"
                {
                  "resourceSpans": [
                    {
                      "resource": {
                        "attributes": [
                          {
                            "key": "service.name",
                            "value": {
                              "stringValue": "db"
                            }
                          }
                        ]
                      },
                      "scopeSpans": [
                        {
                          "scope": {
                            "name": "lib",
                            "version": "1.2",
                            "attributes": [
                              {
                                "key": "k",
                                "value": {
                                  "boolValue": true
                                }
                              }
                            ]
                          },
                          "spans": [
                            {
                              "traceId": "0102030405060708090a0b0c0d0e0f10",
                              "spanId": "a1a2a3a4a5a6a7a8",
                              "traceState": "x=1",
                              "flags": 257,
                              "name": "q",
                              "kind": 3,
                              "startTimeUnixNano": "5",
                              "endTimeUnixNano": "9",
                              "attributes": [
                                {
                                  "key": "arr",
                                  "value": {
                                    "arrayValue": {
                                      "values": [
                                        {
                                          "intValue": "1"
                                        },
                                        {
                                          "doubleValue": "NaN"
                                        },
                                        {}
                                      ]
                                    }
                                  }
                                },
                                {
                                  "key": "map",
                                  "value": {
                                    "kvlistValue": {
                                      "values": [
                                        {
                                          "key": "inner",
                                          "value": {
                                            "stringValue": "v"
                                          }
                                        }
                                      ]
                                    }
                                  }
                                },
                                {
                                  "key": "none",
                                  "value": {
                                    "arrayValue": {}
                                  }
                                }
                              ],
                              "status": {
                                "message": "boom",
                                "code": 2
                              }
                            }
                          ]
                        }
                      ]
                    }
                  ]
                }
            "#]],
        );
    }

    #[test]
    fn compact_preview_and_names() {
        let data = load_one(strand_formats::demo::DEMO_TRACE_JSON, "demo.json");
        let trace = data.traces.first().expect("the demo trace");
        let pretty = otlp_json(&data.strings, trace, JsonStyle::Pretty);
        let compact = otlp_json(&data.strings, trace, JsonStyle::Compact);
        assert!(!compact.contains('\n') && compact.len() < pretty.len() / 2);
        let a: serde_json::Value = serde_json::from_str(&pretty).expect("pretty is JSON");
        let b: serde_json::Value = serde_json::from_str(&compact).expect("compact is JSON");
        assert_eq!(a, b);

        let whole = preview(&data.strings, trace, usize::MAX);
        assert!(!whole.truncated);
        assert_eq!(whole.text, pretty);
        let cut = preview(&data.strings, trace, 1000);
        assert!(cut.truncated);
        assert!(cut.text.len() <= 1000 && cut.text.ends_with('\n'));
        assert!(pretty.starts_with(&cut.text));

        // Chunks concatenate to the whole text, and stopping early stops.
        let mut chunks = Vec::new();
        assert!(write_otlp_json(&data.strings, trace, JsonStyle::Compact, 4096, &mut |c| {
            chunks.push(c);
            true
        }));
        assert!(chunks.len() > 1);
        assert_eq!(chunks.concat(), compact);
        let mut calls = 0;
        assert!(!write_otlp_json(&data.strings, trace, JsonStyle::Compact, 4096, &mut |_| {
            calls += 1;
            false
        }));
        assert_eq!(calls, 1);

        assert_eq!(
            download_name(&data.strings, trace),
            format!("trace-{}.otlp.json", trace.trace_id.display(&data.strings))
        );
        let odd = load_one(br#"[{"traceId":"a/b c","id":"1","name":"x","timestamp":1,"duration":1}]"#, "z.json");
        assert_eq!(download_name(&odd.strings, &odd.traces[0]), "trace-a_b_c.otlp.json");
        assert_eq!(download_style(trace), JsonStyle::Pretty);
    }

    /// The differences an OTLP round trip cannot avoid, taken out of a dump so that everything
    /// else (ids, times, names, kinds, attributes, events, links, status, the tree and assembly's
    /// warnings) must match exactly. Applied to both dumps.
    ///
    /// - Warnings found while decoding (`missing-start`, `source-warning`, `missing-service`,
    ///   `merged-fragment`, ...) describe the original file; OTLP has no place for them, and the
    ///   re-import finds none or its own. Assembly warnings (orphans, duplicate ids, clock skew,
    ///   children outside parents) are recomputed from the spans, so those stay.
    /// - Zipkin's `shared` flag has no OTLP field. The tree does not depend on it: a SERVER or
    ///   CONSUMER half that shares its id hangs under the caller half either way.
    /// - Jaeger's reference kinds become links with an `opentracing.ref_type` attribute, which
    ///   Strand's OTLP importer keeps as plain links: `child_of trace=… span=…` is rewritten to
    ///   the `link … {opentracing.ref_type="child_of"}` it comes back as, and a `FOLLOWS_FROM`
    ///   parent (` follows_from` on the span line) to the extra link the export writes for it.
    /// - Resources get a `service.name` attribute when the source named the service elsewhere.
    /// - Every OTLP `scopeSpans` makes a scope on import, so spans without one come back with an
    ///   empty one.
    fn normalize(dump: &str) -> String {
        const ASSEMBLY: [&str; 6] = ["orphan", "self-parent", "cycle", "duplicate-id", "clock-skew", "outside-parent"];
        let mut out: Vec<String> = Vec::new();
        let mut trace_id = String::new();
        // Span ids by depth, to name the parent of a span line.
        let mut ids_by_depth: Vec<String> = Vec::new();
        // A FOLLOWS_FROM parent link still to be written for the current span: (indent, line).
        let mut pending: Option<(usize, String)> = None;
        for line in dump.lines() {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let mut text = trimmed.to_string();
            if let Some(rest) = text.strip_prefix("trace ") {
                trace_id = rest.split(' ').next().unwrap_or("").to_string();
            }
            let is_detail = pending.as_ref().is_some_and(|(span_indent, _)| indent > *span_indent);
            let is_link = ["link ", "child_of ", "follows_from ", "! "].iter().any(|p| text.starts_with(p));
            if pending.is_some() && (!is_detail || is_link) {
                if let Some((span_indent, link)) = pending.take() {
                    out.push(format!("{}{link}", " ".repeat(span_indent + 2)));
                }
            }
            if let Some(rest) = text.strip_prefix("! ") {
                if !ASSEMBLY.contains(&rest.split(':').next().unwrap_or("")) {
                    continue;
                }
            }
            if text.starts_with("scope#") && text.ends_with(r#" "" "" {}"#) {
                continue;
            }
            let detail_prefixes =
                ["resource#", "scope#", "attrs ", "event ", "link ", "child_of ", "follows_from ", "! ", "trace "];
            let span_id = text.split(" id=").nth(1).map(|r| r.split(' ').next().unwrap_or("").to_string());
            if let Some(id) = span_id.filter(|_| indent >= 2 && !detail_prefixes.iter().any(|p| text.starts_with(p))) {
                // A span line: `service: name [kind] +offset duration id=… [parent_id=…] …`.
                let depth = indent / 2 - 1;
                ids_by_depth.truncate(depth);
                let parent = match text.split(" parent_id=").nth(1) {
                    Some(r) => r.split(' ').next().unwrap_or("").to_string(),
                    None => ids_by_depth.last().cloned().unwrap_or_default(),
                };
                ids_by_depth.push(id);
                text = text.replace(" shared", "");
                if text.ends_with(" follows_from") {
                    text.truncate(text.len() - " follows_from".len());
                    let link =
                        format!(r#"link trace={trace_id} span={parent} {{opentracing.ref_type="follows_from"}}"#);
                    pending = Some((indent, link));
                }
            }
            for kind in ["child_of", "follows_from"] {
                if let Some(rest) = text.strip_prefix(&format!("{kind} trace=")) {
                    text = match rest.strip_suffix('}') {
                        Some(head) if rest.contains(" {") => {
                            format!(r#"link trace={head}, opentracing.ref_type="{kind}"}}"#)
                        }
                        _ => format!(r#"link trace={rest} {{opentracing.ref_type="{kind}"}}"#),
                    };
                }
            }
            if text.starts_with("resource#") {
                // `resource#0 service="web" {service.name="web", …}`: drop that attribute.
                let service = text.split(" service=").nth(1).and_then(|r| r.split(" {").next()).unwrap_or("");
                let entry = format!("service.name={service}");
                text = text.replace(&format!("{{{entry}, "), "{").replace(&format!("{{{entry}}}"), "{}");
            }
            out.push(format!("{}{text}", " ".repeat(indent)));
        }
        if let Some((span_indent, link)) = pending {
            out.push(format!("{}{link}", " ".repeat(span_indent + 2)));
        }
        out.join("\n")
    }

    #[test]
    fn every_sample_round_trips() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/samples/");
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("the samples folder")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".json") || n.ends_with(".jsonl"))
            .collect();
        names.sort();
        let mut checked = 0;
        for name in names {
            let bytes = std::fs::read(format!("{dir}{name}")).expect("readable sample");
            let mut original = Dataset::new();
            load(&mut original, &bytes, &name, None, &AssembleOptions::default()).expect("the sample loads");
            if original.traces.is_empty() {
                continue; // dependency links: no traces to export
            }
            let mut again = Dataset::new();
            for (i, trace) in original.traces.iter().enumerate() {
                let style = if i % 2 == 0 { JsonStyle::Pretty } else { JsonStyle::Compact };
                let text = otlp_json(&original.strings, trace, style);
                load(
                    &mut again,
                    text.as_bytes(),
                    &format!("{name}.otlp.json"),
                    Some(strand_formats::Format::Otlp),
                    &AssembleOptions::default(),
                )
                .unwrap_or_else(|e| panic!("{name}: the export does not load: {e}"));
            }
            original.dependencies.clear();
            let (a, b) = (normalize(&dump_dataset(&original)), normalize(&dump_dataset(&again)));
            if a != b {
                let diff: Vec<String> = a
                    .lines()
                    .zip(b.lines())
                    .filter(|(x, y)| x != y)
                    .take(6)
                    .map(|(x, y)| format!("- {x}\n+ {y}"))
                    .collect();
                panic!("{name}: the export does not round-trip:\n{}", diff.join("\n"));
            }
            checked += 1;
        }
        assert!(checked >= 20, "only {checked} samples checked");
    }
}
