//! The retention rules of the data manifest that the purge enforces, each
//! checked on the test clock: kept until its time, gone after it, and
//! counted by kind (as `portal purge` prints them).

use time::Duration;

use crate::{
    forum::threads::{NOT_HELD, forum_admin, member, moderator, reply, start_thread},
    helpers::{PASSWORD, TestApp, TestResult, spawn_app, spawn_app_with},
};

/// Runs the purge and returns how many of `kind` it deleted.
pub async fn purged(app: &TestApp, kind: &str) -> Result<u64, Box<dyn std::error::Error>> {
    let counts = app::features::purge(&app.state).await?;
    Ok(counts
        .iter()
        .filter(|(what, _)| *what == kind)
        .map(|(_, n)| n)
        .sum())
}

#[tokio::test]
async fn mailed_links_go_a_week_after_they_were_used_or_expired() -> TestResult {
    let app = spawn_app().await?;
    // The confirmation link, used.
    app.signed_in_member("ferris", "ferris@example.org").await?;
    // A reset link, never used (it expires after an hour).
    app.call(
        "account/forgot-password",
        &[("email", "ferris@example.org")],
    )
    .await?;
    assert_eq!(app.count("account_tokens").await?, 2);

    app.clock.advance(Duration::days(6));
    assert_eq!(purged(&app, "used or expired mailed links").await?, 0);
    assert_eq!(app.count("account_tokens").await?, 2);
    app.clock.advance(Duration::days(2));
    assert_eq!(purged(&app, "used or expired mailed links").await?, 2);
    assert_eq!(app.count("account_tokens").await?, 0);
    // The account itself is untouched, and signs in.
    assert_eq!(app.sign_in("ferris", PASSWORD).await?.error(), None);
    Ok(())
}

#[tokio::test]
async fn notifications_go_90_days_after_being_read_and_after_a_year_at_most() -> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ferris = member(&app, "ferris").await?;
    let corro = member(&app, "corro").await?;
    let thread = start_thread(&ferris, general, "Crabs", "Ferris was here.").await?;
    reply(&corro, thread.thread, "First reply.").await?;
    reply(&corro, thread.thread, "Second reply.").await?;
    assert_eq!(app.count("notifications").await?, 2);
    // Ferris reads one of them.
    {
        use sea_orm::{ConnectionTrait, Statement};
        app.db
            .execute_raw(Statement::from_sql_and_values(
                app.db.get_database_backend(),
                match app.db.get_database_backend() {
                    sea_orm::DbBackend::Postgres => {
                        "UPDATE notifications SET read_at = $1 WHERE id = (SELECT MIN(id) FROM notifications)"
                    }
                    _ => {
                        "UPDATE notifications SET read_at = ? WHERE id = (SELECT MIN(id) FROM notifications)"
                    }
                },
                [app.clock.now().into()],
            ))
            .await?;
    }

    app.clock.advance(Duration::days(89));
    assert_eq!(purged(&app, "old notifications").await?, 0);
    app.clock.advance(Duration::days(2));
    assert_eq!(purged(&app, "old notifications").await?, 1, "the read one");
    app.clock.advance(Duration::days(273));
    assert_eq!(purged(&app, "old notifications").await?, 0);
    app.clock.advance(Duration::days(2));
    assert_eq!(
        purged(&app, "old notifications").await?,
        1,
        "the unread one"
    );
    assert_eq!(app.count("notifications").await?, 0);
    Ok(())
}

#[tokio::test]
async fn a_closed_report_forgets_who_filed_it_after_180_days_and_ended_sanctions_go_after_a_year()
-> TestResult {
    let app = spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ferris = member(&app, "ferris").await?;
    let corro = member(&app, "corro").await?;
    let maud = moderator(&app, "maud").await?;
    let post = start_thread(&ferris, general, "Buy now", "Cheap crabs.")
        .await?
        .post;
    let reported = corro
        .call(
            "forum/report",
            &[
                ("post", &post.to_string()),
                ("reason", "spam"),
                ("note", "An advert."),
            ],
        )
        .await?;
    assert_eq!(reported.error(), None, "{reported:?}");
    let report: i64 = {
        use app::moderation::ssr::report;
        use sea_orm::EntityTrait;
        report::Entity::find()
            .one(&app.db)
            .await?
            .ok_or("no report")?
            .id
    };
    // An open report keeps its flags however old it is.
    app.clock.advance(Duration::days(200));
    assert_eq!(purged(&app, "reporters of closed reports").await?, 0);
    let maud = {
        assert_eq!(maud.sign_in("maud", PASSWORD).await?.error(), None);
        maud
    };
    let resolved = maud
        .call(
            "moderation/resolve",
            &[("report", &report.to_string()), ("conclusion", "Spam.")],
        )
        .await?;
    assert_eq!(resolved.error(), None, "{resolved:?}");
    for (username, kind, days) in [("ferris", "suspension", "7"), ("corro", "ban", "")] {
        let sanctioned = maud
            .call(
                "moderation/sanction",
                &[
                    ("username", username),
                    ("kind", kind),
                    ("days", days),
                    ("reason", "Spam."),
                ],
            )
            .await?;
        assert_eq!(sanctioned.error(), None, "{sanctioned:?}");
    }

    app.clock.advance(Duration::days(179));
    assert_eq!(purged(&app, "reporters of closed reports").await?, 0);
    app.clock.advance(Duration::days(2));
    assert_eq!(purged(&app, "reporters of closed reports").await?, 1);
    assert_eq!(app.count("forum_report_flags").await?, 0);
    assert_eq!(app.count("forum_reports").await?, 1, "the report stays");

    // The suspension ended 7 days after it began, 181 days ago.
    app.clock.advance(Duration::days(7 + 365 - 181 - 1));
    assert_eq!(purged(&app, "ended sanctions").await?, 0);
    app.clock.advance(Duration::days(2));
    assert_eq!(purged(&app, "ended sanctions").await?, 1);
    assert_eq!(app.count("member_sanctions").await?, 1, "the ban stays");
    Ok(())
}

#[test]
fn the_manifest_states_the_periods_the_purges_use() {
    use app::privacy::manifest::{Class, Retention, lookup};
    let retention = |table: &str, column: &str| match lookup(table, column).map(|c| c.class) {
        Some(Class::Personal(field)) => field.retention.to_string(),
        _ => String::new(),
    };
    assert_eq!(
        retention("account_tokens", "token_hash"),
        Retention::DaysAfter(
            u32::try_from(app::accounts::ssr::KEEP_SPENT_LINKS.whole_days()).unwrap_or(0),
            "the link is used or expires"
        )
        .to_string()
    );
    assert!(retention("notifications", "kind").starts_with(&format!(
        "{} days after you read it",
        app::forum::ssr::KEEP_READ.whole_days()
    )));
    assert!(
        retention("forum_report_flags", "reporter_id").contains(&format!(
            "{} days after moderators close",
            app::moderation::ssr::KEEP_FLAGS.whole_days()
        ))
    );
    assert_eq!(app::moderation::ssr::KEEP_SANCTIONS.whole_days(), 365);
    assert!(retention("member_sanctions", "kind").starts_with("until a year after"));
}
