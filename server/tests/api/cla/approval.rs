//! A company's list counts only what its signer shows they are entitled
//! to (their confirmed address's domain) or what an administrator
//! approved; public mail domains are never listed whole; list changes are
//! rate-limited.

use crate::{
    cla::corporate::{admin_browser, company_id, covered, sign_for_company},
    helpers::{TestApp, TestResult, spawn_app},
};

/// Grace, at example.com, signed for Example Corp; returns its id.
async fn signed_company() -> Result<(TestApp, String), Box<dyn std::error::Error>> {
    let app = spawn_app().await?;
    app.signed_in_member("grace", "grace@example.com").await?;
    let signed = sign_for_company(&app, "1 Main Street").await?;
    assert_eq!(signed.error(), None, "{signed:?}");
    let id = company_id(&app).await?;
    Ok((app, id))
}

async fn add(
    app: &TestApp,
    id: &str,
    kind: &str,
    value: &str,
) -> Result<crate::helpers::Answer, Box<dyn std::error::Error>> {
    Ok(app
        .call(
            "cla/add-covered",
            &[("id", id), ("kind", kind), ("value", value)],
        )
        .await?)
}

/// The id of the newest entry on the company's list.
async fn newest_entry(app: &TestApp) -> Result<String, Box<dyn std::error::Error>> {
    let answer = app.call("cla/corporate", &[]).await?;
    let json: serde_json::Value = serde_json::from_str(&answer.body)?;
    let entries = json["me"]["agreements"][0]["covered"]
        .as_array()
        .ok_or("no list")?;
    Ok(entries
        .last()
        .and_then(|entry| entry["id"].as_i64())
        .ok_or("no entry")?
        .to_string())
}

#[tokio::test]
async fn a_public_mail_domain_is_refused_at_the_field() -> TestResult {
    let (app, id) = signed_company().await?;

    for domain in ["gmail.com", "@Outlook.com", "gmx.de"] {
        let answer = add(&app, &id, "domain", domain).await?;
        assert_eq!(
            answer.error(),
            Some(("invalid".to_owned(), Some("value".to_owned()))),
            "{domain}: {answer:?}"
        );
        assert!(
            answer.body.contains("cannot be covered as a whole"),
            "{}",
            answer.body
        );
    }

    assert_eq!(app.count("cla_covered_contributors").await?, 0);
    assert_eq!(covered(&app, "email=anyone@gmail.com").await?, false);
    Ok(())
}

#[tokio::test]
async fn a_domain_other_than_the_signers_counts_only_after_an_admin_approves() -> TestResult {
    let (app, id) = signed_company().await?;
    let own = add(&app, &id, "domain", "example.com").await?;
    let other = add(&app, &id, "domain", "bigcorp.com").await?;
    assert_eq!(own.error(), None, "{own:?}");
    assert_eq!(other.error(), None, "{other:?}");
    let entry = newest_entry(&app).await?;

    assert_eq!(covered(&app, "email=dev@example.com").await?, true);
    assert_eq!(covered(&app, "email=dev@bigcorp.com").await?, false);

    let admin = admin_browser(&app).await?;
    let approved = admin
        .call(
            "cla/admin/decide-covered",
            &[("id", &entry), ("decision", "approve")],
        )
        .await?;
    assert_eq!(approved.error(), None, "{approved:?}");
    assert_eq!(covered(&app, "email=dev@bigcorp.com").await?, true);
    let listed = admin.call("cla/admin/covered", &[]).await?;
    assert!(
        listed.body.contains("by an administrator"),
        "{}",
        listed.body
    );
    Ok(())
}

#[tokio::test]
async fn only_an_administrator_approves_an_entry() -> TestResult {
    let (app, id) = signed_company().await?;
    add(&app, &id, "github", "someones-login").await?;
    let entry = newest_entry(&app).await?;
    let visitor = TestApp::visitor_of(&app)?;
    let approve = [("id", entry.as_str()), ("decision", "approve")];

    let by_signer = app.call("cla/admin/decide-covered", &approve).await?;
    let by_visitor = visitor.call("cla/admin/decide-covered", &approve).await?;
    let listed_by_signer = app.call("cla/admin/covered", &[]).await?;

    assert_eq!(by_signer.status, 403);
    assert_eq!(by_visitor.status, 401);
    assert_eq!(listed_by_signer.status, 403);
    assert_eq!(covered(&app, "github=someones-login").await?, false);

    let admin = admin_browser(&app).await?;
    let removed = admin
        .call(
            "cla/admin/decide-covered",
            &[("id", &entry), ("decision", "remove")],
        )
        .await?;
    assert_eq!(removed.error(), None, "{removed:?}");
    let after = app.call("cla/corporate", &[]).await?;
    assert!(!after.body.contains("someones-login"), "{}", after.body);
    Ok(())
}

#[tokio::test]
async fn list_changes_are_rate_limited() -> TestResult {
    let (app, id) = signed_company().await?;

    let mut last = 0;
    for n in 0..61 {
        last = add(&app, &id, "github", &format!("dev-{n}")).await?.status;
    }

    assert_eq!(last, 429);
    assert_eq!(app.count("cla_covered_contributors").await?, 60);
    Ok(())
}
