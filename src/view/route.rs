//! The part of the UI state that lives in the address bar, so that a link reopens the same view
//! and back/forward work: selected trace, span, view and search. Pure encoding and decoding of
//! the query string; the `ui` layer reads and writes `location`/`history`. Depends on nothing
//! but `view::trace_view::Tab`.

use super::trace_view::Tab;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Route {
    /// Trace id as displayed (lowercase hex or text).
    pub trace: Option<String>,
    /// Span id as displayed.
    pub span: Option<String>,
    pub tab: Tab,
    pub search: String,
    /// Parameters Strand does not own (`demo`, `url`, ...), kept as they were.
    pub other: Vec<(String, String)>,
}

impl Route {
    /// Parses `?a=b&c=d` (the leading `?` is optional).
    pub fn parse(query: &str) -> Route {
        let mut route = Route::default();
        for pair in query.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            match decode(key).as_str() {
                "trace" if !value.is_empty() => route.trace = Some(value),
                "span" if !value.is_empty() => route.span = Some(value),
                "view" => route.tab = Tab::parse(&value).unwrap_or_default(),
                "q" => route.search = value,
                other => route.other.push((other.to_string(), value)),
            }
        }
        route
    }

    /// The query string, starting with `?` (or empty when there is nothing to say).
    pub fn to_query(&self) -> String {
        let mut parts: Vec<String> =
            self.other.iter().map(|(k, v)| if v.is_empty() { encode(k) } else { format!("{}={}", encode(k), encode(v)) }).collect();
        if let Some(trace) = &self.trace {
            parts.push(format!("trace={}", encode(trace)));
            if let Some(span) = &self.span {
                parts.push(format!("span={}", encode(span)));
            }
            if self.tab != Tab::Waterfall {
                parts.push(format!("view={}", self.tab.name()));
            }
            if !self.search.is_empty() {
                parts.push(format!("q={}", encode(&self.search)));
            }
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` and `+`; invalid escapes are kept as they are, invalid UTF-8 is replaced.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_keeps_foreign_parameters() {
        let route = Route {
            trace: Some("4bf92f3577b34da6".into()),
            span: Some("span-2_1".into()),
            tab: Tab::Flame,
            search: "http.status_code=500 db".into(),
            other: vec![("demo".into(), String::new())],
        };
        let q = route.to_query();
        assert_eq!(q, "?demo&trace=4bf92f3577b34da6&span=span-2_1&view=flame&q=http.status_code%3D500%20db");
        assert_eq!(Route::parse(&q), route);
        assert_eq!(Route::parse("?view=nonsense&q=a+b").tab, Tab::Waterfall);
        assert_eq!(Route::parse("?q=a+b%zz").search, "a b%zz");
        assert_eq!(Route::default().to_query(), "");
        assert_eq!(decode("%E2%9C%93"), "✓");
    }
}
