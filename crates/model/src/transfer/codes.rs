//! The byte codes of span kinds and warning kinds in the transfer encoding (their position in
//! these lists; a new kind goes at the end).

use crate::trace::SpanKind;
use crate::warnings::WarningKind;

pub(super) const KINDS: [SpanKind; 6] = [
    SpanKind::Unspecified,
    SpanKind::Internal,
    SpanKind::Server,
    SpanKind::Client,
    SpanKind::Producer,
    SpanKind::Consumer,
];

pub(super) const WARNINGS: [WarningKind; 17] = [
    WarningKind::MissingStartTime,
    WarningKind::MissingDuration,
    WarningKind::NegativeDuration,
    WarningKind::InvalidValue,
    WarningKind::MissingService,
    WarningKind::MissingSpanId,
    WarningKind::MissingTraceId,
    WarningKind::MergedFragment,
    WarningKind::DuplicateDropped,
    WarningKind::FromSource,
    WarningKind::UnknownValue,
    WarningKind::Orphan,
    WarningKind::SelfParent,
    WarningKind::Cycle,
    WarningKind::DuplicateSpanId,
    WarningKind::ClockSkew,
    WarningKind::OutsideParent,
];

pub(super) fn kind_code(kind: SpanKind) -> u8 {
    KINDS.iter().position(|&k| k == kind).and_then(|i| u8::try_from(i).ok()).unwrap_or(0)
}

pub(super) fn warning_code(kind: WarningKind) -> u8 {
    WARNINGS.iter().position(|&k| k == kind).and_then(|i| u8::try_from(i).ok()).unwrap_or(u8::MAX)
}
