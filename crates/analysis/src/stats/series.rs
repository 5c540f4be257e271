//! Time series and filters: RED buckets over the covered window, summaries of any span filter, and span metrics as the spanmetrics connector counts them.

use super::*;

// ---------------------------------------------------------------------------------------------
// RED time series

/// Which spans a [`red_series`] counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpanFilter {
    All,
    /// Spans whose resource has this service.
    Service(StrId),
    /// Spans of one service with one name and kind (an [`OperationStats`] row).
    Operation {
        service: StrId,
        name: StrId,
        kind: SpanKind,
    },
}

impl SpanFilter {
    /// Whether `span`, whose service is `service`, is one of the spans this filter selects.
    pub fn matches(&self, service: StrId, span: &Span) -> bool {
        match *self {
            SpanFilter::All => true,
            SpanFilter::Service(s) => service == s,
            SpanFilter::Operation { service: s, name, kind } => service == s && span.name == name && span.kind == kind,
        }
    }
}

/// One interval of a [`RedSeries`]: spans that *start* in `start_ns..end_ns`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RedBucket {
    pub start_ns: i64,
    pub end_ns: i64,
    pub count: u64,
    pub errors: u64,
    /// Nearest-rank percentiles of the bucket's durations; `None` for an empty bucket.
    pub p50_ns: Option<i64>,
    pub p99_ns: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RedSeries {
    pub window: Window,
    pub buckets: Vec<RedBucket>,
}

/// Rate, errors and duration over time. The dataset's [`Window`] (over all spans, whatever the
/// filter, so series of different services line up) is split into `buckets` intervals of equal
/// length `W / buckets` (boundaries rounded up to whole nanoseconds); a span counts in the
/// interval its start falls into: bucket `floor((start - window.start) * buckets / W)`. The
/// last bucket also takes spans starting exactly at the window's end. A zero-length window puts
/// every span into the first bucket (all buckets then have `start_ns == end_ns`).
/// `buckets == 0` gives an empty series.
pub fn red_series(data: &Dataset, buckets: usize, filter: SpanFilter) -> RedSeries {
    let window = Window::of(data);
    if buckets == 0 {
        return RedSeries { window, buckets: Vec::new() };
    }
    let b = buckets as i128;
    let w = i128::from(window.duration_ns());
    let mut durations: Vec<Vec<i64>> = vec![Vec::new(); buckets];
    let mut errors = vec![0u64; buckets];
    for trace in &data.traces {
        for span in &trace.spans {
            if !filter.matches(trace.service_of(span), span) {
                continue;
            }
            let offset = i128::from(span.start_ns) - i128::from(window.start_ns);
            let i = if w > 0 { (offset * b / w).clamp(0, b - 1) } else { 0 };
            let i = usize::try_from(i).unwrap_or(0);
            if let Some(list) = durations.get_mut(i) {
                list.push(span.duration_ns);
            }
            if let Some(e) = errors.get_mut(i) {
                *e += u64::from(span.status == StatusCode::Error);
            }
        }
    }
    // Bucket i holds offsets o with i <= o * B / W < i + 1, i.e. ceil(i * W / B) <= o.
    let boundary = |i: i128| {
        let offset = if w > 0 { (i * w + b - 1) / b } else { 0 };
        i64::try_from(i128::from(window.start_ns) + offset).unwrap_or(window.end_ns)
    };
    let series = durations
        .into_iter()
        .zip(errors)
        .enumerate()
        .map(|(i, (mut list, errors))| {
            list.sort_unstable();
            let i = i as i128;
            RedBucket {
                start_ns: boundary(i),
                end_ns: boundary(i + 1),
                count: list.len() as u64,
                errors,
                p50_ns: percentile(&list, 50.0),
                p99_ns: percentile(&list, 99.0),
            }
        })
        .collect();
    RedSeries { window, buckets: series }
}

// ---------------------------------------------------------------------------------------------
// Filtered summaries and span metrics (for the analytics page and its exports)

/// The [`LatencySummary`] of the spans `filter` selects, over all loaded traces: the same numbers
/// as the matching [`dataset_stats`] row (a whole-dataset summary for [`SpanFilter::All`]).
/// Throughput is over the dataset's [`Window`], self shares over all spans' self time.
pub fn filtered_summary(data: &Dataset, filter: SpanFilter) -> LatencySummary {
    let window = Window::of(data);
    let mut durations = Vec::new();
    let mut errors = 0u64;
    let mut self_ns = 0i64;
    let mut all_self_ns = 0i64;
    for trace in &data.traces {
        let tree = SpanTree::build(trace);
        let self_times = self_times(trace, &tree);
        for (i, span) in trace.spans.iter().enumerate() {
            let self_span = self_times.get(i).copied().unwrap_or(0);
            all_self_ns = all_self_ns.saturating_add(self_span);
            if filter.matches(trace.service_of(span), span) {
                durations.push(span.duration_ns);
                errors += u64::from(span.status == StatusCode::Error);
                self_ns = self_ns.saturating_add(self_span);
            }
        }
    }
    durations.sort_unstable();
    LatencySummary::of(&durations, errors, self_ns, all_self_ns, &window)
}

/// Calls and durations of the spans of one service with one name, kind and status: one series
/// of the OpenTelemetry Collector's spanmetrics connector with its default dimensions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpanMetric {
    pub service: String,
    pub operation: String,
    #[serde(serialize_with = "serialize_kind")]
    pub kind: SpanKind,
    #[serde(serialize_with = "serialize_status")]
    pub status: StatusCode,
    pub count: u64,
    /// Sum of the durations, saturating.
    pub sum_ns: i64,
    pub histogram: Histogram,
}

pub(super) fn serialize_status<S: serde::Serializer>(status: &StatusCode, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(status.as_str())
}

/// Span metrics of every loaded span, sorted by service, span name, kind and status (each in
/// enum order). The counts of one (service, name, kind) add up to its [`OperationStats`] count,
/// and the `Error` series holds its errors.
/// A spanmetrics series: (service, span name, kind, status).
pub(super) type MetricKey = (StrId, StrId, SpanKind, StatusCode);

pub fn span_metrics(data: &Dataset) -> Vec<SpanMetric> {
    let strings = &data.strings;
    let mut index: HashMap<(StrId, StrId, SpanKind, StatusCode), usize> = HashMap::new();
    let mut metrics: Vec<(MetricKey, u64, i64, Histogram)> = Vec::new();
    for trace in &data.traces {
        for span in &trace.spans {
            let key = (trace.service_of(span), span.name, span.kind, span.status);
            let g = *index.entry(key).or_insert_with(|| {
                metrics.push((key, 0, 0, Histogram::default()));
                metrics.len() - 1
            });
            if let Some((_, count, sum, histogram)) = metrics.get_mut(g) {
                *count += 1;
                *sum = sum.saturating_add(span.duration_ns);
                histogram.add(span.duration_ns);
            }
        }
    }
    strand_model::order::sort_by(&mut metrics, |a, b| {
        let (ka, kb) = (a.0, b.0);
        (strings.get(ka.0), strings.get(ka.1), ka.2, ka.3).cmp(&(strings.get(kb.0), strings.get(kb.1), kb.2, kb.3))
    });
    metrics
        .into_iter()
        .map(|((service, name, kind, status), count, sum_ns, histogram)| SpanMetric {
            service: strings.get(service).to_string(),
            operation: strings.get(name).to_string(),
            kind,
            status,
            count,
            sum_ns,
            histogram,
        })
        .collect()
}
