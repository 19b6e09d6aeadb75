//! Proof, before an account is deleted, that the person at the keyboard
//! holds it and not only its session: the password if the account has
//! one; otherwise the second factor if it is set; otherwise a single-use
//! link mailed to the confirmed address. A provider-only account is never
//! deleted by typing its username alone.

use sea_orm::{ConnectionTrait, EntityTrait};
use secrecy::{ExposeSecret, SecretString};
use time::Duration;

use super::{
    AccountError, account_tokens,
    attempts::{self, Target},
    entities::{account, account_token},
    mails, two_factor, verify_password,
};
use crate::{
    accounts::{DeletionProof, Email},
    ssr::{AppState, mail, rate_limit::Limit},
};

/// How long a mailed deletion link works.
pub const LINK_VALID_FOR: Duration = Duration::hours(1);

/// Deletion links mailed per account: each one is a mail.
pub const LINKS_PER_ACCOUNT: Limit = Limit {
    bucket: "delete_link_account",
    max: 3,
    window: Duration::hours(1),
};

/// What the account can prove itself with.
pub async fn proof_for<C: ConnectionTrait>(
    db: &C,
    account: &account::Model,
) -> Result<DeletionProof, AccountError> {
    Ok(if account.password_hash.is_some() {
        DeletionProof::Password
    } else if two_factor::is_enabled(db, account.id).await? {
        DeletionProof::SecondFactor
    } else {
        DeletionProof::MailedLink
    })
}

/// Whether the deletion may go ahead now (`true`), or a link was mailed
/// and the deletion waits for it (`false`).
pub async fn prove(
    state: &AppState,
    account_id: i64,
    password: SecretString,
    code: &str,
    ip: &str,
) -> Result<bool, AccountError> {
    let db = &state.db;
    let now = state.clock.now();
    let account = account::Entity::find_by_id(account_id)
        .one(db)
        .await
        .map_err(AccountError::db("loading the account"))?
        .ok_or(AccountError::BadCredentials)?;
    match proof_for(db, &account).await? {
        DeletionProof::Password => {
            let admitted =
                attempts::admit(db, &state.limiter, now, &Target::Account(account.id), ip).await?;
            if password.expose_secret().is_empty()
                || !verify_password(password, account.password_hash.clone()).await?
            {
                return Err(AccountError::Invalid {
                    field: "password",
                    message: "This is not your password.".to_owned(),
                });
            }
            admitted.succeeded(db, &state.limiter).await?;
            Ok(true)
        }
        DeletionProof::SecondFactor => {
            let admitted =
                attempts::admit(db, &state.limiter, now, &Target::Account(account.id), ip).await?;
            two_factor::verify(
                db,
                &state.clock,
                &state.server_key,
                account.id,
                &account.username,
                code,
            )
            .await?;
            admitted.succeeded(db, &state.limiter).await?;
            Ok(true)
        }
        DeletionProof::MailedLink => {
            let to = account
                .email_verified_at
                .and_then(|_| Email::parse(&account.email).ok())
                .ok_or_else(|| AccountError::Invalid {
                    field: "confirm",
                    message: "Your address is not confirmed, so we cannot mail you a link: confirm it from your account page first, or send us a privacy request.".to_owned(),
                })?;
            super::enforce(
                db,
                &state.limiter,
                &[(LINKS_PER_ACCOUNT, &account.id.to_string())],
                now,
            )
            .await?;
            let token = account_tokens::issue(
                db,
                account.id,
                account_token::DELETE_ACCOUNT,
                now,
                LINK_VALID_FOR,
            )
            .await?;
            let link = format!(
                "{}/account/delete/confirm?token={token}",
                state.site.base_url
            );
            mail::enqueue(
                db,
                &state.clock,
                mails::confirm_deletion(&to, &account.username, &link),
            )
            .await
            .map_err(AccountError::db("queueing mail"))?;
            tracing::info!(account_id = account.id, "deletion link mailed");
            Ok(false)
        }
    }
}

/// Uses a mailed deletion link; returns the account it deletes.
pub async fn redeem_link(state: &AppState, token: &str) -> Result<i64, AccountError> {
    account_tokens::redeem(
        &state.db,
        token.trim(),
        account_token::DELETE_ACCOUNT,
        state.clock.now(),
    )
    .await
}
