//! The individual Contributor License Agreement: who may sign, what the
//! record holds, coverage across editorial and material versions,
//! revocation, receipts, and the status API for CI bots.

use app::documents::{DocumentKind, ssr::publish};
use sea_orm::{ConnectionTrait, Statement};

use crate::{
    accounts::identities::{finish, sign_in_with, spawn_with_providers},
    helpers::{TestApp, TestResult, spawn_app},
    provider_double::{Fault, Person},
};

const NAME: &str = "Ada Lovelace";

/// The SHA-256 of the agreement version the page shows now.
pub async fn shown_sha256(app: &TestApp) -> Result<String, Box<dyn std::error::Error>> {
    let answer = app.call("cla/agreement", &[]).await?;
    let json: serde_json::Value = serde_json::from_str(&answer.body)?;
    Ok(json["agreement"]["sha256"]
        .as_str()
        .ok_or("no sha256")?
        .to_owned())
}

pub async fn sign(
    app: &TestApp,
    email: &str,
    sha256: &str,
) -> Result<crate::helpers::Answer, Box<dyn std::error::Error>> {
    Ok(app
        .call(
            "cla/sign",
            &[
                ("full_name", NAME),
                ("email", email),
                ("postal_address", ""),
                ("signature", "ada lovelace"),
                ("agreed", "on"),
                ("sha256", sha256),
            ],
        )
        .await?)
}

pub async fn status(
    app: &TestApp,
    query: &str,
) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let response = app
        .client
        .get(app.url(&format!("/api/cla/v1/status?{query}")))
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    Ok(serde_json::from_str(&response.text().await?)?)
}

async fn publish_version(app: &TestApp, material: bool) -> TestResult {
    let now = app.clock.now();
    publish(
        &app.db,
        DocumentKind::IndividualCla,
        "Individual Contributor License Agreement",
        &format!("Revised text, material: {material}.\n"),
        material,
        now,
        now,
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn only_members_with_a_confirmed_address_can_sign() -> TestResult {
    let app = spawn_app().await?;
    let sha = shown_sha256(&app).await?;
    let visitor = sign(&app, "ada@example.org", &sha).await?;
    app.signed_in_member("ada", "ada@example.org").await?;
    app.unconfirm("ada").await?;

    let unverified = sign(&app, "ada@example.org", &sha).await?;

    assert_eq!(visitor.status, 401);
    assert_eq!(unverified.status, 403);
    assert_eq!(app.count("cla_signatures").await?, 0);
    Ok(())
}

#[tokio::test]
async fn a_signature_records_the_exact_version_its_hash_and_fields() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ada", "ada@example.org").await?;
    let sha = shown_sha256(&app).await?;

    let signed = sign(&app, "ada.work@example.org", &sha).await?;

    assert_eq!(signed.error(), None, "{signed:?}");
    let location = signed.location.unwrap_or_default();
    assert!(location.starts_with("/contribute/receipts/"), "{location}");
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT s.version, s.sha256, s.full_name, s.email, s.signature, d.sha256 AS text_sha \
             FROM cla_signatures s JOIN documents d ON d.id = s.document_id",
        ))
        .await?
        .ok_or("no signature")?;
    assert_eq!(row.try_get::<i32>("", "version")?, 1);
    assert_eq!(row.try_get::<String>("", "sha256")?, sha);
    assert_eq!(row.try_get::<String>("", "text_sha")?, sha);
    assert_eq!(row.try_get::<String>("", "full_name")?, NAME);
    assert_eq!(row.try_get::<String>("", "email")?, "ada.work@example.org");
    assert_eq!(row.try_get::<String>("", "signature")?, "ada lovelace");
    // The typed address is not the account's: it gets the receipt once
    // its owner confirms it (see `cla_confirm`).
    let link = app
        .mails()
        .await?
        .into_iter()
        .find(|mail| mail.to == "ada.work@example.org")
        .and_then(|mail| mail.token())
        .ok_or("no confirmation mail")?;
    let confirmed = app.call("cla/confirm-contact", &[("token", &link)]).await?;
    assert_eq!(confirmed.error(), None, "{confirmed:?}");
    let receipt_mail = app
        .mails()
        .await?
        .into_iter()
        .find(|mail| mail.subject.starts_with("Your receipt"))
        .ok_or("no receipt mail")?;
    assert_eq!(receipt_mail.to, "ada.work@example.org");
    assert!(receipt_mail.text.contains(&sha));
    Ok(())
}

#[tokio::test]
async fn the_receipt_is_for_its_signer_only() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ada", "ada@example.org").await?;
    let sha = shown_sha256(&app).await?;
    let location = sign(&app, "ada@example.org", &sha)
        .await?
        .location
        .unwrap_or_default();
    let id = location.rsplit('/').next().unwrap_or_default().to_owned();
    let other = TestApp::visitor_of(&app)?;
    other.signed_in_member("grace", "grace@example.org").await?;

    let own = app.call("cla/receipt", &[("id", &id)]).await?;
    let download = app
        .client
        .get(app.url(&format!("/contribute/receipts/{id}/download")))
        .send()
        .await?;
    let foreign = other.call("cla/receipt", &[("id", &id)]).await?;
    let foreign_download = other
        .client
        .get(other.url(&format!("/contribute/receipts/{id}/download")))
        .send()
        .await?;

    assert!(own.body.contains(NAME), "{}", own.body);
    assert_eq!(download.status().as_u16(), 200);
    let disposition = download
        .headers()
        .get("content-disposition")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(download.text().await?.contains(&sha));
    assert_eq!(foreign.status, 404);
    assert!(!foreign.body.contains(NAME));
    assert_eq!(foreign_download.status().as_u16(), 404);
    Ok(())
}

#[tokio::test]
async fn bad_input_is_refused_at_the_field_and_nothing_is_written() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ada", "ada@example.org").await?;
    let sha = shown_sha256(&app).await?;
    let mails_before = app.mails().await?.len();
    let cases: [(&str, [(&str, &str); 5]); 4] = [
        (
            "signature",
            [
                ("full_name", NAME),
                ("email", "ada@example.org"),
                ("signature", "Ada"),
                ("agreed", "on"),
                ("sha256", &sha),
            ],
        ),
        (
            "agreed",
            [
                ("full_name", NAME),
                ("email", "ada@example.org"),
                ("signature", NAME),
                ("postal_address", ""),
                ("sha256", &sha),
            ],
        ),
        (
            "sha256",
            [
                ("full_name", NAME),
                ("email", "ada@example.org"),
                ("signature", NAME),
                ("agreed", "on"),
                ("sha256", "0000"),
            ],
        ),
        (
            "email",
            [
                ("full_name", NAME),
                ("email", "not an address"),
                ("signature", NAME),
                ("agreed", "on"),
                ("sha256", &sha),
            ],
        ),
    ];
    for (field, form) in cases {
        let answer = app.call("cla/sign", &form).await?;
        assert_eq!(
            answer.error(),
            Some(("invalid".to_owned(), Some(field.to_owned()))),
            "{field}: {answer:?}"
        );
    }
    assert_eq!(app.count("cla_signatures").await?, 0);
    assert_eq!(app.mails().await?.len(), mails_before);
    Ok(())
}

#[tokio::test]
async fn an_editorial_version_keeps_coverage_and_a_material_one_ends_it_until_signed_again()
-> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ada", "ada@example.org").await?;
    sign(&app, "ada@example.org", &shown_sha256(&app).await?).await?;
    assert_eq!(status(&app, "email=ada@example.org").await?["version"], 1);

    publish_version(&app, false).await?;
    let after_editorial = status(&app, "email=ada@example.org").await?;
    publish_version(&app, true).await?;
    let after_material = status(&app, "email=ada@example.org").await?;
    let resigned = sign(&app, "ada@example.org", &shown_sha256(&app).await?).await?;
    let after_signing = status(&app, "email=ada@example.org").await?;

    assert_eq!(after_editorial["covered"], true);
    assert_eq!(after_editorial["version"], 1);
    assert_eq!(after_material["covered"], false);
    assert_eq!(resigned.error(), None, "{resigned:?}");
    assert_eq!(after_signing["covered"], true);
    assert_eq!(after_signing["version"], 3);
    Ok(())
}

#[tokio::test]
async fn revoking_flips_the_status_at_once_and_keeps_the_record() -> TestResult {
    let app = spawn_app().await?;
    app.signed_in_member("ada", "ada@example.org").await?;
    let location = sign(&app, "ada@example.org", &shown_sha256(&app).await?)
        .await?
        .location
        .unwrap_or_default();
    let id = location.rsplit('/').next().unwrap_or_default().to_owned();
    let mallory = TestApp::visitor_of(&app)?;
    mallory
        .signed_in_member("mallory", "mallory@example.org")
        .await?;

    let foreign = mallory
        .call("cla/revoke", &[("id", &id), ("reason", "")])
        .await?;
    assert_eq!(foreign.status, 404);
    assert_eq!(
        status(&app, "email=ada@example.org").await?["covered"],
        true
    );

    let revoked = app
        .call("cla/revoke", &[("id", &id), ("reason", "Changed jobs")])
        .await?;
    assert_eq!(revoked.error(), None, "{revoked:?}");
    assert_eq!(
        status(&app, "email=ada@example.org").await?["covered"],
        false
    );
    assert_eq!(app.count("cla_signatures").await?, 1);
    let receipt = app.call("cla/receipt", &[("id", &id)]).await?;
    assert!(receipt.body.contains("Changed jobs"), "{}", receipt.body);
    Ok(())
}

#[tokio::test]
async fn the_status_api_finds_a_linked_github_login_and_tells_nothing_personal() -> TestResult {
    let (app, double) = spawn_with_providers().await?;
    let octocat = Person::new("583231", "octocat", "octo@example.org", true);
    sign_in_with(&app, &double, "github", &octocat, Fault::None).await?;
    finish(&app, "octo").await?;
    let signed = sign(&app, "octo@example.org", &shown_sha256(&app).await?).await?;
    assert_eq!(signed.error(), None, "{signed:?}");

    let by_login = status(&app, "github=OctoCat").await?;
    let unknown = status(&app, "github=someone-else").await?;

    assert_eq!(
        by_login,
        serde_json::json!({"covered": true, "agreement": "individual", "version": 1, "via": "individual"})
    );
    assert_eq!(
        unknown,
        serde_json::json!({"covered": false, "agreement": null, "version": null, "via": null})
    );
    let body = by_login.to_string();
    for personal in [NAME, "octo@example.org", "octo\""] {
        assert!(!body.contains(personal), "{body}");
    }
    Ok(())
}

#[tokio::test]
async fn the_status_api_is_rate_limited() -> TestResult {
    let app = spawn_app().await?;
    let mut last = 0;
    for _ in 0..601 {
        last = app
            .client
            .get(app.url("/api/cla/v1/status?github=octocat"))
            .send()
            .await?
            .status()
            .as_u16();
    }
    assert_eq!(last, 429);
    Ok(())
}
