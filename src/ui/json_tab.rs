//! (Being written: see the helper brief.) Props are fixed by `trace_page.rs`.

use super::state::DataHandle;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct JsonTabProps {
    pub data: DataHandle,
    pub trace_index: usize,
}

#[function_component(JsonTab)]
pub fn view(_props: &JsonTabProps) -> Html {
    html! { <div class="json-tab"></div> }
}
