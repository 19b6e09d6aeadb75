//! Registration, confirmation, sign-in and sessions — as a member would
//! use them and as an attacker would try them.

use crate::helpers::{PASSWORD, TestResult, spawn_app, spawn_app_with};

#[tokio::test]
async fn registering_creates_an_unconfirmed_account_with_consent_and_mails_a_link() -> TestResult {
    let app = spawn_app().await?;
    let answer = app.register("ferris", "ferris@example.org").await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    assert_eq!(answer.location.as_deref(), Some("/account/check-mail"));

    assert_eq!(app.count("accounts").await?, 1);
    assert_eq!(app.count("consents").await?, 1);
    let mails = app.mails().await?;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, "ferris@example.org");
    assert_eq!(mails[0].subject, "Confirm your email address");
    let token = mails[0].token().ok_or("no link in the mail")?;
    assert_eq!(token.len(), 43);

    // The token is stored only as a hash.
    use sea_orm::{ConnectionTrait, Statement};
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT token_hash FROM account_tokens",
        ))
        .await?;
    let stored: String = rows[0].try_get("", "token_hash")?;
    assert_ne!(stored, token);
    assert_eq!(stored.len(), 64);
    Ok(())
}

#[tokio::test]
async fn an_address_that_has_an_account_gets_the_same_answer_and_its_owner_a_notice() -> TestResult
{
    let app = spawn_app().await?;
    let first = app.register("ferris", "ferris@example.org").await?;
    let second = app.register("crab", "Ferris@Example.org").await?;
    assert_eq!(first.status, second.status);
    assert_eq!(first.location, second.location);
    assert_eq!(first.body, second.body);
    assert_eq!(app.count("accounts").await?, 1);
    let mails = app.mails().await?;
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[1].to, "Ferris@Example.org");
    assert_eq!(
        mails[1].subject,
        "Someone tried to register with your address"
    );
    assert_eq!(mails[1].token(), None);
    Ok(())
}

#[tokio::test]
async fn a_taken_username_is_reported_at_the_username_field_in_any_case() -> TestResult {
    let app = spawn_app().await?;
    app.register("ferris", "ferris@example.org").await?;
    let answer = app.register("FERRIS", "other@example.org").await?;
    assert_eq!(
        answer.error(),
        Some(("invalid".to_owned(), Some("username".to_owned())))
    );
    assert_eq!(app.count("accounts").await?, 1);
    Ok(())
}

#[tokio::test]
async fn bad_input_is_refused_at_its_field_and_stores_nothing() -> TestResult {
    let app = spawn_app().await?;
    let good = [
        ("username", "ferris"),
        ("email", "ferris@example.org"),
        ("password", PASSWORD),
        ("age_confirmed", "on"),
        ("policy_accepted", "on"),
    ];
    let cases: [(&str, Option<&str>); 7] = [
        ("username", Some("x")),
        ("username", Some("admin")),
        ("username", Some("<script>")),
        ("email", Some("not-an-address")),
        ("password", Some("too short")),
        ("age_confirmed", None),
        ("policy_accepted", None),
    ];
    for (field, value) in cases {
        let form: Vec<(&str, &str)> = good
            .iter()
            .filter(|(name, _)| *name != field)
            .copied()
            .chain(value.map(|value| (field, value)))
            .collect();
        let answer = app.call("account/register", &form).await?;
        assert_eq!(
            answer.error(),
            Some(("invalid".to_owned(), Some(field.to_owned()))),
            "{field} = {value:?}"
        );
    }
    assert_eq!(app.count("accounts").await?, 0);
    assert_eq!(app.count("mail_outbox").await?, 0);
    Ok(())
}

#[tokio::test]
async fn a_filled_honeypot_looks_like_success_but_creates_nothing() -> TestResult {
    let app = spawn_app().await?;
    let answer = app
        .call(
            "account/register",
            &[
                ("username", "spambot"),
                ("email", "bot@example.org"),
                ("password", PASSWORD),
                ("age_confirmed", "on"),
                ("policy_accepted", "on"),
                ("website", "http://spam.example"),
            ],
        )
        .await?;
    assert_eq!(answer.location.as_deref(), Some("/account/check-mail"));
    assert_eq!(app.count("accounts").await?, 0);
    Ok(())
}

#[tokio::test]
async fn opening_the_link_confirms_nothing_until_the_button_is_pressed() -> TestResult {
    let app = spawn_app().await?;
    app.register("ferris", "ferris@example.org").await?;
    let token = app.mails().await?[0].token().ok_or("no token")?;

    let page = app.get(&format!("/account/verify?token={token}")).await?;
    assert_eq!(page.status(), 200);
    assert!(!verified(&app).await?, "a GET confirmed the address");

    let answer = app
        .call("account/confirm-email", &[("token", &token)])
        .await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    assert_eq!(answer.location.as_deref(), Some("/account/verified"));
    assert!(verified(&app).await?);
    Ok(())
}

async fn verified(app: &crate::helpers::TestApp) -> Result<bool, Box<dyn std::error::Error>> {
    Ok(app
        .count("accounts WHERE email_verified_at IS NOT NULL")
        .await?
        == 1)
}

#[tokio::test]
async fn a_confirmation_link_works_once() -> TestResult {
    let app = spawn_app().await?;
    app.register("ferris", "ferris@example.org").await?;
    let token = app.mails().await?[0].token().ok_or("no token")?;
    app.call("account/confirm-email", &[("token", &token)])
        .await?;
    let again = app
        .call("account/confirm-email", &[("token", &token)])
        .await?;
    assert_eq!(
        again.error(),
        Some(("invalid".to_owned(), Some("token".to_owned())))
    );
    Ok(())
}

#[tokio::test]
async fn a_confirmation_link_expires_after_48_hours() -> TestResult {
    let app = spawn_app().await?;
    app.register("ferris", "ferris@example.org").await?;
    let token = app.mails().await?[0].token().ok_or("no token")?;
    app.clock.advance(time::Duration::hours(48));
    let answer = app
        .call("account/confirm-email", &[("token", &token)])
        .await?;
    assert_eq!(
        answer.error(),
        Some(("invalid".to_owned(), Some("token".to_owned())))
    );
    assert!(!verified(&app).await?);
    Ok(())
}

#[tokio::test]
async fn a_made_up_token_confirms_nothing() -> TestResult {
    let app = spawn_app().await?;
    app.register("ferris", "ferris@example.org").await?;
    let answer = app
        .call(
            "account/confirm-email",
            &[("token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")],
        )
        .await?;
    assert_eq!(
        answer.error(),
        Some(("invalid".to_owned(), Some("token".to_owned())))
    );
    assert!(!verified(&app).await?);
    Ok(())
}

#[tokio::test]
async fn sign_in_answers_the_same_for_a_wrong_password_and_an_unknown_account() -> TestResult {
    let app = spawn_app().await?;
    app.register("ferris", "ferris@example.org").await?;
    let wrong_password = app.sign_in("ferris", "not the right password").await?;
    let unknown = app.sign_in("nobody", "not the right password").await?;
    let unknown_email = app
        .sign_in("nobody@example.org", "not the right password")
        .await?;
    assert_eq!(wrong_password, unknown);
    assert_eq!(wrong_password, unknown_email);
    assert_eq!(
        wrong_password.error(),
        Some(("invalid".to_owned(), Some("password".to_owned())))
    );
    assert_eq!(wrong_password.status, 422);
    assert!(wrong_password.set_cookie.is_empty());
    Ok(())
}

#[tokio::test]
async fn signing_in_sets_a_strict_session_cookie_and_signs_the_member_in() -> TestResult {
    let app = spawn_app().await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;
    assert_eq!(app.whoami().await?, None);
    let answer = app.sign_in("Ferris", PASSWORD).await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    assert_eq!(answer.set_cookie.len(), 1);
    let cookie = &answer.set_cookie[0];
    assert!(cookie.starts_with("portal_session="), "{cookie}");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(flag), "{cookie} lacks {flag}");
    }
    assert!(
        !cookie.contains("Max-Age") && !cookie.contains("Expires"),
        "not a session cookie: {cookie}"
    );
    assert_eq!(app.whoami().await?.as_deref(), Some("ferris"));
    Ok(())
}

#[tokio::test]
async fn remember_me_makes_the_cookie_persistent() -> TestResult {
    let app = spawn_app().await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;
    let answer = app
        .call(
            "account/sign-in",
            &[
                ("login", "ferris@example.org"),
                ("password", PASSWORD),
                ("remember", "on"),
            ],
        )
        .await?;
    let cookie = answer.set_cookie.first().ok_or("no cookie")?;
    assert!(cookie.contains("Max-Age=2592000"), "{cookie}");
    Ok(())
}

#[tokio::test]
async fn over_https_the_cookie_is_secure_and_host_only() -> TestResult {
    let app = spawn_app_with(&[("PORTAL_BASE_URL", "https://community.example.org")]).await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;
    let answer = app.sign_in("ferris", PASSWORD).await?;
    let cookie = answer.set_cookie.first().ok_or("no cookie")?;
    assert!(cookie.starts_with("__Host-portal_session="), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
    Ok(())
}

#[tokio::test]
async fn the_session_id_changes_at_every_sign_in() -> TestResult {
    let app = spawn_app().await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;
    let first = app.sign_in("ferris", PASSWORD).await?.set_cookie;
    let second = app.sign_in("ferris", PASSWORD).await?.set_cookie;
    assert_ne!(first, second);
    // The session the browser held before is gone, not merely forgotten.
    assert_eq!(app.count("sessions").await?, 1);
    Ok(())
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() -> TestResult {
    let app = spawn_app().await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;
    let cookie = app.sign_in("ferris", PASSWORD).await?.set_cookie.remove(0);
    let value = cookie.split(';').next().unwrap_or_default().to_owned();
    app.call("account/sign-out", &[]).await?;
    assert_eq!(app.count("sessions").await?, 0);

    // Replaying the old cookie from another client gets nobody.
    let replay = reqwest::Client::new()
        .post(app.url("/api/account/whoami"))
        .header("cookie", value)
        .send()
        .await?
        .text()
        .await?;
    assert_eq!(replay, "null");
    Ok(())
}

#[tokio::test]
async fn an_idle_session_expires() -> TestResult {
    let app = spawn_app().await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;
    app.sign_in("ferris", PASSWORD).await?;
    app.clock.advance(time::Duration::hours(2));
    assert_eq!(app.whoami().await?, None);
    assert_eq!(app.count("sessions").await?, 0);
    Ok(())
}

#[tokio::test]
async fn a_cross_site_sign_in_attempt_is_refused() -> TestResult {
    let app = spawn_app().await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;
    let response = app
        .client
        .post(app.url("/api/account/sign-in"))
        .header("origin", "https://evil.example")
        .form(&[("login", "ferris"), ("password", PASSWORD)])
        .send()
        .await?;
    assert_eq!(response.status(), 403);
    assert!(response.headers().get("set-cookie").is_none());
    Ok(())
}

#[tokio::test]
async fn an_unconfirmed_address_is_no_way_to_sign_in() -> TestResult {
    let app = spawn_app().await?;
    app.register("ferris", "ferris@example.org").await?;

    let by_address = app.sign_in("ferris@example.org", PASSWORD).await?;

    assert_eq!(
        by_address.error(),
        Some(("invalid".to_owned(), Some("password".to_owned())))
    );
    assert_eq!(app.whoami().await?, None);
    Ok(())
}

#[tokio::test]
async fn a_full_member_journey_works() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    let answer = app.call("account/whoami", &[]).await?;
    assert!(
        answer.body.contains("\"email_verified\":true"),
        "{}",
        answer.body
    );
    Ok(())
}

#[tokio::test]
async fn a_look_alike_of_an_existing_username_is_refused() -> TestResult {
    let app = spawn_app().await?;
    app.register("paypal", "first@example.org").await?;
    // "pаypal" with a Cyrillic "а".
    let answer = app.register("p\u{0430}ypal", "second@example.org").await?;
    assert_eq!(
        answer.error(),
        Some(("invalid".to_owned(), Some("username".to_owned())))
    );
    assert_eq!(app.count("accounts").await?, 1);
    Ok(())
}

#[tokio::test]
async fn a_common_password_is_refused_at_its_field() -> TestResult {
    let app = spawn_app().await?;
    let answer = app
        .call(
            "account/register",
            &[
                ("username", "ferris"),
                ("email", "ferris@example.org"),
                ("password", "Password1234"),
                ("age_confirmed", "on"),
                ("policy_accepted", "on"),
            ],
        )
        .await?;
    assert_eq!(
        answer.error(),
        Some(("invalid".to_owned(), Some("password".to_owned())))
    );
    assert!(answer.body.contains("commonly used"), "{}", answer.body);
    assert_eq!(app.count("accounts").await?, 0);
    Ok(())
}

#[tokio::test]
async fn signing_in_unconfirmed_mails_a_new_link_at_most_three_times_an_hour() -> TestResult {
    let app = spawn_app().await?;
    app.register("ferris", "ferris@example.org").await?;
    let first = app.mails().await?[0].token().ok_or("no token")?;

    for _ in 0..4 {
        let answer = app.sign_in("ferris", PASSWORD).await?;
        assert_eq!(
            answer.error(),
            Some(("invalid".to_owned(), Some("login".to_owned())))
        );
    }

    let links: Vec<String> = app
        .mails()
        .await?
        .iter()
        .filter_map(|mail| mail.token())
        .collect();
    assert_eq!(links.len(), 4, "the first link and three more");
    for voided in [&first, &links[1], &links[2]] {
        let old = app
            .call("account/confirm-email", &[("token", voided)])
            .await?;
        assert_eq!(old.error().map(|e| e.0).as_deref(), Some("invalid"));
    }
    let newest = app
        .call("account/confirm-email", &[("token", &links[3])])
        .await?;
    assert_eq!(newest.error(), None, "{newest:?}");
    Ok(())
}
