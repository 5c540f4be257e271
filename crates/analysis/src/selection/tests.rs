use super::*;
use expect_test::{expect, Expect};
use strand_testkit::dataset;

/// Five traces of `GET /` (durations 10, 50, 30, 50, 20 ns, starting at 0, 100, 200, 300, 400)
/// and one of another root operation.
fn five_traces() -> Dataset {
    dataset(&[
        "GET_/ web 0..10",
        "GET_/ web 100..150",
        "GET_/ web 200..230",
        "GET_/ web 300..350",
        "GET_/ web 400..420",
        "job worker 500..900",
    ])
}

fn check_split(split: TraceSplit, expect: Expect) {
    expect.assert_eq(&format!("focus {:?} rest {:?}", split.focus, split.rest));
}

fn root(data: &Dataset, service: &str, name: &str) -> Option<(StrId, StrId)> {
    Some((data.strings.lookup(service).unwrap(), data.strings.lookup(name).unwrap()))
}

#[test]
fn slowest_share_takes_ceil_of_the_count_and_breaks_ties_by_dataset_order() {
    let data = five_traces();
    let get = root(&data, "web", "GET /");
    // 10% of 5 is 0.5: one trace, the first of the two 50 ns ones.
    check_split(slowest_split(&data, get, 10.0), expect!["focus [1] rest [0, 2, 3, 4]"]);
    check_split(slowest_split(&data, get, 40.0), expect!["focus [1, 3] rest [0, 2, 4]"]);
    check_split(slowest_split(&data, get, 0.0), expect!["focus [] rest [0, 1, 2, 3, 4]"]);
    check_split(slowest_split(&data, get, 250.0), expect!["focus [0, 1, 2, 3, 4] rest []"]);
    // Without a root operation every trace takes part: the 400 ns job is the slowest.
    check_split(slowest_split(&data, None, 10.0), expect!["focus [5] rest [0, 1, 2, 3, 4]"]);
    check_split(slowest_split(&data, None, f64::NAN), expect!["focus [] rest [0, 1, 2, 3, 4, 5]"]);
}

#[test]
fn window_includes_both_ends_and_keeps_to_the_root_operation() {
    let data = five_traces();
    let get = root(&data, "web", "GET /");
    check_split(window_split(&data, get, 100, 300), expect!["focus [1, 2, 3] rest [0, 4]"]);
    check_split(window_split(&data, get, 300, 100), expect!["focus [1, 2, 3] rest [0, 4]"]);
    check_split(window_split(&data, None, 401, 900), expect!["focus [5] rest [0, 1, 2, 3, 4]"]);
}

#[test]
fn default_baseline_is_the_other_spans_of_the_selected_operations() {
    let data = dataset(&[
        "
GET_/ web 0..100 server
  SELECT db 10..20 client
  SELECT db 20..90 client
  SELECT db 20..30 server
",
        "
GET_/ web 0..100 server
  SELECT db 10..80 client
",
    ]);
    let slow = spans_where(&data, |_, s| s.duration_ns > 60 && data.strings.get(s.name) == "SELECT");
    let baseline = same_operation_baseline(&data, &slow);
    let show = |refs: &[SpanRef]| refs.iter().map(|r| format!("{}/{}", r.trace, r.span)).collect::<Vec<_>>().join(" ");
    expect!["0/2 1/1"].assert_eq(&show(&slow));
    // The server-side SELECT is another operation (kind), so it is not in the baseline.
    expect!["0/1"].assert_eq(&show(&baseline));
    let masks = vec![vec![false, true, false, false], vec![true, false]];
    expect!["0/1 1/0"].assert_eq(&show(&refs_from_masks(&masks)));
    assert!(SpanRef::new(5, 0).resolve(&data).is_none());
}
