//! The search form and the query it stands for: service, operation, tags, time range, duration
//! bounds and limit, checked and converted to numbers once, so each collector module only
//! formats them its own way. Pure.

use strand_model::time::format_timestamp_utc;
use strand_model::{Interner, TraceId};

/// What the search form says, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchForm {
    pub service: String,
    pub operation: String,
    /// `key=value` pairs separated by spaces; values with spaces in double quotes.
    pub tags: String,
    /// Tempo: a TraceQL query typed or edited by hand; empty means "build it from the form".
    pub traceql: String,
    /// A lookback such as `15m`, `1h`, `2d`; ignored when `from_ms` is set.
    pub lookback: String,
    /// A fixed range (ms since the epoch), from the form's date fields.
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub min_duration: String,
    pub max_duration: String,
    pub limit: String,
}

/// A checked search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery {
    pub service: String,
    pub operation: String,
    /// `(key, value)`; a value of `None` means "has this tag" (Zipkin and TraceQL only).
    pub tags: Vec<(String, Option<String>)>,
    pub traceql: Option<String>,
    pub start_ms: i64,
    pub end_ms: i64,
    pub min_duration_ns: Option<u64>,
    pub max_duration_ns: Option<u64>,
    pub limit: u32,
}

impl SearchQuery {
    pub fn lookback_ms(&self) -> i64 {
        self.end_ms - self.start_ms
    }
}

pub const DEFAULT_LIMIT: u32 = 20;
pub const DEFAULT_LOOKBACK: &str = "1h";

impl SearchForm {
    /// Checks the form; `now_ms` is the end of a lookback range. `Err` says what to fix.
    pub fn to_query(&self, now_ms: i64) -> Result<SearchQuery, String> {
        let tags = parse_tags(&self.tags)?;
        let (start_ms, end_ms) = match (self.from_ms, self.to_ms) {
            (Some(from), to) => {
                let to = to.unwrap_or(now_ms);
                if to <= from {
                    return Err("the end of the time range must be after its start".to_string());
                }
                (from, to)
            }
            (None, _) => {
                let text = if self.lookback.trim().is_empty() { DEFAULT_LOOKBACK } else { self.lookback.trim() };
                let ns = parse_duration_ns(text).map_err(|e| format!("lookback: {e}"))?;
                let ms = i64::try_from(ns / 1_000_000).unwrap_or(i64::MAX).max(1);
                (now_ms.saturating_sub(ms), now_ms)
            }
        };
        let bound = |text: &str, name: &str| -> Result<Option<u64>, String> {
            let text = text.trim();
            if text.is_empty() {
                Ok(None)
            } else {
                parse_duration_ns(text).map(Some).map_err(|e| format!("{name}: {e}"))
            }
        };
        let min_duration_ns = bound(&self.min_duration, "min duration")?;
        let max_duration_ns = bound(&self.max_duration, "max duration")?;
        if let (Some(lo), Some(hi)) = (min_duration_ns, max_duration_ns) {
            if hi < lo {
                return Err("max duration is below min duration".to_string());
            }
        }
        let limit = match self.limit.trim() {
            "" => DEFAULT_LIMIT,
            text => match text.parse::<u32>() {
                Ok(n) if n > 0 => n,
                _ => return Err(format!("limit: \"{text}\" is not a positive whole number")),
            },
        };
        let traceql = Some(self.traceql.trim().to_string()).filter(|q| !q.is_empty());
        Ok(SearchQuery {
            service: self.service.trim().to_string(),
            operation: self.operation.trim().to_string(),
            tags,
            traceql,
            start_ms,
            end_ms,
            min_duration_ns,
            max_duration_ns,
            limit,
        })
    }
}

/// A duration in the one grammar (`strand_model::time::parse_duration_ns`): `250ms`, `1.5s`,
/// `2m`, `3h`, `2d`, `10us`/`10µs`, `500ns`; a bare number is milliseconds.
pub fn parse_duration_ns(text: &str) -> Result<u64, String> {
    strand_model::time::parse_duration_ns(text, strand_model::time::BareNumber::Millis)
        .map(|ns| u64::try_from(ns).unwrap_or(0))
}

/// A duration in the largest unit that keeps it whole, in Go's syntax (`1500ms`, `2s`, `10us`),
/// which Jaeger, Tempo and TraceQL all read.
pub fn go_duration(ns: u64) -> String {
    for (unit, size) in
        [("h", 3_600_000_000_000u64), ("m", 60_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000)]
    {
        if ns >= size && ns.is_multiple_of(size) {
            return format!("{}{unit}", ns / size);
        }
    }
    format!("{ns}ns")
}

/// RFC 3339 in UTC with milliseconds: `2024-05-01T12:00:00.000Z`.
pub fn rfc3339(ms: i64) -> String {
    format_timestamp_utc(ms.saturating_mul(1_000_000)).replacen(' ', "T", 1) + "Z"
}

/// Splits `a=1 b="x y" c` into pairs; quoted values may hold spaces.
pub fn parse_tags(text: &str) -> Result<Vec<(String, Option<String>)>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        if chars.peek() != Some(&'=') {
            out.push((key, None));
            continue;
        }
        chars.next();
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => {
                        if let Some(next) = chars.next() {
                            value.push(next);
                        }
                    }
                    c => value.push(c),
                }
            }
            if !closed {
                return Err(format!("tags: the quoted value of {key} has no closing \""));
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
        if key.is_empty() {
            return Err(format!("tags: \"={value}\" has no key (write key=value)"));
        }
        out.push((key, Some(value)));
    }
    Ok(out)
}

/// Tags as a JSON object of strings (Jaeger's `tags=` and `query.attributes=`); every tag needs
/// a value.
pub fn tags_json(tags: &[(String, Option<String>)], collector: &str) -> Result<String, String> {
    let mut map = serde_json::Map::new();
    for (key, value) in tags {
        let Some(value) = value else {
            return Err(format!("tags: {collector} searches need key=value; \"{key}\" has no value"));
        };
        map.insert(key.clone(), serde_json::Value::String(value.clone()));
    }
    if map.is_empty() {
        Ok(String::new())
    } else {
        Ok(serde_json::Value::Object(map).to_string())
    }
}

/// A trace id as typed: trimmed, `0x` and spaces removed; hex ids lowercased. Ids that are
/// neither hex nor plain text (slashes, quotes, spaces inside) are refused.
pub fn clean_trace_id(input: &str) -> Result<String, String> {
    let id = input.trim();
    let id = id.strip_prefix("0x").unwrap_or(id);
    if id.is_empty() {
        return Err("enter a trace id".to_string());
    }
    if !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(format!("\"{id}\" is not a trace id (hex digits, e.g. 4bf92f3577b34da6a3ce929d0e0e4736)"));
    }
    if id.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(id.to_ascii_lowercase())
    } else {
        Ok(id.to_string())
    }
}

/// How the app shows (and routes to) a trace id, so opening one by id can select it: hex ids
/// are zero-padded to 16 or 32 digits like `model::TraceId::display`.
pub fn route_trace_id(clean_id: &str) -> String {
    let mut strings = Interner::new();
    TraceId::parse(clean_id, &mut strings).display(&strings)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000_000;

    #[test]
    fn durations_parse_in_every_unit() {
        assert_eq!(parse_duration_ns("250ms"), Ok(250_000_000));
        assert_eq!(parse_duration_ns("1.5s"), Ok(1_500_000_000));
        assert_eq!(parse_duration_ns("10us"), Ok(10_000));
        assert_eq!(parse_duration_ns("10µs"), Ok(10_000));
        assert_eq!(parse_duration_ns("2m"), Ok(120_000_000_000));
        assert_eq!(parse_duration_ns("7"), Ok(7_000_000));
        assert_eq!(parse_duration_ns("2d"), Ok(172_800_000_000_000));
        assert!(parse_duration_ns("10x").unwrap_err().contains("not a duration"));
        assert!(parse_duration_ns("ms").is_err());
        assert_eq!(go_duration(1_500_000_000), "1500ms");
        assert_eq!(go_duration(2_000_000_000), "2s");
        assert_eq!(go_duration(10_000), "10us");
        assert_eq!(go_duration(1), "1ns");
        assert_eq!(go_duration(3_600_000_000_000), "1h");
    }

    #[test]
    fn times_are_rfc3339() {
        assert_eq!(rfc3339(NOW), "2023-11-14T22:13:20.000Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn tags_split_on_spaces_and_keep_quoted_values() {
        assert_eq!(
            parse_tags(r#" http.status_code=500 error  msg="a b \" c" flag"#).unwrap(),
            vec![
                ("http.status_code".to_string(), Some("500".to_string())),
                ("error".to_string(), None),
                ("msg".to_string(), Some("a b \" c".to_string())),
                ("flag".to_string(), None),
            ]
        );
        assert!(parse_tags(r#"a="open"#).is_err());
        assert!(parse_tags("=x").is_err());
        assert_eq!(tags_json(&parse_tags("a=1 b=x").unwrap(), "Jaeger").unwrap(), r#"{"a":"1","b":"x"}"#);
        assert!(tags_json(&parse_tags("error").unwrap(), "Jaeger").unwrap_err().contains("key=value"));
    }

    #[test]
    fn the_form_becomes_a_checked_query() {
        let form = SearchForm {
            service: " frontend ".into(),
            lookback: "15m".into(),
            min_duration: "10ms".into(),
            limit: "5".into(),
            ..SearchForm::default()
        };
        let q = form.to_query(NOW).unwrap();
        assert_eq!(q.service, "frontend");
        assert_eq!((q.start_ms, q.end_ms), (NOW - 900_000, NOW));
        assert_eq!(q.min_duration_ns, Some(10_000_000));
        assert_eq!(q.limit, 5);
        let defaults = SearchForm::default().to_query(NOW).unwrap();
        assert_eq!((defaults.lookback_ms(), defaults.limit), (3_600_000, DEFAULT_LIMIT));
        let fixed =
            SearchForm { from_ms: Some(1000), to_ms: Some(5000), ..SearchForm::default() }.to_query(NOW).unwrap();
        assert_eq!((fixed.start_ms, fixed.end_ms), (1000, 5000));

        let err = |form: SearchForm| form.to_query(NOW).unwrap_err();
        assert!(err(SearchForm { limit: "0".into(), ..SearchForm::default() }).contains("limit"));
        assert!(err(SearchForm { min_duration: "1s".into(), max_duration: "5ms".into(), ..SearchForm::default() })
            .contains("below"));
        assert!(err(SearchForm { from_ms: Some(5), to_ms: Some(5), ..SearchForm::default() }).contains("after"));
        assert!(err(SearchForm { lookback: "soon".into(), ..SearchForm::default() }).starts_with("lookback"));
    }

    #[test]
    fn trace_ids_are_cleaned() {
        assert_eq!(clean_trace_id("  0x4BF92F35 "), Ok("4bf92f35".to_string()));
        assert_eq!(clean_trace_id("trace-123"), Ok("trace-123".to_string()));
        assert!(clean_trace_id("").is_err());
        assert!(clean_trace_id("../../etc").is_err());
        assert_eq!(route_trace_id("2db17286b3e6b148"), "2db17286b3e6b148");
        assert_eq!(route_trace_id("ec2b4e0bcea566d"), "0ec2b4e0bcea566d");
        assert_eq!(route_trace_id("7a1d2dd4deaf177e0acf55b3c49032"), "007a1d2dd4deaf177e0acf55b3c49032");
    }
}
