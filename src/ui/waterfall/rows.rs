//! The waterfall's row list and the state behind it: collapsed subtrees, the row filters
//! ("matches only" from the search, "critical path only"), the fold groups of repeated siblings
//! and which of them are folded. Collapse and fold state are mutated in place (a million flags
//! are not cloned per click); [`RowModel::bump`] recomputes the rows. Everything it computes is
//! `view::waterfall` and `view::waterfall::fold`.

use super::{perf, Same, TraceKey};
use crate::ui::hooks::{defers, use_deferred_memo};
use crate::ui::store::DataHandle;
use std::cell::RefCell;
use std::rc::Rc;
use strand_view::search::SearchResult;
use strand_view::trace_view::TraceAnalysis;
use strand_view::waterfall::fold::{critical_keep, intersect_keep, visible_rows_folded, Folds, FOLD_MIN_SIBLINGS};
use strand_view::waterfall::Collapse;
use yew::prelude::*;

/// What the rows depend on besides the trace.
#[derive(Clone, PartialEq)]
pub(super) struct RowOptions {
    /// The search result, when "matches only" is on.
    pub matches_only: Option<Same<SearchResult>>,
    pub critical_only: bool,
    pub fold: bool,
}

#[derive(Clone)]
pub(super) struct RowModel {
    pub collapse: Rc<RefCell<Collapse>>,
    pub folds: Rc<RefCell<Folds>>,
    /// The rows: span indices, a folded group standing as its first member.
    pub rows: Rc<Vec<u32>>,
    /// Recompute the rows after collapse or fold state changed, and render again.
    pub bump: Rc<dyn Fn()>,
    /// False while a large trace's fold groups are still being computed (`rows` is empty then).
    pub ready: bool,
}

#[hook]
pub(super) fn use_row_model(
    data: &DataHandle,
    key: TraceKey,
    analysis: &Rc<TraceAnalysis>,
    options: RowOptions,
) -> RowModel {
    let force_update = use_force_update();
    let collapse = use_memo(key, {
        let data = data.clone();
        move |&(_, index)| {
            let count = data.borrow().traces.get(index).map_or(0, |t| t.spans.len());
            RefCell::new(Collapse::expanded(count))
        }
    });
    let version = use_mut_ref(|| 0u64);
    // The row filter: search matches (and their ancestors), the critical path (and its
    // ancestors), or both.
    let keep = use_memo((key, options.matches_only.clone(), options.critical_only), {
        let data = data.clone();
        let analysis = analysis.clone();
        move |((_, index), search, critical_only)| {
            let search_keep = search.as_ref().map(|s| s.0.keep.as_slice()).filter(|k| !k.is_empty());
            let critical = critical_only
                .then(|| data.borrow().traces.get(*index).map(|t| critical_keep(t, &analysis.critical)))
                .flatten();
            intersect_keep(search_keep, critical.as_deref())
        }
    });
    // Fold groups among the rows the filter keeps; rebuilt (all folded) when the filter changes.
    // A large trace's come on a task of their own (`use_deferred_memo`); until then the model
    // is not `ready` and the waterfall shows that it is preparing.
    let folds = use_deferred_memo((key, Same(keep.clone())), defers(data, key.1), {
        let data = data.clone();
        let analysis = analysis.clone();
        move |((_, index), keep)| {
            perf::mark("strand:waterfall:folds:start");
            let data = data.borrow();
            let folds = data.traces.get(*index).map_or_else(
                || Folds::none(0),
                |t| Folds::build(t, &analysis.tree, keep.0.as_deref(), FOLD_MIN_SIBLINGS),
            );
            perf::measure_since("strand:waterfall:folds", "strand:waterfall:folds:start");
            RefCell::new(folds)
        }
    });
    let ready = folds.is_some();
    let folds = folds.unwrap_or_else(|| Rc::new(RefCell::new(Folds::none(0))));
    if folds.borrow().enabled() != options.fold {
        folds.borrow_mut().set_enabled(options.fold);
    }
    let current = *version.borrow();
    let rows = use_memo((key, current, Same(keep.clone()), Same(folds.clone()), options.fold, ready), {
        let analysis = analysis.clone();
        let collapse = collapse.clone();
        let folds = folds.clone();
        let keep = keep.clone();
        move |_| {
            if !ready {
                return Vec::new();
            }
            perf::mark("strand:waterfall:rows:start");
            let rows = visible_rows_folded(&analysis.tree, &collapse.borrow(), keep.as_deref(), &folds.borrow());
            perf::measure_since("strand:waterfall:rows", "strand:waterfall:rows:start");
            rows
        }
    });
    let bump: Rc<dyn Fn()> = Rc::new(move || {
        *version.borrow_mut() += 1;
        force_update.force_update();
    });
    RowModel { collapse, folds, rows, bump, ready }
}
