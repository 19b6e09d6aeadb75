//! Confirming a signature's contact address: a single-use link, valid for
//! seven days, mailed to the address; the receipt follows confirmation.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait, sea_query::Expr,
};
use time::{Duration, OffsetDateTime};

use super::{
    entities::{confirmation, signature},
    failed, mails,
    signing::to_receipt,
};
use crate::{
    accounts::Email,
    documents::ssr::document,
    error::AppError,
    ssr::{Clock, mail, tokens},
};

/// How long a mailed link works.
pub const CONFIRM_FOR: Duration = Duration::days(7);

/// Stores a link for `signature_id` and returns its token, to be mailed.
pub(super) async fn issue<C: ConnectionTrait>(
    db: &C,
    signature_id: i64,
    now: OffsetDateTime,
) -> Result<String, AppError> {
    let (token, token_hash) = tokens::generate();
    confirmation::Entity::insert(confirmation::ActiveModel {
        signature_id: Set(signature_id),
        token_hash: Set(token_hash),
        created_at: Set(now),
        expires_at: Set(now + CONFIRM_FOR),
        used_at: Set(None),
        ..Default::default()
    })
    .exec(db)
    .await
    .map_err(failed("storing a confirmation link"))?;
    Ok(token)
}

fn bad_link() -> AppError {
    AppError::invalid(
        "token",
        "This link is not valid, already used or expired. Ask the signer to sign again.",
    )
}

/// Confirms the contact address the link was mailed to, and mails the
/// receipt there. Of two simultaneous uses, only one wins.
pub async fn confirm_contact(
    db: &DatabaseConnection,
    clock: &Clock,
    base_url: &str,
    token: &str,
) -> Result<(), AppError> {
    let now = clock.now();
    let txn = db.begin().await.map_err(failed("starting a transaction"))?;
    let row = confirmation::Entity::find()
        .filter(confirmation::Column::TokenHash.eq(tokens::hash(token.trim())))
        .one(&txn)
        .await
        .map_err(failed("looking up a link"))?
        .filter(|row| row.used_at.is_none() && row.expires_at > now)
        .ok_or_else(bad_link)?;
    let used = confirmation::Entity::update_many()
        .col_expr(confirmation::Column::UsedAt, Expr::value(now))
        .filter(confirmation::Column::Id.eq(row.id))
        .filter(confirmation::Column::UsedAt.is_null())
        .exec(&txn)
        .await
        .map_err(failed("using a link"))?;
    if used.rows_affected != 1 {
        return Err(bad_link());
    }
    let confirmed = signature::Entity::update_many()
        .col_expr(signature::Column::EmailConfirmedAt, Expr::value(now))
        .filter(signature::Column::Id.eq(row.signature_id))
        .filter(signature::Column::EmailConfirmedAt.is_null())
        .exec(&txn)
        .await
        .map_err(failed("confirming the address"))?;
    if confirmed.rows_affected == 1 {
        let signed = signature::Entity::find_by_id(row.signature_id)
            .one(&txn)
            .await
            .map_err(failed("loading the signature"))?
            .ok_or_else(bad_link)?;
        let agreement = document::Entity::find_by_id(signed.document_id)
            .one(&txn)
            .await
            .map_err(failed("loading the agreement"))?
            .ok_or(AppError::NotFound)?;
        let to = Email::parse(&signed.email).map_err(|_| bad_link())?;
        let link = format!("{base_url}/contribute/receipts/{}", signed.id);
        let receipt = to_receipt(&signed, &agreement);
        mail::enqueue(&txn, clock, mails::receipt(&to, &receipt, &link))
            .await
            .map_err(failed("queueing the receipt"))?;
    }
    txn.commit().await.map_err(failed("committing"))?;
    tracing::info!(signature_id = row.signature_id, "contact address confirmed");
    Ok(())
}
