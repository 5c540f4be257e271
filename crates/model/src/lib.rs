//! The trace model every other layer stands on: traces, spans, resources, typed attributes,
//! events, links, warnings; integer nanoseconds; flat index-based storage with interned strings.
//! Depends on nothing else in the crate.

pub mod dump;
pub mod format;
pub mod ids;
pub mod logs;
pub mod order;
pub mod strings;
pub mod time;
pub mod trace;
pub mod transfer;
pub mod tree;
pub mod url;
pub mod warnings;

pub use ids::{IdHasher, IdMap, SpanId, TraceId};
pub use logs::{Level, LogCounts, LogMatch, LogRecord, NO_SPAN};
pub use strings::{Interner, StrId};
pub use trace::{
    Dataset, DependencyLink, Event, KeyValue, Link, LinkKind, ParentRelation, Range32, Resource, Scope, Span, SpanIdx,
    SpanKind, StatusCode, Trace, Value, NO_PARENT,
};
pub use warnings::{Detail, Warning, WarningKind};
