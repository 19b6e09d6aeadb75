//! Suspensions (for some days) and bans (until lifted). A sanctioned member
//! can still sign in and read; they cannot post, edit or report, and they
//! see the reason where the posting form would be.

use crate::ssr::dates::moment;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, TransactionTrait,
};
use time::{Duration, OffsetDateTime};

use super::{Action, Target, record, sanction};
use crate::{
    accounts::{
        CurrentUser, Role, Username,
        ssr::{account, account_role},
    },
    error::AppError,
    forum::ssr::usernames,
    moderation::{ActionKind, SanctionId, SanctionKind, SanctionView},
    ssr::{AppState, db_error},
};

fn in_force(now: OffsetDateTime) -> Condition {
    Condition::all()
        .add(sanction::Column::LiftedAt.is_null())
        .add(sanction::Column::StartsAt.lte(now))
        .add(
            Condition::any()
                .add(sanction::Column::EndsAt.is_null())
                .add(sanction::Column::EndsAt.gt(now)),
        )
}

/// The sanction in force on `account` at `now`, the longest first.
pub async fn active_sanction<C: ConnectionTrait>(
    db: &C,
    account: i64,
    now: OffsetDateTime,
) -> Result<Option<sanction::Model>, AppError> {
    let mut found = sanction::Entity::find()
        .filter(sanction::Column::AccountId.eq(account))
        .filter(in_force(now))
        .all(db)
        .await
        .map_err(|e| db_error("loading sanctions", e))?;
    found.sort_by_key(|row| {
        std::cmp::Reverse(row.ends_at.unwrap_or(OffsetDateTime::new_utc(
            time::Date::MAX,
            time::Time::MIDNIGHT,
        )))
    });
    Ok(found.into_iter().next())
}

/// Every sanction in force, for the moderators' page.
pub async fn active_sanctions(state: &AppState) -> Result<Vec<SanctionView>, AppError> {
    let rows = sanction::Entity::find()
        .filter(in_force(state.clock.now()))
        .order_by_desc(sanction::Column::Id)
        .all(&state.db)
        .await
        .map_err(|e| db_error("listing sanctions", e))?;
    let names = usernames(&state.db, rows.iter().map(|row| row.account_id)).await?;
    Ok(rows
        .into_iter()
        .map(|row| SanctionView {
            id: SanctionId(row.id),
            member: names.get(&row.account_id).cloned().unwrap_or_default(),
            kind: SanctionKind::parse(&row.kind).unwrap_or(SanctionKind::Ban),
            until: row.ends_at.map(moment),
            reason: row.reason,
        })
        .collect())
}

/// Suspends `username` for `days`, or bans them (`days` is `None`).
pub async fn sanction_member(
    state: &AppState,
    moderator: &CurrentUser,
    username: &str,
    kind: SanctionKind,
    days: Option<u32>,
    reason: &str,
) -> Result<(), AppError> {
    let unknown = || AppError::invalid("username", "No member has this username.");
    let key = Username::parse(username).map_err(|_| unknown())?.key();
    let member = account::Entity::find()
        .filter(account::Column::UsernameKey.eq(key))
        .one(&state.db)
        .await
        .map_err(|e| db_error("finding a member", e))?
        .ok_or_else(unknown)?;
    let staff = account_role::Entity::find()
        .filter(account_role::Column::AccountId.eq(member.id))
        .filter(account_role::Column::Role.is_in([Role::Moderator.as_str(), Role::Admin.as_str()]))
        .one(&state.db)
        .await
        .map_err(|e| db_error("loading roles", e))?;
    if staff.is_some() || member.id == moderator.id {
        return Err(AppError::invalid(
            "username",
            "Moderators and administrators cannot be suspended; an administrator can change their roles first.",
        ));
    }
    let now = state.clock.now();
    let ends_at = match (kind, days) {
        (SanctionKind::Ban, _) => None,
        (SanctionKind::Suspension, Some(days @ 1..=365)) => {
            Some(now + Duration::days(i64::from(days)))
        }
        (SanctionKind::Suspension, _) => {
            return Err(AppError::invalid(
                "days",
                "A suspension lasts 1 to 365 days; ban the member for longer.",
            ));
        }
    };
    let tx = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("sanctioning a member", e))?;
    sanction::ActiveModel {
        account_id: Set(member.id),
        kind: Set(kind.as_str().to_owned()),
        reason: Set(reason.to_owned()),
        starts_at: Set(now),
        ends_at: Set(ends_at),
        ..Default::default()
    }
    .insert(&tx)
    .await
    .map_err(|e| db_error("sanctioning a member", e))?;
    let action = Action {
        kind: match kind {
            SanctionKind::Suspension => ActionKind::SuspendMember,
            SanctionKind::Ban => ActionKind::BanMember,
        },
        moderator: moderator.id,
        target: Target::Member(member.id),
        reason,
        expires: ends_at,
    };
    record(&tx, now, action).await?;
    tx.commit()
        .await
        .map_err(|e| db_error("sanctioning a member", e))
}

/// Ends a suspension or ban early.
pub async fn lift_sanction(
    state: &AppState,
    moderator: &CurrentUser,
    id: SanctionId,
    reason: &str,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let tx = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("lifting a sanction", e))?;
    let row = sanction::Entity::find_by_id(id.0)
        .filter(in_force(now))
        .one(&tx)
        .await
        .map_err(|e| db_error("lifting a sanction", e))?
        .ok_or(AppError::Conflict)?;
    let account_id = row.account_id;
    let mut row = sanction::ActiveModel::from(row);
    row.lifted_at = Set(Some(now));
    row.update(&tx)
        .await
        .map_err(|e| db_error("lifting a sanction", e))?;
    let action = Action {
        kind: ActionKind::LiftSanction,
        moderator: moderator.id,
        target: Target::Member(account_id),
        reason,
        expires: None,
    };
    record(&tx, now, action).await?;
    tx.commit()
        .await
        .map_err(|e| db_error("lifting a sanction", e))
}
