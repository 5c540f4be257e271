//! "What is different about these spans?" as a view model: the spans a filter selects (a search
//! query over every loaded trace, a brush on the analytics histogram or on the trace-list
//! scatter), the baseline (by default the other spans of the same operations), the attribute
//! ranking of `analysis::outliers`, and its rows with both shares and the search term that adds a
//! pair as a filter. `strand-cli outliers` prints the same thing. Depends on `model`,
//! `analysis::{outliers, selection, stats}` and `view::search`.

use crate::search::{fixed_keys, match_spans};
use strand_analysis::outliers::{rank_attributes, AttributeRanking, PairFilter, PairKey, RankOptions};
use strand_analysis::selection::{same_operation_baseline, spans_where, SpanRef};
use strand_analysis::stats::SpanFilter;
use strand_model::format::counted;
use strand_model::time::format_duration;
use strand_model::Dataset;

/// How spans are chosen for a side of the comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum SpanSelector {
    /// The trace search language, applied to every span of every loaded trace.
    Query(String),
    /// A brush on the analytics latency histogram: the spans of an analytics row (or all spans)
    /// lasting `from_ns..=to_ns`.
    Durations { filter: SpanFilter, from_ns: i64, to_ns: i64 },
    /// A brush on the trace-list scatter: every span of the traces that start in
    /// `start_from_ns..=start_to_ns` and last `min_duration_ns..=max_duration_ns`.
    Traces { start_from_ns: i64, start_to_ns: i64, min_duration_ns: i64, max_duration_ns: i64 },
    /// The spans of an analytics row: all, one service's, or one operation's.
    Filter(SpanFilter),
    /// The spans every one of these selects (an empty list selects nothing).
    And(Vec<SpanSelector>),
}

/// The spans a selector chose.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selected {
    pub spans: Vec<SpanRef>,
    /// Keys the selector fixes for every span it chose (see [`fixed_keys`]): the ranking leaves
    /// them out, since they differ from any baseline by construction.
    pub fixed: Vec<String>,
    /// What was selected, for people: the query, or the brushed ranges.
    pub description: String,
    /// A problem with a query (unreadable terms are left out of it).
    pub error: Option<String>,
}

/// The spans `selector` chooses among everything loaded, in dataset order.
pub fn select_spans(data: &Dataset, selector: &SpanSelector) -> Selected {
    match selector {
        SpanSelector::Query(query) => {
            let mut spans = Vec::new();
            let mut error = None;
            for (t, trace) in data.traces.iter().enumerate() {
                let (hits, problem) = match_spans(&data.strings, trace, query);
                error = error.or(problem);
                spans.extend(hits.iter().enumerate().filter(|(_, &hit)| hit).map(|(i, _)| SpanRef::new(t, i as u32)));
            }
            Selected { spans, fixed: fixed_keys(query), description: query.trim().to_string(), error }
        }
        SpanSelector::Durations { filter, from_ns, to_ns } => {
            let spans = spans_where(data, |trace, span| {
                filter.matches(trace.service_of(span), span)
                    && span.duration_ns >= *from_ns
                    && span.duration_ns <= *to_ns
            });
            let description = match filter {
                SpanFilter::All => durations_text(*from_ns, *to_ns),
                _ => format!("{} {}", filter_text(data, filter), durations_text(*from_ns, *to_ns)),
            };
            Selected { spans, fixed: filter_fixed(filter), description, error: None }
        }
        SpanSelector::Traces { start_from_ns, start_to_ns, min_duration_ns, max_duration_ns } => {
            let spans = spans_where(data, |trace, _| {
                let d = trace.duration_ns();
                trace.start_ns >= *start_from_ns
                    && trace.start_ns <= *start_to_ns
                    && d >= *min_duration_ns
                    && d <= *max_duration_ns
            });
            let description = format!(
                "the spans of traces lasting {} to {} in the brushed time",
                format_duration(*min_duration_ns),
                format_duration(*max_duration_ns)
            );
            Selected { spans, fixed: Vec::new(), description, error: None }
        }
        SpanSelector::Filter(filter) => {
            let spans = spans_where(data, |trace, span| filter.matches(trace.service_of(span), span));
            Selected { spans, fixed: filter_fixed(filter), description: filter_text(data, filter), error: None }
        }
        SpanSelector::And(parts) => {
            let mut chosen: Option<Selected> = None;
            for part in parts {
                let next = select_spans(data, part);
                chosen = Some(match chosen {
                    None => next,
                    Some(mut so_far) => {
                        // Both lists are in dataset order: keep what the next one has too.
                        let mut theirs = next.spans.iter().peekable();
                        so_far.spans.retain(|s| {
                            while theirs.next_if(|t| *t < s).is_some() {}
                            theirs.peek() == Some(&s)
                        });
                        so_far.fixed.extend(next.fixed);
                        strand_model::order::sort(&mut so_far.fixed);
                        so_far.fixed.dedup();
                        if !next.description.is_empty() {
                            so_far.description = format!("{}, {}", so_far.description, next.description);
                        }
                        so_far.error = so_far.error.or(next.error);
                        so_far
                    }
                });
            }
            chosen.unwrap_or_default()
        }
    }
}

/// The keys an analytics row fixes for its spans.
fn filter_fixed(filter: &SpanFilter) -> Vec<String> {
    match filter {
        SpanFilter::All => Vec::new(),
        SpanFilter::Service(_) => vec!["service".to_string()],
        SpanFilter::Operation { .. } => ["kind", "operation", "service"].map(str::to_string).to_vec(),
    }
}

/// `all spans`, `the spans of cart`, `the spans of cart GET /cart [server]`.
fn filter_text(data: &Dataset, filter: &SpanFilter) -> String {
    match *filter {
        SpanFilter::All => "all spans".to_string(),
        SpanFilter::Service(s) => format!("the spans of {}", data.strings.get(s)),
        SpanFilter::Operation { service, name, kind } => {
            format!("the spans of {} {} [{}]", data.strings.get(service), data.strings.get(name), kind.as_str())
        }
    }
}

/// `lasting 1.00ms to 2.00ms`, `lasting at least 1.00s`, `lasting at most 1.00µs`.
fn durations_text(from_ns: i64, to_ns: i64) -> String {
    match (from_ns <= 0, to_ns == i64::MAX) {
        (true, true) => "of any duration".to_string(),
        (false, true) => format!("lasting at least {}", format_duration(from_ns)),
        (true, false) => format!("lasting at most {}", format_duration(to_ns)),
        (false, false) => format!("lasting {} to {}", format_duration(from_ns), format_duration(to_ns)),
    }
}

/// A ranking with what each side is.
#[derive(Clone, Debug, PartialEq)]
pub struct Outliers {
    pub ranking: AttributeRanking,
    pub selection: String,
    pub baseline: String,
    /// Problems with the queries.
    pub errors: Vec<String>,
}

/// Ranks what sets the spans `selection` chooses apart from the `baseline` (by default the
/// other spans of the same operations), leaving out the keys the selection fixes; at most
/// `limit` pairs.
pub fn outliers(
    data: &Dataset,
    selection: &SpanSelector,
    baseline: Option<&SpanSelector>,
    limit: Option<usize>,
) -> Outliers {
    let chosen = select_spans(data, selection);
    let (base, base_description, base_error) = match baseline {
        Some(selector) => {
            let b = select_spans(data, selector);
            (b.spans, b.description, b.error)
        }
        None => {
            (same_operation_baseline(data, &chosen.spans), "the other spans of the same operations".to_string(), None)
        }
    };
    let exclude = chosen.fixed.iter().filter_map(|k| PairKey::parse(&data.strings, k)).collect();
    let ranking = rank_attributes(data, &chosen.spans, &base, &RankOptions { exclude, limit });
    Outliers {
        ranking,
        selection: chosen.description,
        baseline: base_description,
        errors: chosen.error.into_iter().chain(base_error).collect(),
    }
}

/// One pair as the panel shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct OutlierRow {
    pub key: String,
    pub value: String,
    pub selection_share: f64,
    pub baseline_share: f64,
    /// `97%`, `3.4%`.
    pub selection_percent: String,
    pub baseline_percent: String,
    /// The difference in percentage points: `+94 pts`.
    pub difference: String,
    /// The search term that selects the pair, to add to the query (see [`add_term`]).
    pub filter_term: String,
    pub title: String,
    /// A value of one or two spans of an id-like key (ranked after the other pairs more common in
    /// the selection, shown dimmed).
    pub unique: bool,
}

/// The panel: both sides' sizes and the rows.
#[derive(Clone, Debug, PartialEq)]
pub struct OutliersView {
    /// `312 spans selected (service:inventory >15ms)`.
    pub selection: String,
    /// `1,024 spans in the baseline (the other spans of the same operations)`.
    pub baseline: String,
    /// The pairs more common in the selection than in the baseline, most different first (pairs
    /// as common or rarer set nothing apart and are left out).
    pub rows: Vec<OutlierRow>,
    /// Whether a longer ranking could show more such pairs (the ranking was cut at its limit and
    /// every pair in it was shown).
    pub more: bool,
    /// Why there is nothing to show, when there is not.
    pub note: Option<String>,
}

/// Said of a pair that is a value of one or two spans of an id-like key.
pub const UNIQUE_NOTE: &str =
    " (a value of one or two spans, of a key whose spans mostly have their own: likely an id, which sets any span apart)";

pub fn outliers_view(result: &Outliers) -> OutliersView {
    let r = &result.ranking;
    let rows: Vec<OutlierRow> = r
        .pairs
        .iter()
        .filter(|p| p.difference() > 0.0)
        .map(|p| OutlierRow {
            key: p.key.clone(),
            value: p.value.clone(),
            selection_share: p.selection_share,
            baseline_share: p.baseline_share,
            selection_percent: percent(p.selection_share),
            baseline_percent: percent(p.baseline_share),
            difference: format!("{:+.0} pts", p.difference() * 100.0),
            filter_term: filter_term(&p.filter),
            title: format!(
                "{}={}: {} of {} selected, {} of {} in the baseline{}",
                p.key,
                p.value,
                p.selection_count,
                r.selection,
                p.baseline_count,
                r.baseline,
                if p.unique { UNIQUE_NOTE } else { "" }
            ),
            unique: p.unique,
        })
        .collect();
    let note = if r.selection == 0 {
        Some("No span is selected.".to_string())
    } else if r.baseline == 0 {
        Some("The baseline is empty: every span of these operations is selected.".to_string())
    } else {
        None
    };
    OutliersView {
        selection: format!("{} selected ({})", counted(r.selection, "span"), result.selection),
        baseline: format!("{} in the baseline ({})", counted(r.baseline, "span"), result.baseline),
        more: (r.pairs.len() as u64) < r.distinct_pairs && rows.len() == r.pairs.len(),
        rows,
        note,
    }
}

/// A share as a percentage: `100%`, `34%`, `3.4%`, `0.05%`, `0%`.
fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p == 0.0 {
        "0%".to_string()
    } else if p >= 10.0 {
        format!("{p:.0}%")
    } else if p >= 1.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.2}%")
    }
}

/// The search term that selects a pair: `service.name=cart`, `name:"GET /"`, `kind:server`,
/// `status:error`, `http.route=/cart`, `size>=1000 size<2000`. Values with spaces are quoted
/// (keys cannot be: the query language reads a quoted start as text).
pub fn filter_term(filter: &PairFilter) -> String {
    match filter {
        PairFilter::Service { name } => format!("service.name={}", quoted(name)),
        PairFilter::Operation { name } => format!("name:{}", quoted(name)),
        PairFilter::Kind { kind } => format!("kind:{kind}"),
        PairFilter::Status { status } => format!("status:{status}"),
        PairFilter::Equals { key, value } => format!("{key}={}", quoted(value)),
        PairFilter::Range { key, from, to } => format!("{key}>={from} {key}<{to}"),
    }
}

/// `text`, in double quotes when it has spaces, is empty, or could be read as an operator
/// (double quotes inside are dropped: the query language has no escape for them).
fn quoted(text: &str) -> String {
    let clean: String = text.chars().filter(|&c| c != '"').collect();
    let plain = !clean.is_empty() && !clean.chars().any(|c| c.is_whitespace() || matches!(c, '=' | ':' | '<' | '>'));
    if plain {
        clean
    } else {
        format!("\"{clean}\"")
    }
}

/// `query` with `term` added (all terms must match), unless it is there already.
pub fn add_term(query: &str, term: &str) -> String {
    let query = query.trim();
    if query.split_whitespace().any(|t| t == term) {
        return query.to_string();
    }
    if query.is_empty() {
        term.to_string()
    } else {
        format!("{query} {term}")
    }
}

mod panel;
pub use panel::*;

#[cfg(test)]
mod tests;
