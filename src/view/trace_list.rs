//! One summary row per loaded trace (root service and operation, start, duration, spans, errors,
//! warnings, services), the header numbers of the trace page, and the order of the trace list
//! when it is sorted by a column. Depends on `model` only.

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
        root_service: root
            .map(|r| strings.get(trace.service_of(r)).to_string())
            .unwrap_or_default(),
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
    data.traces
        .iter()
        .enumerate()
        .map(|(i, t)| summarize(&data.strings, i, t))
        .collect()
}

/// The sortable columns of the trace list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TraceColumn {
    Root,
    Start,
    Duration,
    Spans,
    Services,
    Errors,
    Warnings,
}

impl TraceColumn {
    pub const ALL: [TraceColumn; 7] = [
        TraceColumn::Root,
        TraceColumn::Start,
        TraceColumn::Duration,
        TraceColumn::Spans,
        TraceColumn::Services,
        TraceColumn::Errors,
        TraceColumn::Warnings,
    ];

    pub fn label(self) -> &'static str {
        match self {
            TraceColumn::Root => "Root",
            TraceColumn::Start => "Start (UTC)",
            TraceColumn::Duration => "Duration",
            TraceColumn::Spans => "Spans",
            TraceColumn::Services => "Services",
            TraceColumn::Errors => "Errors",
            TraceColumn::Warnings => "Warnings",
        }
    }

    /// Numbers right-aligned and sorted largest first on the first click.
    pub fn numeric(self) -> bool {
        !matches!(self, TraceColumn::Root | TraceColumn::Start)
    }
}

/// How the trace list is sorted. The default, start time ascending, is the dataset's own order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceSort {
    pub column: TraceColumn,
    pub descending: bool,
}

impl Default for TraceSort {
    fn default() -> Self {
        TraceSort {
            column: TraceColumn::Start,
            descending: false,
        }
    }
}

impl TraceSort {
    /// The sort after clicking `column`'s header: the same column flips direction, another one
    /// starts largest first for numbers and A to Z (earliest first) otherwise.
    pub fn clicked(self, column: TraceColumn) -> TraceSort {
        if self.column == column {
            TraceSort {
                column,
                descending: !self.descending,
            }
        } else {
            TraceSort {
                column,
                descending: column.numeric(),
            }
        }
    }

    /// The `aria-sort` value of `column`'s header.
    pub fn aria(self, column: TraceColumn) -> &'static str {
        match (self.column == column, self.descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        }
    }
}

/// Positions in `rows` in display order. Stable: ties keep the dataset's order (start time).
pub fn sort_order(rows: &[TraceSummary], sort: TraceSort) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..rows.len()).collect();
    let cmp = |a: &TraceSummary, b: &TraceSummary| match sort.column {
        TraceColumn::Root => (a.root_service.to_lowercase(), a.root_name.to_lowercase())
            .cmp(&(b.root_service.to_lowercase(), b.root_name.to_lowercase()))
            .then_with(|| (&a.root_service, &a.root_name).cmp(&(&b.root_service, &b.root_name))),
        TraceColumn::Start => a.start_ns.cmp(&b.start_ns),
        TraceColumn::Duration => a.duration_ns.cmp(&b.duration_ns),
        TraceColumn::Spans => a.spans.cmp(&b.spans),
        TraceColumn::Services => a.services.cmp(&b.services),
        TraceColumn::Errors => a.errors.cmp(&b.errors),
        TraceColumn::Warnings => a.warnings.cmp(&b.warnings),
    };
    positions.sort_by(|&a, &b| match (rows.get(a), rows.get(b)) {
        (Some(x), Some(y)) => {
            let o = cmp(x, y);
            (if sort.descending { o.reverse() } else { o }).then(a.cmp(&b))
        }
        _ => a.cmp(&b),
    });
    positions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{load, AssembleOptions};

    #[test]
    fn demo_trace_summary() {
        let mut data = Dataset::new();
        load(
            &mut data,
            crate::demo::DEMO_TRACE_JSON,
            "demo.json",
            None,
            &AssembleOptions::default(),
        )
        .expect("the demo trace loads");
        let rows = summaries(&data);
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(
            (row.root_service.as_str(), row.root_name.as_str()),
            ("api-gateway", "POST /api/checkout")
        );
        assert_eq!(row.spans, 43);
        assert_eq!(row.services, 9);
        assert_eq!(row.errors, 4);
        assert_eq!(row.roots, 1);
        assert_eq!(row.duration, "1.16s");
        assert_eq!(row.start, "2026-11-02 14:03:27.500");
    }

    /// The trace list of several samples sorted by `sort`: one line per row.
    fn check(sort: TraceSort, expect: expect_test::Expect) {
        let mut data = Dataset::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/samples/");
        for name in [
            "zipkin-v2_yelp.json",
            "otlp_hotrod-full-trace.json",
            "otlp_jaeger-multi-trace-links-kinds.json",
            "zipkin-v2_skew.json",
        ] {
            let bytes = std::fs::read(format!("{dir}{name}")).expect("a sample");
            load(&mut data, &bytes, name, None, &AssembleOptions::default()).expect("the sample loads");
        }
        let rows = summaries(&data);
        let mut out = String::new();
        for p in sort_order(&rows, sort) {
            let r = &rows[p];
            out.push_str(&format!(
                "#{} {} {} | {} | {} | spans={} services={} errors={} warnings={}\n",
                r.index, r.root_service, r.root_name, r.start, r.duration, r.spans, r.services, r.errors, r.warnings
            ));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn sorting_the_list() {
        use expect_test::expect;
        check(
            TraceSort::default(),
            expect![[r#"
            #0 servicea get | 2016-08-02 15:00:04.071 | 99.4ms | spans=4 services=2 errors=0 warnings=2
            #1 service-x test-general-conversion-2 | 2017-01-26 21:46:31.639 | 5.00µs | spans=2 services=1 errors=2 warnings=2
            #2 service-x test-general-conversion-3 | 2017-01-26 21:46:31.639 | 5.00µs | spans=2 services=1 errors=2 warnings=2
            #3 routing post /location/update/v4 | 2019-10-24 05:52:55.237 | 132ms | spans=16 services=6 errors=0 warnings=0
            #4 frontend GET /dispatch | 2026-08-19 09:40:04.504 | 694ms | spans=40 services=6 errors=3 warnings=0
        "#]],
        );
        check(
            TraceSort::default().clicked(TraceColumn::Duration),
            expect![[r#"
            #4 frontend GET /dispatch | 2026-08-19 09:40:04.504 | 694ms | spans=40 services=6 errors=3 warnings=0
            #3 routing post /location/update/v4 | 2019-10-24 05:52:55.237 | 132ms | spans=16 services=6 errors=0 warnings=0
            #0 servicea get | 2016-08-02 15:00:04.071 | 99.4ms | spans=4 services=2 errors=0 warnings=2
            #1 service-x test-general-conversion-2 | 2017-01-26 21:46:31.639 | 5.00µs | spans=2 services=1 errors=2 warnings=2
            #2 service-x test-general-conversion-3 | 2017-01-26 21:46:31.639 | 5.00µs | spans=2 services=1 errors=2 warnings=2
        "#]],
        );
        check(
            TraceSort {
                column: TraceColumn::Root,
                descending: false,
            },
            expect![[r#"
            #4 frontend GET /dispatch | 2026-08-19 09:40:04.504 | 694ms | spans=40 services=6 errors=3 warnings=0
            #3 routing post /location/update/v4 | 2019-10-24 05:52:55.237 | 132ms | spans=16 services=6 errors=0 warnings=0
            #1 service-x test-general-conversion-2 | 2017-01-26 21:46:31.639 | 5.00µs | spans=2 services=1 errors=2 warnings=2
            #2 service-x test-general-conversion-3 | 2017-01-26 21:46:31.639 | 5.00µs | spans=2 services=1 errors=2 warnings=2
            #0 servicea get | 2016-08-02 15:00:04.071 | 99.4ms | spans=4 services=2 errors=0 warnings=2
        "#]],
        );
        check(
            TraceSort {
                column: TraceColumn::Errors,
                descending: true,
            },
            expect![[r#"
            #4 frontend GET /dispatch | 2026-08-19 09:40:04.504 | 694ms | spans=40 services=6 errors=3 warnings=0
            #1 service-x test-general-conversion-2 | 2017-01-26 21:46:31.639 | 5.00µs | spans=2 services=1 errors=2 warnings=2
            #2 service-x test-general-conversion-3 | 2017-01-26 21:46:31.639 | 5.00µs | spans=2 services=1 errors=2 warnings=2
            #0 servicea get | 2016-08-02 15:00:04.071 | 99.4ms | spans=4 services=2 errors=0 warnings=2
            #3 routing post /location/update/v4 | 2019-10-24 05:52:55.237 | 132ms | spans=16 services=6 errors=0 warnings=0
        "#]],
        );
        let s = TraceSort::default().clicked(TraceColumn::Spans);
        assert_eq!(
            s,
            TraceSort {
                column: TraceColumn::Spans,
                descending: true
            }
        );
        assert_eq!(s.clicked(TraceColumn::Spans).aria(TraceColumn::Spans), "ascending");
        assert_eq!(s.aria(TraceColumn::Root), "none");
        assert_eq!(
            TraceSort::default()
                .clicked(TraceColumn::Start)
                .aria(TraceColumn::Start),
            "descending"
        );
    }
}
