//! Percent-encoding of URL components (RFC 3986), the one home for it: the route in the address
//! bar and the collectors' query strings. Depends on nothing.

/// Percent-encodes everything but unreserved characters (`A-Z a-z 0-9 - _ . ~`).
pub fn encode_component(s: &str) -> String {
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

/// Decodes `%XX` and `+` (a space, as forms send it); invalid escapes are kept as they are,
/// invalid UTF-8 is replaced.
pub fn decode_component(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex =
                bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(crate::ids::parse_hex_u64);
            if let Some(v) = hex.and_then(|v| u8::try_from(v).ok()) {
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
    fn components_round_trip() {
        assert_eq!(encode_component("GET /cart?x=1&y=ü"), "GET%20%2Fcart%3Fx%3D1%26y%3D%C3%BC");
        assert_eq!(decode_component("GET%20%2Fcart%3Fx%3D1%26y%3D%C3%BC"), "GET /cart?x=1&y=ü");
        assert_eq!(decode_component("a+b%zz%4"), "a b%zz%4");
        assert_eq!(decode_component("%E2%9C%93"), "✓");
        assert_eq!(decode_component("%+1"), "% 1", "a hex digit check, not a number parse");
    }
}
