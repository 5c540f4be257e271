//! One summary row per loaded trace (root service and operation, start, duration, spans, errors,
//! warnings, services), and the header numbers of the trace page. Depends on `model` only.

use crate::model::time::{format_duration, format_timestamp_utc};
use crate::model::{Dataset, Interner, StatusCode, Trace};

#[derive(Clone, Debug, PartialEq)]
pub struct TraceSummary {
    /// Position in `Dataset::traces`.
    pub index: usize,
    pub trace_id: String,
    pub root_service: String,
    pub root_name: String,
    pub start: String,
    pub start_ns: i64,
    pub duration: String,
    pub duration_ns: i64,
    pub spans: usize,
    pub errors: usize,
    pub warnings: usize,
    pub services: usize,
    pub depth: u32,
    pub roots: usize,
}

pub fn summarize(strings: &Interner, index: usize, trace: &Trace) -> TraceSummary {
    let root = trace.root();
    let mut services: Vec<_> = trace.spans.iter().map(|s| trace.service_of(s)).collect();
    services.sort_unstable();
    services.dedup();
    TraceSummary {
        index,
        trace_id: trace.trace_id.display(strings),
        root_service: root.map(|r| strings.get(trace.service_of(r)).to_string()).unwrap_or_default(),
        root_name: root.map(|r| strings.get(r.name).to_string()).unwrap_or_default(),
        start: format_timestamp_utc(trace.start_ns),
        start_ns: trace.start_ns,
        duration: format_duration(trace.duration_ns()),
        duration_ns: trace.duration_ns(),
        spans: trace.spans.len(),
        errors: trace.spans.iter().filter(|s| s.status == StatusCode::Error).count(),
        warnings: trace.warnings.len(),
        services: services.len(),
        depth: trace.depth.iter().copied().max().unwrap_or(0) + u32::from(!trace.spans.is_empty()),
        roots: trace.roots().count(),
    }
}

pub fn summaries(data: &Dataset) -> Vec<TraceSummary> {
    data.traces.iter().enumerate().map(|(i, t)| summarize(&data.strings, i, t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{load, AssembleOptions};

    #[test]
    fn demo_trace_summary() {
        let mut data = Dataset::new();
        load(&mut data, crate::demo::DEMO_TRACE_JSON, "demo.json", None, &AssembleOptions::default())
            .expect("the demo trace loads");
        let rows = summaries(&data);
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!((row.root_service.as_str(), row.root_name.as_str()), ("api-gateway", "POST /api/checkout"));
        assert_eq!(row.spans, 43);
        assert_eq!(row.services, 9);
        assert_eq!(row.errors, 4);
        assert_eq!(row.roots, 1);
        assert_eq!(row.duration, "1.16s");
        assert_eq!(row.start, "2026-11-02 14:03:27.500");
    }
}
