//! The newsletter's server functions: a visitor signs up with a name and
//! an address and confirms it by a mailed link (double opt-in); a link in
//! every mail opens the page that changes or leaves lists without a
//! sign-in; a member joins with their account's confirmed address in one
//! click.

use std::collections::HashMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A list someone may join, and whether they are on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListChoice {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub on: bool,
}

/// What the page behind a manage link shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    /// A member's mail goes to their account's address and greets them by
    /// username: no name to change here.
    pub member: bool,
    pub name: Option<String>,
    pub email: String,
    pub lists: Vec<ListChoice>,
    /// Whether their newsletters count opens and clicks (per campaign).
    pub tracking: bool,
}

/// The signed-in member's newsletters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberNewsletters {
    /// Whether the account's address is confirmed: lists mail only there.
    pub confirmed: bool,
    pub lists: Vec<ListChoice>,
}

/// The lists visitors may join.
#[server(endpoint = "newsletter/lists")]
pub async fn open_newsletters() -> Result<Vec<ListChoice>, AppError> {
    use crate::ssr::{AppState, db_error};

    let state = AppState::from_context()?;
    let lists = super::newsletter_ssr::open_lists(&state.reads)
        .await
        .map_err(|e| db_error("listing newsletters", e))?;
    Ok(lists
        .into_iter()
        .map(|row| ListChoice {
            id: row.id,
            name: row.name,
            description: row.description,
            on: false,
        })
        .collect())
}

/// Signs up for the lists ticked (`lists[ID]=on`). Nothing is mailed but
/// the confirmation link, and the answer is the same whatever the
/// address, so the form tells no one who is subscribed.
#[server(endpoint = "newsletter/subscribe")]
pub async fn subscribe(
    name: String,
    email: String,
    #[server(default)] lists: HashMap<String, String>,
    #[server(default)] website: String,
) -> Result<(), AppError> {
    use crate::ssr::{AppState, db_error, request};

    let state = AppState::from_context()?;
    if website.is_empty() {
        let offered = super::newsletter_ssr::open_lists(&state.db)
            .await
            .map_err(|e| db_error("listing newsletters", e))?;
        let input = super::newsletter_ssr::SignUp::parse(&name, &email, &lists, &offered)?;
        let ip = request::client_ip(state.site.trust_forwarded_for).await;
        super::newsletter_ssr::sign_up(&state, input, &ip).await?;
    } else {
        tracing::info!("newsletter sign-up with the hidden field filled in ignored");
    }
    leptos_axum::redirect("/newsletter/sent");
    Ok(())
}

/// Confirms a sign-up from its mailed link and opens the subscriber's
/// preferences.
#[server(endpoint = "newsletter/confirm")]
pub async fn confirm_subscription(token: String) -> Result<(), AppError> {
    let state = crate::ssr::AppState::from_context()?;
    let manage = super::newsletter_ssr::confirm(&state, &token).await?;
    leptos_axum::redirect(&format!(
        "/newsletter/preferences?token={manage}&confirmed=1"
    ));
    Ok(())
}

/// What a manage link shows; `not_found` once it expired.
#[server(endpoint = "newsletter/preferences")]
pub async fn newsletter_preferences(token: String) -> Result<Preferences, AppError> {
    let state = crate::ssr::AppState::from_context()?;
    super::newsletter_ssr::preferences(&state, &token).await
}

/// Saves the lists ticked and, for a visitor, their name.
#[server(endpoint = "newsletter/save-preferences")]
pub async fn save_preferences(
    token: String,
    #[server(default)] name: String,
    #[server(default)] lists: HashMap<String, String>,
    #[server(default)] tracking: String,
) -> Result<(), AppError> {
    let state = crate::ssr::AppState::from_context()?;
    super::newsletter_ssr::save(&state, &token, &name, &lists, !tracking.is_empty()).await?;
    // The token was found, so it is one of ours: URL-safe as it is.
    leptos_axum::redirect(&format!(
        "/newsletter/preferences?token={}&saved=1",
        token.trim()
    ));
    Ok(())
}

/// Leaves every list; `never` (a ticked box) also keeps the address from
/// ever being signed up again.
#[server(endpoint = "newsletter/leave")]
pub async fn leave_newsletters(
    token: String,
    #[server(default)] never: String,
) -> Result<(), AppError> {
    let state = crate::ssr::AppState::from_context()?;
    super::newsletter_ssr::leave(&state, &token, !never.is_empty()).await?;
    leptos_axum::redirect("/newsletter/left");
    Ok(())
}

/// The signed-in member's newsletters.
#[server(endpoint = "newsletter/mine")]
pub async fn my_newsletters() -> Result<MemberNewsletters, AppError> {
    let state = crate::ssr::AppState::from_context()?;
    let user = crate::accounts::ssr::auth::require_user().await?.user;
    super::newsletter_ssr::my_newsletters(&state, user.id, user.email_verified).await
}

/// Puts the signed-in member on a list (`on`) or takes them off it.
#[server(endpoint = "newsletter/set-mine")]
pub async fn set_my_newsletter(list: i64, on: bool) -> Result<(), AppError> {
    let state = crate::ssr::AppState::from_context()?;
    let user = crate::accounts::ssr::auth::require_user().await?.user;
    if on {
        // Leaving is a withdrawal, always allowed.
        crate::accounts::ssr::policy_hold::require_policy_accepted(&user).await?;
    }
    if on && !user.email_verified {
        return Err(AppError::invalid(
            "list",
            "Confirm your email address first: newsletters go only to a confirmed address.",
        ));
    }
    super::newsletter_ssr::set_mine(&state, user.id, list, on).await
}
