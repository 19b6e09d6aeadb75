//! A stand-in identity provider for the integration tests: an OpenID
//! Connect provider (discovery, keys, token endpoint) and GitHub's OAuth
//! and API endpoints, on a random port. Tests play the browser: they take
//! the portal's redirect, ask [`ProviderDouble::authorize`] for a code as
//! the provider's login page would, and bring it back to the callback.
//! Each grant can carry a deliberate fault, to see the portal refuse it.
//!
//! The keys in `keys/` exist for these tests only.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{
    Form, Json, Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use openidconnect::{
    Audience, EmptyAdditionalClaims, EndUserEmail, EndUserUsername, IssuerUrl, JsonWebKeyId,
    JsonWebKeySet, Nonce, PrivateSigningKey, StandardClaims, SubjectIdentifier,
    core::{CoreIdToken, CoreIdTokenClaims, CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey},
};
use sha2::{Digest, Sha256};

use super::helpers::TestResult;

pub const CLIENT_ID: &str = "portal-test";
pub const CLIENT_SECRET: &str = "provider-double-secret";
const PROVIDER_KEY: &str = include_str!("keys/provider.pem");
const IMPOSTOR_KEY: &str = include_str!("keys/impostor.pem");

/// Who signs in at the provider.
#[derive(Clone, Debug)]
pub struct Person {
    pub subject: String,
    pub login: String,
    pub email: String,
    pub email_verified: bool,
}

impl Person {
    pub fn new(subject: &str, login: &str, email: &str, email_verified: bool) -> Self {
        Self {
            subject: subject.to_owned(),
            login: login.to_owned(),
            email: email.to_owned(),
            email_verified,
        }
    }
}

/// A deliberate fault in the ID token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    None,
    WrongNonce,
    Expired,
    WrongKey,
    WrongAudience,
    WrongIssuer,
}

struct Grant {
    challenge: String,
    nonce: String,
    person: Person,
    fault: Fault,
}

#[derive(Default)]
struct Shared {
    grants: HashMap<String, Grant>,
    /// GitHub access tokens and whom they stand for.
    tokens: HashMap<String, Person>,
    /// The portal's clock, for token times.
    now: i64,
    /// The commits GitHub lists for any pull request: login, else address.
    commits: Vec<(Option<String>, String)>,
    /// Commit statuses posted: the address and the state.
    statuses: Vec<(String, String)>,
    issued: u32,
}

#[derive(Clone)]
pub struct ProviderDouble {
    pub url: String,
    shared: Arc<Mutex<Shared>>,
}

impl ProviderDouble {
    pub async fn start(now: time::OffsetDateTime) -> Result<Self, Box<dyn std::error::Error>> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let shared = Arc::new(Mutex::new(Shared {
            now: now.unix_timestamp(),
            ..Shared::default()
        }));
        let double = Self { url, shared };
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/token", post(oidc_token))
            .route("/login/oauth/access_token", post(github_token))
            .route("/api/user", get(github_user))
            .route("/api/user/emails", get(github_emails))
            .route(
                "/api/repos/{owner}/{repo}/pulls/{number}/commits",
                get(github_commits),
            )
            .route(
                "/api/repos/{owner}/{repo}/statuses/{sha}",
                post(github_status),
            )
            .with_state(double.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Ok(double)
    }

    /// The portal settings that point at this provider: an OpenID Connect
    /// provider `idp` and GitHub.
    pub fn settings(&self) -> Vec<(String, String)> {
        [
            ("PORTAL_OIDC_IDP_ISSUER", self.url.clone()),
            ("PORTAL_OIDC_IDP_NAME", "Test ID".to_owned()),
            ("PORTAL_OIDC_IDP_CLIENT_ID", CLIENT_ID.to_owned()),
            ("PORTAL_OIDC_IDP_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
            ("PORTAL_GITHUB_CLIENT_ID", CLIENT_ID.to_owned()),
            ("PORTAL_GITHUB_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
            ("PORTAL_GITHUB_URL", self.url.clone()),
            ("PORTAL_GITHUB_API_URL", format!("{}/api", self.url)),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
    }

    /// The commits of every pull request, as GitHub will list them.
    pub fn set_commits(&self, commits: &[(Option<&str>, &str)]) -> TestResult {
        self.shared.lock().map_err(|_| "poisoned")?.commits = commits
            .iter()
            .map(|(login, email)| (login.map(str::to_owned), (*email).to_owned()))
            .collect();
        Ok(())
    }

    /// The commit statuses posted so far: path and state.
    pub fn statuses(&self) -> Result<Vec<(String, String)>, Box<dyn std::error::Error>> {
        Ok(self.shared.lock().map_err(|_| "poisoned")?.statuses.clone())
    }

    /// What the provider's login page does once the person signed in:
    /// a code for the `code_challenge` and `nonce` of `authorize_url`.
    pub fn authorize(
        &self,
        authorize_url: &str,
        person: &Person,
        fault: Fault,
    ) -> Result<String, Box<dyn std::error::Error>> {
        let url = reqwest::Url::parse(authorize_url)?;
        let param = |name: &str| {
            url.query_pairs()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
        };
        assert_eq!(param("code_challenge_method").as_deref(), Some("S256"));
        assert_eq!(param("client_id").as_deref(), Some(CLIENT_ID));
        let mut shared = self.shared.lock().map_err(|_| "poisoned")?;
        shared.issued += 1;
        let code = format!("code-{}-{}", shared.issued, uuid::Uuid::new_v4().simple());
        shared.grants.insert(
            code.clone(),
            Grant {
                challenge: param("code_challenge").ok_or("no code_challenge")?,
                nonce: param("nonce").unwrap_or_default(),
                person: person.clone(),
                fault,
            },
        );
        Ok(code)
    }
}

async fn discovery(State(double): State<ProviderDouble>) -> Json<serde_json::Value> {
    let url = &double.url;
    Json(serde_json::json!({
        "issuer": url,
        "authorization_endpoint": format!("{url}/authorize"),
        "token_endpoint": format!("{url}/token"),
        "jwks_uri": format!("{url}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

fn signing_key(pem: &str) -> Result<CoreRsaPrivateSigningKey, String> {
    CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new("test-key".to_owned())))
}

async fn jwks() -> Response {
    match signing_key(PROVIDER_KEY) {
        Ok(key) => Json(JsonWebKeySet::new(vec![key.as_verification_key()])).into_response(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error).into_response(),
    }
}

fn refusal() -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({"error": "invalid_grant"})),
    )
        .into_response()
}

/// Checks the client's credentials, the code (once) and the PKCE verifier.
fn redeem(
    double: &ProviderDouble,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Option<(Grant, i64)> {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    let basic = headers.get("authorization")?.to_str().ok()? == expected;
    let posted = form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET)
        && form.get("client_id").map(String::as_str) == Some(CLIENT_ID);
    if !basic && !posted {
        return None;
    }
    let mut shared = double.shared.lock().ok()?;
    let grant = shared.grants.remove(form.get("code")?)?;
    let verifier = form.get("code_verifier")?;
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (challenge == grant.challenge).then_some((grant, shared.now))
}

async fn oidc_token(
    State(double): State<ProviderDouble>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let Some((grant, now)) = redeem(&double, &headers, &form) else {
        return refusal();
    };
    match id_token(&double.url, &grant, now) {
        Ok(token) => Json(serde_json::json!({
            "access_token": "oidc-access-token",
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": token,
        }))
        .into_response(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error).into_response(),
    }
}

fn id_token(issuer: &str, grant: &Grant, now: i64) -> Result<String, String> {
    let at = |offset: i64| {
        chrono::DateTime::from_timestamp(now + offset, 0).ok_or("bad time".to_owned())
    };
    let fault = grant.fault;
    let issuer = if fault == Fault::WrongIssuer {
        "http://impostor.invalid".to_owned()
    } else {
        issuer.to_owned()
    };
    let audience = if fault == Fault::WrongAudience {
        "someone-else"
    } else {
        CLIENT_ID
    };
    let expires = if fault == Fault::Expired {
        at(-60)?
    } else {
        at(300)?
    };
    let person = &grant.person;
    let claims = CoreIdTokenClaims::new(
        IssuerUrl::new(issuer).map_err(|error| error.to_string())?,
        vec![Audience::new(audience.to_owned())],
        expires,
        at(-600)?,
        StandardClaims::new(SubjectIdentifier::new(person.subject.clone()))
            .set_email(Some(EndUserEmail::new(person.email.clone())))
            .set_email_verified(Some(person.email_verified))
            .set_preferred_username(Some(EndUserUsername::new(person.login.clone()))),
        EmptyAdditionalClaims {},
    )
    .set_nonce(Some(Nonce::new(if fault == Fault::WrongNonce {
        "not-the-nonce".to_owned()
    } else {
        grant.nonce.clone()
    })));
    let key = signing_key(if fault == Fault::WrongKey {
        IMPOSTOR_KEY
    } else {
        PROVIDER_KEY
    })?;
    let token = CoreIdToken::new(
        claims,
        &key,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        None,
        None,
    )
    .map_err(|error| error.to_string())?;
    Ok(token.to_string())
}

async fn github_token(
    State(double): State<ProviderDouble>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let Some((grant, _)) = redeem(&double, &headers, &form) else {
        return refusal();
    };
    let token = format!("gh-token-{}", grant.person.subject);
    if let Ok(mut shared) = double.shared.lock() {
        shared.tokens.insert(token.clone(), grant.person);
    }
    Json(serde_json::json!({"access_token": token, "token_type": "bearer", "scope": "read:user,user:email"}))
        .into_response()
}

fn github_person(double: &ProviderDouble, headers: &HeaderMap) -> Option<Person> {
    let token = headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    double.shared.lock().ok()?.tokens.get(token).cloned()
}

async fn github_user(State(double): State<ProviderDouble>, headers: HeaderMap) -> Response {
    match github_person(&double, &headers) {
        Some(person) => Json(serde_json::json!({
            "id": person.subject.parse::<u64>().unwrap_or_default(),
            "login": person.login,
        }))
        .into_response(),
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}

async fn github_emails(State(double): State<ProviderDouble>, headers: HeaderMap) -> Response {
    match github_person(&double, &headers) {
        Some(person) => Json(serde_json::json!([
            {"email": "old@example.org", "primary": false, "verified": true},
            {"email": person.email, "primary": true, "verified": person.email_verified},
        ]))
        .into_response(),
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}

async fn github_commits(State(double): State<ProviderDouble>, headers: HeaderMap) -> Response {
    if headers.get("authorization").is_none() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let commits = double
        .shared
        .lock()
        .map(|shared| shared.commits.clone())
        .unwrap_or_default();
    Json(
        commits
            .into_iter()
            .map(|(login, email)| {
                serde_json::json!({
                    "author": login.map(|login| serde_json::json!({"login": login})),
                    "commit": {"author": {"email": email}},
                })
            })
            .collect::<Vec<_>>(),
    )
    .into_response()
}

async fn github_status(
    State(double): State<ProviderDouble>,
    uri: axum::http::Uri,
    Json(body): Json<serde_json::Value>,
) -> StatusCode {
    let state = body["state"].as_str().unwrap_or_default().to_owned();
    if let Ok(mut shared) = double.shared.lock() {
        shared.statuses.push((uri.path().to_owned(), state));
    }
    StatusCode::CREATED
}

/// Makes sure the double itself works: its keys load and sign.
#[tokio::test]
async fn the_provider_double_signs_tokens() -> TestResult {
    let grant = Grant {
        challenge: String::new(),
        nonce: "n".to_owned(),
        person: Person::new("1", "ada", "ada@example.org", true),
        fault: Fault::None,
    };
    let token = id_token("http://127.0.0.1:1", &grant, 1_800_000_000)?;
    assert_eq!(token.split('.').count(), 3);
    Ok(())
}
