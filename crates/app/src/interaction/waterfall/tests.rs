//! The waterfall's keys and drags, on a trace from 1000 to 2000 ns.

use super::*;
use expect_test::{expect, Expect};

const BOUNDS: TimeWindow = TimeWindow { start_ns: 1000, end_ns: 2000 };

fn window(a: i64, b: i64) -> TimeWindow {
    TimeWindow::new(a, b)
}

fn check_keys(keys: &[(&str, bool)], expect: Expect) {
    let mut out = String::new();
    for &(key, shift) in keys {
        out.push_str(&format!(
            "{}{key}: {:?}\n",
            if shift { "Shift+" } else { "" },
            key_command(key, shift, false, 20)
        ));
    }
    expect.assert_eq(&out);
}

#[test]
fn the_key_map() {
    check_keys(
        &[
            ("ArrowLeft", true),
            ("ArrowLeft", false),
            ("+", false),
            ("-", false),
            ("0", false),
            ("Enter", false),
            ("Escape", false),
            ("PageDown", false),
            ("x", false),
        ],
        expect![[r#"
            Shift+ArrowLeft: Some(Window(Pan(-0.2)))
            ArrowLeft: Some(Nav(Left))
            +: Some(Window(Zoom(0.5)))
            -: Some(Window(Zoom(2.0)))
            0: Some(Window(Reset))
            Enter: Some(Open)
            Escape: Some(Close)
            PageDown: Some(Nav(PageDown(20)))
            x: None
        "#]],
    );
    assert_eq!(key_command("ArrowDown", false, true, 20), None, "Ctrl/Cmd/Alt keys are the browser's");
}

#[test]
fn window_changes_stay_inside_the_trace() {
    let half = WindowChange::Zoom(0.5).apply(BOUNDS, BOUNDS);
    assert_eq!(half, window(1250, 1750));
    assert_eq!(WindowChange::Pan(-0.2).apply(half, BOUNDS), window(1150, 1650));
    assert_eq!(WindowChange::Pan(5.0).apply(half, BOUNDS), window(1500, 2000), "clamped at the end");
    assert_eq!(WindowChange::Zoom(10.0).apply(half, BOUNDS), BOUNDS);
    assert_eq!(WindowChange::Reset.apply(half, BOUNDS), BOUNDS);
}

#[test]
fn dragging_across_the_ruler_zooms_into_that_range_of_the_window() {
    // A ruler 400 px wide at x = 100, showing 1250..1750.
    let shown = window(1250, 1750);
    let mut drag = Drag::ruler(100.0, 400.0, 200.0);
    if let DragMove::Drag(d) = drag.moved(300.0, BOUNDS, 1200.0) {
        drag = d;
    }
    assert_eq!(drag.selection(), Some((true, 0.25, 0.25)));
    assert_eq!(drag.released(shown, BOUNDS), Some(window(1375, 1500)));
    // Less than 4 px is a click: nothing changes.
    assert_eq!(Drag::ruler(100.0, 400.0, 200.0).released(shown, BOUNDS), None);
}

#[test]
fn the_minimap_selects_in_the_whole_trace_and_a_click_centres_the_window() {
    let shown = window(1000, 1200);
    let mut drag = Drag::minimap(0.0, 1000.0, 500.0);
    if let DragMove::Drag(d) = drag.moved(700.0, BOUNDS, 1200.0) {
        drag = d;
    }
    assert_eq!(drag.released(shown, BOUNDS), Some(window(1500, 1700)));
    assert_eq!(Drag::minimap(0.0, 1000.0, 500.0).released(shown, BOUNDS), Some(window(1400, 1600)));
}

#[test]
fn the_minimap_window_moves_and_resizes_by_its_edges() {
    let shown = window(1200, 1400);
    let grab = |edge| Drag::MinimapWindow { width_px: 1000.0, start_x: 300.0, window: shown, edge };
    // 100 px of 1000 is a tenth of the trace: 100 ns.
    assert_eq!(grab(Edge::Move).moved(400.0, BOUNDS, 1200.0), DragMove::Window(window(1300, 1500)));
    assert_eq!(grab(Edge::Start).moved(200.0, BOUNDS, 1200.0), DragMove::Window(window(1100, 1400)));
    assert_eq!(grab(Edge::End).moved(900.0, BOUNDS, 1200.0), DragMove::Window(window(1200, 2000)));
    // The start edge cannot pass the end; the window keeps its minimum width (10 ns).
    assert_eq!(grab(Edge::Start).moved(900.0, BOUNDS, 1200.0), DragMove::Window(window(1399, 1409)));
    assert_eq!(grab(Edge::Move).cursor(), "grabbing");
}

#[test]
fn the_splitter_keeps_room_for_the_timeline() {
    let drag = Drag::Splitter { start_x: 400.0, start_px: DEFAULT_NAME_PX };
    assert_eq!(drag.moved(450.0, BOUNDS, 1200.0), DragMove::NameWidth(430.0));
    assert_eq!(drag.moved(2000.0, BOUNDS, 1200.0), DragMove::NameWidth(1200.0 - MIN_TIMELINE_PX));
    assert_eq!(drag.moved(0.0, BOUNDS, 1200.0), DragMove::NameWidth(MIN_NAME_PX));
    assert_eq!(name_width(500.0, 300.0), MIN_NAME_PX, "a tiny viewport still shows names");
}

#[test]
fn a_few_long_spans_that_squeeze_the_rest_into_slivers_get_a_zoom_hint() {
    let minutes = 300_000_000_000; // 5 minutes
    let mut durations = vec![minutes, minutes];
    durations.extend(std::iter::repeat_n(2_000_000, 30)); // 2 ms each
    assert!(slivers_hint(durations.iter().copied(), minutes).is_some());
    // Evenly spread spans need no hint; neither do tiny traces.
    let even: Vec<i64> = (1..=30).map(|i| i * 10_000_000).collect();
    assert_eq!(slivers_hint(even.iter().copied(), 300_000_000), None);
    assert_eq!(slivers_hint([minutes, 1, 1].into_iter(), minutes), None);
    assert_eq!(default_name_width(1000.0), 400.0);
    assert_eq!(default_name_width(600.0), DEFAULT_NAME_PX);
    assert_eq!(default_name_width(3000.0), 640.0);
}
