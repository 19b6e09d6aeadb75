//! From raw page views to visits and daily summaries (the clickstream).
//!
//! A visit is one visitor hash's page views of a day with less than
//! [`VISIT_GAP`] between two of them: its first page is the entry, its last
//! the exit, its length the time from first to last, and a visit of one
//! page is a bounce. Each day that is over is summarised once, by the
//! housekeeping, into `insight_days` and `insight_day_counts`, which hold
//! counts only and outlive the raw views; the day still running is folded
//! from the raw views whenever the dashboard asks.

use std::collections::{HashMap, HashSet};

use futures::TryStreamExt;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
    sea_query::{Expr, Func},
};
use time::{Date, Duration, OffsetDateTime, Time, macros::format_description};

use super::{
    dashboard::{CountRow, DayTotals, Dimension, MAX_DAYS, Report, TOP, Totals},
    recording_ssr::page_view,
};
use crate::{
    error::AppError,
    ssr::{AppState, db_error, feature::Counts},
};

/// Page views further apart than this are two visits.
pub const VISIT_GAP: Duration = Duration::minutes(30);

/// Values of one dimension kept in a day's summary, most visitors first;
/// the rest are summed into one row named [`OTHER`]. A forum's long tail
/// of pages would otherwise make every range read hundreds of thousands of
/// rows (Matomo bounds its archives the same way). A page outside a day's
/// top thousand is rarely in a month's top twenty.
pub const DAY_ROWS: usize = 1_000;

/// The value of the row that sums a day's values past [`DAY_ROWS`]; no
/// real value (a path, a host, a name or a code) can be written so.
pub const OTHER: &str = "(other)";

/// Visitors and views of one value.
type Numbers = (i64, i64);

/// `counts` with at most [`DAY_ROWS`] values per dimension, the rest in one
/// [`OTHER`] row.
fn bounded(counts: HashMap<(Dimension, String), Numbers>) -> Vec<((Dimension, String), Numbers)> {
    let mut by_dimension: HashMap<Dimension, Vec<(String, Numbers)>> = HashMap::new();
    for ((dimension, value), numbers) in counts {
        by_dimension
            .entry(dimension)
            .or_default()
            .push((value, numbers));
    }
    let mut rows = Vec::new();
    for (dimension, mut values) in by_dimension {
        if values.len() > DAY_ROWS {
            values.sort_by(|a, b| {
                b.1.0
                    .cmp(&a.1.0)
                    .then(b.1.1.cmp(&a.1.1))
                    .then_with(|| a.0.cmp(&b.0))
            });
            let rest = values.split_off(DAY_ROWS);
            let summed = rest.iter().fold((0, 0), |(visitors, views), (_, (v, w))| {
                (visitors + v, views + w)
            });
            values.push((OTHER.to_owned(), summed));
        }
        rows.extend(
            values
                .into_iter()
                .map(|(value, numbers)| ((dimension, value), numbers)),
        );
    }
    rows
}

pub mod day {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "insight_days")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: TimeDate,
        pub visitors: i64,
        pub views: i64,
        pub visits: i64,
        pub bounces: i64,
        pub visit_seconds: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod day_count {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "insight_day_counts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub dimension: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: TimeDate,
        #[sea_orm(primary_key, auto_increment = false)]
        pub value: String,
        pub visitors: i64,
        pub views: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One day folded: its totals and, per dimension and value, the visitors
/// and views.
#[derive(Debug, Default)]
pub struct Folded {
    pub totals: Totals,
    pub counts: HashMap<(Dimension, String), (i64, i64)>,
}

/// Folds page views ordered by visitor, then time.
#[derive(Default)]
struct Folder {
    totals: Totals,
    /// Per dimension and value: the visitors seen (by their number in this
    /// day) and the views.
    counts: HashMap<(Dimension, String), (HashSet<u32>, i64)>,
    visitor: Option<String>,
    number: u32,
    visit: Option<Visit>,
}

struct Visit {
    first: OffsetDateTime,
    last: OffsetDateTime,
    entry: String,
    exit: String,
    pages: i64,
}

impl Folder {
    fn count(&mut self, dimension: Dimension, value: &str, views: i64) {
        let (visitors, total) = self
            .counts
            .entry((dimension, value.to_owned()))
            .or_default();
        visitors.insert(self.number);
        *total += views;
    }

    fn push(&mut self, view: &page_view::Model) {
        if self.visitor.as_deref() != Some(view.visitor.as_str()) {
            self.end_visit();
            self.visitor = Some(view.visitor.clone());
            self.number += 1;
            self.totals.visitors += 1;
        }
        if self
            .visit
            .as_ref()
            .is_some_and(|visit| view.at - visit.last >= VISIT_GAP)
        {
            self.end_visit();
        }
        match &mut self.visit {
            Some(visit) => {
                visit.last = view.at;
                visit.exit.clone_from(&view.path);
                visit.pages += 1;
            }
            None => {
                self.visit = Some(Visit {
                    first: view.at,
                    last: view.at,
                    entry: view.path.clone(),
                    exit: view.path.clone(),
                    pages: 1,
                });
            }
        }
        self.totals.views += 1;
        self.count(Dimension::Page, &view.path, 1);
        if let Some(host) = &view.referrer_host {
            self.count(Dimension::Referrer, host, 1);
        }
        self.count(Dimension::Browser, &view.browser, 1);
        self.count(Dimension::Os, &view.os, 1);
        self.count(Dimension::Device, &view.device, 1);
        if let Some(language) = &view.language {
            self.count(Dimension::Language, language, 1);
        }
        if let Some(country) = &view.country {
            self.count(Dimension::Country, country, 1);
        }
    }

    fn end_visit(&mut self) {
        let Some(visit) = self.visit.take() else {
            return;
        };
        self.totals.visits += 1;
        if visit.pages == 1 {
            self.totals.bounces += 1;
        }
        self.totals.visit_seconds += (visit.last - visit.first).whole_seconds();
        self.count(Dimension::Entry, &visit.entry, 1);
        self.count(Dimension::Exit, &visit.exit, 1);
    }

    fn finish(mut self) -> Folded {
        self.end_visit();
        Folded {
            totals: self.totals,
            counts: self
                .counts
                .into_iter()
                .map(|(key, (visitors, views))| (key, (visitors.len() as i64, views)))
                .collect(),
        }
    }
}

/// The day's page views folded into visits and counts, read as a stream
/// (a busy day does not sit in memory as rows).
pub async fn fold_day(db: &DatabaseConnection, day: Date) -> Result<Folded, DbErr> {
    let start = day.with_time(Time::MIDNIGHT).assume_utc();
    let mut views = page_view::Entity::find()
        .filter(page_view::Column::At.gte(start))
        .filter(page_view::Column::At.lt(start + Duration::days(1)))
        .order_by_asc(page_view::Column::Visitor)
        .order_by_asc(page_view::Column::At)
        .order_by_asc(page_view::Column::Id)
        .stream(db)
        .await?;
    let mut folder = Folder::default();
    while let Some(view) = views.try_next().await? {
        folder.push(&view);
    }
    Ok(folder.finish())
}

/// Summarises every day that is over and not summarised yet, oldest
/// first: from the day after the newest summary (or the oldest raw view)
/// to yesterday. Each day is written in one transaction that starts by
/// claiming the day, so two instances never write it twice.
pub async fn summarise(db: &DatabaseConnection, now: OffsetDateTime) -> Result<Counts, DbErr> {
    #[derive(FromQueryResult)]
    struct Newest {
        day: Option<Date>,
    }
    #[derive(FromQueryResult)]
    struct Oldest {
        at: Option<OffsetDateTime>,
    }
    let today = now.date();
    let newest = day::Entity::find()
        .select_only()
        .column_as(Expr::expr(Func::max(Expr::col(day::Column::Day))), "day")
        .into_model::<Newest>()
        .one(db)
        .await?
        .and_then(|row| row.day);
    let oldest = page_view::Entity::find()
        .select_only()
        .column_as(
            Expr::expr(Func::min(Expr::col(page_view::Column::At))),
            "at",
        )
        .into_model::<Oldest>()
        .one(db)
        .await?
        .and_then(|row| row.at)
        .map(|at| at.date());
    let Some(mut next) = (match (newest, oldest) {
        (Some(newest), Some(oldest)) => Some(Ord::max(newest + Duration::days(1), oldest)),
        (None, oldest) => oldest,
        (Some(newest), None) => Some(newest + Duration::days(1)),
    }) else {
        return Ok(vec![("days of visit statistics summarised", 0)]);
    };
    let mut done = 0;
    while next < today {
        let folded = fold_day(db, next).await?;
        let txn = db.begin().await?;
        let claimed = day::Entity::insert(day::ActiveModel {
            day: Set(next),
            visitors: Set(folded.totals.visitors),
            views: Set(folded.totals.views),
            visits: Set(folded.totals.visits),
            bounces: Set(folded.totals.bounces),
            visit_seconds: Set(folded.totals.visit_seconds),
        })
        .on_conflict_do_nothing_on([day::Column::Day])
        .exec(&txn)
        .await?;
        if matches!(claimed, sea_orm::TryInsertResult::Inserted(_)) {
            let rows: Vec<day_count::ActiveModel> = bounded(folded.counts)
                .into_iter()
                .map(
                    |((dimension, value), (visitors, views))| day_count::ActiveModel {
                        dimension: Set(dimension.key().to_owned()),
                        day: Set(next),
                        value: Set(value),
                        visitors: Set(visitors),
                        views: Set(views),
                    },
                )
                .collect();
            for chunk in rows.chunks(500) {
                day_count::Entity::insert_many(chunk.to_vec())
                    .exec(&txn)
                    .await?;
            }
            done += 1;
        }
        txn.commit().await?;
        next += Duration::days(1);
    }
    Ok(vec![("days of visit statistics summarised", done)])
}

/// The range asked for: `to` defaults to today, `from` to 29 days before
/// `to`; at most [`MAX_DAYS`] days, and `from` not after `to`.
pub fn range(
    from: Option<&str>,
    to: Option<&str>,
    now: OffsetDateTime,
) -> Result<(Date, Date), AppError> {
    let format = format_description!("[year]-[month]-[day]");
    let parse = |field: &str, text: Option<&str>| -> Result<Option<Date>, AppError> {
        match text.map(str::trim).filter(|text| !text.is_empty()) {
            None => Ok(None),
            Some(text) => Date::parse(text, format)
                .map(Some)
                .map_err(|_| AppError::Invalid {
                    field: field.to_owned(),
                    message: "Give a date as YYYY-MM-DD.".to_owned(),
                }),
        }
    };
    let to = parse("to", to)?.unwrap_or_else(|| now.date());
    let from = parse("from", from)?.unwrap_or(to - Duration::days(29));
    if from > to {
        return Err(AppError::Invalid {
            field: "from".to_owned(),
            message: "The first day must not come after the last.".to_owned(),
        });
    }
    if (to - from).whole_days() >= MAX_DAYS {
        return Err(AppError::Invalid {
            field: "from".to_owned(),
            message: format!("Choose at most {MAX_DAYS} days."),
        });
    }
    Ok((from, to))
}

/// The days of `from..=to` that have a summary, and the folds of those
/// that do not but may have raw views (today, or a day the housekeeping
/// has not reached yet).
async fn days_of(
    state: &AppState,
    from: Date,
    to: Date,
) -> Result<(HashMap<Date, Totals>, Vec<(Date, Folded)>), DbErr> {
    let summarised: HashMap<Date, Totals> = day::Entity::find()
        .filter(day::Column::Day.between(from, to))
        .all(&state.reads)
        .await?
        .into_iter()
        .map(|row| {
            (
                row.day,
                Totals {
                    visitors: row.visitors,
                    views: row.views,
                    visits: row.visits,
                    bounces: row.bounces,
                    visit_seconds: row.visit_seconds,
                },
            )
        })
        .collect();
    let today = state.clock.now().date();
    let raw_since = today - Duration::days(3);
    let mut live = Vec::new();
    let mut day = Ord::max(from, raw_since);
    while day <= Ord::min(to, today) {
        if !summarised.contains_key(&day) {
            live.push((day, fold_day(&state.reads, day).await?));
        }
        day += Duration::days(1);
    }
    Ok((summarised, live))
}

/// The dashboard's numbers over `from..=to`.
pub async fn report(state: &AppState, from: Date, to: Date) -> Result<Report, AppError> {
    let failed = |error| db_error("reading the visit statistics", error);
    let (summarised, live) = days_of(state, from, to).await.map_err(failed)?;
    let mut days = Vec::new();
    let mut totals = Totals::default();
    let mut day = from;
    while day <= to {
        let of_day = summarised.get(&day).copied().or_else(|| {
            live.iter()
                .find(|(live_day, _)| *live_day == day)
                .map(|(_, folded)| folded.totals)
        });
        let of_day = of_day.unwrap_or_default();
        totals.add(&of_day);
        days.push(DayTotals {
            day: day.to_string(),
            totals: of_day,
        });
        day += Duration::days(1);
    }
    let length = (to - from).whole_days() + 1;
    let (before, before_live) = days_of(
        state,
        from - Duration::days(length),
        from - Duration::days(1),
    )
    .await
    .map_err(failed)?;
    let mut previous = Totals::default();
    for of_day in before.values() {
        previous.add(of_day);
    }
    for (_, folded) in &before_live {
        previous.add(&folded.totals);
    }
    // Without a GeoIP database, the countries table could only ever be
    // empty; it is shown once there is one (or data from one).
    let locating = state
        .settings::<super::recording_ssr::Recorder>()
        .is_ok_and(|recorder| recorder.settings().countries.is_some());
    let mut tables = Vec::new();
    for dimension in Dimension::ALL {
        let rows = counts(state, dimension, from, to, &live, Some(TOP))
            .await
            .map_err(failed)?;
        if dimension != Dimension::Country || locating || !rows.is_empty() {
            tables.push((dimension, rows));
        }
    }
    let today = state.clock.now().date();
    let recent = [7, 30, 90]
        .map(|days| {
            (
                days,
                (today - Duration::days(days - 1)).to_string(),
                today.to_string(),
            )
        })
        .to_vec();
    Ok(Report {
        from: from.to_string(),
        to: to.to_string(),
        days,
        totals,
        previous,
        tables,
        recent,
    })
}

/// The values of `dimension` over `from..=to`, most visitors first: the
/// summaries' sums plus the days folded live; the first `limit` only, if
/// given.
async fn counts(
    state: &AppState,
    dimension: Dimension,
    from: Date,
    to: Date,
    live: &[(Date, Folded)],
    limit: Option<usize>,
) -> Result<Vec<CountRow>, DbErr> {
    #[derive(FromQueryResult)]
    struct Summed {
        value: String,
        visitors: i64,
        views: i64,
    }
    let mut query = day_count::Entity::find()
        .select_only()
        .column(day_count::Column::Value)
        .column_as(summed(day_count::Column::Visitors), "visitors")
        .column_as(summed(day_count::Column::Views), "views")
        .filter(day_count::Column::Dimension.eq(dimension.key()))
        .filter(day_count::Column::Day.between(from, to))
        .group_by(day_count::Column::Value)
        .order_by_desc(summed(day_count::Column::Visitors))
        .order_by_asc(day_count::Column::Value);
    // A value just outside the top of the summaries may still reach it
    // with today's views: read a margin beyond the top.
    // The top leaves out the sum of the days' long tails; the whole table
    // (the CSV) ends with it.
    if let Some(limit) = limit {
        query = query
            .filter(day_count::Column::Value.ne(OTHER))
            .limit((limit * 5) as u64);
    }
    let mut merged: HashMap<String, (i64, i64)> = query
        .into_model::<Summed>()
        .all(&state.reads)
        .await?
        .into_iter()
        .map(|row| (row.value, (row.visitors, row.views)))
        .collect();
    for (_, folded) in live {
        for ((of, value), (visitors, views)) in &folded.counts {
            if *of == dimension {
                let entry = merged.entry(value.clone()).or_default();
                entry.0 += visitors;
                entry.1 += views;
            }
        }
    }
    let mut rows: Vec<CountRow> = merged
        .into_iter()
        .map(|(value, (visitors, views))| CountRow {
            value,
            visitors,
            views,
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.value == OTHER)
            .cmp(&(b.value == OTHER))
            .then(b.visitors.cmp(&a.visitors))
            .then(b.views.cmp(&a.views))
            .then(a.value.cmp(&b.value))
    });
    if let Some(limit) = limit {
        rows.truncate(limit);
    }
    Ok(rows)
}

/// `SUM(column)` as a 64-bit integer (PostgreSQL sums `BIGINT` into
/// `NUMERIC`).
fn summed(column: day_count::Column) -> Expr {
    Expr::expr(Func::cast_as(Func::sum(Expr::col(column)), "BIGINT"))
}

/// `GET /admin/insights.csv?table=page&from=…&to=…`: one table (or
/// `table=days`, the daily totals) in full, for administrators.
pub async fn export(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::Extension(crate::accounts::ssr::session::Auth(signed_in)): axum::Extension<
        crate::accounts::ssr::session::Auth,
    >,
    axum::extract::Query(query): axum::extract::Query<HashMap<String, String>>,
) -> axum::response::Response {
    use axum::{http::StatusCode, response::IntoResponse};

    let Some(signed_in) = signed_in else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    if !signed_in.user.has_role(crate::accounts::Role::Admin) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let (from, to) = match range(
        query.get("from").map(String::as_str),
        query.get("to").map(String::as_str),
        state.clock.now(),
    ) {
        Ok(range) => range,
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    };
    let table = query.get("table").map(String::as_str).unwrap_or_default();
    let field = crate::ssr::request::csv_field;
    let body = if table == "days" {
        match report(&state, from, to).await {
            Ok(report) => {
                let mut body =
                    String::from("day,visitors,page_views,visits,bounces,visit_seconds\r\n");
                for day in report.days {
                    let t = day.totals;
                    body.push_str(&format!(
                        "{},{},{},{},{},{}\r\n",
                        field(&day.day),
                        t.visitors,
                        t.views,
                        t.visits,
                        t.bounces,
                        t.visit_seconds
                    ));
                }
                body
            }
            Err(error) => return crate::ssr::error_status(&error),
        }
    } else {
        let Some(dimension) = Dimension::parse(table) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let rows = async {
            let (_, live) = days_of(&state, from, to).await?;
            counts(&state, dimension, from, to, &live, None).await
        };
        match rows.await {
            Ok(rows) => {
                let mut body = format!("{},visitors,views\r\n", dimension.key());
                for row in rows {
                    body.push_str(&format!(
                        "{},{},{}\r\n",
                        field(&row.value),
                        row.visitors,
                        row.views
                    ));
                }
                body
            }
            Err(error) => {
                return crate::ssr::error_status(&db_error(
                    "exporting the visit statistics",
                    error,
                ));
            }
        }
    };
    crate::ssr::request::attachment(
        body,
        "text/csv; charset=utf-8",
        &format!("insights-{table}-{from}-{to}.csv"),
    )
}
