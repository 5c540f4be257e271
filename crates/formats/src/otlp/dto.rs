//! The wire shapes of OTLP JSON as borrowed DTOs: `TracesData` down to `AnyValue` (both spellings of every key, bare scalars read as their JSON type).

use super::*;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct TracesData<'a> {
    #[serde(borrow, default, alias = "resource_spans")]
    pub(super) resource_spans: Option<Vec<ResourceSpans<'a>>>,
    #[serde(borrow, default)]
    pub(super) batches: Option<Vec<ResourceSpans<'a>>>,
    /// Jaeger API v3 envelope.
    #[serde(borrow, default)]
    pub(super) result: Option<Box<TracesData<'a>>>,
    /// Tempo API v2 envelope.
    #[serde(borrow, default)]
    pub(super) trace: Option<Box<TracesData<'a>>>,
    /// A bare `ResourceSpans` instead of a `TracesData`, as the Java SDK's `logging-otlp`
    /// exporter writes one per line.
    #[serde(borrow, default)]
    pub(super) resource: BareResource<'a>,
    #[serde(borrow, default, alias = "scope_spans")]
    pub(super) scope_spans: Option<Vec<ScopeSpans<'a>>>,
    #[serde(borrow, default, alias = "instrumentation_library_spans")]
    pub(super) instrumentation_library_spans: Option<Vec<ScopeSpans<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ResourceSpans<'a> {
    #[serde(borrow, default)]
    pub(super) resource: Option<ResourceDto<'a>>,
    #[serde(borrow, default, alias = "scope_spans")]
    pub(super) scope_spans: Option<Vec<ScopeSpans<'a>>>,
    #[serde(borrow, default, alias = "instrumentation_library_spans")]
    pub(super) instrumentation_library_spans: Option<Vec<ScopeSpans<'a>>>,
}

#[derive(Deserialize, Default)]
pub(crate) struct ResourceDto<'a> {
    #[serde(borrow, default)]
    pub(crate) attributes: Vec<KeyValueDto<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ScopeSpans<'a> {
    #[serde(borrow, default)]
    pub(super) scope: Option<ScopeDto<'a>>,
    #[serde(borrow, default, alias = "instrumentation_library")]
    pub(super) instrumentation_library: Option<ScopeDto<'a>>,
    #[serde(borrow, default)]
    pub(super) spans: Vec<SpanDto<'a>>,
}

#[derive(Deserialize, Default)]
pub(crate) struct ScopeDto<'a> {
    #[serde(borrow, default)]
    pub(crate) name: LenientStr<'a>,
    #[serde(borrow, default)]
    pub(crate) version: LenientStr<'a>,
    #[serde(borrow, default)]
    pub(crate) attributes: Vec<KeyValueDto<'a>>,
}

impl ScopeDto<'_> {
    /// Converts like no scope at all.
    pub(super) fn is_empty(&self) -> bool {
        self.name.as_str().is_empty() && self.version.as_str().is_empty() && self.attributes.is_empty()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SpanDto<'a> {
    #[serde(borrow, default, alias = "trace_id")]
    pub(super) trace_id: LenientStr<'a>,
    #[serde(borrow, default, alias = "span_id")]
    pub(super) span_id: LenientStr<'a>,
    #[serde(borrow, default, alias = "parent_span_id")]
    pub(super) parent_span_id: LenientStr<'a>,
    #[serde(borrow, default, alias = "trace_state")]
    pub(super) trace_state: LenientStr<'a>,
    #[serde(borrow, default)]
    pub(super) name: LenientStr<'a>,
    #[serde(borrow, default)]
    pub(super) kind: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "start_time_unix_nano")]
    pub(super) start_time_unix_nano: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "end_time_unix_nano")]
    pub(super) end_time_unix_nano: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    pub(super) attributes: Vec<KeyValueDto<'a>>,
    #[serde(borrow, default)]
    pub(super) events: Vec<EventDto<'a>>,
    #[serde(borrow, default)]
    pub(super) links: Vec<LinkDto<'a>>,
    #[serde(borrow, default)]
    pub(super) status: Option<StatusDto<'a>>,
    #[serde(borrow, default)]
    pub(super) flags: Option<Scalar<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct EventDto<'a> {
    #[serde(borrow, default, alias = "time_unix_nano")]
    pub(super) time_unix_nano: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    pub(super) name: LenientStr<'a>,
    #[serde(borrow, default)]
    pub(super) attributes: Vec<KeyValueDto<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct LinkDto<'a> {
    #[serde(borrow, default, alias = "trace_id")]
    pub(super) trace_id: LenientStr<'a>,
    #[serde(borrow, default, alias = "span_id")]
    pub(super) span_id: LenientStr<'a>,
    #[serde(borrow, default)]
    pub(super) attributes: Vec<KeyValueDto<'a>>,
}

#[derive(Deserialize)]
pub(super) struct StatusDto<'a> {
    #[serde(borrow, default)]
    pub(super) code: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    pub(super) message: LenientStr<'a>,
}

#[derive(Deserialize)]
pub(crate) struct KeyValueDto<'a> {
    #[serde(borrow, default)]
    pub(crate) key: LenientStr<'a>,
    #[serde(borrow, default)]
    pub(crate) value: Option<AnyValueDto<'a>>,
}

/// An `AnyValue`, reduced to the field that counts: `stringValue`, else `intValue`,
/// `doubleValue`, `boolValue`, `bytesValue`, `arrayValue`, `kvlistValue`. The others are read
/// (and checked) all the same. Reads exactly like the derived [`AnyValueFields`] (same names,
/// aliases, `null`s and errors), in a quarter of the size: attributes are most of a span.
pub(crate) enum AnyValueDto<'a> {
    Empty,
    Str(LenientStr<'a>),
    Int(Scalar<'a>),
    Double(Scalar<'a>),
    Bool(Scalar<'a>),
    Bytes(LenientStr<'a>),
    Array(Vec<AnyValueDto<'a>>),
    KvList(Vec<KeyValueDto<'a>>),
    /// A bare JSON scalar where an `AnyValue` object belongs (`"value": "text"`, `5`, `true`):
    /// not OTLP, but a clear intent that some tools write; read as its JSON type, with a note.
    Bare(Scalar<'a>),
}

impl<'a> AnyValueDto<'a> {
    /// Which field wins when several are given: lower is stronger.
    pub(super) fn rank(&self) -> u8 {
        match self {
            AnyValueDto::Str(_) => 0,
            AnyValueDto::Int(_) => 1,
            AnyValueDto::Double(_) => 2,
            AnyValueDto::Bool(_) => 3,
            AnyValueDto::Bytes(_) => 4,
            AnyValueDto::Array(_) => 5,
            AnyValueDto::KvList(_) => 6,
            AnyValueDto::Bare(_) => 7,
            AnyValueDto::Empty => 8,
        }
    }

    /// Keeps `other` if it is stronger.
    pub(super) fn keep(&mut self, other: AnyValueDto<'a>) {
        if other.rank() < self.rank() {
            *self = other;
        }
    }

    pub(super) fn from_fields(f: AnyValueFields<'a>) -> AnyValueDto<'a> {
        let mut v = AnyValueDto::Empty;
        v.keep(f.kvlist_value.map_or(AnyValueDto::Empty, |x| AnyValueDto::KvList(x.values)));
        v.keep(f.array_value.map_or(AnyValueDto::Empty, |x| AnyValueDto::Array(x.values)));
        v.keep(f.bytes_value.map_or(AnyValueDto::Empty, AnyValueDto::Bytes));
        v.keep(f.bool_value.map_or(AnyValueDto::Empty, AnyValueDto::Bool));
        v.keep(f.double_value.map_or(AnyValueDto::Empty, AnyValueDto::Double));
        v.keep(f.int_value.map_or(AnyValueDto::Empty, AnyValueDto::Int));
        v.keep(f.string_value.map_or(AnyValueDto::Empty, AnyValueDto::Str));
        v
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for AnyValueDto<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnyValueDto<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("struct AnyValueDto")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(AnyValueDto::Bare(Scalar::Text(std::borrow::Cow::Owned(v.to_string()))))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(AnyValueDto::Bare(Scalar::Text(std::borrow::Cow::Borrowed(v))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(AnyValueDto::Bare(Scalar::Int(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(AnyValueDto::Bare(Scalar::UInt(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(AnyValueDto::Bare(Scalar::Float(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(AnyValueDto::Bare(Scalar::Bool(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                let fields = AnyValueFields::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(AnyValueDto::from_fields(fields))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                const NAMES: [&str; 7] =
                    ["stringValue", "boolValue", "intValue", "doubleValue", "bytesValue", "arrayValue", "kvlistValue"];
                let mut value = AnyValueDto::Empty;
                let mut seen = [false; 7];
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    let field = match key.0.as_ref() {
                        "stringValue" | "string_value" => 0,
                        "boolValue" | "bool_value" => 1,
                        "intValue" | "int_value" => 2,
                        "doubleValue" | "double_value" => 3,
                        "bytesValue" | "bytes_value" => 4,
                        "arrayValue" | "array_value" => 5,
                        "kvlistValue" | "kvlist_value" => 6,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    if let Some(seen) = seen.get_mut(field) {
                        if *seen {
                            return Err(de::Error::duplicate_field(NAMES.get(field).copied().unwrap_or("")));
                        }
                        *seen = true;
                    }
                    let read = match field {
                        0 => map.next_value::<Option<LenientStr<'de>>>()?.map(AnyValueDto::Str),
                        1 => map.next_value::<Option<Scalar<'de>>>()?.map(AnyValueDto::Bool),
                        2 => map.next_value::<Option<Scalar<'de>>>()?.map(AnyValueDto::Int),
                        3 => map.next_value::<Option<Scalar<'de>>>()?.map(AnyValueDto::Double),
                        4 => map.next_value::<Option<LenientStr<'de>>>()?.map(AnyValueDto::Bytes),
                        5 => map.next_value::<Option<ValuesDto<'de>>>()?.map(|x| AnyValueDto::Array(x.values)),
                        _ => map.next_value::<Option<KvListDto<'de>>>()?.map(|x| AnyValueDto::KvList(x.values)),
                    };
                    if let Some(read) = read {
                        value.keep(read);
                    }
                }
                Ok(value)
            }
        }
        d.deserialize_any(V)
    }
}

/// The fields of an `AnyValue`, for the rare value written as an array of its fields.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct AnyValueFields<'a> {
    #[serde(borrow, default, alias = "string_value")]
    pub(super) string_value: Option<LenientStr<'a>>,
    #[serde(borrow, default, alias = "bool_value")]
    pub(super) bool_value: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "int_value")]
    pub(super) int_value: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "double_value")]
    pub(super) double_value: Option<Scalar<'a>>,
    #[serde(borrow, default, alias = "bytes_value")]
    pub(super) bytes_value: Option<LenientStr<'a>>,
    #[serde(borrow, default, alias = "array_value")]
    pub(super) array_value: Option<ValuesDto<'a>>,
    #[serde(borrow, default, alias = "kvlist_value")]
    pub(super) kvlist_value: Option<KvListDto<'a>>,
}

#[derive(Deserialize)]
pub(super) struct ValuesDto<'a> {
    #[serde(borrow, default)]
    pub(super) values: Vec<AnyValueDto<'a>>,
}

#[derive(Deserialize)]
pub(super) struct KvListDto<'a> {
    #[serde(borrow, default)]
    pub(super) values: Vec<KeyValueDto<'a>>,
}

/// The `resource` of a bare `ResourceSpans` at the top of a document: a resource object, or
/// anything else a document may hold under that name, ignored (such a document loaded before
/// bare `ResourceSpans` were read).
#[derive(Default)]
pub(crate) struct BareResource<'a>(pub(crate) Option<ResourceDto<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for BareResource<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BareResource<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a resource")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                ResourceDto::deserialize(de::value::MapAccessDeserializer::new(map)).map(|r| BareResource(Some(r)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(BareResource(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(BareResource(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(BareResource(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(BareResource(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(BareResource(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(BareResource(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(BareResource(None))
            }
        }
        d.deserialize_any(V)
    }
}
