//! Colours for what is drawn on canvases (the flame graph, the waterfall's minimap), per theme.
//! Everything else takes its colours from CSS custom properties (`static/theme.css`); a canvas
//! cannot, so its palette lives here, matched to those properties.

/// The colours one theme draws canvases with.
pub struct CanvasPalette {
    /// Error outlines and strips (`--error`).
    pub error: &'static str,
    /// Density bands (`--accent`).
    pub accent: &'static str,
    /// Labels on the (always light) span bars.
    pub bar_ink: &'static str,
    /// The selected bar's outline.
    pub outline: &'static str,
    /// The time axis: background, labels, tick lines (`--surface-2`, `--ink-2`, `--line-strong`).
    pub axis_bg: &'static str,
    pub axis_ink: &'static str,
    pub axis_line: &'static str,
}

const LIGHT: CanvasPalette = CanvasPalette {
    error: "#d92d20",
    accent: "#3b5bdb",
    bar_ink: "#1d2330",
    outline: "#1d2330",
    axis_bg: "#f0f2f6",
    axis_ink: "#475467",
    axis_line: "#c5ccd8",
};

const DARK: CanvasPalette = CanvasPalette {
    error: "#ff6b5e",
    accent: "#8aa4ff",
    bar_ink: "#1d2330",
    outline: "#ffffff",
    axis_bg: "#222937",
    axis_ink: "#c3cad6",
    axis_line: "#3d4757",
};

/// The palette of the theme in force (`data-theme` on `<html>`).
pub fn canvas_palette() -> &'static CanvasPalette {
    if super::settings::current_theme() == "dark" {
        &DARK
    } else {
        &LIGHT
    }
}
