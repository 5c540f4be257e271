//! A tiny text format for analysis test fixtures (test builds only). One span per line; two
//! spaces of indentation per tree level; fields separated by spaces:
//!
//! ```text
//! name service start..end [server|client|producer|consumer|internal] [error] [follows] [key=value]...
//! ```
//!
//! Times are integers in nanoseconds. Example:
//!
//! ```text
//! GET_/ frontend 0..100 server
//!   SELECT db-client 10..40 client db.system=postgresql
//!   render frontend 50..90
//! ```
//!
//! Names cannot contain spaces (use `_`). Spans get ids 1, 2, 3... in line order, and the trace
//! is assembled (without clock-skew adjustment) like an imported one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

pub mod bench_data;

use strand_formats::assemble::{assemble, AssembleOptions};
use strand_formats::builder::push_attrs;
use strand_model::{
    Dataset, KeyValue, ParentRelation, Resource, Span, SpanId, SpanKind, StatusCode, Trace, TraceId, Value,
};

/// Builds a dataset with one trace per fixture text (trace ids 1, 2, ...).
pub fn dataset(fixtures: &[&str]) -> Dataset {
    let mut data = Dataset::new();
    for (t, text) in fixtures.iter().enumerate() {
        let mut trace = Trace::new(TraceId::Hex(t as u128 + 1));
        let mut stack: Vec<(usize, SpanId)> = Vec::new();
        let mut scratch = Vec::new();
        for (line_no, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let indent = line.len() - line.trim_start().len();
            let level = indent / 2;
            let mut fields = line.split_whitespace();
            let name = fields.next().unwrap_or_else(|| panic!("line {line_no}: no name"));
            let service = fields.next().unwrap_or_else(|| panic!("line {line_no}: no service"));
            let times = fields.next().unwrap_or_else(|| panic!("line {line_no}: no start..end"));
            let (start, end) = times.split_once("..").unwrap_or_else(|| panic!("line {line_no}: bad times {times}"));
            let start: i64 = start.parse().expect("start");
            let end: i64 = end.parse().expect("end");
            let id = SpanId::Hex(trace.spans.len() as u64 + 1);
            let mut span = Span::empty(id);
            span.name = data.strings.intern(&name.replace('_', " "));
            span.start_ns = start;
            span.duration_ns = end - start;
            stack.truncate(level);
            span.parent_id = stack.last().map(|&(_, pid)| pid);
            for field in fields {
                match field {
                    "error" => span.status = StatusCode::Error,
                    "follows" => span.parent_relation = ParentRelation::FollowsFrom,
                    other => {
                        if let Some(kind) = SpanKind::parse(other) {
                            span.kind = kind;
                        } else if let Some((k, v)) = other.split_once('=') {
                            let value = match v.parse::<i64>() {
                                Ok(i) => Value::Int(i),
                                Err(_) => Value::Str(data.strings.intern(v)),
                            };
                            scratch.push(KeyValue { key: data.strings.intern(k), value });
                        } else {
                            panic!("line {line_no}: unknown field {other}");
                        }
                    }
                }
            }
            span.attrs = push_attrs(&mut trace, &mut scratch);
            let service_id = data.strings.intern(service);
            span.resource = match trace.resources.iter().position(|r| r.service == service_id) {
                Some(i) => i as u32,
                None => {
                    trace.resources.push(Resource { service: service_id, attrs: Default::default() });
                    trace.resources.len() as u32 - 1
                }
            };
            trace.spans.push(span);
            stack.push((trace.spans.len() - 1, id));
        }
        assemble(&mut trace, &data.strings, &AssembleOptions { adjust_clock_skew: false });
        data.traces.push(trace);
    }
    data
}

/// Finds a span by name (the first one in tree order).
pub fn span_named(data: &Dataset, trace: &Trace, name: &str) -> u32 {
    trace
        .order
        .iter()
        .copied()
        .find(|&i| trace.span(i).is_some_and(|s| data.strings.get(s.name) == name))
        .unwrap_or_else(|| panic!("no span named {name}"))
}

/// Asserts that `work` grows linearly with its size: it runs `work(n)` and `work(4 * n)` three
/// times each, interleaved, and compares the fastest runs. Linear work takes ~4 times as long
/// (a little more with caches and n log n sorts), quadratic work ~16 times; the bound of 10 sits
/// between them. Time is the CPU time of the running thread (on Unix), so other tests and
/// processes sharing the cores do not count; the fastest of three runs takes out the rest. `work(size)` builds its input
/// (not measured) and returns the closure to time.
///
/// # Panics
/// When the ratio is 10 or more.
pub fn assert_linear<F: FnOnce()>(what: &str, n: usize, mut work: impl FnMut(usize) -> F) {
    let mut best = [u64::MAX; 2];
    for _ in 0..3 {
        for (slot, size) in best.iter_mut().zip([n, 4 * n]) {
            let run = work(size);
            let started = thread_time_ns();
            run();
            *slot = (*slot).min(thread_time_ns().saturating_sub(started));
        }
    }
    let [small, large] = best.map(std::time::Duration::from_nanos);
    let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-9);
    eprintln!("{what}: {n} in {small:?}, {} in {large:?}, ratio {ratio:.2}", 4 * n);
    assert!(
        ratio < 10.0,
        "{what}: {n} took {small:?}, {} took {large:?} (ratio {ratio:.2}; linear is ~4, quadratic ~16)",
        4 * n
    );
}

/// Nanoseconds of CPU time of this thread (`CLOCK_THREAD_CPUTIME_ID`).
#[cfg(unix)]
#[allow(unsafe_code)] // one libc call with a stack value it fills in
fn thread_time_ns() -> u64 {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid, writable timespec for the duration of the call.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    u64::try_from(now.tv_sec).unwrap_or(0) * 1_000_000_000 + u64::try_from(now.tv_nsec).unwrap_or(0)
}

/// Nanoseconds of wall time since the first call, where no thread clock is known.
#[cfg(not(unix))]
#[allow(clippy::disallowed_methods)] // native test support: it measures
fn thread_time_ns() -> u64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    u64::try_from(START.get_or_init(std::time::Instant::now).elapsed().as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    /// Pairs of elements compared: quadratic in `n`.
    fn quadratic(n: usize) -> impl FnOnce() {
        let values: Vec<u64> = (0..n as u64).collect();
        move || {
            let mut equal = 0u64;
            for a in &values {
                for b in &values {
                    equal += u64::from(std::hint::black_box(a) == b);
                }
            }
            assert_eq!(equal, n as u64);
        }
    }

    #[test]
    #[should_panic(expected = "quadratic ~16")]
    fn quadratic_work_fails_the_linear_check() {
        super::assert_linear("all pairs", 1500, quadratic);
    }

    #[test]
    fn linear_work_passes_it() {
        super::assert_linear("numbers written out", 50_000, |n| {
            move || assert!((0..n).map(|i| std::hint::black_box(i.to_string()).len()).sum::<usize>() >= n)
        });
    }
}
