//! Documents are read as text. UTF-8 is checked once per document (or per line of JSON lines)
//! and serde_json reads `&str`: one compiled parser per decoder. (Reading the bytes of a
//! document that is not UTF-8 with serde_json's byte reader compiled every decoder a second
//! time, ~150 kB of the app.)
//!
//! A document that is not UTF-8 is not refused: [`crate::import`] and [`crate::import_part`]
//! read it again with each bad sequence replaced by U+FFFD (�), as a browser shows such text,
//! and a note says where the first one was and how to convert the file.

use crate::ImportError;

/// The message of the error [`text`] gives; [`is_not_utf8`] recognises it.
const NOT_UTF8: &str = "the text is not valid UTF-8 here (Strand reads UTF-8 files; convert the file, e.g. with iconv)";

/// `bytes` as text, or a syntax error at the first byte that is not UTF-8. `line_offset` is
/// added to the line (JSON lines are checked one line at a time).
pub(crate) fn text<'a>(bytes: &'a [u8], file: &str, line_offset: usize) -> Result<&'a str, ImportError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let before = bytes.get(..e.valid_up_to()).unwrap_or(bytes);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1 + line_offset;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let column = before.len() - line_start + 1;
        ImportError::Syntax { file: file.to_string(), line, column, message: NOT_UTF8.to_string() }
    })
}

/// Whether `err` is the error [`text`] gives.
pub(crate) fn is_not_utf8(err: &ImportError) -> bool {
    matches!(err, ImportError::Syntax { message, .. } if message == NOT_UTF8)
}

/// Runs `import` on `bytes`; when it fails because the text is not UTF-8, runs it again on the
/// text with each bad sequence replaced, and adds a note (through `notes`) saying where it was.
pub(crate) fn replacing_bad_text<T>(
    bytes: &[u8],
    mut import: impl FnMut(&[u8]) -> Result<T, ImportError>,
    notes: impl FnOnce(&mut T) -> &mut Vec<String>,
) -> Result<T, ImportError> {
    match import(bytes) {
        Err(err) if is_not_utf8(&err) => {
            let replaced = String::from_utf8_lossy(bytes);
            let mut imported = import(replaced.as_bytes())?;
            if let ImportError::Syntax { file, line, column, .. } = err {
                notes(&mut imported).push(format!(
                    "{file}: the text is not valid UTF-8 (first at line {line}, column {column}); such bytes are \
                     shown as \u{fffd}. Strand reads UTF-8: convert the file (e.g. iconv -f latin1 -t utf-8) to see them"
                ));
            }
            Ok(imported)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(bytes: &[u8], expect: Result<&str, (usize, usize)>) {
        let got = text(bytes, "f.json", 0).map_err(|e| match e {
            ImportError::Syntax { line, column, .. } => (line, column),
            other => panic!("{other}"),
        });
        assert_eq!(got, expect);
    }

    #[test]
    fn the_first_bad_byte_is_located() {
        check(b"{\"a\": 1}", Ok("{\"a\": 1}"));
        check(b"\xff", Err((1, 1)));
        check(b"{\"a\":\n  \"b\xffc\"}", Err((2, 5)));
        check(b"{}\n{}\n\"\xc3\"", Err((3, 2)));
        // A truncated sequence at the end.
        check(b"\"\xe2\x82", Err((1, 2)));
    }

    #[test]
    fn a_bad_document_is_read_again_replaced() {
        let mut calls = Vec::new();
        let result = replacing_bad_text(
            b"ab\xffc",
            |b| {
                calls.push(b.to_vec());
                text(b, "f.json", 0).map(|t| (t.to_string(), Vec::new()))
            },
            |(_, notes)| notes,
        )
        .expect("replaced");
        assert_eq!(result.0, "ab\u{fffd}c");
        assert_eq!(calls.len(), 2);
        assert!(result.1[0].contains("first at line 1, column 3"), "{:?}", result.1);
        // Other errors are not retried.
        let err = replacing_bad_text(
            b"x",
            |_| Err::<((), Vec<String>), _>(ImportError::Empty { file: "f".into() }),
            |(_, n)| n,
        );
        assert!(matches!(err, Err(ImportError::Empty { .. })));
    }
}
