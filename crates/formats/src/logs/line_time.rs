//! A log line's time: read from its time field (any epoch unit, a date-time text, seconds with
//! a separate nanoseconds field), else its observed time, else the time of the line before.
//! Lines before the first line with a time wait for it and get its time. Depends on
//! `logs::fields` (the readers) and `logs::json`.

use super::fields::{epoch_float_ns, epoch_int_ns, parse_time_text, unit_ns, TimeRead};
use super::json::Json;
use super::record::Repairs;
use strand_model::{LogRecord, Trace};

/// The fields of a line that can give its time.
#[derive(Clone, Copy, Default)]
pub(crate) struct TimeFields<'v, 'a> {
    pub time: Option<&'v Json<'a>>,
    /// Nanoseconds within the second of a `time` in whole seconds or milliseconds; `true` when
    /// it only completes one in milliseconds (`Role::TimeFraction`).
    pub fraction: Option<(&'v Json<'a>, bool)>,
    pub observed: Option<&'v Json<'a>>,
}

/// What the time of the lines of one document is placed from. Whether a line with a time was
/// read yet is `Repairs::timed`.
#[derive(Default)]
pub(crate) struct LineTimes {
    /// The time of the first line with one (and of the lines before it).
    first_ns: i64,
    last_ns: i64,
    /// Lines were read before the first one with a time.
    waiting: bool,
}

/// What [`LineTimes::read`] found.
pub(crate) struct Read {
    /// The time field could not be read: it stays an attribute.
    pub unreadable: bool,
    /// The nanoseconds field was added to the time (else it stays an attribute).
    pub fraction_used: bool,
    /// The first line with a time, after lines without one: once it is added, they get its time
    /// ([`LineTimes::place`]).
    pub place_waiting: bool,
}

impl LineTimes {
    /// Sets `record`'s time and observed time from `fields`, counting repairs.
    pub(crate) fn read(&mut self, record: &mut LogRecord, fields: TimeFields, repairs: &mut Repairs) -> Read {
        let mut read = Read { unreadable: false, fraction_used: false, place_waiting: false };
        let own = match fields.time.map(|v| (v, read_time(v))) {
            Some((v, Some(TimeRead::Ok { ns, zoned }))) => {
                if !zoned {
                    repairs.unzoned_time += 1;
                }
                let (ns, used) = with_fraction(v, ns, fields.fraction);
                read.fraction_used = used;
                Some(ns)
            }
            Some(_) => {
                repairs.unreadable_time += 1;
                read.unreadable = true;
                None
            }
            None => None,
        };
        let observed = match fields.observed.and_then(read_time) {
            Some(TimeRead::Ok { ns, .. }) => Some(ns),
            _ => None,
        };
        record.observed_ns = observed.unwrap_or(0);
        match own.or(if fields.time.is_none() { observed } else { None }) {
            Some(ns) => {
                record.time_ns = ns;
                if !repairs.timed {
                    self.first_ns = ns;
                }
                self.last_ns = ns;
                read.place_waiting = !repairs.timed && self.waiting;
                repairs.timed = true;
            }
            None => {
                if fields.time.is_none() {
                    repairs.no_time += 1;
                }
                record.time_ns = self.last_ns;
                self.waiting |= !repairs.timed;
            }
        }
        read
    }

    /// The time of the first and of the last line with one (0 when no line had a time).
    pub(crate) fn first_and_last(&self) -> (i64, i64) {
        (self.first_ns, self.last_ns)
    }

    /// Gives every line of `traces` but the one at `last` (trace position, index: the first
    /// line with a time, just added) that line's time: they are the lines read before it.
    pub(crate) fn place(&self, traces: &mut [Trace], last: (usize, usize)) {
        for (pos, trace) in traces.iter_mut().enumerate() {
            for (i, line) in trace.logs.iter_mut().enumerate() {
                if (pos, i) != last {
                    line.time_ns = self.last_ns;
                }
            }
        }
    }
}

/// `ns` with its sub-second part from a nanoseconds field, when the time was an epoch integer
/// whose unit (told by its size, `unit_ns`) leaves room for it and the field agrees with what
/// the time already says (`timestamp` 1796425015090 ms with `nanoseconds` 90345820); whether
/// the field was used.
fn with_fraction(time: &Json, ns: i64, fraction: Option<(&Json, bool)>) -> (i64, bool) {
    let (Json::Int(v), Some((Json::Int(frac), ms_only))) = (time, fraction) else { return (ns, false) };
    let unit = i64::try_from(unit_ns(u128::from(v.unsigned_abs()))).unwrap_or(1);
    if ms_only && unit != 1_000_000 {
        return (ns, false);
    }
    let sub = ns.rem_euclid(1_000_000_000);
    if !(0..1_000_000_000).contains(frac) || *frac < sub || *frac >= sub.saturating_add(unit) {
        return (ns, false);
    }
    match ns.checked_sub(sub).and_then(|whole| whole.checked_add(*frac)) {
        Some(exact) => (exact, true),
        None => (ns, false),
    }
}

pub(crate) fn read_time(value: &Json) -> Option<TimeRead> {
    let ns = match value {
        Json::Int(i) => epoch_int_ns(i128::from(*i)),
        Json::UInt(u) => epoch_int_ns(i128::from(*u)),
        Json::Float(f) => epoch_float_ns(*f),
        Json::Str(s) => return Some(parse_time_text(s)),
        // Fluent's EventTime as `[seconds, nanoseconds]`.
        Json::Array(parts) => match parts.as_slice() {
            [Json::Int(s), Json::Int(n)] => s.checked_mul(1_000_000_000).and_then(|s| s.checked_add(*n)),
            _ => None,
        },
        _ => None,
    };
    Some(ns.map_or(TimeRead::Unreadable, |ns| TimeRead::Ok { ns, zoned: true }))
}
