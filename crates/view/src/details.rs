//! The span details panel as a view model: everything the panel shows about one span, as text
//! ready to display (times formatted, values as text, links resolved to loaded spans). The UI
//! only lays it out. Depends on `model` and `view::trace_view` (the per-trace analysis).

use super::trace_view::TraceAnalysis;
use strand_model::dump::value_text;
use strand_model::time::{format_duration, format_timestamp_zoned};
use strand_model::{Dataset, Interner, KeyValue, SpanId, SpanKind, StatusCode, Trace};

#[derive(Clone, Debug, PartialEq)]
pub struct SpanDetails {
    /// The span's index in its trace.
    pub index: u32,
    pub name: String,
    pub service: String,
    pub kind: SpanKind,
    pub status: StatusCode,
    /// Empty when the span gave none.
    pub status_message: String,
    /// Ids in full, as displayed elsewhere (for copying).
    pub span_id: String,
    /// The parent id the file gave, if any.
    pub parent_id: Option<String>,
    /// The parent span as assembly resolved it (absent for roots and orphans).
    pub parent: Option<u32>,
    pub trace_id: String,
    /// Start relative to the trace's start, e.g. `+12.3ms`.
    pub start_offset: String,
    /// Absolute start in the display zone, `YYYY-MM-DD HH:MM:SS.mmm UTC`.
    pub started: String,
    pub duration: String,
    pub self_time: String,
    pub critical_time: String,
    /// Shares of the trace's duration (`63.9%`); `None` when the trace lasts no time.
    pub share: Option<String>,
    pub self_share: Option<String>,
    pub critical_share: Option<String>,
    pub depth: u32,
    pub children: usize,
    pub attrs: Vec<AttrRow>,
    pub resource_attrs: Vec<AttrRow>,
    /// The same resource attributes grouped by what they describe ([`group_resource_attrs`]).
    pub resource_groups: Vec<AttrGroup>,
    pub scope: Option<ScopeInfo>,
    /// Events by time.
    pub events: Vec<EventRow>,
    pub links: Vec<LinkRow>,
    pub warnings: Vec<WarningRow>,
}

/// One attribute as a table row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttrRow {
    pub key: String,
    pub value: String,
    /// The value is an `http://` or `https://` URL, the only kind the UI may make a link of.
    pub is_url: bool,
}

/// Resource attributes about one thing: the service, its Kubernetes objects, its host and
/// container, or anything else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttrGroup {
    pub label: &'static str,
    pub rows: Vec<AttrRow>,
}

/// The groups, in display order, and the key prefixes (or whole keys) that belong to each.
/// A key goes to the first group that claims it; the rest to "Other".
const RESOURCE_GROUPS: [(&str, &[&str]); 3] = [
    ("Service", &["service.", "strand.original_service"]),
    ("Kubernetes", &["k8s."]),
    ("Host and container", &["host.", "container.", "os.", "process.", "ipv4", "ipv6", "port"]),
];

/// Groups resource attributes as OpenTelemetry's semantic conventions name them: `service.*`,
/// `k8s.*` (what the Kubernetes attributes processor or the pod's environment set), `host.*`,
/// `container.*`, `os.*`, `process.*` (and Zipkin's endpoint address), then the rest, each in
/// the order given. Empty groups are left out.
pub fn group_resource_attrs(rows: &[AttrRow]) -> Vec<AttrGroup> {
    let mut groups: Vec<AttrGroup> = RESOURCE_GROUPS
        .iter()
        .map(|(label, _)| AttrGroup { label, rows: Vec::new() })
        .chain(std::iter::once(AttrGroup { label: "Other", rows: Vec::new() }))
        .collect();
    for row in rows {
        let claims = |prefix: &&str| {
            if prefix.ends_with('.') {
                row.key.starts_with(prefix)
            } else {
                row.key == *prefix
            }
        };
        let at = RESOURCE_GROUPS.iter().position(|(_, prefixes)| prefixes.iter().any(claims));
        let at = at.unwrap_or(RESOURCE_GROUPS.len());
        if let Some(group) = groups.get_mut(at) {
            group.rows.push(row.clone());
        }
    }
    groups.retain(|g| !g.rows.is_empty());
    groups
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeInfo {
    pub name: String,
    /// Empty when unknown.
    pub version: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    /// Time since the span's start, e.g. `+12.3ms` (negative when the event precedes it).
    pub offset: String,
    pub offset_ns: i64,
    pub name: String,
    pub attrs: Vec<AttrRow>,
}

/// Where a link leads, among what is loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkTarget {
    /// A span of the same trace (its index).
    SameTrace(u32),
    /// A span of another loaded trace.
    OtherTrace {
        trace_index: usize,
        span: u32,
    },
    NotLoaded,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkRow {
    /// `link`, `child_of` or `follows_from`.
    pub kind: &'static str,
    pub trace_id: String,
    pub span_id: String,
    pub target: LinkTarget,
    /// `service: name` of the linked span when it is loaded.
    pub target_label: Option<String>,
    pub attrs: Vec<AttrRow>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WarningRow {
    pub code: &'static str,
    pub detail: String,
}

/// The details of span `index` of trace `trace_index`; `None` when either does not exist.
/// `analysis` must be the analysis of that trace.
pub fn span_details(data: &Dataset, trace_index: usize, analysis: &TraceAnalysis, index: u32) -> Option<SpanDetails> {
    let strings = &data.strings;
    let trace = data.traces.get(trace_index)?;
    let span = trace.span(index)?;
    let at = index as usize;
    let self_ns = analysis.self_ns.get(at).copied().unwrap_or(0);
    let critical_ns = analysis.critical_ns.get(at).copied().unwrap_or(0);
    let total_ns = trace.duration_ns();
    let resource_attrs = trace.resource_of(span).map(|r| attr_rows(strings, trace, trace.attrs_of(r.attrs)));
    let scope = trace.scope_of(span).and_then(|s| {
        let (name, version) = (strings.get(s.name), strings.get(s.version));
        (!name.is_empty() || !version.is_empty())
            .then(|| ScopeInfo { name: name.to_string(), version: version.to_string() })
    });
    let mut events: Vec<EventRow> = trace
        .events_of(span)
        .iter()
        .map(|e| {
            let offset_ns = e.time_ns.saturating_sub(span.start_ns);
            EventRow {
                offset: signed_duration(offset_ns),
                offset_ns,
                name: strings.get(e.name).to_string(),
                attrs: attr_rows(strings, trace, trace.attrs_of(e.attrs)),
            }
        })
        .collect();
    // By time: files do not always list events in order. The sort is stable, so ties keep theirs.
    strand_model::order::sort_by_key(&mut events, |e| e.offset_ns);
    let links = trace
        .links_of(span)
        .iter()
        .map(|link| {
            let target = match data.find_trace(link.trace_id) {
                Some(ti) if ti == trace_index => {
                    find_span(trace, link.span_id).map_or(LinkTarget::NotLoaded, LinkTarget::SameTrace)
                }
                Some(ti) => data
                    .traces
                    .get(ti)
                    .and_then(|t| find_span(t, link.span_id))
                    .map_or(LinkTarget::NotLoaded, |span| LinkTarget::OtherTrace { trace_index: ti, span }),
                None => LinkTarget::NotLoaded,
            };
            let target_label = match target {
                LinkTarget::SameTrace(span) => span_label(strings, trace, span),
                LinkTarget::OtherTrace { trace_index, span } => {
                    data.traces.get(trace_index).and_then(|t| span_label(strings, t, span))
                }
                LinkTarget::NotLoaded => None,
            };
            LinkRow {
                kind: link.kind.as_str(),
                trace_id: link.trace_id.display(strings),
                span_id: link.span_id.display(strings),
                target,
                target_label,
                attrs: attr_rows(strings, trace, trace.attrs_of(link.attrs)),
            }
        })
        .collect();
    let warnings = trace
        .warnings
        .iter()
        .filter(|w| w.span == Some(index))
        .map(|w| WarningRow { code: w.kind.code(), detail: w.detail.to_string() })
        .collect();
    Some(SpanDetails {
        index,
        name: strings.get(span.name).to_string(),
        service: strings.get(trace.service_of(span)).to_string(),
        kind: span.kind,
        status: span.status,
        status_message: strings.get(span.status_message).to_string(),
        span_id: span.span_id.display(strings),
        parent_id: span.parent_id.map(|p| p.display(strings)),
        parent: span.has_parent().then_some(span.parent),
        trace_id: trace.trace_id.display(strings),
        start_offset: signed_duration(span.start_ns.saturating_sub(trace.start_ns)),
        started: format_timestamp_zoned(span.start_ns),
        duration: format_duration(span.duration_ns),
        self_time: format_duration(self_ns),
        critical_time: format_duration(critical_ns),
        share: share(span.duration_ns, total_ns),
        self_share: share(self_ns, total_ns),
        critical_share: share(critical_ns, total_ns),
        depth: analysis.tree.depth.get(at).copied().unwrap_or(0),
        children: analysis.tree.children_of(index).len(),
        attrs: attr_rows(strings, trace, trace.attrs_of(span.attrs)),
        resource_groups: group_resource_attrs(resource_attrs.as_deref().unwrap_or_default()),
        resource_attrs: resource_attrs.unwrap_or_default(),
        scope,
        events,
        links,
        warnings,
    })
}

/// Attributes in the order the file gave them.
pub(crate) fn attr_rows(strings: &Interner, trace: &Trace, attrs: &[KeyValue]) -> Vec<AttrRow> {
    attrs
        .iter()
        .map(|kv| {
            let value = value_text(strings, trace, kv.value);
            AttrRow { key: strings.get(kv.key).to_string(), is_url: is_web_url(&value), value }
        })
        .collect()
}

/// Only `http://` and `https://` (any case) may become links: never `javascript:`, `data:` or
/// anything else a trace could carry.
pub fn is_web_url(value: &str) -> bool {
    let starts_with = |prefix: &str| value.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix));
    (starts_with("http://") || starts_with("https://")) && !value.chars().any(char::is_control)
}

/// The first span of `trace` (in tree order) with id `span_id`, as the rest of the UI resolves
/// duplicate ids.
fn find_span(trace: &Trace, span_id: SpanId) -> Option<u32> {
    trace.order.iter().copied().find(|&i| trace.span(i).is_some_and(|s| s.span_id == span_id))
}

fn span_label(strings: &Interner, trace: &Trace, index: u32) -> Option<String> {
    let span = trace.span(index)?;
    Some(format!("{}: {}", strings.get(trace.service_of(span)), strings.get(span.name)))
}

/// `+12.3ms`, or `-1.00ms` before the reference point.
pub(crate) fn signed_duration(ns: i64) -> String {
    if ns < 0 {
        format_duration(ns)
    } else {
        format!("+{}", format_duration(ns))
    }
}

/// `part` as a percentage of `total`, one decimal (`<0.1%` for a sliver that is not zero).
fn share(part_ns: i64, total_ns: i64) -> Option<String> {
    if total_ns <= 0 {
        return None;
    }
    let pct = part_ns as f64 / total_ns as f64 * 100.0;
    Some(if pct > 0.0 && pct < 0.05 { "<0.1%".to_string() } else { format!("{pct:.1}%") })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace_view::analyze;
    use expect_test::{expect, Expect};
    use std::fmt::Write;
    use strand_formats::{load, AssembleOptions};

    /// Loads OTLP JSON documents and prints the details of the span with id `span_id` in the
    /// trace with id `trace_id`.
    fn check(documents: &[&str], trace_id: &str, span_id: &str, expect: Expect) {
        let mut data = Dataset::new();
        for (i, doc) in documents.iter().enumerate() {
            load(&mut data, doc.as_bytes(), &format!("doc{i}.json"), None, &AssembleOptions::default()).expect("loads");
        }
        let trace_index =
            data.traces.iter().position(|t| t.trace_id.display(&data.strings) == trace_id).expect("trace loaded");
        let trace = &data.traces[trace_index];
        let index =
            trace.spans.iter().position(|s| s.span_id.display(&data.strings) == span_id).expect("span loaded") as u32;
        let analysis = analyze(trace);
        let details = span_details(&data, trace_index, &analysis, index).expect("details");
        expect.assert_eq(&render(&details));
    }

    fn render(d: &SpanDetails) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{} ({}) [{}] status={}", d.name, d.service, d.kind.as_str(), d.status.as_str());
        if !d.status_message.is_empty() {
            let _ = writeln!(out, "  message {:?}", d.status_message);
        }
        let _ = writeln!(
            out,
            "  ids span={} parent={} resolved_parent={:?} trace={}",
            d.span_id,
            d.parent_id.as_deref().unwrap_or("-"),
            d.parent,
            d.trace_id
        );
        let _ = writeln!(out, "  start {} at {}", d.start_offset, d.started);
        let _ = writeln!(
            out,
            "  duration {} ({}) self {} ({}) critical {} ({}) depth {} children {}",
            d.duration,
            d.share.as_deref().unwrap_or("-"),
            d.self_time,
            d.self_share.as_deref().unwrap_or("-"),
            d.critical_time,
            d.critical_share.as_deref().unwrap_or("-"),
            d.depth,
            d.children
        );
        let rows = |out: &mut String, label: &str, rows: &[AttrRow]| {
            for r in rows {
                let _ = writeln!(out, "  {label} {} = {:?}{}", r.key, r.value, if r.is_url { " (link)" } else { "" });
            }
        };
        rows(&mut out, "attr", &d.attrs);
        rows(&mut out, "resource", &d.resource_attrs);
        for g in &d.resource_groups {
            let keys: Vec<&str> = g.rows.iter().map(|r| r.key.as_str()).collect();
            let _ = writeln!(out, "  resource group {}: {}", g.label, keys.join(", "));
        }
        if let Some(scope) = &d.scope {
            let _ = writeln!(out, "  scope {} {}", scope.name, scope.version);
        }
        for e in &d.events {
            let _ = writeln!(out, "  event {} {}", e.offset, e.name);
            rows(&mut out, "  event attr", &e.attrs);
        }
        for l in &d.links {
            let _ = writeln!(
                out,
                "  {} trace={} span={} -> {:?} {}",
                l.kind,
                l.trace_id,
                l.span_id,
                l.target,
                l.target_label.as_deref().unwrap_or("")
            );
            rows(&mut out, "  link attr", &l.attrs);
        }
        for w in &d.warnings {
            let _ = writeln!(out, "  ! {}: {}", w.code, w.detail);
        }
        out
    }

    const CHECKOUT: &str = r#"{"resourceSpans": [{
      "resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "checkout"}},
        {"key": "host.name", "value": {"stringValue": "box-1"}}]},
      "scopeSpans": [{"scope": {"name": "io.opentelemetry.http", "version": "1.2.3"}, "spans": [
        {"traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "spanId": "00000000000000a1", "name": "POST /orders",
         "kind": 2, "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000000100000000"},
        {"traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "spanId": "00000000000000b2", "parentSpanId": "00000000000000a1",
         "name": "charge card", "kind": 3,
         "startTimeUnixNano": "1700000000010000000", "endTimeUnixNano": "1700000000060000000",
         "status": {"code": 2, "message": "Read timed out"},
         "attributes": [
           {"key": "url.full", "value": {"stringValue": "https://pay.example/v1/charges?id=7"}},
           {"key": "note", "value": {"stringValue": "javascript:alert(1)"}},
           {"key": "doc", "value": {"stringValue": "data:text/html,<b>x</b>"}},
           {"key": "retries", "value": {"intValue": "2"}},
           {"key": "tags", "value": {"arrayValue": {"values": [{"stringValue": "a"}, {"boolValue": true}]}}}],
         "events": [
           {"timeUnixNano": "1700000000012300000", "name": "retry",
            "attributes": [{"key": "attempt", "value": {"intValue": "1"}}]},
           {"timeUnixNano": "1700000000005000000", "name": "queued early"}],
         "links": [
           {"traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "spanId": "00000000000000a1"},
           {"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "00000000000000c3",
            "attributes": [{"key": "why", "value": {"stringValue": "batch"}}]},
           {"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "00000000000000ff"},
           {"traceId": "11111111111111111111111111111111", "spanId": "0000000000000001"}]}
      ]}]}]}"#;

    const BATCH: &str = r#"{"resourceSpans": [{
      "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "billing"}}]},
      "scopeSpans": [{"spans": [
        {"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "00000000000000c3", "name": "settle batch",
         "startTimeUnixNano": "1700000001000000000", "endTimeUnixNano": "1700000001000000500"},
        {"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "00000000000000d4", "parentSpanId": "00000000000000e5",
         "name": "orphan", "startTimeUnixNano": "1700000001000000000", "endTimeUnixNano": "1700000001000000001"}
      ]}]}]}"#;

    #[test]
    fn a_client_span_with_everything() {
        check(
            &[CHECKOUT, BATCH],
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "00000000000000b2",
            expect![[r#"
                charge card (checkout) [client] status=error
                  message "Read timed out"
                  ids span=00000000000000b2 parent=00000000000000a1 resolved_parent=Some(0) trace=4bf92f3577b34da6a3ce929d0e0e4736
                  start +10.0ms at 2023-11-14 22:13:20.010 UTC
                  duration 50.0ms (50.0%) self 50.0ms (50.0%) critical 50.0ms (50.0%) depth 1 children 0
                  attr url.full = "https://pay.example/v1/charges?id=7" (link)
                  attr note = "javascript:alert(1)"
                  attr doc = "data:text/html,<b>x</b>"
                  attr retries = "2"
                  attr tags = "[\"a\", true]"
                  resource service.name = "checkout"
                  resource host.name = "box-1"
                  resource group Service: service.name
                  resource group Host and container: host.name
                  scope io.opentelemetry.http 1.2.3
                  event -5.00ms queued early
                  event +2.30ms retry
                    event attr attempt = "1"
                  link trace=4bf92f3577b34da6a3ce929d0e0e4736 span=00000000000000a1 -> SameTrace(0) checkout: POST /orders
                  link trace=0af7651916cd43dd8448eb211c80319c span=00000000000000c3 -> OtherTrace { trace_index: 1, span: 0 } billing: settle batch
                    link attr why = "batch"
                  link trace=0af7651916cd43dd8448eb211c80319c span=00000000000000ff -> NotLoaded 
                  link trace=11111111111111111111111111111111 span=0000000000000001 -> NotLoaded 
            "#]],
        );
    }

    #[test]
    fn a_root_and_an_orphan() {
        check(
            &[CHECKOUT],
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "00000000000000a1",
            expect![[r#"
                POST /orders (checkout) [server] status=unset
                  ids span=00000000000000a1 parent=- resolved_parent=None trace=4bf92f3577b34da6a3ce929d0e0e4736
                  start +0ns at 2023-11-14 22:13:20.000 UTC
                  duration 100ms (100.0%) self 50.0ms (50.0%) critical 50.0ms (50.0%) depth 0 children 1
                  resource service.name = "checkout"
                  resource host.name = "box-1"
                  resource group Service: service.name
                  resource group Host and container: host.name
                  scope io.opentelemetry.http 1.2.3
            "#]],
        );
        check(
            &[BATCH],
            "0af7651916cd43dd8448eb211c80319c",
            "00000000000000d4",
            expect![[r#"
                orphan (billing) [unspecified] status=unset
                  ids span=00000000000000d4 parent=00000000000000e5 resolved_parent=None trace=0af7651916cd43dd8448eb211c80319c
                  start +0ns at 2023-11-14 22:13:21.000 UTC
                  duration 1ns (0.2%) self 1ns (0.2%) critical 0ns (0.0%) depth 0 children 0
                  resource service.name = "billing"
                  resource group Service: service.name
                  ! orphan: parent span 00000000000000e5 is not in this trace; the span is shown as a root
            "#]],
        );
    }

    #[test]
    fn only_web_urls_are_links() {
        assert!(is_web_url("https://example.com/a b"));
        assert!(is_web_url("HTTP://EXAMPLE.COM"));
        for value in [
            "javascript:alert(1)",
            " https://x",
            "data:text/html,x",
            "httpx://y",
            "https:/",
            "https://x\n",
            "ftp://x",
            "é",
        ] {
            assert!(!is_web_url(value), "{value}");
        }
    }

    #[test]
    fn kubernetes_resource_attributes_are_grouped() {
        let doc = r#"{"resourceSpans":[{"resource":{"attributes":[
              {"key":"telemetry.sdk.name","value":{"stringValue":"opentelemetry"}},
              {"key":"k8s.namespace.name","value":{"stringValue":"shop"}},
              {"key":"service.name","value":{"stringValue":"cart"}},
              {"key":"k8s.pod.name","value":{"stringValue":"cart-5f8b9c7d6-h7m2w"}},
              {"key":"container.image.name","value":{"stringValue":"registry.example.com/shop/cart"}},
              {"key":"host.name","value":{"stringValue":"node-a"}},
              {"key":"service.version","value":{"stringValue":"1.9.0"}},
              {"key":"k8s.deployment.name","value":{"stringValue":"cart"}}]},
            "scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","name":"GET /cart","startTimeUnixNano":"1000","endTimeUnixNano":"2000"}]}]}]}"#;
        check(
            &[doc],
            "0000000000000001",
            "0000000000000002",
            expect![[r#"
                GET /cart (cart) [unspecified] status=unset
                  ids span=0000000000000002 parent=- resolved_parent=None trace=0000000000000001
                  start +0ns at 1970-01-01 00:00:00.000 UTC
                  duration 1.00µs (100.0%) self 1.00µs (100.0%) critical 1.00µs (100.0%) depth 0 children 0
                  resource telemetry.sdk.name = "opentelemetry"
                  resource k8s.namespace.name = "shop"
                  resource service.name = "cart"
                  resource k8s.pod.name = "cart-5f8b9c7d6-h7m2w"
                  resource container.image.name = "registry.example.com/shop/cart"
                  resource host.name = "node-a"
                  resource service.version = "1.9.0"
                  resource k8s.deployment.name = "cart"
                  resource group Service: service.name, service.version
                  resource group Kubernetes: k8s.namespace.name, k8s.pod.name, k8s.deployment.name
                  resource group Host and container: container.image.name, host.name
                  resource group Other: telemetry.sdk.name
            "#]],
        );
    }

    #[test]
    fn missing_spans_and_traces_give_nothing() {
        let data = Dataset::new();
        let analysis = analyze(&Trace::new(strand_model::TraceId::Hex(1)));
        assert_eq!(span_details(&data, 0, &analysis, 0), None);
    }
}
