//! What leaves the tab, as one context for the components: the log link templates (links to the
//! user's log tool, filled in by `view::link_out`) and the masking setting (what exports, the
//! JSON tab's download and copied JSON mask). The provider reads both from the core and hands out
//! callbacks that dispatch changes (`Action::SetLinkTemplates`, `Action::SetMask`); it mounts the
//! link settings dialog, so any component can open it.

mod link_settings;
mod links;
mod mask_picker;

pub use links::LinkOuts;
pub use mask_picker::{MaskPicker, MaskPreviewPanel};

use super::store::Store;
use std::rc::Rc;
use strand_app::mask_settings::MaskSetting;
use strand_app::Action;
use strand_view::link_out::LinkTemplate;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
pub struct Outbound {
    pub templates: Rc<Vec<LinkTemplate>>,
    pub mask: MaskSetting,
    pub open_link_settings: Callback<()>,
    pub set_mask: Callback<MaskSetting>,
}

/// The context, or an inert one when a component is rendered outside the provider.
#[hook]
pub fn use_outbound() -> Outbound {
    use_context::<Outbound>().unwrap_or_else(|| Outbound {
        templates: Rc::new(Vec::new()),
        mask: MaskSetting::default(),
        open_link_settings: Callback::noop(),
        set_mask: Callback::noop(),
    })
}

#[derive(Properties, PartialEq)]
pub struct OutboundProviderProps {
    pub store: Store,
    #[prop_or_default]
    pub children: Html,
}

#[function_component(OutboundProvider)]
pub fn outbound_provider(props: &OutboundProviderProps) -> Html {
    let (templates, mask) = {
        let app = props.store.read();
        (app.links.templates.clone(), app.mask.clone())
    };
    let open = use_state_eq(|| false);
    // Made once: the store never changes, and stable callbacks keep consumers from re-rendering.
    let callbacks = use_memo((), {
        let store = props.store.clone();
        let open = open.setter();
        move |()| {
            (
                store.callback(Action::SetMask),
                store.callback(Action::SetLinkTemplates),
                Callback::from(move |()| open.set(true)),
            )
        }
    });
    let (set_mask, set_templates, open_link_settings) = (*callbacks).clone();
    let templates = use_memo(templates, |t| Rc::new(t.clone()));
    let context = Outbound { templates: (*templates).clone(), mask, open_link_settings, set_mask };
    let close = {
        let open = open.clone();
        Callback::from(move |()| open.set(false))
    };
    html! {
        <ContextProvider<Outbound> context={context}>
            { props.children.clone() }
            if *open {
                <link_settings::LinkSettingsDialog templates={(*templates).clone()} on_save={set_templates} on_close={close} />
            }
        </ContextProvider<Outbound>>
    }
}

/// A button that opens the link settings dialog.
#[function_component(LinkSettingsButton)]
pub fn link_settings_button() -> Html {
    let outbound = use_outbound();
    let onclick = Callback::from(move |_: MouseEvent| outbound.open_link_settings.emit(()));
    html! {
        <button type="button" class="btn link-settings-button" {onclick}
                title="Links from spans and traces to your log tool (Kibana, Grafana, …), kept in this browser">
            { "Log links…" }
        </button>
    }
}
