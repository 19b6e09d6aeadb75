//! `/forum/notifications`: replies to the member's threads and mentions of
//! their username, for posts that are still public.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{NotificationKind, api::my_notifications};
use crate::error_page::ErrorPage;

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
                                    let who = item
                                        .actor
                                        .clone()
                                        .unwrap_or_else(|| "A former member".to_owned());
                                    let what = match item.kind {
                                        NotificationKind::Reply => "replied to",
                                        NotificationKind::Mention => "mentioned you in",
                                    };
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
                                                })} {format!("{who} {what} ")}
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
        </article>
    }
}
