//! The page cache: a public page rendered for a visitor without a session
//! serves the next such visitors for a moment, with a nonce of its own each
//! time, and never a member, and never after a committed public change —
//! while no request that only reads can empty it.

use std::time::{Duration, Instant};

use app::forum::ssr::post;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, Statement};

use crate::{
    forum::threads::{NOT_HELD, forum_admin, member, reply, start_thread, try_reply},
    helpers::{TestApp, TestResult, policy_nonce, spawn_app_with},
};

/// A page as a client received it.
struct Page {
    body: String,
    /// The nonce the Content-Security-Policy allows.
    nonce: String,
}

async fn fetch(client: &TestApp, path: &str) -> Result<Page, Box<dyn std::error::Error>> {
    let response = client.get(path).await?;
    assert_eq!(response.status(), 200, "{path}");
    assert!(
        !response
            .headers()
            .contains_key(app::ssr::SHARED_PAGE_HEADER),
        "the page's marker stays inside the server"
    );
    assert!(!response.headers().contains_key("set-cookie"));
    let nonce = policy_nonce(&response)?;
    let body = response.text().await?;
    // Every script the page carries runs by the policy's nonce.
    let in_body: Vec<&str> = body
        .split("nonce=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(!in_body.is_empty(), "a page with scripts");
    assert!(
        in_body.iter().all(|n| *n == nonce),
        "{in_body:?} vs {nonce}"
    );
    Ok(Page { body, nonce })
}

/// Puts `html` in the database as the post's rendering, behind the
/// server's back (as another instance or the `portal` command would), so
/// a page that still shows the old one was shared.
async fn change_behind_the_server(app: &TestApp, id: i64, html: &str) -> TestResult {
    let row = post::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .ok_or("no post")?;
    let mut row: post::ActiveModel = row.into();
    row.body_html = Set(Some(html.to_owned()));
    row.update(&app.db).await?;
    Ok(())
}

/// The counter of public changes.
async fn generation(app: &TestApp) -> Result<i64, Box<dyn std::error::Error>> {
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT generation FROM public_generation WHERE id = 1",
        ))
        .await?
        .ok_or("no counter")?;
    Ok(row.try_get("", "generation")?)
}

/// Changes the post behind the server's back and sets the counter of
/// public changes back, so nothing tells the cache: a page that shows the
/// change afterwards was rendered again for another reason.
async fn change_unannounced(app: &TestApp, id: i64, html: &str) -> TestResult {
    let before = generation(app).await?;
    change_behind_the_server(app, id, html).await?;
    assert!(
        generation(app).await? > before,
        "the write moved the counter"
    );
    app.db
        .execute_unprepared(&format!(
            "UPDATE public_generation SET generation = {before} WHERE id = 1"
        ))
        .await?;
    Ok(())
}

#[tokio::test]
async fn visitors_without_a_session_share_a_rendering_until_a_write_but_members_never_do()
-> TestResult {
    let settings = [NOT_HELD, &[("PORTAL_PAGE_CACHE_SECONDS", "60")]].concat();
    let app = spawn_app_with(&settings).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let started = start_thread(&ada, general, "Shared", "The first words.").await?;
    let visitor = TestApp::visitor_of(&app)?;
    let path = format!("/forum/t/{}", started.thread);

    let first = fetch(&visitor, &path).await?;
    assert!(first.body.contains("The first words."));
    change_behind_the_server(&app, started.post, "<p>Changed in the database.</p>").await?;

    let second = fetch(&visitor, &path).await?;
    assert!(second.body.contains("The first words."), "served again");
    assert_ne!(second.nonce, first.nonce, "with a nonce of its own");
    assert_eq!(
        second.body.replace(&second.nonce, "N"),
        first.body.replace(&first.nonce, "N"),
        "and otherwise the same page"
    );
    // An address with another query is rendered for itself.
    let quoting = fetch(&visitor, &format!("{path}?quote={}", started.post)).await?;
    assert!(quoting.body.contains("Changed in the database."));
    // A member's page is never shared, in either direction.
    let own = fetch(&ada, &path).await?;
    assert!(own.body.contains("Changed in the database."));

    // A write through the server empties the cache.
    reply(&ada, started.thread, "A reply.").await?;
    let after = fetch(&visitor, &path).await?;
    assert!(after.body.contains("Changed in the database."));
    assert!(after.body.contains("A reply."));
    Ok(())
}

/// Starts a server caching pages for `seconds`, shows a visitor a new
/// thread's page, then changes its post behind the server's back; returns
/// whether the visitor's next look, after `wait`, shows the change.
async fn change_seen(
    seconds: &str,
    wait: std::time::Duration,
) -> Result<bool, Box<dyn std::error::Error>> {
    let settings = [NOT_HELD, &[("PORTAL_PAGE_CACHE_SECONDS", seconds)]].concat();
    let app = spawn_app_with(&settings).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let started = start_thread(&ada, general, "Moment", "Before.").await?;
    let visitor = TestApp::visitor_of(&app)?;
    let path = format!("/forum/t/{}", started.thread);
    assert!(fetch(&visitor, &path).await?.body.contains("Before."));
    change_unannounced(&app, started.post, "<p>After.</p>").await?;
    tokio::time::sleep(wait).await;
    Ok(fetch(&visitor, &path).await?.body.contains("After."))
}

#[tokio::test]
async fn a_shared_page_is_rendered_again_after_its_moment() -> TestResult {
    assert!(change_seen("1", std::time::Duration::from_millis(1100)).await?);
    Ok(())
}

#[tokio::test]
async fn with_the_cache_off_every_request_is_rendered() -> TestResult {
    assert!(change_seen("0", std::time::Duration::ZERO).await?);
    Ok(())
}

#[tokio::test]
async fn reads_sign_ins_and_refused_writes_never_empty_the_cache() -> TestResult {
    let settings = [NOT_HELD, &[("PORTAL_PAGE_CACHE_SECONDS", "60")]].concat();
    let app = spawn_app_with(&settings).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let started = start_thread(&ada, general, "Kept", "The first words.").await?;
    let visitor = TestApp::visitor_of(&app)?;
    let path = format!("/forum/t/{}", started.thread);
    assert!(
        fetch(&visitor, &path)
            .await?
            .body
            .contains("The first words.")
    );
    change_unannounced(&app, started.post, "<p>Changed unannounced.</p>").await?;

    // A read-only server function, as fast as a visitor can call it; a
    // sign-in; a reply refused at its field.
    for _ in 0..50 {
        assert_eq!(visitor.call("forum/categories", &[]).await?.status, 200);
    }
    let bea = member(&app, "bea").await?;
    let refused = try_reply(&bea, started.thread, "").await?;
    assert!(refused.error().is_some(), "an empty reply is refused");
    tokio::time::sleep(Duration::from_millis(1100)).await;

    let page = fetch(&visitor, &path).await?;
    assert!(page.body.contains("The first words."), "still shared");

    // A write that changes the page empties it at once.
    reply(&ada, started.thread, "A reply.").await?;
    let after = fetch(&visitor, &path).await?;
    assert!(after.body.contains("Changed unannounced."));
    assert!(after.body.contains("A reply."));
    Ok(())
}

#[tokio::test]
async fn a_change_made_elsewhere_reaches_visitors_within_about_a_second() -> TestResult {
    let settings = [NOT_HELD, &[("PORTAL_PAGE_CACHE_SECONDS", "60")]].concat();
    let app = spawn_app_with(&settings).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let started = start_thread(&ada, general, "Elsewhere", "Before.").await?;
    let visitor = TestApp::visitor_of(&app)?;
    let path = format!("/forum/t/{}", started.thread);
    assert!(fetch(&visitor, &path).await?.body.contains("Before."));

    // As another instance or `portal` would: straight into the database.
    change_behind_the_server(&app, started.post, "<p>After.</p>").await?;
    let changed = Instant::now();
    while !fetch(&visitor, &path).await?.body.contains("After.") {
        assert!(
            changed.elapsed() < Duration::from_secs(3),
            "still the old page after 3 s, with pages kept for 60 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

#[tokio::test]
async fn shared_pages_may_be_kept_only_if_asked_again_and_a_members_answers_nowhere() -> TestResult
{
    let settings = [NOT_HELD, &[("PORTAL_PAGE_CACHE_SECONDS", "60")]].concat();
    let app = spawn_app_with(&settings).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ada = member(&app, "ada").await?;
    let started = start_thread(&ada, general, "Headers", "Words.").await?;
    let visitor = TestApp::visitor_of(&app)?;
    let path = format!("/forum/t/{}", started.thread);
    let cache_control = |response: &reqwest::Response| {
        response
            .headers()
            .get("cache-control")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };

    // Rendered, then served from the cache: the same rule both times.
    for _ in 0..2 {
        let shared = visitor.get(&path).await?;
        assert_eq!(
            cache_control(&shared).as_deref(),
            Some("public, max-age=0, must-revalidate")
        );
    }
    let own = ada.get(&path).await?;
    assert_eq!(cache_control(&own).as_deref(), Some("private, no-store"));
    let answer = ada
        .client
        .post(ada.url("/api/account/whoami"))
        .send()
        .await?;
    assert_eq!(answer.status(), 200);
    assert_eq!(cache_control(&answer).as_deref(), Some("private, no-store"));
    // A page that is not the same for everyone gets no promise to proxies.
    let sign_in = visitor.get("/account/sign-in").await?;
    assert_ne!(
        cache_control(&sign_in).as_deref(),
        Some("public, max-age=0, must-revalidate")
    );
    Ok(())
}
