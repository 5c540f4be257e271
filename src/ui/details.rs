//! Span details (being written: see the helper brief). Props are fixed by `trace_page.rs`.

use super::state::DataHandle;
use crate::view::route::Route;
use crate::view::trace_view::TraceAnalysis;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SpanDetailsProps {
    pub data: DataHandle,
    pub trace_index: usize,
    pub analysis: Rc<TraceAnalysis>,
    /// The span shown (index into the trace's spans).
    pub span: u32,
    /// Select another span of this trace, or `None` to close the details.
    pub on_select: Callback<Option<u32>>,
    /// Go elsewhere (a linked span in another loaded trace).
    pub on_navigate: Callback<(Route, bool)>,
    pub route: Route,
}

#[function_component(SpanDetails)]
pub fn span_details(_props: &SpanDetailsProps) -> Html {
    html! { <aside class="span-details"></aside> }
}
