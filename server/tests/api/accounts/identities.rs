//! Signing in with an OpenID Connect provider and with GitHub: the flow's
//! protections (state, PKCE, single use, ID token checks) and first sign-in.

use app::accounts::ssr::identities::account_for_github_login;

use crate::{
    helpers::{TestApp, TestResult, spawn_app_with},
    provider_double::{Fault, Person, ProviderDouble},
};

pub async fn spawn_with_providers() -> Result<(TestApp, ProviderDouble), Box<dyn std::error::Error>>
{
    spawn_with_providers_and(&[]).await
}

/// Like [`spawn_with_providers`], with `extra` settings.
pub async fn spawn_with_providers_and(
    extra: &[(&str, &str)],
) -> Result<(TestApp, ProviderDouble), Box<dyn std::error::Error>> {
    let double = ProviderDouble::start(crate::helpers::TEST_START).await?;
    let settings = double.settings();
    let mut pairs: Vec<(&str, &str)> = settings
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    pairs.extend_from_slice(extra);
    Ok((spawn_app_with(&pairs).await?, double))
}

/// A query parameter of a URL or a path.
pub fn param(url: &str, name: &str) -> Option<String> {
    let url = reqwest::Url::parse(url)
        .or_else(|_| reqwest::Url::parse(&format!("http://x{url}")))
        .ok()?;
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// Presses "Sign in with …": the provider address the portal redirects to.
pub async fn start(app: &TestApp, key: &str) -> Result<String, Box<dyn std::error::Error>> {
    let response = app
        .client
        .post(app.url(&format!("/auth/{key}/start")))
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 303);
    Ok(response
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .ok_or("no redirect")?
        .to_owned())
}

/// The provider sends the browser back; where the portal sends it next.
pub async fn callback(
    app: &TestApp,
    key: &str,
    query: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let response = app
        .client
        .get(app.url(&format!("/auth/{key}/callback?{query}")))
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 303, "{response:?}");
    Ok(response
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .ok_or("no redirect")?
        .to_owned())
}

/// A whole round trip through the provider as `person`.
pub async fn sign_in_with(
    app: &TestApp,
    double: &ProviderDouble,
    key: &str,
    person: &Person,
    fault: Fault,
) -> Result<String, Box<dyn std::error::Error>> {
    let authorize = start(app, key).await?;
    let code = double.authorize(&authorize, person, fault)?;
    let state = param(&authorize, "state").ok_or("no state")?;
    callback(app, key, &format!("code={code}&state={state}")).await
}

/// Chooses a username for a new identity, with both statements made.
pub async fn finish(app: &TestApp, username: &str) -> Result<String, Box<dyn std::error::Error>> {
    let answer = app
        .call(
            "account/finish-sign-up",
            &[
                ("username", username),
                ("age_confirmed", "on"),
                ("policy_accepted", "on"),
            ],
        )
        .await?;
    assert_eq!(answer.error(), None, "{answer:?}");
    Ok(answer.location.unwrap_or_default())
}

pub fn ada() -> Person {
    Person::new("ada-sub-1", "ada", "ada@example.org", true)
}

async fn nothing_created(app: &TestApp) -> TestResult {
    assert_eq!(app.count("accounts").await?, 0);
    assert_eq!(app.count("account_identities").await?, 0);
    assert_eq!(app.count("sessions").await?, 0);
    Ok(())
}

#[tokio::test]
async fn a_new_identity_chooses_a_username_and_lands_signed_in() -> TestResult {
    let (app, double) = spawn_with_providers().await?;

    let landing = sign_in_with(&app, &double, "idp", &ada(), Fault::None).await?;
    assert_eq!(landing, "/account/sign-in/finish");
    nothing_created(&app).await?;
    let pending = app.call("account/pending-identity", &[]).await?;
    assert!(
        pending.body.contains(r#""suggested_username":"ada""#),
        "{}",
        pending.body
    );
    assert!(pending.body.contains("ada@example.org"), "{}", pending.body);

    let refused = app
        .call(
            "account/finish-sign-up",
            &[("username", "ada"), ("age_confirmed", "on")],
        )
        .await?;
    assert_eq!(
        refused.error(),
        Some(("invalid".to_owned(), Some("policy_accepted".to_owned())))
    );
    nothing_created(&app).await?;

    assert_eq!(finish(&app, "ada").await?, "/account/welcome");
    assert_eq!(app.whoami().await?.as_deref(), Some("ada"));
    assert_eq!(app.count("account_identities").await?, 1);
    assert_eq!(app.count("consents").await?, 1);
    assert_eq!(app.count("sign_in_flows").await?, 0);
    let member = app.call("account/whoami", &[]).await?;
    assert!(
        member.body.contains(r#""email_verified":true"#),
        "{}",
        member.body
    );
    Ok(())
}

#[tokio::test]
async fn signing_in_again_reaches_the_same_account() -> TestResult {
    let (app, double) = spawn_with_providers().await?;
    sign_in_with(&app, &double, "idp", &ada(), Fault::None).await?;
    finish(&app, "ada").await?;
    app.call("account/sign-out", &[]).await?;
    assert_eq!(app.whoami().await?, None);

    let landing = sign_in_with(&app, &double, "idp", &ada(), Fault::None).await?;

    assert_eq!(landing, "/account/welcome");
    assert_eq!(app.whoami().await?.as_deref(), Some("ada"));
    assert_eq!(app.count("accounts").await?, 1);
    Ok(())
}

#[tokio::test]
async fn a_forged_state_fails_and_spends_the_flow() -> TestResult {
    let (app, double) = spawn_with_providers().await?;
    let authorize = start(&app, "idp").await?;
    let code = double.authorize(&authorize, &ada(), Fault::None)?;
    let state = param(&authorize, "state").ok_or("no state")?;

    let forged = callback(&app, "idp", &format!("code={code}&state=forged")).await?;
    assert_eq!(forged, "/account/sign-in/failed?reason=state&provider=idp");
    let genuine = callback(&app, "idp", &format!("code={code}&state={state}")).await?;
    assert_eq!(genuine, "/account/sign-in/failed?reason=state&provider=idp");

    nothing_created(&app).await?;
    assert_eq!(app.count("sign_in_flows").await?, 0);
    Ok(())
}

#[tokio::test]
async fn a_callback_in_another_browser_has_no_verifier_and_fails() -> TestResult {
    let (app, double) = spawn_with_providers().await?;
    let authorize = start(&app, "idp").await?;
    let code = double.authorize(&authorize, &ada(), Fault::None)?;
    let state = param(&authorize, "state").ok_or("no state")?;
    let elsewhere = TestApp::visitor_of(&app)?;

    let landing = callback(&elsewhere, "idp", &format!("code={code}&state={state}")).await?;

    assert_eq!(landing, "/account/sign-in/failed?reason=state&provider=idp");
    nothing_created(&app).await?;
    Ok(())
}

#[tokio::test]
async fn the_provider_refuses_a_code_without_its_pkce_verifier() -> TestResult {
    use sea_orm::{ConnectionTrait, Statement};
    let (app, double) = spawn_with_providers().await?;
    let authorize = start(&app, "idp").await?;
    let code = double.authorize(&authorize, &ada(), Fault::None)?;
    let state = param(&authorize, "state").ok_or("no state")?;
    let backend = app.db.get_database_backend();
    app.db
        .execute_raw(Statement::from_string(
            backend,
            "UPDATE sign_in_flows SET pkce_verifier = 'not-the-verifier-not-the-verifier-not-the-verifier'",
        ))
        .await?;

    let landing = callback(&app, "idp", &format!("code={code}&state={state}")).await?;

    assert_eq!(
        landing,
        "/account/sign-in/failed?reason=rejected&provider=idp"
    );
    nothing_created(&app).await?;
    Ok(())
}

#[tokio::test]
async fn a_replayed_code_is_refused() -> TestResult {
    let (app, double) = spawn_with_providers().await?;
    let authorize = start(&app, "idp").await?;
    let code = double.authorize(&authorize, &ada(), Fault::None)?;
    let state = param(&authorize, "state").ok_or("no state")?;
    let query = format!("code={code}&state={state}");
    assert_eq!(
        callback(&app, "idp", &query).await?,
        "/account/sign-in/finish"
    );
    finish(&app, "ada").await?;

    // The same callback again: the flow is spent.
    let replay = callback(&app, "idp", &query).await?;
    assert_eq!(replay, "/account/sign-in/failed?reason=state&provider=idp");
    // The old code in a fresh flow: the provider has spent it too.
    let fresh = start(&app, "idp").await?;
    let fresh_state = param(&fresh, "state").ok_or("no state")?;
    let reused = callback(&app, "idp", &format!("code={code}&state={fresh_state}")).await?;
    assert_eq!(
        reused,
        "/account/sign-in/failed?reason=rejected&provider=idp"
    );
    assert_eq!(app.count("sessions").await?, 1);
    Ok(())
}

#[tokio::test]
async fn id_tokens_that_fail_verification_create_nothing() -> TestResult {
    let (app, double) = spawn_with_providers().await?;
    for fault in [
        Fault::WrongNonce,
        Fault::Expired,
        Fault::WrongKey,
        Fault::WrongAudience,
        Fault::WrongIssuer,
    ] {
        let landing = sign_in_with(&app, &double, "idp", &ada(), fault).await?;
        assert_eq!(
            landing, "/account/sign-in/failed?reason=id_token&provider=idp",
            "{fault:?}"
        );
    }
    nothing_created(&app).await?;
    assert_eq!(app.count("sign_in_flows").await?, 0);
    Ok(())
}

#[tokio::test]
async fn denied_consent_ends_on_a_clear_page() -> TestResult {
    let (app, _double) = spawn_with_providers().await?;
    let authorize = start(&app, "idp").await?;
    let state = param(&authorize, "state").ok_or("no state")?;

    let landing = callback(&app, "idp", &format!("error=access_denied&state={state}")).await?;

    assert_eq!(
        landing,
        "/account/sign-in/failed?reason=denied&provider=idp"
    );
    let page = app.client.get(app.url(&landing)).send().await?;
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await?;
    assert!(html.contains("You cancelled at the provider"), "{html}");
    nothing_created(&app).await?;
    Ok(())
}

#[tokio::test]
async fn a_provider_that_is_down_fails_safely() -> TestResult {
    let app = spawn_app_with(&[
        ("PORTAL_OIDC_DOWN_ISSUER", "http://127.0.0.1:9"),
        ("PORTAL_OIDC_DOWN_NAME", "Down"),
        ("PORTAL_OIDC_DOWN_CLIENT_ID", "portal"),
        ("PORTAL_OIDC_DOWN_CLIENT_SECRET", "secret"),
    ])
    .await?;

    let response = app.client.post(app.url("/auth/down/start")).send().await?;
    let location = response
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();

    assert_eq!(
        location,
        "/account/sign-in/failed?reason=unreachable&provider=down"
    );
    assert_eq!(app.count("sign_in_flows").await?, 0);
    let unknown = app.client.post(app.url("/auth/nope/start")).send().await?;
    let location = unknown
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    assert_eq!(
        location,
        "/account/sign-in/failed?reason=unknown&provider=nope"
    );
    Ok(())
}

#[tokio::test]
async fn the_pending_identity_belongs_to_its_browser_only() -> TestResult {
    let (app, double) = spawn_with_providers().await?;
    sign_in_with(&app, &double, "idp", &ada(), Fault::None).await?;
    let stranger = TestApp::visitor_of(&app)?;

    let seen = stranger.call("account/pending-identity", &[]).await?;
    let taken = stranger
        .call(
            "account/finish-sign-up",
            &[
                ("username", "mallory"),
                ("age_confirmed", "on"),
                ("policy_accepted", "on"),
            ],
        )
        .await?;

    assert!(!seen.body.contains("ada"), "{}", seen.body);
    assert_eq!(
        taken.error().map(|(code, _)| code).as_deref(),
        Some("invalid")
    );
    nothing_created(&app).await?;
    Ok(())
}

#[tokio::test]
async fn github_keeps_the_numeric_id_and_refreshes_the_login() -> TestResult {
    let (app, double) = spawn_with_providers().await?;
    let octocat = Person::new("583231", "octocat", "octo@example.org", true);
    assert_eq!(
        sign_in_with(&app, &double, "github", &octocat, Fault::None).await?,
        "/account/sign-in/finish"
    );
    finish(&app, "octo").await?;
    let account = account_for_github_login(&app.db, "OctoCat")
        .await?
        .ok_or("login not found")?;
    app.call("account/sign-out", &[]).await?;

    let renamed = Person::new("583231", "octo-renamed", "octo@example.org", true);
    let landing = sign_in_with(&app, &double, "github", &renamed, Fault::None).await?;

    assert_eq!(landing, "/account/welcome");
    assert_eq!(app.whoami().await?.as_deref(), Some("octo"));
    assert_eq!(account_for_github_login(&app.db, "octocat").await?, None);
    assert_eq!(
        account_for_github_login(&app.db, "octo-renamed").await?,
        Some(account)
    );
    Ok(())
}

#[tokio::test]
async fn a_member_with_a_second_factor_still_gives_the_code() -> TestResult {
    use sea_orm::{ConnectionTrait, Statement};
    let (app, double) = spawn_with_providers().await?;
    sign_in_with(&app, &double, "idp", &ada(), Fault::None).await?;
    finish(&app, "ada").await?;
    app.call("account/sign-out", &[]).await?;
    let backend = app.db.get_database_backend();
    app.db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            "INSERT INTO second_factors (account_id, secret, created_at, enabled_at) \
             SELECT id, 'JBSWY3DPEHPK3PXP', created_at, created_at FROM accounts",
            [],
        ))
        .await?;

    let landing = sign_in_with(&app, &double, "idp", &ada(), Fault::None).await?;

    assert_eq!(landing, "/account/two-factor/check");
    assert_eq!(app.whoami().await?, None);
    Ok(())
}

#[tokio::test]
async fn a_callback_naming_another_issuer_is_refused() -> TestResult {
    let (app, double) = spawn_with_providers().await?;
    let authorize = start(&app, "idp").await?;
    let code = double.authorize(&authorize, &ada(), Fault::None)?;
    let state = param(&authorize, "state").ok_or("no state")?;

    let landing = callback(
        &app,
        "idp",
        &format!("code={code}&state={state}&iss=http%3A%2F%2Fimpostor.invalid"),
    )
    .await?;

    assert_eq!(
        landing,
        "/account/sign-in/failed?reason=rejected&provider=idp"
    );
    nothing_created(&app).await?;
    Ok(())
}
