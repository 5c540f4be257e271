//! The search bar of the waterfall (being written: see the helper brief).

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SearchBarProps {
    pub query: String,
    pub on_query: Callback<String>,
    pub matches: usize,
    /// Which match is current (for next/previous), if any.
    pub current: Option<usize>,
    /// +1 next, -1 previous.
    pub on_step: Callback<i32>,
    pub matches_only: bool,
    pub on_matches_only: Callback<bool>,
    pub error: Option<String>,
}

#[function_component(SearchBar)]
pub fn search_bar(_props: &SearchBarProps) -> Html {
    html! { <div class="search-bar"></div> }
}
