//! A sign-in with a provider, from the button to the callback. The browser
//! holds a random flow cookie; the database holds its hash with the
//! `state`, PKCE verifier and nonce the callback must match. A flow is used
//! once: a replayed callback finds nothing.

use axum::http::{HeaderMap, HeaderValue};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, sea_query::Expr,
};
use time::{Duration, OffsetDateTime};

use super::{
    AccountError, enforce,
    entities::{identity, sign_in_flow},
    providers::{ProviderError, ProviderIdentity, Providers},
    sign_in::{SignedIn, begin},
};
use crate::ssr::{
    AppState,
    cookies::{CookieKind, Lasts},
    tokens,
};

/// From the button to the provider's callback.
pub const FLOW_FOR: Duration = Duration::minutes(10);
/// From the callback to choosing a username or linking (mail included).
pub const FINISH_FOR: Duration = Duration::hours(1);

/// The cookie that ties a sign-in with a provider to this browser.
pub const SIGN_IN_FLOW: CookieKind = CookieKind {
    name: "portal_sign_in_flow",
    host_name: "__Host-portal_sign_in_flow",
    set_when: "you sign in with GitHub or another sign-in provider",
    lasts: Lasts::BrowserSession,
};

/// The flow token the browser sent, if any.
pub fn flow_token(headers: &HeaderMap, https: bool) -> Option<String> {
    SIGN_IN_FLOW.value(headers, https)
}

/// Where the browser goes next, and the flow's cookie.
pub struct Started {
    pub url: String,
    pub cookie: HeaderValue,
}

/// Starts a sign-in with `key` (or, for a signed-in member, the linking of
/// another identity).
pub async fn start(
    state: &AppState,
    key: &str,
    linking: Option<i64>,
    ip: &str,
) -> Result<Started, FlowError> {
    let (db, https) = (&state.db, state.site.is_https());
    let now = state.clock.now();
    enforce(db, &state.limiter, &[(state.limiter.sign_ins(), ip)], now).await?;
    let providers = configured(state)?;
    let authorization = providers.authorize(key, now).await?;
    let (token, id_hash) = tokens::generate();
    sign_in_flow::Entity::insert(sign_in_flow::ActiveModel {
        id_hash: Set(id_hash),
        provider: Set(key.to_owned()),
        account_id: Set(linking),
        state_hash: Set(tokens::hash(&authorization.state)),
        pkce_verifier: Set(authorization.pkce_verifier),
        nonce: Set(authorization.nonce),
        created_at: Set(now),
        subject: Set(None),
        login: Set(None),
        email: Set(None),
        email_verified: Set(false),
        identified_at: Set(None),
        mail_token_hash: Set(None),
        mail_account_id: Set(None),
    })
    .exec(db)
    .await
    .map_err(AccountError::db("storing the sign-in flow"))?;
    Ok(Started {
        url: authorization.url,
        cookie: SIGN_IN_FLOW.set(&token, https),
    })
}

/// What the provider sent back to the callback address.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    /// RFC 9207: the provider that answered, against mix-up attacks.
    pub iss: Option<String>,
}

/// Where a callback leads.
pub enum Landing {
    /// A known identity: signed in (or waiting for the second factor).
    SignedIn(SignedIn),
    /// A new identity: the person chooses a username, links an existing
    /// account, or (signed in) confirms linking it to theirs.
    Pending,
    /// The identity was already linked to the signed-in member.
    AlreadyLinked,
}

#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error("the person declined at the provider")]
    Denied,
    #[error("no matching sign-in flow: missing, expired, used or wrong state")]
    BadState,
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("the identity is linked to another account")]
    LinkedElsewhere,
    #[error(transparent)]
    Account(#[from] AccountError),
}

/// The providers the server configured (a server that provided none has
/// none to sign in with).
fn configured(state: &AppState) -> Result<&Providers, ProviderError> {
    state
        .settings::<Providers>()
        .map_err(|_| ProviderError::Unknown)
}

/// Handles the provider's redirect back to us.
pub async fn callback(
    state: &AppState,
    key: &str,
    token: Option<&str>,
    query: CallbackQuery,
    user_agent: &str,
) -> Result<Landing, FlowError> {
    let (db, https) = (&state.db, state.site.is_https());
    let now = state.clock.now();
    let id_hash = tokens::hash(token.ok_or(FlowError::BadState)?);
    let Some(flow) = sign_in_flow::Entity::find_by_id(id_hash.clone())
        .filter(sign_in_flow::Column::Provider.eq(key))
        .filter(sign_in_flow::Column::IdentifiedAt.is_null())
        .filter(sign_in_flow::Column::CreatedAt.gt(now - FLOW_FOR))
        .one(db)
        .await
        .map_err(AccountError::db("loading the sign-in flow"))?
    else {
        return Err(FlowError::BadState);
    };
    let state_hash = tokens::hash(query.state.as_deref().unwrap_or_default());
    // Whatever happens next, this flow is spent: claim it exactly once.
    let claimed = sign_in_flow::Entity::update_many()
        .col_expr(sign_in_flow::Column::StateHash, Expr::value(""))
        .filter(sign_in_flow::Column::IdHash.eq(id_hash.clone()))
        .filter(sign_in_flow::Column::StateHash.eq(state_hash))
        .exec(db)
        .await
        .map_err(AccountError::db("claiming the sign-in flow"))?;
    if claimed.rows_affected != 1 {
        discard(db, &id_hash).await?;
        return Err(FlowError::BadState);
    }
    let outcome = identify(configured(state)?, &flow, query, now).await;
    let found = match outcome {
        Ok(found) => found,
        Err(error) => {
            discard(db, &id_hash).await?;
            return Err(error);
        }
    };
    let known = identity::Entity::find()
        .filter(identity::Column::Provider.eq(key))
        .filter(identity::Column::Subject.eq(found.subject.as_str()))
        .one(db)
        .await
        .map_err(AccountError::db("looking up the identity"))?;
    let Some(known) = known else {
        sign_in_flow::Entity::update_many()
            .col_expr(sign_in_flow::Column::Subject, Expr::value(found.subject))
            .col_expr(sign_in_flow::Column::Login, Expr::value(found.login))
            .col_expr(sign_in_flow::Column::Email, Expr::value(found.email))
            .col_expr(
                sign_in_flow::Column::EmailVerified,
                Expr::value(found.email_verified),
            )
            .col_expr(sign_in_flow::Column::IdentifiedAt, Expr::value(now))
            .filter(sign_in_flow::Column::IdHash.eq(id_hash))
            .exec(db)
            .await
            .map_err(AccountError::db("recording the identity"))?;
        return Ok(Landing::Pending);
    };
    discard(db, &id_hash).await?;
    refresh(db, known.id, &found, now).await?;
    match flow.account_id {
        Some(me) if me == known.account_id => Ok(Landing::AlreadyLinked),
        Some(_) => Err(FlowError::LinkedElsewhere),
        None => Ok(Landing::SignedIn(
            begin(db, now, known.account_id, false, user_agent, https).await?,
        )),
    }
}

async fn identify(
    providers: &Providers,
    flow: &sign_in_flow::Model,
    query: CallbackQuery,
    now: OffsetDateTime,
) -> Result<ProviderIdentity, FlowError> {
    if let Some(error) = query.error {
        tracing::info!(provider = %flow.provider, error = %error.chars().take(64).collect::<String>(), "provider returned an error");
        return Err(if error == "access_denied" {
            FlowError::Denied
        } else {
            FlowError::Provider(ProviderError::Rejected(error))
        });
    }
    if let Some(iss) = &query.iss
        && !providers.issued_by(&flow.provider, iss)
    {
        return Err(FlowError::Provider(ProviderError::Rejected(
            "the callback names another issuer".to_owned(),
        )));
    }
    let code = query.code.filter(|code| !code.is_empty()).ok_or_else(|| {
        FlowError::Provider(ProviderError::Rejected(
            "no code in the callback".to_owned(),
        ))
    })?;
    Ok(providers
        .identify(&flow.provider, &code, &flow.pkce_verifier, &flow.nonce, now)
        .await?)
}

/// The login and address change at the provider; the subject never does.
async fn refresh(
    db: &DatabaseConnection,
    identity_id: i64,
    found: &ProviderIdentity,
    now: OffsetDateTime,
) -> Result<(), AccountError> {
    identity::Entity::update_many()
        .col_expr(identity::Column::Login, Expr::value(found.login.clone()))
        .col_expr(
            identity::Column::LoginKey,
            Expr::value(found.login.as_deref().map(str::to_lowercase)),
        )
        .col_expr(identity::Column::Email, Expr::value(found.email.clone()))
        .col_expr(
            identity::Column::EmailVerified,
            Expr::value(found.email_verified),
        )
        .col_expr(identity::Column::LastSignInAt, Expr::value(now))
        .filter(identity::Column::Id.eq(identity_id))
        .exec(db)
        .await
        .map_err(AccountError::db("refreshing the identity"))?;
    Ok(())
}

/// Deletes a flow.
pub async fn discard(db: &DatabaseConnection, id_hash: &str) -> Result<(), AccountError> {
    sign_in_flow::Entity::delete_by_id(id_hash.to_owned())
        .exec(db)
        .await
        .map_err(AccountError::db("ending the sign-in flow"))?;
    Ok(())
}

/// Deletes flows nobody finished.
pub async fn purge_flows(
    db: &DatabaseConnection,
    now: OffsetDateTime,
) -> Result<u64, sea_orm::DbErr> {
    Ok(sign_in_flow::Entity::delete_many()
        .filter(sign_in_flow::Column::CreatedAt.lt(now - FINISH_FOR))
        .exec(db)
        .await?
        .rows_affected)
}
