//! The administrators' list of signatures: admins only, searchable,
//! filtered by standing, and exported as CSV.

use app::documents::{DocumentKind, ssr::publish};

use crate::{
    cla::signing::{shown_sha256, sign, status},
    helpers::{PASSWORD, TestApp, TestResult, spawn_app},
};

/// A member who signed, and an administrator in another browser.
async fn signed_and_admin() -> Result<(TestApp, TestApp), Box<dyn std::error::Error>> {
    let app = spawn_app().await?;
    app.signed_in_member("ada", "ada@example.org").await?;
    let signed = sign(&app, "ada@example.org", &shown_sha256(&app).await?).await?;
    assert_eq!(signed.error(), None, "{signed:?}");
    crate::admin::roles::admin(&app).await?;
    let admin = TestApp::visitor_of(&app)?;
    admin.sign_in("boss", PASSWORD).await?;
    Ok((app, admin))
}

#[tokio::test]
async fn only_administrators_see_or_export_the_signatures() -> TestResult {
    let (member, _) = signed_and_admin().await?;
    let visitor = TestApp::visitor_of(&member)?;

    for (who, expected) in [(&member, 403), (&visitor, 401)] {
        let listed = who.call("cla/admin/signatures", &[]).await?;
        let csv = who
            .client
            .get(who.url("/admin/cla/signatures.csv"))
            .send()
            .await?;
        assert_eq!(listed.status, expected);
        assert!(!listed.body.contains("Ada Lovelace"));
        assert_eq!(csv.status().as_u16(), expected);
    }
    Ok(())
}

#[tokio::test]
async fn an_admin_finds_who_must_sign_again_and_exports_it() -> TestResult {
    let (app, admin) = signed_and_admin().await?;
    let before = admin
        .call("cla/admin/signatures", &[("status", "superseded")])
        .await?;
    assert!(!before.body.contains("Ada Lovelace"), "{}", before.body);
    let now = app.clock.now();
    publish(
        &app.db,
        DocumentKind::IndividualCla,
        "Individual Contributor License Agreement",
        "New terms.\n",
        true,
        now,
        now,
    )
    .await?;

    let must_sign = admin
        .call("cla/admin/signatures", &[("status", "superseded")])
        .await?;
    let searched = admin
        .call("cla/admin/signatures", &[("q", "LOVELACE")])
        .await?;
    let nobody = admin
        .call("cla/admin/signatures", &[("q", "100%_")])
        .await?;
    let csv = admin
        .client
        .get(admin.url("/admin/cla/signatures.csv?status=superseded"))
        .send()
        .await?;

    assert!(
        must_sign.body.contains("Ada Lovelace"),
        "{}",
        must_sign.body
    );
    assert!(searched.body.contains("Ada Lovelace"), "{}", searched.body);
    assert_eq!(nobody.body, "[]");
    assert_eq!(csv.status().as_u16(), 200);
    let text = csv.text().await?;
    assert!(
        text.starts_with("id,kind,company,full_name,email,github_login,version,signed,status\r\n")
    );
    assert!(
        text.contains("\"Ada Lovelace\",\"ada@example.org\""),
        "{text}"
    );
    assert!(text.contains("\"must sign again\""), "{text}");
    Ok(())
}

#[tokio::test]
async fn an_admin_publishes_a_material_version_and_coverage_ends() -> TestResult {
    let (member, admin) = signed_and_admin().await?;
    let form = |effective: &'static str| {
        [
            ("kind", "individual_cla"),
            ("title", "Individual Contributor License Agreement"),
            ("body", "New terms.\n"),
            ("material", "on"),
            ("effective", effective),
        ]
    };

    let refused = member.call("documents/publish", &form("")).await?;
    let backdated = admin.call("documents/publish", &form("2020-01-01")).await?;
    assert_eq!(refused.status, 403);
    assert_eq!(
        backdated.error(),
        Some(("invalid".to_owned(), Some("effective".to_owned())))
    );
    assert_eq!(
        status(&member, "email=ada@example.org").await?["covered"],
        true
    );

    let published = admin.call("documents/publish", &form("")).await?;

    assert_eq!(published.error(), None, "{published:?}");
    assert!(
        published.body.contains("\"version\":2"),
        "{}",
        published.body
    );
    assert_eq!(
        status(&member, "email=ada@example.org").await?["covered"],
        false
    );
    Ok(())
}
