//! The plainest JSON lines read without serde_json: an object whose strings have no escapes and
//! whose numbers are integers, flattened straight into fields, as most log lines are. Anything
//! else (a backslash or a control character anywhere in the line, an array, a fraction, an
//! integer past 18 digits, nesting past [`MAX_DEPTH`], a mistake) makes it give up with no field
//! kept, and the line is read by serde_json instead (`logs::flat::LineSeed`), which reads the
//! same values from every line this accepts. Depends on `logs::flat` and `logs::json`.

use super::flat::{Flat, Paths};
use super::json::Json;
use crate::detect::has_escape_or_control;
use std::borrow::Cow;

/// Nesting deeper than this is left to serde_json (whose limit is 128).
const MAX_DEPTH: usize = 64;

/// Flattens `line` into `flat` (empty) when it is a plain object with no top-level key in
/// `whole`; otherwise `false`, with `flat` empty.
pub(crate) fn plain_line<'a>(line: &'a str, paths: &mut Paths, flat: &mut Flat<'_, 'a>, whole: &[&str]) -> bool {
    if has_escape_or_control(line.as_bytes()) {
        return false;
    }
    let mut scan = Scan { text: line, pos: 0 };
    let read = scan.eat(b'{') && scan.members(paths, flat, Some(whole), 0) && {
        scan.skip_spaces();
        scan.pos == line.len()
    };
    if !read {
        flat.clear();
    }
    read
}

/// A line being read: `pos` is the next byte.
struct Scan<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Skips spaces, the only white space a line without control characters can have.
    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
    }

    /// Skips spaces, then `byte` if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_spaces();
        let found = self.peek() == Some(byte);
        self.pos += usize::from(found);
        found
    }

    /// A string (after spaces): its text, up to the next quote (the line has no escapes).
    fn string(&mut self) -> Option<&'a str> {
        self.skip_spaces();
        let rest = self.text.as_bytes().get(self.pos..)?;
        let (b'"', rest) = rest.split_first()? else { return None };
        let start = self.pos + 1;
        let end = start + crate::detect::find_byte(rest, b'"')?;
        self.pos = end + 1;
        self.text.get(start..end)
    }

    /// The members of an object whose `{` was read, through its `}`, flattened under the path
    /// being built; at the top (`whole` given) each key starts a path, and a key in `whole`
    /// gives up.
    fn members<'j>(
        &mut self,
        paths: &mut Paths,
        flat: &mut Flat<'j, 'a>,
        whole: Option<&[&str]>,
        depth: usize,
    ) -> bool {
        if self.eat(b'}') {
            if whole.is_none() {
                paths.push(flat, 0, Cow::Owned(Json::Object(Vec::new())));
            }
            return true;
        }
        loop {
            let Some(key) = self.string() else { return false };
            if whole.is_some_and(|whole| whole.contains(&key)) || !self.eat(b':') {
                return false;
            }
            self.skip_spaces();
            let read = if self.peek() == Some(b'{') && depth < MAX_DEPTH {
                self.pos += 1;
                let len = match whole {
                    Some(_) => {
                        paths.start(key);
                        0
                    }
                    None => paths.enter(key),
                };
                let read = self.members(paths, flat, None, depth + 1);
                paths.leave(len);
                read
            } else if let Some(value) = self.scalar() {
                if whole.is_some() {
                    paths.push_top(flat, key, Cow::Owned(value));
                } else {
                    let len = paths.enter(key);
                    paths.push(flat, 0, Cow::Owned(value));
                    paths.leave(len);
                }
                true
            } else {
                false
            };
            if !read {
                return false;
            }
            if !self.eat(b',') {
                return self.eat(b'}');
            }
        }
    }

    /// A value other than an object (after spaces).
    fn scalar(&mut self) -> Option<Json<'a>> {
        match self.peek()? {
            b'"' => self.string().map(|s| Json::Str(Cow::Borrowed(s))),
            b't' => self.word("true", Json::Bool(true)),
            b'f' => self.word("false", Json::Bool(false)),
            b'n' => self.word("null", Json::Null),
            b'-' | b'0'..=b'9' => self.integer(),
            _ => None,
        }
    }

    fn word(&mut self, word: &str, value: Json<'a>) -> Option<Json<'a>> {
        self.text.get(self.pos..)?.starts_with(word).then(|| {
            self.pos += word.len();
            value
        })
    }

    /// An integer of at most 18 digits (which fits an `i64` either way). serde_json reads `-0`
    /// as a float and refuses a leading zero: both give up, as do a fraction and an exponent.
    fn integer(&mut self) -> Option<Json<'a>> {
        let negative = self.peek() == Some(b'-');
        let start = self.pos + usize::from(negative);
        let rest = self.text.get(start..)?;
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let text = rest.get(..digits)?;
        let plain = (1..=18).contains(&digits) && (digits == 1 || !text.starts_with('0')) && !(negative && text == "0");
        if !plain || matches!(rest.as_bytes().get(digits), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        let v: i64 = text.parse().ok()?;
        self.pos = start + digits;
        Some(Json::Int(if negative { -v } else { v }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::flat::LineSeed;
    use serde::de::DeserializeSeed;

    /// The fields of `line` as (path, value), read by `plain_line` if it takes the line.
    fn plain(line: &str) -> Option<Vec<(String, Json<'_>)>> {
        let mut paths = Paths::default();
        let mut flat = Vec::new();
        plain_line(line, &mut paths, &mut flat, &["hits"]).then(|| {
            flat.into_iter().enumerate().map(|(i, f)| (paths.of(i).to_string(), f.value.into_owned())).collect()
        })
    }

    /// The same read by serde_json, as `LogSink::record_line` does.
    fn by_serde(line: &str) -> Option<Vec<(String, Json<'_>)>> {
        let mut paths = Paths::default();
        let mut flat = Vec::new();
        let mut stopped = false;
        let mut de = serde_json::Deserializer::from_str(line);
        let seed = LineSeed { paths: &mut paths, flat: &mut flat, whole: &["hits"], stopped: &mut stopped };
        match seed.deserialize(&mut de) {
            Ok(None) if de.end().is_ok() => {}
            _ => return None,
        }
        Some(flat.into_iter().enumerate().map(|(i, f)| (paths.of(i).to_string(), f.value.into_owned())).collect())
    }

    #[test]
    fn reads_what_serde_json_reads_or_gives_up() {
        let taken = [
            r#"{"@timestamp":"2024-05-01T12:00:00Z","log.level":"info","message":"hi é","n":-12,"z":0}"#,
            r#"  { "a" : { "b" : { "c" : true } , "d" : {} } , "e" : null , "f" : false , "a" : "again" }  "#,
            r#"{}"#,
            r#"{"big":999999999999999999,"neg":-999999999999999999}"#,
        ];
        for line in taken {
            assert!(plain(line).is_some(), "{line}");
            assert_eq!(plain(line), by_serde(line), "{line}");
        }
        let refused = [
            r#"{"a":"x\"y"}"#,
            "{\"a\":\"tab\there\"}",
            r#"{"a":[1,2]}"#,
            r#"{"a":1.5}"#,
            r#"{"a":1e3}"#,
            r#"{"a":-0}"#,
            r#"{"a":01}"#,
            r#"{"a":1234567890123456789}"#,
            r#"{"a":tru}"#,
            r#"{"a":truex}"#,
            r#"{"a":1,}"#,
            r#"{"a":1} x"#,
            r#"{"a" 1}"#,
            r#"{"hits":{}}"#,
            r#""just text""#,
            r#"{"a":"unterminated}"#,
        ];
        for line in refused {
            assert_eq!(plain(line), None, "{line}");
        }
        let deep = format!("{}1{}", r#"{"a":"#.repeat(70), "}".repeat(70));
        assert_eq!(plain(&deep), None);
        assert!(by_serde(&deep).is_some());
    }
}
