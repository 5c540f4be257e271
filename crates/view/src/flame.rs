//! The flame graph of one trace, an icicle by time: one row per tree depth, x is time, one
//! rectangle per span. Computes the rectangles of the rows in view for a given width in pixels
//! and time window, so that the canvas draws at most a few per pixel column however many spans
//! the trace has. Depends on `model`, `analysis` and `view::scatter` (axis ticks).
//!
//! Layout of a row: spans are placed shortest first, each claiming the pixel columns it covers
//! that no shorter span claimed yet (a "next free column" union-find makes that O(columns) per
//! row), so short spans stay visible on top of long ones that overlap them. Runs of columns owned
//! by one span become its rectangle; neighbouring spans narrower than a pixel merge into one
//! rectangle that counts them and shows the longest of them.

use crate::colors::service_hue;
use strand_analysis::tree::SpanTree;
use strand_model::time::format_duration;
use strand_model::{Interner, StatusCode, Trace};

/// Height of one row of the flame graph, in CSS pixels.
pub const ROW_HEIGHT_PX: f64 = 18.0;
/// Height of the time axis above the rows.
pub const AXIS_HEIGHT_PX: f64 = 20.0;
/// Width of a character of the 11px label font, rounded up so that labels fit.
const CHAR_WIDTH_PX: f64 = 6.6;
/// Horizontal padding of a label inside its rectangle (both sides together).
const LABEL_PADDING_PX: f64 = 8.0;
/// The narrowest time window one can zoom to.
pub const MIN_WINDOW_NS: i64 = 1_000;

/// The spans of a trace grouped by depth: row `d` holds the spans at depth `d`, shortest first
/// (then by start, then by index), the order in which the layout places them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlameIndex {
    offsets: Vec<u32>,
    spans: Vec<u32>,
}

impl FlameIndex {
    pub fn build(trace: &Trace, tree: &SpanTree) -> FlameIndex {
        let depth_of = |i: usize| tree.depth.get(i).copied().unwrap_or(0) as usize;
        let rows = (0..trace.spans.len()).map(depth_of).max().map_or(0, |d| d + 1);
        let mut offsets = vec![0u32; rows + 1];
        for i in 0..trace.spans.len() {
            if let Some(c) = offsets.get_mut(depth_of(i) + 1) {
                *c += 1;
            }
        }
        for d in 1..=rows {
            let prev = offsets.get(d - 1).copied().unwrap_or(0);
            if let Some(c) = offsets.get_mut(d) {
                *c += prev;
            }
        }
        let mut fill = offsets.clone();
        let mut spans = vec![0u32; trace.spans.len()];
        for i in 0..trace.spans.len() {
            if let Some(pos) = fill.get_mut(depth_of(i)) {
                if let Some(slot) = spans.get_mut(*pos as usize) {
                    *slot = i as u32;
                }
                *pos += 1;
            }
        }
        let key = |&i: &u32| trace.span(i).map_or((i64::MAX, i64::MAX, i), |s| (s.duration_ns.max(0), s.start_ns, i));
        for d in 0..rows {
            let (a, b) =
                (offsets.get(d).copied().unwrap_or(0) as usize, offsets.get(d + 1).copied().unwrap_or(0) as usize);
            if let Some(row) = spans.get_mut(a..b) {
                strand_model::order::sort_by_key(row, key);
            }
        }
        FlameIndex { offsets, spans }
    }

    /// Number of rows (the deepest span's depth plus one).
    pub fn rows(&self) -> u32 {
        self.offsets.len().saturating_sub(1) as u32
    }

    fn row(&self, row: u32) -> &[u32] {
        let (a, b) = (self.offsets.get(row as usize), self.offsets.get(row as usize + 1));
        match (a, b) {
            (Some(&a), Some(&b)) => self.spans.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// What part of the trace is drawn: a time window (absolute nanoseconds), a width in pixels and
/// a range of rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Viewport {
    pub start_ns: i64,
    pub end_ns: i64,
    pub width_px: u32,
    pub first_row: u32,
    /// One past the last row.
    pub end_row: u32,
}

impl Viewport {
    /// The x position of a time, in pixels (not clamped).
    pub fn x_of(&self, t_ns: i64) -> f64 {
        let window = self.end_ns.saturating_sub(self.start_ns).max(1) as f64;
        t_ns.saturating_sub(self.start_ns) as f64 / window * f64::from(self.width_px)
    }

    /// The time at an x position, in nanoseconds.
    pub fn time_at(&self, x: f64) -> i64 {
        let window = self.end_ns.saturating_sub(self.start_ns).max(1) as f64;
        let width = f64::from(self.width_px.max(1));
        self.start_ns.saturating_add((x / width * window).round() as i64)
    }
}

/// One rectangle to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct FlameRect {
    pub row: u32,
    /// Left edge and width in pixels; the width is at least 1.
    pub x: f64,
    pub width: f64,
    /// The span shown: the span itself, or the longest of the merged ones.
    pub span: u32,
    /// How many spans this rectangle stands for (1 unless merged).
    pub count: u32,
    /// Hue of the span's service (see [`service_hue`]).
    pub hue: u32,
    /// The span (or one of the merged spans) has an error status.
    pub error: bool,
    /// The text to draw inside, already cut to fit (empty when too narrow).
    pub label: String,
}

/// The rectangles of the rows `viewport.first_row..viewport.end_row`, by row, then left to right.
pub fn layout(strings: &Interner, trace: &Trace, index: &FlameIndex, viewport: &Viewport) -> Vec<FlameRect> {
    let width = viewport.width_px as usize;
    let mut out = Vec::new();
    if width == 0 || viewport.end_ns <= viewport.start_ns {
        return out;
    }
    let mut owner = vec![u32::MAX; width];
    // next_free[c]: the first free column at or after c (union-find with path halving).
    let mut next_free: Vec<u32> = (0..=width as u32).collect();
    // Spans narrower than a pixel starting in each column, and whether one of them failed.
    let mut narrow_count = vec![0u32; width];
    let mut narrow_error = vec![false; width];
    let hue_of = |i: u32| trace.span(i).map_or(0, |s| service_hue(strings.get(trace.service_of(s))));
    for row in viewport.first_row..viewport.end_row.min(index.rows()) {
        for (c, slot) in next_free.iter_mut().enumerate() {
            *slot = c as u32;
        }
        owner.fill(u32::MAX);
        narrow_count.fill(0);
        narrow_error.fill(false);
        for &i in index.row(row) {
            let Some(span) = trace.span(i) else { continue };
            let x0 = viewport.x_of(span.start_ns);
            let x1 = viewport.x_of(span.end_ns()).max(x0);
            if x1 < 0.0 || x0 >= width as f64 || (x1 <= 0.0 && x0 < 0.0) {
                continue;
            }
            let c0 = x0.max(0.0).floor() as usize;
            let c1 = (x1.min(width as f64).ceil() as usize).max(c0 + 1).min(width);
            if x1 - x0 < 1.0 {
                if let Some(n) = narrow_count.get_mut(c0) {
                    *n += 1;
                }
                if span.status == StatusCode::Error {
                    if let Some(e) = narrow_error.get_mut(c0) {
                        *e = true;
                    }
                }
            }
            let mut c = find(&mut next_free, c0);
            while c < c1 {
                if let Some(o) = owner.get_mut(c) {
                    *o = i;
                }
                if let Some(n) = next_free.get_mut(c) {
                    *n = c as u32 + 1;
                }
                c = find(&mut next_free, c + 1);
            }
        }
        runs_to_rects(strings, trace, viewport, row, &owner, &narrow_count, &narrow_error, &hue_of, &mut out);
    }
    out
}

/// The first free column at or after `c` (`width` when there is none), halving paths as it goes.
fn find(next_free: &mut [u32], mut c: usize) -> usize {
    loop {
        let Some(&n) = next_free.get(c) else { return c };
        if n as usize == c {
            return c;
        }
        let nn = next_free.get(n as usize).copied().unwrap_or(n);
        if let Some(slot) = next_free.get_mut(c) {
            *slot = nn;
        }
        c = nn as usize;
    }
}

#[allow(clippy::too_many_arguments)]
fn runs_to_rects(
    strings: &Interner,
    trace: &Trace,
    viewport: &Viewport,
    row: u32,
    owner: &[u32],
    narrow_count: &[u32],
    narrow_error: &[bool],
    hue_of: &dyn Fn(u32) -> u32,
    out: &mut Vec<FlameRect>,
) {
    let is_narrow = |i: u32| {
        trace.span(i).is_some_and(|s| viewport.x_of(s.end_ns().max(s.start_ns)) - viewport.x_of(s.start_ns) < 1.0)
    };
    let width = owner.len();
    let mut c = 0;
    while c < width {
        let o = owner.get(c).copied().unwrap_or(u32::MAX);
        if o == u32::MAX {
            c += 1;
            continue;
        }
        let start = c;
        if is_narrow(o) {
            // A cluster: neighbouring columns owned by narrow spans.
            let mut best = o;
            let mut count = 0u32;
            let mut error = false;
            while let Some(&oc) = owner.get(c) {
                if oc == u32::MAX || !is_narrow(oc) {
                    break;
                }
                if duration_of(trace, oc) > duration_of(trace, best) {
                    best = oc;
                }
                count += narrow_count.get(c).copied().unwrap_or(0);
                error |= narrow_error.get(c).copied().unwrap_or(false);
                c += 1;
            }
            let count = count.max(1);
            let width_px = (c - start) as f64;
            let label = if count > 1 {
                fit_label(&format!("{count} spans"), width_px)
            } else {
                fit_label(trace.span(best).map_or("", |s| strings.get(s.name)), width_px)
            };
            out.push(FlameRect {
                row,
                x: start as f64,
                width: width_px,
                span: best,
                count,
                hue: hue_of(best),
                error,
                label,
            });
        } else {
            while owner.get(c) == Some(&o) {
                c += 1;
            }
            let Some(span) = trace.span(o) else { continue };
            // The span's own edges where they fall inside the run, so rectangles are exact.
            let x = viewport.x_of(span.start_ns).max(start as f64);
            let right = viewport.x_of(span.end_ns()).min(c as f64);
            let width_px = (right - x).max(1.0);
            let label = fit_label(strings.get(span.name), width_px);
            out.push(FlameRect {
                row,
                x,
                width: width_px,
                span: o,
                count: 1,
                hue: hue_of(o),
                error: span.status == StatusCode::Error,
                label,
            });
        }
    }
}

fn duration_of(trace: &Trace, i: u32) -> i64 {
    trace.span(i).map_or(i64::MIN, |s| s.duration_ns)
}

/// `text` cut (with `…`) to what fits in `width_px`; empty when not even three characters fit.
pub fn fit_label(text: &str, width_px: f64) -> String {
    let room = ((width_px - LABEL_PADDING_PX) / CHAR_WIDTH_PX).floor();
    if room < 3.0 {
        return String::new();
    }
    let room = room as usize;
    if text.chars().count() <= room {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(room - 1).collect();
    cut.push('…');
    cut
}

/// The rectangle under the point `(x, row)`: rectangles are sorted by row, then by x.
pub fn hit_test(rects: &[FlameRect], row: u32, x: f64) -> Option<usize> {
    let first = rects.partition_point(|r| r.row < row);
    let end = rects.partition_point(|r| r.row <= row);
    let in_row = rects.get(first..end)?;
    // Rectangles of a row do not overlap: the last one starting at or before x is the candidate.
    let pos = in_row.partition_point(|r| r.x <= x);
    let candidate = pos.checked_sub(1)?;
    let r = in_row.get(candidate)?;
    (x < r.x + r.width).then_some(first + candidate)
}

/// Where a span is drawn: its row and horizontal extent (at least one pixel wide), or `None`
/// when it is outside the time window.
pub fn span_box(trace: &Trace, tree: &SpanTree, viewport: &Viewport, span: u32) -> Option<(u32, f64, f64)> {
    let s = trace.span(span)?;
    let row = tree.depth.get(span as usize).copied()?;
    let x0 = viewport.x_of(s.start_ns);
    let x1 = viewport.x_of(s.end_ns()).max(x0);
    if x1 < 0.0 || x0 > f64::from(viewport.width_px) {
        return None;
    }
    let x = x0.max(0.0);
    let right = x1.min(f64::from(viewport.width_px));
    Some((row, x, (right - x).max(1.0)))
}

/// The lines of the tooltip for a rectangle: name, service, duration and self time, and how
/// many spans a merged rectangle stands for.
pub fn tooltip(strings: &Interner, trace: &Trace, self_ns: &[i64], rect: &FlameRect) -> Vec<String> {
    let Some(span) = trace.span(rect.span) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    if rect.count > 1 {
        lines.push(format!("{} spans, each under a pixel wide; the longest:", rect.count));
    }
    lines.push(strings.get(span.name).to_string());
    lines.push(strings.get(trace.service_of(span)).to_string());
    let self_time = self_ns.get(rect.span as usize).copied().unwrap_or(0);
    lines.push(format!("{} (self {})", format_duration(span.duration_ns), format_duration(self_time)));
    if span.status == StatusCode::Error {
        lines.push("error".to_string());
    }
    lines
}

/// The services of the trace with their hues, by name: the legend under the graph.
pub fn service_legend(strings: &Interner, trace: &Trace) -> Vec<(String, u32)> {
    let mut services: Vec<&str> = trace.resources.iter().map(|r| strings.get(r.service)).collect();
    strand_model::order::sort(&mut services);
    services.dedup();
    services
        .into_iter()
        .map(|s| (if s.is_empty() { "(no service)".to_string() } else { s.to_string() }, service_hue(s)))
        .collect()
}

/// Ticks of the time axis: x position and the offset from the trace start as a label, about one
/// every 100 pixels.
pub fn time_ticks(trace_start_ns: i64, viewport: &Viewport) -> Vec<(f64, String)> {
    if viewport.end_ns <= viewport.start_ns || viewport.width_px == 0 {
        return Vec::new();
    }
    let max_ticks = ((f64::from(viewport.width_px) / 100.0).floor() as usize).max(1);
    let span = crate::axis::Span { start_ns: viewport.start_ns, end_ns: viewport.end_ns };
    crate::axis::offset_ticks(span, trace_start_ns, max_ticks)
        .into_iter()
        .map(|t| (viewport.x_of(trace_start_ns.saturating_add(t.offset_ns)), t.label))
        .collect()
}

/// The window after zooming by `factor` (below 1 zooms in) around the time at `anchor` (0..1
/// across the window), kept inside the trace and no narrower than [`MIN_WINDOW_NS`].
pub fn zoom(window: (i64, i64), trace: (i64, i64), factor: f64, anchor: f64) -> (i64, i64) {
    let (start, end) = window;
    let span = end.saturating_sub(start).max(1) as f64;
    let trace_len = trace.1.saturating_sub(trace.0).max(1);
    let new_len = ((span * factor).round() as i64).clamp(MIN_WINDOW_NS.min(trace_len), trace_len);
    let pivot = start.saturating_add((span * anchor.clamp(0.0, 1.0)).round() as i64);
    let new_start = pivot.saturating_sub((new_len as f64 * anchor.clamp(0.0, 1.0)).round() as i64);
    clamp_window(new_start, new_len, trace)
}

/// The window `[start, start + len]` moved (not resized) to lie inside `trace`.
pub fn clamp_window(start: i64, len: i64, trace: (i64, i64)) -> (i64, i64) {
    let start = start.min(trace.1.saturating_sub(len)).max(trace.0);
    (start, start.saturating_add(len).min(trace.1.max(trace.0)))
}

/// A window around one span with a little room on both sides.
pub fn window_around(trace: (i64, i64), start_ns: i64, duration_ns: i64) -> (i64, i64) {
    let len = duration_ns.max(MIN_WINDOW_NS);
    let margin = len / 20;
    let trace_len = trace.1.saturating_sub(trace.0).max(1);
    clamp_window(start_ns.saturating_sub(margin), len.saturating_add(2 * margin).min(trace_len), trace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};
    use strand_testkit::dataset;

    /// Lays out `fixture` over its whole duration at `width_px` and prints one line per rectangle.
    fn check(fixture: &str, width_px: u32, expect: Expect) {
        let data = dataset(&[fixture]);
        let trace = &data.traces[0];
        let tree = SpanTree::build(trace);
        let index = FlameIndex::build(trace, &tree);
        let viewport =
            Viewport { start_ns: trace.start_ns, end_ns: trace.end_ns, width_px, first_row: 0, end_row: index.rows() };
        let rects = layout(&data.strings, trace, &index, &viewport);
        let mut out = String::new();
        for r in &rects {
            let name = data.strings.get(trace.spans[r.span as usize].name);
            out.push_str(&format!(
                "row {} x={:.1} w={:.1} {name} n={}{} {:?}\n",
                r.row,
                r.x,
                r.width,
                r.count,
                if r.error { " error" } else { "" },
                r.label
            ));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn spans_become_rows_by_depth() {
        check(
            "
root api 1000..1100
  auth api 1000..1020
  query db 1020..1080 error
    parse db 1025..1030
  render api 1080..1100
",
            200,
            expect![[r#"
                row 0 x=0.0 w=200.0 root n=1 "root"
                row 1 x=0.0 w=40.0 auth n=1 "auth"
                row 1 x=40.0 w=120.0 query n=1 error "query"
                row 1 x=160.0 w=40.0 render n=1 "ren…"
                row 2 x=50.0 w=10.0 parse n=1 ""
            "#]],
        );
    }

    #[test]
    fn narrow_spans_merge_and_short_ones_stay_on_top() {
        // 40 children of 1ns, 2ns apart, at 10ns per pixel: a tenth of a pixel each.
        let mut fixture = String::from("root svc 1000..2000\n  long svc 1000..1900\n");
        for i in 0..40 {
            let start = 1500 + i * 2;
            fixture.push_str(&format!("  tiny{i} svc {start}..{} {}\n", start + 1, if i == 7 { "error" } else { "" }));
        }
        check(
            &fixture,
            100,
            expect![[r#"
                row 0 x=0.0 w=100.0 root n=1 "root"
                row 1 x=0.0 w=50.0 long n=1 "long"
                row 1 x=50.0 w=8.0 tiny0 n=40 error ""
                row 1 x=58.0 w=32.0 long n=1 "lo…"
            "#]],
        );
    }

    #[test]
    fn hits_ticks_and_zoom() {
        let data = dataset(&["
root api 1000..1100
  a api 1010..1020
  b api 1050..1090
"]);
        let trace = &data.traces[0];
        let tree = SpanTree::build(trace);
        let index = FlameIndex::build(trace, &tree);
        let viewport =
            Viewport { start_ns: trace.start_ns, end_ns: trace.end_ns, width_px: 100, first_row: 0, end_row: 9 };
        let rects = layout(&data.strings, trace, &index, &viewport);
        let name = |i: Option<usize>| i.map(|i| data.strings.get(trace.spans[rects[i].span as usize].name).to_string());
        assert_eq!(name(hit_test(&rects, 1, 15.0)).as_deref(), Some("a"));
        assert_eq!(name(hit_test(&rects, 1, 30.0)), None);
        assert_eq!(name(hit_test(&rects, 0, 99.5)).as_deref(), Some("root"));
        assert_eq!(name(hit_test(&rects, 2, 10.0)), None);

        let ticks = time_ticks(trace.start_ns, &Viewport { width_px: 400, ..viewport });
        let labels: Vec<&str> = ticks.iter().map(|(_, l)| l.as_str()).collect();
        expect![[r#"["0ns", "50ns", "100ns"]"#]].assert_eq(&format!("{labels:?}"));

        let t = (0, 1_000_000);
        assert_eq!(zoom(t, t, 0.5, 0.5), (250_000, 750_000));
        assert_eq!(zoom(t, t, 0.5, 0.0), (0, 500_000));
        assert_eq!(zoom((0, 2_000), t, 1e-9, 0.5), (500, 1_500));
        assert_eq!(zoom((900_000, 1_000_000), t, 4.0, 1.0), (600_000, 1_000_000));
        assert_eq!(zoom(t, t, 3.0, 0.3), t);
        assert_eq!(window_around(t, 100_000, 200_000), (90_000, 310_000));
        assert_eq!(fit_label("checkout", 100.0), "checkout");
        assert_eq!(fit_label("a rather long operation name", 60.0), "a rath…");
        assert_eq!(fit_label("x", 20.0), "");
        let legend: Vec<String> = service_legend(&data.strings, trace).into_iter().map(|(s, _)| s).collect();
        assert_eq!(legend, ["api"]);
    }

    #[test]
    fn a_million_spans_lay_out_in_a_bounded_number_of_rects() {
        let mut fixture = String::from("root svc 1000..1001000\n");
        for i in 0..20_000 {
            fixture.push_str(&format!("  c{i} svc {}..{}\n", 1000 + i * 50, 1000 + i * 50 + 40));
        }
        let data = dataset(&[fixture.as_str()]);
        let trace = &data.traces[0];
        let tree = SpanTree::build(trace);
        let index = FlameIndex::build(trace, &tree);
        let viewport =
            Viewport { start_ns: trace.start_ns, end_ns: trace.end_ns, width_px: 800, first_row: 0, end_row: 2 };
        let rects = layout(&data.strings, trace, &index, &viewport);
        assert!(rects.len() <= 801, "{} rects", rects.len());
        let counted: u32 = rects.iter().filter(|r| r.row == 1).map(|r| r.count).sum();
        assert_eq!(counted, 20_000);
    }
}
