//! Linking rules: an identity joins an existing account only when the
//! member is signed in and confirms, or when the provider vouched for the
//! account's verified address and the member confirms by password or mail.
//! An unverified address never links. Unlinking keeps a way in.

use crate::{
    accounts::identities::{ada, finish, sign_in_with, spawn_with_providers},
    helpers::{PASSWORD, TestApp, TestResult},
    provider_double::{Fault, Person},
};

/// A signed-in member `ada` with a password and the verified address
/// ada@example.org, in another browser than `app`'s.
async fn existing_ada(app: &TestApp) -> Result<TestApp, Box<dyn std::error::Error>> {
    let member = TestApp::visitor_of(app)?;
    member.signed_in_member("ada", "ada@example.org").await?;
    Ok(member)
}

#[tokio::test]
async fn an_unverified_provider_address_never_links() -> TestResult {
    let (app, double) = spawn_with_providers().await?;
    existing_ada(&app).await?;
    let unverified = Person::new("sub-x", "ada", "ada@example.org", false);
    sign_in_with(&app, &double, "idp", &unverified, Fault::None).await?;

    let pending = app.call("account/pending-identity", &[]).await?;
    let by_password = app
        .call("account/link-with-password", &[("password", PASSWORD)])
        .await?;
    let by_mail = app.call("account/link-by-mail", &[]).await?;
    let same_address = app
        .call(
            "account/finish-sign-up",
            &[
                ("username", "ada2"),
                ("email", "ada@example.org"),
                ("age_confirmed", "on"),
                ("policy_accepted", "on"),
            ],
        )
        .await?;

    assert!(pending.body.contains("NewAccount"), "{}", pending.body);
    assert!(
        !pending.body.contains(r#""verified_email":"ada"#),
        "{}",
        pending.body
    );
    assert!(by_password.error().is_some(), "{by_password:?}");
    assert!(by_mail.error().is_some(), "{by_mail:?}");
    assert_eq!(
        same_address.error(),
        Some(("invalid".to_owned(), Some("email".to_owned())))
    );
    assert_eq!(app.count("account_identities").await?, 0);
    assert_eq!(app.count("accounts").await?, 1);
    Ok(())
}

#[tokio::test]
async fn a_vouched_address_links_only_with_the_right_password() -> TestResult {
    let (app, double) = spawn_with_providers().await?;
    existing_ada(&app).await?;
    sign_in_with(&app, &double, "idp", &ada(), Fault::None).await?;
    let pending = app.call("account/pending-identity", &[]).await?;
    assert!(pending.body.contains("LinkExisting"), "{}", pending.body);

    let wrong = app
        .call(
            "account/link-with-password",
            &[("password", "not the password at all")],
        )
        .await?;
    assert_eq!(
        wrong.error(),
        Some(("invalid".to_owned(), Some("password".to_owned())))
    );
    assert_eq!(app.count("account_identities").await?, 0);

    let right = app
        .call("account/link-with-password", &[("password", PASSWORD)])
        .await?;
    assert_eq!(right.error(), None, "{right:?}");
    assert_eq!(app.whoami().await?.as_deref(), Some("ada"));
    assert_eq!(app.count("account_identities").await?, 1);
    assert_eq!(app.count("accounts").await?, 1);
    Ok(())
}

#[tokio::test]
async fn a_vouched_address_links_by_mail_once() -> TestResult {
    let (app, double) = spawn_with_providers().await?;
    existing_ada(&app).await?;
    sign_in_with(&app, &double, "idp", &ada(), Fault::None).await?;

    let asked = app.call("account/link-by-mail", &[]).await?;
    assert_eq!(asked.error(), None, "{asked:?}");
    assert_eq!(app.count("account_identities").await?, 0);
    let mail = app
        .mails()
        .await?
        .into_iter()
        .rev()
        .find(|mail| mail.subject.contains("Test ID"))
        .ok_or("no mail")?;
    assert_eq!(mail.to, "ada@example.org");
    let token = mail.token().ok_or("no link")?;
    let phone = TestApp::visitor_of(&app)?;

    let confirmed = phone
        .call("account/confirm-identity-link", &[("token", &token)])
        .await?;
    let again = phone
        .call("account/confirm-identity-link", &[("token", &token)])
        .await?;

    assert_eq!(confirmed.error(), None, "{confirmed:?}");
    assert_eq!(phone.whoami().await?.as_deref(), Some("ada"));
    assert!(again.error().is_some(), "{again:?}");
    assert_eq!(app.count("account_identities").await?, 1);
    Ok(())
}

#[tokio::test]
async fn a_signed_in_member_links_after_confirming() -> TestResult {
    let (app, double) = spawn_with_providers().await?;
    app.signed_in_member("grace", "grace@example.org").await?;
    let hopper = Person::new("grace-sub", "ghopper", "someone-else@example.org", true);

    let landing = sign_in_with(&app, &double, "idp", &hopper, Fault::None).await?;
    assert_eq!(landing, "/account/sign-in/finish");
    let pending = app.call("account/pending-identity", &[]).await?;
    assert!(pending.body.contains("ConfirmLink"), "{}", pending.body);
    assert_eq!(app.count("account_identities").await?, 0);

    let confirmed = app.call("account/confirm-link", &[]).await?;
    assert_eq!(confirmed.error(), None, "{confirmed:?}");
    assert_eq!(app.count("account_identities").await?, 1);
    app.call("account/sign-out", &[]).await?;
    let again = sign_in_with(&app, &double, "idp", &hopper, Fault::None).await?;
    assert_eq!(again, "/account/welcome");
    assert_eq!(app.whoami().await?.as_deref(), Some("grace"));
    Ok(())
}

#[tokio::test]
async fn an_identity_of_another_account_cannot_be_linked() -> TestResult {
    let (app, double) = spawn_with_providers().await?;
    sign_in_with(&app, &double, "idp", &ada(), Fault::None).await?;
    finish(&app, "ada").await?;
    let grace = TestApp::visitor_of(&app)?;
    grace.signed_in_member("grace", "grace@example.org").await?;

    let landing = sign_in_with(&grace, &double, "idp", &ada(), Fault::None).await?;

    assert_eq!(
        landing,
        "/account/sign-in/failed?reason=linked_elsewhere&provider=idp"
    );
    assert_eq!(grace.whoami().await?.as_deref(), Some("grace"));
    assert_eq!(app.count("account_identities").await?, 1);
    Ok(())
}

/// The id of the member's first linked identity, from their settings.
async fn first_identity(app: &TestApp) -> Result<String, Box<dyn std::error::Error>> {
    let methods = app.call("account/sign-in-methods", &[]).await?;
    let json: serde_json::Value = serde_json::from_str(&methods.body)?;
    Ok(json["identities"][0]["id"]
        .as_i64()
        .ok_or("no identity")?
        .to_string())
}

#[tokio::test]
async fn unlinking_never_removes_the_last_way_in() -> TestResult {
    let (app, double) = spawn_with_providers().await?;
    sign_in_with(&app, &double, "idp", &ada(), Fault::None).await?;
    finish(&app, "ada").await?;
    let only = first_identity(&app).await?;

    let refused = app
        .call("account/unlink-identity", &[("id", &only)])
        .await?;
    assert_eq!(
        refused.error(),
        Some(("invalid".to_owned(), Some("identity".to_owned())))
    );
    assert_eq!(app.count("account_identities").await?, 1);

    let octocat = Person::new("583231", "octocat", "octo@example.org", true);
    sign_in_with(&app, &double, "github", &octocat, Fault::None).await?;
    app.call("account/confirm-link", &[]).await?;
    assert_eq!(app.count("account_identities").await?, 2);
    let unlinked = app
        .call("account/unlink-identity", &[("id", &only)])
        .await?;
    assert_eq!(unlinked.error(), None, "{unlinked:?}");
    assert_eq!(app.count("account_identities").await?, 1);
    Ok(())
}

#[tokio::test]
async fn nobody_else_can_see_or_unlink_a_members_identities() -> TestResult {
    let (app, double) = spawn_with_providers().await?;
    sign_in_with(&app, &double, "idp", &ada(), Fault::None).await?;
    finish(&app, "ada").await?;
    let octocat = Person::new("583231", "octocat", "octo@example.org", true);
    sign_in_with(&app, &double, "github", &octocat, Fault::None).await?;
    app.call("account/confirm-link", &[]).await?;
    let target = first_identity(&app).await?;
    let visitor = TestApp::visitor_of(&app)?;
    let mallory = TestApp::visitor_of(&app)?;
    mallory
        .signed_in_member("mallory", "mallory@example.org")
        .await?;

    let anonymous = visitor
        .call("account/unlink-identity", &[("id", &target)])
        .await?;
    let listed = visitor.call("account/sign-in-methods", &[]).await?;
    let other = mallory
        .call("account/unlink-identity", &[("id", &target)])
        .await?;
    let theirs = mallory.call("account/sign-in-methods", &[]).await?;

    assert_eq!(anonymous.status, 401);
    assert_eq!(listed.status, 401);
    assert_eq!(other.error(), None);
    assert!(!theirs.body.contains("octocat"), "{}", theirs.body);
    assert_eq!(app.count("account_identities").await?, 2);
    Ok(())
}

#[tokio::test]
async fn client_secrets_never_reach_a_page() -> TestResult {
    let (app, _double) = spawn_with_providers().await?;
    for path in ["/account/sign-in", "/account/register"] {
        let html = app.client.get(app.url(path)).send().await?.text().await?;
        assert!(html.contains("Sign in with Test ID"), "{path}");
        assert!(html.contains("Sign in with GitHub"), "{path}");
        assert!(
            !html.contains(crate::provider_double::CLIENT_SECRET),
            "{path}"
        );
    }
    let buttons = app.call("account/providers", &[]).await?;
    assert!(!buttons.body.contains(crate::provider_double::CLIENT_SECRET));
    Ok(())
}
