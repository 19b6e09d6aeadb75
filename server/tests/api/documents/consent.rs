//! After a material change of the privacy policy, members are asked to
//! accept the version in force; an editorial change asks no one.

use app::documents::{DocumentKind, ssr::publish};

use crate::helpers::{TestApp, TestResult, spawn_app};

async fn publish_policy(app: &TestApp, material: bool, text: &str) -> TestResult {
    let now = app.clock.now();
    publish(
        &app.db,
        DocumentKind::PrivacyPolicy,
        "Privacy policy",
        text,
        material,
        now,
        now,
    )
    .await?;
    Ok(())
}

/// The version the signed-in member is asked to accept, if any.
async fn asked(browser: &TestApp) -> Result<Option<i64>, Box<dyn std::error::Error>> {
    let answer = browser.call("privacy/update", &[]).await?;
    assert_eq!(answer.status, 200, "{answer:?}");
    let json: serde_json::Value = serde_json::from_str(&answer.body)?;
    Ok(json.get("version").and_then(serde_json::Value::as_i64))
}

#[tokio::test]
async fn a_material_change_asks_members_once_and_an_editorial_one_asks_no_one() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    assert_eq!(asked(&app).await?, None, "registering accepted the policy");

    publish_policy(&app, false, "A clearer sentence.\n").await?;
    assert_eq!(asked(&app).await?, None);

    publish_policy(&app, true, "We now also keep your shoe size.\n").await?;
    let current = 10;
    assert_eq!(asked(&app).await?, Some(current));
    let page = app.get("/forum").await?.text().await?;
    assert!(
        page.contains("Our privacy policy changed"),
        "no notice on the page"
    );

    let stale = app
        .call("privacy/accept", &[("sha256", "0".repeat(64).as_str())])
        .await?;
    assert_eq!(
        stale.error(),
        Some(("invalid".to_owned(), Some("sha256".to_owned())))
    );
    assert_eq!(asked(&app).await?, Some(current));

    app.accept_policy().await?;
    assert_eq!(asked(&app).await?, None);
    let page = app.get("/forum").await?.text().await?;
    assert!(!page.contains("Our privacy policy changed"));

    // A visitor, and a member who registers now, are asked nothing.
    let visitor = TestApp::visitor_of(&app)?;
    assert_eq!(asked(&visitor).await?, None);
    visitor
        .signed_in_member("corro", "corro@example.org")
        .await?;
    assert_eq!(asked(&visitor).await?, None);
    Ok(())
}

#[tokio::test]
async fn a_member_sees_what_changed_since_the_version_they_accepted() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ferris", "ferris@example.org").await?;
    let changes = || async {
        let answer = app.call("privacy/changes", &[]).await?;
        assert_eq!(answer.status, 200, "{answer:?}");
        Ok::<_, Box<dyn std::error::Error>>(serde_json::from_str::<serde_json::Value>(
            &answer.body,
        )?)
    };
    assert_eq!(changes().await?, serde_json::Value::Null, "nothing new");

    publish_policy(&app, true, "We keep your address.\nWe mail you.\n").await?;
    app.accept_policy().await?;
    publish_policy(&app, false, "We keep your address.\nWe mail you weekly.\n").await?;
    publish_policy(
        &app,
        true,
        "We keep your address.\nWe mail you weekly.\nWe keep your shoe size.\n",
    )
    .await?;
    // Against the version accepted, across the editorial one between.
    let diff = changes().await?;
    assert_eq!(
        diff["version"],
        diff["accepted_version"].as_i64().unwrap_or_default() + 2
    );
    let lines: Vec<(String, String)> = diff["lines"]
        .as_array()
        .ok_or("no lines")?
        .iter()
        .filter(|line| !line.is_null())
        .map(|line| (line["change"].to_string(), line["text"].to_string()))
        .collect();
    assert!(
        lines.contains(&("\"Removed\"".into(), "\"We mail you.\"".into())),
        "{lines:?}"
    );
    assert!(
        lines.contains(&("\"Added\"".into(), "\"We keep your shoe size.\"".into())),
        "{lines:?}"
    );
    assert!(
        lines.contains(&("\"Same\"".into(), "\"We keep your address.\"".into())),
        "{lines:?}"
    );
    let page = app.get("/account/policy").await?.text().await?;
    assert!(page.contains("<ins>We keep your shoe size."), "{page}");

    app.accept_policy().await?;
    assert_eq!(changes().await?, serde_json::Value::Null);
    let visitor = TestApp::visitor_of(&app)?;
    assert_eq!(visitor.call("privacy/changes", &[]).await?.status, 401);
    Ok(())
}

#[tokio::test]
async fn accepting_needs_a_session() -> TestResult {
    let app = spawn_app().await?;
    let answer = app
        .call("privacy/accept", &[("sha256", "0".repeat(64).as_str())])
        .await?;
    assert_eq!(answer.status, 401, "{answer:?}");
    Ok(())
}

#[tokio::test]
async fn until_a_member_accepts_a_material_change_they_can_read_but_not_write() -> TestResult {
    use crate::forum::threads::{
        NOT_HELD, forum_admin, member, reply, start_thread, try_reply, try_start_thread,
    };
    let app = crate::helpers::spawn_app_with(NOT_HELD).await?;
    let (_boss, general) = forum_admin(&app).await?;
    let ferris = member(&app, "ferris").await?;
    let before = start_thread(&ferris, general, "Before", "Written before the change.").await?;

    publish_policy(&app, true, "We now also keep your shoe size.\n").await?;
    let refused = |answer: &crate::helpers::Answer| {
        assert_eq!(answer.status, 403, "{answer:?}");
        assert_eq!(
            answer.error().map(|error| error.0).as_deref(),
            Some("policy_not_accepted"),
            "{answer:?}"
        );
    };
    refused(&try_start_thread(&ferris, general, "After", "Refused.").await?);
    refused(&try_reply(&ferris, before.thread, "Refused too.").await?);
    refused(
        &ferris
            .call(
                "forum/report",
                &[
                    ("post", &before.post.to_string()),
                    ("reason", "spam"),
                    ("note", ""),
                ],
            )
            .await?,
    );
    refused(&ferris.call("forum/digest/set", &[("on", "true")]).await?);
    let edit = ferris
        .call(
            "forum/edit",
            &[("post", &before.post.to_string()), ("body", "Changed.")],
        )
        .await?;
    refused(&edit);
    assert_eq!(app.count("forum_posts").await?, 1);

    // Reading, withdrawing and seeing one's data stay possible.
    let thread = ferris.get(&format!("/forum/t/{}", before.thread)).await?;
    assert_eq!(thread.status(), 200);
    let off = ferris.call("forum/digest/set", &[("on", "false")]).await?;
    assert_eq!(off.error(), None, "{off:?}");
    let data = ferris.call("account/data", &[]).await?;
    assert_eq!(data.error(), None, "{data:?}");
    // The page says what to do.
    let page = ferris.get("/forum").await?.text().await?;
    assert!(page.contains("Our privacy policy changed"));

    ferris.accept_policy().await?;
    reply(&ferris, before.thread, "Accepted, and writing again.").await?;
    start_thread(&ferris, general, "After", "Now it works.").await?;
    // A member who accepted is never held; nor is a newcomer.
    let corro = member(&app, "corro").await?;
    reply(&corro, before.thread, "I registered after the change.").await?;
    Ok(())
}

#[tokio::test]
async fn a_material_change_mails_each_member_who_has_not_accepted_it_once() -> TestResult {
    use app::privacy::ssr::notices::send_policy_notices;
    const SUBJECT: &str = "Our privacy policy changed";
    let app = spawn_app().await?;
    app.confirmed_member("ferris", "ferris@example.org").await?;
    app.confirmed_member("corro", "corro@example.org").await?;
    app.confirmed_member("unsure", "unsure@example.org").await?;
    app.unconfirm("unsure").await?;
    // The shipped material version is accepted at registration: no notice.
    assert_eq!(send_policy_notices(&app.state).await?, 0);

    publish_policy(&app, false, "A clearer sentence.\n").await?;
    assert_eq!(send_policy_notices(&app.state).await?, 0, "editorial");
    publish_policy(&app, true, "We now also keep your shoe size.\n").await?;
    // Corro accepted at once (before the housekeeping came round).
    let corro = TestApp::visitor_of(&app)?;
    corro.sign_in("corro", crate::helpers::PASSWORD).await?;
    corro.accept_policy().await?;

    assert_eq!(send_policy_notices(&app.state).await?, 1);
    let notices: Vec<_> = app
        .mails()
        .await?
        .into_iter()
        .filter(|mail| mail.subject == SUBJECT)
        .collect();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].to, "ferris@example.org");
    assert!(notices[0].text.contains("/account/policy"));
    assert!(
        !notices[0].text.contains("shoe size"),
        "the mail links, it does not quote"
    );

    // Once: a later round, or a member registering now, adds nothing.
    app.confirmed_member("newbie", "newbie@example.org").await?;
    assert_eq!(send_policy_notices(&app.state).await?, 0);
    Ok(())
}
