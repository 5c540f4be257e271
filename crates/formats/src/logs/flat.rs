//! A log record flattened: its leaves under dotted paths (`{"log":{"level":"info"}}` is
//! `log.level`), each with the role its name gives it (see [`role_of`]). A record already read
//! into a [`Json`] tree is flattened by walking it; a JSON line is flattened while it is parsed
//! (by `logs::scan` when it is plain, else by serde_json through [`LineSeed`]), so that no tree is
//! built for it. Log lines of one file mostly share their shape: the path, role, interned key and
//! last short text value of the field at each position are kept from the record before and
//! reused when the path (or the text) is the same.
//! Depends on `model` and the other `logs` modules.

use super::json::{Json, JsonVisitor};
use super::roles::{role_of, Role};
use crate::builder::Key;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use strand_model::strings::same_bytes;
use strand_model::{Interner, StrId};

/// One field of a record, flattened: its value (borrowed from a tree, or owned when it was read
/// from a line), layer (fields of higher layers win, see `LogSink::record`) and role, worked out
/// once. Its path is kept by [`Paths`] at the field's position.
pub(crate) struct Field<'j, 'a> {
    pub value: Cow<'j, Json<'a>>,
    pub layer: u8,
    pub role: Option<(Role, u8)>,
}

pub(crate) type Flat<'j, 'a> = Vec<Field<'j, 'a>>;

/// The paths of a record's fields, by position, kept from record to record: log lines of one
/// file mostly share their shape, so a field's path is usually the one at its position in the
/// record before, whose role (and interned key) are then reused.
#[derive(Default)]
pub(crate) struct Paths {
    /// The path being built.
    current: String,
    /// Per field position: the path last flattened there, its role, and its key interned once
    /// the field was kept as an attribute.
    known: Vec<Known>,
}

struct Known {
    path: String,
    role: Option<(Role, u8)>,
    key: Option<StrId>,
    /// The last short text value kept there, interned (a field often keeps its value).
    text: Option<(String, StrId)>,
}

/// Text values up to this long are remembered by position.
const SHORT_TEXT: usize = 64;

impl Paths {
    /// The path of the field at `position` of the record being read.
    pub fn of(&self, position: usize) -> &str {
        self.known.get(position).map_or("", |known| known.path.as_str())
    }

    /// The interned attribute key of the field at `position` (its path without OpenTelemetry's
    /// `attributes.` prefix).
    pub fn key(&mut self, position: usize, strings: &mut Interner) -> StrId {
        let Some(known) = self.known.get_mut(position) else { return StrId::EMPTY };
        *known.key.get_or_insert_with(|| {
            let path = known.path.as_str();
            strings.intern(path.strip_prefix("attributes.").filter(|k| !k.is_empty()).unwrap_or(path))
        })
    }

    /// The interned `text`, a string value of the field at `position`.
    pub fn text(&mut self, position: usize, text: &str, strings: &mut Interner) -> StrId {
        let Some(known) = self.known.get_mut(position).filter(|_| text.len() <= SHORT_TEXT) else {
            return strings.intern(text);
        };
        match &mut known.text {
            Some((last, id)) if same_bytes(last.as_bytes(), text.as_bytes()) => *id,
            Some((last, id)) => {
                *id = strings.intern(text);
                last.clear();
                last.push_str(text);
                *id
            }
            None => {
                let id = strings.intern(text);
                known.text = Some((text.to_string(), id));
                id
            }
        }
    }

    /// Starts the path of a top-level field.
    pub fn start(&mut self, key: &str) {
        self.current.clear();
        self.current.push_str(key);
    }

    /// Adds `key` to the path being built (a member of a nested object); returns the length to
    /// go back to with [`Paths::leave`].
    pub fn enter(&mut self, key: &str) -> usize {
        let len = self.current.len();
        self.current.push('.');
        self.current.push_str(key);
        len
    }

    pub fn leave(&mut self, len: usize) {
        self.current.truncate(len);
    }

    /// Adds the field being built, with `value`.
    pub fn push<'j, 'a>(&mut self, flat: &mut Flat<'j, 'a>, layer: u8, value: Cow<'j, Json<'a>>) {
        let role = place(&mut self.known, flat.len(), &self.current);
        flat.push(Field { value, layer, role });
    }

    /// Adds a top-level field that is not an object: `key` is its path.
    pub fn push_top<'j, 'a>(&mut self, flat: &mut Flat<'j, 'a>, key: &str, value: Cow<'j, Json<'a>>) {
        let role = place(&mut self.known, flat.len(), key);
        flat.push(Field { value, layer: 0, role });
    }

    /// Appends the leaves of `value` to `flat` under the path started with [`Paths::start`]
    /// (nested object keys are added to it). Recursion is bounded by serde_json's nesting limit.
    pub fn flatten<'j, 'a>(&mut self, flat: &mut Flat<'j, 'a>, layer: u8, value: &'j Json<'a>) {
        match value {
            Json::Object(members) if !members.is_empty() => {
                for (key, member) in members {
                    let len = self.enter(key);
                    self.flatten(flat, layer, member);
                    self.leave(len);
                }
            }
            _ => self.push(flat, layer, Cow::Borrowed(value)),
        }
    }
}

/// Puts `path` at `position` and returns its role, worked out unless the path is the one
/// already there.
fn place(known: &mut Vec<Known>, position: usize, path: &str) -> Option<(Role, u8)> {
    match known.get_mut(position) {
        Some(known) if same_bytes(known.path.as_bytes(), path.as_bytes()) => known.role,
        Some(known) => {
            known.path.clear();
            known.path.push_str(path);
            known.role = role_of(path);
            known.key = None;
            known.role
        }
        None => {
            let role = role_of(path);
            known.push(Known { path: path.to_string(), role, key: None, text: None });
            role
        }
    }
}

/// Reads one JSON value (a log line) and flattens it as it is parsed when it is an object (the
/// value is then `None`); any other value is returned whole. An object with a top-level key in
/// `whole` stops the reading (an error, with `stopped` set): the caller reads it again as a tree.
pub(crate) struct LineSeed<'x, 'j, 'de> {
    pub paths: &'x mut Paths,
    pub flat: &'x mut Flat<'j, 'de>,
    pub whole: &'x [&'x str],
    pub stopped: &'x mut bool,
}

impl<'de> DeserializeSeed<'de> for LineSeed<'_, '_, 'de> {
    type Value = Option<Json<'de>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// Visits a value that is not a flattened object: the value whole, as [`Json`] reads it, for the
/// visitor's `take`.
macro_rules! whole_value {
    () => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            JsonVisitor.visit_unit().map(|value| self.take(value))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            JsonVisitor.visit_none().map(|value| self.take(value))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            JsonVisitor.visit_bool(v).map(|value| self.take(value))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            JsonVisitor.visit_i64(v).map(|value| self.take(value))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            JsonVisitor.visit_u64(v).map(|value| self.take(value))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            JsonVisitor.visit_f64(v).map(|value| self.take(value))
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            JsonVisitor.visit_borrowed_str(v).map(|value| self.take(value))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            JsonVisitor.visit_str(v).map(|value| self.take(value))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            JsonVisitor.visit_string(v).map(|value| self.take(value))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            JsonVisitor.visit_seq(seq).map(|value| self.take(value))
        }
    };
}

impl<'de> LineSeed<'_, '_, 'de> {
    fn take(self, value: Json<'de>) -> Option<Json<'de>> {
        Some(value)
    }
}

impl<'de> Visitor<'de> for LineSeed<'_, '_, 'de> {
    type Value = Option<Json<'de>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    whole_value!();
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if self.whole.contains(&key.0.as_ref()) {
                *self.stopped = true;
                return Err(de::Error::custom("a record to read whole"));
            }
            self.paths.start(&key.0);
            map.next_value_seed(Leaves { paths: self.paths, flat: self.flat })?;
        }
        Ok(None)
    }
}

/// A member's value, flattened under the path being built (layer 0: a line's own fields).
struct Leaves<'x, 'j, 'de> {
    paths: &'x mut Paths,
    flat: &'x mut Flat<'j, 'de>,
}

impl<'de> DeserializeSeed<'de> for Leaves<'_, '_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Leaves<'_, '_, 'de> {
    fn take(self, value: Json<'de>) {
        self.paths.push(self.flat, 0, Cow::Owned(value));
    }
}

impl<'de> Visitor<'de> for Leaves<'_, '_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    whole_value!();
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut empty = true;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            empty = false;
            let len = self.paths.enter(&key.0);
            map.next_value_seed(Leaves { paths: self.paths, flat: self.flat })?;
            self.paths.leave(len);
        }
        if empty {
            self.paths.push(self.flat, 0, Cow::Owned(Json::Object(Vec::new())));
        }
        Ok(())
    }
}
