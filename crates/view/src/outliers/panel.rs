//! The outliers panel's choices as selectors: which spans of the page's scope it looks at (a
//! brushed chart range, every span, the errors, those slower than a threshold, a search query),
//! narrowed by the terms added by clicking pairs, against which baseline. Pure; depends on the
//! rest of `view::outliers`.

use super::SpanSelector;
use strand_analysis::stats::SpanFilter;

/// What the panel selects within the page's scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PanelPick {
    /// The range brushed on a chart (the page holds it).
    Brush,
    /// Every span in scope.
    All,
    /// The spans with error status.
    Errors,
    /// The spans longer than a duration, as typed (`250ms`; `>=1s` and `<2ms` work too).
    SlowerThan(String),
    /// The spans a search query matches.
    Query(String),
}

impl PanelPick {
    /// A stable name, for element attributes and tests.
    pub fn name(&self) -> &'static str {
        match self {
            PanelPick::Brush => "brush",
            PanelPick::All => "all",
            PanelPick::Errors => "errors",
            PanelPick::SlowerThan(_) => "slower",
            PanelPick::Query(_) => "query",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            PanelPick::Brush => "Brushed range",
            PanelPick::All => "All spans",
            PanelPick::Errors => "Errors",
            PanelPick::SlowerThan(_) => "Slower than",
            PanelPick::Query(_) => "Search",
        }
    }

    /// The text the pick carries (a threshold or a query), empty for the others.
    pub fn text(&self) -> &str {
        match self {
            PanelPick::SlowerThan(t) | PanelPick::Query(t) => t,
            _ => "",
        }
    }
}

/// The spans the panel looks at: those of `scope` (everything loaded when `None`) that `pick`
/// chooses (`brush` for [`PanelPick::Brush`]), narrowed by the query `refine` (the terms added by
/// clicking pairs). `None` when the pick has nothing to select yet: no brush, an empty threshold
/// or query.
pub fn panel_selector(
    scope: Option<&SpanSelector>,
    pick: &PanelPick,
    brush: Option<&SpanSelector>,
    refine: &str,
) -> Option<SpanSelector> {
    let picked = match pick {
        PanelPick::Brush => Some(brush?.clone()),
        PanelPick::All => None,
        PanelPick::Errors => Some(SpanSelector::Query("error".to_string())),
        PanelPick::SlowerThan(text) => {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            let term = if text.starts_with(['>', '<']) { text.to_string() } else { format!(">{text}") };
            Some(SpanSelector::Query(term))
        }
        PanelPick::Query(query) => {
            if query.trim().is_empty() {
                return None;
            }
            Some(SpanSelector::Query(query.trim().to_string()))
        }
    };
    let refine = (!refine.trim().is_empty()).then(|| SpanSelector::Query(refine.trim().to_string()));
    let mut parts: Vec<SpanSelector> = scope.cloned().into_iter().chain(picked).chain(refine).collect();
    match parts.len() {
        // Every span loaded.
        0 => Some(SpanSelector::Filter(SpanFilter::All)),
        1 => parts.pop(),
        _ => Some(SpanSelector::And(parts)),
    }
}

/// The baseline the panel compares with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PanelBaseline {
    /// The other spans of the selected spans' operations (the default).
    SameOperations,
    /// The spans a search query matches, over everything loaded.
    Query(String),
}

impl PanelBaseline {
    /// The selector, `None` for the default baseline (and for an empty query, which falls
    /// back to it).
    pub fn selector(&self) -> Option<SpanSelector> {
        match self {
            PanelBaseline::SameOperations => None,
            PanelBaseline::Query(q) if q.trim().is_empty() => None,
            PanelBaseline::Query(q) => Some(SpanSelector::Query(q.trim().to_string())),
        }
    }
}
