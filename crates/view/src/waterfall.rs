//! The waterfall's view model: which rows are visible (collapsed subtrees, "matches only"), the
//! time window (zoom and pan), ruler ticks, bar geometry, virtual scrolling, the minimap's density
//! summary and keyboard navigation. Pure functions over the model and the trace analysis, all
//! O(n) or better per call and iterative, so a million spans stay smooth; no browser code, so
//! everything here is tested natively. Depends on `model`, `analysis` and `view::trace_view`.

pub mod fold;
mod keys;
pub mod log_marks;
mod overview;
mod scroll;

pub use keys::*;
pub use overview::*;
pub use scroll::*;

use crate::trace_view::TraceAnalysis;
use strand_analysis::critical_path::Segment;
use strand_analysis::tree::SpanTree;
use strand_model::time::format_duration;
use strand_model::{Interner, Span, SpanIdx, StatusCode, Trace, NO_PARENT};

// ---------------------------------------------------------------------------------------------
// Collapsed subtrees and the visible rows

/// Which spans have their subtree hidden, indexed like `trace.spans`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Collapse {
    collapsed: Vec<bool>,
}

impl Collapse {
    /// Everything expanded.
    pub fn expanded(span_count: usize) -> Collapse {
        Collapse { collapsed: vec![false; span_count] }
    }

    pub fn is_collapsed(&self, span: SpanIdx) -> bool {
        self.collapsed.get(span as usize).copied().unwrap_or(false)
    }

    pub fn set(&mut self, span: SpanIdx, collapsed: bool) {
        if let Some(slot) = self.collapsed.get_mut(span as usize) {
            *slot = collapsed;
        }
    }

    pub fn toggle(&mut self, span: SpanIdx) {
        let now = self.is_collapsed(span);
        self.set(span, !now);
    }

    pub fn expand_all(&mut self) {
        self.collapsed.fill(false);
    }

    /// Collapses every span that has children, so only the roots remain.
    pub fn collapse_all(&mut self, tree: &SpanTree) {
        for (i, slot) in self.collapsed.iter_mut().enumerate() {
            *slot = !tree.children_of(i as SpanIdx).is_empty();
        }
    }

    /// Shows the first `levels` levels of the tree (1: only the roots) and collapses below them.
    pub fn expand_to_depth(&mut self, tree: &SpanTree, levels: u32) {
        for (i, slot) in self.collapsed.iter_mut().enumerate() {
            let depth = tree.depth.get(i).copied().unwrap_or(0);
            *slot = depth.saturating_add(1) >= levels && !tree.children_of(i as SpanIdx).is_empty();
        }
    }

    /// Collapses (or expands) `span` and every span below it.
    pub fn set_subtree(&mut self, tree: &SpanTree, span: SpanIdx, collapsed: bool) {
        let mut stack = vec![span];
        while let Some(i) = stack.pop() {
            let children = tree.children_of(i);
            self.set(i, collapsed && !children.is_empty());
            stack.extend_from_slice(children);
        }
    }

    /// Expands every ancestor of `span` so that it becomes visible; returns whether anything changed.
    pub fn reveal(&mut self, spans: &[Span], span: SpanIdx) -> bool {
        let mut changed = false;
        let mut current = spans.get(span as usize).map_or(NO_PARENT, |s| s.parent);
        // Bounded by the span count: a parent cycle (which assembly cuts) cannot loop forever.
        for _ in 0..spans.len() {
            if current == NO_PARENT {
                break;
            }
            if self.is_collapsed(current) {
                self.set(current, false);
                changed = true;
            }
            current = spans.get(current as usize).map_or(NO_PARENT, |s| s.parent);
        }
        changed
    }
}

/// The rows of the waterfall: spans in tree order, skipping the subtrees of collapsed spans and,
/// when `keep` is given ("matches only"), every span it does not keep. O(n): a collapsed or
/// dropped span skips its whole subtree, which is contiguous in pre-order.
pub fn visible_rows(tree: &SpanTree, collapse: &Collapse, keep: Option<&[bool]>) -> Vec<SpanIdx> {
    let mut rows = Vec::with_capacity(tree.preorder.len());
    let mut pos = 0usize;
    while let Some(&span) = tree.preorder.get(pos) {
        let subtree = tree.subtree_size.get(span as usize).copied().unwrap_or(1).max(1) as usize;
        let kept = keep.is_none_or(|k| k.get(span as usize).copied().unwrap_or(false));
        if !kept {
            pos = pos.saturating_add(subtree);
            continue;
        }
        rows.push(span);
        pos = pos.saturating_add(if collapse.is_collapsed(span) { subtree } else { 1 });
    }
    if rows.len() < rows.capacity() / 2 {
        rows.shrink_to_fit();
    }
    rows
}

/// The number of levels in the tree (the deepest span's depth plus one; 0 when empty).
pub fn level_count(tree: &SpanTree) -> u32 {
    tree.depth.iter().copied().max().map_or(0, |d| d.saturating_add(1))
}

// ---------------------------------------------------------------------------------------------
// The time window

/// The narrowest window zooming allows.
pub const MIN_WINDOW_NS: i64 = 10;

/// The span of time the timeline shows; `end_ns > start_ns` always.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeWindow {
    pub start_ns: i64,
    pub end_ns: i64,
}

impl TimeWindow {
    pub fn new(start_ns: i64, end_ns: i64) -> TimeWindow {
        let (a, b) = if end_ns < start_ns { (end_ns, start_ns) } else { (start_ns, end_ns) };
        if b > a {
            TimeWindow { start_ns: a, end_ns: b }
        } else {
            TimeWindow { start_ns: a.min(i64::MAX - 1), end_ns: a.min(i64::MAX - 1) + 1 }
        }
    }

    /// The whole trace.
    pub fn of_trace(trace: &Trace) -> TimeWindow {
        TimeWindow::new(trace.start_ns, trace.end_ns)
    }

    pub fn duration_ns(self) -> i64 {
        self.end_ns.saturating_sub(self.start_ns).max(1)
    }

    /// Where `t_ns` lies in the window: 0 at its start, 1 at its end (outside: below 0 or above 1).
    pub fn fraction_of(self, t_ns: i64) -> f64 {
        // i64 arithmetic, not i128: this runs per span for the minimap, and wasm32 emulates i128.
        t_ns.saturating_sub(self.start_ns) as f64 / self.duration_ns() as f64
    }

    /// The time at `fraction` of the window.
    pub fn time_at(self, fraction: f64) -> i64 {
        let fraction = if fraction.is_finite() { fraction } else { 0.0 };
        let t = self.start_ns as f64 + fraction * self.duration_ns() as f64;
        t.round().clamp(i64::MIN as f64, i64::MAX as f64) as i64
    }

    /// This window moved and shrunk to lie inside `bounds`, and at least [`MIN_WINDOW_NS`] wide
    /// (or as wide as `bounds` when that is narrower).
    pub fn clamp_to(self, bounds: TimeWindow) -> TimeWindow {
        let width = self.duration_ns().clamp(MIN_WINDOW_NS.min(bounds.duration_ns()), bounds.duration_ns());
        let latest_start = bounds.end_ns.saturating_sub(width);
        let start = self.start_ns.clamp(bounds.start_ns, latest_start.max(bounds.start_ns));
        TimeWindow::new(start, start.saturating_add(width))
    }

    /// Zooms by `factor` (below 1: in) keeping the time at `anchor` (a fraction of the window)
    /// where it is, then clamps to `bounds`.
    pub fn zoom(self, factor: f64, anchor: f64, bounds: TimeWindow) -> TimeWindow {
        let factor = if factor.is_finite() && factor > 0.0 { factor } else { 1.0 };
        let anchor = if anchor.is_finite() { anchor.clamp(0.0, 1.0) } else { 0.5 };
        let pivot = self.time_at(anchor);
        let width = (self.duration_ns() as f64 * factor).round().max(1.0);
        let start = (pivot as f64 - anchor * width).round();
        let start = start.clamp(i64::MIN as f64, i64::MAX as f64) as i64;
        let width = width.min(i64::MAX as f64) as i64;
        TimeWindow::new(start, start.saturating_add(width)).clamp_to(bounds)
    }

    /// Moves the window by `fraction` of its width (negative: earlier), staying inside `bounds`.
    pub fn pan(self, fraction: f64, bounds: TimeWindow) -> TimeWindow {
        let fraction = if fraction.is_finite() { fraction } else { 0.0 };
        let shift = (self.duration_ns() as f64 * fraction).round().clamp(i64::MIN as f64, i64::MAX as f64) as i64;
        TimeWindow::new(self.start_ns.saturating_add(shift), self.end_ns.saturating_add(shift)).clamp_to(bounds)
    }

    /// The part of this window between fractions `a` and `b` (in either order), clamped to `bounds`.
    pub fn sub_window(self, a: f64, b: f64, bounds: TimeWindow) -> TimeWindow {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        TimeWindow::new(self.time_at(a), self.time_at(b)).clamp_to(bounds)
    }
}

// ---------------------------------------------------------------------------------------------
// The time ruler

/// A tick of the time ruler.
pub use crate::axis::Tick;

/// Ticks at round offsets from `origin_ns` (the trace's start), at most `max_ticks` of them in
/// `window` (see [`crate::axis::offset_ticks`]).
pub fn ruler_ticks(window: TimeWindow, origin_ns: i64, max_ticks: usize) -> Vec<Tick> {
    crate::axis::offset_ticks(
        crate::axis::Span { start_ns: window.start_ns, end_ns: window.end_ns },
        origin_ns,
        max_ticks,
    )
}

// ---------------------------------------------------------------------------------------------
// Bar geometry

/// A horizontal extent in fractions of the window: `left` and `width` in 0..=1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    pub left: f64,
    pub width: f64,
}

/// Where `start_ns..end_ns` lies in `window`, clipped to it and at least `min_width` wide (so a
/// 1 ns span in a one-second window is still seen); `None` when it lies wholly outside.
pub fn bar_geometry(window: TimeWindow, start_ns: i64, end_ns: i64, min_width: f64) -> Option<Bar> {
    let end_ns = end_ns.max(start_ns);
    if end_ns < window.start_ns || start_ns > window.end_ns {
        return None;
    }
    let left = window.fraction_of(start_ns.max(window.start_ns)).clamp(0.0, 1.0);
    let right = window.fraction_of(end_ns.min(window.end_ns)).clamp(0.0, 1.0);
    let min_width = if min_width.is_finite() { min_width.clamp(0.0, 1.0) } else { 0.0 };
    let width = (right - left).max(min_width);
    let left = left.min(1.0 - width).max(0.0);
    Some(Bar { left, width })
}

/// Where a bar's duration label goes: after the bar, before it, or inside it when the bar
/// leaves no room on either side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelPlace {
    After,
    Before,
    Inside,
}

pub fn label_place(bar: Bar) -> LabelPlace {
    if bar.left + bar.width <= 0.75 {
        LabelPlace::After
    } else if bar.left >= 0.25 {
        LabelPlace::Before
    } else {
        LabelPlace::Inside
    }
}

/// The critical path's segments grouped by span, for looking up a row's segments quickly.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CriticalIndex {
    /// Sorted by span, then start.
    segments: Vec<Segment>,
}

impl CriticalIndex {
    pub fn new(segments: &[Segment]) -> CriticalIndex {
        let mut segments = segments.to_vec();
        strand_model::order::sort_by_key(&mut segments, |s| (s.span, s.start_ns, s.end_ns));
        CriticalIndex { segments }
    }

    /// The segments of `span`, by start.
    pub fn of(&self, span: SpanIdx) -> &[Segment] {
        let a = self.segments.partition_point(|s| s.span < span);
        let b = self.segments.partition_point(|s| s.span <= span);
        self.segments.get(a..b).unwrap_or(&[])
    }
}

/// An event drawn as a tick on its span's bar.
#[derive(Clone, Debug, PartialEq)]
pub struct EventMark {
    /// Position in the window, 0..=1.
    pub fraction: f64,
    pub label: String,
}

/// At most this many event ticks per row: more would only blur into one another.
pub const MAX_EVENT_MARKS: usize = 32;

/// Pixels per level of indentation of the name column.
pub const INDENT_PX: f64 = 14.0;
/// The name column always keeps this much room for the toggle, swatch and name.
pub const MIN_NAME_ROOM_PX: f64 = 210.0;

/// How many levels to indent a row at `depth` in a name column `name_column_px` wide. Indentation
/// stops growing where it would leave too little room for the name (the row then shows its depth
/// as a number), so 100-deep traces still show their names.
pub fn indent_levels(depth: u32, name_column_px: f64) -> u32 {
    let room = if name_column_px.is_finite() { name_column_px - MIN_NAME_ROOM_PX } else { 0.0 };
    let max_levels = (room / INDENT_PX).floor().clamp(1.0, 64.0) as u32;
    depth.min(max_levels)
}

/// Everything one row shows.
#[derive(Clone, Debug, PartialEq)]
pub struct RowView {
    pub span: SpanIdx,
    pub depth: u32,
    pub child_count: usize,
    pub collapsed: bool,
    /// Descendants hidden because this row is collapsed.
    pub hidden: u32,
    pub service: String,
    pub name: String,
    pub error: bool,
    pub duration: String,
    pub self_time: String,
    /// Self time as a fraction of the duration (0..=1).
    pub self_fraction: f64,
    pub bar: Option<Bar>,
    /// Critical-path segments of this span, in window fractions.
    pub critical: Vec<Bar>,
    pub events: Vec<EventMark>,
    /// The span's log lines, as marks (`log_marks`).
    pub logs: Vec<log_marks::LogMark>,
    /// A tooltip with the numbers.
    pub title: String,
}

/// What [`row_view`] needs besides the span.
pub struct RowContext<'a> {
    pub strings: &'a Interner,
    pub trace: &'a Trace,
    pub analysis: &'a TraceAnalysis,
    pub collapse: &'a Collapse,
    pub critical: &'a CriticalIndex,
    pub window: TimeWindow,
    /// The narrowest bar, as a fraction of the timeline's width.
    pub min_bar: f64,
}

pub fn row_view(ctx: &RowContext<'_>, span_idx: SpanIdx) -> Option<RowView> {
    let trace = ctx.trace;
    let span = trace.span(span_idx)?;
    let tree = &ctx.analysis.tree;
    let child_count = tree.children_of(span_idx).len();
    let collapsed = child_count > 0 && ctx.collapse.is_collapsed(span_idx);
    let subtree = tree.subtree_size.get(span_idx as usize).copied().unwrap_or(1);
    let self_ns = ctx.analysis.self_ns.get(span_idx as usize).copied().unwrap_or(span.duration_ns);
    let critical_ns = ctx.analysis.critical_ns.get(span_idx as usize).copied().unwrap_or(0);
    let service = ctx.strings.get(trace.service_of(span)).to_string();
    let name = ctx.strings.get(span.name).to_string();
    let offset_ns = span.start_ns.saturating_sub(trace.start_ns);
    let error = span.status == StatusCode::Error;

    let mut events: Vec<EventMark> = trace
        .events_of(span)
        .iter()
        .filter(|e| e.time_ns >= ctx.window.start_ns && e.time_ns <= ctx.window.end_ns)
        .map(|e| EventMark {
            fraction: ctx.window.fraction_of(e.time_ns).clamp(0.0, 1.0),
            label: format!(
                "{} at {}",
                ctx.strings.get(e.name),
                format_duration(e.time_ns.saturating_sub(trace.start_ns))
            ),
        })
        .collect();
    strand_model::order::sort_by(&mut events, |a, b| a.fraction.total_cmp(&b.fraction));
    // Ticks closer than a thousandth of the width would draw as one: keep the first of each.
    events.dedup_by(|b, a| (b.fraction - a.fraction).abs() < 0.001);
    events.truncate(MAX_EVENT_MARKS);

    let critical = ctx
        .critical
        .of(span_idx)
        .iter()
        .filter_map(|s| bar_geometry(ctx.window, s.start_ns, s.end_ns, ctx.min_bar))
        .collect();

    let mut title = format!(
        "{service}: {name}\nduration {} · self {} · starts at {}",
        format_duration(span.duration_ns),
        format_duration(self_ns),
        format_duration(offset_ns)
    );
    if critical_ns > 0 {
        title.push_str(&format!("\non the critical path for {}", format_duration(critical_ns)));
    }
    if error {
        title.push_str("\nerror");
        let message = ctx.strings.get(span.status_message);
        if !message.is_empty() {
            title.push_str(&format!(": {message}"));
        }
    }
    let self_fraction =
        if span.duration_ns > 0 { (self_ns as f64 / span.duration_ns as f64).clamp(0.0, 1.0) } else { 1.0 };

    Some(RowView {
        span: span_idx,
        depth: tree.depth.get(span_idx as usize).copied().unwrap_or(0),
        child_count,
        collapsed,
        hidden: if collapsed { subtree.saturating_sub(1) } else { 0 },
        service,
        name,
        error,
        duration: format_duration(span.duration_ns),
        self_time: format_duration(self_ns),
        self_fraction,
        bar: bar_geometry(ctx.window, span.start_ns, span.end_ns(), ctx.min_bar),
        critical,
        events,
        logs: log_marks::log_marks(ctx.strings, trace, &ctx.analysis.span_logs, span_idx, ctx.window),
        title,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace_view::analyze;
    use expect_test::{expect, Expect};
    use strand_model::{Dataset, Event, Range32};
    use strand_testkit::{dataset, span_named};

    /// Runs a script of waterfall commands against the trace of `fixture` (the analysis fixture
    /// format) and compares the transcript. Commands, one per line:
    ///
    /// `rows` · `toggle NAME` · `collapse-all` · `expand-all` · `depth N` · `collapse-subtree NAME`
    /// · `expand-subtree NAME` · `reveal NAME` · `keep NAME...` (matches only; none: off) ·
    /// `window A B` · `zoom FACTOR ANCHOR` · `pan FRACTION` · `sub-window A B` · `ticks N` ·
    /// `bars` (ASCII waterfall: `#` bar, `=` critical path, `|` event) · `row NAME` ·
    /// `event NAME AT LABEL` · `select NAME` · `nav KEY` (applies the action) · `minimap COLUMNS`
    /// · `view COUNT ROW_PX VIEWPORT SCROLL_TOP OVERSCAN` · `show COUNT ROW_PX VIEWPORT SCROLL_TOP
    /// ROW nearest|center` · `indent DEPTH NAME_PX`.
    fn check(fixture: &str, script: &str, expect: Expect) {
        let mut data: Dataset = dataset(&[fixture]);
        let mut analysis = analyze(&data.traces[0]);
        let mut collapse = Collapse::expanded(data.traces[0].spans.len());
        let mut keep: Option<Vec<bool>> = None;
        let mut window = TimeWindow::of_trace(&data.traces[0]);
        let mut selected: Option<SpanIdx> = None;
        let mut out = String::new();
        for line in script.lines().map(str::trim).filter(|l| !l.is_empty()) {
            out.push_str(&format!("> {line}\n"));
            let words: Vec<&str> = line.split_whitespace().collect();
            let arg = |i: usize| words[i];
            let num = |i: usize| words[i].parse::<f64>().unwrap();
            let trace = &data.traces[0];
            let named = |name: &str| span_named(&data, trace, name);
            let name_of = |i: SpanIdx| data.strings.get(trace.spans[i as usize].name).to_string();
            let bounds = TimeWindow::of_trace(trace);
            let rows = visible_rows(&analysis.tree, &collapse, keep.as_deref());
            match words[0] {
                "rows" => {
                    for &r in &rows {
                        let depth = analysis.tree.depth[r as usize] as usize;
                        let children = analysis.tree.children_of(r).len();
                        let toggle = match (children, collapse.is_collapsed(r)) {
                            (0, _) => "·".to_string(),
                            (_, false) => "▾".to_string(),
                            (_, true) => format!("▸ +{}", analysis.tree.subtree_size[r as usize] - 1),
                        };
                        out.push_str(&format!("{}{toggle} {}\n", "  ".repeat(depth), name_of(r)));
                    }
                }
                "toggle" => collapse.toggle(named(arg(1))),
                "collapse-all" => collapse.collapse_all(&analysis.tree),
                "expand-all" => collapse.expand_all(),
                "depth" => collapse.expand_to_depth(&analysis.tree, arg(1).parse().unwrap()),
                "collapse-subtree" => collapse.set_subtree(&analysis.tree, named(arg(1)), true),
                "expand-subtree" => collapse.set_subtree(&analysis.tree, named(arg(1)), false),
                "reveal" => {
                    let changed = collapse.reveal(&trace.spans, named(arg(1)));
                    out.push_str(&format!("changed: {changed}\n"));
                }
                "keep" => {
                    let names: Vec<SpanIdx> = words[1..].iter().map(|name| named(name)).collect();
                    keep = (!names.is_empty()).then(|| keep_mask(&trace.spans, &names));
                }
                "window" => window = TimeWindow::new(num(1) as i64, num(2) as i64).clamp_to(bounds),
                "zoom" => window = window.zoom(num(1), num(2), bounds),
                "pan" => window = window.pan(num(1), bounds),
                "sub-window" => window = window.sub_window(num(1), num(2), bounds),
                "ticks" => {
                    let ticks = ruler_ticks(window, trace.start_ns, arg(1).parse().unwrap());
                    let text: Vec<String> = ticks.iter().map(|t| format!("{}@{:.3}", t.label, t.fraction)).collect();
                    out.push_str(&format!("{}\n", text.join(" ")));
                }
                "bars" | "row" => {
                    let critical = CriticalIndex::new(&analysis.critical);
                    let ctx = RowContext {
                        strings: &data.strings,
                        trace,
                        analysis: &analysis,
                        collapse: &collapse,
                        critical: &critical,
                        window,
                        min_bar: 1.0 / 40.0,
                    };
                    let shown: Vec<SpanIdx> = if words[0] == "row" { vec![named(arg(1))] } else { rows.clone() };
                    for &r in &shown {
                        let view = row_view(&ctx, r).unwrap();
                        if words[0] == "row" {
                            out.push_str(&format!("{view:#?}\n"));
                            continue;
                        }
                        let cells = ascii_bar(&view);
                        let label = format!("{}{}", "  ".repeat(view.depth as usize), view.name);
                        out.push_str(&format!("{label:<16}[{cells}] {} self {}\n", view.duration, view.self_time));
                    }
                }
                "event" => {
                    let span = named(arg(1));
                    let name = data.strings.intern(arg(3));
                    let trace = &mut data.traces[0];
                    let start = trace.events.len();
                    let span_ref = &mut trace.spans[span as usize];
                    // Events of one span are contiguous: only append to the last span given events.
                    let range = if span_ref.events.is_empty() {
                        Range32::from_bounds(start, start + 1)
                    } else {
                        Range32 { start: span_ref.events.start, len: span_ref.events.len + 1 }
                    };
                    span_ref.events = range;
                    let time_ns = words[2].parse().unwrap();
                    trace.events.push(Event { time_ns, name, attrs: Range32::EMPTY });
                    analysis = analyze(trace);
                }
                "select" => selected = Some(named(arg(1))),
                "nav" => {
                    let key = nav_key(arg(1), words.get(2).copied());
                    let action = navigate(&rows, &analysis.tree, &trace.spans, &collapse, selected, key);
                    let text = match action {
                        NavAction::Select(s) => {
                            selected = Some(s);
                            format!("select {}", name_of(s))
                        }
                        NavAction::Collapse(s) => {
                            collapse.set(s, true);
                            format!("collapse {}", name_of(s))
                        }
                        NavAction::Expand(s) => {
                            collapse.set(s, false);
                            format!("expand {}", name_of(s))
                        }
                        NavAction::Nothing => "nothing".to_string(),
                    };
                    out.push_str(&format!("{text}\n"));
                }
                "minimap" => out.push_str(&minimap_text(trace, arg(1).parse().unwrap())),
                "view" => {
                    let range = rows_in_view(arg(1).parse().unwrap(), num(2), num(3), num(4), arg(5).parse().unwrap());
                    out.push_str(&format!("{range:?}\n"));
                }
                "show" => {
                    let how = if arg(6) == "center" { ScrollTo::Center } else { ScrollTo::Nearest };
                    let top = scroll_top_for_row(
                        arg(1).parse().unwrap(),
                        num(2),
                        num(3),
                        num(4),
                        arg(5).parse().unwrap(),
                        how,
                    );
                    out.push_str(&format!("{top:?}\n"));
                }
                "indent" => {
                    out.push_str(&format!("{}\n", indent_levels(arg(1).parse().unwrap(), num(2))));
                }
                other => panic!("unknown command {other}"),
            }
            if matches!(words[0], "window" | "zoom" | "pan" | "sub-window") {
                out.push_str(&format!(
                    "window {}..{} ({})\n",
                    window.start_ns,
                    window.end_ns,
                    format_duration(window.duration_ns())
                ));
            }
        }
        expect.assert_eq(&out);
    }

    /// The rows kept by a `keep` command: the named spans and their ancestors.
    fn keep_mask(spans: &[strand_model::Span], names: &[SpanIdx]) -> Vec<bool> {
        let mut mask = vec![false; spans.len()];
        for &name in names {
            let mut i = name;
            loop {
                mask[i as usize] = true;
                match parent_row(spans, i) {
                    Some(p) => i = p,
                    None => break,
                }
            }
        }
        mask
    }

    /// The key of a `nav` command (`pageup`/`pagedown` take a page size).
    fn nav_key(name: &str, page: Option<&str>) -> NavKey {
        let page = || page.and_then(|p| p.parse().ok()).unwrap_or(10);
        match name {
            "up" => NavKey::Up,
            "down" => NavKey::Down,
            "left" => NavKey::Left,
            "right" => NavKey::Right,
            "home" => NavKey::Home,
            "end" => NavKey::End,
            "pageup" => NavKey::PageUp(page()),
            "pagedown" => NavKey::PageDown(page()),
            other => panic!("unknown key {other}"),
        }
    }

    /// A row's bar, critical-path segments and events as 40 ASCII cells.
    fn ascii_bar(view: &RowView) -> String {
        let mut cells = [' '; 40];
        let mut paint = |bar: &Bar, c: char| {
            let a = (bar.left * 40.0).round() as usize;
            let b = ((bar.left + bar.width) * 40.0).round().max(a as f64 + 1.0) as usize;
            for cell in cells.iter_mut().take(b.min(40)).skip(a) {
                *cell = c;
            }
        };
        if let Some(bar) = &view.bar {
            paint(bar, '#');
        }
        for bar in &view.critical {
            paint(bar, '=');
        }
        for e in &view.events {
            paint(&Bar { left: e.fraction.min(0.99), width: 0.0 }, '|');
        }
        cells.iter().collect()
    }

    /// The minimap of `trace` drawn with shades, one text line per band, then the error marks.
    fn minimap_text(trace: &strand_model::Trace, columns: usize) -> String {
        const SHADES: [char; 5] = [' ', '.', ':', '+', '#'];
        let map = minimap(trace, &trace.depth, columns);
        let mut out = format!("bands {} × {} levels\n", map.bands, map.levels_per_band);
        for band in 0..map.bands {
            let line: String = (0..map.columns)
                .map(|c| {
                    let v = map.intensity_at(band, c);
                    if v <= 0.0 {
                        ' '
                    } else {
                        SHADES[((v * 4.0).ceil() as usize).clamp(1, 4)]
                    }
                })
                .collect();
            out.push_str(&format!("|{line}|\n"));
        }
        let errors: String = map.errors.iter().map(|&e| if e { '!' } else { ' ' }).collect();
        out.push_str(&format!("|{errors}|\n"));
        out
    }

    const SHOP: &str = "
checkout frontend 1000..2000 server
  auth auth 1010..1110 client
    verify auth 1020..1100
  cart cart 1150..1600 client
    load cart 1160..1400
      query db 1170..1390 client
    price cart 1420..1590
  pay payments 1650..1980 client error
";

    #[test]
    fn rows_follow_collapsing() {
        check(
            SHOP,
            "
            rows
            toggle cart
            rows
            collapse-all
            rows
            expand-all
            depth 2
            rows
            expand-subtree cart
            rows
            collapse-subtree checkout
            expand-subtree checkout
            collapse-subtree cart
            toggle cart
            rows
            ",
            expect![[r#"
                > rows
                ▾ checkout
                  ▾ auth
                    · verify
                  ▾ cart
                    ▾ load
                      · query
                    · price
                  · pay
                > toggle cart
                > rows
                ▾ checkout
                  ▾ auth
                    · verify
                  ▸ +3 cart
                  · pay
                > collapse-all
                > rows
                ▸ +7 checkout
                > expand-all
                > depth 2
                > rows
                ▾ checkout
                  ▸ +1 auth
                  ▸ +3 cart
                  · pay
                > expand-subtree cart
                > rows
                ▾ checkout
                  ▸ +1 auth
                  ▾ cart
                    ▾ load
                      · query
                    · price
                  · pay
                > collapse-subtree checkout
                > expand-subtree checkout
                > collapse-subtree cart
                > toggle cart
                > rows
                ▾ checkout
                  ▾ auth
                    · verify
                  ▾ cart
                    ▸ +1 load
                    · price
                  · pay
            "#]],
        );
    }

    #[test]
    fn matches_only_keeps_matches_and_their_ancestors() {
        check(
            SHOP,
            "
            keep query verify
            rows
            toggle load
            rows
            reveal query
            reveal query
            rows
            keep
            rows
            ",
            expect![[r#"
                > keep query verify
                > rows
                ▾ checkout
                  ▾ auth
                    · verify
                  ▾ cart
                    ▾ load
                      · query
                > toggle load
                > rows
                ▾ checkout
                  ▾ auth
                    · verify
                  ▾ cart
                    ▸ +1 load
                > reveal query
                changed: true
                > reveal query
                changed: false
                > rows
                ▾ checkout
                  ▾ auth
                    · verify
                  ▾ cart
                    ▾ load
                      · query
                > keep
                > rows
                ▾ checkout
                  ▾ auth
                    · verify
                  ▾ cart
                    ▾ load
                      · query
                    · price
                  · pay
            "#]],
        );
    }

    #[test]
    fn time_window_zooms_pans_and_clamps() {
        check(
            SHOP,
            "
            zoom 0.5 0.5
            zoom 0.5 0
            pan -1
            pan 0.5
            pan 100
            zoom 10 0.5
            sub-window 0.9 0.1
            window 1500 1503
            zoom 0 0.5
            window 3000 4000
            ",
            expect![[r#"
                > zoom 0.5 0.5
                window 1250..1750 (500ns)
                > zoom 0.5 0
                window 1250..1500 (250ns)
                > pan -1
                window 1000..1250 (250ns)
                > pan 0.5
                window 1125..1375 (250ns)
                > pan 100
                window 1750..2000 (250ns)
                > zoom 10 0.5
                window 1000..2000 (1.00µs)
                > sub-window 0.9 0.1
                window 1100..1900 (800ns)
                > window 1500 1503
                window 1500..1510 (10ns)
                > zoom 0 0.5
                window 1500..1510 (10ns)
                > window 3000 4000
                window 1000..2000 (1.00µs)
            "#]],
        );
    }

    #[test]
    fn ruler_ticks_have_round_steps_and_readable_labels() {
        check(
            SHOP,
            "
            ticks 5
            ticks 10
            window 1150 1600
            ticks 8
            window 1500 1520
            ticks 4
            ",
            expect![[r#"
                > ticks 5
                0ns@0.000 200ns@0.200 400ns@0.400 600ns@0.600 800ns@0.800 1.00µs@1.000
                > ticks 10
                0ns@0.000 100ns@0.100 200ns@0.200 300ns@0.300 400ns@0.400 500ns@0.500 600ns@0.600 700ns@0.700 800ns@0.800 900ns@0.900 1.00µs@1.000
                > window 1150 1600
                window 1150..1600 (450ns)
                > ticks 8
                200ns@0.111 300ns@0.333 400ns@0.556 500ns@0.778 600ns@1.000
                > window 1500 1520
                window 1500..1520 (20ns)
                > ticks 4
                500ns@0.000 505ns@0.250 510ns@0.500 515ns@0.750 520ns@1.000
            "#]],
        );
        // Long and deep-zoomed traces: minutes, and nanoseconds one second in.
        check(
            "
            batch worker 0..600000000000
            ",
            "
            ticks 6
            window 1000000000 1000000100
            ticks 5
            ",
            expect![[r#"
                > ticks 6
                0ns@0.000 2m 00s@0.200 4m 00s@0.400 6m 00s@0.600 8m 00s@0.800 10m 00s@1.000
                > window 1000000000 1000000100
                window 1000000000..1000000100 (100ns)
                > ticks 5
                1.00s@0.000 +20ns@0.200 +40ns@0.400 +60ns@0.600 +80ns@0.800 +100ns@1.000
            "#]],
        );
    }

    #[test]
    fn bars_show_time_critical_path_and_events() {
        check(
            SHOP,
            "
            event price 1500 discount
            event price 1560 cached
            bars
            window 1150 1600
            bars
            toggle cart
            row cart
            ",
            expect![[r#"
                > event price 1500 discount
                > event price 1560 cached
                > bars
                checkout        [=###==##################==#############=] 1.00µs self 120ns
                  auth          [=###=                                   ] 100ns self 20ns
                    verify      [ ===                                    ] 80ns self 80ns
                  cart          [      =#########=#######=               ] 450ns self 40ns
                    load        [      =#########=                       ] 240ns self 20ns
                      query     [       =========                        ] 220ns self 220ns
                    price       [                 ===|=|=                ] 170ns self 170ns
                  pay           [                          ============= ] 330ns self 330ns
                > window 1150 1600
                window 1150..1600 (450ns)
                > bars
                checkout        [=######################################=] 1.00µs self 120ns
                  auth          [                                        ] 100ns self 20ns
                    verify      [                                        ] 80ns self 80ns
                  cart          [=#####################==###############=] 450ns self 40ns
                    load        [ =###################=                  ] 240ns self 20ns
                      query     [  ===================                   ] 220ns self 220ns
                    price       [                        =======|====|== ] 170ns self 170ns
                  pay           [                                        ] 330ns self 330ns
                > toggle cart
                > row cart
                RowView {
                    span: 3,
                    depth: 1,
                    child_count: 2,
                    collapsed: true,
                    hidden: 3,
                    service: "cart",
                    name: "cart",
                    error: false,
                    duration: "450ns",
                    self_time: "40ns",
                    self_fraction: 0.08888888888888889,
                    bar: Some(
                        Bar {
                            left: 0.0,
                            width: 1.0,
                        },
                    ),
                    critical: [
                        Bar {
                            left: 0.0,
                            width: 0.025,
                        },
                        Bar {
                            left: 0.5555555555555556,
                            width: 0.0444444444444444,
                        },
                        Bar {
                            left: 0.975,
                            width: 0.025,
                        },
                    ],
                    events: [],
                    logs: [],
                    title: "cart: cart\nduration 450ns · self 40ns · starts at 150ns\non the critical path for 40ns",
                }
            "#]],
        );
    }

    #[test]
    fn keyboard_moves_like_a_tree_grid() {
        check(
            SHOP,
            "
            nav down
            nav down
            nav right
            nav left
            nav left
            nav left
            nav down
            nav right
            nav right
            nav right
            nav end
            nav down
            nav home
            nav up
            nav pagedown 4
            nav pagedown 40
            nav pageup 2
            toggle checkout
            nav up
            ",
            expect![[r#"
                > nav down
                select checkout
                > nav down
                select auth
                > nav right
                select verify
                > nav left
                select auth
                > nav left
                collapse auth
                > nav left
                select checkout
                > nav down
                select auth
                > nav right
                expand auth
                > nav right
                select verify
                > nav right
                nothing
                > nav end
                select pay
                > nav down
                nothing
                > nav home
                select checkout
                > nav up
                nothing
                > nav pagedown 4
                select load
                > nav pagedown 40
                select pay
                > nav pageup 2
                select query
                > toggle checkout
                > nav up
                select checkout
            "#]],
        );
    }

    #[test]
    fn minimap_summarises_density_by_depth() {
        check(
            SHOP,
            "minimap 20",
            expect![[r#"
            > minimap 20
            bands 4 × 1 levels
            |####################|
            |##:######### ######+|
            |+# #####+###        |
            |   +####            |
            |             !!!!!!!|
        "#]],
        );
        check(
            "",
            "minimap 4",
            expect![[r#"
            > minimap 4
            bands 1 × 1 levels
            |    |
            |    |
        "#]],
        );
    }

    #[test]
    fn only_rows_in_view_are_rendered() {
        check(
            "",
            "
            view 0 24 600 0 5
            view 1000 24 600 0 5
            view 1000 24 600 2400 5
            view 1000 24 600 100000 5
            view 1000000 24 600 0 5
            view 1000000 24 600 7999400 5
            view 1000000 24 600 4000000 5
            show 1000 24 600 0 10 nearest
            show 1000 24 600 0 30 nearest
            show 1000 24 600 2400 50 nearest
            show 1000 24 600 0 500 center
            show 1000000 24 600 0 999999 center
            show 1000 24 600 0 1000 center
            ",
            expect![[r#"
                > view 0 24 600 0 5
                RowRange { first: 0, end: 0, first_top_px: 0.0, content_px: 0.0 }
                > view 1000 24 600 0 5
                RowRange { first: 0, end: 30, first_top_px: 0.0, content_px: 24000.0 }
                > view 1000 24 600 2400 5
                RowRange { first: 95, end: 130, first_top_px: 2280.0, content_px: 24000.0 }
                > view 1000 24 600 100000 5
                RowRange { first: 970, end: 1000, first_top_px: 23280.0, content_px: 24000.0 }
                > view 1000000 24 600 0 5
                RowRange { first: 0, end: 30, first_top_px: 0.0, content_px: 8000000.0 }
                > view 1000000 24 600 7999400 5
                RowRange { first: 999970, end: 1000000, first_top_px: 7999280.0, content_px: 8000000.0 }
                > view 1000000 24 600 4000000 5
                RowRange { first: 500020, end: 500056, first_top_px: 3999879.954996625, content_px: 8000000.0 }
                > show 1000 24 600 0 10 nearest
                None
                > show 1000 24 600 0 30 nearest
                Some(144.0)
                > show 1000 24 600 2400 50 nearest
                Some(1200.0)
                > show 1000 24 600 0 500 center
                Some(11712.0)
                > show 1000000 24 600 0 999999 center
                Some(7999400.0)
                > show 1000 24 600 0 1000 center
                None
            "#]],
        );
    }

    #[test]
    fn deep_rows_keep_room_for_their_names() {
        check(
            "",
            "
            indent 3 360
            indent 100 360
            indent 100 90
            indent 5 NaN
            ",
            expect![[r#"
                > indent 3 360
                3
                > indent 100 360
                10
                > indent 100 90
                1
                > indent 5 NaN
                1
            "#]],
        );
    }

    #[test]
    fn bar_geometry_clips_and_keeps_a_minimum_width() {
        let w = TimeWindow::new(100, 200);
        let text = format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
            bar_geometry(w, 50, 150, 0.01),
            bar_geometry(w, 150, 150, 0.01),
            bar_geometry(w, 200, 200, 0.01),
            bar_geometry(w, 201, 300, 0.01),
            bar_geometry(w, 0, i64::MAX, 0.01),
        );
        let places: Vec<LabelPlace> = [(0.1, 0.2), (0.5, 0.4), (0.1, 0.8), (0.0, 1.0)]
            .iter()
            .map(|&(left, width)| label_place(Bar { left, width }))
            .collect();
        let text = format!("{text}\n{places:?}");
        expect![[r#"
            Some(Bar { left: 0.0, width: 0.5 })
            Some(Bar { left: 0.5, width: 0.01 })
            Some(Bar { left: 0.99, width: 0.01 })
            None
            Some(Bar { left: 0.0, width: 1.0 })
            [After, Before, Inside, Inside]"#]]
        .assert_eq(&text);
    }

    #[test]
    fn a_million_span_chain_is_handled_iteratively() {
        let mut trace = Trace::new(strand_model::TraceId::Hex(1));
        let n = 1_000_000u32;
        for i in 0..n {
            let mut span = Span::empty(strand_model::SpanId::Hex(u64::from(i) + 1));
            span.start_ns = i64::from(i);
            span.duration_ns = 2_000_000 - 2 * i64::from(i);
            span.parent = if i == 0 { NO_PARENT } else { i - 1 };
            trace.spans.push(span);
        }
        trace.end_ns = 2_000_000;
        let tree = SpanTree::build(&trace);
        let mut collapse = Collapse::expanded(trace.spans.len());
        assert_eq!(visible_rows(&tree, &collapse, None).len(), n as usize);
        collapse.collapse_all(&tree);
        assert_eq!(visible_rows(&tree, &collapse, None), vec![0]);
        assert!(collapse.reveal(&trace.spans, n - 1));
        assert_eq!(visible_rows(&tree, &collapse, None).len(), n as usize);
        collapse.set_subtree(&tree, 0, true);
        assert_eq!(visible_rows(&tree, &collapse, None).len(), 1);
        trace.depth = tree.depth.clone();
        let map = minimap(&trace, &trace.depth, MINIMAP_COLUMNS);
        assert_eq!(map.levels_per_band, n.div_ceil(MINIMAP_MAX_BANDS as u32));
    }
}
