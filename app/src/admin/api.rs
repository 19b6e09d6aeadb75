//! Server functions of the administration pages. Every one checks, on the
//! server, that the caller is an administrator.

use leptos::prelude::*;

use super::types::{AuditLine, MemberRoles};
use crate::{accounts::Role, error::AppError};

/// Members matching `query`, with their roles.
#[server(endpoint = "admin/members")]
pub async fn list_members(query: String) -> Result<Vec<MemberRoles>, AppError> {
    use crate::ssr::{AppState, request};

    let state = AppState::from_context()?;
    request::require_role(Role::Admin).await?;
    super::ssr::members(&state.db, &query).await
}

/// Grants a role.
#[server(endpoint = "admin/grant-role")]
pub async fn grant_role(account_id: i64, role: Role) -> Result<(), AppError> {
    use crate::ssr::{AppState, request};

    let state = AppState::from_context()?;
    let admin = request::require_role(Role::Admin).await?;
    super::ssr::grant(&state.db, &state.clock, admin.id, account_id, role).await
}

/// Revokes a role.
#[server(endpoint = "admin/revoke-role")]
pub async fn revoke_role(account_id: i64, role: Role) -> Result<(), AppError> {
    use crate::ssr::{AppState, request};

    let state = AppState::from_context()?;
    let admin = request::require_role(Role::Admin).await?;
    super::ssr::revoke(&state.db, &state.clock, admin.id, account_id, role).await
}

/// The newest lines of the audit log.
#[server(endpoint = "admin/audit-log")]
pub async fn audit_log() -> Result<Vec<AuditLine>, AppError> {
    use crate::ssr::{AppState, request};

    let state = AppState::from_context()?;
    request::require_role(Role::Admin).await?;
    super::ssr::audit_log(&state.db).await
}
