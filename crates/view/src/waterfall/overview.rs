//! The minimap: the whole trace drawn as density bands with error marks, above the rows.

#[allow(unused_imports)]
use super::*;

// ---------------------------------------------------------------------------------------------
// The minimap

/// Default width of the minimap in columns (the canvas stretches them to its width).
pub const MINIMAP_COLUMNS: usize = 480;
/// The most depth bands the minimap has (it is only a few dozen pixels high).
pub const MINIMAP_MAX_BANDS: usize = 6;

/// A density summary of the whole trace: for each column (a slice of its time) and each band of
/// depths, how many spans cover it; computed once per trace in O(n + columns × bands).
#[derive(Clone, Debug, PartialEq)]
pub struct Minimap {
    pub columns: usize,
    pub bands: usize,
    /// Tree levels per band (band `b` holds depths `b * levels_per_band ..`).
    pub levels_per_band: u32,
    /// `bands × columns` intensities in 0..=1 (band-major), on a logarithmic scale so that a few
    /// spans are visible next to thousands.
    pub intensity: Vec<f32>,
    /// Per column: does an error span cover it?
    pub errors: Vec<bool>,
}

impl Minimap {
    pub fn intensity_at(&self, band: usize, column: usize) -> f32 {
        self.intensity.get(band * self.columns + column).copied().unwrap_or(0.0)
    }
}

pub fn minimap(trace: &Trace, depth: &[u32], columns: usize) -> Minimap {
    let columns = columns.max(1);
    let levels = depth.iter().copied().max().map_or(1, |d| d.saturating_add(1));
    let bands = (levels as usize).clamp(1, MINIMAP_MAX_BANDS);
    let levels_per_band = levels.div_ceil(bands as u32).max(1);
    let window = TimeWindow::of_trace(trace);
    let cols = columns as f64;
    // Partial columns are added directly; runs of whole columns go through a difference array.
    let mut cover = vec![0f64; bands * columns];
    let mut runs = vec![0f64; bands * (columns + 1)];
    let mut error_runs = vec![0i64; columns + 1];
    for (i, span) in trace.spans.iter().enumerate() {
        let d = depth.get(i).copied().unwrap_or(0);
        let band = ((d / levels_per_band) as usize).min(bands - 1);
        let s = (window.fraction_of(span.start_ns) * cols).clamp(0.0, cols);
        // A floor on coverage, so that short spans among long ones still leave a trace.
        let e = (window.fraction_of(span.end_ns()) * cols).clamp(s, cols).max((s + 0.05).min(cols));
        let c0 = (s.floor() as usize).min(columns - 1);
        let c1 = (e.floor() as usize).min(columns - 1).max(c0);
        let row = band * columns;
        if c0 == c1 {
            if let Some(cell) = cover.get_mut(row + c0) {
                *cell += (e - s).max(0.0);
            }
        } else {
            if let Some(cell) = cover.get_mut(row + c0) {
                *cell += (c0 + 1) as f64 - s;
            }
            if let Some(cell) = cover.get_mut(row + c1) {
                *cell += e - c1 as f64;
            }
            if c1 > c0 + 1 {
                let run_row = band * (columns + 1);
                if let Some(r) = runs.get_mut(run_row + c0 + 1) {
                    *r += 1.0;
                }
                if let Some(r) = runs.get_mut(run_row + c1) {
                    *r -= 1.0;
                }
            }
        }
        if span.status == StatusCode::Error {
            if let Some(r) = error_runs.get_mut(c0) {
                *r += 1;
            }
            if let Some(r) = error_runs.get_mut(c1 + 1) {
                *r -= 1;
            }
        }
    }
    for band in 0..bands {
        let mut running = 0.0;
        for c in 0..columns {
            running += runs.get(band * (columns + 1) + c).copied().unwrap_or(0.0);
            if let Some(cell) = cover.get_mut(band * columns + c) {
                *cell += running;
            }
        }
    }
    let max = cover.iter().copied().fold(0.0f64, f64::max);
    let scale = if max > 0.0 { 1.0 / (1.0 + max).ln() } else { 0.0 };
    let intensity = cover.iter().map(|&c| ((1.0 + c.max(0.0)).ln() * scale) as f32).collect();
    let mut errors = Vec::with_capacity(columns);
    let mut running = 0i64;
    for c in 0..columns {
        running += error_runs.get(c).copied().unwrap_or(0);
        errors.push(running > 0);
    }
    Minimap { columns, bands, levels_per_band, intensity, errors }
}
