//! Reports: any verified member may flag a public post. A post has at most
//! one open report; later flags join it, so moderators see one entry with
//! everyone's reasons. The report keeps the text as it was when first
//! reported, so an edit cannot hide what was flagged.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    SqlErr, TransactionTrait,
};
use time::Duration;

use super::{Action, Target, active_sanction, flag, record, report};
use crate::{
    accounts::CurrentUser,
    error::AppError,
    forum::{
        PostId, ReportReason, ThreadId,
        ssr::{Seen, post, visible_thread},
    },
    moderation::{ActionKind, ReportId},
    ssr::{AppState, db_error, rate_limit::Limit},
};

const REPORTS_PER_MEMBER: Limit = Limit {
    bucket: "forum_report_member",
    max: 20,
    window: Duration::hours(1),
};

/// The note that goes with a report: optional, but needed for "other".
pub fn parse_note(reason: ReportReason, note: &str) -> Result<Option<String>, AppError> {
    let note = note.trim();
    if note.chars().count() > 500 {
        return Err(AppError::invalid(
            "note",
            "Keep the note to 500 characters.",
        ));
    }
    if note.is_empty() {
        if reason == ReportReason::Other {
            return Err(AppError::invalid(
                "note",
                "Say in a few words what is wrong with the post.",
            ));
        }
        return Ok(None);
    }
    Ok(Some(note.to_owned()))
}

async fn open_report<C: ConnectionTrait>(
    db: &C,
    post: i64,
) -> Result<Option<report::Model>, AppError> {
    report::Entity::find()
        .filter(report::Column::PostId.eq(post))
        .filter(report::Column::ResolvedAt.is_null())
        .one(db)
        .await
        .map_err(|e| db_error("loading a report", e))
}

/// Flags a public post for the moderators.
pub async fn report_post(
    state: &AppState,
    user: &CurrentUser,
    id: PostId,
    reason: ReportReason,
    note: Option<String>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    if active_sanction(&state.db, user.id, now).await?.is_some() {
        return Err(AppError::Forbidden);
    }
    let post = post::Entity::find_by_id(id.0)
        .one(&state.db)
        .await
        .map_err(|e| db_error("loading a post", e))?
        .filter(|post| Seen::Public.can_see(post))
        .ok_or(AppError::NotFound)?;
    if post.author_id == Some(user.id) {
        return Err(AppError::invalid(
            "reason",
            "This is your own post: edit or delete it instead.",
        ));
    }
    visible_thread(&state.db, None, ThreadId(post.thread_id)).await?;
    let member = user.id.to_string();
    state
        .limiter
        .admit(&state.db, &[(REPORTS_PER_MEMBER, &member)], now)
        .await?;
    let tx = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("reporting a post", e))?;
    let report = match open_report(&tx, post.id).await? {
        Some(report) => report,
        None => {
            let inserted = report::ActiveModel {
                post_id: Set(post.id),
                reported_body: Set(post.body.clone()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&tx)
            .await;
            match inserted {
                Ok(report) => report,
                // Someone reported it at the same moment; trying again joins theirs.
                Err(error)
                    if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) =>
                {
                    return Err(AppError::Conflict);
                }
                Err(error) => return Err(db_error("reporting a post", error)),
            }
        }
    };
    flag::Entity::insert(flag::ActiveModel {
        report_id: Set(report.id),
        reporter_id: Set(user.id),
        reason: Set(reason.as_str().to_owned()),
        note: Set(note),
        created_at: Set(now),
    })
    .on_conflict_do_nothing_on([flag::Column::ReportId, flag::Column::ReporterId])
    .exec(&tx)
    .await
    .map_err(|e| db_error("reporting a post", e))?;
    tx.commit()
        .await
        .map_err(|e| db_error("reporting a post", e))?;
    tracing::info!(report = report.id, post = post.id, "post reported");
    Ok(())
}

/// Closes an open report with the moderator's conclusion.
pub async fn resolve_report(
    state: &AppState,
    moderator: &CurrentUser,
    id: ReportId,
    conclusion: &str,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let tx = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("resolving a report", e))?;
    let row = report::Entity::find_by_id(id.0)
        .filter(report::Column::ResolvedAt.is_null())
        .one(&tx)
        .await
        .map_err(|e| db_error("resolving a report", e))?
        .ok_or(AppError::Conflict)?;
    let mut row = report::ActiveModel::from(row);
    row.conclusion = Set(Some(conclusion.to_owned()));
    row.resolved_by = Set(Some(moderator.id));
    row.resolved_at = Set(Some(now));
    row.update(&tx)
        .await
        .map_err(|e| db_error("resolving a report", e))?;
    let action = Action {
        kind: ActionKind::ResolveReport,
        moderator: moderator.id,
        target: Target::Report(id.0),
        reason: conclusion,
        expires: None,
    };
    record(&tx, now, action).await?;
    tx.commit()
        .await
        .map_err(|e| db_error("resolving a report", e))
}
