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

mod dataset;
mod per_trace;
mod series;

#[allow(unused_imports)]
pub use dataset::*;
#[allow(unused_imports)]
pub use per_trace::*;
#[allow(unused_imports)]
pub use series::*;

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

#[cfg(test)]
mod tests;
