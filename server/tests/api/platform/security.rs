use scraper::{Html, Selector};

use crate::helpers::{TestResult, spawn_app};

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn pages_carry_a_nonce_based_content_security_policy() -> TestResult {
    let app = spawn_app().await?;
    let response = app.get("/privacy").await?;
    let policy = header(&response, "content-security-policy").to_owned();
    let nonce = crate::helpers::policy_nonce(&response)?;
    assert!(nonce.len() >= 16, "nonce too short: {nonce}");
    assert!(policy.contains("frame-ancestors 'none'"));
    assert!(!policy.contains("unsafe-inline"));

    let html = Html::parse_document(&response.text().await?);
    let scripts = Selector::parse("script").map_err(|e| e.to_string())?;
    let mut count = 0;
    for script in html.select(&scripts) {
        count += 1;
        assert_eq!(
            script.value().attr("nonce"),
            Some(nonce.as_str()),
            "script without the page's nonce: {}",
            script.html()
        );
    }
    assert!(count > 0, "the page has no hydration script");
    Ok(())
}

#[tokio::test]
async fn every_page_gets_a_fresh_nonce() -> TestResult {
    let app = spawn_app().await?;
    let first = app.get("/").await?;
    let second = app.get("/").await?;
    assert_ne!(
        header(&first, "content-security-policy"),
        header(&second, "content-security-policy")
    );
    Ok(())
}

#[tokio::test]
async fn responses_carry_the_security_headers() -> TestResult {
    let app = spawn_app().await?;
    for path in ["/", "/healthz", "/missing"] {
        let response = app.get(path).await?;
        assert_eq!(
            header(&response, "x-content-type-options"),
            "nosniff",
            "{path}"
        );
        assert_eq!(
            header(&response, "referrer-policy"),
            "same-origin",
            "{path}"
        );
        assert_eq!(header(&response, "x-frame-options"), "DENY", "{path}");
        assert!(
            header(&response, "permissions-policy").contains("camera=()"),
            "{path}"
        );
        assert!(
            !header(&response, "content-security-policy").is_empty(),
            "{path}"
        );
        assert!(!header(&response, "x-request-id").is_empty(), "{path}");
        // Plain http here, so no HSTS.
        assert!(
            response
                .headers()
                .get("strict-transport-security")
                .is_none()
        );
    }
    Ok(())
}

#[tokio::test]
async fn non_html_responses_allow_no_script_at_all() -> TestResult {
    let app = spawn_app().await?;
    let response = app.get("/healthz").await?;
    assert!(header(&response, "content-security-policy").contains("script-src 'none'"));
    Ok(())
}

#[tokio::test]
async fn cross_site_posts_are_refused() -> TestResult {
    let app = spawn_app().await?;
    let response = app
        .client
        .post(app.url("/api/anything"))
        .header("sec-fetch-site", "cross-site")
        .body("x=1")
        .send()
        .await?;
    assert_eq!(response.status(), 403);
    let response = app
        .client
        .post(app.url("/api/anything"))
        .header("origin", "https://evil.example")
        .send()
        .await?;
    assert_eq!(response.status(), 403);
    Ok(())
}

#[tokio::test]
async fn oversized_request_bodies_are_refused() -> TestResult {
    let app = spawn_app().await?;
    let response = app
        .client
        .post(app.url("/api/anything"))
        .body(vec![b'x'; 3 * 1024 * 1024])
        .send()
        .await?;
    assert_eq!(response.status(), 413);
    Ok(())
}

#[tokio::test]
async fn responses_are_compressed_when_the_client_asks() -> TestResult {
    let app = spawn_app().await?;
    let response = app
        .client
        .get(app.url("/privacy"))
        .header("accept-encoding", "gzip")
        .send()
        .await?;
    assert_eq!(header(&response, "content-encoding"), "gzip");
    Ok(())
}
