//! `/admin/subscribers`: who is on the lists, for administrators — search,
//! a list's subscribers, erasing one, and the export of them all as CSV
//! (`/admin/subscribers.csv`) for an operator moving elsewhere. Every
//! server function checks the administrator role on the server.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One confirmed subscriber, as administrators see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriberRow {
    pub id: i64,
    /// A visitor's name, or a member's username.
    pub name: String,
    pub email: String,
    pub member: bool,
    pub lists: Vec<String>,
    pub confirmed_on: String,
    /// Whether their mail counts opens and clicks.
    pub counting: bool,
}

/// A page of subscribers, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriberPage {
    pub rows: Vec<SubscriberRow>,
    /// The id to ask for the next page after, if there is one.
    pub next: Option<i64>,
}

/// How many were on one list, day by day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListHistory {
    pub name: String,
    /// `(day, subscribers)`, oldest first; days as `2026-12-07`.
    pub days: Vec<(String, i64)>,
}

/// Confirmed subscribers whose name, username or address contains
/// `query` (any case), on `list` if given, after the id `after`.
#[server(endpoint = "admin/subscribers")]
pub async fn subscribers(
    #[server(default)] query: String,
    #[server(default)] list: Option<i64>,
    #[server(default)] after: Option<i64>,
) -> Result<SubscriberPage, AppError> {
    let state = crate::ssr::AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(crate::accounts::Role::Admin).await?;
    super::subscribers_ssr::search(&state, &query, list, after.unwrap_or(0)).await
}

/// Erases one subscriber: a visitor's name and address go with them; a
/// member leaves every list (their account stays).
#[server(endpoint = "admin/erase-subscriber")]
pub async fn erase_subscriber(id: i64) -> Result<(), AppError> {
    let state = crate::ssr::AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_role(crate::accounts::Role::Admin).await?;
    super::subscribers_ssr::erase(&state, id, me.id).await
}

/// Each list's subscribers over the last 90 days.
#[server(endpoint = "admin/lists-over-time")]
pub async fn lists_over_time() -> Result<Vec<ListHistory>, AppError> {
    let state = crate::ssr::AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(crate::accounts::Role::Admin).await?;
    super::subscribers_ssr::history(&state).await
}
