use super::*;
use crate::search::match_spans;
use expect_test::{expect, Expect};
use strand_testkit::dataset;

/// Stock look-ups in two traces: the ones in warehouse `west` are slow, and one of them fails.
fn stock() -> Dataset {
    dataset(&[
        "
checkout web 1000..2000 server
  stock inventory 1000..1040 server warehouse=east sku=a1
  stock inventory 1000..1090 server warehouse=west sku=b2
  stock inventory 1000..1030 server warehouse=east sku=c3
  stock inventory 1000..1095 server warehouse=west sku=a1 error
",
        "
checkout web 3000..4000 server
  stock inventory 3000..3035 server warehouse=north sku=b2
  stock inventory 3000..3080 server warehouse=west sku=c3
  stock inventory 3000..3020 server warehouse=north sku=a1 size=2000
  stock inventory 3000..3030 server warehouse=east sku=b2 size=1500
",
    ])
}

fn check(data: &Dataset, selection: SpanSelector, baseline: Option<SpanSelector>, expect: Expect) {
    let result = outliers(data, &selection, baseline.as_ref(), Some(4));
    let view = outliers_view(&result);
    let mut out = format!("{}\n{}\n", view.selection, view.baseline);
    for e in &result.errors {
        out.push_str(&format!("error: {e}\n"));
    }
    if let Some(note) = &view.note {
        out.push_str(&format!("note: {note}\n"));
    }
    for r in &view.rows {
        out.push_str(&format!(
            "{} {}={}  {} vs {}  [{}]\n",
            r.difference, r.key, r.value, r.selection_percent, r.baseline_percent, r.filter_term
        ));
    }
    expect.assert_eq(&out);
}

#[test]
fn a_query_selection_against_the_other_spans_of_its_operations() {
    check(
        &stock(),
        SpanSelector::Query("service:inventory >50ns".into()),
        None,
        expect![[r#"
            3 spans selected (service:inventory >50ns)
            5 spans in the baseline (the other spans of the same operations)
            +100 pts warehouse=west  100% vs 0%  [warehouse=west]
            +33 pts status=error  33% vs 0%  [status:error]
            +13 pts sku=c3  33% vs 20%  [sku=c3]
        "#]],
    );
}

#[test]
fn the_keys_a_query_fixes_are_not_ranked_and_a_baseline_query_replaces_the_default() {
    // `error` fixes the status, `name:stock` the operation.
    check(
        &stock(),
        SpanSelector::Query("error name:stock".into()),
        Some(SpanSelector::Query("warehouse=west".into())),
        expect![[r#"
            1 span selected (error name:stock)
            2 spans in the baseline (warehouse=west)
            +100 pts sku=a1  100% vs 0%  [sku=a1]
        "#]],
    );
    check(
        &stock(),
        SpanSelector::Query("nothing-matches-this >10xs".into()),
        None,
        expect![[r#"
            0 spans selected (nothing-matches-this >10xs)
            0 spans in the baseline (the other spans of the same operations)
            error: "10xs" is not a duration: use a number and a unit (ns, µs, ms, s, m, h, d), e.g. 250ms or 1.5s.
            note: No span is selected.
        "#]],
    );
    check(
        &stock(),
        SpanSelector::Query("name:checkout".into()),
        None,
        expect![[r#"
            2 spans selected (name:checkout)
            0 spans in the baseline (the other spans of the same operations)
            note: The baseline is empty: every span of these operations is selected.
            +100 pts kind=server  100% vs 0%  [kind:server]
            +100 pts service=web  100% vs 0%  [service.name=web]
            +100 pts status=unset  100% vs 0%  [status:unset]
        "#]],
    );
}

#[test]
fn brushes_select_by_duration_or_by_trace() {
    let data = stock();
    let inventory = data.strings.lookup("inventory").unwrap();
    check(
        &data,
        SpanSelector::Durations { filter: SpanFilter::Service(inventory), from_ns: 80, to_ns: 100 },
        None,
        expect![[r#"
            3 spans selected (the spans of inventory lasting 80ns to 100ns)
            5 spans in the baseline (the other spans of the same operations)
            +100 pts warehouse=west  100% vs 0%  [warehouse=west]
            +33 pts status=error  33% vs 0%  [status:error]
            +13 pts sku=c3  33% vs 20%  [sku=c3]
        "#]],
    );
    check(
        &data,
        SpanSelector::Traces { start_from_ns: 2500, start_to_ns: 5000, min_duration_ns: 0, max_duration_ns: 10_000 },
        None,
        expect![[r#"
            5 spans selected (the spans of traces lasting 0ns to 10.0µs in the brushed time)
            5 spans in the baseline (the other spans of the same operations)
            +40 pts warehouse=north  40% vs 0%  [warehouse=north]
            +20 pts sku=b2  40% vs 20%  [sku=b2]
            +20 pts size=1500  20% vs 0%  [size=1500]
            +20 pts size=2000  20% vs 0%  [size=2000]
        "#]],
    );
}

#[test]
fn filter_terms_select_what_their_pair_counts() {
    let terms = [
        PairFilter::Service { name: "cart svc".into() },
        PairFilter::Operation { name: "GET /cart".into() },
        PairFilter::Kind { kind: "client" },
        PairFilter::Status { status: "error" },
        PairFilter::Equals { key: "http.url".into(), value: "http://x/a b".into() },
        PairFilter::Equals { key: "note".into(), value: String::new() },
        PairFilter::Range { key: "size".into(), from: 1000.0, to: 2000.0 },
        PairFilter::Range { key: "ratio".into(), from: -0.5, to: -0.2 },
    ];
    let text: Vec<String> = terms.iter().map(filter_term).collect();
    expect![[r#"
        service.name="cart svc"
        name:"GET /cart"
        kind:client
        status:error
        http.url="http://x/a b"
        note=""
        size>=1000 size<2000
        ratio>=-0.5 ratio<-0.2"#]]
    .assert_eq(&text.join("\n"));
    // The term of a bucket selects exactly the spans of the bucket: 1500 is in [1000, 2000),
    // 2000 is not.
    let data = stock();
    let (hits, error) = match_spans(&data.strings, &data.traces[1], &filter_term(&terms[6]));
    assert_eq!((hits, error), (vec![false, false, false, false, true], None));
    assert_eq!(add_term(" error ", "kind:client"), "error kind:client");
    assert_eq!(add_term("error kind:client", "kind:client"), "error kind:client");
    assert_eq!(add_term("", "kind:client"), "kind:client");
}

#[test]
fn an_analytics_row_a_brush_and_added_terms_combine() {
    let data = stock();
    let inventory = data.strings.lookup("inventory").unwrap();
    let stock_op = data.strings.lookup("stock").unwrap();
    let row = SpanSelector::Filter(SpanFilter::Operation {
        service: inventory,
        name: stock_op,
        kind: strand_model::SpanKind::Server,
    });
    let brush = SpanSelector::Durations { filter: SpanFilter::All, from_ns: 80, to_ns: i64::MAX };
    // The brushed range of the row, narrowed by a clicked pair: the keys of the row and of the
    // pair are not ranked.
    let selector = panel_selector(Some(&row), &PanelPick::Brush, Some(&brush), "warehouse=west").unwrap();
    check(
        &data,
        selector,
        None,
        expect![[r#"
            3 spans selected (the spans of inventory stock [server], lasting at least 80ns, warehouse=west)
            5 spans in the baseline (the other spans of the same operations)
            +33 pts status=error  33% vs 0%  [status:error]
            +13 pts sku=c3  33% vs 20%  [sku=c3]
        "#]],
    );
    // Errors and thresholds are queries; an empty threshold or a missing brush selects nothing
    // yet; nothing at all picks every span.
    let errors = panel_selector(Some(&row), &PanelPick::Errors, None, "").unwrap();
    assert_eq!(select_spans(&data, &errors).spans.len(), 1);
    let slow = panel_selector(None, &PanelPick::SlowerThan("85ns".into()), None, " ").unwrap();
    assert_eq!(slow, SpanSelector::Query(">85ns".into()));
    assert_eq!(select_spans(&data, &slow).spans.len(), 4);
    let at_most = panel_selector(None, &PanelPick::SlowerThan("<=30ns".into()), None, "").unwrap();
    assert_eq!(at_most, SpanSelector::Query("<=30ns".into()));
    assert_eq!(panel_selector(None, &PanelPick::SlowerThan(" ".into()), None, ""), None);
    assert_eq!(panel_selector(Some(&row), &PanelPick::Brush, None, ""), None);
    assert_eq!(panel_selector(None, &PanelPick::Query("".into()), None, ""), None);
    let everything = panel_selector(None, &PanelPick::All, None, "").unwrap();
    assert_eq!(select_spans(&data, &everything).spans.len(), 10);
    assert_eq!(select_spans(&data, &everything).description, "all spans");
    assert_eq!(select_spans(&data, &SpanSelector::And(Vec::new())).spans.len(), 0);
    assert_eq!(PanelBaseline::Query(" ".into()).selector(), None);
    assert_eq!(PanelBaseline::Query("a".into()).selector(), Some(SpanSelector::Query("a".into())));
    assert_eq!(PanelBaseline::SameOperations.selector(), None);
    let durations = |from_ns, to_ns| {
        select_spans(&data, &SpanSelector::Durations { filter: SpanFilter::All, from_ns, to_ns }).description
    };
    assert_eq!(durations(i64::MIN, 1000), "lasting at most 1.00µs");
    assert_eq!(durations(0, i64::MAX), "of any duration");
}
