//! A collector connection: which kind (Jaeger, Zipkin, Tempo), its base URL, and an optional
//! auth header. It is kept in the address (`source=`, `base=`; never the auth header) and in
//! local storage (all three). Pure parsing and formatting.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CollectorKind {
    Jaeger,
    Zipkin,
    Tempo,
}

impl CollectorKind {
    pub const ALL: [CollectorKind; 3] = [CollectorKind::Jaeger, CollectorKind::Zipkin, CollectorKind::Tempo];

    /// The name used in the address (`source=zipkin`).
    pub fn name(self) -> &'static str {
        match self {
            CollectorKind::Jaeger => "jaeger",
            CollectorKind::Zipkin => "zipkin",
            CollectorKind::Tempo => "tempo",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CollectorKind::Jaeger => "Jaeger",
            CollectorKind::Zipkin => "Zipkin",
            CollectorKind::Tempo => "Tempo",
        }
    }

    pub fn parse(s: &str) -> Option<CollectorKind> {
        CollectorKind::ALL.into_iter().find(|k| k.name().eq_ignore_ascii_case(s.trim()))
    }

    /// Where its query API usually listens, as a hint in the form.
    pub fn example_base(self) -> &'static str {
        match self {
            CollectorKind::Jaeger => "http://localhost:16686",
            CollectorKind::Zipkin => "http://localhost:9411",
            CollectorKind::Tempo => "http://localhost:3200",
        }
    }

    /// What the tags field takes, as a hint.
    pub fn tags_hint(self) -> &'static str {
        match self {
            CollectorKind::Jaeger => "http.status_code=500 error=true",
            CollectorKind::Zipkin => "error http.method=GET",
            CollectorKind::Tempo => "http.status_code=500 (added to the TraceQL query)",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub kind: CollectorKind,
    /// Normalised: scheme and host, optional path prefix, no trailing slash.
    pub base_url: String,
    /// `(name, value)`, e.g. `("Authorization", "Bearer …")` or `("X-Scope-OrgID", "team-a")`.
    #[serde(default)]
    pub auth_header: Option<(String, String)>,
}

impl Connection {
    /// Builds a connection from what the form says; `Err` explains what is wrong.
    pub fn new(kind: CollectorKind, base_url: &str, auth_header: &str) -> Result<Connection, String> {
        Ok(Connection { kind, base_url: normalize_base_url(base_url)?, auth_header: parse_auth_header(auth_header)? })
    }

    /// `host:port` of the base URL, for labels and messages.
    pub fn host(&self) -> &str {
        if self.base_url.starts_with('/') {
            &self.base_url
        } else {
            host_of(&self.base_url)
        }
    }

    /// A label for loaded documents and messages: `zipkin 127.0.0.1:9411`.
    pub fn label(&self) -> String {
        format!("{} {}", self.kind.name(), self.host())
    }

    /// The address parameters that reopen this connection. The auth header is never among them.
    pub fn to_params(&self) -> Vec<(String, String)> {
        vec![("source".to_string(), self.kind.name().to_string()), ("base".to_string(), self.base_url.clone())]
    }

    /// Kind and base URL from address parameters (`source=`, `base=`), if both are there.
    pub fn from_params(params: &[(String, String)]) -> Option<(CollectorKind, String)> {
        let get = |key: &str| params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        let kind = CollectorKind::parse(get("source")?)?;
        let base = normalize_base_url(get("base")?).ok()?;
        Some((kind, base))
    }

    /// The text kept in local storage (JSON).
    pub fn to_storage(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads what `to_storage` wrote; anything else (older or edited by hand) gives `None`.
    pub fn from_storage(text: &str) -> Option<Connection> {
        let conn: Connection = serde_json::from_str(text).ok()?;
        let base_url = normalize_base_url(&conn.base_url).ok()?;
        Some(Connection { base_url, ..conn })
    }
}

/// Accepts `host:port`, `http://host:port/`, `https://host/prefix`, and the API paths people paste
/// (`…/api/v2`, `…/api/v3/`), and returns `scheme://host[:port][/prefix]` without a trailing slash.
pub fn normalize_base_url(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err("enter the collector's base URL, e.g. http://localhost:9411".to_string());
    }
    // A path on Strand's own origin, e.g. `/zipkin` behind the same proxy (README).
    if trimmed.starts_with('/') && !trimmed.starts_with("//") {
        let path = trimmed.split(['?', '#']).next().unwrap_or("").trim_end_matches('/');
        let path = ["/api/v3", "/api/v2", "/api/v1", "/api"]
            .iter()
            .find_map(|suffix| path.strip_suffix(suffix))
            .unwrap_or(path);
        return Ok(path.trim_end_matches('/').to_string());
    }
    let with_scheme = if trimmed.contains("://") { trimmed.to_string() } else { format!("http://{trimmed}") };
    let (scheme, rest) = with_scheme.split_once("://").unwrap_or(("http", &with_scheme));
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(format!("\"{trimmed}\" is not an http:// or https:// address"));
    }
    // Drop a query or fragment: the API paths are appended to the base.
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (host, path) = match rest.find('/') {
        Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i..).unwrap_or("")),
        None => (rest, ""),
    };
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(format!("\"{trimmed}\" has no host name"));
    }
    let mut path = path.trim_end_matches('/').to_string();
    for suffix in ["/api/v3", "/api/v2", "/api/v1", "/api"] {
        if path.ends_with(suffix) {
            path.truncate(path.len() - suffix.len());
            break;
        }
    }
    Ok(format!("{scheme}://{host}{}", path.trim_end_matches('/')))
}

/// `Name: value` or just a value (then the header is `Authorization`); empty means none.
pub fn parse_auth_header(input: &str) -> Result<Option<(String, String)>, String> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    if let Some((name, value)) = input.split_once(':') {
        let name = name.trim();
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            let value = value.trim();
            if value.is_empty() {
                return Err(format!("the header {name} has no value"));
            }
            return Ok(Some((name.to_string(), value.to_string())));
        }
    }
    if input.contains(['\n', '\r']) {
        return Err("the auth header must be on one line".to_string());
    }
    Ok(Some(("Authorization".to_string(), input.to_string())))
}

/// The `host[:port]` part of an absolute URL; "this site" for a URL relative to the page.
pub fn host_of(url: &str) -> &str {
    let Some((_, rest)) = url.split_once("://") else { return "this site" };
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_normalised() {
        let ok = |input: &str, want: &str| assert_eq!(normalize_base_url(input).as_deref(), Ok(want), "{input}");
        ok("localhost:9411", "http://localhost:9411");
        ok("  http://127.0.0.1:16686/ ", "http://127.0.0.1:16686");
        ok("HTTPS://tempo.example/tempo/", "https://tempo.example/tempo");
        ok("http://zipkin:9411/api/v2/", "http://zipkin:9411");
        ok("http://jaeger:16686/api/v3", "http://jaeger:16686");
        ok("http://jaeger:16686/jaeger/api?x=1", "http://jaeger:16686/jaeger");
        ok("/zipkin/", "/zipkin");
        ok("/tempo/api/v2", "/tempo");
        assert_eq!(host_of("/zipkin/api/v2/services"), "this site");
        assert_eq!(host_of("http://h:1/x"), "h:1");
        assert!(normalize_base_url("").is_err());
        assert!(normalize_base_url("ftp://x").unwrap_err().contains("http"));
        assert!(normalize_base_url("http:///path").is_err());
    }

    #[test]
    fn auth_headers_take_a_name_or_default_to_authorization() {
        assert_eq!(parse_auth_header(""), Ok(None));
        assert_eq!(parse_auth_header("Bearer abc"), Ok(Some(("Authorization".into(), "Bearer abc".into()))));
        assert_eq!(parse_auth_header("X-Scope-OrgID: team-a"), Ok(Some(("X-Scope-OrgID".into(), "team-a".into()))));
        assert_eq!(
            parse_auth_header("Authorization: Basic dXNlcjpwYXNz"),
            Ok(Some(("Authorization".into(), "Basic dXNlcjpwYXNz".into())))
        );
        assert!(parse_auth_header("X-Token:").is_err());
    }

    #[test]
    fn the_address_carries_kind_and_base_but_never_the_auth_header() {
        let conn = Connection::new(CollectorKind::Tempo, "tempo:3200", "secret-token").unwrap();
        let params = conn.to_params();
        assert_eq!(params, vec![("source".into(), "tempo".into()), ("base".into(), "http://tempo:3200".into())]);
        assert!(!format!("{params:?}").contains("secret"));
        assert_eq!(Connection::from_params(&params), Some((CollectorKind::Tempo, "http://tempo:3200".into())));
        assert_eq!(Connection::from_params(&[("source".into(), "nope".into()), ("base".into(), "x".into())]), None);
        assert_eq!(conn.label(), "tempo tempo:3200");
    }

    #[test]
    fn local_storage_round_trips_with_the_auth_header() {
        let conn = Connection::new(CollectorKind::Jaeger, "http://j:16686", "X-Api-Key: k1").unwrap();
        assert_eq!(Connection::from_storage(&conn.to_storage()), Some(conn));
        assert_eq!(Connection::from_storage("garbage"), None);
        assert_eq!(Connection::from_storage(r#"{"kind":"zipkin","base_url":"ftp://x"}"#), None);
    }
}
