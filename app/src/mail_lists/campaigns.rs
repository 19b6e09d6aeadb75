//! Newsletter campaigns: administrators write one in Markdown with a live
//! preview, choose its lists, send a test to themselves, and send it now
//! or at a set time. Every server function checks the administrator role
//! on the server.

use std::collections::HashMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::newsletter::ListChoice;
use crate::error::AppError;

/// Where a campaign stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignStatus {
    Draft,
    Scheduled,
    Sending,
    Sent,
    Cancelled,
}

impl CampaignStatus {
    const ALL: [Self; 5] = [
        Self::Draft,
        Self::Scheduled,
        Self::Sending,
        Self::Sent,
        Self::Cancelled,
    ];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Scheduled => "scheduled",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Scheduled => "Scheduled",
            Self::Sending => "Sending",
            Self::Sent => "Sent",
            Self::Cancelled => "Stopped",
        }
    }

    /// Whether its text and lists may still change.
    pub fn is_editable(self) -> bool {
        matches!(self, Self::Draft | Self::Scheduled)
    }
}

/// How far a send has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub sent: i64,
    /// Given up after every retry.
    pub failed: i64,
    /// Queued or still to queue.
    pub left: i64,
}

impl Progress {
    pub fn total(self) -> i64 {
        self.sent + self.failed + self.left
    }
}

/// A campaign as the list of campaigns shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignSummary {
    pub id: i64,
    pub subject: String,
    pub status: CampaignStatus,
    /// When it changed, goes, went.
    pub when: String,
    pub lists: Vec<String>,
    pub progress: Option<Progress>,
}

/// A campaign, for its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignDetail {
    pub id: i64,
    pub subject: String,
    pub body: String,
    /// The text as the mail shows it.
    pub preview: String,
    pub status: CampaignStatus,
    pub when: String,
    /// Every list it may go to, ticked where chosen.
    pub lists: Vec<ListChoice>,
    /// Confirmed subscribers on the chosen lists now.
    pub audience: i64,
    pub progress: Option<Progress>,
    /// Opens and clicks, once it went out with the counting image.
    pub counted: Option<Counted>,
}

/// What a campaign's counting image and links counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counted {
    /// Fetches of the image: an estimate (see the campaign page).
    pub opens: i64,
    /// Mails that carried the image.
    pub tracked: i64,
    /// Each web link of the text, in order, with its clicks.
    pub links: Vec<(String, i64)>,
}

#[cfg(feature = "ssr")]
async fn administrator() -> Result<crate::accounts::CurrentUser, AppError> {
    crate::accounts::ssr::auth::require_role(crate::accounts::Role::Admin).await
}

/// Every campaign, newest first.
#[server(endpoint = "admin/campaigns")]
pub async fn campaigns() -> Result<Vec<CampaignSummary>, AppError> {
    let state = crate::ssr::AppState::from_context()?;
    administrator().await?;
    super::campaigns_ssr::summaries(&state).await
}

/// One campaign.
#[server(endpoint = "admin/campaign")]
pub async fn campaign(id: i64) -> Result<CampaignDetail, AppError> {
    let state = crate::ssr::AppState::from_context()?;
    administrator().await?;
    super::campaigns_ssr::detail(&state, id).await
}

/// The lists a new campaign may go to.
#[server(endpoint = "admin/campaign-lists")]
pub async fn campaign_lists() -> Result<Vec<ListChoice>, AppError> {
    use crate::ssr::db_error;

    let state = crate::ssr::AppState::from_context()?;
    administrator().await?;
    let lists = super::campaigns_ssr::sendable_lists(&state.db)
        .await
        .map_err(|e| db_error("listing mail lists", e))?;
    Ok(lists
        .into_iter()
        .map(|list| ListChoice {
            id: list.id,
            name: list.name,
            description: list.description,
            on: false,
        })
        .collect())
}

/// Saves a draft (no `id`: a new one) and opens its page.
#[server(endpoint = "admin/save-campaign")]
pub async fn save_campaign(
    #[server(default)] id: Option<i64>,
    subject: String,
    body: String,
    #[server(default)] lists: HashMap<String, String>,
) -> Result<(), AppError> {
    use crate::ssr::db_error;

    let state = crate::ssr::AppState::from_context()?;
    administrator().await?;
    let offered = super::campaigns_ssr::sendable_lists(&state.db)
        .await
        .map_err(|e| db_error("listing mail lists", e))?;
    let input = super::campaigns_ssr::CampaignInput::parse(&subject, &body, &lists, &offered)?;
    let id = super::campaigns_ssr::save(&state, id, input).await?;
    leptos_axum::redirect(&format!("/admin/campaigns/{id}?saved=1"));
    Ok(())
}

/// The Markdown as the mail will show it, for the live preview.
#[server(endpoint = "admin/preview-campaign")]
pub async fn preview_campaign(body: String) -> Result<String, AppError> {
    administrator().await?;
    if body.chars().count() > super::campaigns_ssr::MAX_BODY {
        return Err(AppError::invalid(
            "body",
            "Keep the text under 100,000 characters.",
        ));
    }
    Ok(crate::ssr::markdown::to_safe_html(&body))
}

/// Mails the campaign to the administrator's own address.
#[server(endpoint = "admin/test-campaign")]
pub async fn test_campaign(id: i64) -> Result<(), AppError> {
    use sea_orm::EntityTrait;

    use crate::ssr::db_error;

    let state = crate::ssr::AppState::from_context()?;
    let me = administrator().await?;
    state
        .limiter
        .admit(
            &state.db,
            &[(super::campaigns_ssr::TESTS_PER_ACCOUNT, &me.id.to_string())],
            state.clock.now(),
        )
        .await?;
    let address = crate::accounts::ssr::account::Entity::find_by_id(me.id)
        .one(&state.db)
        .await
        .map_err(|e| db_error("loading the account", e))?
        .and_then(|account| crate::accounts::Email::parse(&account.email).ok())
        .ok_or(AppError::Internal)?;
    super::campaigns_ssr::send_test(&state, id, &address).await?;
    leptos_axum::redirect(&format!("/admin/campaigns/{id}?tested=1"));
    Ok(())
}

/// Sends the campaign now (`send_at` empty) or at `send_at`, a UTC time as
/// a `datetime-local` field gives it (`2026-12-24T09:00`).
#[server(endpoint = "admin/send-campaign")]
pub async fn send_campaign(id: i64, #[server(default)] send_at: String) -> Result<(), AppError> {
    let state = crate::ssr::AppState::from_context()?;
    administrator().await?;
    let at = parse_send_at(&send_at)?;
    super::campaigns_ssr::schedule(&state, id, at).await?;
    leptos_axum::redirect(&format!("/admin/campaigns/{id}"));
    Ok(())
}

/// Stops a campaign: scheduled, it becomes a draft again; being sent, it
/// queues nothing more.
#[server(endpoint = "admin/stop-campaign")]
pub async fn stop_campaign(id: i64) -> Result<(), AppError> {
    let state = crate::ssr::AppState::from_context()?;
    administrator().await?;
    super::campaigns_ssr::cancel(&state, id).await?;
    leptos_axum::redirect(&format!("/admin/campaigns/{id}"));
    Ok(())
}

/// A `datetime-local` value, read as UTC; `None` when empty.
#[cfg(feature = "ssr")]
fn parse_send_at(value: &str) -> Result<Option<time::OffsetDateTime>, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    time::PrimitiveDateTime::parse(value.get(..16).unwrap_or(value), format)
        .map(|at| Some(at.assume_utc()))
        .map_err(|_| AppError::invalid("send_at", "Give a date and time, like 2026-12-24 09:00."))
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn a_datetime_local_value_is_read_as_utc() {
        let at = parse_send_at("2026-12-24T09:30").ok().flatten();
        assert_eq!(at.map(|at| (at.hour(), at.minute())), Some((9, 30)));
        assert_eq!(parse_send_at(" ").ok(), Some(None));
        assert!(parse_send_at("tomorrow").is_err());
    }
}
