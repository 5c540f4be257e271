//! Trace and span identifiers as they come from every wire format: hex of any length up to the
//! id's width (old Jaeger clients drop leading zeros), raw bytes, or arbitrary text (fixtures use
//! ids such as `span-2_1`). Depends on nothing but [`super::strings`].

use super::strings::{Interner, StrId};

/// A span id. Hex ids of up to 16 digits are stored as their numeric value, so `ec2b4e0bcea566d`
/// and `0ec2b4e0bcea566d` are the same id; anything else is kept as text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum SpanId {
    Hex(u64),
    Text(StrId),
}

/// A trace id: hex of up to 32 digits as a number, anything else as text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum TraceId {
    Hex(u128),
    Text(StrId),
}

/// A hasher for ids and small integer keys: one multiply per word, then the high half folded
/// into the low half (hash tables on wasm32 take their bucket and tag bits from the low 32 bits).
/// Span and trace ids are random or sequential numbers and need no more mixing; the default
/// hasher's 128-bit folding has no fast instruction in WebAssembly and made assembly's id
/// look-ups its largest cost there. Not for keys an attacker picks to collide (strings).
#[derive(Default, Clone, Copy, Debug)]
pub struct IdHasher(u64);

impl IdHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            if let Some(dest) = word.get_mut(..chunk.len()) {
                dest.copy_from_slice(chunk);
            }
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_u128(&mut self, n: u128) {
        self.add(n as u64);
        self.add((n >> 64) as u64);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn write_isize(&mut self, n: isize) {
        self.add(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }
}

/// A hash map keyed by ids (or integers), with [`IdHasher`].
pub type IdMap<K, V> = hashbrown::HashMap<K, V, std::hash::BuildHasherDefault<IdHasher>>;

impl SpanId {
    /// Parses hex (either case, 1-16 digits); otherwise interns the text as it is.
    pub fn parse(s: &str, strings: &mut Interner) -> SpanId {
        match parse_hex_u64(s) {
            Some(v) => SpanId::Hex(v),
            None => SpanId::Text(strings.intern(s)),
        }
    }

    pub fn from_bytes(bytes: &[u8], strings: &mut Interner) -> SpanId {
        if bytes.len() <= 8 {
            let mut v: u64 = 0;
            for &b in bytes {
                v = (v << 8) | u64::from(b);
            }
            SpanId::Hex(v)
        } else {
            SpanId::Text(strings.intern(&to_hex(bytes)))
        }
    }

    pub fn is_empty(self) -> bool {
        self == SpanId::Text(StrId::EMPTY)
    }

    /// Lowercase hex left-padded to 16 digits, or the text as given.
    pub fn display(self, strings: &Interner) -> String {
        match self {
            SpanId::Hex(v) => format!("{v:016x}"),
            SpanId::Text(id) => strings.get(id).to_string(),
        }
    }
}

impl TraceId {
    pub fn parse(s: &str, strings: &mut Interner) -> TraceId {
        match parse_hex_u128(s) {
            Some(v) => TraceId::Hex(v),
            None => TraceId::Text(strings.intern(s)),
        }
    }

    pub fn from_bytes(bytes: &[u8], strings: &mut Interner) -> TraceId {
        if bytes.len() <= 16 {
            let mut v: u128 = 0;
            for &b in bytes {
                v = (v << 8) | u128::from(b);
            }
            TraceId::Hex(v)
        } else {
            TraceId::Text(strings.intern(&to_hex(bytes)))
        }
    }

    pub fn is_empty(self) -> bool {
        self == TraceId::Text(StrId::EMPTY)
    }

    /// Lowercase hex: 16 digits when the id fits in 64 bits (Zipkin's and old Jaeger's
    /// 64-bit trace ids), 32 otherwise; text ids as given.
    pub fn display(self, strings: &Interner) -> String {
        match self {
            TraceId::Hex(v) if v <= u128::from(u64::MAX) => format!("{v:016x}"),
            TraceId::Hex(v) => format!("{v:032x}"),
            TraceId::Text(id) => strings.get(id).to_string(),
        }
    }
}

/// Hex digit values by byte; 0xFF for bytes that are not hex digits.
// A const table: the indices are in range by construction (`clippy::indexing_slicing` cannot see it
// in a const context, where `get_mut` is not available).
#[allow(clippy::indexing_slicing)]
const HEX_DIGITS: [u8; 256] = {
    let mut table = [0xFF; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// 1 to 16 hex digits of either case as a number; `None` for anything else. The one hex parser:
/// every importer's ids come through here (without a branch per digit, since nearly every id of
/// a large file is hex).
pub fn parse_hex_u64(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 16 {
        return None;
    }
    let mut v: u64 = 0;
    let mut bad = 0u8;
    for b in s.bytes() {
        let digit = HEX_DIGITS.get(usize::from(b)).copied().unwrap_or(0xFF);
        bad |= digit;
        v = (v << 4) | u64::from(digit & 0x0F);
    }
    (bad & 0xF0 == 0).then_some(v)
}

/// 1 to 32 hex digits of either case as a number; `None` for anything else.
pub fn parse_hex_u128(s: &str) -> Option<u128> {
    if s.len() <= 16 {
        return parse_hex_u64(s).map(u128::from);
    }
    if s.len() > 32 || !s.is_char_boundary(s.len() - 16) {
        return None;
    }
    let (high, low) = s.split_at(s.len() - 16);
    Some((u128::from(parse_hex_u64(high)?) << 64) | u128::from(parse_hex_u64(low)?))
}

pub fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_padded_hex_ids_are_equal() {
        let mut s = Interner::new();
        assert_eq!(SpanId::parse("ec2b4e0bcea566d", &mut s), SpanId::parse("0ec2b4e0bcea566d", &mut s));
        assert_eq!(SpanId::parse("ABCDEF0123456789", &mut s), SpanId::parse("abcdef0123456789", &mut s));
        assert_eq!(SpanId::parse("ec2b4e0bcea566d", &mut s).display(&s), "0ec2b4e0bcea566d");
        let text = SpanId::parse("span-2_1", &mut s);
        assert!(matches!(text, SpanId::Text(_)));
        assert_eq!(text.display(&s), "span-2_1");
        assert!(SpanId::parse("", &mut s).is_empty());
        assert!(matches!(SpanId::parse("00000000000000000001", &mut s), SpanId::Text(_)));
    }

    #[test]
    fn one_hex_parser() {
        assert_eq!(parse_hex_u64("ec2b4e0bcea566d"), Some(0x0ec2_b4e0_bcea_566d));
        assert_eq!(parse_hex_u64("ABCDEF0123456789"), Some(0xabcd_ef01_2345_6789));
        assert_eq!(parse_hex_u64(""), None);
        assert_eq!(parse_hex_u64("12345678901234567"), None);
        assert_eq!(parse_hex_u64("12g4"), None);
        assert_eq!(parse_hex_u64("é"), None);
        assert_eq!(parse_hex_u128("1"), Some(1));
        assert_eq!(parse_hex_u128("df84e36b9e2ee3815d07f0867a5be1f"), Some(0x0df8_4e36_b9e2_ee38_15d0_7f08_67a5_be1f));
        assert_eq!(parse_hex_u128("0df84e36b9e2ee3815d07f0867a5be1f0"), None);
        assert_eq!(parse_hex_u128("df84e36b9e2ee3815d07f0867a5be1x"), None);
        assert_eq!(parse_hex_u128("é0000000000000000"), None);
    }

    #[test]
    fn trace_ids_display_at_their_width() {
        let mut s = Interner::new();
        assert_eq!(
            TraceId::parse("df84e36b9e2ee3815d07f0867a5be1f", &mut s).display(&s),
            "0df84e36b9e2ee3815d07f0867a5be1f"
        );
        assert_eq!(TraceId::parse("1", &mut s).display(&s), "0000000000000001");
        assert_eq!(TraceId::from_bytes(&[1; 16], &mut s).display(&s), "01010101010101010101010101010101");
    }
}
