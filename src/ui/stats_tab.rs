//! (Being written: see the helper brief.) Props are fixed by `trace_page.rs`.

use super::state::DataHandle;
use crate::view::trace_view::TraceAnalysis;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StatsTabProps {
    pub data: DataHandle,
    pub trace_index: usize,
    pub analysis: Rc<TraceAnalysis>,

}

#[function_component(StatsTab)]
pub fn view(_props: &StatsTabProps) -> Html {
    html! { <div class="stats_tab"></div> }
}
