//! Settings in the browser: the dialog (theme, time zone, keeping data), applying the theme
//! (`data-theme` on `<html>`, following `prefers-color-scheme` when the setting says so) and the
//! time zone (`model::time::set_display_zone` with offsets from `Intl.DateTimeFormat`). What the
//! settings are and how they are stored is `strand_app::settings`.

use super::hooks::use_draft;
use super::store::Store;
use js_sys::{Array, Date, Object, Reflect};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use strand_app::{Action, Settings, Theme, TimeZone};
use strand_model::time::{set_display_zone, DisplayZone, ZoneOffset};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Whether the system prefers a dark theme.
fn system_prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Sets `data-theme` on `<html>` for `theme` (resolving "follow the system").
pub fn apply_theme(theme: Theme) {
    let resolved = theme.resolve(system_prefers_dark());
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        if root.get_attribute("data-theme").as_deref() != Some(resolved) {
            let _ = root.set_attribute("data-theme", resolved);
        }
    }
}

/// The theme in force now: `"light"` or `"dark"`.
pub fn current_theme() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("data-theme"))
        .unwrap_or_else(|| "light".to_string())
}

/// The browser's own zone, e.g. `Europe/Berlin`.
pub fn local_zone_name() -> String {
    let format = js_sys::Intl::DateTimeFormat::new(&Array::new(), &Object::new());
    Reflect::get(&format.resolved_options(), &"timeZone".into()).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

/// Every zone the browser knows (`Intl.supportedValuesOf('timeZone')`), for the picker.
fn known_zones() -> Vec<String> {
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).unwrap_or(JsValue::UNDEFINED);
    let Some(list) = Reflect::get(&intl, &"supportedValuesOf".into()).ok().and_then(|f| {
        let f: js_sys::Function = f.dyn_into().ok()?;
        f.call1(&intl, &"timeZone".into()).ok()
    }) else {
        return Vec::new();
    };
    Array::from(&list).iter().filter_map(|v| v.as_string()).collect()
}

/// Makes every absolute time shown follow `zone`. A zone the browser does not know falls back to
/// UTC and returns why.
pub fn apply_time_zone(zone: &TimeZone) -> Result<(), String> {
    let result = match zone {
        TimeZone::Utc => Ok(DisplayZone::utc()),
        TimeZone::Local => {
            let label = local_zone_name();
            let lookup = |ms: i64| -> i32 {
                // getTimezoneOffset is minutes west of UTC.
                let minutes = Date::new(&JsValue::from_f64(ms as f64)).get_timezone_offset();
                (-minutes * 60.0) as i32
            };
            Ok(DisplayZone {
                label: if label.is_empty() { "local time".to_string() } else { label },
                offset: ZoneOffset::Lookup(Rc::new(lookup)),
            })
        }
        TimeZone::Named(name) => named_zone(name),
    };
    match result {
        Ok(zone) => {
            set_display_zone(zone);
            Ok(())
        }
        Err(e) => {
            set_display_zone(DisplayZone::utc());
            Err(e)
        }
    }
}

/// A zone by IANA name, with offsets from `Intl.DateTimeFormat` cached per quarter hour.
fn named_zone(name: &str) -> Result<DisplayZone, String> {
    let options = Object::new();
    for (key, value) in [
        ("timeZone", name),
        ("hourCycle", "h23"),
        ("year", "numeric"),
        ("month", "numeric"),
        ("day", "numeric"),
        ("hour", "numeric"),
        ("minute", "numeric"),
        ("second", "numeric"),
    ] {
        let _ = Reflect::set(&options, &key.into(), &value.into());
    }
    let locales = Array::of1(&"en-US".into());
    // The constructor throws a RangeError for an unknown zone; catch it through Reflect.
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).unwrap_or(JsValue::UNDEFINED);
    let ctor: js_sys::Function = Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()
        .and_then(|c| c.dyn_into().ok())
        .ok_or("Intl.DateTimeFormat is missing")?;
    let format = Reflect::construct(&ctor, &Array::of2(&locales, &options))
        .map_err(|_| format!("this browser does not know the time zone {name:?}"))?;
    let format: js_sys::Intl::DateTimeFormat = format.unchecked_into();
    let cache: RefCell<HashMap<i64, i32>> = RefCell::new(HashMap::new());
    let lookup = move |ms: i64| -> i32 {
        const QUARTER_HOUR_MS: i64 = 900_000;
        let bucket = ms.div_euclid(QUARTER_HOUR_MS);
        if let Some(offset) = cache.borrow().get(&bucket) {
            return *offset;
        }
        let at = bucket * QUARTER_HOUR_MS;
        let offset = offset_of(&format, at);
        let mut cache = cache.borrow_mut();
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(bucket, offset);
        offset
    };
    Ok(DisplayZone { label: name.to_string(), offset: ZoneOffset::Lookup(Rc::new(lookup)) })
}

/// The zone's offset at `ms`: its wall-clock fields read as UTC, minus the instant.
fn offset_of(format: &js_sys::Intl::DateTimeFormat, ms: i64) -> i32 {
    let parts = format.format_to_parts(&Date::new(&JsValue::from_f64(ms as f64)));
    let mut fields: HashMap<String, f64> = HashMap::new();
    for part in parts.iter() {
        let kind = Reflect::get(&part, &"type".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
        let value = Reflect::get(&part, &"value".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
        if let Ok(n) = value.parse::<f64>() {
            fields.insert(kind, n);
        }
    }
    let get = |k: &str| fields.get(k).copied().unwrap_or(0.0);
    let wall = Date::utc(get("year"), get("month") - 1.0)
        + ((get("day") - 1.0) * 86_400.0 + get("hour") * 3600.0 + get("minute") * 60.0 + get("second")) * 1000.0;
    ((wall - ms as f64) / 1000.0).round() as i32
}

#[derive(Properties, PartialEq)]
pub struct SettingsButtonProps {
    pub store: Store,
    pub settings: Settings,
    /// What is kept in this browser, as words (`33 traces, 12,040 spans (4.1 MB)`).
    pub kept: Option<String>,
    pub keep_error: Option<String>,
}

/// The Settings button in the top bar and its dialog.
#[function_component(SettingsButton)]
pub fn settings_button(props: &SettingsButtonProps) -> Html {
    let open = use_state(|| false);
    let zone_error = use_state(|| None::<String>);
    // The zone name and keep-limit fields keep what is typed (`use_draft`): this component
    // renders again whenever what is kept changes, mid-typing.
    let applied_zone = match &props.settings.time_zone {
        TimeZone::Named(name) => name.as_str(),
        _ => "",
    };
    let (zone_text, on_zone_typed) = use_draft(applied_zone);
    let (limit_text, on_limit_typed) = use_draft(&props.settings.keep_limit_mb.to_string());
    let zones = use_memo((), |_| known_zones());
    let set = {
        let store = props.store.clone();
        Callback::from(move |settings: Settings| store.dispatch(Action::SetSettings(settings)))
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let close = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(false))
    };
    let on_key = {
        let open = open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                open.set(false);
            }
        })
    };
    let s = props.settings.clone();
    let themes = Theme::ALL.iter().map(|&theme| {
        let onchange = {
            let set = set.clone();
            let s = s.clone();
            Callback::from(move |_: Event| set.emit(Settings { theme, ..s.clone() }))
        };
        html! {
            <label class="settings-choice">
                <input type="radio" name="theme" value={theme.name()} checked={s.theme == theme} {onchange} />
                { theme.label() }
            </label>
        }
    });
    let zone_kind = match &s.time_zone {
        TimeZone::Utc => "utc",
        TimeZone::Local => "local",
        TimeZone::Named(_) => "named",
    };
    let on_zone_kind = {
        let set = set.clone();
        let s = s.clone();
        let zone_text = zone_text.clone();
        let zone_error = zone_error.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<HtmlSelectElement>() else { return };
            zone_error.set(None);
            let zone = match select.value().as_str() {
                "local" => TimeZone::Local,
                "named" => match TimeZone::parse(&zone_text) {
                    Some(TimeZone::Named(name)) => TimeZone::Named(name),
                    _ => TimeZone::Named(local_zone_name()),
                },
                _ => TimeZone::Utc,
            };
            set.emit(Settings { time_zone: zone, ..s.clone() });
        })
    };
    let on_zone_name = {
        let set = set.clone();
        let s = s.clone();
        let zone_error = zone_error.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return };
            let text = input.value();
            match TimeZone::parse(&text) {
                Some(zone @ TimeZone::Named(_)) => {
                    let known = apply_time_zone(&zone);
                    // Put back what is in force until the core applies the new setting.
                    let _ = apply_time_zone(&s.time_zone);
                    match known {
                        Ok(()) => {
                            zone_error.set(None);
                            set.emit(Settings { time_zone: zone, ..s.clone() });
                        }
                        Err(err) => zone_error.set(Some(err)),
                    }
                }
                _ => zone_error.set(Some(format!("{text:?} is not a time zone name such as Europe/Berlin"))),
            }
        })
    };
    let on_keep = {
        let set = set.clone();
        let s = s.clone();
        Callback::from(move |_: Event| set.emit(Settings { keep_data: !s.keep_data, ..s.clone() }))
    };
    let on_limit = {
        let set = set.clone();
        let s = s.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return };
            if let Ok(mb) = input.value().trim().parse::<u32>() {
                let mb = mb.clamp(1, strand_app::settings::MAX_KEEP_LIMIT_MB);
                set.emit(Settings { keep_limit_mb: mb, ..s.clone() });
            }
        })
    };
    let forget = props.store.callback(|_: MouseEvent| Action::NoticeAction(strand_app::NoticeAction::ForgetKept));
    html! {
        <>
            <button class="btn settings-button" onclick={toggle} aria-haspopup="dialog" aria-expanded={open.to_string()}
                    title="Theme, time zone, keeping data">{ "Settings" }</button>
            if *open {
                <div class="settings-panel" role="dialog" aria-label="Settings" onkeydown={on_key}>
                    <h2 class="settings-title">{ "Settings" }</h2>
                    <fieldset class="settings-group">
                        <legend>{ "Theme" }</legend>
                        { for themes }
                    </fieldset>
                    <fieldset class="settings-group">
                        <legend>{ "Times" }</legend>
                        <label class="settings-row">{ "Show times in " }
                            <select class="zone-kind" onchange={on_zone_kind} aria-label="Time zone">
                                <option value="utc" selected={zone_kind == "utc"}>{ "UTC" }</option>
                                <option value="local" selected={zone_kind == "local"}>{ format!("local time ({})", local_zone_name()) }</option>
                                <option value="named" selected={zone_kind == "named"}>{ "a time zone…" }</option>
                            </select>
                        </label>
                        if zone_kind == "named" {
                            <label class="settings-row">{ "Zone " }
                                <input class="zone-name" type="text" list="strand-zones" value={zone_text} oninput={on_zone_typed} onchange={on_zone_name}
                                       placeholder="Europe/Berlin" aria-label="Time zone name" spellcheck="false" />
                            </label>
                            <datalist id="strand-zones">{ for zones.iter().map(|z| html! { <option value={z.clone()} /> }) }</datalist>
                        }
                        if let Some(err) = zone_error.as_ref() {
                            <p class="settings-error" role="alert">{ err }</p>
                        }
                    </fieldset>
                    <fieldset class="settings-group">
                        <legend>{ "Keeping data" }</legend>
                        <label class="settings-row">
                            <input type="checkbox" class="keep-data" checked={s.keep_data} onchange={on_keep} />
                            { " Keep loaded data in this browser and restore it next time" }
                        </label>
                        <label class="settings-row">{ "Keep at most " }
                            <input type="number" class="keep-limit" min="1" max={strand_app::settings::MAX_KEEP_LIMIT_MB.to_string()}
                                   value={limit_text} oninput={on_limit_typed} onchange={on_limit} aria-label="Limit in MB" />
                            { " MB (the oldest traces beyond it are not kept)" }
                        </label>
                        <p class="settings-kept">
                            { match (&props.kept, s.keep_data) {
                                (Some(kept), _) => format!("Kept now: {kept}."),
                                (None, true) => "Nothing is kept yet.".to_string(),
                                (None, false) => "Nothing is kept.".to_string(),
                            } }
                            if props.kept.is_some() {
                                { " " }<button class="btn small forget-kept" onclick={forget}>{ "Forget" }</button>
                            }
                        </p>
                        if let Some(err) = props.keep_error.as_ref() {
                            <p class="settings-error">{ format!("Last problem: {err}") }</p>
                        }
                    </fieldset>
                    <div class="settings-actions">
                        <button class="btn" onclick={close}>{ "Close" }</button>
                    </div>
                </div>
            }
        </>
    }
}

/// Follows the system's colour scheme while the theme setting says so.
#[hook]
pub fn use_system_theme(theme: Theme) {
    use_effect_with(theme, move |&theme| {
        apply_theme(theme);
        let query = web_sys::window().and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
        let listener = (theme == Theme::System).then(|| {
            let closure = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || apply_theme(theme));
            if let Some(q) = &query {
                let _ = q.add_event_listener_with_callback("change", closure.as_ref().unchecked_ref());
            }
            closure
        });
        move || {
            if let (Some(q), Some(l)) = (query, listener) {
                let _ = q.remove_event_listener_with_callback("change", l.as_ref().unchecked_ref());
            }
        }
    });
}
