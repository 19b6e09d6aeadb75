//! Server functions of the forum. Reading needs no account and sets no
//! cookie; writing needs a verified member who is not suspended.

use leptos::prelude::*;

use super::{
    Category, CategoryPage, EditablePost, Notification, Posting, Revision, SearchResults,
    ThreadView,
};
use crate::error::AppError;

/// The signed-in member, if any, as the forum's services take it.
#[cfg(feature = "ssr")]
async fn viewer() -> Result<Option<crate::accounts::CurrentUser>, AppError> {
    Ok(crate::accounts::ssr::auth::auth()
        .await?
        .map(|signed_in| signed_in.user))
}

/// Parses the title and body of a post, each error at its field.
#[cfg(feature = "ssr")]
fn parse_body(body: &str) -> Result<super::PostBody, AppError> {
    super::PostBody::parse(body).map_err(|message| AppError::invalid("body", message))
}

/// Without JavaScript, "Preview" submits the form: send the text back to
/// the page it came from, which renders the preview.
#[cfg(feature = "ssr")]
fn redirect_to_preview(back: Option<&str>, title: Option<&str>, body: &str) {
    let back = crate::return_path::LocalPath::or(back, "/forum");
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(title) = title {
        query.append_pair("title", title);
    }
    query.append_pair("body", body).append_pair("preview", "1");
    leptos_axum::redirect(&super::with_query(
        back.as_str(),
        &query.finish(),
        "compose",
    ));
}

/// Whether the form's "Preview" button sent it.
#[cfg(feature = "ssr")]
fn wants_preview(intent: Option<&str>) -> bool {
    intent == Some("preview")
}

/// Logs a filled-in honeypot; the request then pretends to succeed.
#[cfg(feature = "ssr")]
fn is_bot(website: Option<&str>) -> bool {
    let bot = website.is_some_and(|value| !value.is_empty());
    if bot {
        tracing::info!("forum honeypot filled in; post ignored");
    }
    bot
}

/// The categories, in order.
#[server(endpoint = "forum/categories")]
pub async fn forum_categories() -> Result<Vec<Category>, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    super::ssr::categories(&state.reads).await
}

/// One page of a category's threads: page `page`, or the page just older
/// than the thread whose key is `before`, or just newer than `after`'s.
#[server(endpoint = "forum/category")]
pub async fn load_category(
    category: i64,
    page: u64,
    before: Option<String>,
    after: Option<String>,
) -> Result<CategoryPage, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let viewer = viewer().await?;
    let start = super::Start::of(before.as_deref(), after.as_deref());
    super::ssr::category_page(
        &state,
        viewer.as_ref(),
        super::CategoryId(category),
        page,
        start,
    )
    .await
}

/// One page of a thread.
#[server(endpoint = "forum/thread")]
pub async fn load_thread(
    thread: i64,
    page: u64,
    quote: Option<i64>,
) -> Result<ThreadView, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let viewer = viewer().await?;
    let (thread, quote) = (super::ThreadId(thread), quote.map(super::PostId));
    super::ssr::thread_page(&state, viewer.as_ref(), thread, page, quote).await
}

/// The category a new thread goes to, and whether the visitor may post.
#[server(endpoint = "forum/compose")]
pub async fn compose_context(category: i64) -> Result<(Category, Posting), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let viewer = viewer().await?;
    let category = super::ssr::find_category(&state.reads, super::CategoryId(category)).await?;
    let posting = super::ssr::posting_status(&state, viewer.as_ref()).await?;
    Ok((category, posting))
}

/// Markdown rendered exactly as a post would show it.
#[server(endpoint = "forum/preview")]
pub async fn preview_post(body: String) -> Result<String, AppError> {
    let body = parse_body(&body)?;
    Ok(crate::ssr::markdown::member_html(body.as_str()))
}

/// Starts a thread. `website` is a honeypot that people never see.
#[server(endpoint = "forum/start-thread")]
pub async fn start_thread(
    category: i64,
    title: String,
    body: String,
    website: Option<String>,
    intent: Option<String>,
    back: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{AppState, request};

    let state = AppState::from_context()?;
    if wants_preview(intent.as_deref()) {
        redirect_to_preview(back.as_deref(), Some(&title), &body);
        return Ok(());
    }
    let user = crate::accounts::ssr::auth::require_verified_user().await?;
    crate::accounts::ssr::policy_hold::require_policy_accepted(&user).await?;
    let title = super::PostTitle::parse(&title).map_err(|m| AppError::invalid("title", m))?;
    let body = parse_body(&body)?;
    if is_bot(website.as_deref()) {
        leptos_axum::redirect("/forum");
        return Ok(());
    }
    let ip = request::client_ip(state.site.trust_forwarded_for).await;
    let path =
        super::ssr::create_thread(&state, &user, &ip, super::CategoryId(category), title, body)
            .await?;
    leptos_axum::redirect(&path);
    Ok(())
}

/// Replies to a thread.
#[server(endpoint = "forum/reply")]
pub async fn post_reply(
    thread: i64,
    body: String,
    website: Option<String>,
    intent: Option<String>,
    back: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{AppState, request};

    let state = AppState::from_context()?;
    if wants_preview(intent.as_deref()) {
        redirect_to_preview(back.as_deref(), None, &body);
        return Ok(());
    }
    let user = crate::accounts::ssr::auth::require_verified_user().await?;
    crate::accounts::ssr::policy_hold::require_policy_accepted(&user).await?;
    let body = parse_body(&body)?;
    if is_bot(website.as_deref()) {
        leptos_axum::redirect("/forum");
        return Ok(());
    }
    let ip = request::client_ip(state.site.trust_forwarded_for).await;
    let path = super::ssr::reply(&state, &user, &ip, super::ThreadId(thread), body).await?;
    leptos_axum::redirect(&path);
    Ok(())
}

/// The member's own post, to edit.
#[server(endpoint = "forum/post-to-edit")]
pub async fn post_to_edit(post: i64) -> Result<EditablePost, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let user = crate::accounts::ssr::auth::require_verified_user().await?;
    super::ssr::editable_post(&state.db, &user, super::PostId(post)).await
}

/// Saves an edit of the member's own post.
#[server(endpoint = "forum/edit")]
pub async fn edit_post(post: i64, title: Option<String>, body: String) -> Result<(), AppError> {
    use crate::ssr::{AppState, request};

    let state = AppState::from_context()?;
    let user = crate::accounts::ssr::auth::require_verified_user().await?;
    crate::accounts::ssr::policy_hold::require_policy_accepted(&user).await?;
    let title = title
        .map(|title| super::PostTitle::parse(&title).map_err(|m| AppError::invalid("title", m)))
        .transpose()?;
    let body = parse_body(&body)?;
    let ip = request::client_ip(state.site.trust_forwarded_for).await;
    let path = super::ssr::edit(&state, &user, &ip, super::PostId(post), title, body).await?;
    leptos_axum::redirect(&path);
    Ok(())
}

/// Deletes the member's own post.
#[server(endpoint = "forum/delete")]
pub async fn delete_post(post: i64) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let user = crate::accounts::ssr::auth::require_verified_user().await?;
    let path = super::ssr::delete_own(&state, &user, super::PostId(post)).await?;
    leptos_axum::redirect(&path);
    Ok(())
}

/// A post's earlier texts (moderators only).
#[server(endpoint = "forum/revisions")]
pub async fn post_revisions(post: i64) -> Result<Vec<Revision>, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let user = crate::accounts::ssr::auth::require_user().await?.user;
    if !super::ssr::is_moderator(Some(&user)) {
        return Err(AppError::Forbidden);
    }
    super::ssr::revisions(&state.db, super::PostId(post)).await
}

/// Public posts matching `q`: titles with the words first, then the newest.
#[server(endpoint = "forum/search")]
pub async fn search_forum(q: String, page: u64) -> Result<SearchResults, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    super::ssr::search(&state, &q, page).await
}

/// Reports a post to the moderators, then returns to `back` marked so the
/// page can thank the member.
#[server(endpoint = "forum/report")]
pub async fn report_post(
    post: i64,
    reason: String,
    note: String,
    back: Option<String>,
) -> Result<(), AppError> {
    use crate::{
        moderation::ssr::{parse_note, report_post},
        ssr::AppState,
    };

    let state = AppState::from_context()?;
    let user = crate::accounts::ssr::auth::require_verified_user().await?;
    crate::accounts::ssr::policy_hold::require_policy_accepted(&user).await?;
    let reason = super::ReportReason::parse(&reason)
        .ok_or_else(|| AppError::invalid("reason", "Choose why you report the post."))?;
    let note = parse_note(reason, &note)?;
    report_post(&state, &user, super::PostId(post), reason, note).await?;
    let back = crate::return_path::LocalPath::or(back.as_deref(), "/forum");
    leptos_axum::redirect(&super::with_query(
        back.as_str(),
        &format!("reported={post}"),
        &format!("post-{post}"),
    ));
    Ok(())
}

/// The member's notifications; loading them marks them read.
#[server(endpoint = "forum/notifications")]
pub async fn my_notifications() -> Result<Vec<Notification>, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let user = crate::accounts::ssr::auth::require_user().await?.user;
    super::ssr::notifications(&state, &user).await
}

/// Whether the member gets the daily mail digest of unread notifications.
#[server(endpoint = "forum/digest")]
pub async fn forum_digest() -> Result<bool, AppError> {
    use crate::ssr::{
        AppState, db_error,
        mail_lists::{MailList, is_subscribed},
    };

    let state = AppState::from_context()?;
    let user = crate::accounts::ssr::auth::require_user().await?.user;
    is_subscribed(&state.db, user.id, MailList::ForumDigest)
        .await
        .map_err(|e| db_error("reading the digest setting", e))
}

/// Turns the daily digest on or off. Mail goes only to a confirmed
/// address, so turning it on needs one.
#[server(endpoint = "forum/digest/set")]
pub async fn set_forum_digest(on: bool) -> Result<(), AppError> {
    use crate::ssr::{
        AppState, db_error,
        mail_lists::{MailList, set_subscribed},
    };

    let state = AppState::from_context()?;
    let user = crate::accounts::ssr::auth::require_user().await?.user;
    if on {
        // Turning mail off is a withdrawal, always allowed.
        crate::accounts::ssr::policy_hold::require_policy_accepted(&user).await?;
    }
    if on && !user.email_verified {
        return Err(AppError::invalid(
            "on",
            "Confirm your email address first: the digest goes only to a confirmed address.",
        ));
    }
    set_subscribed(
        &state.db,
        user.id,
        MailList::ForumDigest,
        on,
        state.clock.now(),
    )
    .await
    .map_err(|e| db_error("changing the digest setting", e))
}
