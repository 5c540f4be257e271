//! Synthetic datasets of the diagnosis benchmarks (`benches/diagnosis.rs`) and of their browser
//! twin (`examples/diagnosis_data.rs` writes them as files for `bench/diagnosis.mjs`), so that
//! both measure the same data. Deterministic.

use strand_formats::synth::{synthesize, SynthFormat};
use strand_formats::{self as formats, AssembleOptions};
use strand_model::{Dataset, KeyValue, Range32, Value};

/// `traces` synthetic OTLP traces of `spans_per_trace` spans, seeds `seed`, `seed + 1`, ...
pub fn dataset(traces: usize, spans_per_trace: usize, seed: u64) -> Dataset {
    let mut data = Dataset::new();
    for t in 0..traces {
        let json = synthesize(SynthFormat::Otlp, spans_per_trace, seed + t as u64);
        formats::load(&mut data, json.as_bytes(), "synth.json", None, &AssembleOptions::default()).expect("loads");
    }
    data
}

/// Eight more attributes per span, as an instrumented service adds them (status code, route,
/// region, one of 50 tenants, one of 5,000 user ids, a response size and a retry count as
/// numbers, a feature flag): the attribute ranking costs per (span, attribute). Deterministic.
pub fn enrich(data: &mut Dataset) {
    let keys =
        ["http.status_code", "http.route", "cloud.region", "tenant", "user.id", "size", "retries", "flag.new_cart"]
            .map(|k| data.strings.intern(k));
    let routes: Vec<_> = (0..12).map(|i| data.strings.intern(&format!("/api/v1/route{i}"))).collect();
    let regions: Vec<_> =
        ["eu-west", "eu-north", "us-east", "us-west", "ap-south"].map(|r| data.strings.intern(r)).to_vec();
    let tenants: Vec<_> = (0..50).map(|i| data.strings.intern(&format!("tenant-{i}"))).collect();
    let users: Vec<_> = (0..5000).map(|i| data.strings.intern(&format!("user-{i}"))).collect();
    let mut n = 0u64;
    for trace in &mut data.traces {
        let mut pool: Vec<KeyValue> = Vec::with_capacity(trace.attrs.len() + trace.spans.len() * 8);
        pool.extend_from_slice(&trace.attrs);
        for span in &mut trace.spans {
            n += 1;
            let h = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            let start = pool.len();
            pool.extend_from_slice(trace.attrs.get(span.attrs.as_range()).unwrap_or(&[]));
            let pick = |list: &[strand_model::StrId], salt: u64| list[((h >> salt) % list.len() as u64) as usize];
            let values = [
                Value::Int(if span.status == strand_model::StatusCode::Error { 500 } else { 200 }),
                Value::Str(pick(&routes, 3)),
                Value::Str(pick(&regions, 11)),
                Value::Str(pick(&tenants, 17)),
                Value::Str(pick(&users, 23)),
                Value::Int((span.duration_ns / 1000) % 100_000),
                Value::Int(((h >> 31) % 4) as i64),
                Value::Bool((h >> 37).is_multiple_of(2)),
            ];
            pool.extend(keys.iter().zip(values).map(|(&key, value)| KeyValue { key, value }));
            span.attrs = Range32::from_bounds(start, pool.len());
        }
        trace.attrs = pool;
    }
}

/// A trace of about a million spans made of loops: a root with 1,000 handlers, each reading
/// stock 990 times in a loop (with 9 other calls in between). Synthetic traces from `synth` have
/// at most six children per span and nothing to fold.
pub fn loop_trace() -> Dataset {
    use strand_model::{Resource, Span, SpanId, SpanKind, Trace, TraceId, NO_PARENT};
    let mut data = Dataset::new();
    let mut trace = Trace::new(TraceId::Hex(42));
    let api = data.strings.intern("api");
    let db = data.strings.intern("db");
    trace.resources.push(Resource { service: api, attrs: Range32::EMPTY });
    trace.resources.push(Resource { service: db, attrs: Range32::EMPTY });
    let names = ["handle", "SELECT stock", "UPDATE cart", "GET /"].map(|n| data.strings.intern(n));
    let t0 = 1_790_000_000_000_000_000i64;
    let push = |trace: &mut Trace, parent: u32, name: usize, resource: u32, start: i64, duration: i64| {
        let mut span = Span::empty(SpanId::Hex(trace.spans.len() as u64 + 1));
        span.parent_id = (parent != NO_PARENT).then(|| SpanId::Hex(u64::from(parent) + 1));
        span.name = names[name];
        span.resource = resource;
        span.kind = if resource == 1 { SpanKind::Client } else { SpanKind::Server };
        span.start_ns = start;
        span.duration_ns = duration;
        trace.spans.push(span);
        trace.spans.len() as u32 - 1
    };
    let root = push(&mut trace, NO_PARENT, 3, 0, t0, 1_000_000_000_000);
    for h in 0..1000i64 {
        let start = t0 + h * 1_000_000_000;
        let handler = push(&mut trace, root, 0, 0, start, 900_000_000);
        for i in 0..999i64 {
            let name = if i % 111 == 110 { 2 } else { 1 };
            push(&mut trace, handler, name, 1, start + i * 900_000, 800_000 + (i * 7919 % 90_000));
        }
    }
    formats::assemble::assemble(&mut trace, &data.strings, &AssembleOptions::default());
    data.traces.push(trace);
    data
}
