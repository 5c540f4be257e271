//! The notice area: what the core says about loads and the workspace, as the core groups it for
//! the page (`Notices::shown`): single notices, and one summary line per big batch of files with
//! the batch's notices behind "details". Buttons: dismiss one, dismiss a batch, dismiss all,
//! and the notice's own action (Undo after Clear all, Forget the kept workspace).

use super::store::Store;
use strand_app::{Action, Notice, NoticeGroup, NoticeKind};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NoticeAreaProps {
    pub store: Store,
    pub groups: Vec<NoticeGroup>,
}

#[function_component(NoticeArea)]
pub fn notice_area(props: &NoticeAreaProps) -> Html {
    let dismiss_all = props.store.callback(|_: MouseEvent| Action::DismissAll);
    let count: usize = props
        .groups
        .iter()
        .map(|g| match g {
            NoticeGroup::One(_) => 1,
            NoticeGroup::Summary { notices, .. } => notices.len(),
        })
        .sum();
    html! {
        <div class="notices">
            { for props.groups.iter().map(|g| match g {
                NoticeGroup::One(n) => one(&props.store, n, "notice"),
                NoticeGroup::Summary { batch, text, errors, notices } => summary(&props.store, *batch, text, *errors, notices),
            }) }
            if count >= 2 {
                <button class="btn small notices-dismiss-all" onclick={dismiss_all}>{ "Dismiss all" }</button>
            }
        </div>
    }
}

fn one(store: &Store, n: &Notice, class: &'static str) -> Html {
    let id = n.id;
    let dismiss = store.callback(move |_: MouseEvent| Action::Dismiss(id));
    let kind = match n.kind {
        NoticeKind::Loaded => "notice-ok",
        NoticeKind::Error => "notice-error",
        NoticeKind::Workspace => "notice-workspace",
    };
    let role = if n.kind == NoticeKind::Error { "alert" } else { "status" };
    let action = n.action.map(|action| {
        let onclick = store.callback(move |_: MouseEvent| Action::NoticeAction(action));
        html! { <button class="btn small notice-action" {onclick}>{ action.label() }</button> }
    });
    html! {
        <div class={classes!(class, kind)} role={role} key={id}>
            <span class="notice-text">{ &n.text }</span>
            { for action }
            { for n.details.iter().map(|d| html! { <div class="notice-detail">{ d }</div> }) }
            <button class="notice-close" onclick={dismiss} aria-label="Dismiss">{ "×" }</button>
        </div>
    }
}

fn summary(store: &Store, batch: u64, text: &str, errors: usize, notices: &[Notice]) -> Html {
    let dismiss = store.callback(move |_: MouseEvent| Action::DismissBatch(batch));
    let kind = if errors > 0 { "notice-error" } else { "notice-ok" };
    html! {
        <div class={classes!("notice", "notice-summary", kind)} role="status" key={format!("batch-{batch}")}>
            <details>
                <summary><span class="notice-text">{ text }</span>{ " — details" }</summary>
                <div class="notice-items">
                    { for notices.iter().map(|n| one(store, n, "notice-item")) }
                </div>
            </details>
            <button class="notice-close" onclick={dismiss} aria-label="Dismiss these notices">{ "×" }</button>
        </div>
    }
}
