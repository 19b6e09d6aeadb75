//! Corporate agreements: the signer manages the list of people the
//! company covers — GitHub logins, addresses and whole email domains.
//! Entries are never deleted; removing or approving one marks it, so the
//! rows are the log of every change. An entry covers no one until it is
//! approved (see `approvals`).

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, sea_query::Expr,
};
use time::OffsetDateTime;

use super::{
    entities::{covered, signature},
    failed,
};
use crate::{
    accounts::{CurrentUser, ssr::account},
    cla::{
        CorporateAgreement, CorporateMine, CorporateOverview, CoveredEntry, SignatureId,
        parse_covered,
    },
    documents::{
        DocumentKind,
        ssr::{current, current_version},
    },
    error::AppError,
    ssr::Clock,
};

/// The corporate agreement page for a visitor or a member.
pub async fn corporate_overview(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    me: Option<&CurrentUser>,
) -> Result<CorporateOverview, AppError> {
    let kind = DocumentKind::CorporateCla;
    let agreement = current(db, kind, now).await?;
    let row = current_version(db, kind, now)
        .await
        .map_err(failed("loading the agreement"))?
        .ok_or(AppError::NotFound)?;
    let changes = super::overview::changes(db, kind, &row).await?;
    let me = match me {
        Some(user) => Some(CorporateMine {
            verified: user.email_verified,
            email: account::Entity::find_by_id(user.id)
                .one(db)
                .await
                .map_err(failed("loading the account"))?
                .map(|row| row.email)
                .unwrap_or_default(),
            agreements: managed(db, now, user.id).await?,
        }),
        None => None,
    };
    Ok(CorporateOverview {
        agreement,
        changes,
        me,
    })
}

async fn managed(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    account_id: i64,
) -> Result<Vec<CorporateAgreement>, AppError> {
    let rows = signature::Entity::find()
        .filter(signature::Column::AccountId.eq(account_id))
        .filter(signature::Column::Kind.eq(signature::CORPORATE))
        .order_by_desc(signature::Column::SignedAt)
        .all(db)
        .await
        .map_err(failed("loading corporate agreements"))?;
    let mut agreements = Vec::with_capacity(rows.len());
    for row in rows {
        let standing = super::coverage::standing(db, &row, now, true).await?;
        let entries = covered::Entity::find()
            .filter(covered::Column::SignatureId.eq(row.id))
            .filter(covered::Column::RemovedAt.is_null())
            .order_by_asc(covered::Column::Id)
            .all(db)
            .await
            .map_err(failed("loading the covered list"))?;
        agreements.push(CorporateAgreement {
            id: SignatureId(row.id),
            company: row.company_name.unwrap_or_default(),
            version: row.version,
            signed: crate::ssr::dates::long_day(row.signed_at),
            standing,
            contact_pending: row.email_confirmed_at.is_none().then_some(row.email),
            covered: entries
                .into_iter()
                .map(|entry| CoveredEntry {
                    id: entry.id,
                    kind: entry.kind,
                    value: entry.value,
                    added: crate::ssr::dates::long_day(entry.added_at),
                    approved: entry.approved_at.is_some(),
                })
                .collect(),
        });
    }
    Ok(agreements)
}

/// The member's own, unrevoked corporate signature `id`.
async fn own_corporate(
    db: &DatabaseConnection,
    account_id: i64,
    id: i64,
) -> Result<signature::Model, AppError> {
    signature::Entity::find_by_id(id)
        .filter(signature::Column::AccountId.eq(account_id))
        .filter(signature::Column::Kind.eq(signature::CORPORATE))
        .filter(signature::Column::RevokedAt.is_null())
        .one(db)
        .await
        .map_err(failed("loading the agreement"))?
        .ok_or(AppError::NotFound)
}

/// Adds a GitHub login, an address or a domain to a company's list.
pub async fn add_covered(
    db: &DatabaseConnection,
    clock: &Clock,
    account_id: i64,
    id: SignatureId,
    kind: &str,
    value: &str,
) -> Result<(), AppError> {
    let company = own_corporate(db, account_id, id.0).await?;
    let (value, key) =
        parse_covered(kind, value).map_err(|message| AppError::invalid("value", message))?;
    let listed = covered::Entity::find()
        .filter(covered::Column::SignatureId.eq(company.id))
        .filter(covered::Column::Kind.eq(kind))
        .filter(covered::Column::ValueKey.eq(key.clone()))
        .filter(covered::Column::RemovedAt.is_null())
        .one(db)
        .await
        .map_err(failed("checking the list"))?;
    if listed.is_some() {
        return Err(AppError::invalid("value", "This is on the list already."));
    }
    let now = clock.now();
    let approved = super::approvals::approved_at_once(db, account_id, kind, &key).await?;
    covered::ActiveModel {
        signature_id: Set(company.id),
        kind: Set(kind.to_owned()),
        value: Set(value),
        value_key: Set(key),
        added_by: Set(Some(account_id)),
        added_at: Set(now),
        removed_by: Set(None),
        removed_at: Set(None),
        approved_by: Set(None),
        approved_at: Set(approved.then_some(now)),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(failed("adding to the list"))?;
    tracing::info!(
        account_id,
        signature_id = company.id,
        kind,
        approved,
        "covered contributor added"
    );
    Ok(())
}

/// Takes an entry off its company's list (for future contributions).
pub async fn remove_covered(
    db: &DatabaseConnection,
    clock: &Clock,
    account_id: i64,
    entry_id: i64,
) -> Result<(), AppError> {
    let entry = covered::Entity::find_by_id(entry_id)
        .one(db)
        .await
        .map_err(failed("loading the entry"))?
        .ok_or(AppError::NotFound)?;
    own_corporate(db, account_id, entry.signature_id).await?;
    covered::Entity::update_many()
        .col_expr(covered::Column::RemovedAt, Expr::value(clock.now()))
        .col_expr(covered::Column::RemovedBy, Expr::value(account_id))
        .filter(covered::Column::Id.eq(entry_id))
        .filter(covered::Column::RemovedAt.is_null())
        .exec(db)
        .await
        .map_err(failed("removing from the list"))?;
    tracing::info!(account_id, entry_id, "covered contributor removed");
    Ok(())
}
