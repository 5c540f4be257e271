//! Folding repeated siblings in the waterfall: five or more children of one parent with the same
//! service and span name (the 1,000 `SELECT stock` calls of a loop) show as one row with their
//! count, total, p50 and max, drawn as one band from the first start to the last end, and can be
//! unfolded in place. Also the "critical path only" row filter. Pure; depends on `model`,
//! `analysis` and the rest of `view::waterfall`.
//!
//! The rules:
//!
//! - **Groups.** Among the spans a row filter keeps (all spans without one), the children of one
//!   parent — or the roots — that share service and span name form a group when there are at
//!   least [`FOLD_MIN_SIBLINGS`] of them, whether they are consecutive or not. Members are in
//!   tree order (by start).
//! - **Rows.** With folding on (the default; [`Folds::set_enabled`] is the switch) a folded
//!   group is one row, at the place of its first member; the other members and every member's
//!   subtree are not rows. Unfolding a group shows its members where they are, each with its own
//!   subtree (subject to collapsing as usual). Groups start folded.
//! - **Numbers.** Count, total of the durations, nearest-rank p50, max, error count, and the band
//!   from the earliest start to the latest end of the members.
//! - **Reaching folded spans.** [`Folds::reveal`] unfolds every group that hides a span (the span
//!   is a member other than the first, or lies below a member); with `own_row` it also unfolds the
//!   group whose row the span stands for. Search, critical-path jumps, links and the address use
//!   `own_row: true` ("selecting one unfolds its group"); keyboard moves select a folded row
//!   without unfolding it and use Right to unfold (see [`navigate_folded`]).
//! - **Critical path only** ([`critical_keep`]): the spans with time on the critical path and
//!   their ancestors; a row filter like "matches only", and the two combine with
//!   [`intersect_keep`].
//!
//! Building the groups is O(n) with one hash lookup per span; the row list stays O(n).

use super::{bar_geometry, navigate, parent_row, Bar, Collapse, NavAction, NavKey, RowContext, MAX_EVENT_MARKS};
use hashbrown::HashMap;
use strand_analysis::critical_path::Segment;
use strand_analysis::stats::percentile;
use strand_analysis::tree::SpanTree;
use strand_model::format::thousands as format_thousands;
use strand_model::time::format_duration;
use strand_model::{Span, SpanIdx, StatusCode, StrId, Trace, NO_PARENT};

/// Siblings with the same service and name fold when there are at least this many.
pub const FOLD_MIN_SIBLINGS: usize = 5;

/// Marker for "no group".
const NO_GROUP: u32 = u32::MAX;

/// A run of repeated siblings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoldGroup {
    /// The members' parent ([`NO_PARENT`] for roots).
    pub parent: SpanIdx,
    pub service: StrId,
    pub name: StrId,
    pub count: u32,
    pub total_ns: i64,
    pub p50_ns: i64,
    pub max_ns: i64,
    pub errors: u32,
    /// The band: earliest member start to latest member end.
    pub start_ns: i64,
    pub end_ns: i64,
    /// `members[first..first + count]` of [`Folds`].
    first: u32,
}

/// The fold groups of one trace (for one row filter) and which of them are folded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Folds {
    groups: Vec<FoldGroup>,
    members: Vec<SpanIdx>,
    /// Per span: its group, or [`NO_GROUP`].
    group_of: Vec<u32>,
    folded: Vec<bool>,
    enabled: bool,
}

impl Folds {
    /// No groups (folding does nothing).
    pub fn none(span_count: usize) -> Folds {
        Folds { group_of: vec![NO_GROUP; span_count], enabled: true, ..Folds::default() }
    }

    /// The groups of `trace` among the spans `keep` keeps (all when `None`), each of at least
    /// `min_siblings` members (use [`FOLD_MIN_SIBLINGS`]), all folded, folding on.
    pub fn build(trace: &Trace, tree: &SpanTree, keep: Option<&[bool]>, min_siblings: usize) -> Folds {
        let n = trace.spans.len();
        let kept = |i: SpanIdx| keep.is_none_or(|k| k.get(i as usize).copied().unwrap_or(false));
        let min = min_siblings.max(2);
        let parent_of = |span: &strand_model::Span| if (span.parent as usize) < n { span.parent } else { NO_PARENT };
        // Kept children per parent (roots at `n`): a group's members share a parent, so only
        // the children of a parent with `min` kept children can form one. Most parents have
        // fewer, and their children never reach the hash map below.
        let slot = |parent: SpanIdx| if parent == NO_PARENT { n } else { parent as usize };
        let mut children = vec![0u32; n + 1];
        for (_, span) in trace.spans.iter().enumerate().filter(|&(i, _)| kept(i as SpanIdx)) {
            if let Some(c) = children.get_mut(slot(parent_of(span))) {
                *c += 1;
            }
        }
        let enough = |parent: SpanIdx| children.get(slot(parent)).is_some_and(|&c| c as usize >= min);
        // Candidates: (parent, service, name) → id, counted over the kept spans.
        let mut ids: HashMap<(SpanIdx, StrId, StrId), u32> = HashMap::new();
        let mut candidate = vec![NO_GROUP; n];
        let mut sizes: Vec<u32> = Vec::new();
        for (i, span) in trace.spans.iter().enumerate() {
            let parent = parent_of(span);
            if !kept(i as SpanIdx) || !enough(parent) {
                continue;
            }
            let next = u32::try_from(sizes.len()).unwrap_or(NO_GROUP);
            let id = *ids.entry((parent, trace.service_of(span), span.name)).or_insert(next);
            if id == next {
                sizes.push(0);
            }
            if let Some(size) = sizes.get_mut(id as usize) {
                *size += 1;
            }
            if let Some(slot) = candidate.get_mut(i) {
                *slot = id;
            }
        }
        // Candidates big enough become groups, numbered in tree order of their first member.
        let mut group_id = vec![NO_GROUP; sizes.len()];
        let mut groups: Vec<FoldGroup> = Vec::new();
        let mut group_of = vec![NO_GROUP; n];
        let mut members_of: Vec<Vec<SpanIdx>> = Vec::new();
        for &i in &tree.preorder {
            let c = candidate.get(i as usize).copied().unwrap_or(NO_GROUP);
            if sizes.get(c as usize).is_none_or(|&s| (s as usize) < min) {
                continue;
            }
            let Some(slot) = group_id.get_mut(c as usize) else { continue };
            if *slot == NO_GROUP {
                *slot = u32::try_from(groups.len()).unwrap_or(NO_GROUP);
                let span = trace.span(i);
                groups.push(FoldGroup {
                    parent: span.map_or(NO_PARENT, |s| s.parent),
                    service: span.map_or(StrId::EMPTY, |s| trace.service_of(s)),
                    name: span.map_or(StrId::EMPTY, |s| s.name),
                    count: 0,
                    total_ns: 0,
                    p50_ns: 0,
                    max_ns: 0,
                    errors: 0,
                    start_ns: i64::MAX,
                    end_ns: i64::MIN,
                    first: 0,
                });
                members_of.push(Vec::new());
            }
            if let Some(list) = members_of.get_mut(*slot as usize) {
                list.push(i);
            }
            if let Some(g) = group_of.get_mut(i as usize) {
                *g = *slot;
            }
        }
        let mut members = Vec::new();
        let mut durations = Vec::new();
        for (group, list) in groups.iter_mut().zip(members_of) {
            group.first = u32::try_from(members.len()).unwrap_or(u32::MAX);
            durations.clear();
            for span in list.iter().filter_map(|&m| trace.span(m)) {
                durations.push(span.duration_ns.max(0));
                group.errors += u32::from(span.status == StatusCode::Error);
                group.start_ns = group.start_ns.min(span.start_ns);
                group.end_ns = group.end_ns.max(span.end_ns());
            }
            durations.sort_unstable();
            group.count = u32::try_from(list.len()).unwrap_or(u32::MAX);
            group.total_ns = durations.iter().fold(0i64, |a, &d| a.saturating_add(d));
            group.p50_ns = percentile(&durations, 50.0).unwrap_or(0);
            group.max_ns = durations.last().copied().unwrap_or(0);
            members.extend(list);
        }
        let folded = vec![true; groups.len()];
        Folds { groups, members, group_of, folded, enabled: true }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The switch: with folding off, every group shows unfolded (their own state is kept).
    pub fn set_enabled(&mut self, enabled: bool) {
        self.enabled = enabled;
    }

    pub fn groups(&self) -> &[FoldGroup] {
        &self.groups
    }

    pub fn group(&self, group: u32) -> Option<&FoldGroup> {
        self.groups.get(group as usize)
    }

    /// The members of `group`, in tree order.
    pub fn members(&self, group: u32) -> &[SpanIdx] {
        let Some(g) = self.group(group) else { return &[] };
        self.members.get(g.first as usize..g.first as usize + g.count as usize).unwrap_or(&[])
    }

    /// The group `span` belongs to, folded or not.
    pub fn group_of(&self, span: SpanIdx) -> Option<u32> {
        self.group_of.get(span as usize).copied().filter(|&g| g != NO_GROUP)
    }

    /// Whether `group` shows as one row now.
    pub fn is_folded(&self, group: u32) -> bool {
        self.enabled && self.folded.get(group as usize).copied().unwrap_or(false)
    }

    /// The folded group whose row `span` stands for (it is the group's first member).
    pub fn folded_row(&self, span: SpanIdx) -> Option<u32> {
        let group = self.group_of(span)?;
        (self.is_folded(group) && self.members(group).first() == Some(&span)).then_some(group)
    }

    pub fn set_folded(&mut self, group: u32, folded: bool) {
        if let Some(slot) = self.folded.get_mut(group as usize) {
            *slot = folded;
        }
    }

    pub fn toggle(&mut self, group: u32) {
        let now = self.folded.get(group as usize).copied().unwrap_or(false);
        self.set_folded(group, !now);
    }

    pub fn fold_all(&mut self) {
        self.folded.fill(true);
    }

    pub fn unfold_all(&mut self) {
        self.folded.fill(false);
    }

    /// Unfolds the groups that keep `span` from being a row of its own: a folded group it is a
    /// member of (other than the first, or also the first with `own_row`) and folded groups
    /// with a member above it. Returns whether anything changed.
    pub fn reveal(&mut self, spans: &[Span], span: SpanIdx, own_row: bool) -> bool {
        let mut changed = false;
        if let Some(group) = self.group_of(span) {
            let first = self.members(group).first() == Some(&span);
            if self.is_folded(group) && (own_row || !first) {
                self.set_folded(group, false);
                changed = true;
            }
        }
        let mut current = parent_row(spans, span);
        // Bounded by the span count: a parent cycle (which assembly cuts) cannot loop forever.
        for _ in 0..spans.len() {
            let Some(ancestor) = current else { break };
            if let Some(group) = self.group_of(ancestor).filter(|&g| self.is_folded(g)) {
                self.set_folded(group, false);
                changed = true;
            }
            current = parent_row(spans, ancestor);
        }
        changed
    }
}

/// The rows of the waterfall with folding: like [`super::visible_rows`], but a folded group is
/// one row (its first member's index) and its other members and all their subtrees are not
/// rows. `folds` must be built with the same `keep` mask. O(n).
pub fn visible_rows_folded(tree: &SpanTree, collapse: &Collapse, keep: Option<&[bool]>, folds: &Folds) -> Vec<SpanIdx> {
    let mut rows = Vec::with_capacity(tree.preorder.len());
    let mut pos = 0usize;
    while let Some(&span) = tree.preorder.get(pos) {
        let subtree = tree.subtree_size.get(span as usize).copied().unwrap_or(1).max(1) as usize;
        let kept = keep.is_none_or(|k| k.get(span as usize).copied().unwrap_or(false));
        if !kept {
            pos = pos.saturating_add(subtree);
            continue;
        }
        if let Some(group) = folds.group_of(span).filter(|&g| folds.is_folded(g)) {
            if folds.members(group).first() == Some(&span) {
                rows.push(span);
            }
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

/// Everything a folded row shows.
#[derive(Clone, Debug, PartialEq)]
pub struct FoldRowView {
    pub group: u32,
    /// The first member (the row's index in the row list).
    pub span: SpanIdx,
    pub depth: u32,
    pub service: String,
    pub name: String,
    pub count: u32,
    /// `×1,000`.
    pub count_label: String,
    /// `total 2.30s, p50 2.10ms, max 40.0ms`.
    pub stats: String,
    /// `SELECT stock ×1,000 — total 2.30s, p50 2.10ms, max 40.0ms`.
    pub label: String,
    pub errors: u32,
    /// Members that match the search or have a match below them (from the search's keep mask).
    pub with_matches: u32,
    /// From the first start to the last end, clipped to the window.
    pub band: Option<Bar>,
    /// Where the members (and their subtrees) are on the critical path: per member from its
    /// first to its last segment, merged where they touch (at most [`MAX_EVENT_MARKS`] pieces).
    pub critical: Vec<Bar>,
    pub title: String,
}

/// The view of folded group `group`. `search_keep` is the search's keep mask (a match or an
/// ancestor of one), to count members with matches.
pub fn fold_row_view(
    ctx: &RowContext<'_>,
    folds: &Folds,
    group: u32,
    search_keep: Option<&[bool]>,
) -> Option<FoldRowView> {
    let g = folds.group(group)?;
    let members = folds.members(group);
    let &first = members.first()?;
    let service = ctx.strings.get(g.service).to_string();
    let name = ctx.strings.get(g.name).to_string();
    let count_label = format!("×{}", format_thousands(u64::from(g.count)));
    let stats = format!(
        "total {}, p50 {}, max {}",
        format_duration(g.total_ns),
        format_duration(g.p50_ns),
        format_duration(g.max_ns)
    );
    let label = format!("{name} {count_label} — {stats}");
    let with_matches = search_keep
        .map_or(0, |keep| members.iter().filter(|&&m| keep.get(m as usize).copied().unwrap_or(false)).count() as u32);
    // A member on the critical path holds it from its first to its last own segment (the
    // path stays in its subtree in between, and the folded row stands for that subtree too):
    // one interval per member, however many segments it has.
    let mut intervals: Vec<(i64, i64)> = members
        .iter()
        .filter_map(|&m| {
            let segments = ctx.critical.of(m);
            // A span's segments are disjoint and by start: the last one ends last.
            Some((segments.first()?.start_ns, segments.last()?.end_ns))
        })
        .collect();
    intervals.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::new();
    for (start, end) in intervals {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let critical =
        merged.iter().take(MAX_EVENT_MARKS).filter_map(|&(a, b)| bar_geometry(ctx.window, a, b, ctx.min_bar)).collect();
    let mut title = format!(
        "{service}: {label}\nfrom {} to {}",
        format_duration(g.start_ns.saturating_sub(ctx.trace.start_ns)),
        format_duration(g.end_ns.saturating_sub(ctx.trace.start_ns))
    );
    if g.errors > 0 {
        title.push_str(&format!("\n{} with errors", format_thousands(u64::from(g.errors))));
    }
    Some(FoldRowView {
        group,
        span: first,
        depth: ctx.analysis.tree.depth.get(first as usize).copied().unwrap_or(0),
        service,
        name,
        count: g.count,
        count_label,
        stats,
        label,
        errors: g.errors,
        with_matches,
        band: bar_geometry(ctx.window, g.start_ns, g.end_ns, ctx.min_bar),
        critical,
        title,
    })
}

/// What a navigation key does with folding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldNav {
    /// As without folding.
    Nav(NavAction),
    /// Unfold the group (Right on a folded row).
    Unfold(u32),
    /// Fold the group again and select its row (Left on an unfolded member with nothing to
    /// collapse).
    Fold { group: u32, select: SpanIdx },
}

/// [`super::navigate`] over rows with folded groups: a folded row is a row like any other;
/// Right unfolds it, Left on it goes to the parent; Left on a member of an unfolded group that
/// has nothing to collapse folds the group again (a second Left then goes to the parent).
pub fn navigate_folded(
    rows: &[SpanIdx],
    tree: &SpanTree,
    spans: &[Span],
    collapse: &Collapse,
    folds: &Folds,
    selected: Option<SpanIdx>,
    key: NavKey,
) -> FoldNav {
    let on_row = selected.filter(|s| rows.contains(s));
    if let Some(span) = on_row {
        if let Some(group) = folds.folded_row(span) {
            return match key {
                NavKey::Right => FoldNav::Unfold(group),
                NavKey::Left => FoldNav::Nav(parent_row(spans, span).map_or(NavAction::Nothing, NavAction::Select)),
                _ => FoldNav::Nav(navigate(rows, tree, spans, collapse, selected, key)),
            };
        }
        let can_collapse = !tree.children_of(span).is_empty() && !collapse.is_collapsed(span);
        if key == NavKey::Left && !can_collapse && folds.enabled() {
            if let Some(group) = folds.group_of(span) {
                let select = folds.members(group).first().copied().unwrap_or(span);
                return FoldNav::Fold { group, select };
            }
        }
    }
    FoldNav::Nav(navigate(rows, tree, spans, collapse, selected, key))
}

/// Where the UI should scroll for a span that may be inside a folded group: its own row, or the
/// row of the folded group that contains it or an ancestor. `None` when neither is a row.
pub fn row_for_span(rows: &[SpanIdx], spans: &[Span], folds: &Folds, span: SpanIdx) -> Option<usize> {
    let mut current = Some(span);
    for _ in 0..=spans.len() {
        let s = current?;
        if let Some(pos) = rows.iter().position(|&r| r == s) {
            return Some(pos);
        }
        if let Some(first) = folds.group_of(s).and_then(|g| folds.members(g).first().copied()) {
            if let Some(pos) = rows.iter().position(|&r| r == first) {
                return Some(pos);
            }
        }
        current = parent_row(spans, s);
    }
    None
}

/// The spans with time on the critical path and all their ancestors: the rows of "critical path
/// only" (a keep mask, like the search's).
pub fn critical_keep(trace: &Trace, segments: &[Segment]) -> Vec<bool> {
    let mut keep = vec![false; trace.spans.len()];
    for segment in segments {
        let mut current = segment.span;
        loop {
            match keep.get_mut(current as usize) {
                Some(slot) if !*slot => *slot = true,
                _ => break,
            }
            match trace.span(current) {
                Some(span) if span.has_parent() => current = span.parent,
                _ => break,
            }
        }
    }
    keep
}

/// Both row filters at once (a span kept by both; both masks keep ancestors, so this does too).
/// `None` when neither filters.
pub fn intersect_keep(a: Option<&[bool]>, b: Option<&[bool]>) -> Option<Vec<bool>> {
    match (a, b) {
        (None, None) => None,
        (Some(x), None) | (None, Some(x)) => Some(x.to_vec()),
        (Some(x), Some(y)) => Some(x.iter().zip(y).map(|(&p, &q)| p && q).collect()),
    }
}

#[cfg(test)]
mod tests;
