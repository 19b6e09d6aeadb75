//! `/admin/insights/installs`: what the company's products report when
//! they call home — active installs by version week by week, their
//! systems and architectures, the servers they manage by type, the
//! problems they met by code, and the update checks by version.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Weeks shown by default, and at most.
pub const DEFAULT_WEEKS: i64 = 12;
pub const MAX_WEEKS: i64 = 104;
/// Versions given a column of their own; the rest are summed.
pub const VERSION_COLUMNS: usize = 8;

/// One row of a breakdown: a value, how many installs (or checks) have
/// it, and a second total where the table has one (servers, occurrences).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub value: String,
    pub count: i64,
    pub total: i64,
}

/// One week's active installs: those that reported in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Week {
    /// Its Monday, `2026-11-30`.
    pub week: String,
    pub installs: i64,
    /// Installs per column of [`InstallReport::versions`], in that order.
    pub by_version: Vec<i64>,
}

/// The dashboard of one product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallReport {
    /// Every product, `(key, name)`, to choose from.
    pub products: Vec<(String, String)>,
    /// The product shown (the first when none was asked for).
    pub product: Option<(String, String)>,
    /// The most common versions, then `other versions` when more exist.
    pub versions: Vec<String>,
    /// Oldest first, weeks without a report included.
    pub weeks: Vec<Week>,
    /// The week the breakdowns describe: the newest with a report.
    pub week: Option<String>,
    pub systems: Vec<Row>,
    pub architectures: Vec<Row>,
    /// `count` installs manage `total` servers of the type.
    pub servers: Vec<Row>,
    /// `count` installs met the problem `total` times.
    pub problems: Vec<Row>,
    /// Update checks of the last 30 days by the version that asked.
    pub checks: Vec<Row>,
}

/// The installs of `product` (a key) over the last `weeks` weeks.
/// Administrators only.
#[server(endpoint = "admin/insights/installs")]
pub async fn installs(
    #[server(default)] product: Option<String>,
    #[server(default)] weeks: Option<i64>,
) -> Result<InstallReport, AppError> {
    let state = crate::ssr::AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(crate::accounts::Role::Admin).await?;
    let weeks = weeks.unwrap_or(DEFAULT_WEEKS).clamp(1, MAX_WEEKS);
    super::installs_ssr::installs(&state.reads, product.as_deref(), weeks, state.clock.now()).await
}
