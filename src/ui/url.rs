//! Keeps the route (selected trace, span, view, search) and the address bar in step: state
//! changes write `history` (push or replace), back/forward (`popstate`) dispatch the route back.

use super::state::{Action, AppState};
use strand_view::route::Route;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The route in the current address.
pub fn current_route() -> Route {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    Route::parse(&search)
}

/// Writes route changes to the address bar and listens for back/forward.
#[hook]
pub fn use_url_sync(state: &UseReducerHandle<AppState>, dispatch: Callback<Action>) {
    // The reducer starts from the address the page was opened with (`AppState::with_route`).
    // State -> address bar.
    {
        let route = state.route.clone();
        let push = state.push_history;
        use_effect_with(route, move |route| {
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
    }
    // Back/forward -> state.
    use_effect_with((), move |_| {
        let listener = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| {
            dispatch.emit(Action::Navigate { route: current_route(), push: false });
        });
        let window = web_sys::window();
        if let Some(w) = &window {
            let _ = w.add_event_listener_with_callback("popstate", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = window {
                let _ = w.remove_event_listener_with_callback("popstate", listener.as_ref().unchecked_ref());
            }
        }
    });
}
