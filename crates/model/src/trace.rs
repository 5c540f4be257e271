//! The trace model: flat, index-based storage of spans and everything they carry.
//!
//! A [`Trace`] owns plain vectors (`spans`, `attrs`, `events`, `links`, `resources`, ...) and
//! spans refer into them with `u32` ranges, so a million spans are a handful of allocations.
//! Strings live in the dataset's [`Interner`]. Depends only on the other `model` modules.

use super::ids::{SpanId, TraceId};
use super::logs::LogRecord;
use super::strings::{Interner, StrId};
use super::warnings::Warning;

/// A half-open range `start..start+len` into one of a trace's pools.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
pub struct Range32 {
    pub start: u32,
    pub len: u32,
}

impl Range32 {
    pub const EMPTY: Range32 = Range32 { start: 0, len: 0 };

    /// The range covering `start..end` of a pool; saturates rather than wrapping.
    pub fn from_bounds(start: usize, end: usize) -> Range32 {
        let start32 = u32::try_from(start).unwrap_or(u32::MAX);
        let len = u32::try_from(end.saturating_sub(start)).unwrap_or(u32::MAX);
        Range32 { start: start32, len }
    }

    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    pub fn as_range(self) -> std::ops::Range<usize> {
        let start = self.start as usize;
        start..start.saturating_add(self.len as usize)
    }

    /// The same range moved by `offset` (used when pools are appended to each other).
    pub fn shifted(self, offset: u32) -> Range32 {
        if self.len == 0 {
            return Range32::EMPTY;
        }
        Range32 { start: self.start.saturating_add(offset), len: self.len }
    }
}

/// A typed attribute value (OTLP `AnyValue`, Jaeger typed tags, Zipkin string tags).
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Value {
    Str(StrId),
    Bool(bool),
    Int(i64),
    Double(f64),
    /// Bytes in [`Trace::bytes`].
    Bytes(Range32),
    /// Elements in [`Trace::values`].
    Array(Range32),
    /// Key-values in [`Trace::attrs`].
    Map(Range32),
    /// An OTLP `AnyValue` with no variant set.
    Empty,
}

#[derive(Clone, Copy, PartialEq, Debug)]
pub struct KeyValue {
    pub key: StrId,
    pub value: Value,
}

/// OpenTelemetry span kind; Jaeger's `span.kind` tag and Zipkin's `kind` map onto it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub enum SpanKind {
    #[default]
    Unspecified,
    Internal,
    Server,
    Client,
    Producer,
    Consumer,
}

impl SpanKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SpanKind::Unspecified => "unspecified",
            SpanKind::Internal => "internal",
            SpanKind::Server => "server",
            SpanKind::Client => "client",
            SpanKind::Producer => "producer",
            SpanKind::Consumer => "consumer",
        }
    }

    /// Parses `server`, `SERVER`, `SPAN_KIND_SERVER`, ...; `None` for anything else.
    pub fn parse(s: &str) -> Option<SpanKind> {
        let s = s.strip_prefix("SPAN_KIND_").unwrap_or(s);
        Some(match s.to_ascii_lowercase().as_str() {
            "unspecified" => SpanKind::Unspecified,
            "internal" => SpanKind::Internal,
            "server" => SpanKind::Server,
            "client" => SpanKind::Client,
            "producer" => SpanKind::Producer,
            "consumer" => SpanKind::Consumer,
            _ => return None,
        })
    }

    /// OTLP's enum numbering.
    pub fn from_otlp(n: i64) -> Option<SpanKind> {
        Some(match n {
            0 => SpanKind::Unspecified,
            1 => SpanKind::Internal,
            2 => SpanKind::Server,
            3 => SpanKind::Client,
            4 => SpanKind::Producer,
            5 => SpanKind::Consumer,
            _ => return None,
        })
    }
}

/// Span status. Zipkin's and Jaeger's `error` tags become `Error`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub enum StatusCode {
    #[default]
    Unset,
    Ok,
    Error,
}

impl StatusCode {
    /// A status written as text: `ERROR`, `OK`, `UNSET` in any case, with or without OTLP's
    /// `STATUS_CODE_` prefix (`otel.status_code` tags, OTLP's enum names); empty is unset.
    /// `None` for any other text.
    pub fn parse(text: &str) -> Option<StatusCode> {
        let t = text.trim();
        let t = t.strip_prefix("STATUS_CODE_").unwrap_or(t);
        if t.eq_ignore_ascii_case("ERROR") {
            Some(StatusCode::Error)
        } else if t.eq_ignore_ascii_case("OK") {
            Some(StatusCode::Ok)
        } else if t.is_empty() || t.eq_ignore_ascii_case("UNSET") {
            Some(StatusCode::Unset)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StatusCode::Unset => "unset",
            StatusCode::Ok => "ok",
            StatusCode::Error => "error",
        }
    }
}

/// How a span relates to its parent. Asynchronous children do not block their parent: the
/// analysis treats them differently for self time and the critical path.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum ParentRelation {
    /// OTLP parent or Jaeger `CHILD_OF`.
    #[default]
    ChildOf,
    /// Jaeger `FOLLOWS_FROM`.
    FollowsFrom,
}

/// What a link or extra reference means.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum LinkKind {
    /// An OTLP span link.
    Link,
    /// A Jaeger `CHILD_OF` reference that is not the span's parent (another trace, or a second one).
    ChildOf,
    /// A Jaeger `FOLLOWS_FROM` reference that is not the span's parent.
    FollowsFrom,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Link => "link",
            LinkKind::ChildOf => "child_of",
            LinkKind::FollowsFrom => "follows_from",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Event {
    pub time_ns: i64,
    pub name: StrId,
    pub attrs: Range32,
}

#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Link {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    pub kind: LinkKind,
    pub attrs: Range32,
}

/// The process or service that emitted spans: Jaeger process, Zipkin local endpoint, OTLP resource.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Resource {
    pub service: StrId,
    pub attrs: Range32,
}

/// The instrumentation scope (library) that created a span.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Scope {
    pub name: StrId,
    pub version: StrId,
    pub attrs: Range32,
}

/// Index of a span within its trace's `spans`.
pub type SpanIdx = u32;

/// Marker for "no parent" in [`Span::parent`].
pub const NO_PARENT: SpanIdx = u32::MAX;

/// One span. Times are integer nanoseconds since the Unix epoch.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Span {
    pub span_id: SpanId,
    /// The parent id as the file gave it (`None`: the file says it is a root).
    pub parent_id: Option<SpanId>,
    /// The parent as resolved by assembly; [`NO_PARENT`] for roots (including repaired orphans).
    pub parent: SpanIdx,
    pub parent_relation: ParentRelation,
    pub name: StrId,
    pub resource: u32,
    /// Index into [`Trace::scopes`], or `u32::MAX` for none.
    pub scope: u32,
    pub kind: SpanKind,
    pub status: StatusCode,
    pub status_message: StrId,
    /// Start after repairs (clock-skew shift included).
    pub start_ns: i64,
    pub duration_ns: i64,
    /// The clock-skew shift that assembly added to `start_ns` (0 when none).
    pub skew_ns: i64,
    pub flags: u32,
    pub trace_state: StrId,
    pub attrs: Range32,
    pub events: Range32,
    pub links: Range32,
    /// Marks the SERVER half of a Zipkin RPC that shares its span id with the CLIENT half:
    /// its parent is that CLIENT span, and children of the id attach to it.
    pub shared: bool,
    /// The file gave no start (0) and assembly placed one (its parent's, or the trace's
    /// earliest); undone before the next assembly, like the clock-skew shift.
    pub start_placed: bool,
}

impl Span {
    pub fn end_ns(&self) -> i64 {
        self.start_ns.saturating_add(self.duration_ns)
    }

    /// A time of this span (an event's) as the file gave it: the clock-skew shift taken out.
    pub fn file_time_ns(&self, time_ns: i64) -> i64 {
        time_ns.saturating_sub(self.skew_ns)
    }

    /// The start as the file gave it: before the clock-skew shift, and 0 when the file gave
    /// none (assembly placed one). What exports write, so that loading one back repairs alike.
    pub fn file_start_ns(&self) -> i64 {
        if self.start_placed {
            0
        } else {
            self.file_time_ns(self.start_ns)
        }
    }

    pub fn has_parent(&self) -> bool {
        self.parent != NO_PARENT
    }

    /// A span with every field at its "absent" value; importers fill in what they find.
    pub fn empty(span_id: SpanId) -> Span {
        Span {
            span_id,
            parent_id: None,
            parent: NO_PARENT,
            parent_relation: ParentRelation::ChildOf,
            name: StrId::EMPTY,
            resource: 0,
            scope: u32::MAX,
            kind: SpanKind::Unspecified,
            status: StatusCode::Unset,
            status_message: StrId::EMPTY,
            start_ns: 0,
            duration_ns: 0,
            skew_ns: 0,
            flags: 0,
            trace_state: StrId::EMPTY,
            attrs: Range32::EMPTY,
            events: Range32::EMPTY,
            links: Range32::EMPTY,
            shared: false,
            start_placed: false,
        }
    }
}

/// One trace: all spans that share a trace id, from however many files.
#[derive(Clone, Debug)]
pub struct Trace {
    pub trace_id: TraceId,
    pub spans: Vec<Span>,
    pub resources: Vec<Resource>,
    pub scopes: Vec<Scope>,
    /// Pool for span, event, link, resource and scope attributes and map values.
    pub attrs: Vec<KeyValue>,
    /// Pool for array elements.
    pub values: Vec<Value>,
    pub bytes: Vec<u8>,
    pub events: Vec<Event>,
    pub links: Vec<Link>,
    /// Warnings from import and assembly, each about one span or the whole trace.
    pub warnings: Vec<Warning>,
    /// Names of the files (or sources) this trace came from, in load order.
    pub sources: Vec<StrId>,
    /// Log lines with this trace id, in time order once assembled (see [`super::logs`]).
    pub logs: Vec<LogRecord>,
    /// The processes or services that wrote the log lines (kept apart from the spans' ones).
    pub log_resources: Vec<Resource>,
    /// The loggers (instrumentation scopes) that wrote the log lines.
    pub log_scopes: Vec<Scope>,
    /// Spans in the order of the tree: roots by start time, each followed by its subtree,
    /// children by start time. Filled by assembly.
    pub order: Vec<SpanIdx>,
    /// Depth of each span in the tree (roots are 0), indexed like `spans`. Filled by assembly.
    pub depth: Vec<u32>,
    pub start_ns: i64,
    pub end_ns: i64,
}

impl Trace {
    pub fn new(trace_id: TraceId) -> Trace {
        Trace {
            trace_id,
            spans: Vec::new(),
            resources: Vec::new(),
            scopes: Vec::new(),
            attrs: Vec::new(),
            values: Vec::new(),
            bytes: Vec::new(),
            events: Vec::new(),
            links: Vec::new(),
            warnings: Vec::new(),
            sources: Vec::new(),
            logs: Vec::new(),
            log_resources: Vec::new(),
            log_scopes: Vec::new(),
            order: Vec::new(),
            depth: Vec::new(),
            start_ns: 0,
            end_ns: 0,
        }
    }

    pub fn span(&self, idx: SpanIdx) -> Option<&Span> {
        self.spans.get(idx as usize)
    }

    pub fn attrs_of(&self, range: Range32) -> &[KeyValue] {
        self.attrs.get(range.as_range()).unwrap_or(&[])
    }

    pub fn values_of(&self, range: Range32) -> &[Value] {
        self.values.get(range.as_range()).unwrap_or(&[])
    }

    pub fn bytes_of(&self, range: Range32) -> &[u8] {
        self.bytes.get(range.as_range()).unwrap_or(&[])
    }

    pub fn events_of(&self, span: &Span) -> &[Event] {
        self.events.get(span.events.as_range()).unwrap_or(&[])
    }

    pub fn links_of(&self, span: &Span) -> &[Link] {
        self.links.get(span.links.as_range()).unwrap_or(&[])
    }

    pub fn resource_of(&self, span: &Span) -> Option<&Resource> {
        self.resources.get(span.resource as usize)
    }

    pub fn scope_of(&self, span: &Span) -> Option<&Scope> {
        self.scopes.get(span.scope as usize)
    }

    /// The service name of a span's resource (empty when unknown).
    pub fn service_of(&self, span: &Span) -> StrId {
        self.resource_of(span).map_or(StrId::EMPTY, |r| r.service)
    }

    pub fn duration_ns(&self) -> i64 {
        self.end_ns.saturating_sub(self.start_ns)
    }

    /// Roots in tree order (spans without a resolved parent).
    pub fn roots(&self) -> impl Iterator<Item = SpanIdx> + '_ {
        self.order.iter().copied().filter(|&i| self.span(i).is_some_and(|s| !s.has_parent()))
    }

    /// The first root in tree order: the span that names the trace in lists.
    pub fn root(&self) -> Option<&Span> {
        self.roots().next().and_then(|i| self.span(i))
    }

    pub fn error_count(&self) -> usize {
        self.spans.iter().filter(|s| s.status == StatusCode::Error).count()
    }

    /// Looks up a string attribute of a span by key (span attributes only).
    pub fn attr(&self, span: &Span, key: StrId) -> Option<Value> {
        self.attrs_of(span.attrs).iter().find(|kv| kv.key == key).map(|kv| kv.value)
    }

    /// Appends `other`'s pools to this trace, shifting every range, and returns the index of
    /// the first appended span. Spans keep their wire ids; assembly resolves parents again.
    pub fn append(&mut self, mut other: Trace) -> usize {
        let attr_off = pool_offset(&self.attrs);
        let value_off = pool_offset(&self.values);
        let byte_off = pool_offset(&self.bytes);
        let event_off = pool_offset(&self.events);
        let link_off = pool_offset(&self.links);
        let resource_off = pool_offset(&self.resources);
        let scope_off = pool_offset(&self.scopes);
        let span_off = pool_offset(&self.spans);
        let log_resource_off = pool_offset(&self.log_resources);
        let log_scope_off = pool_offset(&self.log_scopes);

        let shift_value = |v: &mut Value| match v {
            Value::Bytes(r) => *r = r.shifted(byte_off),
            Value::Array(r) => *r = r.shifted(value_off),
            Value::Map(r) => *r = r.shifted(attr_off),
            _ => {}
        };
        for kv in &mut other.attrs {
            shift_value(&mut kv.value);
        }
        for v in &mut other.values {
            shift_value(v);
        }
        for e in &mut other.events {
            e.attrs = e.attrs.shifted(attr_off);
        }
        for l in &mut other.links {
            l.attrs = l.attrs.shifted(attr_off);
        }
        for r in &mut other.resources {
            r.attrs = r.attrs.shifted(attr_off);
        }
        for s in &mut other.scopes {
            s.attrs = s.attrs.shifted(attr_off);
        }
        for s in &mut other.spans {
            s.attrs = s.attrs.shifted(attr_off);
            s.events = s.events.shifted(event_off);
            s.links = s.links.shifted(link_off);
            s.resource = s.resource.saturating_add(resource_off);
            if s.scope != u32::MAX {
                s.scope = s.scope.saturating_add(scope_off);
            }
        }
        for w in &mut other.warnings {
            if let Some(span) = w.span.as_mut() {
                *span = span.saturating_add(span_off);
            }
        }
        for r in &mut other.log_resources {
            r.attrs = r.attrs.shifted(attr_off);
        }
        for s in &mut other.log_scopes {
            s.attrs = s.attrs.shifted(attr_off);
        }
        for log in &mut other.logs {
            log.attrs = log.attrs.shifted(attr_off);
            shift_value(&mut log.body);
            log.resource = log.resource.saturating_add(log_resource_off);
            if log.scope != u32::MAX {
                log.scope = log.scope.saturating_add(log_scope_off);
            }
            // Span indices change with the spans: assembly resolves them again.
            log.span = super::logs::NO_SPAN;
        }
        let first = self.spans.len();
        self.spans.append(&mut other.spans);
        self.resources.append(&mut other.resources);
        self.scopes.append(&mut other.scopes);
        self.attrs.append(&mut other.attrs);
        self.values.append(&mut other.values);
        self.bytes.append(&mut other.bytes);
        self.events.append(&mut other.events);
        self.links.append(&mut other.links);
        self.warnings.append(&mut other.warnings);
        self.logs.append(&mut other.logs);
        self.log_resources.append(&mut other.log_resources);
        self.log_scopes.append(&mut other.log_scopes);
        for source in other.sources {
            if !self.sources.contains(&source) {
                self.sources.push(source);
            }
        }
        first
    }

    /// Approximate heap bytes held by this trace, for memory reports.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.spans.capacity() * size_of::<Span>()
            + self.resources.capacity() * size_of::<Resource>()
            + self.scopes.capacity() * size_of::<Scope>()
            + self.attrs.capacity() * size_of::<KeyValue>()
            + self.values.capacity() * size_of::<Value>()
            + self.bytes.capacity()
            + self.events.capacity() * size_of::<Event>()
            + self.links.capacity() * size_of::<Link>()
            + self.warnings.capacity() * size_of::<Warning>()
            + self.logs.capacity() * size_of::<LogRecord>()
            + self.log_resources.capacity() * size_of::<Resource>()
            + self.log_scopes.capacity() * size_of::<Scope>()
            + self.order.capacity() * 4
            + self.depth.capacity() * 4
    }
}

fn pool_offset<T>(pool: &[T]) -> u32 {
    u32::try_from(pool.len()).unwrap_or(u32::MAX)
}

/// A service-to-service dependency as collectors serve it (Jaeger and Zipkin `/dependencies`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DependencyLink {
    pub parent: StrId,
    pub child: StrId,
    pub call_count: u64,
    pub error_count: u64,
}

/// Everything loaded: traces (sorted by start time), dependency links, log lines that found no
/// loaded trace, and the strings they share.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    pub strings: Interner,
    /// Traces with spans (and the log lines that carry their ids).
    pub traces: Vec<Trace>,
    pub dependencies: Vec<DependencyLink>,
    /// Log lines whose trace is not loaded, or that carry no trace id: one trace without spans
    /// per trace id (the empty text id for lines without one), sorted by trace id.
    pub unmatched_logs: Vec<Trace>,
}

impl Dataset {
    pub fn new() -> Dataset {
        Dataset::default()
    }

    /// No trace and no dependency link: nothing to show as traces or a map. (Log lines of
    /// loaded traces live in them; lines whose trace is not loaded are in `unmatched_logs`: see
    /// [`Dataset::holds_nothing`], which decides what is kept and cleared.)
    pub fn is_empty(&self) -> bool {
        self.traces.is_empty() && self.dependencies.is_empty()
    }

    /// Nothing at all: no trace, no dependency link, no log line.
    pub fn holds_nothing(&self) -> bool {
        self.is_empty() && self.unmatched_logs.is_empty()
    }

    pub fn span_count(&self) -> usize {
        self.traces.iter().map(|t| t.spans.len()).sum()
    }

    pub fn find_trace(&self, trace_id: TraceId) -> Option<usize> {
        self.traces.iter().position(|t| t.trace_id == trace_id)
    }

    /// Approximate heap bytes of the whole model.
    pub fn heap_bytes(&self) -> usize {
        self.strings.heap_bytes()
            + self.traces.iter().map(Trace::heap_bytes).sum::<usize>()
            + self.unmatched_logs.iter().map(Trace::heap_bytes).sum::<usize>()
            + self.unmatched_logs.capacity() * std::mem::size_of::<Trace>()
            + self.dependencies.capacity() * std::mem::size_of::<DependencyLink>()
    }
}
