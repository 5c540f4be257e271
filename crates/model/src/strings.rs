//! String interning for the model: every name, key and string value is stored once and
//! referred to by a 4-byte [`StrId`]. Owns no knowledge of traces; depends on nothing.

use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;

/// Index of an interned string in an [`Interner`]. `StrId::EMPTY` is always the empty string.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct StrId(pub u32);

impl StrId {
    pub const EMPTY: StrId = StrId(0);
}

/// All strings of a dataset in one buffer, each one stored once.
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
        let found = table.find(hash, |&id| slice(buf, ranges, id) == s);
        if let Some(&id) = found {
            return StrId(id);
        }
        // The buffer is addressed with u32 offsets. Past 4 GiB (never reached in a browser,
        // whose wasm32 memory ends there) strings are still stored, but not deduplicated.
        let start = u32::try_from(buf.len()).unwrap_or(u32::MAX);
        let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
        let id = u32::try_from(ranges.len()).unwrap_or(u32::MAX);
        buf.push_str(s);
        ranges.push((start, len));
        table.insert_unique(hash, id, |&other| hasher.hash_one(slice(buf, ranges, other)));
        StrId(id)
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

fn slice<'a>(buf: &'a str, ranges: &[(u32, u32)], id: u32) -> &'a str {
    let Some(&(start, len)) = ranges.get(id as usize) else {
        return "";
    };
    let start = start as usize;
    buf.get(start..start.saturating_add(len as usize)).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
