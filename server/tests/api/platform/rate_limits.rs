//! Abuse limits, counted in the database and exact under concurrency.

use crate::helpers::{PASSWORD, TestResult, spawn_app, spawn_app_with};

fn code(answer: &crate::helpers::Answer) -> Option<String> {
    answer.error().map(|(code, _)| code)
}

#[tokio::test]
async fn fifty_parallel_sign_ins_from_one_address_do_not_overshoot_the_limit() -> TestResult {
    let app = spawn_app().await?;
    let logins: Vec<String> = (0..50).map(|n| format!("guess{n}")).collect();
    let attempts = logins
        .iter()
        .map(|login| app.sign_in(login, "wrong password guess"));
    let answers = futures::future::join_all(attempts).await;
    let mut refused = 0;
    let mut limited = 0;
    for answer in answers {
        match code(&answer?).as_deref() {
            // "busy": the hashing pool had no core free soon enough.
            Some("invalid" | "busy") => refused += 1,
            Some("rate_limited") => limited += 1,
            other => return Err(format!("unexpected answer {other:?}").into()),
        }
    }
    assert_eq!((refused, limited), (30, 20));
    Ok(())
}

#[tokio::test]
async fn after_five_attempts_each_try_waits_twice_as_long() -> TestResult {
    let app = spawn_app().await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;
    for _ in 0..5 {
        assert_eq!(
            code(&app.sign_in("ferris", "wrong password!").await?).as_deref(),
            Some("invalid")
        );
    }
    // Even the right password waits now: the delay gives nothing away.
    assert_eq!(
        code(&app.sign_in("ferris", PASSWORD).await?).as_deref(),
        Some("rate_limited")
    );
    // That try counted too: the next waits two seconds, not one.
    app.clock.advance(time::Duration::seconds(1));
    assert_eq!(
        code(&app.sign_in("ferris", PASSWORD).await?).as_deref(),
        Some("rate_limited")
    );
    app.clock.advance(time::Duration::seconds(4));
    let answer = app.sign_in("ferris", PASSWORD).await?;
    assert_eq!(code(&answer), None, "{answer:?}");
    Ok(())
}

#[tokio::test]
async fn an_attacker_cannot_lock_the_owner_out_from_another_address() -> TestResult {
    let app = spawn_app_with(&[("PORTAL_TRUST_FORWARDED_FOR", "true")]).await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;
    let wrong = [("login", "ferris"), ("password", "wrong password!")];
    for _ in 0..20 {
        app.call_from("203.0.113.9", "account/sign-in", &wrong)
            .await?;
    }
    let attacker = app
        .call_from("203.0.113.9", "account/sign-in", &wrong)
        .await?;
    assert_eq!(code(&attacker).as_deref(), Some("rate_limited"));
    let owner = app
        .call_from(
            "198.51.100.7",
            "account/sign-in",
            &[("login", "ferris"), ("password", PASSWORD)],
        )
        .await?;
    assert_eq!(code(&owner), None, "{owner:?}");
    Ok(())
}

#[tokio::test]
async fn a_login_attacked_from_everywhere_is_closed_for_at_most_an_hour() -> TestResult {
    let app = spawn_app_with(&[("PORTAL_TRUST_FORWARDED_FOR", "true")]).await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;
    let wrong = [("login", "ferris"), ("password", "wrong password!")];
    for n in 0..100 {
        app.call_from(
            &format!("10.0.{}.{}", n / 250, n % 250),
            "account/sign-in",
            &wrong,
        )
        .await?;
    }
    let right = [("login", "ferris"), ("password", PASSWORD)];
    let closed = app
        .call_from("198.51.100.7", "account/sign-in", &right)
        .await?;
    assert_eq!(code(&closed).as_deref(), Some("rate_limited"));
    app.clock.advance(time::Duration::hours(1));
    let open = app
        .call_from("198.51.100.7", "account/sign-in", &right)
        .await?;
    assert_eq!(code(&open), None, "{open:?}");
    Ok(())
}

#[tokio::test]
async fn registrations_are_limited_per_address() -> TestResult {
    let app = spawn_app().await?;
    for n in 0..10 {
        let answer = app
            .register(&format!("member{n}"), &format!("m{n}@example.org"))
            .await?;
        assert_eq!(code(&answer), None, "{answer:?}");
    }
    let answer = app.register("member10", "m10@example.org").await?;
    assert_eq!(code(&answer).as_deref(), Some("rate_limited"));
    assert_eq!(answer.status, 429);
    assert_eq!(app.count("accounts").await?, 10);
    Ok(())
}

#[tokio::test]
async fn rate_limit_counters_store_no_address() -> TestResult {
    let app = spawn_app().await?;
    app.sign_in("nobody", "wrong password!").await?;
    use sea_orm::{ConnectionTrait, Statement};
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT key FROM rate_limits",
        ))
        .await?;
    assert!(!rows.is_empty());
    for row in rows {
        let key: String = row.try_get("", "key")?;
        assert_eq!(key.len(), 64);
        assert!(!key.contains("127.0.0.1") && !key.contains("nobody"));
    }
    Ok(())
}
