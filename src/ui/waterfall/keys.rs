//! The waterfall's keyboard: the key map of the app core (`interaction::waterfall::key_command`)
//! and tree navigation over rows with folded groups (`view::waterfall::fold::navigate_folded`): a
//! folded row is one row, Right unfolds it, Left on a member folds its group again.

use super::rows::RowModel;
use crate::ui::store::DataHandle;
use std::cell::RefCell;
use std::rc::Rc;
use strand_app::interaction::waterfall::{key_command, KeyCommand};
use strand_view::trace_view::TraceAnalysis;
use strand_view::waterfall::fold::{navigate_folded, FoldNav};
use strand_view::waterfall::{NavAction, TimeWindow};
use yew::prelude::*;

/// What the key handler works with.
pub(super) struct KeyContext {
    pub data: DataHandle,
    pub trace_index: usize,
    pub analysis: Rc<TraceAnalysis>,
    pub model: RowModel,
    pub selected: Option<u32>,
    pub on_select: Callback<Option<u32>>,
    /// A selection made by a key: it selects folded rows without unfolding them.
    pub keyboard_select: Rc<RefCell<Option<u32>>>,
    pub set_window: Rc<dyn Fn(TimeWindow)>,
    pub window: TimeWindow,
    pub bounds: TimeWindow,
    pub page_rows: usize,
}

pub(super) fn key_handler(ctx: KeyContext) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        let modifier = e.ctrl_key() || e.meta_key() || e.alt_key();
        let Some(command) = key_command(&e.key(), e.shift_key(), modifier, ctx.page_rows) else { return };
        e.prevent_default();
        let nav = match command {
            KeyCommand::Window(change) => {
                (ctx.set_window)(change.apply(ctx.window, ctx.bounds));
                return;
            }
            KeyCommand::Open => {
                ctx.on_select.emit(ctx.selected.or_else(|| ctx.model.rows.first().copied()));
                return;
            }
            KeyCommand::Close => {
                ctx.on_select.emit(None);
                return;
            }
            KeyCommand::Nav(nav) => nav,
        };
        let action = {
            let data = ctx.data.borrow();
            let Some(trace) = data.traces.get(ctx.trace_index) else { return };
            navigate_folded(
                &ctx.model.rows,
                &ctx.analysis.tree,
                &trace.spans,
                &ctx.model.collapse.borrow(),
                &ctx.model.folds.borrow(),
                ctx.selected,
                nav,
            )
        };
        let select = |span: u32| {
            *ctx.keyboard_select.borrow_mut() = Some(span);
            ctx.on_select.emit(Some(span));
        };
        match action {
            FoldNav::Nav(NavAction::Select(span)) => select(span),
            FoldNav::Nav(NavAction::Collapse(span)) => {
                ctx.model.collapse.borrow_mut().set(span, true);
                (ctx.model.bump)();
            }
            FoldNav::Nav(NavAction::Expand(span)) => {
                ctx.model.collapse.borrow_mut().set(span, false);
                (ctx.model.bump)();
            }
            FoldNav::Nav(NavAction::Nothing) => {}
            FoldNav::Unfold(group) => {
                ctx.model.folds.borrow_mut().set_folded(group, false);
                (ctx.model.bump)();
            }
            FoldNav::Fold { group, select: span } => {
                ctx.model.folds.borrow_mut().set_folded(group, true);
                (ctx.model.bump)();
                select(span);
            }
        }
    })
}
