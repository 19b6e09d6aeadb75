//! Signing the individual agreement, revoking a signature, and the receipt.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait, sea_query::Expr,
};
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

use super::{
    confirming, coverage::is_current, entities::signature, failed, mails, overview::github_login,
};
use crate::{
    accounts::{CurrentUser, Email, ssr::account},
    cla::{Receipt, SignatureId, signature_matches},
    documents::{
        DocumentKind,
        ssr::{current_version, document},
    },
    error::AppError,
    ssr::{
        Clock, mail,
        rate_limit::{Limiter, MAIL_PER_ACCOUNT, MAIL_PER_IP},
    },
};

/// What a signing form sends.
pub struct Signing {
    /// For the corporate agreement: the company and the signer's title.
    pub company: Option<Company>,
    pub full_name: String,
    pub email: String,
    pub postal_address: Option<String>,
    /// The full name typed again, as the signature.
    pub signature: String,
    pub agreed: bool,
    /// The SHA-256 of the version the signer read.
    pub sha256: String,
}

/// The company a corporate agreement is signed for.
pub struct Company {
    pub name: String,
    pub title: String,
}

const MAX_ADDRESS: usize = 1000;

/// A short one-line text field: trimmed, 2 to 200 characters, no controls.
fn line(field: &'static str, value: &str, message: &str) -> Result<String, AppError> {
    let value = value.trim();
    if (2..=200).contains(&value.chars().count()) && !value.chars().any(char::is_control) {
        Ok(value.to_owned())
    } else {
        Err(AppError::invalid(field, message))
    }
}

/// Where a signing comes from: for the mail limits.
pub struct Origin<'a> {
    pub limiter: &'a Limiter,
    pub ip: &'a str,
    pub base_url: &'a str,
}

/// Records a signature of the agreement in force (individual, or corporate
/// when a company is given), for a member with a confirmed address. The
/// record holds who, the version and its SHA-256, the exact fields and the
/// time — nothing else (no IP address). The signer of a corporate
/// agreement manages its list of covered contributors.
///
/// A contact address that is the account's confirmed address is confirmed
/// at once and gets the receipt. Any other address gets only a
/// confirmation link (counted against the mail limits); until its owner
/// follows it, the signature does not count for that address, and the
/// receipt is mailed when they do.
pub async fn sign(
    db: &DatabaseConnection,
    clock: &Clock,
    origin: Origin<'_>,
    me: &CurrentUser,
    input: Signing,
) -> Result<SignatureId, AppError> {
    if !me.email_verified {
        return Err(AppError::Forbidden);
    }
    let now = clock.now();
    let (kind, kind_name) = match input.company {
        Some(_) => (DocumentKind::CorporateCla, signature::CORPORATE),
        None => (DocumentKind::IndividualCla, signature::INDIVIDUAL),
    };
    let company = match &input.company {
        Some(company) => Some((
            line(
                "company_name",
                &company.name,
                "Enter the company's legal name (2 to 200 characters).",
            )?,
            line(
                "signatory_title",
                &company.title,
                "Enter your title at the company (2 to 200 characters).",
            )?,
        )),
        None => None,
    };
    let full_name = line(
        "full_name",
        &input.full_name,
        "Enter your full legal name (2 to 200 characters).",
    )?;
    let email =
        Email::parse(&input.email).map_err(|message| AppError::invalid("email", message))?;
    let agreement = current_version(db, kind, now)
        .await
        .map_err(failed("loading the agreement"))?
        .ok_or(AppError::NotFound)?;
    let postal_address = input
        .postal_address
        .map(|address| address.trim().to_owned())
        .filter(|address| !address.is_empty());
    match &postal_address {
        None if agreement.requires_address => {
            return Err(AppError::invalid(
                "postal_address",
                "This agreement needs your postal address.",
            ));
        }
        Some(address) if address.chars().count() > MAX_ADDRESS => {
            return Err(AppError::invalid(
                "postal_address",
                "The address is too long (at most 1000 characters).",
            ));
        }
        _ => {}
    }
    if !signature_matches(&full_name, &input.signature) {
        return Err(AppError::invalid(
            "signature",
            "Type your full name exactly as above to sign.",
        ));
    }
    if !input.agreed {
        return Err(AppError::invalid("agreed", "Tick “I agree” to sign."));
    }
    if input.sha256 != agreement.sha256 {
        return Err(AppError::invalid(
            "sha256",
            "A new version of the agreement came into force while you were reading. Please read it and sign again.",
        ));
    }
    if company.is_none() && already_covered(db, me.id, now).await? {
        return Err(AppError::invalid(
            "sha256",
            "You have already signed this agreement; your signature covers this version.",
        ));
    }
    let account = account::Entity::find_by_id(me.id)
        .one(db)
        .await
        .map_err(failed("loading the account"))?
        .ok_or(AppError::Unauthorized)?;
    let confirmed = account.email_verified_at.is_some() && account.email_key == email.key();
    if !confirmed {
        let account_key = me.id.to_string();
        origin
            .limiter
            .admit(
                db,
                &[(MAIL_PER_IP, origin.ip), (MAIL_PER_ACCOUNT, &account_key)],
                now,
            )
            .await?;
    }
    let github_login = github_login(db, me.id).await?;
    let txn = db.begin().await.map_err(failed("starting a transaction"))?;
    let row = signature::ActiveModel {
        account_id: Set(Some(me.id)),
        document_id: Set(agreement.id),
        kind: Set(kind_name.to_owned()),
        version: Set(agreement.version),
        sha256: Set(agreement.sha256.clone()),
        full_name: Set(full_name),
        email: Set(email.as_str().to_owned()),
        email_key: Set(email.key()),
        postal_address: Set(postal_address),
        github_login_key: Set(github_login.as_deref().map(str::to_lowercase)),
        github_login: Set(github_login),
        company_name: Set(company.as_ref().map(|(name, _)| name.clone())),
        signatory_title: Set(company.map(|(_, title)| title)),
        signature: Set(input.signature.trim().to_owned()),
        signed_at: Set(now),
        revoked_at: Set(None),
        revocation_reason: Set(None),
        email_confirmed_at: Set(confirmed.then_some(now)),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(failed("recording the signature"))?;
    let base_url = origin.base_url;
    let mail = if confirmed {
        let link = format!("{base_url}/contribute/receipts/{}", row.id);
        mails::receipt(&email, &to_receipt(&row, &agreement), &link)
    } else {
        let token = confirming::issue(&txn, row.id, now).await?;
        let link = format!("{base_url}/contribute/confirm?token={token}");
        mails::confirm_contact(&email, &agreement.title, &link)
    };
    mail::enqueue(&txn, clock, mail)
        .await
        .map_err(failed("queueing mail"))?;
    txn.commit().await.map_err(failed("committing"))?;
    tracing::info!(
        account_id = me.id,
        version = agreement.version,
        kind = kind_name,
        contact_confirmed = confirmed,
        "agreement signed"
    );
    Ok(SignatureId(row.id))
}

async fn already_covered(
    db: &DatabaseConnection,
    account_id: i64,
    now: OffsetDateTime,
) -> Result<bool, AppError> {
    let active = signature::Entity::find()
        .filter(signature::Column::AccountId.eq(account_id))
        .filter(signature::Column::Kind.eq(signature::INDIVIDUAL))
        .filter(signature::Column::RevokedAt.is_null())
        .all(db)
        .await
        .map_err(failed("loading signatures"))?;
    for row in active {
        if is_current(db, DocumentKind::IndividualCla, row.version, now)
            .await
            .map_err(failed("checking versions"))?
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Revokes one of the member's signatures for future contributions. The
/// record stays, marked with the time and the reason.
pub async fn revoke(
    db: &DatabaseConnection,
    clock: &Clock,
    account_id: i64,
    id: SignatureId,
    reason: &str,
) -> Result<(), AppError> {
    let reason = reason.trim();
    if reason.chars().count() > 500 {
        return Err(AppError::invalid(
            "reason",
            "Keep the reason under 500 characters.",
        ));
    }
    let reason = if reason.is_empty() {
        "Revoked by the signer."
    } else {
        reason
    };
    let revoked = signature::Entity::update_many()
        .col_expr(signature::Column::RevokedAt, Expr::value(clock.now()))
        .col_expr(signature::Column::RevocationReason, Expr::value(reason))
        .filter(signature::Column::Id.eq(id.0))
        .filter(signature::Column::AccountId.eq(account_id))
        .filter(signature::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .map_err(failed("revoking the signature"))?;
    if revoked.rows_affected != 1 {
        return Err(AppError::NotFound);
    }
    tracing::info!(account_id, signature_id = id.0, "signature revoked");
    Ok(())
}

/// The receipt of one of the member's own signatures.
pub async fn receipt(
    db: &DatabaseConnection,
    account_id: i64,
    id: SignatureId,
) -> Result<Receipt, AppError> {
    let row = signature::Entity::find_by_id(id.0)
        .filter(signature::Column::AccountId.eq(account_id))
        .one(db)
        .await
        .map_err(failed("loading the signature"))?
        .ok_or(AppError::NotFound)?;
    let agreement = document::Entity::find_by_id(row.document_id)
        .one(db)
        .await
        .map_err(failed("loading the agreement"))?
        .ok_or(AppError::NotFound)?;
    Ok(to_receipt(&row, &agreement))
}

pub(super) fn to_receipt(row: &signature::Model, agreement: &document::Model) -> Receipt {
    Receipt {
        id: SignatureId(row.id),
        agreement: agreement.title.clone(),
        version: row.version,
        sha256: row.sha256.clone(),
        effective: crate::ssr::dates::long_day(agreement.effective_at),
        full_name: row.full_name.clone(),
        email: row.email.clone(),
        postal_address: row.postal_address.clone(),
        github_login: row.github_login.clone(),
        company: row.company_name.clone().zip(row.signatory_title.clone()),
        signature: row.signature.clone(),
        signed_at: timestamp(row.signed_at),
        revoked: row.revoked_at.map(|at| {
            (
                timestamp(at),
                row.revocation_reason.clone().unwrap_or_default(),
            )
        }),
    }
}

fn timestamp(at: OffsetDateTime) -> String {
    at.replace_nanosecond(0)
        .unwrap_or(at)
        .format(&Rfc3339)
        .unwrap_or_else(|_| at.to_string())
}
