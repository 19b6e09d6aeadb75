//! Where forms return to: a path on this site, whatever `back` says, and
//! never an error for a strange one.

use crate::helpers::{TestApp, TestResult, spawn_app};

/// Posts `body`, already form-encoded, to a server function as a browser
/// form without script would; returns the status and `Location`.
pub async fn post_raw(
    app: &TestApp,
    endpoint: &str,
    accept: &str,
    body: impl Into<reqwest::Body>,
) -> reqwest::Result<(u16, Option<String>, String)> {
    let response = app
        .client
        .post(app.url(&format!("/api/{endpoint}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", accept)
        .header("referer", app.url("/forum"))
        .body(body)
        .send()
        .await?;
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    Ok((status, location, response.text().await?))
}

#[tokio::test]
async fn a_return_path_with_an_escaped_control_character_falls_back_to_the_forum() -> TestResult {
    let app = spawn_app().await?;

    for back in [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D%0A/evil.example",
        "/forum%0D%0ASet-Cookie:%20x=1",
        "/%5C/evil.example",
        "%2F%2Fevil.example",
        "/%09%2Fevil.example",
    ] {
        let body = format!("category=1&title=Hello&body=Hi&intent=preview&back={back}");
        let (status, location, text) =
            post_raw(&app, "forum/start-thread", "text/html", body).await?;

        assert!((300..400).contains(&status), "back={back}: {status} {text}");
        let location = location.ok_or("no redirect")?;
        assert!(
            location.starts_with("/forum?"),
            "back={back} went to {location:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_local_return_path_is_followed() -> TestResult {
    let app = spawn_app().await?;

    let body =
        "category=1&title=Hello&body=Hi&intent=preview&back=%2Fforum%2Fc%2F1-general%3Fpage%3D2";
    let (_, location, _) = post_raw(&app, "forum/start-thread", "text/html", body).await?;

    let location = location.ok_or("no redirect")?;
    assert!(
        location.starts_with("/forum/c/1-general?page=2&title=Hello"),
        "{location}"
    );
    Ok(())
}
