//! Fragment merging: pieces of one span that a reporter sent separately are merged into one record.

use super::*;

// ---------------------------------------------------------------------------------------------
// Fragment merging

/// Marks a record that was merged into an earlier one.
pub(super) const MERGED_AWAY: u32 = u32::MAX;
/// Records compared per id before giving up: bounds the work on files where thousands of
/// distinct spans share one id.
pub(super) const MAX_CANDIDATES: usize = 256;

/// Merges the pieces of each span into its first piece in file order (see [`compatible`]).
pub(super) fn merge_fragments(c: &mut Collector) {
    let n = c.records.len();
    // Records kept so far with the same (trace id, span id), chained in file order. The table
    // holds (first, last) of each chain and finds it through the records' ids: 8 bytes a slot.
    let mut next = vec![MERGED_AWAY; n];
    let mut index: HashTable<(u32, u32)> = HashTable::with_capacity(n);
    let hasher = DefaultHashBuilder::default();
    let key_of = |r: &Record| r.span_id.map(|id| (r.trace, id));
    for b in 0..n {
        let Some(&fragment) = c.records.get(b) else { continue };
        let Some(key) = key_of(&fragment) else { continue };
        let b32 = u32::try_from(b).unwrap_or(MERGED_AWAY);
        let records = &c.records;
        let hash = hasher.hash_one(key);
        let found = index.find_mut(hash, |&(first, _)| records.get(first as usize).and_then(key_of) == Some(key));
        let Some(slot) = found else {
            index.insert_unique(hash, (b32, b32), |&(first, _)| {
                records.get(first as usize).and_then(key_of).map_or(0, |k| hasher.hash_one(k))
            });
            continue;
        };
        let mut candidate = slot.0;
        let mut target = None;
        for _ in 0..MAX_CANDIDATES {
            let Some(a) = c.records.get(candidate as usize) else {
                break;
            };
            if compatible(a, &fragment) {
                target = Some(candidate);
                break;
            }
            candidate = next.get(candidate as usize).copied().unwrap_or(MERGED_AWAY);
        }
        match target {
            Some(a) => {
                merge_into(c, a as usize, &fragment);
                if let Some(r) = c.records.get_mut(b) {
                    r.merged = MERGED_AWAY;
                }
            }
            None => {
                if let Some(link) = next.get_mut(slot.1 as usize) {
                    *link = b32;
                }
                slot.1 = b32;
            }
        }
    }
}

/// The merge rule. Two spans with the same trace id and span id are pieces of one span when:
/// - their local endpoints name the same service (a missing endpoint or name counts as ""),
///   and their ipv4, ipv6 and port agree where both give one;
/// - at least one has no `kind`, or both have the same kind (so a CLIENT and a SERVER half that
///   share an id stay apart);
/// - at least one has no `timestamp`, or both have the same timestamp and the same `shared` flag
///   (two reports that both carry a start, at different times, are two executions: the 5 SERVER
///   spans under one id in the smartthings samples are Kafka deliveries to different consumers).
///
/// The rule is symmetric: kind-less fragments may come before the span they belong to (they do
/// in smartthings-mobile-web-install, where every fragment precedes its SERVER span).
pub(super) fn compatible(a: &Record, b: &Record) -> bool {
    if a.service() != b.service() {
        return false;
    }
    if a.kind != Kind::Absent && b.kind != Kind::Absent && a.kind != b.kind {
        return false;
    }
    if let (Some(ta), Some(tb)) = (a.start_ns(), b.start_ns()) {
        if ta != tb || a.shared != b.shared {
            return false;
        }
    }
    if let (Some(ea), Some(eb)) = (a.local, b.local) {
        let agrees = |x: StrId, y: StrId| x == StrId::EMPTY || y == StrId::EMPTY || x == y;
        let ports_agree = match (ea.port(), eb.port()) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        };
        if !agrees(ea.ipv4, eb.ipv4) || !agrees(ea.ipv6, eb.ipv6) || !ports_agree {
            return false;
        }
    }
    true
}

/// Merges record `b` into record `a`: fills what `a` lacks (parent id, kind, name, timestamp,
/// duration, endpoint fields), unions tags (the later piece wins a clash), appends annotations
/// not already present, keeps `shared`/`debug` if either piece set them.
pub(super) fn merge_into(c: &mut Collector, a: usize, b: &Record) {
    let Collector { strings, records, tags, annotations, .. } = c;
    let Some(a) = records.get_mut(a) else { return };
    a.parent_id = a.parent_id.or(b.parent_id);
    if a.kind == Kind::Absent {
        a.kind = b.kind;
    }
    if a.name == StrId::EMPTY {
        a.name = b.name;
    }
    if a.start_ns().is_none() {
        a.timestamp = b.timestamp;
    }
    if a.duration.micros_to_ns().is_none() {
        a.duration = b.duration;
    }
    a.local = fill_endpoint(a.local, b.local);
    a.remote = fill_endpoint(a.remote, b.remote);
    a.shared |= b.shared;
    a.debug |= b.debug;
    a.merged = a.merged.saturating_add(1).min(MERGED_AWAY - 1);

    // Pools only grow: the merged lists are appended as new ranges.
    if !b.tags.is_empty() {
        let start = tags.len();
        let own = a.tags.as_range();
        if own.end <= start {
            tags.extend_from_within(own);
        }
        for i in b.tags.as_range() {
            let Some(&(key, value)) = tags.get(i) else { continue };
            match tags.get_mut(start..).and_then(|new| new.iter_mut().find(|(k, _)| *k == key)) {
                Some(existing) => existing.1 = value,
                None => tags.push((key, value)),
            }
        }
        if let Some(new) = tags.get_mut(start..) {
            new.sort_by(|(ka, _), (kb, _)| strings.get(*ka).cmp(strings.get(*kb)));
        }
        a.tags = Range32::from_bounds(start, tags.len());
    }
    if !b.annotations.is_empty() {
        let start = annotations.len();
        let own = a.annotations.as_range();
        if own.end <= start {
            annotations.extend_from_within(own);
        }
        for i in b.annotations.as_range() {
            let Some(&ann) = annotations.get(i) else { continue };
            if !annotations.get(start..).is_some_and(|new| new.contains(&ann)) {
                annotations.push(ann);
            }
        }
        a.annotations = Range32::from_bounds(start, annotations.len());
    }
}

pub(super) fn fill_endpoint(a: Option<Endpoint>, b: Option<Endpoint>) -> Option<Endpoint> {
    let (Some(mut a), Some(b)) = (a, b) else { return a.or(b) };
    let fill = |x: &mut StrId, y: StrId| {
        if *x == StrId::EMPTY {
            *x = y;
        }
    };
    fill(&mut a.service, b.service);
    fill(&mut a.ipv4, b.ipv4);
    fill(&mut a.ipv6, b.ipv6);
    if a.port().is_none() {
        a.port = b.port;
    }
    Some(a)
}
