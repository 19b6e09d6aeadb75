//! The GitHub webhook: only signed, fresh deliveries are answered; a pull
//! request's authors are checked against the signatures.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::helpers::{TestApp, TestResult, spawn_app_with};

const SECRET: &str = "webhook-test-secret";

async fn spawn() -> Result<TestApp, Box<dyn std::error::Error>> {
    spawn_app_with(&[("PORTAL_GITHUB_WEBHOOK_SECRET", SECRET)]).await
}

fn signature(secret: &str, body: &str) -> Result<String, Box<dyn std::error::Error>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())?;
    mac.update(body.as_bytes());
    Ok(format!(
        "sha256={}",
        hex::encode(mac.finalize().into_bytes())
    ))
}

fn pull_request(author: &str) -> String {
    let api = "https://api.github.com/repos/example/project";
    serde_json::json!({
        "action": "opened",
        "pull_request": {
            "number": 7,
            "user": {"login": author},
            "head": {"sha": "0123456789abcdef0123456789abcdef01234567"},
            "commits_url": format!("{api}/pulls/7/commits"),
            "statuses_url": format!("{api}/statuses/0123456789abcdef0123456789abcdef01234567"),
        },
    })
    .to_string()
}

/// Sends a delivery; `signature` is the header's value, if any.
async fn deliver(
    app: &TestApp,
    id: &str,
    event: &str,
    body: &str,
    signature: Option<&str>,
) -> Result<(u16, serde_json::Value), Box<dyn std::error::Error>> {
    let mut request = app
        .client
        .post(app.url("/api/cla/v1/github-webhook"))
        .header("x-github-delivery", id)
        .header("x-github-event", event)
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(signature) = signature {
        request = request.header("x-hub-signature-256", signature);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let json = serde_json::from_str(&response.text().await?).unwrap_or_default();
    Ok((status, json))
}

#[tokio::test]
async fn deliveries_with_a_missing_or_wrong_signature_are_refused() -> TestResult {
    let app = spawn().await?;
    let body = pull_request("octocat");

    let missing = deliver(&app, "d-1", "pull_request", &body, None).await?;
    let forged = deliver(
        &app,
        "d-2",
        "pull_request",
        &body,
        Some(&signature("guessed-secret", &body)?),
    )
    .await?;
    let tampered = deliver(
        &app,
        "d-3",
        "pull_request",
        &pull_request("mallory"),
        Some(&signature(SECRET, &body)?),
    )
    .await?;
    let garbage = deliver(&app, "d-4", "pull_request", &body, Some("sha256=zz")).await?;

    for (status, json) in [missing, forged, tampered, garbage] {
        assert_eq!(status, 401);
        assert_eq!(json["code"], "bad_signature");
    }
    assert_eq!(app.count("cla_webhook_deliveries").await?, 0);
    Ok(())
}

#[tokio::test]
async fn a_replayed_delivery_is_refused() -> TestResult {
    let app = spawn().await?;
    let body = pull_request("octocat");
    let signed = signature(SECRET, &body)?;

    let first = deliver(&app, "delivery-1", "pull_request", &body, Some(&signed)).await?;
    let replay = deliver(&app, "delivery-1", "pull_request", &body, Some(&signed)).await?;

    assert_eq!(first.0, 200);
    assert_eq!(replay.0, 409);
    assert_eq!(replay.1["code"], "replayed");
    Ok(())
}

#[tokio::test]
async fn a_replayed_body_under_a_new_delivery_id_is_refused() -> TestResult {
    let app = spawn().await?;
    let body = pull_request("octocat");
    let signed = signature(SECRET, &body)?;

    let first = deliver(&app, "delivery-1", "pull_request", &body, Some(&signed)).await?;
    let replay = deliver(&app, "delivery-2", "pull_request", &body, Some(&signed)).await?;

    assert_eq!(first.0, 200);
    assert_eq!(replay.0, 409);
    assert_eq!(replay.1["code"], "replayed");
    Ok(())
}

#[tokio::test]
async fn a_body_is_forgotten_after_the_replay_window() -> TestResult {
    let app = spawn().await?;
    let body = pull_request("octocat");
    let signed = signature(SECRET, &body)?;
    let first = deliver(&app, "delivery-1", "pull_request", &body, Some(&signed)).await?;

    app.clock.advance(time::Duration::days(8));
    let later = deliver(&app, "delivery-2", "pull_request", &body, Some(&signed)).await?;

    assert_eq!(first.0, 200);
    assert_eq!(later.0, 200);
    assert_eq!(app.count("cla_webhook_bodies").await?, 1);
    Ok(())
}

#[tokio::test]
async fn the_answer_says_which_authors_are_covered() -> TestResult {
    let app = spawn().await?;
    let ping = "{\"zen\":\"Keep it logically awesome.\"}";
    let pinged = deliver(&app, "p-1", "ping", ping, Some(&signature(SECRET, ping)?)).await?;
    let body = pull_request("octocat");

    let (status, answer) = deliver(
        &app,
        "pr-1",
        "pull_request",
        &body,
        Some(&signature(SECRET, &body)?),
    )
    .await?;

    assert_eq!(pinged.0, 200);
    assert_eq!(status, 200);
    assert_eq!(
        answer,
        serde_json::json!({
            "covered": false,
            "authors": [{"login": "octocat", "email": null, "covered": false}],
        })
    );
    Ok(())
}

#[tokio::test]
async fn without_a_secret_the_webhook_is_off() -> TestResult {
    let app = crate::helpers::spawn_app().await?;
    let body = pull_request("octocat");

    let (status, _) = deliver(
        &app,
        "x-1",
        "pull_request",
        &body,
        Some(&signature(SECRET, &body)?),
    )
    .await?;

    assert_eq!(status, 404);
    Ok(())
}

#[tokio::test]
async fn with_a_token_every_commit_author_is_checked_and_a_status_posted() -> TestResult {
    use crate::{
        accounts::identities::{finish, sign_in_with, spawn_with_providers_and},
        cla::signing::{shown_sha256, sign},
        provider_double::{Fault, Person},
    };
    let (app, double) = spawn_with_providers_and(&[
        ("PORTAL_GITHUB_WEBHOOK_SECRET", SECRET),
        ("PORTAL_GITHUB_STATUS_TOKEN", "status-token"),
    ])
    .await?;
    let octocat = Person::new("583231", "octocat", "octo@example.org", true);
    sign_in_with(&app, &double, "github", &octocat, Fault::None).await?;
    finish(&app, "octo").await?;
    let signed = sign(&app, "octo@example.org", &shown_sha256(&app).await?).await?;
    assert_eq!(signed.error(), None, "{signed:?}");
    let api = format!("{}/api/repos/example/project", double.url);
    let event = |number: u32| {
        serde_json::json!({
            "pull_request": {
                "user": {"login": "octocat"},
                "head": {"sha": format!("abc{number}")},
                "commits_url": format!("{api}/pulls/{number}/commits"),
                "statuses_url": format!("{api}/statuses/abc{number}"),
            },
        })
        .to_string()
    };

    double.set_commits(&[
        (Some("OctoCat"), "octo@example.org"),
        (None, "stranger@example.net"),
    ])?;
    let mixed = event(1);
    let (_, first) = deliver(
        &app,
        "t-1",
        "pull_request",
        &mixed,
        Some(&signature(SECRET, &mixed)?),
    )
    .await?;
    double.set_commits(&[(Some("octocat"), "octo@example.org")])?;
    let clean = event(2);
    let (_, second) = deliver(
        &app,
        "t-2",
        "pull_request",
        &clean,
        Some(&signature(SECRET, &clean)?),
    )
    .await?;

    assert_eq!(first["covered"], false);
    assert!(
        first["authors"]
            .as_array()
            .is_some_and(|authors| authors.contains(&serde_json::json!(
                {"login": null, "email": "stranger@example.net", "covered": false}
            ))),
        "{first}"
    );
    assert_eq!(second["covered"], true, "{second}");
    assert_eq!(
        double.statuses()?,
        [
            (
                "/api/repos/example/project/statuses/abc1".to_owned(),
                "failure".to_owned()
            ),
            (
                "/api/repos/example/project/statuses/abc2".to_owned(),
                "success".to_owned()
            ),
        ]
    );
    Ok(())
}
