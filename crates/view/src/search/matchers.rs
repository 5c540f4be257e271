//! The matchers behind [`super::search`]: each query term made ready to test spans, with what
//! can be worked out once per query (memoised string tests, resolved keys), and the text helpers
//! that let matching run without allocating per span.

use super::{Cmp, Term};
use std::fmt::Write;
use strand_model::dump::value_text;
use strand_model::{Interner, Span, SpanId, SpanKind, StatusCode, StrId, Trace, Value};

/// A term ready to test spans, with whatever could be worked out once per query.
pub(super) enum Matcher {
    Text(TextMatcher),
    Attr(AttrMatcher),
    /// Per resource index: does its service match?
    Service(Vec<bool>),
    Name(Memo),
    Status(StatusCode),
    Kind(SpanKind),
    Duration(Cmp, i64),
    Number(NumberMatcher),
    /// Per span index: does one of its log lines match? (Worked out once per query.)
    Spans(Vec<bool>),
}

impl Matcher {
    pub(super) fn new(strings: &Interner, trace: &Trace, term: &Term) -> Matcher {
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
            Term::AttrCmp { key, cmp, value } => Matcher::Number(NumberMatcher::new(strings, trace, key, *cmp, *value)),
            Term::Log(needle) => Matcher::Spans(super::logs::spans_with_text(strings, trace, needle)),
            Term::Level(cmp, level) => Matcher::Spans(super::logs::spans_with_level(trace, *cmp, *level)),
        }
    }

    /// Does span `span` (at `index` in the trace) match?
    pub(super) fn matches(&mut self, strings: &Interner, trace: &Trace, index: usize, span: &Span) -> bool {
        match self {
            Matcher::Text(m) => m.matches(strings, trace, span),
            Matcher::Attr(m) => m.matches(strings, trace, span),
            Matcher::Service(hits) => hits.get(span.resource as usize).copied().unwrap_or(false),
            Matcher::Name(memo) => memo.contains(strings, span.name),
            Matcher::Status(status) => span.status == *status,
            Matcher::Kind(kind) => span.kind == *kind,
            Matcher::Duration(cmp, ns) => cmp.holds(span.duration_ns, *ns),
            Matcher::Number(m) => m.matches(strings, trace, span),
            Matcher::Spans(hits) => hits.get(index).copied().unwrap_or(false),
        }
    }
}

/// "Does the lowercase needle occur in interned string `id`?", decided once per distinct string.
pub(super) struct Memo {
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

pub(super) struct TextMatcher {
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

pub(super) struct AttrMatcher {
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

/// A `key>=1000` term: the attribute `key` (on the span or its resource) is a number, or the
/// text of one, that compares as asked.
pub(super) struct NumberMatcher {
    key: Option<StrId>,
    cmp: Cmp,
    bound: f64,
    /// Per resource index: does the resource have `key` with a value in range?
    resource_hits: Vec<bool>,
}

impl NumberMatcher {
    fn new(strings: &Interner, trace: &Trace, key: &str, cmp: Cmp, bound: f64) -> NumberMatcher {
        let key = strings.lookup(key);
        let mut m = NumberMatcher { key, cmp, bound, resource_hits: Vec::new() };
        m.resource_hits = trace.resources.iter().map(|r| m.any_in(strings, trace.attrs_of(r.attrs))).collect();
        m
    }

    fn any_in(&self, strings: &Interner, attrs: &[strand_model::KeyValue]) -> bool {
        let Some(key) = self.key else { return false };
        attrs.iter().any(|kv| {
            kv.key == key
                && match kv.value {
                    Value::Int(i) => self.cmp.holds(i as f64, self.bound),
                    Value::Double(d) => self.cmp.holds(d, self.bound),
                    Value::Str(s) => strings.get(s).trim().parse::<f64>().is_ok_and(|v| self.cmp.holds(v, self.bound)),
                    _ => false,
                }
        })
    }

    fn matches(&self, strings: &Interner, trace: &Trace, span: &Span) -> bool {
        self.resource_hits.get(span.resource as usize).copied().unwrap_or(false)
            || self.any_in(strings, trace.attrs_of(span.attrs))
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
pub(super) fn contains_ignore_case(haystack: &str, needle_lower: &str) -> bool {
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
