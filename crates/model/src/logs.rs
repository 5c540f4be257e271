//! Log records beside the spans: flat like spans, in the pools of the trace they belong to, with
//! interned strings and integer nanoseconds. Depends only on the other `model` modules.
//!
//! A trace holds the log lines that carry its trace id ([`Trace::logs`]); each names its span by
//! id (`span_id`, as the file gave it) and assembly resolves that id to an index (`span`). Lines
//! whose trace is not loaded, or that carry no trace id, wait in [`Dataset::unmatched_logs`]:
//! traces with log lines and no spans, one per trace id. When a trace with that id is loaded
//! later, its lines move into it. So every line is in one of three states ([`LogMatch`]).

use super::ids::SpanId;
use super::strings::StrId;
use super::trace::{Dataset, Range32, SpanIdx, Trace, Value};

/// Marker for "no span" in [`LogRecord::span`].
pub const NO_SPAN: SpanIdx = u32::MAX;

/// One log line. Times are integer nanoseconds since the Unix epoch.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct LogRecord {
    /// When the event happened; the observed time when the file gave no event time; 0 when
    /// neither the line nor any line of its file had a time (shown at its span's start).
    pub time_ns: i64,
    /// When a collector or agent saw it (0 when not given).
    pub observed_ns: i64,
    /// The span id the line carries (`None`: none).
    pub span_id: Option<SpanId>,
    /// The span `span_id` resolved to by assembly, or [`NO_SPAN`].
    pub span: SpanIdx,
    /// OTLP severity number: 1–4 TRACE, 5–8 DEBUG, 9–12 INFO, 13–16 WARN, 17–20 ERROR,
    /// 21–24 FATAL, 0 unspecified.
    pub severity: u8,
    /// The level as the file wrote it (`WARNING`, `err`, `30`).
    pub severity_text: StrId,
    /// The message: any value (a string nearly always).
    pub body: Value,
    /// Everything else the line carried, in the trace's attribute pool.
    pub attrs: Range32,
    /// Index into [`Trace::log_resources`].
    pub resource: u32,
    /// Index into [`Trace::log_scopes`], or `u32::MAX` for none.
    pub scope: u32,
    /// W3C trace flags, when the file gave them.
    pub flags: u32,
    /// The file (or source) the line came from.
    pub source: StrId,
}

impl LogRecord {
    /// Whether the line has a time: 0 means its file gave none at all (see `time_ns`).
    pub fn has_time(&self) -> bool {
        self.time_ns != 0
    }

    /// A record with every field at its "absent" value; importers fill in what they find.
    pub fn empty(source: StrId) -> LogRecord {
        LogRecord {
            time_ns: 0,
            observed_ns: 0,
            span_id: None,
            span: NO_SPAN,
            severity: 0,
            severity_text: StrId::EMPTY,
            body: Value::Empty,
            attrs: Range32::EMPTY,
            resource: 0,
            scope: u32::MAX,
            flags: 0,
            source,
        }
    }

    pub fn level(&self) -> Level {
        Level::from_severity(self.severity)
    }

    pub fn has_span(&self) -> bool {
        self.span != NO_SPAN
    }
}

/// Severity ranges of OTLP's `SeverityNumber`, by name.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub enum Level {
    #[default]
    Unspecified,
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

impl Level {
    pub const ALL: [Level; 7] =
        [Level::Unspecified, Level::Trace, Level::Debug, Level::Info, Level::Warn, Level::Error, Level::Fatal];

    pub fn from_severity(severity: u8) -> Level {
        match severity {
            1..=4 => Level::Trace,
            5..=8 => Level::Debug,
            9..=12 => Level::Info,
            13..=16 => Level::Warn,
            17..=20 => Level::Error,
            21..=u8::MAX => Level::Fatal,
            0 => Level::Unspecified,
        }
    }

    /// The first severity number of the level (`TRACE`=1, `DEBUG`=5, … `FATAL`=21).
    pub fn severity(self) -> u8 {
        match self {
            Level::Unspecified => 0,
            Level::Trace => 1,
            Level::Debug => 5,
            Level::Info => 9,
            Level::Warn => 13,
            Level::Error => 17,
            Level::Fatal => 21,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Unspecified => "unspecified",
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Fatal => "fatal",
        }
    }

    /// Reads a level name as people and logging libraries write it, in any case: `trace`,
    /// `debug`, `info`, `warn`/`warning`, `error`/`err`, `fatal`/`critical`/`crit`/`panic`,
    /// `unspecified`. `None` for anything else.
    pub fn parse(text: &str) -> Option<Level> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "trace" => Level::Trace,
            "debug" => Level::Debug,
            "info" => Level::Info,
            "warn" | "warning" => Level::Warn,
            "error" | "err" => Level::Error,
            "fatal" | "critical" | "crit" | "panic" => Level::Fatal,
            "unspecified" => Level::Unspecified,
            _ => return None,
        })
    }
}

/// Where a log line found its place: at a loaded span, in a loaded trace but at no span of it,
/// or nowhere (its trace is not loaded, or it carries no trace id).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum LogMatch {
    Span,
    TraceOnly,
    None,
}

/// How many log lines are in each [`LogMatch`] state.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct LogCounts {
    pub span: usize,
    pub trace_only: usize,
    pub none: usize,
}

impl LogCounts {
    pub fn total(&self) -> usize {
        self.span + self.trace_only + self.none
    }

    /// The lines of one loaded trace.
    pub fn of_trace(trace: &Trace) -> LogCounts {
        let span = trace.logs.iter().filter(|l| l.has_span()).count();
        LogCounts { span, trace_only: trace.logs.len() - span, none: 0 }
    }
}

impl Trace {
    /// The log lines resolved to span `idx`, in time order.
    pub fn logs_of_span(&self, idx: SpanIdx) -> impl Iterator<Item = &LogRecord> + '_ {
        self.logs.iter().filter(move |l| l.span == idx)
    }
}

impl Dataset {
    /// Log lines at a span, in a trace only, and unmatched, over everything loaded.
    pub fn log_counts(&self) -> LogCounts {
        let mut counts = LogCounts::default();
        for trace in &self.traces {
            let c = LogCounts::of_trace(trace);
            counts.span += c.span;
            counts.trace_only += c.trace_only;
        }
        counts.none = self.unmatched_logs.iter().map(|t| t.logs.len()).sum();
        counts
    }

    pub fn log_count(&self) -> usize {
        self.log_counts().total()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_otlp_severity_ranges() {
        let levels: Vec<&str> =
            [0u8, 1, 4, 5, 9, 12, 13, 17, 20, 21, 24, 200].iter().map(|&n| Level::from_severity(n).as_str()).collect();
        assert_eq!(
            levels,
            [
                "unspecified",
                "trace",
                "trace",
                "debug",
                "info",
                "info",
                "warn",
                "error",
                "error",
                "fatal",
                "fatal",
                "fatal"
            ]
        );
        for level in Level::ALL {
            assert_eq!(Level::from_severity(level.severity()), level);
            assert_eq!(Level::parse(level.as_str()), Some(level));
        }
        assert_eq!(Level::parse("WARNING"), Some(Level::Warn));
        assert_eq!(Level::parse("Critical"), Some(Level::Fatal));
        assert_eq!(Level::parse("loud"), None);
    }
}
