//! Search within a trace: the query language people type in the search bar, parsed once into
//! terms and matched against every span in one pass. Depends on `model` and `analysis::tree`.
//!
//! A query is a list of terms separated by spaces; a span matches when every term matches:
//!
//! | term | matches spans |
//! |---|---|
//! | `checkout`, `"read timed out"` | whose name, service, span id, status message, attribute keys or values, or event names contain the text (any case) |
//! | `key=value`, `key!=value` | with a span or resource attribute `key` whose value, as text, is (is not) `value` (any case) |
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

use std::fmt::Write;
use strand_analysis::tree::SpanTree;
use strand_model::dump::value_text;
use strand_model::{Interner, Level, Span, SpanId, SpanKind, StatusCode, StrId, Trace, Value};

mod logs;

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
    let parsed = parse_query(query);
    let error = (!parsed.errors.is_empty()).then(|| parsed.errors.join(" "));
    if parsed.terms.is_empty() {
        return SearchResult { error, ..SearchResult::default() };
    }
    let mut matchers: Vec<Matcher> = parsed.terms.iter().map(|t| Matcher::new(strings, trace, t)).collect();
    // Spans are tested in storage order, which reads the span and attribute pools front to
    // back (tree order jumps around in them), and then listed in tree order.
    let is_match: Vec<bool> = trace
        .spans
        .iter()
        .enumerate()
        .map(|(i, span)| matchers.iter_mut().all(|m| m.matches(strings, trace, i, span)))
        .collect();
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

/// How a duration is compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    Gt,
    Ge,
    Lt,
    Le,
}

impl Cmp {
    fn holds(self, duration_ns: i64, bound_ns: i64) -> bool {
        match self {
            Cmp::Gt => duration_ns > bound_ns,
            Cmp::Ge => duration_ns >= bound_ns,
            Cmp::Lt => duration_ns < bound_ns,
            Cmp::Le => duration_ns <= bound_ns,
        }
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

const DURATION_EXAMPLE: &str = "use a number and a unit (ns, µs, ms, s, m), e.g. >10ms";

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
    let (cmp, rest) = if let Some(rest) = s.strip_prefix(">=") {
        (Cmp::Ge, rest)
    } else if let Some(rest) = s.strip_prefix("<=") {
        (Cmp::Le, rest)
    } else if let Some(rest) = s.strip_prefix('>') {
        (Cmp::Gt, rest)
    } else if let Some(rest) = s.strip_prefix('<') {
        (Cmp::Lt, rest)
    } else {
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
    let number_len = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (number, unit) = s.split_at(number_len);
    let not_a_duration = || format!("\"{s}\" is not a duration: {DURATION_EXAMPLE}.");
    let value: f64 = number.parse().map_err(|_| not_a_duration())?;
    let unit_ns: f64 = match unit.to_ascii_lowercase().as_str() {
        "" => return Err(format!("\"{s}\" needs a unit: ns, µs, ms, s or m (e.g. {s}ms).")),
        "ns" => 1.0,
        "us" | "µs" | "μs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        "m" | "min" => 60e9,
        "h" => 3600e9,
        _ => return Err(not_a_duration()),
    };
    let ns = (value * unit_ns).round();
    if !ns.is_finite() || ns >= i64::MAX as f64 {
        return Err(format!("\"{s}\" is longer than any span can be."));
    }
    Ok(ns as i64)
}

/// A term ready to test spans, with whatever could be worked out once per query.
enum Matcher {
    Text(TextMatcher),
    Attr(AttrMatcher),
    /// Per resource index: does its service match?
    Service(Vec<bool>),
    Name(Memo),
    Status(StatusCode),
    Kind(SpanKind),
    Duration(Cmp, i64),
    /// Per span index: does one of its log lines match? (Worked out once per query.)
    Spans(Vec<bool>),
}

impl Matcher {
    fn new(strings: &Interner, trace: &Trace, term: &Term) -> Matcher {
        match term {
            Term::Text(needle) => Matcher::Text(TextMatcher::new(strings, needle)),
            Term::Attr { key, value, negate } => Matcher::Attr(AttrMatcher::new(strings, trace, key, value, *negate)),
            Term::Service(needle) => Matcher::Service(
                trace.resources.iter().map(|r| contains_ignore_case(strings.get(r.service), needle)).collect(),
            ),
            Term::Name(needle) => Matcher::Name(Memo::new(strings, needle)),
            Term::Status(status) => Matcher::Status(*status),
            Term::Kind(kind) => Matcher::Kind(*kind),
            Term::Duration(cmp, ns) => Matcher::Duration(*cmp, *ns),
            Term::Log(needle) => Matcher::Spans(logs::spans_with_text(strings, trace, needle)),
            Term::Level(cmp, level) => Matcher::Spans(logs::spans_with_level(trace, *cmp, *level)),
        }
    }

    /// Does span `span` (at `index` in the trace) match?
    fn matches(&mut self, strings: &Interner, trace: &Trace, index: usize, span: &Span) -> bool {
        match self {
            Matcher::Text(m) => m.matches(strings, trace, span),
            Matcher::Attr(m) => m.matches(strings, trace, span),
            Matcher::Service(hits) => hits.get(span.resource as usize).copied().unwrap_or(false),
            Matcher::Name(memo) => memo.contains(strings, span.name),
            Matcher::Status(status) => span.status == *status,
            Matcher::Kind(kind) => span.kind == *kind,
            Matcher::Duration(cmp, ns) => cmp.holds(span.duration_ns, *ns),
            Matcher::Spans(hits) => hits.get(index).copied().unwrap_or(false),
        }
    }
}

/// "Does the lowercase needle occur in interned string `id`?", decided once per distinct string.
struct Memo {
    needle: String,
    /// Per string id: 0 not decided yet, 1 no, 2 yes.
    known: Vec<u8>,
}

impl Memo {
    fn new(strings: &Interner, needle: &str) -> Memo {
        Memo { needle: needle.to_string(), known: vec![0; strings.len()] }
    }

    fn contains(&mut self, strings: &Interner, id: StrId) -> bool {
        match self.known.get_mut(id.0 as usize) {
            Some(2) => true,
            Some(1) => false,
            Some(slot) => {
                let hit = contains_ignore_case(strings.get(id), &self.needle);
                *slot = if hit { 2 } else { 1 };
                hit
            }
            None => contains_ignore_case(strings.get(id), &self.needle),
        }
    }
}

struct TextMatcher {
    memo: Memo,
    /// The needle as a hex number and its digit count, when it could occur in a hex span id.
    hex: Option<(u64, u32)>,
    /// The needle could occur in a formatted number.
    number_like: bool,
}

impl TextMatcher {
    fn new(strings: &Interner, needle: &str) -> TextMatcher {
        TextMatcher {
            memo: Memo::new(strings, needle),
            hex: strand_model::ids::parse_hex_u64(needle).map(|v| (v, needle.len() as u32)),
            number_like: needle.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'.' | b'e' | b'+')),
        }
    }

    fn matches(&mut self, strings: &Interner, trace: &Trace, span: &Span) -> bool {
        let memo = &mut self.memo;
        if memo.contains(strings, span.name)
            || memo.contains(strings, trace.service_of(span))
            || memo.contains(strings, span.status_message)
        {
            return true;
        }
        let id_hit = match span.span_id {
            SpanId::Hex(v) => self.hex.is_some_and(|needle| hex_digits_contain(v, needle)),
            SpanId::Text(id) => memo.contains(strings, id),
        };
        if id_hit {
            return true;
        }
        for kv in trace.attrs_of(span.attrs) {
            if self.memo.contains(strings, kv.key) || self.value_contains(strings, trace, kv.value) {
                return true;
            }
        }
        trace.events_of(span).iter().any(|e| self.memo.contains(strings, e.name))
    }

    fn value_contains(&mut self, strings: &Interner, trace: &Trace, value: Value) -> bool {
        let needle = self.memo.needle.as_str();
        match value {
            Value::Str(id) => self.memo.contains(strings, id),
            Value::Int(i) => {
                self.number_like && {
                    let (buf, start) = decimal(i);
                    buf.get(start..).is_some_and(|digits| contains_bytes(digits, needle.as_bytes()))
                }
            }
            Value::Double(d) => {
                self.number_like && {
                    let mut buf = StackText::default();
                    let _ = write!(buf, "{d:?}");
                    buf.as_str().contains(needle)
                }
            }
            Value::Bool(b) => (if b { "true" } else { "false" }).contains(needle),
            Value::Empty => "null".contains(needle),
            Value::Bytes(_) | Value::Array(_) | Value::Map(_) => {
                contains_ignore_case(&value_text(strings, trace, value), needle)
            }
        }
    }
}

struct AttrMatcher {
    /// `None` when no string of the dataset is the key: no span has the attribute.
    key: Option<StrId>,
    wanted: TextValue,
    negate: bool,
    /// Per resource index: does the resource have `key` with the wanted value?
    resource_hits: Vec<bool>,
}

impl AttrMatcher {
    fn new(strings: &Interner, trace: &Trace, key: &str, value: &str, negate: bool) -> AttrMatcher {
        let key_id = strings.lookup(key);
        let wanted = TextValue::new(value);
        let resource_hits = trace
            .resources
            .iter()
            .map(|r| {
                let by_attr = key_id.is_some_and(|k| {
                    trace.attrs_of(r.attrs).iter().any(|kv| kv.key == k && wanted.equals(strings, trace, kv.value))
                });
                // Formats without a `service.name` attribute (Jaeger, Zipkin) still have a service.
                by_attr || (key == "service.name" && wanted.equals(strings, trace, Value::Str(r.service)))
            })
            .collect();
        AttrMatcher { key: key_id, wanted, negate, resource_hits }
    }

    fn matches(&mut self, strings: &Interner, trace: &Trace, span: &Span) -> bool {
        let on_resource = self.resource_hits.get(span.resource as usize).copied().unwrap_or(false);
        let found = on_resource
            || self.key.is_some_and(|k| {
                trace.attrs_of(span.attrs).iter().any(|kv| kv.key == k && self.wanted.equals(strings, trace, kv.value))
            });
        found != self.negate
    }
}

/// The value of a `key=value` term, read every way an attribute value might equal it.
struct TextValue {
    text: String,
    int: Option<i64>,
    double: Option<f64>,
    boolean: Option<bool>,
}

impl TextValue {
    fn new(text: &str) -> TextValue {
        TextValue {
            text: text.to_string(),
            // Only the canonical spelling: `007` is not the text of 7.
            int: text.parse::<i64>().ok().filter(|i| i.to_string() == text),
            double: text.parse::<f64>().ok().filter(|d| d.is_finite()),
            boolean: match text.to_ascii_lowercase().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
        }
    }

    fn equals(&self, strings: &Interner, trace: &Trace, value: Value) -> bool {
        match value {
            Value::Str(id) => equals_ignore_case(strings.get(id), &self.text),
            Value::Int(i) => self.int == Some(i),
            Value::Double(d) => self.double == Some(d),
            Value::Bool(b) => self.boolean == Some(b),
            Value::Empty => self.text.eq_ignore_ascii_case("null"),
            Value::Bytes(_) | Value::Array(_) | Value::Map(_) => {
                equals_ignore_case(&value_text(strings, trace, value), &self.text)
            }
        }
    }
}

/// Does `haystack` contain `needle_lower` (already lowercase), ignoring case? Allocates only for
/// non-ASCII haystacks.
fn contains_ignore_case(haystack: &str, needle_lower: &str) -> bool {
    if needle_lower.is_empty() {
        return true;
    }
    if !haystack.is_ascii() {
        return haystack.to_lowercase().contains(needle_lower);
    }
    let (hay, needle) = (haystack.as_bytes(), needle_lower.as_bytes());
    let Some(&first) = needle.first() else { return true };
    hay.windows(needle.len())
        .any(|w| w.first().is_some_and(|b| b.to_ascii_lowercase() == first) && w.eq_ignore_ascii_case(needle))
}

fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else { return true };
    haystack.windows(needle.len()).any(|w| w.first() == Some(&first) && w == needle)
}

fn equals_ignore_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

/// Do the 16 hex digits of `v` (how span ids are displayed) contain the `len` digits of `needle`?
/// Compares digit groups in place of formatting the id.
fn hex_digits_contain(v: u64, (needle, len): (u64, u32)) -> bool {
    if len == 0 || len > 16 {
        return false;
    }
    let mask = if len == 16 { u64::MAX } else { (1u64 << (4 * len)) - 1 };
    (0..=16 - len).any(|shift| (v >> (4 * shift)) & mask == needle)
}

/// `v` in decimal: the digits are `buf[start..]`.
fn decimal(v: i64) -> ([u8; 20], usize) {
    let mut buf = [0u8; 20];
    let mut pos = buf.len();
    let mut rest = v.unsigned_abs();
    loop {
        pos -= 1;
        if let Some(slot) = buf.get_mut(pos) {
            *slot = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 || pos == 0 {
            break;
        }
    }
    if v < 0 && pos > 0 {
        pos -= 1;
        if let Some(slot) = buf.get_mut(pos) {
            *slot = b'-';
        }
    }
    (buf, pos)
}

/// A small text buffer on the stack for formatting numbers and ids without allocating.
struct StackText {
    buf: [u8; 48],
    len: usize,
}

impl Default for StackText {
    fn default() -> Self {
        StackText { buf: [0; 48], len: 0 }
    }
}

impl StackText {
    fn as_str(&self) -> &str {
        self.buf.get(..self.len).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or("")
    }
}

impl Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let slot = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};
    use strand_testkit::dataset;

    /// Searches the first trace of `fixture` and prints the tree: `*` a match, `+` kept as an
    /// ancestor of one, `.` neither; then the query's error if any.
    fn check(fixture: &str, query: &str, expect: Expect) {
        let data = dataset(&[fixture]);
        expect.assert_eq(&render(&data, query));
    }

    fn render(data: &strand_model::Dataset, query: &str) -> String {
        let trace = &data.traces[0];
        let tree = SpanTree::build(trace);
        let result = search(&data.strings, trace, &tree, query);
        let mut out = String::new();
        if result.is_match.is_empty() {
            out.push_str("(nothing searched)\n");
        } else {
            assert_eq!(result.matches.iter().filter(|&&i| result.is_match[i as usize]).count(), result.matches.len());
            for &i in &tree.preorder {
                let mark = match (result.is_match[i as usize], result.keep[i as usize]) {
                    (true, _) => '*',
                    (false, true) => '+',
                    (false, false) => '.',
                };
                let indent = "  ".repeat(tree.depth[i as usize] as usize);
                let _ = writeln!(out, "{mark} {indent}{}", data.strings.get(trace.spans[i as usize].name));
            }
        }
        if let Some(error) = &result.error {
            let _ = writeln!(out, "error: {error}");
        }
        out
    }

    const SHOP: &str = "
GET_/checkout frontend 0..100000000 server http.route=/checkout
  auth frontend 1000000..2000000
  POST_/charge payment 10000000..60000000 client http.status_code=500 error peer=https://pay.example/v1
    charge payment 12000000..58000000 server http.status_code=500 error
      SELECT_charges payment-db 20000000..25000000 client db.system=PostgreSQL
  render frontend 70000000..95000000 template=Receipt
";

    #[test]
    fn blank_query_searches_nothing() {
        check(
            SHOP,
            "  ",
            expect![[r#"
            (nothing searched)
        "#]],
        );
    }

    #[test]
    fn free_text_matches_names_services_and_attributes_in_any_case() {
        check(
            SHOP,
            "CHARGE",
            expect![[r#"
                + GET /checkout
                .   auth
                *   POST /charge
                *     charge
                *       SELECT charges
                .   render
            "#]],
        );
        // An attribute value, and a key.
        check(
            SHOP,
            "receipt",
            expect![[r#"
                + GET /checkout
                .   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                *   render
            "#]],
        );
        check(
            SHOP,
            "db.sys",
            expect![[r#"
                + GET /checkout
                .   auth
                +   POST /charge
                +     charge
                *       SELECT charges
                .   render
            "#]],
        );
        // Numbers are text too, and the hex span id.
        check(
            SHOP,
            "500",
            expect![[r#"
                + GET /checkout
                .   auth
                *   POST /charge
                *     charge
                .       SELECT charges
                .   render
            "#]],
        );
        check(
            SHOP,
            "0000000000000002",
            expect![[r#"
                + GET /checkout
                *   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
        );
    }

    #[test]
    fn terms_combine_with_and_and_quotes_keep_spaces() {
        check(
            SHOP,
            "service:payment charge",
            expect![[r#"
                + GET /checkout
                .   auth
                *   POST /charge
                *     charge
                *       SELECT charges
                .   render
            "#]],
        );
        check(
            SHOP,
            "svc:PAYMENT-db",
            expect![[r#"
                + GET /checkout
                .   auth
                +   POST /charge
                +     charge
                *       SELECT charges
                .   render
            "#]],
        );
        check(
            SHOP,
            r#""select charges" payment"#,
            expect![[r#"
                + GET /checkout
                .   auth
                +   POST /charge
                +     charge
                *       SELECT charges
                .   render
            "#]],
        );
        // A quoted value keeps its spaces; quoted, a keyword is plain text.
        check(
            SHOP,
            r#"template="RECEIPT""#,
            expect![[r#"
                + GET /checkout
                .   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                *   render
            "#]],
        );
        check(
            SHOP,
            r#""GET /""#,
            expect![[r#"
                * GET /checkout
                .   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
        );
        check(
            SHOP,
            r#"render template="no such""#,
            expect![[r#"
                . GET /checkout
                .   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
        );
        check(
            SHOP,
            r#""error""#,
            expect![[r#"
                . GET /checkout
                .   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
        );
        check(
            SHOP,
            "name:charge kind:server",
            expect![[r#"
                + GET /checkout
                .   auth
                +   POST /charge
                *     charge
                .       SELECT charges
                .   render
            "#]],
        );
    }

    #[test]
    fn key_value_compares_the_value_as_text() {
        check(
            SHOP,
            "http.status_code=500",
            expect![[r#"
                + GET /checkout
                .   auth
                *   POST /charge
                *     charge
                .       SELECT charges
                .   render
            "#]],
        );
        check(
            SHOP,
            "db.system=postgresql",
            expect![[r#"
                + GET /checkout
                .   auth
                +   POST /charge
                +     charge
                *       SELECT charges
                .   render
            "#]],
        );
        // `050` is not how 50 or 500 is written; a key nobody has matches nothing.
        check(
            SHOP,
            "http.status_code=0500",
            expect![[r#"
                . GET /checkout
                .   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
        );
        check(
            SHOP,
            "peer=https://pay.example/v1",
            expect![[r#"
                + GET /checkout
                .   auth
                *   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
        );
        check(
            SHOP,
            "http.status_code!=500 service:payment",
            expect![[r#"
                + GET /checkout
                .   auth
                +   POST /charge
                +     charge
                *       SELECT charges
                .   render
            "#]],
        );
        check(
            SHOP,
            "service.name=frontend",
            expect![[r#"
                * GET /checkout
                *   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                *   render
            "#]],
        );
    }

    #[test]
    fn durations_status_and_kind() {
        check(
            SHOP,
            ">40ms",
            expect![[r#"
                * GET /checkout
                .   auth
                *   POST /charge
                *     charge
                .       SELECT charges
                .   render
            "#]],
        );
        check(
            SHOP,
            "duration>=46ms dur<=50ms",
            expect![[r#"
                + GET /checkout
                .   auth
                *   POST /charge
                *     charge
                .       SELECT charges
                .   render
            "#]],
        );
        check(
            SHOP,
            "min:1ms max:5000us",
            expect![[r#"
                + GET /checkout
                *   auth
                +   POST /charge
                +     charge
                *       SELECT charges
                .   render
            "#]],
        );
        check(
            SHOP,
            "<0.0011s",
            expect![[r#"
                + GET /checkout
                *   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
        );
        check(
            SHOP,
            "error kind:client",
            expect![[r#"
                + GET /checkout
                .   auth
                *   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
        );
        check(
            SHOP,
            "status:ok",
            expect![[r#"
                . GET /checkout
                .   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
        );
    }

    #[test]
    fn unreadable_terms_are_explained_and_left_out() {
        check(
            SHOP,
            ">10xs",
            expect![[r#"
            (nothing searched)
            error: "10xs" is not a duration: use a number and a unit (ns, µs, ms, s, m), e.g. >10ms.
        "#]],
        );
        check(
            SHOP,
            "render >10 status:bad kind:sideways =x key= service:",
            expect![[r#"
                + GET /checkout
                .   auth
                .   POST /charge
                .     charge
                .       SELECT charges
                *   render
                error: "10" needs a unit: ns, µs, ms, s or m (e.g. 10ms). "bad" is not a status: use status:error, status:ok or status:unset. "sideways" is not a span kind: use server, client, producer, consumer, internal or unspecified. "=x" needs an attribute key before "=", e.g. http.route=/cart. "key=" needs a value after "=" (write key="" for an empty value). "service:" needs a service name after the colon, e.g. service:payment.
            "#]],
        );
        check(
            SHOP,
            "> min:",
            expect![[r#"
            (nothing searched)
            error: ">" needs a duration: use a number and a unit (ns, µs, ms, s, m), e.g. >10ms. "min:" needs a duration: use a number and a unit (ns, µs, ms, s, m), e.g. >10ms.
        "#]],
        );
        // Unknown prefixes are plain text (URLs have colons).
        check(
            SHOP,
            "https://pay",
            expect![[r#"
                + GET /checkout
                .   auth
                *   POST /charge
                .     charge
                .       SELECT charges
                .   render
            "#]],
        );
    }

    #[test]
    fn events_and_status_messages_are_searched() {
        let mut data = dataset(&[SHOP]);
        let charge = strand_testkit::span_named(&data, &data.traces[0], "charge") as usize;
        let auth = strand_testkit::span_named(&data, &data.traces[0], "auth") as usize;
        let name = data.strings.intern("retry scheduled");
        let message = data.strings.intern("Read timed out");
        let trace = &mut data.traces[0];
        trace.events.push(strand_model::Event { time_ns: 13_000_000, name, attrs: Default::default() });
        trace.spans[charge].events = strand_model::Range32 { start: 0, len: 1 };
        trace.spans[auth].status_message = message;
        expect![[r#"
            + GET /checkout
            .   auth
            +   POST /charge
            *     charge
            .       SELECT charges
            .   render
        "#]]
        .assert_eq(&render(&data, "RETRY"));
        expect![[r#"
            + GET /checkout
            *   auth
            .   POST /charge
            .     charge
            .       SELECT charges
            .   render
        "#]]
        .assert_eq(&render(&data, r#""timed out""#));
    }

    #[test]
    fn deep_traces_keep_ancestors_without_recursion() {
        // A chain of 200k spans, each the parent of the next: the match at the bottom keeps all.
        let mut trace = Trace::new(strand_model::TraceId::Hex(1));
        let n = 200_000u32;
        for i in 0..n {
            let mut span = Span::empty(SpanId::Hex(u64::from(i) + 1));
            span.start_ns = i64::from(i);
            span.duration_ns = 1_000_000 - 2 * i64::from(i);
            span.parent = if i == 0 { strand_model::NO_PARENT } else { i - 1 };
            trace.spans.push(span);
        }
        let tree = SpanTree::build(&trace);
        let result = search(&Interner::new(), &trace, &tree, "<600003ns");
        assert_eq!(result.matches, vec![n - 1]);
        assert!(result.keep.iter().all(|&k| k));
    }
}
