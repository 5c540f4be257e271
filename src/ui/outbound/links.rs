//! The links of the user's templates for one span or trace (`view::link_out::links`: only the
//! templates that give an http(s) URL), opened in a new tab without a referrer or an opener; or,
//! without templates, an offer to set them up.

use super::use_outbound;
use strand_view::link_out::{links, LinkContext};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LinkOutsProps {
    pub context: LinkContext,
    /// What the links open, for the label: `span`, `trace`.
    pub of: &'static str,
}

#[function_component(LinkOuts)]
pub fn link_outs(props: &LinkOutsProps) -> Html {
    let outbound = use_outbound();
    let shown = links(&outbound.templates, &props.context);
    let open_settings = {
        let open = outbound.open_link_settings.clone();
        Callback::from(move |_: MouseEvent| open.emit(()))
    };
    if outbound.templates.is_empty() {
        return html! {
            <p class="link-outs empty">
                <button type="button" class="btn link-btn" onclick={open_settings}>{ "Set up links to your log tool…" }</button>
            </p>
        };
    }
    html! {
        <p class="link-outs">
            <span class="link-outs-label">{ format!("Logs of this {} in", props.of) }</span>
            { for shown.into_iter().map(|(name, url)| html! {
                <a class="link-out" href={url} target="_blank" rel="noopener noreferrer">{ name }</a>
            }) }
            <button type="button" class="btn small link-outs-edit" onclick={open_settings} title="Edit the links">{ "Edit…" }</button>
        </p>
    }
}
