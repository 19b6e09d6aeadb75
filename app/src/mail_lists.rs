//! `/mail/unsubscribe?token=…`: leaving a mail list from the link in a
//! mail, without signing in. The page asks for one press of a button, so
//! that programs which open links to scan them unsubscribe nobody; mail
//! programs use the one-click POST of the `List-Unsubscribe` header
//! instead (`ssr::mail_lists::one_click`).

pub mod admin;
#[cfg(feature = "ssr")]
mod admin_ssr;
pub mod campaign_pages;
pub mod campaigns;
#[cfg(feature = "ssr")]
pub mod campaigns_ssr;
pub mod newsletter;
pub mod newsletter_pages;
#[cfg(feature = "ssr")]
mod newsletter_ssr;
pub mod subscribers;
pub mod subscribers_page;
#[cfg(feature = "ssr")]
mod subscribers_ssr;
#[cfg(feature = "ssr")]
mod tracking_ssr;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::{
    error::AppError,
    forms::{FormError, form_error},
};

/// What mail lists bring to the server: the one-click unsubscribe that
/// mail programs post to.
#[cfg(feature = "ssr")]
pub const FEATURE: crate::ssr::feature::Feature = crate::ssr::feature::Feature {
    routes: || {
        axum::Router::new()
            .route(
                "/mail/unsubscribe",
                axum::routing::post(crate::ssr::mail_lists::one_click),
            )
            .route("/mail/o/{campaign}", axum::routing::get(tracking_ssr::open))
            .route(
                "/admin/subscribers.csv",
                axum::routing::get(subscribers_ssr::export),
            )
            .route(
                "/mail/c/{campaign}/{position}",
                axum::routing::get(tracking_ssr::click),
            )
    },
    purge: |state| {
        Box::pin(async move {
            let mut counts = newsletter_ssr::purge(state).await?;
            counts.push((
                "mail list counts of the day",
                subscribers_ssr::count_today(state).await?,
            ));
            Ok(counts)
        })
    },
    tick: |state| Box::pin(campaigns_ssr::tick(state)),
    ..crate::ssr::feature::Feature::named("mail lists")
};

/// What an unsubscribe link is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListLink {
    /// The list, in words: "the daily forum digest", or a newsletter's name.
    pub list: String,
    /// Whether the member is still on it.
    pub subscribed: bool,
}

/// The list an unsubscribe link belongs to; `not_found` once it expired.
#[server(endpoint = "mail/link")]
pub async fn mail_link(token: String) -> Result<ListLink, AppError> {
    use crate::ssr::{AppState, db_error, mail_lists};

    let state = AppState::from_context()?;
    let (list, subscribed) = mail_lists::link_state(&state.db, &token, state.clock.now())
        .await
        .map_err(|e| db_error("reading an unsubscribe link", e))?
        .ok_or(AppError::NotFound)?;
    Ok(ListLink { list, subscribed })
}

/// Takes the link's member off its list.
#[server(endpoint = "mail/unsubscribe")]
pub async fn leave_mail_list(token: String) -> Result<(), AppError> {
    use crate::ssr::{AppState, db_error, mail_lists};

    let state = AppState::from_context()?;
    mail_lists::unsubscribe_by_token(&state.db, &token, state.clock.now())
        .await
        .map_err(|e| db_error("unsubscribing", e))?
        .map(drop)
        .ok_or(AppError::NotFound)
}

#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let leave = ServerAction::<LeaveMailList>::new();
    let token = move || use_query_map().with(|query| query.get("token").unwrap_or_default());
    let link = Resource::new(
        move || (token(), leave.version().get()),
        |(token, _)| mail_link(token),
    );
    view! {
        <Title text="Unsubscribe" />
        <article class="page">
            <h1>"Unsubscribe"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match link.await {
                        Ok(ListLink { list, subscribed: true }) => {
                            view! {
                                <p class="lead">{format!("Stop getting {list} by mail?")}</p>
                                <ActionForm action=leave attr:class="form">
                                    <FormError error=form_error(move || leave.value().get(), &[]) />
                                    <input type="hidden" name="token" value=token />
                                    <button type="submit" class="button">
                                        "Unsubscribe"
                                    </button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                        Ok(ListLink { list, subscribed: false }) => {
                            view! {
                                <p class="lead" role="status">
                                    {format!("You will not get {list} any more.")}
                                </p>
                                <p>
                                    "Changed your mind? Members turn it back on under "
                                    <a href="/account/choices">"Your choices"</a>
                                    "; anyone can sign up again on the "
                                    <a href="/newsletter">"newsletter page"</a> "."
                                </p>
                            }
                                .into_any()
                        }
                        Err(_) => {
                            view! {
                                <p class="lead">
                                    "This unsubscribe link does not work any more: it is older than a year, or not whole."
                                </p>
                                <p>
                                    "Members switch mail off under "
                                    <a href="/account/choices">"Your choices"</a>
                                    "; every newsletter also links to a page that changes or leaves your lists."
                                </p>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </article>
    }
}
