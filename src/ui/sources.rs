//! Where traces come from besides dropped files: a URL to a JSON file and collector
//! connections (Jaeger, Zipkin, Tempo). (Placeholder until sources land.)

use super::state::Action;
use crate::view::route::Route;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SourcesProps {
    pub dispatch: Callback<Action>,
    pub route: Route,
}

#[function_component(SourcesPanel)]
pub fn sources_panel(_props: &SourcesProps) -> Html {
    html! {}
}
