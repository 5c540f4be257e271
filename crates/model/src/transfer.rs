//! A compact binary encoding of imported traces, for handing a parsed file from the import
//! worker to the page: the worker encodes the traces with its own string table, and the page
//! decodes them straight into its dataset's interner, renumbering every string id on the way.
//!
//! The layout is private to this module and versioned by a magic header; both ends are always
//! the same build. Little-endian fixed-width fields, counts before every list, strings as
//! length-prefixed UTF-8. Decoding reads from a [`Source`] in chunks, so the page never needs a
//! second copy of the whole encoding in its memory, and can stop after a byte budget and go on
//! later ([`Decoder`]), so the page decodes a large encoding over several short tasks.
//! Depends only on the other `model` modules.

use super::trace::{DependencyLink, Trace};

/// The layout's version: `02` added log lines (per trace: records, resources, scopes); `03`
/// warning details as numbers (`Detail`) and the encoder's `extra` bytes.
const MAGIC: &[u8; 8] = b"STRAND03";

mod codes;
mod decode;
mod encode;
mod source;
pub use decode::{decode, decode_slice, Decoder};
pub use encode::{encode, encode_selected, encode_with, Encoder, SINK_CHUNK};
pub use source::{OwnedSource, SliceSource, Source};

// The top bit of a string's length in the string table (the interner's own mark): the text was
// added with `Interner::add_distinct` and is decoded the same way. Older encodings never set it
// (their strings are shorter than 2 GiB), so they decode as before.
use crate::strings::DISTINCT;

/// How many bytes a decoder asks its source for at a time.
pub const CHUNK: usize = 1 << 20;

/// What a decoded encoding holds; string ids refer to the interner it was decoded into.
#[derive(Debug, Default)]
pub struct Decoded {
    pub traces: Vec<Trace>,
    pub dependencies: Vec<DependencyLink>,
    pub notes: Vec<String>,
    /// What the encoder was given as `extra`.
    pub extra: Vec<u8>,
}

/// Why an encoding could not be read back (a bug or a truncated message, never user data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferError(pub String);

impl std::fmt::Display for TransferError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the parsed file could not be handed over: {}", self.0)
    }
}

impl std::error::Error for TransferError {}

type Result<T> = std::result::Result<T, TransferError>;

fn bad(what: &str) -> TransferError {
    TransferError(what.to_string())
}

#[cfg(test)]
mod tests;
