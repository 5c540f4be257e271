//! Where a decoder of the transfer encoding reads its bytes from: a trait and two sources.

/// Where a decoder gets the encoded bytes from, a piece at a time.
pub trait Source {
    /// Appends up to `max` (at least one, unless the source is exhausted) more bytes to `out`
    /// and returns how many it appended; 0 means the end.
    fn read_more(&mut self, out: &mut Vec<u8>, max: usize) -> usize;
}

/// A source over bytes already in memory.
pub struct SliceSource<'a> {
    pub bytes: &'a [u8],
}

impl Source for SliceSource<'_> {
    fn read_more(&mut self, out: &mut Vec<u8>, max: usize) -> usize {
        let n = max.min(self.bytes.len());
        let (head, tail) = self.bytes.split_at(n);
        out.extend_from_slice(head);
        self.bytes = tail;
        n
    }
}

/// A source that owns its bytes.
pub struct OwnedSource {
    bytes: Vec<u8>,
    pos: usize,
}

impl OwnedSource {
    pub fn new(bytes: Vec<u8>) -> OwnedSource {
        OwnedSource { bytes, pos: 0 }
    }
}

impl Source for OwnedSource {
    fn read_more(&mut self, out: &mut Vec<u8>, max: usize) -> usize {
        let rest = self.bytes.get(self.pos..).unwrap_or(&[]);
        let n = max.min(rest.len());
        out.extend_from_slice(rest.get(..n).unwrap_or(&[]));
        self.pos += n;
        n
    }
}

/// A borrowed source reads from what it borrows (so [`super::decode`] can take `&mut dyn Source`).
impl<S: Source + ?Sized> Source for &mut S {
    fn read_more(&mut self, out: &mut Vec<u8>, max: usize) -> usize {
        (**self).read_more(out, max)
    }
}

/// A boxed source reads from its box (the page hands the core a `Box<dyn Source>`).
impl<S: Source + ?Sized> Source for Box<S> {
    fn read_more(&mut self, out: &mut Vec<u8>, max: usize) -> usize {
        (**self).read_more(out, max)
    }
}
