//! The scatter plot above the trace list: one dot per trace, start time across, duration up (on
//! a linear or a logarithmic scale), with labelled axes; and the axis helpers other views share.
//! Depends on `model` and `view::trace_list`.

use crate::axis::{nice_step_int as nice_step, time_label, time_step};
use crate::trace_list::TraceSummary;
use strand_model::time::{display_zone_label, format_duration, format_timestamp};

/// The y scale of the plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YScale {
    Linear,
    Log,
}

impl YScale {
    pub fn label(self) -> &'static str {
        match self {
            YScale::Linear => "linear",
            YScale::Log => "log",
        }
    }
}

/// Space around the plotting area for the axes, in pixels.
pub const MARGIN_LEFT: f64 = 64.0;
pub const MARGIN_RIGHT: f64 = 18.0;
pub const MARGIN_TOP: f64 = 12.0;
pub const MARGIN_BOTTOM: f64 = 26.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Dot {
    /// Position of the trace in `Dataset::traces`.
    pub index: usize,
    pub cx: f64,
    pub cy: f64,
    pub error: bool,
    pub selected: bool,
    /// What hovering shows: root, duration, spans.
    pub title: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// x for the time axis, y for the duration axis, in pixels.
    pub pos: f64,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scatter {
    pub width: f64,
    pub height: f64,
    /// Dots in drawing order: plain ones first, then errors, the selected one last (on top).
    pub dots: Vec<Dot>,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    /// Says what the x axis shows: the day (UTC) of the first trace.
    pub x_caption: String,
    pub scale: YScale,
}

impl Scatter {
    pub fn plot_left(&self) -> f64 {
        MARGIN_LEFT
    }
    pub fn plot_right(&self) -> f64 {
        (self.width - MARGIN_RIGHT).max(MARGIN_LEFT + 1.0)
    }
    pub fn plot_top(&self) -> f64 {
        MARGIN_TOP
    }
    pub fn plot_bottom(&self) -> f64 {
        (self.height - MARGIN_BOTTOM).max(MARGIN_TOP + 1.0)
    }
}

/// Log when the durations spread over more than a factor of 20, linear otherwise.
pub fn auto_scale(rows: &[TraceSummary]) -> YScale {
    let positive = rows.iter().map(|r| r.duration_ns).filter(|&d| d > 0);
    let (lo, hi) = positive.fold((i64::MAX, 0i64), |(lo, hi), d| (lo.min(d), hi.max(d)));
    if hi > 0 && hi / lo.max(1) > 20 {
        YScale::Log
    } else {
        YScale::Linear
    }
}

/// The plot of `rows` in a `width` x `height` pixel box.
pub fn scatter(rows: &[TraceSummary], selected: Option<usize>, scale: YScale, width: f64, height: f64) -> Scatter {
    let mut plot = Scatter {
        width,
        height,
        dots: Vec::new(),
        x_ticks: Vec::new(),
        y_ticks: Vec::new(),
        x_caption: String::new(),
        scale,
    };
    if rows.is_empty() {
        return plot;
    }
    let (left, right, top, bottom) = (plot.plot_left(), plot.plot_right(), plot.plot_top(), plot.plot_bottom());

    // x: start times, padded so that no dot sits on an axis.
    let t_min = rows.iter().map(|r| r.start_ns).min().unwrap_or(0);
    let t_max = rows.iter().map(|r| r.start_ns).max().unwrap_or(0);
    let range = t_max.saturating_sub(t_min);
    let pad = if range == 0 { 500_000_000 } else { (range / 25).max(1) };
    let (x0, x1) = (t_min.saturating_sub(pad), t_max.saturating_add(pad));
    let x_of = |t: i64| left + (t.saturating_sub(x0)) as f64 / (x1.saturating_sub(x0)).max(1) as f64 * (right - left);
    let step = time_step(x1.saturating_sub(x0) as f64 / ((right - left) / 130.0).max(1.0));
    let mut t = x0.div_euclid(step).saturating_add(1).saturating_mul(step);
    while t <= x1 && plot.x_ticks.len() < 50 {
        plot.x_ticks.push(Tick { pos: x_of(t), label: time_label(t, step) });
        t = t.saturating_add(step);
    }
    let day = format_timestamp(t_min);
    plot.x_caption = format!("start time ({}) · {}", display_zone_label(), day.get(..10).unwrap_or(&day));

    // y: durations.
    let d_max = rows.iter().map(|r| r.duration_ns).max().unwrap_or(0).max(1);
    let y_of: Box<dyn Fn(i64) -> f64> = match scale {
        YScale::Linear => {
            let step = nice_step(d_max as f64 / 4.0).max(1);
            let top_value = (d_max / step + 1).saturating_mul(step);
            let mut v = 0;
            let y = move |d: i64| bottom - d.max(0) as f64 / top_value as f64 * (bottom - top);
            while v <= top_value {
                plot.y_ticks.push(Tick { pos: y(v), label: format_duration(v) });
                v = v.saturating_add(step);
            }
            Box::new(y)
        }
        YScale::Log => {
            // Ticks at 1, 2 and 5 times a power of ten over a short range, at powers of ten
            // otherwise; the axis runs from the tick below the shortest trace to the tick above
            // the longest, so that both ends are labelled.
            let d_min = rows.iter().map(|r| r.duration_ns).filter(|&d| d > 0).min().unwrap_or(1);
            let multiples: &[i64] = if (d_max as f64 / d_min as f64).log10() <= 1.2 { &[1, 2, 5] } else { &[1] };
            let candidates: Vec<i64> = (0..19u32)
                .flat_map(|e| multiples.iter().map(move |&m| 10i64.saturating_pow(e).saturating_mul(m)))
                .collect();
            let low = candidates.iter().copied().filter(|&v| v <= d_min).max().unwrap_or(1);
            let high = candidates.iter().copied().filter(|&v| v >= d_max).min().unwrap_or(i64::MAX);
            let (lo, hi) = ((low as f64).log10(), (high as f64).log10().max((low as f64).log10() + 0.3));
            let y = move |d: i64| {
                let v = (d.max(1) as f64).log10().clamp(lo, hi);
                bottom - (v - lo) / (hi - lo) * (bottom - top)
            };
            for v in candidates.into_iter().filter(|&v| v >= low && v <= high) {
                plot.y_ticks.push(Tick { pos: y(v), label: format_duration(v) });
            }
            Box::new(y)
        }
    };

    let mut dots: Vec<Dot> = rows
        .iter()
        .map(|r| Dot {
            index: r.index,
            cx: x_of(r.start_ns),
            cy: y_of(r.duration_ns),
            error: r.errors > 0,
            selected: selected == Some(r.index),
            title: format!(
                "{} {} — {} — {} span{}{}",
                r.root_service,
                r.root_name,
                r.duration,
                r.spans,
                if r.spans == 1 { "" } else { "s" },
                if r.errors > 0 { format!(", {} with errors", r.errors) } else { String::new() }
            ),
        })
        .collect();
    strand_model::order::sort_by_key(&mut dots, |d| (d.selected, d.error, d.index));
    plot.dots = dots;
    plot
}

/// The traces a rectangle dragged over the plot holds, and the smallest ranges of start time
/// and duration that hold exactly them (what the outliers panel's trace selector takes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScatterBrush {
    /// Positions in `Dataset::traces`, ascending.
    pub traces: Vec<usize>,
    pub start_from_ns: i64,
    pub start_to_ns: i64,
    pub min_duration_ns: i64,
    pub max_duration_ns: i64,
}

impl ScatterBrush {
    /// `12 traces · 120ms to 2.00s`.
    pub fn label(&self) -> String {
        let n = self.traces.len();
        format!(
            "{n} trace{} · {} to {}",
            if n == 1 { "" } else { "s" },
            format_duration(self.min_duration_ns),
            format_duration(self.max_duration_ns)
        )
    }
}

impl Scatter {
    /// The dots inside the rectangle from `(x0, y0)` to `(x1, y1)` (pixels, corners in any
    /// order), with the ranges of their rows (`rows` as given to [`scatter`]); `None` when the
    /// rectangle holds no dot.
    pub fn brush(&self, rows: &[TraceSummary], (x0, y0): (f64, f64), (x1, y1): (f64, f64)) -> Option<ScatterBrush> {
        let (left, right) = (x0.min(x1), x0.max(x1));
        let (top, bottom) = (y0.min(y1), y0.max(y1));
        let mut traces: Vec<usize> = self
            .dots
            .iter()
            .filter(|d| d.cx >= left && d.cx <= right && d.cy >= top && d.cy <= bottom)
            .map(|d| d.index)
            .collect();
        strand_model::order::sort(&mut traces);
        let held: Vec<&TraceSummary> = rows.iter().filter(|r| traces.binary_search(&r.index).is_ok()).collect();
        let start_from_ns = held.iter().map(|r| r.start_ns).min()?;
        let start_to_ns = held.iter().map(|r| r.start_ns).max()?;
        let min_duration_ns = held.iter().map(|r| r.duration_ns).min()?;
        let max_duration_ns = held.iter().map(|r| r.duration_ns).max()?;
        Some(ScatterBrush { traces, start_from_ns, start_to_ns, min_duration_ns, max_duration_ns })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    fn row(index: usize, start_ms: i64, duration_ms: i64, errors: usize) -> TraceSummary {
        TraceSummary {
            index,
            trace_id: format!("{index:016x}"),
            root_service: "api".into(),
            root_name: format!("GET /{index}"),
            start: String::new(),
            start_ns: 1_700_000_000_000_000_000 + start_ms * 1_000_000,
            duration: format_duration(duration_ms * 1_000_000),
            duration_ns: duration_ms * 1_000_000,
            spans: 3,
            errors,
            warnings: 0,
            services: 1,
            depth: 2,
            roots: 1,
        }
    }

    /// Renders the plot of `rows` (400 x 200) as text: ticks, then dots.
    fn check(rows: &[TraceSummary], scale: YScale, expect: Expect) {
        let plot = scatter(rows, Some(1), scale, 400.0, 200.0);
        let mut out = format!("{}\n", plot.x_caption);
        for t in &plot.x_ticks {
            out.push_str(&format!("x {:.0} {}\n", t.pos, t.label));
        }
        for t in &plot.y_ticks {
            out.push_str(&format!("y {:.0} {}\n", t.pos, t.label));
        }
        for d in &plot.dots {
            out.push_str(&format!(
                "dot #{} ({:.0}, {:.0}){}{} {}\n",
                d.index,
                d.cx,
                d.cy,
                if d.error { " error" } else { "" },
                if d.selected { " selected" } else { "" },
                d.title
            ));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn linear_plot() {
        let rows = [row(0, 0, 120, 0), row(1, 1_000, 80, 0), row(2, 2_500, 300, 2)];
        assert_eq!(auto_scale(&rows), YScale::Linear);
        check(
            &rows,
            YScale::Linear,
            expect![[r#"
                start time (UTC) · 2023-11-14
                x 76 22:13:20
                x 311 22:13:22
                y 174 0ns
                y 134 100ms
                y 93 200ms
                y 52 300ms
                y 12 400ms
                dot #0 (76, 125) api GET /0 — 120ms — 3 spans
                dot #2 (370, 52) error api GET /2 — 300ms — 3 spans, 2 with errors
                dot #1 (194, 142) selected api GET /1 — 80.0ms — 3 spans
            "#]],
        );
    }

    #[test]
    fn log_plot_and_single_trace() {
        let rows = [row(0, 0, 2, 0), row(1, 60_000, 1_500, 0), row(2, 120_000, 40, 0)];
        assert_eq!(auto_scale(&rows), YScale::Log);
        check(
            &rows,
            YScale::Log,
            expect![[r#"
                start time (UTC) · 2023-11-14
                x 174 22:14
                x 321 22:15
                y 174 1.00ms
                y 134 10.0ms
                y 93 100ms
                y 52 1.00s
                y 12 10.0s
                dot #0 (76, 162) api GET /0 — 2.00ms — 3 spans
                dot #2 (370, 109) api GET /2 — 40.0ms — 3 spans
                dot #1 (223, 45) selected api GET /1 — 1.50s — 3 spans
            "#]],
        );
        let close = [row(0, 0, 30, 0), row(1, 10, 80, 0), row(2, 20, 120, 0)];
        let labels: Vec<String> =
            scatter(&close, None, YScale::Log, 400.0, 200.0).y_ticks.into_iter().map(|t| t.label).collect();
        assert_eq!(labels, ["20.0ms", "50.0ms", "100ms", "200ms"]);
        let one = scatter(&[row(0, 0, 5, 0)], None, YScale::Linear, 400.0, 200.0);
        assert_eq!(one.dots.len(), 1);
        assert!(one.dots[0].cx > MARGIN_LEFT && one.dots[0].cx < 400.0 - MARGIN_RIGHT);
        assert_eq!(scatter(&[], None, YScale::Log, 400.0, 200.0).dots.len(), 0);
    }

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(0.0), 1);
        assert_eq!(nice_step(3.0), 5);
        assert_eq!(nice_step(11.0), 20);
        assert_eq!(nice_step(4.5e6), 5_000_000);
        assert_eq!(time_step(7e9), 10_000_000_000);
        assert_eq!(time_step(5e14), 6 * 86_400_000_000_000);
    }

    #[test]
    fn a_rectangle_selects_the_dots_in_it() {
        let rows = [row(0, 0, 120, 0), row(1, 1_000, 80, 0), row(2, 2_500, 300, 2)];
        let plot = scatter(&rows, None, YScale::Linear, 400.0, 200.0);
        // Dots at (76, 125), (194, 142) and (370, 52): a box around the first two.
        let brush = plot.brush(&rows, (200.0, 100.0), (60.0, 150.0)).unwrap();
        assert_eq!(brush.traces, [0, 1]);
        assert_eq!((brush.min_duration_ns, brush.max_duration_ns), (80_000_000, 120_000_000));
        assert_eq!(brush.start_to_ns - brush.start_from_ns, 1_000_000_000);
        assert_eq!(brush.label(), "2 traces · 80.0ms to 120ms");
        assert_eq!(plot.brush(&rows, (0.0, 0.0), (10.0, 10.0)), None);
    }
}
