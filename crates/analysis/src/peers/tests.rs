use super::*;
use expect_test::{expect, Expect};
use strand_testkit::dataset;

/// Every span in tree order: name, duration, rank among its peers, and the slow marker.
fn check(fixtures: &[&str], expect: Expect) {
    let data = dataset(fixtures);
    let index = PeerIndex::build(&data);
    let mut out = String::new();
    for (t, trace) in data.traces.iter().enumerate() {
        for &i in &trace.order {
            let span = &trace.spans[i as usize];
            let rank = index.rank(&data, t, i).unwrap();
            out.push_str(&format!(
                "{} {}ns p{} of {} ({} at or below){}\n",
                data.strings.get(span.name),
                span.duration_ns,
                rank.percentile,
                rank.peers,
                rank.at_or_below,
                if rank.above_p95 { " slow" } else { "" }
            ));
        }
    }
    expect.assert_eq(&out);
}

#[test]
fn ranks_count_the_peers_at_or_below_and_ties_share_the_higher_rank() {
    check(
        &["
root svc 0..1000
  q db 0..10
  q db 0..20
  q db 0..20
  q db 0..40
  q db 0..20 server
"],
        expect![[r#"
            root 1000ns p100 of 1 (1 at or below)
            q 10ns p25 of 4 (1 at or below)
            q 20ns p75 of 4 (3 at or below)
            q 20ns p75 of 4 (3 at or below)
            q 40ns p100 of 4 (4 at or below)
            q 20ns p100 of 1 (1 at or below)
        "#]],
    );
}

#[test]
fn peers_span_traces_and_only_spans_above_the_p95_are_marked() {
    // Twenty `q` spans over two traces, 1..=20 ns: the p95 is 19 ns, so only the 20 ns one is
    // above it.
    let mut a = String::from("root svc 0..1000\n");
    let mut b = String::from("root svc 0..1000\n");
    for d in 1..=20 {
        let line = format!("  q db 0..{d}\n");
        if d % 2 == 0 {
            a.push_str(&line)
        } else {
            b.push_str(&line)
        }
    }
    let data = dataset(&[&a, &b]);
    let index = PeerIndex::build(&data);
    let marked: Vec<i64> = (0..2)
        .flat_map(|t| {
            let flags = index.above_p95(&data, t);
            data.traces[t].spans.iter().zip(flags).filter(|(_, f)| *f).map(|(s, _)| s.duration_ns).collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(marked, [20]);
    let group = index.group_of(0, 1).unwrap();
    assert_eq!(index.group(group).unwrap().p95_ns, 19);
    let slowest: Vec<i64> =
        index.slowest(&data, group, 3).iter().map(|r| r.resolve(&data).unwrap().1.duration_ns).collect();
    assert_eq!(slowest, [20, 19, 18]);
    assert_eq!(index.slowest(&data, group, 100).len(), 20);
    assert!(index.slowest(&data, group, 0).is_empty());
    assert!(index.rank(&data, 5, 0).is_none());
    assert!(index.above_p95(&data, 5).is_empty());
}

#[test]
fn the_rank_is_the_largest_percentile_at_or_below_the_duration() {
    // Against stats::percentile, for every value of some lists with ties.
    let lists: [&[i64]; 5] = [&[5], &[1, 1, 1], &[1, 2, 3], &[1, 2, 2, 2, 9, 9, 10], &[3; 250]];
    let mut long: Vec<i64> = (0..1000).map(|i| (i * 7919) % 301).collect();
    long.sort_unstable();
    for list in lists.iter().copied().chain([long.as_slice()]) {
        for &d in list {
            let k = list.partition_point(|&x| x <= d) as u64;
            let p = percentile_rank(k, list.len() as u64);
            assert!(percentile(list, f64::from(p)).unwrap() <= d, "{list:?} {d} p{p}");
            if p < 100 {
                assert!(percentile(list, f64::from(p + 1)).unwrap() > d, "{list:?} {d} p{p}");
            }
        }
    }
    assert_eq!(percentile_rank(0, 0), 0);
    assert_eq!(percentile_rank(1204, 1204), 100);
    assert_eq!(percentile_rank(1, 3), 33);
}

#[test]
fn the_histogram_spans_the_used_buckets_and_marks_the_span() {
    let data = dataset(&["root svc 0..1000000\n  q db 0..1500\n  q db 0..1800\n  q db 0..40000\n  q db 0..4000"]);
    let index = PeerIndex::build(&data);
    let group = index.group_of(0, 1).unwrap();
    let histogram = index.histogram(group, 4000);
    let text: Vec<String> =
        histogram.buckets.iter().map(|b| format!("({}, {:?}] {}", b.from_ns, b.to_ns, b.count)).collect();
    expect![[r#"
        (1000, Some(2000)] 2
        (2000, Some(5000)] 1
        (5000, Some(10000)] 0
        (10000, Some(20000)] 0
        (20000, Some(50000)] 1"#]]
    .assert_eq(&text.join("\n"));
    assert_eq!(histogram.marked, 1);
    // A duration outside the peers' range widens the histogram to show it.
    let wide = index.histogram(group, 500);
    assert_eq!((wide.buckets.len(), wide.marked, wide.buckets[0].from_ns), (6, 0, i64::MIN));
    assert_eq!(index.histogram(99, 5), PeerHistogram::default());
}
