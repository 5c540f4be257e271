use super::*;
use crate::export::stats::{csv, label_value, ms_text, prometheus};
use expect_test::{expect, Expect};
use strand_analysis::stats::SpanMetric;
use strand_analysis::stats::{dataset_stats, red_series, span_metrics};
use strand_formats::{load, AssembleOptions};
use strand_model::StatusCode;
use strand_testkit::dataset;

fn demo() -> Dataset {
    let mut data = Dataset::new();
    load(&mut data, strand_formats::demo::DEMO_TRACE_JSON, "demo.json", None, &AssembleOptions::default())
        .expect("the demo trace loads");
    data
}

/// The table of `level` sorted by `sort` and filtered by `filter`, one line per row.
fn check_table(level: Level, sort: &str, filter: &str, expect: Expect) {
    let data = demo();
    let stats = dataset_stats(&data);
    let rows = rows(&stats, level);
    let filter = RowFilter::parse(filter);
    let mut out = String::new();
    for p in &filter.problems {
        out.push_str(&format!("problem: {p}\n"));
    }
    for i in table_order(&rows, TableSort::parse(sort), &filter) {
        let row = &rows[i];
        let cells: Vec<String> = Column::of(level).map(|c| row.cell(c)).collect();
        out.push_str(&cells.join(" | "));
        out.push('\n');
    }
    expect.assert_eq(&out);
}

#[test]
fn filter_by_resource_attribute() {
    let mut data = Dataset::new();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/mesh/");
    for name in ["k8s-shop.otlp.jsonl", "istio-ingress-two-sidecars.zipkin.json"] {
        let bytes = std::fs::read(format!("{dir}{name}")).expect("a fixture");
        load(&mut data, &bytes, name, None, &AssembleOptions::default()).expect("the fixture loads");
    }
    let stats = dataset_stats(&data);
    let rows = rows(&stats, Level::Services);
    let shown = |text: &str| {
        let filter = RowFilter::parse_for(text, Some(&data));
        let mut names: Vec<String> = filter.problems.iter().map(|p| format!("problem: {p}")).collect();
        names.extend(table_order(&rows, None, &filter).into_iter().map(|i| rows[i].service.clone()));
        names.join(", ")
    };
    expect!["cart, frontend, productpage.shop, reviews.shop"].assert_eq(&shown("resource.k8s.namespace.name=shop"));
    expect!["payment"].assert_eq(&shown("resource.k8s.namespace.name=payments errors>0"));
    expect!["cart"].assert_eq(&shown("resource.k8s.deployment.name=cart"));
    expect!["frontend"].assert_eq(&shown("resource.k8s.namespace.name!=payments front"));
    expect!["problem: “resource.k8s.namespace.name”: write resource.KEY=VALUE or resource.KEY!=VALUE, e.g. resource.k8s.namespace.name=shop, cart"]
            .assert_eq(&shown("resource.k8s.namespace.name resource.k8s.deployment.name=cart"));
    // Without a dataset a resource term matches no service.
    assert!(table_order(&rows, None, &RowFilter::parse("resource.k8s.namespace.name=shop")).is_empty());
}

#[test]
fn services_sorted_by_p99() {
    check_table(
        Level::Services,
        "p99-desc",
        "",
        expect![[r#"
                api-gateway | 3 | 0 | 0.0% | 2.59/s | 740ms | 742ms | 742ms | 742ms | 0.3%
                frontend | 4 | 0 | 0.0% | 3.45/s | 2.40ms | 738ms | 738ms | 738ms | 0.6%
                checkout | 11 | 1 | 9.1% | 9.48/s | 26.0ms | 540ms | 730ms | 730ms | 6.7%
                payment | 6 | 1 | 16.7% | 5.17/s | 50.0ms | 539ms | 539ms | 539ms | 39.4%
                email | 3 | 0 | 0.0% | 2.59/s | 390ms | 412ms | 412ms | 412ms | 30.2%
                shipping | 3 | 0 | 0.0% | 2.59/s | 70.0ms | 96.0ms | 96.0ms | 96.0ms | 7.0%
                inventory | 7 | 0 | 0.0% | 6.03/s | 28.2ms | 86.8ms | 86.8ms | 86.8ms | 9.9%
                recommendation | 2 | 2 | 100.0% | 1.72/s | 55.0ms | 59.8ms | 59.8ms | 59.8ms | 4.4%
                cart | 4 | 0 | 0.0% | 3.45/s | 2.20ms | 20.3ms | 20.3ms | 20.3ms | 1.5%
            "#]],
    );
}

#[test]
fn operations_filtered() {
    check_table(
        Level::Operations,
        "errors-desc",
        "errors>0",
        expect![[r#"
                checkout | GET /recommendations/customer-1842 | client | 1 | 1 | 100.0% | 0.86/s | 61.0ms | 61.0ms | 61.0ms | 61.0ms | 0.1%
                payment | POST https://api.payments.example/v1/charges | client | 2 | 1 | 50.0% | 1.72/s | 142ms | 300ms | 300ms | 300ms | 32.4%
                recommendation | GET /recommendations/customer-1842 | server | 1 | 1 | 100.0% | 0.86/s | 59.8ms | 59.8ms | 59.8ms | 59.8ms | 0.4%
                recommendation | load model features | internal | 1 | 1 | 100.0% | 0.86/s | 55.0ms | 55.0ms | 55.0ms | 55.0ms | 4.0%
            "#]],
    );
    check_table(
        Level::Operations,
        "",
        "service:cart p99>=5ms",
        expect![[r#"
                cart | GET /cart/customer-1842 | server | 1 | 0 | 0.0% | 0.86/s | 20.3ms | 20.3ms | 20.3ms | 20.3ms | 0.3%
                cart | SELECT shop.cart_items | client | 1 | 0 | 0.0% | 0.86/s | 12.8ms | 12.8ms | 12.8ms | 12.8ms | 0.9%
            "#]],
    );
    check_table(
        Level::Operations,
        "service-asc",
        "checkout kind:server",
        expect![[r#"
                api-gateway | POST /api/checkout | server | 1 | 0 | 0.0% | 0.86/s | 742ms | 742ms | 742ms | 742ms | 0.1%
                checkout | POST /api/orders | server | 1 | 0 | 0.0% | 0.86/s | 730ms | 730ms | 730ms | 730ms | 0.7%
                frontend | POST /api/checkout | server | 1 | 0 | 0.0% | 0.86/s | 738ms | 738ms | 738ms | 738ms | 0.3%
            "#]],
    );
    check_table(
        Level::Services,
        "",
        "p99>fast bogus<3 error-rate>=10%",
        expect![[r#"
            problem: “p99>fast”: “fast” is not a duration (write e.g. 250ms, 1.5s, 40us)
            problem: “bogus<3”: unknown column “bogus” (use count, errors, error-rate, throughput, p50, p90, p99, max or self)
            payment | 6 | 1 | 16.7% | 5.17/s | 50.0ms | 539ms | 539ms | 539ms | 39.4%
            recommendation | 2 | 2 | 100.0% | 1.72/s | 55.0ms | 59.8ms | 59.8ms | 59.8ms | 4.4%
        "#]],
    );
}

#[test]
fn sort_keys_round_trip() {
    for column in Column::ALL {
        for descending in [false, true] {
            let sort = TableSort { column, descending };
            assert_eq!(TableSort::parse(&sort.key()), Some(sort));
        }
    }
    assert_eq!(TableSort::parse("duration-desc"), None);
    assert_eq!(TableSort::parse("p99"), None);
    let first = crate::sort::clicked(None, Column::P99);
    assert!(first.descending);
    assert!(!crate::sort::clicked(Some(first), Column::P99).descending);
    assert!(!crate::sort::clicked(Some(first), Column::Service).descending);
    assert_eq!(crate::sort::aria(Some(first), Column::P99), "descending");
    assert_eq!(crate::sort::aria(Some(first), Column::Max), "none");
}

#[test]
fn selection_in_the_route() {
    let data = demo();
    let stats = dataset_stats(&data);
    let route = Route::parse("?page=analytics&service=cart&op=GET%20%2Fcart%2Fcustomer-1842&kind=server&sort=p99-desc");
    let selection = Selection::from_route(&route);
    assert_eq!(selection.kind, Some(SpanKind::Server));
    assert_eq!(selection.apply(&route), route);
    let filter = selection.span_filter(&data, &stats);
    let summary = filter.map(|f| strand_analysis::stats::filtered_summary(&data, f));
    let row = stats.operations.iter().find(|o| o.service == "cart" && o.kind == SpanKind::Server);
    assert!(summary.is_some() && row.is_some());
    assert_eq!(Selection::default().span_filter(&data, &stats), Some(SpanFilter::All));
    let missing = Selection { service: Some("nope".into()), ..Selection::default() };
    assert_eq!(missing.span_filter(&data, &stats), None);
    let cleared = Selection::default().apply(&route);
    assert_eq!(cleared.to_query(), "?page=analytics&sort=p99-desc");
    expect!["cart: GET /cart/customer-1842 [server]"].assert_eq(&selection.title());
}

#[test]
fn csv_export() {
    let data = dataset(&["
GET front,end 1000..5001000 server
  query_\"x\",y db 2000..4000 client error
"]);
    let stats = dataset_stats(&data);
    expect![[r#"
            level,service,operation,kind,count,errors,error_rate,throughput_per_s,min_ms,p50_ms,p75_ms,p90_ms,p95_ms,p99_ms,max_ms,self_time_ms,self_share,min_ns,p50_ns,p75_ns,p90_ns,p95_ns,p99_ns,max_ns,self_time_ns⏎
            service,db,,,1,1,1,200,0.002,0.002,0.002,0.002,0.002,0.002,0.002,0.002,0.0004,2000,2000,2000,2000,2000,2000,2000,2000⏎
            service,"front,end",,,1,0,0,200,5,5,5,5,5,5,5,4.998,0.9996,5000000,5000000,5000000,5000000,5000000,5000000,5000000,4998000⏎
            operation,db,"query ""x"",y",client,1,1,1,200,0.002,0.002,0.002,0.002,0.002,0.002,0.002,0.002,0.0004,2000,2000,2000,2000,2000,2000,2000,2000⏎
            operation,"front,end",GET,server,1,0,0,200,5,5,5,5,5,5,5,4.998,0.9996,5000000,5000000,5000000,5000000,5000000,5000000,5000000,4998000⏎
        "#]].assert_eq(&csv(&stats).replace("\r\n", "⏎\n"));
    assert_eq!(ms_text(1_500_000), "1.5");
    assert_eq!(ms_text(-1), "-0.000001");
    assert_eq!(ms_text(100_000_000_000), "100000");
}

#[test]
fn prometheus_export_of_a_small_dataset() {
    let data = dataset(&["
GET frontend 1000..2501000 server
  SELECT db 2000..4000 client error
  SELECT db 5000..5400 client
"]);
    let text = prometheus(&span_metrics(&data), &strand_analysis::stats::Window::of(&data));
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            !l.contains("_bucket")
                || l.contains("le=\"0.001\"")
                || l.contains("le=\"0.005\"")
                || l.contains("le=\"5\"")
                || l.contains("+Inf")
        })
        .collect();
    expect![[r##"
            # Span metrics of the traces loaded in Strand, 1970-01-01 00:00:00.000 to 1970-01-01 00:00:00.002 UTC (totals, no timestamps).
            # HELP traces_span_metrics_calls_total Number of spans per service, span name, kind and status.
            # TYPE traces_span_metrics_calls_total counter
            traces_span_metrics_calls_total{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_UNSET"} 1
            traces_span_metrics_calls_total{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_ERROR"} 1
            traces_span_metrics_calls_total{service_name="frontend",span_name="GET",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"} 1
            # HELP traces_span_metrics_duration_milliseconds Span durations in milliseconds.
            # TYPE traces_span_metrics_duration_milliseconds histogram
            traces_span_metrics_duration_milliseconds_bucket{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_UNSET",le="0.001"} 1
            traces_span_metrics_duration_milliseconds_bucket{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_UNSET",le="0.005"} 1
            traces_span_metrics_duration_milliseconds_bucket{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_UNSET",le="5"} 1
            traces_span_metrics_duration_milliseconds_bucket{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_UNSET",le="+Inf"} 1
            traces_span_metrics_duration_milliseconds_sum{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_UNSET"} 0.0004
            traces_span_metrics_duration_milliseconds_count{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_UNSET"} 1
            traces_span_metrics_duration_milliseconds_bucket{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_ERROR",le="0.001"} 0
            traces_span_metrics_duration_milliseconds_bucket{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_ERROR",le="0.005"} 1
            traces_span_metrics_duration_milliseconds_bucket{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_ERROR",le="5"} 1
            traces_span_metrics_duration_milliseconds_bucket{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_ERROR",le="+Inf"} 1
            traces_span_metrics_duration_milliseconds_sum{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_ERROR"} 0.002
            traces_span_metrics_duration_milliseconds_count{service_name="db",span_name="SELECT",span_kind="SPAN_KIND_CLIENT",status_code="STATUS_CODE_ERROR"} 1
            traces_span_metrics_duration_milliseconds_bucket{service_name="frontend",span_name="GET",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET",le="0.001"} 0
            traces_span_metrics_duration_milliseconds_bucket{service_name="frontend",span_name="GET",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET",le="0.005"} 0
            traces_span_metrics_duration_milliseconds_bucket{service_name="frontend",span_name="GET",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET",le="5"} 1
            traces_span_metrics_duration_milliseconds_bucket{service_name="frontend",span_name="GET",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET",le="+Inf"} 1
            traces_span_metrics_duration_milliseconds_sum{service_name="frontend",span_name="GET",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"} 2.5
            traces_span_metrics_duration_milliseconds_count{service_name="frontend",span_name="GET",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"} 1"##]].assert_eq(&kept.join("\n"));
    check_exposition(&text, &span_metrics(&data));
}

#[test]
fn prometheus_export_of_the_demo_parses_and_adds_up() {
    let data = demo();
    let metrics = span_metrics(&data);
    let text = prometheus(&metrics, &strand_analysis::stats::Window::of(&data));
    check_exposition(&text, &metrics);
    let stats = dataset_stats(&data);
    let calls: u64 = metrics.iter().map(|m| m.count).sum();
    assert_eq!(calls, stats.span_count);
    let errors: u64 = metrics.iter().filter(|m| m.status == StatusCode::Error).map(|m| m.count).sum();
    assert_eq!(errors, stats.error_count);
}

#[test]
fn label_values_are_escaped() {
    let mut out = String::new();
    label_value(&mut out, "a\\b\"c\nd");
    assert_eq!(out, r#"a\\b\"c\nd"#);
}

/// A small checker of the text format: every line is a comment, a HELP/TYPE line or a sample
/// `name{labels} value` of a declared family with well-formed labels; buckets of a series are
/// cumulative, end in `+Inf` and equal `_count`, which equals the series' calls.
fn check_exposition(text: &str, metrics: &[SpanMetric]) {
    use std::collections::BTreeMap;
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let mut calls: BTreeMap<String, u64> = BTreeMap::new();
    let mut buckets: BTreeMap<String, Vec<(String, u64)>> = BTreeMap::new();
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("TYPE name kind");
            assert!(matches!(kind, "counter" | "histogram"), "{line}");
            types.insert(name.to_string(), kind.to_string());
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let brace = line.find('{').expect("labels");
        let close = line.rfind('}').expect("closing brace");
        let name = &line[..brace];
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'), "{name}");
        let value = line[close + 1..].trim();
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("value of {line}"));
        // Labels: name="value" pairs, values with \\ \" \n escapes only.
        let mut labels = Vec::new();
        let mut rest = &line[brace + 1..close];
        while !rest.is_empty() {
            let eq = rest.find("=\"").expect("label=\"");
            let label = &rest[..eq];
            assert!(label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{label}");
            let mut value = String::new();
            let mut chars = rest[eq + 2..].char_indices();
            let end = loop {
                let (i, c) = chars.next().expect("closing quote");
                match c {
                    '\\' => match chars.next().expect("escape").1 {
                        'n' => value.push('\n'),
                        c @ ('\\' | '"') => value.push(c),
                        other => panic!("bad escape \\{other}"),
                    },
                    '"' => break eq + 2 + i + 1,
                    c => value.push(c),
                }
            };
            labels.push((label.to_string(), value));
            rest = rest[end..].strip_prefix(',').unwrap_or(&rest[end..]);
        }
        let series: Vec<String> = labels.iter().filter(|(l, _)| l != "le").map(|(l, v)| format!("{l}={v:?}")).collect();
        let series = series.join(",");
        if let Some(family) = name.strip_suffix("_bucket") {
            assert_eq!(types.get(family).map(String::as_str), Some("histogram"));
            let le = labels.iter().find(|(l, _)| l == "le").expect("le").1.clone();
            buckets.entry(series).or_default().push((le, value as u64));
        } else if let Some(family) = name.strip_suffix("_count") {
            assert_eq!(types.get(family).map(String::as_str), Some("histogram"));
            counts.insert(series, value as u64);
        } else if let Some(family) = name.strip_suffix("_sum") {
            assert_eq!(types.get(family).map(String::as_str), Some("histogram"));
        } else {
            assert_eq!(types.get(name).map(String::as_str), Some("counter"), "{name}");
            calls.insert(series, value as u64);
        }
    }
    assert_eq!(calls.len(), metrics.len());
    assert_eq!(counts.len(), metrics.len());
    for (series, list) in &buckets {
        assert_eq!(list.last().map(|(le, _)| le.as_str()), Some("+Inf"));
        let mut bounds = Vec::new();
        for pair in list.windows(2) {
            assert!(pair[0].1 <= pair[1].1, "{series}: buckets are cumulative");
        }
        for (le, _) in list {
            bounds.push(if le == "+Inf" { f64::INFINITY } else { le.parse::<f64>().expect("le") });
        }
        assert!(bounds.windows(2).all(|w| w[0] < w[1]), "{series}: le ascending");
        assert_eq!(list.last().map(|(_, c)| *c), counts.get(series).copied(), "{series}");
        assert_eq!(counts.get(series), calls.get(series), "{series}: _count equals calls");
    }
}

#[test]
fn red_charts_and_tooltips() {
    let data = demo();
    let series = red_series(&data, 10, SpanFilter::All);
    let charts = red_charts(&series, 600.0, 150.0);
    assert_eq!(charts.rate.edges_ns.len(), 11);
    assert_eq!(charts.duration.series.len(), 2);
    let first = series.buckets.first().expect("a bucket");
    expect![[r#"
            14:03:27.500 – 14:03:27.616 (116ms)
            25 spans · 216/s
            3 errors
            p50 28.2ms · p99 742ms"#]]
    .assert_eq(&red_tooltip(first).join("\n"));
    let labels: Vec<&str> = charts.duration.y_ticks.iter().map(|t| t.label.as_str()).collect();
    expect!["0 200ms 400ms 600ms 800ms"].assert_eq(&labels.join(" "));
    assert_eq!(red_bucket_count(43), 10);
    assert_eq!(red_bucket_count(1_000_000), 60);
}
