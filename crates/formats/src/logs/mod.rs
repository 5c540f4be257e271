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
pub mod read;
pub mod record;
pub mod roles;
pub(crate) mod scan;

use hashbrown::HashMap;
use strand_model::{Dataset, Trace, TraceId};

/// Moves waiting lines whose trace is now loaded into it, then places `incoming` log groups:
/// into their loaded trace (whose index goes to `changed`: it must be assembled again, which
/// resolves the lines' spans) or into the unmatched groups. `index` maps loaded trace ids to
/// their positions in `data.traces`.
pub(crate) fn attach(
    data: &mut Dataset,
    index: &HashMap<TraceId, usize>,
    incoming: Vec<Trace>,
    changed: &mut Vec<usize>,
) {
    let mut finder = TraceFinder { index, low64: None };
    let waiting = std::mem::take(&mut data.unmatched_logs);
    let mut unmatched: Vec<Trace> = Vec::with_capacity(waiting.len());
    for group in waiting {
        match finder.find(&data.traces, group.trace_id) {
            Some(i) => move_into(data, i, group, changed),
            None => unmatched.push(group),
        }
    }
    let mut by_id: HashMap<TraceId, usize> = unmatched.iter().enumerate().map(|(i, t)| (t.trace_id, i)).collect();
    let mut touched: Vec<usize> = Vec::new();
    for group in incoming {
        if let Some(i) = finder.find(&data.traces, group.trace_id) {
            move_into(data, i, group, changed);
            continue;
        }
        let pos = match by_id.get(&group.trace_id) {
            Some(&pos) => {
                if let Some(existing) = unmatched.get_mut(pos) {
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
}

fn move_into(data: &mut Dataset, i: usize, group: Trace, changed: &mut Vec<usize>) {
    if let Some(trace) = data.traces.get_mut(i) {
        trace.append(group);
        changed.push(i);
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
