//! Privacy requests: the public form (no account needed; the sender
//! confirms their address by a mailed link) and the privacy team's queue.
//! Every server function of the queue checks, on the server, that the
//! caller holds the privacy role or is an administrator.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    Access,
    Correction,
    Deletion,
    Objection,
    DoNotSell,
    Child,
    Complaint,
}

impl RequestKind {
    pub const ALL: [Self; 7] = [
        Self::Access,
        Self::Correction,
        Self::Deletion,
        Self::Objection,
        Self::DoNotSell,
        Self::Child,
        Self::Complaint,
    ];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Correction => "correction",
            Self::Deletion => "deletion",
            Self::Objection => "objection",
            Self::DoNotSell => "do_not_sell",
            Self::Child => "child",
            Self::Complaint => "complaint",
        }
    }

    /// As the sender chooses it on the form.
    pub fn label(self) -> &'static str {
        match self {
            Self::Access => "Tell me what data you hold about me, or send me a copy",
            Self::Correction => "Correct data about me",
            Self::Deletion => "Delete my data or my account",
            Self::Objection => "Stop a use of my data",
            Self::DoNotSell => "Do not sell or share my data",
            Self::Child => "An account here belongs to a child under 13",
            Self::Complaint => "A complaint about how my data is handled",
        }
    }

    /// As the queue shows it.
    pub fn short_label(self) -> &'static str {
        match self {
            Self::Access => "Access",
            Self::Correction => "Correction",
            Self::Deletion => "Deletion",
            Self::Objection => "Objection",
            Self::DoNotSell => "Do not sell or share",
            Self::Child => "Child's account",
            Self::Complaint => "Complaint",
        }
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Sent, but the address is not confirmed yet; not in the queue.
    Unconfirmed,
    Received,
    InProgress,
    Done,
    Declined,
}

impl RequestStatus {
    /// The statuses staff may set.
    pub const SETTABLE: [Self; 4] = [Self::Received, Self::InProgress, Self::Done, Self::Declined];

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Unconfirmed]
            .into_iter()
            .chain(Self::SETTABLE)
            .find(|status| status.as_str() == value)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unconfirmed => "unconfirmed",
            Self::Received => "received",
            Self::InProgress => "in_progress",
            Self::Done => "done",
            Self::Declined => "declined",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Unconfirmed => "Waiting for the address to be confirmed",
            Self::Received => "Received",
            Self::InProgress => "Being handled",
            Self::Done => "Done",
            Self::Declined => "Declined",
        }
    }

    /// Whether the request is answered.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Done | Self::Declined)
    }
}

/// How close an open request is to its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Urgency {
    /// More than a week left.
    OnTime,
    /// Due within a week.
    DueSoon,
    /// Past its deadline.
    Overdue,
    /// Answered.
    Closed,
}

impl Urgency {
    /// The CSS class of the due date.
    pub fn class(self) -> &'static str {
        match self {
            Self::OnTime => "due",
            Self::DueSoon => "due due-soon",
            Self::Overdue => "due due-overdue",
            Self::Closed => "due due-closed",
        }
    }

    /// Said beside the date, so that colour is never the only sign.
    pub fn note(self) -> &'static str {
        match self {
            Self::OnTime | Self::Closed => "",
            Self::DueSoon => " (due soon)",
            Self::Overdue => " (overdue)",
        }
    }
}

/// A request as the queue lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSummary {
    pub id: i64,
    pub kind: RequestKind,
    pub status: RequestStatus,
    pub received_on: String,
    pub due_on: String,
    pub urgency: Urgency,
    pub assignee: Option<String>,
}

/// The queue: open requests by deadline, then the latest answered ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestQueue {
    pub open: Vec<RequestSummary>,
    pub closed: Vec<RequestSummary>,
}

/// One line of a request's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestLogEntry {
    pub at: String,
    /// The staff member, or `None` for the sender and the software.
    pub actor: Option<String>,
    pub what: String,
    /// An internal note, or the message mailed with a status change.
    pub note: Option<String>,
    pub mailed: bool,
}

/// A request with everything the privacy team needs to answer it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub summary: RequestSummary,
    pub name: Option<String>,
    pub email: String,
    /// The account the sender named, as typed.
    pub account_name: Option<String>,
    pub details: String,
    pub assigned_to_me: bool,
    /// The member whose account the one-action erasure would delete: for a
    /// deletion request, the account with the confirmed address; for a
    /// child's account, the account named.
    pub erasable: Option<String>,
    /// Accounts that use the sender's address (whether or not confirmed).
    pub account_with_address: Option<String>,
    pub log: Vec<RequestLogEntry>,
}

/// Sends a privacy request. Nothing is queued until the address is
/// confirmed by the mailed link; the answer is the same whatever the
/// address, so the form tells no one who has an account.
#[server(endpoint = "privacy/send-request")]
pub async fn send_privacy_request(
    kind: String,
    email: String,
    name: String,
    account_name: String,
    details: String,
    #[server(default)] website: String,
) -> Result<(), AppError> {
    use crate::ssr::{AppState, request};

    let state = AppState::from_context()?;
    let ip = request::client_ip(state.site.trust_forwarded_for).await;
    if website.is_empty() {
        let input = super::ssr::RequestInput::parse(&kind, &email, &name, &account_name, &details)?;
        super::ssr::send_request(&state, input, &ip).await?;
    } else {
        tracing::info!("privacy request with the hidden field filled in ignored");
    }
    leptos_axum::redirect("/privacy/requests/sent");
    Ok(())
}

/// Confirms the sender's address from the mailed link; the request then
/// enters the queue and its 30 days start.
#[server(endpoint = "privacy/confirm-request")]
pub async fn confirm_privacy_request(token: String) -> Result<(), AppError> {
    let state = crate::ssr::AppState::from_context()?;
    super::ssr::confirm_request(&state, &token).await?;
    leptos_axum::redirect("/privacy/requests/confirmed");
    Ok(())
}

/// The signed-in member, if they may handle privacy requests.
#[cfg(feature = "ssr")]
async fn privacy_staff() -> Result<crate::accounts::CurrentUser, AppError> {
    let user = crate::accounts::ssr::auth::require_user().await?.user;
    if user.handles_privacy_requests() {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The privacy team's queue.
#[server(endpoint = "privacy/queue")]
pub async fn privacy_queue() -> Result<RequestQueue, AppError> {
    let state = crate::ssr::AppState::from_context()?;
    privacy_staff().await?;
    super::ssr::queue(&state).await
}

/// One request, with its log.
#[server(endpoint = "privacy/request")]
pub async fn privacy_request(id: i64) -> Result<RequestDetail, AppError> {
    let state = crate::ssr::AppState::from_context()?;
    let me = privacy_staff().await?;
    super::ssr::detail(&state, id, me.id).await
}

/// Sets a request's status; the sender is mailed the new status and
/// `message`, if any.
#[server(endpoint = "privacy/set-request-status")]
pub async fn set_request_status(id: i64, status: String, message: String) -> Result<(), AppError> {
    let state = crate::ssr::AppState::from_context()?;
    let me = privacy_staff().await?;
    let status = RequestStatus::parse(&status)
        .filter(|status| RequestStatus::SETTABLE.contains(status))
        .ok_or_else(|| AppError::invalid("status", "Choose a status."))?;
    super::ssr::set_status(&state, id, me.id, status, &message).await
}

/// Takes a request (`take`), or gives it back to the team.
#[server(endpoint = "privacy/assign-request")]
pub async fn assign_request(id: i64, take: bool) -> Result<(), AppError> {
    let state = crate::ssr::AppState::from_context()?;
    let me = privacy_staff().await?;
    super::ssr::assign(&state, id, me.id, take).await
}

/// Adds an internal note: not mailed to the sender, but part of the data
/// a member with the sender's address downloads.
#[server(endpoint = "privacy/note-request")]
pub async fn note_request(id: i64, note: String) -> Result<(), AppError> {
    let state = crate::ssr::AppState::from_context()?;
    let me = privacy_staff().await?;
    super::ssr::add_note(&state, id, me.id, &note).await
}

/// Carries out a deletion request (or a child's account report) at once:
/// the account is erased exactly as when a member deletes it, the request
/// is done, and the sender is told. `confirm` must be the username.
#[server(endpoint = "privacy/erase-for-request")]
pub async fn erase_for_request(id: i64, confirm: String) -> Result<(), AppError> {
    let state = crate::ssr::AppState::from_context()?;
    let me = privacy_staff().await?;
    super::ssr::erase_for_request(&state, id, me.id, &confirm).await
}
