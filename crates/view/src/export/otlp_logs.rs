//! Log lines written as OTLP logs JSON (`LogsData`): one `resourceLogs` per log resource of each
//! trace (and of each group of unmatched lines), one `scopeLogs` per logger, the records in time
//! order, with the OTLP/JSON mapping the trace export uses (hex ids, nanoseconds as decimal
//! strings, `AnyValue` bodies). Attribute values and bodies (key `body`) go through the mask.
//! Depends on `model` and the other `export` modules.

use super::json::JsonWriter;
use super::otlp::{span_id_hex, trace_id_hex, write_attrs, write_key_value, write_value};
use super::{Ctx, JsonStyle};
use strand_model::{LogRecord, StrId, Trace, Value};

pub(crate) fn write(
    ctx: &Ctx,
    traces: &[&Trace],
    style: JsonStyle,
    chunk_bytes: usize,
    emit: &mut dyn FnMut(String) -> bool,
) -> bool {
    let mut w = JsonWriter::new(style);
    w.begin_object();
    w.key("resourceLogs");
    w.begin_array();
    for trace in traces {
        for (resource_no, resource) in trace.log_resources.iter().enumerate() {
            // The resource's lines, grouped by logger in the order loggers were first seen.
            let mut groups: Vec<(u32, Vec<&LogRecord>)> = Vec::new();
            for log in trace.logs.iter().filter(|l| l.resource as usize == resource_no) {
                match groups.iter_mut().find(|(scope, _)| *scope == log.scope) {
                    Some((_, logs)) => logs.push(log),
                    None => groups.push((log.scope, vec![log])),
                }
            }
            if groups.is_empty() {
                continue;
            }
            w.begin_object();
            w.key("resource");
            w.begin_object();
            let attrs = trace.attrs_of(resource.attrs);
            let named = attrs.iter().any(|kv| ctx.strings.get(kv.key) == "service.name");
            if named || resource.service == StrId::EMPTY {
                write_attrs(&mut w, ctx, trace, attrs);
            } else {
                // OTLP names the service with a resource attribute; JSON log lines name it apart.
                w.key("attributes");
                w.begin_array();
                w.begin_object();
                w.key("key");
                w.string("service.name");
                w.key("value");
                w.begin_object();
                w.key("stringValue");
                w.string(ctx.strings.get(resource.service));
                w.end_object();
                w.end_object();
                for kv in attrs {
                    write_key_value(&mut w, ctx, trace, kv);
                }
                w.end_array();
            }
            w.end_object();
            w.key("scopeLogs");
            w.begin_array();
            for (scope, logs) in groups {
                w.begin_object();
                if let Some(scope) = trace.log_scopes.get(scope as usize) {
                    w.key("scope");
                    w.begin_object();
                    if scope.name != StrId::EMPTY {
                        w.key("name");
                        w.string(ctx.strings.get(scope.name));
                    }
                    if scope.version != StrId::EMPTY {
                        w.key("version");
                        w.string(ctx.strings.get(scope.version));
                    }
                    write_attrs(&mut w, ctx, trace, trace.attrs_of(scope.attrs));
                    w.end_object();
                }
                w.key("logRecords");
                w.begin_array();
                for log in logs {
                    record(&mut w, ctx, trace, log);
                    if !w.flush_over(chunk_bytes, emit) {
                        return false;
                    }
                }
                w.end_array();
                w.end_object();
            }
            w.end_array();
            w.end_object();
        }
    }
    w.end_array();
    w.end_object();
    w.finish(emit)
}

fn record(w: &mut JsonWriter, ctx: &Ctx, trace: &Trace, log: &LogRecord) {
    w.begin_object();
    w.key("timeUnixNano");
    w.string(&log.time_ns.to_string());
    if log.observed_ns != 0 {
        w.key("observedTimeUnixNano");
        w.string(&log.observed_ns.to_string());
    }
    if log.severity != 0 {
        w.key("severityNumber");
        w.raw(&log.severity.to_string());
    }
    if log.severity_text != StrId::EMPTY {
        w.key("severityText");
        w.string(ctx.strings.get(log.severity_text));
    }
    if log.body != Value::Empty {
        w.key("body");
        match ctx.masked(trace, "body", log.body) {
            Some(masked) => {
                w.begin_object();
                w.key("stringValue");
                w.string(&masked.text);
                w.end_object();
            }
            None => write_value(w, ctx.strings, trace, log.body, 1),
        }
    }
    write_attrs(w, ctx, trace, trace.attrs_of(log.attrs));
    if log.flags != 0 {
        w.key("flags");
        w.raw(&log.flags.to_string());
    }
    if !trace.trace_id.is_empty() {
        w.key("traceId");
        w.string(&trace_id_hex(ctx.strings, trace.trace_id));
    }
    if let Some(span_id) = log.span_id {
        w.key("spanId");
        w.string(&span_id_hex(ctx.strings, span_id));
    }
    w.end_object();
}
