//! Why a request failed, told apart as far as a browser allows, and explained in words that say
//! what happened and what to do — per collector kind where the fix differs (CORS settings,
//! ports). Pure: the fetch layer reports what it saw, this module words it.

use super::connection::{host_of, CollectorKind};
use serde::Deserialize;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Nothing answered: the fetch failed, and so did a `no-cors` probe of the same URL.
    Unreachable,
    /// The server answered (a `no-cors` probe got through) but the real request was refused by
    /// CORS: no `Access-Control-Allow-Origin` for this page, or a header it does not allow.
    CorsRefused,
    /// No complete answer within the time limit.
    Timeout { after_ms: u32 },
    /// An HTTP error status, with the server's own message (may be empty).
    Http { status: u16, message: String },
    /// A 2xx answer that is not what was asked for.
    Malformed { detail: String },
}

impl Failure {
    /// An HTTP failure with the message read from `body`.
    pub fn http(status: u16, body: &[u8]) -> Failure {
        Failure::Http { status, message: server_message(body) }
    }
}

/// Who was asked: a plain file URL or a collector API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    File,
    Collector(CollectorKind),
}

/// Everything a message needs besides the failure itself.
#[derive(Clone, Debug)]
pub struct Context<'a> {
    pub target: Target,
    /// What was being done, e.g. `zipkin 127.0.0.1:9411: search` or the file URL.
    pub what: &'a str,
    /// The URL requested.
    pub url: &'a str,
    /// The page's origin (`http://127.0.0.1:8080`), to name in CORS advice.
    pub page_origin: &'a str,
    /// The custom header sent, if any (CORS must allow it too).
    pub header: Option<&'a str>,
}

/// A notice: one line saying what happened, then lines saying what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explained {
    pub text: String,
    pub details: Vec<String>,
}

const KEPT: &str = "What was loaded before is still here.";

pub fn explain(failure: &Failure, ctx: &Context) -> Explained {
    let host = host_of(ctx.url);
    let what = ctx.what;
    let (text, mut details) = match failure {
        Failure::Unreachable => {
            let mut details = vec![format!(
                "Nothing answered at {host}: the server is down, the address or port is wrong, or a firewall or DNS problem is in the way."
            )];
            if let Target::Collector(kind) = ctx.target {
                details.push(format!(
                    "{} usually serves its query API at {}; check the base URL in Connect….",
                    kind.label(),
                    kind.example_base()
                ));
            }
            if ctx.page_origin.starts_with("https://") && ctx.url.starts_with("http://") {
                details.push(
                    "This page is https:// and the address is http://: browsers block such mixed-content requests. Use an https:// address or serve both from one origin."
                        .to_string(),
                );
            }
            (format!("{what}: could not connect to {host}"), details)
        }
        Failure::CorsRefused => {
            let origin = if ctx.page_origin.is_empty() { "this page's origin" } else { ctx.page_origin };
            let text = format!(
                "{what}: {host} answered, but its CORS settings do not let pages from {origin} read the response"
            );
            (text, cors_advice(ctx.target, origin, ctx.header))
        }
        Failure::Timeout { after_ms } => {
            let secs = f64::from(*after_ms) / 1000.0;
            let mut details = vec![format!("{host} did not answer within {secs:.1} s.")];
            if matches!(ctx.target, Target::Collector(_)) {
                details.push("The collector may be overloaded or the query too broad: narrow the time range, pick a service or lower the limit, then try again.".to_string());
            } else {
                details.push("The server may be slow or the file very large; try again, or download it and open it with Open files….".to_string());
            }
            (format!("{what}: timed out"), details)
        }
        Failure::Http { status, message } => {
            let reason = reason_phrase(*status);
            let said = if message.is_empty() { String::new() } else { format!(": \"{message}\"") };
            let text = format!("{what}: the server answered {status} {reason}{said}");
            (text, http_advice(*status, ctx.target))
        }
        Failure::Malformed { detail } => {
            let details = match ctx.target {
                Target::File => {
                    vec!["Point the URL at the raw JSON file (for a file on GitHub, use its \"Raw\" link).".to_string()]
                }
                Target::Collector(kind) => vec![format!(
                    "Is the base URL a {} query API? It should be the address that serves {}.",
                    kind.label(),
                    match kind {
                        CollectorKind::Jaeger => "/api/v3/services (or /api/services)",
                        CollectorKind::Zipkin => "/api/v2/services",
                        CollectorKind::Tempo => "/api/search and /api/v2/traces/{id}",
                    }
                )],
            };
            (format!("{what}: the answer is not what was expected: {detail}"), details)
        }
    };
    details.push(KEPT.to_string());
    Explained { text, details }
}

fn cors_advice(target: Target, origin: &str, header: Option<&str>) -> Vec<String> {
    let header_note = header.map(|h| format!(" and allow the {h} request header")).unwrap_or_default();
    let proxy = "Or serve Strand and the collector from one origin (Trunk's [[proxy]] in development, the nginx snippet for hosting: README, \"Loading from URLs and collectors\").";
    match target {
        Target::File => vec![
            format!("The server must send Access-Control-Allow-Origin: {origin} (or *) with the file."),
            "Or put the file on the same origin as Strand, or download it and open it with Open files….".to_string(),
        ],
        Target::Collector(CollectorKind::Zipkin) => vec![
            format!("Start Zipkin with ZIPKIN_QUERY_ALLOWED_ORIGINS={origin} (its default, *, allows every origin){header_note}."),
            proxy.to_string(),
        ],
        Target::Collector(CollectorKind::Jaeger) => vec![
            format!(
                "Jaeger v2: in its config, under extensions: jaeger_query: http:, add cors: {{ allowed_origins: [\"{origin}\"]{} }}.",
                header.map(|h| format!(", allowed_headers: [\"{h}\"]")).unwrap_or_default()
            ),
            "Jaeger v1's query service has no CORS setting: use a proxy.".to_string(),
            proxy.to_string(),
        ],
        Target::Collector(CollectorKind::Tempo) => vec![
            format!(
                "Tempo has no CORS setting: put a proxy in front of it that adds Access-Control-Allow-Origin: {origin}{header_note}."
            ),
            proxy.to_string(),
        ],
    }
}

fn http_advice(status: u16, target: Target) -> Vec<String> {
    match (status, target) {
        (401 | 403, Target::File) => vec!["The server wants credentials Strand does not send for plain URLs; download the file and open it instead.".to_string()],
        (401 | 403, Target::Collector(_)) => vec!["Check the auth header in Connect… (e.g. Authorization: Bearer <token>, or X-Scope-OrgID for a multi-tenant Tempo).".to_string()],
        (404, Target::File) => vec!["There is no file at this address; check the URL.".to_string()],
        (404, Target::Collector(kind)) => vec![format!(
            "Check the base URL: it should be the {} query address, e.g. {} (add the path prefix if it sits behind a proxy).",
            kind.label(),
            kind.example_base()
        )],
        (400 | 422, Target::Collector(_)) => vec!["The collector rejected the query; change the search fields and try again.".to_string()],
        (429, _) => vec!["Too many requests; wait a moment and try again.".to_string()],
        (500..=599, Target::Collector(_)) => vec!["The collector failed to answer; its message above says why. Try a narrower query, or check the collector's logs.".to_string()],
        (500..=599, Target::File) => vec!["The server failed; try again later.".to_string()],
        _ => Vec::new(),
    }
}

pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    /// Jaeger v1: `{"errors":[{"code":400,"msg":"…"}]}`.
    #[serde(default)]
    errors: Option<Vec<ErrorItem>>,
    /// Jaeger v3: `{"error":{"httpCode":404,"message":"…"}}`; others: `{"error":"…"}`.
    #[serde(default)]
    error: Option<ErrorField>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    msg: Option<String>,
}

#[derive(Deserialize)]
struct ErrorItem {
    #[serde(default)]
    msg: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ErrorField {
    Text(String),
    Object {
        #[serde(default)]
        message: Option<String>,
    },
}

/// The server's own words in an error body: the message of a JSON error (Jaeger v1 and v3 and
/// common shapes), or the text itself, on one line and at most 300 characters. HTML pages are
/// reduced to their title.
pub fn server_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        if let Ok(parsed) = serde_json::from_str::<ErrorBody>(trimmed) {
            let from_list = parsed
                .errors
                .unwrap_or_default()
                .into_iter()
                .filter_map(|e| e.msg.or(e.message))
                .collect::<Vec<_>>()
                .join("; ");
            let from_error = match parsed.error {
                Some(ErrorField::Text(t)) => Some(t),
                Some(ErrorField::Object { message }) => message,
                None => None,
            };
            let found = Some(from_list).filter(|s| !s.is_empty()).or(from_error).or(parsed.message).or(parsed.msg);
            if let Some(message) = found {
                return one_line(&message);
            }
        }
    }
    if trimmed.starts_with('<') {
        let lower = trimmed.to_ascii_lowercase();
        let title = lower.find("<title>").and_then(|start| {
            let from = start + "<title>".len();
            let end = lower.get(from..)?.find("</title>")? + from;
            trimmed.get(from..end)
        });
        return match title {
            Some(t) if !t.trim().is_empty() => format!("an HTML page titled \"{}\"", one_line(t)),
            _ => "an HTML page".to_string(),
        };
    }
    one_line(trimmed)
}

fn one_line(text: &str) -> String {
    let collapsed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > 300 {
        let cut: String = collapsed.chars().take(300).collect();
        format!("{cut}…")
    } else {
        collapsed
    }
}

/// Says where and why a JSON body could not be read, with the start of the body when it is not
/// JSON at all (an HTML page from a proxy or login wall is the usual case).
pub fn describe_json_error(body: &[u8], err: &serde_json::Error) -> String {
    let text = String::from_utf8_lossy(body.get(..body.len().min(200)).unwrap_or(body)).into_owned();
    let start = text.trim_start();
    if start.is_empty() {
        return "the answer is empty".to_string();
    }
    if !start.starts_with(['{', '[']) {
        return format!("the answer is not JSON: it starts with \"{}\"", preview(start));
    }
    format!("at line {}, column {}: {}", err.line(), err.column(), strip_position(&err.to_string()))
}

pub(crate) fn preview(text: &str) -> String {
    let first = text.lines().next().unwrap_or("");
    let cut: String = first.chars().take(40).collect();
    if first.chars().count() > 40 {
        format!("{cut}…")
    } else {
        cut
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(pos) => message.get(..pos).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(target: Target, url: &'static str) -> Context<'static> {
        Context { target, what: "test", url, page_origin: "http://127.0.0.1:8080", header: None }
    }

    #[test]
    fn server_messages_come_from_each_error_shape() {
        let m = |body: &str| server_message(body.as_bytes());
        assert_eq!(
            m(r#"{"data":null,"errors":[{"code":400,"msg":"parameter 'service' is required"}]}"#),
            "parameter 'service' is required"
        );
        assert_eq!(m(r#"{"error":{"httpCode":404,"message":"No traces found"}}"#), "No traces found");
        assert_eq!(m(r#"{"error":{"http_code":500,"message":"boom"}}"#), "boom");
        assert_eq!(m(r#"{"error":"bad"}"#), "bad");
        assert_eq!(m(r#"{"message":"invalid TraceQL"}"#), "invalid TraceQL");
        assert_eq!(m("  serviceName=x not found\n  at y  "), "serviceName=x not found at y");
        assert_eq!(
            m("<html><head><title>502 Bad Gateway</title></head><body>x</body></html>"),
            "an HTML page titled \"502 Bad Gateway\""
        );
        assert_eq!(m("<p>no title</p>"), "an HTML page");
        assert_eq!(m(""), "");
        assert_eq!(m(&"x".repeat(400)).chars().count(), 301);
    }

    #[test]
    fn cors_advice_names_each_collectors_setting() {
        let cors =
            |kind| explain(&Failure::CorsRefused, &ctx(Target::Collector(kind), "http://c:1/api")).details.join("\n");
        assert!(cors(CollectorKind::Zipkin).contains("ZIPKIN_QUERY_ALLOWED_ORIGINS=http://127.0.0.1:8080"));
        assert!(cors(CollectorKind::Jaeger).contains("allowed_origins: [\"http://127.0.0.1:8080\"]"));
        assert!(cors(CollectorKind::Tempo).contains("Tempo has no CORS setting"));
        assert!(cors(CollectorKind::Tempo).contains("[[proxy]]"));
        let file = explain(&Failure::CorsRefused, &ctx(Target::File, "http://f:2/x.json"));
        assert!(file.text.contains("f:2 answered, but its CORS settings"));
        assert!(file.details.join(" ").contains("Access-Control-Allow-Origin: http://127.0.0.1:8080"));
        let with_header =
            Context { header: Some("Authorization"), ..ctx(Target::Collector(CollectorKind::Jaeger), "http://c:1") };
        assert!(explain(&Failure::CorsRefused, &with_header)
            .details
            .join(" ")
            .contains("allowed_headers: [\"Authorization\"]"));
    }

    #[test]
    fn every_failure_says_what_happened_and_that_loaded_data_stays() {
        let c = ctx(Target::Collector(CollectorKind::Jaeger), "http://jaeger:16686/api/v3/services");
        let unreachable = explain(&Failure::Unreachable, &c);
        assert_eq!(unreachable.text, "test: could not connect to jaeger:16686");
        assert!(unreachable.details.join(" ").contains("http://localhost:16686"));
        let timeout = explain(&Failure::Timeout { after_ms: 1500 }, &c);
        assert!(timeout.details.iter().any(|d| d.contains("within 1.5 s")));
        let http = explain(&Failure::Http { status: 500, message: "storage down".into() }, &c);
        assert_eq!(http.text, "test: the server answered 500 Internal Server Error: \"storage down\"");
        let auth = explain(&Failure::Http { status: 401, message: String::new() }, &c);
        assert!(auth.details.join(" ").contains("auth header"));
        let bad = explain(&Failure::Malformed { detail: "not JSON".into() }, &c);
        assert!(bad.details.join(" ").contains("/api/v3/services"));
        for e in [unreachable, timeout, http, auth, bad] {
            assert_eq!(e.details.last().map(String::as_str), Some(KEPT));
        }
        let mixed = Context { page_origin: "https://strand.example", ..c };
        assert!(explain(&Failure::Unreachable, &mixed).details.join(" ").contains("mixed-content"));
    }
}
