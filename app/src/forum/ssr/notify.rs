//! In-app notifications: a reply to your thread, a mention of your
//! username. Written when a post becomes public (at once, or when a
//! moderator approves it) and checked again when shown: a post hidden since
//! no longer appears in anyone's list.

use std::collections::HashMap;

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::Expr,
};

use super::{Seen, notification, post, thread, usernames};
use crate::ssr::dates::moment;
use crate::{
    accounts::{CurrentUser, Username, ssr::account},
    error::AppError,
    forum::{Notification, NotificationKind, PostBody, PostId},
    ssr::{AppState, db_error},
};

/// How many notifications the page lists.
const SHOWN: u64 = 50;

/// Notifies the thread's author of a reply and the members `post` mentions.
pub async fn post_published<C: ConnectionTrait>(
    db: &C,
    state: &AppState,
    thread: &thread::Model,
    post: &post::Model,
) -> Result<(), AppError> {
    let mut recipients: Vec<(i64, NotificationKind)> = Vec::new();
    if thread.first_post_id != Some(post.id)
        && let Some(author) = thread.author_id
    {
        recipients.push((author, NotificationKind::Reply));
    }
    let keys: Vec<String> = PostBody::parse(&post.body)
        .map(|body| body.mentions())
        .unwrap_or_default()
        .iter()
        .filter_map(|name| Username::parse(name).ok())
        .map(|name| name.key())
        .collect();
    if !keys.is_empty() {
        let mentioned: Vec<i64> = account::Entity::find()
            .select_only()
            .column(account::Column::Id)
            .filter(account::Column::UsernameKey.is_in(keys))
            .into_tuple()
            .all(db)
            .await
            .map_err(|e| db_error("finding mentioned members", e))?;
        recipients.extend(
            mentioned
                .into_iter()
                .map(|id| (id, NotificationKind::Mention)),
        );
    }
    let now = state.clock.now();
    for (account_id, kind) in recipients {
        if Some(account_id) == post.author_id {
            continue;
        }
        notification::Entity::insert(notification::ActiveModel {
            account_id: Set(account_id),
            kind: Set(kind.as_str().to_owned()),
            post_id: Set(post.id),
            created_at: Set(now),
            ..Default::default()
        })
        .on_conflict_do_nothing_on([
            notification::Column::AccountId,
            notification::Column::PostId,
        ])
        .exec(db)
        .await
        .map_err(|e| db_error("notifying", e))?;
    }
    Ok(())
}

/// The member's latest notifications about posts that are still public;
/// showing them marks them read.
pub async fn notifications(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<Notification>, AppError> {
    let db = &state.db;
    let rows = notification::Entity::find()
        .filter(notification::Column::AccountId.eq(user.id))
        .order_by_desc(notification::Column::Id)
        .limit(SHOWN)
        .all(db)
        .await
        .map_err(|e| db_error("loading notifications", e))?;
    let shown = still_public(db, &rows).await?;
    notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(state.clock.now()))
        .filter(notification::Column::AccountId.eq(user.id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await
        .map_err(|e| db_error("marking notifications read", e))?;
    Ok(shown)
}

/// `rows` in their order, without those whose post or thread is no longer
/// public: visibility is decided when a notification is shown or mailed,
/// not only when it was written.
pub(super) async fn still_public<C: ConnectionTrait>(
    db: &C,
    rows: &[notification::Model],
) -> Result<Vec<Notification>, AppError> {
    let posts: HashMap<i64, post::Model> = post::Entity::find()
        .filter(post::Column::Id.is_in(rows.iter().map(|row| row.post_id)))
        .filter(Seen::Public.posts())
        .all(db)
        .await
        .map_err(|e| db_error("loading notifications", e))?
        .into_iter()
        .map(|post| (post.id, post))
        .collect();
    let threads: HashMap<i64, thread::Model> = thread::Entity::find()
        .filter(thread::Column::Id.is_in(posts.values().map(|post| post.thread_id)))
        .filter(Seen::public_threads())
        .all(db)
        .await
        .map_err(|e| db_error("loading notifications", e))?
        .into_iter()
        .map(|thread| (thread.id, thread))
        .collect();
    let names = usernames(db, posts.values().filter_map(|post| post.author_id)).await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let post = posts.get(&row.post_id)?;
            let thread = threads.get(&post.thread_id)?;
            Some(Notification {
                kind: NotificationKind::parse(&row.kind)?,
                post: PostId(post.id),
                actor: post.author_id.and_then(|id| names.get(&id).cloned()),
                thread_title: thread.title.clone(),
                at: moment(row.created_at),
                unread: row.read_at.is_none(),
            })
        })
        .collect())
}

/// How long a read notification is kept.
pub const KEEP_READ: time::Duration = time::Duration::days(90);
/// How long any notification is kept, read or not.
pub const KEEP_ANY: time::Duration = time::Duration::days(365);

/// Deletes notifications read more than 90 days ago, and any made more
/// than a year ago.
pub async fn purge_notifications<C: ConnectionTrait>(
    db: &C,
    now: time::OffsetDateTime,
) -> Result<u64, sea_orm::DbErr> {
    Ok(notification::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(notification::Column::ReadAt.lt(now - KEEP_READ))
                .add(notification::Column::CreatedAt.lt(now - KEEP_ANY)),
        )
        .exec(db)
        .await?
        .rows_affected)
}
