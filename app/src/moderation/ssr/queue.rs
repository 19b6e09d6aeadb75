//! The moderation queue: open reports (oldest first), posts waiting for
//! approval, and the sanctions in force.

use crate::ssr::dates::moment;
use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{active_sanctions, flag, report};
use crate::{
    error::AppError,
    forum::{
        PostId, ReportReason, ThreadId,
        ssr::{post, state_of, thread, usernames},
    },
    moderation::{Flag, PendingPost, Queue, ReportId, ReportView},
    ssr::{AppState, db_error},
};

/// At most this many reports and pending posts are listed at once.
const LISTED: u64 = 100;

pub async fn queue(state: &AppState) -> Result<Queue, AppError> {
    let db = &state.db;
    let reports = report::Entity::find()
        .filter(report::Column::ResolvedAt.is_null())
        .order_by_asc(report::Column::Id)
        .limit(LISTED)
        .all(db)
        .await
        .map_err(|e| db_error("loading reports", e))?;
    let flags = flag::Entity::find()
        .filter(flag::Column::ReportId.is_in(reports.iter().map(|r| r.id)))
        .order_by_asc(flag::Column::CreatedAt)
        .all(db)
        .await
        .map_err(|e| db_error("loading reports", e))?;
    let pending = post::Entity::find()
        .filter(post::Column::ApprovedAt.is_null())
        .filter(post::Column::HiddenAt.is_null())
        .filter(post::Column::DeletedAt.is_null())
        .order_by_asc(post::Column::Id)
        .limit(LISTED)
        .all(db)
        .await
        .map_err(|e| db_error("loading held posts", e))?;
    let posts: HashMap<i64, post::Model> = post::Entity::find()
        .filter(post::Column::Id.is_in(reports.iter().map(|r| r.post_id)))
        .all(db)
        .await
        .map_err(|e| db_error("loading reported posts", e))?
        .into_iter()
        .chain(pending.iter().cloned())
        .map(|post| (post.id, post))
        .collect();
    let threads: HashMap<i64, thread::Model> = thread::Entity::find()
        .filter(thread::Column::Id.is_in(posts.values().map(|post| post.thread_id)))
        .all(db)
        .await
        .map_err(|e| db_error("loading threads", e))?
        .into_iter()
        .map(|thread| (thread.id, thread))
        .collect();
    let names = usernames(
        db,
        posts
            .values()
            .filter_map(|post| post.author_id)
            .chain(flags.iter().map(|flag| flag.reporter_id)),
    )
    .await?;
    let name = |id: Option<i64>| id.and_then(|id| names.get(&id).cloned());
    let title = |thread_id: i64| {
        threads
            .get(&thread_id)
            .map(|thread| thread.title.clone())
            .unwrap_or_default()
    };
    let reports = reports
        .into_iter()
        .filter_map(|report| {
            let post = posts.get(&report.post_id)?;
            Some(ReportView {
                id: ReportId(report.id),
                post: PostId(post.id),
                thread: ThreadId(post.thread_id),
                thread_title: title(post.thread_id),
                author: name(post.author_id),
                reported_text: report.reported_body,
                state: state_of(post),
                flags: flags
                    .iter()
                    .filter(|flag| flag.report_id == report.id)
                    .map(|flag| Flag {
                        reporter: name(Some(flag.reporter_id)).unwrap_or_default(),
                        reason: ReportReason::parse(&flag.reason).unwrap_or(ReportReason::Other),
                        note: flag.note.clone(),
                        at: moment(flag.created_at),
                    })
                    .collect(),
            })
        })
        .collect();
    let pending = pending
        .into_iter()
        .map(|post| PendingPost {
            post: PostId(post.id),
            thread: ThreadId(post.thread_id),
            thread_title: title(post.thread_id),
            author: name(post.author_id),
            posted: moment(post.created_at),
            markdown: post.body,
        })
        .collect();
    Ok(Queue {
        reports,
        pending,
        sanctions: active_sanctions(state).await?,
    })
}
