//! The analytics page's view model: table rows per service or per operation with formatted
//! cells, sorting by any column, a small filter language, the selected service or operation (in
//! the route), the RED charts of a selection, and the two exports: the statistics as CSV and the
//! RED metrics in the Prometheus text exposition format, named and labelled like the
//! OpenTelemetry Collector's spanmetrics connector. Pure; depends on `model`, `analysis::stats`,
//! `view::charts` and `view::route`.

use crate::charts::{format_rate, series_chart, Series, SeriesChart, SeriesStyle, YUnit};
use crate::route::Route;
use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fmt::Write;
use strand_analysis::stats::{
    DatasetStats, LatencySummary, RedBucket, RedSeries, SpanFilter, SpanMetric, Window, HISTOGRAM_BOUNDS_NS,
};
use strand_model::dump::value_text;
use strand_model::time::{display_zone_label, format_duration, format_timestamp, format_timestamp_utc};
use strand_model::{Dataset, SpanKind, StatusCode};

/// Which table the page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Level {
    Services,
    #[default]
    Operations,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Services => "Services",
            Level::Operations => "Operations",
        }
    }
}

/// The columns of the table. `Operation` and `Kind` exist at the operation level only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Service,
    Operation,
    Kind,
    Count,
    Errors,
    ErrorRate,
    Throughput,
    P50,
    P90,
    P99,
    Max,
    SelfShare,
}

impl Column {
    pub const ALL: [Column; 12] = [
        Column::Service,
        Column::Operation,
        Column::Kind,
        Column::Count,
        Column::Errors,
        Column::ErrorRate,
        Column::Throughput,
        Column::P50,
        Column::P90,
        Column::P99,
        Column::Max,
        Column::SelfShare,
    ];

    /// The columns shown at `level`.
    pub fn of(level: Level) -> impl Iterator<Item = Column> {
        Column::ALL
            .into_iter()
            .filter(move |c| level == Level::Operations || !matches!(c, Column::Operation | Column::Kind))
    }

    pub fn label(self) -> &'static str {
        match self {
            Column::Service => "Service",
            Column::Operation => "Operation",
            Column::Kind => "Kind",
            Column::Count => "Count",
            Column::Errors => "Errors",
            Column::ErrorRate => "Error rate",
            Column::Throughput => "Throughput",
            Column::P50 => "p50",
            Column::P90 => "p90",
            Column::P99 => "p99",
            Column::Max => "Max",
            Column::SelfShare => "Self time",
        }
    }

    /// What the header's tooltip explains.
    pub fn title(self) -> &'static str {
        match self {
            Column::Service => "Service name (service.name of the span's resource)",
            Column::Operation => "Span name",
            Column::Kind => "Span kind",
            Column::Count => "Number of spans",
            Column::Errors => "Spans with error status",
            Column::ErrorRate => "Errors divided by count",
            Column::Throughput => "Spans per second over the time window of all loaded traces",
            Column::P50 => "Median duration (nearest rank)",
            Column::P90 => "90th percentile duration (nearest rank)",
            Column::P99 => "99th percentile duration (nearest rank)",
            Column::Max => "Longest duration",
            Column::SelfShare => "Share of the self time of all spans (time not covered by child spans)",
        }
    }

    /// The name in the route's `sort` parameter and in filter conditions.
    pub fn key(self) -> &'static str {
        match self {
            Column::Service => "service",
            Column::Operation => "operation",
            Column::Kind => "kind",
            Column::Count => "count",
            Column::Errors => "errors",
            Column::ErrorRate => "error-rate",
            Column::Throughput => "throughput",
            Column::P50 => "p50",
            Column::P90 => "p90",
            Column::P99 => "p99",
            Column::Max => "max",
            Column::SelfShare => "self",
        }
    }

    pub fn numeric(self) -> bool {
        !matches!(self, Column::Service | Column::Operation | Column::Kind)
    }

    fn is_duration(self) -> bool {
        matches!(self, Column::P50 | Column::P90 | Column::P99 | Column::Max)
    }
}

/// One table row: a service, or a (service, operation, kind).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub service: String,
    pub operation: Option<String>,
    pub kind: Option<SpanKind>,
    pub summary: LatencySummary,
}

impl Row {
    /// The cell as shown.
    pub fn cell(&self, column: Column) -> String {
        let s = &self.summary;
        match column {
            Column::Service => self.service.clone(),
            Column::Operation => self.operation.clone().unwrap_or_default(),
            Column::Kind => self.kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
            Column::Count => s.count.to_string(),
            Column::Errors => s.errors.to_string(),
            Column::ErrorRate => percent(s.error_rate),
            Column::Throughput => s.throughput_per_s.map_or("-".to_string(), format_rate),
            Column::P50 => format_duration(s.p50_ns),
            Column::P90 => format_duration(s.p90_ns),
            Column::P99 => format_duration(s.p99_ns),
            Column::Max => format_duration(s.max_ns),
            Column::SelfShare => percent(s.self_share),
        }
    }

    /// The cell's number in raw units (durations in ns, rates and shares as fractions), for
    /// sorting, filtering and `data-value` attributes; `None` for text cells and missing values.
    pub fn value(&self, column: Column) -> Option<f64> {
        let s = &self.summary;
        Some(match column {
            Column::Service | Column::Operation | Column::Kind => return None,
            Column::Count => s.count as f64,
            Column::Errors => s.errors as f64,
            Column::ErrorRate => s.error_rate,
            Column::Throughput => s.throughput_per_s?,
            Column::P50 => s.p50_ns as f64,
            Column::P90 => s.p90_ns as f64,
            Column::P99 => s.p99_ns as f64,
            Column::Max => s.max_ns as f64,
            Column::SelfShare => s.self_share,
        })
    }

    /// The selection this row stands for.
    pub fn selection(&self) -> Selection {
        Selection { service: Some(self.service.clone()), operation: self.operation.clone(), kind: self.kind }
    }
}

fn percent(ratio: f64) -> String {
    format!("{:.1}%", ratio * 100.0)
}

/// The rows of `level`, in the analysis order (by service, operation name, kind).
pub fn rows(stats: &DatasetStats, level: Level) -> Vec<Row> {
    match level {
        Level::Services => stats
            .services
            .iter()
            .map(|s| Row { service: s.service.clone(), operation: None, kind: None, summary: s.summary.clone() })
            .collect(),
        Level::Operations => stats
            .operations
            .iter()
            .map(|o| Row {
                service: o.service.clone(),
                operation: Some(o.operation.clone()),
                kind: Some(o.kind),
                summary: o.summary.clone(),
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Sorting

/// How the table is sorted; in the route as `sort=<column key>-<asc|desc>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableSort {
    pub column: Column,
    pub descending: bool,
}

impl TableSort {
    /// Parses `p99-desc`, `service-asc`; `None` for anything else (e.g. a trace list sort).
    pub fn parse(s: &str) -> Option<TableSort> {
        let (key, descending) = super::route::split_sort(s)?;
        let column = Column::ALL.into_iter().find(|c| c.key() == key)?;
        Some(TableSort { column, descending })
    }

    pub fn key(self) -> String {
        format!("{}-{}", self.column.key(), if self.descending { "desc" } else { "asc" })
    }

    /// The sort after clicking `column`: the same column flips, another starts largest first for
    /// numbers and A to Z for text.
    pub fn clicked(current: Option<TableSort>, column: Column) -> TableSort {
        match current {
            Some(s) if s.column == column => TableSort { column, descending: !s.descending },
            _ => TableSort { column, descending: column.numeric() },
        }
    }

    /// The `aria-sort` value of `column`'s header under `sort`.
    pub fn aria(sort: Option<TableSort>, column: Column) -> &'static str {
        match sort {
            Some(s) if s.column == column && s.descending => "descending",
            Some(s) if s.column == column => "ascending",
            _ => "none",
        }
    }
}

fn compare(a: &Row, b: &Row, column: Column) -> Ordering {
    if column.numeric() {
        // Missing values (no throughput) sort below every number.
        match (a.value(column), b.value(column)) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    } else {
        let (x, y) = (a.cell(column), b.cell(column));
        x.to_lowercase().cmp(&y.to_lowercase()).then_with(|| x.cmp(&y))
    }
}

// ---------------------------------------------------------------------------------------------
// Filtering

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

#[derive(Clone, Debug, PartialEq)]
enum Term {
    /// Case-insensitive substring of the service, the operation or `service: operation`.
    Text(String),
    /// Case-insensitive substring of one text column (`service:cart`, `op:GET`, `kind:server`).
    Field(Column, String),
    /// A numeric condition (`errors>0`, `p99>=100ms`, `error-rate>5%`).
    Compare(Column, Op, f64),
    /// `resource.KEY=VALUE` (or `!=`): the services that have (or have no) resource with that
    /// attribute, resolved against the dataset when the filter is made.
    Resource { services: BTreeSet<String>, negate: bool },
}

/// The table filter: whitespace-separated terms that must all match. A term is plain text
/// (matched against service and operation names), `service:TEXT`, `op:TEXT` or `kind:TEXT`, or a
/// condition `COLUMN OP VALUE` with `OP` one of `> >= < <= =` on `count`, `errors`,
/// `error-rate` (a fraction or a percentage: `0.05`, `5%`), `throughput` (per second), `p50`,
/// `p90`, `p99`, `max` (durations with a unit `ns`, `us`, `µs`, `ms`, `s`, `m`; plain numbers are
/// milliseconds) or `self` (like `error-rate`), or `resource.KEY=VALUE` / `resource.KEY!=VALUE`
/// on the services' resource attributes (`resource.k8s.namespace.name=shop`: rows of services
/// with a resource in that namespace; values compared as text). Terms that cannot be read are
/// listed in `problems` and ignored.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RowFilter {
    terms: Vec<Term>,
    pub problems: Vec<String>,
}

impl RowFilter {
    /// The filter without a dataset: `resource.` terms match no service.
    pub fn parse(text: &str) -> RowFilter {
        RowFilter::parse_for(text, None)
    }

    /// The filter, with `resource.` terms resolved against `data`.
    pub fn parse_for(text: &str, data: Option<&Dataset>) -> RowFilter {
        let mut filter = RowFilter::default();
        for word in text.split_whitespace() {
            if let Some(condition) = word.strip_prefix("resource.") {
                match resource_term(condition, data) {
                    Some(term) => filter.terms.push(term),
                    None => filter.problems.push(format!(
                        "“{word}”: write resource.KEY=VALUE or resource.KEY!=VALUE, e.g. resource.k8s.namespace.name=shop"
                    )),
                }
                continue;
            }
            match parse_term(word) {
                Ok(term) => filter.terms.push(term),
                Err(problem) => filter.problems.push(problem),
            }
        }
        filter
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn matches(&self, row: &Row) -> bool {
        self.terms.iter().all(|term| match term {
            Term::Text(t) => {
                let op = row.operation.as_deref().unwrap_or("");
                row.service.to_lowercase().contains(t)
                    || op.to_lowercase().contains(t)
                    || format!("{}: {}", row.service, op).to_lowercase().contains(t)
            }
            Term::Field(column, t) => row.cell(*column).to_lowercase().contains(t),
            Term::Resource { services, negate } => services.contains(&row.service) != *negate,
            Term::Compare(column, op, value) => row.value(*column).is_some_and(|v| match op {
                Op::Lt => v < *value,
                Op::Le => v <= *value,
                Op::Gt => v > *value,
                Op::Ge => v >= *value,
                Op::Eq => (v - value).abs() < 1e-9 * value.abs().max(1.0),
            }),
        })
    }
}

/// `KEY=VALUE` or `KEY!=VALUE` (after `resource.`): the services with a matching resource.
fn resource_term(condition: &str, data: Option<&Dataset>) -> Option<Term> {
    let (key, value, negate) = match condition.split_once("!=") {
        Some((key, value)) => (key, value, true),
        None => {
            let (key, value) = condition.split_once('=')?;
            (key, value, false)
        }
    };
    if key.is_empty() {
        return None;
    }
    let mut services = BTreeSet::new();
    if let Some(data) = data {
        if let Some(key) = data.strings.lookup(key) {
            for trace in &data.traces {
                for r in &trace.resources {
                    let attrs = trace.attrs_of(r.attrs);
                    if attrs.iter().any(|kv| kv.key == key && value_text(&data.strings, trace, kv.value) == value) {
                        services.insert(data.strings.get(r.service).to_string());
                    }
                }
            }
        }
    }
    Some(Term::Resource { services, negate })
}

fn parse_term(word: &str) -> Result<Term, String> {
    if let Some((field, text)) = word.split_once(':') {
        let column = match field.to_ascii_lowercase().as_str() {
            "service" | "svc" => Some(Column::Service),
            "op" | "operation" | "name" => Some(Column::Operation),
            "kind" => Some(Column::Kind),
            _ => None,
        };
        if let Some(column) = column {
            return Ok(Term::Field(column, text.to_lowercase()));
        }
    }
    let Some(at) = word.find(['<', '>', '=']) else {
        return Ok(Term::Text(word.to_lowercase()));
    };
    let (field, rest) = word.split_at(at);
    let (op, value) = if let Some(v) = rest.strip_prefix(">=") {
        (Op::Ge, v)
    } else if let Some(v) = rest.strip_prefix("<=") {
        (Op::Le, v)
    } else if let Some(v) = rest.strip_prefix('>') {
        (Op::Gt, v)
    } else if let Some(v) = rest.strip_prefix('<') {
        (Op::Lt, v)
    } else {
        (Op::Eq, rest.trim_start_matches('='))
    };
    let key = field.to_ascii_lowercase().replace('_', "-");
    let column = match key.as_str() {
        "rate" | "errorrate" => Some(Column::ErrorRate),
        "share" => Some(Column::SelfShare),
        "duration" => Some(Column::P50),
        other => Column::ALL.into_iter().find(|c| c.numeric() && c.key() == other),
    }
    .ok_or_else(|| {
        format!("“{word}”: unknown column “{field}” (use count, errors, error-rate, throughput, p50, p90, p99, max or self)")
    })?;
    let number = if column.is_duration() {
        parse_duration_ns(value)
    } else if matches!(column, Column::ErrorRate | Column::SelfShare) {
        match value.strip_suffix('%') {
            Some(p) => p.parse::<f64>().ok().map(|p| p / 100.0),
            None => value.parse().ok(),
        }
    } else {
        value.trim_end_matches("/s").parse().ok()
    };
    let number = number.filter(|n| n.is_finite()).ok_or_else(|| {
        if column.is_duration() {
            format!("“{word}”: “{value}” is not a duration (write e.g. 250ms, 1.5s, 40us)")
        } else {
            format!("“{word}”: “{value}” is not a number")
        }
    })?;
    Ok(Term::Compare(column, op, number))
}

/// `250ms`, `1.5s`, `40us`, `40µs`, `900ns`, `2m`; a plain number is milliseconds.
fn parse_duration_ns(text: &str) -> Option<f64> {
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: f64 = number.parse().ok()?;
    let scale = match unit {
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "" | "ms" => 1e6,
        "s" => 1e9,
        "m" | "min" => 60e9,
        _ => return None,
    };
    Some(n * scale)
}

/// Positions in `rows` that pass `filter`, in `sort` order (the analysis order without one).
/// Stable: ties keep the analysis order.
pub fn table_order(rows: &[Row], sort: Option<TableSort>, filter: &RowFilter) -> Vec<usize> {
    let mut order: Vec<usize> = rows.iter().enumerate().filter(|(_, r)| filter.matches(r)).map(|(i, _)| i).collect();
    if let Some(sort) = sort {
        order.sort_by(|&a, &b| match (rows.get(a), rows.get(b)) {
            (Some(x), Some(y)) => {
                let o = compare(x, y, sort.column);
                (if sort.descending { o.reverse() } else { o }).then(a.cmp(&b))
            }
            _ => a.cmp(&b),
        });
    }
    order
}

// ---------------------------------------------------------------------------------------------
// Selection

/// What the charts show: everything, one service, or one operation (service, span name and
/// kind). In the route as `service=`, `op=` and `kind=`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Selection {
    pub service: Option<String>,
    pub operation: Option<String>,
    pub kind: Option<SpanKind>,
}

impl Selection {
    pub fn from_route(route: &Route) -> Selection {
        Selection {
            service: route.service.clone(),
            operation: route.operation.clone(),
            kind: route.kind.as_deref().and_then(SpanKind::parse),
        }
    }

    /// `route` showing this selection (on whatever page it is).
    pub fn apply(&self, route: &Route) -> Route {
        let mut next = route.clone();
        next.service = self.service.clone();
        next.operation = self.operation.clone();
        next.kind = match (self.kind, &self.operation) {
            (Some(kind), Some(_)) => Some(kind.as_str().to_string()),
            _ => None,
        };
        next
    }

    pub fn is_all(&self) -> bool {
        self.service.is_none() && self.operation.is_none()
    }

    /// Whether `row` is the selected one.
    pub fn is_row(&self, row: &Row) -> bool {
        self.service.as_deref() == Some(row.service.as_str())
            && self.operation == row.operation
            && (row.operation.is_none() || self.kind.is_none() || self.kind == row.kind)
    }

    /// The span filter of the selection, or `None` when it names something not loaded (or an
    /// operation without a service). An operation without a kind takes the first kind it has.
    pub fn span_filter(&self, data: &Dataset, stats: &DatasetStats) -> Option<SpanFilter> {
        let Some(service_name) = &self.service else {
            return self.operation.is_none().then_some(SpanFilter::All);
        };
        let service = data.strings.lookup(service_name)?;
        let Some(operation) = &self.operation else {
            return stats.services.iter().any(|s| &s.service == service_name).then_some(SpanFilter::Service(service));
        };
        let name = data.strings.lookup(operation)?;
        let kind = stats
            .operations
            .iter()
            .filter(|o| &o.service == service_name && &o.operation == operation)
            .map(|o| o.kind)
            .find(|&k| self.kind.is_none_or(|want| want == k))?;
        Some(SpanFilter::Operation { service, name, kind })
    }

    /// A heading: `All spans`, `cart`, `cart: GET /cart [server]`.
    pub fn title(&self) -> String {
        match (&self.service, &self.operation) {
            (None, None) => "All spans".to_string(),
            (Some(s), None) => format!("Service {s}"),
            (service, Some(op)) => format!(
                "{}: {op}{}",
                service.as_deref().unwrap_or("?"),
                self.kind.map(|k| format!(" [{}]", k.as_str())).unwrap_or_default()
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// RED charts

/// A bucket count for the RED charts: about one bucket per four spans, 10 to 60.
pub fn red_bucket_count(span_count: u64) -> usize {
    usize::try_from(span_count / 4).unwrap_or(usize::MAX).clamp(10, 60)
}

/// The three RED charts of one series: rate (spans per second, area), errors (count per bucket,
/// bars) and duration (p50 and p99 lines).
#[derive(Clone, Debug, PartialEq)]
pub struct RedCharts {
    pub rate: SeriesChart,
    pub errors: SeriesChart,
    pub duration: SeriesChart,
}

pub fn red_charts(series: &RedSeries, width: f64, height: f64) -> RedCharts {
    let mut edges: Vec<i64> = series.buckets.iter().map(|b| b.start_ns).collect();
    if let Some(last) = series.buckets.last() {
        edges.push(last.end_ns);
    }
    let rate = series
        .buckets
        .iter()
        .map(|b| {
            let secs = b.end_ns.saturating_sub(b.start_ns) as f64 / 1e9;
            (secs > 0.0).then(|| b.count as f64 / secs)
        })
        .collect();
    let errors = series.buckets.iter().map(|b| Some(b.errors as f64)).collect();
    let p50 = series.buckets.iter().map(|b| b.p50_ns.map(|v| v as f64)).collect();
    let p99 = series.buckets.iter().map(|b| b.p99_ns.map(|v| v as f64)).collect();
    let one = |name: &str, style, values| Series { name: name.to_string(), style, values };
    RedCharts {
        rate: series_chart(&edges, &[one("rate", SeriesStyle::Area, rate)], YUnit::Rate, width, height),
        errors: series_chart(&edges, &[one("errors", SeriesStyle::Bars, errors)], YUnit::Count, width, height),
        duration: series_chart(
            &edges,
            &[one("p99", SeriesStyle::Line, p99), one("p50", SeriesStyle::Line, p50)],
            YUnit::Duration,
            width,
            height,
        ),
    }
}

/// What hovering a RED bucket shows.
pub fn red_tooltip(bucket: &RedBucket) -> Vec<String> {
    let secs = bucket.end_ns.saturating_sub(bucket.start_ns) as f64 / 1e9;
    // Clock times, with the dates when the interval crosses midnight.
    let (from, to) = (format_timestamp(bucket.start_ns), format_timestamp(bucket.end_ns));
    let same_day = from.get(..10) == to.get(..10);
    let clock = |s: &str| {
        if same_day {
            s.get(11..).unwrap_or(s).to_string()
        } else {
            s.to_string()
        }
    };
    let mut lines = vec![format!(
        "{} – {} {} ({})",
        clock(&from),
        clock(&to),
        display_zone_label(),
        format_duration(bucket.end_ns.saturating_sub(bucket.start_ns))
    )];
    let rate = if secs > 0.0 { format!(" · {}", format_rate(bucket.count as f64 / secs)) } else { String::new() };
    lines.push(format!("{} span{}{rate}", bucket.count, if bucket.count == 1 { "" } else { "s" }));
    lines.push(format!("{} error{}", bucket.errors, if bucket.errors == 1 { "" } else { "s" }));
    if let (Some(p50), Some(p99)) = (bucket.p50_ns, bucket.p99_ns) {
        lines.push(format!("p50 {} · p99 {}", format_duration(p50), format_duration(p99)));
    }
    lines
}

// ---------------------------------------------------------------------------------------------
// Exports

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
fn label_value(out: &mut String, value: &str) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};
    use strand_analysis::stats::{dataset_stats, red_series, span_metrics};
    use strand_formats::{load, AssembleOptions};
    use strand_testkit::dataset;

    fn demo() -> Dataset {
        let mut data = Dataset::new();
        load(&mut data, strand_formats::demo::DEMO_TRACE_JSON, "demo.json", None, &AssembleOptions::default())
            .expect("the demo trace loads");
        data
    }

    /// The table of `level` sorted by `sort` and filtered by `filter`, one line per row.
    fn check_table(level: Level, sort: &str, filter: &str, expect: Expect) {
        let data = demo();
        let stats = dataset_stats(&data);
        let rows = rows(&stats, level);
        let filter = RowFilter::parse(filter);
        let mut out = String::new();
        for p in &filter.problems {
            out.push_str(&format!("problem: {p}\n"));
        }
        for i in table_order(&rows, TableSort::parse(sort), &filter) {
            let row = &rows[i];
            let cells: Vec<String> = Column::of(level).map(|c| row.cell(c)).collect();
            out.push_str(&cells.join(" | "));
            out.push('\n');
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn filter_by_resource_attribute() {
        let mut data = Dataset::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/mesh/");
        for name in ["k8s-shop.otlp.jsonl", "istio-ingress-two-sidecars.zipkin.json"] {
            let bytes = std::fs::read(format!("{dir}{name}")).expect("a fixture");
            load(&mut data, &bytes, name, None, &AssembleOptions::default()).expect("the fixture loads");
        }
        let stats = dataset_stats(&data);
        let rows = rows(&stats, Level::Services);
        let shown = |text: &str| {
            let filter = RowFilter::parse_for(text, Some(&data));
            let mut names: Vec<String> = filter.problems.iter().map(|p| format!("problem: {p}")).collect();
            names.extend(table_order(&rows, None, &filter).into_iter().map(|i| rows[i].service.clone()));
            names.join(", ")
        };
        expect!["cart, frontend, productpage.shop, reviews.shop"].assert_eq(&shown("resource.k8s.namespace.name=shop"));
        expect!["payment"].assert_eq(&shown("resource.k8s.namespace.name=payments errors>0"));
        expect!["cart"].assert_eq(&shown("resource.k8s.deployment.name=cart"));
        expect!["frontend"].assert_eq(&shown("resource.k8s.namespace.name!=payments front"));
        expect!["problem: “resource.k8s.namespace.name”: write resource.KEY=VALUE or resource.KEY!=VALUE, e.g. resource.k8s.namespace.name=shop, cart"]
            .assert_eq(&shown("resource.k8s.namespace.name resource.k8s.deployment.name=cart"));
        // Without a dataset a resource term matches no service.
        assert!(table_order(&rows, None, &RowFilter::parse("resource.k8s.namespace.name=shop")).is_empty());
    }

    #[test]
    fn services_sorted_by_p99() {
        check_table(
            Level::Services,
            "p99-desc",
            "",
            expect![[r#"
                api-gateway | 3 | 0 | 0.0% | 2.59/s | 740ms | 742ms | 742ms | 742ms | 0.3%
                frontend | 4 | 0 | 0.0% | 3.45/s | 2.40ms | 738ms | 738ms | 738ms | 0.6%
                checkout | 11 | 1 | 9.1% | 9.48/s | 26.0ms | 540ms | 730ms | 730ms | 6.7%
                payment | 6 | 1 | 16.7% | 5.17/s | 50.0ms | 539ms | 539ms | 539ms | 39.4%
                email | 3 | 0 | 0.0% | 2.59/s | 390ms | 412ms | 412ms | 412ms | 30.2%
                shipping | 3 | 0 | 0.0% | 2.59/s | 70.0ms | 96.0ms | 96.0ms | 96.0ms | 7.0%
                inventory | 7 | 0 | 0.0% | 6.03/s | 28.2ms | 86.8ms | 86.8ms | 86.8ms | 9.9%
                recommendation | 2 | 2 | 100.0% | 1.72/s | 55.0ms | 59.8ms | 59.8ms | 59.8ms | 4.4%
                cart | 4 | 0 | 0.0% | 3.45/s | 2.20ms | 20.3ms | 20.3ms | 20.3ms | 1.5%
            "#]],
        );
    }

    #[test]
    fn operations_filtered() {
        check_table(
            Level::Operations,
            "errors-desc",
            "errors>0",
            expect![[r#"
                checkout | GET /recommendations/customer-1842 | client | 1 | 1 | 100.0% | 0.86/s | 61.0ms | 61.0ms | 61.0ms | 61.0ms | 0.1%
                payment | POST https://api.payments.example/v1/charges | client | 2 | 1 | 50.0% | 1.72/s | 142ms | 300ms | 300ms | 300ms | 32.4%
                recommendation | GET /recommendations/customer-1842 | server | 1 | 1 | 100.0% | 0.86/s | 59.8ms | 59.8ms | 59.8ms | 59.8ms | 0.4%
                recommendation | load model features | internal | 1 | 1 | 100.0% | 0.86/s | 55.0ms | 55.0ms | 55.0ms | 55.0ms | 4.0%
            "#]],
        );
        check_table(
            Level::Operations,
            "",
            "service:cart p99>=5ms",
            expect![[r#"
                cart | GET /cart/customer-1842 | server | 1 | 0 | 0.0% | 0.86/s | 20.3ms | 20.3ms | 20.3ms | 20.3ms | 0.3%
                cart | SELECT shop.cart_items | client | 1 | 0 | 0.0% | 0.86/s | 12.8ms | 12.8ms | 12.8ms | 12.8ms | 0.9%
            "#]],
        );
        check_table(
            Level::Operations,
            "service-asc",
            "checkout kind:server",
            expect![[r#"
                api-gateway | POST /api/checkout | server | 1 | 0 | 0.0% | 0.86/s | 742ms | 742ms | 742ms | 742ms | 0.1%
                checkout | POST /api/orders | server | 1 | 0 | 0.0% | 0.86/s | 730ms | 730ms | 730ms | 730ms | 0.7%
                frontend | POST /api/checkout | server | 1 | 0 | 0.0% | 0.86/s | 738ms | 738ms | 738ms | 738ms | 0.3%
            "#]],
        );
        check_table(
            Level::Services,
            "",
            "p99>fast bogus<3 error-rate>=10%",
            expect![[r#"
            problem: “p99>fast”: “fast” is not a duration (write e.g. 250ms, 1.5s, 40us)
            problem: “bogus<3”: unknown column “bogus” (use count, errors, error-rate, throughput, p50, p90, p99, max or self)
            payment | 6 | 1 | 16.7% | 5.17/s | 50.0ms | 539ms | 539ms | 539ms | 39.4%
            recommendation | 2 | 2 | 100.0% | 1.72/s | 55.0ms | 59.8ms | 59.8ms | 59.8ms | 4.4%
        "#]],
        );
    }

    #[test]
    fn sort_keys_round_trip() {
        for column in Column::ALL {
            for descending in [false, true] {
                let sort = TableSort { column, descending };
                assert_eq!(TableSort::parse(&sort.key()), Some(sort));
            }
        }
        assert_eq!(TableSort::parse("duration-desc"), None);
        assert_eq!(TableSort::parse("p99"), None);
        let first = TableSort::clicked(None, Column::P99);
        assert!(first.descending);
        assert!(!TableSort::clicked(Some(first), Column::P99).descending);
        assert!(!TableSort::clicked(Some(first), Column::Service).descending);
        assert_eq!(TableSort::aria(Some(first), Column::P99), "descending");
        assert_eq!(TableSort::aria(Some(first), Column::Max), "none");
    }

    #[test]
    fn selection_in_the_route() {
        let data = demo();
        let stats = dataset_stats(&data);
        let route =
            Route::parse("?page=analytics&service=cart&op=GET%20%2Fcart%2Fcustomer-1842&kind=server&sort=p99-desc");
        let selection = Selection::from_route(&route);
        assert_eq!(selection.kind, Some(SpanKind::Server));
        assert_eq!(selection.apply(&route), route);
        let filter = selection.span_filter(&data, &stats);
        let summary = filter.map(|f| strand_analysis::stats::filtered_summary(&data, f));
        let row = stats.operations.iter().find(|o| o.service == "cart" && o.kind == SpanKind::Server);
        assert!(summary.is_some() && row.is_some());
        assert_eq!(Selection::default().span_filter(&data, &stats), Some(SpanFilter::All));
        let missing = Selection { service: Some("nope".into()), ..Selection::default() };
        assert_eq!(missing.span_filter(&data, &stats), None);
        let cleared = Selection::default().apply(&route);
        assert_eq!(cleared.to_query(), "?page=analytics&sort=p99-desc");
        expect!["cart: GET /cart/customer-1842 [server]"].assert_eq(&selection.title());
    }

    #[test]
    fn csv_export() {
        let data = dataset(&["
GET front,end 1000..5001000 server
  query_\"x\",y db 2000..4000 client error
"]);
        let stats = dataset_stats(&data);
        expect![[r#"
            level,service,operation,kind,count,errors,error_rate,throughput_per_s,min_ms,p50_ms,p75_ms,p90_ms,p95_ms,p99_ms,max_ms,self_time_ms,self_share,min_ns,p50_ns,p75_ns,p90_ns,p95_ns,p99_ns,max_ns,self_time_ns⏎
            service,db,,,1,1,1,200,0.002,0.002,0.002,0.002,0.002,0.002,0.002,0.002,0.0004,2000,2000,2000,2000,2000,2000,2000,2000⏎
            service,"front,end",,,1,0,0,200,5,5,5,5,5,5,5,4.998,0.9996,5000000,5000000,5000000,5000000,5000000,5000000,5000000,4998000⏎
            operation,db,"query ""x"",y",client,1,1,1,200,0.002,0.002,0.002,0.002,0.002,0.002,0.002,0.002,0.0004,2000,2000,2000,2000,2000,2000,2000,2000⏎
            operation,"front,end",GET,server,1,0,0,200,5,5,5,5,5,5,5,4.998,0.9996,5000000,5000000,5000000,5000000,5000000,5000000,5000000,4998000⏎
        "#]].assert_eq(&csv(&stats).replace("\r\n", "⏎\n"));
        assert_eq!(ms_text(1_500_000), "1.5");
        assert_eq!(ms_text(-1), "-0.000001");
        assert_eq!(ms_text(100_000_000_000), "100000");
    }

    #[test]
    fn prometheus_export_of_a_small_dataset() {
        let data = dataset(&["
GET frontend 1000..2501000 server
  SELECT db 2000..4000 client error
  SELECT db 5000..5400 client
"]);
        let text = prometheus(&span_metrics(&data), &strand_analysis::stats::Window::of(&data));
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| {
                !l.contains("_bucket")
                    || l.contains("le=\"0.001\"")
                    || l.contains("le=\"0.005\"")
                    || l.contains("le=\"5\"")
                    || l.contains("+Inf")
            })
            .collect();
        expect![[r##"
            # Span metrics of the traces loaded in Strand, 1970-01-01 00:00:00.000 to 1970-01-01 00:00:00.002 UTC (totals, no timestamps).
            # HELP traces_span_metrics_calls_total Number of spans per service, span name, kind and status.
            # TYPE traces_span_metrics_calls_total counter
            traces_span_metrics_calls_total{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_UNSET"} 1
            traces_span_metrics_calls_total{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_ERROR"} 1
            traces_span_metrics_calls_total{service_name="frontend",span_name="GET",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"} 1
            # HELP traces_span_metrics_duration_milliseconds Span durations in milliseconds.
            # TYPE traces_span_metrics_duration_milliseconds histogram
            traces_span_metrics_duration_milliseconds_bucket{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_UNSET",le="0.001"} 1
            traces_span_metrics_duration_milliseconds_bucket{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_UNSET",le="0.005"} 1
            traces_span_metrics_duration_milliseconds_bucket{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_UNSET",le="5"} 1
            traces_span_metrics_duration_milliseconds_bucket{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_UNSET",le="+Inf"} 1
            traces_span_metrics_duration_milliseconds_sum{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_UNSET"} 0.0004
            traces_span_metrics_duration_milliseconds_count{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_UNSET"} 1
            traces_span_metrics_duration_milliseconds_bucket{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_ERROR",le="0.001"} 0
            traces_span_metrics_duration_milliseconds_bucket{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_ERROR",le="0.005"} 1
            traces_span_metrics_duration_milliseconds_bucket{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_ERROR",le="5"} 1
            traces_span_metrics_duration_milliseconds_bucket{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_ERROR",le="+Inf"} 1
            traces_span_metrics_duration_milliseconds_sum{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_ERROR"} 0.002
            traces_span_metrics_duration_milliseconds_count{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_ERROR"} 1
            traces_span_metrics_duration_milliseconds_bucket{service_name="frontend",span_name="GET",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET",le="0.001"} 0
            traces_span_metrics_duration_milliseconds_bucket{service_name="frontend",span_name="GET",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET",le="0.005"} 0
            traces_span_metrics_duration_milliseconds_bucket{service_name="frontend",span_name="GET",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET",le="5"} 1
            traces_span_metrics_duration_milliseconds_bucket{service_name="frontend",span_name="GET",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET",le="+Inf"} 1
            traces_span_metrics_duration_milliseconds_sum{service_name="frontend",span_name="GET",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"} 2.5
            traces_span_metrics_duration_milliseconds_count{service_name="frontend",span_name="GET",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"} 1"##]].assert_eq(&kept.join("\n"));
        check_exposition(&text, &span_metrics(&data));
    }

    #[test]
    fn prometheus_export_of_the_demo_parses_and_adds_up() {
        let data = demo();
        let metrics = span_metrics(&data);
        let text = prometheus(&metrics, &strand_analysis::stats::Window::of(&data));
        check_exposition(&text, &metrics);
        let stats = dataset_stats(&data);
        let calls: u64 = metrics.iter().map(|m| m.count).sum();
        assert_eq!(calls, stats.span_count);
        let errors: u64 = metrics.iter().filter(|m| m.status == StatusCode::Error).map(|m| m.count).sum();
        assert_eq!(errors, stats.error_count);
    }

    #[test]
    fn label_values_are_escaped() {
        let mut out = String::new();
        label_value(&mut out, "a\\b\"c\nd");
        assert_eq!(out, r#"a\\b\"c\nd"#);
    }

    /// A small checker of the text format: every line is a comment, a HELP/TYPE line or a sample
    /// `name{labels} value` of a declared family with well-formed labels; buckets of a series are
    /// cumulative, end in `+Inf` and equal `_count`, which equals the series' calls.
    fn check_exposition(text: &str, metrics: &[SpanMetric]) {
        use std::collections::BTreeMap;
        let mut types: BTreeMap<String, String> = BTreeMap::new();
        let mut calls: BTreeMap<String, u64> = BTreeMap::new();
        let mut buckets: BTreeMap<String, Vec<(String, u64)>> = BTreeMap::new();
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let (name, kind) = rest.split_once(' ').expect("TYPE name kind");
                assert!(matches!(kind, "counter" | "histogram"), "{line}");
                types.insert(name.to_string(), kind.to_string());
                continue;
            }
            if line.starts_with('#') {
                continue;
            }
            let brace = line.find('{').expect("labels");
            let close = line.rfind('}').expect("closing brace");
            let name = &line[..brace];
            assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'), "{name}");
            let value = line[close + 1..].trim();
            let value: f64 = value.parse().unwrap_or_else(|_| panic!("value of {line}"));
            // Labels: name="value" pairs, values with \\ \" \n escapes only.
            let mut labels = Vec::new();
            let mut rest = &line[brace + 1..close];
            while !rest.is_empty() {
                let eq = rest.find("=\"").expect("label=\"");
                let label = &rest[..eq];
                assert!(label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{label}");
                let mut value = String::new();
                let mut chars = rest[eq + 2..].char_indices();
                let end = loop {
                    let (i, c) = chars.next().expect("closing quote");
                    match c {
                        '\\' => match chars.next().expect("escape").1 {
                            'n' => value.push('\n'),
                            c @ ('\\' | '"') => value.push(c),
                            other => panic!("bad escape \\{other}"),
                        },
                        '"' => break eq + 2 + i + 1,
                        c => value.push(c),
                    }
                };
                labels.push((label.to_string(), value));
                rest = rest[end..].strip_prefix(',').unwrap_or(&rest[end..]);
            }
            let series: Vec<String> =
                labels.iter().filter(|(l, _)| l != "le").map(|(l, v)| format!("{l}={v:?}")).collect();
            let series = series.join(",");
            if let Some(family) = name.strip_suffix("_bucket") {
                assert_eq!(types.get(family).map(String::as_str), Some("histogram"));
                let le = labels.iter().find(|(l, _)| l == "le").expect("le").1.clone();
                buckets.entry(series).or_default().push((le, value as u64));
            } else if let Some(family) = name.strip_suffix("_count") {
                assert_eq!(types.get(family).map(String::as_str), Some("histogram"));
                counts.insert(series, value as u64);
            } else if let Some(family) = name.strip_suffix("_sum") {
                assert_eq!(types.get(family).map(String::as_str), Some("histogram"));
            } else {
                assert_eq!(types.get(name).map(String::as_str), Some("counter"), "{name}");
                calls.insert(series, value as u64);
            }
        }
        assert_eq!(calls.len(), metrics.len());
        assert_eq!(counts.len(), metrics.len());
        for (series, list) in &buckets {
            assert_eq!(list.last().map(|(le, _)| le.as_str()), Some("+Inf"));
            let mut bounds = Vec::new();
            for pair in list.windows(2) {
                assert!(pair[0].1 <= pair[1].1, "{series}: buckets are cumulative");
            }
            for (le, _) in list {
                bounds.push(if le == "+Inf" { f64::INFINITY } else { le.parse::<f64>().expect("le") });
            }
            assert!(bounds.windows(2).all(|w| w[0] < w[1]), "{series}: le ascending");
            assert_eq!(list.last().map(|(_, c)| *c), counts.get(series).copied(), "{series}");
            assert_eq!(counts.get(series), calls.get(series), "{series}: _count equals calls");
        }
    }

    #[test]
    fn red_charts_and_tooltips() {
        let data = demo();
        let series = red_series(&data, 10, SpanFilter::All);
        let charts = red_charts(&series, 600.0, 150.0);
        assert_eq!(charts.rate.edges_ns.len(), 11);
        assert_eq!(charts.duration.series.len(), 2);
        let first = series.buckets.first().expect("a bucket");
        expect![[r#"
            14:03:27.500 – 14:03:27.616 UTC (116ms)
            25 spans · 216/s
            3 errors
            p50 28.2ms · p99 742ms"#]]
        .assert_eq(&red_tooltip(first).join("\n"));
        let labels: Vec<&str> = charts.duration.y_ticks.iter().map(|t| t.label.as_str()).collect();
        expect!["0 200ms 400ms 600ms 800ms"].assert_eq(&labels.join(" "));
        assert_eq!(red_bucket_count(43), 10);
        assert_eq!(red_bucket_count(1_000_000), 60);
    }
}
