//! The analytics table's filter language: words match service and operation names; `service:`,
//! `op:`, `kind:` and `resource.KEY=VALUE` match one column; conditions compare a number
//! (`errors>0`, `p99>100ms`, `error-rate>5%`, `self>10%`). All terms must match.

use super::*;

// ---------------------------------------------------------------------------------------------
// Filtering

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Term {
    /// Case-insensitive substring of the service, the operation or `service: operation`.
    Text(String),
    /// Case-insensitive substring of one text column (`service:cart`, `op:GET`, `kind:server`).
    Field(Column, String),
    /// A numeric condition (`errors>0`, `p99>=100ms`, `error-rate>5%`).
    Compare(Column, Op, f64),
    /// `resource.KEY=VALUE` (or `!=`): the services that have (or have no) resource with that
    /// attribute, resolved against the dataset when the filter is made.
    Resource { services: BTreeSet<String>, negate: bool },
}

/// The table filter: whitespace-separated terms that must all match. A term is plain text
/// (matched against service and operation names), `service:TEXT`, `op:TEXT` or `kind:TEXT`, or a
/// condition `COLUMN OP VALUE` with `OP` one of `> >= < <= =` on `count`, `errors`,
/// `error-rate` (a fraction or a percentage: `0.05`, `5%`), `throughput` (per second), `p50`,
/// `p90`, `p99`, `max` (durations with a unit `ns`, `us`, `µs`, `ms`, `s`, `m`; plain numbers are
/// milliseconds) or `self` (like `error-rate`), or `resource.KEY=VALUE` / `resource.KEY!=VALUE`
/// on the services' resource attributes (`resource.k8s.namespace.name=shop`: rows of services
/// with a resource in that namespace; values compared as text). Terms that cannot be read are
/// listed in `problems` and ignored.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RowFilter {
    terms: Vec<Term>,
    pub problems: Vec<String>,
}

impl RowFilter {
    /// The filter without a dataset: `resource.` terms match no service.
    pub fn parse(text: &str) -> RowFilter {
        RowFilter::parse_for(text, None)
    }

    /// The filter, with `resource.` terms resolved against `data`.
    pub fn parse_for(text: &str, data: Option<&Dataset>) -> RowFilter {
        let mut filter = RowFilter::default();
        for word in text.split_whitespace() {
            if let Some(condition) = word.strip_prefix("resource.") {
                match resource_term(condition, data) {
                    Some(term) => filter.terms.push(term),
                    None => filter.problems.push(format!(
                        "“{word}”: write resource.KEY=VALUE or resource.KEY!=VALUE, e.g. resource.k8s.namespace.name=shop"
                    )),
                }
                continue;
            }
            match parse_term(word) {
                Ok(term) => filter.terms.push(term),
                Err(problem) => filter.problems.push(problem),
            }
        }
        filter
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn matches(&self, row: &Row) -> bool {
        self.terms.iter().all(|term| match term {
            Term::Text(t) => {
                let op = row.operation.as_deref().unwrap_or("");
                row.service.to_lowercase().contains(t)
                    || op.to_lowercase().contains(t)
                    || format!("{}: {}", row.service, op).to_lowercase().contains(t)
            }
            Term::Field(column, t) => row.cell(*column).to_lowercase().contains(t),
            Term::Resource { services, negate } => services.contains(&row.service) != *negate,
            Term::Compare(column, op, value) => row.value(*column).is_some_and(|v| match op {
                Op::Lt => v < *value,
                Op::Le => v <= *value,
                Op::Gt => v > *value,
                Op::Ge => v >= *value,
                Op::Eq => (v - value).abs() < 1e-9 * value.abs().max(1.0),
            }),
        })
    }
}

/// `KEY=VALUE` or `KEY!=VALUE` (after `resource.`): the services with a matching resource.
pub(super) fn resource_term(condition: &str, data: Option<&Dataset>) -> Option<Term> {
    let (key, value, negate) = match condition.split_once("!=") {
        Some((key, value)) => (key, value, true),
        None => {
            let (key, value) = condition.split_once('=')?;
            (key, value, false)
        }
    };
    if key.is_empty() {
        return None;
    }
    let mut services = BTreeSet::new();
    if let Some(data) = data {
        if let Some(key) = data.strings.lookup(key) {
            for trace in &data.traces {
                for r in &trace.resources {
                    let attrs = trace.attrs_of(r.attrs);
                    if attrs.iter().any(|kv| kv.key == key && value_text(&data.strings, trace, kv.value) == value) {
                        services.insert(data.strings.get(r.service).to_string());
                    }
                }
            }
        }
    }
    Some(Term::Resource { services, negate })
}

pub(super) fn parse_term(word: &str) -> Result<Term, String> {
    if let Some((field, text)) = word.split_once(':') {
        let column = match field.to_ascii_lowercase().as_str() {
            "service" | "svc" => Some(Column::Service),
            "op" | "operation" | "name" => Some(Column::Operation),
            "kind" => Some(Column::Kind),
            _ => None,
        };
        if let Some(column) = column {
            return Ok(Term::Field(column, text.to_lowercase()));
        }
    }
    let Some(at) = word.find(['<', '>', '=']) else {
        return Ok(Term::Text(word.to_lowercase()));
    };
    let (field, rest) = word.split_at(at);
    let (op, value) = if let Some(v) = rest.strip_prefix(">=") {
        (Op::Ge, v)
    } else if let Some(v) = rest.strip_prefix("<=") {
        (Op::Le, v)
    } else if let Some(v) = rest.strip_prefix('>') {
        (Op::Gt, v)
    } else if let Some(v) = rest.strip_prefix('<') {
        (Op::Lt, v)
    } else {
        (Op::Eq, rest.trim_start_matches('='))
    };
    let key = field.to_ascii_lowercase().replace('_', "-");
    let column = match key.as_str() {
        "rate" | "errorrate" => Some(Column::ErrorRate),
        "share" => Some(Column::SelfShare),
        "duration" => Some(Column::P50),
        other => Column::ALL.into_iter().find(|c| c.numeric() && c.key() == other),
    }
    .ok_or_else(|| {
        format!("“{word}”: unknown column “{field}” (use count, errors, error-rate, throughput, p50, p90, p99, max or self)")
    })?;
    let number = if column.is_duration() {
        duration_ns(value)
    } else if matches!(column, Column::ErrorRate | Column::SelfShare) {
        match value.strip_suffix('%') {
            Some(p) => p.parse::<f64>().ok().map(|p| p / 100.0),
            None => value.parse().ok(),
        }
    } else {
        value.trim_end_matches("/s").parse().ok()
    };
    let number = number.filter(|n| n.is_finite()).ok_or_else(|| {
        if column.is_duration() {
            format!("“{word}”: “{value}” is not a duration (write e.g. 250ms, 1.5s, 40us)")
        } else {
            format!("“{word}”: “{value}” is not a number")
        }
    })?;
    Ok(Term::Compare(column, op, number))
}

/// Positions in `rows` that pass `filter`, in `sort` order (the analysis order without one).
/// Stable: ties keep the analysis order.
pub fn table_order(rows: &[Row], sort: Option<TableSort>, filter: &RowFilter) -> Vec<usize> {
    let mut order: Vec<usize> = rows.iter().enumerate().filter(|(_, r)| filter.matches(r)).map(|(i, _)| i).collect();
    if let Some(sort) = sort {
        strand_model::order::sort_by(&mut order, |&a, &b| match (rows.get(a), rows.get(b)) {
            (Some(x), Some(y)) => sort.directed(compare(x, y, sort.column)).then(a.cmp(&b)),
            _ => a.cmp(&b),
        });
    }
    order
}

/// A duration in the one grammar (`strand_model::time`); a bare number is milliseconds.
fn duration_ns(text: &str) -> Option<f64> {
    strand_model::time::parse_duration_ns(text, strand_model::time::BareNumber::Millis).ok().map(|ns| ns as f64)
}
