//! Keeps the route and the address bar in step: route changes write `history` (push or
//! replace, as the core says), back/forward (`popstate`) dispatch the route back. The route is
//! parsed and written by `strand_view::route` alone.

use gloo::events::EventListener;
use strand_app::Action;
use strand_view::route::Route;
use yew::prelude::*;

/// The route in the current address.
pub fn current_route() -> Route {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    Route::parse(&search)
}

/// Writes route changes to the address bar and listens for back/forward.
#[hook]
pub fn use_url_sync(route: &Route, push: bool, dispatch: Callback<Action>) {
    use_effect_with(route.clone(), move |route| {
        let query = route.to_query();
        if let Some(window) = web_sys::window() {
            let current = window.location().search().unwrap_or_default();
            if current != query {
                if let Ok(history) = window.history() {
                    let path = window.location().pathname().unwrap_or_else(|_| "/".into());
                    let url = format!("{path}{query}");
                    let _ = if push {
                        history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
                    } else {
                        history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
                    };
                }
            }
        }
    });
    use_effect_with((), move |_| {
        let listener = web_sys::window().map(|window| {
            EventListener::new(&window, "popstate", move |_| {
                dispatch.emit(Action::Navigate { route: Box::new(current_route()), push: false });
            })
        });
        move || drop(listener)
    });
}
