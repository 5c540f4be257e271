//! The minimap's canvas: density bands per depth range and an error strip, one canvas pixel
//! per column (`view::waterfall::minimap` computes them).

use strand_view::waterfall::Minimap;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// Canvas pixels per depth band of the minimap, and for its error strip.
pub(super) const MINIMAP_BAND_PX: u32 = 6;
pub(super) const MINIMAP_ERROR_PX: u32 = 3;

/// Draws the minimap's density bands: one canvas pixel per column, a band per depth range, and a
/// red strip where errors are.
pub(super) fn draw_minimap(canvas: &HtmlCanvasElement, map: &Minimap) {
    let Some(ctx) = canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let band_px = f64::from(MINIMAP_BAND_PX);
    let width = map.columns as f64;
    let height = map.bands as f64 * band_px + f64::from(MINIMAP_ERROR_PX);
    ctx.clear_rect(0.0, 0.0, width, height);
    let palette = crate::ui::palette::canvas_palette();
    ctx.set_fill_style_str(palette.accent);
    for band in 0..map.bands {
        for column in 0..map.columns {
            let v = map.intensity_at(band, column);
            if v > 0.0 {
                ctx.set_global_alpha(f64::from(0.3 + 0.7 * v));
                ctx.fill_rect(column as f64, band as f64 * band_px, 1.0, band_px - 1.0);
            }
        }
    }
    ctx.set_global_alpha(1.0);
    ctx.set_fill_style_str(palette.error);
    let top = map.bands as f64 * band_px;
    for (column, &error) in map.errors.iter().enumerate() {
        if error {
            ctx.fill_rect(column as f64, top, 1.0, f64::from(MINIMAP_ERROR_PX));
        }
    }
}
