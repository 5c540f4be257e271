//! Keyboard moves in the waterfall: which row a key selects, collapses or expands.

#[allow(unused_imports)]
use super::*;

// ---------------------------------------------------------------------------------------------
// Keyboard navigation

/// The row above `span` in `rows`.
pub fn row_above(rows: &[SpanIdx], span: SpanIdx) -> Option<SpanIdx> {
    let pos = rows.iter().position(|&r| r == span)?;
    rows.get(pos.checked_sub(1)?).copied()
}

/// The row below `span` in `rows`.
pub fn row_below(rows: &[SpanIdx], span: SpanIdx) -> Option<SpanIdx> {
    let pos = rows.iter().position(|&r| r == span)?;
    rows.get(pos + 1).copied()
}

/// The parent of `span`, if it has one.
pub fn parent_row(spans: &[Span], span: SpanIdx) -> Option<SpanIdx> {
    spans.get(span as usize).map(|s| s.parent).filter(|&p| p != NO_PARENT && (p as usize) < spans.len())
}

/// The first visible child of `span`: the next row, when it is a child.
pub fn first_child_row(rows: &[SpanIdx], spans: &[Span], span: SpanIdx) -> Option<SpanIdx> {
    row_below(rows, span).filter(|&next| parent_row(spans, next) == Some(span))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NavKey {
    Up,
    Down,
    /// Collapse, or go to the parent.
    Left,
    /// Expand, or go to the first child.
    Right,
    Home,
    End,
    /// Up or down by this many rows.
    PageUp(usize),
    PageDown(usize),
}

/// What a navigation key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NavAction {
    Select(SpanIdx),
    Collapse(SpanIdx),
    Expand(SpanIdx),
    Nothing,
}

/// The action for `key` with `selected` as the current row (tree-grid conventions: Left collapses
/// an expanded row or moves to the parent, Right expands a collapsed row or moves to the first
/// child). Without a visible selection, keys start at the first row (Up and End at the last).
pub fn navigate(
    rows: &[SpanIdx],
    tree: &SpanTree,
    spans: &[Span],
    collapse: &Collapse,
    selected: Option<SpanIdx>,
    key: NavKey,
) -> NavAction {
    let select = |row: Option<&SpanIdx>| row.map_or(NavAction::Nothing, |&s| NavAction::Select(s));
    let Some((pos, span)) = selected.and_then(|s| rows.iter().position(|&r| r == s).map(|p| (p, s))) else {
        return match key {
            NavKey::Up | NavKey::End => select(rows.last()),
            _ => select(rows.first()),
        };
    };
    let has_children = !tree.children_of(span).is_empty();
    let last = rows.len().saturating_sub(1);
    let action = match key {
        NavKey::Up => select(pos.checked_sub(1).and_then(|p| rows.get(p))),
        NavKey::Down => select(rows.get(pos + 1)),
        NavKey::Home => select(rows.first()),
        NavKey::End => select(rows.last()),
        NavKey::PageUp(n) => select(rows.get(pos.saturating_sub(n.max(1)))),
        NavKey::PageDown(n) => select(rows.get(pos.saturating_add(n.max(1)).min(last))),
        NavKey::Left if has_children && !collapse.is_collapsed(span) => NavAction::Collapse(span),
        NavKey::Left => parent_row(spans, span).map_or(NavAction::Nothing, NavAction::Select),
        NavKey::Right if has_children && collapse.is_collapsed(span) => NavAction::Expand(span),
        NavKey::Right => first_child_row(rows, spans, span).map_or(NavAction::Nothing, NavAction::Select),
    };
    match action {
        NavAction::Select(s) if s == span => NavAction::Nothing,
        other => other,
    }
}
