//! The counting pass of the attribute ranking ([`super::rank_attributes`]): one pass over the
//! spans of both sets, one hash lookup per (span, attribute) on interned ids.

use super::{bucket, canonical, number, Code, PairKey, RankOptions, BUCKET_MIN_DISTINCT};
use crate::selection::SpanRef;
use hashbrown::HashMap;
use strand_model::dump::value_text;
use strand_model::{Dataset, Interner, KeyValue, Span, StrId, Trace, Value};

#[derive(Clone, Copy, Debug)]
pub(super) struct PairCount {
    pub(super) key: PairKey,
    pub(super) value: Code,
    pub(super) counts: [u64; 2],
    /// A value of [`ID_SPANS`] spans or fewer of an id-like key (see [`Counter::finish`]).
    pub(super) unique: bool,
}

/// A value of this many spans or fewer can be an id.
const ID_SPANS: u64 = 2;

/// The counting pass: pair ids by (key, value), counts per side, and per trace the pair ids of
/// each resource's and scope's attributes.
pub(super) struct Counter<'a> {
    data: &'a Dataset,
    exclude: &'a [PairKey],
    service_name: Option<StrId>,
    ids: HashMap<(PairKey, Code), u32>,
    /// Pairs of a string attribute, by key and value id.
    str_ids: HashMap<u64, u32>,
    counts: Vec<PairCount>,
    /// Values that are neither strings nor numbers, by their text.
    pub(super) texts: Vec<String>,
    text_ids: HashMap<String, u32>,
    /// Per resource / scope of the current trace: its pair ids in `pool` (`None` until met).
    resource_pairs: Vec<Option<(u32, u32)>>,
    scope_pairs: Vec<Option<(u32, u32)>>,
    pool: Vec<u32>,
    /// Pair ids of the span fields that do not depend on the trace, once computed (the inner
    /// `None`: the key is excluded).
    kind_ids: [Option<Option<u32>>; 6],
    status_ids: [Option<Option<u32>>; 3],
    name_ids: HashMap<StrId, Option<u32>>,
    /// Per pair: the number of the last span counted with it, so that a span counts once per
    /// pair however often it carries it (spans are numbered from 1).
    last_span: Vec<u32>,
    span_number: u32,
}

impl<'a> Counter<'a> {
    pub(super) fn new(data: &'a Dataset, options: &'a RankOptions) -> Counter<'a> {
        Counter {
            data,
            exclude: &options.exclude,
            service_name: data.strings.lookup("service.name"),
            ids: HashMap::new(),
            str_ids: HashMap::new(),
            counts: Vec::new(),
            texts: Vec::new(),
            text_ids: HashMap::new(),
            resource_pairs: Vec::new(),
            scope_pairs: Vec::new(),
            pool: Vec::new(),
            kind_ids: [None; 6],
            status_ids: [None; 3],
            name_ids: HashMap::new(),
            last_span: Vec::new(),
            span_number: 0,
        }
    }

    /// Counts the spans of a sorted set on `side`; returns how many there were.
    pub(super) fn add_set(&mut self, set: &[SpanRef], side: usize) -> u64 {
        let mut counted = 0u64;
        let mut current_trace = u32::MAX;
        for r in set {
            let Some(trace) = self.data.traces.get(r.trace as usize) else { continue };
            let Some(span) = trace.span(r.span) else { continue };
            if r.trace != current_trace {
                current_trace = r.trace;
                self.resource_pairs.clear();
                self.resource_pairs.resize(trace.resources.len(), None);
                self.scope_pairs.clear();
                self.scope_pairs.resize(trace.scopes.len(), None);
                self.pool.clear();
            }
            self.count_span(trace, span, side);
            counted += 1;
        }
        counted
    }

    fn count_span(&mut self, trace: &Trace, span: &Span, side: usize) {
        self.span_number = self.span_number.wrapping_add(1).max(1);
        let kind = self.field_id(PairKey::Kind, Code::Kind(span.kind), span.kind as usize);
        let status = self.field_id(PairKey::Status, Code::Status(span.status), span.status as usize);
        let name = match self.name_ids.get(&span.name) {
            Some(&id) => id,
            None => {
                let id = self.pair_id(PairKey::Operation, Code::Str(span.name));
                self.name_ids.insert(span.name, id);
                id
            }
        };
        for id in [kind, status, name].into_iter().flatten() {
            self.bump(id, side);
        }
        for kv in trace.attrs_of(span.attrs) {
            if let Some(id) = self.attr_pair_id(trace, kv) {
                self.bump(id, side);
            }
        }
        // The resource's pairs include the span's service.
        let resource = self.cached_pairs(trace, span.resource as usize, false);
        let scope = self.cached_pairs(trace, span.scope as usize, true);
        for (from, to) in [resource, scope].into_iter().flatten() {
            for i in from..to {
                if let Some(&id) = self.pool.get(i as usize) {
                    self.bump(id, side);
                }
            }
        }
    }

    /// Counts the current span for pair `id` unless it was counted for it already.
    fn bump(&mut self, id: u32, side: usize) {
        let Some(last) = self.last_span.get_mut(id as usize) else { return };
        if *last == self.span_number {
            return;
        }
        *last = self.span_number;
        if let Some(c) = self.counts.get_mut(id as usize).and_then(|p| p.counts.get_mut(side)) {
            *c += 1;
        }
    }

    /// The pair id of a kind or status field, computed once per value (`slot` is its number).
    fn field_id(&mut self, key: PairKey, value: Code, slot: usize) -> Option<u32> {
        let cached = match key {
            PairKey::Kind => self.kind_ids.get(slot).copied().flatten(),
            _ => self.status_ids.get(slot).copied().flatten(),
        };
        if let Some(id) = cached {
            return id;
        }
        let id = self.pair_id(key, value);
        let cache = match key {
            PairKey::Kind => self.kind_ids.get_mut(slot),
            _ => self.status_ids.get_mut(slot),
        };
        if let Some(c) = cache {
            *c = Some(id);
        }
        id
    }

    /// The pair ids of resource (or scope) `index` of the current trace, computed once.
    fn cached_pairs(&mut self, trace: &Trace, index: usize, scope: bool) -> Option<(u32, u32)> {
        let cached = if scope { self.scope_pairs.get(index) } else { self.resource_pairs.get(index) };
        if let Some(&Some(range)) = cached {
            return Some(range);
        }
        let attrs: &[KeyValue] = if scope {
            trace.scopes.get(index).map_or(&[], |s| trace.attrs_of(s.attrs))
        } else {
            trace.resources.get(index).map_or(&[], |r| trace.attrs_of(r.attrs))
        };
        let from = u32::try_from(self.pool.len()).unwrap_or(u32::MAX);
        if !scope {
            let service = trace.resources.get(index).map_or(StrId::EMPTY, |r| r.service);
            if let Some(id) = self.pair_id(PairKey::Service, Code::Str(service)) {
                self.pool.push(id);
            }
        }
        for kv in attrs {
            if !scope && Some(kv.key) == self.service_name {
                continue;
            }
            if let Some(id) = self.attr_pair_id(trace, kv) {
                self.pool.push(id);
            }
        }
        let range = (from, u32::try_from(self.pool.len()).unwrap_or(u32::MAX));
        let slot = if scope { self.scope_pairs.get_mut(index) } else { self.resource_pairs.get_mut(index) };
        if let Some(slot) = slot {
            *slot = Some(range);
        }
        Some(range)
    }

    fn attr_pair_id(&mut self, trace: &Trace, kv: &KeyValue) -> Option<u32> {
        let value = match kv.value {
            Value::Str(s) => Code::Str(s),
            Value::Int(i) => Code::Int(i),
            Value::Double(d) => Code::Double(d.to_bits()),
            Value::Bool(b) => Code::Bool(b),
            other => {
                let text = value_text(&self.data.strings, trace, other);
                let next = u32::try_from(self.texts.len()).unwrap_or(u32::MAX);
                let id = *self.text_ids.entry(text.clone()).or_insert(next);
                if id == next {
                    self.texts.push(text);
                }
                Code::Text(id)
            }
        };
        self.pair_id(PairKey::Attr(kv.key), value)
    }

    fn pair_id(&mut self, key: PairKey, value: Code) -> Option<u32> {
        if self.exclude.contains(&key) {
            return None;
        }
        let next = u32::try_from(self.counts.len()).unwrap_or(u32::MAX);
        // Most pairs are a string attribute: one u64 key hashes faster than the general one.
        let id = match (key, value) {
            (PairKey::Attr(k), Code::Str(v)) => {
                *self.str_ids.entry(u64::from(k.0) << 32 | u64::from(v.0)).or_insert(next)
            }
            _ => *self.ids.entry((key, value)).or_insert(next),
        };
        if id == next {
            self.counts.push(PairCount { key, value, counts: [0, 0], unique: false });
            self.last_span.push(0);
        }
        Some(id)
    }

    /// The distinct pairs with numbers in strings read as numbers and many-valued numeric keys
    /// bucketed, merged.
    pub(super) fn finish(&self, strings: &Interner) -> Vec<PairCount> {
        let mut pairs: Vec<PairCount> = self
            .counts
            .iter()
            .map(|p| PairCount { value: canonical(strings, p.value), ..*p })
            .filter(|p| p.counts != [0, 0])
            .collect();
        merge_equal(&mut pairs);
        // Pairs of one key are now neighbours: bucket the values of a key with many numbers.
        for run in key_runs(&pairs) {
            let Some(run) = pairs.get_mut(run) else { continue };
            if run.iter().filter(|p| number(p.value).is_some()).count() > BUCKET_MIN_DISTINCT {
                for p in run.iter_mut() {
                    if let Some(v) = number(p.value) {
                        p.value = bucket(v);
                    }
                }
            }
        }
        merge_equal(&mut pairs);
        // Id-like keys: more than BUCKET_MIN_DISTINCT distinct values (after bucketing), and
        // more than three in four of the spans that carry the key carry a value of ID_SPANS
        // spans or fewer (a request id on one span, or on a client span and its server span).
        // Such values set any small selection apart and say nothing about it.
        for run in key_runs(&pairs) {
            let Some(run) = pairs.get_mut(run) else { continue };
            let spans = |p: &PairCount| p.counts[0] + p.counts[1];
            let all: u64 = run.iter().map(spans).sum();
            let few: u64 = run.iter().map(spans).filter(|&n| n <= ID_SPANS).sum();
            if run.len() > BUCKET_MIN_DISTINCT && 4 * few > 3 * all {
                for p in run.iter_mut() {
                    p.unique = spans(p) <= ID_SPANS;
                }
            }
        }
        pairs
    }
}

/// The ranges of `pairs` (sorted by key) that hold one key each.
fn key_runs(pairs: &[PairCount]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    while let Some(first) = pairs.get(start) {
        let len = pairs.get(start..).map_or(0, |rest| rest.iter().take_while(|p| p.key == first.key).count()).max(1);
        runs.push(start..start + len);
        start += len;
    }
    runs
}

/// Sorts by (key, value) and adds up the counts of equal pairs.
fn merge_equal(pairs: &mut Vec<PairCount>) {
    pairs.sort_unstable_by_key(|p| (p.key, p.value));
    pairs.dedup_by(|later, kept| {
        let same = later.key == kept.key && later.value == kept.value;
        if same {
            kept.counts[0] += later.counts[0];
            kept.counts[1] += later.counts[1];
        }
        same
    });
}
