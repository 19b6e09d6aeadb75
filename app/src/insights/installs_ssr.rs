//! The queries behind `/admin/insights/installs`. Each reads one
//! product's rows through the `(product_id, week, install)` index of
//! `usage_reports` or the primary key of `update_check_counts`.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryOrder, Statement, Value};
use time::{Date, Duration, OffsetDateTime};

use super::{
    installs::{InstallReport, Row, VERSION_COLUMNS, Week},
    releases_ssr::product,
    usage_ssr::week_of,
};
use crate::{error::AppError, ssr::db_error};

/// Days of update checks the dashboard sums.
const CHECK_DAYS: i64 = 30;

pub async fn installs<C: ConnectionTrait>(
    db: &C,
    wanted: Option<&str>,
    weeks: i64,
    now: OffsetDateTime,
) -> Result<InstallReport, AppError> {
    let failed = |error| db_error("reading the installs", error);
    let products = product::Entity::find()
        .order_by_asc(product::Column::Name)
        .all(db)
        .await
        .map_err(failed)?;
    let chosen = products
        .iter()
        .find(|row| Some(row.slug.as_str()) == wanted)
        .or(products.first());
    let mut report = InstallReport {
        products: products
            .iter()
            .map(|row| (row.slug.clone(), row.name.clone()))
            .collect(),
        product: chosen.map(|row| (row.slug.clone(), row.name.clone())),
        versions: Vec::new(),
        weeks: Vec::new(),
        week: None,
        systems: Vec::new(),
        architectures: Vec::new(),
        servers: Vec::new(),
        problems: Vec::new(),
        checks: Vec::new(),
    };
    let Some(chosen) = chosen else {
        return Ok(report);
    };
    let id = chosen.id;
    let this_week = week_of(now.date());
    let first = this_week - Duration::weeks(weeks - 1);
    let by_week = rows(
        db,
        "SELECT week, version AS value, COUNT(*) AS n, CAST(0 AS BIGINT) AS total FROM usage_reports \
         WHERE product_id = ?1 AND week >= ?2 GROUP BY week, version",
        [id.into(), first.into()],
        true,
    )
    .await
    .map_err(failed)?;
    weekly(&mut report, first, weeks, &by_week);
    let Some(latest) = by_week.iter().filter_map(|(week, _)| *week).max() else {
        report.checks = checks(db, id, now).await.map_err(failed)?;
        return Ok(report);
    };
    report.week = Some(latest.to_string());
    let in_week = |sql: &'static str| rows(db, sql, [id.into(), latest.into()], false);
    report.systems = plain(
        in_week(
            "SELECT os AS value, COUNT(*) AS n, COUNT(*) AS total FROM usage_reports \
             WHERE product_id = ?1 AND week = ?2 GROUP BY os",
        )
        .await
        .map_err(failed)?,
    );
    report.architectures = plain(
        in_week(
            "SELECT arch AS value, COUNT(*) AS n, COUNT(*) AS total FROM usage_reports \
             WHERE product_id = ?1 AND week = ?2 GROUP BY arch",
        )
        .await
        .map_err(failed)?,
    );
    report.servers = plain(
        in_week(
            "SELECT s.kind AS value, COUNT(*) AS n, CAST(SUM(s.servers) AS BIGINT) AS total \
             FROM usage_reports r JOIN usage_servers s ON s.report_id = r.id \
             WHERE r.product_id = ?1 AND r.week = ?2 GROUP BY s.kind",
        )
        .await
        .map_err(failed)?,
    );
    report.problems = plain(
        in_week(
            "SELECT p.code AS value, COUNT(*) AS n, CAST(SUM(p.occurrences) AS BIGINT) AS total \
             FROM usage_reports r JOIN usage_problems p ON p.report_id = r.id \
             WHERE r.product_id = ?1 AND r.week = ?2 GROUP BY p.code",
        )
        .await
        .map_err(failed)?,
    );
    report.checks = checks(db, id, now).await.map_err(failed)?;
    Ok(report)
}

/// Update checks of the last [`CHECK_DAYS`] days by version.
async fn checks<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: OffsetDateTime,
) -> Result<Vec<Row>, DbErr> {
    let since = now.date() - Duration::days(CHECK_DAYS - 1);
    let found = rows(
        db,
        "SELECT version AS value, CAST(SUM(checks) AS BIGINT) AS n, CAST(0 AS BIGINT) AS total \
         FROM update_check_counts WHERE product_id = ?1 AND day >= ?2 GROUP BY version",
        [id.into(), since.into()],
        false,
    )
    .await?;
    Ok(plain(found))
}

type Found = Vec<(Option<Date>, Row)>;

/// Runs `sql` (parameters `?1`, `?2`) and reads `value`, `n` and `total`,
/// and `week` when `with_week`.
async fn rows<C: ConnectionTrait>(
    db: &C,
    sql: &str,
    values: [Value; 2],
    with_week: bool,
) -> Result<Found, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => sql.replace('?', "$"),
        _ => sql.to_owned(),
    };
    let found = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    found
        .into_iter()
        .map(|row| {
            let week = if with_week {
                Some(row.try_get::<Date>("", "week")?)
            } else {
                None
            };
            Ok((
                week,
                Row {
                    value: row.try_get("", "value")?,
                    count: row.try_get("", "n")?,
                    total: row.try_get("", "total")?,
                },
            ))
        })
        .collect()
}

/// The rows, most first (then by value).
fn plain(found: Found) -> Vec<Row> {
    let mut rows: Vec<Row> = found.into_iter().map(|(_, row)| row).collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    rows
}

/// Fills the weeks and the version columns: the [`VERSION_COLUMNS`]
/// versions with the most installs over the range, the rest summed as
/// `other versions`.
fn weekly(report: &mut InstallReport, first: Date, weeks: i64, found: &Found) {
    let mut per_version: HashMap<&str, i64> = HashMap::new();
    for (_, row) in found {
        *per_version.entry(row.value.as_str()).or_default() += row.count;
    }
    let mut versions: Vec<(&str, i64)> = per_version.into_iter().collect();
    versions.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let more = versions.len() > VERSION_COLUMNS;
    versions.truncate(VERSION_COLUMNS);
    report.versions = versions.iter().map(|(v, _)| (*v).to_owned()).collect();
    if more {
        report.versions.push(OTHER_VERSIONS.to_owned());
    }
    let columns = report.versions.len();
    report.weeks = (0..weeks)
        .map(|n| {
            let week = first + Duration::weeks(n);
            let mut by_version = vec![0; columns];
            let mut installs = 0;
            for (_, row) in found.iter().filter(|(w, _)| *w == Some(week)) {
                installs += row.count;
                let column = versions
                    .iter()
                    .position(|(v, _)| *v == row.value)
                    .unwrap_or(columns.saturating_sub(1));
                if let Some(cell) = by_version.get_mut(column) {
                    *cell += row.count;
                }
            }
            Week {
                week: week.to_string(),
                installs,
                by_version,
            }
        })
        .collect();
}

/// The column of the versions without one of their own.
pub const OTHER_VERSIONS: &str = "other versions";

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn found(rows: &[(Date, &str, i64)]) -> Found {
        rows.iter()
            .map(|(week, value, n)| {
                (
                    Some(*week),
                    Row {
                        value: (*value).to_owned(),
                        count: *n,
                        total: 0,
                    },
                )
            })
            .collect()
    }

    fn empty() -> InstallReport {
        InstallReport {
            products: Vec::new(),
            product: None,
            versions: Vec::new(),
            weeks: Vec::new(),
            week: None,
            systems: Vec::new(),
            architectures: Vec::new(),
            servers: Vec::new(),
            problems: Vec::new(),
            checks: Vec::new(),
        }
    }

    #[test]
    fn weeks_without_reports_are_zero_and_small_versions_are_summed() {
        let first = date!(2026 - 11 - 16);
        let mut rows = vec![(date!(2026 - 11 - 30), "1.0.0", 50)];
        let names: Vec<String> = (1..=9).map(|n| format!("2.{n}.0")).collect();
        for (n, name) in names.iter().enumerate() {
            rows.push((date!(2026 - 11 - 30), name.as_str(), 10 - n as i64));
        }
        let mut report = empty();
        weekly(&mut report, first, 3, &found(&rows));
        assert_eq!(report.versions.len(), VERSION_COLUMNS + 1);
        assert_eq!(report.versions[0], "1.0.0");
        assert_eq!(
            report.versions.last().map(String::as_str),
            Some(OTHER_VERSIONS)
        );
        assert_eq!(report.weeks.len(), 3);
        assert_eq!(report.weeks[0].installs, 0);
        assert_eq!(report.weeks[0].by_version.iter().sum::<i64>(), 0);
        let last = &report.weeks[2];
        assert_eq!(last.installs, 50 + (2..=10).sum::<i64>());
        assert_eq!(last.by_version.iter().sum::<i64>(), last.installs);
        // The two smallest versions (2.8.0 with 3 installs, 2.9.0 with 2)
        // share the last column.
        assert_eq!(last.by_version[VERSION_COLUMNS], 3 + 2);
    }
}
