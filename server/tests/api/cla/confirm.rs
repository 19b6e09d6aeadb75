//! A signature's contact address counts, and gets mail other than the
//! confirmation link, only once its owner confirms it; signing is
//! rate-limited.

use crate::{
    cla::corporate::sign_for_company_with,
    cla::signing::{shown_sha256, sign, status},
    helpers::{TestApp, TestResult, spawn_app},
};

const TYPED: &str = "someone@victim.org";

/// The token of the newest link mailed to `to`.
async fn link_to(app: &TestApp, to: &str) -> Result<String, Box<dyn std::error::Error>> {
    Ok(app
        .mails()
        .await?
        .into_iter()
        .rev()
        .find(|mail| mail.to == to)
        .and_then(|mail| mail.token())
        .ok_or("no link mailed")?)
}

#[tokio::test]
async fn a_typed_address_covers_no_one_until_its_owner_confirms_it() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ada", "ada@example.org").await?;

    let signed = sign(&app, TYPED, &shown_sha256(&app).await?).await?;

    assert_eq!(signed.error(), None, "{signed:?}");
    assert_eq!(
        status(&app, &format!("email={TYPED}")).await?["covered"],
        false
    );
    // The signer's own confirmed address covers at once.
    assert_eq!(
        status(&app, "email=ada@example.org").await?["covered"],
        true
    );
    let page = app.call("cla/agreement", &[]).await?;
    assert!(
        page.body
            .contains(&format!("\"contact_pending\":\"{TYPED}\"")),
        "{}",
        page.body
    );

    let owner = TestApp::visitor_of(&app)?;
    let token = link_to(&app, TYPED).await?;
    let confirmed = owner
        .call("cla/confirm-contact", &[("token", &token)])
        .await?;
    let again = owner
        .call("cla/confirm-contact", &[("token", &token)])
        .await?;

    assert_eq!(confirmed.error(), None, "{confirmed:?}");
    assert_eq!(confirmed.location.as_deref(), Some("/contribute/confirmed"));
    assert_eq!(
        again.error(),
        Some(("invalid".to_owned(), Some("token".to_owned())))
    );
    assert_eq!(
        status(&app, &format!("email={TYPED}")).await?["covered"],
        true
    );
    Ok(())
}

#[tokio::test]
async fn the_receipt_goes_to_a_typed_address_only_after_confirmation() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ada", "ada@example.org").await?;

    sign(&app, TYPED, &shown_sha256(&app).await?).await?;

    let to_typed: Vec<_> = app
        .mails()
        .await?
        .into_iter()
        .filter(|mail| mail.to == TYPED)
        .collect();
    assert_eq!(to_typed.len(), 1, "{to_typed:?}");
    assert!(!to_typed[0].subject.contains("receipt"), "{to_typed:?}");
    assert!(!to_typed[0].text.contains("Ada Lovelace"), "{to_typed:?}");

    let expired = TestApp::visitor_of(&app)?;
    app.clock.advance(time::Duration::days(8));
    let late = expired
        .call(
            "cla/confirm-contact",
            &[("token", &link_to(&app, TYPED).await?)],
        )
        .await?;
    assert_eq!(
        late.error(),
        Some(("invalid".to_owned(), Some("token".to_owned())))
    );
    assert!(
        !app.mails()
            .await?
            .iter()
            .any(|mail| mail.to == TYPED && mail.subject.starts_with("Your receipt"))
    );
    assert_eq!(
        status(&app, &format!("email={TYPED}")).await?["covered"],
        false
    );
    Ok(())
}

#[tokio::test]
async fn signing_is_rate_limited_per_account() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ada", "ada@example.org").await?;

    let mut answers = Vec::new();
    for _ in 0..11 {
        // A stale fingerprint: refused, but counted.
        answers.push(sign(&app, "ada@example.org", "0000").await?.status);
    }

    assert_eq!(answers[..10], [422; 10]);
    assert_eq!(answers[10], 429);
    Ok(())
}

#[tokio::test]
async fn confirmation_links_count_against_the_mail_limit() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("grace", "grace@example.com").await?;

    let mut answers = Vec::new();
    for n in 0..4 {
        let typed = format!("target{n}@victim.org");
        answers.push(
            sign_for_company_with(&app, "1 Main Street", &typed)
                .await?
                .status,
        );
    }

    assert_eq!(answers[3], 429, "{answers:?}");
    assert_eq!(app.count("cla_email_confirmations").await?, 3);
    Ok(())
}
