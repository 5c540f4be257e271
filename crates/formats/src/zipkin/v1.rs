//! Zipkin v1 JSON: spans whose hosts are named on each annotation, read into the v2 records of
//! the parent module, one v2 span per local endpoint.
//!
//! A v1 span is one RPC seen from both sides: the client's `cs`/`cr` and the server's `sr`/`ss`
//! annotations (messaging: `ms`/`ws`, `wr`/`mr`) each carry the endpoint that recorded them, and
//! `binaryAnnotations` are tags (each with its endpoint) or addresses of the other side (`ca`,
//! `sa`, `ma` set to true). The rules below are the ones Zipkin's server applies when it accepts
//! v1 JSON (worked out from its documentation and checked against its answers; README "Zipkin v1"
//! and `tests/fixtures/zipkin-v1/` hold the evidence):
//!
//! 1. Annotations are taken in time order (exact duplicates once), binary annotations by key.
//! 2. One v2 span per local service name (compared ignoring case; all endpoints without a name
//!    count as one). The first span takes the first endpoint seen and everything that names no
//!    endpoint. `cs`…`wr` are core annotations only when they carry an endpoint.
//! 3. `cs` and `sr` both present: a CLIENT span (timestamp and duration of the v1 span when both
//!    are given, else `cs` to `cr`) and a SERVER span marked shared (`sr` to `ss`); when both
//!    sides have the same service (loopback) they are still two spans.
//!    Only `cs`+`cr` or `sr`+`ss`: that side alone. A `cr` (`ss`) with no `cs` (`sr`) whose time
//!    is the v1 span's end stands for a `cs` (`sr`) at its start. A lone `cs`/`sr` starts its span
//!    with no duration; a lone `cr`/`ss` only sets the kind and stays as an annotation.
//! 4. A SERVER side without `cs` is shared when the v1 span has no timestamp (or has `ss` but no
//!    duration): by v1 convention the client owned the span's timing.
//! 5. Messaging: `ms` makes a PRODUCER (`ms` to `ws`), `mr` a CONSUMER (`wr` to `mr`, else at
//!    `mr`), both present give two spans, the consumer shared. A `ws`/`wr` with neither stays an
//!    annotation.
//! 6. `sa` is the CLIENT's remote endpoint, `ca` the SERVER's, `ma` the producer's and consumer's.
//!    With no `cs` and no `sr`: `ca` and `sa` together make the span of `ca`'s endpoint point at
//!    `sa`; `ca` alone makes the first span a SERVER called from `ca`; `sa` alone gives the first
//!    span that remote endpoint. An address that is `false` or names no endpoint is dropped.
//! 7. Other binary annotations are tags of their endpoint's span; an empty `lc` (local
//!    component) is no tag but still gives its endpoint a span. Zipkin drops number, boolean and
//!    null values (and their endpoints); Strand keeps them as text tags and says how many in the
//!    load notice.
//! 8. The v1 span's timestamp and duration go to the side that owns the span (rule 3); when no
//!    span got a start from its annotations, the first span takes them (local spans).

use super::{Collector, EndpointDto, Kind, Num, Record, SpanDto, TagVal};
use crate::builder::LenientStr;
use hashbrown::HashMap;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;
use strand_model::{Interner, Range32, SpanKind, StrId};

#[cfg(test)]
mod tests;

/// One `binaryAnnotations` entry. Its `type` (STRING, BOOL, I64…) is not needed: the JSON value
/// says what it holds.
#[derive(Deserialize, Default)]
pub(super) struct BinaryAnnotationDto<'a> {
    #[serde(borrow, default)]
    key: LenientStr<'a>,
    #[serde(borrow, default)]
    value: BinaryValue<'a>,
    #[serde(borrow, default)]
    endpoint: Option<EndpointDto<'a>>,
}

/// A binary annotation's value as JSON gave it.
#[derive(Default)]
enum BinaryValue<'a> {
    #[default]
    Null,
    Text(Cow<'a, str>),
    Bool(bool),
    /// A number, as its decimal text.
    Number(String),
    /// An array or an object.
    Composite(&'static str),
}

impl<'de: 'a, 'a> Deserialize<'de> for BinaryValue<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BinaryValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a binary annotation value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(BinaryValue::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(BinaryValue::Text(Cow::Owned(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(BinaryValue::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(BinaryValue::Number(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(BinaryValue::Number(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(BinaryValue::Number(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(BinaryValue::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(BinaryValue::Null)
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(BinaryValue::Composite("an array"))
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(BinaryValue::Composite("an object"))
            }
        }
        d.deserialize_any(V)
    }
}

/// What the conversion did, for the load notice.
#[derive(Clone, Copy, Default, Debug)]
pub(super) struct Stats {
    /// v1 spans read.
    pub spans_in: usize,
    /// v2 spans they became.
    pub spans_out: usize,
    /// Binary annotations with a number, boolean or null value, kept as text tags.
    pub typed_tags: usize,
}

impl Stats {
    pub fn notes(&self, v2_spans: usize) -> Vec<String> {
        let Stats { spans_in, spans_out, typed_tags } = *self;
        let mut notes = vec![format!(
            "read as Zipkin v1 JSON (hosts on annotations, binaryAnnotations): {spans_in} v1 span{} became {spans_out} span{}, one per local endpoint, as Zipkin's own v1-to-v2 conversion does",
            plural(spans_in),
            plural(spans_out)
        )];
        if v2_spans > 0 {
            let (spans, were) = if v2_spans == 1 { ("span", "was") } else { ("spans", "were") };
            notes
                .push(format!("the file mixes Zipkin versions: {v2_spans} {spans} {were} already v2 and read as such"));
        }
        if typed_tags > 0 {
            notes.push(format!(
                "{typed_tags} binary annotation{} held a number or boolean; kept as text tags (Zipkin's conversion drops them)",
                plural(typed_tags)
            ));
        }
        notes
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A local endpoint as interned by the parent module, or none.
type Endpoint = super::Endpoint;

/// One v2 span being built from a v1 span.
#[derive(Default)]
struct Half {
    local: Option<Endpoint>,
    kind: Kind,
    shared: bool,
    timestamp: Num,
    duration: Num,
    remote: Option<Endpoint>,
    /// In key order; a later value of the same key replaces the earlier one.
    tags: Vec<(StrId, TagVal)>,
    annotations: Vec<(Num, StrId)>,
}

/// A core annotation: when, where, and which span it went to.
#[derive(Clone, Copy)]
struct Core {
    time: Num,
    endpoint: Endpoint,
    half: usize,
}

/// The core annotations of one v1 span.
#[derive(Default)]
struct Cores {
    cs: Option<Core>,
    sr: Option<Core>,
    ss: Option<Core>,
    cr: Option<Core>,
    ms: Option<Core>,
    mr: Option<Core>,
    ws: Option<Core>,
    wr: Option<Core>,
}

/// The v1 span's own timestamp and duration (0 counts as absent, as in Zipkin).
#[derive(Clone, Copy)]
struct Source {
    timestamp: Option<Num>,
    duration: Option<Num>,
}

impl Source {
    /// Both given: the owner of the span reports them, and they win over annotations.
    fn complete(&self) -> Option<(Num, Num)> {
        self.timestamp.zip(self.duration)
    }

    /// Does `end` fall exactly at the span's end? Then the span's start stands for the
    /// missing begin annotation.
    fn ends_at(&self, end: Num) -> bool {
        let Some((ts, dur)) = self.complete() else { return false };
        matches!((ts.as_int(), dur.as_int(), end.as_int()), (Some(t), Some(d), Some(e)) if t.saturating_add(d) == e)
    }
}

/// A time that is present and not 0.
fn given(n: Num) -> Option<Num> {
    n.micros_to_ns().filter(|&t| t != 0).map(|_| n)
}

/// `end - begin` in µs; absent when either is unreadable or the difference is 0 (Zipkin keeps
/// no zero durations).
fn between(begin: Num, end: Num) -> Num {
    match (begin.as_int(), end.as_int()) {
        (Some(b), Some(e)) if e != b => Num::Int(e.saturating_sub(b)),
        (Some(_), Some(_)) => Num::Absent,
        _ => match (begin.micros_to_ns(), end.micros_to_ns()) {
            (Some(b), Some(e)) if e != b => Num::Float(e.saturating_sub(b) as f64 / 1000.0),
            _ => Num::Absent,
        },
    }
}

/// The time an annotation sorts by.
fn sort_key(n: Num) -> i64 {
    n.micros_to_ns().unwrap_or(0)
}

/// The names of the core annotations that rules put back as ordinary annotations.
#[derive(Clone, Copy)]
struct Names {
    cr: StrId,
    ss: StrId,
    ws: StrId,
    wr: StrId,
}

/// A binary annotation, interned.
enum Binary {
    Tag {
        key: StrId,
        value: TagVal,
        endpoint: Option<Endpoint>,
    },
    /// An empty `lc`: no tag, but its endpoint still has a span.
    Endpoint(Option<Endpoint>),
    Address {
        key: Address,
        endpoint: Endpoint,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Address {
    Client,
    Server,
    Message,
}

/// The remote endpoints the binary annotations name.
#[derive(Default)]
struct Addresses {
    ca: Option<Endpoint>,
    sa: Option<Endpoint>,
    ma: Option<Endpoint>,
}

/// Builds the v2 spans of one v1 span.
struct Builder<'s> {
    strings: &'s Interner,
    halves: Vec<Half>,
    /// The first span of each service (lowercased), so that a hostile span with thousands of
    /// endpoints costs a hash lookup per annotation rather than a scan.
    by_service: HashMap<String, usize>,
    source: Source,
    names: Names,
}

impl Builder<'_> {
    /// Endpoints name the same service when their names agree ignoring case (Zipkin lowercases
    /// service names); two endpoints without a name agree.
    fn same_service(&self, a: &Endpoint, b: &Endpoint) -> bool {
        a.service == b.service
            || self.strings.get(a.service).to_lowercase() == self.strings.get(b.service).to_lowercase()
    }

    /// The span of this endpoint (rule 2).
    fn span_for(&mut self, endpoint: Option<Endpoint>) -> usize {
        let Some(endpoint) = endpoint else { return 0 };
        let service = self.strings.get(endpoint.service).to_lowercase();
        if let Some(first) = self.halves.first_mut() {
            if first.local.is_none() {
                first.local = Some(endpoint);
                self.by_service.entry(service).or_insert(0);
                return 0;
            }
        }
        match self.by_service.get(&service) {
            Some(&i) => i,
            None => self.fork(endpoint, Kind::Absent),
        }
    }

    /// A new span for `endpoint`, e.g. the server side of a loopback call.
    fn fork(&mut self, endpoint: Endpoint, kind: Kind) -> usize {
        self.halves.push(Half { local: Some(endpoint), kind, ..Half::default() });
        let at = self.halves.len() - 1;
        self.by_service.entry(self.strings.get(endpoint.service).to_lowercase()).or_insert(at);
        at
    }

    fn half(&mut self, i: usize) -> Option<&mut Half> {
        self.halves.get_mut(i)
    }

    fn set_kind(&mut self, i: usize, kind: SpanKind) {
        if let Some(h) = self.half(i) {
            h.kind = Kind::Known(kind);
        }
    }

    fn set_remote(&mut self, i: usize, remote: Endpoint) {
        if let Some(h) = self.half(i) {
            h.remote = Some(remote);
        }
    }

    fn annotate(&mut self, core: Option<Core>, value: StrId) {
        if let Some(core) = core {
            if let Some(h) = self.half(core.half) {
                h.annotations.push((core.time, value));
            }
        }
    }

    /// Rule 2 for annotations: ordinary ones go to their span, core ones are collected.
    fn annotations(&mut self, annotations: &[(Num, StrId, Option<Endpoint>)]) -> Cores {
        let mut cores = Cores::default();
        for &(time, value, endpoint) in annotations {
            let half = self.span_for(endpoint);
            let (slot, kind) = match self.strings.get(value) {
                "cs" => (&mut cores.cs, Some(SpanKind::Client)),
                "cr" => (&mut cores.cr, Some(SpanKind::Client)),
                "sr" => (&mut cores.sr, Some(SpanKind::Server)),
                "ss" => (&mut cores.ss, Some(SpanKind::Server)),
                "ms" => (&mut cores.ms, Some(SpanKind::Producer)),
                "mr" => (&mut cores.mr, Some(SpanKind::Consumer)),
                "ws" => (&mut cores.ws, None),
                "wr" => (&mut cores.wr, None),
                _ => (&mut None, None),
            };
            match endpoint {
                Some(endpoint) if kind.is_some() || matches!(self.strings.get(value), "ws" | "wr") => {
                    *slot = Some(Core { time, endpoint, half });
                    if let Some(kind) = kind {
                        self.set_kind(half, kind);
                    }
                }
                // Core annotations need an endpoint; without one they are ordinary annotations.
                _ => {
                    if let Some(h) = self.half(half) {
                        h.annotations.push((time, value));
                    }
                }
            }
        }
        cores
    }

    /// Timing from the v1 span when it gives both, else from the annotations.
    fn set_times(&mut self, begin: Core, end: Option<Core>) {
        let source = self.source.complete();
        if let Some(h) = self.half(begin.half) {
            (h.timestamp, h.duration) = match source {
                Some(both) => both,
                None => (begin.time, end.map_or(Num::Absent, |e| between(begin.time, e.time))),
            };
        }
    }

    /// The v1 span's start, for a begin annotation that is implied.
    fn start(&self) -> Num {
        self.source.timestamp.unwrap_or(Num::Absent)
    }

    /// Rules 3 and 4: client and server sides. Returns the server's span, if any.
    fn rpc(&mut self, c: &mut Cores) -> Option<usize> {
        if c.cs.is_none() {
            c.cs = c.cr.filter(|cr| self.source.ends_at(cr.time)).map(|cr| Core { time: self.start(), ..cr });
        }
        if c.sr.is_none() {
            c.sr = c.ss.filter(|ss| self.source.ends_at(ss.time)).map(|ss| Core { time: self.start(), ..ss });
        }
        let mut server = c.sr.map(|sr| sr.half);
        match (c.cs, c.sr) {
            (Some(cs), Some(sr)) => {
                self.set_times(cs, c.cr);
                let half = if self.same_service(&cs.endpoint, &sr.endpoint) {
                    self.set_kind(cs.half, SpanKind::Client);
                    self.fork(sr.endpoint, Kind::Known(SpanKind::Server))
                } else {
                    sr.half
                };
                server = Some(half);
                if let Some(h) = self.half(half) {
                    h.shared = true;
                    h.timestamp = sr.time;
                    h.duration = c.ss.map_or(Num::Absent, |ss| between(sr.time, ss.time));
                }
            }
            (Some(cs), None) if c.cr.is_some() => self.set_times(cs, c.cr),
            (None, Some(sr)) if c.ss.is_some() => self.set_times(sr, c.ss),
            (cs, sr) => {
                // Incomplete: each side as far as it goes.
                match cs {
                    Some(cs) => self.set_times(cs, None),
                    None => self.annotate(c.cr, self.names.cr),
                }
                match sr {
                    Some(sr) => self.set_times(sr, None),
                    None => self.annotate(c.ss, self.names.ss),
                }
            }
        }
        if let (None, Some(sr)) = (c.cs, c.sr) {
            if self.source.timestamp.is_none() || (c.ss.is_some() && self.source.duration.is_none()) {
                if let Some(h) = self.half(sr.half) {
                    h.shared = true;
                }
            }
        }
        server
    }

    /// Rule 5: producer and consumer sides. Returns their spans.
    fn messaging(&mut self, c: &Cores) -> (Option<usize>, Option<usize>) {
        match (c.ms, c.mr) {
            (Some(ms), Some(mr)) => {
                let consumer = if self.same_service(&ms.endpoint, &mr.endpoint) {
                    self.set_kind(ms.half, SpanKind::Producer);
                    self.fork(mr.endpoint, Kind::Known(SpanKind::Consumer))
                } else {
                    mr.half
                };
                if let Some(h) = self.half(consumer) {
                    h.shared = true;
                    (h.timestamp, h.duration) = match c.wr {
                        Some(wr) => (wr.time, between(wr.time, mr.time)),
                        None => (mr.time, Num::Absent),
                    };
                }
                if let Some(h) = self.half(ms.half) {
                    h.timestamp = ms.time;
                    h.duration = c.ws.map_or(Num::Absent, |ws| between(ms.time, ws.time));
                }
                (Some(ms.half), Some(consumer))
            }
            (Some(ms), None) => {
                self.set_times(ms, c.ws);
                (Some(ms.half), None)
            }
            (None, Some(mr)) => {
                match c.wr {
                    Some(wr) => self.set_times(Core { half: mr.half, ..wr }, Some(mr)),
                    None => self.set_times(mr, None),
                }
                (None, Some(mr.half))
            }
            (None, None) => {
                self.annotate(c.ws, self.names.ws);
                self.annotate(c.wr, self.names.wr);
                (None, None)
            }
        }
    }

    /// Rule 7 (tags go to their endpoint's span), collecting the addresses for rule 6.
    fn tags(&mut self, binary: &[Binary]) -> Addresses {
        let mut addresses = Addresses::default();
        for entry in binary {
            match *entry {
                Binary::Tag { key, value, endpoint } => {
                    let half = self.span_for(endpoint);
                    if let Some(h) = self.half(half) {
                        match h.tags.last_mut() {
                            Some(last) if last.0 == key => last.1 = value,
                            _ => h.tags.push((key, value)),
                        }
                    }
                }
                Binary::Endpoint(endpoint) => {
                    self.span_for(endpoint);
                }
                Binary::Address { key, endpoint } => {
                    let slot = match key {
                        Address::Client => &mut addresses.ca,
                        Address::Server => &mut addresses.sa,
                        Address::Message => &mut addresses.ma,
                    };
                    *slot = Some(endpoint);
                }
            }
        }
        addresses
    }

    /// Rule 6.
    fn addresses(
        &mut self,
        a: &Addresses,
        c: &Cores,
        server: Option<usize>,
        messaging: (Option<usize>, Option<usize>),
    ) {
        if let (Some(sa), Some(cs)) = (a.sa, c.cs) {
            self.set_remote(cs.half, sa);
        }
        if let (Some(ca), Some(server)) = (a.ca, server) {
            self.set_remote(server, ca);
        }
        if let Some(ma) = a.ma {
            for half in [messaging.0, messaging.1].into_iter().flatten() {
                self.set_remote(half, ma);
            }
        }
        if c.cs.is_some() || c.sr.is_some() {
            return;
        }
        match (a.ca, a.sa) {
            (Some(ca), Some(sa)) => {
                let half = self.span_for(Some(ca));
                self.set_remote(half, sa);
            }
            (Some(ca), None) => {
                self.set_kind(0, SpanKind::Server);
                self.set_remote(0, ca);
            }
            (None, Some(sa)) => self.set_remote(0, sa),
            (None, None) => {}
        }
    }

    /// Rule 8's fallback: no span got a start from annotations, so the first takes the v1 span's.
    fn local_timing(&mut self, timestamp: Num, duration: Num) {
        if self.halves.iter().all(|h| given(h.timestamp).is_none()) {
            if let Some(first) = self.half(0) {
                first.timestamp = timestamp;
                first.duration = duration;
            }
        }
    }
}

/// An endpoint, or `None` when it names nothing at all (Zipkin reads `{}` or `{"serviceName":""}`
/// as no endpoint).
fn endpoint_of(dto: Option<&EndpointDto>, strings: &mut Interner) -> Option<Endpoint> {
    let e = dto?;
    let empty = e.service_name.as_str().is_empty()
        && e.ipv4.as_str().is_empty()
        && e.ipv6.as_str().is_empty()
        && e.port.as_int().is_none_or(|p| p == 0);
    (!empty).then(|| Endpoint::intern(e, strings))
}

/// Interns the binary annotations in key order, dropping what Zipkin drops (rule 6 and 7).
fn binary_annotations(dto: &SpanDto, strings: &mut Interner, stats: &mut Stats) -> Vec<Binary> {
    let mut sorted: Vec<&BinaryAnnotationDto> = dto.binary_annotations.iter().flatten().collect();
    sorted.sort_by(|a, b| a.key.as_str().cmp(b.key.as_str()));
    let mut out = Vec::with_capacity(sorted.len());
    for b in sorted {
        let key = b.key.as_str();
        let endpoint = endpoint_of(b.endpoint.as_ref(), strings);
        let address = match key {
            "ca" => Some(Address::Client),
            "sa" => Some(Address::Server),
            "ma" => Some(Address::Message),
            _ => None,
        };
        if let Some(address) = address {
            if let (Some(endpoint), false) = (endpoint, matches!(b.value, BinaryValue::Bool(false))) {
                out.push(Binary::Address { key: address, endpoint });
            }
            continue;
        }
        let value = match &b.value {
            BinaryValue::Text(text) if key == "lc" && text.is_empty() => {
                out.push(Binary::Endpoint(endpoint));
                continue;
            }
            BinaryValue::Text(text) => TagVal::Str(strings.intern(text)),
            BinaryValue::Composite(what) => TagVal::Composite(what),
            typed => {
                stats.typed_tags += 1;
                TagVal::Str(strings.intern(match typed {
                    BinaryValue::Bool(true) => "true",
                    BinaryValue::Bool(false) => "false",
                    BinaryValue::Number(text) => text,
                    _ => "",
                }))
            }
        };
        out.push(Binary::Tag { key: strings.intern(key), value, endpoint });
    }
    out
}

/// Converts one v1 span into records of the collector (the module's rules 1-8).
pub(super) fn add(c: &mut Collector, dto: &mut SpanDto) {
    c.v1.spans_in += 1;
    let trace_id = super::parse_trace_id(dto.trace_id.as_str(), c.strings);
    let trace = c.trace(trace_id);
    let strings = &mut *c.strings;
    let id = dto.id.as_str();
    let parent = dto.parent_id.as_str();
    let span_id = (!id.is_empty()).then(|| super::parse_span_id(id, strings));
    let parent_id = (!parent.is_empty()).then(|| super::parse_span_id(parent, strings));
    let name = strings.intern(dto.name.as_str());
    let names = Names {
        cr: strings.intern("cr"),
        ss: strings.intern("ss"),
        ws: strings.intern("ws"),
        wr: strings.intern("wr"),
    };

    let mut annotations: Vec<(Num, StrId, Option<Endpoint>)> = dto
        .annotations
        .iter()
        .flatten()
        .map(|a| (a.timestamp, strings.intern(a.value.as_str()), endpoint_of(a.endpoint.as_ref(), strings)))
        .collect();
    annotations.sort_by_key(|a| sort_key(a.0));
    annotations.dedup();
    let binary = binary_annotations(dto, strings, &mut c.v1);

    let source = Source { timestamp: given(dto.timestamp), duration: given(dto.duration) };
    let mut b =
        Builder { strings: &*strings, halves: vec![Half::default()], by_service: HashMap::new(), source, names };
    let mut cores = b.annotations(&annotations);
    let server = b.rpc(&mut cores);
    let messaging = b.messaging(&cores);
    let addresses = b.tags(&binary);
    b.addresses(&addresses, &cores, server, messaging);
    b.local_timing(dto.timestamp, dto.duration);

    for mut half in b.halves {
        half.annotations.sort_by_key(|a| sort_key(a.0));
        let tag_start = c.tags.len();
        c.tags.extend(half.tags);
        let annotation_start = c.annotations.len();
        c.annotations.extend(half.annotations);
        c.records.push(Record {
            trace,
            span_id,
            parent_id,
            name,
            kind: half.kind,
            timestamp: half.timestamp,
            duration: half.duration,
            local: half.local,
            remote: half.remote,
            tags: Range32::from_bounds(tag_start, c.tags.len()),
            annotations: Range32::from_bounds(annotation_start, c.annotations.len()),
            shared: half.shared,
            debug: dto.debug.0,
            merged: 0,
        });
        c.v1.spans_out += 1;
    }
}
