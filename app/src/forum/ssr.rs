//! Server-only half of the forum: reading, posting, search, notifications
//! (in-app and the daily mail digest) and the categories admins manage.
//!
//! Visibility has one definition, [`Seen`]: a post is public when it is
//! approved and neither hidden nor deleted, and a thread when its first post
//! is. Every list, page, search and notification goes through it.

mod categories;
mod digest;
mod entities;
mod notify;
mod posting;
mod reading;
mod routes;
pub mod search;

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, sea_query::Expr,
};
use time::OffsetDateTime;

pub use crate::accounts::ssr::usernames;
pub use categories::*;
pub use digest::send_digests;
pub use entities::*;
pub use notify::*;
pub use posting::*;
pub use reading::*;
pub use routes::post_permalink;
pub use search::*;

use super::PostState;
use crate::{
    accounts::{CurrentUser, Role},
    error::AppError,
    ssr::{db_error, feature::Feature},
};

/// What the forum needs at run time.
#[derive(Clone, Debug)]
pub struct ForumSettings {
    /// A member's first this-many posts wait for a moderator's approval.
    pub held_posts: u32,
    /// Recent searches' matches, kept for their next page.
    pub matches: RecentMatches,
}

/// What the forum brings to the server: posts' permanent addresses, the
/// purge of old read marks and notifications, and the daily digests.
pub const FEATURE: Feature = Feature {
    routes: || axum::Router::new().route("/forum/p/{id}", axum::routing::get(post_permalink)),
    purge: |state| {
        Box::pin(async move {
            let now = state.clock.now();
            Ok(vec![
                ("old read marks", purge_reads(&state.db, now).await?),
                (
                    "old notifications",
                    purge_notifications(&state.db, now).await?,
                ),
            ])
        })
    },
    periodic: |state| {
        Box::pin(async move {
            match send_digests(state).await {
                Ok(queued) => Ok(vec![("forum digests queued", queued as u64)]),
                Err(error) => Err(sea_orm::DbErr::Custom(format!(
                    "sending forum digests: {error}"
                ))),
            }
        })
    },
    ..Feature::named("forum")
};

/// Whether `user` may moderate (moderators and admins).
pub fn is_moderator(user: Option<&CurrentUser>) -> bool {
    user.is_some_and(|user| user.has_role(Role::Moderator) || user.has_role(Role::Admin))
}

/// The state of a post as moderators see it.
pub fn state_of(post: &post::Model) -> PostState {
    if post.deleted_at.is_some() {
        PostState::Deleted
    } else if post.hidden_at.is_some() {
        PostState::Hidden
    } else if post.approved_at.is_none() {
        PostState::Pending
    } else {
        PostState::Visible
    }
}

/// Who is looking, which decides which posts exist for them.
#[derive(Clone, Copy, Debug)]
pub enum Seen {
    /// Visitors and members: only public posts.
    Public,
    /// A member: public posts and their own posts awaiting approval.
    Member(i64),
    /// Moderators: everything.
    Everything,
}

impl Seen {
    pub fn by(user: Option<&CurrentUser>) -> Self {
        match user {
            _ if is_moderator(user) => Self::Everything,
            Some(user) => Self::Member(user.id),
            None => Self::Public,
        }
    }

    /// The posts that exist for this viewer.
    pub fn posts(self) -> Condition {
        let public = Condition::all()
            .add(post::Column::ApprovedAt.is_not_null())
            .add(post::Column::HiddenAt.is_null())
            .add(post::Column::DeletedAt.is_null());
        match self {
            Self::Public => public,
            Self::Member(id) => Condition::any().add(public).add(
                Condition::all()
                    .add(post::Column::AuthorId.eq(id))
                    .add(post::Column::ApprovedAt.is_null())
                    .add(post::Column::HiddenAt.is_null())
                    .add(post::Column::DeletedAt.is_null()),
            ),
            Self::Everything => Condition::all(),
        }
    }

    /// The threads that exist for visitors: those whose first post is
    /// public, as [`refresh_thread`] stores it.
    pub fn public_threads() -> Condition {
        Condition::all().add(thread::Column::Public.eq(true))
    }

    pub fn can_see(self, post: &post::Model) -> bool {
        match (self, state_of(post)) {
            (Self::Everything, _) | (_, PostState::Visible) => true,
            (Self::Member(id), PostState::Pending) => post.author_id == Some(id),
            _ => false,
        }
    }
}

/// Recounts a thread's visible replies and its latest visible activity,
/// and stores whether the thread is public, after any post of it is
/// written, hidden, deleted or brought back. When the thread's visibility
/// changes, so does its category's count of public threads.
pub async fn refresh_thread<C: ConnectionTrait>(db: &C, thread_id: i64) -> Result<(), AppError> {
    let visible: Vec<(i64, OffsetDateTime)> = post::Entity::find()
        .select_only()
        .column(post::Column::Id)
        .column(post::Column::CreatedAt)
        .filter(post::Column::ThreadId.eq(thread_id))
        .filter(Seen::Public.posts())
        .into_tuple()
        .all(db)
        .await
        .map_err(|e| db_error("recounting a thread", e))?;
    let Some(thread) = thread::Entity::find_by_id(thread_id)
        .one(db)
        .await
        .map_err(|e| db_error("loading a thread", e))?
    else {
        return Err(AppError::NotFound);
    };
    let public = visible
        .iter()
        .any(|(id, _)| Some(*id) == thread.first_post_id);
    let replies = visible
        .iter()
        .filter(|(id, _)| Some(*id) != thread.first_post_id)
        .count();
    let last = visible
        .iter()
        .map(|(_, at)| *at)
        .max()
        .unwrap_or(thread.created_at);
    thread::Entity::update_many()
        .col_expr(
            thread::Column::ReplyCount,
            Expr::value(i32::try_from(replies).unwrap_or(i32::MAX)),
        )
        .col_expr(thread::Column::LastActivityAt, Expr::value(last))
        .col_expr(thread::Column::Public, Expr::value(public))
        .filter(thread::Column::Id.eq(thread_id))
        .exec(db)
        .await
        .map_err(|e| db_error("recounting a thread", e))?;
    if public != thread.public {
        recount_category(db, thread.category_id).await?;
    }
    Ok(())
}
