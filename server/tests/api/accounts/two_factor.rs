//! The optional second factor: enrolment, sign-in with a code, recovery
//! codes, and the ways an attacker might try to get around it.

use totp_rs::{Builder, Secret, Totp};

use crate::helpers::{PASSWORD, TestApp, TestResult, spawn_app};

pub struct Enrolled {
    pub totp: Totp,
    pub recovery: Vec<String>,
    /// The secret in base32, as the set-up page shows it.
    pub secret: String,
}

pub fn code_at(totp: &Totp, app: &TestApp) -> String {
    let now = u64::try_from(app.clock.now().unix_timestamp()).unwrap_or_default();
    totp.generate(now).to_string()
}

pub async fn enrol(app: &TestApp) -> Result<Enrolled, Box<dyn std::error::Error>> {
    app.signed_in_member("ferris", "ferris@example.org").await?;
    enrol_signed_in(app).await
}

/// Sets up the second factor of the member signed in to `app`.
pub async fn enrol_signed_in(app: &TestApp) -> Result<Enrolled, Box<dyn std::error::Error>> {
    let begun = app.call("account/two-factor/begin", &[]).await?;
    assert_eq!(begun.error(), None, "{begun:?}");
    let status: serde_json::Value =
        serde_json::from_str(&app.call("account/two-factor", &[]).await?.body)?;
    assert_eq!(status["enabled"], false);
    let setup = &status["setup"];
    assert!(
        setup["qr_svg"]
            .as_str()
            .is_some_and(|svg| svg.contains("<svg"))
    );
    assert!(
        setup["uri"]
            .as_str()
            .is_some_and(|uri| uri.starts_with("otpauth://totp/"))
    );
    let secret: String = setup["secret"]
        .as_str()
        .ok_or("no secret")?
        .split_whitespace()
        .collect();
    let recovery: Vec<String> = setup["recovery_codes"]
        .as_array()
        .ok_or("no codes")?
        .iter()
        .filter_map(|code| code.as_str().map(str::to_owned))
        .collect();
    assert_eq!(recovery.len(), 10);
    let totp = Builder::new()
        .with_secret(Secret::try_from_base32(&secret).map_err(|_| "bad secret")?)
        .build()?;
    let enabled = app
        .call(
            "account/two-factor/enable",
            &[("code", &code_at(&totp, app))],
        )
        .await?;
    assert_eq!(enabled.error(), None, "{enabled:?}");
    Ok(Enrolled {
        totp,
        recovery,
        secret,
    })
}

#[tokio::test]
async fn enrolment_needs_a_right_code() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    app.call("account/two-factor/begin", &[]).await?;
    let wrong = app
        .call("account/two-factor/enable", &[("code", "000000")])
        .await?;
    assert_eq!(
        wrong.error(),
        Some(("invalid".to_owned(), Some("code".to_owned())))
    );
    let status = app.call("account/two-factor", &[]).await?;
    assert!(status.body.contains("\"enabled\":false"), "{}", status.body);
    Ok(())
}

#[tokio::test]
async fn once_enabled_sign_in_needs_a_code_as_well_as_the_password() -> TestResult {
    let app = spawn_app().await?;
    let enrolled = enrol(&app).await?;
    app.call("account/sign-out", &[]).await?;

    let first = app.sign_in("ferris", PASSWORD).await?;
    assert_eq!(first.error(), None);
    assert_eq!(first.location.as_deref(), Some("/account/two-factor/check"));
    assert!(
        first
            .set_cookie
            .iter()
            .all(|cookie| !cookie.starts_with("portal_session="))
    );
    assert_eq!(app.whoami().await?, None, "signed in without the code");

    let wrong = app
        .call("account/two-factor/verify", &[("code", "123456")])
        .await?;
    assert_eq!(
        wrong.error(),
        Some(("invalid".to_owned(), Some("code".to_owned())))
    );
    app.clock.advance(time::Duration::seconds(30));
    let right = app
        .call(
            "account/two-factor/verify",
            &[("code", &code_at(&enrolled.totp, &app))],
        )
        .await?;
    assert_eq!(right.error(), None, "{right:?}");
    assert_eq!(app.whoami().await?.as_deref(), Some("ferris"));
    Ok(())
}

#[tokio::test]
async fn a_code_works_only_once() -> TestResult {
    let app = spawn_app().await?;
    let enrolled = enrol(&app).await?;
    app.call("account/sign-out", &[]).await?;
    app.clock.advance(time::Duration::seconds(30));
    let code = code_at(&enrolled.totp, &app);
    app.sign_in("ferris", PASSWORD).await?;
    assert_eq!(
        app.call("account/two-factor/verify", &[("code", &code)])
            .await?
            .error(),
        None
    );
    app.call("account/sign-out", &[]).await?;
    app.sign_in("ferris", PASSWORD).await?;
    let replay = app
        .call("account/two-factor/verify", &[("code", &code)])
        .await?;
    assert_eq!(
        replay.error(),
        Some(("invalid".to_owned(), Some("code".to_owned())))
    );
    Ok(())
}

#[tokio::test]
async fn a_recovery_code_signs_in_once() -> TestResult {
    let app = spawn_app().await?;
    let enrolled = enrol(&app).await?;
    let code = enrolled.recovery[3].to_uppercase();
    for expected in [None, Some("invalid")] {
        app.call("account/sign-out", &[]).await?;
        app.sign_in("ferris", PASSWORD).await?;
        let answer = app
            .call("account/two-factor/verify", &[("code", &code)])
            .await?;
        assert_eq!(
            answer.error().map(|e| e.0).as_deref(),
            expected,
            "{answer:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn five_wrong_codes_end_the_pending_sign_in() -> TestResult {
    let app = spawn_app().await?;
    let enrolled = enrol(&app).await?;
    app.call("account/sign-out", &[]).await?;
    app.sign_in("ferris", PASSWORD).await?;
    for _ in 0..5 {
        app.call("account/two-factor/verify", &[("code", "000000")])
            .await?;
    }
    app.clock.advance(time::Duration::seconds(30));
    let late = app
        .call(
            "account/two-factor/verify",
            &[("code", &code_at(&enrolled.totp, &app))],
        )
        .await?;
    assert!(late.error().is_some(), "a sixth try got through: {late:?}");
    assert_eq!(app.whoami().await?, None);
    Ok(())
}

#[tokio::test]
async fn a_pending_sign_in_expires_after_five_minutes() -> TestResult {
    let app = spawn_app().await?;
    let enrolled = enrol(&app).await?;
    app.call("account/sign-out", &[]).await?;
    app.sign_in("ferris", PASSWORD).await?;
    app.clock.advance(time::Duration::minutes(5));
    let answer = app
        .call(
            "account/two-factor/verify",
            &[("code", &code_at(&enrolled.totp, &app))],
        )
        .await?;
    assert_eq!(
        answer.error(),
        Some(("invalid".to_owned(), Some("code".to_owned())))
    );
    assert_eq!(app.whoami().await?, None);
    Ok(())
}

#[tokio::test]
async fn a_code_without_a_password_first_gets_nowhere() -> TestResult {
    let app = spawn_app().await?;
    let enrolled = enrol(&app).await?;
    let stranger = reqwest::Client::new();
    let answer = stranger
        .post(app.url("/api/account/two-factor/verify"))
        .form(&[("code", code_at(&enrolled.totp, &app))])
        .send()
        .await?;
    assert_eq!(answer.status(), 422);
    assert!(answer.headers().get("set-cookie").is_none());
    Ok(())
}

#[tokio::test]
async fn turning_it_off_needs_the_password() -> TestResult {
    let app = spawn_app().await?;
    enrol(&app).await?;
    let wrong = app
        .call(
            "account/two-factor/disable",
            &[("password", "not my password")],
        )
        .await?;
    assert_eq!(
        wrong.error(),
        Some(("invalid".to_owned(), Some("password".to_owned())))
    );
    assert_eq!(app.count("recovery_codes").await?, 10);
    let right = app
        .call("account/two-factor/disable", &[("password", PASSWORD)])
        .await?;
    assert_eq!(right.error(), None);
    assert_eq!(app.count("second_factors").await?, 0);
    assert_eq!(app.count("recovery_codes").await?, 0);
    app.call("account/sign-out", &[]).await?;
    let plain = app.sign_in("ferris", PASSWORD).await?;
    assert_eq!(plain.location.as_deref(), Some("/account/welcome"));
    Ok(())
}

#[tokio::test]
async fn the_secret_is_never_shown_once_enabled() -> TestResult {
    let app = spawn_app().await?;
    enrol(&app).await?;
    let status = app.call("account/two-factor", &[]).await?;
    assert_eq!(status.body, r#"{"enabled":true,"setup":null}"#);
    Ok(())
}

#[tokio::test]
async fn two_factor_settings_need_a_signed_in_member() -> TestResult {
    let app = spawn_app().await?;
    for (endpoint, form) in [
        ("account/two-factor", vec![]),
        ("account/two-factor/begin", vec![]),
        ("account/two-factor/enable", vec![("code", "123456")]),
        ("account/two-factor/disable", vec![("password", PASSWORD)]),
    ] {
        let answer = app.call(endpoint, &form).await?;
        assert_eq!(answer.status, 401, "{endpoint}");
    }
    assert_eq!(app.count("second_factors").await?, 0);
    Ok(())
}
