//! Proving control of an address ends what others may have begun before
//! it: account pre-hijacking through providers, and stale mailed links.

use crate::{
    accounts::identities::{sign_in_with, spawn_with_providers},
    helpers::{PASSWORD, TestApp, TestResult, spawn_app},
    provider_double::{Fault, Person},
};

const NEW_PASSWORD: &str = "a brand new passphrase";

/// The token of the newest mail with `subject`.
async fn newest_token(app: &TestApp, subject: &str) -> Result<String, Box<dyn std::error::Error>> {
    Ok(app
        .mails()
        .await?
        .into_iter()
        .rev()
        .find(|mail| mail.subject == subject)
        .and_then(|mail| mail.token())
        .ok_or("no such mail")?)
}

/// Asks for a reset of `email`'s password; the link's token.
async fn reset_link(app: &TestApp, email: &str) -> Result<String, Box<dyn std::error::Error>> {
    app.call("account/forgot-password", &[("email", email)])
        .await?;
    newest_token(app, "Reset your password").await
}

/// Signs up through the provider as `person`, typing `email` (which the
/// provider does not vouch for) and choosing `username`.
async fn sign_up_typing(
    app: &TestApp,
    double: &crate::provider_double::ProviderDouble,
    person: &Person,
    username: &str,
    email: &str,
) -> TestResult {
    sign_in_with(app, double, "idp", person, Fault::None).await?;
    let made = app
        .call(
            "account/finish-sign-up",
            &[
                ("username", username),
                ("email", email),
                ("age_confirmed", "on"),
                ("policy_accepted", "on"),
            ],
        )
        .await?;
    assert_eq!(made.error(), None, "{made:?}");
    Ok(())
}

async fn reset_with(
    app: &TestApp,
    token: &str,
) -> Result<Option<(String, Option<String>)>, Box<dyn std::error::Error>> {
    Ok(app
        .call(
            "account/reset-password",
            &[("token", token), ("password", NEW_PASSWORD)],
        )
        .await?
        .error())
}

#[tokio::test]
async fn an_attackers_provider_stops_working_once_the_real_owner_resets_the_password() -> TestResult
{
    let (attacker, double) = spawn_with_providers().await?;
    // The attacker signs up through their own provider account, typing the
    // victim's address, which the provider does not vouch for.
    let mallory = Person::new("mallory-sub", "mallory", "mallory@evil.example", false);
    sign_up_typing(
        &attacker,
        &double,
        &mallory,
        "victim-ish",
        "victim@example.org",
    )
    .await?;
    assert_eq!(attacker.whoami().await?.as_deref(), Some("victim-ish"));

    // The owner of the address takes the account over by a reset link.
    let victim = TestApp::visitor_of(&attacker)?;
    let token = reset_link(&victim, "victim@example.org").await?;
    assert_eq!(reset_with(&victim, &token).await?, None);

    // The attacker's session is over, and their provider no longer leads in.
    assert_eq!(attacker.whoami().await?, None);
    assert_eq!(attacker.count("account_identities").await?, 0);
    let landing = sign_in_with(&attacker, &double, "idp", &mallory, Fault::None).await?;
    assert_eq!(landing, "/account/sign-in/finish");
    assert_eq!(attacker.whoami().await?, None);
    // The owner signs in with the new password: the reset confirmed the address.
    let owner = victim.sign_in("victim@example.org", NEW_PASSWORD).await?;
    assert_eq!(owner.error(), None, "{owner:?}");
    Ok(())
}

#[tokio::test]
async fn a_member_with_an_unconfirmed_address_cannot_link_a_provider() -> TestResult {
    let (app, double) = spawn_with_providers().await?;
    let first = Person::new("first-sub", "first", "first@idp.example", false);
    sign_up_typing(&app, &double, &first, "newbie", "someone@example.org").await?;
    assert_eq!(app.whoami().await?.as_deref(), Some("newbie"));

    let second = Person::new("second-sub", "second", "second@idp.example", true);
    sign_in_with(&app, &double, "idp", &second, Fault::None).await?;
    let linked = app.call("account/confirm-link", &[]).await?;

    assert_eq!(
        linked.error(),
        Some(("invalid".to_owned(), Some("flow".to_owned())))
    );
    assert_eq!(app.count("account_identities").await?, 1);
    Ok(())
}

#[tokio::test]
async fn confirming_the_address_while_signed_in_keeps_this_session_and_its_provider() -> TestResult
{
    let (app, double) = spawn_with_providers().await?;
    let person = Person::new("p-sub", "p", "p@idp.example", false);
    sign_up_typing(&app, &double, &person, "typed", "typed@example.org").await?;
    let token = newest_token(&app, "Confirm your email address").await?;

    // Opened signed in, in the same browser: this session and its provider stay.
    let confirmed = app
        .call("account/confirm-email", &[("token", &token)])
        .await?;

    assert_eq!(confirmed.error(), None, "{confirmed:?}");
    assert_eq!(app.whoami().await?.as_deref(), Some("typed"));
    assert_eq!(app.count("account_identities").await?, 1);
    Ok(())
}

#[tokio::test]
async fn confirming_from_another_browser_unlinks_providers_linked_before() -> TestResult {
    let (app, double) = spawn_with_providers().await?;
    let person = Person::new("p-sub", "p", "p@idp.example", false);
    sign_up_typing(&app, &double, &person, "typed", "typed@example.org").await?;
    let token = newest_token(&app, "Confirm your email address").await?;
    let mailbox_owner = TestApp::visitor_of(&app)?;

    let confirmed = mailbox_owner
        .call("account/confirm-email", &[("token", &token)])
        .await?;

    assert_eq!(confirmed.error(), None, "{confirmed:?}");
    assert_eq!(app.whoami().await?, None);
    assert_eq!(app.count("account_identities").await?, 0);
    Ok(())
}

#[tokio::test]
async fn a_new_reset_link_voids_the_earlier_one() -> TestResult {
    let app = spawn_app().await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;
    let first = reset_link(&app, "ferris@example.org").await?;
    let second = reset_link(&app, "ferris@example.org").await?;

    let with_first = reset_with(&app, &first).await?;
    let with_second = reset_with(&app, &second).await?;

    assert_eq!(
        with_first,
        Some(("invalid".to_owned(), Some("token".to_owned())))
    );
    assert_eq!(with_second, None);
    Ok(())
}

#[tokio::test]
async fn changing_the_address_voids_a_reset_link_sent_to_the_old_one() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    let reset = reset_link(&app, "ferris@example.org").await?;
    app.call(
        "account/change-email",
        &[
            ("current_password", PASSWORD),
            ("new_email", "crab@example.org"),
        ],
    )
    .await?;
    let change = newest_token(&app, "Confirm your email address").await?;
    let changed = app
        .call("account/confirm-email-change", &[("token", &change)])
        .await?;
    assert_eq!(changed.error(), None, "{changed:?}");

    assert_eq!(
        reset_with(&app, &reset).await?,
        Some(("invalid".to_owned(), Some("token".to_owned())))
    );
    Ok(())
}
