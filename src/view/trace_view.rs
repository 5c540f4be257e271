//! What the trace page computes once per trace and shares between its views: the span tree,
//! self times and the critical path. Depends on `model` and `analysis`.

use crate::analysis::critical_path::{critical_path, critical_time_per_span, Segment};
use crate::analysis::self_time::self_times;
use crate::analysis::tree::SpanTree;
use crate::model::Trace;

#[derive(Debug, Clone, PartialEq)]
pub struct TraceAnalysis {
    pub tree: SpanTree,
    /// Self time per span index.
    pub self_ns: Vec<i64>,
    /// The critical path, segments ordered by start.
    pub critical: Vec<Segment>,
    /// Time on the critical path per span index.
    pub critical_ns: Vec<i64>,
}

pub fn analyze(trace: &Trace) -> TraceAnalysis {
    let tree = SpanTree::build(trace);
    let self_ns = self_times(trace, &tree);
    let critical = critical_path(trace, &tree);
    let critical_ns = critical_time_per_span(&critical, trace.spans.len());
    TraceAnalysis { tree, self_ns, critical, critical_ns }
}

/// The views of the trace page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Waterfall,
    Flame,
    Statistics,
    Spans,
    Json,
}

impl Tab {
    pub const ALL: [Tab; 5] = [Tab::Waterfall, Tab::Flame, Tab::Statistics, Tab::Spans, Tab::Json];

    pub fn name(self) -> &'static str {
        match self {
            Tab::Waterfall => "waterfall",
            Tab::Flame => "flame",
            Tab::Statistics => "statistics",
            Tab::Spans => "spans",
            Tab::Json => "json",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tab::Waterfall => "Waterfall",
            Tab::Flame => "Flame graph",
            Tab::Statistics => "Statistics",
            Tab::Spans => "Spans",
            Tab::Json => "JSON",
        }
    }

    pub fn parse(s: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.name() == s)
    }
}
