//! Server functions of moderation: every one requires the moderator role
//! (administrators hold it too) and each action writes one log row.

use leptos::prelude::*;

use super::{LogPage, PostAction, Queue, SanctionKind, ThreadAction};
use crate::error::AppError;

/// The moderator making the request, or `unauthorized` / `forbidden`.
#[cfg(feature = "ssr")]
async fn require_moderator() -> Result<crate::accounts::CurrentUser, AppError> {
    let user = crate::accounts::ssr::auth::require_user().await?.user;
    if crate::forum::ssr::is_moderator(Some(&user)) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// A reason for the log; some actions need one.
#[cfg(feature = "ssr")]
fn reason(value: &str, required: bool) -> Result<String, AppError> {
    if !required && value.trim().is_empty() {
        return Ok(String::new());
    }
    super::parse_reason(value).map_err(|message| AppError::invalid("reason", message))
}

/// Open reports, posts awaiting approval and sanctions in force.
#[server(endpoint = "moderation/queue")]
pub async fn moderation_queue() -> Result<Queue, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    require_moderator().await?;
    super::ssr::queue(&state).await
}

/// Approves, hides, unhides, deletes or restores a post.
#[server(endpoint = "moderation/post")]
pub async fn moderate_post(
    post: i64,
    action: PostAction,
    reason: String,
    back: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let moderator = require_moderator().await?;
    let required = matches!(action, PostAction::Hide | PostAction::Delete);
    let reason = self::reason(&reason, required)?;
    super::ssr::moderate_post(
        &state,
        &moderator,
        crate::forum::PostId(post),
        action,
        &reason,
    )
    .await?;
    leptos_axum::redirect(
        crate::return_path::LocalPath::or(back.as_deref(), "/moderation").as_str(),
    );
    Ok(())
}

/// Locks, unlocks or moves a thread.
#[server(endpoint = "moderation/thread")]
pub async fn moderate_thread(
    thread: i64,
    action: ThreadAction,
    category: Option<i64>,
    reason: String,
    back: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let moderator = require_moderator().await?;
    let required = action != ThreadAction::Unlock;
    let reason = self::reason(&reason, required)?;
    super::ssr::moderate_thread(
        &state,
        &moderator,
        crate::forum::ThreadId(thread),
        action,
        category.map(crate::forum::CategoryId),
        &reason,
    )
    .await?;
    leptos_axum::redirect(
        crate::return_path::LocalPath::or(back.as_deref(), "/moderation").as_str(),
    );
    Ok(())
}

/// Closes a report with a conclusion.
#[server(endpoint = "moderation/resolve")]
pub async fn resolve_report(report: i64, conclusion: String) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let moderator = require_moderator().await?;
    let conclusion = super::parse_reason(&conclusion)
        .map_err(|message| AppError::invalid("conclusion", message))?;
    super::ssr::resolve_report(&state, &moderator, super::ReportId(report), &conclusion).await?;
    leptos_axum::redirect("/moderation");
    Ok(())
}

/// Suspends a member for some days, or bans them.
#[server(endpoint = "moderation/sanction")]
pub async fn sanction_member(
    username: String,
    kind: SanctionKind,
    days: String,
    reason: String,
) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let moderator = require_moderator().await?;
    let days = match days.trim() {
        "" => None,
        text => Some(text.parse::<u32>().map_err(|_| {
            AppError::invalid("days", "Give the number of days as a whole number.")
        })?),
    };
    let reason = self::reason(&reason, true)?;
    super::ssr::sanction_member(&state, &moderator, &username, kind, days, &reason).await?;
    leptos_axum::redirect("/moderation");
    Ok(())
}

/// Ends a suspension or ban early.
#[server(endpoint = "moderation/lift")]
pub async fn lift_sanction(sanction: i64, reason: String) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let moderator = require_moderator().await?;
    let reason = self::reason(&reason, false)?;
    super::ssr::lift_sanction(&state, &moderator, super::SanctionId(sanction), &reason).await?;
    leptos_axum::redirect("/moderation");
    Ok(())
}

/// A page of the moderation log, newest first.
#[server(endpoint = "moderation/log")]
pub async fn moderation_log(page: u64) -> Result<LogPage, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    require_moderator().await?;
    super::ssr::log_page(&state.db, page).await
}
