//! User Timing marks, so that benchmarks and the browser's profiler see Strand's real phases.

pub fn mark(name: &str) {
    if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
        let _ = perf.mark(name);
    }
}

/// Records a measure `name` from mark `start` to now.
pub fn measure_since(name: &str, start: &str) {
    if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
        let end = format!("{name}:end");
        let _ = perf.mark(&end);
        let _ = perf.measure_with_start_mark_and_end_mark(name, start, &end);
    }
}
