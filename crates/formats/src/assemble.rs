//! Assembly: turns the spans an importer decoded into a usable tree, repairing what is wrong
//! and saying so. Runs after every load on each trace that changed, so it must be idempotent:
//! it first undoes its own previous work (skew shifts, placed starts, assembly warnings) and then
//! redoes it.
//!
//! Steps, all iterative and O(n) apart from sorting siblings:
//! 1. drop spans that are exact duplicates of an earlier span (same id and content);
//! 2. resolve each span's parent id to an index: Zipkin-style shared ids (a CLIENT and its
//!    SERVER halves), self-parents, orphans and duplicate ids are handled here;
//! 3. cut parent cycles;
//! 4. place spans that have no start time at their parent's start;
//! 5. undo clock skew between hosts (optional);
//! 6. compute tree order (pre-order, siblings by start) and depth; flag children outside parents;
//! 7. put the trace's log lines in time order and resolve their span ids (`logs.rs`).
//!
//! Depends on `model` only.

use strand_model::tree::SpanTree;
use strand_model::{
    Detail, IdMap, Interner, ParentRelation, Span, SpanId, SpanIdx, SpanKind, StrId, Trace, Value, Warning,
    WarningKind, NO_PARENT,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AssembleOptions {
    /// Shift server spans that lie outside their client span on another host (on by default).
    pub adjust_clock_skew: bool,
}

impl Default for AssembleOptions {
    fn default() -> Self {
        AssembleOptions { adjust_clock_skew: true }
    }
}

/// Assembles one trace in place. See the module docs for what it does.
pub fn assemble(trace: &mut Trace, strings: &Interner, options: &AssembleOptions) {
    undo_previous(trace);
    let mut index = IdGroups::build(&trace.spans);
    if drop_exact_duplicates(trace, strings, &index) {
        index = IdGroups::build(&trace.spans);
    }
    resolve_parents(trace, strings, &index);
    cut_cycles(trace);
    let (mut order, mut depth) = tree_order(trace);
    if place_missing_starts(trace, &order) {
        (order, depth) = tree_order(trace);
    }
    if options.adjust_clock_skew && adjust_clock_skew(trace, strings, &order) {
        (order, depth) = tree_order(trace);
    }
    trace.depth = depth;
    trace.order = order;
    flag_outside_parent(trace);
    compute_bounds(trace);
    logs::resolve_logs(trace);
}

fn undo_previous(trace: &mut Trace) {
    trace.warnings.retain(|w| !w.kind.is_assembly());
    for i in 0..trace.spans.len() {
        let Some(span) = trace.spans.get_mut(i) else { continue };
        if span.skew_ns != 0 {
            let shift = span.skew_ns;
            span.start_ns = span.start_ns.saturating_sub(shift);
            span.skew_ns = 0;
            let events = span.events.as_range();
            if let Some(evs) = trace.events.get_mut(events) {
                for e in evs {
                    e.time_ns = e.time_ns.saturating_sub(shift);
                }
            }
        }
        if let Some(span) = trace.spans.get_mut(i) {
            span.parent = NO_PARENT;
            if span.start_placed {
                span.start_ns = 0;
                span.start_placed = false;
            }
        }
    }
}

/// Spans grouped by span id, with what parent resolution asks of each group. Built with one
/// hash-map entry per span, after which a span's group is an array look-up and a parent id costs
/// one more hash look-up: id hashing was the largest part of assembly, above all in WebAssembly.
struct IdGroups {
    /// Span id → its group.
    ids: IdMap<SpanId, u32>,
    /// The group of each span.
    group_of: Vec<u32>,
    /// The next span of the same group, in file order.
    next: Vec<SpanIdx>,
    groups: Vec<Group>,
}

#[derive(Clone, Copy)]
struct Group {
    len: u32,
    /// The first two spans, in file order.
    first: [SpanIdx; 2],
    /// The first two callee halves (SERVER/CONSUMER or shared).
    callee: [SpanIdx; 2],
    /// The first span that is not a callee half.
    first_caller: SpanIdx,
    last: SpanIdx,
}

impl Group {
    const EMPTY: Group =
        Group { len: 0, first: [NO_PARENT; 2], callee: [NO_PARENT; 2], first_caller: NO_PARENT, last: NO_PARENT };
}

/// Keeps the first two indices put in `two`.
fn keep_two(two: &mut [SpanIdx; 2], i: SpanIdx) {
    if two[0] == NO_PARENT {
        two[0] = i;
    } else if two[1] == NO_PARENT {
        two[1] = i;
    }
}

impl IdGroups {
    fn build(spans: &[Span]) -> IdGroups {
        let mut ids: IdMap<SpanId, u32> = IdMap::with_capacity_and_hasher(spans.len(), Default::default());
        let mut group_of = Vec::with_capacity(spans.len());
        let mut next = vec![NO_PARENT; spans.len()];
        let mut groups: Vec<Group> = Vec::new();
        for (i, span) in spans.iter().enumerate() {
            let i = i as SpanIdx;
            let g = *ids.entry(span.span_id).or_insert_with(|| {
                groups.push(Group::EMPTY);
                u32::try_from(groups.len() - 1).unwrap_or(u32::MAX)
            });
            group_of.push(g);
            let Some(group) = groups.get_mut(g as usize) else { continue };
            if let Some(slot) = next.get_mut(group.last as usize) {
                *slot = i;
            }
            group.last = i;
            group.len += 1;
            keep_two(&mut group.first, i);
            if is_callee_half(span) {
                keep_two(&mut group.callee, i);
            } else if group.first_caller == NO_PARENT {
                group.first_caller = i;
            }
        }
        IdGroups { ids, group_of, next, groups }
    }

    /// The group of span `i`.
    fn of_span(&self, i: usize) -> Option<(u32, &Group)> {
        let g = *self.group_of.get(i)?;
        Some((g, self.groups.get(g as usize)?))
    }

    /// The group of the spans with id `id`, if any span has it.
    fn of_id(&self, id: SpanId) -> Option<(u32, &Group)> {
        let g = *self.ids.get(&id)?;
        Some((g, self.groups.get(g as usize)?))
    }

    /// The spans with id `id`, in file order.
    fn with_id(&self, id: SpanId) -> impl Iterator<Item = SpanIdx> + '_ {
        let first = self.of_id(id).map_or(NO_PARENT, |(_, group)| group.first[0]);
        self.chain(first)
    }

    /// The spans of a group, in file order.
    fn members<'a>(&'a self, group: &Group) -> impl Iterator<Item = SpanIdx> + 'a {
        self.chain(group.first[0])
    }

    /// The spans from `first` on along `next`.
    fn chain(&self, first: SpanIdx) -> impl Iterator<Item = SpanIdx> + '_ {
        let mut cur = first;
        std::iter::from_fn(move || {
            if cur == NO_PARENT {
                return None;
            }
            let out = cur;
            cur = self.next.get(cur as usize).copied().unwrap_or(NO_PARENT);
            Some(out)
        })
    }
}

/// Is `span` the callee half (SERVER or CONSUMER, or marked shared) of an id it shares with a caller?
fn is_callee_half(span: &Span) -> bool {
    span.shared || matches!(span.kind, SpanKind::Server | SpanKind::Consumer)
}

fn resolve_parents(trace: &mut Trace, strings: &Interner, index: &IdGroups) {
    let mut parents = vec![NO_PARENT; trace.spans.len()];
    let mut warnings: Vec<Warning> = Vec::new();
    let mut duplicate_flagged = vec![false; trace.spans.len()];
    let picker = ParentPicker::build(trace, index);

    for (i, span) in trace.spans.iter().enumerate() {
        let idx = i as SpanIdx;
        let Some((_, group)) = index.of_span(i) else { continue };
        let shares_id = group.len > 1;

        // A callee half whose id is shared with a caller half hangs under that caller.
        if shares_id && is_callee_half(span) {
            let caller = Some(group.first_caller).filter(|&j| j != idx && j != NO_PARENT);
            if let Some(caller) = caller {
                if let Some(p) = parents.get_mut(i) {
                    *p = caller;
                }
                continue;
            }
        }
        if shares_id && !duplicate_flagged.get(i).copied().unwrap_or(true) {
            // Several spans carry this id and they are not a caller/callee pair: flag all but the first.
            let members: Vec<SpanIdx> = index.members(group).collect();
            let callers =
                members.iter().filter(|&&j| trace.spans.get(j as usize).is_some_and(|s| !is_callee_half(s))).count();
            let callees = members.len() - callers;
            let clash: &[SpanIdx] = if callees > 0 && callers == 1 { &[] } else { &members };
            for &j in clash.iter().skip(1) {
                if let Some(f) = duplicate_flagged.get_mut(j as usize) {
                    *f = true;
                }
                warnings.push(Warning::span(
                    j,
                    WarningKind::DuplicateSpanId,
                    format!(
                        "another span of this trace has the same id {}; children of that id attach to the first one",
                        span.span_id.display(strings)
                    ),
                ));
            }
            for &j in &members {
                if let Some(f) = duplicate_flagged.get_mut(j as usize) {
                    *f = true;
                }
            }
        }

        let Some(parent_id) = span.parent_id else { continue };
        if parent_id == span.span_id && !shares_id {
            warnings.push(Warning::span(
                idx,
                WarningKind::SelfParent,
                "the span names itself as its parent; it is shown as a root",
            ));
            continue;
        }
        match index.of_id(parent_id).and_then(|(g, group)| picker.pick(g, group, trace.service_of(span), idx)) {
            Some(p) => {
                if let Some(slot) = parents.get_mut(i) {
                    *slot = p;
                }
            }
            None => warnings.push(Warning::span(
                idx,
                WarningKind::Orphan,
                format!("parent span {} is not in this trace; the span is shown as a root", parent_id.display(strings)),
            )),
        }
    }
    for (span, parent) in trace.spans.iter_mut().zip(parents) {
        span.parent = parent;
    }
    trace.warnings.extend(warnings);
}

/// Chooses which span of the parent's id group a child hangs under: a callee half in the child's
/// own service first (children of an RPC run in the server), then any callee half, then the first
/// span (callee halves count only when the id is shared). For each group (and group and service)
/// the first two spans in file order are kept, the second for when the first is the child itself.
struct ParentPicker {
    /// (group, service) → its first two callee halves; only for groups of more than one span.
    callee_in_service: IdMap<(u32, StrId), [SpanIdx; 2]>,
}

impl ParentPicker {
    fn build(trace: &Trace, index: &IdGroups) -> ParentPicker {
        let mut callee_in_service: IdMap<(u32, StrId), [SpanIdx; 2]> = IdMap::default();
        for (i, span) in trace.spans.iter().enumerate() {
            let Some((g, group)) = index.of_span(i) else { continue };
            if group.len > 1 && is_callee_half(span) {
                let slot = callee_in_service.entry((g, trace.service_of(span))).or_insert([NO_PARENT; 2]);
                keep_two(slot, i as SpanIdx);
            }
        }
        ParentPicker { callee_in_service }
    }

    fn pick(&self, g: u32, group: &Group, child_service: StrId, child_idx: SpanIdx) -> Option<SpanIdx> {
        let other = |two: Option<&[SpanIdx; 2]>| {
            two.and_then(|two| two.iter().copied().find(|&j| j != child_idx && j != NO_PARENT))
        };
        let callee = if group.len > 1 {
            other(self.callee_in_service.get(&(g, child_service))).or_else(|| other(Some(&group.callee)))
        } else {
            None
        };
        callee.or_else(|| other(Some(&group.first)))
    }
}

/// Finds cycles in the parent links and cuts each at its earliest-starting span.
fn cut_cycles(trace: &mut Trace) {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let n = trace.spans.len();
    let mut state = vec![NEW; n];
    let mut path: Vec<SpanIdx> = Vec::new();
    for start in 0..n {
        if state.get(start).copied() != Some(NEW) {
            continue;
        }
        path.clear();
        let mut cur = start as SpanIdx;
        loop {
            match state.get(cur as usize).copied() {
                Some(NEW) => {
                    if let Some(s) = state.get_mut(cur as usize) {
                        *s = ON_PATH;
                    }
                    path.push(cur);
                    let parent = trace.spans.get(cur as usize).map_or(NO_PARENT, |s| s.parent);
                    if parent == NO_PARENT {
                        break;
                    }
                    cur = parent;
                }
                Some(ON_PATH) => {
                    // `cur` closes a cycle: the members are path[pos..].
                    let pos = path.iter().position(|&p| p == cur).unwrap_or(0);
                    let members = path.get(pos..).unwrap_or(&[]);
                    let cut = members
                        .iter()
                        .copied()
                        .min_by_key(|&m| trace.spans.get(m as usize).map_or(i64::MAX, |s| s.start_ns))
                        .unwrap_or(cur);
                    if let Some(span) = trace.spans.get_mut(cut as usize) {
                        span.parent = NO_PARENT;
                    }
                    trace.warnings.push(Warning::span(
                        cut,
                        WarningKind::Cycle,
                        format!("parent links formed a cycle of {} spans; this span is shown as a root", members.len()),
                    ));
                    break;
                }
                _ => break,
            }
        }
        for &p in &path {
            if let Some(s) = state.get_mut(p as usize) {
                *s = DONE;
            }
        }
    }
}

/// Pre-order (roots by start, each followed by its subtree, siblings by start) and depths.
fn tree_order(trace: &Trace) -> (Vec<SpanIdx>, Vec<u32>) {
    let tree = SpanTree::from_spans(&trace.spans);
    (tree.preorder, tree.depth)
}

/// Spans without a start time (0) get their parent's start, or the trace's earliest start for
/// roots. Returns whether any span moved. The importer already warned about the missing time.
fn place_missing_starts(trace: &mut Trace, order: &[SpanIdx]) -> bool {
    let earliest = trace.spans.iter().map(|s| s.start_ns).filter(|&t| t != 0).min();
    let Some(earliest) = earliest else { return false };
    let mut moved = false;
    for &i in order {
        let Some(span) = trace.spans.get(i as usize) else { continue };
        if span.start_ns != 0 {
            continue;
        }
        let parent_start = trace.spans.get(span.parent as usize).map(|p| p.start_ns).filter(|&t| t != 0);
        let start = parent_start.unwrap_or(earliest);
        if let Some(span) = trace.spans.get_mut(i as usize) {
            span.start_ns = start;
            span.start_placed = true;
            moved = true;
        }
    }
    moved
}

/// Attribute keys that identify the host a span ran on, in order of preference.
const HOST_KEYS: [&str; 7] = ["host.id", "host.name", "hostname", "ip", "ipv4", "ipv6", "host.ip"];

/// A key per resource naming its host, so that spans on one clock can be told from the others.
/// Falls back to the service name when the resource names no host.
fn host_keys(trace: &Trace, strings: &Interner) -> Vec<String> {
    trace
        .resources
        .iter()
        .map(|r| {
            for key in HOST_KEYS {
                let found = trace.attrs_of(r.attrs).iter().find(|kv| strings.get(kv.key) == key);
                if let Some(kv) = found {
                    let text = match kv.value {
                        Value::Str(s) => strings.get(s).to_string(),
                        other => format!("{other:?}"),
                    };
                    if !text.is_empty() {
                        return format!("{key}={text}");
                    }
                }
            }
            format!("service={}", strings.get(r.service))
        })
        .collect()
}

/// How far a synchronous child on another host must move to undo clock skew against its parent
/// (0: leave it). The rule of Jaeger's adjuster, which Zipkin's agrees with where both apply:
/// - a child that fits inside its parent stays;
/// - a child no longer than its parent that sticks out (starts before it, or ends after it, which
///   positive network latency cannot explain) is centred in it: the difference of the durations
///   is taken as latency, split equally between request and response;
/// - a child longer than its parent moves only when it starts before the parent, and then to the
///   parent's start. A longer child that starts after its parent is a server that carried on
///   after its client gave up (a timeout): real, not skew, so it stays where it is.
pub fn skew_shift(parent_start_ns: i64, parent_duration_ns: i64, child_start_ns: i64, child_duration_ns: i64) -> i64 {
    let parent_end = parent_start_ns.saturating_add(parent_duration_ns);
    let child_end = child_start_ns.saturating_add(child_duration_ns);
    if child_duration_ns > parent_duration_ns {
        return if child_start_ns < parent_start_ns { parent_start_ns.saturating_sub(child_start_ns) } else { 0 };
    }
    if child_start_ns >= parent_start_ns && child_end <= parent_end {
        return 0;
    }
    let latency = parent_duration_ns.saturating_sub(child_duration_ns) / 2;
    parent_start_ns.saturating_add(latency).saturating_sub(child_start_ns)
}

/// Undoes clock skew the way Jaeger's and Zipkin's adjusters do: a synchronous child on another
/// host that does not fit inside its parent is moved so that it is centred in the parent (or
/// starts with it, when it is longer); spans on the child's host below it move with it.
fn adjust_clock_skew(trace: &mut Trace, strings: &Interner, order: &[SpanIdx]) -> bool {
    let hosts = host_keys(trace, strings);
    let host_of = |span: &Span| hosts.get(span.resource as usize).map(String::as_str).unwrap_or("");
    let mut shift = vec![0i64; trace.spans.len()];
    let mut adjusted_any = false;
    let mut warnings = Vec::new();
    for &i in order {
        let Some(span) = trace.spans.get(i as usize) else { continue };
        let Some(parent) = trace.spans.get(span.parent as usize) else { continue };
        let parent_shift = shift.get(span.parent as usize).copied().unwrap_or(0);
        let own = if host_of(span) == host_of(parent) {
            parent_shift
        } else {
            let asynchronous = span.parent_relation == ParentRelation::FollowsFrom
                || matches!(span.kind, SpanKind::Consumer | SpanKind::Producer)
                || matches!(parent.kind, SpanKind::Producer | SpanKind::Consumer);
            if asynchronous || parent.duration_ns <= 0 || span.start_ns == 0 {
                0
            } else {
                let parent_start = parent.start_ns.saturating_add(parent_shift);
                skew_shift(parent_start, parent.duration_ns, span.start_ns, span.duration_ns)
            }
        };
        if own != 0 {
            if let Some(s) = shift.get_mut(i as usize) {
                *s = own;
            }
            warnings.push(Warning::span(i, WarningKind::ClockSkew, Detail::Shifted { by_ns: own }));
            adjusted_any = true;
        }
    }
    for (i, &delta) in shift.iter().enumerate() {
        if delta == 0 {
            continue;
        }
        let Some(span) = trace.spans.get_mut(i) else { continue };
        span.start_ns = span.start_ns.saturating_add(delta);
        span.skew_ns = delta;
        let events = span.events.as_range();
        if let Some(evs) = trace.events.get_mut(events) {
            for e in evs {
                e.time_ns = e.time_ns.saturating_add(delta);
            }
        }
    }
    trace.warnings.extend(warnings);
    adjusted_any
}

fn flag_outside_parent(trace: &mut Trace) {
    let mut warnings = Vec::new();
    for (i, span) in trace.spans.iter().enumerate() {
        let Some(parent) = trace.spans.get(span.parent as usize) else { continue };
        let asynchronous = span.parent_relation == ParentRelation::FollowsFrom
            || matches!(span.kind, SpanKind::Consumer | SpanKind::Producer)
            || matches!(parent.kind, SpanKind::Producer | SpanKind::Consumer);
        if asynchronous {
            continue;
        }
        let before = parent.start_ns.saturating_sub(span.start_ns);
        let after = span.end_ns().saturating_sub(parent.end_ns());
        if before > 0 || after > 0 {
            warnings.push(Warning::span(
                i as SpanIdx,
                WarningKind::OutsideParent,
                Detail::OutsideParent { before_ns: before.max(0), after_ns: after.max(0) },
            ));
        }
    }
    trace.warnings.extend(warnings);
}

fn compute_bounds(trace: &mut Trace) {
    let mut start = i64::MAX;
    let mut end = i64::MIN;
    for span in &trace.spans {
        start = start.min(span.start_ns);
        end = end.max(span.end_ns());
    }
    if trace.spans.is_empty() {
        start = 0;
        end = 0;
    }
    trace.start_ns = start;
    trace.end_ns = end.max(start);
}

mod duplicates;
use duplicates::drop_exact_duplicates;
mod logs;
pub use logs::sort_logs;

#[cfg(test)]
mod tests;
