//! Log lines drawn on their span's bar, beside the event dots: one mark per place on the bar,
//! coloured by the most severe line there, with the level and message as its tooltip. Lines that
//! would draw within a few pixels of each other share a mark ("3 log lines …"), so a span with
//! a hundred thousand lines still draws a few dozen marks. Depends on `model`, `view::logs`.

use super::TimeWindow;
use crate::logs::{display_time_ns, message_text, SpanLogIndex};
use strand_model::time::format_duration;
use strand_model::{Interner, Level, SpanIdx, Trace};

/// One or more log lines drawn as one mark on a bar.
#[derive(Clone, Debug, PartialEq)]
pub struct LogMark {
    /// Position in the window, 0..=1 (of the first line at the mark).
    pub fraction: f64,
    /// The most severe level among the lines at the mark.
    pub level: Level,
    /// How many lines share the mark.
    pub lines: usize,
    /// `error at +306ms: redis timeout`, or `3 log lines at +306ms…, up to error: redis timeout`.
    pub label: String,
}

/// At most this many marks per row: when lines would make more, marks are spaced at least
/// 1/(MAX - 1) of the width apart.
pub const MAX_LOG_MARKS: usize = 32;

/// Marks closer than this fraction of the width share one.
const MARK_SPACING: f64 = 0.004;

/// A message longer than this is cut in the tooltip (the span details show it whole).
const LABEL_CHARS: usize = 160;

/// The log marks of `span` in `window`, left to right.
pub fn log_marks(
    strings: &Interner,
    trace: &Trace,
    index: &SpanLogIndex,
    span: SpanIdx,
    window: TimeWindow,
) -> Vec<LogMark> {
    let lines = index.of(span);
    if lines.is_empty() {
        return Vec::new();
    }
    // (fraction, line) of the lines in the window, in time order.
    let shown: Vec<(f64, u32)> = lines
        .iter()
        .filter_map(|&i| {
            let t = display_time_ns(trace, trace.logs.get(i as usize)?);
            (t >= window.start_ns && t <= window.end_ns).then(|| (window.fraction_of(t).clamp(0.0, 1.0), i))
        })
        .collect();
    let mut groups = group(&shown, MARK_SPACING);
    if groups.len() > MAX_LOG_MARKS {
        groups = group(&shown, 1.0 / (MAX_LOG_MARKS - 1) as f64);
    }
    groups.into_iter().filter_map(|g| mark(strings, trace, &shown, g)).collect()
}

/// Runs of `shown` that start within `spacing` of their first line: (first, end) positions.
fn group(shown: &[(f64, u32)], spacing: f64) -> Vec<(usize, usize)> {
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut start_fraction = f64::NEG_INFINITY;
    for (k, &(fraction, _)) in shown.iter().enumerate() {
        match groups.last_mut() {
            Some(last) if fraction - start_fraction < spacing => last.1 = k + 1,
            _ => {
                groups.push((k, k + 1));
                start_fraction = fraction;
            }
        }
    }
    groups
}

fn mark(strings: &Interner, trace: &Trace, shown: &[(f64, u32)], (first, end): (usize, usize)) -> Option<LogMark> {
    let members = shown.get(first..end)?;
    let &(fraction, first_line) = members.first()?;
    // The line the label quotes: the first of the most severe.
    let mut quoted = trace.logs.get(first_line as usize)?;
    for &(_, i) in members {
        if let Some(log) = trace.logs.get(i as usize) {
            if log.level() > quoted.level() {
                quoted = log;
            }
        }
    }
    let level = quoted.level();
    let first_log = trace.logs.get(first_line as usize)?;
    let at = format_duration(display_time_ns(trace, first_log).saturating_sub(trace.start_ns));
    let mut message = message_text(strings, trace, quoted);
    if message.chars().count() > LABEL_CHARS {
        message = message.chars().take(LABEL_CHARS).collect::<String>() + "…";
    }
    let label = match members.len() {
        1 => format!("{} at +{at}: {message}", level.as_str()),
        n => format!("{n} log lines at +{at}…, up to {}: {message}", level.as_str()),
    };
    Some(LogMark { fraction, level, lines: members.len(), label })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::tests::data;

    #[test]
    fn lines_draw_as_marks_on_their_span_and_close_ones_share_a_mark() {
        let data = data();
        let trace = &data.traces[0];
        let index = SpanLogIndex::build(trace);
        let whole = TimeWindow::of_trace(trace);
        let marks = log_marks(&data.strings, trace, &index, 1, whole);
        expect_test::expect![[r#"
            [
                LogMark {
                    fraction: 0.2,
                    level: Error,
                    lines: 1,
                    label: "error at +20.0ms: query failed",
                },
                LogMark {
                    fraction: 0.25,
                    level: Warn,
                    lines: 1,
                    label: "warn at +25.0ms: retrying",
                },
            ]
        "#]]
        .assert_debug_eq(&marks);
        // Zoomed out tenfold, the two lines are 0.5% apart... still two; at 1/100 they share.
        let wide = TimeWindow::new(trace.start_ns, trace.start_ns + 10_000_000_000);
        let marks = log_marks(&data.strings, trace, &index, 1, wide);
        assert_eq!(marks.len(), 1);
        assert_eq!(marks[0].label, "2 log lines at +20.0ms…, up to error: query failed");
        assert_eq!(marks[0].level, Level::Error);
        // Outside the window, and spans without lines: nothing.
        let early = TimeWindow::new(trace.start_ns, trace.start_ns + 10_000_000);
        assert!(log_marks(&data.strings, trace, &index, 1, early).is_empty());
        assert!(log_marks(&data.strings, trace, &index, 7, whole).is_empty());
    }

    #[test]
    fn many_lines_make_at_most_max_marks() {
        let shown: Vec<(f64, u32)> = (0..1000).map(|i| (f64::from(i) / 1000.0, i as u32)).collect();
        let fine = group(&shown, MARK_SPACING).len();
        assert!((200..=250).contains(&fine), "{fine}");
        let coarse = group(&shown, 1.0 / (MAX_LOG_MARKS - 1) as f64);
        assert!(coarse.len() <= MAX_LOG_MARKS, "{}", coarse.len());
        assert_eq!(coarse.iter().map(|(a, b)| b - a).sum::<usize>(), 1000);
    }
}
