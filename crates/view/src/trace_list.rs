//! One summary row per loaded trace (root service and operation, start, duration, spans, errors,
//! warnings, services), the header numbers of the trace page, the order of the trace list when
//! it is sorted by a column (also from the route's `sort`, e.g. `duration-desc`), and the list's
//! filter from the route (a service, an operation, a time window, a resource attribute) with its
//! removable chips.
//! Depends on `model` and `view::route`.

use crate::route::{AttrMatch, Route};
use crate::sort::{positions, KeyedColumn, Sort, SortColumn};
use std::cmp::Ordering;
use strand_model::dump::value_text;
use strand_model::time::{display_zone_label, format_duration, format_timestamp};
use strand_model::{Dataset, Interner, StatusCode, StrId, Trace};

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
    // Distinct services: those of the resources spans use (a trace has few resources and can
    // have a million spans: no per-span list to sort).
    let mut used = vec![false; trace.resources.len()];
    let mut no_resource = false;
    for span in &trace.spans {
        match used.get_mut(span.resource as usize) {
            Some(flag) => *flag = true,
            None => no_resource = true,
        }
    }
    let mut services: Vec<StrId> =
        trace.resources.iter().zip(&used).filter(|(_, &u)| u).map(|(r, _)| r.service).collect();
    if no_resource {
        services.push(StrId::EMPTY);
    }
    strand_model::order::sort(&mut services);
    services.dedup();
    TraceSummary {
        index,
        trace_id: trace.trace_id.display(strings),
        root_service: root.map(|r| strings.get(trace.service_of(r)).to_string()).unwrap_or_default(),
        root_name: root.map(|r| strings.get(r.name).to_string()).unwrap_or_default(),
        start: format_timestamp(trace.start_ns),
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
            TraceColumn::Start => "Start",
            TraceColumn::Duration => "Duration",
            TraceColumn::Spans => "Spans",
            TraceColumn::Services => "Services",
            TraceColumn::Errors => "Errors",
            TraceColumn::Warnings => "Warnings",
        }
    }

    /// The column's header: the label, and for the start time the zone it is shown in
    /// (`Start (Europe/Berlin)`).
    pub fn header(self) -> String {
        match self {
            TraceColumn::Start => format!("Start ({})", display_zone_label()),
            other => other.label().to_string(),
        }
    }

    /// Numbers right-aligned and sorted largest first on the first click.
    pub fn numeric(self) -> bool {
        !matches!(self, TraceColumn::Root | TraceColumn::Start)
    }
}

/// How the trace list is sorted. The default, start time ascending, is the dataset's own order.
pub type TraceSort = Sort<TraceColumn>;

impl Default for Sort<TraceColumn> {
    fn default() -> Self {
        Sort { column: TraceColumn::Start, descending: false }
    }
}

impl SortColumn for TraceColumn {
    fn numeric(self) -> bool {
        TraceColumn::numeric(self)
    }
}

impl KeyedColumn for TraceColumn {
    const ALL: &'static [TraceColumn] = &TraceColumn::ALL;
    fn key(self) -> &'static str {
        TraceColumn::key(self)
    }
}

impl TraceColumn {
    /// The name in the route's `sort` parameter.
    pub fn key(self) -> &'static str {
        match self {
            TraceColumn::Root => "root",
            TraceColumn::Start => "start",
            TraceColumn::Duration => "duration",
            TraceColumn::Spans => "spans",
            TraceColumn::Services => "services",
            TraceColumn::Errors => "errors",
            TraceColumn::Warnings => "warnings",
        }
    }
}

impl Sort<TraceColumn> {
    /// The sort the route asks for, or the default.
    pub fn from_route(route: &Route) -> TraceSort {
        route.sort.as_deref().and_then(TraceSort::parse).unwrap_or_default()
    }
}

/// Which traces the list shows, from the route: traces with a span of `service` (and named
/// `operation`; with an operation alone, of any service; and whose resource has the attribute
/// `resource`, compared as text), starting in `window` (both ends included, ns since the epoch).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub service: Option<String>,
    pub operation: Option<String>,
    pub window: Option<(i64, i64)>,
    /// A resource attribute the span's resource must have (`k8s.namespace.name=shop`).
    pub resource: Option<AttrMatch>,
}

/// What a chip of the active filter stands for; removing it clears that part of the route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChipKind {
    Service,
    Operation,
    Window,
    Resource,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chip {
    pub kind: ChipKind,
    /// `service: cart`, `operation: GET /cart`, `window: 09:40:04.500 – 09:40:04.900`.
    pub label: String,
}

impl ListFilter {
    pub fn from_route(route: &Route) -> ListFilter {
        ListFilter {
            service: route.service.clone(),
            operation: route.operation.clone(),
            window: route.window,
            resource: route.resource.clone(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.service.is_none() && self.operation.is_none() && self.window.is_none() && self.resource.is_none()
    }

    pub fn chips(&self) -> Vec<Chip> {
        let mut chips = Vec::new();
        if let Some(s) = &self.service {
            chips.push(Chip { kind: ChipKind::Service, label: format!("service: {s}") });
        }
        if let Some(op) = &self.operation {
            chips.push(Chip { kind: ChipKind::Operation, label: format!("operation: {op}") });
        }
        if let Some((from, to)) = self.window {
            let (a, b) = (format_timestamp(from), format_timestamp(to));
            // The date once when both ends share it.
            let b = if a.get(..10) == b.get(..10) { b.get(11..).unwrap_or(&b).to_string() } else { b };
            chips.push(Chip { kind: ChipKind::Window, label: format!("window: {a} – {b} {}", display_zone_label()) });
        }
        if let Some(r) = &self.resource {
            chips.push(Chip { kind: ChipKind::Resource, label: format!("{}: {}", r.key, r.value) });
        }
        chips
    }

    /// `route` without the part of the filter `kind` stands for (removing an operation also
    /// drops the analytics page's span kind, which belongs to it).
    pub fn without(route: &Route, kind: ChipKind) -> Route {
        let mut next = route.clone();
        match kind {
            ChipKind::Service => next.service = None,
            ChipKind::Operation => {
                next.operation = None;
                next.kind = None;
            }
            ChipKind::Window => next.window = None,
            ChipKind::Resource => next.resource = None,
        }
        next
    }

    /// Whether trace `trace` passes. Names not loaded match nothing.
    pub fn matches(&self, strings: &Interner, trace: &Trace) -> bool {
        if let Some((from, to)) = self.window {
            if trace.start_ns < from || trace.start_ns > to {
                return false;
            }
        }
        let service = match &self.service {
            Some(name) => match strings.lookup(name) {
                Some(id) => Some(id),
                None => return false,
            },
            None => None,
        };
        let operation = match &self.operation {
            Some(name) => match strings.lookup(name) {
                Some(id) => Some(id),
                None => return false,
            },
            None => None,
        };
        let resources = match &self.resource {
            Some(m) => match resources_with(strings, trace, m) {
                Some(found) => Some(found),
                None => return false,
            },
            None => None,
        };
        if service.is_none() && operation.is_none() && resources.is_none() {
            return true;
        }
        trace.spans.iter().any(|span| {
            service.is_none_or(|s| trace.service_of(span) == s)
                && operation.is_none_or(|n| span.name == n)
                && resources.as_ref().is_none_or(|r| r.contains(&span.resource))
        })
    }
}

/// The trace's resources that have attribute `m.key` with the text `m.value`; `None` when none do.
fn resources_with(strings: &Interner, trace: &Trace, m: &AttrMatch) -> Option<Vec<u32>> {
    let key = strings.lookup(&m.key)?;
    let found: Vec<u32> = (0..trace.resources.len())
        .filter(|&i| {
            trace.resources.get(i).is_some_and(|r| {
                trace
                    .attrs_of(r.attrs)
                    .iter()
                    .any(|kv| kv.key == key && value_text(strings, trace, kv.value) == m.value)
            })
        })
        .filter_map(|i| u32::try_from(i).ok())
        .collect();
    (!found.is_empty()).then_some(found)
}

/// Positions in `rows` whose trace passes `filter` (all of them for an empty filter).
pub fn filter_rows(data: &Dataset, rows: &[TraceSummary], filter: &ListFilter) -> Vec<usize> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| {
            filter.is_empty() || data.traces.get(r.index).is_some_and(|t| filter.matches(&data.strings, t))
        })
        .map(|(p, _)| p)
        .collect()
}

/// Positions in `rows` in display order. Stable: ties keep the dataset's order (start time).
pub fn sort_order(rows: &[TraceSummary], sort: TraceSort) -> Vec<usize> {
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
    positions(rows.len(), sort, |a, b| match (rows.get(a), rows.get(b)) {
        (Some(x), Some(y)) => cmp(x, y),
        _ => Ordering::Equal,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use strand_formats::{load, AssembleOptions};

    #[test]
    fn demo_trace_summary() {
        let mut data = Dataset::new();
        load(&mut data, strand_formats::demo::DEMO_TRACE_JSON, "demo.json", None, &AssembleOptions::default())
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

    /// Services are counted over the resources spans use: two resources of one service count
    /// once, an unused resource not at all, and a span without a resource as the empty service.
    #[test]
    fn services_count_the_distinct_services_spans_use() {
        let mut data = Dataset::new();
        load(&mut data, strand_formats::demo::DEMO_TRACE_JSON, "demo.json", None, &AssembleOptions::default())
            .expect("the demo trace loads");
        let mut trace = data.traces[0].clone();
        let first = trace.resources[trace.spans[0].resource as usize];
        trace.resources.push(strand_model::Resource { service: data.strings.intern("unused"), attrs: first.attrs });
        trace.resources.push(first);
        trace.spans[1].resource = (trace.resources.len() - 1) as u32;
        assert_eq!(summarize(&data.strings, 0, &trace).services, 9);
        trace.spans[2].resource = u32::MAX;
        assert_eq!(summarize(&data.strings, 0, &trace).services, 10);
    }

    /// The trace list of several samples sorted by `sort`: one line per row.
    fn check(sort: TraceSort, expect: expect_test::Expect) {
        let mut data = Dataset::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/samples/");
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
    fn filtering_by_route() {
        let mut data = Dataset::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/samples/");
        for name in [
            "jaeger-ui_petclinic-short-ids.json",
            "otlp_hotrod-full-trace.json",
            "otlp_jaeger-multi-trace-links-kinds.json",
            "zipkin-v2_yelp.json",
        ] {
            let bytes = std::fs::read(format!("{dir}{name}")).expect("a sample");
            load(&mut data, &bytes, name, None, &AssembleOptions::default()).expect("the sample loads");
        }
        let rows = summaries(&data);
        let shown = |query: &str| {
            let route = Route::parse(query);
            let filter = ListFilter::from_route(&route);
            let kept = filter_rows(&data, &rows, &filter);
            let order = sort_order(&rows, TraceSort::from_route(&route));
            let lines: Vec<String> = order
                .into_iter()
                .filter(|p| kept.contains(p))
                .map(|p| format!("{} {} {}", rows[p].root_service, rows[p].root_name, rows[p].duration))
                .collect();
            let chips: Vec<String> = filter.chips().into_iter().map(|c| c.label).collect();
            format!("{}\n{}", chips.join(" | "), lines.join("\n"))
        };
        expect_test::expect![[r#"

            service-x test-general-conversion-2 5.00µs
            service-x test-general-conversion-3 5.00µs
            routing post /location/update/v4 132ms
            api-gateway GET /api/customer/owners 3.72ms
            frontend GET /dispatch 694ms"#]]
        .assert_eq(&shown(""));
        expect_test::expect![[r#"
            service: api-gateway
            api-gateway GET /api/customer/owners 3.72ms"#]]
        .assert_eq(&shown("?service=api-gateway&sort=duration-desc"));
        expect_test::expect![[r#"
            operation: GET /dispatch
            frontend GET /dispatch 694ms"#]]
        .assert_eq(&shown("?op=GET%20%2Fdispatch"));
        expect_test::expect![[r#"
            service: nope
        "#]]
        .assert_eq(&shown("?service=nope"));
        let start = rows[0].start_ns;
        expect_test::expect![[r#"
            window: 2017-01-26 21:46:31.639 – 21:46:31.639 UTC
            service-x test-general-conversion-2 5.00µs
            service-x test-general-conversion-3 5.00µs"#]]
        .assert_eq(&shown(&format!("?window={}~{}", start, start + 1)));
        let route = Route::parse("?service=a&op=b&kind=server&window=1~2&sort=duration-desc");
        assert_eq!(
            ListFilter::without(&route, ChipKind::Operation).to_query(),
            "?service=a&window=1~2&sort=duration-desc"
        );
        assert_eq!(ListFilter::without(&route, ChipKind::Window).window, None);
        assert_eq!(
            TraceSort::parse("duration-desc"),
            Some(TraceSort { column: TraceColumn::Duration, descending: true })
        );
        assert_eq!(TraceSort::parse("p99-desc"), None);
        for column in TraceColumn::ALL {
            let sort = TraceSort { column, descending: true };
            assert_eq!(TraceSort::parse(&sort.key()), Some(sort));
        }
    }

    #[test]
    fn filtering_by_a_resource_attribute() {
        let mut data = Dataset::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/mesh/");
        for name in ["k8s-shop.otlp.jsonl", "istio-ingress-two-sidecars.zipkin.json"] {
            let bytes = std::fs::read(format!("{dir}{name}")).expect("a fixture");
            load(&mut data, &bytes, name, None, &AssembleOptions::default()).expect("the fixture loads");
        }
        let rows = summaries(&data);
        let shown = |query: &str| {
            let filter = ListFilter::from_route(&Route::parse(query));
            let kept = filter_rows(&data, &rows, &filter);
            let chips: Vec<String> = filter.chips().into_iter().map(|c| c.label).collect();
            let lines: Vec<String> =
                kept.iter().map(|&p| format!("{} {}", rows[p].root_service, rows[p].root_name)).collect();
            format!("{} => {}", chips.join(" | "), lines.join("; "))
        };
        expect_test::expect!["k8s.namespace.name: payments => frontend GET /checkout"]
            .assert_eq(&shown("?resource=k8s.namespace.name%3Dpayments"));
        expect_test::expect!["k8s.namespace.name: shop => istio-ingressgateway.istio-system productpage.shop.svc.cluster.local:9080/productpage; frontend GET /checkout"]
            .assert_eq(&shown("?resource=k8s.namespace.name%3Dshop"));
        // Service and resource must hold for the same span: cart runs in shop, not payments.
        expect_test::expect!["service: cart | k8s.namespace.name: payments => "]
            .assert_eq(&shown("?service=cart&resource=k8s.namespace.name%3Dpayments"));
        expect_test::expect!["k8s.deployment.name: nope => "].assert_eq(&shown("?resource=k8s.deployment.name%3Dnope"));
        expect_test::expect!["no.such.key: x => "].assert_eq(&shown("?resource=no.such.key%3Dx"));
        let route = Route::parse("?resource=k8s.namespace.name%3Dshop&service=cart");
        assert_eq!(ListFilter::without(&route, ChipKind::Resource).to_query(), "?service=cart");
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
            TraceSort { column: TraceColumn::Root, descending: false },
            expect![[r#"
            #4 frontend GET /dispatch | 2026-08-19 09:40:04.504 | 694ms | spans=40 services=6 errors=3 warnings=0
            #3 routing post /location/update/v4 | 2019-10-24 05:52:55.237 | 132ms | spans=16 services=6 errors=0 warnings=0
            #1 service-x test-general-conversion-2 | 2017-01-26 21:46:31.639 | 5.00µs | spans=2 services=1 errors=2 warnings=2
            #2 service-x test-general-conversion-3 | 2017-01-26 21:46:31.639 | 5.00µs | spans=2 services=1 errors=2 warnings=2
            #0 servicea get | 2016-08-02 15:00:04.071 | 99.4ms | spans=4 services=2 errors=0 warnings=2
        "#]],
        );
        check(
            TraceSort { column: TraceColumn::Errors, descending: true },
            expect![[r#"
            #4 frontend GET /dispatch | 2026-08-19 09:40:04.504 | 694ms | spans=40 services=6 errors=3 warnings=0
            #1 service-x test-general-conversion-2 | 2017-01-26 21:46:31.639 | 5.00µs | spans=2 services=1 errors=2 warnings=2
            #2 service-x test-general-conversion-3 | 2017-01-26 21:46:31.639 | 5.00µs | spans=2 services=1 errors=2 warnings=2
            #0 servicea get | 2016-08-02 15:00:04.071 | 99.4ms | spans=4 services=2 errors=0 warnings=2
            #3 routing post /location/update/v4 | 2019-10-24 05:52:55.237 | 132ms | spans=16 services=6 errors=0 warnings=0
        "#]],
        );
        let s = TraceSort::default().clicked(TraceColumn::Spans);
        assert_eq!(s, TraceSort { column: TraceColumn::Spans, descending: true });
        assert_eq!(s.clicked(TraceColumn::Spans).aria(TraceColumn::Spans), "ascending");
        assert_eq!(s.aria(TraceColumn::Root), "none");
        assert_eq!(TraceSort::default().clicked(TraceColumn::Start).aria(TraceColumn::Start), "descending");
    }
}
