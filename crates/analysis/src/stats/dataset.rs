//! Dataset-wide statistics: the covered window, and latency summaries (count, errors, rate, percentiles, self-time share) per service and per operation.

use super::*;

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
    pub(super) fn of(
        sorted_ns: &[i64],
        errors: u64,
        self_time_ns: i64,
        all_self_ns: i64,
        window: &Window,
    ) -> LatencySummary {
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

pub(super) fn serialize_kind<S: serde::Serializer>(kind: &SpanKind, serializer: S) -> Result<S::Ok, S::Error> {
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
pub(super) struct OpAcc {
    pub(super) service: StrId,
    pub(super) name: StrId,
    pub(super) kind: SpanKind,
    pub(super) durations: Vec<i64>,
    pub(super) errors: u64,
    pub(super) self_ns: i64,
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
    strand_model::order::sort_by(&mut ops, |a, b| {
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
