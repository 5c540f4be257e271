use super::super::{row_view, visible_rows, CriticalIndex, TimeWindow};
use super::*;
use crate::trace_view::analyze;
use expect_test::{expect, Expect};
use strand_model::Dataset;
use strand_testkit::dataset;

/// Runs a script against the trace of `fixture` and compares the transcript. Spans are named
/// `NAME` (the first in tree order) or `NAME#K` (the K-th, from 1). Commands:
///
/// `rows` (`≡` a folded row with its label, `⊟` a member of an unfolded group) · `fold-off` ·
/// `fold-on` · `toggle NAME` (the group of NAME) · `fold-all` · `unfold-all` · `collapse NAME` ·
/// `reveal NAME own|hidden` · `keep NAME...` (search-like keep mask; none: off) ·
/// `critical-only` · `select NAME` · `nav KEY` · `fold-row NAME` (the view of NAME's group) ·
/// `row-for NAME`.
fn check(fixture: &str, script: &str, expect: Expect) {
    let data: Dataset = dataset(&[fixture]);
    let trace = &data.traces[0];
    let analysis = analyze(trace);
    let critical = CriticalIndex::new(&analysis.critical);
    let mut collapse = Collapse::expanded(trace.spans.len());
    let mut keep: Option<Vec<bool>> = None;
    let mut folds = Folds::build(trace, &analysis.tree, None, FOLD_MIN_SIBLINGS);
    let mut selected: Option<SpanIdx> = None;
    let named = |name: &str| -> SpanIdx {
        let (name, k) = name.split_once('#').map_or((name, 1), |(n, k)| (n, k.parse::<usize>().unwrap()));
        let name = name.replace('_', " ");
        trace
            .order
            .iter()
            .copied()
            .filter(|&i| data.strings.get(trace.spans[i as usize].name) == name)
            .nth(k - 1)
            .unwrap()
    };
    // Names with their number among spans of that name, so repeated siblings can be told apart.
    let label = |i: SpanIdx| {
        let name = data.strings.get(trace.spans[i as usize].name);
        let k = trace
            .order
            .iter()
            .filter(|&&j| data.strings.get(trace.spans[j as usize].name) == name)
            .position(|&j| j == i)
            .unwrap();
        format!("{name}#{}", k + 1)
    };
    let mut out = String::new();
    for line in script.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push_str(&format!("> {line}\n"));
        let words: Vec<&str> = line.split_whitespace().collect();
        let rows = visible_rows_folded(&analysis.tree, &collapse, keep.as_deref(), &folds);
        let ctx = RowContext {
            strings: &data.strings,
            trace,
            analysis: &analysis,
            collapse: &collapse,
            critical: &critical,
            window: TimeWindow::of_trace(trace),
            min_bar: 0.0,
        };
        match words[0] {
            "rows" => {
                for &r in &rows {
                    let depth = "  ".repeat(analysis.tree.depth[r as usize] as usize);
                    let text = match folds.folded_row(r) {
                        Some(g) => format!("≡ {}", fold_row_view(&ctx, &folds, g, keep.as_deref()).unwrap().label),
                        None if folds.group_of(r).is_some() && folds.enabled() => format!("⊟ {}", label(r)),
                        None => label(r),
                    };
                    out.push_str(&format!("{depth}{text}\n"));
                }
            }
            "fold-off" => folds.set_enabled(false),
            "fold-on" => folds.set_enabled(true),
            "toggle" => folds.toggle(folds.group_of(named(words[1])).unwrap()),
            "fold-all" => folds.fold_all(),
            "unfold-all" => folds.unfold_all(),
            "collapse" => collapse.set(named(words[1]), true),
            "reveal" => {
                let changed = folds.reveal(&trace.spans, named(words[1]), words[2] == "own");
                out.push_str(&format!("changed: {changed}\n"));
            }
            "keep" | "critical-only" => {
                keep = if words[0] == "critical-only" {
                    Some(critical_keep(trace, &analysis.critical))
                } else {
                    (words.len() > 1).then(|| {
                        let mut mask = vec![false; trace.spans.len()];
                        for name in &words[1..] {
                            let mut i = Some(named(name));
                            while let Some(s) = i {
                                mask[s as usize] = true;
                                i = parent_row(&trace.spans, s);
                            }
                        }
                        mask
                    })
                };
                folds = Folds::build(trace, &analysis.tree, keep.as_deref(), FOLD_MIN_SIBLINGS);
            }
            "select" => selected = Some(named(words[1])),
            "nav" => {
                let key = match words[1] {
                    "up" => NavKey::Up,
                    "down" => NavKey::Down,
                    "left" => NavKey::Left,
                    "right" => NavKey::Right,
                    other => panic!("unknown key {other}"),
                };
                let text = match navigate_folded(&rows, &analysis.tree, &trace.spans, &collapse, &folds, selected, key)
                {
                    FoldNav::Nav(NavAction::Select(s)) => {
                        selected = Some(s);
                        format!("select {}", label(s))
                    }
                    FoldNav::Nav(NavAction::Collapse(s)) => {
                        collapse.set(s, true);
                        format!("collapse {}", label(s))
                    }
                    FoldNav::Nav(NavAction::Expand(s)) => {
                        collapse.set(s, false);
                        format!("expand {}", label(s))
                    }
                    FoldNav::Nav(NavAction::Nothing) => "nothing".to_string(),
                    FoldNav::Unfold(g) => {
                        folds.set_folded(g, false);
                        format!("unfold {}", label(folds.members(g)[0]))
                    }
                    FoldNav::Fold { group, select } => {
                        folds.set_folded(group, true);
                        selected = Some(select);
                        format!("fold, select {}", label(select))
                    }
                };
                out.push_str(&format!("{text}\n"));
            }
            "fold-row" => {
                let g = folds.group_of(named(words[1])).unwrap();
                let view = fold_row_view(&ctx, &folds, g, keep.as_deref()).unwrap();
                let bar = |b: &Bar| format!("{:.3}+{:.3}", b.left, b.width);
                out.push_str(&format!(
                    "{} {}: {} | errors {} | matches {} | band {} | critical {}\n{}\n",
                    label(view.span),
                    view.service,
                    view.label,
                    view.errors,
                    view.with_matches,
                    view.band.as_ref().map(bar).unwrap_or_default(),
                    view.critical.iter().map(bar).collect::<Vec<_>>().join(" "),
                    view.title
                ));
            }
            "row-for" => {
                let pos = row_for_span(&rows, &trace.spans, &folds, named(words[1]));
                out.push_str(&format!("{:?}\n", pos.map(|p| label(rows[p]))));
            }
            other => panic!("unknown command {other}"),
        }
    }
    expect.assert_eq(&out);
}

/// A handler that reads stock six times (with a log line between two reads), calls the cache
/// four times (too few to fold) and finishes with a write; one read fails. (Times start at
/// 1000: a zero start reads as a missing one.)
const LOOP: &str = "
handle api 1000..2000 server
  SELECT_stock db 1000..1100 client
    parse db 1010..1020
  SELECT_stock db 1100..1150 client
  log api 1150..1160
  SELECT_stock db 1160..1200 client error
  SELECT_stock db 1200..1260 client
  SELECT_stock db 1260..1300 client
  SELECT_stock db 1300..1700 client
  GET cache 1700..1710 client
  GET cache 1710..1720 client
  GET cache 1720..1730 client
  GET cache 1730..1740 client
  INSERT db 1740..2000 client
";

#[test]
fn five_or_more_repeated_siblings_fold_into_one_row() {
    check(
        LOOP,
        "
        rows
        fold-row SELECT_stock
        toggle SELECT_stock#3
        rows
        fold-off
        rows
        ",
        expect![[r#"
            > rows
            handle#1
              ≡ SELECT stock ×6 — total 690ns, p50 50ns, max 400ns
              log#1
              GET#1
              GET#2
              GET#3
              GET#4
              INSERT#1
            > fold-row SELECT_stock
            SELECT stock#1 db: SELECT stock ×6 — total 690ns, p50 50ns, max 400ns | errors 1 | matches 0 | band 0.000+0.700 | critical 0.000+0.150 0.160+0.540
            db: SELECT stock ×6 — total 690ns, p50 50ns, max 400ns
            from 0ns to 700ns
            1 with errors
            > toggle SELECT_stock#3
            > rows
            handle#1
              ⊟ SELECT stock#1
                parse#1
              ⊟ SELECT stock#2
              log#1
              ⊟ SELECT stock#3
              ⊟ SELECT stock#4
              ⊟ SELECT stock#5
              ⊟ SELECT stock#6
              GET#1
              GET#2
              GET#3
              GET#4
              INSERT#1
            > fold-off
            > rows
            handle#1
              SELECT stock#1
                parse#1
              SELECT stock#2
              log#1
              SELECT stock#3
              SELECT stock#4
              SELECT stock#5
              SELECT stock#6
              GET#1
              GET#2
              GET#3
              GET#4
              INSERT#1
        "#]],
    );
}

#[test]
fn reveal_unfolds_what_hides_a_span() {
    check(
        LOOP,
        "
        reveal SELECT_stock#1 hidden
        row-for parse
        reveal parse hidden
        rows
        fold-all
        reveal SELECT_stock#4 hidden
        rows
        fold-all
        reveal SELECT_stock#1 own
        reveal log hidden
        ",
        expect![[r#"
            > reveal SELECT_stock#1 hidden
            changed: false
            > row-for parse
            Some("SELECT stock#1")
            > reveal parse hidden
            changed: true
            > rows
            handle#1
              ⊟ SELECT stock#1
                parse#1
              ⊟ SELECT stock#2
              log#1
              ⊟ SELECT stock#3
              ⊟ SELECT stock#4
              ⊟ SELECT stock#5
              ⊟ SELECT stock#6
              GET#1
              GET#2
              GET#3
              GET#4
              INSERT#1
            > fold-all
            > reveal SELECT_stock#4 hidden
            changed: true
            > rows
            handle#1
              ⊟ SELECT stock#1
                parse#1
              ⊟ SELECT stock#2
              log#1
              ⊟ SELECT stock#3
              ⊟ SELECT stock#4
              ⊟ SELECT stock#5
              ⊟ SELECT stock#6
              GET#1
              GET#2
              GET#3
              GET#4
              INSERT#1
            > fold-all
            > reveal SELECT_stock#1 own
            changed: true
            > reveal log hidden
            changed: false
        "#]],
    );
}

#[test]
fn keyboard_treats_a_folded_row_as_a_row() {
    check(
        LOOP,
        "
        select handle
        nav down
        nav right
        nav down
        nav down
        nav left
        nav left
        nav left
        nav right
        select log
        nav up
        select log
        nav left
        ",
        expect![[r#"
            > select handle
            > nav down
            select SELECT stock#1
            > nav right
            unfold SELECT stock#1
            > nav down
            select parse#1
            > nav down
            select SELECT stock#2
            > nav left
            fold, select SELECT stock#1
            > nav left
            select handle#1
            > nav left
            collapse handle#1
            > nav right
            expand handle#1
            > select log
            > nav up
            select SELECT stock#1
            > select log
            > nav left
            select handle#1
        "#]],
    );
}

#[test]
fn row_filters_fold_only_what_they_keep() {
    // Matches only: four of the six reads match, too few to fold; five do fold.
    check(
        LOOP,
        "
        keep SELECT_stock#1 SELECT_stock#2 SELECT_stock#5 SELECT_stock#6
        rows
        keep SELECT_stock#1 SELECT_stock#2 SELECT_stock#3 SELECT_stock#5 SELECT_stock#6
        rows
        fold-row SELECT_stock
        ",
        expect![[r#"
            > keep SELECT_stock#1 SELECT_stock#2 SELECT_stock#5 SELECT_stock#6
            > rows
            handle#1
              SELECT stock#1
              SELECT stock#2
              SELECT stock#5
              SELECT stock#6
            > keep SELECT_stock#1 SELECT_stock#2 SELECT_stock#3 SELECT_stock#5 SELECT_stock#6
            > rows
            handle#1
              ≡ SELECT stock ×5 — total 630ns, p50 50ns, max 400ns
            > fold-row SELECT_stock
            SELECT stock#1 db: SELECT stock ×5 — total 630ns, p50 50ns, max 400ns | errors 1 | matches 5 | band 0.000+0.700 | critical 0.000+0.150 0.160+0.040 0.260+0.440
            db: SELECT stock ×5 — total 630ns, p50 50ns, max 400ns
            from 0ns to 700ns
            1 with errors
        "#]],
    );
}

#[test]
fn critical_path_only_keeps_the_path_and_its_ancestors() {
    // Two workers in parallel: the slow one is on the critical path with its second step; the
    // fast one and everything under it are not.
    check(
        "
job api 1000..2000 server
  fast api 1010..1200
    a db 1020..1100
  slow api 1010..1990
    b db 1020..1100
    c db 1100..1900
      d db 1200..1300
      e db 1300..1850
",
        "
        critical-only
        rows
        ",
        expect![[r#"
            > critical-only
            > rows
            job#1
              slow#1
                b#1
                c#1
                  d#1
                  e#1
        "#]],
    );
}

#[test]
fn two_hundred_thousand_siblings_fold_in_linear_time() {
    let mut text = String::from("root svc 0..2000000\n");
    for i in 0..200_000 {
        text.push_str(&format!("  q db {}..{}\n", i * 10, i * 10 + 5));
    }
    let data = dataset(&[&text]);
    let trace = &data.traces[0];
    let tree = SpanTree::build(trace);
    let folds = Folds::build(trace, &tree, None, FOLD_MIN_SIBLINGS);
    let collapse = Collapse::expanded(trace.spans.len());
    assert_eq!(folds.groups().len(), 1);
    assert_eq!(folds.groups()[0].count, 200_000);
    assert_eq!(visible_rows_folded(&tree, &collapse, None, &folds).len(), 2);
    let mut open = folds.clone();
    open.unfold_all();
    assert_eq!(visible_rows_folded(&tree, &collapse, None, &open), visible_rows(&tree, &collapse, None));
    assert_eq!(Folds::none(3).group_of(1), None);
    assert_eq!(intersect_keep(None, None), None);
    assert_eq!(intersect_keep(Some(&[true, false]), Some(&[true, true])), Some(vec![true, false]));
    assert_eq!(intersect_keep(None, Some(&[false])), Some(vec![false]));
    let _ = row_view;
}
