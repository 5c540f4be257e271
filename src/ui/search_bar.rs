//! The search bar of the waterfall: the query input, the match count, previous/next and
//! "matches only", and the query's error. Typing is debounced (the query goes out after a short
//! pause, or at once on Enter); "/" anywhere outside a text field focuses the input, Escape in
//! it clears the search. The query language is `view::search`'s.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// How long typing must pause before the query is searched.
const DEBOUNCE_MS: i32 = 150;

const PLACEHOLDER: &str = "Search: text, key=value, service:name, >10ms, error";

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

/// A query typed but not sent yet: the pending timeout and the callback it will run. The
/// callback is kept until the next one replaces it (never dropped while it may still run).
#[derive(Default)]
struct Debounce {
    handle: Option<i32>,
    callback: Option<Closure<dyn FnMut()>>,
    text: String,
}

impl Debounce {
    fn cancel(&mut self) {
        if let (Some(handle), Some(window)) = (self.handle.take(), web_sys::window()) {
            window.clear_timeout_with_handle(handle);
        }
    }
}

/// Sends `text` after the pause, replacing whatever was waiting; `on_query` is read when the
/// timeout fires, so the callback (and the route it carries) is the latest one.
fn schedule(debounce: &Rc<RefCell<Debounce>>, on_query: &Rc<RefCell<Callback<String>>>, text: String) {
    let Some(window) = web_sys::window() else {
        let on_query = on_query.borrow().clone();
        on_query.emit(text);
        return;
    };
    let weak: Weak<RefCell<Debounce>> = Rc::downgrade(debounce);
    let on_query = on_query.clone();
    let callback = Closure::<dyn FnMut()>::new(move || {
        let Some(debounce) = weak.upgrade() else { return };
        let text = {
            let mut d = debounce.borrow_mut();
            d.handle = None;
            d.text.clone()
        };
        let callback = on_query.borrow().clone();
        callback.emit(text);
    });
    let mut d = debounce.borrow_mut();
    d.cancel();
    d.text = text;
    d.handle = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(callback.as_ref().unchecked_ref(), DEBOUNCE_MS)
        .ok();
    d.callback = Some(callback);
}

/// Sends the waiting query now, if there is one; says whether there was.
fn flush(debounce: &Rc<RefCell<Debounce>>, on_query: &Callback<String>) -> bool {
    let text = {
        let mut d = debounce.borrow_mut();
        if d.handle.is_none() {
            return false;
        }
        d.cancel();
        d.text.clone()
    };
    on_query.emit(text);
    true
}

/// Is the key event aimed at something that takes text (where "/" must type a slash)?
fn typing_in_field(e: &KeyboardEvent) -> bool {
    let Some(el) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return false;
    };
    if el.is_content_editable() {
        return true;
    }
    match el.tag_name().as_str() {
        "TEXTAREA" | "SELECT" => true,
        "INPUT" => {
            let kind = el.get_attribute("type").unwrap_or_default().to_ascii_lowercase();
            !matches!(kind.as_str(), "checkbox" | "radio" | "button" | "submit" | "reset" | "range" | "color" | "file")
        }
        _ => false,
    }
}

fn count_text(props: &SearchBarProps) -> String {
    if props.query.trim().is_empty() {
        return String::new();
    }
    match (props.matches, props.current.filter(|&i| i < props.matches)) {
        (0, _) => "no matches".to_string(),
        (n, Some(i)) => format!("{} of {n}", i + 1),
        (1, None) => "1 match".to_string(),
        (n, None) => format!("{n} matches"),
    }
}

#[function_component(SearchBar)]
pub fn search_bar(props: &SearchBarProps) -> Html {
    let input_ref = use_node_ref();
    let text = use_state(|| props.query.clone());
    let debounce = use_mut_ref(Debounce::default);
    let latest_on_query = use_mut_ref(|| props.on_query.clone());
    *latest_on_query.borrow_mut() = props.on_query.clone();
    // Enter while a query was still waiting: it is sent at once, and the step waits for its
    // results (query, direction).
    let step_after = use_mut_ref(|| None::<(String, i32)>);

    // The route's query changed elsewhere (back/forward, a shared link): show it, unless the
    // user is typing something newer.
    {
        let text = text.clone();
        let debounce = debounce.clone();
        use_effect_with(props.query.clone(), move |query| {
            if debounce.borrow().handle.is_none() && *text != *query {
                text.set(query.clone());
            }
        });
    }
    // Results of a query sent by Enter: now step to the first (or last) match.
    {
        let step_after = step_after.clone();
        let on_step = props.on_step.clone();
        use_effect_with((props.query.clone(), props.matches), move |(query, _)| {
            let ready = step_after.borrow().as_ref().is_some_and(|(q, _)| q == query);
            if ready {
                if let Some((_, delta)) = step_after.borrow_mut().take() {
                    on_step.emit(delta);
                }
            }
        });
    }
    // No timeout may outlive the component.
    {
        let debounce = debounce.clone();
        use_effect_with((), move |_| {
            move || {
                let mut d = debounce.borrow_mut();
                d.cancel();
                d.callback = None;
            }
        });
    }
    // "/" focuses the search from anywhere but a text field.
    {
        let input_ref = input_ref.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
                if e.key() != "/" || e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
                    return;
                }
                if typing_in_field(&e) {
                    return;
                }
                if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                    e.prevent_default();
                    let _ = input.focus();
                    input.select();
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
                drop(listener);
            }
        });
    }

    let oninput = {
        let text = text.clone();
        let debounce = debounce.clone();
        let latest_on_query = latest_on_query.clone();
        let step_after = step_after.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            text.set(value.clone());
            step_after.borrow_mut().take();
            if value.trim().is_empty() {
                // Clearing shows everything again at once.
                debounce.borrow_mut().cancel();
                let on_query = latest_on_query.borrow().clone();
                on_query.emit(String::new());
            } else {
                schedule(&debounce, &latest_on_query, value);
            }
        })
    };
    let onkeydown = {
        let text = text.clone();
        let debounce = debounce.clone();
        let step_after = step_after.clone();
        let on_query = props.on_query.clone();
        let on_step = props.on_step.clone();
        let query = props.query.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" => {
                e.prevent_default();
                let delta = if e.shift_key() { -1 } else { 1 };
                let waiting = debounce.borrow().handle.is_some();
                let sent = debounce.borrow().text.clone();
                if waiting && sent != query {
                    *step_after.borrow_mut() = Some((sent, delta));
                    flush(&debounce, &on_query);
                } else {
                    debounce.borrow_mut().cancel();
                    on_step.emit(delta);
                }
            }
            "Escape" => {
                e.prevent_default();
                debounce.borrow_mut().cancel();
                step_after.borrow_mut().take();
                text.set(String::new());
                if !query.is_empty() {
                    on_query.emit(String::new());
                }
                if let Some(input) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                    let _ = input.blur();
                }
            }
            _ => {}
        })
    };
    let step = |delta: i32| {
        let on_step = props.on_step.clone();
        Callback::from(move |_: MouseEvent| on_step.emit(delta))
    };
    let on_matches_only = {
        let cb = props.on_matches_only.clone();
        Callback::from(move |e: Event| cb.emit(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    let no_matches = props.matches == 0;
    let count = count_text(props);

    html! {
        <div class={classes!("search-bar", props.error.is_some().then_some("has-error"))} role="search">
            <input ref={input_ref} type="search" class="search-input" placeholder={PLACEHOLDER}
                   aria-label="Search spans" title="Search spans (press / to focus, Escape to clear)"
                   autocomplete="off" spellcheck="false" value={(*text).clone()} {oninput} {onkeydown} />
            <span class="search-count" aria-live="polite">{ count }</span>
            <button type="button" class="btn search-step" aria-label="Previous match" title="Previous match (Shift+Enter)"
                    disabled={no_matches} onclick={step(-1)}>{ "↑" }</button>
            <button type="button" class="btn search-step" aria-label="Next match" title="Next match (Enter)"
                    disabled={no_matches} onclick={step(1)}>{ "↓" }</button>
            <label class="matches-only" title="Show only matching spans and their ancestors">
                <input type="checkbox" checked={props.matches_only} onchange={on_matches_only} />
                { "Matches only" }
            </label>
            if let Some(error) = &props.error {
                <p class="search-error" role="status">{ error }</p>
            }
        </div>
    }
}
