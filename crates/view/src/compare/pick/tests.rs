use super::*;
use crate::compare::compare_for_route;
use crate::compare::tests::shop;
use expect_test::{expect, Expect};

fn check(lines: Vec<String>, expect: Expect) {
    expect.assert_eq(&(lines.join("\n") + "\n"));
}

#[test]
fn traces_to_compare_with_put_the_same_root_first_fastest_first() {
    let data = shop();
    check(
        compare_with_choices(&data, 3)
            .iter()
            .map(|c| format!("{} {} same={}", c.index, c.label, c.same_root))
            .collect(),
        expect![[r#"
            2 web: GET /checkout · 9.00ms · 0000000000000003 same=true
            0 web: GET /checkout · 10.0ms · 0000000000000001 same=true
            1 web: GET /checkout · 11.0ms · 0000000000000002 same=true
            4 web: GET /checkout · 45.0ms · 0000000000000005 same=true
            5 web: health · 100µs · 0000000000000006 same=false
        "#]],
    );
    assert_eq!(trace_choices(&data).len(), 6);
}

#[test]
fn root_operations_by_trace_count() {
    let data = shop();
    check(
        root_operations(&data).into_iter().map(|r| r.label).collect(),
        expect![[r#"
            web: GET /checkout (5 traces)
            web: health (1 trace)
        "#]],
    );
    assert!(is_root_operation(&data, "web", "GET /checkout", 2));
    assert!(!is_root_operation(&data, "web", "health", 2));
    assert!(!is_root_operation(&data, "db", "SELECT", 1));
    assert!(!is_root_operation(&data, "nope", "GET /checkout", 1));
}

#[test]
fn each_mode_has_its_route_and_keeps_what_still_applies() {
    let from = Route::parse("?demo&page=traces&trace=0000000000000001&sort=duration-desc");
    let two = traces_route(&from, Some("01".into()), Some("02".into()));
    assert_eq!(two.to_query(), "?demo&page=compare&a=01&b=02");
    assert_eq!(CompareMode::of(&two), CompareMode::Traces);
    let root = Some(("web".to_string(), "GET /checkout".to_string()));
    let slow = slowest_route(&from, root.clone(), 0);
    assert_eq!(slow.to_query(), "?demo&page=compare&service=web&op=GET%20%2Fcheckout&split=slowest-1");
    let window = window_route(&from, root, Some((5, 9)));
    assert_eq!(window.to_query(), "?demo&page=compare&service=web&op=GET%20%2Fcheckout&window=5~9&split=window");
    // Switching modes keeps the root operation and window, and the share of a slowest split.
    assert_eq!(
        mode_route(&window, CompareMode::Slowest).to_query(),
        "?demo&page=compare&service=web&op=GET%20%2Fcheckout&split=slowest-10"
    );
    assert_eq!(mode_route(&slow, CompareMode::Slowest), slow);
    assert_eq!(mode_route(&window, CompareMode::Traces).to_query(), "?demo&page=compare");
    assert_eq!(mode_route(&two, CompareMode::Window).to_query(), "?demo&page=compare&split=window");
    let second = 1_000_000_000;
    let t = 1_700_000_000 * second;
    assert_eq!(window_label((t, t + 5 * second / 2)), "2023-11-14 22:13:20.000 – 22:13:22.500 UTC (2.50s)");
    assert_eq!(
        window_label((t, t + 86_400 * second)),
        "2023-11-14 22:13:20.000 – 2023-11-15 22:13:20.000 UTC (24h 00m 00s)"
    );
    // In the zone the settings chose, as every absolute time shown.
    use strand_model::time::{set_display_zone, DisplayZone, ZoneOffset};
    set_display_zone(DisplayZone { label: "Asia/Kolkata".to_string(), offset: ZoneOffset::Fixed(5 * 3600 + 1800) });
    let label = window_label((t, t + 5 * second / 2));
    set_display_zone(DisplayZone::utc());
    assert_eq!(label, "2023-11-15 03:43:20.000 – 03:43:22.500 Asia/Kolkata (2.50s)");
}

#[test]
fn totals_and_differences_read_as_sentences() {
    let data = shop();
    let (_, diff) =
        compare_for_route(&data, &Route::parse("?split=slowest-40&service=web&op=GET%20%2Fcheckout")).unwrap();
    assert_eq!(totals_text(&diff.totals_a), "3 traces · 6 spans · mean 10.0ms · p90 11.0ms");
    assert_eq!(totals_text(&diff.totals_b), "2 traces · 5 spans · mean 42.5ms · p90 45.0ms");
    assert_eq!(totals_text(&GroupTotals::default()), "no trace");
    assert_eq!(differences_text(&diff), "1 only in B · 2 slower in B");
    // Nothing over the thresholds: said with them, as a row can show a few percent.
    let mut same = diff;
    same.nodes.retain(|n| n.class == DiffClass::Same);
    assert_eq!(differences_text(&same), "no path's mean moved by over 10 % and 1.00ms");
}

#[test]
fn large_trees_open_with_unchanged_subtrees_and_deep_levels_collapsed() {
    // 1 root with 100 distinct children, each with one child: 201 nodes, everything the same
    // but one grandchild that is slower.
    let mut a = String::from("root s 1000000..900000000\n");
    let mut b = a.clone();
    for i in 0..100 {
        a.push_str(&format!("  op{i} s 1000000..2000000\n    leaf{i} s 1000000..1500000\n"));
        let end = if i == 7 { 90_000_000 } else { 1_500_000 };
        b.push_str(&format!("  op{i} s 1000000..2000000\n    leaf{i} s 1000000..{end}\n"));
    }
    let data = strand_testkit::dataset(&[&a, &b]);
    let (_, diff) = compare_for_route(&data, &Route::parse("?a=0000000000000001&b=0000000000000002")).unwrap();
    assert_eq!(diff.nodes.len(), 201);
    let collapse = initial_collapse(&diff);
    // The root and its 100 children show; only op7 is open, to its slower leaf.
    assert_eq!(visible_count(&diff, &collapse), 102);
    assert!(!collapse.is_collapsed(0));
    let rows = crate::compare::compare_rows(&data, &diff, &collapse);
    assert_eq!(
        rows.iter().filter(|r| r.class_name == "slower").map(|r| r.operation.as_str()).collect::<Vec<_>>(),
        ["leaf7"]
    );
    // Small trees open whole.
    let (_, small) = compare_for_route(&shop(), &Route::parse("?split=slowest-40")).unwrap();
    assert_eq!(visible_count(&small, &initial_collapse(&small)), small.nodes.len());
}

#[test]
fn very_wide_trees_open_at_the_first_levels() {
    // 600 distinct slower children: collapsing the unchanged leaves nothing to fold, so the
    // first view stops at the root.
    let mut a = String::from("root s 1000000..900000000\n");
    let mut b = a.clone();
    for i in 0..600 {
        a.push_str(&format!("  op{i} s 1000000..2000000\n    leaf{i} s 1000000..1500000\n"));
        b.push_str(&format!("  op{i} s 1000000..9000000\n    leaf{i} s 1000000..8500000\n"));
    }
    let data = strand_testkit::dataset(&[&a, &b]);
    let (_, diff) = compare_for_route(&data, &Route::parse("?a=0000000000000001&b=0000000000000002")).unwrap();
    let collapse = initial_collapse(&diff);
    assert_eq!(visible_count(&diff, &collapse), 1);
    assert_eq!(legend().len(), 5);
}
