//! Every path that checks or hashes a password is counted before the hash,
//! per account whatever the spelling of the login, and exactly under
//! concurrency.

use crate::helpers::{Answer, PASSWORD, TestApp, TestResult, spawn_app, spawn_app_with};

fn code(answer: &Answer) -> Option<String> {
    answer.error().map(|(code, _)| code)
}

/// How many answers said "wrong password" and how many "rate limited".
fn tally(answers: Vec<reqwest::Result<Answer>>) -> Result<(usize, usize), String> {
    let (mut wrong, mut limited) = (0, 0);
    for answer in answers {
        let answer = answer.map_err(|error| error.to_string())?;
        match code(&answer).as_deref() {
            Some("invalid") => wrong += 1,
            Some("rate_limited") => limited += 1,
            other => return Err(format!("unexpected answer {other:?}: {answer:?}")),
        }
    }
    Ok((wrong, limited))
}

#[tokio::test]
async fn forty_parallel_wrong_passwords_for_one_account_check_only_five() -> TestResult {
    let app = spawn_app_with(&[("PORTAL_SIGN_INS_PER_IP_PER_10_MINUTES", "1000")]).await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;

    let passwords: Vec<String> = (0..40).map(|n| format!("wrong guess number {n}")).collect();
    let guesses = passwords
        .iter()
        .map(|password| app.sign_in("ferris", password));
    let answers = futures::future::join_all(guesses).await;

    assert_eq!(tally(answers)?, (5, 35));
    Ok(())
}

#[tokio::test]
async fn every_spelling_of_a_login_shares_one_counter() -> TestResult {
    let app = spawn_app().await?;
    app.confirmed_member("fw1197", "fw1197@example.org").await?;
    for _ in 0..5 {
        let answer = app.sign_in("fw1197", "wrong password!").await?;
        assert_eq!(code(&answer).as_deref(), Some("invalid"), "{answer:?}");
    }

    for spelling in ["fw1197@example.org", "ｆｗ１１９７", "FW1197", " fw1197 "] {
        let answer = app.sign_in(spelling, "wrong password!").await?;
        assert_eq!(
            code(&answer).as_deref(),
            Some("rate_limited"),
            "{spelling}: {answer:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn the_owner_signs_in_from_another_address_while_the_attacker_waits() -> TestResult {
    let app = spawn_app_with(&[("PORTAL_TRUST_FORWARDED_FOR", "true")]).await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;
    let wrong = [("login", "ferris"), ("password", "wrong password!")];
    let guesses = (0..20).map(|_| app.call_from("203.0.113.9", "account/sign-in", &wrong));
    futures::future::join_all(guesses).await;

    let attacker = app
        .call_from("203.0.113.9", "account/sign-in", &wrong)
        .await?;
    let owner = app
        .call_from(
            "198.51.100.7",
            "account/sign-in",
            &[("login", "ferris"), ("password", PASSWORD)],
        )
        .await?;

    assert_eq!(code(&attacker).as_deref(), Some("rate_limited"));
    assert_eq!(code(&owner), None, "{owner:?}");
    Ok(())
}

/// Calls `endpoint` `times` times in parallel with a wrong current password.
async fn wrong_current_passwords(
    app: &TestApp,
    endpoint: &str,
    form: &[(&str, &str)],
    times: usize,
) -> Result<(usize, usize), String> {
    let calls = (0..times).map(|_| app.call(endpoint, form));
    tally(futures::future::join_all(calls).await)
}

#[tokio::test]
async fn changing_the_password_the_address_or_the_second_factor_is_limited_like_signing_in()
-> TestResult {
    let app = spawn_app_with(&[("PORTAL_SIGN_INS_PER_IP_PER_10_MINUTES", "1000")]).await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    let wrong = "not my password at all";
    let forms: [(&str, Vec<(&str, &str)>); 3] = [
        (
            "account/change-password",
            vec![
                ("current_password", wrong),
                ("new_password", "violet kettle orbit lamp"),
            ],
        ),
        (
            "account/change-email",
            vec![
                ("current_password", wrong),
                ("new_email", "new@example.org"),
            ],
        ),
        ("account/two-factor/disable", vec![("password", wrong)]),
    ];
    // The three forms share the account's counter: five checks in all.
    let mut checked = 0;
    for (endpoint, form) in &forms {
        let (wrong, limited) = wrong_current_passwords(&app, endpoint, form, 10).await?;
        assert_eq!(wrong + limited, 10, "{endpoint}");
        checked += wrong;
    }
    assert_eq!(checked, 5);
    Ok(())
}

#[tokio::test]
async fn made_up_reset_tokens_are_refused_before_any_hash_and_then_limited() -> TestResult {
    let app = spawn_app().await?;
    let mut answers = Vec::new();
    for n in 0..35 {
        let token = format!("made-up-token-{n:0>30}");
        answers.push(
            app.call(
                "account/reset-password",
                &[("token", &token), ("password", "violet kettle orbit lamp")],
            )
            .await?,
        );
    }
    let codes: Vec<Option<(String, Option<String>)>> = answers.iter().map(Answer::error).collect();
    let refused = codes
        .iter()
        .filter(|code| {
            code.as_ref()
                .is_some_and(|(code, field)| code == "invalid" && field.as_deref() == Some("token"))
        })
        .count();
    let limited = codes
        .iter()
        .filter(|code| {
            code.as_ref()
                .is_some_and(|(code, _)| code == "rate_limited")
        })
        .count();
    assert_eq!((refused, limited), (30, 5));
    let last = answers.last().ok_or("no answer")?;
    assert_eq!(last.status, 429);
    Ok(())
}

#[tokio::test]
async fn a_rate_limited_answer_says_when_to_try_again() -> TestResult {
    let app = spawn_app().await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;
    for _ in 0..5 {
        app.sign_in("ferris", "wrong password!").await?;
    }
    let response = app
        .client
        .post(app.url("/api/account/sign-in"))
        .form(&[("login", "ferris"), ("password", "wrong password!")])
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(
        response
            .headers()
            .get("retry-after")
            .and_then(|value| value.to_str().ok()),
        Some("60")
    );
    Ok(())
}
