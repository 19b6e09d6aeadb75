//! Visits, entry and exit pages, bounces and visit length, summarised once
//! a day is over; the dashboard and its CSV, for administrators only.

use serde_json::Value;
use time::Duration;

use super::recording::{FIREFOX, SAFARI_IPHONE, visit};
use crate::{
    forum::threads::{forum_admin, member},
    helpers::{TestApp, TestResult, spawn_app},
};

/// The dashboard as `who` asks for it over `from..=to`.
pub async fn report(
    who: &TestApp,
    from: &str,
    to: &str,
) -> Result<Value, Box<dyn std::error::Error>> {
    let answer = who
        .call("admin/insights", &[("from", from), ("to", to)])
        .await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    Ok(serde_json::from_str(&answer.body)?)
}

/// The administrator signed in anew (sessions end after a day unused).
async fn boss_again(app: &TestApp) -> Result<TestApp, Box<dyn std::error::Error>> {
    let boss = TestApp::visitor_of(app)?;
    let signed_in = boss.sign_in("boss", crate::helpers::PASSWORD).await?;
    assert_eq!(signed_in.error(), None, "{signed_in:?}");
    Ok(boss)
}

/// The CSV of `table` for one day, as `who` asks for it.
async fn export(who: &TestApp, table: &str, day: &str) -> reqwest::Result<reqwest::Response> {
    who.client
        .get(who.url(&format!(
            "/admin/insights.csv?table={table}&from={day}&to={day}"
        )))
        .send()
        .await
}

/// `(value, visitors, views)` of one dimension's table.
pub fn table(report: &Value, dimension: &str) -> Vec<(String, i64, i64)> {
    report["tables"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|entry| entry[0] == dimension)
        .flat_map(|entry| entry[1].as_array().cloned().unwrap_or_default())
        .map(|row| {
            (
                row["value"].as_str().unwrap_or_default().to_owned(),
                row["visitors"].as_i64().unwrap_or_default(),
                row["views"].as_i64().unwrap_or_default(),
            )
        })
        .collect()
}

fn totals(report: &Value) -> [i64; 5] {
    let t = &report["totals"];
    ["visitors", "views", "visits", "bounces", "visit_seconds"]
        .map(|key| t[key].as_i64().unwrap_or(-1))
}

/// Two visitors on the test's first day: Ada reads three pages in ten
/// minutes and comes back an hour later for one; Bob follows a link from
/// a news site to one page.
async fn one_day_of_visits(app: &TestApp) -> TestResult {
    let ada = [("user-agent", FIREFOX)];
    for path in ["/", "/forum", "/jobs"] {
        visit(app, path, &ada).await?;
        app.clock.advance(Duration::minutes(5));
    }
    visit(
        app,
        "/forum",
        &[
            ("user-agent", SAFARI_IPHONE),
            ("referer", "https://news.example.net/story"),
        ],
    )
    .await?;
    app.clock.advance(Duration::minutes(50));
    visit(app, "/privacy", &ada).await?;
    Ok(())
}

#[tokio::test]
async fn visits_are_folded_live_today_and_summarised_once_the_day_is_over() -> TestResult {
    let app = spawn_app().await?;
    let (boss, _) = forum_admin(&app).await?;
    let day = app.clock.now().date().to_string();
    one_day_of_visits(&app).await?;
    app.state
        .settings::<app::insights::recording_ssr::Recorder>()?
        .flush()
        .await;

    // Today, folded from the raw views.
    let today = report(&boss, &day, &day).await?;
    // Ada's first visit: 3 pages over 10 minutes; her second and Bob's
    // are one page each (bounces).
    assert_eq!(totals(&today), [2, 5, 3, 2, 600]);
    assert_eq!(
        table(&today, "Page"),
        [
            ("/forum".to_owned(), 2, 2),
            ("/".to_owned(), 1, 1),
            ("/jobs".to_owned(), 1, 1),
            ("/privacy".to_owned(), 1, 1)
        ]
    );
    let mut entries = table(&today, "Entry");
    entries.sort();
    assert_eq!(
        entries,
        [
            ("/".to_owned(), 1, 1),
            ("/forum".to_owned(), 1, 1),
            ("/privacy".to_owned(), 1, 1)
        ]
    );
    let mut exits = table(&today, "Exit");
    exits.sort();
    assert_eq!(
        exits,
        [
            ("/forum".to_owned(), 1, 1),
            ("/jobs".to_owned(), 1, 1),
            ("/privacy".to_owned(), 1, 1)
        ]
    );
    assert_eq!(
        table(&today, "Referrer"),
        [("news.example.net".to_owned(), 1, 1)]
    );
    assert_eq!(
        table(&today, "Device"),
        [("desktop".to_owned(), 1, 4), ("mobile".to_owned(), 1, 1)]
    );

    // The next day, the housekeeping summarises it once; the numbers stay.
    app.clock.advance(Duration::days(1));
    let counts = app::features::periodic(&app.state).await?;
    assert!(
        counts.contains(&("days of visit statistics summarised", 1)),
        "{counts:?}"
    );
    let again = app::features::periodic(&app.state).await?;
    assert!(
        again.contains(&("days of visit statistics summarised", 0)),
        "{again:?}"
    );
    let boss = boss_again(&app).await?;
    let summarised = report(&boss, &day, &day).await?;
    assert_eq!(totals(&summarised), totals(&today));
    assert_eq!(table(&summarised, "Page"), table(&today, "Page"));
    assert_eq!(table(&summarised, "Referrer"), table(&today, "Referrer"));
    // The raw views may go; the summary stays.
    app.clock.advance(Duration::days(40));
    app::features::purge(&app.state).await?;
    assert_eq!(app.count("insight_page_views").await?, 0);
    let boss = boss_again(&app).await?;
    assert_eq!(totals(&report(&boss, &day, &day).await?), [2, 5, 3, 2, 600]);
    // And the period after compares with it.
    let next = (app.clock.now().date() - Duration::days(40)).to_string();
    let after = report(&boss, &next, &next).await?;
    assert_eq!(after["previous"]["views"], 5);
    Ok(())
}

#[tokio::test]
async fn only_administrators_see_the_statistics() -> TestResult {
    let app = spawn_app().await?;
    let (boss, _) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    one_day_of_visits(&app).await?;
    let day = app.clock.now().date().to_string();
    for (who, expected) in [(&ada, "forbidden"), (&app, "unauthorized")] {
        let answer = who.call("admin/insights", &[]).await?;
        assert_eq!(
            answer.error().map(|(code, _)| code).as_deref(),
            Some(expected)
        );
        let csv = export(who, "page", &day).await?;
        assert!(
            matches!(csv.status().as_u16(), 401 | 403),
            "{}",
            csv.status()
        );
    }
    app.state
        .settings::<app::insights::recording_ssr::Recorder>()?
        .flush()
        .await;
    let csv = export(&boss, "page", &day).await?;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()?
            .starts_with("text/csv")
    );
    let body = csv.text().await?;
    assert!(
        body.starts_with("page,visitors,views\r\n\"/forum\",2,2\r\n"),
        "{body}"
    );
    let days = export(&boss, "days", &day).await?.text().await?;
    assert_eq!(
        days,
        format!(
            "day,visitors,page_views,visits,bounces,visit_seconds\r\n\"{day}\",2,5,3,2,600\r\n"
        )
    );
    Ok(())
}

#[tokio::test]
async fn a_range_must_be_dates_in_order_and_at_most_a_year() -> TestResult {
    let app = spawn_app().await?;
    let (boss, _) = forum_admin(&app).await?;
    for (from, to, message) in [
        ("2026-12-08", "2026-12-01", "must not come after"),
        ("yesterday", "2026-12-01", "YYYY-MM-DD"),
        ("2024-01-01", "2026-12-01", "at most 366 days"),
    ] {
        let answer = boss
            .call("admin/insights", &[("from", from), ("to", to)])
            .await?;
        assert_eq!(
            answer.error(),
            Some(("invalid".to_owned(), Some("from".to_owned()))),
            "{from}..{to}"
        );
        assert!(answer.body.contains(message), "{}", answer.body);
    }
    let (from, to) = ("2026-11-01", "2026-11-30");
    let month = report(&boss, from, to).await?;
    assert_eq!(month["days"].as_array().map(Vec::len), Some(30));
    Ok(())
}

/// A day's summary keeps its thousand most visited pages (and entry and
/// exit pages) and sums the rest into one "(other)" row: the dashboard's
/// top leaves it out, the CSV ends with it.
#[tokio::test]
async fn a_days_long_tail_is_summed_into_one_other_row() -> TestResult {
    use app::insights::summary_ssr::{DAY_ROWS, OTHER, summarise};
    use sea_orm::{ConnectionTrait, TransactionTrait};

    let app = spawn_app().await?;
    let (boss, _) = forum_admin(&app).await?;
    let yesterday = app.clock.now().date() - Duration::days(1);
    let at = yesterday
        .midnight()
        .assume_utc()
        .format(&time::format_description::well_known::Rfc3339)?;
    let tail = DAY_ROWS + 200;
    let txn = app.db.begin().await?;
    for (n, path) in (0..tail)
        .map(|n| format!("/forum/t/{n:05}"))
        .chain(std::iter::repeat_n("/forum".to_owned(), 3))
        .enumerate()
    {
        txn.execute_unprepared(&format!(
            "INSERT INTO insight_page_views (at, path, browser, os, device, visitor) \
             VALUES ('{at}', '{path}', 'Firefox', 'Linux', 'desktop', 'v{n}')"
        ))
        .await?;
    }
    txn.commit().await?;
    summarise(&app.db, app.clock.now()).await?;

    let day = yesterday.to_string();
    let summary = report(&boss, &day, &day).await?;
    assert_eq!(summary["totals"]["views"], tail + 3);
    let pages = table(&summary, "Page");
    assert_eq!(pages[0], ("/forum".to_owned(), 3, 3));
    assert!(pages.iter().all(|(value, ..)| value != OTHER));

    let csv = export(&boss, "page", &day).await?.text().await?;
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    // The header, the thousand kept (/forum and the first 999 of the
    // tail) and the sum of the 201 others.
    assert_eq!(lines.len(), 1 + DAY_ROWS + 1, "{csv}");
    assert_eq!(lines.last().copied(), Some("\"(other)\",201,201"));
    Ok(())
}
