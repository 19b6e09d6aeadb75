//! The monthly usage report: made once a month is over, never showing a
//! count under ten nor one that can be subtracted back, readable by
//! everyone, by partners only, or by nobody, as the operator chose.

use app::insights::published_ssr::publish_finished;
use sea_orm::ConnectionTrait;
use time::{Duration, macros::date};

use crate::{
    forum::threads::member,
    helpers::{TestApp, TestResult, spawn_app, spawn_app_with},
};

/// November 2026: 30 days of 20 visitors; browsers Firefox 400, Chrome
/// 197, Lynx 3; languages en 500, de 50, fr 5, it 4 (monthly sums); and
/// the product `portal` with 11 installs on 1.1.0 and 1 on 1.0.0 in the
/// week of 30 November, all on Linux.
async fn november(app: &TestApp) -> TestResult {
    let db = &app.db;
    let mut day = date!(2026 - 11 - 01);
    while day <= date!(2026 - 11 - 30) {
        db.execute_unprepared(&format!(
            "INSERT INTO insight_days (day, visitors, views, visits, bounces, visit_seconds) \
             VALUES ('{day}', 20, 60, 25, 5, 1000)"
        ))
        .await?;
        day += Duration::days(1);
    }
    let first = |n: i64| date!(2026 - 11 - 01) + Duration::days(n);
    for (dimension, value, visitors, on) in [
        ("browser", "Firefox", 400, first(0)),
        ("browser", "Chrome", 197, first(1)),
        ("browser", "Lynx", 3, first(2)),
        ("language", "en", 500, first(0)),
        ("language", "de", 50, first(0)),
        ("language", "fr", 5, first(3)),
        ("language", "it", 4, first(4)),
    ] {
        db.execute_unprepared(&format!(
            "INSERT INTO insight_day_counts (dimension, day, value, visitors, views) \
             VALUES ('{dimension}', '{on}', '{value}', {visitors}, {visitors})"
        ))
        .await?;
    }
    let now = app
        .clock
        .now()
        .format(&time::format_description::well_known::Rfc3339)?;
    db.execute_unprepared(&format!(
        "INSERT INTO release_products (slug, name, channels, created_at) \
         VALUES ('portal', 'Portal', 'stable', '{now}')"
    ))
    .await?;
    for n in 0..12 {
        let version = if n == 0 { "1.0.0" } else { "1.1.0" };
        db.execute_unprepared(&format!(
            "INSERT INTO usage_reports (product_id, week, install, version, os, arch, last_day) \
             SELECT id, '2026-11-30', 'i{n}', '{version}', 'linux', 'x86_64', '2026-11-30' \
             FROM release_products"
        ))
        .await?;
    }
    let published = publish_finished(db, app.clock.now()).await?;
    assert_eq!(published, [("usage reports published", 1)]);
    // A second run publishes nothing more.
    assert_eq!(
        publish_finished(db, app.clock.now()).await?,
        [("usage reports published", 0)]
    );
    Ok(())
}

async fn page(app: &TestApp, path: &str) -> Result<(u16, String), Box<dyn std::error::Error>> {
    let response = app.get(path).await?;
    Ok((response.status().as_u16(), response.text().await?))
}

#[tokio::test]
async fn the_report_shows_no_count_under_ten_and_none_that_subtracts_back() -> TestResult {
    let app = spawn_app().await?;
    november(&app).await?;
    let (status, html) = page(&app, "/reports/usage").await?;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/reports/usage/2026-11\""), "{html}");
    let (status, html) = page(&app, "/reports/usage/2026-11").await?;
    assert_eq!(status, 200);
    assert!(html.contains("Usage report, November 2026"));
    let document = scraper::Html::parse_document(&html);
    let numbers = scraper::Selector::parse("td.number, .tile-value").map_err(|e| e.to_string())?;
    let values: Vec<i64> = document
        .select(&numbers)
        .map(|cell| cell.text().collect::<String>().trim().parse::<i64>())
        .collect::<Result<_, _>>()?;
    assert!(!values.is_empty());
    assert!(values.iter().all(|n| *n >= 10), "{values:?}");
    // Lynx (3) alone would be Chrome + Firefox's total minus the rest:
    // Chrome joins it in "Other". fr and it (9 together) take de along.
    for hidden in ["Lynx", "Chrome", ">fr<", ">it<", ">de<", "1.0.0"] {
        assert!(!html.contains(hidden), "{hidden} is shown");
    }
    for (shown, row) in [("Firefox", 400), ("Other", 200), ("en", 500), ("Other", 59)] {
        assert!(html.contains(&format!(">{shown}<")), "{shown} missing");
        assert!(values.contains(&row), "{row} missing from {values:?}");
    }
    // Twelve installs are shown as a whole, the versions only as Other.
    assert!(html.contains("12 installs reported in the week of 2026-11-30"));
    // Every day had 20 visitors: the daily chart is there.
    assert!(html.contains("Visitors per day"));

    let feed = app.get("/reports/usage.atom").await?;
    assert_eq!(feed.status(), 200);
    assert_eq!(
        feed.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/atom+xml; charset=utf-8")
    );
    let xml = feed.text().await?;
    assert!(
        xml.contains("<title>Usage report, November 2026</title>"),
        "{xml}"
    );
    assert!(xml.contains("/reports/usage/2026-11"));
    assert_eq!(page(&app, "/reports/usage/2026-10").await?.0, 404);
    assert_eq!(page(&app, "/reports/usage/nonsense").await?.0, 404);
    Ok(())
}

#[tokio::test]
async fn a_report_for_partners_is_refused_to_everyone_else() -> TestResult {
    let app = spawn_app_with(&[("PORTAL_USAGE_REPORT", "partners")]).await?;
    november(&app).await?;
    assert_eq!(page(&app, "/reports/usage/2026-11").await?.0, 401);
    assert_eq!(app.get("/reports/usage.atom").await?.status(), 401);
    let ada = member(&app, "ada").await?;
    assert_eq!(page(&ada, "/reports/usage/2026-11").await?.0, 403);
    assert_eq!(ada.get("/reports/usage.atom").await?.status(), 403);
    let bea = member(&app, "bea").await?;
    app.grant("bea", "partner").await?;
    let (status, html) = page(&bea, "/reports/usage/2026-11").await?;
    assert_eq!(status, 200);
    assert!(html.contains("Usage report, November 2026"));
    assert_eq!(bea.get("/reports/usage.atom").await?.status(), 200);
    Ok(())
}

#[tokio::test]
async fn with_reports_off_none_is_made_or_shown() -> TestResult {
    let app = spawn_app_with(&[("PORTAL_USAGE_REPORT", "off")]).await?;
    app.db
        .execute_unprepared("INSERT INTO insight_days VALUES ('2026-11-02', 50, 50, 50, 0, 0)")
        .await?;
    // The housekeeping's periodic work makes no report.
    app::features::periodic(&app.state).await?;
    assert_eq!(app.count("usage_report_months").await?, 0);
    assert_eq!(page(&app, "/reports/usage").await?.0, 404);
    assert_eq!(app.get("/reports/usage.atom").await?.status(), 404);
    Ok(())
}

/// `portal seed` makes page views as the recorder would, and runs the
/// housekeeping on them: the days that are over summarised, raw views past
/// their retention gone, and last month's report published.
#[tokio::test]
async fn seeded_statistics_fill_the_dashboard_and_last_months_report() -> TestResult {
    let app = spawn_app().await?;
    let plan = server::seed::Plan {
        posts: 300,
        members: 20,
        categories: 2,
        jobs: 2,
        page_views: 6_000,
        keep_days: 30,
        random_seed: 3,
    };
    let seeded = server::seed::seed(&app.db, app.clock.now(), plan).await?;
    assert_eq!(seeded.page_views, 6_000);
    let oldest_view: time::OffsetDateTime =
        one(&app, "SELECT MIN(at) AS v FROM insight_page_views").await?;
    assert!(oldest_view >= app.clock.now() - Duration::days(30));
    let summarised: i64 = one(&app, "SELECT COUNT(*) AS v FROM insight_days").await?;
    assert!(summarised >= 60, "{summarised} days summarised");

    let (status, html) = page(&app, "/reports/usage/2026-11").await?;
    assert_eq!(status, 200);
    for table in ["Pages", "Browsers", "Countries", "Languages"] {
        assert!(html.contains(table), "no {table} in the report");
    }
    let (boss, _) = crate::forum::threads::forum_admin(&app).await?;
    let report = super::dashboard::report(&boss, "2026-11-01", "2026-11-30").await?;
    let countries = super::dashboard::table(&report, "Country");
    assert!(countries.len() > 5, "{countries:?}");
    assert!(report["totals"]["visitors"].as_i64().unwrap_or_default() > 100);
    Ok(())
}

/// The column `v` of the one row `sql` returns.
async fn one<T: sea_orm::TryGetable>(
    app: &TestApp,
    sql: &str,
) -> Result<T, Box<dyn std::error::Error>> {
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            sql,
        ))
        .await?
        .ok_or("no row")?;
    Ok(row.try_get::<T>("", "v")?)
}
