//! What moderation keeps, and for how long: a closed report keeps what was
//! reported and the conclusion (the record), but who reported it and why
//! is forgotten 180 days after it was closed; a sanction is forgotten a
//! year after it ended or was lifted.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, Query},
};
use time::{Duration, OffsetDateTime};

use super::{flag, report, sanction};
use crate::ssr::feature::{Counts, Feature, Task};

/// How long the flags of a closed report are kept after it was closed.
pub const KEEP_FLAGS: Duration = Duration::days(180);
/// How long a sanction is kept after it ended or was lifted.
pub const KEEP_SANCTIONS: Duration = Duration::days(365);

/// What moderation brings to the server: its retention purge.
pub const FEATURE: Feature = Feature {
    purge: |state| -> Task<'_, Counts> {
        Box::pin(async move {
            let now = state.clock.now();
            Ok(vec![
                (
                    "reporters of closed reports",
                    purge_flags(&state.db, now).await?,
                ),
                ("ended sanctions", purge_sanctions(&state.db, now).await?),
            ])
        })
    },
    ..Feature::named("moderation")
};

/// Deletes the flags (reporter, reason, note) of reports closed more than
/// [`KEEP_FLAGS`] ago.
pub async fn purge_flags<C: ConnectionTrait>(db: &C, now: OffsetDateTime) -> Result<u64, DbErr> {
    let closed = Query::select()
        .column(report::Column::Id)
        .from(report::Entity)
        .and_where(Expr::col(report::Column::ResolvedAt).lt(now - KEEP_FLAGS))
        .to_owned();
    Ok(flag::Entity::delete_many()
        .filter(flag::Column::ReportId.in_subquery(closed))
        .exec(db)
        .await?
        .rows_affected)
}

/// Deletes sanctions that ended or were lifted more than
/// [`KEEP_SANCTIONS`] ago. A ban without an end stays until it is lifted.
pub async fn purge_sanctions<C: ConnectionTrait>(
    db: &C,
    now: OffsetDateTime,
) -> Result<u64, DbErr> {
    let before = now - KEEP_SANCTIONS;
    Ok(sanction::Entity::delete_many()
        .filter(
            Condition::any()
                .add(sanction::Column::EndsAt.lt(before))
                .add(sanction::Column::LiftedAt.lt(before)),
        )
        .exec(db)
        .await?
        .rows_affected)
}
