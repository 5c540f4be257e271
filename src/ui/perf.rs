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

/// Ends the `strand:restore` measure (begun when the kept workspace is asked for) once the
/// core has decoded and merged all of it; while it is still decoding slices, nothing.
pub fn restore_landed(store: &super::store::Store) {
    if store.try_read().is_some_and(|app| !app.restoring()) {
        measure_since("strand:restore", "strand:restore:start");
    }
}

/// Ends the `strand:merge` measure (begun when a worker's encoding was handed to the core) once
/// the core has decoded and merged all of it; while it is still decoding slices, nothing.
pub fn merge_landed(store: &super::store::Store) {
    let decoding = store.try_read().is_none_or(|app| app.is_decoding());
    if !decoding {
        measure_since("strand:merge", "strand:merge:start");
    }
}
