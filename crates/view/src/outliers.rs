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
            let fixed = match filter {
                SpanFilter::All => Vec::new(),
                SpanFilter::Service(_) => vec!["service".to_string()],
                SpanFilter::Operation { .. } => ["kind", "operation", "service"].map(str::to_string).to_vec(),
            };
            let description = format!("lasting {} to {}", format_duration(*from_ns), format_duration(*to_ns));
            Selected { spans, fixed, description, error: None }
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
}

/// The panel: both sides' sizes and the rows.
#[derive(Clone, Debug, PartialEq)]
pub struct OutliersView {
    /// `312 spans selected (service:inventory >15ms)`.
    pub selection: String,
    /// `1,024 spans in the baseline (the other spans of the same operations)`.
    pub baseline: String,
    pub rows: Vec<OutlierRow>,
    /// Why there is nothing to show, when there is not.
    pub note: Option<String>,
}

pub fn outliers_view(result: &Outliers) -> OutliersView {
    let r = &result.ranking;
    let rows = r
        .pairs
        .iter()
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
                "{}={}: {} of {} selected, {} of {} in the baseline",
                p.key, p.value, p.selection_count, r.selection, p.baseline_count, r.baseline
            ),
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

#[cfg(test)]
mod tests;
