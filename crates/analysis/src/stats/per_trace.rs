//! Per-trace statistics: spans grouped by service, operation or any attribute value, with count, total, average, min, max, self time and share of the trace.

use super::*;

// ---------------------------------------------------------------------------------------------
// Per-trace statistics

/// How [`trace_stats`] groups spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupBy {
    /// The service of the span's resource.
    Service,
    /// Service and span name.
    Operation,
    /// The value of an attribute: the span's own attribute, else its resource's. Spans that
    /// have it in neither place form one group with value `None`. Values are grouped by their
    /// text (strings unquoted, numbers plain), so `"200"` and `200` are one group.
    Attribute(StrId),
}

/// What a group of spans has in common.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum GroupKey {
    Service {
        service: String,
    },
    Operation {
        service: String,
        operation: String,
    },
    /// `None`: spans without the attribute.
    Attribute {
        value: Option<String>,
    },
}

impl GroupKey {
    /// A one-line label: the service, `service: operation`, or the value (`(none)` when absent).
    pub fn label(&self) -> String {
        match self {
            GroupKey::Service { service } => service.clone(),
            GroupKey::Operation { service, operation } => format!("{service}: {operation}"),
            GroupKey::Attribute { value } => value.clone().unwrap_or_else(|| "(none)".to_string()),
        }
    }
}

/// Durations of one group of spans within one trace.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupStats {
    #[serde(flatten)]
    pub key: GroupKey,
    pub count: u64,
    pub total_ns: i64,
    pub avg_ns: i64,
    pub min_ns: i64,
    pub max_ns: i64,
    pub self_total_ns: i64,
    pub self_avg_ns: i64,
    pub self_min_ns: i64,
    pub self_max_ns: i64,
    /// The group's share of the trace: its self-time total divided by the sum of the self times
    /// of all spans of the trace (0 when that sum is 0). Shares of all groups add up to 1.
    pub share: f64,
}

/// One trace's spans in groups, sorted by self-time total (largest first), then by key.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceStats {
    pub span_count: u64,
    /// Sum of all spans' self times: the denominator of [`GroupStats::share`].
    pub self_total_ns: i64,
    pub groups: Vec<GroupStats>,
}

/// Statistics of one trace's spans grouped by `group_by`. `tree` must be the trace's span tree
/// (self times are computed with [`self_times`]).
pub fn trace_stats(strings: &Interner, trace: &Trace, tree: &SpanTree, group_by: GroupBy) -> TraceStats {
    #[derive(Clone, PartialEq, Eq, Hash)]
    enum RawKey {
        Service(StrId),
        Operation(StrId, StrId),
        Attr(AttrKey),
    }
    let self_ns = self_times(trace, tree);
    let mut index: HashMap<RawKey, usize> = HashMap::new();
    let mut groups: Vec<(RawKey, Acc)> = Vec::new();
    let mut self_total_ns = 0i64;
    for (i, span) in trace.spans.iter().enumerate() {
        let key = match group_by {
            GroupBy::Service => RawKey::Service(trace.service_of(span)),
            GroupBy::Operation => RawKey::Operation(trace.service_of(span), span.name),
            GroupBy::Attribute(attr) => RawKey::Attr(AttrKey::of(strings, trace, span, attr)),
        };
        let self_span = self_ns.get(i).copied().unwrap_or(0);
        self_total_ns = self_total_ns.saturating_add(self_span);
        let g = match index.get(&key) {
            Some(&g) => g,
            None => {
                groups.push((key.clone(), Acc::default()));
                index.insert(key, groups.len() - 1);
                groups.len() - 1
            }
        };
        if let Some((_, acc)) = groups.get_mut(g) {
            acc.add(span.duration_ns, self_span);
        }
    }

    let mut named: Vec<(GroupKey, Acc)> = groups
        .into_iter()
        .map(|(raw, acc)| {
            let key = match raw {
                RawKey::Service(s) => GroupKey::Service { service: strings.get(s).to_string() },
                RawKey::Operation(s, n) => {
                    GroupKey::Operation { service: strings.get(s).to_string(), operation: strings.get(n).to_string() }
                }
                RawKey::Attr(a) => GroupKey::Attribute { value: a.text(strings, trace) },
            };
            (key, acc)
        })
        .collect();
    // Different typed attribute values can read the same ("200" and 200): merge those.
    strand_model::order::sort_by(&mut named, |a, b| a.0.cmp(&b.0));
    let mut merged: Vec<(GroupKey, Acc)> = Vec::with_capacity(named.len());
    for (key, acc) in named {
        match merged.last_mut() {
            Some((last, into)) if *last == key => into.merge(&acc),
            _ => merged.push((key, acc)),
        }
    }

    let mut out: Vec<GroupStats> = merged.into_iter().map(|(key, acc)| acc.finish(key, self_total_ns)).collect();
    strand_model::order::sort_by(&mut out, |a, b| {
        b.self_total_ns.cmp(&a.self_total_ns).then_with(|| a.key.cmp(&b.key))
    });
    TraceStats { span_count: trace.spans.len() as u64, self_total_ns, groups: out }
}

/// A hashable form of an attribute value, for grouping without rendering text per span.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(super) enum AttrKey {
    Missing,
    Str(StrId),
    Int(i64),
    Bool(bool),
    /// The bits of an `f64`.
    Double(u64),
    /// Bytes, arrays, maps and empty values, already as text.
    Text(String),
}

impl AttrKey {
    pub(super) fn of(strings: &Interner, trace: &Trace, span: &Span, key: StrId) -> AttrKey {
        let find = |attrs: &[KeyValue]| attrs.iter().find(|kv| kv.key == key).map(|kv| kv.value);
        let resource_attrs = || trace.resource_of(span).map_or(&[][..], |r| trace.attrs_of(r.attrs));
        let Some(value) = find(trace.attrs_of(span.attrs)).or_else(|| find(resource_attrs())) else {
            return AttrKey::Missing;
        };
        match value {
            Value::Str(s) => AttrKey::Str(s),
            Value::Int(i) => AttrKey::Int(i),
            Value::Bool(b) => AttrKey::Bool(b),
            Value::Double(d) => AttrKey::Double(d.to_bits()),
            other => AttrKey::Text(value_text(strings, trace, other)),
        }
    }

    pub(super) fn text(self, strings: &Interner, trace: &Trace) -> Option<String> {
        Some(match self {
            AttrKey::Missing => return None,
            AttrKey::Str(s) => strings.get(s).to_string(),
            AttrKey::Int(i) => i.to_string(),
            AttrKey::Bool(b) => b.to_string(),
            AttrKey::Double(bits) => value_text(strings, trace, Value::Double(f64::from_bits(bits))),
            AttrKey::Text(t) => t,
        })
    }
}

/// Running totals of one per-trace group.
#[derive(Clone, Copy)]
pub(super) struct Acc {
    pub(super) count: u64,
    pub(super) total_ns: i64,
    pub(super) min_ns: i64,
    pub(super) max_ns: i64,
    pub(super) self_total_ns: i64,
    pub(super) self_min_ns: i64,
    pub(super) self_max_ns: i64,
}

impl Default for Acc {
    fn default() -> Acc {
        Acc {
            count: 0,
            total_ns: 0,
            min_ns: i64::MAX,
            max_ns: i64::MIN,
            self_total_ns: 0,
            self_min_ns: i64::MAX,
            self_max_ns: i64::MIN,
        }
    }
}

impl Acc {
    pub(super) fn add(&mut self, duration_ns: i64, self_ns: i64) {
        self.count += 1;
        self.total_ns = self.total_ns.saturating_add(duration_ns);
        self.min_ns = self.min_ns.min(duration_ns);
        self.max_ns = self.max_ns.max(duration_ns);
        self.self_total_ns = self.self_total_ns.saturating_add(self_ns);
        self.self_min_ns = self.self_min_ns.min(self_ns);
        self.self_max_ns = self.self_max_ns.max(self_ns);
    }

    pub(super) fn merge(&mut self, other: &Acc) {
        self.count += other.count;
        self.total_ns = self.total_ns.saturating_add(other.total_ns);
        self.min_ns = self.min_ns.min(other.min_ns);
        self.max_ns = self.max_ns.max(other.max_ns);
        self.self_total_ns = self.self_total_ns.saturating_add(other.self_total_ns);
        self.self_min_ns = self.self_min_ns.min(other.self_min_ns);
        self.self_max_ns = self.self_max_ns.max(other.self_max_ns);
    }

    pub(super) fn finish(self, key: GroupKey, trace_self_ns: i64) -> GroupStats {
        // Groups are never empty; the guard only keeps the division total.
        let n = i64::try_from(self.count.max(1)).unwrap_or(i64::MAX);
        GroupStats {
            key,
            count: self.count,
            total_ns: self.total_ns,
            avg_ns: self.total_ns / n,
            min_ns: self.min_ns,
            max_ns: self.max_ns,
            self_total_ns: self.self_total_ns,
            self_avg_ns: self.self_total_ns / n,
            self_min_ns: self.self_min_ns,
            self_max_ns: self.self_max_ns,
            share: ratio(self.self_total_ns, trace_self_ns),
        }
    }
}

/// `part / whole`, 0 when `whole` is not positive.
pub(super) fn ratio(part: i64, whole: i64) -> f64 {
    if whole > 0 {
        part as f64 / whole as f64
    } else {
        0.0
    }
}
