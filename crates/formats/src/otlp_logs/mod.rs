//! OTLP logs JSON (`LogsData`: `resourceLogs` / `scopeLogs` / `logRecords`), one document or
//! JSON lines (one `LogsData` per line, as the Collector's file exporter writes them). Accepts
//! protobuf field names (`resource_logs`, `time_unix_nano`, …), the older
//! `instrumentationLibraryLogs`, hex or base64 ids, severity numbers or their enum names, int64
//! as strings or numbers, and every `AnyValue` body. Values and ids are read as the OTLP trace
//! importer reads them. Depends on `model`, `formats::otlp` (shared DTOs) and `formats::logs`.

use crate::builder::{push_attrs, LenientStr, Scalar, TraceSet};
use crate::logs::fields::severity_from_text;
use crate::logs::read::read_lines;
use crate::otlp::{
    convert_attrs, convert_value, count_bare, intern, parse_span_id, parse_trace_id, scalar_i64, AnyValueDto,
    BareResource, KeyValueDto, ResourceDto, ScopeDto,
};
use crate::{Format, ImportError, Imported};
use hashbrown::HashMap;
use serde::Deserialize;
use strand_model::strings::RepeatCache;
use strand_model::{Interner, KeyValue, LogRecord, Resource, Scope, SpanId, StrId, TraceId, Value};

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct LogsData<'a> {
    #[serde(borrow, default, alias = "resource_logs")]
    resource_logs: Option<Vec<ResourceLogs<'a>>>,
    /// A bare `ResourceLogs` instead of a `LogsData`, as the Java SDK's `logging-otlp` log
    /// exporter writes one per line.
    #[serde(borrow, default)]
    resource: BareResource<'a>,
    #[serde(borrow, default, alias = "scope_logs")]
    scope_logs: Option<Vec<ScopeLogs<'a>>>,
    #[serde(borrow, default, alias = "instrumentation_library_logs")]
    instrumentation_library_logs: Option<Vec<ScopeLogs<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceLogs<'a> {
    #[serde(borrow, default)]
    resource: Option<ResourceDto<'a>>,
    #[serde(borrow, default, alias = "scope_logs")]
    scope_logs: Option<Vec<ScopeLogs<'a>>>,
    #[serde(borrow, default, alias = "instrumentation_library_logs")]
    instrumentation_library_logs: Option<Vec<ScopeLogs<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScopeLogs<'a> {
    #[serde(borrow, default)]
    scope: Option<ScopeDto<'a>>,
    #[serde(borrow, default, alias = "instrumentation_library")]
    instrumentation_library: Option<ScopeDto<'a>>,
    #[serde(borrow, default, alias = "log_records")]
    log_records: Vec<LogRecordDto<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogRecordDto<'a> {
    #[serde(borrow, default, alias = "time_unix_nano")]
    time_unix_nano: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "observed_time_unix_nano")]
    observed_time_unix_nano: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "severity_number")]
    severity_number: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "severity_text")]
    severity_text: LenientStr<'a>,
    #[serde(borrow, default)]
    body: Option<AnyValueDto<'a>>,
    #[serde(borrow, default)]
    attributes: Vec<KeyValueDto<'a>>,
    #[serde(borrow, default)]
    flags: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "trace_id")]
    trace_id: LenientStr<'a>,
    #[serde(borrow, default, alias = "span_id")]
    span_id: LenientStr<'a>,
    #[serde(borrow, default, alias = "event_name")]
    event_name: LenientStr<'a>,
}

/// Imports OTLP logs JSON: JSON lines when the first line is a whole document and another
/// follows, else one document.
pub fn import(bytes: &[u8], file: &str, source: StrId, strings: &mut Interner) -> Result<Imported, ImportError> {
    let mut decoder = Decoder::new(source, strings);
    let notes = if crate::detect::is_json_lines(bytes) {
        read_lines(bytes, file, Format::OtlpLogs, &mut |line| {
            decoder.document(serde_json::from_str::<LogsData>(line)?);
            Ok(())
        })?
    } else {
        let bytes = crate::detect::strip_bom(bytes);
        let doc = serde_json::from_str::<LogsData>(crate::utf8::text(bytes, file, 0)?);
        decoder.document(doc.map_err(|e| ImportError::from_json(file, Format::OtlpLogs, &e, 0))?);
        Vec::new()
    };
    Ok(decoder.finish(notes))
}

struct Decoder<'s> {
    strings: &'s mut Interner,
    traces: TraceSet,
    source: StrId,
    /// (resource number in the document, trace position) -> index in that trace's log resources.
    resources: HashMap<(usize, usize), u32>,
    scopes: HashMap<(usize, usize), u32>,
    resource_counter: usize,
    scope_counter: usize,
    last_time_ns: i64,
    no_time: usize,
    bare_values: usize,
    kv_scratch: Vec<KeyValue>,
    /// Body texts: stored apart from the interner's table (see [`RepeatCache`]).
    bodies: RepeatCache,
}

impl<'s> Decoder<'s> {
    fn new(source: StrId, strings: &'s mut Interner) -> Decoder<'s> {
        Decoder {
            strings,
            traces: TraceSet::new(source),
            source,
            resources: HashMap::new(),
            scopes: HashMap::new(),
            resource_counter: 0,
            scope_counter: 0,
            last_time_ns: 0,
            no_time: 0,
            bare_values: 0,
            kv_scratch: Vec::new(),
            bodies: RepeatCache::default(),
        }
    }

    fn finish(self, mut notes: Vec<String>) -> Imported {
        if self.no_time > 0 {
            notes.push(format!(
                "{} log record{} had neither a time nor an observed time; placed at the time of the record before",
                self.no_time,
                if self.no_time == 1 { "" } else { "s" }
            ));
        }
        if self.bare_values > 0 {
            notes.push(format!(
                "{} attribute value{} bare JSON instead of AnyValue objects ({{\"stringValue\": …}}); read as their JSON types",
                self.bare_values,
                if self.bare_values == 1 { " was" } else { "s were" }
            ));
        }
        Imported { traces: self.traces.finish(), dependencies: Vec::new(), notes }
    }

    fn document(&mut self, doc: LogsData) {
        let LogsData { resource_logs, resource, scope_logs, instrumentation_library_logs } = doc;
        let bare = (scope_logs.is_some() || instrumentation_library_logs.is_some()).then_some(ResourceLogs {
            resource: resource.0,
            scope_logs,
            instrumentation_library_logs,
        });
        for rl in resource_logs.into_iter().flatten().chain(bare) {
            let resource_no = self.resource_counter;
            self.resource_counter += 1;
            let resource = rl.resource.unwrap_or_default();
            for group in
                rl.scope_logs.into_iter().flatten().chain(rl.instrumentation_library_logs.into_iter().flatten())
            {
                let scope_no = self.scope_counter;
                self.scope_counter += 1;
                let scope = group.scope.or(group.instrumentation_library).unwrap_or_default();
                for record in &group.log_records {
                    self.record(record, &resource, resource_no, &scope, scope_no);
                }
            }
        }
    }

    fn record(
        &mut self,
        dto: &LogRecordDto,
        resource: &ResourceDto,
        resource_no: usize,
        scope: &ScopeDto,
        scope_no: usize,
    ) {
        let trace_id = match dto.trace_id.as_str() {
            "" => TraceId::Text(StrId::EMPTY),
            text => match parse_trace_id(text, self.strings) {
                // An all-zero id is OTLP's "no trace".
                TraceId::Hex(0) => TraceId::Text(StrId::EMPTY),
                id => id,
            },
        };
        let trace_pos = self.traces.position(trace_id);
        let mut record = LogRecord::empty(self.source);
        record.span_id = match dto.span_id.as_str() {
            "" => None,
            text => Some(parse_span_id(text, self.strings)).filter(|id| *id != SpanId::Hex(0)),
        };
        let time = dto.time_unix_nano.as_ref().and_then(scalar_i64).unwrap_or(0);
        record.observed_ns = dto.observed_time_unix_nano.as_ref().and_then(scalar_i64).unwrap_or(0);
        record.time_ns = match (time, record.observed_ns) {
            (0, 0) => {
                self.no_time += 1;
                self.last_time_ns
            }
            (0, observed) => observed,
            (time, _) => time,
        };
        self.last_time_ns = record.time_ns;
        record.severity = dto.severity_number.as_ref().map_or(0, severity_number);
        record.severity_text = intern(self.strings, dto.severity_text.as_str());
        if record.severity == 0 {
            record.severity = severity_from_text(dto.severity_text.as_str());
        }
        record.flags = dto.flags.as_ref().and_then(Scalar::as_u64).and_then(|f| u32::try_from(f).ok()).unwrap_or(0);
        record.resource = self.resource_index(trace_pos, resource, resource_no);
        record.scope = self.scope_index(trace_pos, scope, scope_no);

        let Some(trace) = self.traces.list.get_mut(trace_pos) else { return };
        let strings = &mut *self.strings;
        self.bare_values += count_bare(&dto.attributes);
        record.body = match dto.body.as_ref() {
            Some(AnyValueDto::Str(text)) => Value::Str(self.bodies.add(strings, text.as_str())),
            Some(other) => convert_value(other, trace, strings),
            None => Value::Empty,
        };
        let mut attrs = std::mem::take(&mut self.kv_scratch);
        for kv in &dto.attributes {
            let value = kv.value.as_ref().map_or(Value::Empty, |v| convert_value(v, trace, strings));
            attrs.push(KeyValue { key: strings.intern(kv.key.as_str()), value });
        }
        if !dto.event_name.as_str().is_empty() {
            let value = Value::Str(strings.intern(dto.event_name.as_str()));
            attrs.push(KeyValue { key: strings.intern("event.name"), value });
        }
        record.attrs = push_attrs(trace, &mut attrs);
        self.kv_scratch = attrs;
        trace.logs.push(record);
    }

    fn resource_index(&mut self, trace_pos: usize, dto: &ResourceDto, resource_no: usize) -> u32 {
        if let Some(&idx) = self.resources.get(&(resource_no, trace_pos)) {
            return idx;
        }
        let Some(trace) = self.traces.list.get_mut(trace_pos) else { return 0 };
        self.bare_values += count_bare(&dto.attributes);
        let attrs = convert_attrs(&dto.attributes, trace, self.strings, &mut self.kv_scratch);
        let service_key = self.strings.intern("service.name");
        let service = trace
            .attrs_of(attrs)
            .iter()
            .find_map(|kv| match kv.value {
                Value::Str(s) if kv.key == service_key => Some(s),
                _ => None,
            })
            .unwrap_or(StrId::EMPTY);
        let idx = u32::try_from(trace.log_resources.len()).unwrap_or(u32::MAX);
        trace.log_resources.push(Resource { service, attrs });
        self.resources.insert((resource_no, trace_pos), idx);
        idx
    }

    fn scope_index(&mut self, trace_pos: usize, dto: &ScopeDto, scope_no: usize) -> u32 {
        if dto.name.as_str().is_empty() && dto.version.as_str().is_empty() && dto.attributes.is_empty() {
            return u32::MAX;
        }
        if let Some(&idx) = self.scopes.get(&(scope_no, trace_pos)) {
            return idx;
        }
        let Some(trace) = self.traces.list.get_mut(trace_pos) else { return u32::MAX };
        let attrs = convert_attrs(&dto.attributes, trace, self.strings, &mut self.kv_scratch);
        let idx = u32::try_from(trace.log_scopes.len()).unwrap_or(u32::MAX);
        trace.log_scopes.push(Scope {
            name: intern(self.strings, dto.name.as_str()),
            version: intern(self.strings, dto.version.as_str()),
            attrs,
        });
        self.scopes.insert((scope_no, trace_pos), idx);
        idx
    }
}

/// A severity number, or its enum name (`SEVERITY_NUMBER_WARN`); 0 when neither.
fn severity_number(value: &Scalar) -> u8 {
    match value.as_i64() {
        Some(n) => u8::try_from(n).ok().filter(|n| *n <= 24).unwrap_or(0),
        None => severity_from_text(value.to_text().trim_start_matches("SEVERITY_NUMBER_")),
    }
}

#[cfg(test)]
mod tests;
