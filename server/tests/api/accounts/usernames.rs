//! Changing the username: the registration rules, once every 30 days, and
//! the old name reserved for its former owner for 90 days.

use time::Duration;

use crate::helpers::{PASSWORD, TestApp, TestResult, spawn_app};

async fn change(
    browser: &TestApp,
    to: &str,
) -> Result<Option<(String, Option<String>)>, Box<dyn std::error::Error>> {
    let answer = browser
        .call("account/change-username", &[("username", to)])
        .await?;
    if answer.error().is_none() {
        assert_eq!(
            answer.location.as_deref(),
            Some("/account?changed=username")
        );
    }
    Ok(answer.error())
}

fn refused(field: &str) -> Option<(String, Option<String>)> {
    Some(("invalid".to_owned(), Some(field.to_owned())))
}

#[tokio::test]
async fn a_member_changes_their_username_and_the_old_one_stays_reserved_for_90_days() -> TestResult
{
    let app = spawn_app().await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    assert_eq!(change(&app, "crab").await?, None);
    assert_eq!(app.whoami().await?.as_deref(), Some("crab"));
    app.call("account/sign-out", &[]).await?;
    assert_eq!(app.sign_in("crab", PASSWORD).await?.error(), None);

    // Nobody else gets the old name, in any spelling, while it is reserved.
    let other = TestApp::visitor_of(&app)?;
    assert_eq!(
        other
            .register("Ferris", "someone@example.org")
            .await?
            .error(),
        refused("username")
    );
    let corro = TestApp::visitor_of(&app)?;
    corro.signed_in_member("corro", "corro@example.org").await?;
    assert_eq!(
        change(&corro, "FERRIS").await?,
        Some(("invalid".to_owned(), Some("username".to_owned())))
    );

    // Once the 90 days are over and the purge ran, it is free again.
    app.clock.advance(Duration::days(91));
    app::features::purge(&app.state).await?;
    // (The sessions have long expired too.)
    assert_eq!(corro.sign_in("corro", PASSWORD).await?.error(), None);
    assert_eq!(change(&corro, "ferris").await?, None);
    Ok(())
}

#[tokio::test]
async fn a_username_changes_at_most_once_every_30_days_and_follows_the_registration_rules()
-> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    assert_eq!(change(&app, "ab").await?, refused("username"));
    assert_eq!(change(&app, "admin").await?, refused("username"));
    assert_eq!(change(&app, "ferris").await?, refused("username"));
    assert_eq!(change(&app, "crab").await?, None);
    let again = app
        .call("account/change-username", &[("username", "lobster")])
        .await?;
    assert_eq!(again.error(), refused("username"));
    assert!(again.body.contains("once every 30 days"), "{}", again.body);
    app.clock.advance(Duration::days(31));
    assert_eq!(app.sign_in("crab", PASSWORD).await?.error(), None);
    // Taking back one's own reserved name is allowed.
    assert_eq!(change(&app, "ferris").await?, None);
    assert_eq!(app.whoami().await?.as_deref(), Some("ferris"));

    let visitor = TestApp::visitor_of(&app)?;
    assert_eq!(
        visitor
            .call("account/change-username", &[("username", "someone")])
            .await?
            .status,
        401
    );
    Ok(())
}
