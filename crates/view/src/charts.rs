//! Chart geometry for the analytics page, in CSS pixels: linear and logarithmic scales, "nice"
//! axis ticks (counts, rates, durations, clock times), the bars and percentile markers of a
//! latency histogram on a log-scale duration axis, line/area/bar paths of time series, hit
//! testing for tooltips, and turning a brushed pixel range into a time window. Pure: no browser
//! code, no DOM; depends on `model::time` and `analysis::stats` (histogram bounds) only.

use crate::axis::{duration_ticks, linear_ticks, time_ticks};
use strand_analysis::stats::{Histogram, HISTOGRAM_BOUNDS_NS};
use strand_model::time::format_duration;

/// Space around the plotting area for the axes, in pixels.
pub const MARGIN_LEFT: f64 = 66.0;
pub const MARGIN_RIGHT: f64 = 24.0;
pub const MARGIN_TOP: f64 = 14.0;
pub const MARGIN_BOTTOM: f64 = 28.0;

/// The plotting area inside a `width` x `height` box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Frame {
    pub fn new(width: f64, height: f64) -> Frame {
        let left = MARGIN_LEFT;
        let top = MARGIN_TOP;
        Frame {
            width,
            height,
            left,
            right: (width - MARGIN_RIGHT).max(left + 1.0),
            top,
            bottom: (height - MARGIN_BOTTOM).max(top + 1.0),
        }
    }

    pub fn plot_width(&self) -> f64 {
        self.right - self.left
    }

    pub fn plot_height(&self) -> f64 {
        self.bottom - self.top
    }
}

/// An axis tick: its position (x for horizontal axes, y for vertical ones) and its label.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub pos: f64,
    pub label: String,
}

/// Maps `domain` linearly onto `range` (pixels). A zero-width domain maps everything to the
/// start of the range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinearScale {
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl LinearScale {
    pub fn map(&self, v: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        if d1 == d0 {
            return r0;
        }
        r0 + (v - d0) / (d1 - d0) * (r1 - r0)
    }

    pub fn invert(&self, px: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        if r1 == r0 {
            return d0;
        }
        d0 + (px - r0) / (r1 - r0) * (d1 - d0)
    }
}

/// Maps positive values onto `range` by their logarithm; values below `domain.0` (zero and
/// negative ones included) map to the start of the range, values above `domain.1` to its end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogScale {
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl LogScale {
    pub fn map(&self, v: f64) -> f64 {
        let lo = self.domain.0.max(f64::MIN_POSITIVE).log10();
        let hi = self.domain.1.max(f64::MIN_POSITIVE).log10();
        let (r0, r1) = self.range;
        if hi <= lo {
            return r0;
        }
        let x = if v > 0.0 { v.log10().clamp(lo, hi) } else { lo };
        r0 + (x - lo) / (hi - lo) * (r1 - r0)
    }
}

/// A count or rate as people read it: `0`, `7`, `2.5`, `0.25`, `1.2k`, `3.4M`.
pub fn format_number(v: f64) -> String {
    if !v.is_finite() {
        return "-".to_string();
    }
    let a = v.abs();
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if a >= 1e6 {
        format!("{}M", trim(format!("{:.1}", v / 1e6)))
    } else if a >= 1e4 {
        format!("{}k", trim(format!("{:.1}", v / 1e3)))
    } else if a >= 100.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        trim(format!("{v:.2}"))
    } else {
        // Two significant digits for fractions, so that slow rates do not read as 0.
        let decimals = ((-a.log10()).ceil() as usize + 1).clamp(2, 9);
        trim(format!("{v:.decimals$}"))
    }
}

/// A rate given per second in the unit that reads best for a largest value of `max_per_s`:
/// per second, or per minute, hour or day for slow ones (spans spread over days). Returns the
/// factor to multiply per-second values by and the suffix.
pub fn rate_unit(max_per_s: f64) -> (f64, &'static str) {
    const UNITS: [(f64, &str); 4] = [(1.0, "/s"), (60.0, "/min"), (3600.0, "/h"), (86_400.0, "/day")];
    UNITS.iter().copied().find(|(factor, _)| max_per_s * factor >= 0.5).unwrap_or((86_400.0, "/day"))
}

/// A rate given per second, in the unit [`rate_unit`] picks for it: `12.5/s`, `3/min`, `0.25/day`.
pub fn format_rate(per_s: f64) -> String {
    let (factor, suffix) = rate_unit(per_s);
    format!("{}{suffix}", format_number(per_s * factor))
}

// ---------------------------------------------------------------------------------------------
// Latency histogram

/// One bucket of a [`HistogramChart`].
#[derive(Clone, Debug, PartialEq)]
pub struct HistogramBar {
    /// Bucket index into [`Histogram::counts`].
    pub bucket: usize,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub count: u64,
    /// What hovering shows: range and count.
    pub title: String,
}

/// A vertical line at a percentile.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    pub label: String,
    pub value_ns: i64,
    pub x: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HistogramChart {
    pub frame: Frame,
    /// Every bucket of the shown range, empty ones included (they are 0 px high).
    pub bars: Vec<HistogramBar>,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub markers: Vec<Marker>,
    pub total: u64,
}

/// Height of one marker label line above a histogram.
pub const MARKER_LINE_PX: f64 = 14.0;

/// Lower edge of bucket `i` on the log axis: the previous bound; the first bucket (everything up
/// to 1 µs) is drawn from half its bound.
fn bucket_low(i: usize) -> i64 {
    match i.checked_sub(1) {
        None => HISTOGRAM_BOUNDS_NS.first().map_or(1, |b| b / 2),
        Some(p) => HISTOGRAM_BOUNDS_NS.get(p).copied().unwrap_or(i64::MAX / 4),
    }
}

/// Upper edge of bucket `i`: its bound; the `+Inf` bucket is drawn up to twice the last bound.
fn bucket_high(i: usize) -> i64 {
    HISTOGRAM_BOUNDS_NS.get(i).copied().unwrap_or_else(|| HISTOGRAM_BOUNDS_NS.last().map_or(1, |b| b.saturating_mul(2)))
}

/// A bucket's range as text: `≤ 1.00µs`, `1.00ms – 2.00ms`, `> 100s`.
pub fn bucket_range_label(i: usize) -> String {
    match (i.checked_sub(1).and_then(|p| HISTOGRAM_BOUNDS_NS.get(p)), HISTOGRAM_BOUNDS_NS.get(i)) {
        (None, Some(hi)) => format!("≤ {}", format_duration(*hi)),
        (Some(lo), Some(hi)) => format!("{} – {}", format_duration(*lo), format_duration(*hi)),
        (Some(lo), None) => format!("> {}", format_duration(*lo)),
        (None, None) => String::new(),
    }
}

/// The histogram of `histogram` in a `width` x `height` box: counts up (linear), durations across
/// on a log scale from the lowest to the highest non-empty bucket (one more bucket on each side
/// when there is one), and a vertical marker per `(label, ns)` in `markers`.
pub fn histogram_chart(histogram: &Histogram, markers: &[(&str, i64)], width: f64, height: f64) -> HistogramChart {
    let mut frame = Frame::new(width, height);
    // A band above the bars for the marker labels, one line each, so they never cover a bar.
    frame.top = (frame.top + markers.len() as f64 * MARKER_LINE_PX).min(frame.bottom - 1.0);
    let total = histogram.total();
    let non_empty: Vec<usize> = histogram.counts.iter().enumerate().filter(|(_, &c)| c > 0).map(|(i, _)| i).collect();
    let last_bucket = histogram.counts.len().saturating_sub(1);
    let (first, last) = match (non_empty.first(), non_empty.last()) {
        (Some(&f), Some(&l)) => (f.saturating_sub(1), (l + 1).min(last_bucket)),
        // Nothing to show: an axis from 1 ms to 1 s.
        _ => (10, 18),
    };
    let x = LogScale { domain: (bucket_low(first) as f64, bucket_high(last) as f64), range: (frame.left, frame.right) };
    let max_count = histogram.counts.iter().copied().max().unwrap_or(0);
    let (top, y_values) = linear_ticks(max_count as f64, 4);
    // Counts are whole: drop fractional ticks (a top of 2 would otherwise get 0.5 steps).
    let y_values: Vec<f64> = y_values.into_iter().filter(|v| v.fract() == 0.0).collect();
    let y = LinearScale { domain: (0.0, top), range: (frame.bottom, frame.top) };
    let bars = (first..=last)
        .map(|i| {
            let count = histogram.counts.get(i).copied().unwrap_or(0);
            let x0 = x.map(bucket_low(i) as f64);
            let x1 = x.map(bucket_high(i) as f64);
            let y0 = y.map(count as f64);
            let share = if total > 0 { count as f64 / total as f64 * 100.0 } else { 0.0 };
            HistogramBar {
                bucket: i,
                x: x0 + 0.5,
                y: y0,
                w: (x1 - x0 - 1.0).max(1.0),
                h: (frame.bottom - y0).max(0.0),
                count,
                title: format!(
                    "{}: {} span{} ({share:.1}%)",
                    bucket_range_label(i),
                    count,
                    if count == 1 { "" } else { "s" }
                ),
            }
        })
        .collect();
    // Label every bound when there is room (about 56 px per label), powers of ten otherwise.
    let bounds: Vec<i64> = (first..=last).filter_map(|i| HISTOGRAM_BOUNDS_NS.get(i).copied()).collect();
    let mut shown: Vec<i64> = std::iter::once(bucket_low(first)).chain(bounds.iter().copied()).collect();
    if shown.len() as f64 * 56.0 > frame.plot_width() {
        shown.retain(|&b| is_power_of_ten(b));
    }
    let x_ticks = shown
        .into_iter()
        .filter(|&b| b >= 1 && HISTOGRAM_BOUNDS_NS.contains(&b))
        .map(|b| Tick { pos: x.map(b as f64), label: format_duration(b) })
        .collect();
    let y_ticks = y_values.into_iter().map(|v| Tick { pos: y.map(v), label: format_number(v) }).collect();
    let markers = markers
        .iter()
        .map(|&(label, ns)| Marker { label: label.to_string(), value_ns: ns, x: x.map(ns as f64) })
        .collect();
    HistogramChart { frame, bars, x_ticks, y_ticks, markers, total }
}

fn is_power_of_ten(mut v: i64) -> bool {
    if v < 1 {
        return false;
    }
    while v % 10 == 0 {
        v /= 10;
    }
    v == 1
}

impl HistogramChart {
    /// The bar under pixel `x` (anywhere in its column), for tooltips.
    pub fn bar_at(&self, x: f64) -> Option<&HistogramBar> {
        self.bars.iter().find(|b| x >= b.x - 0.5 && x < b.x + b.w + 0.5)
    }

    /// The first and last bucket whose columns a brush from pixel `x0` to `x1` touches (in
    /// either direction), or `None` when it touches none.
    pub fn buckets_between(&self, x0: f64, x1: f64) -> Option<(usize, usize)> {
        let (a, b) = if x0 <= x1 { (x0, x1) } else { (x1, x0) };
        let mut touched = self.bars.iter().filter(|bar| bar.x + bar.w + 0.5 > a && bar.x - 0.5 <= b);
        let first = touched.next()?.bucket;
        let last = touched.next_back().map_or(first, |bar| bar.bucket);
        Some((first, last))
    }
}

/// The durations histogram buckets `first..=last` hold, both ends included: bucket `i` holds the
/// durations above bound `i - 1` up to bound `i`; the first bucket reaches down to `i64::MIN`
/// and the last (`+Inf`) up to `i64::MAX`.
pub fn bucket_durations(first: usize, last: usize) -> (i64, i64) {
    let (first, last) = (first.min(last), first.max(last));
    let from = first.checked_sub(1).and_then(|p| HISTOGRAM_BOUNDS_NS.get(p)).map_or(i64::MIN, |b| b.saturating_add(1));
    let to = HISTOGRAM_BOUNDS_NS.get(last).copied().unwrap_or(i64::MAX);
    (from, to)
}

/// Buckets `first..=last` as a range of durations: `1.00ms – 5.00ms`, `≤ 1.00µs`, `> 100s`.
pub fn buckets_label(first: usize, last: usize) -> String {
    let (first, last) = (first.min(last), first.max(last));
    match (first.checked_sub(1).and_then(|p| HISTOGRAM_BOUNDS_NS.get(p)), HISTOGRAM_BOUNDS_NS.get(last)) {
        (None, Some(hi)) => format!("≤ {}", format_duration(*hi)),
        (Some(lo), Some(hi)) => format!("{} – {}", format_duration(*lo), format_duration(*hi)),
        (Some(lo), None) => format!("> {}", format_duration(*lo)),
        (None, None) => "any duration".to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Time series

/// What the values of a series are, for the y axis labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YUnit {
    /// Per second.
    Rate,
    Count,
    /// Nanoseconds.
    Duration,
}

impl YUnit {
    pub fn format(self, v: f64) -> String {
        match self {
            YUnit::Rate => format_rate(v),
            YUnit::Count => format_number(v),
            YUnit::Duration if v == 0.0 => "0".to_string(),
            YUnit::Duration => format_duration(v.round() as i64),
        }
    }
}

/// How a series is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeriesStyle {
    Line,
    /// A line with the area below it filled.
    Area,
    /// One bar per bucket.
    Bars,
}

/// One series of a [`SeriesChart`], values per bucket (`None`: no value, the line breaks).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub style: SeriesStyle,
    pub values: Vec<Option<f64>>,
}

/// The drawn form of a [`Series`]: an SVG path (`d` attribute) and the points it goes through.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawnSeries {
    pub name: String,
    pub style: SeriesStyle,
    /// The line, or the bars (one closed rectangle each).
    pub path: String,
    /// For [`SeriesStyle::Area`]: the filled region below the line.
    pub area: Option<String>,
    /// Bucket centre and value per bucket with a value.
    pub points: Vec<(usize, f64, f64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SeriesChart {
    pub frame: Frame,
    pub unit: YUnit,
    /// Bucket boundaries in ns (one more than buckets) and their x in pixels.
    pub edges_ns: Vec<i64>,
    pub edges_x: Vec<f64>,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub series: Vec<DrawnSeries>,
}

/// A time-series chart over buckets bounded by `edges_ns` (ascending, one more than buckets),
/// time across (linear), values up from 0 (linear, nice ticks in `unit`).
pub fn series_chart(edges_ns: &[i64], series: &[Series], unit: YUnit, width: f64, height: f64) -> SeriesChart {
    let frame = Frame::new(width, height);
    let start = edges_ns.first().copied().unwrap_or(0);
    let end = edges_ns.last().copied().unwrap_or(start);
    let x = LinearScale { domain: (start as f64, end as f64), range: (frame.left, frame.right) };
    let buckets = edges_ns.len().saturating_sub(1);
    // With a zero-length window every edge maps to the left: spread buckets evenly instead.
    let edges_x: Vec<f64> = if end > start {
        edges_ns.iter().map(|&e| x.map(e as f64)).collect()
    } else {
        (0..=buckets).map(|i| frame.left + i as f64 / buckets.max(1) as f64 * frame.plot_width()).collect()
    };
    let max = series.iter().flat_map(|s| s.values.iter().flatten().copied()).fold(0.0f64, f64::max);
    let (top, y_values) = match unit {
        YUnit::Duration => {
            let (top, ticks) = duration_ticks(max.ceil() as i64, 4);
            (top as f64, ticks.into_iter().map(|t| t as f64).collect::<Vec<_>>())
        }
        YUnit::Count => {
            let (top, ticks) = linear_ticks(max.max(1.0), 4);
            (top, ticks.into_iter().filter(|v| v.fract() == 0.0).collect())
        }
        YUnit::Rate => {
            let (factor, _) = rate_unit(max);
            let (top, ticks) = linear_ticks(max * factor, 4);
            (top / factor, ticks.into_iter().map(|t| t / factor).collect())
        }
    };
    let y = LinearScale { domain: (0.0, top), range: (frame.bottom, frame.top) };
    let drawn = series
        .iter()
        .map(|s| {
            let mut points = Vec::new();
            let mut path = String::new();
            let mut area = String::new();
            let mut run: Vec<(f64, f64)> = Vec::new();
            let flush = |run: &mut Vec<(f64, f64)>, path: &mut String, area: &mut String| {
                if let (Some(first), Some(last)) = (run.first().copied(), run.last().copied()) {
                    if run.len() == 1 {
                        // A lone point would not show as a line: draw it as a short dash.
                        path.push_str(&format!(
                            "M{:.1},{:.1}L{:.1},{:.1}",
                            first.0 - 3.0,
                            first.1,
                            first.0 + 3.0,
                            first.1
                        ));
                    }
                    for (k, (px, py)) in run.iter().enumerate().filter(|_| run.len() > 1) {
                        path.push_str(&format!("{}{px:.1},{py:.1}", if k == 0 { "M" } else { "L" }));
                    }
                    area.push_str(&format!("M{:.1},{:.1}", first.0, frame.bottom));
                    for (px, py) in run.iter() {
                        area.push_str(&format!("L{px:.1},{py:.1}"));
                    }
                    area.push_str(&format!("L{:.1},{:.1}Z", last.0, frame.bottom));
                }
                run.clear();
            };
            for (i, v) in s.values.iter().enumerate().take(buckets) {
                let (Some(x0), Some(x1)) = (edges_x.get(i).copied(), edges_x.get(i + 1).copied()) else {
                    continue;
                };
                let Some(v) = *v else {
                    flush(&mut run, &mut path, &mut area);
                    continue;
                };
                let cx = (x0 + x1) / 2.0;
                let cy = y.map(v);
                points.push((i, cx, cy));
                match s.style {
                    SeriesStyle::Bars => {
                        let w = (x1 - x0 - 1.0).max(1.0);
                        let h = frame.bottom - cy;
                        if h > 0.0 {
                            path.push_str(&format!("M{:.1},{cy:.1}h{w:.1}v{h:.1}h{:.1}Z", x0 + 0.5, -w));
                        }
                    }
                    SeriesStyle::Line | SeriesStyle::Area => run.push((cx, cy)),
                }
            }
            flush(&mut run, &mut path, &mut area);
            DrawnSeries {
                name: s.name.clone(),
                style: s.style,
                path,
                area: (s.style == SeriesStyle::Area && !area.is_empty()).then_some(area),
                points,
            }
        })
        .collect();
    let target = (frame.plot_width() / 110.0).floor().max(2.0) as usize;
    let x_ticks =
        time_ticks(start, end, target).into_iter().map(|(t, label)| Tick { pos: x.map(t as f64), label }).collect();
    // Rate labels share the unit of the axis top.
    let rate = rate_unit(top);
    let y_ticks = y_values
        .into_iter()
        .map(|v| Tick {
            pos: y.map(v),
            label: match unit {
                YUnit::Rate => format!("{}{}", format_number(v * rate.0), rate.1),
                _ => unit.format(v),
            },
        })
        .collect();
    SeriesChart { frame, unit, edges_ns: edges_ns.to_vec(), edges_x, x_ticks, y_ticks, series: drawn }
}

impl SeriesChart {
    /// The bucket under pixel `x`, for tooltips; `None` outside the plot.
    pub fn bucket_at(&self, x: f64) -> Option<usize> {
        let first = *self.edges_x.first()?;
        let last = *self.edges_x.last()?;
        if x < first || x > last {
            return None;
        }
        let i = self.edges_x.partition_point(|&e| e <= x);
        Some(i.saturating_sub(1).min(self.edges_x.len().saturating_sub(2)))
    }

    /// The time window of a brushed pixel range, widened to whole buckets: from the start of the
    /// bucket under the left end to the end of the bucket under the right end. `None` when the
    /// range misses the plot.
    pub fn brush_window(&self, x0: f64, x1: f64) -> Option<(i64, i64)> {
        let (a, b) = if x0 <= x1 { (x0, x1) } else { (x1, x0) };
        let first = *self.edges_x.first()?;
        let last = *self.edges_x.last()?;
        if b < first || a > last {
            return None;
        }
        let from = self.bucket_at(a.clamp(first, last))?;
        let to = self.bucket_at(b.clamp(first, last))?;
        Some((*self.edges_ns.get(from)?, *self.edges_ns.get(to + 1)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::axis::nice_step;
    use expect_test::{expect, Expect};

    fn ticks(ticks: &[Tick]) -> String {
        ticks.iter().map(|t| format!("{:.0}:{}", t.pos, t.label)).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn nice_numbers() {
        let steps: Vec<f64> =
            [0.0, 0.03, 0.3, 0.7, 1.0, 3.0, 11.0, 49.0, 51.0, 4.5e6].iter().map(|&r| nice_step(r)).collect();
        assert_eq!(steps, [1.0, 0.05, 0.5, 1.0, 1.0, 5.0, 20.0, 50.0, 100.0, 5e6]);
        assert_eq!(linear_ticks(7.0, 4), (8.0, vec![0.0, 2.0, 4.0, 6.0, 8.0]));
        assert_eq!(linear_ticks(0.0, 4).0, 1.0);
        assert_eq!(
            duration_ticks(694_000_000, 4),
            (800_000_000, vec![0, 200_000_000, 400_000_000, 600_000_000, 800_000_000])
        );
        assert_eq!(duration_ticks(3, 4), (3, vec![0, 1, 2, 3]));
        let numbers: Vec<String> = [0.0, 7.0, 2.5, 0.25, 0.3333, 0.00029, 123.4, 12_345.0, 3_400_000.0, f64::NAN]
            .iter()
            .map(|&v| format_number(v))
            .collect();
        assert_eq!(numbers, ["0", "7", "2.5", "0.25", "0.33", "0.00029", "123", "12.3k", "3.4M", "-"]);
    }

    fn check_time(start: i64, end: i64, target: usize, expect: Expect) {
        let out: Vec<String> =
            time_ticks(start, end, target).into_iter().map(|(t, l)| format!("{}:{l}", t - start)).collect();
        expect.assert_eq(&out.join(" "));
    }

    #[test]
    fn time_axes() {
        let t0 = 1_787_132_404_504_000_000; // 2026-08-19 09:40:04.504
        check_time(
            t0,
            t0 + 694_000_000,
            5,
            expect!["96000000:09:40:04.600 296000000:09:40:04.800 496000000:09:40:05.000"],
        );
        check_time(
            t0,
            t0 + 90_000_000_000,
            4,
            expect!["25496000000:09:40:30 55496000000:09:41:00 85496000000:09:41:30"],
        );
        check_time(t0, t0 + 600_000, 3, expect!["0:+0 200000:+200µs 400000:+400µs 600000:+600µs"]);
        check_time(t0, t0, 3, expect!["0:09:40:04.504"]);
    }

    #[test]
    fn rates_pick_a_readable_unit() {
        let shown: Vec<String> = [0.0, 12.5, 0.2, 0.05, 3.0 / 86_400.0, 1e-9].iter().map(|&r| format_rate(r)).collect();
        assert_eq!(shown, ["0/day", "12.5/s", "12/min", "3/min", "3/day", "0.000086/day"]);
        let edges = [0, 86_400_000_000_000 * 30];
        let slow = series_chart(
            &edges,
            &[Series { name: "rate".into(), style: SeriesStyle::Area, values: vec![Some(2.0 / 86_400.0)] }],
            YUnit::Rate,
            400.0,
            120.0,
        );
        let labels: Vec<&str> = slow.y_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0/day", "0.5/day", "1/day", "1.5/day", "2/day"]);
    }

    #[test]
    fn scales() {
        let lin = LinearScale { domain: (0.0, 10.0), range: (100.0, 0.0) };
        assert_eq!((lin.map(0.0), lin.map(5.0), lin.invert(25.0)), (100.0, 50.0, 7.5));
        let log = LogScale { domain: (1.0, 1000.0), range: (0.0, 300.0) };
        assert_eq!((log.map(10.0).round(), log.map(0.0), log.map(1e9)), (100.0, 0.0, 300.0));
    }

    #[test]
    fn histogram_bars_and_markers() {
        let mut h = Histogram::default();
        for d in [1_500_000, 1_800_000, 3_000_000, 40_000_000, 40_000_000, 45_000_000] {
            h.add(d);
        }
        let chart = histogram_chart(&h, &[("p50", 3_000_000), ("p99", 45_000_000)], 500.0, 200.0);
        let bars: Vec<String> =
            chart.bars.iter().map(|b| format!("{}@{:.0}+{:.0} h{:.0} {}", b.bucket, b.x, b.w, b.h, b.title)).collect();
        expect![[r#"
            9@66+53 h0 500µs – 1.00ms: 0 spans (0.0%)
            10@120+53 h87 1.00ms – 2.00ms: 2 spans (33.3%)
            11@174+70 h43 2.00ms – 5.00ms: 1 span (16.7%)
            12@245+53 h0 5.00ms – 10.0ms: 0 spans (0.0%)
            13@298+53 h0 10.0ms – 20.0ms: 0 spans (0.0%)
            14@352+70 h130 20.0ms – 50.0ms: 3 spans (50.0%)
            15@423+53 h0 50.0ms – 100ms: 0 spans (0.0%)"#]]
        .assert_eq(&bars.join("\n"));
        expect!["120:1.00ms 298:10.0ms 476:100ms"].assert_eq(&ticks(&chart.x_ticks)[..]);
        expect!["172:0 129:1 85:2 42:3"].assert_eq(&ticks(&chart.y_ticks));
        let markers: Vec<String> = chart.markers.iter().map(|m| format!("{} {:.0}", m.label, m.x)).collect();
        expect!["p50 205 p99 414"].assert_eq(&markers.join(" "));
        assert_eq!(chart.bar_at(130.0).map(|b| b.bucket), Some(10));
        assert_eq!(chart.bar_at(10.0), None);
        assert_eq!(chart.total, 6);
        // Empty and extreme histograms still make an axis.
        assert!(histogram_chart(&Histogram::default(), &[], 500.0, 200.0).x_ticks.len() >= 2);
        let mut edges = Histogram::default();
        edges.add(-5);
        edges.add(i64::MAX);
        let chart = histogram_chart(&edges, &[("max", i64::MAX)], 500.0, 200.0);
        assert_eq!(chart.bars.len(), HISTOGRAM_BOUNDS_NS.len() + 1);
        assert!(chart.markers[0].x <= chart.frame.right);
    }

    #[test]
    fn series_paths_hit_testing_and_brushing() {
        let edges: Vec<i64> = (0..=4).map(|i| 1_000_000_000 + i * 250_000_000).collect();
        let series = [
            Series {
                name: "p50".into(),
                style: SeriesStyle::Line,
                values: vec![Some(2e6), None, Some(4e6), Some(3e6)],
            },
            Series {
                name: "errors".into(),
                style: SeriesStyle::Bars,
                values: vec![Some(0.0), Some(1.0), Some(0.0), Some(2.0)],
            },
        ];
        let chart = series_chart(&edges, &series, YUnit::Duration, 482.0, 142.0);
        expect!["M112.0,64.0L118.0,64.0M311.0,14.0L409.0,39.0"].assert_eq(&chart.series[0].path);
        assert_eq!(chart.series[1].path.matches('Z').count(), 2, "zero bars are not drawn");
        expect!["114:0 89:1.00ms 64:2.00ms 39:3.00ms 14:4.00ms"].assert_eq(&ticks(&chart.y_ticks));
        assert_eq!(chart.bucket_at(70.0), Some(0));
        assert_eq!(chart.bucket_at(450.0), Some(3));
        assert_eq!(chart.bucket_at(10.0), None);
        assert_eq!(chart.brush_window(170.0, 280.0), Some((1_250_000_000, 1_750_000_000)));
        assert_eq!(chart.brush_window(280.0, 0.0), Some((1_000_000_000, 1_750_000_000)));
        assert_eq!(chart.brush_window(0.0, 10.0), None);
        let rate = series_chart(
            &edges,
            &[Series { name: "rate".into(), style: SeriesStyle::Area, values: vec![Some(4.0); 4] }],
            YUnit::Rate,
            482.0,
            142.0,
        );
        assert!(rate.series[0].area.as_deref().is_some_and(|a| a.ends_with('Z')));
        expect!["114:0/s 89:1/s 64:2/s 39:3/s 14:4/s"].assert_eq(&ticks(&rate.y_ticks));
    }

    #[test]
    fn a_brush_on_the_histogram_selects_whole_buckets() {
        // 1 ms to 2 ms: 3 spans; 5 ms to 10 ms: 1 span.
        let histogram = Histogram::from_sorted(&[1_500_000, 1_600_000, 2_000_000, 7_000_000]);
        let chart = histogram_chart(&histogram, &[], 400.0, 200.0);
        let buckets: Vec<String> =
            chart.bars.iter().map(|b| format!("{}:{:.0}-{:.0}", b.bucket, b.x, b.x + b.w)).collect();
        expect!["9:66-124 10:125-182 11:183-259 12:260-317 13:318-376"].assert_eq(&buckets.join(" "));
        assert_eq!(chart.buckets_between(150.0, 160.0), Some((10, 10)));
        assert_eq!(chart.buckets_between(270.0, 150.0), Some((10, 12)));
        assert_eq!(chart.buckets_between(0.0, 20.0), None);
        assert_eq!(chart.buckets_between(500.0, 600.0), None);
        let (from, to) = bucket_durations(10, 12);
        assert_eq!((from, to), (1_000_001, 10_000_000));
        // The selected range holds exactly what the bars counted.
        let held = [1_500_000, 1_600_000, 2_000_000, 7_000_000].iter().filter(|&&d| d >= from && d <= to).count();
        assert_eq!(held, 4);
        assert_eq!(bucket_durations(0, 0), (i64::MIN, 1_000));
        assert_eq!(bucket_durations(25, 24).1, i64::MAX);
        assert_eq!(buckets_label(12, 10), "1.00ms – 10.0ms");
        assert_eq!(buckets_label(0, 1), "≤ 2.00µs");
        assert_eq!(buckets_label(25, 25), "> 1m 40s");
    }
}
