//! What a field of a log line means, read from its value: timestamps in every common form,
//! severities as names or numbers, trace and span ids (hex, `0x` hex, Datadog's decimal ids,
//! W3C `traceparent`). Pure functions on text and numbers. Depends on `model` only.

use strand_model::{Interner, SpanId, TraceId};

/// Nanoseconds per unit of an epoch number whose unit is told by its size: below 1e11
/// seconds, below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds (1e11 s is the
/// year 5138; 1e11 ms is 1973).
pub(crate) fn unit_ns(magnitude: u128) -> i128 {
    if magnitude < 100_000_000_000 {
        1_000_000_000
    } else if magnitude < 100_000_000_000_000 {
        1_000_000
    } else if magnitude < 100_000_000_000_000_000 {
        1_000
    } else {
        1
    }
}

/// Nanoseconds since the Unix epoch from an integer epoch number (unit by size, [`unit_ns`]).
pub fn epoch_int_ns(v: i128) -> Option<i64> {
    i64::try_from(v.checked_mul(unit_ns(v.unsigned_abs()))?).ok()
}

/// An epoch number with a fraction (`1714564800.123456`), unit by size as [`epoch_int_ns`].
pub fn epoch_float_ns(v: f64) -> Option<i64> {
    if !v.is_finite() {
        return None;
    }
    let magnitude = v.abs();
    let scale = if magnitude < 1e11 {
        1e9
    } else if magnitude < 1e14 {
        1e6
    } else if magnitude < 1e17 {
        1e3
    } else {
        1.0
    };
    // Whole units and the fraction apart: the product of an epoch and 1e9 is past f64's exact
    // integers, the fraction's is not.
    let whole = v.trunc();
    let whole_ns = whole * scale;
    if whole_ns.abs() >= 9.2e18 {
        return None;
    }
    let frac_ns = ((v - whole) * scale).round();
    Some((whole_ns as i64).saturating_add(frac_ns as i64))
}

/// A decimal epoch number written as text, exactly (`"1714564800.123456789"`, `"1714564800123"`).
fn epoch_text_ns(text: &str) -> Option<i64> {
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, f),
        None => (text, ""),
    };
    let negative = int.starts_with('-');
    let digits = int.strip_prefix('-').unwrap_or(int);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i128 = digits.parse().ok()?;
    let whole = if negative { -whole } else { whole };
    let unit = unit_ns(whole.unsigned_abs());
    let base = i64::try_from(whole.checked_mul(unit)?).ok()?;
    // The fraction is of the unit the whole part was read in.
    let mut frac_ns: i64 = 0;
    let mut scale = i64::try_from(unit).unwrap_or(1);
    for b in frac.bytes().take(18) {
        scale /= 10;
        frac_ns = frac_ns.saturating_add(i64::from(b - b'0').saturating_mul(scale));
    }
    Some(if negative { base.saturating_sub(frac_ns) } else { base.saturating_add(frac_ns) })
}

/// How a timestamp was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeRead {
    /// Read; `zoned` is false for a date-time without a zone (read as UTC).
    Ok {
        ns: i64,
        zoned: bool,
    },
    Unreadable,
}

/// Reads a timestamp written as text: RFC 3339 / ISO 8601 (`T` or a space between date and
/// time, `.` or `,` before the fraction, `Z`, `±HH:MM`, `±HHMM`, `±HH`, ` UTC` or nothing for
/// the zone), or a decimal epoch number in seconds, milliseconds, microseconds or nanoseconds.
pub fn parse_time_text(text: &str) -> TimeRead {
    let text = text.trim();
    // No text reads both ways (a date has a `-` after four digits, an epoch number does not).
    if let Some((ns, zoned)) = parse_rfc3339(text) {
        return TimeRead::Ok { ns, zoned };
    }
    match epoch_text_ns(text) {
        Some(ns) => TimeRead::Ok { ns, zoned: true },
        None => TimeRead::Unreadable,
    }
}

/// `YYYY-MM-DD[(T| )HH:MM[:SS[(.|,)fraction]]][ ][zone]`.
fn parse_rfc3339(text: &str) -> Option<(i64, bool)> {
    let b = text.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter().all(u8::is_ascii_digit).then(|| part.iter().fold(0i64, |v, d| v * 10 + i64::from(d - b'0')))
    };
    let year = num(0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let (month, day) = (num(5, 2)?, num(8, 2)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let mut pos = 10;
    let (mut hour, mut minute, mut second, mut frac_ns) = (0, 0, 0, 0i64);
    if matches!(b.get(pos), Some(b'T' | b't' | b' ')) && b.get(pos + 1).is_some_and(u8::is_ascii_digit) {
        hour = num(pos + 1, 2)?;
        if b.get(pos + 3) != Some(&b':') {
            return None;
        }
        minute = num(pos + 4, 2)?;
        pos += 6;
        if b.get(pos) == Some(&b':') {
            second = num(pos + 1, 2)?;
            pos += 3;
            if matches!(b.get(pos), Some(b'.' | b',')) {
                pos += 1;
                let mut scale = 100_000_000i64;
                while let Some(d) = b.get(pos).filter(|d| d.is_ascii_digit()) {
                    frac_ns += i64::from(d - b'0') * scale;
                    scale /= 10;
                    pos += 1;
                }
            }
        }
        if hour > 24 || minute > 59 || second > 60 {
            return None;
        }
    }
    let rest = text.get(pos..)?.trim_start();
    let (offset_s, zoned) = parse_zone(rest)?;
    let secs = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_s;
    let ns = secs.checked_mul(1_000_000_000)?.checked_add(frac_ns)?;
    Some((ns, zoned))
}

/// The zone suffix as an offset in seconds east of UTC; `(0, false)` when there is none.
fn parse_zone(rest: &str) -> Option<(i64, bool)> {
    match rest {
        "" => return Some((0, false)),
        "Z" | "z" | "UTC" | "GMT" => return Some((0, true)),
        _ => {}
    }
    let b = rest.as_bytes();
    let sign = match b.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: Vec<u8> = b.get(1..)?.iter().copied().filter(|c| *c != b':').collect();
    if !digits.iter().all(u8::is_ascii_digit) || !(digits.len() == 2 || digits.len() == 4) {
        return None;
    }
    let hours = i64::from(digits.first()? - b'0') * 10 + i64::from(digits.get(1)? - b'0');
    let minutes = match (digits.get(2), digits.get(3)) {
        (Some(a), Some(b)) => i64::from(a - b'0') * 10 + i64::from(b - b'0'),
        _ => 0,
    };
    Some((sign * (hours * 3_600 + minutes * 60), true))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The OTLP severity number of a level name, as logging libraries write them (any case):
/// `trace`, `debug`/`fine`/`verbose`, `info`/`notice`, `warn`/`warning`, `error`/`err`/`severe`,
/// `fatal`/`critical`/`alert`/`emergency`/`panic`; OTLP's own `INFO2`…`FATAL4` keep their step.
/// 0 for anything else.
pub fn severity_from_text(text: &str) -> u8 {
    // Lowercased on the stack: this runs once per line.
    let mut buf = [0u8; 16];
    let text = text.trim().as_bytes();
    let Some(lower) = buf.get_mut(..text.len()) else { return 0 };
    lower.copy_from_slice(text);
    lower.make_ascii_lowercase();
    let (name, step): (&[u8], u8) = match lower.split_last() {
        Some((d @ b'1'..=b'4', rest)) if !rest.is_empty() => (rest, d - b'1'),
        _ => (lower, 0),
    };
    let base = match name {
        // winston's npm levels: `silly` below debug, `http` between debug and info.
        b"trace" | b"trc" | b"finest" | b"finer" | b"silly" => 1,
        b"debug" | b"dbg" | b"fine" | b"config" | b"verbose" | b"d" => 5,
        b"info" | b"information" | b"informational" | b"inf" | b"i" => 9,
        b"http" => 7,
        b"notice" => 10,
        b"warn" | b"warning" | b"wrn" | b"w" => 13,
        b"error" | b"err" | b"eror" | b"e" | b"severe" => 17,
        b"fatal" | b"critical" | b"crit" | b"panic" | b"f" => 21,
        b"alert" => 22,
        b"emerg" | b"emergency" => 23,
        _ => return 0,
    };
    base + step.min(3)
}

/// Which numbering a numeric level uses, from the field's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelNumbers {
    /// OTLP `SeverityNumber` (1–24).
    Otlp,
    /// Syslog / journald priorities: 0 emergency … 7 debug.
    Syslog,
    /// A plain `level` number: pino/bunyan's 10, 20 … 60, else OTLP's.
    Guess,
}

pub fn severity_from_number(n: i64, numbers: LevelNumbers) -> u8 {
    match numbers {
        LevelNumbers::Syslog => match n {
            0 => 23,
            1 => 22,
            2 => 21,
            3 => 17,
            4 => 13,
            5 => 10,
            6 => 9,
            7 => 5,
            _ => 0,
        },
        LevelNumbers::Guess if matches!(n, 10 | 20 | 30 | 40 | 50 | 60) => match n {
            10 => 1,
            20 => 5,
            30 => 9,
            40 => 13,
            50 => 17,
            _ => 21,
        },
        LevelNumbers::Otlp | LevelNumbers::Guess => u8::try_from(n).ok().filter(|s| (1..=24).contains(s)).unwrap_or(0),
    }
}

/// The hex digits of an id as log libraries write it: trimmed, without `0x`, and for Google
/// Cloud's `projects/P/traces/ID` the last part.
fn id_text(text: &str) -> &str {
    let text = text.trim();
    let text = match text.strip_prefix("projects/").and_then(|rest| rest.split_once("/traces/")) {
        Some((_, id)) => id,
        None => text,
    };
    text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")).unwrap_or(text)
}

fn all_zero(text: &str) -> bool {
    text.bytes().all(|b| b == b'0')
}

/// A trace id from a log field. `decimal`: the field holds Datadog-style decimal ids (a run of
/// at most 20 digits is read as a decimal 64-bit number). `None` for an empty or all-zero id
/// (what OpenTelemetry writes when no span is current).
pub fn log_trace_id(text: &str, decimal: bool, strings: &mut Interner) -> Option<TraceId> {
    if !(decimal && text.len() <= 20) {
        // The usual id, hex digits only: nothing to trim or strip.
        if let Some(v) = strand_model::ids::parse_hex_u128(text) {
            return (v != 0).then_some(TraceId::Hex(v));
        }
    }
    let text = id_text(text);
    if text.is_empty() || all_zero(text) {
        return None;
    }
    if decimal && text.len() <= 20 && text.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(v) = text.parse::<u64>() {
            return Some(TraceId::Hex(u128::from(v)));
        }
    }
    Some(TraceId::parse(text, strings))
}

/// A span id from a log field; see [`log_trace_id`].
pub fn log_span_id(text: &str, decimal: bool, strings: &mut Interner) -> Option<SpanId> {
    if !(decimal && text.len() <= 20) {
        if let Some(v) = strand_model::ids::parse_hex_u64(text) {
            return (v != 0).then_some(SpanId::Hex(v));
        }
    }
    let text = id_text(text);
    if text.is_empty() || all_zero(text) {
        return None;
    }
    if decimal && text.len() <= 20 && text.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(v) = text.parse::<u64>() {
            return Some(SpanId::Hex(v));
        }
    }
    Some(SpanId::parse(text, strings))
}

/// A W3C `traceparent` header value `VERSION-TRACEID-SPANID-FLAGS`: the trace id, span id and
/// flags; `None` when it is not one (ids of the wrong length or not hex, all zeros).
pub fn traceparent(text: &str) -> Option<(u128, u64, u32)> {
    let mut parts = text.trim().split('-');
    let version = parts.next()?;
    let (trace, span, flags) = (parts.next()?, parts.next()?, parts.next()?);
    if version.len() != 2 || trace.len() != 32 || span.len() != 16 || flags.len() != 2 {
        return None;
    }
    let trace = strand_model::ids::parse_hex_u128(trace).filter(|v| *v != 0)?;
    let span = strand_model::ids::parse_hex_u64(span).filter(|v| *v != 0)?;
    let flags = strand_model::ids::parse_hex_u64(flags).and_then(|f| u32::try_from(f).ok())?;
    Some((trace, span, flags))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(text: &str) -> String {
        match parse_time_text(text) {
            TimeRead::Ok { ns, zoned } => format!("{ns}{}", if zoned { "" } else { " (no zone)" }),
            TimeRead::Unreadable => "unreadable".to_string(),
        }
    }

    #[test]
    fn every_common_timestamp_form() {
        let cases = [
            ("2024-05-01T12:00:00Z", "1714564800000000000"),
            ("2024-05-01T12:00:00.123456789Z", "1714564800123456789"),
            ("2024-05-01T14:00:00.5+02:00", "1714564800500000000"),
            ("2024-05-01T07:00:00-0500", "1714564800000000000"),
            ("2024-05-01T13:00:00+01", "1714564800000000000"),
            ("2024-05-01 12:00:00,250", "1714564800250000000 (no zone)"),
            ("2024-05-01 12:00:00.000000001 +0000", "1714564800000000001"),
            ("2024-05-01 12:00:00 UTC", "1714564800000000000"),
            ("2024-05-01", "1714521600000000000 (no zone)"),
            ("1714564800", "1714564800000000000"),
            ("1714564800.25", "1714564800250000000"),
            ("1714564800123", "1714564800123000000"),
            ("1714564800123.5", "1714564800123500000"),
            ("1714564800123456", "1714564800123456000"),
            ("1714564800123456789", "1714564800123456789"),
            ("1969-12-31T23:59:59Z", "-1000000000"),
            ("yesterday", "unreadable"),
            ("2024-13-01T00:00:00Z", "unreadable"),
            ("2024-05-01T12:00:00+2", "unreadable"),
            ("", "unreadable"),
        ];
        for (text, want) in cases {
            assert_eq!(time(text), want, "{text}");
        }
        assert_eq!(epoch_float_ns(1714564800.5), Some(1_714_564_800_500_000_000));
        assert_eq!(epoch_int_ns(1_714_564_800_123), Some(1_714_564_800_123_000_000));
        assert_eq!(epoch_int_ns(i128::MAX), None);
        assert_eq!(epoch_float_ns(f64::NAN), None);
    }

    #[test]
    fn severities_by_name_and_number() {
        let names = ["TRACE", "debug", "Info", "INFO3", "notice", "WARNING", "err", "SEVERE", "critical", "emerg", "x"];
        let got: Vec<u8> = names.iter().map(|n| severity_from_text(n)).collect();
        assert_eq!(got, [1, 5, 9, 11, 10, 13, 17, 17, 21, 23, 0]);
        assert_eq!(severity_from_number(30, LevelNumbers::Guess), 9);
        assert_eq!(severity_from_number(50, LevelNumbers::Guess), 17);
        assert_eq!(severity_from_number(13, LevelNumbers::Guess), 13);
        assert_eq!(severity_from_number(3, LevelNumbers::Syslog), 17);
        assert_eq!(severity_from_number(99, LevelNumbers::Otlp), 0);
    }

    #[test]
    fn ids_in_the_forms_log_libraries_write() {
        let mut s = Interner::new();
        let hex = |id: Option<TraceId>, s: &Interner| id.map(|id| id.display(s));
        assert_eq!(
            hex(log_trace_id("0x5b8efff798038103d269b633813fc60c", false, &mut s), &s).as_deref(),
            Some("5b8efff798038103d269b633813fc60c")
        );
        assert_eq!(
            hex(log_trace_id("projects/p/traces/5B8EFFF798038103D269B633813FC60C", false, &mut s), &s).as_deref(),
            Some("5b8efff798038103d269b633813fc60c")
        );
        assert_eq!(hex(log_trace_id("00000000000000000000000000000000", false, &mut s), &s), None);
        assert_eq!(hex(log_trace_id("1234567890123456789", true, &mut s), &s).as_deref(), Some("112210f47de98115"));
        assert_eq!(
            hex(log_trace_id("1234567890123456789", false, &mut s), &s).as_deref(),
            Some("00000000000001234567890123456789")
        );
        assert_eq!(log_span_id("0", false, &mut s), None);
        assert_eq!(log_span_id("53995c3f42cd8ad8", false, &mut s), Some(SpanId::Hex(0x5399_5c3f_42cd_8ad8)));
        assert_eq!(
            traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            Some((0x0af7_6519_16cd_43dd_8448_eb21_1c80_319c, 0xb7ad_6b71_6920_3331, 1))
        );
        assert_eq!(traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331"), None);
        assert_eq!(traceparent("00-00000000000000000000000000000000-b7ad6b7169203331-01"), None);
    }
}
