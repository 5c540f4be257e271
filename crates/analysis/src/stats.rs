//! Latency statistics: nearest-rank percentiles, per-trace breakdowns (by service, operation or
//! attribute value), dataset-wide RED numbers (rate, errors, duration) per service and per
//! operation, log-scale latency histograms and a RED time series. Depends on `model` and
//! `analysis::{tree, self_time}` only; never on `formats`, `view` or the browser.
//!
//! Everything is one pass over the spans that pushes durations into one `Vec` per group, then
//! one sort per group: O(n log n), a handful of allocations per group, no recursion.
//! Durations and self times are integer nanoseconds; `f64` only appears in rates and shares.
//! Sums saturate instead of overflowing, and averages are integer divisions (truncated).

use crate::self_time::self_times;
use crate::tree::SpanTree;
use hashbrown::HashMap;
use serde::Serialize;
use strand_model::dump::value_text;
use strand_model::{Dataset, Interner, KeyValue, Span, SpanKind, StatusCode, StrId, Trace, Value};

/// The nearest-rank percentile of ascending `sorted_ns`: the smallest value such that at least
/// `p`% of the values are less than or equal to it, i.e. the value of rank `ceil(p / 100 * n)`
/// (1-based, at least 1). `p = 0` gives the minimum, `p = 100` the maximum; `p` is clamped to
/// `0..=100` and rounded to 6 decimals so the rank is computed exactly in integers (`p = 99.9`
/// of 1000 values is the 999th, not the 1000th because of float error).
/// `None` for an empty slice or a NaN `p`.
pub fn percentile(sorted_ns: &[i64], p: f64) -> Option<i64> {
    if sorted_ns.is_empty() || p.is_nan() {
        return None;
    }
    let n = sorted_ns.len() as u128;
    // p in millionths of a percent: 0..=100_000_000.
    let p_micro = (p.clamp(0.0, 100.0) * 1e6).round() as u128;
    let rank = (p_micro * n).div_ceil(100_000_000).max(1);
    sorted_ns.get(usize::try_from(rank - 1).ok()?).copied()
}

// ---------------------------------------------------------------------------------------------
// Histograms

/// Upper bounds (inclusive, in ns) of the latency histogram buckets: a 1-2-5 sequence from 1 µs
/// to 100 s (1µs, 2µs, 5µs, 10µs, ..., 50s, 100s). A last bucket, `+Inf`, holds everything above
/// 100 s, so there are `HISTOGRAM_BOUNDS_NS.len() + 1` buckets. Bucket `i` counts durations `d`
/// with `HISTOGRAM_BOUNDS_NS[i - 1] < d <= HISTOGRAM_BOUNDS_NS[i]` (the first one everything up
/// to 1 µs, zero and negative durations included), like Prometheus's `le` buckets.
pub const HISTOGRAM_BOUNDS_NS: [i64; 25] = [
    1_000,
    2_000,
    5_000,
    10_000,
    20_000,
    50_000,
    100_000,
    200_000,
    500_000,
    1_000_000,
    2_000_000,
    5_000_000,
    10_000_000,
    20_000_000,
    50_000_000,
    100_000_000,
    200_000_000,
    500_000_000,
    1_000_000_000,
    2_000_000_000,
    5_000_000_000,
    10_000_000_000,
    20_000_000_000,
    50_000_000_000,
    100_000_000_000,
];

/// Number of histogram buckets: one per bound plus `+Inf`.
pub const HISTOGRAM_BUCKETS: usize = HISTOGRAM_BOUNDS_NS.len() + 1;

/// Latency counts per bucket of [`HISTOGRAM_BOUNDS_NS`] (plus `+Inf` last), not cumulative.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
pub struct Histogram {
    pub counts: [u64; HISTOGRAM_BUCKETS],
}

impl Histogram {
    /// The bucket a duration falls into (`HISTOGRAM_BUCKETS - 1` is `+Inf`).
    pub fn bucket_of(duration_ns: i64) -> usize {
        HISTOGRAM_BOUNDS_NS.partition_point(|&bound| bound < duration_ns)
    }

    pub fn add(&mut self, duration_ns: i64) {
        if let Some(c) = self.counts.get_mut(Histogram::bucket_of(duration_ns)) {
            *c += 1;
        }
    }

    /// The histogram of ascending durations, with one binary search per bound.
    pub fn from_sorted(sorted_ns: &[i64]) -> Histogram {
        let mut histogram = Histogram::default();
        let mut below = 0usize;
        for (slot, bound) in histogram.counts.iter_mut().zip(HISTOGRAM_BOUNDS_NS) {
            let upto = sorted_ns.partition_point(|&d| d <= bound);
            *slot = (upto - below) as u64;
            below = upto;
        }
        if let Some(inf) = histogram.counts.last_mut() {
            *inf = (sorted_ns.len() - below) as u64;
        }
        histogram
    }

    /// Cumulative counts (`le` semantics, as Prometheus exposes them): entry `i` counts every
    /// duration `<=` bound `i`; the last entry (`+Inf`) is the total count.
    pub fn cumulative(&self) -> [u64; HISTOGRAM_BUCKETS] {
        let mut out = self.counts;
        let mut sum = 0u64;
        for c in &mut out {
            sum = sum.saturating_add(*c);
            *c = sum;
        }
        out
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().fold(0u64, |a, &c| a.saturating_add(c))
    }
}

// ---------------------------------------------------------------------------------------------
// Per-trace statistics

/// How [`trace_stats`] groups spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupBy {
    /// The service of the span's resource.
    Service,
    /// Service and span name.
    Operation,
    /// The value of an attribute: the span's own attribute, else its resource's. Spans that
    /// have it in neither place form one group with value `None`. Values are grouped by their
    /// text (strings unquoted, numbers plain), so `"200"` and `200` are one group.
    Attribute(StrId),
}

/// What a group of spans has in common.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum GroupKey {
    Service {
        service: String,
    },
    Operation {
        service: String,
        operation: String,
    },
    /// `None`: spans without the attribute.
    Attribute {
        value: Option<String>,
    },
}

impl GroupKey {
    /// A one-line label: the service, `service: operation`, or the value (`(none)` when absent).
    pub fn label(&self) -> String {
        match self {
            GroupKey::Service { service } => service.clone(),
            GroupKey::Operation { service, operation } => format!("{service}: {operation}"),
            GroupKey::Attribute { value } => value.clone().unwrap_or_else(|| "(none)".to_string()),
        }
    }
}

/// Durations of one group of spans within one trace.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupStats {
    #[serde(flatten)]
    pub key: GroupKey,
    pub count: u64,
    pub total_ns: i64,
    pub avg_ns: i64,
    pub min_ns: i64,
    pub max_ns: i64,
    pub self_total_ns: i64,
    pub self_avg_ns: i64,
    pub self_min_ns: i64,
    pub self_max_ns: i64,
    /// The group's share of the trace: its self-time total divided by the sum of the self times
    /// of all spans of the trace (0 when that sum is 0). Shares of all groups add up to 1.
    pub share: f64,
}

/// One trace's spans in groups, sorted by self-time total (largest first), then by key.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceStats {
    pub span_count: u64,
    /// Sum of all spans' self times: the denominator of [`GroupStats::share`].
    pub self_total_ns: i64,
    pub groups: Vec<GroupStats>,
}

/// Statistics of one trace's spans grouped by `group_by`. `tree` must be the trace's span tree
/// (self times are computed with [`self_times`]).
pub fn trace_stats(strings: &Interner, trace: &Trace, tree: &SpanTree, group_by: GroupBy) -> TraceStats {
    #[derive(Clone, PartialEq, Eq, Hash)]
    enum RawKey {
        Service(StrId),
        Operation(StrId, StrId),
        Attr(AttrKey),
    }
    let self_ns = self_times(trace, tree);
    let mut index: HashMap<RawKey, usize> = HashMap::new();
    let mut groups: Vec<(RawKey, Acc)> = Vec::new();
    let mut self_total_ns = 0i64;
    for (i, span) in trace.spans.iter().enumerate() {
        let key = match group_by {
            GroupBy::Service => RawKey::Service(trace.service_of(span)),
            GroupBy::Operation => RawKey::Operation(trace.service_of(span), span.name),
            GroupBy::Attribute(attr) => RawKey::Attr(AttrKey::of(strings, trace, span, attr)),
        };
        let self_span = self_ns.get(i).copied().unwrap_or(0);
        self_total_ns = self_total_ns.saturating_add(self_span);
        let g = match index.get(&key) {
            Some(&g) => g,
            None => {
                groups.push((key.clone(), Acc::default()));
                index.insert(key, groups.len() - 1);
                groups.len() - 1
            }
        };
        if let Some((_, acc)) = groups.get_mut(g) {
            acc.add(span.duration_ns, self_span);
        }
    }

    let mut named: Vec<(GroupKey, Acc)> = groups
        .into_iter()
        .map(|(raw, acc)| {
            let key = match raw {
                RawKey::Service(s) => GroupKey::Service { service: strings.get(s).to_string() },
                RawKey::Operation(s, n) => {
                    GroupKey::Operation { service: strings.get(s).to_string(), operation: strings.get(n).to_string() }
                }
                RawKey::Attr(a) => GroupKey::Attribute { value: a.text(strings, trace) },
            };
            (key, acc)
        })
        .collect();
    // Different typed attribute values can read the same ("200" and 200): merge those.
    named.sort_by(|a, b| a.0.cmp(&b.0));
    let mut merged: Vec<(GroupKey, Acc)> = Vec::with_capacity(named.len());
    for (key, acc) in named {
        match merged.last_mut() {
            Some((last, into)) if *last == key => into.merge(&acc),
            _ => merged.push((key, acc)),
        }
    }

    let mut out: Vec<GroupStats> = merged.into_iter().map(|(key, acc)| acc.finish(key, self_total_ns)).collect();
    out.sort_by(|a, b| b.self_total_ns.cmp(&a.self_total_ns).then_with(|| a.key.cmp(&b.key)));
    TraceStats { span_count: trace.spans.len() as u64, self_total_ns, groups: out }
}

/// A hashable form of an attribute value, for grouping without rendering text per span.
#[derive(Clone, PartialEq, Eq, Hash)]
enum AttrKey {
    Missing,
    Str(StrId),
    Int(i64),
    Bool(bool),
    /// The bits of an `f64`.
    Double(u64),
    /// Bytes, arrays, maps and empty values, already as text.
    Text(String),
}

impl AttrKey {
    fn of(strings: &Interner, trace: &Trace, span: &Span, key: StrId) -> AttrKey {
        let find = |attrs: &[KeyValue]| attrs.iter().find(|kv| kv.key == key).map(|kv| kv.value);
        let resource_attrs = || trace.resource_of(span).map_or(&[][..], |r| trace.attrs_of(r.attrs));
        let Some(value) = find(trace.attrs_of(span.attrs)).or_else(|| find(resource_attrs())) else {
            return AttrKey::Missing;
        };
        match value {
            Value::Str(s) => AttrKey::Str(s),
            Value::Int(i) => AttrKey::Int(i),
            Value::Bool(b) => AttrKey::Bool(b),
            Value::Double(d) => AttrKey::Double(d.to_bits()),
            other => AttrKey::Text(value_text(strings, trace, other)),
        }
    }

    fn text(self, strings: &Interner, trace: &Trace) -> Option<String> {
        Some(match self {
            AttrKey::Missing => return None,
            AttrKey::Str(s) => strings.get(s).to_string(),
            AttrKey::Int(i) => i.to_string(),
            AttrKey::Bool(b) => b.to_string(),
            AttrKey::Double(bits) => value_text(strings, trace, Value::Double(f64::from_bits(bits))),
            AttrKey::Text(t) => t,
        })
    }
}

/// Running totals of one per-trace group.
#[derive(Clone, Copy)]
struct Acc {
    count: u64,
    total_ns: i64,
    min_ns: i64,
    max_ns: i64,
    self_total_ns: i64,
    self_min_ns: i64,
    self_max_ns: i64,
}

impl Default for Acc {
    fn default() -> Acc {
        Acc {
            count: 0,
            total_ns: 0,
            min_ns: i64::MAX,
            max_ns: i64::MIN,
            self_total_ns: 0,
            self_min_ns: i64::MAX,
            self_max_ns: i64::MIN,
        }
    }
}

impl Acc {
    fn add(&mut self, duration_ns: i64, self_ns: i64) {
        self.count += 1;
        self.total_ns = self.total_ns.saturating_add(duration_ns);
        self.min_ns = self.min_ns.min(duration_ns);
        self.max_ns = self.max_ns.max(duration_ns);
        self.self_total_ns = self.self_total_ns.saturating_add(self_ns);
        self.self_min_ns = self.self_min_ns.min(self_ns);
        self.self_max_ns = self.self_max_ns.max(self_ns);
    }

    fn merge(&mut self, other: &Acc) {
        self.count += other.count;
        self.total_ns = self.total_ns.saturating_add(other.total_ns);
        self.min_ns = self.min_ns.min(other.min_ns);
        self.max_ns = self.max_ns.max(other.max_ns);
        self.self_total_ns = self.self_total_ns.saturating_add(other.self_total_ns);
        self.self_min_ns = self.self_min_ns.min(other.self_min_ns);
        self.self_max_ns = self.self_max_ns.max(other.self_max_ns);
    }

    fn finish(self, key: GroupKey, trace_self_ns: i64) -> GroupStats {
        // Groups are never empty; the guard only keeps the division total.
        let n = i64::try_from(self.count.max(1)).unwrap_or(i64::MAX);
        GroupStats {
            key,
            count: self.count,
            total_ns: self.total_ns,
            avg_ns: self.total_ns / n,
            min_ns: self.min_ns,
            max_ns: self.max_ns,
            self_total_ns: self.self_total_ns,
            self_avg_ns: self.self_total_ns / n,
            self_min_ns: self.self_min_ns,
            self_max_ns: self.self_max_ns,
            share: ratio(self.self_total_ns, trace_self_ns),
        }
    }
}

/// `part / whole`, 0 when `whole` is not positive.
fn ratio(part: i64, whole: i64) -> f64 {
    if whole > 0 {
        part as f64 / whole as f64
    } else {
        0.0
    }
}

// ---------------------------------------------------------------------------------------------
// Dataset-wide statistics

/// The time covered by a dataset: from the earliest span start to the latest span end over all
/// loaded traces (both 0 when there are no spans).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
pub struct Window {
    pub start_ns: i64,
    pub end_ns: i64,
}

impl Window {
    pub fn of(data: &Dataset) -> Window {
        let mut start = i64::MAX;
        let mut end = i64::MIN;
        for span in data.traces.iter().flat_map(|t| t.spans.iter()) {
            start = start.min(span.start_ns);
            end = end.max(span.end_ns());
        }
        if data.traces.iter().all(|t| t.spans.is_empty()) {
            return Window::default();
        }
        // Negative durations could put every end before the earliest start.
        Window { start_ns: start, end_ns: end.max(start) }
    }

    pub fn duration_ns(&self) -> i64 {
        self.end_ns.saturating_sub(self.start_ns)
    }

    /// `count` per second of this window; `None` for a zero-length window (no spans, or all of
    /// them instantaneous at the same time), where a rate is undefined.
    pub fn rate(&self, count: u64) -> Option<f64> {
        let ns = self.duration_ns();
        (ns > 0).then(|| count as f64 / (ns as f64 / 1e9))
    }
}

/// Counts, errors, latency percentiles, self-time share and histogram of a group of spans from
/// all loaded traces.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LatencySummary {
    pub count: u64,
    pub errors: u64,
    /// `errors / count`.
    pub error_rate: f64,
    /// `count` divided by the dataset's [`Window`] in seconds; `None` for a zero-length window.
    pub throughput_per_s: Option<f64>,
    pub min_ns: i64,
    pub p50_ns: i64,
    pub p75_ns: i64,
    pub p90_ns: i64,
    pub p95_ns: i64,
    pub p99_ns: i64,
    pub max_ns: i64,
    pub self_time_ns: i64,
    /// The group's self time divided by the self time of all spans of all traces (0 when that
    /// is 0).
    pub self_share: f64,
    pub histogram: Histogram,
}

impl LatencySummary {
    fn of(sorted_ns: &[i64], errors: u64, self_time_ns: i64, all_self_ns: i64, window: &Window) -> LatencySummary {
        let count = sorted_ns.len() as u64;
        let at = |p: f64| percentile(sorted_ns, p).unwrap_or(0);
        LatencySummary {
            count,
            errors,
            error_rate: if count > 0 { errors as f64 / count as f64 } else { 0.0 },
            throughput_per_s: window.rate(count),
            min_ns: at(0.0),
            p50_ns: at(50.0),
            p75_ns: at(75.0),
            p90_ns: at(90.0),
            p95_ns: at(95.0),
            p99_ns: at(99.0),
            max_ns: at(100.0),
            self_time_ns,
            self_share: ratio(self_time_ns, all_self_ns),
            histogram: Histogram::from_sorted(sorted_ns),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceStats {
    pub service: String,
    #[serde(flatten)]
    pub summary: LatencySummary,
}

/// Spans of one service with one name and one kind.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OperationStats {
    pub service: String,
    pub operation: String,
    #[serde(serialize_with = "serialize_kind")]
    pub kind: SpanKind,
    #[serde(flatten)]
    pub summary: LatencySummary,
}

fn serialize_kind<S: serde::Serializer>(kind: &SpanKind, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(kind.as_str())
}

/// RED statistics of all loaded traces: services sorted by name, operations by service name,
/// span name and kind (in [`SpanKind`] order: unspecified, internal, server, client, producer,
/// consumer).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DatasetStats {
    pub window: Window,
    pub span_count: u64,
    pub error_count: u64,
    /// Sum of the self times of all spans: the denominator of [`LatencySummary::self_share`].
    pub self_time_ns: i64,
    /// The bucket bounds of every [`Histogram`] (`+Inf` implied last).
    pub histogram_bounds_ns: &'static [i64],
    pub services: Vec<ServiceStats>,
    pub operations: Vec<OperationStats>,
}

/// Durations, errors and self time of one (service, name, kind) group across traces.
struct OpAcc {
    service: StrId,
    name: StrId,
    kind: SpanKind,
    durations: Vec<i64>,
    errors: u64,
    self_ns: i64,
}

/// Per-service and per-operation statistics over every span of every trace in `data`.
pub fn dataset_stats(data: &Dataset) -> DatasetStats {
    let window = Window::of(data);
    let strings = &data.strings;
    let mut index: HashMap<(StrId, StrId, SpanKind), usize> = HashMap::new();
    let mut ops: Vec<OpAcc> = Vec::new();
    let mut last: Option<((StrId, StrId, SpanKind), usize)> = None;
    let mut all_self_ns = 0i64;
    let mut error_count = 0u64;
    for trace in &data.traces {
        let tree = SpanTree::build(trace);
        let self_ns = self_times(trace, &tree);
        for (i, span) in trace.spans.iter().enumerate() {
            let key = (trace.service_of(span), span.name, span.kind);
            // Neighbouring spans often share a group: skip the hash lookup for them.
            let g = match last {
                Some((k, g)) if k == key => g,
                _ => {
                    let g = *index.entry(key).or_insert_with(|| {
                        ops.push(OpAcc {
                            service: key.0,
                            name: key.1,
                            kind: key.2,
                            durations: Vec::new(),
                            errors: 0,
                            self_ns: 0,
                        });
                        ops.len() - 1
                    });
                    last = Some((key, g));
                    g
                }
            };
            let Some(op) = ops.get_mut(g) else { continue };
            let self_span = self_ns.get(i).copied().unwrap_or(0);
            let is_error = span.status == StatusCode::Error;
            op.durations.push(span.duration_ns);
            op.errors += u64::from(is_error);
            op.self_ns = op.self_ns.saturating_add(self_span);
            error_count += u64::from(is_error);
            all_self_ns = all_self_ns.saturating_add(self_span);
        }
    }
    for op in &mut ops {
        op.durations.sort_unstable();
    }
    ops.sort_by(|a, b| {
        (strings.get(a.service), strings.get(a.name), a.kind).cmp(&(
            strings.get(b.service),
            strings.get(b.name),
            b.kind,
        ))
    });

    // Operations of one service are now neighbours: each run is one service.
    let mut services = Vec::new();
    let mut scratch: Vec<i64> = Vec::new();
    let mut run_start = 0;
    while let Some(first) = ops.get(run_start) {
        let run_len =
            ops.get(run_start..).map_or(0, |rest| rest.iter().take_while(|o| o.service == first.service).count());
        let run = ops.get(run_start..run_start + run_len).unwrap_or(&[]);
        let errors = run.iter().map(|o| o.errors).sum();
        let self_ns = run.iter().fold(0i64, |a, o| a.saturating_add(o.self_ns));
        let sorted: &[i64] = match run {
            [only] => &only.durations,
            _ => {
                scratch.clear();
                for o in run {
                    scratch.extend_from_slice(&o.durations);
                }
                scratch.sort_unstable();
                &scratch
            }
        };
        services.push(ServiceStats {
            service: strings.get(first.service).to_string(),
            summary: LatencySummary::of(sorted, errors, self_ns, all_self_ns, &window),
        });
        run_start += run_len.max(1);
    }

    let operations = ops
        .iter()
        .map(|o| OperationStats {
            service: strings.get(o.service).to_string(),
            operation: strings.get(o.name).to_string(),
            kind: o.kind,
            summary: LatencySummary::of(&o.durations, o.errors, o.self_ns, all_self_ns, &window),
        })
        .collect();

    DatasetStats {
        window,
        span_count: data.span_count() as u64,
        error_count,
        self_time_ns: all_self_ns,
        histogram_bounds_ns: &HISTOGRAM_BOUNDS_NS,
        services,
        operations,
    }
}

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

fn serialize_status<S: serde::Serializer>(status: &StatusCode, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(status.as_str())
}

/// Span metrics of every loaded span, sorted by service, span name, kind and status (each in
/// enum order). The counts of one (service, name, kind) add up to its [`OperationStats`] count,
/// and the `Error` series holds its errors.
/// A spanmetrics series: (service, span name, kind, status).
type MetricKey = (StrId, StrId, SpanKind, StatusCode);

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
    metrics.sort_by(|a, b| {
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

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};
    use strand_testkit::dataset;

    fn check_percentiles(values: &[i64], expect: Expect) {
        let mut sorted = values.to_vec();
        sorted.sort_unstable();
        let out: Vec<String> = [0.0, 1.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 100.0, 150.0, -5.0, f64::NAN]
            .iter()
            .map(|&p| format!("p{p}={}", percentile(&sorted, p).map_or("-".to_string(), |v| v.to_string())))
            .collect();
        expect.assert_eq(&out.join(" "));
    }

    #[test]
    fn percentiles_use_nearest_rank() {
        check_percentiles(&[], expect!["p0=- p1=- p25=- p50=- p75=- p90=- p99=- p99.9=- p100=- p150=- p-5=- pNaN=-"]);
        check_percentiles(&[7], expect!["p0=7 p1=7 p25=7 p50=7 p75=7 p90=7 p99=7 p99.9=7 p100=7 p150=7 p-5=7 pNaN=-"]);
        check_percentiles(
            &[40, 10, 30, 20],
            expect!["p0=10 p1=10 p25=10 p50=20 p75=30 p90=40 p99=40 p99.9=40 p100=40 p150=40 p-5=10 pNaN=-"],
        );
        check_percentiles(
            &(1..=10).collect::<Vec<_>>(),
            expect!["p0=1 p1=1 p25=3 p50=5 p75=8 p90=9 p99=10 p99.9=10 p100=10 p150=10 p-5=1 pNaN=-"],
        );
        // With 1000 values, p99.9 is exactly the 999th: no float error pushes it to the 1000th.
        check_percentiles(
            &(1..=1000).collect::<Vec<_>>(),
            expect!["p0=1 p1=10 p25=250 p50=500 p75=750 p90=900 p99=990 p99.9=999 p100=1000 p150=1000 p-5=1 pNaN=-"],
        );
    }

    fn check_histogram(values: &[i64], expect: Expect) {
        let mut sorted = values.to_vec();
        sorted.sort_unstable();
        let histogram = Histogram::from_sorted(&sorted);
        let mut one_by_one = Histogram::default();
        for &v in values {
            one_by_one.add(v);
        }
        assert_eq!(histogram, one_by_one);
        assert_eq!(histogram.total(), values.len() as u64);
        let cumulative = histogram.cumulative();
        assert_eq!(cumulative.last().copied(), Some(values.len() as u64));
        let mut out = String::new();
        for (i, (&c, &cum)) in histogram.counts.iter().zip(&cumulative).enumerate() {
            if c == 0 {
                continue;
            }
            let le = HISTOGRAM_BOUNDS_NS.get(i).map_or("+Inf".to_string(), |b| format!("{b}"));
            out.push_str(&format!("le={le} count={c} cumulative={cum}\n"));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn histogram_buckets_are_le_bounds() {
        check_histogram(
            &[-5, 0, 1_000, 1_001, 2_000, 4_999, 5_000, 999_999_999, 100_000_000_000, 100_000_000_001, i64::MAX],
            expect![[r#"
                le=1000 count=3 cumulative=3
                le=2000 count=2 cumulative=5
                le=5000 count=2 cumulative=7
                le=1000000000 count=1 cumulative=8
                le=100000000000 count=1 cumulative=9
                le=+Inf count=2 cumulative=11
            "#]],
        );
        check_histogram(&[], expect![""]);
    }

    #[test]
    fn histogram_bounds_follow_1_2_5() {
        let mut expected = Vec::new();
        let mut decade = 1_000i64;
        while decade <= 100_000_000_000 {
            expected.extend([decade, decade * 2, decade * 5]);
            decade *= 10;
        }
        expected.truncate(expected.len() - 2);
        assert_eq!(HISTOGRAM_BOUNDS_NS.to_vec(), expected);
        assert_eq!(HISTOGRAM_BOUNDS_NS.first(), Some(&1_000));
        assert_eq!(HISTOGRAM_BOUNDS_NS.last(), Some(&100_000_000_000));
    }

    /// Renders the groups of the first trace of `fixture`, one line each, largest first.
    fn check_trace(fixture: &str, group_by: &str, expect: Expect) {
        let mut data = dataset(&[fixture]);
        let group_by = match group_by {
            "service" => GroupBy::Service,
            "operation" => GroupBy::Operation,
            attr => GroupBy::Attribute(data.strings.intern(attr)),
        };
        let trace = &data.traces[0];
        let stats = trace_stats(&data.strings, trace, &SpanTree::build(trace), group_by);
        let share_sum: f64 = stats.groups.iter().map(|g| g.share).sum();
        if stats.self_total_ns > 0 {
            assert!((share_sum - 1.0).abs() < 1e-9, "shares add up to {share_sum}");
        }
        assert_eq!(stats.groups.iter().map(|g| g.count).sum::<u64>(), stats.span_count);
        let mut out = format!("spans={} self_total={}\n", stats.span_count, stats.self_total_ns);
        for g in &stats.groups {
            out.push_str(&format!(
                "{}: count={} total={} avg={} min={} max={} self={}/{}/{}/{} share={:.3}\n",
                g.key.label(),
                g.count,
                g.total_ns,
                g.avg_ns,
                g.min_ns,
                g.max_ns,
                g.self_total_ns,
                g.self_avg_ns,
                g.self_min_ns,
                g.self_max_ns,
                g.share
            ));
        }
        expect.assert_eq(&out);
    }

    // Fixture times start above 0: assembly reads a start of 0 as "no start time" and moves it.
    const SHOP: &str = "
checkout frontend 1000..1100 server http.route=/checkout
  auth frontend 1005..1015 http.status_code=200
  charge frontend 1020..1080 client http.status_code=500
    charge payments 1025..1075 server http.status_code=500 error
      ledger payments 1030..1040
      ledger payments 1050..1060
  render frontend 1085..1095
";

    #[test]
    fn trace_stats_by_service() {
        check_trace(
            SHOP,
            "service",
            expect![[r#"
                spans=7 self_total=100
                frontend: count=4 total=180 avg=45 min=10 max=100 self=50/12/10/20 share=0.500
                payments: count=3 total=70 avg=23 min=10 max=50 self=50/16/10/30 share=0.500
            "#]],
        );
    }

    #[test]
    fn trace_stats_by_operation() {
        check_trace(
            SHOP,
            "operation",
            expect![[r#"
                spans=7 self_total=100
                payments: charge: count=1 total=50 avg=50 min=50 max=50 self=30/30/30/30 share=0.300
                frontend: checkout: count=1 total=100 avg=100 min=100 max=100 self=20/20/20/20 share=0.200
                payments: ledger: count=2 total=20 avg=10 min=10 max=10 self=20/10/10/10 share=0.200
                frontend: auth: count=1 total=10 avg=10 min=10 max=10 self=10/10/10/10 share=0.100
                frontend: charge: count=1 total=60 avg=60 min=60 max=60 self=10/10/10/10 share=0.100
                frontend: render: count=1 total=10 avg=10 min=10 max=10 self=10/10/10/10 share=0.100
            "#]],
        );
    }

    #[test]
    fn trace_stats_by_attribute_groups_missing_values_together() {
        check_trace(
            SHOP,
            "http.status_code",
            expect![[r#"
                spans=7 self_total=100
                (none): count=4 total=130 avg=32 min=10 max=100 self=50/12/10/20 share=0.500
                500: count=2 total=110 avg=55 min=50 max=60 self=40/20/10/30 share=0.400
                200: count=1 total=10 avg=10 min=10 max=10 self=10/10/10/10 share=0.100
            "#]],
        );
    }

    #[test]
    fn stats_serialize_to_json() {
        let data = dataset(&["
GET api 1000..1100 server http.status_code=200
"]);
        let trace = &data.traces[0];
        let key = data.strings.lookup("http.status_code").expect("interned");
        let by_attr = trace_stats(&data.strings, trace, &SpanTree::build(trace), GroupBy::Attribute(key));
        expect![[r#"{"span_count":1,"self_total_ns":100,"groups":[{"by":"attribute","value":"200","count":1,"total_ns":100,"avg_ns":100,"min_ns":100,"max_ns":100,"self_total_ns":100,"self_avg_ns":100,"self_min_ns":100,"self_max_ns":100,"share":1.0}]}"#]].assert_eq(&serde_json::to_string(&by_attr).expect("serializes"));
        // Dataset rows flatten their summary next to the names; the kind is its lowercase name.
        let stats = dataset_stats(&data);
        let json = serde_json::to_string(&stats.operations[0]).expect("serializes");
        expect![[r#"{"service":"api","operation":"GET","kind":"server","count":1,"errors":0,"error_rate":0.0,"throughput_per_s":10000000.0,"min_ns":100,"p50_ns":100,"p75_ns":100,"p90_ns":100,"p95_ns":100,"p99_ns":100,"max_ns":100,"self_time_ns":100,"self_share":1.0,"histogram":{"counts":[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}}"#]].assert_eq(&json);
    }

    #[test]
    fn trace_stats_of_an_empty_trace() {
        check_trace(
            "",
            "service",
            expect![[r#"
            spans=0 self_total=0
        "#]],
        );
    }

    /// Renders the dataset statistics: window, totals, then services and operations.
    fn check_dataset(fixtures: &[&str], expect: Expect) {
        let data = dataset(fixtures);
        let stats = dataset_stats(&data);
        let mut out = format!(
            "window={}..{} spans={} errors={} self={}\n",
            stats.window.start_ns, stats.window.end_ns, stats.span_count, stats.error_count, stats.self_time_ns
        );
        let summary = |s: &LatencySummary| {
            let buckets: Vec<String> = s
                .histogram
                .counts
                .iter()
                .enumerate()
                .filter(|(_, &c)| c > 0)
                .map(|(i, c)| {
                    format!("{}:{c}", HISTOGRAM_BOUNDS_NS.get(i).map_or("inf".to_string(), |b| b.to_string()))
                })
                .collect();
            format!(
                "count={} errors={} rate={:.2} throughput={} min={} p50={} p75={} p90={} p95={} p99={} max={} self={} share={:.3} hist=[{}]",
                s.count,
                s.errors,
                s.error_rate,
                s.throughput_per_s.map_or("-".to_string(), |t| format!("{t:.0}/s")),
                s.min_ns,
                s.p50_ns,
                s.p75_ns,
                s.p90_ns,
                s.p95_ns,
                s.p99_ns,
                s.max_ns,
                s.self_time_ns,
                s.self_share,
                buckets.join(" ")
            )
        };
        for s in &stats.services {
            out.push_str(&format!("service {}: {}\n", s.service, summary(&s.summary)));
        }
        for o in &stats.operations {
            out.push_str(&format!("  {} {} {}: {}\n", o.service, o.operation, o.kind.as_str(), summary(&o.summary)));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn dataset_stats_per_service_and_operation() {
        check_dataset(
            &[
                "
GET frontend 1000..5000 server
  query db 2000..4000 client error
",
                "
GET frontend 6000..11000 server
  query db 7000..8000 client
  query db 8000..9500 client
  GET frontend 10000..10500 client
",
            ],
            expect![[r#"
                window=1000..11000 spans=6 errors=1 self=9000
                service db: count=3 errors=1 rate=0.33 throughput=300000/s min=1000 p50=1500 p75=2000 p90=2000 p95=2000 p99=2000 max=2000 self=4500 share=0.500 hist=[1000:1 2000:2]
                service frontend: count=3 errors=0 rate=0.00 throughput=300000/s min=500 p50=4000 p75=5000 p90=5000 p95=5000 p99=5000 max=5000 self=4500 share=0.500 hist=[1000:1 5000:2]
                  db query client: count=3 errors=1 rate=0.33 throughput=300000/s min=1000 p50=1500 p75=2000 p90=2000 p95=2000 p99=2000 max=2000 self=4500 share=0.500 hist=[1000:1 2000:2]
                  frontend GET server: count=2 errors=0 rate=0.00 throughput=200000/s min=4000 p50=4000 p75=5000 p90=5000 p95=5000 p99=5000 max=5000 self=4000 share=0.444 hist=[5000:2]
                  frontend GET client: count=1 errors=0 rate=0.00 throughput=100000/s min=500 p50=500 p75=500 p90=500 p95=500 p99=500 max=500 self=500 share=0.056 hist=[1000:1]
            "#]],
        );
    }

    #[test]
    fn dataset_stats_with_a_zero_length_window_has_no_throughput() {
        check_dataset(
            &["
tick clock 5..5
"],
            expect![[r#"
                window=5..5 spans=1 errors=0 self=0
                service clock: count=1 errors=0 rate=0.00 throughput=- min=0 p50=0 p75=0 p90=0 p95=0 p99=0 max=0 self=0 share=0.000 hist=[1000:1]
                  clock tick unspecified: count=1 errors=0 rate=0.00 throughput=- min=0 p50=0 p75=0 p90=0 p95=0 p99=0 max=0 self=0 share=0.000 hist=[1000:1]
            "#]],
        );
        check_dataset(
            &[],
            expect![[r#"
            window=0..0 spans=0 errors=0 self=0
        "#]],
        );
    }

    /// Renders a RED series of `buckets` intervals over the spans of `service` (all when empty).
    fn check_red(fixtures: &[&str], buckets: usize, service: &str, expect: Expect) {
        let mut data = dataset(fixtures);
        let filter =
            if service.is_empty() { SpanFilter::All } else { SpanFilter::Service(data.strings.intern(service)) };
        let series = red_series(&data, buckets, filter);
        let mut out = format!("window={}..{}\n", series.window.start_ns, series.window.end_ns);
        for b in &series.buckets {
            let p = |v: Option<i64>| v.map_or("-".to_string(), |v| v.to_string());
            out.push_str(&format!(
                "{}..{} count={} errors={} p50={} p99={}\n",
                b.start_ns,
                b.end_ns,
                b.count,
                b.errors,
                p(b.p50_ns),
                p(b.p99_ns)
            ));
        }
        expect.assert_eq(&out);
    }

    const BUSY: &str = "
root api 1000..1100 server
  a api 1000..1010 error
  b db 1012..1020 client
  c db 1030..1060 client
  d api 1045..1050
  e db 1099..1100 error
";

    #[test]
    fn red_series_buckets_by_start() {
        check_red(
            &[BUSY],
            4,
            "",
            expect![[r#"
                window=1000..1100
                1000..1025 count=3 errors=1 p50=10 p99=100
                1025..1050 count=2 errors=0 p50=5 p99=30
                1050..1075 count=0 errors=0 p50=- p99=-
                1075..1100 count=1 errors=1 p50=1 p99=1
            "#]],
        );
    }

    #[test]
    fn red_series_filters_by_service_on_the_full_window() {
        check_red(
            &[BUSY],
            3,
            "db",
            expect![[r#"
                window=1000..1100
                1000..1034 count=2 errors=0 p50=8 p99=30
                1034..1067 count=0 errors=0 p50=- p99=-
                1067..1100 count=1 errors=1 p50=1 p99=1
            "#]],
        );
    }

    #[test]
    fn red_series_edge_cases() {
        check_red(
            &[BUSY],
            0,
            "",
            expect![[r#"
                window=1000..1100
            "#]],
        );
        check_red(
            &["
tick clock 5..5
"],
            2,
            "",
            expect![[r#"
                window=5..5
                5..5 count=1 errors=0 p50=0 p99=0
                5..5 count=0 errors=0 p50=- p99=-
            "#]],
        );
    }

    #[test]
    fn filtered_summaries_and_span_metrics_agree_with_dataset_stats() {
        let data = dataset(&[BUSY, SHOP]);
        let stats = dataset_stats(&data);
        for o in &stats.operations {
            let filter = SpanFilter::Operation {
                service: data.strings.lookup(&o.service).expect("interned"),
                name: data.strings.lookup(&o.operation).expect("interned"),
                kind: o.kind,
            };
            assert_eq!(filtered_summary(&data, filter), o.summary, "{} {}", o.service, o.operation);
        }
        for s in &stats.services {
            let filter = SpanFilter::Service(data.strings.lookup(&s.service).expect("interned"));
            assert_eq!(filtered_summary(&data, filter), s.summary);
        }
        let all = filtered_summary(&data, SpanFilter::All);
        assert_eq!((all.count, all.errors), (stats.span_count, stats.error_count));

        let metrics = span_metrics(&data);
        for o in &stats.operations {
            let of_op: Vec<&SpanMetric> = metrics
                .iter()
                .filter(|m| m.service == o.service && m.operation == o.operation && m.kind == o.kind)
                .collect();
            assert_eq!(of_op.iter().map(|m| m.count).sum::<u64>(), o.summary.count);
            let errors: u64 = of_op.iter().filter(|m| m.status == StatusCode::Error).map(|m| m.count).sum();
            assert_eq!(errors, o.summary.errors);
            let mut merged = Histogram::default();
            for m in &of_op {
                for (into, c) in merged.counts.iter_mut().zip(m.histogram.counts) {
                    *into += c;
                }
            }
            assert_eq!(merged, o.summary.histogram);
        }
        let lines: Vec<String> = metrics
            .iter()
            .map(|m| {
                format!(
                    "{} {} {} {} count={} sum={}",
                    m.service,
                    m.operation,
                    m.kind.as_str(),
                    m.status.as_str(),
                    m.count,
                    m.sum_ns
                )
            })
            .collect();
        expect![[r#"
            api a unspecified error count=1 sum=10
            api d unspecified unset count=1 sum=5
            api root server unset count=1 sum=100
            db b client unset count=1 sum=8
            db c client unset count=1 sum=30
            db e unspecified error count=1 sum=1
            frontend auth unspecified unset count=1 sum=10
            frontend charge client unset count=1 sum=60
            frontend checkout server unset count=1 sum=100
            frontend render unspecified unset count=1 sum=10
            payments charge server error count=1 sum=50
            payments ledger unspecified unset count=2 sum=20"#]]
        .assert_eq(&lines.join("\n"));
    }

    #[test]
    fn scale_one_pass_per_group() {
        // 200k spans in 2000 traces across 10 services and 50 operations: checks totals (the
        // release-build timing of 1M spans is measured by hand, not asserted).
        let mut data = strand_model::Dataset::new();
        let services: Vec<StrId> = (0..10).map(|i| data.strings.intern(&format!("svc{i}"))).collect();
        let names: Vec<StrId> = (0..50).map(|i| data.strings.intern(&format!("op{i}"))).collect();
        for t in 0..2000u32 {
            let mut trace = Trace::new(strand_model::TraceId::Hex(u128::from(t) + 1));
            for &service in &services {
                trace.resources.push(strand_model::Resource { service, attrs: Default::default() });
            }
            for s in 0..100u32 {
                let mut span = Span::empty(strand_model::SpanId::Hex(u64::from(s) + 1));
                span.parent = if s == 0 { strand_model::NO_PARENT } else { 0 };
                span.resource = s % 10;
                span.name = names[(s % 50) as usize];
                span.start_ns = i64::from(t) * 1_000_000 + i64::from(s);
                span.duration_ns = i64::from((s * 7919 + t) % 100_000);
                if s % 13 == 0 {
                    span.status = StatusCode::Error;
                }
                trace.spans.push(span);
            }
            data.traces.push(trace);
        }
        let stats = dataset_stats(&data);
        assert_eq!(stats.span_count, 200_000);
        assert_eq!(stats.services.len(), 10);
        assert_eq!(stats.operations.len(), 50);
        assert_eq!(stats.services.iter().map(|s| s.summary.count).sum::<u64>(), 200_000);
        assert_eq!(stats.error_count, 2000 * 8);
        let series = red_series(&data, 60, SpanFilter::All);
        assert_eq!(series.buckets.iter().map(|b| b.count).sum::<u64>(), 200_000);
    }
}
