//! A borrowed JSON tree for one log record: log lines have no schema, so a record that is not
//! flattened as it is read (a JSON line is, see `logs::flat`) is read whole, but into vectors of
//! borrowed strings (no maps, no copies of unescaped text), which is several times cheaper than
//! `serde_json::Value`. Only one record (a line read whole, an array element, a search
//! hit) is held at a time. Depth is bounded by serde_json's recursion limit (128).
//! Depends on nothing outside `formats`.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    /// Members in document order; a repeated key keeps every occurrence.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(Cow<'a, str>, Json<'a>)]> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The member `key` of an object (the last one, as `JSON.parse` keeps it).
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        self.as_object()?.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Takes the member `key` out of an object.
    pub fn take(&mut self, key: &str) -> Option<Json<'a>> {
        let Json::Object(members) = self else { return None };
        let pos = members.iter().rposition(|(k, _)| k == key)?;
        Some(members.remove(pos).1)
    }

    /// The same tree with every string owned. Recursion is bounded by serde_json's nesting limit.
    pub fn into_owned(self) -> Json<'static> {
        match self {
            Json::Null => Json::Null,
            Json::Bool(b) => Json::Bool(b),
            Json::Int(i) => Json::Int(i),
            Json::UInt(u) => Json::UInt(u),
            Json::Float(f) => Json::Float(f),
            Json::Str(s) => Json::Str(Cow::Owned(s.into_owned())),
            Json::Array(items) => Json::Array(items.into_iter().map(Json::into_owned).collect()),
            Json::Object(members) => {
                Json::Object(members.into_iter().map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned())).collect())
            }
        }
    }

    /// The text of a scalar as the model keeps it (`record::json_value`: a whole number past
    /// `i64` becomes a float): what resources are keyed by, so that the join of a split file's
    /// parts (`parts::resource_key`, from the values it holds) finds the same resources.
    pub fn kept_text(&self) -> Option<Cow<'_, str>> {
        match self {
            Json::UInt(u) => Some(Cow::Owned((*u as f64).to_string())),
            _ => self.scalar_text(),
        }
    }

    /// Numbers and strings as text (for ids and levels that arrive as either).
    pub fn scalar_text(&self) -> Option<Cow<'_, str>> {
        match self {
            Json::Str(s) => Some(Cow::Borrowed(s)),
            Json::Int(i) => Some(Cow::Owned(i.to_string())),
            Json::UInt(u) => Some(Cow::Owned(u.to_string())),
            Json::Float(f) => Some(Cow::Owned(f.to_string())),
            Json::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            Json::Null | Json::Array(_) | Json::Object(_) => None,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Json<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

pub(crate) struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Json::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(i64::try_from(v).map_or(Json::UInt(v), Json::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Json::Float(v))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element::<Json<'de>>()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(0).clamp(8, 64));
        while let Some(key) = map.next_key::<super::super::builder::Key<'de>>()? {
            let value = map.next_value::<Json<'de>>()?;
            members.push((key.0, value));
        }
        Ok(Json::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_of_value_and_borrows_plain_strings() {
        let text = r#"{"a":"x","b":[1,-2,1.5,18446744073709551615,true,null],"c":{"d":"e\n"},"a":"y"}"#;
        let json: Json = serde_json::from_str(text).unwrap();
        assert_eq!(json.get("a"), Some(&Json::Str(Cow::Borrowed("y"))));
        assert!(matches!(json.get("c").and_then(|c| c.get("d")), Some(Json::Str(Cow::Owned(s))) if s == "e\n"));
        let Some(Json::Array(items)) = json.get("b") else { panic!("array") };
        assert_eq!(
            items,
            &vec![Json::Int(1), Json::Int(-2), Json::Float(1.5), Json::UInt(u64::MAX), Json::Bool(true), Json::Null]
        );
        assert_eq!(json.as_object().map(<[_]>::len), Some(4));
    }
}
