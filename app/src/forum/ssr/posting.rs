//! Writing: new threads, replies, edits and deleting one's own posts, with
//! the rules that keep the forum healthy — sanctions, locked threads, held
//! first posts, rate limits and a link limit for new members.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QuerySelect, TransactionTrait,
};
use time::Duration;

use super::{
    is_moderator, notify, own_post, post, post_location, refresh_thread, revision, search, thread,
    visible_thread,
};
use crate::{
    accounts::CurrentUser,
    error::AppError,
    forum::{CategoryId, PostBody, PostId, PostTitle, Posting, ThreadId, thread_path},
    moderation::ssr::active_sanction,
    ssr::{AppState, db_error, markdown::member_html, rate_limit::Limit},
};

/// Members with fewer approved posts than this count as new: stricter
/// rate limits and few links.
pub const NEW_MEMBER_POSTS: u64 = 5;
/// Links a new member's post may hold.
pub const NEW_MEMBER_LINKS: usize = 2;

const POSTS_PER_MEMBER: Limit = Limit {
    bucket: "forum_post_member",
    max: 10,
    window: Duration::minutes(10),
};
const POSTS_PER_NEW_MEMBER: Limit = Limit {
    bucket: "forum_post_new_member",
    max: 3,
    window: Duration::minutes(10),
};

/// How many of `account`'s posts a moderator (or the rules) approved, up to
/// `at_most`.
async fn approved_posts<C: ConnectionTrait>(
    db: &C,
    account: i64,
    at_most: u64,
) -> Result<u64, AppError> {
    // Read no further than the answer needs: a prolific member's posts are
    // not all counted at every page view.
    let ids: Vec<i64> = post::Entity::find()
        .select_only()
        .column(post::Column::Id)
        .filter(post::Column::AuthorId.eq(account))
        .filter(post::Column::ApprovedAt.is_not_null())
        .limit(at_most)
        .into_tuple()
        .all(db)
        .await
        .map_err(|e| db_error("counting a member's posts", e))?;
    Ok(ids.len() as u64)
}

/// Whether `viewer` may post, and why not.
pub async fn posting_status(
    state: &AppState,
    viewer: Option<&CurrentUser>,
) -> Result<Posting, AppError> {
    let Some(user) = viewer else {
        return Ok(Posting::SignedOut);
    };
    if !user.email_verified {
        return Ok(Posting::Unverified);
    }
    if let Some(sanction) = active_sanction(&state.reads, user.id, state.clock.now()).await? {
        return Ok(Posting::Sanctioned {
            until: sanction.ends_at.map(crate::ssr::dates::moment),
            reason: sanction.reason,
        });
    }
    let held_posts = u64::from(state.settings::<super::ForumSettings>()?.held_posts);
    let held = !is_moderator(Some(user))
        && held_posts > 0
        && approved_posts(&state.reads, user.id, held_posts).await? < held_posts;
    Ok(Posting::Allowed { held })
}

/// Checks that `user` may post `body` now and counts the attempt; returns
/// whether the post waits for approval. The one gate for new threads,
/// replies and edits alike.
async fn admit(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    body: &PostBody,
) -> Result<bool, AppError> {
    let now = state.clock.now();
    if active_sanction(&state.db, user.id, now).await?.is_some() {
        return Err(AppError::Forbidden);
    }
    let staff = is_moderator(Some(user));
    let approved = approved_posts(&state.db, user.id, NEW_MEMBER_POSTS).await?;
    let new = !staff && approved < NEW_MEMBER_POSTS;
    if new && body.link_count() > NEW_MEMBER_LINKS {
        return Err(AppError::invalid(
            "body",
            format!(
                "New members may include at most {NEW_MEMBER_LINKS} links in a post. Remove some, or post them once you have taken part a little longer."
            ),
        ));
    }
    let member = if new {
        POSTS_PER_NEW_MEMBER
    } else {
        POSTS_PER_MEMBER
    };
    let id = user.id.to_string();
    let per_ip = state.limiter.forum_posts();
    state
        .limiter
        .admit(&state.db, &[(member, &id), (per_ip, ip)], now)
        .await?;
    Ok(!staff && approved < u64::from(state.settings::<super::ForumSettings>()?.held_posts))
}

/// Writes a post, indexes it and, if it is public at once, notifies.
async fn insert_post<C: ConnectionTrait>(
    db: &C,
    state: &AppState,
    thread: &thread::Model,
    author: i64,
    body: &PostBody,
    held: bool,
    title: Option<&str>,
) -> Result<post::Model, AppError> {
    let now = state.clock.now();
    let post = post::ActiveModel {
        thread_id: Set(thread.id),
        author_id: Set(Some(author)),
        body: Set(body.as_str().to_owned()),
        body_html: Set(Some(member_html(body.as_str()))),
        created_at: Set(now),
        approved_at: Set((!held).then_some(now)),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| db_error("saving a post", e))?;
    search::index(db, post.id, title.unwrap_or_default(), body.as_str()).await?;
    Ok(post)
}

/// Starts a thread in `category`; returns the address to go to.
pub async fn create_thread(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    category: CategoryId,
    title: PostTitle,
    body: PostBody,
) -> Result<String, AppError> {
    if !super::category_exists(&state.db, category).await? {
        return Err(AppError::invalid("category", "Choose a category."));
    }
    let held = admit(state, user, ip, &body).await?;
    let now = state.clock.now();
    let tx = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("starting a thread", e))?;
    let thread = thread::ActiveModel {
        category_id: Set(category.0),
        author_id: Set(Some(user.id)),
        title: Set(title.as_str().to_owned()),
        locked: Set(false),
        reply_count: Set(0),
        last_activity_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await
    .map_err(|e| db_error("starting a thread", e))?;
    let post = insert_post(
        &tx,
        state,
        &thread,
        user.id,
        &body,
        held,
        Some(title.as_str()),
    )
    .await?;
    let mut row = thread::ActiveModel::from(thread.clone());
    row.first_post_id = Set(Some(post.id));
    let thread = row
        .update(&tx)
        .await
        .map_err(|e| db_error("starting a thread", e))?;
    refresh_thread(&tx, thread.id).await?;
    if !held {
        notify::post_published(&tx, state, &thread, &post).await?;
    }
    tx.commit()
        .await
        .map_err(|e| db_error("starting a thread", e))?;
    tracing::info!(thread = thread.id, post = post.id, held, "thread started");
    Ok(thread_path(ThreadId(thread.id), &thread.title, 1))
}

/// Replies to a thread; returns the address of the new post.
pub async fn reply(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    thread: ThreadId,
    body: PostBody,
) -> Result<String, AppError> {
    let (thread, _) = visible_thread(&state.db, Some(user), thread).await?;
    if thread.locked {
        return Err(locked());
    }
    let held = admit(state, user, ip, &body).await?;
    let tx = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("replying", e))?;
    // Read again inside the transaction: a lock that came in meanwhile wins.
    let thread = thread::Entity::find_by_id(thread.id)
        .one(&tx)
        .await
        .map_err(|e| db_error("replying", e))?
        .ok_or(AppError::NotFound)?;
    if thread.locked {
        return Err(locked());
    }
    let post = insert_post(&tx, state, &thread, user.id, &body, held, None).await?;
    refresh_thread(&tx, thread.id).await?;
    if !held {
        notify::post_published(&tx, state, &thread, &post).await?;
    }
    tx.commit().await.map_err(|e| db_error("replying", e))?;
    tracing::info!(thread = thread.id, post = post.id, held, "reply posted");
    post_location(&state.db, Some(user), PostId(post.id)).await
}

fn locked() -> AppError {
    AppError::invalid("body", "This thread is locked: it takes no more replies.")
}

/// Changes the author's own post (and the title, for a thread's first
/// post), keeping the earlier text for moderators. An edit passes the same
/// checks as a new post, and the edit of a member whose posts are held
/// waits for approval again.
pub async fn edit(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    id: PostId,
    title: Option<PostTitle>,
    body: PostBody,
) -> Result<String, AppError> {
    if active_sanction(&state.db, user.id, state.clock.now())
        .await?
        .is_some()
    {
        return Err(AppError::Forbidden);
    }
    let (post, thread) = own_post(&state.db, user, id).await?;
    if thread.locked {
        return Err(AppError::invalid(
            "body",
            "This thread is locked: its posts can no longer be changed.",
        ));
    }
    let held = admit(state, user, ip, &body).await?;
    let first = thread.first_post_id == Some(post.id);
    let now = state.clock.now();
    let tx = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("editing a post", e))?;
    revision::ActiveModel {
        post_id: Set(post.id),
        title: Set(first.then(|| thread.title.clone())),
        body: Set(post.body.clone()),
        written_at: Set(post.edited_at.unwrap_or(post.created_at)),
        replaced_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await
    .map_err(|e| db_error("editing a post", e))?;
    let title = match (first, title) {
        (true, Some(title)) => title.as_str().to_owned(),
        _ => thread.title.clone(),
    };
    if first && title != thread.title {
        let mut row = thread::ActiveModel::from(thread.clone());
        row.title = Set(title.clone());
        row.update(&tx)
            .await
            .map_err(|e| db_error("editing a post", e))?;
    }
    let mut row = post::ActiveModel::from(post.clone());
    row.body = Set(body.as_str().to_owned());
    row.body_html = Set(Some(member_html(body.as_str())));
    row.edited_at = Set(Some(now));
    if held {
        row.approved_at = Set(None);
    }
    row.update(&tx)
        .await
        .map_err(|e| db_error("editing a post", e))?;
    if held && post.approved_at.is_some() {
        refresh_thread(&tx, thread.id).await?;
    }
    search::index(&tx, post.id, if first { &title } else { "" }, body.as_str()).await?;
    tx.commit()
        .await
        .map_err(|e| db_error("editing a post", e))?;
    tracing::info!(post = post.id, held, "post edited");
    post_location(&state.db, Some(user), id).await
}

/// Deletes the author's own post; deleting a thread's first post removes
/// the thread from view. Moderators can restore it.
pub async fn delete_own(
    state: &AppState,
    user: &CurrentUser,
    id: PostId,
) -> Result<String, AppError> {
    let (post, thread) = own_post(&state.db, user, id).await?;
    let tx = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("deleting a post", e))?;
    let mut row = post::ActiveModel::from(post.clone());
    row.deleted_at = Set(Some(state.clock.now()));
    row.update(&tx)
        .await
        .map_err(|e| db_error("deleting a post", e))?;
    refresh_thread(&tx, thread.id).await?;
    tx.commit()
        .await
        .map_err(|e| db_error("deleting a post", e))?;
    tracing::info!(post = post.id, "post deleted by its author");
    Ok(if thread.first_post_id == Some(post.id) {
        "/forum".to_owned()
    } else {
        thread_path(ThreadId(thread.id), &thread.title, 1)
    })
}
