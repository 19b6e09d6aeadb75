//! Granting and revoking roles, each with an audit-log row written in the
//! same transaction. A role change ends the member's sessions, so the next
//! sign-in starts a new session with the new privileges — except the
//! session an administrator changes their own roles from, which gets a new
//! id instead (the privilege change rotates it) and stays signed in.

use std::collections::HashMap;

use axum::http::HeaderValue;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
    sea_query::{Expr, ExprTrait, Func},
};

use super::types::{AuditLine, MemberRoles, SessionsAfter};
use crate::{
    accounts::ssr::session::{self, SignedIn},
    accounts::{
        Role,
        ssr::{account, account_role, audit_entry},
    },
    error::AppError,
    ssr::{AppState, db_error},
};

/// A role change's effect on sessions, and the acting administrator's new
/// session cookie when they changed their own roles.
pub struct RoleChanged {
    pub sessions: SessionsAfter,
    pub cookie: Option<HeaderValue>,
}

/// Ends the target's sessions after a role change; the acting session, if
/// it is the target's, is rotated instead.
async fn after_role_change<C: sea_orm::ConnectionTrait>(
    txn: &C,
    state: &AppState,
    actor: &SignedIn,
    target: i64,
) -> Result<RoleChanged, AppError> {
    if actor.user.id != target {
        let ended = session::end_all(txn, target, None)
            .await
            .map_err(|e| db_error("ending sessions", e))?;
        return Ok(RoleChanged {
            sessions: SessionsAfter::Ended(ended),
            cookie: None,
        });
    }
    let others_ended = session::end_all(txn, target, Some(&actor.session_hash))
        .await
        .map_err(|e| db_error("ending sessions", e))?;
    let cookie = session::rotate(
        txn,
        &actor.session_hash,
        state.clock.now(),
        state.site.is_https(),
    )
    .await
    .map_err(|e| db_error("renewing the session", e))?;
    Ok(RoleChanged {
        sessions: SessionsAfter::Renewed { others_ended },
        cookie,
    })
}

/// Members whose username contains `query` (all when empty), with roles.
pub async fn members(db: &DatabaseConnection, query: &str) -> Result<Vec<MemberRoles>, AppError> {
    let mut select = account::Entity::find().order_by_asc(account::Column::UsernameKey);
    let query = query.trim().to_lowercase();
    if !query.is_empty() {
        let pattern = format!("%{}%", query.replace(['%', '_'], ""));
        select = select
            .filter(Expr::expr(Func::lower(Expr::col(account::Column::Username))).like(pattern));
    }
    let accounts = select
        .limit(100)
        .all(db)
        .await
        .map_err(|error| db_error("listing members", error))?;
    let ids: Vec<i64> = accounts.iter().map(|account| account.id).collect();
    let mut roles: HashMap<i64, Vec<Role>> = HashMap::new();
    for row in account_role::Entity::find()
        .filter(account_role::Column::AccountId.is_in(ids))
        .all(db)
        .await
        .map_err(|error| db_error("listing roles", error))?
    {
        if let Some(role) = Role::parse(&row.role) {
            roles.entry(row.account_id).or_default().push(role);
        }
    }
    Ok(accounts
        .into_iter()
        .map(|account| MemberRoles {
            roles: roles.remove(&account.id).unwrap_or_default(),
            id: account.id,
            username: account.username,
        })
        .collect())
}

/// Gives `role` to a member (nothing happens if they have it).
pub async fn grant(
    state: &AppState,
    acting: &SignedIn,
    target: i64,
    role: Role,
) -> Result<Option<RoleChanged>, AppError> {
    let actor = acting.user.id;
    let now = state.clock.now();
    let txn = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("starting a transaction", e))?;
    account::Entity::find_by_id(target)
        .one(&txn)
        .await
        .map_err(|e| db_error("loading the member", e))?
        .ok_or(AppError::NotFound)?;
    let has = account_role::Entity::find_by_id((target, role.as_str().to_owned()))
        .one(&txn)
        .await
        .map_err(|e| db_error("loading roles", e))?
        .is_some();
    if has {
        return Ok(None);
    }
    account_role::Entity::insert(account_role::ActiveModel {
        account_id: Set(target),
        role: Set(role.as_str().to_owned()),
        granted_at: Set(now),
    })
    .exec(&txn)
    .await
    .map_err(|e| db_error("granting a role", e))?;
    record(&txn, now, actor, target, "role_granted", role).await?;
    let changed = after_role_change(&txn, state, acting, target).await?;
    txn.commit().await.map_err(|e| db_error("committing", e))?;
    tracing::info!(actor, target, role = role.as_str(), "role granted");
    Ok(Some(changed))
}

/// Takes `role` from a member. The last administrator keeps theirs.
pub async fn revoke(
    state: &AppState,
    acting: &SignedIn,
    target: i64,
    role: Role,
) -> Result<Option<RoleChanged>, AppError> {
    let actor = acting.user.id;
    let now = state.clock.now();
    let txn = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("starting a transaction", e))?;
    if role == Role::Admin {
        let admins = account_role::Entity::find()
            .filter(account_role::Column::Role.eq(Role::Admin.as_str()))
            .count(&txn)
            .await
            .map_err(|e| db_error("counting administrators", e))?;
        if admins <= 1 {
            return Err(AppError::invalid(
                "role",
                "This is the last administrator; grant the role to someone else first.",
            ));
        }
    }
    let removed = account_role::Entity::delete_by_id((target, role.as_str().to_owned()))
        .exec(&txn)
        .await
        .map_err(|e| db_error("revoking a role", e))?;
    if removed.rows_affected == 0 {
        return Ok(None);
    }
    record(&txn, now, actor, target, "role_revoked", role).await?;
    let changed = after_role_change(&txn, state, acting, target).await?;
    txn.commit().await.map_err(|e| db_error("committing", e))?;
    tracing::info!(actor, target, role = role.as_str(), "role revoked");
    Ok(Some(changed))
}

async fn record<C: sea_orm::ConnectionTrait>(
    txn: &C,
    at: time::OffsetDateTime,
    actor: i64,
    target: i64,
    kind: &str,
    role: Role,
) -> Result<(), AppError> {
    audit_entry::Entity::insert(audit_entry::ActiveModel {
        kind: Set(kind.to_owned()),
        actor_id: Set(Some(actor)),
        target_id: Set(Some(target)),
        detail: Set(role.as_str().to_owned()),
        at: Set(at),
        ..Default::default()
    })
    .exec(txn)
    .await
    .map_err(|e| db_error("writing the audit log", e))?;
    Ok(())
}

/// The newest 200 audit-log lines, with usernames.
pub async fn audit_log(db: &DatabaseConnection) -> Result<Vec<AuditLine>, AppError> {
    let rows = audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::Id)
        .limit(200)
        .all(db)
        .await
        .map_err(|e| db_error("reading the audit log", e))?;
    let ids: Vec<i64> = rows
        .iter()
        .flat_map(|row| [row.actor_id, row.target_id])
        .flatten()
        .collect();
    let names: HashMap<i64, String> = account::Entity::find()
        .filter(account::Column::Id.is_in(ids))
        .all(db)
        .await
        .map_err(|e| db_error("loading usernames", e))?
        .into_iter()
        .map(|account| (account.id, account.username))
        .collect();
    let name = |id: Option<i64>| id.and_then(|id| names.get(&id).cloned());
    Ok(rows
        .into_iter()
        .map(|row| AuditLine {
            at: crate::ssr::dates::long_day(row.at),
            actor: name(row.actor_id),
            target: name(row.target_id),
            kind: row.kind,
            detail: row.detail,
        })
        .collect())
}
