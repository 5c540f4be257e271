//! Traces written back as OTLP JSON (`TracesData`), as Strand read them: Strand keeps the model,
//! not the original file bytes, so this is what the JSON tab shows and downloads, and the OTLP
//! export. Attribute values go through the mask (`export::mask`). Depends on `model` and the
//! other `export` modules.
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

use super::json::JsonWriter;
use super::mask::Mask;
use super::Ctx;
use base64::Engine;
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
    write_traces(&Ctx { strings, mask: &Mask::none() }, &[trace], style, chunk_bytes, emit)
}

/// Writes `traces` (those with spans) as one OTLP JSON document, masking attribute values with
/// `ctx.mask`; chunks as [`write_otlp_json`].
pub(crate) fn write_traces(
    ctx: &Ctx,
    traces: &[&Trace],
    style: JsonStyle,
    chunk_bytes: usize,
    emit: &mut dyn FnMut(String) -> bool,
) -> bool {
    let mut w = JsonWriter::new(style);
    w.begin_object();
    w.key("resourceSpans");
    w.begin_array();
    for trace in traces.iter().filter(|t| !t.spans.is_empty()) {
        if !write_trace(&mut w, ctx, trace, chunk_bytes, emit) {
            return false;
        }
    }
    w.end_array();
    w.end_object();
    w.finish(emit)
}

/// The `resourceSpans` of one trace; `false` if `emit` asked to stop.
fn write_trace(
    w: &mut JsonWriter,
    ctx: &Ctx,
    trace: &Trace,
    chunk_bytes: usize,
    emit: &mut dyn FnMut(String) -> bool,
) -> bool {
    let strings = ctx.strings;
    let ref_type_key = strings.lookup(REF_TYPE_KEY);
    let service_name_key = strings.lookup("service.name");
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
                write_key_value(w, ctx, trace, kv);
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
                    write_attrs(w, ctx, trace, trace.attrs_of(scope.attrs));
                    w.end_object();
                }
                w.key("spans");
                w.begin_array();
                for &idx in &group.spans {
                    let Some(span) = trace.span(idx) else { continue };
                    write_span(w, ctx, trace, span, ref_type_key);
                    if !w.flush_over(chunk_bytes, emit) {
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
    true
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
    strand_model::order::sort_by_key(&mut spans, |&i| trace.span(i).map_or(u32::MAX, |s| s.scope));
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

fn write_span(w: &mut JsonWriter, ctx: &Ctx, trace: &Trace, span: &Span, ref_type_key: Option<StrId>) {
    let strings = ctx.strings;
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
    // The file's times: assembly's clock-skew shift is taken out and a start it placed is 0
    // again (both are redone on import).
    let start_ns = span.file_start_ns();
    w.key("startTimeUnixNano");
    w.string(&start_ns.to_string());
    w.key("endTimeUnixNano");
    w.string(&start_ns.saturating_add(span.duration_ns.max(0)).to_string());
    write_attrs(w, ctx, trace, trace.attrs_of(span.attrs));

    let events = trace.events_of(span);
    if !events.is_empty() {
        w.key("events");
        w.begin_array();
        for event in events {
            w.begin_object();
            w.key("timeUnixNano");
            w.string(&span.file_time_ns(event.time_ns).to_string());
            w.key("name");
            w.string(strings.get(event.name));
            write_attrs(w, ctx, trace, trace.attrs_of(event.attrs));
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
            write_link(w, ctx, trace, trace.trace_id, parent, LinkKind::FollowsFrom, &[], ref_type_key);
        }
        for link in links {
            let attrs = trace.attrs_of(link.attrs);
            write_link(w, ctx, trace, link.trace_id, link.span_id, link.kind, attrs, ref_type_key);
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
    ctx: &Ctx,
    trace: &Trace,
    trace_id: TraceId,
    span_id: SpanId,
    kind: LinkKind,
    attrs: &[KeyValue],
    ref_type_key: Option<StrId>,
) {
    let strings = ctx.strings;
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
            write_key_value(w, ctx, trace, kv);
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

pub(crate) fn write_attrs(w: &mut JsonWriter, ctx: &Ctx, trace: &Trace, attrs: &[KeyValue]) {
    if attrs.is_empty() {
        return;
    }
    w.key("attributes");
    w.begin_array();
    for kv in attrs {
        write_key_value(w, ctx, trace, kv);
    }
    w.end_array();
}

/// One `{key, value}`; a top-level attribute whose value the mask changes is written as the
/// masking text.
pub(crate) fn write_key_value(w: &mut JsonWriter, ctx: &Ctx, trace: &Trace, kv: &KeyValue) {
    let key = ctx.strings.get(kv.key);
    w.begin_object();
    w.key("key");
    w.string(key);
    w.key("value");
    match ctx.masked(trace, key, kv.value) {
        Some(masked) => {
            w.begin_object();
            w.key("stringValue");
            w.string(&masked.text);
            w.end_object();
        }
        None => write_value(w, ctx.strings, trace, kv.value, 1),
    }
    w.end_object();
}

/// An `AnyValue`. Recursion is bounded by [`MAX_VALUE_DEPTH`]: only nested attribute values
/// recurse, never spans.
pub(crate) fn write_value(w: &mut JsonWriter, strings: &Interner, trace: &Trace, value: Value, depth: usize) {
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
                    w.begin_object();
                    w.key("key");
                    w.string(strings.get(kv.key));
                    w.key("value");
                    write_value(w, strings, trace, kv.value, depth + 2);
                    w.end_object();
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
pub(crate) fn trace_id_hex(strings: &Interner, id: TraceId) -> String {
    match id {
        TraceId::Hex(v) => format!("{v:032x}"),
        TraceId::Text(s) => strings.get(s).to_string(),
    }
}

/// 16 hex digits; ids that were not hex in the source are written as their text.
pub(crate) fn span_id_hex(strings: &Interner, id: SpanId) -> String {
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
