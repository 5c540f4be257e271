//! A canonical, readable text dump of the model: spans in tree order with their attributes,
//! events, links and warnings, then the trace's log lines in time order; log lines that found no
//! loaded trace last. Used for snapshot tests and the CLI. Depends only on `model`.

use super::logs::LogRecord;
use super::strings::Interner;
use super::strings::StrId;
use super::time::{format_duration, format_timestamp_utc};
use super::trace::{Dataset, KeyValue, Trace, Value};
use std::fmt::Write;

/// Values nested deeper than this print as `…` (importers cap nesting well below it anyway).
const MAX_VALUE_DEPTH: usize = 32;

/// Dumps every trace of the dataset, then its dependency links.
pub fn dump_dataset(data: &Dataset) -> String {
    let mut out = String::new();
    for trace in &data.traces {
        out.push_str(&dump_trace(&data.strings, trace));
        out.push('\n');
    }
    for link in &data.dependencies {
        let _ = writeln!(
            out,
            "dependency {} -> {} calls={} errors={}",
            data.strings.get(link.parent),
            data.strings.get(link.child),
            link.call_count,
            link.error_count
        );
    }
    for group in &data.unmatched_logs {
        out.push_str(&dump_unmatched_logs(&data.strings, group));
        out.push('\n');
    }
    out
}

/// The log lines of one trace id whose trace is not loaded (or of lines with no trace id), with
/// times relative to the first line.
pub fn dump_unmatched_logs(strings: &Interner, group: &Trace) -> String {
    let mut out = String::new();
    let base_ns = group.logs.iter().map(|l| l.time_ns).min().unwrap_or(0);
    let id = if group.trace_id.is_empty() { "(none)".to_string() } else { group.trace_id.display(strings) };
    let _ =
        writeln!(out, "unmatched logs trace={id} lines={} from {}", group.logs.len(), format_timestamp_utc(base_ns));
    write_logs(&mut out, strings, group, base_ns);
    out
}

/// One line per log record, then the log resources and scopes.
fn write_logs(out: &mut String, strings: &Interner, trace: &Trace, base_ns: i64) {
    for log in &trace.logs {
        write_log(out, strings, trace, log, base_ns);
    }
    for (i, resource) in trace.log_resources.iter().enumerate() {
        let attrs = trace.attrs_of(resource.attrs);
        let _ = writeln!(
            out,
            "  log-resource#{i} service={:?} {}",
            strings.get(resource.service),
            format_attrs(strings, trace, attrs)
        );
    }
    for (i, scope) in trace.log_scopes.iter().enumerate() {
        let _ = writeln!(
            out,
            "  log-scope#{i} {:?} {:?} {}",
            strings.get(scope.name),
            strings.get(scope.version),
            format_attrs(strings, trace, trace.attrs_of(scope.attrs))
        );
    }
}

/// `log +OFFSET SERVICE LEVEL[#N][("TEXT")] [span=ID[ (not in trace)]] BODY [{attrs}] …`
fn write_log(out: &mut String, strings: &Interner, trace: &Trace, log: &LogRecord, base_ns: i64) {
    let offset = log.time_ns.saturating_sub(base_ns);
    let service = trace.log_resources.get(log.resource as usize).map_or("", |r| strings.get(r.service));
    let level = log.level();
    let _ = write!(out, "  log {}{} ", sign_of(offset), format_duration(offset));
    if !service.is_empty() {
        let _ = write!(out, "{service}: ");
    }
    out.push_str(level.as_str());
    if log.severity != level.severity() {
        let _ = write!(out, "#{}", log.severity);
    }
    if log.severity_text != super::StrId::EMPTY {
        let _ = write!(out, "({:?})", strings.get(log.severity_text));
    }
    if let Some(span_id) = log.span_id {
        let _ = write!(out, " span={}", span_id.display(strings));
        if !log.has_span() && !trace.spans.is_empty() {
            out.push_str(" (not in trace)");
        }
    }
    out.push(' ');
    write_value(out, strings, trace, log.body, 0);
    let attrs = trace.attrs_of(log.attrs);
    if !attrs.is_empty() {
        out.push(' ');
        write_attrs(out, strings, trace, attrs, 0);
    }
    if log.observed_ns != 0 && log.observed_ns != log.time_ns {
        let delta = log.observed_ns.saturating_sub(log.time_ns);
        let _ = write!(out, " observed={}{}", sign_of(delta), format_duration(delta));
    }
    if log.flags != 0 {
        let _ = write!(out, " flags={}", log.flags);
    }
    if let Some(scope) = trace.log_scopes.get(log.scope as usize) {
        let _ = write!(out, " scope={:?}", strings.get(scope.name));
    }
    out.push('\n');
}

/// A log line's content as text, into `out` (cleared first): its times, level, ids, body,
/// fields, resource and logger; not the file it came from nor the span it was resolved to.
/// Two lines with the same identity are copies of one line (the same file loaded twice), which
/// merging adds once (`formats::logs`).
pub fn log_identity(out: &mut String, strings: &Interner, trace: &Trace, log: &LogRecord) {
    out.clear();
    let span = log.span_id.map(|id| id.display(strings)).unwrap_or_default();
    let _ = write!(
        out,
        "{} {} {} {:?} {span:?} {} ",
        log.time_ns,
        log.observed_ns,
        log.severity,
        strings.get(log.severity_text),
        log.flags
    );
    identity_value(out, strings, trace, log.body);
    identity_attrs(out, strings, trace, trace.attrs_of(log.attrs));
    if let Some(resource) = trace.log_resources.get(log.resource as usize) {
        let _ = write!(out, " {:?} ", strings.get(resource.service));
        identity_attrs(out, strings, trace, trace.attrs_of(resource.attrs));
    }
    if let Some(scope) = trace.log_scopes.get(log.scope as usize) {
        let _ = write!(out, " {:?} {:?} ", strings.get(scope.name), strings.get(scope.version));
        identity_attrs(out, strings, trace, trace.attrs_of(scope.attrs));
    }
}

/// Values nested deeper than this end an identity with `…`: more than the importers can build
/// (serde_json stops at 128), so two lines never look alike by being cut.
const MAX_IDENTITY_DEPTH: usize = 256;

/// `{"key"=value, …}` for [`log_identity`]: keys quoted (a key may hold `=` or `, `).
fn identity_attrs(out: &mut String, strings: &Interner, trace: &Trace, attrs: &[KeyValue]) {
    out.push_str(" {");
    for kv in attrs {
        let _ = write!(out, "{:?}=", strings.get(kv.key));
        identity_value(out, strings, trace, kv.value);
        out.push_str(", ");
    }
    out.push('}');
}

/// Writes `value` and everything inside it, with an explicit stack: arrays as `[v, …]`, maps as
/// `{"key"=v, …}`.
fn identity_value(out: &mut String, strings: &Interner, trace: &Trace, value: Value) {
    /// What is left to write: a value, or text closing a container.
    enum Step {
        Value(Value, usize),
        Text(&'static str),
        Key(StrId),
    }
    let mut steps = vec![Step::Value(value, 0)];
    while let Some(step) = steps.pop() {
        let (value, depth) = match step {
            Step::Text(text) => {
                out.push_str(text);
                continue;
            }
            Step::Key(key) => {
                let _ = write!(out, "{:?}=", strings.get(key));
                continue;
            }
            Step::Value(value, depth) => (value, depth),
        };
        if depth > MAX_IDENTITY_DEPTH {
            out.push('…');
            continue;
        }
        match value {
            Value::Array(r) => {
                out.push('[');
                steps.push(Step::Text("]"));
                for v in trace.values_of(r).iter().rev() {
                    steps.push(Step::Text(", "));
                    steps.push(Step::Value(*v, depth + 1));
                }
            }
            Value::Map(r) => {
                out.push('{');
                steps.push(Step::Text("}"));
                for kv in trace.attrs_of(r).iter().rev() {
                    steps.push(Step::Text(", "));
                    steps.push(Step::Value(kv.value, depth + 1));
                    steps.push(Step::Key(kv.key));
                }
            }
            scalar => write_value(out, strings, trace, scalar, 0),
        }
    }
}

fn sign_of(ns: i64) -> &'static str {
    if ns >= 0 {
        "+"
    } else {
        ""
    }
}

pub fn dump_trace(strings: &Interner, trace: &Trace) -> String {
    let mut out = String::new();
    let mut services: Vec<&str> = trace.resources.iter().map(|r| strings.get(r.service)).collect();
    services.sort_unstable();
    services.dedup();
    let _ = writeln!(
        out,
        "trace {} spans={} services={} duration={} errors={}",
        trace.trace_id.display(strings),
        trace.spans.len(),
        services.len(),
        format_duration(trace.duration_ns()),
        trace.error_count(),
    );
    for w in trace.warnings.iter().filter(|w| w.span.is_none()) {
        let _ = writeln!(out, "  ! {}: {}", w.kind.code(), w.detail);
    }
    for &idx in &trace.order {
        let Some(span) = trace.span(idx) else { continue };
        let depth = trace.depth.get(idx as usize).copied().unwrap_or(0) as usize;
        let indent = "  ".repeat(depth.min(64) + 1);
        let offset = span.start_ns.saturating_sub(trace.start_ns);
        let _ = write!(
            out,
            "{indent}{}: {} [{}] +{} {} id={}",
            strings.get(trace.service_of(span)),
            strings.get(span.name),
            span.kind.as_str(),
            format_duration(offset),
            format_duration(span.duration_ns),
            span.span_id.display(strings),
        );
        if let Some(parent_id) = span.parent_id {
            if !span.has_parent() {
                let _ = write!(out, " parent_id={}", parent_id.display(strings));
            }
        }
        if span.status != super::StatusCode::Unset {
            let _ = write!(out, " status={}", span.status.as_str());
            if span.status_message != super::StrId::EMPTY {
                let _ = write!(out, "({:?})", strings.get(span.status_message));
            }
        }
        if span.shared {
            out.push_str(" shared");
        }
        if span.parent_relation == super::ParentRelation::FollowsFrom {
            out.push_str(" follows_from");
        }
        out.push('\n');
        let attrs = trace.attrs_of(span.attrs);
        if !attrs.is_empty() {
            let _ = writeln!(out, "{indent}  attrs {}", format_attrs(strings, trace, attrs));
        }
        for event in trace.events_of(span) {
            let _ = write!(
                out,
                "{indent}  event +{} {:?}",
                format_duration(event.time_ns.saturating_sub(span.start_ns)),
                strings.get(event.name)
            );
            let attrs = trace.attrs_of(event.attrs);
            if !attrs.is_empty() {
                let _ = write!(out, " {}", format_attrs(strings, trace, attrs));
            }
            out.push('\n');
        }
        for link in trace.links_of(span) {
            let _ = write!(
                out,
                "{indent}  {} trace={} span={}",
                link.kind.as_str(),
                link.trace_id.display(strings),
                link.span_id.display(strings)
            );
            let attrs = trace.attrs_of(link.attrs);
            if !attrs.is_empty() {
                let _ = write!(out, " {}", format_attrs(strings, trace, attrs));
            }
            out.push('\n');
        }
        for w in trace.warnings.iter().filter(|w| w.span == Some(idx)) {
            let _ = writeln!(out, "{indent}  ! {}: {}", w.kind.code(), w.detail);
        }
    }
    for (i, resource) in trace.resources.iter().enumerate() {
        let attrs = trace.attrs_of(resource.attrs);
        let _ = writeln!(
            out,
            "  resource#{i} service={:?} {}",
            strings.get(resource.service),
            format_attrs(strings, trace, attrs)
        );
    }
    for (i, scope) in trace.scopes.iter().enumerate() {
        let _ = writeln!(
            out,
            "  scope#{i} {:?} {:?} {}",
            strings.get(scope.name),
            strings.get(scope.version),
            format_attrs(strings, trace, trace.attrs_of(scope.attrs))
        );
    }
    if !trace.logs.is_empty() {
        let counts = super::logs::LogCounts::of_trace(trace);
        let _ =
            writeln!(out, "  logs lines={} at-span={} trace-only={}", counts.total(), counts.span, counts.trace_only);
        write_logs(&mut out, strings, trace, trace.start_ns);
    }
    out
}

/// `{k=v, k=v}` with values typed as in [`format_value`].
pub fn format_attrs(strings: &Interner, trace: &Trace, attrs: &[KeyValue]) -> String {
    let mut out = String::new();
    write_attrs(&mut out, strings, trace, attrs, 0);
    out
}

/// A value as text: strings quoted, numbers and bools plain, bytes as hex, arrays and maps nested.
pub fn format_value(strings: &Interner, trace: &Trace, value: Value) -> String {
    let mut out = String::new();
    write_value(&mut out, strings, trace, value, 0);
    out
}

/// A value as a user reads it in a table: strings unquoted, the rest as [`format_value`].
pub fn value_text(strings: &Interner, trace: &Trace, value: Value) -> String {
    match value {
        Value::Str(id) => strings.get(id).to_string(),
        other => format_value(strings, trace, other),
    }
}

fn write_attrs(out: &mut String, strings: &Interner, trace: &Trace, attrs: &[KeyValue], depth: usize) {
    out.push('{');
    for (i, kv) in attrs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(strings.get(kv.key));
        out.push('=');
        write_value(out, strings, trace, kv.value, depth + 1);
    }
    out.push('}');
}

fn write_value(out: &mut String, strings: &Interner, trace: &Trace, value: Value, depth: usize) {
    if depth > MAX_VALUE_DEPTH {
        out.push('…');
        return;
    }
    match value {
        Value::Str(id) => {
            let _ = write!(out, "{:?}", strings.get(id));
        }
        Value::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Double(d) => {
            let _ = write!(out, "{d:?}");
        }
        Value::Bytes(r) => {
            out.push_str("0x");
            out.push_str(&super::ids::to_hex(trace.bytes_of(r)));
        }
        Value::Array(r) => {
            out.push('[');
            for (i, v) in trace.values_of(r).iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, strings, trace, *v, depth + 1);
            }
            out.push(']');
        }
        Value::Map(r) => write_attrs(out, strings, trace, trace.attrs_of(r), depth + 1),
        Value::Empty => out.push_str("null"),
    }
}
