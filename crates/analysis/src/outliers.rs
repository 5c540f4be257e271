//! What is different about a selection of spans (as Honeycomb's BubbleUp asks): every attribute
//! value, ranked by how much more often it occurs in the selection than in a baseline. Depends
//! on `model` and `analysis::selection`; never on `view` or the browser.
//!
//! The rules:
//!
//! - **Keys.** Span attributes, resource attributes and scope attributes under their own keys,
//!   plus four fields of every span: `service`, `operation` (the span name), `kind` and `status`.
//!   The resource attribute `service.name` is left out (it is `service`). Keys the caller
//!   excludes (typically those the selection's own query fixes, which differ by construction)
//!   are not ranked.
//! - **Values** are compared by value, and a string that is the canonical text of a number
//!   (`"200"`, `"1.5"`; not `"007"`) counts as that number, so Zipkin's string tags and typed
//!   attributes agree. Bytes, arrays, maps and empty values count by their text.
//! - **Counting.** A span counts once for each (key, value) pair it carries, wherever the pair
//!   comes from. `share = spans with the pair / spans in the set`. A span in both sets counts in
//!   the selection only.
//! - **Bucketing.** A key with more than [`BUCKET_MIN_DISTINCT`] distinct numeric values (over
//!   both sets) has its numeric values counted in 1-2-5 buckets: a positive value `v` falls into
//!   `[b, b')` where `b` is the largest of …, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, … not above `v`
//!   and `b'` the next one (`1500` → `[1000, 2000)`); a negative one into `[-u, -u')` where `u`
//!   is the smallest such number not below `|v|` and `u'` the one before it (`-1500` →
//!   `[-2000, -1000)`); zero stays `0`. Its other values stay as they are.
//! - **Order.** By `selection_share - baseline_share`, largest first; then by selection share,
//!   largest first; then by key and value (keys by text, values numbers first by value, then
//!   text), so equal input gives equal output. Except: the values of one or two spans of an
//!   *id-like* key (more than [`BUCKET_MIN_DISTINCT`] distinct values, and most of its spans,
//!   over three in four, carry such a value: request ids on a span or a client/server pair,
//!   timestamps as text, statements with literals) come after every other pair more common in
//!   the selection, as every small selection has its own and they tell nothing about it.
//!
//! Cost: one pass over the spans of both sets with one hash lookup per (span, attribute), on
//! interned ids without building any string per span (resource and scope attributes are looked
//! up once per trace), then sorting the distinct pairs. Strings are made only for the pairs
//! returned.

use crate::selection::SpanRef;
use serde::Serialize;
use std::cmp::Ordering;
use strand_model::{Dataset, Interner, SpanKind, StatusCode, StrId};

/// A key with more numeric values than this is bucketed (see the module rules).
pub const BUCKET_MIN_DISTINCT: usize = 20;

/// What a pair's key is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PairKey {
    Service,
    Operation,
    Kind,
    Status,
    /// A span, resource or scope attribute.
    Attr(StrId),
}

impl PairKey {
    pub fn text(self, strings: &Interner) -> &str {
        match self {
            PairKey::Service => "service",
            PairKey::Operation => "operation",
            PairKey::Kind => "kind",
            PairKey::Status => "status",
            PairKey::Attr(id) => strings.get(id),
        }
    }

    /// The key a name stands for: the four span fields by name, else an attribute key (`None`
    /// when no loaded string is that key).
    pub fn parse(strings: &Interner, name: &str) -> Option<PairKey> {
        Some(match name {
            "service" => PairKey::Service,
            "operation" => PairKey::Operation,
            "kind" => PairKey::Kind,
            "status" => PairKey::Status,
            other => PairKey::Attr(strings.lookup(other)?),
        })
    }
}

/// A value as counted. `Double` holds the bits of an `f64`; `Text` indexes the ranking's own
/// table of values that are neither strings nor numbers; `Bucket` is a 1-2-5 bucket `[lo, hi)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Code {
    Int(i64),
    Double(u64),
    Bucket(u64, u64),
    Bool(bool),
    Kind(SpanKind),
    Status(StatusCode),
    Str(StrId),
    Text(u32),
}

/// How to select the spans of a pair, for "add it as a filter".
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PairFilter {
    Service {
        name: String,
    },
    Operation {
        name: String,
    },
    Kind {
        kind: &'static str,
    },
    Status {
        status: &'static str,
    },
    /// The attribute `key` has the value whose text is `value`.
    Equals {
        key: String,
        value: String,
    },
    /// The attribute `key` is a number in `from..to` (`from` included, `to` not).
    Range {
        key: String,
        from: f64,
        to: f64,
    },
}

/// One (key, value) pair and how often it occurs on each side.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttributePair {
    pub key: String,
    /// The value as text; a bucket reads `[1000, 2000)`.
    pub value: String,
    pub selection_count: u64,
    pub baseline_count: u64,
    pub selection_share: f64,
    pub baseline_share: f64,
    /// Whether `value` is a bucket of numbers.
    pub bucket: bool,
    /// Whether this is the value of one or two spans, of a key whose values mostly are (an id,
    /// a timestamp, a statement with literals): ranked after the other pairs more common in the
    /// selection.
    pub unique: bool,
    pub filter: PairFilter,
}

impl AttributePair {
    pub fn difference(&self) -> f64 {
        self.selection_share - self.baseline_share
    }
}

/// The ranking: set sizes and the pairs, best first.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AttributeRanking {
    pub selection: u64,
    pub baseline: u64,
    /// Distinct pairs found (before `limit`).
    pub distinct_pairs: u64,
    pub pairs: Vec<AttributePair>,
}

/// Options of [`rank_attributes`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RankOptions {
    /// Keys not to rank.
    pub exclude: Vec<PairKey>,
    /// Return at most this many pairs (all when `None`).
    pub limit: Option<usize>,
}

/// Ranks the attribute values of `selection` against `baseline` (see the module rules).
pub fn rank_attributes(
    data: &Dataset,
    selection: &[SpanRef],
    baseline: &[SpanRef],
    options: &RankOptions,
) -> AttributeRanking {
    let sorted = |refs: &[SpanRef]| {
        let mut v = refs.to_vec();
        // Selections usually come sorted (`spans_where`, search results in dataset order).
        if !v.is_sorted() {
            v.sort_unstable();
        }
        v.dedup();
        v
    };
    let selected = sorted(selection);
    let mut base = sorted(baseline);
    base.retain(|r| selected.binary_search(r).is_err());

    let mut counter = Counter::new(data, options);
    let n_selection = counter.add_set(&selected, 0);
    let n_baseline = counter.add_set(&base, 1);
    let mut pairs = counter.finish(&data.strings);
    let distinct = pairs.len() as u64;

    let share = |count: u64, of: u64| if of > 0 { count as f64 / of as f64 } else { 0.0 };
    let strings = &data.strings;
    let texts = &counter.texts;
    // The pairs more common in the selection, then the id-like ones among them, then the rest:
    // what a panel lists (the first group, then the second) stays a prefix of the ranking.
    let group = |p: &PairCount, s: f64, b: f64| match (s - b > 0.0, p.unique) {
        (true, false) => 0,
        (true, true) => 1,
        (false, _) => 2,
    };
    pairs.sort_by(|x, y| {
        let (sx, bx) = (share(x.counts[0], n_selection), share(x.counts[1], n_baseline));
        let (sy, by) = (share(y.counts[0], n_selection), share(y.counts[1], n_baseline));
        group(x, sx, bx)
            .cmp(&group(y, sy, by))
            .then((sy - by).total_cmp(&(sx - bx)))
            .then(sy.total_cmp(&sx))
            .then_with(|| x.key.text(strings).cmp(y.key.text(strings)))
            .then_with(|| compare_codes(strings, texts, x.value, y.value))
    });
    pairs.truncate(options.limit.unwrap_or(usize::MAX));
    let pairs = pairs
        .iter()
        .map(|p| {
            let (value, filter) = describe(strings, texts, p.key, p.value);
            AttributePair {
                key: p.key.text(strings).to_string(),
                value,
                selection_count: p.counts[0],
                baseline_count: p.counts[1],
                selection_share: share(p.counts[0], n_selection),
                baseline_share: share(p.counts[1], n_baseline),
                bucket: matches!(p.value, Code::Bucket(lo, hi) if lo != hi),
                unique: p.unique,
                filter,
            }
        })
        .collect();
    AttributeRanking { selection: n_selection, baseline: n_baseline, distinct_pairs: distinct, pairs }
}

/// A string that is the canonical text of a number, as that number.
fn canonical(strings: &Interner, value: Code) -> Code {
    let Code::Str(id) = value else { return value };
    let text = strings.get(id);
    let starts_like_a_number = text.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'-');
    if !starts_like_a_number {
        return value;
    }
    if let Ok(i) = text.parse::<i64>() {
        if i.to_string() == text {
            return Code::Int(i);
        }
    }
    match text.parse::<f64>() {
        Ok(d) if d.is_finite() && format!("{d:?}") == text => Code::Double(d.to_bits()),
        _ => value,
    }
}

fn number(value: Code) -> Option<f64> {
    match value {
        Code::Int(i) => Some(i as f64),
        Code::Double(bits) => Some(f64::from_bits(bits)).filter(|d| d.is_finite()),
        _ => None,
    }
}

/// The 1-2-5 bucket of `v` (see the module rules); zero is its own bucket.
fn bucket(v: f64) -> Code {
    let (lo, hi) = bucket_bounds(v);
    Code::Bucket(lo.to_bits(), hi.to_bits())
}

/// `[lo, hi)` of `v`'s 1-2-5 bucket.
pub fn bucket_bounds(v: f64) -> (f64, f64) {
    if v == 0.0 || !v.is_finite() {
        return (0.0, 0.0);
    }
    let (lo, hi) = positive_bucket(v.abs());
    if v > 0.0 {
        return (lo, hi);
    }
    // Negative: [-u, -u') with u the smallest 1-2-5 number not below |v|, u' the one before.
    let u = if lo == v.abs() { lo } else { hi };
    let (below, _) = positive_bucket(u * 0.999_999);
    (-u, -below)
}

/// `[b, b')` for a positive `v`: `b` the largest 1-2-5 number not above `v`, `b'` the next.
fn positive_bucket(v: f64) -> (f64, f64) {
    let mut exponent = v.log10().floor() as i32;
    // Guard against log10 rounding at exact powers of ten.
    if 10f64.powi(exponent) > v {
        exponent -= 1;
    }
    if 10f64.powi(exponent + 1) <= v {
        exponent += 1;
    }
    let p = 10f64.powi(exponent);
    let m = v / p;
    let (a, b) = if m < 2.0 {
        (1.0, 2.0)
    } else if m < 5.0 {
        (2.0, 5.0)
    } else {
        (5.0, 10.0)
    };
    (tidy(a * p), tidy(b * p))
}

/// Rounds away the float noise of `m × 10^e` (0.30000000000000004 → 0.3).
fn tidy(x: f64) -> f64 {
    format!("{x:.12e}").parse().unwrap_or(x)
}

fn compare_codes(strings: &Interner, texts: &[String], x: Code, y: Code) -> Ordering {
    let rank = |c: Code| match c {
        Code::Int(_) | Code::Double(_) | Code::Bucket(..) => 0,
        _ => 1,
    };
    let num = |c: Code| match c {
        Code::Bucket(lo, _) => f64::from_bits(lo),
        other => number(other).unwrap_or(0.0),
    };
    rank(x).cmp(&rank(y)).then_with(|| match rank(x) {
        0 => num(x).total_cmp(&num(y)).then(x.cmp(&y)),
        _ => code_text(strings, texts, x).cmp(&code_text(strings, texts, y)),
    })
}

fn code_text(strings: &Interner, texts: &[String], value: Code) -> String {
    match value {
        Code::Int(i) => i.to_string(),
        Code::Double(bits) => format!("{:?}", f64::from_bits(bits)),
        Code::Bucket(lo, hi) if lo == hi => number_text(f64::from_bits(lo)),
        Code::Bucket(lo, hi) => format!("[{}, {})", number_text(f64::from_bits(lo)), number_text(f64::from_bits(hi))),
        Code::Bool(b) => b.to_string(),
        Code::Kind(k) => k.as_str().to_string(),
        Code::Status(s) => s.as_str().to_string(),
        Code::Str(id) => strings.get(id).to_string(),
        Code::Text(i) => texts.get(i as usize).cloned().unwrap_or_default(),
    }
}

/// A bucket bound as people write it: `1000`, `0.002`, `-50`.
fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The text of a pair's value and the filter that selects it.
fn describe(strings: &Interner, texts: &[String], key: PairKey, value: Code) -> (String, PairFilter) {
    let text = code_text(strings, texts, value);
    let filter = match (key, value) {
        (PairKey::Service, _) => PairFilter::Service { name: text.clone() },
        (PairKey::Operation, _) => PairFilter::Operation { name: text.clone() },
        (PairKey::Kind, Code::Kind(k)) => PairFilter::Kind { kind: k.as_str() },
        (PairKey::Status, Code::Status(s)) => PairFilter::Status { status: s.as_str() },
        (PairKey::Attr(k), Code::Bucket(lo, hi)) if lo != hi => {
            PairFilter::Range { key: strings.get(k).to_string(), from: f64::from_bits(lo), to: f64::from_bits(hi) }
        }
        (key, _) => PairFilter::Equals { key: key.text(strings).to_string(), value: text.clone() },
    };
    (text, filter)
}

mod count;
use count::{Counter, PairCount};

#[cfg(test)]
mod tests;
