//! Asking again after a material change of the privacy policy: a member
//! whose newest acceptance is older than the newest material version in
//! force is asked, on every page, to read and accept the policy in force.
//! An editorial version carries acceptances over.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::Query,
};
use time::OffsetDateTime;

use crate::{
    accounts::ssr::consent,
    documents::{
        DocumentKind,
        ssr::{current_version, document},
    },
    error::AppError,
    ssr::db_error,
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
    let policies = Query::select()
        .column(document::Column::Id)
        .from(document::Entity)
        .and_where(document::Column::Kind.eq(kind))
        .to_owned();
    let accepted = consent::Entity::find()
        .filter(consent::Column::AccountId.eq(account_id))
        .filter(consent::Column::DocumentId.in_subquery(policies))
        .order_by_desc(consent::Column::DocumentVersion)
        .limit(1)
        .one(db)
        .await?
        .map_or(0, |row| row.document_version);
    if accepted >= material.version {
        return Ok(None);
    }
    current_version(db, DocumentKind::PrivacyPolicy, now).await
}

/// Records that `account_id` accepted the policy in force, whose SHA-256
/// the page showed them: a version published while they read is refused.
pub async fn accept_policy<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    sha256: &str,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let current = current_version(db, DocumentKind::PrivacyPolicy, now)
        .await
        .map_err(|error| db_error("loading the privacy policy", error))?
        .ok_or(AppError::NotFound)?;
    if current.sha256 != sha256 {
        return Err(AppError::invalid(
            "sha256",
            "The policy changed while you were reading it. Read the new version, then accept it.",
        ));
    }
    let already = consent::Entity::find()
        .filter(consent::Column::AccountId.eq(account_id))
        .filter(consent::Column::DocumentId.eq(current.id))
        .one(db)
        .await
        .map_err(|error| db_error("checking consent", error))?
        .is_some();
    if !already {
        consent::Entity::insert(consent::ActiveModel {
            account_id: Set(account_id),
            document_id: Set(current.id),
            document_version: Set(current.version),
            document_sha256: Set(current.sha256),
            accepted_at: Set(now),
            ..Default::default()
        })
        .exec(db)
        .await
        .map_err(|error| db_error("recording consent", error))?;
    }
    tracing::info!(
        account_id,
        version = current.version,
        "privacy policy accepted"
    );
    Ok(())
}
