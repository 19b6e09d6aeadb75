//! Page views are recorded with non-identifying facts only: no address,
//! no user agent, no cookie, no account, and a visitor hash whose salt
//! dies with its day. Nothing at all for GPC, DNT, crawlers or non-pages.

use app::insights::recording_ssr::{Recorder, page_view, seed};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, QueryOrder, Statement};
use time::Duration;

use crate::helpers::{TestApp, TestResult, spawn_app};

pub const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
pub const SAFARI_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
const GOOGLEBOT: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

/// A browser without cookies asking for `path` with `headers`.
pub async fn visit(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Result<u16> {
    let mut request = reqwest::Client::new().get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    Ok(request.send().await?.status().as_u16())
}

/// Every page view written so far, oldest first.
async fn views(app: &TestApp) -> Result<Vec<page_view::Model>, Box<dyn std::error::Error>> {
    app.state.settings::<Recorder>()?.flush().await;
    Ok(page_view::Entity::find()
        .order_by_asc(page_view::Column::Id)
        .all(&app.db)
        .await?)
}

#[tokio::test]
async fn a_page_view_keeps_only_facts_that_name_no_one() -> TestResult {
    let app = spawn_app().await?;
    let status = visit(
        &app,
        "/?utm_source=fediverse&token=abc123secret&email=ada%40example.org",
        &[
            ("user-agent", FIREFOX),
            ("referer", "https://news.example.net/item?id=42"),
            ("accept-language", "de-CH,de;q=0.9,en;q=0.8"),
        ],
    )
    .await?;
    assert_eq!(status, 200);
    visit(
        &app,
        "/forum",
        &[("user-agent", SAFARI_IPHONE), ("referer", &app.url("/"))],
    )
    .await?;

    let seen = views(&app).await?;
    assert_eq!(seen.len(), 2, "{seen:?}");
    let first = &seen[0];
    assert_eq!(first.path, "/?utm_source=fediverse");
    assert_eq!(first.referrer_host.as_deref(), Some("news.example.net"));
    assert_eq!(
        (first.browser.as_str(), first.browser_version.as_deref()),
        ("Firefox", Some("133"))
    );
    assert_eq!(
        (first.os.as_str(), first.device.as_str()),
        ("Linux", "desktop")
    );
    assert_eq!(first.language.as_deref(), Some("de"));
    assert_eq!(first.country, None, "no GeoIP database is configured");
    assert_eq!(first.at.second(), 0, "to the minute");
    assert_eq!(first.visitor.len(), 32);
    let second = &seen[1];
    assert_eq!(second.path, "/forum");
    assert_eq!(second.referrer_host, None, "a link from the site itself");
    assert_eq!(
        (second.os.as_str(), second.device.as_str()),
        ("iPhone", "mobile")
    );
    assert_ne!(second.visitor, first.visitor, "another browser");

    // Nothing anywhere in the database holds the address, the user agent
    // or the query's secrets.
    for ((table, column), values) in app.every_value().await? {
        for value in values {
            for secret in [
                "127.0.0.1",
                FIREFOX,
                SAFARI_IPHONE,
                "abc123secret",
                "ada@example.org",
            ] {
                assert!(!value.contains(secret), "{table}.{column} holds {secret:?}");
            }
        }
    }
    Ok(())
}

#[tokio::test]
async fn gpc_dnt_crawlers_prefetches_and_what_is_no_page_record_nothing() -> TestResult {
    let app = spawn_app().await?;
    let page = [("user-agent", FIREFOX)];
    visit(&app, "/", &[("user-agent", FIREFOX), ("sec-gpc", "1")]).await?;
    visit(&app, "/", &[("user-agent", FIREFOX), ("dnt", "1")]).await?;
    visit(
        &app,
        "/",
        &[("user-agent", FIREFOX), ("sec-purpose", "prefetch")],
    )
    .await?;
    visit(&app, "/", &[("user-agent", GOOGLEBOT)]).await?;
    visit(&app, "/", &[]).await?;
    assert_eq!(visit(&app, "/no-such-page", &page).await?, 404);
    visit(&app, "/healthz", &page).await?;
    visit(&app, "/favicon.svg", &page).await?;
    reqwest::Client::new()
        .post(app.url("/api/account/whoami"))
        .header("user-agent", FIREFOX)
        .send()
        .await?;
    assert_eq!(views(&app).await?, Vec::new());
    Ok(())
}

#[tokio::test]
async fn one_visitor_a_day_and_no_salt_outlives_its_day() -> TestResult {
    use hmac::{Hmac, Mac};
    use sha2::{Digest, Sha256};

    let app = spawn_app().await?;
    let firefox = [("user-agent", FIREFOX)];
    visit(&app, "/", &firefox).await?;
    visit(&app, "/forum", &firefox).await?;
    let today = views(&app).await?;
    assert_eq!(today[0].visitor, today[1].visitor, "one visitor, two pages");

    app.clock.advance(Duration::days(1));
    app::features::purge(&app.state).await?;
    visit(&app, "/", &firefox).await?;
    let both = views(&app).await?;
    assert_ne!(both[2].visitor, both[0].visitor, "the next day, a new salt");
    let seeds = seed::Entity::find().all(&app.db).await?;
    assert_eq!(seeds.len(), 1, "only today's seed is left");
    assert_eq!(seeds[0].day, app.clock.now().date());

    // Yesterday's hash cannot be made again from anything still stored,
    // even with the server key: no seed left yields it.
    let key = app.state.server_key.derive("insights-salt");
    let client: [u8; 32] = Sha256::new()
        .chain_update(b"127.0.0.1")
        .chain_update([0])
        .chain_update(FIREFOX.as_bytes())
        .finalize()
        .into();
    let host = url::Url::parse(&app.state.site.base_url)?
        .host_str()
        .unwrap_or_default()
        .to_owned();
    let hash = |salt: [u8; 32]| -> Result<String, Box<dyn std::error::Error>> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&salt)?;
        for part in [host.as_bytes(), &client[..]] {
            mac.update(part);
            mac.update(&[0]);
        }
        Ok(hex::encode(&mac.finalize().into_bytes()[..16]))
    };
    let stored = app.every_value().await?;
    let mut candidates = 0;
    for values in stored.values() {
        for value in values {
            candidates += 1;
            assert_ne!(hash(key.mac(&[value.as_bytes()]))?, both[0].visitor);
        }
    }
    assert!(candidates > 0);
    // The test knows how the hash is made: today's seed does give today's.
    assert_eq!(hash(key.mac(&[seeds[0].seed.as_bytes()]))?, both[2].visitor);
    Ok(())
}

/// The one number `sql` selects.
async fn count(app: &TestApp, sql: String) -> Result<i64, Box<dyn std::error::Error>> {
    let backend = app.db.get_database_backend();
    let row = app
        .db
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or("no row")?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

#[tokio::test]
async fn no_schema_path_leads_from_the_statistics_to_a_person() -> TestResult {
    let app = spawn_app().await?;
    let backend = app.db.get_database_backend();
    let tables = ["insight_page_views", "insight_seeds"];
    for table in tables {
        let sql = match backend {
            DbBackend::Sqlite => format!("SELECT COUNT(*) FROM pragma_foreign_key_list('{table}')"),
            _ => format!(
                "SELECT COUNT(*) FROM information_schema.table_constraints \
                 WHERE constraint_type = 'FOREIGN KEY' AND table_name = '{table}'"
            ),
        };
        assert_eq!(
            count(&app, sql).await?,
            0,
            "{table} refers to another table"
        );
    }
    // Nor does anything refer to them.
    let referring = match backend {
        DbBackend::Sqlite => "SELECT COUNT(*) FROM pragma_table_list t \
             JOIN pragma_foreign_key_list(t.name) f WHERE f.\"table\" LIKE 'insight_%'"
            .to_owned(),
        _ => "SELECT COUNT(*) FROM information_schema.constraint_column_usage u \
             JOIN information_schema.table_constraints c USING (constraint_name) \
             WHERE c.constraint_type = 'FOREIGN KEY' AND u.table_name LIKE 'insight_%'"
            .to_owned(),
    };
    assert_eq!(count(&app, referring).await?, 0);
    // And no column could hold a key of a person's row.
    let columns = crate::privacy::manifest::live_columns(&app.db).await?;
    for (table, column) in columns
        .iter()
        .filter(|(table, _)| table.starts_with("insight_"))
    {
        for personal in [
            "account",
            "session",
            "user",
            "member",
            "subscriber",
            "address",
            "agent",
            "ip",
        ] {
            assert!(!column.contains(personal), "{table}.{column}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn raw_views_are_deleted_after_the_configured_days() -> TestResult {
    let app = crate::helpers::spawn_app_with(&[("PORTAL_INSIGHTS_KEEP_DAYS", "2")]).await?;
    visit(&app, "/", &[("user-agent", FIREFOX)]).await?;
    assert_eq!(views(&app).await?.len(), 1);
    app.clock.advance(Duration::days(1));
    app::features::purge(&app.state).await?;
    assert_eq!(views(&app).await?.len(), 1, "kept two days");
    app.clock.advance(Duration::days(1) + Duration::minutes(1));
    app::features::purge(&app.state).await?;
    assert_eq!(views(&app).await?.len(), 0);
    Ok(())
}

#[tokio::test]
async fn insights_off_records_nothing() -> TestResult {
    let app = crate::helpers::spawn_app_with(&[("PORTAL_INSIGHTS", "false")]).await?;
    visit(&app, "/", &[("user-agent", FIREFOX)]).await?;
    assert_eq!(views(&app).await?.len(), 0);
    Ok(())
}

#[tokio::test]
async fn one_address_cannot_fill_the_statistics() -> TestResult {
    let app = crate::helpers::spawn_app_with(&[("PORTAL_INSIGHTS_VIEWS_PER_MINUTE", "20")]).await?;
    let limit = 20_u16;
    for _ in 0..limit + 10 {
        visit(&app, "/", &[("user-agent", FIREFOX)]).await?;
    }
    assert_eq!(views(&app).await?.len(), usize::from(limit));
    assert_eq!(app.state.settings::<Recorder>()?.dropped(), 10);
    // The next minute, it counts again.
    app.clock.advance(Duration::minutes(1));
    visit(&app, "/", &[("user-agent", FIREFOX)]).await?;
    assert_eq!(views(&app).await?.len(), usize::from(limit) + 1);
    Ok(())
}
