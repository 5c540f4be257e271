//! Warnings: what import and assembly found wrong with the input and what they did about it.
//! Parsing never fails on a usable document; it returns the model plus these. Depends on nothing.

use super::time::format_duration;
use super::trace::SpanIdx;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum WarningKind {
    // Found while decoding a file; they stay with the span for good.
    /// The span had no start time (or zero); assembly placed it (see the detail).
    MissingStartTime,
    /// The span had no duration; it is shown as 0.
    MissingDuration,
    /// End before start; the duration was set to 0.
    NegativeDuration,
    /// A value that could not be read as its declared type; kept as text.
    InvalidValue,
    /// The span's process/endpoint named no service.
    MissingService,
    /// The span id was empty; a synthetic id was given.
    MissingSpanId,
    /// The trace id was empty.
    MissingTraceId,
    /// Zipkin: a kind-less late fragment was merged into the span with the same id and endpoint.
    MergedFragment,
    /// A span identical to another one (same id and content) was dropped.
    DuplicateDropped,
    /// A warning the file itself carried (Jaeger `warnings`).
    FromSource,
    /// A field had a value of no known meaning (e.g. an unknown span kind).
    UnknownValue,

    // Found by assembly; recomputed every time a trace is assembled.
    /// The parent id names no span of this trace: the span is shown as a root.
    Orphan,
    /// The span named itself as its parent: it is shown as a root.
    SelfParent,
    /// The parent links formed a cycle: this span's parent link was cut.
    Cycle,
    /// Another span of the trace has the same id (they are kept apart by position).
    DuplicateSpanId,
    /// The span (and its local subtree) was shifted to undo clock skew between hosts.
    ClockSkew,
    /// The span starts before or ends after its parent (and no skew adjustment applied).
    OutsideParent,
}

impl WarningKind {
    /// Assembly warnings are derived from the spans and recomputed on every assembly.
    pub fn is_assembly(self) -> bool {
        matches!(
            self,
            WarningKind::Orphan
                | WarningKind::SelfParent
                | WarningKind::Cycle
                | WarningKind::DuplicateSpanId
                | WarningKind::ClockSkew
                | WarningKind::OutsideParent
        )
    }

    /// A short stable code, used in dumps, the CLI and the UI.
    pub fn code(self) -> &'static str {
        match self {
            WarningKind::MissingStartTime => "missing-start",
            WarningKind::MissingDuration => "missing-duration",
            WarningKind::NegativeDuration => "negative-duration",
            WarningKind::InvalidValue => "invalid-value",
            WarningKind::MissingService => "missing-service",
            WarningKind::MissingSpanId => "missing-span-id",
            WarningKind::MissingTraceId => "missing-trace-id",
            WarningKind::MergedFragment => "merged-fragment",
            WarningKind::DuplicateDropped => "duplicate-dropped",
            WarningKind::FromSource => "source-warning",
            WarningKind::UnknownValue => "unknown-value",
            WarningKind::Orphan => "orphan",
            WarningKind::SelfParent => "self-parent",
            WarningKind::Cycle => "cycle",
            WarningKind::DuplicateSpanId => "duplicate-id",
            WarningKind::ClockSkew => "clock-skew",
            WarningKind::OutsideParent => "outside-parent",
        }
    }
}

impl WarningKind {
    /// What a group of `n` warnings of this kind means, for a one-line summary per kind.
    pub fn summary(self, n: usize) -> String {
        let count = |noun: &str| if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") };
        let spans = count("span");
        match self {
            WarningKind::MissingStartTime => format!("{spans} without a start time, placed at the parent's start"),
            WarningKind::MissingDuration => format!("{spans} without a duration, shown as 0"),
            WarningKind::NegativeDuration => format!("{spans} ending before they start, duration set to 0"),
            WarningKind::InvalidValue => format!("{} not of the declared type, kept as text", count("value")),
            WarningKind::MissingService => format!("{spans} naming no service"),
            WarningKind::MissingSpanId => format!("{spans} without a span id, given a synthetic one"),
            WarningKind::MissingTraceId => format!("{spans} without a trace id"),
            WarningKind::MergedFragment => format!("{} merged into their spans", count("Zipkin fragment")),
            WarningKind::DuplicateDropped => format!("{} dropped", count("identical duplicate")),
            WarningKind::FromSource => format!("{} that came with the file", count("warning")),
            WarningKind::UnknownValue => format!("{} with a value of no known meaning", count("field")),
            WarningKind::Orphan => format!("{spans} whose parent is not in the trace, shown as roots"),
            WarningKind::SelfParent => format!("{spans} naming themselves as parent, shown as roots"),
            WarningKind::Cycle => format!("{} cut to break cycles", count("parent link")),
            WarningKind::DuplicateSpanId => format!("{spans} sharing an id with another span"),
            WarningKind::ClockSkew => format!("{spans} shifted to undo clock skew between hosts"),
            WarningKind::OutsideParent => format!("{spans} starting before or ending after their parent"),
        }
    }
}

/// The warnings of a trace counted by kind, in the order of [`WarningKind`].
pub fn count_by_kind(warnings: &[Warning]) -> Vec<(WarningKind, usize)> {
    let mut counts: Vec<(WarningKind, usize)> = Vec::new();
    for w in warnings {
        match counts.iter_mut().find(|(k, _)| *k == w.kind) {
            Some((_, c)) => *c += 1,
            None => counts.push((w.kind, 1)),
        }
    }
    counts.sort_by_key(|&(k, _)| k);
    counts
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Warning {
    /// The span it is about, or `None` for the whole trace.
    pub span: Option<SpanIdx>,
    pub kind: WarningKind,
    /// What was wrong and what was done: a sentence for people (`to_string()`), kept as the
    /// numbers it is made of where a trace can carry one per span.
    pub detail: Detail,
}

impl Warning {
    pub fn span(span: SpanIdx, kind: WarningKind, detail: impl Into<Detail>) -> Warning {
        Warning { span: Some(span), kind, detail: detail.into() }
    }

    pub fn trace(kind: WarningKind, detail: impl Into<Detail>) -> Warning {
        Warning { span: None, kind, detail: detail.into() }
    }
}

/// The detail of a warning. Assembly can flag every span of a trace (clock skew, children
/// outside their parent), so those keep their numbers and are written out only when shown:
/// formatting a million durations at import cost more than the rest of assembly.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Detail {
    Text(Box<str>),
    /// The span was shifted by this much to undo clock skew.
    Shifted {
        by_ns: i64,
    },
    /// The span starts this much before and ends this much after its parent (0: it does not).
    OutsideParent {
        before_ns: i64,
        after_ns: i64,
    },
}

impl Detail {
    /// The text of a detail given as text (a source's own warnings always are).
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Detail::Text(text) => Some(text),
            _ => None,
        }
    }
}

impl std::fmt::Display for Detail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Detail::Text(text) => f.write_str(text),
            Detail::Shifted { by_ns } => write!(
                f,
                "shifted by {} to undo clock skew against its parent on another host",
                format_duration(*by_ns)
            ),
            Detail::OutsideParent { before_ns, after_ns } => {
                match (*before_ns > 0, *after_ns > 0) {
                    (true, true) => write!(
                        f,
                        "starts {} before and ends {} after",
                        format_duration(*before_ns),
                        format_duration(*after_ns)
                    )?,
                    (true, false) => write!(f, "starts {} before", format_duration(*before_ns))?,
                    (false, true) => write!(f, "ends {} after", format_duration(*after_ns))?,
                    (false, false) => f.write_str("lies within")?,
                }
                f.write_str(" its parent")
            }
        }
    }
}

impl From<String> for Detail {
    fn from(text: String) -> Detail {
        Detail::Text(text.into_boxed_str())
    }
}

impl From<&str> for Detail {
    fn from(text: &str) -> Detail {
        Detail::Text(text.into())
    }
}

impl From<Box<str>> for Detail {
    fn from(text: Box<str>) -> Detail {
        Detail::Text(text)
    }
}

#[cfg(test)]
mod summary_tests {
    use super::*;

    #[test]
    fn warnings_are_counted_by_kind_in_kind_order() {
        let warnings = vec![
            Warning::span(3, WarningKind::ClockSkew, "shifted"),
            Warning::span(1, WarningKind::Orphan, "no parent"),
            Warning::span(4, WarningKind::ClockSkew, "shifted"),
            Warning::trace(WarningKind::FromSource, "from file"),
        ];
        let counts = count_by_kind(&warnings);
        assert_eq!(counts, vec![(WarningKind::FromSource, 1), (WarningKind::Orphan, 1), (WarningKind::ClockSkew, 2)]);
        assert_eq!(WarningKind::ClockSkew.summary(2), "2 spans shifted to undo clock skew between hosts");
        assert_eq!(WarningKind::Orphan.summary(1), "1 span whose parent is not in the trace, shown as roots");
        assert_eq!(WarningKind::Cycle.summary(3), "3 parent links cut to break cycles");
    }

    #[test]
    fn details_are_written_when_shown() {
        let text = |d: Detail| d.to_string();
        assert_eq!(text(Detail::from("as given")), "as given");
        assert_eq!(
            text(Detail::Shifted { by_ns: -95_000 }),
            "shifted by -95.0µs to undo clock skew against its parent on another host"
        );
        assert_eq!(text(Detail::OutsideParent { before_ns: 0, after_ns: 40_000 }), "ends 40.0µs after its parent");
        assert_eq!(
            text(Detail::OutsideParent { before_ns: 2_000_000, after_ns: 0 }),
            "starts 2.00ms before its parent"
        );
        assert_eq!(
            text(Detail::OutsideParent { before_ns: 1_000, after_ns: 1_500 }),
            "starts 1.00µs before and ends 1.50µs after its parent"
        );
    }
}
