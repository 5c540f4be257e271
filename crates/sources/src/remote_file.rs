//! Loading a trace file from a URL (`?url=` or the Open URL field): which URLs are accepted, the
//! label the loaded data gets, and a first check that the answer is JSON at all. Pure.

use super::errors::{preview, Failure};
use super::Request;

/// The request for a typed or linked URL. Absolute `http(s)://` URLs and page-relative paths are
/// accepted; other schemes (`file:`, `javascript:`, `data:`) are refused with a reason.
pub fn request(input: &str) -> Result<Request, String> {
    let url = input.trim();
    if url.is_empty() {
        return Err("enter the URL of a JSON trace file".to_string());
    }
    if let Some((scheme, _)) = url.split_once(':') {
        let is_scheme =
            !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        if is_scheme && !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return Err(format!(
                "\"{url}\" is a {scheme}: address; Strand can fetch http:// and https:// URLs (open local files with Open files…)"
            ));
        }
    }
    if url.contains(char::is_whitespace) {
        return Err(format!("\"{url}\" has spaces in it; is it a URL?"));
    }
    Ok(Request { url: url.to_string(), headers: Vec::new() })
}

/// A short label for notices and the loaded traces' source: the file name and host.
pub fn label(url: &str) -> String {
    let without_query = url.split(['?', '#']).next().unwrap_or(url);
    let host = super::connection::host_of(without_query);
    let name = without_query.rsplit('/').find(|s| !s.is_empty()).unwrap_or(without_query);
    if url.contains("://") && name != host {
        format!("{name} ({host})")
    } else {
        name.to_string()
    }
}

/// A 2xx body that does not even start like JSON is reported here, with what it starts with
/// (usually an HTML page: a viewer page instead of the raw file, or a login wall). Anything that
/// looks like JSON goes on to the importers, which say exactly where it breaks.
pub fn check_body(body: &[u8]) -> Result<(), Failure> {
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let Some(first) = start.and_then(|i| body.get(i)) else {
        return Err(Failure::Malformed { detail: "the file is empty".to_string() });
    };
    if *first == b'{' || *first == b'[' || body.starts_with(b"\xEF\xBB\xBF") {
        return Ok(());
    }
    let text = String::from_utf8_lossy(body.get(..body.len().min(200)).unwrap_or(body)).into_owned();
    let kind = if *first == b'<' { " (an HTML page, not a JSON file)" } else { "" };
    Err(Failure::Malformed { detail: format!("not JSON: it starts with \"{}\"{kind}", preview(text.trim_start())) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_and_relative_paths_are_fetched() {
        assert_eq!(request(" https://example.com/t.json ").unwrap().url, "https://example.com/t.json");
        assert_eq!(request("samples/t.json").unwrap().url, "samples/t.json");
        assert!(request("").is_err());
        assert!(request("file:///etc/passwd").unwrap_err().contains("file:"));
        assert!(request("javascript:alert(1)").unwrap_err().contains("javascript:"));
        assert!(request("http://x/a b.json").is_err());
    }

    #[test]
    fn labels_name_the_file_and_host() {
        assert_eq!(label("http://127.0.0.1:8000/data/trace.json?x=1"), "trace.json (127.0.0.1:8000)");
        assert_eq!(label("samples/trace.json"), "trace.json");
        assert_eq!(label("http://host/"), "host");
    }

    #[test]
    fn bodies_that_are_not_json_are_named() {
        assert_eq!(check_body(b"  {\"data\":[]}"), Ok(()));
        assert_eq!(check_body(b"[]"), Ok(()));
        let html = check_body(b"<!DOCTYPE html><html><body>hello</body></html>").unwrap_err();
        assert!(
            matches!(&html, Failure::Malformed { detail } if detail.contains("HTML page") && detail.contains("<!DOCTYPE"))
        );
        assert!(matches!(check_body(b"   "), Err(Failure::Malformed { detail }) if detail.contains("empty")));
        assert!(
            matches!(check_body(b"traceId,spanId\n1,2"), Err(Failure::Malformed { detail }) if detail.starts_with("not JSON"))
        );
    }
}
