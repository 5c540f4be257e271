//! The wire shapes of Jaeger JSON as borrowed DTOs, and their lenient readers (typed tag values, the processes map, source warnings).

use super::*;

/// A top-level object: the query API envelope, or a bare trace.
#[derive(Deserialize)]
#[serde(expecting = "a Jaeger API response {\"data\":[…]} or a trace {traceID, spans, processes}")]
pub(super) struct DocDto<'a> {
    #[serde(borrow, default)]
    pub(super) data: Option<Vec<NodeDto<'a>>>,
    #[serde(borrow, default)]
    pub(super) errors: Option<Vec<ErrorDto<'a>>>,
    #[serde(borrow, default, rename = "traceID")]
    pub(super) trace_id: LenientStr<'a>,
    #[serde(borrow, default)]
    pub(super) spans: Option<Vec<NodeDto<'a>>>,
    #[serde(borrow, default)]
    pub(super) processes: Option<ProcessMap<'a>>,
    #[serde(borrow, default)]
    pub(super) warnings: SourceWarnings<'a>,
}

/// A span, or (as an element of a top-level array or of `data`) a whole trace: the union of the
/// fields of both. An element with `spans` (or `processes`) is a trace, anything else a span.
#[derive(Deserialize)]
#[serde(expecting = "a Jaeger trace or span object")]
pub(super) struct NodeDto<'a> {
    #[serde(borrow, default, rename = "traceID")]
    pub(super) trace_id: LenientStr<'a>,
    #[serde(borrow, default, rename = "spanID")]
    pub(super) span_id: LenientStr<'a>,
    #[serde(borrow, default, rename = "parentSpanID")]
    pub(super) parent_span_id: LenientStr<'a>,
    #[serde(borrow, default, rename = "operationName")]
    pub(super) operation_name: LenientStr<'a>,
    #[serde(borrow, default)]
    pub(super) references: Option<Vec<RefDto<'a>>>,
    #[serde(borrow, default)]
    pub(super) flags: Option<Scalar<'a>>,
    #[serde(borrow, default, rename = "startTime")]
    pub(super) start_time: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    pub(super) duration: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    pub(super) tags: Option<Vec<TagDto<'a>>>,
    #[serde(borrow, default)]
    pub(super) logs: Option<Vec<LogDto<'a>>>,
    #[serde(borrow, default, rename = "processID")]
    pub(super) process_id: LenientStr<'a>,
    #[serde(borrow, default)]
    pub(super) process: Option<ProcessDto<'a>>,
    /// Span warnings on a span, trace warnings on a trace.
    #[serde(borrow, default)]
    pub(super) warnings: SourceWarnings<'a>,
    /// Trace fields.
    #[serde(borrow, default)]
    pub(super) spans: Option<Vec<NodeDto<'a>>>,
    #[serde(borrow, default)]
    pub(super) processes: Option<ProcessMap<'a>>,
}

impl NodeDto<'_> {
    /// A node with every field absent, as the derived deserializer starts.
    pub(super) fn empty() -> Self {
        NodeDto {
            trace_id: LenientStr::default(),
            span_id: LenientStr::default(),
            parent_span_id: LenientStr::default(),
            operation_name: LenientStr::default(),
            references: None,
            flags: None,
            start_time: None,
            duration: None,
            tags: None,
            logs: None,
            process_id: LenientStr::default(),
            process: None,
            warnings: SourceWarnings::default(),
            spans: None,
            processes: None,
        }
    }

    pub(super) fn is_trace(&self) -> bool {
        self.spans.is_some()
            || self.processes.is_some()
            || (self.span_id.as_str().is_empty()
                && self.start_time.is_none()
                && self.operation_name.as_str().is_empty())
    }
}

#[derive(Deserialize)]
pub(super) struct RefDto<'a> {
    #[serde(borrow, default, rename = "refType")]
    pub(super) ref_type: LenientStr<'a>,
    #[serde(borrow, default, rename = "traceID")]
    pub(super) trace_id: LenientStr<'a>,
    #[serde(borrow, default, rename = "spanID")]
    pub(super) span_id: LenientStr<'a>,
}

#[derive(Deserialize, PartialEq)]
pub(super) struct TagDto<'a> {
    #[serde(borrow, default)]
    pub(super) key: LenientStr<'a>,
    #[serde(default, rename = "type")]
    pub(super) ty: TagType,
    #[serde(borrow, default)]
    pub(super) value: Option<TagValue<'a>>,
}

#[derive(Deserialize)]
pub(super) struct LogDto<'a> {
    #[serde(borrow, default)]
    pub(super) timestamp: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    pub(super) fields: Option<Vec<TagDto<'a>>>,
}

#[derive(Deserialize, PartialEq)]
pub(super) struct ProcessDto<'a> {
    #[serde(borrow, default, rename = "serviceName")]
    pub(super) service_name: LenientStr<'a>,
    #[serde(borrow, default)]
    pub(super) tags: Option<Vec<TagDto<'a>>>,
}

/// One entry of the API's `errors`: `{code, msg, traceID}`, or a bare string.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum ErrorDto<'a> {
    Text(#[serde(borrow)] LenientStr<'a>),
    Object {
        #[serde(borrow, default)]
        code: Option<Scalar<'a>>,
        #[serde(borrow, default, alias = "message")]
        msg: LenientStr<'a>,
        #[serde(borrow, default, rename = "traceID")]
        trace_id: LenientStr<'a>,
    },
}

/// The `processes` map in file order, without building a map per trace while decoding.
pub(super) struct ProcessMap<'a>(pub(super) Vec<(LenientStr<'a>, ProcessDto<'a>)>);

impl<'de: 'a, 'a> Deserialize<'de> for ProcessMap<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ProcessMap<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of process ids to processes")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<LenientStr<'de>>()? {
                    let process = map.next_value::<ProcessDto<'de>>()?;
                    out.push((key, process));
                }
                Ok(ProcessMap(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Jaeger `warnings`: `null`, absent, a list of strings, or (leniently) one string.
#[derive(Default)]
pub(super) struct SourceWarnings<'a>(pub(super) Vec<LenientStr<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for SourceWarnings<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SourceWarnings<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of warnings, a string or null")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(SourceWarnings::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(SourceWarnings::default())
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(V)
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(SourceWarnings(vec![LenientStr(Cow::Borrowed(v))]))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(SourceWarnings(vec![LenientStr(Cow::Owned(v.to_string()))]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(w) = seq.next_element::<LenientStr<'de>>()? {
                    out.push(w);
                }
                Ok(SourceWarnings(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A tag value: a JSON scalar, or (not valid Jaeger, but seen in hand-written files) an array or
/// object, kept as its JSON text.
#[derive(Debug, PartialEq)]
pub(super) enum TagValue<'a> {
    Scalar(Scalar<'a>),
    Json(String),
}

impl<'de: 'a, 'a> Deserialize<'de> for TagValue<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TagValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a tag value")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(TagValue::Scalar(Scalar::Int(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(TagValue::Scalar(i64::try_from(v).map_or(Scalar::UInt(v), Scalar::Int)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(TagValue::Scalar(Scalar::Float(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(TagValue::Scalar(Scalar::Bool(v)))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(TagValue::Scalar(Scalar::Text(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(TagValue::Scalar(Scalar::Text(Cow::Owned(v.to_string()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(TagValue::Scalar(Scalar::Text(Cow::Owned(v))))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TagValue::Scalar(Scalar::Null))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TagValue::Scalar(Scalar::Null))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(V)
            }
            // Nesting is bounded by serde_json's recursion limit.
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                let v = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(TagValue::Json(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let v = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(TagValue::Json(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl TagValue<'_> {
    pub(super) fn text(&self) -> Cow<'_, str> {
        match self {
            TagValue::Scalar(s) => s.to_text(),
            TagValue::Json(j) => Cow::Borrowed(j.as_str()),
        }
    }
}

/// The declared `type` of a tag or log field, read straight from the JSON string.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(super) enum TagType {
    Str,
    Bool,
    Int64,
    Float64,
    Binary,
    /// Missing or unknown: the type follows the JSON value.
    #[default]
    Infer,
}

impl<'de> Deserialize<'de> for TagType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TagType;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a tag type")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(TagType::parse(v))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(TagType::Infer)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(TagType::Infer)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(TagType::Infer)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(TagType::Infer)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TagType::Infer)
            }
        }
        d.deserialize_any(V)
    }
}

impl TagType {
    pub(super) fn parse(s: &str) -> TagType {
        match s {
            "string" => return TagType::Str,
            "int64" => return TagType::Int64,
            "bool" => return TagType::Bool,
            "float64" => return TagType::Float64,
            "binary" => return TagType::Binary,
            _ => {}
        }
        let eq = |t: &str| s.eq_ignore_ascii_case(t);
        if eq("string") {
            TagType::Str
        } else if eq("bool") || eq("boolean") {
            TagType::Bool
        } else if eq("int64") {
            TagType::Int64
        } else if eq("float64") {
            TagType::Float64
        } else if eq("binary") {
            TagType::Binary
        } else {
            TagType::Infer
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            TagType::Str => "string",
            TagType::Bool => "bool",
            TagType::Int64 => "int64",
            TagType::Float64 => "float64",
            TagType::Binary => "binary",
            TagType::Infer => "untyped",
        }
    }
}
