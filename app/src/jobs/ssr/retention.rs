//! The retention purge: an application's personal fields and résumé are
//! erased a configurable number of days after it reaches a final status,
//! or as many days after its posting closed if no decision was ever made;
//! the anonymous facts (job, final status, dates, pipeline events) stay for
//! reporting. Unconfirmed updates are deleted after 48 hours. Idempotent:
//! a second run finds nothing to do.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityName, EntityTrait, QueryFilter,
    QuerySelect, QueryTrait,
    sea_query::{Alias, Expr, Query},
};
use time::{Duration, OffsetDateTime};

use super::{UPDATE_VALID, discard_file, entities::*};
use crate::{
    privacy::manifest::{APPLICATION_KEEPS, personal_fields},
    ssr::AppState,
};

/// What a purge erased.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Applications erased in all (`decided + undecided`).
    pub applications: u64,
    /// Erased the retention period after their decision.
    pub decided: u64,
    /// Never decided, erased the retention period after their posting closed.
    pub undecided: u64,
    pub updates: u64,
}

pub async fn purge(state: &AppState) -> Result<Purged, DbErr> {
    let now = state.clock.now();
    let settings = state
        .settings::<super::JobSettings>()
        .map_err(|_| DbErr::Custom("the jobs settings are missing".to_owned()))?;
    let cutoff = now - Duration::days(i64::from(settings.retention_days));
    let mut purged = Purged::default();
    let decided = application::Entity::find()
        .filter(application::Column::ErasedAt.is_null())
        .filter(application::Column::DecidedAt.lt(cutoff))
        .all(&state.db)
        .await?;
    let undecided = application::Entity::find()
        .filter(application::Column::ErasedAt.is_null())
        .filter(application::Column::DecidedAt.is_null())
        .filter(application::Column::JobId.in_subquery(closed_before(cutoff)))
        .all(&state.db)
        .await?;
    for row in decided {
        erase(state, row, now).await?;
        purged.decided += 1;
    }
    for row in undecided {
        erase(state, row, now).await?;
        purged.undecided += 1;
    }
    purged.applications = purged.decided + purged.undecided;
    let stale = update::Entity::find()
        .filter(update::Column::CreatedAt.lt(now - UPDATE_VALID))
        .all(&state.db)
        .await?;
    for update in stale {
        if let Some(key) = &update.resume_key {
            discard_file(state, key).await;
        }
        update::Entity::delete_by_id(update.token_hash)
            .exec(&state.db)
            .await?;
        purged.updates += 1;
    }
    Ok(purged)
}

/// The postings that stopped taking applications before `cutoff`: closed
/// by a recruiter then, or past their last day.
fn closed_before(cutoff: OffsetDateTime) -> sea_orm::sea_query::SelectStatement {
    // The last day is inclusive: a posting whose last day is the 1st
    // closes at midnight (UTC) after it.
    job::Entity::find()
        .select_only()
        .column(job::Column::Id)
        .filter(
            Condition::any()
                .add(job::Column::ClosedAt.lt(cutoff))
                .add(job::Column::ClosesOn.lt(cutoff.date())),
        )
        .into_query()
}

/// The columns an erasure empties: every personal column of an
/// application the manifest lists, but those it keeps, and the facts about
/// the résumé and the link that go with them.
pub fn erased_columns() -> impl Iterator<Item = &'static str> {
    personal_fields()
        .filter(|(entry, _)| entry.table == application::Entity.table_name())
        .map(|(entry, _)| entry.column)
        .filter(|column| !APPLICATION_KEEPS.contains(column))
        .chain(["resume_kind", "resume_bytes", "claim_expires_at"])
}

/// Erases one application's personal fields, résumé, pending updates and
/// notes; the anonymous facts stay.
async fn erase(
    state: &AppState,
    row: application::Model,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    let pending = update::Entity::find()
        .filter(update::Column::ApplicationId.eq(row.id))
        .all(&state.db)
        .await?;
    for update in pending {
        if let Some(key) = &update.resume_key {
            discard_file(state, key).await;
        }
        update::Entity::delete_by_id(update.token_hash)
            .exec(&state.db)
            .await?;
    }
    // The file goes first: if erasing the row then fails, the next run
    // tries again, and no file is left without a row pointing to it.
    if let Some(key) = &row.resume_key {
        discard_file(state, key).await;
    }
    note::Entity::delete_many()
        .filter(note::Column::ApplicationId.eq(row.id))
        .exec(&state.db)
        .await?;
    let mut update = Query::update();
    update
        .table(application::Entity)
        .value(application::Column::ErasedAt, now)
        .and_where(application::Column::Id.eq(row.id));
    for column in erased_columns() {
        update.value(Alias::new(column), Expr::cust("NULL"));
    }
    state
        .db
        .execute_raw(state.db.get_database_backend().build(&update))
        .await?;
    Ok(())
}
