//! The corporate agreement: a company's signer lists who it covers by
//! GitHub login, address or exact domain; removals and revocation end
//! coverage at once and stay on the record.

use crate::helpers::{PASSWORD, TestApp, TestResult, spawn_app};

async fn corporate_sha(app: &TestApp) -> Result<String, Box<dyn std::error::Error>> {
    let answer = app.call("cla/corporate", &[]).await?;
    let json: serde_json::Value = serde_json::from_str(&answer.body)?;
    Ok(json["agreement"]["sha256"]
        .as_str()
        .ok_or("no sha256")?
        .to_owned())
}

pub async fn sign_for_company(
    app: &TestApp,
    address: &str,
) -> Result<crate::helpers::Answer, Box<dyn std::error::Error>> {
    sign_for_company_with(app, address, "grace@example.com").await
}

/// Signs for Example Corp, giving `email` as the contact address.
pub async fn sign_for_company_with(
    app: &TestApp,
    address: &str,
    email: &str,
) -> Result<crate::helpers::Answer, Box<dyn std::error::Error>> {
    let sha = corporate_sha(app).await?;
    Ok(app
        .call(
            "cla/sign-corporate",
            &[
                ("company_name", "Example Corp"),
                ("postal_address", address),
                ("full_name", "Grace Hopper"),
                ("signatory_title", "CTO"),
                ("email", email),
                ("signature", "Grace Hopper"),
                ("agreed", "on"),
                ("sha256", &sha),
            ],
        )
        .await?)
}

/// The id of the caller's first corporate agreement.
pub async fn company_id(app: &TestApp) -> Result<String, Box<dyn std::error::Error>> {
    let answer = app.call("cla/corporate", &[]).await?;
    let json: serde_json::Value = serde_json::from_str(&answer.body)?;
    Ok(json["me"]["agreements"][0]["id"]
        .as_i64()
        .ok_or("no agreement")?
        .to_string())
}

pub async fn covered(
    app: &TestApp,
    query: &str,
) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let body = app
        .client
        .get(app.url(&format!("/api/cla/v1/status?{query}")))
        .send()
        .await?
        .text()
        .await?;
    let json: serde_json::Value = serde_json::from_str(&body)?;
    Ok(json["covered"].clone())
}

/// A signed-in manager whose company covers a login, an address and a domain.
async fn company_with_list() -> Result<(TestApp, String), Box<dyn std::error::Error>> {
    let app = spawn_app().await?;
    app.signed_in_member("grace", "grace@example.com").await?;
    let signed = sign_for_company(&app, "1 Main Street\nSpringfield").await?;
    assert_eq!(signed.error(), None, "{signed:?}");
    let id = company_id(&app).await?;
    for (kind, value) in [
        ("github", "OctoCorp"),
        ("email", "dev@partner.org"),
        ("domain", "example.com"),
    ] {
        let added = app
            .call(
                "cla/add-covered",
                &[("id", &id), ("kind", kind), ("value", value)],
            )
            .await?;
        assert_eq!(added.error(), None, "{kind}: {added:?}");
    }
    approve_all(&admin_browser(&app).await?).await?;
    Ok((app, id))
}

/// An administrator (there is one per server) signed in in another browser.
pub async fn admin_browser(app: &TestApp) -> Result<TestApp, Box<dyn std::error::Error>> {
    crate::admin::roles::admin(app).await?;
    let admin = TestApp::visitor_of(app)?;
    let signed_in = admin.sign_in("boss", PASSWORD).await?;
    assert_eq!(signed_in.error(), None, "{signed_in:?}");
    Ok(admin)
}

/// The administrator approves every entry waiting on a company's list.
pub async fn approve_all(admin: &TestApp) -> TestResult {
    let listed = admin.call("cla/admin/covered", &[]).await?;
    let entries: serde_json::Value = serde_json::from_str(&listed.body)?;
    for entry in entries.as_array().ok_or("no list")? {
        if entry["approval"].is_null() {
            let id = entry["id"].as_i64().ok_or("no id")?.to_string();
            let decided = admin
                .call(
                    "cla/admin/decide-covered",
                    &[("id", &id), ("decision", "approve")],
                )
                .await?;
            assert_eq!(decided.error(), None, "{decided:?}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_company_covers_listed_logins_addresses_and_exact_domains() -> TestResult {
    let (app, _) = company_with_list().await?;

    let via = app
        .client
        .get(app.url("/api/cla/v1/status?github=octocorp"))
        .send()
        .await?
        .text()
        .await?;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&via)?,
        serde_json::json!({"covered": true, "agreement": "corporate", "version": 1, "via": "corporate"})
    );
    assert_eq!(covered(&app, "email=Dev@Partner.org").await?, true);
    assert_eq!(covered(&app, "email=anyone@example.com").await?, true);
    assert_eq!(covered(&app, "email=anyone@evil-example.com").await?, false);
    assert_eq!(covered(&app, "email=anyone@dev.example.com").await?, false);
    assert_eq!(
        covered(&app, "email=anyone@example.com.evil.org").await?,
        false
    );
    assert_eq!(covered(&app, "github=someone-else").await?, false);
    Ok(())
}

#[tokio::test]
async fn removing_an_entry_or_revoking_ends_coverage_and_stays_on_record() -> TestResult {
    let (app, id) = company_with_list().await?;
    let answer = app.call("cla/corporate", &[]).await?;
    let json: serde_json::Value = serde_json::from_str(&answer.body)?;
    let login_entry = json["me"]["agreements"][0]["covered"][0]["id"]
        .as_i64()
        .ok_or("no entry")?
        .to_string();

    let removed = app
        .call("cla/remove-covered", &[("id", &login_entry)])
        .await?;
    assert_eq!(removed.error(), None, "{removed:?}");
    assert_eq!(covered(&app, "github=octocorp").await?, false);
    assert_eq!(app.count("cla_covered_contributors").await?, 3);

    let revoked = app
        .call("cla/revoke", &[("id", &id), ("reason", "Agreement ended")])
        .await?;
    assert_eq!(revoked.error(), None, "{revoked:?}");
    assert_eq!(covered(&app, "email=anyone@example.com").await?, false);
    assert_eq!(app.count("cla_signatures").await?, 1);
    Ok(())
}

#[tokio::test]
async fn only_the_signer_manages_the_companys_list() -> TestResult {
    let (app, id) = company_with_list().await?;
    let visitor = TestApp::visitor_of(&app)?;
    let other = TestApp::visitor_of(&app)?;
    other
        .signed_in_member("mallory", "mallory@elsewhere.org")
        .await?;
    let form = [
        ("id", id.as_str()),
        ("kind", "domain"),
        ("value", "elsewhere.org"),
    ];

    let anonymous = visitor.call("cla/add-covered", &form).await?;
    let foreign = other.call("cla/add-covered", &form).await?;
    let foreign_remove = other.call("cla/remove-covered", &[("id", "1")]).await?;
    let foreign_revoke = other
        .call("cla/revoke", &[("id", &id), ("reason", "")])
        .await?;
    let seen = other.call("cla/corporate", &[]).await?;

    assert_eq!(anonymous.status, 401);
    assert_eq!(foreign.status, 404);
    assert_eq!(foreign_remove.status, 404);
    assert_eq!(foreign_revoke.status, 404);
    assert!(!seen.body.contains("Example Corp"), "{}", seen.body);
    assert_eq!(covered(&app, "email=x@elsewhere.org").await?, false);
    assert_eq!(covered(&app, "github=octocorp").await?, true);
    Ok(())
}

#[tokio::test]
async fn a_corporate_signature_needs_the_company_its_address_and_a_confirmed_signer() -> TestResult
{
    let app = spawn_app().await?;
    app.signed_in_member("grace", "grace@example.com").await?;
    app.unconfirm("grace").await?;
    let unconfirmed = sign_for_company(&app, "1 Main Street").await?;
    assert_eq!(unconfirmed.status, 403);

    let app = spawn_app().await?;
    app.signed_in_member("grace", "grace@example.com").await?;
    let no_address = sign_for_company(&app, "  ").await?;
    let bad_value = {
        sign_for_company(&app, "1 Main Street").await?;
        let id = company_id(&app).await?;
        app.call(
            "cla/add-covered",
            &[("id", &id), ("kind", "domain"), ("value", "localhost")],
        )
        .await?
    };

    assert_eq!(
        no_address.error(),
        Some(("invalid".to_owned(), Some("postal_address".to_owned())))
    );
    assert_eq!(
        bad_value.error(),
        Some(("invalid".to_owned(), Some("value".to_owned())))
    );
    assert_eq!(app.count("cla_covered_contributors").await?, 0);
    Ok(())
}
