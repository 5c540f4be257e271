//! The keyboard help overlay: "?" opens it anywhere outside text fields, Escape closes it. It
//! lists the shortcuts and the search terms (`view::search::help`).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

const KEYS: [(&str, &str); 12] = [
    ("/", "focus the search in the trace"),
    ("Enter / Shift+Enter", "next / previous match (in the search field)"),
    ("↑ ↓", "move between rows of the waterfall"),
    ("←", "collapse the row, or go to its parent"),
    ("→", "expand the row, or go to its first child"),
    ("Home / End", "first / last row"),
    ("Enter", "open the details of the row"),
    ("+ / -", "zoom the time axis in / out"),
    ("Shift+← / Shift+→", "pan the time axis"),
    ("Escape", "clear the search, close this help"),
    ("?", "show this help"),
    ("drag on the ruler or minimap", "zoom into a time range"),
];

fn in_text_field(e: &web_sys::KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
        .unwrap_or(false)
}

#[function_component(KeyboardHelp)]
pub fn keyboard_help() -> Html {
    let open = use_state(|| false);
    {
        let open = open.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                if e.key() == "?" && !in_text_field(&e) {
                    open.set(true);
                } else if e.key() == "Escape" {
                    open.set(false);
                }
            });
            let document = web_sys::window().and_then(|w| w.document());
            if let Some(d) = &document {
                let _ = d.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(d) = document {
                    let _ = d.remove_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
                }
            }
        });
    }
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    html! {
        <>
            <button class="btn help-button" onclick={toggle.clone()} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">{ "?" }</button>
            if *open {
                <div class="help-overlay" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" onclick={toggle.clone()}>
                    <div class="help-card" onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                        <h2 class="help-title">{ "Keyboard shortcuts" }</h2>
                        <table>
                            { for KEYS.iter().map(|(k, what)| html! { <tr><td><kbd>{ *k }</kbd></td><td>{ *what }</td></tr> }) }
                        </table>
                        <h3>{ "Search terms" }</h3>
                        <table class="help-search">
                            { for strand_view::search::help::TERMS.iter().map(|(term, what)| html! {
                                <tr><td><code>{ *term }</code></td><td>{ *what }</td></tr>
                            }) }
                        </table>
                        <button class="btn" onclick={toggle}>{ "Close" }</button>
                    </div>
                </div>
            }
        </>
    }
}
