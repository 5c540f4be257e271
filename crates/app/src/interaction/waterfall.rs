//! The waterfall's interaction model: keys, the time window (zoom, pan, reset) and mouse drags on
//! the ruler, the minimap, the minimap's window and the name column's splitter.

use strand_view::waterfall::{NavKey, TimeWindow};

/// The name column's width: default, and limits (the timeline keeps at least `MIN_TIMELINE_PX`).
pub const DEFAULT_NAME_PX: f64 = 380.0;
pub const MIN_NAME_PX: f64 = 180.0;
pub const MIN_TIMELINE_PX: f64 = 240.0;
/// A drag shorter than this (pixels) is a click.
pub const CLICK_PX: f64 = 4.0;

/// A change of the time window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WindowChange {
    /// Move by this fraction of the window (negative: earlier).
    Pan(f64),
    /// Scale by this factor around the window's centre (0.5: zoom in).
    Zoom(f64),
    /// Show the whole trace.
    Reset,
}

impl WindowChange {
    pub fn apply(self, window: TimeWindow, bounds: TimeWindow) -> TimeWindow {
        match self {
            WindowChange::Pan(fraction) => window.pan(fraction, bounds),
            WindowChange::Zoom(factor) => window.zoom(factor, 0.5, bounds),
            WindowChange::Reset => bounds,
        }
    }
}

/// What a key does in the waterfall.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KeyCommand {
    Window(WindowChange),
    /// Move the selection, or expand/collapse.
    Nav(NavKey),
    /// Open the details of the selected span (or the first).
    Open,
    /// Close the details.
    Close,
}

/// The key map (`?` lists it): arrows move and expand/collapse, Shift+arrows pan, `+`/`-` zoom,
/// `0` resets, Enter opens details, Escape closes them. Keys with Ctrl/Cmd/Alt are not ours.
pub fn key_command(key: &str, shift: bool, modifier: bool, page_rows: usize) -> Option<KeyCommand> {
    if modifier {
        return None;
    }
    Some(match key {
        "ArrowLeft" if shift => KeyCommand::Window(WindowChange::Pan(-0.2)),
        "ArrowRight" if shift => KeyCommand::Window(WindowChange::Pan(0.2)),
        "+" | "=" => KeyCommand::Window(WindowChange::Zoom(0.5)),
        "-" | "_" => KeyCommand::Window(WindowChange::Zoom(2.0)),
        "0" => KeyCommand::Window(WindowChange::Reset),
        "Enter" => KeyCommand::Open,
        "Escape" => KeyCommand::Close,
        "ArrowUp" => KeyCommand::Nav(NavKey::Up),
        "ArrowDown" => KeyCommand::Nav(NavKey::Down),
        "ArrowLeft" => KeyCommand::Nav(NavKey::Left),
        "ArrowRight" => KeyCommand::Nav(NavKey::Right),
        "Home" => KeyCommand::Nav(NavKey::Home),
        "End" => KeyCommand::Nav(NavKey::End),
        "PageUp" => KeyCommand::Nav(NavKey::PageUp(page_rows.max(1))),
        "PageDown" => KeyCommand::Nav(NavKey::PageDown(page_rows.max(1))),
        _ => return None,
    })
}

/// Which part of the minimap's window a drag holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Edge {
    Move,
    Start,
    End,
}

/// A mouse drag in progress. Positions are client pixels; `left_px` and `width_px` describe the
/// element dragged over, read once when the drag starts.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Drag {
    /// Selecting a time range on the ruler; fractions of the current window.
    Ruler { left_px: f64, width_px: f64, from: f64, to: f64 },
    /// Selecting a time range on the minimap; fractions of the whole trace.
    MinimapSelect { left_px: f64, width_px: f64, from: f64, to: f64 },
    /// Moving (or resizing one edge of) the minimap's window.
    MinimapWindow { width_px: f64, start_x: f64, window: TimeWindow, edge: Edge },
    /// Resizing the name column.
    Splitter { start_x: f64, start_px: f64 },
}

/// What a mouse move during a drag changes.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum DragMove {
    /// The drag's own state (a selection that grows).
    Drag(Drag),
    /// The time window (the minimap's window dragged).
    Window(TimeWindow),
    /// The name column's width.
    NameWidth(f64),
}

/// Where `client_x` lies in an element, as a fraction of its width (clamped to 0..1).
pub fn fraction_in(client_x: f64, left_px: f64, width_px: f64) -> f64 {
    ((client_x - left_px) / width_px.max(1.0)).clamp(0.0, 1.0)
}

/// When a few long spans squeeze the rest into slivers at the start of the time axis: most spans
/// (four in five) are shorter than 0.5 % of the trace. Then the toolbar says how to zoom in.
/// `durations_ns` are the spans' durations, `trace_ns` the trace's.
pub fn slivers_hint(durations_ns: impl Iterator<Item = i64>, trace_ns: i64) -> Option<&'static str> {
    let threshold = trace_ns / 200;
    let (mut total, mut thin) = (0u64, 0u64);
    for d in durations_ns {
        total += 1;
        thin += u64::from(d < threshold);
    }
    (total >= 5 && thin * 5 >= total * 4).then_some(
        "Most spans are under 0.5% of this trace: drag across the overview or the ruler, or press +, to zoom in",
    )
}

/// The name column's width before the user drags it: 40 % of the waterfall, at least
/// [`DEFAULT_NAME_PX`] and at most 640 px, so deep spans keep their names on wide screens.
pub fn default_name_width(viewport_w: f64) -> f64 {
    (viewport_w * 0.4).clamp(DEFAULT_NAME_PX, 640.0)
}

/// The name column's width for a wanted width in a viewport `viewport_w` wide.
pub fn name_width(wanted_px: f64, viewport_w: f64) -> f64 {
    wanted_px.clamp(MIN_NAME_PX, (viewport_w - MIN_TIMELINE_PX).max(MIN_NAME_PX))
}

impl Drag {
    /// A press on the ruler (an element at `left_px`, `width_px` wide) at `client_x`.
    pub fn ruler(left_px: f64, width_px: f64, client_x: f64) -> Drag {
        let at = fraction_in(client_x, left_px, width_px);
        Drag::Ruler { left_px, width_px, from: at, to: at }
    }

    pub fn minimap(left_px: f64, width_px: f64, client_x: f64) -> Drag {
        let at = fraction_in(client_x, left_px, width_px);
        Drag::MinimapSelect { left_px, width_px, from: at, to: at }
    }

    /// The mouse moved to `client_x` (the whole trace is `bounds`; the viewport `viewport_w` wide).
    pub fn moved(self, client_x: f64, bounds: TimeWindow, viewport_w: f64) -> DragMove {
        match self {
            Drag::Ruler { left_px, width_px, from, .. } => {
                DragMove::Drag(Drag::Ruler { left_px, width_px, from, to: fraction_in(client_x, left_px, width_px) })
            }
            Drag::MinimapSelect { left_px, width_px, from, .. } => DragMove::Drag(Drag::MinimapSelect {
                left_px,
                width_px,
                from,
                to: fraction_in(client_x, left_px, width_px),
            }),
            Drag::MinimapWindow { width_px, start_x, window: start, edge } => {
                let shift = (client_x - start_x) / width_px.max(1.0);
                let shift_ns = (shift * bounds.duration_ns() as f64).round() as i64;
                DragMove::Window(match edge {
                    Edge::Move => start.pan(shift_ns as f64 / start.duration_ns() as f64, bounds),
                    Edge::Start => TimeWindow::new(
                        start.start_ns.saturating_add(shift_ns).min(start.end_ns.saturating_sub(1)),
                        start.end_ns,
                    )
                    .clamp_to(bounds),
                    Edge::End => TimeWindow::new(
                        start.start_ns,
                        start.end_ns.saturating_add(shift_ns).max(start.start_ns.saturating_add(1)),
                    )
                    .clamp_to(bounds),
                })
            }
            Drag::Splitter { start_x, start_px } => {
                DragMove::NameWidth(name_width(start_px + client_x - start_x, viewport_w))
            }
        }
    }

    /// The button was released: the window to show, if the drag chose one. A drag across the
    /// ruler zooms into that part of the current `window`; across the minimap, into that part of
    /// the trace; a click on the minimap centres the window there.
    pub fn released(self, window: TimeWindow, bounds: TimeWindow) -> Option<TimeWindow> {
        match self {
            Drag::Ruler { width_px, from, to, .. } if (to - from).abs() * width_px >= CLICK_PX => {
                Some(window.sub_window(from, to, bounds))
            }
            Drag::MinimapSelect { width_px, from, to, .. } => {
                if (to - from).abs() * width_px >= CLICK_PX {
                    Some(bounds.sub_window(from, to, bounds))
                } else {
                    let centre = window.fraction_of(bounds.time_at(from));
                    Some(window.pan(centre - 0.5, bounds))
                }
            }
            _ => None,
        }
    }

    /// The part of the ruler or minimap being selected, as (left, width) fractions.
    pub fn selection(self) -> Option<(bool, f64, f64)> {
        match self {
            Drag::Ruler { from, to, .. } => Some((true, from.min(to), (to - from).abs())),
            Drag::MinimapSelect { from, to, .. } => Some((false, from.min(to), (to - from).abs())),
            _ => None,
        }
    }

    /// The mouse cursor while dragging.
    pub fn cursor(self) -> &'static str {
        match self {
            Drag::Splitter { .. } => "col-resize",
            Drag::MinimapWindow { edge: Edge::Move, .. } => "grabbing",
            Drag::MinimapWindow { .. } => "ew-resize",
            _ => "crosshair",
        }
    }
}

#[cfg(test)]
mod tests;
