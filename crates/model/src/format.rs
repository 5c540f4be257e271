//! One home for the words and numbers Strand shows: counts with thousands separators, short
//! counts, plurals and byte sizes. (Durations and timestamps are in `time`.) Depends on nothing.

/// A count with thousands separators: `2,985,281`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count in at most four characters: `999`, `1.2k`, `12k`, `3.4M`.
pub fn short_count(n: u64) -> String {
    let f = n as f64;
    if n < 1_000 {
        n.to_string()
    } else if n < 10_000 {
        format!("{:.1}k", f / 1e3)
    } else if n < 1_000_000 {
        format!("{:.0}k", f / 1e3)
    } else if n < 10_000_000 {
        format!("{:.1}M", f / 1e6)
    } else {
        format!("{:.0}M", f / 1e6)
    }
}

/// `n` and a noun, singular for one, with thousands separators: `1 trace`, `2,000 traces`.
/// Nouns ending in `s`, `x`, `ch` or `sh` take `es` (`1 match`, `3 matches`).
pub fn counted(n: u64, noun: &str) -> String {
    format!("{} {}", thousands(n), plural(n, noun))
}

/// The noun for `n` things: `span` for one, `spans` for any other number.
pub fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        return noun.to_string();
    }
    let es = ["s", "x", "ch", "sh"].iter().any(|end| noun.ends_with(end));
    format!("{noun}{}", if es { "es" } else { "s" })
}

/// A service's name as shown: spans without one say so instead of leaving a blank cell.
pub fn service_label(name: &str) -> &str {
    if name.is_empty() {
        "(no service)"
    } else {
        name
    }
}

/// `part` of `total` as a percentage: `0%`, `0.4%`, `12%`, `100%`.
pub fn percent(part: u64, total: u64) -> String {
    if total == 0 || part == 0 {
        return "0%".to_string();
    }
    let p = part as f64 * 100.0 / total as f64;
    if p < 10.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// A byte size in decimal units: `512 bytes`, `4.9 MB`, `1.2 GB`.
pub fn bytes(n: f64) -> String {
    const UNITS: [&str; 5] = ["bytes", "kB", "MB", "GB", "TB"];
    let mut value = n.max(0.0);
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    let name = UNITS.get(unit).copied().unwrap_or("bytes");
    if unit == 0 {
        format!("{value:.0} {name}")
    } else {
        format!("{value:.1} {name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_words() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1_204), "1,204");
        assert_eq!(thousands(2_985_281), "2,985,281");
        assert_eq!(short_count(999), "999");
        assert_eq!(short_count(1_234), "1.2k");
        assert_eq!(short_count(12_345), "12k");
        assert_eq!(short_count(3_400_000), "3.4M");
        assert_eq!(counted(1, "trace"), "1 trace");
        assert_eq!(counted(0, "trace"), "0 traces");
        assert_eq!(counted(2_000, "call"), "2,000 calls");
        assert_eq!(counted(3, "match"), "3 matches");
        assert_eq!(plural(1, "span"), "span");
        assert_eq!(percent(1, 250), "0.4%");
        assert_eq!(percent(30, 250), "12%");
        assert_eq!(percent(0, 0), "0%");
        assert_eq!(bytes(512.0), "512 bytes");
        assert_eq!(bytes(4_900_000.0), "4.9 MB");
        assert_eq!(bytes(1.2e9), "1.2 GB");
    }
}
