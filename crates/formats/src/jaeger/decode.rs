//! The decoder: turns spans (DTOs) into the model, trace by trace, with their processes, references, tags, logs and warnings.

use super::*;

pub(super) struct Decoder<'s, 'a> {
    pub(super) strings: &'s mut Interner,
    pub(super) traces: TraceSet,
    pub(super) notes: Vec<String>,
    pub(super) kv_scratch: Vec<KeyValue>,
    /// Details of values that did not fit their declared type, for the current span or process.
    pub(super) invalid: Vec<String>,
    pub(super) refs: Vec<ParsedRef>,
    /// The warnings of the span being converted, before it is committed.
    pub(super) span_warnings: Vec<(WarningKind, String)>,
    /// (trace position, process number in the document) -> resource index in that trace.
    pub(super) resources: HashMap<(usize, usize), u32>,
    /// Trace position -> service name -> inline processes seen, with their resource index.
    pub(super) inline: HashMap<usize, HashMap<String, Vec<(ProcessDto<'a>, u32)>>>,
    /// Trace position -> the resource of spans whose process is unknown.
    pub(super) unknown: HashMap<usize, u32>,
    pub(super) process_counter: usize,
    pub(super) missing_ids: usize,
    pub(super) missing_trace_warned: bool,
    /// The text of the last trace id parsed, and its id.
    pub(super) last_trace: Option<(String, TraceId)>,
    /// Spans converted so far: tells whether reading a part converted any.
    pub(super) spans_read: usize,
    /// Whether a bare trace may be converted before `data` was read, on the guess that it will
    /// not come (see the streaming section).
    pub(super) guess: bool,
    /// Set when the guess proved wrong: the document must be read again without guessing.
    pub(super) restart: bool,
    /// Part mode: the document is one part of a split one.
    pub(super) part: Option<PartHooks>,
}

impl<'s, 'a> Decoder<'s, 'a> {
    pub(super) fn new(source: StrId, strings: &'s mut Interner, guess: bool) -> Decoder<'s, 'a> {
        Decoder {
            strings,
            traces: TraceSet::new(source),
            notes: Vec::new(),
            kv_scratch: Vec::new(),
            invalid: Vec::new(),
            refs: Vec::new(),
            span_warnings: Vec::new(),
            resources: HashMap::new(),
            inline: HashMap::new(),
            unknown: HashMap::new(),
            process_counter: 0,
            missing_ids: 0,
            missing_trace_warned: false,
            last_trace: None,
            spans_read: 0,
            guess,
            restart: false,
            part: None,
        }
    }

    /// The error that stops a reading whose guess proved wrong.
    pub(super) fn guessed_wrong<E: de::Error>(&mut self) -> E {
        self.restart = true;
        E::custom("the document must be read again in document order")
    }

    pub(super) fn finish(self) -> (Imported, JoinFacts) {
        let facts = self.part.map(|p| p.facts).unwrap_or_default();
        (Imported { traces: self.traces.list, dependencies: Vec::new(), notes: self.notes }, facts)
    }

    /// Whether notes about the document as a whole are this import's to make (all parts of a
    /// split document repeat its envelope; the first one speaks for it).
    pub(super) fn envelope_notes(&self) -> bool {
        self.part.as_ref().is_none_or(|p| p.first_part)
    }

    /// A document read whole (only when it is not an object).
    pub(super) fn document(&mut self, doc: DocDto<'a>) {
        let DocDto { data, errors, trace_id, spans, processes, warnings } = doc;
        let envelope_notes = self.envelope_notes();
        for note in errors.iter().flatten().filter_map(error_note).filter(|_| envelope_notes) {
            self.notes.push(note);
        }
        let (has_data, has_spans) = (data.is_some(), spans.is_some());
        for node in data.into_iter().flatten() {
            self.node(node);
        }
        if let Some(spans) = spans {
            self.trace_object(trace_id.as_str(), spans, processes.as_ref(), &warnings.0);
        }
        if !has_data && !has_spans && errors.is_none() && self.envelope_notes() {
            self.notes.push("the document has neither \"data\" nor \"spans\": it holds no Jaeger traces".into());
        }
    }

    /// One element of a list read whole: a trace, or a span.
    pub(super) fn node(&mut self, node: NodeDto<'a>) {
        if node.is_trace() {
            let NodeDto { trace_id, spans, processes, warnings, .. } = node;
            self.trace_object(trace_id.as_str(), spans.unwrap_or_default(), processes.as_ref(), &warnings.0);
        } else {
            let mut no_processes = Processes::new(None, 0);
            let mut node = node;
            self.span(&mut node, "", Some(&mut no_processes), &mut Waiting::default());
        }
    }

    /// A trace object read whole.
    pub(super) fn trace_object(
        &mut self,
        trace_id: &str,
        spans: Vec<NodeDto<'a>>,
        processes: Option<&ProcessMap<'a>>,
        warnings: &[LenientStr<'a>],
    ) {
        let mut procs = self.processes(processes);
        let mut object = self.start_object(trace_id);
        for mut span in spans {
            let tid = self.span(&mut span, trace_id, Some(&mut procs), &mut object.waiting);
            object.add(tid);
        }
        self.finish_object(object, processes, warnings);
    }

    /// The process map of a trace object, numbered after those of the objects before it.
    pub(super) fn processes<'d>(&mut self, map: Option<&'d ProcessMap<'a>>) -> Processes<'d, 'a> {
        let procs = Processes::new(map, self.process_counter);
        self.process_counter = self.process_counter.saturating_add(procs.entries.len());
        procs
    }

    pub(super) fn start_object(&mut self, trace_id: &str) -> TraceObject<'a> {
        let home = (!trace_id.is_empty()).then(|| self.trace_id(trace_id));
        TraceObject { home, first: None, home_used: false, waiting: Waiting::default() }
    }

    /// Ends a trace object: gives its waiting spans their resources and warnings, then adds its
    /// warnings.
    pub(super) fn finish_object(
        &mut self,
        object: TraceObject<'a>,
        processes: Option<&ProcessMap<'a>>,
        warnings: &[LenientStr],
    ) {
        let TraceObject { home, first, home_used, waiting } = object;
        if !waiting.spans.is_empty() {
            let mut procs = self.processes(processes);
            let mut inline = waiting.processes.into_iter().peekable();
            let mut span_warnings = waiting.warnings.into_iter().peekable();
            for (n, s) in waiting.spans.into_iter().enumerate() {
                let process = inline.next_if(|(at, _)| *at == n).map(|(_, p)| p);
                let warnings = span_warnings.next_if(|(at, _)| *at == n).map(|(_, w)| w).unwrap_or_default();
                let key = waiting.keys.get(s.key as usize).map_or("", String::as_str);
                let trace_pos = s.trace_pos as usize;
                let (resource, problem) = self.resource(key, process, trace_pos, &mut procs);
                self.commit(trace_pos, s.span as usize, resource, problem, s.missing_id, warnings);
            }
        }
        let warnings = warnings.iter().map(LenientStr::as_str).filter(|w| !w.is_empty());
        if let Some(part) = self.part.as_mut().filter(|p| p.enclosing_trace) {
            // Every part repeats the object: the join adds its warnings once.
            let home_used = if home_used { home.map(|t| self.traces.position(t) as u32) } else { None };
            let first = first.map(|t| self.traces.position(t) as u32);
            part.facts.object =
                Some(ObjectWarnings { warnings: warnings.map(str::to_string).collect(), home_used, first });
            return;
        }
        // Trace warnings go to the trace the object names, or else to that of its first span.
        let target = if home_used { home } else { first };
        match target {
            Some(tid) => {
                if let Some((_, trace)) = self.traces.get(tid) {
                    for w in warnings {
                        trace.warnings.push(Warning::trace(WarningKind::FromSource, w));
                    }
                }
            }
            None => {
                for w in warnings {
                    self.notes.push(format!("warning on a trace without spans: {w}"));
                }
            }
        }
    }

    /// The trace id of `s`, parsed once for runs of spans with the same id.
    pub(super) fn trace_id(&mut self, s: &str) -> TraceId {
        if let Some((last, id)) = &self.last_trace {
            if last == s {
                return *id;
            }
        }
        let id = TraceId::parse(s, self.strings);
        match &mut self.last_trace {
            Some((last, last_id)) => {
                last.clear();
                last.push_str(s);
                *last_id = id;
            }
            None => self.last_trace = Some((s.to_string(), id)),
        }
        id
    }

    /// Decodes one span into its trace and returns the trace id. With `procs`, the span gets its
    /// resource and warnings at once; without, it is added to `waiting` to get them later. Takes
    /// the span's inline process.
    pub(super) fn span(
        &mut self,
        dto: &mut NodeDto<'a>,
        default_trace: &str,
        procs: Option<&mut Processes<'_, 'a>>,
        waiting: &mut Waiting<'a>,
    ) -> TraceId {
        self.spans_read += 1;
        let tid_text = if dto.trace_id.as_str().is_empty() { default_trace } else { dto.trace_id.as_str() };
        let trace_id = self.trace_id(tid_text);
        let trace_pos = self.traces.position(trace_id);
        let NodeDto {
            span_id,
            parent_span_id,
            operation_name,
            references,
            flags,
            start_time,
            duration,
            tags,
            logs,
            process_id,
            process,
            warnings: source_warnings,
            ..
        } = dto;
        let resolved = procs.map(|procs| self.resource(process_id.as_str(), process.take(), trace_pos, procs));
        self.parse_refs(references.as_deref().unwrap_or(&[]), trace_id);

        let missing_id = span_id.as_str().is_empty();
        let span_id = if missing_id {
            self.missing_ids += 1;
            SpanId::Text(self.strings.intern(&format!("(no id #{})", self.missing_ids)))
        } else {
            parse_span_id(span_id.as_str(), self.strings)
        };
        let mut span = Span::empty(span_id);
        span.name = intern(self.strings, operation_name.as_str());
        span.flags = flags.as_ref().and_then(Scalar::as_u64).and_then(|f| u32::try_from(f).ok()).unwrap_or(0);

        let Some(trace) = self.traces.list.get_mut(trace_pos) else {
            return trace_id;
        };
        let strings = &mut *self.strings;
        let warnings = &mut self.span_warnings;
        warnings.clear();
        let mut warn = |kind: WarningKind, detail: String| warnings.push((kind, detail));

        // Parent: the first CHILD_OF into this trace, else the first FOLLOWS_FROM; the rest are links.
        let parent_ref = self
            .refs
            .iter()
            .position(|r| r.same_trace && r.kind == LinkKind::ChildOf)
            .or_else(|| self.refs.iter().position(|r| r.same_trace && r.kind == LinkKind::FollowsFrom));
        if let Some(p) = parent_ref.and_then(|p| self.refs.get(p)) {
            span.parent_id = Some(p.span_id);
            if p.kind == LinkKind::FollowsFrom {
                span.parent_relation = ParentRelation::FollowsFrom;
            }
        } else if !parent_span_id.as_str().is_empty() {
            let parent = parse_span_id(parent_span_id.as_str(), strings);
            if parent != SpanId::Hex(0) {
                span.parent_id = Some(parent);
            }
        }
        let link_start = trace.links.len();
        for (i, r) in self.refs.iter().enumerate() {
            if Some(i) != parent_ref {
                trace.links.push(Link {
                    trace_id: r.trace_id,
                    span_id: r.span_id,
                    kind: r.kind,
                    attrs: Range32::EMPTY,
                });
            }
        }
        span.links = Range32::from_bounds(link_start, trace.links.len());
        let references = references.as_deref().unwrap_or(&[]);
        if references.iter().any(|r| r.span_id.as_str().is_empty()) {
            warn(WarningKind::InvalidValue, "a reference has no span id; it was ignored".into());
        }
        for r in references {
            let t = r.ref_type.as_str();
            if ref_kind(t).is_none() {
                warn(WarningKind::UnknownValue, format!("unknown reference type {t:?}; read as CHILD_OF"));
            }
        }

        // Times: epoch microseconds.
        span_times(&mut span, start_time.as_ref(), duration.as_ref(), &mut warn);

        // Tags, and the ones that carry span fields.
        let tags = tags.as_deref().unwrap_or(&[]);
        span.attrs = convert_tags(tags, "tag", trace, strings, &mut self.kv_scratch, &mut self.invalid);
        span_fields_from_tags(&mut span, tags, strings, &mut warn);

        // Logs become events.
        let event_start = trace.events.len();
        for log in logs.iter().flatten() {
            let fields = log.fields.as_deref().unwrap_or(&[]);
            let attrs = convert_tags(fields, "log field", trace, strings, &mut self.kv_scratch, &mut self.invalid);
            let named = |key: &str| {
                fields
                    .iter()
                    .filter(|f| f.key.as_str() == key)
                    .find_map(|f| f.value.as_ref().map(TagValue::text).filter(|t| !t.is_empty()))
            };
            let name = match named("event").or_else(|| named("message")) {
                Some(text) => strings.intern(&text),
                None => strings.intern("log"),
            };
            let time_ns = match log.timestamp.as_ref().and_then(Scalar::as_i64) {
                Some(us) if us != 0 => us.saturating_mul(1000),
                _ => span.start_ns,
            };
            trace.events.push(Event { time_ns, name, attrs });
        }
        span.events = Range32::from_bounds(event_start, trace.events.len());
        for detail in self.invalid.drain(..) {
            warn(WarningKind::InvalidValue, detail);
        }

        for w in source_warnings.0.iter().map(LenientStr::as_str).filter(|w| !w.is_empty()) {
            warn(WarningKind::FromSource, w.to_string());
        }
        let idx = trace.spans.len();
        trace.spans.push(span);
        if let Some(part) = self.part.as_mut().filter(|_| missing_id) {
            part.facts.made_up_ids.push((trace_pos as u32, idx as u32));
        }
        match resolved {
            Some((resource, problem)) => {
                let warnings = std::mem::take(&mut self.span_warnings);
                let kept = self.commit(trace_pos, idx, resource, problem, missing_id, warnings);
                // Keep the scratch's buffer for the next span.
                self.span_warnings = kept;
            }
            None => {
                let n = waiting.spans.len();
                if !self.span_warnings.is_empty() {
                    waiting.warnings.push((n, std::mem::take(&mut self.span_warnings)));
                }
                if let Some(process) = process.take() {
                    waiting.processes.push((n, process));
                }
                let key = waiting.key_number(process_id.as_str());
                waiting.spans.push(WaitingSpan {
                    trace_pos: u32::try_from(trace_pos).unwrap_or(u32::MAX),
                    span: u32::try_from(idx).unwrap_or(u32::MAX),
                    key,
                    missing_id,
                });
            }
        }
        trace_id
    }

    /// Gives span `idx` of the trace its resource, then adds its warnings (those about its id
    /// and process first, as they were found first) and, for the first span without a trace id,
    /// the trace's warning. Returns `warnings`, emptied.
    pub(super) fn commit(
        &mut self,
        trace_pos: usize,
        idx: usize,
        resource: u32,
        process_problem: Option<String>,
        missing_id: bool,
        mut warnings: Vec<(WarningKind, String)>,
    ) -> Vec<(WarningKind, String)> {
        let Some(trace) = self.traces.list.get_mut(trace_pos) else {
            return warnings;
        };
        if let Some(span) = trace.spans.get_mut(idx) {
            span.resource = resource;
        }
        let idx = u32::try_from(idx).unwrap_or(u32::MAX);
        let mut warn = |kind: WarningKind, detail: String| {
            trace.warnings.push(Warning::span(idx, kind, detail));
        };
        if missing_id {
            warn(WarningKind::MissingSpanId, "the span has no span id; it was given a synthetic one".into());
        }
        if let Some(problem) = process_problem {
            warn(WarningKind::MissingService, problem);
        } else if trace.resources.get(resource as usize).is_none_or(|r| r.service == StrId::EMPTY) {
            warn(WarningKind::MissingService, "the span's process has no serviceName".into());
        }
        for (kind, detail) in warnings.drain(..) {
            warn(kind, detail);
        }
        if trace.trace_id.is_empty() && !self.missing_trace_warned {
            self.missing_trace_warned = true;
            if let Some(part) = self.part.as_mut() {
                part.facts.missing_trace_warning = Some((trace_pos as u32, trace.warnings.len() as u32));
            }
            trace.warnings.push(Warning::trace(
                WarningKind::MissingTraceId,
                "spans without a trace id were gathered into this trace",
            ));
        }
        warnings
    }

    /// Parses the span's references into `self.refs`, skipping those without a span id.
    pub(super) fn parse_refs(&mut self, references: &[RefDto], trace_id: TraceId) {
        self.refs.clear();
        for r in references {
            if r.span_id.as_str().is_empty() {
                continue;
            }
            let ref_trace = if r.trace_id.as_str().is_empty() { trace_id } else { self.trace_id(r.trace_id.as_str()) };
            self.refs.push(ParsedRef {
                kind: ref_kind(r.ref_type.as_str()).unwrap_or(LinkKind::ChildOf),
                trace_id: ref_trace,
                span_id: parse_span_id(r.span_id.as_str(), self.strings),
                same_trace: ref_trace == trace_id,
            });
        }
    }

    /// The resource of a span: its `processID` in the trace's `processes`, else its inline
    /// `process`, else a resource without a service (with the problem to warn about).
    pub(super) fn resource(
        &mut self,
        key: &str,
        process: Option<ProcessDto<'a>>,
        trace_pos: usize,
        procs: &mut Processes<'_, 'a>,
    ) -> (u32, Option<String>) {
        if !key.is_empty() {
            if let Some(i) = procs.find(key) {
                if let Some(&(pos, idx)) = procs.cache.get(i) {
                    if pos == trace_pos {
                        return (idx, None);
                    }
                }
                let no = procs.first_no.saturating_add(i);
                let idx = match self.resources.get(&(trace_pos, no)) {
                    Some(&idx) => idx,
                    None => {
                        let entries = procs.entries;
                        let Some((_, process)) = entries.get(i) else {
                            let problem = format!("process {key:?} could not be read; the span has no service");
                            return (self.unknown_resource(trace_pos), Some(problem));
                        };
                        let shared = match &self.part {
                            Some(p) if p.enclosing_trace => Shared::Head(no as u32),
                            _ => Shared::Own,
                        };
                        let idx = self.new_resource(trace_pos, process, &format!("process {key:?}"), shared);
                        self.resources.insert((trace_pos, no), idx);
                        idx
                    }
                };
                if let Some(slot) = procs.cache.get_mut(i) {
                    *slot = (trace_pos, idx);
                }
                return (idx, None);
            }
        }
        if let Some(process) = process {
            let service = process.service_name.as_str();
            let seen = self.inline.get(&trace_pos).and_then(|by_service| by_service.get(service));
            if let Some(&(_, idx)) = seen.and_then(|seen| seen.iter().find(|(p, _)| *p == process)) {
                return (idx, None);
            }
            let shared = if self.part.is_some() { Shared::Inline(part::canonical(&process)) } else { Shared::Own };
            let idx = self.new_resource(trace_pos, &process, "inline process", shared);
            self.inline
                .entry(trace_pos)
                .or_default()
                .entry(process.service_name.as_str().to_string())
                .or_default()
                .push((process, idx));
            return (idx, None);
        }
        let problem = if key.is_empty() {
            "the span names no process; it has no service".to_string()
        } else {
            format!("process {key:?} is not in the trace's processes; the span has no service")
        };
        (self.unknown_resource(trace_pos), Some(problem))
    }

    pub(super) fn new_resource(&mut self, trace_pos: usize, process: &ProcessDto, label: &str, shared: Shared) -> u32 {
        let Some(trace) = self.traces.list.get_mut(trace_pos) else {
            return 0;
        };
        let warnings_before = trace.warnings.len() as u32;
        let tags = process.tags.as_deref().unwrap_or(&[]);
        let attrs = convert_tags(tags, "tag", trace, self.strings, &mut self.kv_scratch, &mut self.invalid);
        for detail in self.invalid.drain(..) {
            trace.warnings.push(Warning::trace(WarningKind::InvalidValue, format!("{label} {detail}")));
        }
        let idx = u32::try_from(trace.resources.len()).unwrap_or(u32::MAX);
        trace.resources.push(Resource { service: self.strings.intern(process.service_name.as_str()), attrs });
        if let Some(part) = self.part.as_mut() {
            let warnings = warnings_before..trace.warnings.len() as u32;
            JoinFacts::record(&mut part.facts.resources, trace_pos, Made { key: shared, warnings, bare_values: 0 });
        }
        idx
    }

    pub(super) fn unknown_resource(&mut self, trace_pos: usize) -> u32 {
        if let Some(&idx) = self.unknown.get(&trace_pos) {
            return idx;
        }
        let Some(trace) = self.traces.list.get_mut(trace_pos) else {
            return 0;
        };
        let idx = u32::try_from(trace.resources.len()).unwrap_or(u32::MAX);
        trace.resources.push(Resource { service: StrId::EMPTY, attrs: Range32::EMPTY });
        if let Some(part) = self.part.as_mut() {
            JoinFacts::record(
                &mut part.facts.resources,
                trace_pos,
                Made { key: Shared::Unknown, warnings: 0..0, bare_values: 0 },
            );
        }
        self.unknown.insert(trace_pos, idx);
        idx
    }
}

/// The span's start and duration from Jaeger's epoch microseconds, with warnings for what is
/// missing or negative.
fn span_times(
    span: &mut Span,
    start_time: Option<&Scalar>,
    duration: Option<&Scalar>,
    warn: &mut impl FnMut(WarningKind, String),
) {
    let start_us = start_time.and_then(Scalar::as_i64).unwrap_or(0);
    span.start_ns = start_us.saturating_mul(1000);
    if start_us == 0 {
        warn(WarningKind::MissingStartTime, "the span has no start time; it is placed at its parent's start".into());
    }
    match duration.and_then(Scalar::as_i64) {
        None => {
            warn(WarningKind::MissingDuration, "the span has no duration; it is shown as 0".into());
        }
        Some(d) if d < 0 => warn(
            WarningKind::NegativeDuration,
            format!(
                "the span has a negative duration ({}); it is shown as 0",
                strand_model::time::format_duration(d.saturating_mul(1000))
            ),
        ),
        Some(d) => span.duration_ns = d.saturating_mul(1000),
    }
}

/// Span fields that Jaeger carries as tags: `span.kind`, `error`, `otel.status_code` and
/// `otel.status_description` (the tags stay attributes too).
fn span_fields_from_tags(
    span: &mut Span,
    tags: &[TagDto],
    strings: &mut Interner,
    warn: &mut impl FnMut(WarningKind, String),
) {
    let mut error_tag = false;
    let mut otel_status = None;
    for tag in tags {
        let Some(value) = &tag.value else { continue };
        match tag.key.as_str() {
            "span.kind" => {
                let text = value.text();
                match SpanKind::parse(text.trim()) {
                    Some(kind) => span.kind = kind,
                    None if text.trim().is_empty() => {}
                    None => warn(WarningKind::UnknownValue, format!("unknown span.kind {text:?}")),
                }
            }
            "error" => {
                error_tag |= match value {
                    TagValue::Scalar(Scalar::Bool(b)) => *b,
                    TagValue::Scalar(Scalar::Text(t)) => t.trim().eq_ignore_ascii_case("true"),
                    _ => false,
                };
            }
            "otel.status_code" => {
                let text = value.text();
                match StatusCode::parse(&text) {
                    Some(StatusCode::Unset) => {}
                    Some(code) => otel_status = Some(code),
                    None => warn(WarningKind::UnknownValue, format!("unknown otel.status_code {text:?}")),
                }
            }
            "otel.status_description" => span.status_message = strings.intern(&value.text()),
            _ => {}
        }
    }
    span.status = if error_tag { StatusCode::Error } else { otel_status.unwrap_or(StatusCode::Unset) };
}
