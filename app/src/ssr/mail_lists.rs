//! Mail a member asked for, and leaving it in one click.
//!
//! A member is on a list only while a `mail_subscriptions` row says so;
//! nothing is sent by default. Every mail sent on a list carries its own
//! unsubscribe link (RFC 8058 one-click), valid for a year and stored
//! hashed, so that a link works without a sign-in and proves nothing else.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use time::{Duration, OffsetDateTime};

use super::tokens;

pub mod subscription {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_subscriptions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub account_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub list: String,
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
    #[sea_orm(table_name = "mail_unsubscribe_tokens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        pub account_id: i64,
        pub list: String,
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

/// Whether the member is on `list`.
pub async fn is_subscribed<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    list: MailList,
) -> Result<bool, sea_orm::DbErr> {
    Ok(
        subscription::Entity::find_by_id((account_id, list.as_str().to_owned()))
            .count(db)
            .await?
            > 0,
    )
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
) -> Result<(), sea_orm::DbErr> {
    if on {
        subscription::Entity::insert(subscription::ActiveModel {
            account_id: Set(account_id),
            list: Set(list.as_str().to_owned()),
            created_at: Set(now),
            last_sent_at: Set(None),
        })
        .on_conflict_do_nothing_on([subscription::Column::AccountId, subscription::Column::List])
        .exec(db)
        .await?;
    } else {
        subscription::Entity::delete_by_id((account_id, list.as_str().to_owned()))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// A fresh one-click unsubscribe link for a mail on `list`.
pub async fn unsubscribe_link<C: ConnectionTrait>(
    db: &C,
    base_url: &str,
    account_id: i64,
    list: MailList,
    now: OffsetDateTime,
) -> Result<String, sea_orm::DbErr> {
    let (token, token_hash) = tokens::generate();
    unsubscribe_token::Entity::insert(unsubscribe_token::ActiveModel {
        token_hash: Set(token_hash),
        account_id: Set(account_id),
        list: Set(list.as_str().to_owned()),
        created_at: Set(now),
    })
    .exec(db)
    .await?;
    Ok(format!(
        "{}/mail/unsubscribe?token={token}",
        base_url.trim_end_matches('/')
    ))
}

/// The list a link's token belongs to and whether its member is still on
/// it; `None` when the link is unknown or too old.
pub async fn link_state<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: OffsetDateTime,
) -> Result<Option<(MailList, bool)>, sea_orm::DbErr> {
    let Some(row) = live_link(db, token, now).await? else {
        return Ok(None);
    };
    let Some(list) = MailList::parse(&row.list) else {
        return Ok(None);
    };
    Ok(Some((list, is_subscribed(db, row.account_id, list).await?)))
}

async fn live_link<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: OffsetDateTime,
) -> Result<Option<unsubscribe_token::Model>, sea_orm::DbErr> {
    Ok(unsubscribe_token::Entity::find_by_id(tokens::hash(token))
        .one(db)
        .await?
        .filter(|row| row.created_at > now - LINK_VALID))
}

/// Takes the member whose link `token` is off its list. `None` when the
/// link is unknown or too old; using a link twice answers the same.
pub async fn unsubscribe_by_token<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: OffsetDateTime,
) -> Result<Option<MailList>, sea_orm::DbErr> {
    let Some(row) = live_link(db, token, now).await? else {
        return Ok(None);
    };
    let Some(list) = MailList::parse(&row.list) else {
        return Ok(None);
    };
    subscription::Entity::delete_by_id((row.account_id, row.list.clone()))
        .exec(db)
        .await?;
    Ok(Some(list))
}

/// Deletes links older than [`LINK_VALID`].
pub async fn purge_links<C: ConnectionTrait>(
    db: &C,
    now: OffsetDateTime,
) -> Result<u64, sea_orm::DbErr> {
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
            tracing::info!(list = list.as_str(), "one-click unsubscribe");
            (StatusCode::OK, "unsubscribed").into_response()
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => super::error_status(&super::db_error("unsubscribing", error)),
    }
}
