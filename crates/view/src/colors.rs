//! Colours per service, the same in every view. The app assigns palette slots to the services of
//! the loaded data in name order (`assign_services`), so colours stay put between views and
//! sessions for the same data; slots are spread around the colour wheel by the golden angle,
//! with three lightness steps, so that neighbouring slots always differ visibly. A name that was
//! never assigned gets the next free slot. No browser code: a thread-local table (the app is
//! single-threaded).

use std::cell::RefCell;
use std::collections::HashMap;

thread_local! {
    static SLOTS: RefCell<HashMap<String, u32>> = RefCell::new(HashMap::new());
}

/// Gives the services slots 0, 1, 2... in the order given (callers pass them sorted by name).
pub fn assign_services<'a>(names: impl IntoIterator<Item = &'a str>) {
    SLOTS.with(|slots| {
        let mut slots = slots.borrow_mut();
        slots.clear();
        for name in names {
            let next = slots.len() as u32;
            slots.entry(name.to_string()).or_insert(next);
        }
    });
}

fn slot(service: &str) -> u32 {
    SLOTS.with(|slots| {
        let mut slots = slots.borrow_mut();
        if let Some(&s) = slots.get(service) {
            return s;
        }
        let next = slots.len() as u32;
        slots.insert(service.to_string(), next);
        next
    })
}

/// A CSS `hsl()` colour for a service.
pub fn service_color(service: &str) -> String {
    let s = slot(service);
    let lightness = match s % 3 {
        0 => 50,
        1 => 40,
        _ => 60,
    };
    format!("hsl({}, 62%, {lightness}%)", hue_of_slot(s))
}

pub fn service_hue(service: &str) -> u32 {
    hue_of_slot(slot(service))
}

fn hue_of_slot(slot: u32) -> u32 {
    // 137.508° (the golden angle) in tenths of a degree, so the arithmetic stays integral.
    ((u64::from(slot) * 1375 + 2100) / 10 % 360) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_stable_and_spread() {
        assign_services(["api-gateway", "cart", "checkout", "email", "frontend", "inventory", "payment"]);
        assert_eq!(service_color("frontend"), service_color("frontend"));
        let hues: Vec<u32> = ["api-gateway", "cart", "checkout", "email", "frontend", "inventory", "payment"]
            .iter()
            .map(|s| service_hue(s))
            .collect();
        for (i, a) in hues.iter().enumerate() {
            for b in hues.iter().skip(i + 1) {
                let d = a.abs_diff(*b).min(360 - a.abs_diff(*b));
                assert!(d >= 20, "hues {hues:?} too close");
            }
        }
        // A service seen later gets a free slot, not a clash.
        assert_ne!(service_hue("late-service"), service_hue("api-gateway"));
    }
}
