//! The part of the UI state that lives in the address bar, so that a link reopens the same view
//! and back/forward work: the page (traces, service map, analytics, compare), selected trace,
//! span, view and search, and the page-level selection (service, operation, hops, time window,
//! sort; the compare page's traces or groups).
//! Pure encoding and decoding of the query string; the `ui` layer reads and writes
//! `location`/`history`. Depends on nothing but `view::trace_view::Tab`.

use super::map_groups::MapGrouping;
use super::trace_view::Tab;

/// The top-level pages of the app, over all loaded traces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Page {
    /// The trace list and the selected trace.
    #[default]
    Traces,
    /// The service map of every loaded trace (or of collector dependency links).
    Map,
    /// Latency statistics per service and operation, histograms and RED charts.
    Analytics,
    /// Two traces, or two groups of traces, compared path by path.
    Compare,
}

impl Page {
    pub const ALL: [Page; 4] = [Page::Traces, Page::Map, Page::Analytics, Page::Compare];

    pub fn name(self) -> &'static str {
        match self {
            Page::Traces => "traces",
            Page::Map => "map",
            Page::Analytics => "analytics",
            Page::Compare => "compare",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Page::Traces => "Traces",
            Page::Map => "Service map",
            Page::Analytics => "Analytics",
            Page::Compare => "Compare",
        }
    }

    pub fn parse(s: &str) -> Option<Page> {
        Page::ALL.into_iter().find(|p| p.name() == s)
    }
}

/// How the compare page splits the loaded traces into two groups (`split=` in the address). The
/// root operation whose traces are split is `service=` and `op=` (all traces when absent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareSplit {
    /// `split=slowest-10`: the slowest 10% (B) against the rest (A, the baseline).
    Slowest { percent: u32 },
    /// `split=window`: the traces that start in `window=` (B) against the others (A).
    Window,
}

impl CompareSplit {
    pub fn parse(s: &str) -> Option<CompareSplit> {
        if s == "window" {
            return Some(CompareSplit::Window);
        }
        let percent = s.strip_prefix("slowest-")?.parse().ok().filter(|p| (1..=100).contains(p))?;
        Some(CompareSplit::Slowest { percent })
    }

    pub fn name(self) -> String {
        match self {
            CompareSplit::Slowest { percent } => format!("slowest-{percent}"),
            CompareSplit::Window => "window".to_string(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Route {
    pub page: Page,
    /// Trace id as displayed (lowercase hex or text).
    pub trace: Option<String>,
    /// Span id as displayed.
    pub span: Option<String>,
    pub tab: Tab,
    pub search: String,
    /// Page-level selection: the focused service (map), the chosen service and operation
    /// (analytics, trace list filter).
    pub service: Option<String>,
    pub operation: Option<String>,
    /// Map focus depth: how many hops up and down from `service` are shown.
    pub hops: Option<u32>,
    /// A time window in ns since the epoch (trace list filter from a chart selection).
    pub window: Option<(i64, i64)>,
    /// Sort key of the trace list or analytics table, e.g. `duration-desc`.
    pub sort: Option<String>,
    /// The analytics selection's span kind (`kind=server`), with `service` and `operation`.
    pub kind: Option<String>,
    /// `demo`: open the built-in demo trace.
    pub demo: bool,
    /// `url=`: a JSON trace file to fetch on open.
    pub url: Option<String>,
    /// `source=` and `base=`: the collector to connect to (kind name and base URL).
    pub source: Option<String>,
    pub base: Option<String>,
    /// `timeout=`: the time limit of requests in ms.
    pub timeout_ms: Option<u32>,
    /// `max-file-mb=`: a lower file-size limit than the default, in bytes (given in MB).
    pub max_file_bytes: Option<u64>,
    /// `workers=`: how many import workers load files side by side (default: the machine's
    /// cores less one, at least one).
    pub workers: Option<u32>,
    /// `page-import=`: files up to this many kB are imported on the page itself rather than in
    /// a worker (0: every file goes to a worker); the default is the core's.
    pub page_import_kb: Option<u32>,
    /// `defer-spans=`: traces of this many spans or more compute their whole-trace values on
    /// tasks of their own (the default is the app's, 200,000; tests use small ones).
    pub defer_spans: Option<u32>,
    /// `step-kb=`: how many kB of a large encoding the page decodes or writes per task (the
    /// default is the app core's, 16 MB; tests use small ones).
    pub step_kb: Option<u32>,
    /// `preview-kb=`: files of this many kB or more show the traces of their first part while
    /// the rest loads (0: never; the default is the app core's, 64 MB; tests use small ones).
    pub preview_kb: Option<u32>,
    /// `split-kb=`: files of log lines of this many kB or more are imported in two parts by two
    /// workers at once (0: never; the default is the app core's, 32 MB; tests use small ones).
    pub split_kb: Option<u32>,
    /// Trace list filter on a resource attribute (`resource=k8s.namespace.name=shop`).
    pub resource: Option<AttrMatch>,
    /// How the service map groups its services (`group=namespace`).
    pub group: Option<MapGrouping>,
    /// The compare page: trace ids of A and B (`a=`, `b=`), or a split into groups (`split=`).
    pub a: Option<String>,
    pub b: Option<String>,
    pub split: Option<CompareSplit>,
    /// Parameters Strand does not own, kept as they were.
    pub other: Vec<(String, String)>,
}

impl Route {
    /// Parses `?a=b&c=d` (the leading `?` is optional).
    pub fn parse(query: &str) -> Route {
        let mut route = Route::default();
        for pair in query.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            match decode(key).as_str() {
                "trace" if !value.is_empty() => route.trace = Some(value),
                "span" if !value.is_empty() => route.span = Some(value),
                "view" => route.tab = Tab::parse(&value).unwrap_or_default(),
                "q" => route.search = value,
                "page" => route.page = Page::parse(&value).unwrap_or_default(),
                "service" if !value.is_empty() => route.service = Some(value),
                "op" if !value.is_empty() => route.operation = Some(value),
                "hops" => route.hops = value.parse().ok(),
                "window" => {
                    route.window = value.split_once('~').and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
                }
                "sort" if !value.is_empty() => route.sort = Some(value),
                "kind" if !value.is_empty() => route.kind = Some(value),
                "demo" => route.demo = true,
                "url" if !value.is_empty() => route.url = Some(value),
                "source" if !value.is_empty() => route.source = Some(value),
                "base" if !value.is_empty() => route.base = Some(value),
                "timeout" => route.timeout_ms = value.parse().ok().filter(|&t| t > 0),
                "max-file-mb" => {
                    route.max_file_bytes =
                        value.parse::<f64>().ok().filter(|mb| *mb > 0.0 && mb.is_finite()).map(|mb| (mb * 1e6) as u64)
                }
                "workers" => route.workers = value.parse().ok().filter(|&n| n > 0),
                "page-import" => route.page_import_kb = value.parse().ok(),
                "defer-spans" => route.defer_spans = value.parse().ok(),
                "step-kb" => route.step_kb = value.parse().ok().filter(|&n| n > 0),
                "preview-kb" => route.preview_kb = value.parse().ok(),
                "split-kb" => route.split_kb = value.parse().ok(),
                "resource" if AttrMatch::parse(&value).is_some() => route.resource = AttrMatch::parse(&value),
                "group" if MapGrouping::parse(&value).is_some() => route.group = MapGrouping::parse(&value),
                "a" if !value.is_empty() => route.a = Some(value),
                "b" if !value.is_empty() => route.b = Some(value),
                "split" => route.split = CompareSplit::parse(&value),
                other => route.other.push((other.to_string(), value)),
            }
        }
        route
    }

    /// A route to a fresh page view that keeps what belongs to the session, not the view: the
    /// demo, the file URL, the collector connection, the time limit and foreign parameters.
    pub fn session(&self) -> Route {
        Route {
            demo: self.demo,
            url: self.url.clone(),
            source: self.source.clone(),
            base: self.base.clone(),
            timeout_ms: self.timeout_ms,
            max_file_bytes: self.max_file_bytes,
            workers: self.workers,
            page_import_kb: self.page_import_kb,
            defer_spans: self.defer_spans,
            step_kb: self.step_kb,
            preview_kb: self.preview_kb,
            split_kb: self.split_kb,
            other: self.other.clone(),
            ..Route::default()
        }
    }

    /// The query string, starting with `?` (or empty when there is nothing to say).
    pub fn to_query(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if self.demo {
            parts.push("demo".to_string());
        }
        for (key, value) in [("url", &self.url), ("source", &self.source), ("base", &self.base)] {
            if let Some(value) = value {
                parts.push(format!("{key}={}", encode(value)));
            }
        }
        if let Some(ms) = self.timeout_ms {
            parts.push(format!("timeout={ms}"));
        }
        if let Some(bytes) = self.max_file_bytes {
            parts.push(format!("max-file-mb={}", bytes as f64 / 1e6));
        }
        if let Some(n) = self.workers {
            parts.push(format!("workers={n}"));
        }
        if let Some(kb) = self.page_import_kb {
            parts.push(format!("page-import={kb}"));
        }
        if let Some(n) = self.defer_spans {
            parts.push(format!("defer-spans={n}"));
        }
        if let Some(kb) = self.step_kb {
            parts.push(format!("step-kb={kb}"));
        }
        if let Some(kb) = self.preview_kb {
            parts.push(format!("preview-kb={kb}"));
        }
        if let Some(kb) = self.split_kb {
            parts.push(format!("split-kb={kb}"));
        }
        parts.extend(self.other.iter().map(|(k, v)| {
            if v.is_empty() {
                encode(k)
            } else {
                format!("{}={}", encode(k), encode(v))
            }
        }));
        if self.page != Page::Traces {
            parts.push(format!("page={}", self.page.name()));
        }
        if let Some(service) = &self.service {
            parts.push(format!("service={}", encode(service)));
        }
        if let Some(op) = &self.operation {
            parts.push(format!("op={}", encode(op)));
        }
        if let Some(hops) = self.hops {
            parts.push(format!("hops={hops}"));
        }
        if let Some((from, to)) = self.window {
            parts.push(format!("window={from}~{to}"));
        }
        if let Some(sort) = &self.sort {
            parts.push(format!("sort={}", encode(sort)));
        }
        if let Some(kind) = &self.kind {
            parts.push(format!("kind={}", encode(kind)));
        }
        if let Some(resource) = &self.resource {
            parts.push(format!("resource={}", encode(&resource.to_param())));
        }
        if let Some(group) = self.group {
            parts.push(format!("group={}", group.name()));
        }
        if let Some(a) = &self.a {
            parts.push(format!("a={}", encode(a)));
        }
        if let Some(b) = &self.b {
            parts.push(format!("b={}", encode(b)));
        }
        if let Some(split) = self.split {
            parts.push(format!("split={}", split.name()));
        }
        if let Some(trace) = &self.trace {
            parts.push(format!("trace={}", encode(trace)));
            if let Some(span) = &self.span {
                parts.push(format!("span={}", encode(span)));
            }
            if self.tab != Tab::Waterfall {
                parts.push(format!("view={}", self.tab.name()));
            }
            if !self.search.is_empty() {
                parts.push(format!("q={}", encode(&self.search)));
            }
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// A resource attribute and the value it must have: `KEY=VALUE` in the address (the key is
/// everything before the first `=`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AttrMatch {
    pub key: String,
    pub value: String,
}

impl AttrMatch {
    pub fn parse(s: &str) -> Option<AttrMatch> {
        let (key, value) = s.split_once('=')?;
        let key = key.trim();
        (!key.is_empty()).then(|| AttrMatch { key: key.to_string(), value: value.to_string() })
    }

    pub fn to_param(&self) -> String {
        format!("{}={}", self.key, self.value)
    }
}

pub use strand_model::url::{decode_component as decode, encode_component as encode};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_keeps_foreign_parameters() {
        let route = Route {
            trace: Some("4bf92f3577b34da6".into()),
            span: Some("span-2_1".into()),
            tab: Tab::Flame,
            search: "http.status_code=500 db".into(),
            demo: true,
            other: vec![("utm_source".into(), "mail".into())],
            ..Route::default()
        };
        let q = route.to_query();
        assert_eq!(
            q,
            "?demo&utm_source=mail&trace=4bf92f3577b34da6&span=span-2_1&view=flame&q=http.status_code%3D500%20db"
        );
        assert_eq!(Route::parse(&q), route);
        assert_eq!(Route::parse("?view=nonsense&q=a+b").tab, Tab::Waterfall);
        assert_eq!(Route::parse("?q=a+b%zz").search, "a b%zz");
        assert_eq!(Route::default().to_query(), "");
        assert_eq!(decode("%E2%9C%93"), "✓");
    }

    #[test]
    fn session_parameters_are_typed_and_survive_page_jumps() {
        let route = Route::parse(
            "?url=https%3A%2F%2Fx%2Ft.json&source=zipkin&base=http%3A%2F%2Fz%3A9411&timeout=500&max-file-mb=2&workers=3&page-import=0&defer-spans=10&step-kb=64&preview-kb=0&page=map&service=a",
        );
        assert_eq!(route.url.as_deref(), Some("https://x/t.json"));
        assert_eq!((route.source.as_deref(), route.base.as_deref()), (Some("zipkin"), Some("http://z:9411")));
        assert_eq!((route.timeout_ms, route.max_file_bytes), (Some(500), Some(2_000_000)));
        assert_eq!(Route::parse("?max-file-mb=0.01").max_file_bytes, Some(10_000));
        assert_eq!((route.workers, Route::parse("?workers=0").workers), (Some(3), None));
        assert_eq!((route.page_import_kb, Route::parse("?page-import=x").page_import_kb), (Some(0), None));
        assert_eq!((route.defer_spans, Route::parse("?defer-spans=-1").defer_spans), (Some(10), None));
        assert_eq!((route.step_kb, Route::parse("?step-kb=0").step_kb), (Some(64), None));
        assert_eq!((route.preview_kb, Route::parse("?preview-kb=x").preview_kb), (Some(0), None));
        assert!(route.other.is_empty());
        let jump = route.session();
        assert_eq!(
            jump.to_query(),
            "?url=https%3A%2F%2Fx%2Ft.json&source=zipkin&base=http%3A%2F%2Fz%3A9411&timeout=500&max-file-mb=2&workers=3&page-import=0&defer-spans=10&step-kb=64&preview-kb=0"
        );
        assert_eq!(Route::parse(&route.to_query()), route);
        assert_eq!(Route::parse("?timeout=0&max-file-mb=x").timeout_ms, None);
        assert_eq!(Route::parse("?max-file-mb=-1").max_file_bytes, None);
    }

    #[test]
    fn resource_filter_and_map_grouping_round_trip() {
        let route = Route {
            page: Page::Map,
            resource: AttrMatch::parse("k8s.namespace.name=shop"),
            group: Some(MapGrouping::Namespace),
            ..Route::default()
        };
        let q = route.to_query();
        assert_eq!(q, "?page=map&resource=k8s.namespace.name%3Dshop&group=namespace");
        assert_eq!(Route::parse(&q), route);
        // A value may hold `=`; the key is what comes before the first one.
        let eq = Route::parse("?resource=deployment.environment%3Dprod%3Deu").resource.unwrap();
        assert_eq!((eq.key.as_str(), eq.value.as_str()), ("deployment.environment", "prod=eu"));
        // Unreadable values stay foreign parameters rather than vanish.
        assert_eq!(Route::parse("?resource=nokey&group=pods").other.len(), 2);
    }

    #[test]
    fn page_level_selection_round_trips() {
        let route = Route {
            page: Page::Analytics,
            service: Some("cart service".into()),
            operation: Some("GET /cart".into()),
            hops: Some(2),
            window: Some((1_700_000_000_000_000_000, 1_700_000_001_000_000_000)),
            sort: Some("duration-desc".into()),
            ..Route::default()
        };
        let q = route.to_query();
        assert_eq!(
            q,
            "?page=analytics&service=cart%20service&op=GET%20%2Fcart&hops=2&window=1700000000000000000~1700000001000000000&sort=duration-desc"
        );
        assert_eq!(Route::parse(&q), route);
        assert_eq!(Route::parse("?page=nope&window=1~x").page, Page::Traces);
        assert_eq!(Route::parse("?window=1~x").window, None);
    }

    #[test]
    fn compare_page_round_trips() {
        let traces = Route { page: Page::Compare, a: Some("4bf9".into()), b: Some("00ab".into()), ..Route::default() };
        assert_eq!(traces.to_query(), "?page=compare&a=4bf9&b=00ab");
        assert_eq!(Route::parse(&traces.to_query()), traces);
        let slowest = Route {
            page: Page::Compare,
            service: Some("checkout".into()),
            operation: Some("POST /orders".into()),
            split: Some(CompareSplit::Slowest { percent: 10 }),
            ..Route::default()
        };
        assert_eq!(slowest.to_query(), "?page=compare&service=checkout&op=POST%20%2Forders&split=slowest-10");
        assert_eq!(Route::parse(&slowest.to_query()), slowest);
        let window = Route::parse("?page=compare&window=5~9&split=window");
        assert_eq!((window.split, window.window), (Some(CompareSplit::Window), Some((5, 9))));
        for bad in ["slowest-0", "slowest-101", "slowest-x", "fastest-10", ""] {
            assert_eq!(CompareSplit::parse(bad), None, "{bad}");
        }
    }
}
