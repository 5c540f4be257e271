//! The service map's interaction model: wheel zoom, drag to pan (a press that moves less than a
//! few pixels is a click), and how a new map is fitted to the view.

use strand_view::service_map::{Transform, LARGE_GRAPH_NODES, NODE_HEIGHT, NODE_WIDTH};

/// A press that moves less than this (pixels, |dx| + |dy|) is a click, not a pan.
pub const CLICK_PX: f64 = 3.0;

/// How much one wheel event zooms: smooth for trackpads (pixels), larger steps for lines and
/// pages; never more than a factor of about 2.5 per event.
pub fn wheel_factor(delta_y: f64, delta_mode: u32) -> f64 {
    let unit = match delta_mode {
        1 => 16.0,
        2 => 400.0,
        _ => 1.0,
    };
    let delta = if delta_y.is_finite() { delta_y * unit } else { 0.0 };
    1.0015f64.powf(-delta.clamp(-600.0, 600.0))
}

/// The transform a map opens with: the whole map fitted to the view, except that a tall focus
/// (a service with many callers) that would fit too small to read is shown at 70% around the
/// focused node instead (`focus`: its top-left corner).
pub fn initial_transform(content: (f64, f64), view: (f64, f64), focus: Option<(f64, f64)>, nodes: usize) -> Transform {
    let fitted = Transform::fit(content, view);
    match focus {
        Some((x, y)) if fitted.scale < 0.5 && nodes <= LARGE_GRAPH_NODES => {
            Transform { scale: 0.7, ..fitted }.center_on((x + NODE_WIDTH / 2.0, y + NODE_HEIGHT / 2.0), view)
        }
        _ => fitted,
    }
}

/// A press on the map, then moves: a pan once it moved far enough.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pan {
    pub start: (f64, f64),
    pub from: Transform,
    pub moved: bool,
}

impl Pan {
    pub fn new(x: f64, y: f64, from: Transform) -> Pan {
        Pan { start: (x, y), from, moved: false }
    }

    /// The mouse is at (`x`, `y`): the transform to show, once the press became a pan.
    pub fn move_to(&mut self, x: f64, y: f64) -> Option<Transform> {
        let (dx, dy) = (x - self.start.0, y - self.start.1);
        if dx.abs() + dy.abs() > CLICK_PX {
            self.moved = true;
        }
        self.moved.then(|| self.from.pan(dx, dy))
    }

    /// Whether the release ends a click (not a pan).
    pub fn is_click(&self) -> bool {
        !self.moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wheel_steps() {
        assert_eq!(wheel_factor(0.0, 0), 1.0);
        assert!(wheel_factor(100.0, 0) < 1.0 && wheel_factor(-100.0, 0) > 1.0, "down zooms out, up zooms in");
        assert_eq!(wheel_factor(3.0, 1), wheel_factor(48.0, 0), "lines are 16 px");
        assert_eq!(wheel_factor(1e9, 0), wheel_factor(600.0, 0), "one event zooms at most so much");
        assert_eq!(wheel_factor(f64::NAN, 0), 1.0);
    }

    #[test]
    fn presses_become_pans_past_the_threshold() {
        let from = Transform { x: 10.0, y: 20.0, scale: 1.0 };
        let mut pan = Pan::new(100.0, 100.0, from);
        assert_eq!(pan.move_to(101.0, 101.0), None);
        assert!(pan.is_click());
        assert_eq!(pan.move_to(110.0, 95.0), Some(from.pan(10.0, -5.0)));
        // Once a pan, small moves still pan.
        assert_eq!(pan.move_to(101.0, 100.0), Some(from.pan(1.0, 0.0)));
        assert!(!pan.is_click());
    }

    #[test]
    fn a_tall_focus_opens_readable_around_its_node() {
        let fitted = initial_transform((2000.0, 4000.0), (800.0, 600.0), None, 40);
        assert_eq!(fitted, Transform::fit((2000.0, 4000.0), (800.0, 600.0)));
        let focused = initial_transform((2000.0, 4000.0), (800.0, 600.0), Some((500.0, 1800.0)), 40);
        assert_eq!(focused.scale, 0.7);
        // The node's centre is in the middle of the view.
        let cx = (500.0 + NODE_WIDTH / 2.0) * focused.scale + focused.x;
        let cy = (1800.0 + NODE_HEIGHT / 2.0) * focused.scale + focused.y;
        assert!((cx - 400.0).abs() < 1e-6 && (cy - 300.0).abs() < 1e-6, "{cx}, {cy}");
        // Small enough maps, and huge ones, are fitted.
        assert_eq!(
            initial_transform((200.0, 100.0), (800.0, 600.0), Some((0.0, 0.0)), 4).scale,
            Transform::fit((200.0, 100.0), (800.0, 600.0)).scale
        );
        assert_eq!(initial_transform((2000.0, 4000.0), (800.0, 600.0), Some((0.0, 0.0)), 5000), fitted);
    }
}
