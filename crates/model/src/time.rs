//! Integer-nanosecond times and durations for people: formatting, and the one duration grammar
//! every input uses (the trace search, the analytics filter, the collector forms). Depends on
//! nothing.

/// A duration with a unit that keeps 3 significant digits: `850ns`, `12.3µs`, `4.56ms`, `1.20s`,
/// `2m 05s`.
pub fn format_duration(ns: i64) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let abs = ns.unsigned_abs();
    let f = abs as f64;
    let body = if abs < 1_000 {
        format!("{abs}ns")
    } else if abs < 1_000_000 {
        format!("{}µs", three_digits(f / 1e3))
    } else if abs < 1_000_000_000 {
        format!("{}ms", three_digits(f / 1e6))
    } else if abs < 60_000_000_000 {
        format!("{}s", three_digits(f / 1e9))
    } else {
        let secs = abs / 1_000_000_000;
        let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
        if h > 0 {
            format!("{h}h {m:02}m {s:02}s")
        } else {
            format!("{m}m {s:02}s")
        }
    };
    format!("{sign}{body}")
}

fn three_digits(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// What a number without a unit means in [`parse_duration_ns`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BareNumber {
    /// Milliseconds (forms and filters: `p99>100` is 100 ms).
    Millis,
    /// An error that asks for a unit (the trace search, where a bare number is text).
    NeedsUnit,
}

/// The duration grammar: a number (decimals allowed) and a unit — `ns`, `us`/`µs`, `ms`, `s`,
/// `m`/`min`, `h`, `d`, in any case — such as `250ms`, `1.5s`, `2m`, `1h`. `Err` says what is
/// wrong in words. Negative and out-of-range durations are errors.
pub fn parse_duration_ns(text: &str, bare: BareNumber) -> Result<i64, String> {
    const EXAMPLE: &str = "use a number and a unit (ns, µs, ms, s, m, h, d), e.g. 250ms or 1.5s";
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let not_a_duration = || format!("\"{text}\" is not a duration: {EXAMPLE}");
    let value: f64 = number.parse().map_err(|_| not_a_duration())?;
    let scale: f64 = match (unit.trim().to_ascii_lowercase().as_str(), bare) {
        ("", BareNumber::Millis) | ("ms", _) => 1e6,
        ("", BareNumber::NeedsUnit) => {
            return Err(format!("\"{text}\" needs a unit: ns, µs, ms, s, m, h or d (e.g. {text}ms)"))
        }
        ("ns", _) => 1.0,
        ("us" | "µs" | "μs", _) => 1e3,
        ("s", _) => 1e9,
        ("m" | "min", _) => 60e9,
        ("h", _) => 3600e9,
        ("d", _) => 86_400e9,
        _ => return Err(not_a_duration()),
    };
    let ns = (value * scale).round();
    if !ns.is_finite() || !(0.0..9.2e18).contains(&ns) {
        return Err(format!("\"{text}\" is longer than any span can be"));
    }
    Ok(ns as i64)
}

/// A Unix-epoch nanosecond timestamp as UTC `YYYY-MM-DD HH:MM:SS.mmm`.
pub fn format_timestamp_utc(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let millis = ns.rem_euclid(1_000_000_000) / 1_000_000;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, mo, d) = civil_from_days(days);
    format!("{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02}.{millis:03}", rem / 3600, (rem / 60) % 60, rem % 60)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(format_duration(850), "850ns");
        assert_eq!(format_duration(12_345), "12.3µs");
        assert_eq!(format_duration(4_560_000), "4.56ms");
        assert_eq!(format_duration(123_400_000), "123ms");
        assert_eq!(format_duration(1_204_000_000), "1.20s");
        assert_eq!(format_duration(125_000_000_000), "2m 05s");
        assert_eq!(format_duration(-5_000), "-5.00µs");
        assert_eq!(format_duration(i64::MIN), "-2562047h 47m 16s");
    }

    #[test]
    fn one_duration_grammar() {
        let ms = |t| parse_duration_ns(t, BareNumber::Millis);
        assert_eq!(ms("250ms"), Ok(250_000_000));
        assert_eq!(ms("1.5s"), Ok(1_500_000_000));
        assert_eq!(ms("10us"), Ok(10_000));
        assert_eq!(ms("10µs"), Ok(10_000));
        assert_eq!(ms("2m"), Ok(120_000_000_000));
        assert_eq!(ms("1h"), Ok(3_600_000_000_000));
        assert_eq!(ms("2d"), Ok(172_800_000_000_000));
        assert_eq!(ms("1H"), Ok(3_600_000_000_000), "any case");
        assert_eq!(ms("7"), Ok(7_000_000), "a bare number is milliseconds here");
        assert!(ms("10x").unwrap_err().contains("not a duration"));
        assert!(ms("999999999999d").unwrap_err().contains("longer than any span"));
        assert!(parse_duration_ns("7", BareNumber::NeedsUnit).unwrap_err().contains("needs a unit"));
        assert_eq!(parse_duration_ns(" 3 s ", BareNumber::NeedsUnit), Ok(3_000_000_000));
    }

    #[test]
    fn timestamps_are_utc() {
        assert_eq!(format_timestamp_utc(0), "1970-01-01 00:00:00.000");
        assert_eq!(format_timestamp_utc(1_700_000_000_123_000_000), "2023-11-14 22:13:20.123");
        assert_eq!(format_timestamp_utc(-1_000_000), "1969-12-31 23:59:59.999");
    }
}
