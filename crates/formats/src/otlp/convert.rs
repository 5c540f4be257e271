//! Small conversions shared with the OTLP logs importer: ids, status, int64 text, attribute values.

use super::*;

/// [`Interner::intern`] without hashing the empty string, which is always [`StrId::EMPTY`].
pub(crate) fn intern(strings: &mut Interner, s: &str) -> StrId {
    if s.is_empty() {
        StrId::EMPTY
    } else {
        strings.intern(s)
    }
}

pub(super) fn parse_status(code: &Scalar) -> StatusCode {
    match code.as_i64() {
        Some(1) => StatusCode::Ok,
        Some(2) => StatusCode::Error,
        Some(_) => StatusCode::Unset,
        None => StatusCode::parse(&code.to_text()).unwrap_or(StatusCode::Unset),
    }
}

/// OTLP ids are hex (32/16 digits) in the spec's JSON, base64 in Go jsonpb output (Tempo, old
/// Jaeger v3): exact-width hex first, then base64 of the right byte count, then any hex, then text.
pub(crate) fn parse_trace_id(s: &str, strings: &mut Interner) -> TraceId {
    if s.len() == 32 {
        if let Some(v) = strand_model::ids::parse_hex_u128(s) {
            return TraceId::Hex(v);
        }
    }
    if let Some(bytes) = decode_base64(s).filter(|b| b.len() == 16) {
        return TraceId::from_bytes(&bytes, strings);
    }
    TraceId::parse(s, strings)
}

pub(crate) fn parse_span_id(s: &str, strings: &mut Interner) -> SpanId {
    if s.len() == 16 {
        if let Some(v) = strand_model::ids::parse_hex_u64(s) {
            return SpanId::Hex(v);
        }
    }
    if let Some(bytes) = decode_base64(s).filter(|b| b.len() == 8) {
        return SpanId::from_bytes(&bytes, strings);
    }
    SpanId::parse(s, strings)
}

/// [`Scalar::as_i64`] with a fast path for what OTLP times nearly always are: a string of
/// decimal digits (the slow path gives the same value for those).
pub(crate) fn scalar_i64(s: &Scalar) -> Option<i64> {
    if let Scalar::Text(text) = s {
        if !text.is_empty() && text.len() <= 19 {
            let mut v: i64 = 0;
            let mut digits = true;
            for b in text.bytes() {
                digits &= b.is_ascii_digit();
                v = v.wrapping_mul(10).wrapping_add(i64::from(b.wrapping_sub(b'0')));
            }
            // 19 digits may overflow: those take the slow path.
            if digits && (text.len() < 19 || v >= 0) {
                return Some(v);
            }
        }
    }
    s.as_i64()
}

/// Converts attributes into the trace's pools and returns their range. Nested values are
/// appended first so that the returned range stays contiguous. Nesting is bounded by serde_json's
/// recursion limit (128), so the recursion here is bounded too.
pub(crate) fn convert_attrs(
    dtos: &[KeyValueDto],
    trace: &mut Trace,
    strings: &mut Interner,
    scratch: &mut Vec<KeyValue>,
) -> strand_model::Range32 {
    if dtos.is_empty() {
        return strand_model::Range32::EMPTY;
    }
    let mut local = std::mem::take(scratch);
    local.clear();
    for kv in dtos {
        let value = kv.value.as_ref().map_or(Value::Empty, |v| convert_value(v, trace, strings));
        local.push(KeyValue { key: strings.intern(kv.key.as_str()), value });
    }
    let range = push_attrs(trace, &mut local);
    *scratch = local;
    range
}

pub(crate) fn convert_value(v: &AnyValueDto, trace: &mut Trace, strings: &mut Interner) -> Value {
    match v {
        AnyValueDto::Str(s) => Value::Str(intern(strings, s.as_str())),
        AnyValueDto::Int(i) => match i.as_i64() {
            Some(n) => Value::Int(n),
            None => Value::Str(strings.intern(&i.to_text())),
        },
        AnyValueDto::Double(d) => match d.as_f64() {
            Some(f) => Value::Double(f),
            None => Value::Str(strings.intern(&d.to_text())),
        },
        AnyValueDto::Bool(b) => match b.as_bool() {
            Some(x) => Value::Bool(x),
            None => Value::Str(strings.intern(&b.to_text())),
        },
        AnyValueDto::Bytes(b) => match decode_base64(b.as_str()) {
            Some(bytes) => push_bytes(trace, &bytes),
            None => Value::Str(strings.intern(b.as_str())),
        },
        AnyValueDto::Array(values) => {
            let mut items: Vec<Value> = values.iter().map(|x| convert_value(x, trace, strings)).collect();
            Value::Array(push_values(trace, &mut items))
        }
        AnyValueDto::KvList(values) => {
            let mut scratch = Vec::new();
            Value::Map(convert_attrs(values, trace, strings, &mut scratch))
        }
        AnyValueDto::Bare(scalar) => match scalar {
            Scalar::Int(i) => Value::Int(*i),
            Scalar::UInt(u) => i64::try_from(*u).map_or_else(|_| Value::Double(*u as f64), Value::Int),
            Scalar::Float(f) => Value::Double(*f),
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Text(t) => Value::Str(intern(strings, t)),
            Scalar::Null => Value::Empty,
        },
        AnyValueDto::Empty => Value::Empty,
    }
}

/// How many of these attribute values are bare JSON scalars instead of `AnyValue` objects.
pub(crate) fn count_bare(kvs: &[KeyValueDto]) -> usize {
    kvs.iter().filter(|kv| matches!(kv.value, Some(AnyValueDto::Bare(_)))).count()
}
