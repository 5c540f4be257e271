//! A deterministic synthetic trace generator for benchmarks and scale tests: N spans of one
//! trace with a realistic shape (RPC client/server pairs across 12 services, database and cache
//! leaves, internal spans, parallel children, ~3% errors, events), written as Jaeger, Zipkin or
//! OTLP JSON; and ECS log lines ([`synthesize_ecs_logs`]). Same seed, same bytes. Pure Rust; depends on nothing else in the crate.

use std::fmt::Write;

const SERVICES: [&str; 12] = [
    "frontend",
    "api-gateway",
    "checkout",
    "cart",
    "catalog",
    "inventory",
    "pricing",
    "payment",
    "shipping",
    "users",
    "recommendation",
    "notification",
];
const OPERATIONS: [&str; 8] = [
    "GET /api/items",
    "POST /api/orders",
    "GET /api/users/{id}",
    "POST /api/charges",
    "GET /api/stock",
    "PUT /api/cart",
    "GET /api/quotes",
    "POST /api/notify",
];
const INTERNAL: [&str; 6] =
    ["validate request", "serialize response", "compute totals", "apply rules", "render", "load config"];
const DB_OPS: [&str; 4] = ["SELECT", "INSERT", "UPDATE", "DELETE"];
const TABLES: [&str; 6] = ["orders", "items", "users", "stock", "payments", "shipments"];

/// Output format of the generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SynthFormat {
    Jaeger,
    Zipkin,
    Otlp,
}

impl SynthFormat {
    pub fn parse(s: &str) -> Option<SynthFormat> {
        match s {
            "jaeger" => Some(SynthFormat::Jaeger),
            "zipkin" => Some(SynthFormat::Zipkin),
            "otlp" => Some(SynthFormat::Otlp),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Server,
    Client,
    Internal,
}

#[derive(Clone, Debug)]
struct GenSpan {
    id: u64,
    parent: Option<usize>,
    service: usize,
    name: String,
    kind: Kind,
    start_us: i64,
    duration_us: i64,
    error: bool,
    /// `db.system` for database client spans, `peer.service` for RPC clients.
    peer: Option<(&'static str, String)>,
    events: Vec<(i64, &'static str)>,
}

/// xorshift64*: tiny, fast and deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(1000) < percent * 10
    }
}

const T0_US: i64 = 1_790_000_000_000_000;

fn generate(spans_wanted: usize, seed: u64) -> Vec<GenSpan> {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut spans: Vec<GenSpan> = Vec::with_capacity(spans_wanted);
    let root_duration = 2_000_000 + rng.below(3_000_000) as i64;
    spans.push(GenSpan {
        id: rng.next() | 1,
        parent: None,
        service: 0,
        name: "GET /checkout".into(),
        kind: Kind::Server,
        start_us: T0_US,
        duration_us: root_duration,
        error: false,
        peer: None,
        events: vec![(T0_US + 10, "request received")],
    });
    // Server spans still to be given children, breadth first so that the tree is wide and deep.
    let mut queue = std::collections::VecDeque::from([0usize]);
    while spans.len() < spans_wanted {
        let parent_idx = queue.pop_front().unwrap_or(0);
        let Some(parent) = spans.get(parent_idx).cloned() else { break };
        let children = 2 + rng.below(5) as usize;
        let parallel = rng.chance(35);
        let slot = (parent.duration_us / (children as i64 + 1)).max(2);
        let mut cursor = parent.start_us + slot / 4 + 1;
        for c in 0..children {
            if spans.len() >= spans_wanted {
                break;
            }
            let (start, duration) = if parallel {
                let start = parent.start_us + 1 + rng.below((slot / 2).max(1) as u64) as i64;
                let span = (parent.duration_us * 6 / 10).max(1);
                (start, 1 + rng.below(span as u64) as i64)
            } else {
                let d = 1 + rng.below((slot * 8 / 10).max(1) as u64) as i64;
                let s = cursor;
                cursor += slot;
                (s, d)
            };
            let roll = rng.below(100);
            let error = rng.chance(3);
            let id = rng.next() | 1;
            if roll < 45 && spans.len() + 2 <= spans_wanted {
                // An RPC: client span here, server span in another service.
                let callee =
                    1 + (parent.service + 1 + rng.below(SERVICES.len() as u64 - 2) as usize) % (SERVICES.len() - 1);
                let op = OPERATIONS.get(rng.below(OPERATIONS.len() as u64) as usize).copied().unwrap_or("GET /");
                let client_idx = spans.len();
                let callee_name = SERVICES.get(callee).copied().unwrap_or("unknown").to_string();
                spans.push(GenSpan {
                    id,
                    parent: Some(parent_idx),
                    service: parent.service,
                    name: op.into(),
                    kind: Kind::Client,
                    start_us: start,
                    duration_us: duration,
                    error,
                    peer: Some(("peer.service", callee_name)),
                    events: Vec::new(),
                });
                let net = (duration / 20).max(0);
                let mut events = Vec::new();
                if error {
                    events.push((start + duration - net - 1, "exception"));
                } else if rng.chance(20) {
                    events.push((start + net + 1, "cache miss"));
                }
                spans.push(GenSpan {
                    id: rng.next() | 1,
                    parent: Some(client_idx),
                    service: callee,
                    name: op.into(),
                    kind: Kind::Server,
                    start_us: start + net,
                    duration_us: (duration - 2 * net).max(1),
                    error,
                    peer: None,
                    events,
                });
                queue.push_back(spans.len() - 1);
            } else if roll < 75 {
                let op = DB_OPS.get(c % DB_OPS.len()).copied().unwrap_or("SELECT");
                let table = TABLES.get(rng.below(TABLES.len() as u64) as usize).copied().unwrap_or("t");
                spans.push(GenSpan {
                    id,
                    parent: Some(parent_idx),
                    service: parent.service,
                    name: format!("{op} {table}"),
                    kind: Kind::Client,
                    start_us: start,
                    duration_us: duration,
                    error,
                    peer: Some(("db.system", if rng.chance(30) { "redis".into() } else { "postgresql".into() })),
                    events: Vec::new(),
                });
            } else {
                let name = INTERNAL.get(rng.below(INTERNAL.len() as u64) as usize).copied().unwrap_or("work");
                spans.push(GenSpan {
                    id,
                    parent: Some(parent_idx),
                    service: parent.service,
                    name: name.into(),
                    kind: Kind::Internal,
                    start_us: start,
                    duration_us: duration,
                    error,
                    peer: None,
                    events: if rng.chance(10) { vec![(start, "checkpoint")] } else { Vec::new() },
                });
                if rng.chance(30) {
                    queue.push_back(spans.len() - 1);
                }
            }
        }
        if queue.is_empty() {
            queue.push_back(0);
        }
    }
    spans
}

/// `spans` spans of one trace in `format`, deterministic for a seed.
pub fn synthesize(format: SynthFormat, spans: usize, seed: u64) -> String {
    let spans_data = generate(spans.max(1), seed);
    let trace_id = format!("{:016x}{:016x}", seed.wrapping_mul(31) | 1, 0x5752_414e_4400_0000u64 | spans as u64);
    match format {
        SynthFormat::Jaeger => jaeger(&spans_data, &trace_id),
        SynthFormat::Zipkin => zipkin(&spans_data, &trace_id),
        SynthFormat::Otlp => otlp(&spans_data, &trace_id),
    }
}

fn service(i: usize) -> &'static str {
    SERVICES.get(i).copied().unwrap_or("unknown")
}

fn jaeger(spans: &[GenSpan], trace_id: &str) -> String {
    let mut out = String::with_capacity(spans.len() * 560);
    let _ = write!(out, "{{\"data\":[{{\"traceID\":\"{trace_id}\",\"spans\":[");
    for (i, s) in spans.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "{{\"traceID\":\"{trace_id}\",\"spanID\":\"{:016x}\",\"operationName\":\"{}\",\"references\":[",
            s.id, s.name
        );
        if let Some(p) = s.parent.and_then(|p| spans.get(p)) {
            let _ = write!(out, "{{\"refType\":\"CHILD_OF\",\"traceID\":\"{trace_id}\",\"spanID\":\"{:016x}\"}}", p.id);
        }
        let kind = match s.kind {
            Kind::Server => "server",
            Kind::Client => "client",
            Kind::Internal => "internal",
        };
        let _ = write!(
            out,
            "],\"flags\":1,\"startTime\":{},\"duration\":{},\"tags\":[{{\"key\":\"span.kind\",\"type\":\"string\",\"value\":\"{kind}\"}},{{\"key\":\"otel.library.name\",\"type\":\"string\",\"value\":\"synth\"}}",
            s.start_us, s.duration_us
        );
        if let Some((k, v)) = &s.peer {
            let _ = write!(out, ",{{\"key\":\"{k}\",\"type\":\"string\",\"value\":\"{v}\"}}");
        }
        if s.kind == Kind::Server {
            let _ = write!(
                out,
                ",{{\"key\":\"http.status_code\",\"type\":\"int64\",\"value\":{}}}",
                if s.error { 500 } else { 200 }
            );
        }
        if s.error {
            out.push_str(",{\"key\":\"error\",\"type\":\"bool\",\"value\":true}");
        }
        out.push_str("],\"logs\":[");
        for (j, (t, name)) in s.events.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            let _ = write!(
                out,
                "{{\"timestamp\":{t},\"fields\":[{{\"key\":\"event\",\"type\":\"string\",\"value\":\"{name}\"}}]}}"
            );
        }
        let _ = write!(out, "],\"processID\":\"p{}\",\"warnings\":null}}", s.service);
    }
    out.push_str("],\"processes\":{");
    for (i, name) in SERVICES.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "\"p{i}\":{{\"serviceName\":\"{name}\",\"tags\":[{{\"key\":\"hostname\",\"type\":\"string\",\"value\":\"{name}-host\"}}]}}"
        );
    }
    out.push_str("},\"warnings\":null}],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}\n");
    out
}

fn zipkin(spans: &[GenSpan], trace_id: &str) -> String {
    let mut out = String::with_capacity(spans.len() * 360);
    out.push('[');
    for (i, s) in spans.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{{\"traceId\":\"{trace_id}\",\"id\":\"{:016x}\"", s.id);
        if let Some(p) = s.parent.and_then(|p| spans.get(p)) {
            let _ = write!(out, ",\"parentId\":\"{:016x}\"", p.id);
        }
        match s.kind {
            Kind::Server => out.push_str(",\"kind\":\"SERVER\""),
            Kind::Client => out.push_str(",\"kind\":\"CLIENT\""),
            Kind::Internal => {}
        }
        let _ = write!(
            out,
            ",\"name\":\"{}\",\"timestamp\":{},\"duration\":{},\"localEndpoint\":{{\"serviceName\":\"{}\",\"ipv4\":\"10.0.0.{}\"}}",
            s.name.to_lowercase(),
            s.start_us,
            s.duration_us,
            service(s.service),
            s.service + 1
        );
        if let Some((_, v)) = &s.peer {
            let _ = write!(out, ",\"remoteEndpoint\":{{\"serviceName\":\"{v}\"}}");
        }
        out.push_str(",\"tags\":{\"component\":\"synth\"");
        if s.error {
            out.push_str(",\"error\":\"500\"");
        }
        out.push('}');
        if !s.events.is_empty() {
            out.push_str(",\"annotations\":[");
            for (j, (t, name)) in s.events.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{{\"timestamp\":{t},\"value\":\"{name}\"}}");
            }
            out.push(']');
        }
        out.push('}');
    }
    out.push_str("]\n");
    out
}

fn otlp(spans: &[GenSpan], trace_id: &str) -> String {
    let mut out = String::with_capacity(spans.len() * 520);
    out.push_str("{\"resourceSpans\":[");
    let mut first_resource = true;
    for (svc, name) in SERVICES.iter().enumerate() {
        if !spans.iter().any(|s| s.service == svc) {
            continue;
        }
        if !first_resource {
            out.push(',');
        }
        first_resource = false;
        let _ = write!(
            out,
            "{{\"resource\":{{\"attributes\":[{{\"key\":\"service.name\",\"value\":{{\"stringValue\":\"{name}\"}}}},{{\"key\":\"host.name\",\"value\":{{\"stringValue\":\"{name}-host\"}}}}]}},\"scopeSpans\":[{{\"scope\":{{\"name\":\"synth\",\"version\":\"1.0\"}},\"spans\":["
        );
        let mut first = true;
        for s in spans.iter().filter(|s| s.service == svc) {
            if !first {
                out.push(',');
            }
            first = false;
            let _ = write!(out, "{{\"traceId\":\"{trace_id}\",\"spanId\":\"{:016x}\"", s.id);
            if let Some(p) = s.parent.and_then(|p| spans.get(p)) {
                let _ = write!(out, ",\"parentSpanId\":\"{:016x}\"", p.id);
            }
            let kind = match s.kind {
                Kind::Internal => 1,
                Kind::Server => 2,
                Kind::Client => 3,
            };
            let _ = write!(
                out,
                ",\"name\":\"{}\",\"kind\":{kind},\"startTimeUnixNano\":\"{}000\",\"endTimeUnixNano\":\"{}000\",\"attributes\":[{{\"key\":\"component\",\"value\":{{\"stringValue\":\"synth\"}}}}",
                s.name,
                s.start_us,
                s.start_us + s.duration_us
            );
            if let Some((k, v)) = &s.peer {
                let _ = write!(out, ",{{\"key\":\"{k}\",\"value\":{{\"stringValue\":\"{v}\"}}}}");
            }
            if s.kind == Kind::Server {
                let _ = write!(
                    out,
                    ",{{\"key\":\"http.response.status_code\",\"value\":{{\"intValue\":\"{}\"}}}}",
                    if s.error { 500 } else { 200 }
                );
            }
            out.push(']');
            if !s.events.is_empty() {
                out.push_str(",\"events\":[");
                for (j, (t, name)) in s.events.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{{\"timeUnixNano\":\"{t}000\",\"name\":\"{name}\"}}");
                }
                out.push(']');
            }
            if s.error {
                out.push_str(",\"status\":{\"code\":2,\"message\":\"internal error\"}");
            }
            out.push('}');
        }
        out.push_str("]}]}");
    }
    out.push_str("]}\n");
    out
}

const LOG_MESSAGES: [&str; 8] = [
    "request received",
    "cache miss for key item:",
    "charged order",
    "query took ms:",
    "retrying upstream call, attempt",
    "user session refreshed",
    "stock reserved for sku",
    "response sent, bytes:",
];

/// `lines` ECS JSON log lines (ecs-logging style, dotted keys, about 210 bytes each): 12
/// services, 10 lines per trace with a span id each, levels mostly info, one line in ten with no
/// trace context. Same seed, same bytes.
pub fn synthesize_ecs_logs(lines: usize, seed: u64) -> String {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut out = String::with_capacity(lines * 215);
    let start_ms: i64 = 1_714_564_800_000;
    for i in 0..lines {
        let ms = start_ms + (i as i64) / 4;
        let (secs, milli) = (ms.div_euclid(1000), ms.rem_euclid(1000));
        let (h, m, s) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
        let day = 1 + (secs - 1_714_521_600) / 86_400;
        let roll = rng.next() % 100;
        let level = match roll {
            0..=2 => "error",
            3..=9 => "warn",
            10..=19 => "debug",
            _ => "info",
        };
        let service = service((rng.next() % 12) as usize);
        let message = LOG_MESSAGES.get((rng.next() % 8) as usize).copied().unwrap_or("");
        let number = rng.next() % 1_000_000;
        let _ = write!(
            out,
            "{{\"@timestamp\":\"2024-05-{day:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z\",\"log.level\":\"{level}\",\"message\":\"{message} {number}\",\"service.name\":\"{service}\","
        );
        if i % 10 != 9 {
            let trace = (i / 10) as u64;
            let _ = write!(
                out,
                "\"trace.id\":\"{:016x}{:016x}\",\"span.id\":\"{:016x}\",",
                seed.wrapping_mul(31) | 1,
                trace,
                (trace << 8) | (i % 10) as u64
            );
        }
        out.push_str("\"ecs.version\":\"1.6.0\"}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{load, AssembleOptions, Format};
    use strand_model::Dataset;

    #[test]
    fn generates_exactly_n_spans_in_every_format_deterministically() {
        for (format, wire) in [
            (SynthFormat::Jaeger, Format::Jaeger),
            (SynthFormat::Zipkin, Format::Zipkin),
            (SynthFormat::Otlp, Format::Otlp),
        ] {
            let text = synthesize(format, 1000, 7);
            assert_eq!(text, synthesize(format, 1000, 7));
            let mut data = Dataset::new();
            let (detected, summary) =
                load(&mut data, text.as_bytes(), "synth.json", None, &AssembleOptions::default()).expect("loads");
            assert_eq!(detected, wire);
            assert_eq!(summary.spans_added, 1000, "{format:?}");
            assert_eq!(data.traces.len(), 1);
            let trace = &data.traces[0];
            assert_eq!(trace.roots().count(), 1, "{format:?}: one root");
            let errors = trace.error_count();
            assert!((10..=60).contains(&errors), "{format:?}: ~3% errors, got {errors}");
            let services: std::collections::BTreeSet<_> = trace.resources.iter().map(|r| r.service).collect();
            assert!(services.len() >= 10, "{format:?}: many services");
        }
    }
}
