//! Server functions of the public jobs pages: postings, applying, and the
//! applicant's own status page. Applying needs no account.

use leptos::{
    prelude::*,
    server_fn::codec::{GetUrl, MultipartData, MultipartFormData},
};

use super::types::{ApplicantView, FeedJob, JobDetail, JobSummary};
use crate::error::AppError;

/// Postings accepting applications, newest first.
#[server(endpoint = "jobs/open")]
pub async fn open_jobs() -> Result<Vec<JobSummary>, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    super::ssr::open_jobs(&state.reads, &state.clock).await
}

/// One posting, open or closed.
#[server(endpoint = "jobs/job")]
pub async fn job(id: i64) -> Result<JobDetail, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    super::ssr::detail(&state, super::JobId(id)).await
}

/// The public JSON feed of open postings: `GET /api/jobs/v1`.
#[server(endpoint = "jobs/v1", input = GetUrl)]
pub async fn jobs_feed() -> Result<Vec<FeedJob>, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    super::ssr::feed(&state.reads, &state.clock, &state.site.base_url).await
}

/// Receives the application form (multipart, with the résumé). `website`
/// is a honeypot: people never see it, bots fill it in.
#[server(endpoint = "jobs/apply", input = MultipartFormData)]
pub async fn apply(data: MultipartData) -> Result<(), AppError> {
    use super::{Applicant, JobId, ssr::within_limit};
    use crate::ssr::{AppState, request};

    let state = AppState::from_context()?;
    let mut multipart = data.into_inner().ok_or(AppError::BadRequest)?;
    let mut form = super::ApplicantForm::default();
    let (mut job, mut honeypot, mut resume, mut too_large) = (None, false, Vec::new(), false);
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest)?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        let mut fits = true;
        while let Some(chunk) = field.chunk().await.map_err(|_| AppError::BadRequest)? {
            fits &= if name == "resume" {
                within_limit(&mut bytes, &chunk)
            } else {
                bytes.extend_from_slice(&chunk);
                bytes.len() <= 32 * 1024
            };
            if !fits && name != "resume" {
                return Err(AppError::BadRequest);
            }
        }
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "job" => job = text().trim().parse::<i64>().ok(),
            "full_name" => form.full_name = text(),
            "street" => form.street = text(),
            "city" => form.city = text(),
            "postal_code" => form.postal_code = text(),
            "country" => form.country = text(),
            "phone" => form.phone = text(),
            "email" => form.email = text(),
            "cover_note" => form.cover_note = text(),
            "links" => form.links = text(),
            "website" => honeypot = !bytes.is_empty(),
            "resume" => {
                too_large = !fits;
                resume = bytes;
            }
            _ => {}
        }
    }
    let job = JobId(job.ok_or(AppError::BadRequest)?);
    let applicant =
        Applicant::parse(&form).map_err(|error| AppError::invalid(error.field, error.message))?;
    if too_large {
        let refused = super::ssr::Refused::TooLarge;
        return Err(AppError::invalid("resume", refused.to_string()));
    }
    if honeypot {
        tracing::info!("application honeypot filled in; ignored");
    } else {
        let ip = request::client_ip(state.site.trust_forwarded_for).await;
        super::ssr::submit(&state, job, applicant, resume, &ip).await?;
    }
    leptos_axum::redirect("/jobs/applied");
    Ok(())
}

/// Claims a mailed status link: this browser gets a cookie for the
/// application and the link stops working.
#[server(endpoint = "jobs/claim")]
pub async fn claim_status_link(token: String) -> Result<(), AppError> {
    use crate::ssr::{AppState, request};

    let state = AppState::from_context()?;
    let access = super::ssr::claim(&state, &token).await?;
    let https = state.site.is_https();
    request::set_cookie(super::ssr::APPLICANT.set(&access, https));
    leptos_axum::redirect("/jobs/application");
    Ok(())
}

/// The access token in this browser's applicant cookie.
#[cfg(feature = "ssr")]
async fn applicant_access() -> Result<String, AppError> {
    use axum::http::HeaderMap;

    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let headers: HeaderMap = leptos_axum::extract()
        .await
        .map_err(|_| AppError::BadRequest)?;
    super::ssr::APPLICANT
        .value(&headers, state.site.is_https())
        .ok_or(AppError::NotFound)
}

/// The application this browser follows.
#[server(endpoint = "jobs/mine")]
pub async fn my_application() -> Result<ApplicantView, AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let access = applicant_access().await?;
    super::ssr::mine(&state, &access).await
}

/// Withdraws the application this browser follows.
#[server(endpoint = "jobs/withdraw")]
pub async fn withdraw_application() -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let access = applicant_access().await?;
    super::ssr::withdraw(&state, &access).await?;
    leptos_axum::redirect("/jobs/application");
    Ok(())
}

/// Mails a new status link to an applicant who lost theirs.
#[server(endpoint = "jobs/request-link")]
pub async fn request_status_link(job: i64, address: String) -> Result<(), AppError> {
    use crate::{
        accounts::Email,
        ssr::{AppState, request},
    };

    let state = AppState::from_context()?;
    let email = Email::parse(&address).map_err(|message| AppError::invalid("address", message))?;
    let ip = request::client_ip(state.site.trust_forwarded_for).await;
    super::ssr::request_link(&state, super::JobId(job), &email, &ip).await?;
    leptos_axum::redirect("/jobs/application/link-sent");
    Ok(())
}

/// Confirms that a second application replaces the first.
#[server(endpoint = "jobs/confirm-update")]
pub async fn confirm_application_update(token: String) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    super::ssr::confirm_update(&state, &token).await?;
    leptos_axum::redirect("/jobs/application/updated");
    Ok(())
}
