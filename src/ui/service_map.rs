//! The service map: services as nodes, calls as edges, for all loaded traces or one trace.
//! (Placeholder until the service map lands: shows the edge list of `analysis::graph`.)

use super::state::DataHandle;
use crate::view::route::Route;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ServiceMapProps {
    pub data: DataHandle,
    /// `Some(index)`: the map of that trace alone; `None`: of every loaded trace (or, when the
    /// dataset holds collector dependency links, of those).
    pub trace_index: Option<usize>,
    pub route: Route,
    pub on_navigate: Callback<(Route, bool)>,
}

#[function_component(ServiceMapView)]
pub fn service_map_view(props: &ServiceMapProps) -> Html {
    let data = props.data.borrow();
    let graph = match props.trace_index.and_then(|i| data.traces.get(i)) {
        Some(trace) => crate::analysis::graph::trace_service_graph(&data.strings, trace),
        None => crate::analysis::graph::service_graph(&data),
    };
    html! {
        <section class="service-map" aria-label="Service map">
            <p class="muted">{ format!("{} services, {} edges", graph.nodes.len(), graph.edges.len()) }</p>
        </section>
    }
}
