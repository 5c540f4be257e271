//! Masking sensitive values before anything leaves the tab: a list of rules applied to
//! attribute values (span, resource, event, link, scope and log attributes, and log bodies under
//! the key `body`) by every exporter, the copied JSON and the CLI (`--mask RULES`).
//! Pure text functions. Depends on nothing outside `view`.
//!
//! Rules, written comma-separated (`defaults,-user.id,literals:sql.query`):
//!
//! | rule | masks |
//! |---|---|
//! | `KEY` or a pattern (`*.email`, `http.request.header.*`) | the whole value of matching keys (any case; `*` matches anything, dots included), written `***` |
//! | `literals:PATTERN` | SQL string and number literals in values of matching keys (`WHERE id = 7` → `WHERE id = ?`) |
//! | `query:PATTERN` | URL query values (`?user=ann&page=2` → `?user=***&page=***`) |
//! | `ip:PATTERN` | IPv4 and IPv6 addresses inside values (`10.1.2.3` → `***`) |
//! | `-PATTERN` | nothing in matching keys, whatever else matches (an exception) |
//! | `defaults` | the default rules ([`DEFAULT_RULES`]) |
//! | `none` | nothing (forgets the rules before it) |

use std::net::{Ipv4Addr, Ipv6Addr};

/// What a masked value is replaced by.
pub const MASKED: &str = "***";

/// Secrets and personal data: credentials and session keys, personal identifiers and contact
/// data, SQL literals, URL query values and IP addresses.
pub const DEFAULT_RULES: &str =
    "*password*, *passwd*, *secret*, *token, *api_key*, *apikey*, *api-key*, *private_key*, \
*credential*, *authorization*, *cookie*, *session_id*, *sessionid*, *email*, user.*, enduser.*, *phone*, *ssn*, \
*credit_card*, *card_number*, *card.number*, *iban*, literals:db.statement, literals:db.query.text, query:*, ip:*";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// Replaces the whole value.
    Whole,
    /// SQL literals.
    Literals,
    /// URL query values.
    Query,
    /// IP addresses.
    Ips,
    /// Leaves matching keys alone.
    Except,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// As written (`literals:db.statement`), for lists and counts.
    pub text: String,
    pub kind: RuleKind,
    /// The key pattern, lowercase.
    pattern: String,
}

/// A list of rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mask {
    rules: Vec<Rule>,
}

/// A value as masking left it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Masked {
    pub text: String,
    /// Indices of the rules that changed it, in rule order.
    pub rules: Vec<usize>,
}

impl Mask {
    /// Masks nothing.
    pub fn none() -> Mask {
        Mask::default()
    }

    /// The default rules.
    pub fn defaults() -> Mask {
        Mask::parse("defaults").unwrap_or_default()
    }

    /// Reads a comma-separated rule list (see the module docs).
    pub fn parse(spec: &str) -> Result<Mask, String> {
        let mut rules = Vec::new();
        for item in spec.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            match item {
                "defaults" => {
                    for default in DEFAULT_RULES.split(',').map(str::trim) {
                        rules.push(rule(default)?);
                    }
                }
                "none" => rules.clear(),
                _ => rules.push(rule(item)?),
            }
        }
        Ok(Mask { rules })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn is_empty(&self) -> bool {
        self.rules.iter().all(|r| r.kind == RuleKind::Except)
    }

    /// The rules as one list, as [`Mask::parse`] reads it.
    pub fn spec(&self) -> String {
        self.rules.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join(",")
    }

    /// The whole-value rule that covers `key`, if any (and no exception does).
    pub fn whole(&self, key: &str) -> Option<usize> {
        if self.rules.is_empty() || self.excepted(key) {
            return None;
        }
        self.rules.iter().position(|r| r.kind == RuleKind::Whole && glob(&r.pattern, key))
    }

    /// `text` (the value of `key`) masked, or `None` when no rule changes it.
    pub fn apply(&self, key: &str, text: &str) -> Option<Masked> {
        if self.rules.is_empty() || self.excepted(key) {
            return None;
        }
        if let Some(i) = self.whole(key) {
            return Some(Masked { text: MASKED.to_string(), rules: vec![i] });
        }
        let mut current: Option<String> = None;
        let mut fired = Vec::new();
        for (i, r) in self.rules.iter().enumerate() {
            if matches!(r.kind, RuleKind::Whole | RuleKind::Except) || !glob(&r.pattern, key) {
                continue;
            }
            let input = current.as_deref().unwrap_or(text);
            let changed = match r.kind {
                RuleKind::Literals => mask_sql_literals(input),
                RuleKind::Query => mask_query(input),
                RuleKind::Ips => mask_ips(input),
                RuleKind::Whole | RuleKind::Except => None,
            };
            if let Some(changed) = changed {
                current = Some(changed);
                fired.push(i);
            }
        }
        current.map(|text| Masked { text, rules: fired })
    }

    fn excepted(&self, key: &str) -> bool {
        self.rules.iter().any(|r| r.kind == RuleKind::Except && glob(&r.pattern, key))
    }
}

fn rule(item: &str) -> Result<Rule, String> {
    let (kind, pattern) = if let Some(p) = item.strip_prefix('-') {
        (RuleKind::Except, p)
    } else if let Some(p) = item.strip_prefix("literals:") {
        (RuleKind::Literals, p)
    } else if let Some(p) = item.strip_prefix("query:") {
        (RuleKind::Query, p)
    } else if let Some(p) = item.strip_prefix("ip:").or_else(|| item.strip_prefix("ips:")) {
        (RuleKind::Ips, p)
    } else if item == "ip" || item == "query" {
        (if item == "ip" { RuleKind::Ips } else { RuleKind::Query }, "*")
    } else {
        (RuleKind::Whole, item)
    };
    let pattern = pattern.trim();
    if pattern.is_empty() {
        return Err(format!("the mask rule {item:?} needs a key or a pattern such as *.email"));
    }
    if pattern.chars().any(char::is_whitespace) {
        return Err(format!("the mask rule {item:?} has a space in its pattern; keys have none"));
    }
    Ok(Rule { text: item.to_string(), kind, pattern: pattern.to_ascii_lowercase() })
}

/// Does `key` match `pattern` (lowercase; `*` matches any run, dots included), ignoring ASCII
/// case? Iterative, with one backtracking point per star.
pub fn glob(pattern: &str, key: &str) -> bool {
    let (p, k) = (pattern.as_bytes(), key.as_bytes());
    let (mut pi, mut ki) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ki < k.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ki));
                pi += 1;
            }
            Some(&c) if k.get(ki).is_some_and(|b| b.to_ascii_lowercase() == c) => {
                pi += 1;
                ki += 1;
            }
            _ => match star {
                Some((sp, sk)) => {
                    pi = sp + 1;
                    ki = sk + 1;
                    star = Some((sp, sk + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..).unwrap_or(&[]).iter().all(|&c| c == b'*')
}

/// SQL with its string literals (`'…'`, `''` escaping a quote) and number literals (not part of
/// an identifier, `0x…` included) replaced by `?`; `None` when there are none. Double-quoted
/// names are identifiers and stay.
pub fn mask_sql_literals(sql: &str) -> Option<String> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = String::with_capacity(sql.len());
    let mut changed = false;
    let mut i = 0;
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$' || c == '@' || c == '#';
    while let Some(&c) = chars.get(i) {
        if c == '\'' {
            // A string literal, to its closing quote ('' and \' do not close it).
            i += 1;
            while let Some(&d) = chars.get(i) {
                i += 1;
                match d {
                    '\\' => i += 1,
                    '\'' if chars.get(i) == Some(&'\'') => i += 1,
                    '\'' => break,
                    _ => {}
                }
            }
            out.push('?');
            changed = true;
        } else if c == '"' || c == '`' {
            // A quoted identifier: copied as it is.
            out.push(c);
            i += 1;
            while let Some(&d) = chars.get(i) {
                out.push(d);
                i += 1;
                if d == c {
                    break;
                }
            }
        } else if c.is_ascii_digit() && !i.checked_sub(1).and_then(|p| chars.get(p)).is_some_and(|&p| ident(p)) {
            while chars.get(i).is_some_and(|&d| d.is_ascii_alphanumeric() || d == '.') {
                i += 1;
            }
            out.push('?');
            changed = true;
        } else {
            out.push(c);
            i += 1;
        }
    }
    changed.then_some(out)
}

/// Text with the values of URL query parameters (after a `?`, up to a space, `#` or quote)
/// replaced by `***`; `None` when there are none.
pub fn mask_query(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(q) = rest.find('?') {
        out.push_str(rest.get(..=q).unwrap_or(""));
        let after = rest.get(q + 1..).unwrap_or("");
        let end =
            after.find(|c: char| c.is_whitespace() || matches!(c, '#' | '"' | '\'' | '<' | '>')).unwrap_or(after.len());
        let query = after.get(..end).unwrap_or("");
        if query.contains('=') {
            for (n, pair) in query.split('&').enumerate() {
                if n > 0 {
                    out.push('&');
                }
                match pair.split_once('=') {
                    Some((name, value)) if !value.is_empty() => {
                        out.push_str(name);
                        out.push('=');
                        out.push_str(MASKED);
                        changed = true;
                    }
                    _ => out.push_str(pair),
                }
            }
        } else {
            out.push_str(query);
        }
        rest = after.get(end..).unwrap_or("");
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// Text with IPv4 and IPv6 addresses (with a port, in brackets or with a zone too) replaced by
/// `***`; `None` when there are none. Times such as `12:30:45` are not addresses.
pub fn mask_ips(text: &str) -> Option<String> {
    let is_part = |c: char| c.is_ascii_hexdigit() || matches!(c, ':' | '.' | '%');
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest.find(is_part).unwrap_or(rest.len());
        out.push_str(rest.get(..start).unwrap_or(""));
        let tail = rest.get(start..).unwrap_or("");
        let mut len = tail.find(|c: char| !is_part(c)).unwrap_or(tail.len());
        if tail.get(..len).is_some_and(|t| t.contains('%')) {
            // An IPv6 zone (`%eth0`) runs on to the end of the word.
            let zone = tail.get(len..).unwrap_or("");
            len += zone.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(zone.len());
        }
        let token = tail.get(..len).unwrap_or("");
        // Part of a longer word (`abc1.2.3.4`): not an address.
        let glued = out.chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_');
        match (glued, mask_token(token)) {
            (false, Some(masked)) => {
                out.push_str(&masked);
                changed = true;
            }
            _ => out.push_str(token),
        }
        rest = tail.get(len..).unwrap_or("");
    }
    changed.then_some(out)
}

/// An address token masked: a whole IPv6 address (zone dropped), or IPv4 addresses between
/// colons (`10.0.0.1:8080`).
fn mask_token(token: &str) -> Option<String> {
    let address = token.split('%').next().unwrap_or(token);
    if address.contains(':') && address.parse::<Ipv6Addr>().is_ok() {
        return Some(MASKED.to_string());
    }
    let mut changed = false;
    let parts: Vec<String> = token
        .split(':')
        .map(|part| {
            let trimmed = part.trim_end_matches('.');
            if trimmed.matches('.').count() == 3 && trimmed.parse::<Ipv4Addr>().is_ok() {
                changed = true;
                format!("{MASKED}{}", part.get(trimmed.len()..).unwrap_or(""))
            } else {
                part.to_string()
            }
        })
        .collect();
    changed.then(|| parts.join(":"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_keys_in_any_case() {
        assert!(glob("*.email", "user.Email"));
        assert!(glob("*.email", "a.b.email"));
        assert!(!glob("*.email", "email"));
        assert!(glob("http.request.header.*", "http.request.header.authorization"));
        assert!(glob("*token", "x-auth-token"));
        assert!(!glob("*token", "gen_ai.usage.input_tokens"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b*c", "axxbyy"));
        assert!(glob("db.statement", "DB.Statement"));
    }

    #[test]
    fn rules_parse_with_defaults_exceptions_and_kinds() {
        let mask = Mask::parse("defaults, -user.id ,literals:sql.*").unwrap();
        assert_eq!(mask.whole("user.name"), Some(mask.rules().iter().position(|r| r.text == "user.*").unwrap()));
        assert_eq!(mask.whole("user.id"), None, "excepted");
        assert_eq!(mask.apply("http.request.header.authorization", "Bearer x").unwrap().text, "***");
        assert_eq!(mask.apply("sql.query", "select 'a'").unwrap().text, "select ?");
        assert_eq!(Mask::parse("defaults,none,ip").unwrap().spec(), "ip");
        assert!(Mask::parse("literals:").unwrap_err().contains("needs a key or a pattern"));
        assert!(Mask::parse("a b").unwrap_err().contains("has a space"));
        assert!(Mask::none().apply("password", "x").is_none());
        assert!(Mask::parse("-x").unwrap().is_empty());
    }

    #[test]
    fn content_rules_mask_inside_values() {
        let cases = [
            (
                "SELECT * FROM users WHERE email = 'ann@example.com' AND id = 42 LIMIT 10",
                Some("SELECT * FROM users WHERE email = ? AND id = ? LIMIT ?"),
            ),
            (
                "SELECT \"col1\", t2.x FROM t2 WHERE name = 'O''Brien' OR v = 0x1F",
                Some("SELECT \"col1\", t2.x FROM t2 WHERE name = ? OR v = ?"),
            ),
            ("SELECT c FROM t WHERE id = $1", None),
        ];
        for (sql, want) in cases {
            assert_eq!(mask_sql_literals(sql).as_deref(), want, "{sql}");
        }
        assert_eq!(mask_query("https://x/a?user=ann&page=2#top").as_deref(), Some("https://x/a?user=***&page=***#top"));
        assert_eq!(mask_query("GET /cart?flag&id=7 done").as_deref(), Some("GET /cart?flag&id=*** done"));
        assert_eq!(mask_query("are you sure? yes"), None);
        let ips = [
            ("client 10.0.3.7 said hi", Some("client *** said hi")),
            ("http://192.168.1.20:8080/x", Some("http://***:8080/x")),
            ("peer [::1]:443 and fe80::1%eth0", Some("peer [***]:443 and ***")),
            ("2001:db8::ff00:42:8329", Some("***")),
            ("at 12:30:45 version 1.2.3.4.5 or v1.2.3.4", None),
            ("300.1.1.1", None),
        ];
        for (text, want) in ips {
            assert_eq!(mask_ips(text).as_deref(), want, "{text}");
        }
        let mask = Mask::defaults();
        let masked = mask.apply("url.full", "https://10.0.0.9/login?next=/home").unwrap();
        assert_eq!(masked.text, "https://***/login?next=***");
        assert_eq!(masked.rules.len(), 2);
        assert_eq!(mask.apply("http.route", "/cart/{id}"), None);
        assert_eq!(mask.apply("gen_ai.usage.input_tokens", "12"), None);
    }
}
