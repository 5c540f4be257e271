//! Joining the parts of a split document ([`crate::split`]) into what importing the whole
//! document gives. Each part is imported on its own ([`crate::import_part`]), without the steps
//! that need the whole document, and records [`JoinFacts`]: which of its resources (and scopes)
//! stand for ones every part repeats, which span ids it made up, which warnings and counts are the
//! document's rather than the part's. [`Joiner::add`] appends the parts in file order, keeping
//! one of each repeated resource and numbering made-up ids on from the parts before; [`Joiner::
//! finish`] adds what only the whole document knows (the repeated trace object's warnings, the
//! notes with counts, proxy naming) and returns the traces, unassembled.
//!
//! **Invariant:** for every document the split scan cuts, at any element boundaries, importing
//! the parts and joining them, then assembling, gives the dump of `load` of the whole document
//! (`tests/split.rs`). Depends on `model`, `split` and the importers' part hooks.

use super::Imported;
use hashbrown::HashMap;
use std::ops::Range;
use strand_model::{IdMap, Interner, SpanId, TraceId, Warning, WarningKind};

/// Which resources (or scopes) of different parts are one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Shared {
    /// This part's own.
    Own,
    /// From a container every part repeats (its number there), or from entry `n` of the process
    /// map of the trace object every part repeats.
    Head(u32),
    /// Jaeger: a span's inline process, by its content.
    Inline(Vec<u8>),
    /// Jaeger: the resource of spans whose process is unknown (one per trace).
    Unknown,
}

/// A resource (or scope) a part made: its key, the trace warnings made with it, and the bare
/// attribute values it counted (OTLP's note).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Made {
    pub key: Shared,
    pub warnings: Range<u32>,
    pub bare_values: u32,
}

/// Jaeger: the warnings of the trace object around split spans, which the whole document adds
/// once, to the trace the object names if its spans use it, else to that of its first span.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjectWarnings {
    pub warnings: Vec<String>,
    /// The part's trace (index) that is the object's own trace, when one of its spans used it.
    pub home_used: Option<u32>,
    /// The part's trace of the object's first span in the part.
    pub first: Option<u32>,
}

/// What a part's import records for the join. Trace numbers are positions in the part's traces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JoinFacts {
    /// Per trace: one entry per resource, in order.
    pub resources: Vec<Vec<Made>>,
    /// Per trace: one entry per scope, in order.
    pub scopes: Vec<Vec<Made>>,
    /// Spans given a made-up id `(no id #n)`, in the order of `n`: (trace, span).
    pub made_up_ids: Vec<(u32, u32)>,
    /// The trace warning about spans without a trace id, if the part added it: (trace, warning).
    pub missing_trace_warning: Option<(u32, u32)>,
    pub object: Option<ObjectWarnings>,
    /// OTLP: attribute values that were bare JSON values.
    pub bare_values: u64,
    /// JSON lines: the notes of the first skipped lines, how many were skipped and how many
    /// were read.
    pub skipped_notes: Vec<String>,
    pub skipped: u64,
    pub good_lines: u64,
}

impl JoinFacts {
    /// Records what a part made for its trace `pos`.
    pub(crate) fn record(list: &mut Vec<Vec<Made>>, pos: usize, made: Made) {
        if list.len() <= pos {
            list.resize_with(pos + 1, Vec::new);
        }
        if let Some(entries) = list.get_mut(pos) {
            entries.push(made);
        }
    }
}

/// How many skipped lines of a JSON lines file get a note of their own (as `otlp::import_lines`).
pub(crate) const MAX_LINE_NOTES: usize = crate::otlp::MAX_LINE_NOTES;

/// Appends the parts of one document, in file order.
#[derive(Default)]
pub struct Joiner {
    traces: Vec<strand_model::Trace>,
    index: IdMap<TraceId, usize>,
    /// Per joined trace: resource and scope keys seen, to their index.
    resources: Vec<HashMap<Shared, u32>>,
    scopes: Vec<HashMap<Shared, u32>>,
    notes: Vec<String>,
    made_up_ids: u64,
    missing_trace_warned: bool,
    /// The repeated trace object's warnings, and where they go.
    object: Option<(Vec<String>, Option<TraceId>, Option<TraceId>)>,
    bare_values: u64,
    skipped_notes: Vec<String>,
    skipped: u64,
    good_lines: u64,
    proto_names: bool,
    spans: usize,
}

impl Joiner {
    pub fn new(proto_names: bool) -> Joiner {
        Joiner { proto_names, ..Joiner::default() }
    }

    /// Spans joined so far.
    pub fn spans(&self) -> usize {
        self.spans
    }

    /// Appends the next part (its strings in `strings`, the joined traces' interner).
    pub fn add(&mut self, part: Imported, facts: JoinFacts, strings: &mut Interner) {
        let JoinFacts {
            resources,
            scopes,
            made_up_ids,
            missing_trace_warning,
            object,
            bare_values,
            skipped_notes,
            skipped,
            good_lines,
        } = facts;
        self.good_lines += good_lines;
        self.bare_values += bare_values;
        self.skipped += skipped;
        self.skipped_notes.extend(skipped_notes);
        self.notes.extend(part.notes);
        let ids: Vec<TraceId> = part.traces.iter().map(|t| t.trace_id).collect();
        if let Some(object) = object {
            let home = object.home_used.and_then(|t| ids.get(t as usize).copied());
            let first = object.first.and_then(|t| ids.get(t as usize).copied());
            match &mut self.object {
                Some((_, h, f)) => {
                    *h = h.or(home);
                    *f = f.or(first);
                }
                None => self.object = Some((object.warnings, home, first)),
            }
        }
        let mut traces = part.traces;
        let first_made_up = self.made_up_ids;
        for (n, &(t, s)) in made_up_ids.iter().enumerate() {
            let id = strings.intern(&format!("(no id #{})", first_made_up + n as u64 + 1));
            if let Some(span) = traces.get_mut(t as usize).and_then(|tr| tr.spans.get_mut(s as usize)) {
                span.span_id = SpanId::Text(id);
            }
        }
        self.made_up_ids += made_up_ids.len() as u64;
        for (t, mut trace) in traces.into_iter().enumerate() {
            let mut drop_warnings: Vec<u32> = Vec::new();
            if missing_trace_warning.is_some_and(|(mt, _)| mt as usize == t) {
                if self.missing_trace_warned {
                    drop_warnings.extend(missing_trace_warning.map(|(_, w)| w));
                }
                self.missing_trace_warned = true;
            }
            let made = resources.get(t).map_or(&[][..], Vec::as_slice);
            let made_scopes = scopes.get(t).map_or(&[][..], Vec::as_slice);
            self.spans += trace.spans.len();
            self.append(&mut trace, made, made_scopes, &mut drop_warnings);
        }
    }

    /// Appends one trace of a part, keeping one of each repeated resource and scope.
    fn append(
        &mut self,
        trace: &mut strand_model::Trace,
        made: &[Made],
        scopes: &[Made],
        drop_warnings: &mut Vec<u32>,
    ) {
        let pos = match self.index.get(&trace.trace_id) {
            Some(&pos) => pos,
            None => {
                self.index.insert(trace.trace_id, self.traces.len());
                self.traces.push(strand_model::Trace::new(trace.trace_id));
                self.resources.push(HashMap::new());
                self.scopes.push(HashMap::new());
                self.traces.len() - 1
            }
        };
        let (Some(joined), Some(keys), Some(scope_keys)) =
            (self.traces.get_mut(pos), self.resources.get_mut(pos), self.scopes.get_mut(pos))
        else {
            return;
        };
        let resource_map = dedupe(made, trace.resources.len(), keys, joined.resources.len(), drop_warnings);
        for m in made.iter().zip(&resource_map).filter(|(_, (_, kept))| !kept).map(|(m, _)| m) {
            self.bare_values = self.bare_values.saturating_sub(u64::from(m.bare_values));
        }
        let scope_map = dedupe(scopes, trace.scopes.len(), scope_keys, joined.scopes.len(), drop_warnings);
        for m in scopes.iter().zip(&scope_map).filter(|(_, (_, kept))| !kept).map(|(m, _)| m) {
            self.bare_values = self.bare_values.saturating_sub(u64::from(m.bare_values));
        }
        if !drop_warnings.is_empty() {
            drop_warnings.sort_unstable();
            let mut i = 0u32;
            trace.warnings.retain(|_| {
                let keep = drop_warnings.binary_search(&i).is_err();
                i += 1;
                keep
            });
        }
        let first_span = joined.spans.len();
        let (resource_off, scope_off) = (joined.resources.len(), joined.scopes.len());
        joined.append(std::mem::replace(trace, strand_model::Trace::new(trace.trace_id)));
        // `append` moved the part's resources and scopes to the end: point the spans at the
        // kept ones (or the earlier part's), and drop the copies.
        for span in joined.spans.iter_mut().skip(first_span) {
            let r = (span.resource as usize).wrapping_sub(resource_off);
            if let Some(&(to, _)) = resource_map.get(r) {
                span.resource = to;
            }
            if span.scope != u32::MAX {
                let s = (span.scope as usize).wrapping_sub(scope_off);
                if let Some(&(to, _)) = scope_map.get(s) {
                    span.scope = to;
                }
            }
        }
        keep_marked(&mut joined.resources, resource_off, &resource_map);
        keep_marked(&mut joined.scopes, scope_off, &scope_map);
    }

    /// The joined traces (unassembled), with the document's notes; `None` when the document
    /// cannot be used (JSON lines none of which could be read): importing it whole says why.
    pub fn finish(mut self, strings: &mut Interner) -> Option<Imported> {
        if self.skipped > 0 && self.good_lines == 0 {
            return None;
        }
        if let Some((warnings, home, first)) = self.object.take() {
            let target = home.or(first).and_then(|id| self.index.get(&id).copied());
            if let Some(trace) = target.and_then(|pos| self.traces.get_mut(pos)) {
                for w in warnings {
                    trace.warnings.push(Warning::trace(WarningKind::FromSource, w));
                }
            }
        }
        let mut notes = self.notes;
        let shown = self.skipped_notes.len().min(MAX_LINE_NOTES);
        notes.extend(self.skipped_notes.into_iter().take(shown));
        if self.skipped > MAX_LINE_NOTES as u64 {
            notes.push(format!("skipped {} more lines that could not be read", self.skipped - MAX_LINE_NOTES as u64));
        }
        notes.extend(crate::otlp::document_notes(self.proto_names, self.bare_values));
        let mut traces = self.traces;
        if let Some(note) = crate::mesh::name_proxy_spans(&mut traces, strings) {
            notes.push(note);
        }
        Some(Imported { traces, dependencies: Vec::new(), notes })
    }
}

/// For each of `len` resources (or scopes) of a part: its index in the joined trace, and whether
/// it is kept (false: an earlier part made it; its warnings go).
fn dedupe(
    made: &[Made],
    len: usize,
    keys: &mut HashMap<Shared, u32>,
    joined_len: usize,
    drop_warnings: &mut Vec<u32>,
) -> Vec<(u32, bool)> {
    let mut out = Vec::with_capacity(len);
    let mut next = joined_len;
    for i in 0..len {
        let key = made.get(i).map(|m| &m.key);
        let earlier = key.filter(|k| **k != Shared::Own).and_then(|k| keys.get(k).copied());
        match earlier {
            Some(to) => {
                out.push((to, false));
                if let Some(m) = made.get(i) {
                    drop_warnings.extend(m.warnings.clone());
                }
            }
            None => {
                let to = u32::try_from(next).unwrap_or(u32::MAX);
                if let Some(k) = key.filter(|k| **k != Shared::Own) {
                    keys.insert(k.clone(), to);
                }
                out.push((to, true));
                next += 1;
            }
        }
    }
    out
}

/// Keeps, of the items appended at `from`, those marked kept.
fn keep_marked<T>(items: &mut Vec<T>, from: usize, map: &[(u32, bool)]) {
    if map.iter().all(|&(_, kept)| kept) {
        return;
    }
    let mut i = 0usize;
    items.retain(|_| {
        let keep = i < from || map.get(i - from).is_none_or(|&(_, kept)| kept);
        i += 1;
        keep
    });
}

// ---------------------------------------------------------------------------------------------
// Facts as bytes, for the trip from a worker to the page (the `extra` of `model::transfer`).

impl JoinFacts {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Vec::new();
        put_made_lists(&mut w, &self.resources);
        put_made_lists(&mut w, &self.scopes);
        put_u32(&mut w, self.made_up_ids.len());
        for &(t, s) in &self.made_up_ids {
            put(&mut w, t);
            put(&mut w, s);
        }
        match self.missing_trace_warning {
            None => w.push(0),
            Some((t, i)) => {
                w.push(1);
                put(&mut w, t);
                put(&mut w, i);
            }
        }
        match &self.object {
            None => w.push(0),
            Some(o) => {
                w.push(1);
                put_u32(&mut w, o.warnings.len());
                for s in &o.warnings {
                    put_bytes(&mut w, s.as_bytes());
                }
                put_opt(&mut w, o.home_used);
                put_opt(&mut w, o.first);
            }
        }
        w.extend_from_slice(&self.bare_values.to_le_bytes());
        put_u32(&mut w, self.skipped_notes.len());
        for s in &self.skipped_notes {
            put_bytes(&mut w, s.as_bytes());
        }
        w.extend_from_slice(&self.skipped.to_le_bytes());
        w.extend_from_slice(&self.good_lines.to_le_bytes());
        w
    }

    /// Reads what [`JoinFacts::encode`] wrote; `None` if the bytes are not that.
    pub fn decode(bytes: &[u8]) -> Option<JoinFacts> {
        let mut r = Reader { bytes, pos: 0 };
        let resources = r.made_lists()?;
        let scopes = r.made_lists()?;
        let n = r.u32()?;
        let mut made_up_ids = Vec::new();
        for _ in 0..n {
            made_up_ids.push((r.u32()?, r.u32()?));
        }
        let missing_trace_warning = match r.u8()? {
            0 => None,
            _ => Some((r.u32()?, r.u32()?)),
        };
        let object = match r.u8()? {
            0 => None,
            _ => {
                let n = r.u32()?;
                let mut warnings = Vec::new();
                for _ in 0..n {
                    warnings.push(r.string()?);
                }
                Some(ObjectWarnings { warnings, home_used: r.opt()?, first: r.opt()? })
            }
        };
        let bare_values = r.u64()?;
        let n = r.u32()?;
        let mut skipped_notes = Vec::new();
        for _ in 0..n {
            skipped_notes.push(r.string()?);
        }
        let skipped = r.u64()?;
        let good_lines = r.u64()?;
        (r.pos == bytes.len()).then_some(JoinFacts {
            resources,
            scopes,
            made_up_ids,
            missing_trace_warning,
            object,
            bare_values,
            skipped_notes,
            skipped,
            good_lines,
        })
    }
}

pub(crate) fn put(w: &mut Vec<u8>, v: u32) {
    w.extend_from_slice(&v.to_le_bytes());
}

pub(crate) fn put_u32(w: &mut Vec<u8>, n: usize) {
    put(w, u32::try_from(n).unwrap_or(u32::MAX));
}

pub(crate) fn put_bytes(w: &mut Vec<u8>, b: &[u8]) {
    put_u32(w, b.len());
    w.extend_from_slice(b);
}

fn put_opt(w: &mut Vec<u8>, v: Option<u32>) {
    put(w, v.map_or(u32::MAX, |v| v));
}

fn put_made_lists(w: &mut Vec<u8>, lists: &[Vec<Made>]) {
    put_u32(w, lists.len());
    for list in lists {
        put_u32(w, list.len());
        for m in list {
            match &m.key {
                Shared::Own => w.push(0),
                Shared::Head(n) => {
                    w.push(1);
                    put(w, *n);
                }
                Shared::Inline(bytes) => {
                    w.push(2);
                    put_bytes(w, bytes);
                }
                Shared::Unknown => w.push(3),
            }
            put(w, m.warnings.start);
            put(w, m.warnings.end);
            put(w, m.bare_values);
        }
    }
}

pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    pub(crate) fn new(bytes: &[u8]) -> Reader<'_> {
        Reader { bytes, pos: 0 }
    }
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let out = self.bytes.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(out)
    }
    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }
    pub(crate) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    pub(crate) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn opt(&mut self) -> Option<Option<u32>> {
        self.u32().map(|v| (v != u32::MAX).then_some(v))
    }
    pub(crate) fn bytes_field(&mut self) -> Option<Vec<u8>> {
        let n = self.u32()? as usize;
        self.take(n).map(<[u8]>::to_vec)
    }
    pub(crate) fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes_field()?).ok()
    }
    fn made_lists(&mut self) -> Option<Vec<Vec<Made>>> {
        let n = self.u32()?;
        let mut lists = Vec::new();
        for _ in 0..n {
            let m = self.u32()?;
            let mut list = Vec::new();
            for _ in 0..m {
                let key = match self.u8()? {
                    0 => Shared::Own,
                    1 => Shared::Head(self.u32()?),
                    2 => Shared::Inline(self.bytes_field()?),
                    3 => Shared::Unknown,
                    _ => return None,
                };
                list.push(Made { key, warnings: self.u32()?..self.u32()?, bare_values: self.u32()? });
            }
            lists.push(list);
        }
        Some(lists)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_round_trip_through_bytes() {
        let facts = JoinFacts {
            resources: vec![vec![
                Made { key: Shared::Own, warnings: 0..0, bare_values: 0 },
                Made { key: Shared::Head(2), warnings: 1..3, bare_values: 4 },
            ]],
            scopes: vec![vec![], vec![Made { key: Shared::Inline(vec![1, 2]), warnings: 0..0, bare_values: 0 }]],
            made_up_ids: vec![(0, 5), (1, 2)],
            missing_trace_warning: Some((1, 0)),
            object: Some(ObjectWarnings { warnings: vec!["w".into()], home_used: None, first: Some(0) }),
            bare_values: 7,
            skipped_notes: vec!["skipped".into()],
            skipped: 30,
            good_lines: 2,
        };
        assert_eq!(JoinFacts::decode(&facts.encode()), Some(facts.clone()));
        assert_eq!(JoinFacts::decode(&JoinFacts::default().encode()), Some(JoinFacts::default()));
        let bytes = facts.encode();
        assert_eq!(JoinFacts::decode(&bytes[..bytes.len() - 1]), None);
    }
}
