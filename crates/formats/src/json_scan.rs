//! A cursor over JSON bytes for looks at a document's structure without parsing it: detection's
//! look at the keys of its first object, and the split scan's look for the arrays to cut at.
//! Keys are read raw, values stepped over; nothing is built, nothing is decoded, and bytes that
//! end early (the first megabytes of a large file) are no error, only "unfinished".

/// What [`Cursor::skip_value`] stepped over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Skipped {
    /// A whole value.
    Value,
    /// A number or literal that runs to the end of the bytes: whole, or cut (more digits could
    /// follow in the rest of the file).
    ScalarToEnd,
    /// The bytes (or the cursor's limit) ended inside the value.
    Unfinished,
}

/// A key at the cursor, as written between its quotes.
pub(crate) struct Key<'a> {
    pub raw: &'a [u8],
    /// Whether it holds an escape (its text is not `raw`).
    pub escaped: bool,
}

pub(crate) struct Cursor<'a> {
    pub bytes: &'a [u8],
    pub pos: usize,
    /// [`Cursor::skip_value`] gives up past this position.
    pub limit: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(bytes: &'a [u8], pos: usize) -> Cursor<'a> {
        Cursor { bytes, pos, limit: usize::MAX }
    }

    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Steps over the string at the cursor (on `"`); false if it never ends.
    fn skip_string(&mut self) -> bool {
        let mut pos = self.pos + 1;
        loop {
            let rest = self.bytes.get(pos..).unwrap_or(&[]);
            match rest.iter().position(|&b| b == b'"' || b == b'\\') {
                Some(i) if rest.get(i) == Some(&b'"') => {
                    self.pos = pos + i + 1;
                    return true;
                }
                Some(i) => pos += i + 2,
                None => {
                    self.pos = self.bytes.len();
                    return false;
                }
            }
        }
    }

    /// Steps over one value (after any whitespace), nesting followed with a counter.
    pub fn skip_value(&mut self) -> Skipped {
        let mut depth: usize = 0;
        loop {
            self.skip_ws();
            let Some(b) = self.peek() else { return Skipped::Unfinished };
            if self.pos > self.limit {
                return Skipped::Unfinished;
            }
            match b {
                b'"' => {
                    if !self.skip_string() {
                        return Skipped::Unfinished;
                    }
                }
                b'{' | b'[' => {
                    depth += 1;
                    self.pos += 1;
                }
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    self.pos += 1;
                }
                _ => {
                    self.pos += 1;
                    if depth == 0 {
                        // A scalar ends at a delimiter; step over the rest of it.
                        while let Some(b) = self.peek() {
                            if matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t' | b'{' | b'[' | b'"') {
                                return Skipped::Value;
                            }
                            self.pos += 1;
                        }
                        return Skipped::ScalarToEnd;
                    }
                }
            }
            if depth == 0 {
                return Skipped::Value;
            }
        }
    }

    /// Whether a whole value was stepped over, a scalar at the very end counting as whole.
    pub fn skip_value_to_end(&mut self) -> bool {
        self.skip_value() != Skipped::Unfinished
    }

    /// The key at the cursor (on `"`), and moves past its closing quote (see [`Cursor::colon`]).
    pub fn key(&mut self) -> Option<Key<'a>> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos + 1;
        let mut end = start;
        let mut escaped = false;
        loop {
            match self.bytes.get(end)? {
                b'\\' => {
                    escaped = true;
                    end += 2;
                }
                b'"' => break,
                _ => end += 1,
            }
        }
        let raw = self.bytes.get(start..end)?;
        self.pos = end + 1;
        Some(Key { raw, escaped })
    }

    /// Moves past the `:` after a key (and the whitespace before it); false if there is none.
    pub fn colon(&mut self) -> bool {
        self.skip_ws();
        if self.peek() != Some(b':') {
            return false;
        }
        self.pos += 1;
        true
    }

    /// In an object, just past its `{` or one of its values: the next key (see [`Cursor::key`]),
    /// or `None` at the object's end or at anything else.
    pub fn next_key(&mut self) -> Option<Key<'a>> {
        loop {
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b'"' => return self.key(),
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skip(text: &str) -> (Skipped, usize) {
        let mut c = Cursor::new(text.as_bytes(), 0);
        (c.skip_value(), c.pos)
    }

    #[test]
    fn values_are_stepped_over_and_their_end_told_apart() {
        assert_eq!(skip(r#" {"a":[1,"]}\""],"b":{}} ,"#), (Skipped::Value, 24));
        assert_eq!(skip("12,"), (Skipped::Value, 2));
        assert_eq!(skip("12"), (Skipped::ScalarToEnd, 2));
        assert_eq!(skip("true}"), (Skipped::Value, 4));
        assert_eq!(skip(r#"{"a":[1,2"#), (Skipped::Unfinished, 9));
        assert_eq!(skip(r#""open"#), (Skipped::Unfinished, 5));
        assert_eq!(skip("  "), (Skipped::Unfinished, 2));
        let mut limited = Cursor { bytes: br#"{"a":[1,2,3]}"#, pos: 0, limit: 4 };
        assert_eq!(limited.skip_value(), Skipped::Unfinished);
    }

    #[test]
    fn keys_are_read_raw_with_their_escapes_told() {
        let text = br#"{ "a" : 1, "b\"c":2 ,"d" "#;
        let mut c = Cursor::new(text, 1);
        let key = c.next_key().unwrap();
        assert_eq!((key.raw, key.escaped), (&b"a"[..], false));
        assert!(c.colon());
        assert_eq!(c.skip_value(), Skipped::Value);
        let key = c.next_key().unwrap();
        assert_eq!((key.raw, key.escaped), (&br#"b\"c"#[..], true));
        assert!(c.colon());
        assert_eq!(c.skip_value(), Skipped::Value);
        let key = c.next_key().unwrap();
        assert_eq!(key.raw, b"d");
        assert!(!c.colon(), "a key without its colon");
        let mut end = Cursor::new(br#"{"a":1}"#, 6);
        assert!(end.next_key().is_none());
    }
}
