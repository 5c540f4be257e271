//! Log lines in: what the log importers share, and how imported log lines join a dataset.
//! Depends on `model` and the other `formats` modules.
//!
//! Log importers return their lines as traces without spans, one per trace id (lines with no
//! trace id together under the empty id), so that they travel through the import worker's
//! encoding and [`crate::merge`] like spans do. Merging puts each group into the loaded trace
//! with its id, or keeps it in [`Dataset::unmatched_logs`] until such a trace is loaded.
//!
//! A 64-bit trace id (Datadog's `dd.trace_id`, B3's short ids) also matches the one loaded trace
//! whose 128-bit id ends in those 64 bits, when no trace has exactly that id.

pub mod fields;
pub(crate) mod flat;
pub mod json;
pub(crate) mod line_time;
pub mod logfmt;
pub mod parts;
pub mod read;
pub mod record;
pub mod roles;
pub(crate) mod scan;

use hashbrown::HashMap;
use std::hash::BuildHasher;
use strand_model::dump::log_identity;
use strand_model::{Dataset, Interner, Trace, TraceId};

/// Moves waiting lines whose trace is now loaded into it, then places `incoming` log groups:
/// into their loaded trace (whose index goes to `changed`: it must be assembled again, which
/// resolves the lines' spans) or into the unmatched groups. `index` maps loaded trace ids to
/// their positions in `data.traces`. Lines already loaded are not added again
/// ([`drop_known`]); returns how many of `incoming`'s were left out (a waiting line the trace
/// already holds is left out too, uncounted: it was not this import's).
pub(crate) fn attach(
    data: &mut Dataset,
    index: &HashMap<TraceId, usize>,
    incoming: Vec<Trace>,
    changed: &mut Vec<usize>,
) -> usize {
    let mut repeated = 0;
    let mut finder = TraceFinder { index, low64: None };
    let waiting = std::mem::take(&mut data.unmatched_logs);
    // Room for every group at once (the page's memory never shrinks back after doubling).
    let mut unmatched: Vec<Trace> = Vec::with_capacity(waiting.len() + incoming.len());
    for group in waiting {
        match finder.find(&data.traces, group.trace_id) {
            Some(i) => {
                move_into(data, i, group, changed);
            }
            None => unmatched.push(group),
        }
    }
    let mut by_id: HashMap<TraceId, usize> = HashMap::with_capacity(unmatched.len() + incoming.len());
    by_id.extend(unmatched.iter().enumerate().map(|(i, t)| (t.trace_id, i)));
    let mut touched: Vec<usize> = Vec::with_capacity(incoming.len());
    for group in incoming {
        if let Some(i) = finder.find(&data.traces, group.trace_id) {
            repeated += move_into(data, i, group, changed);
            continue;
        }
        let pos = match by_id.get(&group.trace_id) {
            Some(&pos) => {
                if let Some(existing) = unmatched.get_mut(pos) {
                    let mut group = group;
                    repeated += drop_known(&data.strings, existing, &mut group);
                    existing.append(group);
                }
                pos
            }
            None => {
                by_id.insert(group.trace_id, unmatched.len());
                unmatched.push(group);
                unmatched.len() - 1
            }
        };
        touched.push(pos);
    }
    for pos in touched {
        if let Some(group) = unmatched.get_mut(pos) {
            crate::assemble::sort_logs(group);
        }
    }
    unmatched.sort_by_key(|t| t.trace_id);
    data.unmatched_logs = unmatched;
    repeated
}

/// Appends `group` to loaded trace `i`, less the lines it already holds; returns how many.
fn move_into(data: &mut Dataset, i: usize, mut group: Trace, changed: &mut Vec<usize>) -> usize {
    let Dataset { traces, strings, .. } = data;
    let Some(trace) = traces.get_mut(i) else { return 0 };
    let repeated = drop_known(strings, trace, &mut group);
    trace.append(group);
    changed.push(i);
    repeated
}

/// Leaves out of `incoming` the log lines `target` already holds: the same file, or the same
/// lines in another file, loaded again (spans have the same rule: an identical copy is dropped
/// in assembly). A line is the same when everything but its file is
/// ([`strand_model::dump::log_identity`]). Each line of `target` stands for one copy, so a line
/// a file repeats (the same text in the same millisecond) stays as often as the file has it.
/// Returns how many lines were left out; their pool entries stay, unused.
pub(crate) fn drop_known(strings: &Interner, target: &Trace, incoming: &mut Trace) -> usize {
    if target.logs.is_empty() || incoming.logs.is_empty() {
        return 0;
    }
    // Only lines whose time the other side has too can be copies: most merges (another file,
    // other times) end here without writing a line's identity.
    let times = |trace: &Trace| {
        let mut times: Vec<i64> = trace.logs.iter().map(|l| l.time_ns).collect();
        times.sort_unstable();
        times
    };
    let (target_times, incoming_times) = (times(target), times(incoming));
    let in_both = |times: &[i64], t: i64| times.binary_search(&t).is_ok();
    let hasher = hashbrown::DefaultHashBuilder::default();
    let mut text = String::new();
    let mut known: Vec<(u64, u32)> = Vec::new();
    for (i, log) in target.logs.iter().enumerate() {
        if in_both(&incoming_times, log.time_ns) {
            log_identity(&mut text, strings, target, log);
            known.push((hasher.hash_one(text.as_str()), u32::try_from(i).unwrap_or(u32::MAX)));
        }
    }
    if known.is_empty() {
        return 0;
    }
    known.sort_unstable();
    let mut used = vec![false; known.len()];
    // Per run of equal hashes (at its first slot): where its unused slots may start. Copies of
    // one line use their run's slots from the front, so n copies cost n steps, not n².
    let mut first_free: Vec<usize> = (0..known.len()).collect();
    let mut other = String::new();
    let before = incoming.logs.len();
    let logs = std::mem::take(&mut incoming.logs);
    incoming.logs = logs
        .into_iter()
        .filter(|log| {
            if !in_both(&target_times, log.time_ns) {
                return true;
            }
            log_identity(&mut text, strings, incoming, log);
            let hash = hasher.hash_one(text.as_str());
            let run = known.partition_point(|&(h, _)| h < hash);
            let Some(start) = first_free.get_mut(run) else { return true };
            while known.get(*start).is_some_and(|&(h, _)| h == hash) && used.get(*start) == Some(&true) {
                *start += 1;
            }
            for (slot, &(h, i)) in known.iter().enumerate().skip(*start) {
                if h != hash {
                    break;
                }
                let Some(copy) = target.logs.get(i as usize) else { continue };
                if used.get(slot) == Some(&false) {
                    log_identity(&mut other, strings, target, copy);
                    if other == text {
                        if let Some(u) = used.get_mut(slot) {
                            *u = true;
                        }
                        return false;
                    }
                }
            }
            true
        })
        .collect();
    let dropped = before - incoming.logs.len();
    if dropped > 0 {
        keep_used_log_pools(incoming);
    }
    dropped
}

/// Drops the log resources and loggers no line of `trace` refers to any more (their attributes
/// stay in the pool, unused), so that a merge leaves no trace of the lines it left out.
fn keep_used_log_pools(trace: &mut Trace) {
    let mut resources = vec![u32::MAX; trace.log_resources.len()];
    let mut scopes = vec![u32::MAX; trace.log_scopes.len()];
    for log in &trace.logs {
        if let Some(slot) = resources.get_mut(log.resource as usize) {
            *slot = 0;
        }
        if let Some(slot) = scopes.get_mut(log.scope as usize) {
            *slot = 0;
        }
    }
    // Each used entry's new position, in order.
    let renumber = |slots: &mut [u32]| {
        for (next, slot) in slots.iter_mut().filter(|s| **s == 0).enumerate() {
            *slot = u32::try_from(next).unwrap_or(u32::MAX);
        }
    };
    renumber(&mut resources);
    renumber(&mut scopes);
    let mut i = 0;
    trace.log_resources.retain(|_| {
        i += 1;
        resources.get(i - 1).is_some_and(|&n| n != u32::MAX)
    });
    let mut i = 0;
    trace.log_scopes.retain(|_| {
        i += 1;
        scopes.get(i - 1).is_some_and(|&n| n != u32::MAX)
    });
    for log in &mut trace.logs {
        // (An index out of range stays out of range: the lists only shrink.)
        log.resource = resources.get(log.resource as usize).copied().unwrap_or(log.resource);
        log.scope = scopes.get(log.scope as usize).copied().unwrap_or(log.scope);
    }
}

/// Finds the loaded trace of a log group: by exact id, else a 64-bit id by the low half of a
/// 128-bit one (built on first need; an ambiguous half matches nothing).
struct TraceFinder<'a> {
    index: &'a HashMap<TraceId, usize>,
    low64: Option<HashMap<u64, Option<usize>>>,
}

impl TraceFinder<'_> {
    fn find(&mut self, traces: &[Trace], id: TraceId) -> Option<usize> {
        if id.is_empty() {
            return None;
        }
        if let Some(&i) = self.index.get(&id) {
            return Some(i);
        }
        let TraceId::Hex(v) = id else { return None };
        let short = u64::try_from(v).ok()?;
        let low64 = self.low64.get_or_insert_with(|| {
            let mut map: HashMap<u64, Option<usize>> = HashMap::new();
            for (i, trace) in traces.iter().enumerate() {
                if let TraceId::Hex(full) = trace.trace_id {
                    if full > u128::from(u64::MAX) {
                        // The low 64 bits, on purpose.
                        let low = full as u64;
                        map.entry(low).and_modify(|e| *e = None).or_insert(Some(i));
                    }
                }
            }
            map
        });
        low64.get(&short).copied().flatten()
    }
}

#[cfg(test)]
mod repeat_tests;

#[cfg(test)]
pub(crate) mod tests {
    //! What the log importers' tests share.
    use crate::{AssembleOptions, Format};
    use strand_model::Dataset;

    /// A trace of two spans (OTLP JSON): root `eee19b7ec3c1b174` and child `00000000000000c1` in
    /// service `cart`, from 2024-05-01T12:00:00Z for 100 ms; trace id
    /// `5b8efff798038103d269b633813fc60c` (its low 64 bits are 15161849952847513100 in decimal).
    pub(crate) const TRACE: &str = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},
      "scopeSpans":[{"spans":[
        {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"GET /cart","kind":2,
         "startTimeUnixNano":"1714564800000000000","endTimeUnixNano":"1714564800100000000"},
        {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"00000000000000c1","parentSpanId":"eee19b7ec3c1b174",
         "name":"SELECT","kind":3,"startTimeUnixNano":"1714564800010000000","endTimeUnixNano":"1714564800030000000"}]}]}]}"#;

    /// Loads `files` (as `a.log`, `b.log`, …) into one dataset, checking each is detected as
    /// `format`, and returns the canonical dump followed by the loads' notes, or the error.
    pub(crate) fn load_logs(format: Format, files: &[&str]) -> String {
        let mut data = Dataset::new();
        let mut notes = String::new();
        for (i, text) in files.iter().enumerate() {
            let name = format!("{}.log", char::from(b'a' + (i % 26) as u8));
            match crate::load(&mut data, text.as_bytes(), &name, None, &AssembleOptions::default()) {
                Ok((found, summary)) => {
                    if found.is_logs() || found == format {
                        assert_eq!(found, format, "detected format of {name}");
                    }
                    for note in &summary.notes {
                        notes.push_str(&format!("note: {name}: {note}\n"));
                    }
                }
                Err(e) => return format!("error: {e}\n"),
            }
        }
        let counts = data.log_counts();
        format!(
            "{}{notes}lines at a span: {}, in a trace only: {}, unmatched: {}\n",
            strand_model::dump::dump_dataset(&data),
            counts.span,
            counts.trace_only,
            counts.none
        )
    }
}
