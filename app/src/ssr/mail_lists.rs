//! Mail lists, for members and (with the newsletter) visitors alike.
//!
//! A list is a row of `mail_lists`: the forum digest is the first, made by
//! the software. Whoever receives mail is a subscriber: a member, by their
//! account. Someone is on a list only while a `mail_list_subscriptions`
//! row says so; nothing is sent by default. Every mail sent on a list
//! carries its own unsubscribe link (RFC 8058 one-click), bound to the
//! subscriber and the list, valid for a year and stored hashed, so that a
//! link works without a sign-in and proves nothing else.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, sea_query::Expr,
};
use time::{Duration, OffsetDateTime};

use super::{server_key::ServerKey, tokens};

pub mod list {
    use sea_orm::entity::prelude::*;

    /// A mail list: the forum digest, or (later) a newsletter.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_lists")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Stable name in code and links, e.g. `forum_digest`.
        pub slug: String,
        pub name: String,
        #[sea_orm(column_type = "Text")]
        pub description: String,
        /// `members`, or `everyone` for a list visitors may join.
        pub audience: String,
        pub created_at: TimeDateTimeWithTimeZone,
        pub archived_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod subscriber {
    use sea_orm::entity::prelude::*;

    /// Someone who may receive list mail: a member, by account (their
    /// address is the account's), or a visitor by name and address.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_subscribers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: Option<i64>,
        pub created_at: TimeDateTimeWithTimeZone,
        /// A visitor's name, as they gave it.
        pub name: Option<String>,
        /// A visitor's address.
        pub email: Option<String>,
        /// A visitor's address in lower case: one confirmed subscriber each.
        pub email_key: Option<String>,
        /// When the address was confirmed; nothing but the confirmation is
        /// mailed before. A member's row is confirmed when it is made.
        pub confirmed_at: Option<TimeDateTimeWithTimeZone>,
        /// Whether their newsletter mail may count opens and clicks (per
        /// campaign, never per person).
        pub tracking: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod subscription {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_list_subscriptions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub subscriber_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub list_id: i64,
        pub created_at: TimeDateTimeWithTimeZone,
        pub last_sent_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod unsubscribe_token {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_list_unsubscribe_tokens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        pub subscriber_id: i64,
        pub list_id: i64,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod link {
    use sea_orm::entity::prelude::*;

    /// A link mailed to a subscriber: confirm a sign-up, or manage what
    /// they get. Stored hashed.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_subscriber_links")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        pub subscriber_id: i64,
        /// `confirm` or `manage`.
        pub purpose: String,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod suppression {
    use sea_orm::entity::prelude::*;

    /// An address that asked never to be mailed again, as a keyed hash.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_suppressions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub address_hash: String,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// How long the unsubscribe link in a mail keeps working.
pub const LINK_VALID: Duration = Duration::days(365);

/// The lists a member can be on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailList {
    /// Once a day at most: unread forum notifications.
    ForumDigest,
}

impl MailList {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ForumDigest => "forum_digest",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        (value == "forum_digest").then_some(Self::ForumDigest)
    }

    /// What the list is, for the page that confirms leaving it.
    pub const fn title(self) -> &'static str {
        match self {
            Self::ForumDigest => "the daily forum digest",
        }
    }
}

/// The id of `list`'s row.
async fn list_id<C: ConnectionTrait>(db: &C, list: MailList) -> Result<i64, DbErr> {
    list::Entity::find()
        .filter(list::Column::Slug.eq(list.as_str()))
        .one(db)
        .await?
        .map(|row| row.id)
        .ok_or_else(|| DbErr::RecordNotFound(format!("the mail list {}", list.as_str())))
}

/// The member's subscriber id, if they ever were on a list.
async fn member_subscriber<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
) -> Result<Option<i64>, DbErr> {
    Ok(subscriber::Entity::find()
        .filter(subscriber::Column::AccountId.eq(account_id))
        .one(db)
        .await?
        .map(|row| row.id))
}

/// The member's subscriber id, made on first use.
async fn member_subscriber_made<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    now: OffsetDateTime,
) -> Result<i64, DbErr> {
    subscriber::Entity::insert(subscriber::ActiveModel {
        account_id: Set(Some(account_id)),
        created_at: Set(now),
        confirmed_at: Set(Some(now)),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([subscriber::Column::AccountId])
    .exec(db)
    .await?;
    member_subscriber(db, account_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the member's subscriber row".to_owned()))
}

/// Whether the member is on `list`.
pub async fn is_subscribed<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    list: MailList,
) -> Result<bool, DbErr> {
    let Some(subscriber) = member_subscriber(db, account_id).await? else {
        return Ok(false);
    };
    let list = list_id(db, list).await?;
    Ok(subscription::Entity::find_by_id((subscriber, list))
        .count(db)
        .await?
        > 0)
}

/// Puts the member on `list` or takes them off it; doing either twice
/// changes nothing. Links in mail already sent keep working (and keep
/// answering that the member is off the list) until they expire.
pub async fn set_subscribed<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    list: MailList,
    on: bool,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    let list = list_id(db, list).await?;
    set_member_list(db, account_id, list, on, now).await
}

/// [`set_subscribed`] for any list, by its id.
pub async fn set_member_list<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    list: i64,
    on: bool,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    if on {
        let subscriber = member_subscriber_made(db, account_id, now).await?;
        join(db, subscriber, list, now).await?;
    } else if let Some(subscriber) = member_subscriber(db, account_id).await? {
        subscription::Entity::delete_by_id((subscriber, list))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Puts `subscriber` on `list`; nothing when they are on it already.
pub async fn join<C: ConnectionTrait>(
    db: &C,
    subscriber: i64,
    list: i64,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    subscription::Entity::insert(subscription::ActiveModel {
        subscriber_id: Set(subscriber),
        list_id: Set(list),
        created_at: Set(now),
        last_sent_at: Set(None),
    })
    .on_conflict_do_nothing_on([
        subscription::Column::SubscriberId,
        subscription::Column::ListId,
    ])
    .exec(db)
    .await?;
    Ok(())
}

/// The ids of the lists the member is on.
pub async fn member_lists<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Vec<i64>, DbErr> {
    let Some(subscriber) = member_subscriber(db, account_id).await? else {
        return Ok(Vec::new());
    };
    lists_of(db, subscriber).await
}

/// The ids of the lists `subscriber` is on.
pub async fn lists_of<C: ConnectionTrait>(db: &C, subscriber: i64) -> Result<Vec<i64>, DbErr> {
    Ok(subscription::Entity::find()
        .filter(subscription::Column::SubscriberId.eq(subscriber))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.list_id)
        .collect())
}

/// How an address that asked never to be mailed again is kept: a keyed
/// hash of its lower-case form, which cannot be read back.
pub fn address_hash(key: &ServerKey, email_key: &str) -> String {
    hex::encode(key.derive("mail-suppressions").mac(&[email_key.as_bytes()]))
}

/// Whether the address (lower case) asked never to be mailed again.
pub async fn is_suppressed<C: ConnectionTrait>(
    db: &C,
    key: &ServerKey,
    email_key: &str,
) -> Result<bool, DbErr> {
    Ok(
        suppression::Entity::find_by_id(address_hash(key, email_key))
            .count(db)
            .await?
            > 0,
    )
}

/// Records that the address (lower case) must never be mailed again, or
/// (`never` false) forgets that it asked.
pub async fn set_suppressed<C: ConnectionTrait>(
    db: &C,
    key: &ServerKey,
    email_key: &str,
    never: bool,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    let hash = address_hash(key, email_key);
    if never {
        suppression::Entity::insert(suppression::ActiveModel {
            address_hash: Set(hash),
            created_at: Set(now),
        })
        .on_conflict_do_nothing_on([suppression::Column::AddressHash])
        .exec(db)
        .await?;
    } else {
        suppression::Entity::delete_by_id(hash).exec(db).await?;
    }
    Ok(())
}

/// A member's subscription whose mail is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub subscriber_id: i64,
    pub list_id: i64,
    pub account_id: i64,
    pub created_at: OffsetDateTime,
    pub last_sent_at: Option<OffsetDateTime>,
}

/// The members on `list` not mailed on it for `every`, and for whom
/// `something_new` holds: one query, through the `(list_id, last_sent_at)`
/// index and the subscribers' primary key. `something_new` may name the
/// columns of `mail_subscribers` and `mail_list_subscriptions` (see
/// [`since_expr`]), so that members with nothing to send are skipped by
/// the database rather than one query each.
pub async fn due<C: ConnectionTrait>(
    db: &C,
    list: MailList,
    every: Duration,
    now: OffsetDateTime,
    something_new: Expr,
) -> Result<Vec<Due>, DbErr> {
    use sea_orm::sea_query::{ExprTrait as _, Query};

    let list = list_id(db, list).await?;
    let select = Query::select()
        .columns([
            (subscription::Entity, subscription::Column::SubscriberId),
            (subscription::Entity, subscription::Column::ListId),
            (subscription::Entity, subscription::Column::CreatedAt),
            (subscription::Entity, subscription::Column::LastSentAt),
        ])
        .column((subscriber::Entity, subscriber::Column::AccountId))
        .from(subscription::Entity)
        .inner_join(
            subscriber::Entity,
            Expr::col((subscriber::Entity, subscriber::Column::Id))
                .equals((subscription::Entity, subscription::Column::SubscriberId)),
        )
        .and_where(Expr::col((subscription::Entity, subscription::Column::ListId)).eq(list))
        .and_where(
            Expr::col((subscription::Entity, subscription::Column::LastSentAt))
                .is_null()
                .or(
                    Expr::col((subscription::Entity, subscription::Column::LastSentAt))
                        .lte(now - every),
                ),
        )
        .and_where(Expr::col((subscriber::Entity, subscriber::Column::AccountId)).is_not_null())
        .and_where(something_new)
        .to_owned();
    let rows = db
        .query_all_raw(db.get_database_backend().build(&select))
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Due {
                subscriber_id: row.try_get("", "subscriber_id")?,
                list_id: row.try_get("", "list_id")?,
                account_id: row.try_get("", "account_id")?,
                created_at: row.try_get("", "created_at")?,
                last_sent_at: row.try_get("", "last_sent_at")?,
            })
        })
        .collect()
}

/// In a [`due`] condition: the member's account id.
pub fn account_expr() -> Expr {
    Expr::col((subscriber::Entity, subscriber::Column::AccountId))
}

/// In a [`due`] condition: since when the member has not been mailed on
/// the list (the last mail, or else joining it).
pub fn since_expr() -> Expr {
    use sea_orm::sea_query::Func;
    Func::coalesce([
        Expr::col((subscription::Entity, subscription::Column::LastSentAt)),
        Expr::col((subscription::Entity, subscription::Column::CreatedAt)),
    ])
    .into()
}

/// Marks `due` as mailed `now`, unless another server did meanwhile or the
/// member left the list: whether this call won.
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    due: &Due,
    now: OffsetDateTime,
) -> Result<bool, DbErr> {
    let unchanged = match due.last_sent_at {
        Some(at) => subscription::Column::LastSentAt.eq(at),
        None => subscription::Column::LastSentAt.is_null(),
    };
    let claimed = subscription::Entity::update_many()
        .col_expr(subscription::Column::LastSentAt, Expr::value(now))
        .filter(subscription::Column::SubscriberId.eq(due.subscriber_id))
        .filter(subscription::Column::ListId.eq(due.list_id))
        .filter(unchanged)
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// A fresh one-click unsubscribe link for a mail on `list`.
pub async fn unsubscribe_link<C: ConnectionTrait>(
    db: &C,
    base_url: &str,
    account_id: i64,
    list: MailList,
    now: OffsetDateTime,
) -> Result<String, DbErr> {
    let subscriber = member_subscriber_made(db, account_id, now).await?;
    let list = list_id(db, list).await?;
    let (token, token_hash) = tokens::generate();
    unsubscribe_token::Entity::insert(unsubscribe_token::ActiveModel {
        token_hash: Set(token_hash),
        subscriber_id: Set(subscriber),
        list_id: Set(list),
        created_at: Set(now),
    })
    .exec(db)
    .await?;
    Ok(format!(
        "{}/mail/unsubscribe?token={token}",
        base_url.trim_end_matches('/')
    ))
}

/// What a link's list is called on the page that leaves it: "the daily
/// forum digest", or a newsletter's name.
fn title_of(list: &list::Model) -> String {
    MailList::parse(&list.slug).map_or_else(|| list.name.clone(), |list| list.title().to_owned())
}

/// The list a link's token belongs to (as the page names it) and whether
/// its subscriber is still on it; `None` when the link is unknown or too
/// old.
pub async fn link_state<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: OffsetDateTime,
) -> Result<Option<(String, bool)>, DbErr> {
    let Some((row, list)) = live_link(db, token, now).await? else {
        return Ok(None);
    };
    let on = subscription::Entity::find_by_id((row.subscriber_id, row.list_id))
        .count(db)
        .await?
        > 0;
    Ok(Some((title_of(&list), on)))
}

/// A link's row and its list, while the link works.
async fn live_link<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: OffsetDateTime,
) -> Result<Option<(unsubscribe_token::Model, list::Model)>, DbErr> {
    let Some(row) = unsubscribe_token::Entity::find_by_id(tokens::hash(token))
        .one(db)
        .await?
        .filter(|row| row.created_at > now - LINK_VALID)
    else {
        return Ok(None);
    };
    let list = list::Entity::find_by_id(row.list_id).one(db).await?;
    Ok(list.map(|list| (row, list)))
}

/// Takes the subscriber whose link `token` is off its list, and only that
/// list; the list's key. `None` when the link is unknown or too old; using
/// a link twice answers the same.
pub async fn unsubscribe_by_token<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: OffsetDateTime,
) -> Result<Option<String>, DbErr> {
    let Some((row, list)) = live_link(db, token, now).await? else {
        return Ok(None);
    };
    subscription::Entity::delete_by_id((row.subscriber_id, row.list_id))
        .exec(db)
        .await?;
    Ok(Some(list.slug))
}

/// What a mail to the unsubscribe address did (see [`unsubscribe_by_mail`]).
#[derive(Debug, PartialEq, Eq)]
pub enum MailedLeave {
    /// Its subscriber left the list with this key.
    Left(String),
    /// Its subject carried a token that is unknown or too old.
    UnknownLink,
    /// Its subject carried no token.
    NoLink,
}

/// How much of a mail to the unsubscribe address is read: the subject
/// is in the head, and the rest is never looked at.
pub const MAILED_LEAVE_READ_BYTES: usize = 64 * 1024;

/// The `mailto:` way off a list: a mail program writes to the address in
/// `List-Unsubscribe` with the subject `unsubscribe TOKEN`, and the mail
/// reaches this through the operator's mail server. Exactly as the
/// one-click POST, the token is the only credential (the sender is never
/// trusted: anyone can write any `From`), and it takes its subscriber off
/// its one list. At most three token-shaped words are tried.
pub async fn unsubscribe_by_mail<C: ConnectionTrait>(
    db: &C,
    message: &[u8],
    now: OffsetDateTime,
) -> Result<MailedLeave, DbErr> {
    use mailparse::MailHeaderMap;

    let head = &message[..message.len().min(MAILED_LEAVE_READ_BYTES)];
    let subject = mailparse::parse_headers(head)
        .ok()
        .and_then(|(headers, _)| headers.get_first_value("Subject"))
        .unwrap_or_default();
    let candidates = subject
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .filter(|word| word.len() == tokens::TOKEN_LENGTH)
        .take(3);
    let mut found = MailedLeave::NoLink;
    for token in candidates {
        if let Some(list) = unsubscribe_by_token(db, token, now).await? {
            return Ok(MailedLeave::Left(list));
        }
        found = MailedLeave::UnknownLink;
    }
    Ok(found)
}

/// Deletes links older than [`LINK_VALID`].
pub async fn purge_links<C: ConnectionTrait>(db: &C, now: OffsetDateTime) -> Result<u64, DbErr> {
    Ok(unsubscribe_token::Entity::delete_many()
        .filter(unsubscribe_token::Column::CreatedAt.lte(now - LINK_VALID))
        .exec(db)
        .await?
        .rows_affected)
}

/// `POST /mail/unsubscribe?token=…`: the one-click unsubscribe of RFC 8058,
/// sent by mail programs with the body `List-Unsubscribe=One-Click`. The
/// token is the only credential; no cookie or page is involved.
pub async fn one_click(
    axum::extract::State(state): axum::extract::State<super::AppState>,
    uri: axum::http::Uri,
) -> axum::response::Response {
    use axum::{http::StatusCode, response::IntoResponse};

    let token = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "token")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    match unsubscribe_by_token(&state.db, &token, state.clock.now()).await {
        Ok(Some(list)) => {
            tracing::info!(list, "one-click unsubscribe");
            (StatusCode::OK, "unsubscribed").into_response()
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => super::error_status(&super::db_error("unsubscribing", error)),
    }
}
