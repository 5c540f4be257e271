//! What the trace page computes once per trace and shares between its views: the span tree,
//! self times, the critical path and the log lines per span. Depends on `model`, `analysis` and
//! `view::logs`.

use strand_analysis::critical_path::{critical_path, critical_time_per_span, Segment};
use strand_analysis::self_time::self_times;
use strand_analysis::tree::SpanTree;
use strand_model::Trace;

/// `Eq` matters: `Rc<TraceAnalysis>` props then compare by pointer first, not element by element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceAnalysis {
    /// Shared: a large trace's page builds the tree on a task of its own and keeps it there too.
    pub tree: std::rc::Rc<SpanTree>,
    /// Self time per span index.
    pub self_ns: Vec<i64>,
    /// The critical path, segments ordered by start.
    pub critical: Vec<Segment>,
    /// Time on the critical path per span index.
    pub critical_ns: Vec<i64>,
    /// The trace's log lines per span (the waterfall's log marks).
    pub span_logs: crate::logs::SpanLogIndex,
}

pub fn analyze(trace: &Trace) -> TraceAnalysis {
    analyze_with(trace, std::rc::Rc::new(SpanTree::build(trace)))
}

/// [`analyze`] with the trace's tree built already (a large trace's page builds it on a task of
/// its own, then the rest on the next).
pub fn analyze_with(trace: &Trace, tree: std::rc::Rc<SpanTree>) -> TraceAnalysis {
    let self_ns = self_times(trace, &tree);
    let critical = critical_path(trace, &tree);
    let critical_ns = critical_time_per_span(&critical, trace.spans.len());
    let span_logs = crate::logs::SpanLogIndex::build(trace);
    TraceAnalysis { tree, self_ns, critical, critical_ns, span_logs }
}

/// The views of the trace page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Waterfall,
    Flame,
    Statistics,
    Spans,
    /// The service map of this trace alone.
    Map,
    Json,
    /// The trace's log lines.
    Logs,
}

impl Tab {
    pub const ALL: [Tab; 7] = [Tab::Waterfall, Tab::Flame, Tab::Statistics, Tab::Spans, Tab::Logs, Tab::Map, Tab::Json];

    pub fn name(self) -> &'static str {
        match self {
            Tab::Waterfall => "waterfall",
            Tab::Flame => "flame",
            Tab::Statistics => "statistics",
            Tab::Spans => "spans",
            Tab::Map => "map",
            Tab::Json => "json",
            Tab::Logs => "logs",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tab::Waterfall => "Waterfall",
            Tab::Flame => "Flame graph",
            Tab::Statistics => "Statistics",
            Tab::Spans => "Spans",
            Tab::Map => "Service map",
            Tab::Json => "JSON",
            Tab::Logs => "Logs",
        }
    }

    pub fn parse(s: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.name() == s)
    }
}

/// The index of the span whose displayed id is `wanted` (the first in tree order when ids repeat),
/// without formatting every id: the text is parsed the way importers parse ids.
pub fn find_span(strings: &strand_model::Interner, trace: &Trace, wanted: &str) -> Option<u32> {
    use strand_model::ids::parse_hex_u64;
    use strand_model::SpanId;
    let id = match parse_hex_u64(wanted) {
        Some(v) => SpanId::Hex(v),
        None => SpanId::Text(strings.lookup(wanted)?),
    };
    trace.order.iter().copied().find(|&i| trace.span(i).is_some_and(|s| s.span_id == id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use strand_formats::{load, AssembleOptions};
    use strand_model::Dataset;

    #[test]
    fn spans_are_found_by_their_displayed_id() {
        let mut data = Dataset::new();
        load(&mut data, strand_formats::demo::DEMO_TRACE_JSON, "demo.json", None, &AssembleOptions::default())
            .expect("demo");
        let trace = &data.traces[0];
        for &i in trace.order.iter().take(10) {
            let shown = trace.spans[i as usize].span_id.display(&data.strings);
            assert_eq!(find_span(&data.strings, trace, &shown), Some(i));
        }
        assert_eq!(find_span(&data.strings, trace, "nope"), None);
        assert_eq!(find_span(&data.strings, trace, "0"), None);
    }
}
