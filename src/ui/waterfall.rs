//! The waterfall (being written: see the helper brief). Props are fixed by `trace_page.rs`.

use super::state::DataHandle;
use crate::view::search::SearchResult;
use crate::view::trace_view::TraceAnalysis;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WaterfallProps {
    pub data: DataHandle,
    pub trace_index: usize,
    pub analysis: Rc<TraceAnalysis>,
    pub search: Rc<SearchResult>,
    /// Show only matches and their ancestors.
    pub matches_only: bool,
    /// The selected span (index into the trace's spans).
    pub selected: Option<u32>,
    /// A span to bring into view (search next/previous).
    pub focus_match: Option<u32>,
    pub on_select: Callback<Option<u32>>,
}

#[function_component(Waterfall)]
pub fn waterfall(_props: &WaterfallProps) -> Html {
    html! { <div class="waterfall" role="treegrid"></div> }
}
