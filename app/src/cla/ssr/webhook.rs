//! `POST /api/cla/v1/github-webhook`: GitHub tells us about a pull
//! request; we answer which of its authors are covered and, when a token is
//! configured, post a "CLA" commit status on its head commit.
//!
//! Every delivery must carry a valid `X-Hub-Signature-256` (HMAC-SHA256 of
//! the body with the shared secret), and neither its delivery id nor its
//! body may have been seen before.

use std::time::Duration as StdDuration;

use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use time::OffsetDateTime;

use super::coverage::status;
use crate::ssr::AppState;

mod replay;

/// How the portal talks to GitHub about pull requests.
#[derive(Clone, Debug, Default)]
pub struct WebhookSettings {
    /// The webhook's shared secret; without it the endpoint is off.
    pub secret: Option<SecretString>,
    /// A token that may read pull requests and write commit statuses;
    /// without it only the pull request's author is checked and no status
    /// is posted.
    pub token: Option<SecretString>,
    /// GitHub's API address (GitHub Enterprise Server: `…/api/v3`).
    pub api_url: String,
    pub http: reqwest::Client,
}

impl WebhookSettings {
    pub fn new(
        secret: Option<SecretString>,
        token: Option<SecretString>,
        api_url: &str,
    ) -> Result<Self, reqwest::Error> {
        Ok(Self {
            secret,
            token,
            api_url: api_url.trim_end_matches('/').to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(StdDuration::from_secs(10))
                .user_agent("Community-Portal")
                .build()?,
        })
    }
}

#[derive(Deserialize)]
struct Event {
    pull_request: Option<PullRequest>,
}

#[derive(Deserialize)]
struct PullRequest {
    user: GitHubUser,
    head: Head,
    commits_url: String,
    statuses_url: String,
}

#[derive(Deserialize)]
struct GitHubUser {
    login: String,
}

#[derive(Deserialize)]
struct Head {
    sha: String,
}

#[derive(Deserialize)]
struct Commit {
    author: Option<GitHubUser>,
    commit: CommitDetail,
}

#[derive(Deserialize)]
struct CommitDetail {
    author: Option<CommitAuthor>,
}

#[derive(Deserialize)]
struct CommitAuthor {
    email: Option<String>,
}

/// One author of the pull request and whether a signature covers them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Author {
    pub login: Option<String>,
    pub email: Option<String>,
    pub covered: bool,
}

#[derive(Serialize)]
struct Answer {
    covered: bool,
    authors: Vec<Author>,
}

fn refuse(status: StatusCode, code: &str) -> Response {
    (status, Json(serde_json::json!({ "code": code }))).into_response()
}

pub async fn github_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(settings) = state.settings::<WebhookSettings>() else {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal");
    };
    let Some(secret) = &settings.secret else {
        return refuse(StatusCode::NOT_FOUND, "not_found");
    };
    if !signed(secret, &headers, &body) {
        tracing::warn!("webhook delivery with a missing or wrong signature refused");
        return refuse(StatusCode::UNAUTHORIZED, "bad_signature");
    }
    let Some(delivery_id) =
        header(&headers, "x-github-delivery").filter(|id| (1..=100).contains(&id.len()))
    else {
        return refuse(StatusCode::BAD_REQUEST, "bad_request");
    };
    let now = state.clock.now();
    match replay::remember(&state, delivery_id, &body, now).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!("replayed webhook delivery refused");
            return refuse(StatusCode::CONFLICT, "replayed");
        }
        Err(error) => {
            tracing::error!(%error, "recording a webhook delivery");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal");
        }
    }
    match header(&headers, "x-github-event") {
        Some("ping") => Json(serde_json::json!({ "ok": true })).into_response(),
        Some("pull_request") => pull_request(&state, settings, &body, now).await,
        _ => (
            StatusCode::ACCEPTED,
            Json(serde_json::json!({ "ignored": true })),
        )
            .into_response(),
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// `X-Hub-Signature-256` is `sha256=` and the hex HMAC of the body;
/// compared in constant time.
fn signed(secret: &SecretString, headers: &HeaderMap, body: &[u8]) -> bool {
    let Some(given) = header(headers, "x-hub-signature-256")
        .and_then(|value| value.strip_prefix("sha256="))
        .and_then(|hex_digits| hex::decode(hex_digits).ok())
    else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

async fn pull_request(
    state: &AppState,
    settings: &WebhookSettings,
    body: &[u8],
    now: OffsetDateTime,
) -> Response {
    let Some(pull) = serde_json::from_slice::<Event>(body)
        .ok()
        .and_then(|event| event.pull_request)
    else {
        return refuse(StatusCode::BAD_REQUEST, "bad_request");
    };
    // The token goes only to the configured GitHub, whatever a payload says.
    let api = format!("{}/", settings.api_url);
    if !pull.commits_url.starts_with(&api) || !pull.statuses_url.starts_with(&api) {
        tracing::warn!("pull request event naming another API address refused");
        return refuse(StatusCode::BAD_REQUEST, "bad_request");
    }
    let mut authors = vec![(Some(pull.user.login.clone()), None)];
    if settings.token.is_some() {
        match commits(settings, &pull.commits_url).await {
            Ok(found) => authors.extend(found),
            Err(error) => {
                tracing::warn!(%error, "could not list the pull request's commits");
                return refuse(StatusCode::BAD_GATEWAY, "unavailable");
            }
        }
    }
    authors.sort();
    authors.dedup();
    let mut checked = Vec::with_capacity(authors.len());
    for (login, email) in authors {
        let answer = match status(&state.db, now, login.as_deref(), email.as_deref()).await {
            Ok(answer) => answer,
            Err(_) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        checked.push(Author {
            // An address is only shown when GitHub knew no login for it.
            email: email.filter(|_| login.is_none()),
            login,
            covered: answer.covered,
        });
    }
    let covered = checked.iter().all(|author| author.covered);
    if settings.token.is_some()
        && let Err(error) = post_status(state, settings, &pull, covered).await
    {
        tracing::warn!(%error, "could not post the commit status");
    }
    Json(Answer {
        covered,
        authors: checked,
    })
    .into_response()
}

type Authors = Vec<(Option<String>, Option<String>)>;

/// The commit authors of the pull request (at most 250 commits, as GitHub
/// lists them): GitHub login where GitHub knows one, else the address.
async fn commits(settings: &WebhookSettings, commits_url: &str) -> Result<Authors, reqwest::Error> {
    let token = settings.token.as_ref().map(ExposeSecret::expose_secret);
    let commits: Vec<Commit> = settings
        .http
        .get(format!("{commits_url}?per_page=250"))
        .bearer_auth(token.unwrap_or_default())
        .header(reqwest::header::ACCEPT, "application/vnd.github+json")
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(commits
        .into_iter()
        .map(|commit| match commit.author {
            Some(user) => (Some(user.login), None),
            None => (None, commit.commit.author.and_then(|author| author.email)),
        })
        .collect())
}

async fn post_status(
    state: &AppState,
    settings: &WebhookSettings,
    pull: &PullRequest,
    covered: bool,
) -> Result<(), reqwest::Error> {
    let token = settings.token.as_ref().map(ExposeSecret::expose_secret);
    let url = pull.statuses_url.replace("{sha}", &pull.head.sha);
    let (status, description) = if covered {
        ("success", "Every author has signed the CLA.")
    } else {
        ("failure", "Some authors still need to sign the CLA.")
    };
    settings
        .http
        .post(url)
        .bearer_auth(token.unwrap_or_default())
        .header(reqwest::header::ACCEPT, "application/vnd.github+json")
        .json(&serde_json::json!({
            "state": status,
            "context": "CLA",
            "description": description,
            "target_url": format!("{}/contribute", state.site.base_url),
        }))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}
