//! The moderation log: one row per action, written in the action's
//! transaction. The database refuses to change or delete a row (a trigger
//! on both SQLite and PostgreSQL), and the application has no way to ask.

use crate::ssr::dates::moment;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect,
};
use time::OffsetDateTime;

use super::log_row;
use crate::{
    error::AppError,
    forum::{Paging, ssr::usernames},
    moderation::{ActionKind, LogEntry, LogPage},
    ssr::db_error,
};

/// Entries on a page of the log.
const PER_PAGE: u64 = 50;

/// What an action was done to.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    Post(i64),
    Thread(i64),
    Member(i64),
    Report(i64),
}

impl Target {
    fn parts(self) -> (&'static str, i64) {
        match self {
            Self::Post(id) => ("post", id),
            Self::Thread(id) => ("thread", id),
            Self::Member(id) => ("member", id),
            Self::Report(id) => ("report", id),
        }
    }
}

/// One action, as the log records it.
#[derive(Debug, Clone)]
pub struct Action<'a> {
    pub kind: ActionKind,
    pub moderator: i64,
    pub target: Target,
    pub reason: &'a str,
    pub expires: Option<OffsetDateTime>,
}

/// Appends `action` to the log on `db` — the action's own transaction.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    now: OffsetDateTime,
    action: Action<'_>,
) -> Result<(), AppError> {
    let (target_kind, target_id) = action.target.parts();
    log_row::Entity::insert(log_row::ActiveModel {
        kind: Set(action.kind.as_str().to_owned()),
        moderator_id: Set(action.moderator),
        target_kind: Set(target_kind.to_owned()),
        target_id: Set(target_id),
        reason: Set(action.reason.to_owned()),
        expires_at: Set(action.expires),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await
    .map_err(|e| db_error("writing the moderation log", e))?;
    tracing::info!(
        kind = action.kind.as_str(),
        moderator = action.moderator,
        target_kind,
        target_id,
        "moderation action"
    );
    Ok(())
}

/// Page `page` of the log, newest first.
pub async fn log_page<C: ConnectionTrait>(db: &C, page: u64) -> Result<LogPage, AppError> {
    let count = log_row::Entity::find()
        .count(db)
        .await
        .map_err(|e| db_error("counting the moderation log", e))?;
    let paging = Paging::of(page, count, PER_PAGE);
    let rows = log_row::Entity::find()
        .order_by_desc(log_row::Column::Id)
        .offset(paging.offset(PER_PAGE))
        .limit(PER_PAGE)
        .all(db)
        .await
        .map_err(|e| db_error("reading the moderation log", e))?;
    let members = rows
        .iter()
        .filter(|row| row.target_kind == "member")
        .map(|row| row.target_id);
    let names = usernames(db, rows.iter().map(|row| row.moderator_id).chain(members)).await?;
    let entries = rows
        .into_iter()
        .filter_map(|row| {
            let target = match row.target_kind.as_str() {
                "member" => format!(
                    "member {}",
                    names
                        .get(&row.target_id)
                        .map_or("(deleted)", String::as_str)
                ),
                kind => format!("{kind} {}", row.target_id),
            };
            Some(LogEntry {
                kind: ActionKind::parse(&row.kind)?,
                moderator: names.get(&row.moderator_id).cloned(),
                target,
                reason: row.reason,
                expires: row.expires_at.map(moment),
                at: moment(row.created_at),
            })
        })
        .collect();
    Ok(LogPage { entries, paging })
}
