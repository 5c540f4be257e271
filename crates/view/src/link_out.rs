//! Link-out templates: a URL pattern people set once (their Kibana, Grafana or Loki), with
//! placeholders Strand fills from a trace or span, so that the trace's or span's logs open in
//! that tool. Only results that are `http://` or `https://` URLs become links. Depends on
//! `model` and `view::details`.
//!
//! | placeholder | value |
//! |---|---|
//! | `{trace_id}` | the trace id as Strand shows it (32 or 16 hex digits) |
//! | `{span_id}` | the span id (16 hex digits); empty for a trace |
//! | `{service}` | the span's service, or the trace's root service |
//! | `{start}`, `{end}` | the span's or trace's start and end in epoch milliseconds |
//! | `{start_iso}`, `{end_iso}` | the same as RFC 3339 UTC (`2024-05-01T12:00:00.000Z`) |
//! | `{start_ns}`, `{end_ns}` | the same in epoch nanoseconds |
//!
//! Values are percent-encoded (everything but `A-Z a-z 0-9 - . _ ~`), so they are safe in a
//! path or a query; write `{{` and `}}` for literal braces.

use super::details::is_web_url;
use strand_model::time::format_timestamp_utc;
use strand_model::{Interner, Trace};

/// Templates to start from, as the settings dialog offers them: `(name, template, what to change)`.
pub const EXAMPLES: [(&str, &str, &str); 3] = [
    (
        "Kibana: trace",
        "https://kibana.example.com/app/discover#/?_g=(time:(from:'{start_iso}',to:'{end_iso}'))&_a=(query:(language:kuery,query:'trace.id:\"{trace_id}\"'))",
        "Kibana Discover, lines of the trace in the span's time range (ECS trace.id); change the host, and add the data view (index pattern) with _a=(dataSource:(dataViewId:'…'),…) if it is not the default.",
    ),
    (
        "Loki: trace",
        "https://grafana.example.com/explore?schemaVersion=1&panes={{\"strand\":{{\"datasource\":\"loki\",\"queries\":[{{\"refId\":\"A\",\"expr\":\"{{service_name=\\\"{service}\\\"}} |= \\\"{trace_id}\\\"\"}}],\"range\":{{\"from\":\"{start}\",\"to\":\"{end}\"}}}}}}",
        "Grafana Explore with Loki: the service's lines that mention the trace id, in the span's time range; change the host and the data source uid (loki).",
    ),
    (
        "Kibana: span",
        "https://kibana.example.com/app/discover#/?_g=(time:(from:'{start_iso}',to:'{end_iso}'))&_a=(query:(language:kuery,query:'span.id:\"{span_id}\"'))",
        "Kibana Discover, the lines of this very span (ECS span.id).",
    ),
];

/// A named template, as set in the settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkTemplate {
    pub name: String,
    pub template: String,
}

/// What the placeholders stand for.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LinkContext {
    pub trace_id: String,
    pub span_id: String,
    pub service: String,
    pub start_ns: i64,
    pub end_ns: i64,
}

impl LinkContext {
    /// The context of a whole trace: its id, root service and extent.
    pub fn of_trace(strings: &Interner, trace: &Trace) -> LinkContext {
        LinkContext {
            trace_id: trace.trace_id.display(strings),
            span_id: String::new(),
            service: trace.root().map_or("", |r| strings.get(trace.service_of(r))).to_string(),
            start_ns: trace.start_ns,
            end_ns: trace.end_ns,
        }
    }

    /// The context of span `index` of `trace`; `None` if there is no such span.
    pub fn of_span(strings: &Interner, trace: &Trace, index: u32) -> Option<LinkContext> {
        let span = trace.span(index)?;
        Some(LinkContext {
            trace_id: trace.trace_id.display(strings),
            span_id: span.span_id.display(strings),
            service: strings.get(trace.service_of(span)).to_string(),
            start_ns: span.start_ns,
            end_ns: span.end_ns(),
        })
    }
}

/// What is wrong with a template, for the settings form.
pub fn check_template(template: &str) -> Result<(), String> {
    let expanded = fill(template, &LinkContext::default())?;
    if !is_web_url(&expanded) {
        return Err("the link must start with http:// or https://".to_string());
    }
    Ok(())
}

/// The template filled in; `None` when it is not well formed or the result is not an
/// `http(s)` URL (`javascript:` and the like never become links).
pub fn expand(template: &str, context: &LinkContext) -> Option<String> {
    fill(template, context).ok().filter(|url| is_web_url(url))
}

/// The links of every template that expands, in order: `(name, url)`.
pub fn links(templates: &[LinkTemplate], context: &LinkContext) -> Vec<(String, String)> {
    templates.iter().filter_map(|t| Some((t.name.clone(), expand(&t.template, context)?))).collect()
}

fn fill(template: &str, context: &LinkContext) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(pos) = rest.find(['{', '}']) {
        out.push_str(rest.get(..pos).unwrap_or(""));
        let tail = rest.get(pos..).unwrap_or("");
        if let Some(after) = tail.strip_prefix("{{") {
            out.push('{');
            rest = after;
            continue;
        }
        if let Some(after) = tail.strip_prefix("}}") {
            out.push('}');
            rest = after;
            continue;
        }
        if tail.starts_with('}') {
            return Err("a '}' without its '{' (write }} for a literal brace)".to_string());
        }
        let Some(close) = tail.find('}') else {
            return Err("a '{' without its '}' (write {{ for a literal brace)".to_string());
        };
        let name = tail.get(1..close).unwrap_or("");
        let value = match name {
            "trace_id" => context.trace_id.clone(),
            "span_id" => context.span_id.clone(),
            "service" => context.service.clone(),
            "start" => context.start_ns.div_euclid(1_000_000).to_string(),
            "end" => context.end_ns.div_euclid(1_000_000).to_string(),
            "start_iso" => iso(context.start_ns),
            "end_iso" => iso(context.end_ns),
            "start_ns" => context.start_ns.to_string(),
            "end_ns" => context.end_ns.to_string(),
            other => {
                return Err(format!(
                    "unknown placeholder {{{other}}}: use {{trace_id}}, {{span_id}}, {{service}}, {{start}}, {{end}} (or {{start_iso}}, {{end_iso}}, {{start_ns}}, {{end_ns}})"
                ))
            }
        };
        percent_encode(&mut out, &value);
        rest = tail.get(close + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

/// `2024-05-01T12:00:00.000Z`.
fn iso(ns: i64) -> String {
    format!("{}Z", format_timestamp_utc(ns).replacen(' ', "T", 1))
}

fn percent_encode(out: &mut String, value: &str) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> LinkContext {
        LinkContext {
            trace_id: "5b8efff798038103d269b633813fc60c".into(),
            span_id: "eee19b7ec3c1b174".into(),
            service: "cart & co".into(),
            start_ns: 1_714_564_800_000_000_000,
            end_ns: 1_714_564_800_250_000_000,
        }
    }

    #[test]
    fn placeholders_are_filled_and_encoded() {
        let grafana = "https://grafana.example/explore?left={{\"queries\":[{{\"expr\":\"{{trace_id=\\\"{trace_id}\\\"}}\"}}],\"range\":{{\"from\":\"{start}\",\"to\":\"{end}\"}}}}";
        assert_eq!(
            expand(grafana, &context()).as_deref(),
            Some("https://grafana.example/explore?left={\"queries\":[{\"expr\":\"{trace_id=\\\"5b8efff798038103d269b633813fc60c\\\"}\"}],\"range\":{\"from\":\"1714564800000\",\"to\":\"1714564800250\"}}")
        );
        assert_eq!(
            expand("http://kibana/app/discover#/?_g=(time:(from:'{start_iso}',to:'{end_iso}'))&q=span.id:{span_id}&s={service}", &context()).as_deref(),
            Some("http://kibana/app/discover#/?_g=(time:(from:'2024-05-01T12%3A00%3A00.000Z',to:'2024-05-01T12%3A00%3A00.250Z'))&q=span.id:eee19b7ec3c1b174&s=cart%20%26%20co")
        );
        assert_eq!(expand("https://x/{start_ns}", &context()).as_deref(), Some("https://x/1714564800000000000"));
    }

    #[test]
    fn the_examples_are_good_templates() {
        for (name, template, _) in EXAMPLES {
            assert_eq!(check_template(template), Ok(()), "{name}");
        }
        let (_, loki, _) = EXAMPLES[1];
        assert_eq!(
            expand(loki, &context()).as_deref(),
            Some("https://grafana.example.com/explore?schemaVersion=1&panes={\"strand\":{\"datasource\":\"loki\",\"queries\":[{\"refId\":\"A\",\"expr\":\"{service_name=\\\"cart%20%26%20co\\\"} |= \\\"5b8efff798038103d269b633813fc60c\\\"\"}],\"range\":{\"from\":\"1714564800000\",\"to\":\"1714564800250\"}}}")
        );
    }

    #[test]
    fn only_http_links_and_well_formed_templates() {
        assert_eq!(expand("javascript:alert('{trace_id}')", &context()), None);
        assert_eq!(expand("{service}", &LinkContext { service: "https://evil".into(), ..context() }), None);
        assert_eq!(expand("https://x/{nope}", &context()), None);
        assert_eq!(check_template("https://x/{trace_id}"), Ok(()));
        assert_eq!(check_template("ftp://x/{trace_id}"), Err("the link must start with http:// or https://".into()));
        assert!(check_template("https://x/{trace").unwrap_err().contains("without its '}'"));
        assert!(check_template("https://x/}").unwrap_err().contains("without its '{'"));
        assert!(check_template("https://x/{traceid}").unwrap_err().starts_with("unknown placeholder {traceid}"));
        let templates = vec![
            LinkTemplate { name: "Loki".into(), template: "https://loki/{trace_id}".into() },
            LinkTemplate { name: "bad".into(), template: "data:text/html,{trace_id}".into() },
        ];
        assert_eq!(
            links(&templates, &context()),
            vec![("Loki".to_string(), "https://loki/5b8efff798038103d269b633813fc60c".to_string())]
        );
    }
}
