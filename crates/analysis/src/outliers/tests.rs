use super::*;
use crate::selection::{same_operation_baseline, spans_where};
use expect_test::{expect, Expect};
use strand_model::{KeyValue, Span, Trace, Value};
use strand_testkit::dataset;

/// Ranks the spans `select` picks against the default baseline (the other spans of the same
/// operations) and prints the first `top` pairs: key=value, shares and counts, the filter.
fn check(data: &Dataset, select: impl Fn(&Trace, &Span) -> bool, options: RankOptions, top: usize, expect: Expect) {
    let selection = spans_where(data, |t, s| select(t, s));
    let baseline = same_operation_baseline(data, &selection);
    let ranking = rank_attributes(data, &selection, &baseline, &options);
    let mut out = format!("selection {}, baseline {}\n", ranking.selection, ranking.baseline);
    for p in ranking.pairs.iter().take(top) {
        out.push_str(&format!(
            "{:+.2} {}={}  {:.2} ({}) vs {:.2} ({})  {:?}{}\n",
            p.difference(),
            p.key,
            p.value,
            p.selection_share,
            p.selection_count,
            p.baseline_share,
            p.baseline_count,
            p.filter,
            if p.unique { "  unique" } else { "" }
        ));
    }
    expect.assert_eq(&out);
}

/// Spans below the root that last longer than `ns`.
fn slower_than(ns: i64) -> impl Fn(&Trace, &Span) -> bool {
    move |_, s| s.duration_ns > ns && s.has_parent()
}

/// Stock look-ups: the ones in warehouse `west` are slow; the sku varies independently.
const STOCK: &str = "
checkout web 0..1000 server
  stock inventory 0..40 server warehouse=east sku=a1
  stock inventory 0..90 server warehouse=west sku=b2
  stock inventory 0..30 server warehouse=east sku=c3
  stock inventory 0..95 server warehouse=west sku=a1
  stock inventory 0..35 server warehouse=north sku=b2
  stock inventory 0..80 server warehouse=west sku=c3
  stock inventory 0..20 server warehouse=north sku=a1
  stock inventory 0..30 server warehouse=east sku=b2
";

#[test]
fn the_value_that_sets_the_selection_apart_comes_first() {
    let data = dataset(&[STOCK]);
    check(
        &data,
        slower_than(50),
        RankOptions::default(),
        6,
        expect![[r#"
            selection 3, baseline 5
            +1.00 warehouse=west  1.00 (3) vs 0.00 (0)  Equals { key: "warehouse", value: "west" }
            +0.13 sku=c3  0.33 (1) vs 0.20 (1)  Equals { key: "sku", value: "c3" }
            +0.00 kind=server  1.00 (3) vs 1.00 (5)  Kind { kind: "server" }
            +0.00 operation=stock  1.00 (3) vs 1.00 (5)  Operation { name: "stock" }
            +0.00 service=inventory  1.00 (3) vs 1.00 (5)  Service { name: "inventory" }
            +0.00 status=unset  1.00 (3) vs 1.00 (5)  Status { status: "unset" }
        "#]],
    );
}

#[test]
fn excluded_keys_are_not_ranked_and_limit_cuts_the_list() {
    let data = dataset(&[STOCK]);
    let exclude = ["service", "operation", "kind", "status"].map(|k| PairKey::parse(&data.strings, k).unwrap());
    check(
        &data,
        slower_than(50),
        RankOptions { exclude: exclude.to_vec(), limit: Some(3) },
        10,
        expect![[r#"
            selection 3, baseline 5
            +1.00 warehouse=west  1.00 (3) vs 0.00 (0)  Equals { key: "warehouse", value: "west" }
            +0.13 sku=c3  0.33 (1) vs 0.20 (1)  Equals { key: "sku", value: "c3" }
            -0.07 sku=a1  0.33 (1) vs 0.40 (2)  Equals { key: "sku", value: "a1" }
        "#]],
    );
    assert!(PairKey::parse(&data.strings, "no.such.key").is_none());
}

/// Thirty requests with a response size each; the large ones are slow.
fn sizes() -> Dataset {
    let mut text = String::from("batch api 0..100000\n");
    for i in 0..30i64 {
        let size = if i % 3 == 0 { 1500 + i } else { 20 + i };
        let duration = if i % 3 == 0 { 900 } else { 100 };
        text.push_str(&format!("  GET api {i}..{} size={size} code=200\n", i + duration));
    }
    dataset(&[&text])
}

#[test]
fn many_numeric_values_are_bucketed_one_two_five() {
    let data = sizes();
    check(
        &data,
        |_, s| s.duration_ns == 900,
        RankOptions::default(),
        4,
        expect![[r#"
            selection 10, baseline 20
            +1.00 size=[1000, 2000)  1.00 (10) vs 0.00 (0)  Range { key: "size", from: 1000.0, to: 2000.0 }
            +0.00 code=200  1.00 (10) vs 1.00 (20)  Equals { key: "code", value: "200" }
            +0.00 kind=unspecified  1.00 (10) vs 1.00 (20)  Kind { kind: "unspecified" }
            +0.00 operation=GET  1.00 (10) vs 1.00 (20)  Operation { name: "GET" }
        "#]],
    );
    // The baseline alone has exactly 20 distinct sizes: not more than the threshold, so they
    // are counted one by one.
    let fast = spans_where(&data, |_, s| s.duration_ns == 100);
    let ranking = rank_attributes(&data, &fast, &[], &RankOptions::default());
    let sizes = ranking.pairs.iter().filter(|p| p.key == "size").count();
    assert_eq!(sizes, BUCKET_MIN_DISTINCT);
}

#[test]
fn few_numeric_values_and_numbers_in_strings_count_by_value() {
    // `code` has two values: no buckets. "500" (a string) and 500 (a number) are one value;
    // "007" is not the text of a number and stays a string.
    let data = dataset(&[
        "root api 0..100\n  call api 0..90 code=500\n  call api 0..90 code=500\n  call api 0..10 code=200\n  call api 0..10 code=007",
    ]);
    let trace = &data.traces[0];
    // Make the second `code` a string, as Zipkin would send it, and the last one the string
    // "007" (the fixture reads it as the number 7).
    let mut data = data.clone();
    let key = data.strings.lookup("code").unwrap();
    let text = data.strings.intern("500");
    let zeros = data.strings.intern("007");
    let second = trace.spans[2].attrs.start as usize;
    let fourth = trace.spans[4].attrs.start as usize;
    assert_eq!(data.traces[0].attrs[second].key, key);
    data.traces[0].attrs[second].value = Value::Str(text);
    data.traces[0].attrs[fourth].value = Value::Str(zeros);
    check(
        &data,
        slower_than(50),
        RankOptions::default(),
        1,
        expect![[r#"
            selection 2, baseline 2
            +1.00 code=500  1.00 (2) vs 0.00 (0)  Equals { key: "code", value: "500" }
        "#]],
    );
    let all = spans_where(&data, |_, s| data.strings.get(s.name) == "call");
    let ranking = rank_attributes(&data, &all, &[], &RankOptions::default());
    let codes: Vec<&str> = ranking.pairs.iter().filter(|p| p.key == "code").map(|p| p.value.as_str()).collect();
    assert_eq!(codes, ["500", "200", "007"], "ties: numbers before strings");
}

#[test]
fn resource_and_scope_attributes_count_once_per_span() {
    let mut data = dataset(&["root api 0..100\n  call db 0..90 region=eu\n  call db 0..10 region=us\n  call db 0..10"]);
    let region = data.strings.intern("region");
    let eu = data.strings.intern("eu");
    let service_name = data.strings.intern("service.name");
    let db = data.strings.intern("db");
    let lib = data.strings.intern("lib");
    let trace = &mut data.traces[0];
    // The db resource says region=eu too (and service.name, which `service` already covers);
    // a scope carries `lib=db`.
    let start = trace.attrs.len() as u32;
    trace.attrs.push(KeyValue { key: region, value: Value::Str(eu) });
    trace.attrs.push(KeyValue { key: service_name, value: Value::Str(db) });
    trace.attrs.push(KeyValue { key: lib, value: Value::Str(db) });
    let resource = trace.spans[1].resource as usize;
    trace.resources[resource].attrs = strand_model::Range32 { start, len: 2 };
    trace.scopes.push(strand_model::Scope {
        name: lib,
        version: StrId::EMPTY,
        attrs: strand_model::Range32 { start: start + 2, len: 1 },
    });
    for span in &mut trace.spans {
        span.scope = 0;
    }
    check(
        &data,
        slower_than(50),
        RankOptions::default(),
        9,
        expect![[r#"
            selection 1, baseline 2
            +0.00 kind=unspecified  1.00 (1) vs 1.00 (2)  Kind { kind: "unspecified" }
            +0.00 lib=db  1.00 (1) vs 1.00 (2)  Equals { key: "lib", value: "db" }
            +0.00 operation=call  1.00 (1) vs 1.00 (2)  Operation { name: "call" }
            +0.00 region=eu  1.00 (1) vs 1.00 (2)  Equals { key: "region", value: "eu" }
            +0.00 service=db  1.00 (1) vs 1.00 (2)  Service { name: "db" }
            +0.00 status=unset  1.00 (1) vs 1.00 (2)  Status { status: "unset" }
            -0.50 region=us  0.00 (0) vs 0.50 (1)  Equals { key: "region", value: "us" }
        "#]],
    );
    let all = spans_where(&data, |_, _| true);
    let ranking = rank_attributes(&data, &all, &[], &RankOptions::default());
    let keys: Vec<String> =
        ranking.pairs.iter().map(|p| format!("{}={} {}", p.key, p.value, p.selection_count)).collect();
    assert!(keys.contains(&"lib=db 4".to_string()), "{keys:?}");
    assert!(keys.contains(&"region=eu 3".to_string()), "{keys:?}");
    assert!(!keys.iter().any(|k| k.starts_with("service.name")), "{keys:?}");
}

#[test]
fn a_span_in_both_sets_counts_in_the_selection_and_empty_sets_have_no_shares() {
    let data = dataset(&[STOCK]);
    let all = spans_where(&data, |_, _| true);
    let slow = spans_where(&data, |_, s| s.duration_ns > 50);
    let ranking = rank_attributes(&data, &slow, &all, &RankOptions::default());
    assert_eq!((ranking.selection, ranking.baseline), (4, 5));
    let empty = rank_attributes(&data, &[], &[], &RankOptions::default());
    assert_eq!((empty.selection, empty.baseline, empty.pairs.len()), (0, 0, 0));
    let dangling = rank_attributes(&data, &[SpanRef::new(9, 0), SpanRef::new(0, 999)], &[], &RankOptions::default());
    assert_eq!(dangling.selection, 0);
}

#[test]
fn buckets_follow_one_two_five() {
    let cases: Vec<String> =
        [1.0, 1.5, 2.0, 4.99, 5.0, 9.0, 10.0, 999.0, 1000.0, 1500.0, 0.3, 0.05, -1.0, -1500.0, -1000.0, 0.0]
            .iter()
            .map(|&v| {
                let (lo, hi) = bucket_bounds(v);
                format!("{v} [{lo}, {hi})")
            })
            .collect();
    expect![[r#"
        1 [1, 2)
        1.5 [1, 2)
        2 [2, 5)
        4.99 [2, 5)
        5 [5, 10)
        9 [5, 10)
        10 [10, 20)
        999 [500, 1000)
        1000 [1000, 2000)
        1500 [1000, 2000)
        0.3 [0.2, 0.5)
        0.05 [0.05, 0.1)
        -1 [-1, -0.5)
        -1500 [-2000, -1000)
        -1000 [-1000, -500)
        0 [0, 0)"#]]
    .assert_eq(&cases.join("\n"));
}

#[test]
fn few_span_values_of_an_id_like_key_rank_after_the_real_difference() {
    // 25 look-ups, each with its own request id (on the client span and its server span); the
    // slow one reads replica b, as two fast ones do. Its request id sets it apart more (1.00
    // against 0.00) but says nothing. Routes: four common ones and 21 one-offs, one of them the
    // slow request's: a key of mostly shared values, so its one-off value is a real difference.
    let mut text = String::from("checkout web 0..1000 server\n");
    for i in 1..=25 {
        let (end, replica) = match i {
            7 => (90, "b"),
            3 | 19 => (20, "b"),
            _ => (20, "a"),
        };
        text.push_str(&format!("  get web 0..{end} client rid=r{i:02} replica={replica}\n"));
        text.push_str(&format!("    get db 0..{end} server rid=r{i:02} replica={replica}\n"));
    }
    for i in 0..44 {
        let route = if i == 7 {
            "/admin/dump".to_string()
        } else if i < 23 {
            format!("/r{}", i % 4)
        } else {
            format!("/once{i}")
        };
        let end = if i == 7 { 95 } else { 30 };
        text.push_str(&format!("  serve api 0..{end} server route={route}\n"));
    }
    let data = dataset(&[&text]);
    let exclude = ["service", "operation", "kind", "status"].map(|k| PairKey::parse(&data.strings, k).unwrap());
    let options = RankOptions { exclude: exclude.to_vec(), ..RankOptions::default() };
    check(
        &data,
        slower_than(50),
        options.clone(),
        6,
        expect![[r#"
            selection 3, baseline 91
            +0.62 replica=b  0.67 (2) vs 0.04 (4)  Equals { key: "replica", value: "b" }
            +0.33 route=/admin/dump  0.33 (1) vs 0.00 (0)  Equals { key: "route", value: "/admin/dump" }
            +0.67 rid=r07  0.67 (2) vs 0.00 (0)  Equals { key: "rid", value: "r07" }  unique
            -0.01 route=/once23  0.00 (0) vs 0.01 (1)  Equals { key: "route", value: "/once23" }
            -0.01 route=/once24  0.00 (0) vs 0.01 (1)  Equals { key: "route", value: "/once24" }
            -0.01 route=/once25  0.00 (0) vs 0.01 (1)  Equals { key: "route", value: "/once25" }
        "#]],
    );
    // A cut ranking keeps the id-like pairs right after the real differences.
    let limited = RankOptions { limit: Some(4), ..options };
    check(
        &data,
        slower_than(50),
        limited,
        4,
        expect![[r#"
        selection 3, baseline 91
        +0.62 replica=b  0.67 (2) vs 0.04 (4)  Equals { key: "replica", value: "b" }
        +0.33 route=/admin/dump  0.33 (1) vs 0.00 (0)  Equals { key: "route", value: "/admin/dump" }
        +0.67 rid=r07  0.67 (2) vs 0.00 (0)  Equals { key: "rid", value: "r07" }  unique
        -0.01 route=/once23  0.00 (0) vs 0.01 (1)  Equals { key: "route", value: "/once23" }
    "#]],
    );
}
