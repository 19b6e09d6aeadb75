//! Asking again after a material change of the privacy policy: a member
//! whose newest acceptance is older than the newest material version in
//! force is asked, on every page, to read and accept the policy in force,
//! and until they do, their writes are refused with `policy_not_accepted`
//! (reading, leaving, and managing their account and data stay possible).
//! An editorial version carries acceptances over.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, Func, Query, SelectStatement},
};
use time::OffsetDateTime;

use super::consent;
use crate::{
    accounts::CurrentUser,
    documents::{
        DocumentKind,
        ssr::{current_version, document},
    },
    error::AppError,
    ssr::{AppState, db_error},
};

/// The policy in force, if `account_id` has not accepted it (or an
/// earlier version since its last material change).
pub async fn pending_policy<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    now: OffsetDateTime,
) -> Result<Option<document::Model>, DbErr> {
    // The newest material version in force, with the newest version this
    // member accepted beside it, in one statement: every page a member
    // opens asks.
    let accepted = Query::select()
        .expr(Func::max(Expr::col((
            consent::Entity,
            consent::Column::DocumentVersion,
        ))))
        .from(consent::Entity)
        .and_where(consent::Column::AccountId.eq(account_id))
        .and_where(consent::Column::DocumentId.in_subquery(policies()))
        .to_owned();
    let Some((material, accepted)) = document::Entity::find()
        .select_only()
        .column(document::Column::Version)
        .expr(Expr::SubQuery(None, Box::new(accepted.into())))
        .filter(document::Column::Kind.eq(DocumentKind::PrivacyPolicy.as_str()))
        .filter(document::Column::Material.eq(true))
        .filter(document::Column::EffectiveAt.lte(now))
        .order_by_desc(document::Column::Version)
        .limit(1)
        .into_tuple::<(i32, Option<i32>)>()
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if accepted.unwrap_or(0) >= material {
        return Ok(None);
    }
    current_version(db, DocumentKind::PrivacyPolicy, now).await
}

/// The newest version of the privacy policy `account_id` accepted, if any.
pub async fn accepted_policy<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
) -> Result<Option<document::Model>, DbErr> {
    match newest_consent(db, account_id).await? {
        Some(consent) => {
            document::Entity::find_by_id(consent.document_id)
                .one(db)
                .await
        }
        None => Ok(None),
    }
}

/// The ids of every version of the privacy policy.
fn policies() -> SelectStatement {
    Query::select()
        .column(document::Column::Id)
        .from(document::Entity)
        .and_where(document::Column::Kind.eq(DocumentKind::PrivacyPolicy.as_str()))
        .to_owned()
}

async fn newest_consent<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
) -> Result<Option<consent::Model>, DbErr> {
    consent::Entity::find()
        .filter(consent::Column::AccountId.eq(account_id))
        .filter(consent::Column::DocumentId.in_subquery(policies()))
        .order_by_desc(consent::Column::DocumentVersion)
        .limit(1)
        .one(db)
        .await
}

/// Refuses a write by `user` with `policy_not_accepted` while they have
/// not accepted a material change of the privacy policy in force. Call it
/// in every server function by which a member adds or changes content or
/// gives new data (posting, reporting, signing, staff actions); not in
/// those that read, or that let a member leave, secure their account, or
/// see, correct, withdraw or delete their data.
pub async fn require_policy_accepted(user: &CurrentUser) -> Result<(), AppError> {
    let state = AppState::from_context()?;
    let pending = pending_policy(&state.db, user.id, state.clock.now())
        .await
        .map_err(|error| db_error("checking the member's consent", error))?;
    match pending {
        Some(_) => Err(AppError::PolicyNotAccepted),
        None => Ok(()),
    }
}
