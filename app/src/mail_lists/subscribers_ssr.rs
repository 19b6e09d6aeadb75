//! The subscribers on the server: the administrators' search, erasing one,
//! the CSV export, and the daily count per list behind the chart.

use std::collections::HashMap;

use axum::{
    Extension,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationDef, TransactionTrait,
    sea_query::{Alias, Expr, ExprTrait, Func, LikeExpr, OnConflict, Query},
};
use time::{Duration, OffsetDateTime};

use super::subscribers::{ListHistory, SubscriberPage, SubscriberRow};
use crate::{
    accounts::{
        Role,
        ssr::{account, audit_entry, session::Auth},
    },
    error::AppError,
    ssr::{
        AppState, db_error, error_status,
        mail_lists::{list, subscriber, subscription},
        rate_limit::Limit,
        request::csv_field,
    },
};

const PAGE: u64 = 50;
/// Days the chart shows.
const CHART_DAYS: i64 = 90;
/// Daily counts kept.
const KEEP_DAYS: Duration = Duration::days(730);
/// Exports per administrator: each reads every subscriber.
const EXPORTS_PER_ACCOUNT: Limit = Limit {
    bucket: "subscriber_export_account",
    max: 5,
    window: Duration::hours(1),
};

pub mod list_day {
    use sea_orm::entity::prelude::*;

    /// How many were on a list at the end of a day (or now, for today).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_list_days")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub list_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: TimeDate,
        pub subscribers: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `%text%` for LIKE, with the wildcards in `text` taken literally.
fn contains(text: &str) -> LikeExpr {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// One row per confirmed subscriber after `after`, matching `query` and on
/// `list`, with the member's account where there is one.
async fn rows<C: ConnectionTrait>(
    db: &C,
    query: &str,
    list: Option<i64>,
    after: i64,
    limit: Option<u64>,
) -> Result<Vec<(subscriber::Model, Option<account::Model>)>, DbErr> {
    let member: RelationDef = subscriber::Entity::belongs_to(account::Entity)
        .from(subscriber::Column::AccountId)
        .to(account::Column::Id)
        .into();
    let mut select = subscriber::Entity::find()
        .join(JoinType::LeftJoin, member)
        .select_also(account::Entity)
        .filter(subscriber::Column::ConfirmedAt.is_not_null())
        .filter(subscriber::Column::Id.gt(after))
        .order_by_asc(subscriber::Column::Id);
    let query = query.trim();
    if !query.is_empty() {
        let like = || contains(query);
        select = select.filter(
            Expr::col((subscriber::Entity, subscriber::Column::EmailKey))
                .like(like())
                .or(Expr::expr(Func::lower(Expr::col((
                    subscriber::Entity,
                    subscriber::Column::Name,
                ))))
                .like(like()))
                .or(Expr::col((account::Entity, account::Column::EmailKey)).like(like()))
                .or(Expr::col((account::Entity, account::Column::UsernameKey)).like(like())),
        );
    }
    if let Some(list) = list {
        select = select.filter(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(subscription::Entity)
                .and_where(
                    Expr::col((subscription::Entity, subscription::Column::SubscriberId))
                        .equals((subscriber::Entity, subscriber::Column::Id)),
                )
                .and_where(Expr::col((subscription::Entity, subscription::Column::ListId)).eq(list))
                .to_owned(),
        ));
    }
    if let Some(limit) = limit {
        select = select.limit(limit);
    }
    select.all(db).await
}

/// The names of the lists each of `subscribers` is on.
async fn lists_by_subscriber<C: ConnectionTrait>(
    db: &C,
    subscribers: &[i64],
) -> Result<HashMap<i64, Vec<String>>, DbErr> {
    let names: HashMap<i64, String> = list::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row.name))
        .collect();
    let mut lists: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in subscribers.chunks(500) {
        for row in subscription::Entity::find()
            .filter(subscription::Column::SubscriberId.is_in(chunk.iter().copied()))
            .order_by_asc(subscription::Column::ListId)
            .all(db)
            .await?
        {
            if let Some(name) = names.get(&row.list_id) {
                lists
                    .entry(row.subscriber_id)
                    .or_default()
                    .push(name.clone());
            }
        }
    }
    Ok(lists)
}

fn row_of(
    (subscriber, account): (subscriber::Model, Option<account::Model>),
    lists: &mut HashMap<i64, Vec<String>>,
) -> SubscriberRow {
    let (name, email) = match &account {
        Some(account) => (format!("@{}", account.username), account.email.clone()),
        None => (
            subscriber.name.clone().unwrap_or_default(),
            subscriber.email.clone().unwrap_or_default(),
        ),
    };
    SubscriberRow {
        id: subscriber.id,
        name,
        email,
        member: account.is_some(),
        lists: lists.remove(&subscriber.id).unwrap_or_default(),
        confirmed_on: subscriber
            .confirmed_at
            .map(crate::ssr::dates::day)
            .unwrap_or_default(),
        counting: subscriber.tracking,
    }
}

/// A page of the administrators' search.
pub async fn search(
    state: &AppState,
    query: &str,
    list: Option<i64>,
    after: i64,
) -> Result<SubscriberPage, AppError> {
    let failed = |e| db_error("searching subscribers", e);
    let mut found = rows(&state.reads, query, list, after, Some(PAGE + 1))
        .await
        .map_err(failed)?;
    let more = found.len() > usize::try_from(PAGE).unwrap_or(usize::MAX);
    found.truncate(usize::try_from(PAGE).unwrap_or(usize::MAX));
    let ids: Vec<i64> = found.iter().map(|(row, _)| row.id).collect();
    let mut lists = lists_by_subscriber(&state.reads, &ids)
        .await
        .map_err(failed)?;
    let next = more.then(|| ids.last().copied()).flatten();
    Ok(SubscriberPage {
        rows: found
            .into_iter()
            .map(|row| row_of(row, &mut lists))
            .collect(),
        next,
    })
}

/// Writes a line of the administrators' audit log; it names no one.
async fn audit<C: ConnectionTrait>(
    db: &C,
    actor: i64,
    kind: &str,
    detail: String,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    audit_entry::Entity::insert(audit_entry::ActiveModel {
        kind: Set(kind.to_owned()),
        actor_id: Set(Some(actor)),
        target_id: Set(None),
        detail: Set(detail),
        at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Deletes a subscriber: with a visitor's row go their name and address;
/// a member's row is only their lists.
pub async fn erase(state: &AppState, id: i64, actor: i64) -> Result<(), AppError> {
    let now = state.clock.now();
    let failed = |e| db_error("erasing a subscriber", e);
    let txn = state.db.begin().await.map_err(failed)?;
    let deleted = subscriber::Entity::delete_by_id(id)
        .exec(&txn)
        .await
        .map_err(failed)?;
    if deleted.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    audit(
        &txn,
        actor,
        "subscriber_erased",
        "one newsletter subscriber".to_owned(),
        now,
    )
    .await
    .map_err(failed)?;
    txn.commit().await.map_err(failed)?;
    tracing::info!(subscriber = id, "subscriber erased by an administrator");
    Ok(())
}

/// `GET /admin/subscribers.csv`: every confirmed subscriber with their
/// lists, for administrators, five times an hour; each export is written
/// to the audit log.
pub async fn export(
    State(state): State<AppState>,
    Extension(Auth(signed_in)): Extension<Auth>,
) -> Response {
    let Some(signed_in) = signed_in else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    if !signed_in.user.has_role(Role::Admin) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let now = state.clock.now();
    let actor = signed_in.user.id;
    if let Err(error) = state
        .limiter
        .admit(&state.db, &[(EXPORTS_PER_ACCOUNT, &actor.to_string())], now)
        .await
    {
        return error_status(&error);
    }
    match csv(&state).await {
        Ok((body, count)) => {
            if let Err(error) = audit(
                &state.db,
                actor,
                "subscribers_exported",
                format!("{count} subscribers"),
                now,
            )
            .await
            {
                return error_status(&db_error("writing the audit log", error));
            }
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"subscribers.csv\"",
                    ),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                body,
            )
                .into_response()
        }
        Err(error) => error_status(&db_error("exporting subscribers", error)),
    }
}

async fn csv(state: &AppState) -> Result<(String, usize), DbErr> {
    let mut out = String::from("email,name,member,lists,confirmed,counting\r\n");
    let mut after = 0;
    let mut count = 0;
    loop {
        let found = rows(&state.reads, "", None, after, Some(1000)).await?;
        let Some(last) = found.last().map(|(row, _)| row.id) else {
            break;
        };
        let ids: Vec<i64> = found.iter().map(|(row, _)| row.id).collect();
        let mut lists = lists_by_subscriber(&state.reads, &ids).await?;
        for found in found {
            let confirmed = found.0.confirmed_at;
            let row = row_of(found, &mut lists);
            out.push_str(&format!(
                "{},{},{},{},{},{}\r\n",
                csv_field(&row.email),
                csv_field(&row.name),
                row.member,
                csv_field(&row.lists.join("; ")),
                confirmed
                    .map(|at| at.date().to_string())
                    .unwrap_or_default(),
                row.counting,
            ));
            count += 1;
        }
        after = last;
    }
    Ok((out, count))
}

/// Confirmed subscribers per list: the subscriptions walked by list, each
/// checked against its subscriber's primary key (45 ms for 133,000
/// subscriptions on SQLite).
pub async fn confirmed_counts<C: ConnectionTrait>(db: &C) -> Result<HashMap<i64, i64>, DbErr> {
    let counts = Query::select()
        .column((subscription::Entity, subscription::Column::ListId))
        .expr_as(
            Expr::col((subscription::Entity, subscription::Column::SubscriberId)).count(),
            Alias::new("n"),
        )
        .from(subscription::Entity)
        .inner_join(
            subscriber::Entity,
            Expr::col((subscriber::Entity, subscriber::Column::Id))
                .equals((subscription::Entity, subscription::Column::SubscriberId)),
        )
        .and_where(Expr::col((subscriber::Entity, subscriber::Column::ConfirmedAt)).is_not_null())
        .group_by_col((subscription::Entity, subscription::Column::ListId))
        .to_owned();
    db.query_all_raw(db.get_database_backend().build(&counts))
        .await?
        .iter()
        .map(|row| Ok((row.try_get("", "list_id")?, row.try_get("", "n")?)))
        .collect()
}

/// Writes today's count of confirmed subscribers per list (once per
/// housekeeping round, the last one of a day standing) and forgets counts
/// older than two years.
pub async fn count_today(state: &AppState) -> Result<u64, DbErr> {
    let now = state.clock.now();
    let counted = confirmed_counts(&state.db).await?;
    let lists = list::Entity::find().all(&state.db).await?;
    let written = lists.len();
    let today = now.date();
    list_day::Entity::insert_many(lists.iter().map(|row| list_day::ActiveModel {
        list_id: Set(row.id),
        day: Set(today),
        subscribers: Set(counted.get(&row.id).copied().unwrap_or(0)),
    }))
    .on_conflict(
        OnConflict::columns([list_day::Column::ListId, list_day::Column::Day])
            .update_column(list_day::Column::Subscribers)
            .to_owned(),
    )
    .exec(&state.db)
    .await?;
    list_day::Entity::delete_many()
        .filter(list_day::Column::Day.lt((now - KEEP_DAYS).date()))
        .exec(&state.db)
        .await?;
    Ok(u64::try_from(written).unwrap_or(0))
}

/// Each live list's counts over the last [`CHART_DAYS`] days.
pub async fn history(state: &AppState) -> Result<Vec<ListHistory>, AppError> {
    let failed = |e| db_error("reading the lists' history", e);
    let since = (state.clock.now() - Duration::days(CHART_DAYS)).date();
    let lists = list::Entity::find()
        .filter(list::Column::ArchivedAt.is_null())
        .order_by_asc(list::Column::Id)
        .all(&state.reads)
        .await
        .map_err(failed)?;
    let mut days: HashMap<i64, Vec<(String, i64)>> = HashMap::new();
    for row in list_day::Entity::find()
        .filter(list_day::Column::Day.gte(since))
        .order_by_asc(list_day::Column::Day)
        .all(&state.reads)
        .await
        .map_err(failed)?
    {
        days.entry(row.list_id)
            .or_default()
            .push((row.day.to_string(), row.subscribers));
    }
    Ok(lists
        .into_iter()
        .map(|row| ListHistory {
            days: days.remove(&row.id).unwrap_or_default(),
            name: row.name,
        })
        .collect())
}
