//! Traces written as Zipkin API v2 JSON: a list of spans. Times in epoch microseconds (the file's
//! times, rounded down to whole microseconds), the resource as the local endpoint (service name
//! and its `ipv4`, `ipv6`, `port` attributes), the peer attributes Strand reads a remote endpoint
//! into (`peer.service`, `network.peer.address`, `peer.ipv6`, `network.peer.port`) back as the
//! remote endpoint, every other attribute as a string tag, the error status as the `error` tag
//! (holding the status message), events as annotations, `shared` and `debug` as flags.
//! What Zipkin cannot carry is listed in README (Exports). Depends on `model` and `export`.

use super::json::JsonWriter;
use super::otlp::span_id_hex;
use super::{Ctx, JsonStyle};
use strand_model::dump::value_text;
use strand_model::{Interner, KeyValue, Span, SpanKind, StatusCode, StrId, Trace, TraceId, Value};

pub(crate) fn write(
    ctx: &Ctx,
    traces: &[&Trace],
    style: JsonStyle,
    chunk_bytes: usize,
    emit: &mut dyn FnMut(String) -> bool,
) -> bool {
    let mut w = JsonWriter::new(style);
    w.begin_array();
    for trace in traces {
        for span in &trace.spans {
            write_span(&mut w, ctx, trace, span);
            if !w.flush_over(chunk_bytes, emit) {
                return false;
            }
        }
    }
    w.end_array();
    w.finish(emit)
}

/// 16 hex digits for 64-bit ids, 32 for longer ones, text ids as they are.
pub(crate) fn zipkin_trace_id(strings: &Interner, id: TraceId) -> String {
    id.display(strings)
}

/// Microseconds, rounded down.
pub(crate) fn micros(ns: i64) -> i64 {
    ns.div_euclid(1_000)
}

/// The attributes that become the remote endpoint, when they have the type Strand reads them as
/// and the mask leaves them alone.
struct Remote {
    service: Option<String>,
    ipv4: Option<String>,
    ipv6: Option<String>,
    port: Option<i64>,
    /// Indices (in the span's attributes) of the attributes used.
    used: Vec<usize>,
}

fn remote(ctx: &Ctx, trace: &Trace, attrs: &[KeyValue]) -> Remote {
    let mut r = Remote { service: None, ipv4: None, ipv6: None, port: None, used: Vec::new() };
    let mut address: Option<(usize, String)> = None;
    let mut peer_ipv6: Option<(usize, String)> = None;
    for (i, kv) in attrs.iter().enumerate() {
        let key = ctx.strings.get(kv.key);
        if ctx.masked(trace, key, kv.value).is_some() {
            continue;
        }
        match (key, kv.value) {
            ("peer.service", Value::Str(s)) if s != StrId::EMPTY => {
                r.service = Some(ctx.strings.get(s).to_string());
                r.used.push(i);
            }
            ("network.peer.address", Value::Str(s)) if s != StrId::EMPTY => {
                address = Some((i, ctx.strings.get(s).to_string()));
            }
            ("peer.ipv6", Value::Str(s)) if s != StrId::EMPTY => peer_ipv6 = Some((i, ctx.strings.get(s).to_string())),
            ("network.peer.port", Value::Int(p)) if p != 0 && (0..=65535).contains(&p) => {
                r.port = Some(p);
                r.used.push(i);
            }
            _ => {}
        }
    }
    // Strand reads ipv4 as the peer address, and ipv6 as the address when there is no ipv4.
    match (address, peer_ipv6) {
        (Some((i, a)), Some((j, v6))) => {
            r.ipv4 = Some(a);
            r.ipv6 = Some(v6);
            r.used.extend([i, j]);
        }
        (Some((i, a)), None) => {
            if a.contains(':') {
                r.ipv6 = Some(a);
            } else {
                r.ipv4 = Some(a);
            }
            r.used.push(i);
        }
        (None, _) => {}
    }
    r
}

fn write_span(w: &mut JsonWriter, ctx: &Ctx, trace: &Trace, span: &Span) {
    let strings = ctx.strings;
    let attrs = trace.attrs_of(span.attrs);
    w.begin_object();
    w.key("traceId");
    w.string(&zipkin_trace_id(strings, trace.trace_id));
    w.key("id");
    w.string(&span_id_hex(strings, span.span_id));
    if let Some(parent) = span.parent_id {
        w.key("parentId");
        w.string(&span_id_hex(strings, parent));
    }
    let kind = match span.kind {
        SpanKind::Server => Some("SERVER"),
        SpanKind::Client => Some("CLIENT"),
        SpanKind::Producer => Some("PRODUCER"),
        SpanKind::Consumer => Some("CONSUMER"),
        SpanKind::Internal | SpanKind::Unspecified => None,
    };
    if let Some(kind) = kind {
        w.key("kind");
        w.string(kind);
    }
    w.key("name");
    w.string(strings.get(span.name));
    let start_ns = span.file_start_ns();
    w.key("timestamp");
    w.raw(&micros(start_ns).to_string());
    w.key("duration");
    w.raw(&micros(span.duration_ns.max(0)).to_string());
    write_local_endpoint(w, ctx, trace, span);
    let remote = remote(ctx, trace, attrs);
    if remote.service.is_some() || remote.ipv4.is_some() || remote.ipv6.is_some() || remote.port.is_some() {
        w.key("remoteEndpoint");
        write_endpoint(w, remote.service.as_deref(), remote.ipv4.as_deref(), remote.ipv6.as_deref(), remote.port);
    }
    let events = trace.events_of(span);
    if !events.is_empty() {
        w.key("annotations");
        w.begin_array();
        for e in events {
            w.begin_object();
            w.key("timestamp");
            w.raw(&micros(span.file_time_ns(e.time_ns)).to_string());
            w.key("value");
            w.string(strings.get(e.name));
            w.end_object();
        }
        w.end_array();
    }
    write_tags(w, ctx, trace, span, attrs, &remote.used);
    if span.shared {
        w.key("shared");
        w.raw("true");
    }
    let debug = attrs.iter().any(|kv| strings.get(kv.key) == "zipkin.debug" && kv.value == Value::Bool(true));
    if debug {
        w.key("debug");
        w.raw("true");
    }
    w.end_object();
}

/// Tags: every attribute not written elsewhere, as text (of a repeated key, the last), the mask
/// applied; `error` only on error spans (Zipkin reads any `error` tag as an error).
fn write_tags(w: &mut JsonWriter, ctx: &Ctx, trace: &Trace, span: &Span, attrs: &[KeyValue], used: &[usize]) {
    let strings = ctx.strings;
    let mut tags: Vec<(&str, String)> = Vec::new();
    let keep = super::last_of_each(attrs);
    for (i, kv) in attrs.iter().enumerate() {
        let key = strings.get(kv.key);
        let skip = used.contains(&i)
            || !keep.get(i).copied().unwrap_or(false)
            || (key == "zipkin.debug" && kv.value == Value::Bool(true))
            || (key == "error" && span.status != StatusCode::Error);
        if skip {
            continue;
        }
        let text = match ctx.masked(trace, key, kv.value) {
            Some(masked) => masked.text,
            None => value_text(strings, trace, kv.value),
        };
        tags.push((key, text));
    }
    if span.status == StatusCode::Error && !tags.iter().any(|(k, _)| *k == "error") {
        tags.push(("error", strings.get(span.status_message).to_string()));
    }
    if tags.is_empty() {
        return;
    }
    w.key("tags");
    w.begin_object();
    for (key, text) in tags {
        w.key(key);
        w.string(&text);
    }
    w.end_object();
}

fn write_local_endpoint(w: &mut JsonWriter, ctx: &Ctx, trace: &Trace, span: &Span) {
    let Some(resource) = trace.resource_of(span) else { return };
    let strings = ctx.strings;
    let mut ipv4 = None;
    let mut ipv6 = None;
    let mut port = None;
    for kv in trace.attrs_of(resource.attrs) {
        let key = strings.get(kv.key);
        if ctx.masked(trace, key, kv.value).is_some() {
            continue;
        }
        match (key, kv.value) {
            ("ipv4", Value::Str(s)) => ipv4 = Some(strings.get(s)),
            ("ipv6", Value::Str(s)) => ipv6 = Some(strings.get(s)),
            ("port", Value::Int(p)) => port = Some(p),
            _ => {}
        }
    }
    let service = Some(strings.get(resource.service)).filter(|s| !s.is_empty());
    if service.is_none() && ipv4.is_none() && ipv6.is_none() && port.is_none() {
        return;
    }
    w.key("localEndpoint");
    write_endpoint(w, service, ipv4, ipv6, port);
}

fn write_endpoint(
    w: &mut JsonWriter,
    service: Option<&str>,
    ipv4: Option<&str>,
    ipv6: Option<&str>,
    port: Option<i64>,
) {
    w.begin_object();
    if let Some(service) = service {
        w.key("serviceName");
        w.string(service);
    }
    if let Some(ipv4) = ipv4 {
        w.key("ipv4");
        w.string(ipv4);
    }
    if let Some(ipv6) = ipv6 {
        w.key("ipv6");
        w.string(ipv6);
    }
    if let Some(port) = port {
        w.key("port");
        w.raw(&port.to_string());
    }
    w.end_object();
}
