//! Traces written as Jaeger JSON, the query API's `{"data":[trace…]}`: one process per resource
//! (its attributes as typed process tags), spans with `CHILD_OF` / `FOLLOWS_FROM` references
//! (the parent first, then links), typed tags (string, bool, int64, float64, binary; arrays and
//! maps as text), the kind and status as Jaeger and the OpenTelemetry Collector write them
//! (`span.kind`, `error`, `otel.status_code`, `otel.status_description`), events as logs (an
//! `event` field with the name), the source's warnings, flags. Times in epoch microseconds (the
//! file's times, rounded down). What Jaeger cannot carry is listed in README (Exports).
//! Depends on `model` and `export`.

use super::json::JsonWriter;
use super::otlp::span_id_hex;
use super::zipkin::micros;
use super::{Ctx, JsonStyle};
use base64::Engine;
use strand_model::dump::value_text;
use strand_model::{KeyValue, LinkKind, ParentRelation, Span, SpanKind, StatusCode, StrId, Trace, Value, WarningKind};

/// The largest integer a JSON number carries exactly in every reader (2^53).
const EXACT_INT: i64 = 1 << 53;

pub(crate) fn write(
    ctx: &Ctx,
    traces: &[&Trace],
    style: JsonStyle,
    chunk_bytes: usize,
    emit: &mut dyn FnMut(String) -> bool,
) -> bool {
    let mut w = JsonWriter::new(style);
    w.begin_object();
    w.key("data");
    w.begin_array();
    for trace in traces.iter().filter(|t| !t.spans.is_empty()) {
        if !write_trace(&mut w, ctx, trace, chunk_bytes, emit) {
            return false;
        }
    }
    w.end_array();
    w.key("total");
    w.raw("0");
    w.key("limit");
    w.raw("0");
    w.key("offset");
    w.raw("0");
    w.key("errors");
    w.raw("null");
    w.end_object();
    w.finish(emit)
}

fn write_trace(
    w: &mut JsonWriter,
    ctx: &Ctx,
    trace: &Trace,
    chunk_bytes: usize,
    emit: &mut dyn FnMut(String) -> bool,
) -> bool {
    let strings = ctx.strings;
    w.begin_object();
    w.key("traceID");
    w.string(&trace.trace_id.display(strings));
    w.key("spans");
    w.begin_array();
    for (i, span) in trace.spans.iter().enumerate() {
        write_span(w, ctx, trace, i, span);
        if !w.flush_over(chunk_bytes, emit) {
            return false;
        }
    }
    w.end_array();
    w.key("processes");
    w.begin_object();
    for (i, resource) in trace.resources.iter().enumerate() {
        if !trace.spans.iter().any(|s| s.resource as usize == i) {
            continue;
        }
        w.key(&format!("p{}", i + 1));
        w.begin_object();
        w.key("serviceName");
        w.string(strings.get(resource.service));
        w.key("tags");
        w.begin_array();
        for kv in trace.attrs_of(resource.attrs) {
            write_tag(w, ctx, trace, strings.get(kv.key), Tag::Value(kv.value));
        }
        w.end_array();
        w.end_object();
    }
    w.end_object();
    let warnings: Vec<&str> = trace
        .warnings
        .iter()
        .filter(|x| x.span.is_none() && x.kind == WarningKind::FromSource)
        .filter_map(|x| x.detail.as_text())
        .collect();
    write_warnings(w, &warnings);
    w.end_object();
    true
}

fn write_warnings(w: &mut JsonWriter, warnings: &[&str]) {
    w.key("warnings");
    if warnings.is_empty() {
        w.raw("null");
        return;
    }
    w.begin_array();
    for detail in warnings {
        w.string(detail);
    }
    w.end_array();
}

fn write_span(w: &mut JsonWriter, ctx: &Ctx, trace: &Trace, index: usize, span: &Span) {
    let strings = ctx.strings;
    let attrs = trace.attrs_of(span.attrs);
    let trace_id = trace.trace_id.display(strings);
    w.begin_object();
    w.key("traceID");
    w.string(&trace_id);
    w.key("spanID");
    w.string(&span_id_hex(strings, span.span_id));
    w.key("operationName");
    w.string(strings.get(span.name));
    w.key("references");
    w.begin_array();
    if let Some(parent) = span.parent_id {
        let kind = match span.parent_relation {
            ParentRelation::ChildOf => "CHILD_OF",
            ParentRelation::FollowsFrom => "FOLLOWS_FROM",
        };
        write_reference(w, kind, &trace_id, &span_id_hex(strings, parent));
    }
    for link in trace.links_of(span) {
        let kind = if link.kind == LinkKind::ChildOf { "CHILD_OF" } else { "FOLLOWS_FROM" };
        write_reference(w, kind, &link.trace_id.display(strings), &span_id_hex(strings, link.span_id));
    }
    w.end_array();
    if span.flags != 0 {
        w.key("flags");
        w.raw(&span.flags.to_string());
    }
    let start_ns = span.file_start_ns();
    w.key("startTime");
    w.raw(&micros(start_ns).to_string());
    w.key("duration");
    w.raw(&micros(span.duration_ns.max(0)).to_string());
    w.key("tags");
    w.begin_array();
    for kv in attrs {
        write_tag(w, ctx, trace, strings.get(kv.key), Tag::Value(kv.value));
    }
    for (key, tag) in status_tags(ctx, span, attrs) {
        write_tag(w, ctx, trace, key, tag);
    }
    w.end_array();
    w.key("logs");
    w.begin_array();
    for e in trace.events_of(span) {
        w.begin_object();
        w.key("timestamp");
        w.raw(&micros(span.file_time_ns(e.time_ns)).to_string());
        w.key("fields");
        w.begin_array();
        let fields = trace.attrs_of(e.attrs);
        if !fields.iter().any(|kv| strings.get(kv.key) == "event") {
            write_tag(w, ctx, trace, "event", Tag::Text(strings.get(e.name)));
        }
        for kv in fields {
            write_tag(w, ctx, trace, strings.get(kv.key), Tag::Value(kv.value));
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.key("processID");
    w.string(&format!("p{}", span.resource as usize + 1));
    let warnings: Vec<&str> = trace
        .warnings
        .iter()
        .filter(|x| x.span == u32::try_from(index).ok() && x.kind == WarningKind::FromSource)
        .filter_map(|x| x.detail.as_text())
        .collect();
    write_warnings(w, &warnings);
    w.end_object();
}

/// The tags that carry the kind and status, for those the span's attributes do not already
/// hold: `span.kind`; `error=true` for an error (or `otel.status_code=ERROR` when an `error` tag
/// says otherwise); `otel.status_code=OK`; `otel.status_description`.
fn status_tags<'a>(ctx: &Ctx<'a>, span: &Span, attrs: &[KeyValue]) -> Vec<(&'static str, Tag<'a>)> {
    let strings = ctx.strings;
    let find = |key: &str| attrs.iter().find(|kv| strings.get(kv.key) == key).map(|kv| kv.value);
    let mut out: Vec<(&'static str, Tag<'a>)> = Vec::new();
    if span.kind != SpanKind::Unspecified && find("span.kind").is_none() {
        out.push(("span.kind", Tag::Text(span.kind.as_str())));
    }
    let says_error = |v: Value| match v {
        Value::Bool(b) => b,
        Value::Str(s) => strings.get(s).trim().eq_ignore_ascii_case("true"),
        _ => false,
    };
    let code = find("otel.status_code");
    match span.status {
        StatusCode::Error => match find("error") {
            None => out.push(("error", Tag::Bool(true))),
            Some(v) if !says_error(v) && code.is_none() => out.push(("otel.status_code", Tag::Text("ERROR"))),
            Some(_) => {}
        },
        StatusCode::Ok if code.is_none() => out.push(("otel.status_code", Tag::Text("OK"))),
        _ => {}
    }
    if span.status_message != StrId::EMPTY && find("otel.status_description").is_none() {
        out.push(("otel.status_description", Tag::Text(strings.get(span.status_message))));
    }
    out
}

/// A tag's value: from the model (typed, masked), or one Strand adds.
enum Tag<'a> {
    Value(Value),
    Text(&'a str),
    Bool(bool),
}

fn write_reference(w: &mut JsonWriter, kind: &str, trace_id: &str, span_id: &str) {
    w.begin_object();
    w.key("refType");
    w.string(kind);
    w.key("traceID");
    w.string(trace_id);
    w.key("spanID");
    w.string(span_id);
    w.end_object();
}

/// `{key, type, value}`: the value typed as Jaeger types it, or masked (a string).
fn write_tag(w: &mut JsonWriter, ctx: &Ctx, trace: &Trace, key: &str, tag: Tag) {
    let (kind, json) = match tag {
        Tag::Text(text) => ("string", Json::Str(text.to_string())),
        Tag::Bool(b) => ("bool", Json::Raw(b.to_string())),
        Tag::Value(value) => match ctx.masked(trace, key, value) {
            Some(masked) => ("string", Json::Str(masked.text)),
            None => typed(ctx, trace, value),
        },
    };
    w.begin_object();
    w.key("key");
    w.string(key);
    w.key("type");
    w.string(kind);
    w.key("value");
    match json {
        Json::Str(text) => w.string(&text),
        Json::Raw(text) => w.raw(&text),
    }
    w.end_object();
}

enum Json {
    Str(String),
    Raw(String),
}

/// Jaeger's type and the JSON of a value: int64 past 2^53 and non-finite float64 as strings
/// (Jaeger's readers accept both), arrays, maps and empty values as text.
fn typed(ctx: &Ctx, trace: &Trace, value: Value) -> (&'static str, Json) {
    match value {
        Value::Str(s) => ("string", Json::Str(ctx.strings.get(s).to_string())),
        Value::Bool(b) => ("bool", Json::Raw(b.to_string())),
        Value::Int(i) if (-EXACT_INT..=EXACT_INT).contains(&i) => ("int64", Json::Raw(i.to_string())),
        Value::Int(i) => ("int64", Json::Str(i.to_string())),
        Value::Double(d) if d.is_finite() => ("float64", Json::Raw(format!("{d:?}"))),
        Value::Double(d) => {
            let t = if d.is_nan() {
                "NaN"
            } else if d > 0.0 {
                "Infinity"
            } else {
                "-Infinity"
            };
            ("float64", Json::Str(t.to_string()))
        }
        Value::Bytes(r) => ("binary", Json::Str(base64::engine::general_purpose::STANDARD.encode(trace.bytes_of(r)))),
        other => ("string", Json::Str(value_text(ctx.strings, trace, other))),
    }
}
