//! The agreement page's content: the version in force, its changes
//! against the one before, and the signed-in member's standing.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use time::OffsetDateTime;

use super::{entities::signature, failed};
use crate::{
    accounts::{
        CurrentUser,
        ssr::{account, identity, providers::GITHUB},
    },
    cla::{AgreementOverview, Changes, MyAgreement, MySignature, Standing},
    documents::{
        DocumentKind,
        ssr::{current, current_version, document, line_diff},
    },
    error::AppError,
};

/// The individual agreement as the visitor (or `me`) sees it.
pub async fn overview(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    me: Option<&CurrentUser>,
) -> Result<AgreementOverview, AppError> {
    let kind = DocumentKind::IndividualCla;
    let agreement = current(db, kind, now).await?;
    let row = current_version(db, kind, now)
        .await
        .map_err(failed("loading the agreement"))?
        .ok_or(AppError::NotFound)?;
    let changes = changes(db, kind, &row).await?;
    let me = match me {
        Some(user) => Some(mine(db, now, user).await?),
        None => None,
    };
    Ok(AgreementOverview {
        agreement,
        requires_address: row.requires_address,
        changes,
        me,
    })
}

async fn mine(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    user: &CurrentUser,
) -> Result<MyAgreement, AppError> {
    let email = account::Entity::find_by_id(user.id)
        .one(db)
        .await
        .map_err(failed("loading the account"))?
        .map(|account| account.email)
        .unwrap_or_default();
    let rows = signature::Entity::find()
        .filter(signature::Column::AccountId.eq(user.id))
        .filter(signature::Column::Kind.eq(signature::INDIVIDUAL))
        .order_by_desc(signature::Column::SignedAt)
        .all(db)
        .await
        .map_err(failed("loading signatures"))?;
    let mut signatures = Vec::with_capacity(rows.len());
    for row in rows {
        let standing = super::coverage::standing(db, &row, now, true).await?;
        signatures.push(MySignature {
            id: crate::cla::SignatureId(row.id),
            version: row.version,
            signed: crate::ssr::dates::long_day(row.signed_at),
            standing,
            contact_pending: row.email_confirmed_at.is_none().then_some(row.email),
        });
    }
    Ok(MyAgreement {
        verified: user.email_verified,
        email,
        github_login: github_login(db, user.id).await?,
        covered: signatures
            .iter()
            .any(|signature| signature.standing == Standing::Valid),
        signatures,
    })
}

/// What `row` changed against the version before it, if there is one.
pub(super) async fn changes(
    db: &DatabaseConnection,
    kind: DocumentKind,
    row: &document::Model,
) -> Result<Option<Changes>, AppError> {
    let previous = document::Entity::find()
        .filter(document::Column::Kind.eq(kind.as_str()))
        .filter(document::Column::Version.lt(row.version))
        .order_by_desc(document::Column::Version)
        .one(db)
        .await
        .map_err(failed("loading the previous version"))?;
    Ok(previous.map(|previous| Changes {
        previous_version: previous.version,
        material: row.material,
        lines: line_diff(&previous.body, &row.body),
    }))
}

/// The login of the member's linked GitHub account.
pub(super) async fn github_login(
    db: &DatabaseConnection,
    account_id: i64,
) -> Result<Option<String>, AppError> {
    Ok(identity::Entity::find()
        .filter(identity::Column::AccountId.eq(account_id))
        .filter(identity::Column::Provider.eq(GITHUB))
        .one(db)
        .await
        .map_err(failed("loading the GitHub identity"))?
        .and_then(|row| row.login))
}
