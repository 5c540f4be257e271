//! Warnings: what import and assembly found wrong with the input and what they did about it.
//! Parsing never fails on a usable document; it returns the model plus these. Depends on nothing.

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

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Warning {
    /// The span it is about, or `None` for the whole trace.
    pub span: Option<SpanIdx>,
    pub kind: WarningKind,
    /// A sentence for people: what was wrong and what was done.
    pub detail: Box<str>,
}

impl Warning {
    pub fn span(span: SpanIdx, kind: WarningKind, detail: impl Into<Box<str>>) -> Warning {
        Warning { span: Some(span), kind, detail: detail.into() }
    }

    pub fn trace(kind: WarningKind, detail: impl Into<Box<str>>) -> Warning {
        Warning { span: None, kind, detail: detail.into() }
    }
}
