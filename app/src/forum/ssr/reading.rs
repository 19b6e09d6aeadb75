//! Category and thread pages, as each viewer may see them.

use crate::ssr::dates::moment;
use std::collections::HashMap;

use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use time::OffsetDateTime;

use super::{
    Seen, categories, category, is_moderator, post, posting_status, read, revision, state_of,
    thread,
};
use crate::{
    accounts::{CurrentUser, ssr::account},
    error::AppError,
    forum::{
        CategoryId, CategoryPage, EditablePost, POSTS_PER_PAGE, Paging, PostId, PostState,
        PostView, Revision, Seek, Start, THREADS_PER_PAGE, ThreadId, ThreadSummary, ThreadView,
    },
    ssr::{AppState, db_error, markdown::member_html},
};

/// When `account` last read each of `threads`.
async fn last_reads(
    db: &DatabaseConnection,
    account: i64,
    threads: Vec<i64>,
) -> Result<HashMap<i64, OffsetDateTime>, AppError> {
    Ok(read::Entity::find()
        .filter(read::Column::AccountId.eq(account))
        .filter(read::Column::ThreadId.is_in(threads))
        .all(db)
        .await
        .map_err(|e| db_error("loading read marks", e))?
        .into_iter()
        .map(|row| (row.thread_id, row.read_at))
        .collect())
}

/// Page `page` of a category's public threads, latest activity first,
/// found from `start`.
pub async fn category_page(
    state: &AppState,
    viewer: Option<&CurrentUser>,
    id: CategoryId,
    page: u64,
    start: Start<'_>,
) -> Result<CategoryPage, AppError> {
    let db = &state.reads;
    let category = categories::find_category(db, id).await?;
    // The count is the category's stored one: counting the index at every
    // view would read every public thread of the category.
    let paging = Paging::of(page, category.thread_count, THREADS_PER_PAGE);
    let query = thread::Entity::find()
        .filter(thread::Column::CategoryId.eq(id.0))
        .filter(Seen::public_threads())
        .left_join(account::Entity)
        .column_as(account::Column::Username, "author");
    // Newest activity first. A page reached from its neighbour seeks from
    // that neighbour's edge in the index; only a page asked for by number
    // counts its way down from the top.
    let activity = || {
        Expr::tuple([
            Expr::col((thread::Entity, thread::Column::LastActivityAt)),
            Expr::col((thread::Entity, thread::Column::Id)),
        ])
    };
    let key = |(at, id): (OffsetDateTime, i64)| Expr::tuple([Expr::val(at), Expr::val(id)]);
    let edge = match start {
        Start::Before(raw) => parse_key(raw).map(|edge| (edge, false)),
        Start::After(raw) => parse_key(raw).map(|edge| (edge, true)),
        Start::Number => None,
    };
    let (query, upwards) = match edge {
        Some((edge, false)) => (query.filter(activity().lt(key(edge))), false),
        Some((edge, true)) => (query.filter(activity().gt(key(edge))), true),
        None => (query.offset(paging.offset(THREADS_PER_PAGE)), false),
    };
    let query = if upwards {
        query
            .order_by_asc(thread::Column::LastActivityAt)
            .order_by_asc(thread::Column::Id)
    } else {
        query
            .order_by_desc(thread::Column::LastActivityAt)
            .order_by_desc(thread::Column::Id)
    };
    let mut rows: Vec<ThreadWithAuthor> = query
        .limit(THREADS_PER_PAGE)
        .into_model()
        .all(db)
        .await
        .map_err(|e| db_error("listing threads", e))?;
    if upwards {
        rows.reverse();
    }
    let seek = rows.first().zip(rows.last()).map(|(first, last)| Seek {
        first: key_of(&first.thread),
        last: key_of(&last.thread),
    });
    let reads = match viewer {
        Some(user) => {
            last_reads(db, user.id, rows.iter().map(|row| row.thread.id).collect()).await?
        }
        None => HashMap::new(),
    };
    let threads = rows
        .into_iter()
        .map(
            |ThreadWithAuthor {
                 thread: row,
                 author,
             }| ThreadSummary {
                id: ThreadId(row.id),
                author,
                reply_count: row.reply_count,
                last_activity: moment(row.last_activity_at),
                locked: row.locked,
                unread: viewer.is_some()
                    && reads
                        .get(&row.id)
                        .is_none_or(|read_at| row.last_activity_at > *read_at),
                title: row.title,
            },
        )
        .collect();
    Ok(CategoryPage {
        category,
        threads,
        paging,
        seek,
        posting: posting_status(state, viewer).await?,
    })
}

/// A thread's place in its category's listing, as a page's address
/// carries it: its last activity in nanoseconds since 1970, and its id.
fn key_of(thread: &thread::Model) -> String {
    format!(
        "{}.{}",
        thread.last_activity_at.unix_timestamp_nanos(),
        thread.id
    )
}

/// The inverse of [`key_of`]; `None` for anything else (the page then
/// falls back to its number).
fn parse_key(raw: &str) -> Option<(OffsetDateTime, i64)> {
    let (nanos, id) = raw.split_once('.')?;
    let at = OffsetDateTime::from_unix_timestamp_nanos(nanos.parse().ok()?).ok()?;
    Some((at, id.parse().ok()?))
}

async fn find_thread(db: &DatabaseConnection, id: ThreadId) -> Result<thread::Model, AppError> {
    thread::Entity::find_by_id(id.0)
        .one(db)
        .await
        .map_err(|e| db_error("loading a thread", e))?
        .ok_or(AppError::NotFound)
}

/// A thread as `viewer` may see it, or `not_found`.
pub async fn visible_thread(
    db: &DatabaseConnection,
    viewer: Option<&CurrentUser>,
    id: ThreadId,
) -> Result<(thread::Model, post::Model), AppError> {
    let thread = find_thread(db, id).await?;
    let first = visible_first_post(db, viewer, &thread).await?;
    Ok((thread, first))
}

/// The first post of `thread` if `viewer` may see it (and so the thread),
/// or `not_found`.
async fn visible_first_post(
    db: &DatabaseConnection,
    viewer: Option<&CurrentUser>,
    thread: &thread::Model,
) -> Result<post::Model, AppError> {
    let first = post::Entity::find_by_id(thread.first_post_id.ok_or(AppError::NotFound)?)
        .one(db)
        .await
        .map_err(|e| db_error("loading a post", e))?
        .ok_or(AppError::NotFound)?;
    if Seen::by(viewer).can_see(&first) {
        Ok(first)
    } else {
        Err(AppError::NotFound)
    }
}

/// Page `page` of a thread, with the reply form holding a quote of post
/// `quote` when it is on the page. A signed-in member's visit is
/// remembered, so the next one can mark what is new.
pub async fn thread_page(
    state: &AppState,
    viewer: Option<&CurrentUser>,
    id: ThreadId,
    page: u64,
    quote: Option<PostId>,
) -> Result<ThreadView, AppError> {
    let db = &state.reads;
    let seen = Seen::by(viewer);
    let query = post::Entity::find()
        .filter(post::Column::ThreadId.eq(id.0))
        .filter(seen.posts());
    // A visitor sees a thread whose first post is public, and its public
    // posts: both are kept on the thread (`refresh_thread`), so the
    // thread's own row answers for the first post and the count.
    // The thread and its category in one statement; its posts and their
    // authors' names in another.
    let (thread, category) = thread::Entity::find_by_id(id.0)
        .find_also_related(category::Entity)
        .one(db)
        .await
        .map_err(|e| db_error("loading a thread", e))?
        .ok_or(AppError::NotFound)?;
    let category = category.ok_or(AppError::NotFound)?;
    let (first_state, count) = if let Seen::Public = seen {
        if !thread.public {
            return Err(AppError::NotFound);
        }
        let count = u64::try_from(thread.reply_count).unwrap_or_default() + 1;
        (PostState::Visible, count)
    } else {
        // A public first post is seen by everyone; any other is read to
        // learn whether this viewer may see it.
        let first_state = if thread.public {
            PostState::Visible
        } else {
            state_of(&visible_first_post(db, viewer, &thread).await?)
        };
        let count = query
            .clone()
            .count(db)
            .await
            .map_err(|e| db_error("counting posts", e))?;
        (first_state, count)
    };
    let paging = Paging::of(page, count, POSTS_PER_PAGE);
    let rows: Vec<PostWithAuthor> = query
        .left_join(account::Entity)
        .column_as(account::Column::Username, "author")
        .order_by_asc(post::Column::CreatedAt)
        .order_by_asc(post::Column::Id)
        .offset(paging.offset(POSTS_PER_PAGE))
        .limit(POSTS_PER_PAGE)
        .into_model()
        .all(db)
        .await
        .map_err(|e| db_error("loading posts", e))?;
    let last_read = match viewer {
        Some(user) => mark_read(state, user.id, thread.id).await?,
        None => None,
    };
    let first_new = last_read.and_then(|read_at| {
        rows.iter()
            .map(|row| &row.post)
            .find(|post| post.created_at > read_at && post.author_id != viewer.map(|u| u.id))
            .map(|post| post.id)
    });
    let quote = quote.and_then(|PostId(quoted)| {
        rows.iter()
            .find(|row| row.post.id == quoted)
            .map(|row| quoted_reply(row.author.as_deref(), &row.post.body))
    });
    let posts = rows
        .into_iter()
        .map(|PostWithAuthor { post, author }| PostView {
            id: PostId(post.id),
            author,
            posted: moment(post.created_at),
            edited: post.edited_at.is_some(),
            state: state_of(&post),
            mine: viewer.is_some() && post.author_id == viewer.map(|u| u.id),
            first: Some(post.id) == thread.first_post_id,
            first_new: Some(post.id) == first_new,
            // Rendered when written; only posts older than that column
            // are rendered here.
            html: post.body_html.unwrap_or_else(|| member_html(&post.body)),
        })
        .collect();
    let moderator = is_moderator(viewer);
    Ok(ThreadView {
        id: ThreadId(thread.id),
        category: categories::to_category(category),
        locked: thread.locked,
        state: first_state,
        posts,
        quote,
        paging,
        posting: posting_status(state, viewer).await?,
        moderator,
        categories: if moderator {
            categories::categories(db).await?
        } else {
            Vec::new()
        },
        title: thread.title,
    })
}

/// A thread of a category's page with its author's username (none once
/// the account is gone).
#[derive(FromQueryResult)]
struct ThreadWithAuthor {
    #[sea_orm(nested)]
    thread: thread::Model,
    author: Option<String>,
}

/// A post of a thread's page with its author's username (none once the
/// account is gone).
#[derive(FromQueryResult)]
struct PostWithAuthor {
    #[sea_orm(nested)]
    post: post::Model,
    author: Option<String>,
}

/// `> ` before every line of `markdown`, with who wrote it: the start of a
/// reply that quotes it.
fn quoted_reply(author: Option<&str>, markdown: &str) -> String {
    let who = author.unwrap_or("a former member");
    let lines: Vec<String> = markdown.lines().map(|line| format!("> {line}")).collect();
    format!("@{who} wrote:\n{}\n\n", lines.join("\n"))
}

/// Records that `account` read `thread` now; returns the previous time.
async fn mark_read(
    state: &AppState,
    account: i64,
    thread: i64,
) -> Result<Option<OffsetDateTime>, AppError> {
    let db = &state.db;
    let previous = read::Entity::find_by_id((account, thread))
        .one(db)
        .await
        .map_err(|e| db_error("loading a read mark", e))?
        .map(|row| row.read_at);
    read::Entity::insert(read::ActiveModel {
        account_id: Set(account),
        thread_id: Set(thread),
        read_at: Set(state.clock.now()),
    })
    .on_conflict(
        OnConflict::columns([read::Column::AccountId, read::Column::ThreadId])
            .update_column(read::Column::ReadAt)
            .to_owned(),
    )
    .exec(db)
    .await
    .map_err(|e| db_error("saving a read mark", e))?;
    Ok(previous)
}

/// Where a post is shown: its thread's address on the right page, or
/// `not_found` when `viewer` may not see it.
pub async fn post_location(
    db: &DatabaseConnection,
    viewer: Option<&CurrentUser>,
    id: PostId,
) -> Result<String, AppError> {
    let post = post::Entity::find_by_id(id.0)
        .one(db)
        .await
        .map_err(|e| db_error("loading a post", e))?
        .ok_or(AppError::NotFound)?;
    let seen = Seen::by(viewer);
    if !seen.can_see(&post) {
        return Err(AppError::NotFound);
    }
    let (thread, _) = visible_thread(db, viewer, ThreadId(post.thread_id)).await?;
    let before = post::Entity::find()
        .filter(post::Column::ThreadId.eq(thread.id))
        .filter(seen.posts())
        .filter(
            sea_orm::Condition::any()
                .add(post::Column::CreatedAt.lt(post.created_at))
                .add(
                    sea_orm::Condition::all()
                        .add(post::Column::CreatedAt.eq(post.created_at))
                        .add(post::Column::Id.lt(post.id)),
                ),
        )
        .count(db)
        .await
        .map_err(|e| db_error("locating a post", e))?;
    let page = before / POSTS_PER_PAGE + 1;
    Ok(format!(
        "{}#post-{}",
        crate::forum::thread_path(ThreadId(thread.id), &thread.title, page),
        post.id
    ))
}

/// The author's own post, to edit.
pub async fn editable_post(
    db: &DatabaseConnection,
    user: &CurrentUser,
    id: PostId,
) -> Result<EditablePost, AppError> {
    let (post, thread) = own_post(db, user, id).await?;
    Ok(EditablePost {
        id,
        thread: ThreadId(thread.id),
        title: (thread.first_post_id == Some(post.id)).then(|| thread.title.clone()),
        thread_title: thread.title,
        markdown: post.body,
    })
}

/// `user`'s post with its thread, if it is theirs and not removed; others'
/// posts are `not_found`, so ids reveal nothing.
pub async fn own_post(
    db: &DatabaseConnection,
    user: &CurrentUser,
    id: PostId,
) -> Result<(post::Model, thread::Model), AppError> {
    let post = post::Entity::find_by_id(id.0)
        .one(db)
        .await
        .map_err(|e| db_error("loading a post", e))?
        .filter(|post| post.author_id == Some(user.id))
        .filter(|post| matches!(state_of(post), PostState::Visible | PostState::Pending))
        .ok_or(AppError::NotFound)?;
    let thread = find_thread(db, ThreadId(post.thread_id)).await?;
    Ok((post, thread))
}

/// A post's earlier texts, newest first (moderators only).
pub async fn revisions(db: &DatabaseConnection, id: PostId) -> Result<Vec<Revision>, AppError> {
    Ok(revision::Entity::find()
        .filter(revision::Column::PostId.eq(id.0))
        .order_by_desc(revision::Column::Id)
        .all(db)
        .await
        .map_err(|e| db_error("loading revisions", e))?
        .into_iter()
        .map(|row| Revision {
            title: row.title,
            markdown: row.body,
            written: moment(row.written_at),
            replaced: moment(row.replaced_at),
        })
        .collect())
}

/// Forgets read marks older than 180 days (the data manifest's promise).
pub async fn purge_reads(
    db: &DatabaseConnection,
    now: OffsetDateTime,
) -> Result<u64, sea_orm::DbErr> {
    Ok(read::Entity::delete_many()
        .filter(read::Column::ReadAt.lt(now - time::Duration::days(180)))
        .exec(db)
        .await?
        .rows_affected)
}
