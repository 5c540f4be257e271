use super::*;
use expect_test::{expect, Expect};
use strand_testkit::dataset;

/// One line per node: class, counts, means and p90s (µs), indented path label; then the totals.
fn render(data: &Dataset, diff: &PathDiff) -> String {
    let mut out = String::new();
    for node in &diff.nodes {
        out.push_str(&format!(
            "{:<7} {}/{} mean {}/{} p90 {}/{}  {}{}: {}\n",
            node.class.as_str(),
            node.a.count,
            node.b.count,
            node.a.mean_ns / 1000,
            node.b.mean_ns / 1000,
            node.a.p90_ns / 1000,
            node.b.p90_ns / 1000,
            "  ".repeat(node.depth as usize),
            data.strings.get(node.service),
            data.strings.get(node.operation),
        ));
    }
    let (a, b) = (diff.totals_a, diff.totals_b);
    out.push_str(&format!(
        "traces {}/{}, spans {}/{}, mean {}/{}us, p90 {}/{}us\n",
        a.traces,
        b.traces,
        a.spans,
        b.spans,
        a.mean_duration_ns / 1000,
        b.mean_duration_ns / 1000,
        a.p90_duration_ns / 1000,
        b.p90_duration_ns / 1000
    ));
    out
}

/// Compares the first fixture (A) with the second (B).
fn check(fixture_a: &str, fixture_b: &str, expect: Expect) {
    let data = dataset(&[fixture_a, fixture_b]);
    let diff = compare_traces(&data, 0, 1);
    expect.assert_eq(&render(&data, &diff));
}

/// Compares the fixtures before `|` (group A) with the ones after it (group B).
fn check_groups(fixtures: &[&str], expect: Expect) {
    let split = fixtures.iter().position(|f| *f == "|").expect("a | between the groups");
    let traces: Vec<&str> = fixtures.iter().copied().filter(|f| *f != "|").collect();
    let data = dataset(&traces);
    let a: Vec<usize> = (0..split).collect();
    let b: Vec<usize> = (split..traces.len()).collect();
    let diff = compare_groups(&data, &a, &b);
    expect.assert_eq(&render(&data, &diff));
}

const CHECKOUT: &str = "
GET_/checkout frontend 1000000..21000000 server
  get_cart cart 2000000..7000000 client
    SELECT db 3000000..6000000 client
  charge payment 8000000..18000000 client
  render frontend 18000000..20000000
";

#[test]
fn identical_traces_are_all_same() {
    check(
        CHECKOUT,
        CHECKOUT,
        expect![[r#"
            same    1/1 mean 20000/20000 p90 20000/20000  frontend: GET /checkout
            same    1/1 mean 5000/5000 p90 5000/5000    cart: get cart
            same    1/1 mean 3000/3000 p90 3000/3000      db: SELECT
            same    1/1 mean 10000/10000 p90 10000/10000    payment: charge
            same    1/1 mean 2000/2000 p90 2000/2000    frontend: render
            traces 1/1, spans 5/5, mean 20000/20000us, p90 20000/20000us
        "#]],
    );
}

#[test]
fn an_added_call_is_listed_under_its_caller() {
    check(
        CHECKOUT,
        "
GET_/checkout frontend 1000000..21000000 server
  get_cart cart 2000000..7000000 client
    SELECT db 3000000..6000000 client
    GET cache 2000000..2500000 client
  charge payment 8000000..18000000 client
  render frontend 18000000..20000000
",
        expect![[r#"
            same    1/1 mean 20000/20000 p90 20000/20000  frontend: GET /checkout
            same    1/1 mean 5000/5000 p90 5000/5000    cart: get cart
            same    1/1 mean 3000/3000 p90 3000/3000      db: SELECT
            only-b  0/1 mean 0/500 p90 0/500      cache: GET
            same    1/1 mean 10000/10000 p90 10000/10000    payment: charge
            same    1/1 mean 2000/2000 p90 2000/2000    frontend: render
            traces 1/1, spans 5/6, mean 20000/20000us, p90 20000/20000us
        "#]],
    );
}

#[test]
fn a_removed_call_keeps_its_subtree_only_in_a() {
    check(
        CHECKOUT,
        "
GET_/checkout frontend 1000000..13000000 server
  charge payment 2000000..11000000 client
  render frontend 11000000..12000000
",
        expect![[r#"
            faster  1/1 mean 20000/12000 p90 20000/12000  frontend: GET /checkout
            only-a  1/0 mean 5000/0 p90 5000/0    cart: get cart
            only-a  1/0 mean 3000/0 p90 3000/0      db: SELECT
            same    1/1 mean 10000/9000 p90 10000/9000    payment: charge
            same    1/1 mean 2000/1000 p90 2000/1000    frontend: render
            traces 1/1, spans 5/3, mean 20000/12000us, p90 20000/12000us
        "#]],
    );
}

#[test]
fn repeated_siblings_are_counted_together() {
    // The retried charge: two spans on one node; the mean of 10 ms is unchanged.
    check(
        CHECKOUT,
        "
GET_/checkout frontend 1000000..31000000 server
  get_cart cart 2000000..7000000 client
    SELECT db 3000000..6000000 client
  charge payment 8000000..18000000 client error
  charge payment 18000000..28000000 client
  render frontend 28000000..30000000
",
        expect![[r#"
            slower  1/1 mean 20000/30000 p90 20000/30000  frontend: GET /checkout
            same    1/1 mean 5000/5000 p90 5000/5000    cart: get cart
            same    1/1 mean 3000/3000 p90 3000/3000      db: SELECT
            same    1/2 mean 10000/10000 p90 10000/10000    payment: charge
            same    1/1 mean 2000/2000 p90 2000/2000    frontend: render
            traces 1/1, spans 5/6, mean 20000/30000us, p90 20000/30000us
        "#]],
    );
}

#[test]
fn slower_and_faster_need_both_thresholds() {
    // get_cart: +2 ms (+40%) slower; SELECT: +2 ms (+67%) slower; charge: +0.9 ms (9%) same;
    // render: -25% but only -0.5 ms, same; the root: +1.5 ms but 7.5%, same.
    check(
        CHECKOUT,
        "
GET_/checkout frontend 1000000..22500000 server
  get_cart cart 2000000..9000000 client
    SELECT db 3000000..8000000 client
  charge payment 9000000..19900000 client
  render frontend 20000000..21500000
",
        expect![[r#"
            same    1/1 mean 20000/21500 p90 20000/21500  frontend: GET /checkout
            slower  1/1 mean 5000/7000 p90 5000/7000    cart: get cart
            slower  1/1 mean 3000/5000 p90 3000/5000      db: SELECT
            same    1/1 mean 10000/10900 p90 10000/10900    payment: charge
            same    1/1 mean 2000/1500 p90 2000/1500    frontend: render
            traces 1/1, spans 5/5, mean 20000/21500us, p90 20000/21500us
        "#]],
    );
}

#[test]
fn same_operation_in_different_places_are_different_paths() {
    check(
        "
root svc 1000000..1000010
  query db 1000001..1000002
  call other 1000002..1000008
    query db 1000003..1000004
",
        "
root svc 1000000..1000010
  call other 1000002..1000008
    query db 1000003..1000004
    query db 1000004..1000005
",
        expect![[r#"
            same    1/1 mean 0/0 p90 0/0  svc: root
            only-a  1/0 mean 0/0 p90 0/0    db: query
            same    1/1 mean 0/0 p90 0/0    other: call
            same    1/2 mean 0/0 p90 0/0      db: query
            traces 1/1, spans 4/4, mean 0/0us, p90 0/0us
        "#]],
    );
}

#[test]
fn groups_compare_means_and_p90s_per_span() {
    // A: three fast checkouts; B: two where the query is 10x slower and a third with a cache
    // call. Counts add up over the group; `traces` says in how many traces a path occurs.
    check_groups(
        &[
            "GET_/ web 0..10000000 server\n  SELECT db 1000000..3000000 client",
            "GET_/ web 0..12000000 server\n  SELECT db 1000000..4000000 client",
            "GET_/ web 0..11000000 server\n  SELECT db 1000000..2000000 client",
            "|",
            "GET_/ web 0..40000000 server\n  SELECT db 1000000..31000000 client",
            "GET_/ web 0..30000000 server\n  SELECT db 1000000..21000000 client",
            "GET_/ web 0..9000000 server\n  get cache 1000000..1500000 client",
        ],
        expect![[r#"
            slower  3/3 mean 11000/26333 p90 12000/40000  web: GET /
            slower  3/2 mean 2000/25000 p90 3000/30000    db: SELECT
            only-b  0/1 mean 0/500 p90 0/500    cache: get
            traces 3/3, spans 6/6, mean 11000/26333us, p90 12000/40000us
        "#]],
    );
}

#[test]
fn nodes_list_their_spans_slowest_first_with_trace_counts() {
    let data = dataset(&[
        "GET_/ web 0..100\n  q db 1..5\n  q db 5..50\n  q db 50..60",
        "GET_/ web 0..100\n  q db 1..30",
        "GET_/ web 0..100",
    ]);
    let diff = compare_groups(&data, &[0, 1], &[2, 7]);
    let query = 1;
    assert_eq!(diff.path_text(&data.strings, query), "web: GET / > db: q");
    let spans: Vec<String> = diff.spans(query, Side::A).iter().map(|r| format!("{}/{}", r.trace, r.span)).collect();
    assert_eq!(spans, ["0/2", "1/1", "0/3", "0/1"]);
    assert!(diff.spans(query, Side::B).is_empty());
    assert_eq!(diff.nodes[query as usize].a.traces, 2);
    assert_eq!(diff.nodes[query as usize].a.count, 4);
    assert_eq!(diff.nodes[0].subtree, 2);
    assert_eq!(diff.totals_b.traces, 1, "an index out of range is skipped");
    assert_eq!(diff.node_of(SpanRef::new(1, 1), Side::A), Some(query));
    assert!(diff.spans(99, Side::A).is_empty());
    let rows = diff.rows(&data.strings);
    assert_eq!(rows[1].class, DiffClass::OnlyA);
    assert_eq!(rows[1].path, "web: GET / > db: q");
}

#[test]
fn a_deep_chain_does_not_overflow() {
    // 100k spans, each the parent of the next, in two traces (without tree order, so the
    // comparison builds the tree itself).
    let mut data = Dataset::new();
    let name = data.strings.intern("call");
    for t in 0..2u128 {
        let mut trace = Trace::new(strand_model::TraceId::Hex(t + 1));
        trace.resources.push(strand_model::Resource { service: name, attrs: Default::default() });
        let n = 100_000u32;
        for i in 0..n {
            let mut span = strand_model::Span::empty(strand_model::SpanId::Hex(u64::from(i) + 1));
            span.name = name;
            span.start_ns = i64::from(i);
            span.duration_ns = 1_000_000 - 2 * i64::from(i);
            span.parent = if i == 0 { strand_model::NO_PARENT } else { i - 1 };
            trace.spans.push(span);
        }
        data.traces.push(trace);
    }
    let diff = compare_traces(&data, 0, 1);
    assert_eq!(diff.nodes.len(), 100_000);
    assert_eq!(diff.nodes[0].subtree, 100_000);
    assert_eq!(diff.nodes[99_999].depth, 99_999);
    assert!(diff.nodes.iter().all(|n| n.class == DiffClass::Same && n.a.count == 1));
}
