//! Accepting the privacy policy in force after a material change (the
//! check of who must is `accounts::ssr::policy_hold`).

use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use time::OffsetDateTime;

use crate::{
    accounts::ssr::consent,
    documents::{DocumentKind, ssr::current_version},
    error::AppError,
    ssr::db_error,
};

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
