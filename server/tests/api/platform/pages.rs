use scraper::{Html, Selector};
use sha2::{Digest, Sha256};

use crate::helpers::{TestResult, spawn_app, spawn_app_with};

fn select(html: &Html, selector: &str) -> Vec<String> {
    Selector::parse(selector)
        .map(|selector| {
            html.select(&selector)
                .map(|element| element.text().collect::<String>().trim().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn the_home_page_explains_the_community_and_links_every_section() -> TestResult {
    let app = spawn_app().await?;
    let response = app.get("/").await?;
    assert_eq!(response.status(), 200);
    let html = Html::parse_document(&response.text().await?);
    assert_eq!(select(&html, "h1").len(), 1);
    assert_eq!(
        select(&html, "nav[aria-label=Main] a"),
        ["Forum", "Jobs", "Contribute", "Privacy"]
    );
    assert_eq!(select(&html, "main#main").len(), 1);
    assert_eq!(select(&html, "a.skip-link"), ["Skip to content"]);
    Ok(())
}

#[tokio::test]
async fn an_unknown_address_answers_404_with_a_stable_code() -> TestResult {
    let app = spawn_app().await?;
    let response = app.get("/no/such/page").await?;
    assert_eq!(response.status(), 404);
    let body = response.text().await?;
    let html = Html::parse_document(&body);
    assert_eq!(select(&html, "h1"), ["Page not found"]);
    assert_eq!(select(&html, ".error-code code"), ["not_found"]);
    for internal in ["panic", "sqlx", "thread", "backtrace"] {
        assert!(
            !body.to_lowercase().contains(internal),
            "page mentions {internal}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn the_privacy_page_shows_the_policy_with_version_date_and_fingerprint() -> TestResult {
    let app = spawn_app().await?;
    let response = app.get("/privacy").await?;
    assert_eq!(response.status(), 200);
    let html = Html::parse_document(&response.text().await?);
    assert_eq!(select(&html, "article.document h1"), ["Privacy policy"]);
    let facts = select(&html, ".document-facts dd");
    let policy = include_str!("../../../../migrations/src/policy/privacy-v8.md");
    let expected_hash = hex::encode(Sha256::digest(policy.as_bytes()));
    assert_eq!(facts, ["8", "7 December 2026", expected_hash.as_str()]);
    let dates = Selector::parse("time[datetime='2026-12-07']").map_err(|e| e.to_string())?;
    assert_eq!(html.select(&dates).count(), 1);
    let text = select(&html, ".prose").concat();
    assert!(
        text.contains("nothing at all is recorded for your visit"),
        "{text}"
    );
    // The cookie table against the code: privacy/cookies.rs.
    for cookie in app::features::cookies() {
        assert!(
            text.contains(cookie.name),
            "the page does not name {}",
            cookie.name
        );
    }
    Ok(())
}

#[tokio::test]
async fn before_the_correction_came_into_force_the_first_version_is_shown() -> TestResult {
    let app = spawn_app().await?;
    app.clock.advance(time::Duration::days(-5));
    let html = Html::parse_document(&app.get("/privacy").await?.text().await?);
    let facts = select(&html, ".document-facts dd");
    assert_eq!(facts[..2], ["1", "29 November 2026"]);
    Ok(())
}

#[tokio::test]
async fn the_privacy_page_names_the_configured_privacy_contact_or_says_there_is_none() -> TestResult
{
    let unset = spawn_app().await?;
    let html = Html::parse_document(&unset.get("/privacy").await?.text().await?);
    assert!(
        select(&html, "#contact p")
            .concat()
            .contains("has not named a privacy contact yet")
    );

    let set = spawn_app_with(&[(
        "PORTAL_PRIVACY_CONTACT",
        "Privacy team <privacy@example.org>",
    )])
    .await?;
    let html = Html::parse_document(&set.get("/privacy").await?.text().await?);
    let contact = select(&html, "#contact p").concat();
    assert!(
        contact.contains("Privacy team, privacy@example.org"),
        "{contact}"
    );
    let link = Selector::parse("#contact a[href='mailto:privacy@example.org']")
        .map_err(|e| e.to_string())?;
    assert_eq!(html.select(&link).count(), 1);
    Ok(())
}

#[tokio::test]
async fn the_privacy_page_lists_every_personal_field_of_the_manifest() -> TestResult {
    let app = spawn_app().await?;
    let html = Html::parse_document(&app.get("/privacy").await?.text().await?);
    let labels = select(&html, "#data table.data-table tbody th");
    let expected: Vec<&str> = app::privacy::manifest::personal_fields()
        .map(|(_, field)| field.label)
        .collect();
    assert_eq!(labels, expected);
    Ok(())
}

#[tokio::test]
async fn a_policy_not_yet_in_force_is_not_shown() -> TestResult {
    let app = spawn_app().await?;
    app.clock.advance(time::Duration::days(-10));
    let response = app.get("/privacy").await?;
    assert_eq!(response.status(), 404);
    let html = Html::parse_document(&response.text().await?);
    assert_eq!(select(&html, ".error-code code"), ["not_found"]);
    Ok(())
}

#[tokio::test]
async fn browsing_public_pages_sets_no_cookie() -> TestResult {
    let app = spawn_app().await?;
    for path in [
        "/",
        "/privacy",
        "/forum",
        "/jobs",
        "/contribute",
        "/missing",
    ] {
        let response = app.get(path).await?;
        assert!(
            response.headers().get("set-cookie").is_none(),
            "{path} sets a cookie"
        );
    }
    Ok(())
}

#[tokio::test]
async fn section_pages_render_without_javascript() -> TestResult {
    let app = spawn_app().await?;
    for (path, title) in [
        ("/forum", "Forum"),
        ("/jobs", "Jobs"),
        ("/contribute", "Contribute"),
    ] {
        let response = app.get(path).await?;
        assert_eq!(response.status(), 200, "{path}");
        let html = Html::parse_document(&response.text().await?);
        assert_eq!(select(&html, "h1"), [title], "{path}");
    }
    Ok(())
}

/// The `content` of every `<meta name="description">` of `path`.
async fn descriptions(
    app: &crate::helpers::TestApp,
    path: &str,
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let response = app.get(path).await?;
    assert_eq!(response.status(), 200, "{path}");
    let html = Html::parse_document(&response.text().await?);
    let meta = Selector::parse("meta[name='description']").map_err(|e| e.to_string())?;
    Ok(html
        .select(&meta)
        .filter_map(|element| element.value().attr("content").map(str::to_owned))
        .collect())
}

/// The first link of `path` whose address starts with `prefix`.
async fn first_link(
    app: &crate::helpers::TestApp,
    path: &str,
    prefix: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let html = Html::parse_document(&app.get(path).await?.text().await?);
    let links = Selector::parse("a[href]").map_err(|e| e.to_string())?;
    html.select(&links)
        .filter_map(|a| a.value().attr("href"))
        .find(|href| href.starts_with(prefix))
        .map(str::to_owned)
        .ok_or_else(|| format!("no link to {prefix}… on {path}").into())
}

#[tokio::test]
async fn every_public_page_says_what_it_is_in_a_short_description() -> TestResult {
    use crate::forum::threads::{forum_admin, start_thread};

    let app = spawn_app().await?;
    app.recruiter("rita").await?;
    let job = app.post_job("Rust engineer").await?;
    app.call("account/sign-out", &[]).await?;
    let (boss, general) = forum_admin(&app).await?;
    start_thread(
        &boss,
        general,
        "How do I build it?",
        "Run **cargo build** & wait.",
    )
    .await?;
    let category = first_link(&app, "/forum", "/forum/c/").await?;
    let thread = first_link(&app, &category, "/forum/t/").await?;
    let job = format!("/jobs/{job}-rust-engineer");
    let mut seen = Vec::new();
    for path in [
        "/",
        "/forum",
        &category,
        &thread,
        "/jobs",
        &job,
        "/contribute",
        "/privacy",
        "/account/sign-in",
        "/account/register",
    ] {
        let found = descriptions(&app, path).await?;
        assert_eq!(found.len(), 1, "{path}: {found:?}");
        let text = &found[0];
        assert!(
            !text.trim().is_empty() && text.chars().count() <= 160,
            "{path}: {text:?}"
        );
        assert!(
            !seen.contains(text),
            "{path} says the same as another page: {text:?}"
        );
        seen.push(text.clone());
    }
    // A thread is described by its opening post, as plain text.
    assert_eq!(
        descriptions(&app, &thread).await?,
        ["Run cargo build & wait."]
    );
    Ok(())
}
