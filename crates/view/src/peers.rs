//! A span among its peers, for the details panel and the waterfall: "p93 of 1,204 `checkout
//! POST /orders` spans loaded", the peers' small latency histogram with the span's bucket marked,
//! links to the slowest peers, and the waterfall's "above p95" marker text. The numbers and their
//! rules are `analysis::peers`. Depends on `model`, `analysis::{peers, selection, stats}`.

use crate::charts::bucket_range_label;
use strand_analysis::peers::{PeerIndex, PeerRank};
use strand_analysis::selection::SpanRef;
use strand_model::format::{counted, thousands as format_thousands};
use strand_model::time::format_duration;
use strand_model::{Dataset, SpanIdx};

/// One bar of the peer histogram.
#[derive(Clone, Debug, PartialEq)]
pub struct PeerBar {
    /// Height as a fraction of the tallest bar (0..=1).
    pub height: f64,
    pub count: u64,
    /// The span's own bucket.
    pub marked: bool,
    /// `1ms – 2ms: 12 spans`.
    pub title: String,
}

/// A link to a peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerLink {
    pub span: SpanRef,
    /// Ids as displayed, for the address.
    pub trace_id: String,
    pub span_id: String,
    /// `40.2ms · trace 4bf92f3577b3`.
    pub label: String,
    /// The span the panel is about.
    pub is_this: bool,
}

/// Everything the details panel shows about a span's peers.
#[derive(Clone, Debug, PartialEq)]
pub struct PeerView {
    pub rank: PeerRank,
    /// `p93 of 1,204 `checkout POST /orders` spans loaded`.
    pub text: String,
    pub bars: Vec<PeerBar>,
    /// The slowest peers, slowest first.
    pub slowest: Vec<PeerLink>,
}

/// The operation as the sentence names it: service and span name.
fn operation_label(data: &Dataset, index: &PeerIndex, group: u32) -> String {
    index
        .group(group)
        .map_or(String::new(), |g| format!("{} {}", data.strings.get(g.service), data.strings.get(g.name)))
}

/// `p93 of 1,204 `checkout POST /orders` spans loaded`.
pub fn peer_text(data: &Dataset, index: &PeerIndex, rank: &PeerRank) -> String {
    let noun = if rank.peers == 1 { "span" } else { "spans" };
    format!(
        "p{} of {} `{}` {noun} loaded",
        rank.percentile,
        format_thousands(rank.peers),
        operation_label(data, index, rank.group)
    )
}

/// The peers of span `span` of trace `trace`, with the `slowest` longest of them.
pub fn peer_view(data: &Dataset, index: &PeerIndex, trace: usize, span: SpanIdx, slowest: usize) -> Option<PeerView> {
    let rank = index.rank(data, trace, span)?;
    let histogram = index.histogram(rank.group, rank.duration_ns);
    let tallest = histogram.buckets.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let first = histogram.first;
    let bars = histogram
        .buckets
        .iter()
        .enumerate()
        .map(|(i, b)| PeerBar {
            height: b.count as f64 / tallest as f64,
            count: b.count,
            marked: i == histogram.marked,
            title: format!("{}: {}", bucket_range_label(first + i), counted(b.count, "span")),
        })
        .collect();
    let this = SpanRef::new(trace, span);
    let slowest = index
        .slowest(data, rank.group, slowest)
        .into_iter()
        .filter_map(|r| {
            let (t, s) = r.resolve(data)?;
            let trace_id = t.trace_id.display(&data.strings);
            Some(PeerLink {
                span: r,
                span_id: s.span_id.display(&data.strings),
                label: format!("{} · trace {}", format_duration(s.duration_ns), crate::compare::short_id(&trace_id)),
                trace_id,
                is_this: r == this,
            })
        })
        .collect();
    Some(PeerView { text: peer_text(data, index, &rank), rank, bars, slowest })
}

/// The waterfall marker's tooltip for a span above its operation's p95 (`None` otherwise):
/// `slower than the p95 (12.3ms) of 1,204 `checkout POST /orders` spans`.
pub fn slow_marker_title(data: &Dataset, index: &PeerIndex, trace: usize, span: SpanIdx) -> Option<String> {
    let rank = index.rank(data, trace, span).filter(|r| r.above_p95)?;
    let group = index.group(rank.group)?;
    Some(format!(
        "slower than the p95 ({}) of {} `{}` spans",
        format_duration(group.p95_ns),
        format_thousands(rank.peers),
        operation_label(data, index, rank.group)
    ))
}

#[cfg(test)]
mod tests;
