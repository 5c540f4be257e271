//! Streaming: seeds that convert each span as soon as it is read (see the module docs of `jaeger`).

use super::*;

// ---------------------------------------------------------------------------------------------
// Streaming: seeds that convert each span as soon as it is deserialized, so that no document-wide
// DTO tree is built. They read exactly like the derived DTOs (same names, `null`s and errors) and
// convert in the same order as a walk over the whole DTO tree would: `data` before the top-level
// trace's `spans`, each node of a list in turn.
//
// Each span of a trace object is converted as soon as it is read when the object's `traceID`
// came first (as it does in every Jaeger output; else the object is read whole and converted at
// its end). Its resource is found at once if `processes` came first too; otherwise (Jaeger writes
// `processes` after `spans`) the span waits in [`Waiting`], and when the object ends resources
// are found and warnings added, span by span in file order, as if that had happened at once.
// Only the order of strings in the interner and of entries in the attribute and byte pools may
// differ from a whole-tree walk.
//
// A bare trace (top-level `spans`) is converted at once on the guess that no `data` follows it;
// if `data` does, the reading stops and the document is read again without guessing, the trace
// then being read whole and converted after `data`. Strings interned before a failed guess, or
// before an error that makes the document unusable, stay in the interner.

/// `Option<T>` for a seed: `null` is `None`, anything else goes to the seed.
pub(super) struct Optional<S>(pub(super) S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Optional<S> {
    type Value = Option<S::Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for Optional<S> {
    type Value = Option<S::Value>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("option")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(d).map(Some)
    }
}

/// Marks field `i` of a struct being read; a second time is the derived `duplicate field` error.
pub(super) fn first_time<E: de::Error>(seen: &mut u16, i: u16, name: &'static str) -> Result<(), E> {
    let bit = 1u16 << i;
    if *seen & bit != 0 {
        return Err(E::duplicate_field(name));
    }
    *seen |= bit;
    Ok(())
}

/// The top-level object: the API envelope or a bare trace ([`DocDto`]).
pub(super) struct DocSeed<'d, 's, 'a> {
    pub(super) decoder: &'d mut Decoder<'s, 'a>,
}

impl<'a> DeserializeSeed<'a> for DocSeed<'_, '_, 'a> {
    type Value = ();
    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_struct("DocDto", &[], self)
    }
}

impl<'a> Visitor<'a> for DocSeed<'_, '_, 'a> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Jaeger API response {\"data\":[…]} or a trace {traceID, spans, processes}")
    }
    fn visit_seq<A: SeqAccess<'a>>(self, seq: A) -> Result<(), A::Error> {
        let doc = DocDto::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        self.decoder.document(doc);
        Ok(())
    }
    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<(), A::Error> {
        const DATA: u16 = 0;
        const TRACE_ID: u16 = 2;
        let decoder = self.decoder;
        let notes_start = decoder.notes.len();
        let mut seen = 0u16;
        let mut has_data = false;
        // Whether the top-level trace converted spans before any `data` (a guess).
        let mut converted_spans = false;
        let mut errors: Option<Vec<ErrorDto<'a>>> = None;
        let mut trace_id = LenientStr::default();
        let mut spans: Option<Vec<NodeDto<'a>>> = None;
        let mut streamed: Option<TraceObject<'a>> = None;
        let mut processes: Option<ProcessMap<'a>> = None;
        let mut processes_seen = false;
        let mut warnings = SourceWarnings::default();
        while let Some(key) = map.next_key::<Key<'a>>()? {
            match key.0.as_ref() {
                "data" => {
                    first_time(&mut seen, DATA, "data")?;
                    if converted_spans {
                        return Err(decoder.guessed_wrong());
                    }
                    has_data = map.next_value_seed(Optional(NodeListSeed { decoder: &mut *decoder }))?.is_some();
                }
                "errors" => {
                    first_time(&mut seen, 1, "errors")?;
                    errors = map.next_value()?;
                }
                "traceID" => {
                    first_time(&mut seen, TRACE_ID, "traceID")?;
                    trace_id = map.next_value()?;
                }
                "spans" => {
                    first_time(&mut seen, 3, "spans")?;
                    // `data` is converted first: this trace follows it, or guesses there is none.
                    if (seen & (1 << DATA) != 0 || decoder.guess) && seen & (1 << TRACE_ID) != 0 {
                        let before = decoder.spans_read;
                        let seed = SpansSeed {
                            decoder: &mut *decoder,
                            trace_id: trace_id.as_str(),
                            processes: processes_seen.then_some(processes.as_ref()),
                        };
                        streamed = map.next_value_seed(Optional(seed))?;
                        converted_spans = seen & (1 << DATA) == 0 && decoder.spans_read != before;
                    } else {
                        spans = map.next_value()?;
                    }
                }
                "processes" => {
                    first_time(&mut seen, 4, "processes")?;
                    processes = map.next_value()?;
                    processes_seen = true;
                }
                "warnings" => {
                    first_time(&mut seen, 5, "warnings")?;
                    warnings = map.next_value()?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        // The API's errors come first among the notes.
        let error_notes: Vec<String> =
            errors.iter().flatten().filter_map(error_note).filter(|_| decoder.envelope_notes()).collect();
        let at = notes_start.min(decoder.notes.len());
        decoder.notes.splice(at..at, error_notes);
        let has_spans = streamed.is_some() || spans.is_some();
        if let Some(object) = streamed {
            decoder.finish_object(object, processes.as_ref(), &warnings.0);
        } else if let Some(spans) = spans {
            decoder.trace_object(trace_id.as_str(), spans, processes.as_ref(), &warnings.0);
        }
        if !has_data && !has_spans && errors.is_none() && decoder.envelope_notes() {
            decoder.notes.push("the document has neither \"data\" nor \"spans\": it holds no Jaeger traces".into());
        }
        Ok(())
    }
}

/// A list of traces or spans (`data`, or a top-level array).
pub(super) struct NodeListSeed<'d, 's, 'a> {
    pub(super) decoder: &'d mut Decoder<'s, 'a>,
}

impl<'a> DeserializeSeed<'a> for NodeListSeed<'_, '_, 'a> {
    type Value = ();
    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'a> Visitor<'a> for NodeListSeed<'_, '_, 'a> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'a>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(NodeSeed { decoder: &mut *self.decoder })?.is_some() {}
        Ok(())
    }
}

/// One element of a list: a trace (whose spans are streamed) or a span ([`NodeDto`]).
pub(super) struct NodeSeed<'d, 's, 'a> {
    pub(super) decoder: &'d mut Decoder<'s, 'a>,
}

impl<'a> DeserializeSeed<'a> for NodeSeed<'_, '_, 'a> {
    type Value = ();
    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_struct("NodeDto", &[], self)
    }
}

impl<'a> Visitor<'a> for NodeSeed<'_, '_, 'a> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Jaeger trace or span object")
    }
    fn visit_seq<A: SeqAccess<'a>>(self, seq: A) -> Result<(), A::Error> {
        let node = NodeDto::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        self.decoder.node(node);
        Ok(())
    }
    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<(), A::Error> {
        const TRACE_ID: u16 = 0;
        let decoder = self.decoder;
        let mut node = NodeDto::empty();
        let mut seen = 0u16;
        let mut streamed: Option<TraceObject<'a>> = None;
        let mut processes_seen = false;
        while let Some(key) = map.next_key::<Key<'a>>()? {
            match key.0.as_ref() {
                "traceID" => {
                    first_time(&mut seen, TRACE_ID, "traceID")?;
                    node.trace_id = map.next_value()?;
                }
                "spanID" => {
                    first_time(&mut seen, 1, "spanID")?;
                    node.span_id = map.next_value()?;
                }
                "parentSpanID" => {
                    first_time(&mut seen, 2, "parentSpanID")?;
                    node.parent_span_id = map.next_value()?;
                }
                "operationName" => {
                    first_time(&mut seen, 3, "operationName")?;
                    node.operation_name = map.next_value()?;
                }
                "references" => {
                    first_time(&mut seen, 4, "references")?;
                    node.references = map.next_value()?;
                }
                "flags" => {
                    first_time(&mut seen, 5, "flags")?;
                    node.flags = map.next_value()?;
                }
                "startTime" => {
                    first_time(&mut seen, 6, "startTime")?;
                    node.start_time = map.next_value()?;
                }
                "duration" => {
                    first_time(&mut seen, 7, "duration")?;
                    node.duration = map.next_value()?;
                }
                "tags" => {
                    first_time(&mut seen, 8, "tags")?;
                    node.tags = map.next_value()?;
                }
                "logs" => {
                    first_time(&mut seen, 9, "logs")?;
                    node.logs = map.next_value()?;
                }
                "processID" => {
                    first_time(&mut seen, 10, "processID")?;
                    node.process_id = map.next_value()?;
                }
                "process" => {
                    first_time(&mut seen, 11, "process")?;
                    node.process = map.next_value()?;
                }
                "warnings" => {
                    first_time(&mut seen, 12, "warnings")?;
                    node.warnings = map.next_value()?;
                }
                "spans" => {
                    first_time(&mut seen, 13, "spans")?;
                    if seen & (1 << TRACE_ID) != 0 {
                        let seed = SpansSeed {
                            decoder: &mut *decoder,
                            trace_id: node.trace_id.as_str(),
                            processes: processes_seen.then_some(node.processes.as_ref()),
                        };
                        streamed = map.next_value_seed(Optional(seed))?;
                    } else {
                        node.spans = map.next_value()?;
                    }
                }
                "processes" => {
                    first_time(&mut seen, 14, "processes")?;
                    node.processes = map.next_value()?;
                    processes_seen = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match streamed {
            Some(object) => decoder.finish_object(object, node.processes.as_ref(), &node.warnings.0),
            None => decoder.node(node),
        }
        Ok(())
    }
}

/// The `spans` of a trace object whose `traceID` was read: each span is converted once read.
/// `processes` is `Some` when the object's process map came first.
pub(super) struct SpansSeed<'x, 's, 'a> {
    pub(super) decoder: &'x mut Decoder<'s, 'a>,
    pub(super) trace_id: &'x str,
    pub(super) processes: Option<Option<&'x ProcessMap<'a>>>,
}

impl<'a> DeserializeSeed<'a> for SpansSeed<'_, '_, 'a> {
    type Value = TraceObject<'a>;
    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'a> Visitor<'a> for SpansSeed<'_, '_, 'a> {
    type Value = TraceObject<'a>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'a>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let SpansSeed { decoder, trace_id, processes } = self;
        let mut procs = processes.map(|map| decoder.processes(map));
        let mut object = decoder.start_object(trace_id);
        while let Some(mut span) = seq.next_element::<NodeDto<'a>>()? {
            let tid = decoder.span(&mut span, trace_id, procs.as_mut(), &mut object.waiting);
            object.add(tid);
        }
        Ok(object)
    }
}

/// A trace object being converted: where its spans went, and the spans waiting for its
/// `processes` to get their resource and warnings.
pub(super) struct TraceObject<'a> {
    /// The trace the object names.
    pub(super) home: Option<TraceId>,
    pub(super) first: Option<TraceId>,
    pub(super) home_used: bool,
    pub(super) waiting: Waiting<'a>,
}

impl TraceObject<'_> {
    pub(super) fn add(&mut self, tid: TraceId) {
        self.first.get_or_insert(tid);
        self.home_used |= Some(tid) == self.home;
    }
}

/// Spans converted before their trace's `processes` were read: each is already in its trace;
/// its resource and its warnings are added when the trace object ends, in file order.
#[derive(Default)]
pub(super) struct Waiting<'a> {
    pub(super) spans: Vec<WaitingSpan>,
    /// The distinct `processID`s of the spans, by number.
    pub(super) keys: Vec<String>,
    pub(super) key_numbers: HashMap<String, u32>,
    pub(super) last_key: Option<u32>,
    /// Inline processes and warnings of the spans that have some, by position in `spans`.
    pub(super) processes: Vec<(usize, ProcessDto<'a>)>,
    pub(super) warnings: Vec<(usize, Vec<(WarningKind, String)>)>,
}

/// A span in [`Waiting`]: 16 bytes, as a million of them may wait.
pub(super) struct WaitingSpan {
    pub(super) trace_pos: u32,
    /// Its index in the trace.
    pub(super) span: u32,
    /// Into [`Waiting::keys`].
    pub(super) key: u32,
    pub(super) missing_id: bool,
}

impl<'a> Waiting<'a> {
    pub(super) fn key_number(&mut self, key: &str) -> u32 {
        if let Some(n) = self.last_key {
            if self.keys.get(n as usize).is_some_and(|k| k == key) {
                return n;
            }
        }
        let n = match self.key_numbers.get(key) {
            Some(&n) => n,
            None => {
                let n = u32::try_from(self.keys.len()).unwrap_or(u32::MAX);
                self.keys.push(key.to_string());
                self.key_numbers.insert(key.to_string(), n);
                n
            }
        };
        self.last_key = Some(n);
        n
    }
}

/// The `processes` of one trace object, with a lookup by key built once for the trace.
pub(super) struct Processes<'d, 'a> {
    pub(super) entries: &'d [(LenientStr<'a>, ProcessDto<'a>)],
    /// Only for traces with many processes; a scan is faster for a few.
    pub(super) by_key: Option<HashMap<&'d str, usize>>,
    /// Number of the first entry among all processes of the document.
    pub(super) first_no: usize,
    /// Per entry: (trace position, resource index) of its last use.
    pub(super) cache: Vec<(usize, u32)>,
    /// The entry last found (consecutive spans often share a process).
    pub(super) last: Option<usize>,
}

impl<'d, 'a> Processes<'d, 'a> {
    pub(super) const SCAN_LIMIT: usize = 8;

    pub(super) fn new(map: Option<&'d ProcessMap<'a>>, first_no: usize) -> Processes<'d, 'a> {
        let entries: &'d [(LenientStr<'a>, ProcessDto<'a>)] = map.map_or(&[], |m| m.0.as_slice());
        let by_key = (entries.len() > Self::SCAN_LIMIT).then(|| {
            let mut index: HashMap<&'d str, usize> = HashMap::with_capacity(entries.len());
            for (i, (key, _)) in entries.iter().enumerate() {
                index.entry(key.as_str()).or_insert(i);
            }
            index
        });
        Processes { entries, by_key, first_no, cache: vec![(usize::MAX, 0); entries.len()], last: None }
    }

    /// The first entry with this key.
    pub(super) fn find(&mut self, key: &str) -> Option<usize> {
        if let Some(i) = self.last {
            if self.entries.get(i).is_some_and(|(k, _)| k.as_str() == key) {
                return Some(i);
            }
        }
        let found = match &self.by_key {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|(k, _)| k.as_str() == key),
        };
        if found.is_some() {
            self.last = found;
        }
        found
    }
}

/// A reference after parsing.
pub(super) struct ParsedRef {
    pub(super) kind: LinkKind,
    pub(super) trace_id: TraceId,
    pub(super) span_id: SpanId,
    pub(super) same_trace: bool,
}
