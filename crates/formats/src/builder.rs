//! Shared helpers for the importers: a set of traces keyed by trace id, pool appends that keep
//! ranges contiguous, and lenient scalar decoding (numbers sent as strings and the reverse).
//! Depends on `model` only.

use base64::Engine;
use hashbrown::HashMap;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;
use strand_model::{Interner, KeyValue, Range32, StrId, Trace, TraceId, Value};

/// Traces found in one document, in order of first appearance, keyed by trace id. Remembers the
/// last trace looked up: the spans of one trace nearly always come together.
pub struct TraceSet {
    pub list: Vec<Trace>,
    index: HashMap<TraceId, usize>,
    source: StrId,
    last: Option<(TraceId, usize)>,
}

impl TraceSet {
    pub fn new(source: StrId) -> TraceSet {
        TraceSet { list: Vec::new(), index: HashMap::new(), source, last: None }
    }

    /// The position in `list` of the trace with this id, created on first use.
    pub fn position(&mut self, trace_id: TraceId) -> usize {
        if let Some((last, pos)) = self.last {
            if last == trace_id {
                return pos;
            }
        }
        let pos = match self.index.get(&trace_id) {
            Some(&pos) => pos,
            None => {
                let mut trace = Trace::new(trace_id);
                trace.sources.push(self.source);
                self.list.push(trace);
                let pos = self.list.len() - 1;
                self.index.insert(trace_id, pos);
                pos
            }
        };
        self.last = Some((trace_id, pos));
        pos
    }

    /// The trace with this id, created on first use, with its position. `None` never happens
    /// (`position` always returns a valid index); callers treat it as "nothing to do".
    pub fn get(&mut self, trace_id: TraceId) -> Option<(usize, &mut Trace)> {
        let pos = self.position(trace_id);
        self.list.get_mut(pos).map(|t| (pos, t))
    }

    pub fn finish(self) -> Vec<Trace> {
        self.list
    }
}

/// Appends `scratch` to the trace's attribute pool as one range and clears it.
pub fn push_attrs(trace: &mut Trace, scratch: &mut Vec<KeyValue>) -> Range32 {
    if scratch.is_empty() {
        return Range32::EMPTY;
    }
    let start = trace.attrs.len();
    trace.attrs.append(scratch);
    Range32::from_bounds(start, trace.attrs.len())
}

/// Appends `scratch` to the trace's array-value pool as one range and clears it.
pub fn push_values(trace: &mut Trace, scratch: &mut Vec<Value>) -> Range32 {
    if scratch.is_empty() {
        return Range32::EMPTY;
    }
    let start = trace.values.len();
    trace.values.append(scratch);
    Range32::from_bounds(start, trace.values.len())
}

pub fn push_bytes(trace: &mut Trace, bytes: &[u8]) -> Value {
    let start = trace.bytes.len();
    trace.bytes.extend_from_slice(bytes);
    Value::Bytes(Range32::from_bounds(start, trace.bytes.len()))
}

pub fn str_kv(strings: &mut Interner, key: &str, value: &str) -> KeyValue {
    KeyValue { key: strings.intern(key), value: Value::Str(strings.intern(value)) }
}

/// Standard base64 (padded or not), then the URL-safe alphabet.
pub fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let engines = [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    engines.iter().find_map(|e| e.decode(s.trim()).ok())
}

/// A JSON scalar that should be a number but may arrive as a string (int64 and nanosecond
/// times in OTLP and Jaeger), or a string that may arrive as a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar<'a> {
    Int(i64),
    UInt(u64),
    Float(f64),
    Bool(bool),
    Text(Cow<'a, str>),
    Null,
}

impl Scalar<'_> {
    /// The value as an integer: numbers as they are (floats truncated when integral-ish),
    /// strings parsed as decimal integers. `None` when it cannot be one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Scalar::Int(i) => Some(*i),
            Scalar::UInt(u) => i64::try_from(*u).ok(),
            Scalar::Float(f) if f.is_finite() && f.abs() < 9.2e18 => Some(*f as i64),
            Scalar::Text(s) => {
                let t = s.trim();
                t.parse::<i64>()
                    .ok()
                    .or_else(|| t.parse::<f64>().ok().filter(|f| f.is_finite() && f.abs() < 9.2e18).map(|f| f as i64))
            }
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Scalar::UInt(u) => Some(*u),
            Scalar::Text(s) => s.trim().parse::<u64>().ok(),
            other => other.as_i64().and_then(|i| u64::try_from(i).ok()),
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Scalar::Int(i) => Some(*i as f64),
            Scalar::UInt(u) => Some(*u as f64),
            Scalar::Float(f) => Some(*f),
            Scalar::Text(s) => match s.trim() {
                "NaN" => Some(f64::NAN),
                "Infinity" => Some(f64::INFINITY),
                "-Infinity" => Some(f64::NEG_INFINITY),
                t => t.parse::<f64>().ok(),
            },
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Scalar::Bool(b) => Some(*b),
            Scalar::Text(s) => match s.trim() {
                "true" | "True" | "TRUE" | "1" => Some(true),
                "false" | "False" | "FALSE" | "0" => Some(false),
                _ => None,
            },
            Scalar::Int(i) => Some(*i != 0),
            Scalar::UInt(u) => Some(*u != 0),
            _ => None,
        }
    }

    /// The value as text, whatever its JSON type.
    pub fn to_text(&self) -> Cow<'_, str> {
        match self {
            Scalar::Text(s) => Cow::Borrowed(s.as_ref()),
            Scalar::Int(i) => Cow::Owned(i.to_string()),
            Scalar::UInt(u) => Cow::Owned(u.to_string()),
            Scalar::Float(f) => Cow::Owned(f.to_string()),
            Scalar::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Scalar::Null => Cow::Borrowed(""),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, string, boolean or null")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(i64::try_from(v).map_or(Scalar::UInt(v), Scalar::Int))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Scalar::Float(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Scalar::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Scalar::Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Scalar::Text(Cow::Owned(v)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(V)
            }
        }
        d.deserialize_any(V)
    }
}

/// A map key, borrowed when it has no escapes.
pub struct Key<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("field identifier")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_identifier(V)
    }
}

/// A string field that tolerates `null` and non-string scalars (kept as their text).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LenientStr<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for LenientStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let scalar = Scalar::deserialize(d)?;
        Ok(LenientStr(match scalar {
            Scalar::Text(s) => s,
            other => Cow::Owned(other.to_text().into_owned()),
        }))
    }
}

impl LenientStr<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_accept_numbers_as_strings_and_back() {
        let s: Vec<Scalar> =
            serde_json::from_str(r#"[1, "2", 3.5, "9223372036854775222", true, null, "x", 18446744073709551615]"#)
                .unwrap();
        assert_eq!(s[0].as_i64(), Some(1));
        assert_eq!(s[1].as_i64(), Some(2));
        assert_eq!(s[2].as_i64(), Some(3));
        assert_eq!(s[3].as_i64(), Some(9_223_372_036_854_775_222));
        assert_eq!(s[4].as_bool(), Some(true));
        assert_eq!(s[5], Scalar::Null);
        assert_eq!(s[6].as_i64(), None);
        assert_eq!(s[7].as_u64(), Some(u64::MAX));
        let l: Vec<LenientStr> = serde_json::from_str(r#"["a", 5, null]"#).unwrap();
        assert_eq!(l.iter().map(|x| x.as_str()).collect::<Vec<_>>(), ["a", "5", ""]);
    }

    #[test]
    fn base64_variants_decode() {
        assert_eq!(decode_base64("AQID"), Some(vec![1, 2, 3]));
        assert_eq!(decode_base64("AQI="), Some(vec![1, 2]));
        assert_eq!(decode_base64("AQI"), Some(vec![1, 2]));
        assert_eq!(decode_base64("-_8"), Some(vec![0xfb, 0xff]));
        assert_eq!(decode_base64("!!"), None);
    }
}
