//! Asking again after a material change of the privacy policy: a member
//! whose newest acceptance is older than the newest material version in
//! force is asked, on every page, to read and accept the policy in force,
//! and until they do, their writes are refused with `policy_not_accepted`
//! (reading, leaving, and managing their account and data stay possible).
//! An editorial version carries acceptances over.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Query,
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
    let kind = DocumentKind::PrivacyPolicy.as_str();
    let Some(material) = document::Entity::find()
        .filter(document::Column::Kind.eq(kind))
        .filter(document::Column::Material.eq(true))
        .filter(document::Column::EffectiveAt.lte(now))
        .order_by_desc(document::Column::Version)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let accepted = newest_consent(db, account_id)
        .await?
        .map_or(0, |row| row.document_version);
    if accepted >= material.version {
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

async fn newest_consent<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
) -> Result<Option<consent::Model>, DbErr> {
    let policies = Query::select()
        .column(document::Column::Id)
        .from(document::Entity)
        .and_where(document::Column::Kind.eq(DocumentKind::PrivacyPolicy.as_str()))
        .to_owned();
    consent::Entity::find()
        .filter(consent::Column::AccountId.eq(account_id))
        .filter(consent::Column::DocumentId.in_subquery(policies))
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
