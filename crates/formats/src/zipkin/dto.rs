//! The wire shapes of Zipkin JSON (v2, and the v1 fields) as borrowed DTOs, with lenient readers for numbers, flags and tags.

use super::*;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct SpanDto<'a> {
    #[serde(borrow, default)]
    pub(super) trace_id: LenientStr<'a>,
    #[serde(borrow, default)]
    pub(super) id: LenientStr<'a>,
    #[serde(borrow, default)]
    pub(super) parent_id: LenientStr<'a>,
    /// Empty when absent (a local span).
    #[serde(borrow, default)]
    pub(super) kind: LenientStr<'a>,
    #[serde(borrow, default)]
    pub(super) name: LenientStr<'a>,
    #[serde(default)]
    pub(super) timestamp: Num,
    #[serde(default)]
    pub(super) duration: Num,
    #[serde(borrow, default)]
    pub(super) local_endpoint: Option<EndpointDto<'a>>,
    #[serde(borrow, default)]
    pub(super) remote_endpoint: Option<EndpointDto<'a>>,
    #[serde(borrow, default)]
    pub(super) tags: Tags<'a>,
    #[serde(borrow, default)]
    pub(super) annotations: Option<Vec<AnnotationDto<'a>>>,
    #[serde(default)]
    pub(super) shared: Flag,
    #[serde(default)]
    pub(super) debug: Flag,
    /// Zipkin v1 only: tags and addresses, each with the endpoint that recorded it.
    #[serde(borrow, default)]
    pub(super) binary_annotations: Option<Vec<v1::BinaryAnnotationDto<'a>>>,
}

impl SpanDto<'_> {
    /// A Zipkin v1 span: it has `binaryAnnotations`, or annotations that carry their endpoint.
    /// (A span with neither reads the same either way.)
    pub(super) fn is_v1(&self) -> bool {
        self.binary_annotations.is_some() || self.annotations.iter().flatten().any(|a| a.endpoint.is_some())
    }
}

#[derive(Deserialize, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub(super) struct EndpointDto<'a> {
    #[serde(borrow, default)]
    pub(super) service_name: LenientStr<'a>,
    #[serde(borrow, default)]
    pub(super) ipv4: LenientStr<'a>,
    #[serde(borrow, default)]
    pub(super) ipv6: LenientStr<'a>,
    #[serde(default)]
    pub(super) port: Num,
}

#[derive(Deserialize, PartialEq)]
pub(super) struct AnnotationDto<'a> {
    #[serde(default)]
    pub(super) timestamp: Num,
    #[serde(borrow, default)]
    pub(super) value: LenientStr<'a>,
    /// Zipkin v1 only: the host that recorded the annotation.
    #[serde(borrow, default)]
    pub(super) endpoint: Option<EndpointDto<'a>>,
}

/// A JSON number that may arrive as a string (µs times, ports). Absent, `null` and unreadable
/// values are told apart; 16 bytes, so the span DTOs stay small.
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub(super) enum Num {
    #[default]
    Absent,
    Null,
    Int(i64),
    Float(f64),
    /// A string that is not a number, a boolean, an array or an object.
    Invalid,
}

impl Num {
    pub(super) fn from_text(s: &str) -> Num {
        let t = s.trim();
        match t.parse::<i64>() {
            Ok(i) => Num::Int(i),
            Err(_) => match t.parse::<f64>() {
                Ok(f) if f.is_finite() => Num::Float(f),
                _ => Num::Invalid,
            },
        }
    }

    /// Microseconds to nanoseconds, saturating; fractions of a µs are kept.
    pub(super) fn micros_to_ns(self) -> Option<i64> {
        match self {
            Num::Int(i) => Some(i.saturating_mul(1000)),
            // `as` saturates at the i64 bounds.
            Num::Float(f) if f.is_finite() => Some((f * 1000.0) as i64),
            _ => None,
        }
    }

    pub(super) fn as_int(self) -> Option<i64> {
        match self {
            Num::Int(i) => Some(i),
            Num::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.2e18 => Some(f as i64),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(i64::try_from(v).map_or(Num::Float(v as f64), Num::Int))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                Ok(Num::Float(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
                Ok(Num::from_text(v))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Num, E> {
                Ok(Num::Invalid)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Num, E> {
                Ok(Num::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Num, E> {
                Ok(Num::Null)
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Num, S::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Num::Invalid)
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Num, M::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Num::Invalid)
            }
        }
        d.deserialize_any(V)
    }
}

/// A boolean that may arrive as a string or number; anything unreadable is false.
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub(super) struct Flag(pub(super) bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a boolean")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Flag, E> {
                Ok(Flag(v != 0))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Flag, E> {
                Ok(Flag(v != 0))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Flag, E> {
                Ok(Flag(v != 0.0))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
                Ok(Flag(Scalar::Text(Cow::Borrowed(v)).as_bool().unwrap_or(false)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Flag, E> {
                Ok(Flag(false))
            }
            fn visit_none<E: de::Error>(self) -> Result<Flag, E> {
                Ok(Flag(false))
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Flag, S::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Flag(false))
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Flag, M::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Flag(false))
            }
        }
        d.deserialize_any(V)
    }
}

/// The `tags` object in file order; `null` reads as no tags.
#[derive(Default)]
pub(super) struct Tags<'a>(pub(super) Vec<(LenientStr<'a>, TagValue<'a>)>);

/// A tag value: Zipkin says string, reporters sometimes send numbers, booleans, null or worse.
pub(super) enum TagValue<'a> {
    Text(Cow<'a, str>),
    /// A JSON array or object, which no Zipkin tag can hold; skipped over, reported.
    Composite(&'static str),
}

impl<'de: 'a, 'a> Deserialize<'de> for Tags<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Tags<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of string tags")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
                while let Some(entry) = map.next_entry::<LenientStr<'de>, TagValue<'de>>()? {
                    out.push(entry);
                }
                Ok(Tags(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Tags::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Tags::default())
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for TagValue<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TagValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a tag value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(TagValue::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(TagValue::Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(TagValue::Text(Cow::Owned(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(TagValue::Text(Cow::Owned(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(TagValue::Text(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(TagValue::Text(Cow::Owned(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(TagValue::Text(Cow::Borrowed(if v { "true" } else { "false" })))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TagValue::Text(Cow::Borrowed("")))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TagValue::Text(Cow::Borrowed("")))
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(TagValue::Composite("an array"))
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(TagValue::Composite("an object"))
            }
        }
        d.deserialize_any(V)
    }
}
