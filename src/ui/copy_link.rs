//! "Copy link": puts the address of a view (the page, trace, span, tab and search of `route`)
//! on the clipboard, and says "Link copied" for a moment. A refused clipboard (no permission,
//! an insecure page) shows the link in the button's title instead, to copy by hand.

use strand_view::route::Route;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// How long the button says it copied.
const COPIED_MS: u32 = 1500;

#[derive(Properties, PartialEq)]
pub struct CopyLinkProps {
    /// The view the link opens.
    pub route: Route,
    /// What the link is to, for the accessible name: "trace", "span".
    pub what: AttrValue,
}

/// The absolute address of `route` on this page.
pub fn link_to(route: &Route) -> String {
    let location = web_sys::window().map(|w| w.location());
    let origin = location.as_ref().and_then(|l| l.origin().ok()).unwrap_or_default();
    let path = location.as_ref().and_then(|l| l.pathname().ok()).unwrap_or_else(|| "/".to_string());
    format!("{origin}{path}{}", route.to_query())
}

#[function_component(CopyLink)]
pub fn copy_link(props: &CopyLinkProps) -> Html {
    let state = use_state(|| None::<bool>);
    let link = link_to(&props.route);
    let onclick = {
        let state = state.clone();
        let link = link.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(window) = web_sys::window() else { return };
            let promise = window.navigator().clipboard().write_text(&link);
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let ok = JsFuture::from(promise).await.is_ok();
                state.set(Some(ok));
                gloo::timers::future::TimeoutFuture::new(COPIED_MS).await;
                state.set(None);
            });
        })
    };
    let text = match *state {
        Some(true) => "Link copied",
        Some(false) => "Copy refused: see the title",
        None => "Copy link",
    };
    html! {
        <button type="button" class="btn small copy-link" data-link={link.clone()} {onclick}
                data-what={props.what.clone()} title={link}>{ text }</button>
    }
}
