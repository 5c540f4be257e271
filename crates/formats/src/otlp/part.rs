//! Part mode of the OTLP importer (a split document, see `join`): what the import of one part
//! records for the join, and the notes about the document as a whole that the join adds once.

use super::{import_lines_with, import_with};
use crate::join::JoinFacts;
use crate::split::{Level, PartSpec};
use crate::{ImportError, Imported};
use strand_model::{Interner, StrId};

/// Imports one part of a split document (see `join`): resources and scopes of the containers
/// every part repeats, made-up ids and the document's counts are recorded for the join.
pub(crate) fn import_part(
    bytes: &[u8],
    file: &str,
    source: StrId,
    strings: &mut Interner,
    spec: &PartSpec,
) -> Result<(Imported, JoinFacts), ImportError> {
    if spec.level == Level::Lines {
        return import_lines_with(bytes, file, source, strings, Some(PartHooks::new(spec)));
    }
    import_with(bytes, file, source, strings, Some(PartHooks::new(spec)))
}

/// Part mode: what the import of one part records for the join.
#[derive(Clone, Debug, Default)]
pub(super) struct PartHooks {
    /// How many enclosing `ResourceSpans` and `ScopeSpans` every part repeats (each is the first
    /// of its kind in the part's document).
    pub shared_resources: usize,
    pub shared_scopes: usize,
    /// JSON lines: the number of the part's first line in the file.
    pub first_line: usize,
    pub facts: JoinFacts,
}

impl PartHooks {
    fn new(spec: &PartSpec) -> PartHooks {
        let (shared_resources, shared_scopes) = match spec.level {
            Level::Otlp { shared_resources, shared_scopes } => (shared_resources.into(), shared_scopes.into()),
            _ => (0, 0),
        };
        PartHooks { shared_resources, shared_scopes, first_line: spec.first_line as usize, facts: JoinFacts::default() }
    }
}

/// The notes about the document as a whole: protobuf key names, bare attribute values.
pub(crate) fn document_notes(proto_names: bool, bare_values: u64) -> Vec<String> {
    let mut notes = Vec::new();
    if proto_names {
        notes.push(
            "the file uses protobuf field names (resource_spans, start_time_unix_nano, …) instead of \
             OTLP/JSON's lowerCamelCase; read as OTLP JSON, as protobuf's JSON mapping allows"
                .to_string(),
        );
    }
    if bare_values > 0 {
        let one = bare_values == 1;
        notes.push(format!(
            "{} attribute value{} {} bare JSON value{} instead of AnyValue objects ({{\"stringValue\": …}}); \
             read as {} JSON type{}",
            bare_values,
            if one { "" } else { "s" },
            if one { "was a" } else { "were" },
            if one { "" } else { "s" },
            if one { "its" } else { "their" },
            if one { "" } else { "s" },
        ));
    }
    notes
}
