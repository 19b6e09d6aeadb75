//! The hot pages' queries, on a seeded forum: every one is served by an
//! index on both back ends (its plan has no full scan of a table that
//! grows with the community), and each page issues a small, fixed number
//! of queries however many rows it lists (no query per row).

use std::sync::{Arc, Mutex};

use app::{
    forum::{CategoryId, Start, ThreadId},
    ssr::AppState,
};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};

use crate::helpers::{TestResult, spawn_app, spawn_app_observed};

/// Tables that grow with the community; a full scan of any is a defect.
const LARGE: &[&str] = &[
    "accounts",
    "forum_posts",
    "forum_threads",
    "forum_reads",
    "forum_reports",
    "notifications",
    "sessions",
    "jobs",
    "job_applications",
    "cla_signatures",
    "consents",
    "account_tokens",
    "forum_post_revisions",
    "forum_report_flags",
    "mail_outbox",
    "mail_subscribers",
    "mail_list_subscriptions",
    "mail_list_unsubscribe_tokens",
    "data_archives",
    "insight_page_views",
    "insight_day_counts",
    "insight_days",
    "usage_reports",
    "usage_servers",
    "usage_problems",
    "update_check_counts",
];

type Captured = Arc<Mutex<Vec<Statement>>>;

/// A copy of the state whose two pools record every statement they run.
fn recording(state: &AppState) -> (AppState, Captured) {
    let mut state = state.clone();
    let captured: Captured = Arc::default();
    for db in [&mut state.db, &mut state.reads] {
        let captured = Arc::clone(&captured);
        db.set_metric_callback(move |info| {
            if let Ok(mut seen) = captured.lock() {
                seen.push(info.statement.clone());
            }
        });
    }
    (state, captured)
}

fn take(captured: &Captured) -> Vec<Statement> {
    captured
        .lock()
        .map(|mut seen| std::mem::take(&mut *seen))
        .unwrap_or_default()
}

/// The full scans of large tables in the plan of `statement`.
async fn full_scans(
    db: &sea_orm::DatabaseConnection,
    statement: &Statement,
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let values = statement
        .values
        .clone()
        .map(|values| values.0)
        .unwrap_or_default();
    let backend = db.get_database_backend();
    let tx = db.begin().await?;
    let (explain, column) = match backend {
        DbBackend::Postgres => {
            // Small test tables would be read whole anyway; with sequential
            // scans priced out, one shows up only when no index can serve.
            tx.execute_unprepared("SET LOCAL enable_seqscan = off")
                .await?;
            (format!("EXPLAIN {}", statement.sql), "QUERY PLAN")
        }
        _ => (format!("EXPLAIN QUERY PLAN {}", statement.sql), "detail"),
    };
    let rows = tx
        .query_all_raw(Statement::from_sql_and_values(backend, explain, values))
        .await?;
    tx.rollback().await?;
    let mut scans = Vec::new();
    for row in rows {
        let line: String = row.try_get("", column)?;
        let bad = LARGE.iter().any(|table| match backend {
            DbBackend::Postgres => line.contains(&format!("Seq Scan on {table} ")),
            _ => {
                line.starts_with(&format!("SCAN {table}"))
                    && !line.contains("VIRTUAL TABLE")
                    && (line.len() == 5 + table.len() || line[5 + table.len()..].starts_with(' '))
            }
        });
        if bad {
            scans.push(format!("{line}   <- {}", statement.sql));
        }
    }
    Ok(scans)
}

/// Fails on a full scan in any `SELECT` of `statements`, which must have
/// read `table`.
async fn assert_selects_use_indexes(
    db: &sea_orm::DatabaseConnection,
    statements: &[Statement],
    table: &str,
) -> TestResult {
    assert!(
        statements.iter().any(|s| s.sql.contains(table)),
        "nothing read {table}"
    );
    let mut scans = Vec::new();
    for statement in statements
        .iter()
        .filter(|s| s.sql.trim_start().to_uppercase().starts_with("SELECT"))
    {
        scans.extend(full_scans(db, statement).await?);
    }
    assert!(scans.is_empty(), "full scans:\n{}", scans.join("\n"));
    Ok(())
}

async fn seeded_app() -> Result<crate::helpers::TestApp, Box<dyn std::error::Error>> {
    let app = spawn_app().await?;
    let plan = server::seed::Plan {
        posts: 3_000,
        members: 200,
        categories: 4,
        jobs: 10,
        page_views: 3_000,
        keep_days: 30,
        random_seed: 7,
    };
    server::seed::seed(&app.db, app.clock.now(), plan).await?;
    Ok(app)
}

#[tokio::test]
async fn every_query_of_the_forum_jobs_and_search_pages_uses_an_index() -> TestResult {
    let app = seeded_app().await?;
    let (state, captured) = recording(&app.state);
    let member = app::accounts::CurrentUser {
        id: 3,
        username: "member000003".to_owned(),
        email_verified: true,
        roles: Vec::new(),
    };

    app::forum::ssr::categories(&state.reads).await?;
    let first =
        app::forum::ssr::category_page(&state, None, CategoryId(1), 1, Start::Number).await?;
    let seek = first.seek.ok_or("no seek")?;
    app::forum::ssr::category_page(&state, None, CategoryId(1), 2, Start::Before(&seek.last))
        .await?;
    app::forum::ssr::category_page(&state, None, CategoryId(1), 1, Start::After(&seek.last))
        .await?;
    app::forum::ssr::category_page(&state, None, CategoryId(1), 30, Start::Number).await?;
    app::forum::ssr::category_page(&state, Some(&member), CategoryId(2), 1, Start::Number).await?;
    app::forum::ssr::thread_page(&state, None, ThreadId(1), 1, None).await?;
    app::forum::ssr::thread_page(&state, None, ThreadId(1), 25, None).await?;
    app::forum::ssr::thread_page(&state, Some(&member), ThreadId(1), 2, None).await?;
    app::forum::ssr::search(&state, server::seed::RARE_WORD, 1).await?;
    app::jobs::ssr::open_jobs(&state.reads, &state.clock).await?;

    let statements = take(&captured);
    assert!(statements.len() > 10, "{statements:?}");
    let mut scans = Vec::new();
    for statement in statements
        .iter()
        .filter(|s| s.sql.trim_start().to_uppercase().starts_with("SELECT"))
    {
        scans.extend(full_scans(&app.db, statement).await?);
    }
    assert!(scans.is_empty(), "full scans:\n{}", scans.join("\n"));
    Ok(())
}

/// The first link in `page` that starts with `prefix`.
fn first_link(page: &str, prefix: &str) -> Result<String, String> {
    let start = page
        .find(&format!("href=\"{prefix}"))
        .ok_or_else(|| format!("no link to {prefix}"))?
        + "href=\"".len();
    let end = page[start..].find('"').ok_or("an unclosed link")? + start;
    Ok(page[start..end].to_owned())
}

/// Every statement of a whole request for each public page, session,
/// menus and notices included, with the page cache off: at most three for
/// a visitor, and for a signed-in member two more and what is theirs.
#[tokio::test]
async fn a_whole_request_for_a_public_page_runs_at_most_three_queries() -> TestResult {
    let captured: Captured = Arc::default();
    let observer: server::startup::StatementObserver = {
        let captured = Arc::clone(&captured);
        Arc::new(move |statement: &Statement| {
            if let Ok(mut seen) = captured.lock() {
                seen.push(statement.clone());
            }
        })
    };
    let app = spawn_app_observed(&[("PORTAL_PAGE_CACHE_SECONDS", "0")], Some(observer)).await?;
    let plan = server::seed::Plan {
        posts: 600,
        members: 50,
        categories: 3,
        jobs: 5,
        page_views: 0,
        keep_days: 30,
        random_seed: 7,
    };
    server::seed::seed(&app.db, app.clock.now(), plan).await?;
    let forum = app.get("/forum").await?.text().await?;
    let category = first_link(&forum, "/forum/c/")?;
    let threads = app.get(&category).await?.text().await?;
    let thread = first_link(&threads, "/forum/t/")?;
    let jobs = app.get("/jobs").await?.text().await?;
    let job = first_link(&jobs, "/jobs/1")?;
    let pages = [
        ("home", "/".to_owned()),
        ("forum", "/forum".to_owned()),
        ("category", category),
        ("thread", thread),
        (
            "search",
            format!("/forum/search?q={}", server::seed::RARE_WORD),
        ),
        ("jobs", "/jobs".to_owned()),
        ("job", job),
        ("contribute", "/contribute".to_owned()),
        ("privacy", "/privacy".to_owned()),
        ("sign-in", "/account/sign-in".to_owned()),
        ("register", "/account/register".to_owned()),
    ];
    let mut counts = Vec::new();
    for as_member in [false, true] {
        if as_member {
            app.signed_in_member("counter", "counter@example.org")
                .await?;
        }
        for (name, path) in &pages {
            // Twice: the first may write what a visit writes once (a
            // member's session is noted as used every few minutes).
            for _ in 0..2 {
                take(&captured);
                let page = app.get(path).await?;
                assert_eq!(page.status(), 200, "{path}");
                page.text().await?;
            }
            let statements: Vec<String> = take(&captured).into_iter().map(|s| s.sql).collect();
            counts.push((*name, as_member, statements));
        }
    }
    let report: Vec<String> = counts
        .iter()
        .map(|(name, member, statements)| {
            let who = if *member { "member" } else { "visitor" };
            format!(
                "{name} ({who}): {}\n    {}",
                statements.len(),
                statements.join("\n    ")
            )
        })
        .collect();
    eprintln!("{}", report.join("\n"));
    // A member's request adds the session (with the roles) and the check
    // that they accepted the policy in force, and on some pages what is
    // theirs: which threads they read, whether they may post (a sanction,
    // whether their posts are still held), the thread's posts they see
    // (their own held ones too), the read mark written; on /contribute
    // their agreements and linked GitHub account.
    let theirs = |name: &str| match name {
        "category" => 3,
        "thread" => 5,
        "contribute" => 3,
        _ => 0,
    };
    for (name, member, statements) in &counts {
        let visitor = counts
            .iter()
            .find(|(other, as_member, _)| other == name && !as_member)
            .map_or(0, |(_, _, statements)| statements.len());
        let most = if *member {
            visitor + 2 + theirs(name)
        } else {
            3
        };
        assert!(
            statements.len() <= most,
            "{name} took {} statements:\n{}",
            statements.len(),
            report.join("\n")
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_page_issues_the_same_few_queries_however_many_rows_it_lists() -> TestResult {
    let app = seeded_app().await?;
    let (state, captured) = recording(&app.state);

    app::forum::ssr::categories(&state.reads).await?;
    let index = take(&captured).len();
    let page =
        app::forum::ssr::category_page(&state, None, CategoryId(1), 1, Start::Number).await?;
    let category = take(&captured).len();
    let thread = app::forum::ssr::thread_page(&state, None, ThreadId(1), 1, None).await?;
    let thread_queries = take(&captured).len();

    assert_eq!(page.threads.len(), 25, "a full page of threads");
    assert_eq!(thread.posts.len(), 20, "a full page of posts");
    assert_eq!(index, 1, "the forum index");
    assert!(category <= 5, "a category page took {category} queries");
    // A visitor's thread page reads the thread with its category, then
    // the page of posts with their authors' names; the count of public
    // posts is the thread's own.
    assert_eq!(
        thread_queries, 2,
        "a thread page took {thread_queries} queries"
    );
    let public: i64 = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM forum_posts WHERE thread_id = 1 \
             AND approved_at IS NOT NULL AND hidden_at IS NULL AND deleted_at IS NULL",
        ))
        .await?
        .ok_or("no row")?
        .try_get("", "n")?;
    assert_eq!(
        thread.paging,
        app::forum::Paging::of(1, u64::try_from(public)?, app::forum::POSTS_PER_PAGE)
    );
    Ok(())
}

#[tokio::test]
async fn a_search_for_a_word_nearly_every_post_has_stops_counting_at_the_bound() -> TestResult {
    let app = seeded_app().await?;
    let (state, captured) = recording(&app.state);
    let results = app::forum::ssr::search(&state, "release", 1).await?;
    assert_eq!(results.total, app::forum::SEARCH_MATCHES_AT_MOST);
    assert_eq!(results.hits.len(), 20);
    // The counter of public changes, the newest matches with their
    // weights, then the page's snippets, threads and authors.
    let queries = take(&captured).len();
    assert_eq!(queries, 3, "a search took {queries} queries");
    // The next page weighs nothing again.
    let last = app::forum::ssr::search(&state, "release", 50).await?;
    let queries = take(&captured).len();
    assert_eq!(queries, 2, "the next page took {queries} queries");
    assert_eq!(last.paging.number, 50);
    assert_eq!(last.hits.len(), 20);
    assert!(
        last.hits
            .iter()
            .all(|hit| results.hits.iter().all(|first| first.post != hit.post)),
        "the last page repeats the first"
    );
    let rare = app::forum::ssr::search(&app.state, server::seed::RARE_WORD, 1).await?;
    assert!(rare.total > 0 && rare.total < app::forum::SEARCH_MATCHES_AT_MOST);
    Ok(())
}

/// PostgreSQL reads a word's newest matches from the newest posts first;
/// a word found only in the oldest posts, far below the newest id, is
/// still found whole, in two statements.
#[tokio::test]
async fn a_search_looks_at_the_newest_posts_first_and_still_finds_the_oldest() -> TestResult {
    let app = seeded_app().await?;
    if app.db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let expected = app::forum::ssr::search(&app.state, server::seed::RARE_WORD, 1)
        .await?
        .total;
    assert!(expected > 0);
    // A newest post a hundred million ids above the rest.
    app.db
        .execute_unprepared(
            "INSERT INTO forum_posts (id, thread_id, author_id, body, body_html, created_at, \
             approved_at) SELECT 100000000, thread_id, author_id, 'A late word.', NULL, \
             created_at, approved_at FROM forum_posts WHERE id = 1; \
             INSERT INTO forum_search (post_id, title, body) VALUES (100000000, 'Late', 'A late word.'); \
             UPDATE public_generation SET generation = generation + 1 WHERE id = 1",
        )
        .await?;
    let (state, captured) = recording(&app.state);
    let rare = app::forum::ssr::search(&state, server::seed::RARE_WORD, 1).await?;
    assert_eq!(rare.total, expected, "every match, however old");
    let searches = take(&captured)
        .iter()
        .filter(|s| s.sql.contains("@@ query"))
        .count();
    // The newest 16,000 ids (none), then the whole index.
    assert_eq!(searches, 2, "searched {searches} times");
    let nothing = app::forum::ssr::search(&state, "the a", 1).await?;
    assert_eq!(nothing.total, 0);
    Ok(())
}

#[tokio::test]
async fn a_members_download_and_erasure_find_their_rows_through_indexes() -> TestResult {
    let app = seeded_app().await?;
    if app.db.get_database_backend() == DbBackend::Sqlite {
        // The seeded forum has a few dozen reports, which SQLite's
        // statistics rightly say are cheaper to read whole; plan as for a
        // community whose growing tables are large (no statistics).
        let has_stats = app
            .db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'",
            ))
            .await?
            .is_some();
        if has_stats {
            let tables = LARGE
                .iter()
                .map(|table| format!("'{table}'"))
                .collect::<Vec<_>>()
                .join(", ");
            app.db
                .execute_unprepared(&format!("DELETE FROM sqlite_stat1 WHERE tbl IN ({tables})"))
                .await?;
            app.db.execute_unprepared("ANALYZE sqlite_schema").await?;
        }
    }
    let (state, captured) = recording(&app.state);
    // A seeded member who posted, reported and applied.
    let member = app::privacy::ssr::Member::load(&state.db, 3)
        .await?
        .ok_or("no member 3")?;
    let data = app::privacy::ssr::member_data(&state.db, &member, app.clock.now()).await?;
    assert!(
        data.features
            .iter()
            .flat_map(|feature| &feature.tables)
            .any(|table| table.table == "forum_posts"),
        "{data:?}"
    );
    // The digest's scan of a list, and a member's archive.
    app::forum::ssr::send_digests(&state)
        .await
        .map_err(|error| error.explanation())?;
    app::privacy::ssr::archive::build_due(&state).await?;
    let mut statements = take(&captured);
    app::privacy::ssr::erase_account(&state, &member, app::privacy::ssr::DeletedBy::Member)
        .await
        .map_err(|error| error.explanation())?;
    // The erasure's statements, planned before it ran (the same rows no
    // longer exist, but the plans do not depend on that).
    statements.extend(take(&captured));

    let mut scans = Vec::new();
    for statement in statements.iter().filter(|s| {
        let sql = s.sql.trim_start().to_uppercase();
        sql.starts_with("SELECT") || sql.starts_with("DELETE")
    }) {
        scans.extend(full_scans(&app.db, statement).await?);
    }
    assert!(scans.is_empty(), "full scans:\n{}", scans.join("\n"));
    Ok(())
}

#[tokio::test]
async fn a_campaigns_next_batch_is_found_through_indexes() -> TestResult {
    let app = spawn_app().await?;
    let backend = app.db.get_database_backend();
    let now = "2026-12-01 00:00:00+00:00";
    let txn = app.db.begin().await?;
    txn.execute_unprepared(&format!(
        "INSERT INTO mail_lists (slug, name, description, audience, created_at) \
         VALUES ('news', 'News', '', 'everyone', '{now}')"
    ))
    .await?;
    for i in 0..300 {
        txn.execute_unprepared(&format!(
            "INSERT INTO mail_subscribers (name, email, email_key, created_at, confirmed_at) \
             VALUES ('Reader', 'r{i}@example.org', 'r{i}@example.org', '{now}', '{now}')"
        ))
        .await?;
    }
    for sql in [
        format!(
            "INSERT INTO mail_list_subscriptions (subscriber_id, list_id, created_at) \
             SELECT s.id, l.id, '{now}' FROM mail_subscribers s, mail_lists l WHERE l.slug = 'news'"
        ),
        format!(
            "INSERT INTO mail_campaigns (subject, body, status, created_at, updated_at, send_at, cursor) \
             VALUES ('News', 'Read [this](https://example.org/).', 'scheduled', '{now}', '{now}', '{now}', 0)"
        ),
        "INSERT INTO mail_campaign_lists (campaign_id, list_id) \
         SELECT c.id, l.id FROM mail_campaigns c, mail_lists l WHERE l.slug = 'news'"
            .to_owned(),
    ] {
        txn.execute_unprepared(&sql).await?;
    }
    txn.commit().await?;
    if backend == DbBackend::Sqlite {
        app.db.execute_unprepared("ANALYZE").await?;
    }
    let (state, captured) = recording(&app.state);
    // Started and the first batch queued; then, a second later, the next.
    app::features::tick(&state).await?;
    app.clock.advance(time::Duration::seconds(1));
    app::features::tick(&state).await?;
    assert_selects_use_indexes(&app.db, &take(&captured), "mail_subscribers").await
}

#[tokio::test]
async fn the_visit_statistics_fold_and_read_days_through_indexes() -> TestResult {
    let app = spawn_app().await?;
    let backend = app.db.get_database_backend();
    let today = app.clock.now().date();
    let txn = app.db.begin().await?;
    for i in 0..3_000 {
        let at = app.clock.now() - time::Duration::minutes(i * 3);
        let at = at.format(&time::format_description::well_known::Rfc3339)?;
        txn.execute_unprepared(&format!(
            "INSERT INTO insight_page_views \
             (at, path, browser, os, device, visitor) \
             VALUES ('{at}', '/forum/t/{}', 'Firefox', 'Linux', 'desktop', 'v{}')",
            i % 40,
            i % 300
        ))
        .await?;
    }
    txn.commit().await?;
    if backend == DbBackend::Sqlite {
        app.db.execute_unprepared("ANALYZE").await?;
    }
    let (state, captured) = recording(&app.state);
    // Summarise the days that are over, then read a month with today live.
    app::insights::summary_ssr::summarise(&state.db, state.clock.now()).await?;
    app::insights::summary_ssr::report(&state, today - time::Duration::days(29), today).await?;
    assert_selects_use_indexes(&app.db, &take(&captured), "insight_day_counts").await
}

#[tokio::test]
async fn the_installs_dashboard_reads_one_product_through_indexes() -> TestResult {
    let app = spawn_app().await?;
    let backend = app.db.get_database_backend();
    let now = app.clock.now();
    let created = now.format(&time::format_description::well_known::Rfc3339)?;
    let this_week = app::insights::usage_ssr::week_of(now.date());
    let txn = app.db.begin().await?;
    for (id, slug) in [(1, "portal"), (2, "agent")] {
        txn.execute_unprepared(&format!(
            "INSERT INTO release_products (id, slug, name, channels, created_at) \
             VALUES ({id}, '{slug}', '{slug}', 'stable', '{created}')"
        ))
        .await?;
    }
    for i in 0..4_000_i64 {
        let week = this_week - time::Duration::weeks(i % 40);
        let day = week + time::Duration::days(i % 7);
        txn.execute_unprepared(&format!(
            "INSERT INTO usage_reports (id, product_id, week, install, version, os, arch, last_day) \
             VALUES ({id}, {product}, '{week}', 'i{i}', '1.{minor}.0', 'linux', 'x86_64', '{day}')",
            id = i + 1,
            product = 1 + i % 2,
            minor = i % 5,
        ))
        .await?;
        txn.execute_unprepared(&format!(
            "INSERT INTO usage_servers (report_id, kind, servers) VALUES ({}, 'postgresql', 2)",
            i + 1
        ))
        .await?;
        txn.execute_unprepared(&format!(
            "INSERT INTO usage_problems (report_id, code, occurrences) VALUES ({}, 'E{}', 1)",
            i + 1,
            i % 3
        ))
        .await?;
        txn.execute_unprepared(&format!(
            "INSERT INTO update_check_counts (product_id, day, version, channel, os, arch, checks) \
             VALUES ({}, '{}', '1.{}.0', 'stable', 'linux', 'x86_64', 3)",
            1 + i % 2,
            now.date() - time::Duration::days(i / 10),
            i % 10
        ))
        .await?;
    }
    txn.commit().await?;
    if backend == DbBackend::Postgres {
        app.db
            .execute_unprepared("SELECT setval('usage_reports_id_seq', 4001)")
            .await?;
    } else {
        app.db.execute_unprepared("ANALYZE").await?;
    }
    let (state, captured) = recording(&app.state);
    let report =
        app::insights::installs_ssr::installs(&state.reads, Some("agent"), 12, now).await?;
    assert_eq!(report.weeks.iter().map(|w| w.installs).sum::<i64>(), 600);
    let statements = take(&captured);
    for table in ["usage_reports", "update_check_counts"] {
        assert_selects_use_indexes(&app.db, &statements, table).await?;
    }
    Ok(())
}
