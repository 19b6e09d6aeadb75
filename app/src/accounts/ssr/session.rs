//! Sign-in sessions, kept in the database so that any instance can serve
//! any request. The cookie holds a random id; the table holds its hash.
//!
//! A session ends when the member signs out, after two hours without use
//! (fourteen days with "remember me"), and in any case twelve hours (thirty
//! days with "remember me") after sign-in.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, header},
    middleware::Next,
    response::Response,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter,
    QuerySelect, sea_query::Expr,
};
use time::{Duration, OffsetDateTime};

use crate::accounts::{
    CurrentUser, Role,
    ssr::{account, account_role},
};
use crate::ssr::{
    AppState,
    cookies::{CookieKind, Lasts},
    tokens,
};

pub mod session_row {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id_hash: String,
        pub account_id: i64,
        pub remember: bool,
        pub device: String,
        pub created_at: TimeDateTimeWithTimeZone,
        pub last_seen_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

const IDLE: Duration = Duration::hours(2);
const ABSOLUTE: Duration = Duration::hours(12);
const REMEMBERED_IDLE: Duration = Duration::days(14);
const REMEMBERED_ABSOLUTE: Duration = Duration::days(30);
/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_EVERY: Duration = Duration::minutes(5);

/// The session cookie.
pub const SESSION: CookieKind = CookieKind {
    name: "portal_session",
    host_name: "__Host-portal_session",
    set_when: "you sign in",
    lasts: Lasts::BrowserSessionOrIfRemembered(REMEMBERED_ABSOLUTE),
};

/// The short-lived cookie of a sign-in that waits for its second factor.
pub const PENDING_SIGN_IN: CookieKind = CookieKind {
    name: "portal_pending_sign_in",
    host_name: "__Host-portal_pending_sign_in",
    set_when: "you entered your password and two-factor sign-in asks for your code",
    lasts: Lasts::For(Duration::minutes(5)),
};

/// Who is making the request, if anyone; put in the request's extensions
/// by [`load`] for pages and server functions.
#[derive(Clone, Debug, Default)]
pub struct Auth(pub Option<SignedIn>);

#[derive(Clone, Debug)]
pub struct SignedIn {
    pub user: CurrentUser,
    /// Hash of this session's id, to tell it apart from the member's others.
    pub session_hash: String,
}

fn is_live(row: &session_row::Model, now: OffsetDateTime) -> bool {
    let (idle, absolute) = if row.remember {
        (REMEMBERED_IDLE, REMEMBERED_ABSOLUTE)
    } else {
        (IDLE, ABSOLUTE)
    };
    now - row.last_seen_at < idle && now - row.created_at < absolute
}

fn session_token(headers: &HeaderMap, https: bool) -> Option<String> {
    SESSION.value(headers, https)
}

/// Paths that never need to know who is asking: static files and probes.
fn needs_no_session(path: &str) -> bool {
    path.starts_with("/pkg/") || matches!(path, "/favicon.svg" | "/healthz" | "/readyz")
}

/// Middleware: resolves the session cookie to a signed-in member.
pub async fn load(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let https = state.site.is_https();
    let mut auth = Auth::default();
    let mut clear = false;
    let token = if needs_no_session(request.uri().path()) {
        None
    } else {
        session_token(request.headers(), https)
    };
    if let Some(token) = token {
        match resolve(&state, &tokens::hash(&token)).await {
            Ok(Some(signed_in)) => auth = Auth(Some(signed_in)),
            Ok(None) => clear = true,
            Err(error) => tracing::error!(%error, "loading the session"),
        }
    }
    request.extensions_mut().insert(auth);
    let mut response = next.run(request).await;
    if clear && !response.headers().contains_key(header::SET_COOKIE) {
        response
            .headers_mut()
            .append(header::SET_COOKIE, SESSION.forget(https));
    }
    response
}

/// A session's row with its member's name, verification and one role (a
/// row per role; none when the member has no role).
#[derive(sea_orm::FromQueryResult)]
struct SessionOfMember {
    #[sea_orm(nested)]
    session: session_row::Model,
    username: String,
    email_verified_at: Option<OffsetDateTime>,
    role: Option<String>,
}

/// The member behind the session whose id hashes to `hash`, if it is live.
/// One read on the read pool (the session with its member and roles), so
/// that a member's request does not queue for the one writer connection of
/// SQLite; a write only to end a stale session or to note the last use.
async fn resolve(state: &AppState, hash: &str) -> Result<Option<SignedIn>, sea_orm::DbErr> {
    let now = state.clock.now();
    let rows: Vec<SessionOfMember> = session_row::Entity::find_by_id(hash.to_owned())
        .join(
            JoinType::InnerJoin,
            session_row::Entity::belongs_to(account::Entity)
                .from(session_row::Column::AccountId)
                .to(account::Column::Id)
                .into(),
        )
        .join(
            JoinType::LeftJoin,
            session_row::Entity::belongs_to(account_role::Entity)
                .from(session_row::Column::AccountId)
                .to(account_role::Column::AccountId)
                .into(),
        )
        .column_as(account::Column::Username, "username")
        .column_as(account::Column::EmailVerifiedAt, "email_verified_at")
        .column_as(account_role::Column::Role, "role")
        .into_model()
        .all(&state.reads)
        .await?;
    let roles = rows
        .iter()
        .filter_map(|row| row.role.as_deref().and_then(Role::parse))
        .collect();
    let Some(SessionOfMember {
        session: row,
        username,
        email_verified_at,
        ..
    }) = rows.into_iter().next()
    else {
        return Ok(None);
    };
    if !is_live(&row, now) {
        session_row::Entity::delete_by_id(hash.to_owned())
            .exec(&state.db)
            .await?;
        return Ok(None);
    }
    if now - row.last_seen_at >= TOUCH_EVERY {
        session_row::Entity::update_many()
            .col_expr(session_row::Column::LastSeenAt, Expr::value(now))
            .filter(session_row::Column::IdHash.eq(hash))
            .exec(&state.db)
            .await?;
    }
    Ok(Some(SignedIn {
        user: CurrentUser {
            id: row.account_id,
            username,
            email_verified: email_verified_at.is_some(),
            roles,
        },
        session_hash: hash.to_owned(),
    }))
}

/// Starts a session and returns its cookie. Any session the browser held
/// before is replaced: ids are never reused across a sign-in.
pub async fn start<C: ConnectionTrait>(
    db: &C,
    now: OffsetDateTime,
    account_id: i64,
    remember: bool,
    user_agent: &str,
    https: bool,
) -> Result<HeaderValue, sea_orm::DbErr> {
    let (token, hash) = tokens::generate();
    session_row::Entity::insert(session_row::ActiveModel {
        id_hash: Set(hash),
        account_id: Set(account_id),
        remember: Set(remember),
        device: Set(device_family(user_agent)),
        created_at: Set(now),
        last_seen_at: Set(now),
    })
    .exec(db)
    .await?;
    Ok(session_cookie(token, remember, https))
}

fn session_cookie(token: String, remember: bool, https: bool) -> HeaderValue {
    if remember {
        SESSION.set_remembered(&token, https)
    } else {
        SESSION.set(&token, https)
    }
}

/// Gives the session `hash` a new id: the same sign-in (its start,
/// "remember me" and device stay), under an id no one has seen. Returns the
/// new cookie, or `None` if the session is gone.
pub async fn rotate<C: ConnectionTrait>(
    db: &C,
    hash: &str,
    now: OffsetDateTime,
    https: bool,
) -> Result<Option<HeaderValue>, sea_orm::DbErr> {
    let Some(old) = session_row::Entity::find_by_id(hash.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let (token, new_hash) = tokens::generate();
    session_row::Entity::insert(session_row::ActiveModel {
        id_hash: Set(new_hash),
        account_id: Set(old.account_id),
        remember: Set(old.remember),
        device: Set(old.device),
        created_at: Set(old.created_at),
        last_seen_at: Set(now),
    })
    .exec(db)
    .await?;
    end(db, hash).await?;
    Ok(Some(session_cookie(token, old.remember, https)))
}

/// Ends one session.
pub async fn end<C: ConnectionTrait>(db: &C, hash: &str) -> Result<(), sea_orm::DbErr> {
    session_row::Entity::delete_by_id(hash.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of a member, except `keep` if given.
pub async fn end_all<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    keep: Option<&str>,
) -> Result<u64, sea_orm::DbErr> {
    let mut delete =
        session_row::Entity::delete_many().filter(session_row::Column::AccountId.eq(account_id));
    if let Some(keep) = keep {
        delete = delete.filter(session_row::Column::IdHash.ne(keep));
    }
    Ok(delete.exec(db).await?.rows_affected)
}

/// Deletes sessions that have expired.
pub async fn purge<C: ConnectionTrait>(db: &C, now: OffsetDateTime) -> Result<u64, sea_orm::DbErr> {
    use sea_orm::Condition;
    let expired = Condition::any()
        .add(session_row::Column::CreatedAt.lt(now - REMEMBERED_ABSOLUTE))
        .add(session_row::Column::LastSeenAt.lt(now - REMEMBERED_IDLE))
        .add(
            Condition::all()
                .add(session_row::Column::Remember.eq(false))
                .add(
                    Condition::any()
                        .add(session_row::Column::CreatedAt.lt(now - ABSOLUTE))
                        .add(session_row::Column::LastSeenAt.lt(now - IDLE)),
                ),
        );
    Ok(session_row::Entity::delete_many()
        .filter(expired)
        .exec(db)
        .await?
        .rows_affected)
}

/// The pending sign-in token the browser sent, if any.
pub fn pending_token(headers: &HeaderMap, https: bool) -> Option<String> {
    PENDING_SIGN_IN.value(headers, https)
}

/// "Firefox on Linux" and the like: enough to recognise a device on the
/// sessions page, not enough to fingerprint it.
pub fn device_family(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map_or("Unknown browser", |(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map_or("an unknown system", |(_, name)| name);
    format!("{browser} on {system}")
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn row(remember: bool, created: OffsetDateTime, seen: OffsetDateTime) -> session_row::Model {
        session_row::Model {
            id_hash: String::new(),
            account_id: 1,
            remember,
            device: String::new(),
            created_at: created,
            last_seen_at: seen,
        }
    }

    #[test]
    fn sessions_expire_when_idle_and_after_an_absolute_limit() {
        let start = datetime!(2026-01-01 00:00 UTC);
        assert!(is_live(
            &row(false, start, start),
            start + Duration::minutes(119)
        ));
        assert!(!is_live(
            &row(false, start, start),
            start + Duration::hours(2)
        ));
        let busy = row(false, start, start + Duration::hours(12));
        assert!(!is_live(&busy, start + Duration::hours(12)));
        assert!(is_live(
            &row(true, start, start),
            start + Duration::days(13)
        ));
        let remembered = row(true, start, start + Duration::days(29));
        assert!(!is_live(&remembered, start + Duration::days(30)));
    }

    #[test]
    fn static_files_and_probes_skip_the_session_lookup() {
        assert!(needs_no_session("/pkg/portal.wasm"));
        assert!(needs_no_session("/readyz"));
        assert!(!needs_no_session("/account"));
        assert!(!needs_no_session("/api/account/whoami"));
    }

    #[test]
    fn devices_are_named_by_family_only() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(device_family(firefox), "Firefox on Linux");
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";
        assert_eq!(device_family(chrome), "Chrome on Windows");
        assert_eq!(device_family(""), "Unknown browser on an unknown system");
    }

    #[test]
    fn the_cookie_is_host_only_and_secure_over_https() {
        assert_eq!(SESSION.name(true), "__Host-portal_session");
        let removal = SESSION.forget(true);
        let text = removal.to_str().unwrap_or_default();
        assert!(
            text.contains("HttpOnly") && text.contains("Secure") && text.contains("SameSite=Lax")
        );
    }
}
