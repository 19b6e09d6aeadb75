//! The monthly usage report, made once a month is over and kept as it was
//! published (`usage_report_months`), so that a report never changes
//! after people have read it.
//!
//! Every count it shows counts at least [`K`] visitors (visitor-days),
//! installs or checks. A table's smaller cells are merged into one
//! "other" row; when that row would be smaller than `K` or hold a single
//! cell, the smallest shown cells join it until it is neither. A table's
//! total is the sum of what it shows, so subtracting the shown rows from
//! it (or from a headline figure) yields the "other" row and never one
//! hidden cell. A table whose total is under `K` is left out whole.

use std::collections::BTreeSet;

use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryOrder, QuerySelect,
    Statement, Value, sea_query::OnConflict,
};
use time::{Date, Duration, Month, OffsetDateTime};

use super::{
    published::{
        MonthReport, ProductReport, PublishedTable, ReportAudience, ReportListing, Visits,
    },
    releases_ssr::product,
    usage_ssr::week_of,
};
use crate::ssr::feature::Counts;

pub mod month {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "usage_report_months")]
    pub struct Model {
        /// `2026-11`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub month: String,
        pub published_at: TimeDateTimeWithTimeZone,
        /// The [`super::MonthReport`] as JSON.
        pub body: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The smallest count a published cell shows.
pub const K: i64 = 10;
/// Rows a published table shows at most; the rest join "other".
const ROWS: usize = 20;
/// How far back the first report looks for data.
const MONTHS_BACK: i32 = 36;

/// Publishes `cells` under the k rule, or `None` when their total is
/// under [`K`].
pub fn publish_table(
    title: &str,
    column: &str,
    unit: &str,
    cells: Vec<(String, i64)>,
) -> Option<PublishedTable> {
    let cells: Vec<_> = cells.into_iter().filter(|(_, n)| *n > 0).collect();
    let total: i64 = cells.iter().map(|(_, n)| n).sum();
    if total < K {
        return None;
    }
    // The summaries' own sum of each day's long tail is "other" already.
    let (mut shown, mut hidden): (Vec<_>, Vec<_>) = cells
        .into_iter()
        .partition(|(value, n)| *n >= K && value != super::summary_ssr::OTHER);
    shown.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    while shown.len() > ROWS {
        hidden.extend(shown.pop());
    }
    if !hidden.is_empty() {
        // Complementary suppression: "other" must be at least K and more
        // than one cell, or it would give a hidden cell away.
        while hidden.iter().map(|(_, n)| n).sum::<i64>() < K || hidden.len() < 2 {
            let Some(smallest) = shown.pop() else { break };
            hidden.push(smallest);
        }
    }
    let other: i64 = hidden.iter().map(|(_, n)| n).sum();
    Some(PublishedTable {
        title: title.to_owned(),
        column: column.to_owned(),
        unit: unit.to_owned(),
        total: shown.iter().map(|(_, n)| n).sum::<i64>() + other,
        rows: shown,
        other: (!hidden.is_empty()).then_some(other),
    })
}

/// `2026-11` → its first and last day.
pub fn month_range(month: &str) -> Option<(Date, Date)> {
    let (year, number) = month.split_once('-')?;
    if year.len() != 4 || number.len() != 2 {
        return None;
    }
    let month = Month::try_from(number.parse::<u8>().ok()?).ok()?;
    let first = Date::from_calendar_date(year.parse().ok()?, month, 1).ok()?;
    let last = first.replace_day(first.month().length(first.year())).ok()?;
    Some((first, last))
}

fn month_key(day: Date) -> String {
    format!("{:04}-{:02}", day.year(), u8::from(day.month()))
}

/// `November 2026`.
pub fn month_title(first: Date) -> String {
    format!("{} {}", first.month(), first.year())
}

/// Makes and stores the report of every finished month since the first
/// with data that has none yet. Two instances doing it at once store one.
pub async fn publish_finished<C: ConnectionTrait>(
    db: &C,
    now: OffsetDateTime,
) -> Result<Counts, DbErr> {
    let this_month = now
        .date()
        .replace_day(1)
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    // The months published so far, without their bodies. Once last month
    // is among them there is nothing to do: this runs with every round of
    // the housekeeping, and must then cost one small read.
    let done: BTreeSet<String> = month::Entity::find()
        .select_only()
        .column(month::Column::Month)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let last_month = this_month - Duration::days(1);
    if done.contains(&month_key(last_month)) {
        return Ok(vec![("usage reports published", 0)]);
    }
    let Some(earliest) = earliest_data(db).await? else {
        return Ok(Counts::new());
    };
    let mut first = earliest
        .replace_day(1)
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    let limit =
        Date::from_calendar_date(this_month.year() - MONTHS_BACK / 12, this_month.month(), 1)
            .map_err(|e| DbErr::Custom(e.to_string()))?;
    first = first.max(limit);
    let mut published = 0;
    while first < this_month {
        let key = month_key(first);
        let last = first
            .replace_day(first.month().length(first.year()))
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        if !done.contains(&key) {
            let report = make(db, first, last).await?;
            let body = serde_json::to_string(&report).map_err(|e| DbErr::Custom(e.to_string()))?;
            let stored = month::Entity::insert(month::ActiveModel {
                month: Set(key),
                published_at: Set(now),
                body: Set(body),
            })
            .on_conflict(
                OnConflict::column(month::Column::Month)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
            published += stored;
        }
        first = last + Duration::days(1);
    }
    Ok(vec![("usage reports published", published)])
}

async fn earliest_data<C: ConnectionTrait>(db: &C) -> Result<Option<Date>, DbErr> {
    let mut earliest: Option<Date> = None;
    for sql in [
        "SELECT MIN(day) AS first FROM insight_days",
        "SELECT MIN(week) AS first FROM usage_reports",
        "SELECT MIN(day) AS first FROM update_check_counts",
    ] {
        let row = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await?;
        if let Some(day) =
            row.and_then(|row| row.try_get::<Option<Date>>("", "first").ok().flatten())
        {
            earliest = Some(earliest.map_or(day, |e| e.min(day)));
        }
    }
    Ok(earliest)
}

/// Runs `sql` (parameters `?1`, `?2`, …) and reads `value` and `n`.
async fn cells<C: ConnectionTrait>(
    db: &C,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<(String, i64)>, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => sql.replace('?', "$"),
        _ => sql.to_owned(),
    };
    db.query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?
        .into_iter()
        .map(|row| Ok((row.try_get("", "value")?, row.try_get("", "n")?)))
        .collect()
}

/// The report of `first..=last`.
pub async fn make<C: ConnectionTrait>(
    db: &C,
    first: Date,
    last: Date,
) -> Result<MonthReport, DbErr> {
    let range = || vec![first.into(), last.into()];
    let totals = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            match db.get_database_backend() {
                DbBackend::Postgres => TOTALS.replace('?', "$"),
                _ => TOTALS.to_owned(),
            },
            range(),
        ))
        .await?;
    let (visitor_days, views, visits) = match totals {
        Some(row) => (
            row.try_get::<Option<i64>>("", "visitors")?
                .unwrap_or_default(),
            row.try_get::<Option<i64>>("", "views")?.unwrap_or_default(),
            row.try_get::<Option<i64>>("", "visits")?
                .unwrap_or_default(),
        ),
        None => (0, 0, 0),
    };
    let visits_section = if visitor_days >= K {
        let days = day_cells(db, first, last).await?;
        // A day under K would be given away by the month's total: the
        // daily chart is shown only when no day is under K.
        let days = days.iter().all(|(_, n)| *n >= K).then_some(days);
        let mut tables = Vec::new();
        for (dimension, title, column) in [
            ("page", "Pages", "Path"),
            ("referrer", "Referring sites", "Site"),
            ("browser", "Browsers", "Browser"),
            ("os", "Operating systems", "System"),
            ("device", "Devices", "Device"),
            ("language", "Languages", "Language"),
            ("country", "Countries", "Country"),
        ] {
            let found = cells(
                db,
                "SELECT value, CAST(SUM(visitors) AS BIGINT) AS n FROM insight_day_counts \
                 WHERE dimension = ?3 AND day >= ?1 AND day <= ?2 GROUP BY value",
                vec![first.into(), last.into(), dimension.into()],
            )
            .await?;
            tables.extend(publish_table(title, column, "Visitor-days", found));
        }
        Some(Visits {
            visitor_days,
            views,
            visits,
            days,
            tables,
        })
    } else {
        None
    };
    let mut products = Vec::new();
    let week = week_of(last);
    let week = if week < first { first } else { week };
    for row in product::Entity::find()
        .order_by_asc(product::Column::Name)
        .all(db)
        .await?
    {
        let in_week = |sql: &str| {
            let sql = sql.to_owned();
            let values = vec![row.id.into(), week.into()];
            async move { cells(db, &sql, values).await }
        };
        let versions = in_week(
            "SELECT version AS value, COUNT(*) AS n FROM usage_reports WHERE product_id = ?1 AND week = ?2 GROUP BY version",
        )
        .await?;
        let installs: i64 = versions.iter().map(|(_, n)| n).sum();
        let mut tables = Vec::new();
        if installs >= K {
            tables.extend(publish_table("Versions", "Version", "Installs", versions));
            for (sql, title, column) in [
                (
                    "SELECT os AS value, COUNT(*) AS n FROM usage_reports WHERE product_id = ?1 AND week = ?2 GROUP BY os",
                    "Operating systems",
                    "System",
                ),
                (
                    "SELECT arch AS value, COUNT(*) AS n FROM usage_reports WHERE product_id = ?1 AND week = ?2 GROUP BY arch",
                    "Architectures",
                    "Architecture",
                ),
                (
                    "SELECT s.kind AS value, COUNT(*) AS n FROM usage_reports r JOIN usage_servers s ON s.report_id = r.id \
                     WHERE r.product_id = ?1 AND r.week = ?2 GROUP BY s.kind",
                    "Managed servers, installs using each type",
                    "Type",
                ),
                (
                    "SELECT p.code AS value, COUNT(*) AS n FROM usage_reports r JOIN usage_problems p ON p.report_id = r.id \
                     WHERE r.product_id = ?1 AND r.week = ?2 GROUP BY p.code",
                    "Problems, installs meeting each",
                    "Code",
                ),
            ] {
                tables.extend(publish_table(
                    title,
                    column,
                    "Installs",
                    in_week(sql).await?,
                ));
            }
        }
        let checks = cells(
            db,
            "SELECT version AS value, CAST(SUM(checks) AS BIGINT) AS n FROM update_check_counts \
             WHERE product_id = ?1 AND day >= ?2 AND day <= ?3 GROUP BY version",
            vec![row.id.into(), first.into(), last.into()],
        )
        .await?;
        tables.extend(publish_table(
            "Update checks by version",
            "Version",
            "Checks",
            checks,
        ));
        if installs >= K || !tables.is_empty() {
            products.push(ProductReport {
                name: row.name,
                week: week.to_string(),
                installs: if installs >= K { installs } else { 0 },
                tables,
            });
        }
    }
    Ok(MonthReport {
        month: month_key(first),
        title: month_title(first),
        k: K,
        visits: visits_section,
        products,
    })
}

/// The days of `first..=last` with their visitors, read as dates.
async fn day_cells<C: ConnectionTrait>(
    db: &C,
    first: Date,
    last: Date,
) -> Result<Vec<(String, i64)>, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => DAYS.replace('?', "$"),
        _ => DAYS.to_owned(),
    };
    db.query_all_raw(Statement::from_sql_and_values(
        backend,
        sql,
        vec![first.into(), last.into()],
    ))
    .await?
    .into_iter()
    .map(|row| {
        Ok((
            row.try_get::<Date>("", "value")?.to_string(),
            row.try_get("", "n")?,
        ))
    })
    .collect()
}

const TOTALS: &str = "SELECT CAST(SUM(visitors) AS BIGINT) AS visitors, CAST(SUM(views) AS BIGINT) AS views, \
                      CAST(SUM(visits) AS BIGINT) AS visits FROM insight_days WHERE day >= ?1 AND day <= ?2";
const DAYS: &str = "SELECT day AS value, visitors AS n FROM insight_days WHERE day >= ?1 AND day <= ?2 ORDER BY day";

/// Every published month, newest first.
pub async fn listing<C: ConnectionTrait>(db: &C) -> Result<Vec<ReportListing>, DbErr> {
    Ok(month::Entity::find()
        .order_by_desc(month::Column::Month)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| {
            let (first, _) = month_range(&row.month)?;
            Some(ReportListing {
                title: month_title(first),
                month: row.month,
                published_at: row.published_at.date().to_string(),
            })
        })
        .collect())
}

/// The published report of `month`, if there is one.
pub async fn stored<C: ConnectionTrait>(db: &C, month: &str) -> Result<Option<MonthReport>, DbErr> {
    let Some(row) = month::Entity::find_by_id(month.to_owned()).one(db).await? else {
        return Ok(None);
    };
    serde_json::from_str(&row.body)
        .map(Some)
        .map_err(|error| DbErr::Custom(format!("a stored usage report: {error}")))
}

/// `GET /reports/usage.atom`: the published months as an Atom feed, for
/// whoever may read the reports (a partner's feed reader sends their
/// session cookie, or nothing and is refused).
pub async fn feed(
    axum::extract::State(state): axum::extract::State<crate::ssr::AppState>,
    axum::Extension(crate::accounts::ssr::session::Auth(signed_in)): axum::Extension<
        crate::accounts::ssr::session::Auth,
    >,
) -> axum::response::Response {
    use atom_syndication::{Entry, Feed, Link, Text};
    use axum::{
        http::{HeaderValue, header},
        response::IntoResponse,
    };

    let audience = state
        .settings::<ReportAudience>()
        .copied()
        .unwrap_or(ReportAudience::Nobody);
    if let Err(error) = audience.admits(signed_in.as_ref().map(|s| &s.user)) {
        return crate::ssr::error_status(&error);
    }
    let list = match listing(&state.reads).await {
        Ok(list) => list,
        Err(error) => {
            return crate::ssr::error_status(&crate::ssr::db_error("listing usage reports", error));
        }
    };
    let base = state.site.base_url.trim_end_matches('/');
    let stamp = |day: &str| {
        chrono::DateTime::parse_from_rfc3339(&format!("{day}T00:00:00Z")).unwrap_or_default()
    };
    let entries: Vec<Entry> = list
        .iter()
        .map(|report| {
            let url = format!("{base}/reports/usage/{}", report.month);
            Entry {
                title: Text::plain(format!("Usage report, {}", report.title)),
                id: url.clone(),
                updated: stamp(&report.published_at),
                links: vec![Link {
                    href: url,
                    rel: "alternate".to_owned(),
                    mime_type: Some("text/html".to_owned()),
                    ..Default::default()
                }],
                summary: Some(Text::plain(format!(
                    "How the site and the company's products were used in {}, in counts of at least {K}.",
                    report.title
                ))),
                ..Default::default()
            }
        })
        .collect();
    let feed = Feed {
        title: Text::plain("Usage reports"),
        id: format!("{base}/reports/usage"),
        updated: list
            .first()
            .map(|r| stamp(&r.published_at))
            .unwrap_or_default(),
        links: vec![
            Link {
                href: format!("{base}/reports/usage"),
                rel: "alternate".to_owned(),
                ..Default::default()
            },
            Link {
                href: format!("{base}{}", super::published::FEED_PATH),
                rel: "self".to_owned(),
                ..Default::default()
            },
        ],
        entries,
        ..Default::default()
    };
    let cache = if audience == ReportAudience::Everyone {
        "public, max-age=3600"
    } else {
        "private, no-store"
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/atom+xml; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        feed.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(values: &[i64]) -> Vec<(String, i64)> {
        values
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("v{i}"), *n))
            .collect()
    }

    /// What anyone can learn from a published table: every shown cell is
    /// at least K, "other" is at least K and more than one cell, and the
    /// total is what is shown.
    fn assert_safe(input: &[i64]) {
        let Some(table) = publish_table("T", "C", "U", cells(input)) else {
            assert!(input.iter().sum::<i64>() < K, "{input:?} withheld");
            return;
        };
        let shown: i64 = table.rows.iter().map(|(_, n)| n).sum();
        assert!(
            table.rows.iter().all(|(_, n)| *n >= K),
            "{input:?}: {table:?}"
        );
        assert_eq!(table.total, shown + table.other.unwrap_or_default());
        assert_eq!(table.total, input.iter().filter(|n| **n > 0).sum::<i64>());
        if let Some(other) = table.other {
            assert!(other >= K, "{input:?}: {table:?}");
            let hidden = input.iter().filter(|n| **n > 0).count() - table.rows.len();
            assert!(
                hidden >= 2,
                "{input:?}: one hidden cell is the total minus the rest"
            );
        }
    }

    #[test]
    fn no_cell_under_k_is_shown_or_can_be_subtracted_back() {
        let cases: &[&[i64]] = &[
            &[],
            &[9],
            &[10],
            &[100, 3],
            &[100, 3, 4],
            &[100, 30, 3],
            &[100, 12, 11, 1],
            &[5, 5],
            &[9, 9, 9],
            &[50, 40, 30, 9, 1],
            &[10, 10, 10, 10, 1],
        ];
        for case in cases {
            assert_safe(case);
        }
        // Every table of up to four cells with counts 0..=25.
        for a in 0..=25 {
            for b in 0..=25 {
                for c in [0, 1, 9, 10, 11, 25] {
                    for d in [0, 2, 10, 40] {
                        assert_safe(&[a, b, c, d]);
                    }
                }
            }
        }
    }

    #[test]
    fn a_lone_small_cell_takes_the_smallest_shown_one_with_it() {
        let Some(table) = publish_table("T", "C", "U", cells(&[100, 30, 3])) else {
            panic!("a table of 133 is published");
        };
        assert_eq!(table.rows, [("v0".to_owned(), 100)]);
        assert_eq!(table.other, Some(33));
        assert_eq!(table.total, 133);
    }

    #[test]
    fn months_have_their_days() {
        let Some((first, last)) = month_range("2026-02") else {
            panic!("2026-02 is a month");
        };
        assert_eq!(
            (first.to_string(), last.to_string()),
            ("2026-02-01".into(), "2026-02-28".into())
        );
        assert_eq!(month_title(first), "February 2026");
        for bad in ["2026-13", "2026-1", "26-01", "2026/01", ""] {
            assert!(month_range(bad).is_none(), "{bad}");
        }
    }
}
