//! OTLP JSON (`TracesData`) and OTLP JSON lines. Accepts `resourceSpans` and the older
//! `batches`/`instrumentationLibrarySpans`, Jaeger v3's `{"result":…}` and Tempo v2's
//! `{"trace":…}` envelopes, hex or base64 ids, enum numbers or names, int64 as strings or
//! numbers, and every `AnyValue` variant. Depends on `model` and `formats::builder`.

use super::builder::{decode_base64, push_attrs, push_bytes, push_values, LenientStr, Scalar, TraceSet};
use super::{Format, ImportError, Imported};
use crate::model::{
    Event, Interner, KeyValue, Link, LinkKind, Resource, Scope, Span, SpanId, SpanKind, StatusCode,
    StrId, Trace, TraceId, Value, Warning, WarningKind,
};
use hashbrown::HashMap;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct TracesData<'a> {
    #[serde(borrow, default, alias = "resource_spans")]
    resource_spans: Option<Vec<ResourceSpans<'a>>>,
    #[serde(borrow, default)]
    batches: Option<Vec<ResourceSpans<'a>>>,
    /// Jaeger API v3 envelope.
    #[serde(borrow, default)]
    result: Option<Box<TracesData<'a>>>,
    /// Tempo API v2 envelope.
    #[serde(borrow, default)]
    trace: Option<Box<TracesData<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceSpans<'a> {
    #[serde(borrow, default)]
    resource: Option<ResourceDto<'a>>,
    #[serde(borrow, default, alias = "scope_spans")]
    scope_spans: Option<Vec<ScopeSpans<'a>>>,
    #[serde(borrow, default, alias = "instrumentation_library_spans")]
    instrumentation_library_spans: Option<Vec<ScopeSpans<'a>>>,
}

#[derive(Deserialize, Default)]
struct ResourceDto<'a> {
    #[serde(borrow, default)]
    attributes: Vec<KeyValueDto<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScopeSpans<'a> {
    #[serde(borrow, default)]
    scope: Option<ScopeDto<'a>>,
    #[serde(borrow, default, alias = "instrumentation_library")]
    instrumentation_library: Option<ScopeDto<'a>>,
    #[serde(borrow, default)]
    spans: Vec<SpanDto<'a>>,
}

#[derive(Deserialize, Default)]
struct ScopeDto<'a> {
    #[serde(borrow, default)]
    name: LenientStr<'a>,
    #[serde(borrow, default)]
    version: LenientStr<'a>,
    #[serde(borrow, default)]
    attributes: Vec<KeyValueDto<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpanDto<'a> {
    #[serde(borrow, default, alias = "trace_id")]
    trace_id: LenientStr<'a>,
    #[serde(borrow, default, alias = "span_id")]
    span_id: LenientStr<'a>,
    #[serde(borrow, default, alias = "parent_span_id")]
    parent_span_id: LenientStr<'a>,
    #[serde(borrow, default, alias = "trace_state")]
    trace_state: LenientStr<'a>,
    #[serde(borrow, default)]
    name: LenientStr<'a>,
    #[serde(borrow, default)]
    kind: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "start_time_unix_nano")]
    start_time_unix_nano: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "end_time_unix_nano")]
    end_time_unix_nano: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    attributes: Vec<KeyValueDto<'a>>,
    #[serde(borrow, default)]
    events: Vec<EventDto<'a>>,
    #[serde(borrow, default)]
    links: Vec<LinkDto<'a>>,
    #[serde(borrow, default)]
    status: Option<StatusDto<'a>>,
    #[serde(borrow, default)]
    flags: Option<Scalar<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventDto<'a> {
    #[serde(borrow, default, alias = "time_unix_nano")]
    time_unix_nano: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    name: LenientStr<'a>,
    #[serde(borrow, default)]
    attributes: Vec<KeyValueDto<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LinkDto<'a> {
    #[serde(borrow, default, alias = "trace_id")]
    trace_id: LenientStr<'a>,
    #[serde(borrow, default, alias = "span_id")]
    span_id: LenientStr<'a>,
    #[serde(borrow, default)]
    attributes: Vec<KeyValueDto<'a>>,
}

#[derive(Deserialize)]
struct StatusDto<'a> {
    #[serde(borrow, default)]
    code: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    message: LenientStr<'a>,
}

#[derive(Deserialize)]
struct KeyValueDto<'a> {
    #[serde(borrow, default)]
    key: LenientStr<'a>,
    #[serde(borrow, default)]
    value: Option<AnyValueDto<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AnyValueDto<'a> {
    #[serde(borrow, default, alias = "string_value")]
    string_value: Option<LenientStr<'a>>,
    #[serde(borrow, default, alias = "bool_value")]
    bool_value: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "int_value")]
    int_value: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "double_value")]
    double_value: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "bytes_value")]
    bytes_value: Option<LenientStr<'a>>,
    #[serde(borrow, default, alias = "array_value")]
    array_value: Option<ValuesDto<'a>>,
    #[serde(borrow, default, alias = "kvlist_value")]
    kvlist_value: Option<KvListDto<'a>>,
}

#[derive(Deserialize)]
struct ValuesDto<'a> {
    #[serde(borrow, default)]
    values: Vec<AnyValueDto<'a>>,
}

#[derive(Deserialize)]
struct KvListDto<'a> {
    #[serde(borrow, default)]
    values: Vec<KeyValueDto<'a>>,
}

/// Imports one OTLP JSON document.
pub fn import(bytes: &[u8], file: &str, source: StrId, strings: &mut Interner) -> Result<Imported, ImportError> {
    let doc: TracesData =
        serde_json::from_slice(bytes).map_err(|e| ImportError::from_json(file, Format::Otlp, &e, 0))?;
    let mut decoder = Decoder::new(source, strings);
    decoder.document(doc);
    Ok(decoder.finish(Vec::new()))
}

/// Imports OTLP JSON lines: one `TracesData` per line. A trace may be spread over many lines.
/// A broken line does not lose the others: it is skipped and reported, unless no line is usable.
pub fn import_lines(bytes: &[u8], file: &str, source: StrId, strings: &mut Interner) -> Result<Imported, ImportError> {
    let mut decoder = Decoder::new(source, strings);
    let mut notes = Vec::new();
    let mut first_error = None;
    let mut good_lines = 0usize;
    for (line_no, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<TracesData>(line) {
            Ok(doc) => {
                decoder.document(doc);
                good_lines += 1;
            }
            Err(e) => {
                let err = ImportError::from_json(file, Format::OtlpLines, &e, line_no);
                notes.push(format!("skipped a line that could not be read: {err}"));
                first_error.get_or_insert(err);
            }
        }
    }
    if good_lines == 0 {
        if let Some(err) = first_error {
            return Err(err);
        }
    }
    Ok(decoder.finish(notes))
}

struct Decoder<'s> {
    strings: &'s mut Interner,
    traces: TraceSet,
    /// (resource number in the document, trace position) -> resource index in that trace.
    resources: HashMap<(usize, usize), u32>,
    /// (scope number in the document, trace position) -> scope index in that trace.
    scopes: HashMap<(usize, usize), u32>,
    resource_counter: usize,
    scope_counter: usize,
    missing_ids: usize,
    kv_scratch: Vec<KeyValue>,
    service_name: StrId,
}

impl<'s> Decoder<'s> {
    fn new(source: StrId, strings: &'s mut Interner) -> Decoder<'s> {
        let service_name = strings.intern("service.name");
        Decoder {
            strings,
            traces: TraceSet::new(source),
            resources: HashMap::new(),
            scopes: HashMap::new(),
            resource_counter: 0,
            scope_counter: 0,
            missing_ids: 0,
            kv_scratch: Vec::new(),
            service_name,
        }
    }

    fn finish(self, notes: Vec<String>) -> Imported {
        Imported { traces: self.traces.finish(), dependencies: Vec::new(), notes }
    }

    fn document(&mut self, doc: TracesData) {
        // Envelopes nest at most a few levels; walk them without recursion.
        let mut pending = vec![doc];
        while let Some(doc) = pending.pop() {
            let TracesData { resource_spans, batches, result, trace } = doc;
            for rs in resource_spans.into_iter().flatten().chain(batches.into_iter().flatten()) {
                self.resource_spans(rs);
            }
            pending.extend(result.map(|b| *b));
            pending.extend(trace.map(|b| *b));
        }
    }

    fn resource_spans(&mut self, rs: ResourceSpans) {
        let resource_no = self.resource_counter;
        self.resource_counter += 1;
        let resource = rs.resource.unwrap_or_default();
        let groups = rs.scope_spans.into_iter().flatten().chain(rs.instrumentation_library_spans.into_iter().flatten());
        for group in groups {
            let scope_no = self.scope_counter;
            self.scope_counter += 1;
            let scope = group.scope.or(group.instrumentation_library).unwrap_or_default();
            for span in &group.spans {
                self.span(span, &resource, resource_no, &scope, scope_no);
            }
        }
    }

    fn span(&mut self, dto: &SpanDto, resource: &ResourceDto, resource_no: usize, scope: &ScopeDto, scope_no: usize) {
        let trace_id = parse_trace_id(dto.trace_id.as_str(), self.strings);
        let (trace_pos, _) = self.traces.get(trace_id);
        let resource_idx = self.resource_index(trace_id, trace_pos, resource, resource_no);
        let scope_idx = self.scope_index(trace_id, trace_pos, scope, scope_no);

        let mut warnings: Vec<(WarningKind, String)> = Vec::new();
        let span_id = if dto.span_id.as_str().is_empty() {
            self.missing_ids += 1;
            warnings.push((WarningKind::MissingSpanId, "the span has no span id; it was given a synthetic one".into()));
            SpanId::Text(self.strings.intern(&format!("(no id #{})", self.missing_ids)))
        } else {
            parse_span_id(dto.span_id.as_str(), self.strings)
        };
        let mut span = Span::empty(span_id);
        span.parent_id =
            (!dto.parent_span_id.as_str().is_empty()).then(|| parse_span_id(dto.parent_span_id.as_str(), self.strings));
        span.name = self.strings.intern(dto.name.as_str());
        span.resource = resource_idx;
        span.scope = scope_idx;
        span.trace_state = self.strings.intern(dto.trace_state.as_str());
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
            span.status_message = self.strings.intern(status.message.as_str());
        }
        let start = dto.start_time_unix_nano.as_ref().and_then(Scalar::as_i64).unwrap_or(0);
        let end = dto.end_time_unix_nano.as_ref().and_then(Scalar::as_i64).unwrap_or(0);
        span.start_ns = start;
        if start == 0 {
            warnings.push((WarningKind::MissingStartTime, "the span has no start time; it is placed at its parent's start".into()));
        }
        if end == 0 {
            warnings.push((WarningKind::MissingDuration, "the span has no end time; its duration is shown as 0".into()));
        } else if start != 0 && end < start {
            warnings.push((
                WarningKind::NegativeDuration,
                format!("the span ends {} before it starts; its duration is shown as 0", crate::model::time::format_duration(start.saturating_sub(end))),
            ));
        } else if start != 0 {
            span.duration_ns = end.saturating_sub(start);
        }

        let (_, trace) = self.traces.get(trace_id);
        let strings = &mut *self.strings;
        span.attrs = convert_attrs(&dto.attributes, trace, strings, &mut self.kv_scratch);
        let event_start = trace.events.len();
        for e in &dto.events {
            let attrs = convert_attrs(&e.attributes, trace, strings, &mut self.kv_scratch);
            let time_ns = e.time_unix_nano.as_ref().and_then(Scalar::as_i64).unwrap_or(0);
            trace.events.push(Event { time_ns, name: strings.intern(e.name.as_str()), attrs });
        }
        span.events = crate::model::Range32::from_bounds(event_start, trace.events.len());
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
        span.links = crate::model::Range32::from_bounds(link_start, trace.links.len());
        let idx = trace.spans.len() as u32;
        trace.spans.push(span);
        for (kind, detail) in warnings {
            trace.warnings.push(Warning::span(idx, kind, detail));
        }
        if trace_id.is_empty() && !trace.warnings.iter().any(|w| w.kind == WarningKind::MissingTraceId) {
            trace.warnings.push(Warning::trace(
                WarningKind::MissingTraceId,
                "spans without a trace id were gathered into this trace",
            ));
        }
    }

    fn resource_index(&mut self, trace_id: TraceId, trace_pos: usize, dto: &ResourceDto, resource_no: usize) -> u32 {
        if let Some(&idx) = self.resources.get(&(resource_no, trace_pos)) {
            return idx;
        }
        let service_key = self.service_name;
        let (_, trace) = self.traces.get(trace_id);
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
        self.resources.insert((resource_no, trace_pos), idx);
        idx
    }

    fn scope_index(&mut self, trace_id: TraceId, trace_pos: usize, dto: &ScopeDto, scope_no: usize) -> u32 {
        if let Some(&idx) = self.scopes.get(&(scope_no, trace_pos)) {
            return idx;
        }
        let (_, trace) = self.traces.get(trace_id);
        let attrs = convert_attrs(&dto.attributes, trace, self.strings, &mut self.kv_scratch);
        let idx = trace.scopes.len() as u32;
        trace.scopes.push(Scope {
            name: self.strings.intern(dto.name.as_str()),
            version: self.strings.intern(dto.version.as_str()),
            attrs,
        });
        self.scopes.insert((scope_no, trace_pos), idx);
        idx
    }
}

fn parse_status(code: &Scalar) -> StatusCode {
    match code.as_i64() {
        Some(1) => StatusCode::Ok,
        Some(2) => StatusCode::Error,
        Some(_) => StatusCode::Unset,
        None => match code.to_text().trim_start_matches("STATUS_CODE_").to_ascii_uppercase().as_str() {
            "OK" => StatusCode::Ok,
            "ERROR" => StatusCode::Error,
            _ => StatusCode::Unset,
        },
    }
}

/// OTLP ids are hex (32/16 digits) in the spec's JSON, base64 in Go jsonpb output (Tempo, old
/// Jaeger v3): exact-width hex first, then base64 of the right byte count, then any hex, then text.
fn parse_trace_id(s: &str, strings: &mut Interner) -> TraceId {
    if s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return TraceId::parse(s, strings);
    }
    if let Some(bytes) = decode_base64(s).filter(|b| b.len() == 16) {
        return TraceId::from_bytes(&bytes, strings);
    }
    TraceId::parse(s, strings)
}

fn parse_span_id(s: &str, strings: &mut Interner) -> SpanId {
    if s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return SpanId::parse(s, strings);
    }
    if let Some(bytes) = decode_base64(s).filter(|b| b.len() == 8) {
        return SpanId::from_bytes(&bytes, strings);
    }
    SpanId::parse(s, strings)
}

/// Converts attributes into the trace's pools and returns their range. Nested values are
/// appended first so that the returned range stays contiguous. Nesting is bounded by serde_json's
/// recursion limit (128), so the recursion here is bounded too.
fn convert_attrs(dtos: &[KeyValueDto], trace: &mut Trace, strings: &mut Interner, scratch: &mut Vec<KeyValue>) -> crate::model::Range32 {
    if dtos.is_empty() {
        return crate::model::Range32::EMPTY;
    }
    let mut local = std::mem::take(scratch);
    local.clear();
    for kv in dtos {
        let value = kv.value.as_ref().map_or(Value::Empty, |v| convert_value(v, trace, strings));
        local.push(KeyValue { key: strings.intern(kv.key.as_str()), value });
    }
    let range = push_attrs(trace, &mut local);
    *scratch = local;
    range
}

fn convert_value(v: &AnyValueDto, trace: &mut Trace, strings: &mut Interner) -> Value {
    if let Some(s) = &v.string_value {
        return Value::Str(strings.intern(s.as_str()));
    }
    if let Some(i) = &v.int_value {
        return match i.as_i64() {
            Some(n) => Value::Int(n),
            None => Value::Str(strings.intern(&i.to_text())),
        };
    }
    if let Some(d) = &v.double_value {
        return match d.as_f64() {
            Some(f) => Value::Double(f),
            None => Value::Str(strings.intern(&d.to_text())),
        };
    }
    if let Some(b) = &v.bool_value {
        return match b.as_bool() {
            Some(x) => Value::Bool(x),
            None => Value::Str(strings.intern(&b.to_text())),
        };
    }
    if let Some(b) = &v.bytes_value {
        return match decode_base64(b.as_str()) {
            Some(bytes) => push_bytes(trace, &bytes),
            None => Value::Str(strings.intern(b.as_str())),
        };
    }
    if let Some(arr) = &v.array_value {
        let mut items: Vec<Value> = arr.values.iter().map(|x| convert_value(x, trace, strings)).collect();
        return Value::Array(push_values(trace, &mut items));
    }
    if let Some(map) = &v.kvlist_value {
        let mut scratch = Vec::new();
        return Value::Map(convert_attrs(&map.values, trace, strings, &mut scratch));
    }
    Value::Empty
}
