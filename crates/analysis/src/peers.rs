//! A span among its peers: the spans of the same operation (service, span name and kind, as the
//! analytics table groups them) in every loaded trace. Gives a span's percentile rank, the small
//! latency histogram of its peers, the slowest peers, and per operation the p95 above which the
//! waterfall marks a span. Depends on `model` and `analysis::{selection, stats}`.
//!
//! The rules:
//!
//! - **Percentile rank.** A span of duration `d` among `n` peers (itself included) is
//!   `p⌊100 × k / n⌋`, where `k` is the number of peers whose duration is at most `d`. It is the
//!   largest whole `p` for which the nearest-rank `p`-th percentile of the peers (as
//!   [`crate::stats::percentile`] computes it) is at most `d`. **Ties** share the rank of the
//!   group: equal durations all count as "at most `d`", so every one of ten equal spans is p100,
//!   and the slowest span is always p100.
//! - **Slow marker.** A span is marked when its duration is strictly above its operation's
//!   nearest-rank p95. With fewer than 20 peers the p95 is the maximum, so nothing is marked.
//! - **Histogram.** The peers' durations in the 1-2-5 buckets of
//!   [`crate::stats::HISTOGRAM_BOUNDS_NS`], from the first to the last non-empty bucket, with the
//!   span's own bucket marked.
//! - **Slowest peers.** By duration, longest first; ties in dataset order.
//!
//! Building the index is one pass with one hash lookup per span and one sort per operation.

use crate::selection::SpanRef;
use crate::stats::{percentile, Histogram, HISTOGRAM_BOUNDS_NS};
use hashbrown::HashMap;
use serde::Serialize;
use strand_model::{Dataset, SpanIdx, SpanKind, StrId};

/// The percentile above which the waterfall marks a span as slow for its operation.
pub const SLOW_PERCENTILE: f64 = 95.0;

/// Marker for "no group".
const NO_GROUP: u32 = u32::MAX;

/// The spans of one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerGroup {
    pub service: StrId,
    pub name: StrId,
    pub kind: SpanKind,
    /// Every peer's duration, ascending.
    pub sorted_ns: Vec<i64>,
    /// The nearest-rank p95 of `sorted_ns`.
    pub p95_ns: i64,
}

/// Where a span stands among its peers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PeerRank {
    /// `p` of "p93".
    pub percentile: u32,
    /// Spans of the operation, the span itself included.
    pub peers: u64,
    /// Peers lasting at most as long as the span (itself included).
    pub at_or_below: u64,
    pub duration_ns: i64,
    /// Whether the span is above its operation's p95 (the waterfall's marker).
    pub above_p95: bool,
    /// The operation's group in the index.
    pub group: u32,
}

/// One bar of a peer histogram: durations in `(from_ns, to_ns]` (`to_ns` is `None` above the
/// last bound).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PeerBucket {
    pub from_ns: i64,
    pub to_ns: Option<i64>,
    pub count: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PeerHistogram {
    pub buckets: Vec<PeerBucket>,
    /// The index in `buckets` of the span's own bucket.
    pub marked: usize,
    /// The [`Histogram`] bucket number of `buckets[0]`.
    pub first: usize,
}

/// Operations of every span in the dataset, with their sorted durations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeerIndex {
    pub groups: Vec<PeerGroup>,
    /// Per trace, per span: its group.
    span_group: Vec<Vec<u32>>,
}

impl PeerIndex {
    pub fn build(data: &Dataset) -> PeerIndex {
        let mut ids: HashMap<(StrId, StrId, SpanKind), u32> = HashMap::new();
        let mut groups: Vec<PeerGroup> = Vec::new();
        let mut span_group = Vec::with_capacity(data.traces.len());
        for trace in &data.traces {
            let mut of_trace = Vec::with_capacity(trace.spans.len());
            let mut last: Option<((StrId, StrId, SpanKind), u32)> = None;
            for span in &trace.spans {
                let key = (trace.service_of(span), span.name, span.kind);
                // Neighbouring spans often share an operation: skip the hash lookup for them.
                let g = match last {
                    Some((k, g)) if k == key => g,
                    _ => {
                        let next = u32::try_from(groups.len()).unwrap_or(NO_GROUP);
                        let g = *ids.entry(key).or_insert(next);
                        if g == next {
                            groups.push(PeerGroup {
                                service: key.0,
                                name: key.1,
                                kind: key.2,
                                sorted_ns: Vec::new(),
                                p95_ns: 0,
                            });
                        }
                        last = Some((key, g));
                        g
                    }
                };
                if let Some(group) = groups.get_mut(g as usize) {
                    group.sorted_ns.push(span.duration_ns);
                }
                of_trace.push(g);
            }
            span_group.push(of_trace);
        }
        for group in &mut groups {
            group.sorted_ns.sort_unstable();
            group.p95_ns = percentile(&group.sorted_ns, SLOW_PERCENTILE).unwrap_or(0);
        }
        PeerIndex { groups, span_group }
    }

    pub fn group(&self, group: u32) -> Option<&PeerGroup> {
        self.groups.get(group as usize)
    }

    /// The operation group of span `span` of trace `trace`.
    pub fn group_of(&self, trace: usize, span: SpanIdx) -> Option<u32> {
        self.span_group.get(trace)?.get(span as usize).copied().filter(|&g| g != NO_GROUP)
    }

    /// Where span `span` of trace `trace` stands among its peers.
    pub fn rank(&self, data: &Dataset, trace: usize, span: SpanIdx) -> Option<PeerRank> {
        let duration_ns = data.traces.get(trace)?.span(span)?.duration_ns;
        let group = self.group_of(trace, span)?;
        let peers = self.group(group)?;
        let at_or_below = peers.sorted_ns.partition_point(|&d| d <= duration_ns) as u64;
        let n = peers.sorted_ns.len() as u64;
        Some(PeerRank {
            percentile: percentile_rank(at_or_below, n),
            peers: n,
            at_or_below,
            duration_ns,
            above_p95: duration_ns > peers.p95_ns,
            group,
        })
    }

    /// Per span of trace `trace`: is it above its operation's p95? (The waterfall's marker.)
    pub fn above_p95(&self, data: &Dataset, trace: usize) -> Vec<bool> {
        let (Some(t), Some(groups)) = (data.traces.get(trace), self.span_group.get(trace)) else {
            return Vec::new();
        };
        t.spans
            .iter()
            .zip(groups)
            .map(|(span, &g)| self.group(g).is_some_and(|peers| span.duration_ns > peers.p95_ns))
            .collect()
    }

    /// The latency histogram of group `group`, with the bucket of `duration_ns` marked.
    pub fn histogram(&self, group: u32, duration_ns: i64) -> PeerHistogram {
        let Some(peers) = self.group(group) else {
            return PeerHistogram::default();
        };
        let counts = Histogram::from_sorted(&peers.sorted_ns).counts;
        let own = Histogram::bucket_of(duration_ns);
        let first_used = counts.iter().position(|&c| c > 0).unwrap_or(own).min(own);
        let last_used = counts.iter().rposition(|&c| c > 0).unwrap_or(own).max(own);
        let buckets = (first_used..=last_used)
            .map(|i| PeerBucket {
                from_ns: i.checked_sub(1).and_then(|p| HISTOGRAM_BOUNDS_NS.get(p)).copied().unwrap_or(i64::MIN),
                to_ns: HISTOGRAM_BOUNDS_NS.get(i).copied(),
                count: counts.get(i).copied().unwrap_or(0),
            })
            .collect();
        PeerHistogram { buckets, marked: own - first_used, first: first_used }
    }

    /// The `n` longest spans of group `group`, longest first (ties in dataset order).
    pub fn slowest(&self, data: &Dataset, group: u32, n: usize) -> Vec<SpanRef> {
        let mut found: Vec<(i64, SpanRef)> = Vec::new();
        for (t, (trace, groups)) in data.traces.iter().zip(&self.span_group).enumerate() {
            for (i, (span, &g)) in trace.spans.iter().zip(groups).enumerate() {
                if g == group {
                    found.push((span.duration_ns, SpanRef::new(t, u32::try_from(i).unwrap_or(u32::MAX))));
                }
            }
        }
        let by_rank = |x: &(i64, SpanRef), y: &(i64, SpanRef)| y.0.cmp(&x.0).then(x.1.cmp(&y.1));
        if found.len() > n && n > 0 {
            found.select_nth_unstable_by(n - 1, by_rank);
            found.truncate(n);
        }
        strand_model::order::sort_by(&mut found, by_rank);
        found.truncate(n);
        found.into_iter().map(|(_, r)| r).collect()
    }
}

/// `⌊100 × at_or_below / peers⌋` (see the module rules); 0 without peers.
pub fn percentile_rank(at_or_below: u64, peers: u64) -> u32 {
    if peers == 0 {
        return 0;
    }
    let p = u128::from(at_or_below.min(peers)) * 100 / u128::from(peers);
    u32::try_from(p).unwrap_or(100)
}

#[cfg(test)]
mod tests;
