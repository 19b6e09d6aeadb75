//! Server functions of the administration pages. Every one checks, on the
//! server, that the caller is an administrator.

use leptos::prelude::*;

use super::types::{AuditLine, MemberRoles};
use crate::{accounts::Role, error::AppError};

/// Members matching `query`, with their roles.
#[server(endpoint = "admin/members")]
pub async fn list_members(query: String) -> Result<Vec<MemberRoles>, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(Role::Admin).await?;
    super::ssr::members(&state.db, &query).await
}

/// The signed-in administrator, with the session they act from.
#[cfg(feature = "ssr")]
async fn require_admin() -> Result<crate::accounts::ssr::session::SignedIn, AppError> {
    let signed_in = crate::accounts::ssr::auth::require_user().await?;
    if signed_in.user.has_role(Role::Admin) {
        Ok(signed_in)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Sends the renewed session cookie, if any, and goes to the members page
/// saying what happened to the member's sessions.
#[cfg(feature = "ssr")]
fn report(changed: Option<super::ssr::RoleChanged>) {
    let Some(changed) = changed else {
        leptos_axum::redirect("/admin/members");
        return;
    };
    if let Some(cookie) = changed.cookie {
        crate::ssr::request::set_cookie(cookie);
    }
    leptos_axum::redirect(&changed.sessions.page());
}

/// Grants a role.
#[server(endpoint = "admin/grant-role")]
pub async fn grant_role(account_id: i64, role: Role) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let admin = require_admin().await?;
    report(super::ssr::grant(&state, &admin, account_id, role).await?);
    Ok(())
}

/// Revokes a role.
#[server(endpoint = "admin/revoke-role")]
pub async fn revoke_role(account_id: i64, role: Role) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let admin = require_admin().await?;
    report(super::ssr::revoke(&state, &admin, account_id, role).await?);
    Ok(())
}

/// The newest lines of the audit log.
#[server(endpoint = "admin/audit-log")]
pub async fn audit_log() -> Result<Vec<AuditLine>, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(Role::Admin).await?;
    super::ssr::audit_log(&state.db).await
}
