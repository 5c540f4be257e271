//! The map's legend: what boxes, colours and widths mean.

use strand_view::service_map::ErrorLevel;
use yew::prelude::*;

#[function_component(Legend)]
pub(super) fn legend() -> Html {
    let kinds = [
        ("kind-service", "service"),
        ("kind-database", "database"),
        ("kind-messaging", "messaging"),
        ("kind-external", "external"),
    ];
    html! {
        <div class="map-legend" aria-label="Legend">
            <div class="map-legend-row">
                { for kinds.iter().map(|(class, text)| html! {
                    <span class="map-legend-item">
                        <svg width="18" height="12" aria-hidden="true" class={classes!("map-legend-node", *class)}>
                            <rect x="1" y="1" width="16" height="10" rx="3" />
                        </svg>
                        { *text }
                    </span>
                }) }
            </div>
            <div class="map-legend-row">
                <span class="map-legend-item">
                    <svg width="40" height="12" aria-hidden="true" class="map-legend-edge err-none">
                        <line x1="2" y1="6" x2="14" y2="6" stroke-width="1.2" /><line x1="20" y1="6" x2="38" y2="6" stroke-width="5" />
                    </svg>
                    { "width = calls (log)" }
                </span>
                { for ErrorLevel::ALL.iter().map(|l| html! {
                    <span class="map-legend-item">
                        <svg width="20" height="12" aria-hidden="true" class={classes!("map-legend-edge", l.class())}>
                            <line x1="2" y1="6" x2="18" y2="6" stroke-width="3" />
                        </svg>
                        { l.legend() }
                    </span>
                }) }
            </div>
            <div class="map-legend-row muted">{ "caller → callee · wheel zooms, drag pans · click a service for details" }</div>
        </div>
    }
}
