//! The decoder: spans (DTOs) into the model, with their resources and scopes per trace.

use super::*;

// ---------------------------------------------------------------------------------------------
// Conversion to the model

pub(super) struct Decoder<'s> {
    pub(super) strings: &'s mut Interner,
    pub(super) traces: TraceSet,
    /// (resource number in the document, trace position) -> resource index in that trace.
    pub(super) resources: HashMap<(usize, usize), u32>,
    /// (scope number in the document, trace position) -> scope index in that trace.
    pub(super) scopes: HashMap<(usize, usize), u32>,
    /// The last entries looked up in `resources` and `scopes`.
    pub(super) last_resource: Option<((usize, usize), u32)>,
    pub(super) last_scope: Option<((usize, usize), u32)>,
    pub(super) resource_counter: usize,
    pub(super) scope_counter: usize,
    pub(super) missing_ids: usize,
    /// Whether the trace of spans without a trace id was told so.
    pub(super) missing_trace_warned: bool,
    /// The text of the last trace id read and what it parsed to.
    pub(super) last_trace_text: String,
    pub(super) last_trace_id: Option<TraceId>,
    pub(super) kv_scratch: Vec<KeyValue>,
    pub(super) service_name: StrId,
    /// Spans converted so far: tells whether reading a part converted any.
    pub(super) spans_read: usize,
    /// Whether parts may be converted before what should come ahead of them has been read, on
    /// the guess that it will not come (see the streaming section).
    pub(super) guess: bool,
    /// Set when a guess proved wrong: the document must be read again without guessing.
    pub(super) restart: bool,
    /// Attribute values that were bare JSON scalars instead of `AnyValue` objects.
    pub(super) bare_values: usize,
    /// Documents (or lines) with none of the keys spans are read from.
    pub(super) unknown_documents: usize,
    /// Whether the document's keys are protobuf field names (`resource_spans`, …).
    pub(super) proto_names: bool,
    /// Part mode: the document is one part of a split one.
    pub(super) part: Option<PartHooks>,
}

impl<'s> Decoder<'s> {
    pub(super) fn new(source: StrId, strings: &'s mut Interner, guess: bool) -> Decoder<'s> {
        let service_name = strings.intern("service.name");
        Decoder {
            strings,
            traces: TraceSet::new(source),
            resources: HashMap::new(),
            scopes: HashMap::new(),
            last_resource: None,
            last_scope: None,
            resource_counter: 0,
            scope_counter: 0,
            missing_ids: 0,
            missing_trace_warned: false,
            last_trace_text: String::new(),
            last_trace_id: None,
            kv_scratch: Vec::new(),
            service_name,
            spans_read: 0,
            guess,
            restart: false,
            bare_values: 0,
            unknown_documents: 0,
            proto_names: false,
            part: None,
        }
    }

    /// The error that stops a reading whose guess proved wrong.
    pub(super) fn guessed_wrong<E: de::Error>(&mut self) -> E {
        self.restart = true;
        E::custom("the document must be read again in document order")
    }

    pub(super) fn finish(self, mut notes: Vec<String>) -> (Imported, JoinFacts) {
        let facts = match self.part {
            // The join adds the document's notes, over all parts.
            Some(mut part) => {
                part.facts.bare_values = self.bare_values as u64;
                part.facts
            }
            None => {
                notes.extend(document_notes(self.proto_names, self.bare_values as u64));
                JoinFacts::default()
            }
        };
        if self.unknown_documents > 0 {
            notes.push(match self.unknown_documents {
                1 => "the document has no resourceSpans (nor batches or scopeSpans): it holds no spans Strand knows"
                    .to_string(),
                n => format!(
                    "{n} lines have no resourceSpans (nor batches or scopeSpans): they hold no spans Strand knows"
                ),
            });
        }
        (Imported { traces: self.traces.list, dependencies: Vec::new(), notes }, facts)
    }

    pub(super) fn next_resource_no(&mut self) -> usize {
        let no = self.resource_counter;
        self.resource_counter += 1;
        no
    }

    pub(super) fn next_scope_no(&mut self) -> usize {
        let no = self.scope_counter;
        self.scope_counter += 1;
        no
    }

    pub(super) fn parked(&mut self, part: Parked) {
        match part {
            Parked::Resources(list) => {
                for rs in list {
                    self.resource_spans(rs);
                }
            }
            Parked::Doc(doc) => self.document(doc),
        }
    }

    pub(super) fn document(&mut self, doc: TracesData) {
        // Envelopes nest at most a few levels; walk them without recursion.
        let mut pending = vec![doc];
        while let Some(doc) = pending.pop() {
            let TracesData {
                resource_spans,
                batches,
                result,
                trace,
                resource,
                scope_spans,
                instrumentation_library_spans,
            } = doc;
            let known = resource_spans.is_some()
                || batches.is_some()
                || result.is_some()
                || trace.is_some()
                || scope_spans.is_some()
                || instrumentation_library_spans.is_some();
            if !known {
                self.unknown_documents += 1;
            }
            for rs in resource_spans.into_iter().flatten().chain(batches.into_iter().flatten()) {
                self.resource_spans(rs);
            }
            if scope_spans.is_some() || instrumentation_library_spans.is_some() {
                self.resource_spans(ResourceSpans { resource: resource.0, scope_spans, instrumentation_library_spans });
            }
            pending.extend(result.map(|b| *b));
            pending.extend(trace.map(|b| *b));
        }
    }

    pub(super) fn resource_spans(&mut self, rs: ResourceSpans) {
        let resource_no = self.next_resource_no();
        let resource = rs.resource.unwrap_or_default();
        let groups = rs.scope_spans.into_iter().flatten().chain(rs.instrumentation_library_spans.into_iter().flatten());
        for group in groups {
            self.group(group, &resource, resource_no);
        }
    }

    pub(super) fn group(&mut self, group: ScopeSpans, resource: &ResourceDto, resource_no: usize) {
        let scope_no = self.next_scope_no();
        let scope = group.scope.or(group.instrumentation_library).unwrap_or_default();
        for span in &group.spans {
            self.span(span, resource, resource_no, &scope, scope_no);
        }
    }

    /// The trace id of `s`, parsed once for runs of spans with the same id.
    pub(super) fn trace_id(&mut self, s: &str) -> TraceId {
        if let Some(id) = self.last_trace_id {
            if self.last_trace_text == s {
                return id;
            }
        }
        let id = parse_trace_id(s, self.strings);
        self.last_trace_text.clear();
        self.last_trace_text.push_str(s);
        self.last_trace_id = Some(id);
        id
    }

    pub(super) fn span(
        &mut self,
        dto: &SpanDto,
        resource: &ResourceDto,
        resource_no: usize,
        scope: &ScopeDto,
        scope_no: usize,
    ) {
        self.spans_read += 1;
        let trace_id = self.trace_id(dto.trace_id.as_str());
        let trace_pos = self.traces.position(trace_id);
        let resource_idx = self.resource_index(trace_pos, resource, resource_no);
        let scope_idx = self.scope_index(trace_pos, scope, scope_no);

        let mut warnings: Vec<(WarningKind, String)> = Vec::new();
        let made_up_id = dto.span_id.as_str().is_empty();
        let span_id = if made_up_id {
            self.missing_ids += 1;
            warnings.push((WarningKind::MissingSpanId, "the span has no span id; it was given a synthetic one".into()));
            SpanId::Text(self.strings.intern(&format!("(no id #{})", self.missing_ids)))
        } else {
            parse_span_id(dto.span_id.as_str(), self.strings)
        };
        let mut span = Span::empty(span_id);
        span.parent_id =
            (!dto.parent_span_id.as_str().is_empty()).then(|| parse_span_id(dto.parent_span_id.as_str(), self.strings));
        span.name = intern(self.strings, dto.name.as_str());
        span.resource = resource_idx;
        span.scope = scope_idx;
        span.trace_state = intern(self.strings, dto.trace_state.as_str());
        span.flags = dto.flags.as_ref().and_then(Scalar::as_u64).and_then(|f| u32::try_from(f).ok()).unwrap_or(0);
        span.kind = match dto.kind.as_ref() {
            None => SpanKind::Unspecified,
            Some(k) => match k.as_i64().and_then(SpanKind::from_otlp).or_else(|| SpanKind::parse(&k.to_text())) {
                Some(kind) => kind,
                None => {
                    warnings.push((WarningKind::UnknownValue, format!("unknown span kind {:?}", k.to_text())));
                    SpanKind::Unspecified
                }
            },
        };
        if let Some(status) = &dto.status {
            span.status = status.code.as_ref().map_or(StatusCode::Unset, parse_status);
            span.status_message = intern(self.strings, status.message.as_str());
        }
        let start = dto.start_time_unix_nano.as_ref().and_then(scalar_i64).unwrap_or(0);
        let end = dto.end_time_unix_nano.as_ref().and_then(scalar_i64).unwrap_or(0);
        span.start_ns = start;
        if start == 0 {
            warnings.push((
                WarningKind::MissingStartTime,
                "the span has no start time; it is placed at its parent's start".into(),
            ));
        }
        if end == 0 {
            warnings
                .push((WarningKind::MissingDuration, "the span has no end time; its duration is shown as 0".into()));
        } else if start != 0 && end < start {
            warnings.push((
                WarningKind::NegativeDuration,
                format!(
                    "the span ends {} before it starts; its duration is shown as 0",
                    strand_model::time::format_duration(start.saturating_sub(end))
                ),
            ));
        } else if start != 0 {
            span.duration_ns = end.saturating_sub(start);
        }

        let Some(trace) = self.traces.list.get_mut(trace_pos) else {
            return;
        };
        let strings = &mut *self.strings;
        self.bare_values += count_bare(&dto.attributes)
            + dto.events.iter().map(|e| count_bare(&e.attributes)).sum::<usize>()
            + dto.links.iter().map(|l| count_bare(&l.attributes)).sum::<usize>();
        span.attrs = convert_attrs(&dto.attributes, trace, strings, &mut self.kv_scratch);
        let event_start = trace.events.len();
        for e in &dto.events {
            let attrs = convert_attrs(&e.attributes, trace, strings, &mut self.kv_scratch);
            let time_ns = e.time_unix_nano.as_ref().and_then(scalar_i64).unwrap_or(0);
            trace.events.push(Event { time_ns, name: intern(strings, e.name.as_str()), attrs });
        }
        span.events = strand_model::Range32::from_bounds(event_start, trace.events.len());
        let link_start = trace.links.len();
        for l in &dto.links {
            let attrs = convert_attrs(&l.attributes, trace, strings, &mut self.kv_scratch);
            trace.links.push(Link {
                trace_id: parse_trace_id(l.trace_id.as_str(), strings),
                span_id: parse_span_id(l.span_id.as_str(), strings),
                kind: LinkKind::Link,
                attrs,
            });
        }
        span.links = strand_model::Range32::from_bounds(link_start, trace.links.len());
        let idx = trace.spans.len() as u32;
        trace.spans.push(span);
        if let Some(part) = self.part.as_mut().filter(|_| made_up_id) {
            part.facts.made_up_ids.push((trace_pos as u32, idx));
        }
        for (kind, detail) in warnings {
            trace.warnings.push(Warning::span(idx, kind, detail));
        }
        // Only this decoder adds this warning, and only to the one trace of spans without an id.
        if trace_id.is_empty() && !self.missing_trace_warned {
            self.missing_trace_warned = true;
            if let Some(part) = self.part.as_mut() {
                part.facts.missing_trace_warning = Some((trace_pos as u32, trace.warnings.len() as u32));
            }
            trace.warnings.push(Warning::trace(
                WarningKind::MissingTraceId,
                "spans without a trace id were gathered into this trace",
            ));
        }
    }

    pub(super) fn resource_index(&mut self, trace_pos: usize, dto: &ResourceDto, resource_no: usize) -> u32 {
        let key = (resource_no, trace_pos);
        if let Some((last, idx)) = self.last_resource {
            if last == key {
                return idx;
            }
        }
        let idx = match self.resources.get(&key) {
            Some(&idx) => idx,
            None => {
                let idx = self.new_resource(trace_pos, dto, resource_no);
                self.resources.insert(key, idx);
                idx
            }
        };
        self.last_resource = Some((key, idx));
        idx
    }

    pub(super) fn new_resource(&mut self, trace_pos: usize, dto: &ResourceDto, resource_no: usize) -> u32 {
        let service_key = self.service_name;
        let Some(trace) = self.traces.list.get_mut(trace_pos) else {
            return 0;
        };
        let warnings_before = trace.warnings.len() as u32;
        let bare = count_bare(&dto.attributes);
        self.bare_values += bare;
        let attrs = convert_attrs(&dto.attributes, trace, self.strings, &mut self.kv_scratch);
        let service = trace
            .attrs_of(attrs)
            .iter()
            .find(|kv| kv.key == service_key)
            .and_then(|kv| match kv.value {
                Value::Str(s) => Some(s),
                _ => None,
            })
            .unwrap_or(StrId::EMPTY);
        let idx = trace.resources.len() as u32;
        trace.resources.push(Resource { service, attrs });
        if service == StrId::EMPTY {
            trace.warnings.push(Warning::trace(
                WarningKind::MissingService,
                "a resource has no service.name attribute; its spans are shown without a service",
            ));
        }
        if let Some(part) = self.part.as_mut() {
            let key = if resource_no < part.shared_resources { Shared::Head(resource_no as u32) } else { Shared::Own };
            let made = Made { key, warnings: warnings_before..trace.warnings.len() as u32, bare_values: bare as u32 };
            JoinFacts::record(&mut part.facts.resources, trace_pos, made);
        }
        idx
    }

    pub(super) fn scope_index(&mut self, trace_pos: usize, dto: &ScopeDto, scope_no: usize) -> u32 {
        let key = (scope_no, trace_pos);
        if let Some((last, idx)) = self.last_scope {
            if last == key {
                return idx;
            }
        }
        let idx = match self.scopes.get(&key) {
            Some(&idx) => idx,
            None => {
                let Some(trace) = self.traces.list.get_mut(trace_pos) else {
                    return u32::MAX;
                };
                let bare = count_bare(&dto.attributes);
                self.bare_values += bare;
                let attrs = convert_attrs(&dto.attributes, trace, self.strings, &mut self.kv_scratch);
                let idx = trace.scopes.len() as u32;
                trace.scopes.push(Scope {
                    name: self.strings.intern(dto.name.as_str()),
                    version: self.strings.intern(dto.version.as_str()),
                    attrs,
                });
                self.scopes.insert(key, idx);
                if let Some(part) = self.part.as_mut() {
                    let shared =
                        if scope_no < part.shared_scopes { Shared::Head(scope_no as u32) } else { Shared::Own };
                    let made = Made { key: shared, warnings: 0..0, bare_values: bare as u32 };
                    JoinFacts::record(&mut part.facts.scopes, trace_pos, made);
                }
                idx
            }
        };
        self.last_scope = Some((key, idx));
        idx
    }
}
