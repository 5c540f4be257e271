//! Latency analytics over every loaded trace: per service and per operation tables, a latency
//! histogram, RED charts, CSV and Prometheus export. (Placeholder until analytics land.)

use super::state::DataHandle;
use crate::view::route::Route;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AnalyticsProps {
    pub data: DataHandle,
    pub route: Route,
    pub on_navigate: Callback<(Route, bool)>,
}

#[function_component(AnalyticsPage)]
pub fn analytics_page(props: &AnalyticsProps) -> Html {
    let data = props.data.borrow();
    let stats = crate::analysis::stats::dataset_stats(&data);
    html! {
        <section class="analytics" aria-label="Analytics">
            <p class="muted">{ format!("{} operations", stats.operations.len()) }</p>
        </section>
    }
}
