//! Search within a trace: the query language people type in the search bar, parsed once into
//! terms and matched against every span in one pass. Depends on `model` and `analysis::tree`.
//!
//! A query is a list of terms separated by spaces; a span matches when every term matches:
//!
//! | term | matches spans |
//! |---|---|
//! | `checkout`, `"read timed out"` | whose name, service, span id, status message, attribute keys or values, or event names contain the text (any case) |
//! | `key=value`, `key!=value` | with a span or resource attribute `key` whose value, as text, is (is not) `value` (any case) |
//! | `key>=1000`, `key<2000` (also `>`, `<=`) | with a span or resource attribute `key` that is a number (or the text of one) in that range |
//! | `service:NAME`, `svc:NAME` | whose service name contains `NAME` |
//! | `name:TEXT` | whose name contains `TEXT` |
//! | `>10ms`, `>=1.5s`, `<200us`, `duration>10ms`, `min:10ms`, `max:1s` | by duration (units `ns`, `us`/`µs`, `ms`, `s`, `m`, `h`) |
//! | `error`, `status:error`, `status:ok`, `status:unset` | by status |
//! | `kind:server` (client, producer, consumer, internal, unspecified) | by span kind |
//! | `log:TEXT` | with a log line whose message, fields, level text or logger contain the text (any case) |
//! | `level:error` (trace, debug, info, warn, fatal), `level:>=warn`, `level:<info` | with a log line of that level (or in that range) |
//!
//! Double quotes keep spaces and operators inside one text term (`"a=b"` is text). A term that
//! cannot be read (`>10xs`) is left out, and [`SearchResult::error`] says why.
//!
//! Matching is O(spans + attributes) per query. Strings are interned, so whether a text term
//! occurs in a string is decided once per distinct string and memoised by [`StrId`]; attribute
//! keys are resolved to ids once; numbers are formatted on the stack. Nothing allocates per span.

mod matchers;

use matchers::Matcher;
use strand_analysis::tree::SpanTree;
use strand_model::time::{parse_duration_ns, BareNumber};
use strand_model::{Interner, Level, SpanKind, StatusCode, Trace};

pub mod help;
pub(crate) mod logs;

/// The outcome of a search in one trace.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchResult {
    /// Matching spans in tree order.
    pub matches: Vec<u32>,
    /// Per span index: does it match?
    pub is_match: Vec<bool>,
    /// Per span index: a match or an ancestor of one (what "matches only" keeps). Empty when the
    /// query is empty.
    pub keep: Vec<bool>,
    /// A problem with the query, for people (e.g. `"10xs" is not a duration`).
    pub error: Option<String>,
}

/// Searches `trace` for `query`. A blank query (or one whose every term is unreadable) gives
/// empty vectors: nothing is searched, nothing is filtered.
pub fn search(strings: &Interner, trace: &Trace, tree: &SpanTree, query: &str) -> SearchResult {
    let (is_match, error) = match_spans(strings, trace, query);
    if is_match.is_empty() {
        return SearchResult { error, ..SearchResult::default() };
    }
    let n = is_match.len();
    let matches: Vec<u32> =
        tree.preorder.iter().copied().filter(|&i| is_match.get(i as usize).copied().unwrap_or(false)).collect();
    // Matches and their ancestors. A walk stops at the first span already kept, so every span
    // is visited at most once overall (and a parent cycle, were there one, ends the walk too).
    let mut keep = vec![false; n];
    for &idx in &matches {
        let mut current = idx;
        loop {
            match keep.get_mut(current as usize) {
                Some(slot) if !*slot => *slot = true,
                _ => break,
            }
            match trace.span(current) {
                Some(span) if span.has_parent() => current = span.parent,
                _ => break,
            }
        }
    }
    SearchResult { matches, is_match, keep, error }
}

/// Per span index of `trace`: does it match `query`? Plus the query's error, if any. Empty
/// when the query has no readable term (then nothing is searched). The tree is not needed.
pub fn match_spans(strings: &Interner, trace: &Trace, query: &str) -> (Vec<bool>, Option<String>) {
    let parsed = parse_query(query);
    let error = (!parsed.errors.is_empty()).then(|| parsed.errors.join(" "));
    if parsed.terms.is_empty() {
        return (Vec::new(), error);
    }
    let mut matchers: Vec<Matcher> = parsed.terms.iter().map(|t| Matcher::new(strings, trace, t)).collect();
    // Spans are tested in storage order, which reads the span and attribute pools front to
    // back (tree order jumps around in them).
    // Spans are tested in storage order, which reads the span and attribute pools front to back
    // (tree order jumps around in them).
    let is_match = trace
        .spans
        .iter()
        .enumerate()
        .map(|(i, span)| matchers.iter_mut().all(|m| m.matches(strings, trace, i, span)))
        .collect();
    (is_match, error)
}

/// The keys whose value `query` fixes for every span it matches, named as the attribute
/// ranking names them (`service`, `operation`, `kind`, `status`, or an attribute key): a
/// selection made with the query differs from any baseline in these by construction. Negated
/// terms, text, durations and ranges fix nothing.
pub fn fixed_keys(query: &str) -> Vec<String> {
    let mut keys: Vec<String> = parse_query(query)
        .terms
        .iter()
        .filter_map(|term| match term {
            Term::Service(_) => Some("service".to_string()),
            Term::Name(_) => Some("operation".to_string()),
            Term::Status(_) => Some("status".to_string()),
            Term::Kind(_) => Some("kind".to_string()),
            Term::Attr { key, negate: false, .. } if key == "service.name" => Some("service".to_string()),
            Term::Attr { key, negate: false, .. } => Some(key.clone()),
            _ => None,
        })
        .collect();
    strand_model::order::sort(&mut keys);
    keys.dedup();
    keys
}

/// How a duration is compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    Gt,
    Ge,
    Lt,
    Le,
}

impl Cmp {
    fn holds<T: PartialOrd>(self, value: T, bound: T) -> bool {
        match self {
            Cmp::Gt => value > bound,
            Cmp::Ge => value >= bound,
            Cmp::Lt => value < bound,
            Cmp::Le => value <= bound,
        }
    }

    /// `>=`, `<=`, `>` or `<` at the start of `s`, and the rest.
    fn split(s: &str) -> Option<(Cmp, &str)> {
        [(">=", Cmp::Ge), ("<=", Cmp::Le), (">", Cmp::Gt), ("<", Cmp::Lt)]
            .into_iter()
            .find_map(|(op, cmp)| s.strip_prefix(op).map(|rest| (cmp, rest)))
    }
}

/// One term of a query, as typed (texts lowercased where matching ignores case).
#[derive(Clone, Debug, PartialEq)]
enum Term {
    Text(String),
    Attr {
        key: String,
        value: String,
        negate: bool,
    },
    Service(String),
    Name(String),
    Status(StatusCode),
    Kind(SpanKind),
    Duration(Cmp, i64),
    /// A numeric attribute compared with a number: `key>=1000`.
    AttrCmp {
        key: String,
        cmp: Cmp,
        value: f64,
    },
    /// A log line of the span contains the text.
    Log(String),
    /// A log line of the span has this level (`None`: exactly), or one in the range.
    Level(Option<Cmp>, Level),
}

#[derive(Debug, Default, PartialEq)]
struct ParsedQuery {
    terms: Vec<Term>,
    errors: Vec<String>,
}

fn parse_query(query: &str) -> ParsedQuery {
    let mut parsed = ParsedQuery::default();
    for token in tokenize(query) {
        match parse_term(&token) {
            Ok(Some(term)) => parsed.terms.push(term),
            Ok(None) => {}
            Err(message) => parsed.errors.push(message),
        }
    }
    parsed
}

/// A word of the query with its quotes removed; `quote_at` is the byte offset in `text` where
/// the first quoted part began. Operators are only recognised before it.
#[derive(Debug)]
struct Token {
    text: String,
    quote_at: Option<usize>,
}

fn tokenize(query: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut text = String::new();
    let mut quote_at = None;
    let mut in_quote = false;
    let mut started = false;
    for c in query.chars() {
        if c == '"' {
            if quote_at.is_none() {
                quote_at = Some(text.len());
            }
            in_quote = !in_quote;
            started = true;
        } else if c.is_whitespace() && !in_quote {
            if started {
                tokens.push(Token { text: std::mem::take(&mut text), quote_at: quote_at.take() });
                started = false;
            }
        } else {
            text.push(c);
            started = true;
        }
    }
    if started {
        tokens.push(Token { text, quote_at });
    }
    tokens
}

const DURATION_EXAMPLE: &str = "use a number and a unit (ns, µs, ms, s, m, h, d), e.g. >10ms";

fn parse_term(token: &Token) -> Result<Option<Term>, String> {
    let text = token.text.as_str();
    let plain = text.get(..token.quote_at.unwrap_or(text.len())).unwrap_or(text);
    if plain.is_empty() {
        return Ok((!text.is_empty()).then(|| Term::Text(text.to_lowercase())));
    }
    if text.eq_ignore_ascii_case("error") && token.quote_at.is_none() {
        return Ok(Some(Term::Status(StatusCode::Error)));
    }
    let lower = plain.to_ascii_lowercase();
    for prefix in ["duration", "dur", ""] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            if rest.starts_with(['>', '<']) {
                let after_prefix = text.get(prefix.len()..).unwrap_or("");
                return parse_comparison(after_prefix).map(Some);
            }
        }
    }
    let eq = plain.find('=');
    if let Some(term) = attribute_comparison(text, plain, eq) {
        return Ok(Some(term));
    }
    if let Some(colon) = plain.find(':').filter(|&c| eq.is_none_or(|e| c < e)) {
        let field = lower.get(..colon).unwrap_or("");
        let value = text.get(colon + 1..).unwrap_or("");
        let value_quoted = token.quote_at == Some(colon + 1);
        let needs_value =
            |what: &str| format!("\"{field}:\" needs {what} after the colon, e.g. {field}:{}.", example(field));
        let term = match field {
            "service" | "svc" if value.is_empty() => return Err(needs_value("a service name")),
            "service" | "svc" => Term::Service(value.to_lowercase()),
            "name" if value.is_empty() => return Err(needs_value("a span name")),
            "name" => Term::Name(value.to_lowercase()),
            "status" => Term::Status(parse_status(value)?),
            "kind" => match SpanKind::parse(value) {
                Some(kind) if !value_quoted || !value.is_empty() => Term::Kind(kind),
                _ => {
                    return Err(format!(
                    "\"{value}\" is not a span kind: use server, client, producer, consumer, internal or unspecified."
                ))
                }
            },
            "log" | "logs" if value.is_empty() => return Err(needs_value("text to find in log lines")),
            "log" | "logs" => Term::Log(value.to_lowercase()),
            "level" | "lvl" => parse_level(value)?,
            "min" => Term::Duration(Cmp::Ge, parse_duration(value, text)?),
            "max" => Term::Duration(Cmp::Le, parse_duration(value, text)?),
            // Anything else (`http://host`, `ns:thing`) is text.
            _ => return Ok(Some(Term::Text(text.to_lowercase()))),
        };
        return Ok(Some(term));
    }
    if let Some(eq) = eq {
        let key = text.get(..eq).unwrap_or("");
        let (key, negate) = match key.strip_suffix('!') {
            Some(key) => (key, true),
            None => (key, false),
        };
        let value = text.get(eq + 1..).unwrap_or("");
        let op = if negate { "!=" } else { "=" };
        if key.is_empty() {
            return Err(format!("\"{text}\" needs an attribute key before \"{op}\", e.g. http.route{op}/cart."));
        }
        if value.is_empty() && token.quote_at != Some(eq + 1) {
            return Err(format!("\"{text}\" needs a value after \"{op}\" (write {key}{op}\"\" for an empty value)."));
        }
        return Ok(Some(Term::Attr { key: key.to_string(), value: value.to_string(), negate }));
    }
    Ok(Some(Term::Text(text.to_lowercase())))
}

/// `key>=1000` and the like: a key, then a comparison before any `=` other than its own, then a
/// plain number. Anything else (`a<b`, `List<String>`) is left to the other kinds of terms.
fn attribute_comparison(text: &str, plain: &str, eq: Option<usize>) -> Option<Term> {
    let at = plain.find(['<', '>']).filter(|&at| at > 0)?;
    if eq.is_some_and(|e| e < at) || plain.get(..at)?.contains(':') {
        return None;
    }
    let (cmp, number) = Cmp::split(text.get(at..)?)?;
    let value = number.parse::<f64>().ok().filter(|v| v.is_finite())?;
    Some(Term::AttrCmp { key: text.get(..at)?.to_string(), cmp, value })
}

fn example(field: &str) -> &'static str {
    match field {
        "name" => "checkout",
        "log" | "logs" => "timeout",
        _ => "payment",
    }
}

fn parse_status(value: &str) -> Result<StatusCode, String> {
    match value.to_ascii_lowercase().as_str() {
        "error" | "err" => Ok(StatusCode::Error),
        "ok" => Ok(StatusCode::Ok),
        "unset" => Ok(StatusCode::Unset),
        _ => Err(format!("\"{value}\" is not a status: use status:error, status:ok or status:unset.")),
    }
}

/// `error`, `>=warn`, `<info`: a level, or a comparison with one.
fn parse_level(value: &str) -> Result<Term, String> {
    let (cmp, name) = if let Some(rest) = value.strip_prefix(">=") {
        (Some(Cmp::Ge), rest)
    } else if let Some(rest) = value.strip_prefix("<=") {
        (Some(Cmp::Le), rest)
    } else if let Some(rest) = value.strip_prefix('>') {
        (Some(Cmp::Gt), rest)
    } else if let Some(rest) = value.strip_prefix('<') {
        (Some(Cmp::Lt), rest)
    } else {
        (None, value)
    };
    match Level::parse(name) {
        Some(level) if level != Level::Unspecified || cmp.is_none() => Ok(Term::Level(cmp, level)),
        _ => Err(format!(
            "\"{value}\" is not a log level: use level:trace, debug, info, warn, error or fatal, or a range such as level:>=warn."
        )),
    }
}

/// `>10ms`, `>=10ms`, `<10ms`, `<=10ms`.
fn parse_comparison(s: &str) -> Result<Term, String> {
    let Some((cmp, rest)) = Cmp::split(s) else {
        return Err(format!("\"{s}\" is not a comparison: {DURATION_EXAMPLE}."));
    };
    Ok(Term::Duration(cmp, parse_duration(rest, s)?))
}

/// A duration such as `10ms`, `1.5s` or `250µs` in nanoseconds. `term` is the whole term, for
/// the message.
fn parse_duration(s: &str, term: &str) -> Result<i64, String> {
    if s.is_empty() {
        return Err(format!("\"{term}\" needs a duration: {DURATION_EXAMPLE}."));
    }
    parse_duration_ns(s, BareNumber::NeedsUnit).map_err(|e| format!("{e}."))
}

#[cfg(test)]
mod tests;
