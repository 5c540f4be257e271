//! A trace's log lines grouped by span, built once per trace, so that a waterfall row finds its
//! lines without walking every line of the trace (a trace may hold a million). Flat: one offset
//! per span into one list of line indices, lines of a span in the trace's (time) order.

use strand_model::{SpanIdx, Trace};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpanLogIndex {
    /// `starts[s]..starts[s + 1]` are span `s`'s entries in `lines`.
    starts: Vec<u32>,
    /// Indices into `Trace::logs`.
    lines: Vec<u32>,
}

impl SpanLogIndex {
    pub fn build(trace: &Trace) -> SpanLogIndex {
        let spans = trace.spans.len();
        if trace.logs.is_empty() {
            return SpanLogIndex::default();
        }
        // Counting sort by span: count, prefix sums, place.
        let mut starts = vec![0u32; spans + 1];
        for log in &trace.logs {
            if let Some(n) = starts.get_mut(log.span as usize + 1) {
                *n += 1;
            }
        }
        for i in 1..starts.len() {
            let before = starts.get(i - 1).copied().unwrap_or(0);
            if let Some(n) = starts.get_mut(i) {
                *n += before;
            }
        }
        let mut next: Vec<u32> = starts.clone();
        let mut lines = vec![0u32; starts.last().copied().unwrap_or(0) as usize];
        for (i, log) in trace.logs.iter().enumerate() {
            let Some(slot) = next.get_mut(log.span as usize) else { continue };
            if let Some(line) = lines.get_mut(*slot as usize) {
                *line = u32::try_from(i).unwrap_or(u32::MAX);
            }
            *slot += 1;
        }
        SpanLogIndex { starts, lines }
    }

    /// The lines of `span` (indices into `Trace::logs`), in time order.
    pub fn of(&self, span: SpanIdx) -> &[u32] {
        let s = span as usize;
        match (self.starts.get(s), self.starts.get(s + 1)) {
            (Some(&a), Some(&b)) => self.lines.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Lines at a span, in all.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}
