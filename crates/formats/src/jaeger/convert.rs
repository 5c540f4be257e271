//! Small conversions: ids, reference kinds, tags and their typed values.

use super::*;

/// The note for one entry of the API's `errors`, if it says anything.
pub(super) fn error_note(e: &ErrorDto) -> Option<String> {
    let note = match e {
        ErrorDto::Text(t) => t.as_str().to_string(),
        ErrorDto::Object { code, msg, trace_id } => {
            let mut about = Vec::new();
            if let Some(code) = code.as_ref().filter(|c| **c != Scalar::Null) {
                about.push(format!("code {}", code.to_text()));
            }
            if !trace_id.as_str().is_empty() {
                about.push(format!("trace {}", trace_id.as_str()));
            }
            if about.is_empty() {
                msg.as_str().to_string()
            } else {
                format!("{} ({})", msg.as_str(), about.join(", "))
            }
        }
    };
    (!note.trim().is_empty()).then(|| format!("the Jaeger query service reported an error: {note}"))
}

/// [`Interner::intern`] without hashing the empty string, which is always [`StrId::EMPTY`].
pub(super) fn intern(strings: &mut Interner, s: &str) -> StrId {
    if s.is_empty() {
        StrId::EMPTY
    } else {
        strings.intern(s)
    }
}

/// A Jaeger span id: hex of up to 16 digits (old clients drop leading zeros) or text.
pub(super) fn parse_span_id(s: &str, strings: &mut Interner) -> SpanId {
    SpanId::parse(s, strings)
}

/// `CHILD_OF` / `FOLLOWS_FROM` (any case; Thrift's 0 / 1; empty means CHILD_OF); `None` if unknown.
pub(super) fn ref_kind(t: &str) -> Option<LinkKind> {
    if t.is_empty() || t.eq_ignore_ascii_case("CHILD_OF") || t == "0" {
        Some(LinkKind::ChildOf)
    } else if t.eq_ignore_ascii_case("FOLLOWS_FROM") || t == "1" {
        Some(LinkKind::FollowsFrom)
    } else {
        None
    }
}

/// Converts tags into the trace's attribute pool (in file order) and returns their range. Values
/// that do not fit their declared type are kept as text and described in `invalid`.
pub(super) fn convert_tags(
    tags: &[TagDto],
    what: &str,
    trace: &mut Trace,
    strings: &mut Interner,
    scratch: &mut Vec<KeyValue>,
    invalid: &mut Vec<String>,
) -> Range32 {
    if tags.is_empty() {
        return Range32::EMPTY;
    }
    scratch.clear();
    for tag in tags {
        let value = convert_value(tag, what, trace, strings, invalid);
        scratch.push(KeyValue { key: strings.intern(tag.key.as_str()), value });
    }
    push_attrs(trace, scratch)
}

pub(super) fn convert_value(
    tag: &TagDto,
    what: &str,
    trace: &mut Trace,
    strings: &mut Interner,
    invalid: &mut Vec<String>,
) -> Value {
    let ty = tag.ty;
    let scalar = match &tag.value {
        None | Some(TagValue::Scalar(Scalar::Null)) => {
            return match ty {
                TagType::Str => Value::Str(StrId::EMPTY),
                TagType::Infer => Value::Empty,
                _ => {
                    invalid.push(format!("{what} {:?} of type {} has no value", tag.key.as_str(), ty.name()));
                    Value::Empty
                }
            };
        }
        Some(TagValue::Json(json)) => {
            invalid.push(format!(
                "{what} {:?} has a JSON array or object as its value; kept as its JSON text",
                tag.key.as_str()
            ));
            return Value::Str(strings.intern(json));
        }
        Some(TagValue::Scalar(s)) => s,
    };
    let converted = match ty {
        TagType::Str => Some(match scalar {
            Scalar::Text(t) => Value::Str(strings.intern(t)),
            other => Value::Str(strings.intern(&other.to_text())),
        }),
        TagType::Bool => match scalar {
            Scalar::Int(i) if *i != 0 && *i != 1 => None,
            Scalar::UInt(_) => None,
            other => other.as_bool().map(Value::Bool),
        },
        TagType::Int64 => match scalar {
            Scalar::Int(i) => Some(*i),
            Scalar::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(*f as i64),
            Scalar::Text(t) => t.trim().parse::<i64>().ok(),
            _ => None,
        }
        .map(Value::Int),
        TagType::Float64 => match scalar {
            Scalar::Bool(_) => None,
            other => other.as_f64().map(Value::Double),
        },
        TagType::Binary => match scalar {
            Scalar::Text(t) => decode_base64(t).map(|bytes| push_bytes(trace, &bytes)),
            _ => None,
        },
        TagType::Infer => Some(match scalar {
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Int(i) => Value::Int(*i),
            Scalar::Float(f) => Value::Double(*f),
            Scalar::Text(t) => Value::Str(strings.intern(t)),
            other => Value::Str(strings.intern(&other.to_text())),
        }),
    };
    converted.unwrap_or_else(|| {
        let text = scalar.to_text();
        invalid.push(format!(
            "{what} {:?}: {:?} is not a valid {}; kept as text",
            tag.key.as_str(),
            text.as_ref(),
            ty.name()
        ));
        Value::Str(strings.intern(&text))
    })
}
