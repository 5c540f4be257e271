//! Axes: round steps and tick labels, the one home for them. Offsets from a trace's start (the
//! waterfall's ruler, the flame graph), clock times (the scatter plot, the RED charts) and plain
//! numbers and durations from 0 (chart y axes). Pure; depends on `model` only.

use strand_model::time::{format_duration, format_timestamp_utc};

/// A tick on an axis of offsets from a trace's start.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// Position in the window, 0..=1.
    pub fraction: f64,
    /// Time since the trace's start.
    pub offset_ns: i64,
    pub label: String,
}

/// A time window `start_ns..end_ns` (what an offset axis spans).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start_ns: i64,
    pub end_ns: i64,
}

impl Span {
    fn duration_ns(self) -> i64 {
        self.end_ns.saturating_sub(self.start_ns).max(1)
    }
}

/// Round tick steps: 1-2-5 up to a second, then the steps clocks use, then 1-2-5 days.
#[rustfmt::skip]
const TICK_STEPS_NS: [i64; 42] = [
    1, 2, 5, 10, 20, 50, 100, 200, 500,
    1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000,
    1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000, 50_000_000, 100_000_000, 200_000_000, 500_000_000,
    // 1s 2s 5s 10s 15s 30s
    1_000_000_000, 2_000_000_000, 5_000_000_000, 10_000_000_000, 15_000_000_000, 30_000_000_000,
    // 1m 2m 5m 10m 15m 30m
    60_000_000_000, 120_000_000_000, 300_000_000_000, 600_000_000_000, 900_000_000_000, 1_800_000_000_000,
    // 1h 2h 6h
    3_600_000_000_000, 7_200_000_000_000, 21_600_000_000_000,
];

/// The smallest round step of at least `min_step_ns`: 1-2-5 up to a second, then the steps
/// clocks use (15 s, 30 s, minutes, hours), then 1-2-5 days.
pub fn offset_step(min_step_ns: i64) -> i64 {
    if let Some(&step) = TICK_STEPS_NS.iter().find(|&&s| s >= min_step_ns) {
        return step;
    }
    const DAY_NS: i64 = 86_400_000_000_000;
    let mut unit = DAY_NS;
    loop {
        for m in [1, 2, 5] {
            let step = unit.saturating_mul(m);
            if step >= min_step_ns || step == i64::MAX {
                return step;
            }
        }
        unit = unit.saturating_mul(10);
    }
}

/// Ticks at round offsets from `origin_ns` (the trace's start), at most `max_ticks` of them in
/// `window`. Labels are offsets; when three significant digits cannot tell neighbours apart (deep
/// zoom far from the start), the first tick carries the offset and the rest count from it.
pub fn offset_ticks(window: Span, origin_ns: i64, max_ticks: usize) -> Vec<Tick> {
    let max_ticks = max_ticks.max(1);
    let width = i128::from(window.duration_ns());
    let min_step = (width + max_ticks as i128 - 1) / max_ticks as i128;
    let step = i128::from(offset_step(i64::try_from(min_step).unwrap_or(i64::MAX)));
    let origin = i128::from(origin_ns);
    let from = i128::from(window.start_ns) - origin;
    let to = i128::from(window.end_ns) - origin;
    let mut k = from.div_euclid(step) + i128::from(from.rem_euclid(step) != 0);
    let mut offsets = Vec::new();
    while k * step <= to && offsets.len() <= max_ticks {
        if let Ok(offset) = i64::try_from(k * step) {
            offsets.push(offset);
        }
        k += 1;
    }
    let labels: Vec<String> = offsets.iter().map(|&o| format_duration(o)).collect();
    let ambiguous = labels.windows(2).any(|pair| pair.first() == pair.get(1));
    let first = offsets.first().copied().unwrap_or(0);
    offsets
        .iter()
        .zip(labels)
        .enumerate()
        .map(|(i, (&offset_ns, label))| {
            let label = if ambiguous && i > 0 {
                format!("+{}", format_duration(offset_ns.saturating_sub(first)))
            } else {
                label
            };
            let time = i128::from(offset_ns) + origin;
            let fraction = (time - i128::from(window.start_ns)) as f64 / width as f64;
            Tick { fraction, offset_ns, label }
        })
        .collect()
}

/// The smallest of 1, 2, 5 times a power of ten (fractions included) that is at least `raw`;
/// 1 for anything that is not a positive finite number.
pub fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let decade = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        // A little slack so that 0.3 / 3 does not become 0.2 because of float error.
        if m * decade >= raw * (1.0 - 1e-9) {
            return m * decade;
        }
    }
    10.0 * decade
}

/// The smallest of 1, 2, 5, 10, 20, 50, ... that is at least `raw` (at least 1).
pub fn nice_step_int(raw: f64) -> i64 {
    let mut base: i64 = 1;
    loop {
        for m in [1, 2, 5] {
            let step = base.saturating_mul(m);
            if step as f64 >= raw || step == i64::MAX {
                return step;
            }
        }
        if base > i64::MAX / 10 {
            return i64::MAX;
        }
        base *= 10;
    }
}

/// Ticks from 0 to the first multiple of a nice step at or above `max`, about `target` of them.
/// Returns the top of the axis and the tick values.
pub fn linear_ticks(max: f64, target: usize) -> (f64, Vec<f64>) {
    let max = if max.is_finite() && max > 0.0 { max } else { 1.0 };
    let step = nice_step(max / target.max(1) as f64);
    let n = (max / step - 1e-9).ceil().max(1.0) as usize;
    let top = n as f64 * step;
    ((top), (0..=n).map(|i| i as f64 * step).collect())
}

/// Duration ticks from 0 ns: like [`linear_ticks`] on whole nanoseconds (at least 1 ns apart).
pub fn duration_ticks(max_ns: i64, target: usize) -> (i64, Vec<i64>) {
    let max_ns = max_ns.max(1);
    let step = (nice_step(max_ns as f64 / target.max(1) as f64).round() as i64).max(1);
    let n = (max_ns + step - 1) / step;
    let n = n.max(1);
    (n.saturating_mul(step), (0..=n).map(|i| i.saturating_mul(step)).collect())
}

/// A step for time ticks of at least `raw_ns`: round milliseconds, seconds, minutes, hours, days.
pub fn time_step(raw_ns: f64) -> i64 {
    const MS: i64 = 1_000_000;
    const S: i64 = 1_000 * MS;
    const STEPS: [i64; 25] = [
        MS,
        2 * MS,
        5 * MS,
        10 * MS,
        20 * MS,
        50 * MS,
        100 * MS,
        200 * MS,
        500 * MS,
        S,
        2 * S,
        5 * S,
        10 * S,
        15 * S,
        30 * S,
        60 * S,
        120 * S,
        300 * S,
        600 * S,
        900 * S,
        1800 * S,
        3600 * S,
        3 * 3600 * S,
        6 * 3600 * S,
        86_400 * S,
    ];
    if raw_ns < MS as f64 {
        return nice_step_int(raw_ns);
    }
    STEPS.iter().copied().find(|&s| s as f64 >= raw_ns).unwrap_or_else(|| {
        let days = (raw_ns / (86_400 * S) as f64).ceil() as i64;
        days.max(1).saturating_mul(86_400 * S)
    })
}

/// A tick label precise enough for the step: `HH:MM:SS.mmm`, `HH:MM:SS`, `HH:MM` or the date.
pub fn time_label(t_ns: i64, step_ns: i64) -> String {
    let text = format_timestamp_utc(t_ns); // YYYY-MM-DD HH:MM:SS.mmm
    let range = if step_ns < 1_000_000_000 {
        11..23
    } else if step_ns < 60_000_000_000 {
        11..19
    } else if step_ns < 86_400_000_000_000 {
        11..16
    } else {
        0..10
    };
    text.get(range).unwrap_or(&text).to_string()
}

/// Clock-time ticks across `start_ns..=end_ns` about `target` apart-ish, at round steps (1, 2,
/// 5 × 10ⁿ ns below a second; 1, 2, 5, 10, 15, 30 s; minutes; hours; days). Labels say as much
/// as the step needs: `HH:MM:SS.mmm`, `HH:MM:SS`, `HH:MM`, the date; below a millisecond they
/// are offsets from `start_ns` (`+250µs`), since clock labels would all read the same.
pub fn time_ticks(start_ns: i64, end_ns: i64, target: usize) -> Vec<(i64, String)> {
    let span = end_ns.saturating_sub(start_ns);
    if span <= 0 {
        return vec![(start_ns, time_label(start_ns, 1_000_000))];
    }
    let step = time_step(span as f64 / target.max(1) as f64);
    let mut out = Vec::new();
    if step < 1_000_000 {
        let mut t = 0i64;
        while t <= span && out.len() < 100 {
            let label = if t == 0 { "+0".to_string() } else { format!("+{}", format_duration(t)) };
            out.push((start_ns.saturating_add(t), label));
            t = t.saturating_add(step);
        }
        return out;
    }
    let mut t = start_ns.div_euclid(step).saturating_mul(step);
    if t < start_ns {
        t = t.saturating_add(step);
    }
    while t <= end_ns && out.len() < 100 {
        out.push((t, time_label(t, step)));
        t = t.saturating_add(step);
    }
    out
}
