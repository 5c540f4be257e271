//! Mouse drags in the waterfall: selecting a time range on the ruler or the minimap, moving or
//! resizing the minimap's window, and resizing the name column. What a drag does is the app
//! core's `interaction::waterfall::Drag`; this file only wires the mouse events to it.

use std::rc::Rc;
use strand_app::interaction::waterfall::{Drag, DragMove, Edge};
use strand_view::waterfall::TimeWindow;
use web_sys::Element;
use yew::prelude::*;

/// What the handlers need.
pub(super) struct DragInputs {
    pub drag: UseStateHandle<Option<Drag>>,
    pub name_px: UseStateHandle<f64>,
    pub ruler: NodeRef,
    pub minimap: NodeRef,
    pub set_window: Rc<dyn Fn(TimeWindow)>,
    pub window: TimeWindow,
    pub bounds: TimeWindow,
    pub viewport_w: f64,
    /// The name column's current width.
    pub name_w: f64,
}

pub(super) struct DragHandlers {
    pub ruler_down: Callback<MouseEvent>,
    pub minimap_down: Callback<MouseEvent>,
    /// On the minimap's window, and its start and end handles.
    pub window_move: Callback<MouseEvent>,
    pub window_start: Callback<MouseEvent>,
    pub window_end: Callback<MouseEvent>,
    pub splitter_down: Callback<MouseEvent>,
    /// On the overlay that covers the page during a drag.
    pub drag_move: Callback<MouseEvent>,
    pub drag_end: Callback<MouseEvent>,
}

/// The left edge and width of an element, in client pixels.
fn extent(element: &NodeRef) -> Option<(f64, f64)> {
    let rect = element.cast::<Element>()?.get_bounding_client_rect();
    Some((rect.left(), rect.width()))
}

pub(super) fn drag_handlers(d: DragInputs) -> DragHandlers {
    let DragInputs { drag, name_px, ruler, minimap, set_window, window, bounds, viewport_w, name_w } = d;
    // A press on the ruler or the minimap starts a selection to zoom to; `make` says which.
    let select_down = |element: &NodeRef, make: fn(f64, f64, f64) -> Drag| {
        let drag = drag.clone();
        let element = element.clone();
        Callback::from(move |e: MouseEvent| {
            if e.button() != 0 {
                return;
            }
            e.prevent_default();
            if let Some((left_px, width_px)) = extent(&element) {
                drag.set(Some(make(left_px, width_px, f64::from(e.client_x()))));
            }
        })
    };
    let window_down = |edge: Edge| {
        let drag = drag.clone();
        let minimap = minimap.clone();
        Callback::from(move |e: MouseEvent| {
            if e.button() != 0 {
                return;
            }
            e.prevent_default();
            e.stop_propagation();
            if let Some((_, width_px)) = extent(&minimap) {
                drag.set(Some(Drag::MinimapWindow { width_px, start_x: f64::from(e.client_x()), window, edge }));
            }
        })
    };
    let splitter_down = {
        let drag = drag.clone();
        Callback::from(move |e: MouseEvent| {
            if e.button() != 0 {
                return;
            }
            e.prevent_default();
            e.stop_propagation();
            drag.set(Some(Drag::Splitter { start_x: f64::from(e.client_x()), start_px: name_w }));
        })
    };
    let drag_move = {
        let drag = drag.clone();
        let set_window = set_window.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(current) = *drag else { return };
            if e.buttons() == 0 {
                // The button was released outside the page.
                drag.set(None);
                return;
            }
            match current.moved(f64::from(e.client_x()), bounds, viewport_w) {
                DragMove::Drag(next) => drag.set(Some(next)),
                DragMove::Window(next) => set_window(next),
                DragMove::NameWidth(px) => name_px.set(px),
            }
        })
    };
    let drag_end = {
        let drag = drag.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(current) = *drag else { return };
            drag.set(None);
            if let Some(next) = current.released(window, bounds) {
                set_window(next);
            }
        })
    };
    DragHandlers {
        ruler_down: select_down(&ruler, Drag::ruler),
        minimap_down: select_down(&minimap, Drag::minimap),
        window_move: window_down(Edge::Move),
        window_start: window_down(Edge::Start),
        window_end: window_down(Edge::End),
        splitter_down,
        drag_move,
        drag_end,
    }
}
