//! (Being written: see the helper brief.) Props are fixed by `trace_page.rs`.

use super::state::DataHandle;
use crate::view::trace_view::TraceAnalysis;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SpansTabProps {
    pub data: DataHandle,
    pub trace_index: usize,
    pub analysis: Rc<TraceAnalysis>,
    pub selected: Option<u32>,
    pub on_select: Callback<Option<u32>>,
}

#[function_component(SpansTab)]
pub fn view(_props: &SpansTabProps) -> Html {
    html! { <div class="spans_tab"></div> }
}
