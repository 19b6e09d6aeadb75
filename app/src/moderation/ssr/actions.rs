//! What moderators do to posts and threads. Each action checks that it
//! makes sense for the current state (hiding a hidden post is a conflict,
//! not a second log row), changes the rows and writes its log entry in one
//! transaction.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, TransactionTrait};

use super::{Action, Target, record};
use crate::{
    accounts::CurrentUser,
    error::AppError,
    forum::{
        CategoryId, PostId, ThreadId,
        ssr::{
            category_exists, post, post_published, recount_category, refresh_thread, state_of,
            thread,
        },
    },
    moderation::{ActionKind, PostAction, ThreadAction},
    ssr::{AppState, db_error},
};

/// Approves, hides, unhides, deletes or restores a post.
pub async fn moderate_post(
    state: &AppState,
    moderator: &CurrentUser,
    id: PostId,
    action: PostAction,
    reason: &str,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let tx = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("moderating a post", e))?;
    let post = post::Entity::find_by_id(id.0)
        .one(&tx)
        .await
        .map_err(|e| db_error("moderating a post", e))?
        .ok_or(AppError::NotFound)?;
    if !PostAction::for_state(state_of(&post)).contains(&action) {
        return Err(AppError::Conflict);
    }
    let mut row = post::ActiveModel::from(post.clone());
    match action {
        PostAction::Approve => row.approved_at = Set(Some(now)),
        PostAction::Hide => row.hidden_at = Set(Some(now)),
        PostAction::Unhide => row.hidden_at = Set(None),
        PostAction::Delete => row.deleted_at = Set(Some(now)),
        PostAction::Restore => row.deleted_at = Set(None),
    }
    let post = row
        .update(&tx)
        .await
        .map_err(|e| db_error("moderating a post", e))?;
    refresh_thread(&tx, post.thread_id).await?;
    if action == PostAction::Approve {
        let thread = thread::Entity::find_by_id(post.thread_id)
            .one(&tx)
            .await
            .map_err(|e| db_error("moderating a post", e))?
            .ok_or(AppError::NotFound)?;
        post_published(&tx, state, &thread, &post).await?;
    }
    let entry = Action {
        kind: action.kind(),
        moderator: moderator.id,
        target: Target::Post(post.id),
        reason,
        expires: None,
    };
    record(&tx, now, entry).await?;
    tx.commit()
        .await
        .map_err(|e| db_error("moderating a post", e))?;
    Ok(())
}

/// Locks, unlocks or moves a thread.
pub async fn moderate_thread(
    state: &AppState,
    moderator: &CurrentUser,
    id: ThreadId,
    action: ThreadAction,
    to: Option<CategoryId>,
    reason: &str,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let tx = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("moderating a thread", e))?;
    let thread = thread::Entity::find_by_id(id.0)
        .one(&tx)
        .await
        .map_err(|e| db_error("moderating a thread", e))?
        .ok_or(AppError::NotFound)?;
    let mut row = thread::ActiveModel::from(thread.clone());
    let kind = match action {
        ThreadAction::Lock if !thread.locked => {
            row.locked = Set(true);
            ActionKind::LockThread
        }
        ThreadAction::Unlock if thread.locked => {
            row.locked = Set(false);
            ActionKind::UnlockThread
        }
        ThreadAction::Move => {
            let to = to.ok_or_else(|| AppError::invalid("category", "Choose a category."))?;
            if to.0 == thread.category_id {
                return Err(AppError::invalid(
                    "category",
                    "The thread is already in this category.",
                ));
            }
            if !category_exists(&tx, to).await? {
                return Err(AppError::invalid("category", "Choose a category."));
            }
            row.category_id = Set(to.0);
            ActionKind::MoveThread
        }
        ThreadAction::Lock | ThreadAction::Unlock => return Err(AppError::Conflict),
    };
    let moved = row
        .update(&tx)
        .await
        .map_err(|e| db_error("moderating a thread", e))?;
    if moved.category_id != thread.category_id {
        recount_category(&tx, thread.category_id).await?;
        recount_category(&tx, moved.category_id).await?;
    }
    let entry = Action {
        kind,
        moderator: moderator.id,
        target: Target::Thread(thread.id),
        reason,
        expires: None,
    };
    record(&tx, now, entry).await?;
    tx.commit()
        .await
        .map_err(|e| db_error("moderating a thread", e))
}
