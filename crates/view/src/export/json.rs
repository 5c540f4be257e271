//! A minimal streaming JSON writer shared by the exporters: objects, arrays, keys, strings and
//! raw scalars, compact or indented, handed out in chunks. Depends on nothing outside `view`.

use super::JsonStyle;
use std::fmt::Write;

/// A minimal streaming JSON writer: objects, arrays, keys, strings and raw scalars, compact or
/// indented. The caller keeps the structure well formed.
pub(crate) struct JsonWriter {
    pub(crate) out: String,
    style: JsonStyle,
    /// Per open container: whether it has a member yet.
    open: Vec<bool>,
    /// A key was just written: the next value follows it on the same line.
    after_key: bool,
}

impl JsonWriter {
    pub(crate) fn new(style: JsonStyle) -> JsonWriter {
        JsonWriter { out: String::new(), style, open: Vec::new(), after_key: false }
    }

    /// Hands what is written so far to `emit` once it holds `chunk_bytes`; `false` if `emit`
    /// asked to stop.
    pub(crate) fn flush_over(&mut self, chunk_bytes: usize, emit: &mut dyn FnMut(String) -> bool) -> bool {
        self.out.len() < chunk_bytes || emit(std::mem::take(&mut self.out))
    }

    /// Ends the document (a newline after indented output) and hands the rest to `emit`.
    pub(crate) fn finish(&mut self, emit: &mut dyn FnMut(String) -> bool) -> bool {
        if self.style == JsonStyle::Pretty {
            self.out.push('\n');
        }
        emit(std::mem::take(&mut self.out))
    }

    /// Separator and indentation before a member or element.
    pub(crate) fn before_item(&mut self) {
        if self.after_key {
            self.after_key = false;
            return;
        }
        if let Some(has_member) = self.open.last_mut() {
            if *has_member {
                self.out.push(',');
            }
            *has_member = true;
            self.newline(self.open.len());
        }
    }

    pub(crate) fn newline(&mut self, depth: usize) {
        if self.style == JsonStyle::Pretty {
            self.out.push('\n');
            for _ in 0..depth {
                self.out.push_str("  ");
            }
        }
    }

    pub(crate) fn begin_object(&mut self) {
        self.before_item();
        self.out.push('{');
        self.open.push(false);
    }

    pub(crate) fn end_object(&mut self) {
        self.close('}');
    }

    pub(crate) fn begin_array(&mut self) {
        self.before_item();
        self.out.push('[');
        self.open.push(false);
    }

    pub(crate) fn end_array(&mut self) {
        self.close(']');
    }

    pub(crate) fn close(&mut self, bracket: char) {
        if self.open.pop() == Some(true) {
            self.newline(self.open.len());
        }
        self.out.push(bracket);
    }

    pub(crate) fn key(&mut self, key: &str) {
        self.before_item();
        push_json_string(&mut self.out, key);
        self.out.push(':');
        if self.style == JsonStyle::Pretty {
            self.out.push(' ');
        }
        self.after_key = true;
    }

    pub(crate) fn string(&mut self, s: &str) {
        self.before_item();
        push_json_string(&mut self.out, s);
    }

    pub(crate) fn raw(&mut self, text: &str) {
        self.before_item();
        self.out.push_str(text);
    }
}

pub(crate) fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
