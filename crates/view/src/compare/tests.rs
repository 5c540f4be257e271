use super::*;
use crate::route::Page;
use expect_test::{expect, Expect};
use strand_testkit::dataset;

/// Five checkouts (the last two slow in the database, the very last also calling a cache) and
/// one health check. Times start at 1 ms (a zero start reads as a missing one).
pub(super) fn shop() -> Dataset {
    dataset(&[
        "GET_/checkout web 1000000..11000000 server\n  SELECT db 2000000..4000000 client",
        "GET_/checkout web 2000000..13000000 server\n  SELECT db 3000000..5000000 client",
        "GET_/checkout web 3000000..12000000 server\n  SELECT db 4000000..5500000 client",
        "GET_/checkout web 4000000..44000000 server\n  SELECT db 5000000..35000000 client",
        "GET_/checkout web 5000000..50000000 server\n  SELECT db 6000000..40000000 client\n  GET cache 40000000..41000000 client",
        "health web 6000000..6100000 server",
    ])
}

/// The target's labels, then one line per visible row.
fn check(data: &Dataset, query: &str, prepare: impl Fn(&PathDiff, &mut CompareCollapse), expect: Expect) {
    let route = Route::parse(query);
    let out = match compare_for_route(data, &route) {
        Err(e) => format!("error: {e}\n"),
        Ok((target, diff)) => {
            let mut collapse = CompareCollapse::expanded(&diff);
            prepare(&diff, &mut collapse);
            let mut out = format!("{} {:?}\n{} {:?}\n", target.label_a, target.a, target.label_b, target.b);
            for r in compare_rows(data, &diff, &collapse) {
                let toggle = match (r.has_children, r.collapsed) {
                    (false, _) => "·".to_string(),
                    (true, false) => "▾".to_string(),
                    (true, true) => format!("▸ +{}", r.hidden),
                };
                out.push_str(&format!(
                    "{}{toggle} {}: {}  [{}] A {} × {} (p90 {}) | B {} × {} (p90 {}) | {}\n",
                    "  ".repeat(r.depth as usize),
                    r.service,
                    r.operation,
                    r.class_name,
                    r.a.count,
                    r.a.mean,
                    r.a.p90,
                    r.b.count,
                    r.b.mean,
                    r.b.p90,
                    r.delta
                ));
            }
            out
        }
    };
    expect.assert_eq(&out);
}

#[test]
fn two_traces_by_id() {
    check(
        &shop(),
        "?page=compare&a=0000000000000001&b=0000000000000005",
        |_, _| {},
        expect![[r#"
            A: trace 0000000000000001 web: GET /checkout (10.0ms) [0]
            B: trace 0000000000000005 web: GET /checkout (45.0ms) [4]
            ▾ web: GET /checkout  [slower] A 1 × 10.0ms (p90 10.0ms) | B 1 × 45.0ms (p90 45.0ms) | +35.0ms (+350%)
              · db: SELECT  [slower] A 1 × 2.00ms (p90 2.00ms) | B 1 × 34.0ms (p90 34.0ms) | +32.0ms (+1600%)
              · cache: GET  [only-b] A 0 × – (p90 –) | B 1 × 1.00ms (p90 1.00ms) | only in B
        "#]],
    );
    check(
        &shop(),
        "?page=compare&a=0000000000000001",
        |_, _| {},
        expect![[r#"
        error: pick trace B to compare
    "#]],
    );
    check(
        &shop(),
        "?page=compare&a=0000000000000001&b=ffff",
        |_, _| {},
        expect![[r#"
        error: trace B (ffff) is not loaded
    "#]],
    );
}

#[test]
fn the_slowest_share_of_a_root_operation_against_the_rest() {
    check(
        &shop(),
        "?page=compare&service=web&op=GET%20%2Fcheckout&split=slowest-40",
        |_, _| {},
        expect![[r#"
            A: the other 3 traces of web: GET /checkout [0, 1, 2]
            B: slowest 40% of web: GET /checkout (2 traces) [3, 4]
            ▾ web: GET /checkout  [slower] A 3 × 10.0ms (p90 11.0ms) | B 2 × 42.5ms (p90 45.0ms) | +32.5ms (+325%)
              · db: SELECT  [slower] A 3 × 1.83ms (p90 2.00ms) | B 2 × 32.0ms (p90 34.0ms) | +30.2ms (+1645%)
              · cache: GET  [only-b] A 0 × – (p90 –) | B 1 × 1.00ms (p90 1.00ms) | only in B
        "#]],
    );
    // Without a root operation every trace takes part; an operation that is not loaded is an
    // error.
    check(
        &shop(),
        "?page=compare&split=slowest-20",
        |diff, collapse| collapse.expand_to_depth(diff, 1),
        expect![[r#"
            A: the other 4 traces [0, 1, 2, 5]
            B: slowest 20% (2 traces) [3, 4]
            ▸ +2 web: GET /checkout  [slower] A 3 × 10.0ms (p90 11.0ms) | B 2 × 42.5ms (p90 45.0ms) | +32.5ms (+325%)
            · web: health  [only-a] A 1 × 100µs (p90 100µs) | B 0 × – (p90 –) | only in A
        "#]],
    );
    check(
        &shop(),
        "?page=compare&service=web&op=nope&split=slowest-20",
        |_, _| {},
        expect![[r#"
        error: no loaded trace has the root operation web: nope
    "#]],
    );
}

#[test]
fn a_time_window_against_the_others_and_unchanged_subtrees_collapse() {
    check(
        &shop(),
        "?page=compare&split=window&window=1000000~3000000&service=web&op=GET%20%2Fcheckout",
        |diff, collapse| collapse.collapse_unchanged(diff),
        expect![[r#"
            A: the other 2 traces of web: GET /checkout [3, 4]
            B: 3 traces starting in the 2.00ms window of web: GET /checkout [0, 1, 2]
            ▾ web: GET /checkout  [faster] A 2 × 42.5ms (p90 45.0ms) | B 3 × 10.0ms (p90 11.0ms) | −32.5ms (−76%)
              · db: SELECT  [faster] A 2 × 32.0ms (p90 34.0ms) | B 3 × 1.83ms (p90 2.00ms) | −30.2ms (−94%)
              · cache: GET  [only-a] A 1 × 1.00ms (p90 1.00ms) | B 0 × – (p90 –) | only in A
        "#]],
    );
    check(
        &shop(),
        "?page=compare&split=window",
        |_, _| {},
        expect![[r#"
        error: comparing a time window needs window=FROM~TO in the address
    "#]],
    );
    // Identical traces: everything is the same, so the root folds away.
    let same = dataset(&["a s 1000..5000\n  b s 2000..3000", "a s 1000..5000\n  b s 2000..3000"]);
    check(
        &same,
        "?a=0000000000000001&b=0000000000000002",
        |diff, collapse| collapse.collapse_unchanged(diff),
        expect![[r#"
            A: trace 0000000000000001 s: a (4.00µs) [0]
            B: trace 0000000000000002 s: a (4.00µs) [1]
            ▸ +1 s: a  [same] A 1 × 4.00µs (p90 4.00µs) | B 1 × 4.00µs (p90 4.00µs) | ±0ns (±0%)
        "#]],
    );
}

#[test]
fn a_node_lists_both_sides_spans_slowest_first() {
    let data = shop();
    let (_, diff) =
        compare_for_route(&data, &Route::parse("?split=slowest-40&service=web&op=GET%20%2Fcheckout")).unwrap();
    let (b, total_b) = node_spans(&data, &diff, 1, Side::B, 10);
    let (a, total_a) = node_spans(&data, &diff, 1, Side::A, 2);
    let labels = |links: &[SpanLink]| links.iter().map(|l| l.label.clone()).collect::<Vec<_>>();
    assert_eq!(labels(&b), ["34.0ms · trace 0000000000000005", "30.0ms · trace 0000000000000004"]);
    assert_eq!((total_a, total_b), (3, 2));
    assert_eq!(labels(&a), ["2.00ms · trace 0000000000000001", "2.00ms · trace 0000000000000002"]);
    let route = span_route(
        &b[0],
        &Route { page: Page::Compare, other: vec![("demo".into(), String::new())], ..Route::default() },
    );
    assert_eq!(route.to_query(), "?demo&trace=0000000000000005&span=0000000000000002");
    let mut collapse = CompareCollapse::expanded(&diff);
    collapse.toggle(0);
    assert!(collapse.is_collapsed(0));
    collapse.expand_all();
    assert!(!collapse.is_collapsed(0));
}

#[test]
fn groups_by_query() {
    let data = shop();
    let target = query_target(&data, "service:cache", None).unwrap();
    assert_eq!((target.a, target.b), (vec![4], vec![0, 1, 2, 3, 5]));
    assert_eq!(target.label_a, "A: traces with a span matching service:cache (1 trace)");
    assert_eq!(target.label_b, "B: the other traces (5 traces)");
    let target = query_target(&data, "db >10ms", Some("name:health")).unwrap();
    assert_eq!((target.a, target.b), (vec![3, 4], vec![5]));
    assert!(query_target(&data, ">10xs", None).unwrap_err().contains("not a duration"));
}
