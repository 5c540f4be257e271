//! A canonical, readable text dump of the model: spans in tree order with their attributes,
//! events, links and warnings. Used for snapshot tests and the CLI. Depends only on `model`.

use super::strings::Interner;
use super::time::format_duration;
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
    out
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
