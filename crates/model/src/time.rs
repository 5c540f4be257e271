//! Formatting of integer-nanosecond times and durations for people. Depends on nothing.

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
    fn timestamps_are_utc() {
        assert_eq!(format_timestamp_utc(0), "1970-01-01 00:00:00.000");
        assert_eq!(format_timestamp_utc(1_700_000_000_123_000_000), "2023-11-14 22:13:20.123");
        assert_eq!(format_timestamp_utc(-1_000_000), "1969-12-31 23:59:59.999");
    }
}
