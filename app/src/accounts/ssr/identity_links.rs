//! What follows a provider's callback for an identity we don't know yet:
//! a new account (username and policy, as with a password), or linking it
//! to an existing account — only when the member is signed in and confirms,
//! or when the provider vouched for the account's own verified address and
//! the member confirms by password or by mail.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    SqlErr, TransactionTrait, sea_query::Expr,
};
use secrecy::SecretString;
use time::OffsetDateTime;

use super::{
    AccountError,
    attempts::{self, Target},
    enforce,
    entities::{account, identity, sign_in_flow},
    identity_flow::{FINISH_FOR, discard},
    mails,
    password::verify_password,
    register::{attest, insert_member, mail_confirmation},
    sign_in::{SignedIn, begin},
    unconfirmed::find_hold,
};
use crate::{
    accounts::{Email, PendingIdentity, PendingStep, Username},
    ssr::{
        Clock, mail,
        rate_limit::{Limiter, MAIL_PER_ACCOUNT, MAIL_PER_IP},
        tokens,
    },
};

/// Who is finishing, from where: for rate limits and the new session.
pub struct Browser {
    pub ip: String,
    pub user_agent: String,
    pub https: bool,
}

fn expired() -> AccountError {
    AccountError::Invalid {
        field: "flow",
        message: "This sign-in has expired or was finished already. Please start again.".to_owned(),
    }
}

/// The identified flow behind the browser's cookie, still in time.
async fn identified<C: ConnectionTrait>(
    db: &C,
    token: Option<&str>,
    now: OffsetDateTime,
) -> Result<sign_in_flow::Model, AccountError> {
    let token = token.ok_or_else(expired)?;
    sign_in_flow::Entity::find_by_id(tokens::hash(token))
        .filter(sign_in_flow::Column::IdentifiedAt.gt(now - FINISH_FOR))
        .one(db)
        .await
        .map_err(AccountError::db("loading the sign-in flow"))?
        .ok_or_else(expired)
}

/// The verified account whose address the provider vouched for, if any.
async fn vouched_account<C: ConnectionTrait>(
    db: &C,
    flow: &sign_in_flow::Model,
) -> Result<Option<account::Model>, AccountError> {
    let Some(email) = flow
        .email
        .as_deref()
        .filter(|_| flow.email_verified)
        .and_then(|email| Email::parse(email).ok())
    else {
        return Ok(None);
    };
    account::Entity::find()
        .filter(account::Column::EmailKey.eq(email.key()))
        .filter(account::Column::EmailVerifiedAt.is_not_null())
        .one(db)
        .await
        .map_err(AccountError::db("looking up the address"))
}

/// What the person still has to do for the browser's pending sign-in.
pub async fn pending(
    db: &DatabaseConnection,
    clock: &Clock,
    provider_name: &str,
    token: Option<&str>,
) -> Result<PendingIdentity, AccountError> {
    let flow = identified(db, token, clock.now()).await?;
    let next = if let Some(me) = flow.account_id {
        let username = account::Entity::find_by_id(me)
            .one(db)
            .await
            .map_err(AccountError::db("loading the account"))?
            .ok_or_else(expired)?
            .username;
        PendingStep::ConfirmLink { username }
    } else if let Some(existing) = vouched_account(db, &flow).await? {
        PendingStep::LinkExisting {
            username: existing.username,
            has_password: existing.password_hash.is_some(),
        }
    } else {
        PendingStep::NewAccount {
            suggested_username: flow
                .login
                .as_deref()
                .and_then(|login| Username::parse(login).ok())
                .map(|name| name.as_str().to_owned())
                .unwrap_or_default(),
            verified_email: flow.email.clone().filter(|_| flow.email_verified),
        }
    };
    Ok(PendingIdentity {
        provider: provider_name.to_owned(),
        known_as: known_as(flow.login.as_deref(), flow.email.as_deref(), &flow.subject),
        next,
    })
}

/// How a provider knows the person, for display: login, address, or id.
pub fn known_as(login: Option<&str>, email: Option<&str>, subject: &Option<String>) -> String {
    login
        .or(email)
        .or(subject.as_deref())
        .unwrap_or_default()
        .to_owned()
}

/// The new account's choices.
pub struct NewIdentityMember {
    pub username: String,
    /// Asked for only when the provider vouched for no address.
    pub email: Option<String>,
    pub age_confirmed: bool,
    pub policy_accepted: bool,
}

/// Creates an account for a new identity and signs it in. A verified
/// address from the provider is taken as verified; one typed here is
/// confirmed by mail as at registration.
#[expect(
    clippy::too_many_arguments,
    reason = "the services a sign-up uses, each once"
)]
pub async fn finish_sign_up(
    db: &DatabaseConnection,
    clock: &Clock,
    limiter: &Limiter,
    server_key: &crate::ssr::server_key::ServerKey,
    base_url: &str,
    token: Option<&str>,
    input: NewIdentityMember,
    browser: &Browser,
) -> Result<SignedIn, AccountError> {
    let now = clock.now();
    enforce(db, limiter, &[(limiter.registrations(), &browser.ip)], now).await?;
    let flow = identified(db, token, now).await?;
    if flow.account_id.is_some() || vouched_account(db, &flow).await?.is_some() {
        return Err(expired());
    }
    let username = Username::parse(&input.username).map_err(AccountError::invalid("username"))?;
    let vouched = flow.email.as_deref().filter(|_| flow.email_verified);
    let (email, verified) = match vouched.and_then(|email| Email::parse(email).ok()) {
        Some(email) => (email, true),
        None => (
            Email::parse(input.email.as_deref().unwrap_or_default())
                .map_err(AccountError::invalid("email"))?,
            false,
        ),
    };
    attest(input.age_confirmed, input.policy_accepted)?;
    let key_of_username = username.key();
    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    for (column, key, field) in [
        (account::Column::UsernameKey, username.key(), "username"),
        (account::Column::EmailKey, email.key(), "email"),
    ] {
        let taken = account::Entity::find()
            .filter(column.eq(key))
            .one(&txn)
            .await
            .map_err(AccountError::db("checking for a taken name"))?
            .is_some();
        let held = field == "username"
            && (find_hold(&txn, &key_of_username, now).await?.is_some()
                || super::username_change::reserved(&txn, server_key, &key_of_username, now, None)
                    .await?);
        if (taken || held) && field == "username" {
            return Err(AccountError::Taken);
        }
        if taken {
            return Err(AccountError::Invalid {
                field,
                message: "This address belongs to an account here already. Sign in to it, then link your account from its settings."
                    .to_owned(),
            });
        }
    }
    let account_id =
        insert_member(&txn, &username, &email, verified.then_some(now), None, now).await?;
    insert_link(&txn, account_id, &flow, now).await?;
    if !verified {
        mail_confirmation(&txn, clock, base_url, account_id, &email, username.as_str()).await?;
    }
    txn.commit().await.map_err(AccountError::db("committing"))?;
    tracing::info!(account_id, provider = %flow.provider, "account created with a provider");
    begin(
        db,
        now,
        account_id,
        false,
        &browser.user_agent,
        browser.https,
    )
    .await
}

/// Links the identity to the account whose verified address the provider
/// vouched for, on that account's password.
pub async fn link_with_password(
    db: &DatabaseConnection,
    clock: &Clock,
    limiter: &Limiter,
    token: Option<&str>,
    password: SecretString,
    browser: &Browser,
) -> Result<SignedIn, AccountError> {
    let now = clock.now();
    let flow = identified(db, token, now).await?;
    let existing = vouched_account(db, &flow).await?.ok_or_else(expired)?;
    // Attempts here count against the same limits as the sign-in form's,
    // so this form is no way around them.
    let target = Target::Account(existing.id);
    let admitted = attempts::admit(db, limiter, now, &target, &browser.ip).await?;
    if !verify_password(password, existing.password_hash.clone()).await? {
        tracing::info!(account_id = existing.id, "linking refused: wrong password");
        return Err(AccountError::BadCredentials);
    }
    admitted.succeeded(db, limiter).await?;
    link_and_sign_in(db, existing.id, &flow, now, browser).await
}

/// Mails the owner of the vouched-for account a link that confirms linking.
pub async fn link_by_mail(
    db: &DatabaseConnection,
    clock: &Clock,
    limiter: &Limiter,
    base_url: &str,
    provider_name: &str,
    token: Option<&str>,
    ip: &str,
) -> Result<(), AccountError> {
    let now = clock.now();
    let flow = identified(db, token, now).await?;
    let existing = vouched_account(db, &flow).await?.ok_or_else(expired)?;
    let account_key = existing.id.to_string();
    enforce(
        db,
        limiter,
        &[(MAIL_PER_IP, ip), (MAIL_PER_ACCOUNT, &account_key)],
        now,
    )
    .await?;
    let email = Email::parse(&existing.email).map_err(AccountError::invalid("email"))?;
    let (mail_token, mail_token_hash) = tokens::generate();
    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    sign_in_flow::Entity::update_many()
        .col_expr(
            sign_in_flow::Column::MailTokenHash,
            Expr::value(mail_token_hash),
        )
        .col_expr(
            sign_in_flow::Column::MailAccountId,
            Expr::value(existing.id),
        )
        .filter(sign_in_flow::Column::IdHash.eq(flow.id_hash.clone()))
        .exec(&txn)
        .await
        .map_err(AccountError::db("storing the mailed link"))?;
    let link = format!("{base_url}/account/link-identity?token={mail_token}");
    mail::enqueue(
        &txn,
        clock,
        mails::link_identity(&email, &existing.username, provider_name, &link),
    )
    .await
    .map_err(AccountError::db("queueing mail"))?;
    txn.commit().await.map_err(AccountError::db("committing"))?;
    Ok(())
}

/// Links the identity with the mailed token, and signs its owner in here.
pub async fn confirm_mail_link(
    db: &DatabaseConnection,
    clock: &Clock,
    mail_token: &str,
    browser: &Browser,
) -> Result<SignedIn, AccountError> {
    let now = clock.now();
    let flow = sign_in_flow::Entity::find()
        .filter(sign_in_flow::Column::MailTokenHash.eq(tokens::hash(mail_token)))
        .filter(sign_in_flow::Column::IdentifiedAt.gt(now - FINISH_FOR))
        .one(db)
        .await
        .map_err(AccountError::db("loading the sign-in flow"))?
        .ok_or(AccountError::BadToken)?;
    let account_id = flow.mail_account_id.ok_or(AccountError::BadToken)?;
    link_and_sign_in(db, account_id, &flow, now, browser).await
}

/// Links the identity to the signed-in member who started the flow.
pub async fn confirm_link(
    db: &DatabaseConnection,
    clock: &Clock,
    token: Option<&str>,
    me: i64,
) -> Result<(), AccountError> {
    let now = clock.now();
    let flow = identified(db, token, now).await?;
    if flow.account_id != Some(me) {
        return Err(expired());
    }
    link(db, me, &flow, now).await
}

/// Abandons the browser's pending sign-in.
pub async fn cancel(db: &DatabaseConnection, token: Option<&str>) -> Result<(), AccountError> {
    match token {
        Some(token) => discard(db, &tokens::hash(token)).await,
        None => Ok(()),
    }
}

/// Links the identity, then signs its owner in (or asks for the second factor).
async fn link_and_sign_in(
    db: &DatabaseConnection,
    account_id: i64,
    flow: &sign_in_flow::Model,
    now: OffsetDateTime,
    browser: &Browser,
) -> Result<SignedIn, AccountError> {
    link(db, account_id, flow, now).await?;
    begin(
        db,
        now,
        account_id,
        false,
        &browser.user_agent,
        browser.https,
    )
    .await
}

/// Stores the link and spends the flow, in one transaction. Only an
/// account with a confirmed address may be linked to: otherwise whoever
/// typed someone else's address could link their own provider to an
/// account its real owner later takes over.
async fn link(
    db: &DatabaseConnection,
    account_id: i64,
    flow: &sign_in_flow::Model,
    now: OffsetDateTime,
) -> Result<(), AccountError> {
    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    let confirmed = account::Entity::find_by_id(account_id)
        .filter(account::Column::EmailVerifiedAt.is_not_null())
        .one(&txn)
        .await
        .map_err(AccountError::db("loading the account"))?
        .is_some();
    if !confirmed {
        return Err(AccountError::Invalid {
            field: "flow",
            message: "Confirm your email address first (open the link we mailed you); then you can link a sign-in provider.".to_owned(),
        });
    }
    insert_link(&txn, account_id, flow, now).await?;
    txn.commit().await.map_err(AccountError::db("committing"))
}

/// Stores the link and spends the flow, in the caller's transaction.
async fn insert_link<C: ConnectionTrait>(
    txn: &C,
    account_id: i64,
    flow: &sign_in_flow::Model,
    now: OffsetDateTime,
) -> Result<(), AccountError> {
    let subject = flow.subject.clone().ok_or_else(expired)?;
    let spent = sign_in_flow::Entity::delete_many()
        .filter(sign_in_flow::Column::IdHash.eq(flow.id_hash.clone()))
        .exec(txn)
        .await
        .map_err(AccountError::db("ending the sign-in flow"))?;
    if spent.rows_affected != 1 {
        return Err(expired());
    }
    let inserted = identity::Entity::insert(identity::ActiveModel {
        account_id: Set(account_id),
        provider: Set(flow.provider.clone()),
        subject: Set(subject),
        login: Set(flow.login.clone()),
        login_key: Set(flow.login.as_deref().map(str::to_lowercase)),
        email: Set(flow.email.clone()),
        email_verified: Set(flow.email_verified),
        created_at: Set(now),
        last_sign_in_at: Set(now),
        ..Default::default()
    })
    .exec(txn)
    .await;
    match inserted {
        Ok(_) => {
            tracing::info!(account_id, provider = %flow.provider, "identity linked");
            Ok(())
        }
        // Linked a moment ago by another flow.
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(AccountError::Invalid {
                field: "flow",
                message: "This account at the provider is linked to an account here already."
                    .to_owned(),
            })
        }
        Err(error) => Err(AccountError::db("linking the identity")(error)),
    }
}
