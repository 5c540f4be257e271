//! Loading controls: the progress bar of the file being loaded (with cancel), and pasting JSON
//! (a button with a text dialog, and Ctrl+V anywhere on the page outside a text field). Both
//! dispatch to the app core (`store`).

use super::store::Store;
use std::cell::Cell;
use strand_app::{Action, Progress};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProgressProps {
    pub progress: Option<Progress>,
    pub store: Store,
}

/// A bar under the header while something loads.
#[function_component(LoadProgressBar)]
pub fn load_progress_bar(props: &ProgressProps) -> Html {
    let Some(p) = &props.progress else {
        return html! {};
    };
    let cancel = props.store.callback(|_: MouseEvent| Action::CancelLoading);
    html! {
        <div class="load-progress" role="status" aria-live="polite" data-phase={p.phase.name()}>
            <span class="load-file">{ &p.file }</span>
            <span class="load-phase">{ p.text() }</span>
            // Without a value the bar is indeterminate (parsing and merging report no fraction).
            if let Some(v) = p.fraction() {
                <progress class="load-bar" max="1" value={format!("{v:.3}")} aria-label="Loading progress"></progress>
            } else {
                <progress class="load-bar" aria-label="Loading progress"></progress>
            }
            <button class="btn load-cancel" onclick={cancel}>{ "Cancel" }</button>
        </div>
    }
}

thread_local! {
    static PASTES: Cell<u32> = const { Cell::new(0) };
}

fn paste_name() -> String {
    let n = PASTES.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    if n == 1 {
        "pasted JSON".to_string()
    } else {
        format!("pasted JSON {n}")
    }
}

fn looks_like_json(text: &str) -> bool {
    matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'['))
}

/// Whether the focus is somewhere text goes (then a paste belongs there, not to Strand).
fn typing_somewhere() -> bool {
    let Some(active) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element()) else {
        return false;
    };
    let tag = active.tag_name().to_ascii_lowercase();
    matches!(tag.as_str(), "input" | "textarea" | "select")
        || active.dyn_ref::<web_sys::HtmlElement>().is_some_and(|e| e.is_content_editable())
}

#[derive(Properties, PartialEq)]
pub struct PasteProps {
    pub store: Store,
}

/// The "Paste JSON" button and dialog, and the page-level paste handler.
#[function_component(PasteJson)]
pub fn paste_json(props: &PasteProps) -> Html {
    let open = use_state(|| false);
    let error = use_state(String::new);
    let text_ref = use_node_ref();

    // Ctrl+V / Cmd+V on the page (not in a text field) loads JSON from the clipboard.
    let store = props.store.clone();
    use_effect_with((), move |_| {
        let listener = Closure::<dyn FnMut(web_sys::ClipboardEvent)>::new(move |e: web_sys::ClipboardEvent| {
            if typing_somewhere() {
                return;
            }
            let Some(text) = e.clipboard_data().and_then(|d| d.get_data("text").ok()) else {
                return;
            };
            if looks_like_json(&text) {
                e.prevent_default();
                store.dispatch(Action::LoadBytes { name: paste_name(), bytes: text.into_bytes() });
            }
        });
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(d) = &document {
            let _ = d.add_event_listener_with_callback("paste", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(d) = document {
                let _ = d.remove_event_listener_with_callback("paste", listener.as_ref().unchecked_ref());
            }
        }
    });

    let show = {
        let open = open.clone();
        let error = error.clone();
        Callback::from(move |_: MouseEvent| {
            error.set(String::new());
            open.set(true);
        })
    };
    let close = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(false))
    };
    let submit = {
        let store = props.store.clone();
        let open = open.clone();
        let error = error.clone();
        let text_ref = text_ref.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(area) = text_ref.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let text = area.value();
            if text.trim().is_empty() {
                error.set("Paste a trace as JSON first (Jaeger, Zipkin v2 or OTLP).".to_string());
                return;
            }
            // Say what is wrong here, with the text kept, rather than close and fail later.
            if let Err(problem) = strand_formats::check_pasted(text.as_bytes()) {
                error.set(problem);
                return;
            }
            store.dispatch(Action::LoadBytes { name: paste_name(), bytes: text.into_bytes() });
            open.set(false);
        })
    };
    let on_input = {
        let error = error.clone();
        Callback::from(move |_: InputEvent| {
            if !error.is_empty() {
                error.set(String::new());
            }
        })
    };
    let on_key = {
        let open = open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.stop_propagation();
                open.set(false);
            }
        })
    };
    // Focus the text area when the dialog opens.
    {
        let text_ref = text_ref.clone();
        use_effect_with(*open, move |open| {
            if *open {
                if let Some(area) = text_ref.cast::<web_sys::HtmlElement>() {
                    let _ = area.focus();
                }
            }
        });
    }

    html! {
        <>
            <button class="btn paste-open" onclick={show} title="Load a trace from JSON text (or press Ctrl+V on the page)">
                { "Paste JSON" }
            </button>
            if *open {
                <div class="paste-backdrop">
                    <div class="paste-dialog" role="dialog" aria-modal="true" aria-label="Paste JSON" onkeydown={on_key}>
                        <h2>{ "Paste JSON" }</h2>
                        <p class="paste-hint">{ "A trace as Jaeger, Zipkin v2 or OTLP JSON (or OTLP JSON lines). It is added to what is loaded." }</p>
                        <textarea ref={text_ref} oninput={on_input} class="paste-text" spellcheck="false" aria-label="JSON to load"
                                  placeholder="{\"resourceSpans\": [ … ]}" />
                        if !error.is_empty() {
                            <p class="paste-error" role="alert">{ (*error).clone() }</p>
                        }
                        <div class="paste-actions">
                            <button class="btn" onclick={close}>{ "Cancel" }</button>
                            <button class="btn primary paste-load" onclick={submit}>{ "Load" }</button>
                        </div>
                    </div>
                </div>
            }
        </>
    }
}
