//! The analytics page's view model: table rows per service or per operation with formatted
//! cells, sorting by any column, a small filter language, the selected service or operation (in
//! the route) and the RED charts of a selection. Its exports (CSV, Prometheus) are
//! `export::stats`. Pure; depends on `model`, `analysis::stats`, `view::charts` and
//! `view::route`.

use crate::charts::{format_rate, series_chart, Series, SeriesChart, SeriesStyle, YUnit};
use crate::route::Route;
use crate::sort::{KeyedColumn, Sort, SortColumn};

mod filter;
#[allow(unused_imports)]
use filter::*;
pub use filter::{table_order, RowFilter};
use std::cmp::Ordering;
use std::collections::BTreeSet;
use strand_analysis::stats::{DatasetStats, LatencySummary, RedBucket, RedSeries, SpanFilter};
use strand_model::dump::value_text;
use strand_model::time::{format_duration, format_timestamp_utc};
use strand_model::{Dataset, SpanKind};

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
pub type TableSort = Sort<Column>;

impl SortColumn for Column {
    fn numeric(self) -> bool {
        Column::numeric(self)
    }
}

impl KeyedColumn for Column {
    const ALL: &'static [Column] = &Column::ALL;
    fn key(self) -> &'static str {
        Column::key(self)
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
    let (from, to) = (format_timestamp_utc(bucket.start_ns), format_timestamp_utc(bucket.end_ns));
    let same_day = from.get(..10) == to.get(..10);
    let clock = |s: &str| {
        if same_day {
            s.get(11..).unwrap_or(s).to_string()
        } else {
            s.to_string()
        }
    };
    let mut lines = vec![format!(
        "{} – {} ({})",
        clock(&from),
        clock(&to),
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

#[cfg(test)]
mod tests;
