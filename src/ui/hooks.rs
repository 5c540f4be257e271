//! Hooks shared by components.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, ResizeObserver, ResizeObserverEntry};
use yew::prelude::*;

/// The size of an element (its client width and height in CSS pixels), kept up to date with a
/// `ResizeObserver`; `(0, 0)` until the observer's first report, which comes before the element's
/// first frame is painted. Follows the element if the `NodeRef` comes to point at another one (or
/// at one only after the first render).
#[hook]
pub fn use_element_size(node: NodeRef) -> (f64, f64) {
    type Observed = (Element, ResizeObserver, Closure<dyn FnMut(js_sys::Array)>);
    let size = use_state_eq(|| (0.0f64, 0.0f64));
    let observed = use_mut_ref(|| None::<Observed>);
    {
        let size = size.clone();
        let observed = observed.clone();
        use_effect(move || {
            let current = node.cast::<Element>();
            let unchanged = match (observed.borrow().as_ref(), current.as_ref()) {
                (Some((el, _, _)), Some(cur)) => el == cur,
                (None, None) => true,
                _ => false,
            };
            if !unchanged {
                if let Some((_, obs, _)) = observed.borrow_mut().take() {
                    obs.disconnect();
                }
                if let Some(el) = current {
                    // No measure here: reading the size now would force a style and layout pass
                    // in the middle of rendering (~15 ms on a first trace page). The observer
                    // reports the size when it starts observing, after the next layout and
                    // before that frame is painted, so the first painted frame has it.
                    let measure = |el: &Element| (f64::from(el.client_width()), f64::from(el.client_height()));
                    let size = size.clone();
                    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                        if let Ok(entry) = entries.get(0).dyn_into::<ResizeObserverEntry>() {
                            size.set(measure(&entry.target()));
                        }
                    });
                    if let Ok(obs) = ResizeObserver::new(callback.as_ref().unchecked_ref()) {
                        obs.observe(&el);
                        *observed.borrow_mut() = Some((el, obs, callback));
                    }
                }
            }
        });
    }
    use_effect_with((), move |_| {
        move || {
            if let Some((_, obs, _)) = observed.borrow_mut().take() {
                obs.disconnect();
            }
        }
    });
    *size
}

/// What a text field shows: the text the user typed since `applied` last changed, else `applied`,
/// and the `oninput` handler that keeps the typed text.
///
/// Yew writes an `<input>`'s `value` back to what the render says on every render of its
/// component, so a field whose `value` is only the applied setting loses what is being typed
/// whenever anything else re-renders the component before the change event (a notice, keeping
/// finishing, a search result). A refused text stays shown until the applied value changes;
/// then it is dropped.
#[hook]
pub fn use_draft(applied: &str) -> (AttrValue, Callback<InputEvent>) {
    // (the applied value the text was typed over, the typed text)
    let draft = use_state(|| None::<(String, String)>);
    {
        // A text typed over an earlier applied value is dropped once the value changes, so it
        // does not come back if the value later returns to what it was.
        let draft = draft.clone();
        use_effect_with(applied.to_string(), move |applied| {
            if draft.as_ref().is_some_and(|(over, _)| over != applied) {
                draft.set(None);
            }
        });
    }
    let shown = match &*draft {
        Some((over, typed)) if over == applied => AttrValue::from(typed.clone()),
        _ => AttrValue::from(applied.to_string()),
    };
    let oninput = {
        let applied = applied.to_string();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                draft.set(Some((applied.clone(), input.value())));
            }
        })
    };
    (shown, oninput)
}

/// From this many spans a trace's whole-trace values (analysis, summary, folds, minimap) are
/// computed on tasks of their own after the render that first needs them
/// ([`use_deferred_memo`]), so opening a million-span trace is several tasks under 200 ms
/// instead of one long one. Smaller traces compute them during the render, as before (no extra
/// render, no extra task).
pub const DEFER_FROM_SPANS: usize = 200_000;

thread_local! {
    /// [`DEFER_FROM_SPANS`], or the page's `defer-spans=` (tests defer small traces).
    static DEFER_FROM: std::cell::Cell<usize> = const { std::cell::Cell::new(DEFER_FROM_SPANS) };
}

/// Sets the deferral threshold from the address the page was opened with.
pub fn set_defer_from(spans: Option<u32>) {
    DEFER_FROM.with(|d| d.set(spans.map_or(DEFER_FROM_SPANS, |n| n as usize)));
}

/// Whether trace `index` is large enough that its whole-trace values are deferred.
pub fn defers(data: &super::store::DataHandle, index: usize) -> bool {
    let from = DEFER_FROM.with(std::cell::Cell::get);
    data.borrow().traces.get(index).is_some_and(|t| t.spans.len() >= from)
}

/// A memo of `compute(&key)`. During the render when `defer` is false; when it is true, on a
/// fresh task after this render (each deferred memo on its own task), returning `None` until
/// the value is there and rendering again then. A value is kept until the key changes.
#[hook]
pub fn use_deferred_memo<K, T, F>(key: K, defer: bool, compute: F) -> Option<std::rc::Rc<T>>
where
    K: PartialEq + Clone + 'static,
    T: 'static,
    F: FnOnce(&K) -> T + 'static,
{
    use std::rc::Rc;
    let slot = use_mut_ref(|| None::<(K, Rc<T>)>);
    let scheduled = use_mut_ref(|| None::<K>);
    let force = use_force_update();
    let cached = slot.borrow().as_ref().filter(|(k, _)| *k == key).map(|(_, value)| value.clone());
    if cached.is_some() {
        return cached;
    }
    if !defer {
        let value = Rc::new(compute(&key));
        *slot.borrow_mut() = Some((key, value.clone()));
        return Some(value);
    }
    if scheduled.borrow().as_ref() != Some(&key) {
        *scheduled.borrow_mut() = Some(key.clone());
        wasm_bindgen_futures::spawn_local(async move {
            super::yield_to_browser().await;
            // A newer key may have been scheduled meanwhile: then this one is not wanted.
            if scheduled.borrow().as_ref() != Some(&key) {
                return;
            }
            let value = Rc::new(compute(&key));
            *slot.borrow_mut() = Some((key, value));
            force.force_update();
        });
    }
    None
}
