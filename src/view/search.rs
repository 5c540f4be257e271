//! Search within a trace: query parsing and matching. (Being written: see the helper brief.)

use crate::analysis::tree::SpanTree;
use crate::model::{Interner, Trace};

/// The outcome of a search in one trace.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchResult {
    /// Matching spans in tree order.
    pub matches: Vec<u32>,
    /// Per span index: does it match?
    pub is_match: Vec<bool>,
    /// Per span index: a match or an ancestor of one (what "matches only" keeps). Empty when the
    /// query is empty.
    pub keep: Vec<bool>,
    /// A problem with the query, for people (e.g. `"10xs" is not a duration`).
    pub error: Option<String>,
}

pub fn search(_strings: &Interner, _trace: &Trace, _tree: &SpanTree, _query: &str) -> SearchResult {
    SearchResult::default()
}
