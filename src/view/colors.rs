//! Stable colours per service: the same service gets the same colour in every view and session.
//! Depends on nothing.

/// A CSS `hsl()` colour for a service name, from a hash of the name. Hues are spread with the
/// golden angle so that services listed together differ visibly.
pub fn service_color(service: &str) -> String {
    let hue = service_hue(service);
    format!("hsl({hue}, 62%, 52%)")
}

pub fn service_hue(service: &str) -> u32 {
    // FNV-1a: small, stable across platforms and releases (unlike std's hasher).
    let mut h: u32 = 0x811c_9dc5;
    for b in service.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (h % 64).wrapping_mul(137) % 360
}

#[cfg(test)]
mod tests {
    #[test]
    fn colours_are_stable() {
        assert_eq!(super::service_color("frontend"), super::service_color("frontend"));
        assert_ne!(super::service_hue("frontend"), super::service_hue("checkout"));
    }
}
