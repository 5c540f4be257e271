//! Conversion of the merged records to the model: spans, resources from local endpoints, peer attributes from remote endpoints, tags, annotations.

use super::*;

// ---------------------------------------------------------------------------------------------
// Conversion to the model

/// What each trace's pools will hold (spans, attributes at most, events), so that they are
/// allocated once instead of doubling their way up on big files.
#[derive(Clone, Copy, Default)]
pub(super) struct PoolSizes {
    pub(super) spans: usize,
    pub(super) attrs: usize,
    pub(super) events: usize,
}

pub(super) fn pool_sizes(records: &[Record], traces: usize) -> Vec<PoolSizes> {
    let mut sizes = vec![PoolSizes::default(); traces];
    for r in records.iter().filter(|r| r.merged != MERGED_AWAY) {
        if let Some(size) = sizes.get_mut(r.trace as usize) {
            size.spans += 1;
            // Tags, up to 4 remote endpoint attributes, the debug flag.
            size.attrs += r.tags.len as usize + if r.remote.is_some() { 4 } else { 0 } + usize::from(r.debug);
            size.events += r.annotations.len as usize;
        }
    }
    sizes
}

/// Keys interned once per import.
pub(super) struct Keys {
    pub(super) ipv4: StrId,
    pub(super) ipv6: StrId,
    pub(super) port: StrId,
    pub(super) peer_service: StrId,
    pub(super) peer_address: StrId,
    pub(super) peer_ipv6: StrId,
    pub(super) peer_port: StrId,
    pub(super) debug: StrId,
    pub(super) error: StrId,
    pub(super) otel_status_code: StrId,
    pub(super) otel_status_description: StrId,
}

/// (trace position, service, ipv4, ipv6, port or 0): what makes a Zipkin local endpoint a resource.
pub(super) type ResourceKey = (usize, StrId, StrId, StrId, i64);

pub(super) struct Decoder<'s> {
    pub(super) strings: &'s mut Interner,
    pub(super) traces: TraceSet,
    /// Resource index in its trace, per local endpoint.
    pub(super) resources: HashMap<ResourceKey, u32>,
    /// The last resource looked up, to skip the map for runs of spans from one endpoint.
    pub(super) last_resource: Option<(ResourceKey, u32)>,
    /// Pool sizes per trace (by [`Record::trace`]), reserved when the trace is created.
    pub(super) sizes: Vec<PoolSizes>,
    pub(super) missing_ids: usize,
    pub(super) kv_scratch: Vec<KeyValue>,
    pub(super) warnings: Vec<(WarningKind, String)>,
    pub(super) keys: Keys,
}

impl<'s> Decoder<'s> {
    pub(super) fn new(source: StrId, strings: &'s mut Interner) -> Decoder<'s> {
        let keys = Keys {
            ipv4: strings.intern("ipv4"),
            ipv6: strings.intern("ipv6"),
            port: strings.intern("port"),
            peer_service: strings.intern("peer.service"),
            peer_address: strings.intern("network.peer.address"),
            peer_ipv6: strings.intern("peer.ipv6"),
            peer_port: strings.intern("network.peer.port"),
            debug: strings.intern("zipkin.debug"),
            error: strings.intern("error"),
            otel_status_code: strings.intern("otel.status_code"),
            otel_status_description: strings.intern("otel.status_description"),
        };
        Decoder {
            strings,
            traces: TraceSet::new(source),
            resources: HashMap::new(),
            last_resource: None,
            sizes: Vec::new(),
            missing_ids: 0,
            kv_scratch: Vec::new(),
            warnings: Vec::new(),
            keys,
        }
    }

    pub(super) fn finish(self) -> Imported {
        Imported { traces: self.traces.finish(), dependencies: Vec::new(), notes: Vec::new() }
    }

    pub(super) fn span(
        &mut self,
        r: &Record,
        trace_id: TraceId,
        tags: &[(StrId, TagVal)],
        annotations: &[(Num, StrId)],
    ) {
        let strings = &mut *self.strings;
        let warnings = &mut self.warnings;
        warnings.clear();

        let span_id = match r.span_id {
            Some(id) => id,
            None => {
                self.missing_ids = self.missing_ids.saturating_add(1);
                warnings.push((WarningKind::MissingSpanId, "the span has no id; it was given a synthetic one".into()));
                SpanId::Text(strings.intern(&format!("(no id #{})", self.missing_ids)))
            }
        };
        let mut span = Span::empty(span_id);
        span.parent_id = r.parent_id;
        span.name = r.name;
        span.shared = r.shared;
        span.kind = match r.kind {
            Kind::Absent => SpanKind::Unspecified,
            Kind::Known(kind) => kind,
            Kind::Unknown(text) => {
                warnings.push((
                    WarningKind::UnknownValue,
                    format!("unknown span kind {:?}; shown as unspecified", strings.get(text)),
                ));
                SpanKind::Unspecified
            }
        };

        span_times(&mut span, r, warnings);

        // Resource: the local endpoint.
        let local = r.local.unwrap_or_default();
        if r.local.is_some_and(|e| e.port.as_int().is_none() && !matches!(e.port, Num::Absent | Num::Null)) {
            warnings.push((WarningKind::InvalidValue, "the localEndpoint port is not a number; it was ignored".into()));
        }
        if local.service == StrId::EMPTY {
            let detail = if r.local.is_none() {
                "the span has no localEndpoint; it is shown without a service"
            } else {
                "the span's localEndpoint has no serviceName; it is shown without a service"
            };
            warnings.push((WarningKind::MissingService, detail.into()));
        }
        let keys = &self.keys;
        let Some((trace_pos, trace)) = self.traces.get(trace_id) else {
            return;
        };
        if trace.spans.capacity() == 0 {
            if let Some(size) = self.sizes.get(r.trace as usize) {
                trace.spans.reserve_exact(size.spans);
                trace.attrs.reserve_exact(size.attrs);
                trace.events.reserve_exact(size.events);
            }
        }
        let resource_key = (trace_pos, local.service, local.ipv4, local.ipv6, local.port().unwrap_or(0));
        span.resource = match self.last_resource {
            Some((key, idx)) if key == resource_key => idx,
            _ => {
                let idx = match self.resources.entry(resource_key) {
                    Entry::Occupied(o) => *o.get(),
                    Entry::Vacant(v) => {
                        let scratch = &mut self.kv_scratch;
                        scratch.clear();
                        if local.ipv4 != StrId::EMPTY {
                            scratch.push(KeyValue { key: keys.ipv4, value: Value::Str(local.ipv4) });
                        }
                        if local.ipv6 != StrId::EMPTY {
                            scratch.push(KeyValue { key: keys.ipv6, value: Value::Str(local.ipv6) });
                        }
                        if let Some(port) = local.port() {
                            scratch.push(KeyValue { key: keys.port, value: Value::Int(port) });
                        }
                        let attrs = push_attrs(trace, scratch);
                        let idx = u32::try_from(trace.resources.len()).unwrap_or(u32::MAX);
                        trace.resources.push(Resource { service: local.service, attrs });
                        *v.insert(idx)
                    }
                };
                self.last_resource = Some((resource_key, idx));
                idx
            }
        };

        // Span attributes: the remote endpoint, then tags by key, then the debug flag.
        let scratch = &mut self.kv_scratch;
        scratch.clear();
        let tags = tags.get(r.tags.as_range()).unwrap_or(&[]);
        if let Some(remote) = r.remote {
            push_remote(remote, tags, keys, scratch, warnings);
        }
        let mut status = TagStatus::default();
        for &(key, value) in tags {
            let value = match value {
                TagVal::Str(text) => Value::Str(text),
                TagVal::Composite(what) => {
                    warnings.push((
                        WarningKind::InvalidValue,
                        format!("tag {:?} holds {what}, not a string; its value was dropped", strings.get(key)),
                    ));
                    Value::Empty
                }
            };
            status.read(key, value, keys, strings, warnings);
            scratch.push(KeyValue { key, value });
        }
        (span.status, span.status_message) = status.finish();
        if r.debug {
            scratch.push(KeyValue { key: keys.debug, value: Value::Bool(true) });
        }
        span.attrs = push_attrs(trace, scratch);

        let event_start = trace.events.len();
        for &(time, name) in annotations.get(r.annotations.as_range()).unwrap_or(&[]) {
            let time_ns = time.micros_to_ns().filter(|&t| t != 0).unwrap_or(span.start_ns);
            trace.events.push(Event { time_ns, name, attrs: Range32::EMPTY });
        }
        span.events = Range32::from_bounds(event_start, trace.events.len());

        if r.merged > 0 {
            let (n, reports) = (r.merged, if r.merged == 1 { "report" } else { "reports" });
            warnings.push((
                WarningKind::MergedFragment,
                format!(
                    "merged {n} more {reports} of this span (same id and local service; Zipkin reporters may send a span in pieces)"
                ),
            ));
        }

        let idx = u32::try_from(trace.spans.len()).unwrap_or(u32::MAX);
        trace.spans.push(span);
        for (kind, detail) in warnings.drain(..) {
            trace.warnings.push(Warning::span(idx, kind, detail));
        }
        if trace_id.is_empty() && !trace.warnings.iter().any(|w| w.kind == WarningKind::MissingTraceId) {
            trace.warnings.push(Warning::trace(
                WarningKind::MissingTraceId,
                "spans without a trace id were gathered into this trace",
            ));
        }
    }
}

/// The span's start and duration from Zipkin's epoch microseconds, with warnings for what is
/// missing, unreadable or negative.
fn span_times(span: &mut Span, r: &Record, warnings: &mut Vec<(WarningKind, String)>) {
    match r.start_ns() {
        Some(t) => span.start_ns = t,
        None if r.timestamp == Num::Invalid => warnings.push((
            WarningKind::MissingStartTime,
            "the span's timestamp is not a number; it is placed at its parent's start".into(),
        )),
        None => warnings.push((
            WarningKind::MissingStartTime,
            "the span has no timestamp; it is placed at its parent's start".into(),
        )),
    }
    match r.duration.micros_to_ns() {
        Some(d) if d < 0 => warnings.push((
            WarningKind::NegativeDuration,
            format!("the span's duration is negative ({}); it is shown as 0", strand_model::time::format_duration(d)),
        )),
        Some(d) => span.duration_ns = d,
        None if r.duration == Num::Invalid => warnings
            .push((WarningKind::MissingDuration, "the span's duration is not a number; it is shown as 0".into())),
        None => warnings.push((WarningKind::MissingDuration, "the span has no duration; it is shown as 0".into())),
    }
}

/// The span status from its tags: Zipkin's `error` tag, and the `otel.status_code` and
/// `otel.status_description` tags of OpenTelemetry's Zipkin exporters (which write `error` only
/// when the status has a description). Read as the Jaeger importer reads them: an `error` tag wins
/// over `otel.status_code`, whose ERROR and OK set the status; the tags stay attributes too.
#[derive(Default)]
struct TagStatus {
    /// The `error` tag's text, when the span has one.
    error: Option<StrId>,
    otel_code: Option<StatusCode>,
    otel_description: Option<StrId>,
}

impl TagStatus {
    fn read(
        &mut self,
        key: StrId,
        value: Value,
        keys: &Keys,
        strings: &Interner,
        warnings: &mut Vec<(WarningKind, String)>,
    ) {
        let text = match value {
            Value::Str(text) => text,
            _ => StrId::EMPTY,
        };
        if key == keys.error {
            // Zipkin's error tag holds a message or an HTTP status, not a boolean.
            self.error = Some(text);
        } else if key == keys.otel_status_code {
            let code = strings.get(text);
            match StatusCode::parse(code) {
                Some(StatusCode::Unset) => {}
                Some(found) => self.otel_code = Some(found),
                None => warnings.push((WarningKind::UnknownValue, format!("unknown otel.status_code {code:?}"))),
            }
        } else if key == keys.otel_status_description {
            self.otel_description = Some(text);
        }
    }

    /// The status and its message: the `error` tag's text, else `otel.status_description`.
    fn finish(self) -> (StatusCode, StrId) {
        let code = if self.error.is_some() { StatusCode::Error } else { self.otel_code.unwrap_or(StatusCode::Unset) };
        let message = self.error.filter(|&m| m != StrId::EMPTY).or(self.otel_description).unwrap_or(StrId::EMPTY);
        (code, message)
    }
}

/// The remote endpoint as OpenTelemetry peer attributes (`peer.service`, `network.peer.*`), each
/// only where no tag of the span has its key: OpenTelemetry's Zipkin exporters write both the
/// remote endpoint and the `peer.service` tag it came from, and a key must be there once (the
/// tag's value wins, as in OpenTelemetry's Zipkin-to-OTLP mapping).
fn push_remote(
    remote: Endpoint,
    tags: &[(StrId, TagVal)],
    keys: &Keys,
    scratch: &mut Vec<KeyValue>,
    warnings: &mut Vec<(WarningKind, String)>,
) {
    let tagged = |key: StrId| tags.iter().any(|&(k, _)| k == key);
    let mut push = |key: StrId, value: Value| {
        if !tagged(key) {
            scratch.push(KeyValue { key, value });
        }
    };
    if remote.service != StrId::EMPTY {
        push(keys.peer_service, Value::Str(remote.service));
    }
    if remote.ipv4 != StrId::EMPTY {
        push(keys.peer_address, Value::Str(remote.ipv4));
    }
    if remote.ipv6 != StrId::EMPTY {
        // One address per key: with both given, ipv4 is the peer address.
        let key = if remote.ipv4 == StrId::EMPTY { keys.peer_address } else { keys.peer_ipv6 };
        push(key, Value::Str(remote.ipv6));
    }
    match remote.port {
        Num::Absent | Num::Null => {}
        port => match port.as_int() {
            Some(0) => {}
            Some(p) => push(keys.peer_port, Value::Int(p)),
            None => warnings
                .push((WarningKind::InvalidValue, "the remoteEndpoint port is not a number; it was ignored".into())),
        },
    }
}
