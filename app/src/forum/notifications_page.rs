//! `/forum/notifications`: replies to the member's threads and mentions of
//! their username, for posts that are still public, and the switch for the
//! daily mail digest of those not yet read.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{SetForumDigest, forum_digest, my_notifications};
use crate::{
    error_page::ErrorPage,
    forms::{FormError, form_error},
};

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let list = Resource::new(|| (), |()| my_notifications());
    view! {
        <Title text="Notifications" />
        <article class="page">
            <p class="breadcrumb">
                <a href="/forum">"Forum"</a>
            </p>
            <h1>"Notifications"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) if list.is_empty() => {
                            view! {
                                <p class="empty">
                                    "Nothing yet. Replies to your threads and mentions of your @username show up here."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(list) => {
                            let items = list
                                .into_iter()
                                .map(|item| {
                                    let headline = item.headline();
                                    view! {
                                        <li class:unread=item
                                            .unread>
                                            {item
                                                .unread
                                                .then(|| {
                                                    view! {
                                                        <span class="badge">"New"</span>
                                                        " "
                                                    }
                                                })} {format!("{headline} ")}
                                            <a href=format!("/forum/p/{}", item.post.0) rel="external">
                                                {item.thread_title.clone()}
                                            </a> <span class="hint">{format!(" · {}", item.at)}</span>
                                        </li>
                                    }
                                })
                                .collect_view();
                            view! { <ul class="notification-list">{items}</ul> }.into_any()
                        }
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
            <DigestSetting />
        </article>
    }
}

/// The daily digest: off unless the member turns it on.
#[component]
pub fn DigestSetting() -> impl IntoView {
    let set = ServerAction::<SetForumDigest>::new();
    let digest = Resource::new(move || set.version().get(), |_| forum_digest());
    view! {
        <section class="digest-setting" aria-labelledby="digest-heading">
            <h2 id="digest-heading">"Mail digest"</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    digest
                        .await
                        .ok()
                        .map(|on| {
                            let (state, button) = if on {
                                (
                                    "On: once a day at most, a mail lists the notifications you have not read here yet. Every digest has a link that stops it in one click.",
                                    "Turn the digest off",
                                )
                            } else {
                                (
                                    "Off: the forum sends you no mail. Turn it on to get, once a day at most, a mail listing the notifications you have not read here yet.",
                                    "Turn the digest on",
                                )
                            };
                            view! {
                                <p role="status">{state}</p>
                                <ActionForm action=set attr:class="inline-form">
                                    <FormError error=form_error(move || set.value().get(), &[]) />
                                    <input type="hidden" name="on" value=(!on).to_string() />
                                    <button type="submit" class="button button-secondary">
                                        {button}
                                    </button>
                                </ActionForm>
                            }
                        })
                })}
            </Suspense>
        </section>
    }
}
