//! One schemaless log record (an ECS document, a JSON log line, a Fluent Bit record, a Loki line)
//! into the model: nested objects are flattened to dotted keys (`{"log":{"level":"info"}}` is
//! `log.level`), the fields with a known meaning are picked by name (see [`role_of`]), and the
//! rest become attributes. Records are grouped into traces by trace id ([`LogSink`]).
//! Depends on `model` and the other `logs` modules.

use super::fields::{log_span_id, log_trace_id, severity_from_number, severity_from_text, traceparent, LevelNumbers};
use super::flat::{Field, Flat, LineSeed, Paths};
use super::json::Json;
use super::line_time::{LineTimes, TimeFields};
pub use super::roles::{role_of, Role};
use super::roles::{GELF_MESSAGE, ROLES};
use super::scan::plain_line;
use crate::builder::{push_attrs, push_values, TraceSet};
use crate::Imported;
use hashbrown::HashMap;
use serde::de::DeserializeSeed;
use std::borrow::Cow;
use strand_model::strings::{same_bytes, RepeatCache};
use strand_model::{Interner, KeyValue, LogRecord, Range32, Resource, Scope, SpanId, StrId, Trace, TraceId, Value};

/// Counts of what was repaired, for the load's notes.
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub struct Repairs {
    pub no_time: usize,
    pub unreadable_time: usize,
    pub unzoned_time: usize,
    pub embedded_json: usize,
    /// Whether any line had a time (lines without one are placed at another line's).
    pub timed: bool,
}

impl Repairs {
    /// Adds the counts of a later part of the same file.
    pub fn add(&mut self, other: &Repairs) {
        self.no_time += other.no_time;
        self.unreadable_time += other.unreadable_time;
        self.unzoned_time += other.unzoned_time;
        self.embedded_json += other.embedded_json;
        self.timed |= other.timed;
    }

    pub fn notes(&self, what: &str, notes: &mut Vec<String>) {
        let n = |count: usize| if count == 1 { format!("1 {what}") } else { format!("{count} {what}s") };
        if self.no_time > 0 && !self.timed {
            notes.push(format!("no {what} had a time: each is shown at the start of its span (or trace)"));
        } else if self.no_time > 0 {
            notes.push(format!(
                "{} had no time; placed at the time of the {what} before (the first ones: of the first {what} with a time)",
                n(self.no_time)
            ));
        }
        if self.unreadable_time > 0 {
            notes.push(format!(
                "{} had a time that could not be read (kept as an attribute); placed at the time of the {what} before",
                n(self.unreadable_time)
            ));
        }
        if self.unzoned_time > 0 {
            notes.push(format!("{} had a time without a time zone; read as UTC", n(self.unzoned_time)));
        }
        if self.embedded_json > 0 {
            notes.push(format!(
                "{} carried a JSON object as its message text (Docker / Kubernetes); its fields were read too",
                n(self.embedded_json)
            ));
        }
    }
}

/// Log records of one document, grouped into traces without spans by trace id.
pub struct LogSink<'s> {
    pub strings: &'s mut Interner,
    traces: TraceSet,
    source: StrId,
    /// For resources with attributes besides the service (see [`LogSink::resource`]; a
    /// service-only one is found by its service): resource text (service and the other
    /// resource attributes) -> (resource number in the document, interned service).
    resource_numbers: HashMap<String, (u32, StrId)>,
    /// Per trace position: the resource numbers of the trace's first [`FEW_RESOURCES`]
    /// resources, by index in its `log_resources`, while all of them have attributes (a
    /// service-only resource ends the list; the map below takes the rest).
    trace_resources: Vec<Vec<u32>>,
    /// (resource number, trace position) -> index in that trace's `log_resources`, for the
    /// resources of a trace after its first [`FEW_RESOURCES`].
    resources: HashMap<(u32, usize), u32>,
    /// (logger name, trace position) -> index in that trace's `log_scopes`.
    scopes: HashMap<(StrId, usize), u32>,
    /// The time of the last record, for records without a readable one (`line_time`).
    times: LineTimes,
    pub repairs: Repairs,
    kv_scratch: Vec<KeyValue>,
    paths: Paths,
    /// The field list of the record before, emptied, for the next one.
    spare: Flat<'static, 'static>,
    resource_key: String,
    /// (service, trace position) -> index in that trace's `log_resources` of the resource with
    /// that service and no other field, for those after a trace's first [`FEW_RESOURCES`].
    service_resources: HashMap<(StrId, usize), u32>,
    /// Service names met first, interned.
    services: Vec<(String, StrId)>,
    sizes: Sizes,
    /// Message texts: stored apart from the interner's table (see [`RepeatCache`]).
    bodies: RepeatCache,
    /// Level texts met first, with how they are read: (text, numbering, severity, interned text).
    levels: Vec<(String, LevelNumbers, u8, StrId)>,
    /// Per trace position, how many of its first lines were read before the first line with a
    /// time (they took its time); set when that line comes. A part of a split file reports
    /// them: the whole file gives them the time of the line before the part (`logs::parts`).
    waited: Vec<u32>,
}

/// How many records, attributes and resources the traces of the document have so far: a new
/// trace's lists start at the typical size, not growing from one through every power of two.
#[derive(Default)]
struct Sizes {
    logs: usize,
    attrs: usize,
    resources: usize,
}

/// The average of `total` over `traces`, rounded up, at most 64.
fn typical(total: usize, traces: usize) -> usize {
    total.div_ceil(traces.max(1)).min(64)
}

/// Appends a resource to the trace's log resources, whose list starts at the typical size of the
/// document's traces (`traces` of them so far), and returns its index.
fn push_resource(trace: &mut Trace, resource: Resource, sizes: &mut Sizes, traces: usize) -> u32 {
    if trace.log_resources.capacity() == 0 {
        trace.log_resources.reserve(typical(sizes.resources, traces));
    }
    sizes.resources += 1;
    let idx = u32::try_from(trace.log_resources.len()).unwrap_or(u32::MAX);
    trace.log_resources.push(resource);
    idx
}

/// How many level texts [`LogSink::level`] remembers.
const LEVELS: usize = 8;

/// How many resources of a trace are found by a look through its list rather than in a map.
const FEW_RESOURCES: usize = 16;

/// How many service names [`LogSink::service`] remembers.
const SERVICES: usize = 32;

impl<'s> LogSink<'s> {
    pub fn new(source: StrId, strings: &'s mut Interner) -> LogSink<'s> {
        LogSink::with_size_hint(source, strings, 0)
    }

    /// A sink for a document of `bytes` bytes: makes room in the interner's buffer for the
    /// messages (added apart from its table, `Interner::add_distinct`: ~1/8 of an ECS line) and
    /// in its table for about one distinct field value per ~1 KiB (request ids, URLs), so that
    /// a large import does not grow and re-hash the table from small many times.
    pub fn with_size_hint(source: StrId, strings: &'s mut Interner, bytes: usize) -> LogSink<'s> {
        strings.reserve(bytes / 1024, bytes / 8);
        LogSink {
            strings,
            traces: TraceSet::new(source),
            source,
            resource_numbers: HashMap::new(),
            trace_resources: Vec::new(),
            resources: HashMap::new(),
            scopes: HashMap::new(),
            times: LineTimes::default(),
            repairs: Repairs::default(),
            kv_scratch: Vec::new(),
            paths: Paths::default(),
            spare: Vec::new(),
            resource_key: String::new(),
            service_resources: HashMap::new(),
            services: Vec::new(),
            levels: Vec::new(),
            sizes: Sizes::default(),
            bodies: RepeatCache::default(),
            waited: Vec::new(),
        }
    }

    /// What a part of a split file reports about its lines' times (`logs::parts`): the first
    /// and last time read, and per trace position how many of its first lines came before the
    /// first line with a time (all of them when no line had one).
    pub(crate) fn times_read(&self) -> (i64, i64, Vec<u32>) {
        let (first, last) = self.times.first_and_last();
        let waited = if self.repairs.timed {
            self.waited.clone()
        } else {
            self.traces.list.iter().map(|t| u32::try_from(t.logs.len()).unwrap_or(u32::MAX)).collect()
        };
        (first, last, waited)
    }

    /// The imported log groups (one trace without spans per trace id), with `notes`.
    pub fn finish(self, notes: Vec<String>) -> Imported {
        let mut traces = self.traces.finish();
        for trace in &mut traces {
            trace.logs.shrink_to_fit();
            trace.attrs.shrink_to_fit();
            trace.values.shrink_to_fit();
        }
        Imported { traces, dependencies: Vec::new(), notes }
    }

    /// Converts one record. `extra` are layers of fields from outside the object, lowest first
    /// (Loki's stream labels, then the entry's metadata; a Fluentd line's time and tag): for each
    /// meaning, a field of a higher layer wins over one of a lower layer, and the object's own
    /// fields win over all of them.
    pub fn record(&mut self, object: &Json, extra: &[&[(&str, &Json)]]) {
        let own_layer = u8::try_from(extra.len()).unwrap_or(u8::MAX);
        let mut inner = None;
        let mut flat = self.flatten_all(object, extra, own_layer);
        let (chosen, skip) = self.embedded(&mut flat, &mut inner, own_layer);
        self.convert(&flat, &chosen, skip);
        self.spare = recycle(flat);
    }

    /// Reads and converts one JSON line, flattened while it is parsed (by `logs::scan` when it is
    /// plain, else by serde_json): no tree is built. A line that is not an object, or one with a
    /// top-level key in `whole` (read again as a tree), is returned for the caller to read; the
    /// error is serde_json's, as if the line had been read as a [`Json`].
    pub fn record_line<'l>(&mut self, line: &'l str, whole: &[&str]) -> Result<Option<Json<'l>>, serde_json::Error> {
        let mut inner = None;
        let mut flat: Flat = recycle(std::mem::take(&mut self.spare));
        if !plain_line(line, &mut self.paths, &mut flat, whole) {
            let mut stopped = false;
            let mut de = serde_json::Deserializer::from_str(line);
            let seed = LineSeed { paths: &mut self.paths, flat: &mut flat, whole, stopped: &mut stopped };
            match seed.deserialize(&mut de) {
                Ok(None) => de.end()?,
                Ok(Some(value)) => return de.end().map(|()| Some(value)),
                Err(_) if stopped => return serde_json::from_str(line).map(Some),
                Err(e) => return Err(e),
            }
        }
        let (chosen, skip) = self.embedded(&mut flat, &mut inner, 0);
        self.convert(&flat, &chosen, skip);
        self.spare = recycle(flat);
        Ok(None)
    }

    fn flatten_all<'j, 'a>(
        &mut self,
        object: &'j Json<'a>,
        extra: &[&[(&str, &'j Json<'a>)]],
        own_layer: u8,
    ) -> Flat<'j, 'a> {
        let mut flat: Flat = recycle(std::mem::take(&mut self.spare));
        let layers = extra.iter().enumerate().map(|(i, fields)| (u8::try_from(i).unwrap_or(u8::MAX), *fields));
        let members = object.as_object().unwrap_or(&[]);
        let own = members.iter().map(|(k, v)| (own_layer, k.as_ref(), v));
        let fields = layers.flat_map(|(layer, fields)| fields.iter().map(move |&(k, v)| (layer, k, v)));
        for (layer, key, value) in fields.chain(own) {
            self.paths.start(key);
            self.paths.flatten(&mut flat, layer, value);
        }
        if object.as_object().is_none() {
            // A bare value (a string line): it is the message.
            self.paths.start("message");
            self.paths.flatten(&mut flat, own_layer, object);
        }
        flat
    }

    /// The fields chosen for each role. A message that is itself a JSON object (Docker's `log`, a
    /// `message` nobody decoded) has its fields read too, kept in `inner`: they come after the
    /// record's own fields (of layer `own_layer`), which keep their places, and the message
    /// field (all of it now read) is returned, to be left out.
    fn embedded<'j, 'a>(
        &mut self,
        flat: &mut Flat<'j, 'a>,
        inner: &'j mut Option<Json<'static>>,
        own_layer: u8,
    ) -> (Chosen, Option<usize>) {
        let chosen = pick(flat);
        let Some((outer, json)) = embedded_object(flat, &chosen) else { return (chosen, None) };
        self.repairs.embedded_json += 1;
        let json: &'j Json<'a> = inner.insert(json);
        for (key, value) in json.as_object().unwrap_or(&[]) {
            self.paths.start(key);
            self.paths.flatten(flat, own_layer.saturating_add(1), value);
        }
        (pick(flat), Some(outer))
    }

    /// Converts the flattened fields, `chosen` for their roles; `skip` is a field to leave out
    /// (a message read as JSON).
    fn convert(&mut self, flat: &Flat, chosen: &Chosen, skip: Option<usize>) {
        let get = |role: Role| {
            let (i, role) = chosen.get(role.slot()).copied().flatten()?;
            flat.get(i).map(|field| (i, role, &*field.value))
        };
        let mut record = LogRecord::empty(self.source);

        // Time: an epoch number in any unit or a date-time text (see `line_time`).
        let time_field = get(Role::Time);
        let fraction = get(Role::TimeFraction(false));
        let fields = TimeFields {
            time: time_field.map(|(_, _, v)| v),
            fraction: fraction.map(|(_, role, v)| (v, role == Role::TimeFraction(true))),
            observed: get(Role::Observed).map(|(_, _, v)| v),
        };
        let time = self.times.read(&mut record, fields, &mut self.repairs);
        // A time that could not be read, and a nanoseconds field that was not added to the
        // time, stay attributes.
        let keep = [
            time.unreadable.then(|| time_field.map(|(i, _, _)| i)).flatten(),
            (!time.fraction_used).then(|| fraction.map(|(i, _, _)| i)).flatten(),
        ];

        if let Some((_, Role::Level(numbers), v)) = get(Role::Level(LevelNumbers::Guess)) {
            match v {
                Json::Int(n) => {
                    // GELF's `level` is a syslog priority.
                    let gelf = flat.iter().any(|f| f.role == Some((Role::Message, GELF_MESSAGE)));
                    let numbers = if gelf && numbers == LevelNumbers::Guess { LevelNumbers::Syslog } else { numbers };
                    record.severity = severity_from_number(*n, numbers);
                    record.severity_text = self.strings.intern(&n.to_string());
                }
                other => {
                    if let Some(text) = other.scalar_text() {
                        (record.severity, record.severity_text) = self.level(&text, numbers);
                    }
                }
            }
        }

        if let Some((_, _, Json::Int(n))) = get(Role::SeverityNumber) {
            let number = severity_from_number(*n, LevelNumbers::Otlp);
            if number != 0 {
                record.severity = number;
            }
        }

        // Ids: a trace id field, else `traceparent`; a span id field, else `traceparent`'s.
        let mut trace_id = None;
        if let Some((_, Role::TraceId(decimal), v)) = get(Role::TraceId(false)) {
            trace_id = v.scalar_text().and_then(|t| log_trace_id(&t, decimal || is_number(v), self.strings));
        }
        if let Some((_, Role::SpanId(decimal), v)) = get(Role::SpanId(false)) {
            record.span_id = v.scalar_text().and_then(|t| log_span_id(&t, decimal || is_number(v), self.strings));
        }
        if let Some((trace, span, flags)) =
            get(Role::TraceParent).and_then(|(_, _, v)| v.as_str()).and_then(traceparent)
        {
            trace_id = trace_id.or(Some(TraceId::Hex(trace)));
            record.span_id = record.span_id.or(Some(SpanId::Hex(span)));
            record.flags = flags;
        }
        if let Some((_, _, v)) = get(Role::Flags) {
            record.flags = v.scalar_text().and_then(|t| parse_flags(&t)).unwrap_or(record.flags);
        }
        let trace_pos = self.traces.position(trace_id.unwrap_or(TraceId::Text(StrId::EMPTY)));

        record.resource = self.resource(trace_pos, flat, get(Role::Service));
        if let Some((_, _, v)) = get(Role::Logger) {
            if let Some(name) = v.scalar_text() {
                record.scope = self.scope(trace_pos, &name);
            }
        }

        let traces = self.traces.list.len();
        let Some(trace) = self.traces.list.get_mut(trace_pos) else { return };
        if let Some((_, _, v)) = get(Role::Message) {
            record.body = match v {
                Json::Str(text) => Value::Str(self.bodies.add(self.strings, text)),
                other => json_value(other, trace, self.strings),
            };
        }
        // Everything else, in the record's order.
        let mut attrs = std::mem::take(&mut self.kv_scratch);
        // The chosen fields of the first 64, as bits.
        let used_bits = chosen.iter().flatten().fold(0u64, |bits, &(j, _)| if j < 64 { bits | 1 << j } else { bits });
        for (i, field) in flat.iter().enumerate() {
            let used = if i < 64 { used_bits >> i & 1 == 1 } else { chosen.iter().flatten().any(|&(j, _)| j == i) };
            let is_resource = matches!(field.role, Some((Role::ResourceAttr, _)));
            if (used && !keep.contains(&Some(i))) || is_resource || skip == Some(i) {
                continue;
            }
            let value = match &*field.value {
                Json::Str(text) => Value::Str(self.paths.text(i, text, self.strings)),
                other => json_value(other, trace, self.strings),
            };
            attrs.push(KeyValue { key: self.paths.key(i, self.strings), value });
        }
        if trace.logs.capacity() == 0 {
            trace.logs.reserve(typical(self.sizes.logs, traces));
            trace.attrs.reserve(typical(self.sizes.attrs, traces));
        }
        self.sizes.logs += 1;
        self.sizes.attrs += attrs.len();
        record.attrs = push_attrs(trace, &mut attrs);
        self.kv_scratch = attrs;
        trace.logs.push(record);
        if time.place_waiting {
            let last = (trace_pos, trace.logs.len() - 1);
            self.times.place(&mut self.traces.list, last);
            let before = |(pos, t): (usize, &Trace)| if pos == last.0 { last.1 } else { t.logs.len() };
            self.waited =
                self.traces.list.iter().enumerate().map(|p| u32::try_from(before(p)).unwrap_or(u32::MAX)).collect();
        }
    }

    /// The severity and interned text of a level written as text (the few of a file are
    /// remembered).
    fn level(&mut self, text: &str, numbers: LevelNumbers) -> (u8, StrId) {
        if let Some(&(_, _, severity, id)) =
            self.levels.iter().find(|(t, n, _, _)| *n == numbers && same_bytes(t.as_bytes(), text.as_bytes()))
        {
            return (severity, id);
        }
        let severity = match text.trim().parse::<i64>() {
            Ok(n) => severity_from_number(n, numbers),
            Err(_) => severity_from_text(text),
        };
        let id = intern(self.strings, text);
        if self.levels.len() < LEVELS {
            self.levels.push((text.to_string(), numbers, severity, id));
        }
        (severity, id)
    }

    /// The index of the record's resource in its trace: service name plus the other resource
    /// fields, deduplicated per document and per trace.
    fn resource(&mut self, trace_pos: usize, flat: &Flat, service: Option<(usize, Role, &Json)>) -> u32 {
        if flat.iter().any(|f| matches!(f.role, Some((Role::ResourceAttr, _)))) {
            return self.resource_slow(trace_pos, flat, service);
        }
        // The usual line: a service and nothing else. Such a resource is the trace's one with
        // that service and no attributes (any other has attributes): found among the trace's
        // first few resources, or in a map for the rest.
        let text = service.and_then(|(_, _, v)| v.scalar_text()).unwrap_or_default();
        let service = self.service(&text);
        let traces = self.traces.list.len();
        let Some(trace) = self.traces.list.get_mut(trace_pos) else { return 0 };
        let same = |r: &Resource| r.service == service && r.attrs.is_empty();
        if let Some(idx) = trace.log_resources.iter().take(FEW_RESOURCES).position(same) {
            return u32::try_from(idx).unwrap_or(u32::MAX);
        }
        if trace.log_resources.len() > FEW_RESOURCES {
            if let Some(&idx) = self.service_resources.get(&(service, trace_pos)) {
                return idx;
            }
        }
        let idx = push_resource(trace, Resource { service, attrs: Range32::EMPTY }, &mut self.sizes, traces);
        if idx as usize >= FEW_RESOURCES {
            self.service_resources.insert((service, trace_pos), idx);
        }
        idx
    }

    /// The interned service name (the few of a file are remembered).
    fn service(&mut self, text: &str) -> StrId {
        if let Some(&(_, id)) = self.services.iter().find(|(t, _)| same_bytes(t.as_bytes(), text.as_bytes())) {
            return id;
        }
        let id = intern(self.strings, text);
        if self.services.len() < SERVICES {
            self.services.push((text.to_string(), id));
        }
        id
    }

    fn resource_slow(&mut self, trace_pos: usize, flat: &Flat, service: Option<(usize, Role, &Json)>) -> u32 {
        let service_text = service.and_then(|(_, _, v)| v.scalar_text()).unwrap_or_default();
        self.resource_key.clear();
        self.resource_key.push_str(&service_text);
        let mut extras: Vec<(&str, &Json)> = Vec::new();
        for (i, field) in flat.iter().enumerate() {
            let (value, path) = (&*field.value, self.paths.of(i));
            if matches!(field.role, Some((Role::ResourceAttr, _))) {
                let key = path.strip_prefix("resource.attributes.").unwrap_or(path);
                self.resource_key.push('\u{1}');
                self.resource_key.push_str(key);
                self.resource_key.push('=');
                self.resource_key.push_str(&value.kept_text().unwrap_or_default());
                extras.push((key, value));
            }
        }
        let (number, service_id) = match self.resource_numbers.get(self.resource_key.as_str()) {
            Some(&known) => known,
            None => {
                let number = u32::try_from(self.resource_numbers.len()).unwrap_or(u32::MAX);
                let service_id = intern(self.strings, &service_text);
                self.resource_numbers.insert(self.resource_key.clone(), (number, service_id));
                (number, service_id)
            }
        };
        if self.trace_resources.len() <= trace_pos {
            self.trace_resources.resize_with(trace_pos + 1, Vec::new);
        }
        let Some(few) = self.trace_resources.get_mut(trace_pos) else { return 0 };
        if let Some(idx) = few.iter().position(|&n| n == number) {
            return u32::try_from(idx).unwrap_or(u32::MAX);
        }
        if !self.resources.is_empty() {
            if let Some(&idx) = self.resources.get(&(number, trace_pos)) {
                return idx;
            }
        }
        let traces = self.traces.list.len();
        let Some(trace) = self.traces.list.get_mut(trace_pos) else { return 0 };
        // The service is the resource's own field; the attributes hold the rest (exports that
        // need a `service.name` attribute add it).
        let mut attrs = Vec::with_capacity(extras.len());
        for (key, value) in extras {
            let value = json_value(value, trace, self.strings);
            attrs.push(KeyValue { key: self.strings.intern(key), value });
        }
        let attrs = push_attrs(trace, &mut attrs);
        let idx = push_resource(trace, Resource { service: service_id, attrs }, &mut self.sizes, traces);
        if few.len() < FEW_RESOURCES && few.len() == idx as usize {
            few.reserve(8);
            few.push(number);
        } else {
            self.resources.insert((number, trace_pos), idx);
        }
        idx
    }

    fn scope(&mut self, trace_pos: usize, name: &str) -> u32 {
        let name = self.strings.intern(name);
        if let Some(&idx) = self.scopes.get(&(name, trace_pos)) {
            return idx;
        }
        let Some(trace) = self.traces.list.get_mut(trace_pos) else { return u32::MAX };
        let idx = u32::try_from(trace.log_scopes.len()).unwrap_or(u32::MAX);
        trace.log_scopes.push(Scope { name, version: StrId::EMPTY, attrs: Range32::EMPTY });
        self.scopes.insert((name, trace_pos), idx);
        idx
    }
}

/// The message field (its index in `flat`) and its text parsed as a JSON object, if it is one.
fn embedded_object(flat: &Flat, chosen: &Chosen) -> Option<(usize, Json<'static>)> {
    let (index, _) = chosen.get(Role::Message.slot()).copied().flatten()?;
    let text = flat.get(index)?.value.as_str()?.trim();
    if !(text.starts_with('{') && text.ends_with('}')) {
        return None;
    }
    let parsed: Json = serde_json::from_str(text).ok()?;
    // Borrowing from `text` would tie the record to the outer tree: own the strings.
    Some(parsed.into_owned()).filter(|j| j.as_object().is_some()).map(|j| (index, j))
}

/// `flat` emptied, to hold another record's fields: collecting an empty vector into one of a type
/// of the same size keeps its allocation, and the borrows of the record before are gone.
fn recycle<'j, 'a>(mut flat: Flat) -> Flat<'j, 'a> {
    flat.clear();
    flat.into_iter()
        .map(|field| Field { value: Cow::Owned(Json::Null), layer: field.layer, role: field.role })
        .collect()
}

/// Per role slot: the chosen field `(index in flat, role)`.
type Chosen = [Option<(usize, Role)>; ROLES];

fn pick(flat: &Flat) -> Chosen {
    let mut chosen: Chosen = [None; ROLES];
    // Per slot: (layer, rank) of the field chosen so far.
    let mut best = [(0u8, u8::MAX); ROLES];
    for (i, field) in flat.iter().enumerate() {
        let (value, layer) = (&*field.value, field.layer);
        let Some((role, rank)) = field.role else { continue };
        // A `null` field says nothing.
        if matches!(value, Json::Null) || role == Role::ResourceAttr {
            continue;
        }
        let slot = role.slot();
        // A higher layer wins; within a layer a lower rank, and of equal ranks the later field.
        if let (Some(best), Some(c)) = (best.get_mut(slot), chosen.get_mut(slot)) {
            let wins = c.is_none() || layer > best.0 || (layer == best.0 && rank <= best.1);
            if wins {
                *best = (layer, rank);
                *c = Some((i, role));
            }
        }
    }
    chosen
}

fn is_number(value: &Json) -> bool {
    matches!(value, Json::Int(_) | Json::UInt(_))
}

fn parse_flags(text: &str) -> Option<u32> {
    let t = text.trim();
    t.parse::<u32>().ok().or_else(|| u32::from_str_radix(t.strip_prefix("0x").unwrap_or(t), 16).ok())
}

fn intern(strings: &mut Interner, s: &str) -> StrId {
    if s.is_empty() {
        StrId::EMPTY
    } else {
        strings.intern(s)
    }
}

/// A JSON value in the model: objects become maps (keys as they are), arrays arrays.
/// Recursion is bounded by serde_json's nesting limit.
pub fn json_value(value: &Json, trace: &mut Trace, strings: &mut Interner) -> Value {
    match value {
        Json::Null => Value::Empty,
        Json::Bool(b) => Value::Bool(*b),
        Json::Int(i) => Value::Int(*i),
        Json::UInt(u) => Value::Double(*u as f64),
        Json::Float(f) => Value::Double(*f),
        Json::Str(s) => Value::Str(intern(strings, s)),
        Json::Array(items) => {
            let mut values: Vec<Value> = items.iter().map(|v| json_value(v, trace, strings)).collect();
            Value::Array(push_values(trace, &mut values))
        }
        Json::Object(members) => {
            let mut kvs: Vec<KeyValue> = members
                .iter()
                .map(|(k, v)| {
                    let value = json_value(v, trace, strings);
                    KeyValue { key: strings.intern(k), value }
                })
                .collect();
            Value::Map(push_attrs(trace, &mut kvs))
        }
    }
}
