use super::*;
use expect_test::{expect, Expect};
use strand_testkit::dataset;

fn check_percentiles(values: &[i64], expect: Expect) {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let out: Vec<String> = [0.0, 1.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 100.0, 150.0, -5.0, f64::NAN]
        .iter()
        .map(|&p| format!("p{p}={}", percentile(&sorted, p).map_or("-".to_string(), |v| v.to_string())))
        .collect();
    expect.assert_eq(&out.join(" "));
}

#[test]
fn percentiles_use_nearest_rank() {
    check_percentiles(&[], expect!["p0=- p1=- p25=- p50=- p75=- p90=- p99=- p99.9=- p100=- p150=- p-5=- pNaN=-"]);
    check_percentiles(&[7], expect!["p0=7 p1=7 p25=7 p50=7 p75=7 p90=7 p99=7 p99.9=7 p100=7 p150=7 p-5=7 pNaN=-"]);
    check_percentiles(
        &[40, 10, 30, 20],
        expect!["p0=10 p1=10 p25=10 p50=20 p75=30 p90=40 p99=40 p99.9=40 p100=40 p150=40 p-5=10 pNaN=-"],
    );
    check_percentiles(
        &(1..=10).collect::<Vec<_>>(),
        expect!["p0=1 p1=1 p25=3 p50=5 p75=8 p90=9 p99=10 p99.9=10 p100=10 p150=10 p-5=1 pNaN=-"],
    );
    // With 1000 values, p99.9 is exactly the 999th: no float error pushes it to the 1000th.
    check_percentiles(
        &(1..=1000).collect::<Vec<_>>(),
        expect!["p0=1 p1=10 p25=250 p50=500 p75=750 p90=900 p99=990 p99.9=999 p100=1000 p150=1000 p-5=1 pNaN=-"],
    );
}

fn check_histogram(values: &[i64], expect: Expect) {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let histogram = Histogram::from_sorted(&sorted);
    let mut one_by_one = Histogram::default();
    for &v in values {
        one_by_one.add(v);
    }
    assert_eq!(histogram, one_by_one);
    assert_eq!(histogram.total(), values.len() as u64);
    let cumulative = histogram.cumulative();
    assert_eq!(cumulative.last().copied(), Some(values.len() as u64));
    let mut out = String::new();
    for (i, (&c, &cum)) in histogram.counts.iter().zip(&cumulative).enumerate() {
        if c == 0 {
            continue;
        }
        let le = HISTOGRAM_BOUNDS_NS.get(i).map_or("+Inf".to_string(), |b| format!("{b}"));
        out.push_str(&format!("le={le} count={c} cumulative={cum}\n"));
    }
    expect.assert_eq(&out);
}

#[test]
fn histogram_buckets_are_le_bounds() {
    check_histogram(
        &[-5, 0, 1_000, 1_001, 2_000, 4_999, 5_000, 999_999_999, 100_000_000_000, 100_000_000_001, i64::MAX],
        expect![[r#"
                le=1000 count=3 cumulative=3
                le=2000 count=2 cumulative=5
                le=5000 count=2 cumulative=7
                le=1000000000 count=1 cumulative=8
                le=100000000000 count=1 cumulative=9
                le=+Inf count=2 cumulative=11
            "#]],
    );
    check_histogram(&[], expect![""]);
}

#[test]
fn histogram_bounds_follow_1_2_5() {
    let mut expected = Vec::new();
    let mut decade = 1_000i64;
    while decade <= 100_000_000_000 {
        expected.extend([decade, decade * 2, decade * 5]);
        decade *= 10;
    }
    expected.truncate(expected.len() - 2);
    assert_eq!(HISTOGRAM_BOUNDS_NS.to_vec(), expected);
    assert_eq!(HISTOGRAM_BOUNDS_NS.first(), Some(&1_000));
    assert_eq!(HISTOGRAM_BOUNDS_NS.last(), Some(&100_000_000_000));
}

/// Renders the groups of the first trace of `fixture`, one line each, largest first.
fn check_trace(fixture: &str, group_by: &str, expect: Expect) {
    let mut data = dataset(&[fixture]);
    let group_by = match group_by {
        "service" => GroupBy::Service,
        "operation" => GroupBy::Operation,
        attr => GroupBy::Attribute(data.strings.intern(attr)),
    };
    let trace = &data.traces[0];
    let stats = trace_stats(&data.strings, trace, &SpanTree::build(trace), group_by);
    let share_sum: f64 = stats.groups.iter().map(|g| g.share).sum();
    if stats.self_total_ns > 0 {
        assert!((share_sum - 1.0).abs() < 1e-9, "shares add up to {share_sum}");
    }
    assert_eq!(stats.groups.iter().map(|g| g.count).sum::<u64>(), stats.span_count);
    let mut out = format!("spans={} self_total={}\n", stats.span_count, stats.self_total_ns);
    for g in &stats.groups {
        out.push_str(&format!(
            "{}: count={} total={} avg={} min={} max={} self={}/{}/{}/{} share={:.3}\n",
            g.key.label(),
            g.count,
            g.total_ns,
            g.avg_ns,
            g.min_ns,
            g.max_ns,
            g.self_total_ns,
            g.self_avg_ns,
            g.self_min_ns,
            g.self_max_ns,
            g.share
        ));
    }
    expect.assert_eq(&out);
}

// Fixture times start above 0: assembly reads a start of 0 as "no start time" and moves it.
const SHOP: &str = "
checkout frontend 1000..1100 server http.route=/checkout
  auth frontend 1005..1015 http.status_code=200
  charge frontend 1020..1080 client http.status_code=500
    charge payments 1025..1075 server http.status_code=500 error
      ledger payments 1030..1040
      ledger payments 1050..1060
  render frontend 1085..1095
";

#[test]
fn trace_stats_by_service() {
    check_trace(
        SHOP,
        "service",
        expect![[r#"
                spans=7 self_total=100
                frontend: count=4 total=180 avg=45 min=10 max=100 self=50/12/10/20 share=0.500
                payments: count=3 total=70 avg=23 min=10 max=50 self=50/16/10/30 share=0.500
            "#]],
    );
}

#[test]
fn trace_stats_by_operation() {
    check_trace(
        SHOP,
        "operation",
        expect![[r#"
                spans=7 self_total=100
                payments: charge: count=1 total=50 avg=50 min=50 max=50 self=30/30/30/30 share=0.300
                frontend: checkout: count=1 total=100 avg=100 min=100 max=100 self=20/20/20/20 share=0.200
                payments: ledger: count=2 total=20 avg=10 min=10 max=10 self=20/10/10/10 share=0.200
                frontend: auth: count=1 total=10 avg=10 min=10 max=10 self=10/10/10/10 share=0.100
                frontend: charge: count=1 total=60 avg=60 min=60 max=60 self=10/10/10/10 share=0.100
                frontend: render: count=1 total=10 avg=10 min=10 max=10 self=10/10/10/10 share=0.100
            "#]],
    );
}

#[test]
fn trace_stats_by_attribute_groups_missing_values_together() {
    check_trace(
        SHOP,
        "http.status_code",
        expect![[r#"
                spans=7 self_total=100
                (none): count=4 total=130 avg=32 min=10 max=100 self=50/12/10/20 share=0.500
                500: count=2 total=110 avg=55 min=50 max=60 self=40/20/10/30 share=0.400
                200: count=1 total=10 avg=10 min=10 max=10 self=10/10/10/10 share=0.100
            "#]],
    );
}

#[test]
fn stats_serialize_to_json() {
    let data = dataset(&["
GET api 1000..1100 server http.status_code=200
"]);
    let trace = &data.traces[0];
    let key = data.strings.lookup("http.status_code").expect("interned");
    let by_attr = trace_stats(&data.strings, trace, &SpanTree::build(trace), GroupBy::Attribute(key));
    expect![[r#"{"span_count":1,"self_total_ns":100,"groups":[{"by":"attribute","value":"200","count":1,"total_ns":100,"avg_ns":100,"min_ns":100,"max_ns":100,"self_total_ns":100,"self_avg_ns":100,"self_min_ns":100,"self_max_ns":100,"share":1.0}]}"#]].assert_eq(&serde_json::to_string(&by_attr).expect("serializes"));
    // Dataset rows flatten their summary next to the names; the kind is its lowercase name.
    let stats = dataset_stats(&data);
    let json = serde_json::to_string(&stats.operations[0]).expect("serializes");
    expect![[r#"{"service":"api","operation":"GET","kind":"server","count":1,"errors":0,"error_rate":0.0,"throughput_per_s":10000000.0,"min_ns":100,"p50_ns":100,"p75_ns":100,"p90_ns":100,"p95_ns":100,"p99_ns":100,"max_ns":100,"self_time_ns":100,"self_share":1.0,"histogram":{"counts":[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}}"#]].assert_eq(&json);
}

#[test]
fn trace_stats_of_an_empty_trace() {
    check_trace(
        "",
        "service",
        expect![[r#"
            spans=0 self_total=0
        "#]],
    );
}

/// Renders the dataset statistics: window, totals, then services and operations.
fn check_dataset(fixtures: &[&str], expect: Expect) {
    let data = dataset(fixtures);
    let stats = dataset_stats(&data);
    let mut out = format!(
        "window={}..{} spans={} errors={} self={}\n",
        stats.window.start_ns, stats.window.end_ns, stats.span_count, stats.error_count, stats.self_time_ns
    );
    let summary = |s: &LatencySummary| {
        let buckets: Vec<String> = s
            .histogram
            .counts
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(|(i, c)| format!("{}:{c}", HISTOGRAM_BOUNDS_NS.get(i).map_or("inf".to_string(), |b| b.to_string())))
            .collect();
        format!(
                "count={} errors={} rate={:.2} throughput={} min={} p50={} p75={} p90={} p95={} p99={} max={} self={} share={:.3} hist=[{}]",
                s.count,
                s.errors,
                s.error_rate,
                s.throughput_per_s.map_or("-".to_string(), |t| format!("{t:.0}/s")),
                s.min_ns,
                s.p50_ns,
                s.p75_ns,
                s.p90_ns,
                s.p95_ns,
                s.p99_ns,
                s.max_ns,
                s.self_time_ns,
                s.self_share,
                buckets.join(" ")
            )
    };
    for s in &stats.services {
        out.push_str(&format!("service {}: {}\n", s.service, summary(&s.summary)));
    }
    for o in &stats.operations {
        out.push_str(&format!("  {} {} {}: {}\n", o.service, o.operation, o.kind.as_str(), summary(&o.summary)));
    }
    expect.assert_eq(&out);
}

#[test]
fn dataset_stats_per_service_and_operation() {
    check_dataset(
        &[
            "
GET frontend 1000..5000 server
  query db 2000..4000 client error
",
            "
GET frontend 6000..11000 server
  query db 7000..8000 client
  query db 8000..9500 client
  GET frontend 10000..10500 client
",
        ],
        expect![[r#"
                window=1000..11000 spans=6 errors=1 self=9000
                service db: count=3 errors=1 rate=0.33 throughput=300000/s min=1000 p50=1500 p75=2000 p90=2000 p95=2000 p99=2000 max=2000 self=4500 share=0.500 hist=[1000:1 2000:2]
                service frontend: count=3 errors=0 rate=0.00 throughput=300000/s min=500 p50=4000 p75=5000 p90=5000 p95=5000 p99=5000 max=5000 self=4500 share=0.500 hist=[1000:1 5000:2]
                  db query client: count=3 errors=1 rate=0.33 throughput=300000/s min=1000 p50=1500 p75=2000 p90=2000 p95=2000 p99=2000 max=2000 self=4500 share=0.500 hist=[1000:1 2000:2]
                  frontend GET server: count=2 errors=0 rate=0.00 throughput=200000/s min=4000 p50=4000 p75=5000 p90=5000 p95=5000 p99=5000 max=5000 self=4000 share=0.444 hist=[5000:2]
                  frontend GET client: count=1 errors=0 rate=0.00 throughput=100000/s min=500 p50=500 p75=500 p90=500 p95=500 p99=500 max=500 self=500 share=0.056 hist=[1000:1]
            "#]],
    );
}

#[test]
fn dataset_stats_with_a_zero_length_window_has_no_throughput() {
    check_dataset(
        &["
tick clock 5..5
"],
        expect![[r#"
                window=5..5 spans=1 errors=0 self=0
                service clock: count=1 errors=0 rate=0.00 throughput=- min=0 p50=0 p75=0 p90=0 p95=0 p99=0 max=0 self=0 share=0.000 hist=[1000:1]
                  clock tick unspecified: count=1 errors=0 rate=0.00 throughput=- min=0 p50=0 p75=0 p90=0 p95=0 p99=0 max=0 self=0 share=0.000 hist=[1000:1]
            "#]],
    );
    check_dataset(
        &[],
        expect![[r#"
            window=0..0 spans=0 errors=0 self=0
        "#]],
    );
}

/// Renders a RED series of `buckets` intervals over the spans of `service` (all when empty).
fn check_red(fixtures: &[&str], buckets: usize, service: &str, expect: Expect) {
    let mut data = dataset(fixtures);
    let filter = if service.is_empty() { SpanFilter::All } else { SpanFilter::Service(data.strings.intern(service)) };
    let series = red_series(&data, buckets, filter);
    let mut out = format!("window={}..{}\n", series.window.start_ns, series.window.end_ns);
    for b in &series.buckets {
        let p = |v: Option<i64>| v.map_or("-".to_string(), |v| v.to_string());
        out.push_str(&format!(
            "{}..{} count={} errors={} p50={} p99={}\n",
            b.start_ns,
            b.end_ns,
            b.count,
            b.errors,
            p(b.p50_ns),
            p(b.p99_ns)
        ));
    }
    expect.assert_eq(&out);
}

const BUSY: &str = "
root api 1000..1100 server
  a api 1000..1010 error
  b db 1012..1020 client
  c db 1030..1060 client
  d api 1045..1050
  e db 1099..1100 error
";

#[test]
fn red_series_buckets_by_start() {
    check_red(
        &[BUSY],
        4,
        "",
        expect![[r#"
                window=1000..1100
                1000..1025 count=3 errors=1 p50=10 p99=100
                1025..1050 count=2 errors=0 p50=5 p99=30
                1050..1075 count=0 errors=0 p50=- p99=-
                1075..1100 count=1 errors=1 p50=1 p99=1
            "#]],
    );
}

#[test]
fn red_series_filters_by_service_on_the_full_window() {
    check_red(
        &[BUSY],
        3,
        "db",
        expect![[r#"
                window=1000..1100
                1000..1034 count=2 errors=0 p50=8 p99=30
                1034..1067 count=0 errors=0 p50=- p99=-
                1067..1100 count=1 errors=1 p50=1 p99=1
            "#]],
    );
}

#[test]
fn red_series_edge_cases() {
    check_red(
        &[BUSY],
        0,
        "",
        expect![[r#"
                window=1000..1100
            "#]],
    );
    check_red(
        &["
tick clock 5..5
"],
        2,
        "",
        expect![[r#"
                window=5..5
                5..5 count=1 errors=0 p50=0 p99=0
                5..5 count=0 errors=0 p50=- p99=-
            "#]],
    );
}

#[test]
fn filtered_summaries_and_span_metrics_agree_with_dataset_stats() {
    let data = dataset(&[BUSY, SHOP]);
    let stats = dataset_stats(&data);
    for o in &stats.operations {
        let filter = SpanFilter::Operation {
            service: data.strings.lookup(&o.service).expect("interned"),
            name: data.strings.lookup(&o.operation).expect("interned"),
            kind: o.kind,
        };
        assert_eq!(filtered_summary(&data, filter), o.summary, "{} {}", o.service, o.operation);
    }
    for s in &stats.services {
        let filter = SpanFilter::Service(data.strings.lookup(&s.service).expect("interned"));
        assert_eq!(filtered_summary(&data, filter), s.summary);
    }
    let all = filtered_summary(&data, SpanFilter::All);
    assert_eq!((all.count, all.errors), (stats.span_count, stats.error_count));

    let metrics = span_metrics(&data);
    for o in &stats.operations {
        let of_op: Vec<&SpanMetric> = metrics
            .iter()
            .filter(|m| m.service == o.service && m.operation == o.operation && m.kind == o.kind)
            .collect();
        assert_eq!(of_op.iter().map(|m| m.count).sum::<u64>(), o.summary.count);
        let errors: u64 = of_op.iter().filter(|m| m.status == StatusCode::Error).map(|m| m.count).sum();
        assert_eq!(errors, o.summary.errors);
        let mut merged = Histogram::default();
        for m in &of_op {
            for (into, c) in merged.counts.iter_mut().zip(m.histogram.counts) {
                *into += c;
            }
        }
        assert_eq!(merged, o.summary.histogram);
    }
    let lines: Vec<String> = metrics
        .iter()
        .map(|m| {
            format!(
                "{} {} {} {} count={} sum={}",
                m.service,
                m.operation,
                m.kind.as_str(),
                m.status.as_str(),
                m.count,
                m.sum_ns
            )
        })
        .collect();
    expect![[r#"
            api a unspecified error count=1 sum=10
            api d unspecified unset count=1 sum=5
            api root server unset count=1 sum=100
            db b client unset count=1 sum=8
            db c client unset count=1 sum=30
            db e unspecified error count=1 sum=1
            frontend auth unspecified unset count=1 sum=10
            frontend charge client unset count=1 sum=60
            frontend checkout server unset count=1 sum=100
            frontend render unspecified unset count=1 sum=10
            payments charge server error count=1 sum=50
            payments ledger unspecified unset count=2 sum=20"#]]
    .assert_eq(&lines.join("\n"));
}

#[test]
fn scale_one_pass_per_group() {
    // 200k spans in 2000 traces across 10 services and 50 operations: checks totals (the
    // release-build timing of 1M spans is measured by hand, not asserted).
    let mut data = strand_model::Dataset::new();
    let services: Vec<StrId> = (0..10).map(|i| data.strings.intern(&format!("svc{i}"))).collect();
    let names: Vec<StrId> = (0..50).map(|i| data.strings.intern(&format!("op{i}"))).collect();
    for t in 0..2000u32 {
        let mut trace = Trace::new(strand_model::TraceId::Hex(u128::from(t) + 1));
        for &service in &services {
            trace.resources.push(strand_model::Resource { service, attrs: Default::default() });
        }
        for s in 0..100u32 {
            let mut span = Span::empty(strand_model::SpanId::Hex(u64::from(s) + 1));
            span.parent = if s == 0 { strand_model::NO_PARENT } else { 0 };
            span.resource = s % 10;
            span.name = names[(s % 50) as usize];
            span.start_ns = i64::from(t) * 1_000_000 + i64::from(s);
            span.duration_ns = i64::from((s * 7919 + t) % 100_000);
            if s % 13 == 0 {
                span.status = StatusCode::Error;
            }
            trace.spans.push(span);
        }
        data.traces.push(trace);
    }
    let stats = dataset_stats(&data);
    assert_eq!(stats.span_count, 200_000);
    assert_eq!(stats.services.len(), 10);
    assert_eq!(stats.operations.len(), 50);
    assert_eq!(stats.services.iter().map(|s| s.summary.count).sum::<u64>(), 200_000);
    assert_eq!(stats.error_count, 2000 * 8);
    let series = red_series(&data, 60, SpanFilter::All);
    assert_eq!(series.buckets.iter().map(|b| b.count).sum::<u64>(), 200_000);
}
