//! Registering never tells whether an address has an account: not by the
//! answer, and not by any request that follows it.

use crate::helpers::{Answer, PASSWORD, TestApp, TestResult, spawn_app};

/// What a visitor can observe of an answer.
fn seen(answer: &Answer) -> (u16, Option<String>, String) {
    (answer.status, answer.location.clone(), answer.body.clone())
}

/// Everything a visitor can try after registering `username` with
/// `email`, in order, and what each answered.
async fn probe(
    app: &TestApp,
    username: &str,
    email: &str,
) -> Result<Vec<(u16, Option<String>, String)>, Box<dyn std::error::Error>> {
    let mut seen_answers = Vec::new();
    seen_answers.push(seen(&app.register(username, email).await?));
    // The same username with a fresh address.
    seen_answers.push(seen(
        &app.register(username, &format!("fresh-{username}@example.net"))
            .await?,
    ));
    // Signing in with the chosen name and password, right and wrong.
    seen_answers.push(seen(&app.sign_in(username, PASSWORD).await?));
    seen_answers.push(seen(&app.sign_in(username, "wrong password!").await?));
    // Signing in with the address and the chosen password.
    seen_answers.push(seen(&app.sign_in(email, PASSWORD).await?));
    // Asking for a reset of the address.
    seen_answers.push(seen(
        &app.call("account/forgot-password", &[("email", email)])
            .await?,
    ));
    Ok(seen_answers)
}

/// A confirmed member whose password is not the tests' usual one.
async fn owner_of(app: &TestApp, email: &str) -> TestResult {
    let registered = app
        .call(
            "account/register",
            &[
                ("username", "owner"),
                ("email", email),
                ("password", "the owner's own secret"),
                ("age_confirmed", "on"),
                ("policy_accepted", "on"),
            ],
        )
        .await?;
    assert_eq!(registered.error(), None, "{registered:?}");
    let token = app
        .mails()
        .await?
        .into_iter()
        .find(|mail| mail.to == email)
        .and_then(|mail| mail.token())
        .ok_or("no confirmation mail")?;
    let confirmed = app
        .call("account/confirm-email", &[("token", &token)])
        .await?;
    assert_eq!(confirmed.error(), None, "{confirmed:?}");
    Ok(())
}

#[tokio::test]
async fn registering_with_a_known_address_looks_the_same_as_with_a_new_one_by_every_request()
-> TestResult {
    let app = spawn_app().await?;
    owner_of(&app, "known@example.org").await?;
    let visitor = TestApp::visitor_of(&app)?;

    let with_new_address = probe(&visitor, "newcomer", "new@example.org").await?;
    let with_known_address = probe(&visitor, "prober", "known@example.org").await?;

    let with_known_address: Vec<_> = with_known_address
        .into_iter()
        .map(|(status, location, body)| (status, location, body.replace("prober", "newcomer")))
        .collect();
    assert_eq!(with_new_address, with_known_address);
    // What was seen: accepted, then "taken", then "confirm first".
    assert_eq!(with_new_address[1].0, 422);
    assert!(
        with_new_address[2].2.contains("not confirmed"),
        "{with_new_address:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_held_username_and_an_unconfirmed_account_are_both_released_after_48_hours() -> TestResult
{
    let app = spawn_app().await?;
    owner_of(&app, "known@example.org").await?;
    app.register("newcomer", "new@example.org").await?;
    app.register("prober", "known@example.org").await?;
    assert_eq!(app.count("registration_holds").await?, 1);

    app.clock.advance(time::Duration::hours(49));
    app::features::purge(&app.state).await?;

    assert_eq!(app.count("registration_holds").await?, 0);
    assert_eq!(app.count("accounts").await?, 1);
    for (username, email) in [("newcomer", "n2@example.org"), ("prober", "p2@example.org")] {
        let answer = app.register(username, email).await?;
        assert_eq!(answer.error(), None, "{username}: {answer:?}");
    }
    Ok(())
}

#[tokio::test]
async fn an_unconfirmed_member_gets_a_new_link_instead_of_a_session() -> TestResult {
    let app = spawn_app().await?;
    app.register("newcomer", "new@example.org").await?;
    let mails_before = app.mails().await?.len();

    let answer = app.sign_in("newcomer", PASSWORD).await?;

    assert_eq!(
        answer.error(),
        Some(("invalid".to_owned(), Some("login".to_owned())))
    );
    assert!(app.whoami().await?.is_none());
    let mails = app.mails().await?;
    assert_eq!(mails.len(), mails_before + 1);
    let newest = mails.last().ok_or("no mail")?;
    assert_eq!(newest.subject, "Confirm your email address");
    // The new link works; the first one no longer does.
    let first = mails
        .iter()
        .find(|mail| mail.subject == "Confirm your email address")
        .and_then(|mail| mail.token())
        .ok_or("no first link")?;
    let old = app
        .call("account/confirm-email", &[("token", &first)])
        .await?;
    assert_eq!(
        old.error().map(|(code, _)| code).as_deref(),
        Some("invalid")
    );
    let new = newest.token().ok_or("no new link")?;
    let confirmed = app
        .call("account/confirm-email", &[("token", &new)])
        .await?;
    assert_eq!(confirmed.error(), None, "{confirmed:?}");
    let signed_in = app.sign_in("newcomer", PASSWORD).await?;
    assert_eq!(signed_in.error(), None, "{signed_in:?}");
    Ok(())
}
