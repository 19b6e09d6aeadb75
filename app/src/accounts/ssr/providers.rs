//! The sign-in providers the operator configured, and the protocol spoken
//! with each: OAuth 2.0 with GitHub (whose sign-in is not OpenID Connect),
//! OpenID Connect with every other provider. Always the authorization-code
//! flow with PKCE (S256) and a random `state`; for OpenID Connect also a
//! `nonce` and a verified ID token.

use std::{sync::Arc, time::Duration as StdDuration};

use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse as _, TokenUrl, basic::BasicClient,
};
use openidconnect::{
    AuthenticationFlow, IssuerUrl, Nonce, TokenResponse as _,
    core::{CoreClient, CoreProviderMetadata, CoreResponseType},
};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};
use tokio::sync::RwLock;

use crate::accounts::ProviderButton;

/// The key GitHub is configured under; other providers may not use it.
pub const GITHUB: &str = "github";
/// Discovery documents and signing keys are fetched again after this long.
const DISCOVERY_FOR: Duration = Duration::hours(1);

/// One provider as configured.
#[derive(Clone, Debug)]
pub struct ProviderConfig {
    /// Lower-case letters, digits and dashes; part of the callback address.
    pub key: String,
    /// What the sign-in button says after "Sign in with".
    pub name: String,
    pub client_id: String,
    pub client_secret: SecretString,
    pub kind: ProviderKind,
}

#[derive(Clone, Debug)]
pub enum ProviderKind {
    /// github.com, or a GitHub Enterprise Server at other addresses.
    GitHub { web_url: String, api_url: String },
    /// Any OpenID Connect provider, found through its discovery document.
    Oidc { issuer: String },
}

impl ProviderConfig {
    /// GitHub at github.com.
    pub fn github(client_id: String, client_secret: SecretString) -> Self {
        Self {
            key: GITHUB.to_owned(),
            name: "GitHub".to_owned(),
            client_id,
            client_secret,
            kind: ProviderKind::GitHub {
                web_url: "https://github.com".to_owned(),
                api_url: "https://api.github.com".to_owned(),
            },
        }
    }

    /// Whether `key` can name a provider: it appears in addresses.
    pub fn valid_key(key: &str) -> bool {
        (1..=40).contains(&key.len())
            && key
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
    }
}

/// Who the provider says signed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderIdentity {
    /// The provider's stable id (GitHub: the numeric user id).
    pub subject: String,
    /// GitHub login, or the OpenID Connect `preferred_username`.
    pub login: Option<String>,
    pub email: Option<String>,
    /// Only a provider's explicit "verified" counts.
    pub email_verified: bool,
}

/// Where to send the browser, and the secrets the callback must match.
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub pkce_verifier: String,
    pub nonce: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("no provider is configured under this key")]
    Unknown,
    #[error("the provider could not be reached: {0}")]
    Unreachable(String),
    #[error("the provider refused the authorization code: {0}")]
    Rejected(String),
    #[error("the ID token failed verification: {0}")]
    BadIdToken(String),
}

/// The configured providers, shared by every request.
#[derive(Clone, Debug)]
pub struct Providers {
    list: Arc<Vec<Provider>>,
    http: reqwest::Client,
    base_url: String,
}

#[derive(Debug)]
struct Provider {
    config: ProviderConfig,
    discovered: RwLock<Option<(OffsetDateTime, CoreProviderMetadata)>>,
}

impl Providers {
    /// Sets up the providers; their discovery documents are fetched on
    /// first use, so a provider that is down does not stop the portal.
    pub fn new(configs: Vec<ProviderConfig>, base_url: &str) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            // Following redirects from a token endpoint invites SSRF.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(StdDuration::from_secs(10))
            .user_agent("Community-Portal")
            .build()?;
        Ok(Self {
            list: Arc::new(
                configs
                    .into_iter()
                    .map(|config| Provider {
                        config,
                        discovered: RwLock::new(None),
                    })
                    .collect(),
            ),
            http,
            base_url: base_url.to_owned(),
        })
    }

    /// The sign-in buttons, in configured order.
    pub fn buttons(&self) -> Vec<ProviderButton> {
        self.list
            .iter()
            .map(|provider| ProviderButton {
                key: provider.config.key.clone(),
                name: provider.config.name.clone(),
            })
            .collect()
    }

    /// The provider's display name.
    pub fn name(&self, key: &str) -> Option<String> {
        self.find(key).map(|provider| provider.config.name.clone())
    }

    /// Origins a sign-in form may be redirected to, for the
    /// Content-Security-Policy's `form-action`.
    pub fn form_origins(&self) -> Vec<String> {
        self.list
            .iter()
            .map(|provider| match &provider.config.kind {
                ProviderKind::GitHub { web_url, .. } => origin(web_url),
                ProviderKind::Oidc { issuer } => origin(issuer),
            })
            .collect()
    }

    /// Whether `iss` from a callback (RFC 9207) names the provider `key`.
    /// GitHub sends none; a provider that does must send its own.
    pub fn issued_by(&self, key: &str, iss: &str) -> bool {
        self.find(key)
            .is_some_and(|provider| match &provider.config.kind {
                ProviderKind::Oidc { issuer } => issuer == iss,
                ProviderKind::GitHub { web_url, .. } => web_url == iss,
            })
    }

    fn find(&self, key: &str) -> Option<&Provider> {
        self.list.iter().find(|provider| provider.config.key == key)
    }

    fn redirect_url(&self, key: &str) -> Result<RedirectUrl, ProviderError> {
        RedirectUrl::new(format!("{}/auth/{key}/callback", self.base_url))
            .map_err(|error| ProviderError::Unreachable(format!("redirect address: {error}")))
    }

    /// The provider's authorization address for a new sign-in.
    pub async fn authorize(
        &self,
        key: &str,
        now: OffsetDateTime,
    ) -> Result<Authorization, ProviderError> {
        let provider = self.find(key).ok_or(ProviderError::Unknown)?;
        let redirect = self.redirect_url(key)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let config = &provider.config;
        let (url, state, nonce) = match &config.kind {
            ProviderKind::GitHub { web_url, .. } => {
                let (url, state) = github_client(config, web_url, redirect)?
                    .authorize_url(CsrfToken::new_random)
                    .add_scope(Scope::new("read:user".to_owned()))
                    .add_scope(Scope::new("user:email".to_owned()))
                    .set_pkce_challenge(challenge)
                    .url();
                (url, state, String::new())
            }
            ProviderKind::Oidc { .. } => {
                let metadata = self.metadata(provider, now, false).await?;
                let client = CoreClient::from_provider_metadata(
                    metadata,
                    ClientId::new(config.client_id.clone()),
                    Some(ClientSecret::new(
                        config.client_secret.expose_secret().to_owned(),
                    )),
                )
                .set_redirect_uri(redirect);
                let (url, state, nonce) = client
                    .authorize_url(
                        AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
                        CsrfToken::new_random,
                        Nonce::new_random,
                    )
                    .add_scope(Scope::new("email".to_owned()))
                    .add_scope(Scope::new("profile".to_owned()))
                    .set_pkce_challenge(challenge)
                    .url();
                (url, state, nonce.secret().clone())
            }
        };
        Ok(Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            nonce,
        })
    }

    /// Trades the authorization code for the person's identity: with
    /// GitHub through its API, with OpenID Connect from the verified ID
    /// token (signature, issuer, audience, expiry and nonce).
    pub async fn identify(
        &self,
        key: &str,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
        now: OffsetDateTime,
    ) -> Result<ProviderIdentity, ProviderError> {
        let provider = self.find(key).ok_or(ProviderError::Unknown)?;
        let redirect = self.redirect_url(key)?;
        let code = AuthorizationCode::new(code.to_owned());
        let verifier = PkceCodeVerifier::new(pkce_verifier.to_owned());
        let config = &provider.config;
        match &config.kind {
            ProviderKind::GitHub { web_url, api_url } => {
                let token = github_client(config, web_url, redirect)?
                    .exchange_code(code)
                    .set_pkce_verifier(verifier)
                    .request_async(&self.http)
                    .await
                    .map_err(|error| ProviderError::Rejected(error_chain(&error)))?;
                github_identity(&self.http, api_url, token.access_token().secret()).await
            }
            ProviderKind::Oidc { .. } => {
                let metadata = self.metadata(provider, now, false).await?;
                let client = CoreClient::from_provider_metadata(
                    metadata,
                    ClientId::new(config.client_id.clone()),
                    Some(ClientSecret::new(
                        config.client_secret.expose_secret().to_owned(),
                    )),
                )
                .set_redirect_uri(redirect);
                let response = client
                    .exchange_code(code)
                    .map_err(|error| ProviderError::Unreachable(error.to_string()))?
                    .set_pkce_verifier(verifier)
                    .request_async(&self.http)
                    .await
                    .map_err(|error| ProviderError::Rejected(error_chain(&error)))?;
                let id_token = response
                    .id_token()
                    .ok_or_else(|| ProviderError::BadIdToken("no ID token".to_owned()))?;
                let at =
                    chrono::DateTime::from_timestamp(now.unix_timestamp(), 0).unwrap_or_default();
                let nonce = Nonce::new(nonce.to_owned());
                let verifier = client.id_token_verifier().set_time_fn(move || at);
                let claims = match id_token.claims(&verifier, &nonce) {
                    Ok(claims) => claims.clone(),
                    // The provider may have rotated its keys: fetch them once more.
                    Err(openidconnect::ClaimsVerificationError::SignatureVerification(_)) => {
                        let fresh = self.metadata(provider, now, true).await?;
                        let client = CoreClient::from_provider_metadata(
                            fresh,
                            ClientId::new(config.client_id.clone()),
                            None,
                        );
                        let verifier = client.id_token_verifier().set_time_fn(move || at);
                        id_token
                            .claims(&verifier, &nonce)
                            .map_err(|error| ProviderError::BadIdToken(error_chain(&error)))?
                            .clone()
                    }
                    Err(error) => return Err(ProviderError::BadIdToken(error_chain(&error))),
                };
                Ok(ProviderIdentity {
                    subject: claims.subject().to_string(),
                    login: claims
                        .preferred_username()
                        .map(|name| name.to_string())
                        .filter(|name| !name.is_empty()),
                    email: claims.email().map(|email| email.to_string()),
                    email_verified: claims.email_verified() == Some(true),
                })
            }
        }
    }

    /// The provider's discovery document with its signing keys, cached.
    async fn metadata(
        &self,
        provider: &Provider,
        now: OffsetDateTime,
        refresh: bool,
    ) -> Result<CoreProviderMetadata, ProviderError> {
        if !refresh
            && let Some((fetched, metadata)) = provider.discovered.read().await.as_ref()
            && now - *fetched < DISCOVERY_FOR
        {
            return Ok(metadata.clone());
        }
        let ProviderKind::Oidc { issuer } = &provider.config.kind else {
            return Err(ProviderError::Unknown);
        };
        let issuer = IssuerUrl::new(issuer.clone())
            .map_err(|error| ProviderError::Unreachable(error.to_string()))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|error| ProviderError::Unreachable(error_chain(&error)))?;
        *provider.discovered.write().await = Some((now, metadata.clone()));
        Ok(metadata)
    }
}

type GitHubClient = oauth2::Client<
    oauth2::basic::BasicErrorResponse,
    oauth2::basic::BasicTokenResponse,
    oauth2::basic::BasicTokenIntrospectionResponse,
    oauth2::StandardRevocableToken,
    oauth2::basic::BasicRevocationErrorResponse,
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn github_client(
    config: &ProviderConfig,
    web_url: &str,
    redirect: RedirectUrl,
) -> Result<GitHubClient, ProviderError> {
    let bad = |error: oauth2::url::ParseError| ProviderError::Unreachable(error.to_string());
    Ok(BasicClient::new(ClientId::new(config.client_id.clone()))
        .set_client_secret(ClientSecret::new(
            config.client_secret.expose_secret().to_owned(),
        ))
        .set_auth_uri(AuthUrl::new(format!("{web_url}/login/oauth/authorize")).map_err(bad)?)
        .set_token_uri(TokenUrl::new(format!("{web_url}/login/oauth/access_token")).map_err(bad)?)
        .set_redirect_uri(redirect))
}

#[derive(Deserialize)]
struct GitHubUser {
    id: u64,
    login: String,
}

#[derive(Deserialize)]
struct GitHubEmail {
    email: String,
    primary: bool,
    verified: bool,
}

/// The GitHub user behind an access token, with their primary address
/// (verified or not, as GitHub says).
async fn github_identity(
    http: &reqwest::Client,
    api_url: &str,
    access_token: &str,
) -> Result<ProviderIdentity, ProviderError> {
    let user: GitHubUser = github_get(http, &format!("{api_url}/user"), access_token).await?;
    let emails: Vec<GitHubEmail> =
        github_get(http, &format!("{api_url}/user/emails"), access_token).await?;
    let primary = emails.into_iter().find(|email| email.primary);
    Ok(ProviderIdentity {
        subject: user.id.to_string(),
        login: Some(user.login),
        email_verified: primary.as_ref().is_some_and(|email| email.verified),
        email: primary.map(|email| email.email),
    })
}

async fn github_get<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
    access_token: &str,
) -> Result<T, ProviderError> {
    let response = http
        .get(url)
        .bearer_auth(access_token)
        .header(reqwest::header::ACCEPT, "application/vnd.github+json")
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|error| ProviderError::Unreachable(error_chain(&error)))?;
    response
        .json()
        .await
        .map_err(|error| ProviderError::Unreachable(error_chain(&error)))
}

/// `scheme://host[:port]` of an address.
fn origin(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let host = rest.split('/').next().unwrap_or_default();
    format!("{scheme}://{host}")
}

/// An error and its causes on one line, for the log.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_safe_in_addresses() {
        assert!(ProviderConfig::valid_key("github"));
        assert!(ProviderConfig::valid_key("corp-sso2"));
        for bad in ["", "Corp", "a/b", "a b", "../x", &"x".repeat(41)] {
            assert!(!ProviderConfig::valid_key(bad), "{bad}");
        }
    }

    #[test]
    fn origins_drop_the_path() {
        assert_eq!(
            origin("https://id.example.com/realms/x"),
            "https://id.example.com"
        );
        assert_eq!(origin("http://127.0.0.1:3180"), "http://127.0.0.1:3180");
    }
}
