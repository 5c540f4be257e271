//! Statistics for spreadsheets and Prometheus: the analytics numbers as CSV (RFC 4180), and span
//! metrics in the Prometheus text exposition format, named and labelled like the OpenTelemetry
//! Collector's spanmetrics connector.

use std::fmt::Write;
use strand_analysis::stats::{DatasetStats, LatencySummary, SpanMetric, Window, HISTOGRAM_BOUNDS_NS};
use strand_model::time::format_timestamp_utc;
use strand_model::{SpanKind, StatusCode};

/// `ns` as milliseconds, exactly (up to 6 decimals, trailing zeros dropped): `1500000` → `1.5`.
pub fn ms_text(ns: i128) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let abs = ns.unsigned_abs();
    let (whole, frac) = (abs / 1_000_000, abs % 1_000_000);
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let digits = format!("{frac:06}");
        format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// One CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
fn csv_field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// The header of [`csv`].
pub const CSV_COLUMNS: [&str; 25] = [
    "level",
    "service",
    "operation",
    "kind",
    "count",
    "errors",
    "error_rate",
    "throughput_per_s",
    "min_ms",
    "p50_ms",
    "p75_ms",
    "p90_ms",
    "p95_ms",
    "p99_ms",
    "max_ms",
    "self_time_ms",
    "self_share",
    "min_ns",
    "p50_ns",
    "p75_ns",
    "p90_ns",
    "p95_ns",
    "p99_ns",
    "max_ns",
    "self_time_ns",
];

/// Every service row, then every operation row, in the analysis order, as CSV (RFC 4180: comma
/// separated, CRLF line ends, fields with commas, quotes or line breaks quoted). Numbers are raw:
/// durations in milliseconds with up to 6 decimals (exact) and again in integer nanoseconds,
/// rates and shares as fractions, throughput per second (empty for a zero-length window).
/// Names are written as they are.
pub fn csv(stats: &DatasetStats) -> String {
    let mut out = String::new();
    out.push_str(&CSV_COLUMNS.join(","));
    out.push_str("\r\n");
    let mut line = |level: &str, service: &str, operation: &str, kind: &str, s: &LatencySummary| {
        for (i, text) in [level, service, operation, kind].iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            csv_field(&mut out, text);
        }
        let durations = [s.min_ns, s.p50_ns, s.p75_ns, s.p90_ns, s.p95_ns, s.p99_ns, s.max_ns, s.self_time_ns];
        let _ = write!(
            out,
            ",{},{},{},{}",
            s.count,
            s.errors,
            s.error_rate,
            s.throughput_per_s.map(|t| t.to_string()).unwrap_or_default()
        );
        for d in durations {
            let _ = write!(out, ",{}", ms_text(i128::from(d)));
        }
        let _ = write!(out, ",{}", s.self_share);
        for d in durations {
            let _ = write!(out, ",{d}");
        }
        out.push_str("\r\n");
    };
    for s in &stats.services {
        line("service", &s.service, "", "", &s.summary);
    }
    for o in &stats.operations {
        line("operation", &o.service, &o.operation, o.kind.as_str(), &o.summary);
    }
    out
}

/// The counter of [`prometheus`].
pub const CALLS_METRIC: &str = "traces_span_metrics_calls_total";
/// The histogram of [`prometheus`] (`_bucket`, `_sum`, `_count`).
pub const DURATION_METRIC: &str = "traces_span_metrics_duration_milliseconds";

/// A label value with `\`, `"` and line feeds escaped, as the exposition format wants.
pub(crate) fn label_value(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

fn otlp_kind(kind: SpanKind) -> &'static str {
    match kind {
        SpanKind::Unspecified => "SPAN_KIND_UNSPECIFIED",
        SpanKind::Internal => "SPAN_KIND_INTERNAL",
        SpanKind::Server => "SPAN_KIND_SERVER",
        SpanKind::Client => "SPAN_KIND_CLIENT",
        SpanKind::Producer => "SPAN_KIND_PRODUCER",
        SpanKind::Consumer => "SPAN_KIND_CONSUMER",
    }
}

fn otlp_status(status: StatusCode) -> &'static str {
    match status {
        StatusCode::Unset => "STATUS_CODE_UNSET",
        StatusCode::Ok => "STATUS_CODE_OK",
        StatusCode::Error => "STATUS_CODE_ERROR",
    }
}

/// The RED metrics of `metrics` in the Prometheus text exposition format (0.0.4), shaped like
/// what the OpenTelemetry Collector's spanmetrics connector produces once exported to Prometheus:
/// a counter `traces_span_metrics_calls_total` and a histogram
/// `traces_span_metrics_duration_milliseconds` (`_bucket` with cumulative `le` counts, `_sum`,
/// `_count`), one series per `service_name`, `span_name`, `span_kind` (`SPAN_KIND_SERVER`, ...)
/// and `status_code` (`STATUS_CODE_UNSET`, `STATUS_CODE_OK`, `STATUS_CODE_ERROR`). Bucket bounds
/// are Strand's 1-2-5 bounds from 1 µs to 100 s, in milliseconds. Values are totals over the
/// loaded traces (no timestamps); a comment says which window they cover.
pub fn prometheus(metrics: &[SpanMetric], window: &Window) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Span metrics of the traces loaded in Strand, {} to {} UTC (totals, no timestamps).",
        format_timestamp_utc(window.start_ns),
        format_timestamp_utc(window.end_ns)
    );
    let labels = |out: &mut String, m: &SpanMetric| {
        out.push_str("service_name=\"");
        label_value(out, &m.service);
        out.push_str("\",span_name=\"");
        label_value(out, &m.operation);
        let _ = write!(out, "\",span_kind=\"{}\",status_code=\"{}\"", otlp_kind(m.kind), otlp_status(m.status));
    };
    let _ = writeln!(out, "# HELP {CALLS_METRIC} Number of spans per service, span name, kind and status.");
    let _ = writeln!(out, "# TYPE {CALLS_METRIC} counter");
    for m in metrics {
        out.push_str(CALLS_METRIC);
        out.push('{');
        labels(&mut out, m);
        let _ = writeln!(out, "}} {}", m.count);
    }
    let _ = writeln!(out, "# HELP {DURATION_METRIC} Span durations in milliseconds.");
    let _ = writeln!(out, "# TYPE {DURATION_METRIC} histogram");
    for m in metrics {
        let cumulative = m.histogram.cumulative();
        for (i, count) in cumulative.iter().enumerate() {
            let le = HISTOGRAM_BOUNDS_NS.get(i).map_or("+Inf".to_string(), |&b| ms_text(i128::from(b)));
            let _ = write!(out, "{DURATION_METRIC}_bucket{{");
            labels(&mut out, m);
            let _ = writeln!(out, ",le=\"{le}\"}} {count}");
        }
        let _ = write!(out, "{DURATION_METRIC}_sum{{");
        labels(&mut out, m);
        let _ = writeln!(out, "}} {}", ms_text(i128::from(m.sum_ns)));
        let _ = write!(out, "{DURATION_METRIC}_count{{");
        labels(&mut out, m);
        let _ = writeln!(out, "}} {}", m.count);
    }
    out
}
