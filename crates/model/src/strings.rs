//! String interning for the model: every name, key and string value is stored once and
//! referred to by a 4-byte [`StrId`]. Owns no knowledge of traces; depends on nothing.

use crate::ids::{le_word, IdHasher};
use hashbrown::hash_table::Entry;
use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::{BuildHasher, BuildHasherDefault};

/// Index of an interned string in an [`Interner`]. `StrId::EMPTY` is always the empty string.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct StrId(pub u32);

impl StrId {
    pub const EMPTY: StrId = StrId(0);
}

/// All strings of a dataset in one buffer, each one stored once, except the texts added with
/// [`Interner::add_distinct`].
///
/// Memory per distinct string is its bytes plus 8 bytes of offsets plus ~5 bytes of hash table:
/// the table stores only `u32` indices and re-hashes from the buffer when it grows.
#[derive(Clone)]
pub struct Interner {
    buf: String,
    /// `(start, len)` into `buf` for every id.
    ranges: Vec<(u32, u32)>,
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl Default for Interner {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interner").field("strings", &self.ranges.len()).finish()
    }
}

impl Interner {
    pub fn new() -> Self {
        let mut interner = Interner {
            buf: String::new(),
            ranges: Vec::new(),
            table: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
        };
        let empty = interner.intern("");
        debug_assert_eq!(empty, StrId::EMPTY);
        interner
    }

    /// Returns the id of `s`, adding it if it is new.
    pub fn intern(&mut self, s: &str) -> StrId {
        let hash = self.hasher.hash_one(s);
        let Interner { buf, ranges, table, hasher } = self;
        // One probe finds the string or the slot a new one goes to.
        let entry = table.entry(
            hash,
            |&id| same_bytes(slice(buf, ranges, id).as_bytes(), s.as_bytes()),
            |&other| hasher.hash_one(slice(buf, ranges, other)),
        );
        match entry {
            Entry::Occupied(found) => StrId(*found.get()),
            Entry::Vacant(slot) => {
                let id = push(buf, ranges, s, 0);
                slot.insert(id);
                StrId(id)
            }
        }
    }

    /// Adds `s` without looking for it or making it findable: the id is `s`'s own, and a later
    /// [`Interner::intern`] of the same text gives another id. For texts that are almost all
    /// different, such as log messages: a look-up in a table of a million strings costs a cache
    /// miss or two each (~300 ns in WebAssembly), far more than storing the text again. Only
    /// for values compared by their text (never by id); the empty string is always `EMPTY`.
    /// The transfer encoding keeps the mark ([`Interner::is_distinct`]), so a decoded copy adds
    /// them the same way.
    pub fn add_distinct(&mut self, s: &str) -> StrId {
        if s.is_empty() {
            return StrId::EMPTY;
        }
        StrId(push(&mut self.buf, &mut self.ranges, s, DISTINCT))
    }

    /// Whether `id` was added with [`Interner::add_distinct`].
    pub fn is_distinct(&self, id: StrId) -> bool {
        self.ranges.get(id.0 as usize).is_some_and(|&(_, len)| len & DISTINCT != 0)
    }

    /// Makes room for `strings` more strings of `bytes` bytes in all, so that a large import
    /// does not grow (and re-hash) the table many times.
    pub fn reserve(&mut self, strings: usize, bytes: usize) {
        let Interner { buf, ranges, table, hasher } = self;
        buf.reserve(bytes);
        ranges.reserve(strings);
        table.reserve(strings, |&other| hasher.hash_one(slice(buf, ranges, other)));
    }

    /// The id of `s` if it was interned before.
    pub fn lookup(&self, s: &str) -> Option<StrId> {
        let hash = self.hasher.hash_one(s);
        self.table.find(hash, |&id| slice(&self.buf, &self.ranges, id) == s).map(|&id| StrId(id))
    }

    /// The string of `id`; the empty string for an id this interner never gave out.
    pub fn get(&self, id: StrId) -> &str {
        slice(&self.buf, &self.ranges, id.0)
    }

    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.len() <= 1
    }

    /// Bytes held, for memory reports.
    pub fn heap_bytes(&self) -> usize {
        self.buf.capacity() + self.ranges.capacity() * 8 + self.table.capacity() * 5
    }
}

/// Whether `a` and `b` hold the same bytes, compared eight at a time: WebAssembly's `memcmp`
/// compares a byte at a time, and the importers compare a few short texts per field or value
/// (an interned string with its table entry, a field's path with the one before, a level).
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut x, mut y) = (a.chunks_exact(8), b.chunks_exact(8));
    if (&mut x).zip(&mut y).any(|(p, q)| le_word(p) != le_word(q)) {
        return false;
    }
    x.remainder().iter().zip(y.remainder()).all(|(p, q)| p == q)
}

/// Slots of a [`RepeatCache`] (a power of two).
const REPEAT_SLOTS: usize = 1024;

/// Texts that are mostly different but sometimes repeat (log messages: "request started" on
/// every request beside "charged order 284860"), added with [`Interner::add_distinct`] unless
/// the same text was added recently: each of a few slots, chosen by a cheap hash of the
/// text, remembers the last text added there. A repeated text whose slot was taken since is
/// stored again (memory, never meaning: these texts are compared by their text).
pub struct RepeatCache {
    slots: Vec<StrId>,
}

impl Default for RepeatCache {
    fn default() -> Self {
        RepeatCache { slots: vec![StrId::EMPTY; REPEAT_SLOTS] }
    }
}

impl RepeatCache {
    pub fn add(&mut self, strings: &mut Interner, s: &str) -> StrId {
        if s.is_empty() {
            return StrId::EMPTY;
        }
        // A collision only stores the text again: the ids' one-multiply-per-word hash will do.
        let slot = BuildHasherDefault::<IdHasher>::default().hash_one(s) as usize % REPEAT_SLOTS;
        let Some(known) = self.slots.get_mut(slot) else { return strings.add_distinct(s) };
        if *known != StrId::EMPTY && same_bytes(strings.get(*known).as_bytes(), s.as_bytes()) {
            return *known;
        }
        *known = strings.add_distinct(s);
        *known
    }
}

/// Set in a range's length for a string added with [`Interner::add_distinct`] (lengths stay
/// below 2 GiB: files over 1 GB are refused before they are read).
pub(crate) const DISTINCT: u32 = 1 << 31;

/// Appends `s` to the buffer and its range (with `flag` in the length); returns its id. The
/// buffer is addressed with u32 offsets: past 4 GiB (never reached in a browser, whose wasm32
/// memory ends there) strings are still stored, but read back empty.
fn push(buf: &mut String, ranges: &mut Vec<(u32, u32)>, s: &str, flag: u32) -> u32 {
    let start = u32::try_from(buf.len()).unwrap_or(u32::MAX);
    let len = u32::try_from(s.len()).unwrap_or(u32::MAX).min(DISTINCT - 1);
    let id = u32::try_from(ranges.len()).unwrap_or(u32::MAX);
    buf.push_str(s);
    ranges.push((start, len | flag));
    id
}

fn slice<'a>(buf: &'a str, ranges: &[(u32, u32)], id: u32) -> &'a str {
    let Some(&(start, len)) = ranges.get(id as usize) else {
        return "";
    };
    let start = start as usize;
    buf.get(start..start.saturating_add((len & !DISTINCT) as usize)).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_is_slice_equality() {
        let texts = [
            "",
            "a",
            "b",
            "ab",
            "abcdefg",
            "abcdefgh",
            "abcdefgi",
            "abcdefghi",
            "abcdefghj",
            "bbcdefghi",
            "service.name",
            "service.namf",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(same_bytes(a.as_bytes(), b.as_bytes()), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn a_repeat_cache_stores_a_repeated_text_once() {
        let mut strings = Interner::new();
        let mut cache = RepeatCache::default();
        let a = cache.add(&mut strings, "request started");
        let b = cache.add(&mut strings, "charged order 1");
        assert_eq!(cache.add(&mut strings, "request started"), a);
        assert!(strings.is_distinct(a) && strings.is_distinct(b) && a != b);
        assert_eq!(cache.add(&mut strings, ""), StrId::EMPTY);
        // Many other texts later, the text may be stored again: still the same text.
        for i in 0..5_000 {
            cache.add(&mut strings, &format!("charged order {i}"));
        }
        let again = cache.add(&mut strings, "request started");
        assert_eq!(strings.get(again), "request started");
        assert_eq!(strings.lookup("request started"), None);
    }

    #[test]
    fn interning_dedupes_and_round_trips() {
        let mut strings = Interner::new();
        let a = strings.intern("frontend");
        let b = strings.intern("db");
        assert_ne!(a, b);
        assert_eq!(strings.intern("frontend"), a);
        assert_eq!(strings.get(a), "frontend");
        assert_eq!(strings.get(b), "db");
        assert_eq!(strings.intern(""), StrId::EMPTY);
        assert_eq!(strings.lookup("db"), Some(b));
        assert_eq!(strings.lookup("nope"), None);
        assert_eq!(strings.get(StrId(999)), "");
        for i in 0..10_000 {
            strings.intern(&format!("s{i}"));
        }
        assert_eq!(strings.len(), 3 + 10_000);
        let id = strings.intern("s1234");
        assert_eq!(strings.get(id), "s1234");
    }

    #[test]
    fn distinct_texts_are_stored_apart_and_never_found() {
        let mut strings = Interner::new();
        let interned = strings.intern("GET /cart");
        let a = strings.add_distinct("GET /cart");
        let b = strings.add_distinct("GET /cart");
        assert!(a != b && a != interned && b != interned);
        assert_eq!((strings.get(a), strings.get(b)), ("GET /cart", "GET /cart"));
        assert!(strings.is_distinct(a) && !strings.is_distinct(interned) && !strings.is_distinct(StrId(999)));
        assert_eq!(strings.lookup("GET /cart"), Some(interned));
        assert_eq!(strings.add_distinct(""), StrId::EMPTY);
        // Only interned strings are in the table: it grows and re-hashes without them.
        let c = strings.add_distinct("charged order 7");
        assert_eq!(strings.lookup("charged order 7"), None);
        for i in 0..10_000 {
            strings.intern(&format!("s{i}"));
        }
        assert_eq!(strings.get(c), "charged order 7");
        let d = strings.intern("charged order 7");
        assert!(d != c && !strings.is_distinct(d));
        assert_eq!(strings.lookup("charged order 7"), Some(d));
    }
}
