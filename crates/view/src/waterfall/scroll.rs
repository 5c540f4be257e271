//! Virtual scrolling of the waterfall: which rows are in view, and where to scroll to show a row.

#[allow(unused_imports)]
use super::*;

// ---------------------------------------------------------------------------------------------
// Virtual scrolling

/// Browsers cap an element's height (Firefox near 17.9M px, Chrome near 33.5M px). Taller
/// content is drawn in a spacer this high, and scrolling it moves the rows proportionally faster.
pub const MAX_SCROLL_PX: f64 = 8_000_000.0;

/// The rows to put in the DOM for a scroll position.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RowRange {
    /// First row (index into the row list) to render.
    pub first: usize,
    /// One past the last row to render.
    pub end: usize,
    /// Where row `first` goes, in the spacer's coordinates; row `first + k` is `k` rows below.
    pub first_top_px: f64,
    /// The spacer's height.
    pub content_px: f64,
}

struct ScrollMap {
    total_px: f64,
    content_px: f64,
    /// Content pixels per scrolled pixel (1 unless the content is taller than [`MAX_SCROLL_PX`]).
    ratio: f64,
}

fn finite_or_zero(v: f64) -> f64 {
    if v.is_finite() {
        v.max(0.0)
    } else {
        0.0
    }
}

fn scroll_map(row_count: usize, row_px: f64, viewport_px: f64) -> ScrollMap {
    let total_px = row_count as f64 * row_px;
    let content_px = total_px.min(MAX_SCROLL_PX);
    let ratio = if total_px > content_px && content_px > viewport_px {
        (total_px - viewport_px) / (content_px - viewport_px)
    } else {
        1.0
    };
    ScrollMap { total_px, content_px, ratio }
}

/// The rows in view at `scroll_top_px` in a viewport `viewport_px` high, plus `overscan` rows on
/// either side.
pub fn rows_in_view(row_count: usize, row_px: f64, viewport_px: f64, scroll_top_px: f64, overscan: usize) -> RowRange {
    let row_px = if row_px.is_finite() && row_px >= 1.0 { row_px } else { 1.0 };
    let viewport_px = finite_or_zero(viewport_px);
    let map = scroll_map(row_count, row_px, viewport_px);
    let max_top = (map.total_px - viewport_px).max(0.0);
    let scroll_top_px = finite_or_zero(scroll_top_px).min((map.content_px - viewport_px).max(0.0));
    let virtual_top = (scroll_top_px * map.ratio).min(max_top);
    let first_visible = ((virtual_top / row_px).floor() as usize).min(row_count);
    let end_visible = (((virtual_top + viewport_px) / row_px).ceil() as usize).min(row_count);
    let first = first_visible.saturating_sub(overscan);
    let end = end_visible.saturating_add(overscan).min(row_count);
    let first_top_px = scroll_top_px + first as f64 * row_px - virtual_top;
    RowRange { first, end, first_top_px, content_px: map.content_px }
}

/// How to bring a row into view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScrollTo {
    /// Scroll as little as possible (keyboard navigation).
    Nearest,
    /// Put the row in the middle (jumping to a search match).
    Center,
}

/// The scroll position that shows `row`, or `None` when it is already fully in view (for
/// [`ScrollTo::Nearest`]) or does not exist.
pub fn scroll_top_for_row(
    row_count: usize,
    row_px: f64,
    viewport_px: f64,
    scroll_top_px: f64,
    row: usize,
    how: ScrollTo,
) -> Option<f64> {
    if row >= row_count {
        return None;
    }
    let row_px = if row_px.is_finite() && row_px >= 1.0 { row_px } else { 1.0 };
    let viewport_px = finite_or_zero(viewport_px);
    let map = scroll_map(row_count, row_px, viewport_px);
    let virtual_top = finite_or_zero(scroll_top_px) * map.ratio;
    let row_top = row as f64 * row_px;
    let row_bottom = row_top + row_px;
    let fully_visible = row_top >= virtual_top && row_bottom <= virtual_top + viewport_px;
    let target = match how {
        ScrollTo::Nearest if fully_visible => return None,
        ScrollTo::Nearest if row_top < virtual_top => row_top,
        ScrollTo::Nearest => row_bottom - viewport_px,
        ScrollTo::Center => row_top + row_px / 2.0 - viewport_px / 2.0,
    };
    let target = target.clamp(0.0, (map.total_px - viewport_px).max(0.0));
    let top = (target / map.ratio).floor();
    (how == ScrollTo::Nearest || (top - finite_or_zero(scroll_top_px)).abs() >= 1.0).then_some(top)
}
