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

/// Up to eight bytes as one little-endian word, zero-padded: the unit of the byte scans and
/// compares done eight bytes at a time (WebAssembly has no vector instructions here).
pub fn le_word(chunk: &[u8]) -> u64 {
    // The scans pass whole chunks of eight (`chunks_exact`): one load.
    if let Ok(whole) = <[u8; 8]>::try_from(chunk) {
        return u64::from_le_bytes(whole);
    }
    let mut word = [0u8; 8];
    if let Some(dest) = word.get_mut(..chunk.len()) {
        dest.copy_from_slice(chunk);
    }
    u64::from_le_bytes(word)
}

impl std::hash::Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            self.add(le_word(chunk));
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
    // The usual width, sixteen digits, eight at a time.
    if let Some((high, low)) = s.as_bytes().split_first_chunk::<8>() {
        if let Ok(low) = <[u8; 8]>::try_from(low) {
            return Some((u64::from(hex8(*high)?) << 32) | u64::from(hex8(low)?));
        }
    }
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

/// Eight hex digits of either case, first digit first, as a number, all eight at once (the bytes
/// as lanes of a `u64`); `None` when one is not a hex digit.
fn hex8(digits: [u8; 8]) -> Option<u32> {
    const fn splat(b: u8) -> u64 {
        u64::from_ne_bytes([b; 8])
    }
    const HIGH: u64 = splat(0x80);
    let x = u64::from_le_bytes(digits);
    if x & HIGH != 0 {
        return None;
    }
    // Per byte (all below 0x80, so that no sum leaves its byte): bit 7 set when it is >= `lo`.
    let at_least = |v: u64, lo: u8| v.wrapping_add(splat(0x80 - lo)) & HIGH;
    // Letters in lower case; the digits' bytes already have the 0x20 bit.
    let lower = x | splat(0x20);
    let digit = at_least(x, b'0') & !at_least(x, b'9' + 1);
    let letter = at_least(lower, b'a') & !at_least(lower, b'f' + 1);
    if digit | letter != HIGH {
        return None;
    }
    // A digit's value is its low four bits, plus 9 for a letter (bit 6 set).
    let nibbles = (x & splat(0x0F)) + ((x >> 6) & splat(0x01)) * 9;
    // Pairs of digits into bytes, bytes into 16-bit halves, halves into the number.
    let bytes = ((nibbles << 4) | (nibbles >> 8)) & 0x00FF_00FF_00FF_00FF;
    let halves = ((bytes << 8) | (bytes >> 16)) & 0x0000_FFFF_0000_FFFF;
    u32::try_from(((halves << 16) | (halves >> 32)) & 0xFFFF_FFFF).ok()
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

    /// The digit at a time reading, for comparison.
    fn hex_by_digit(bytes: &[u8]) -> Option<u64> {
        bytes.iter().try_fold(0u64, |v, &b| {
            (HEX_DIGITS[usize::from(b)] < 16).then(|| (v << 4) | u64::from(HEX_DIGITS[usize::from(b)]))
        })
    }

    #[test]
    fn eight_digits_at_once_read_as_one_at_a_time() {
        let base = *b"0123456789abcdef";
        for pos in 0..16 {
            for b in 0..=255u8 {
                let mut bytes = base;
                bytes[pos] = b;
                let (high, low) = bytes.split_at(8);
                let at_once = hex8(high.try_into().unwrap())
                    .zip(hex8(low.try_into().unwrap()))
                    .map(|(h, l)| (u64::from(h) << 32) | u64::from(l));
                assert_eq!(at_once, hex_by_digit(&bytes), "{bytes:?}");
            }
        }
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..100_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let digits: Vec<u8> = seed
                .to_le_bytes()
                .iter()
                .map(|b| b"0123456789abcdefABCDEF/:@`Gg\x00\x7f\xff"[usize::from(*b) % 31])
                .collect();
            assert_eq!(hex8(digits.clone().try_into().unwrap()).map(u64::from), hex_by_digit(&digits), "{digits:?}");
        }
        assert_eq!(parse_hex_u64("FEDCBA9876543210"), Some(0xfedc_ba98_7654_3210));
        assert_eq!(parse_hex_u64("fedcba987654321g"), None);
        assert_eq!(parse_hex_u128("0af7651916cd43dd8448eb211c80319c"), Some(0x0af7_6519_16cd_43dd_8448_eb21_1c80_319c));
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
