//! Part mode of the Jaeger importer (a split document, see `join`): the hooks' state, and the
//! key by which an inline process made in one part is found again in another.

use super::{ProcessDto, TagType, TagValue};
use crate::builder::Scalar;
use crate::join::JoinFacts;

/// What an import of one part records instead of deciding alone.
#[derive(Clone, Debug, Default)]
pub(super) struct PartHooks {
    /// The split array is the `spans` of a trace object every part repeats: its processes are
    /// the same resources in every part, and its warnings are added once, by the join.
    pub enclosing_trace: bool,
    /// The first part speaks for the document's envelope (its `errors`).
    pub first_part: bool,
    pub facts: JoinFacts,
}

/// The content of an inline process as bytes: equal exactly when the processes are equal (as
/// the whole-document import compares them to share a resource).
pub(super) fn canonical(process: &ProcessDto) -> Vec<u8> {
    let mut out = Vec::new();
    text(&mut out, process.service_name.as_str());
    match &process.tags {
        None => out.push(0),
        Some(tags) => {
            out.push(1);
            out.extend_from_slice(&(tags.len() as u64).to_le_bytes());
            for tag in tags {
                text(&mut out, tag.key.as_str());
                out.push(match tag.ty {
                    TagType::Str => 0,
                    TagType::Bool => 1,
                    TagType::Int64 => 2,
                    TagType::Float64 => 3,
                    TagType::Binary => 4,
                    TagType::Infer => 5,
                });
                match &tag.value {
                    None => out.push(0),
                    Some(TagValue::Json(json)) => {
                        out.push(1);
                        text(&mut out, json);
                    }
                    Some(TagValue::Scalar(scalar)) => {
                        out.push(2);
                        scalar_bytes(&mut out, scalar);
                    }
                }
            }
        }
    }
    out
}

fn text(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u64).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn scalar_bytes(out: &mut Vec<u8>, scalar: &Scalar) {
    match scalar {
        Scalar::Int(i) => {
            out.push(0);
            out.extend_from_slice(&i.to_le_bytes());
        }
        Scalar::UInt(u) => {
            out.push(1);
            out.extend_from_slice(&u.to_le_bytes());
        }
        Scalar::Float(f) => {
            out.push(2);
            // `==` says 0.0 and -0.0 are equal; JSON has no NaN.
            let f = if *f == 0.0 { 0.0 } else { *f };
            out.extend_from_slice(&f.to_bits().to_le_bytes());
        }
        Scalar::Bool(b) => {
            out.push(3);
            out.push(u8::from(*b));
        }
        Scalar::Text(t) => {
            out.push(4);
            text(out, t);
        }
        Scalar::Null => out.push(5),
    }
}
