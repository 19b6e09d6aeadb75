//! Server functions of the recruiters' pages. Every one checks, on the
//! server, that the caller holds the recruiter role.

use leptos::prelude::*;

use super::types::{ApplicationDetail, ApplicationSummary, JobSummary};
use crate::error::AppError;

/// Every posting, open or closed.
#[server(endpoint = "recruit/jobs")]
pub async fn recruiter_jobs() -> Result<Vec<JobSummary>, AppError> {
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(Role::Recruiter).await?;
    super::ssr::all_jobs(&state.db, &state.clock).await
}

/// Creates a posting, or changes the one named by `job_id`.
#[server(endpoint = "recruit/save-job")]
pub async fn save_job(job_id: Option<i64>, posting: super::JobForm) -> Result<(), AppError> {
    use super::{JobId, JobInput};
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(Role::Recruiter).await?;
    let input =
        JobInput::parse(&posting).map_err(|error| AppError::invalid(error.field, error.message))?;
    super::ssr::save(&state.db, &state.clock, job_id.map(JobId), input).await?;
    leptos_axum::redirect("/recruit");
    Ok(())
}

/// Opens or closes a posting for applications.
#[server(endpoint = "recruit/set-job-open")]
pub async fn set_job_open(job_id: i64, open: bool) -> Result<(), AppError> {
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(Role::Recruiter).await?;
    super::ssr::set_open(&state.db, &state.clock, super::JobId(job_id), open).await
}

/// Applications, newest first; for one posting when `job_id` is given.
#[server(endpoint = "recruit/applications")]
pub async fn list_applications(job_id: Option<i64>) -> Result<Vec<ApplicationSummary>, AppError> {
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(Role::Recruiter).await?;
    super::ssr::applications(&state.db, job_id.map(super::JobId)).await
}

/// One application with its history and notes.
#[server(endpoint = "recruit/application")]
pub async fn recruiter_application(id: i64) -> Result<ApplicationDetail, AppError> {
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    crate::accounts::ssr::auth::require_role(Role::Recruiter).await?;
    super::ssr::application(&state, super::ApplicationId(id)).await
}

/// Moves an application along the pipeline; `notify` mails the applicant.
#[server(endpoint = "recruit/move")]
pub async fn move_application(
    id: i64,
    status: String,
    notify: Option<String>,
) -> Result<(), AppError> {
    use super::ApplicationStatus;
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    let recruiter = crate::accounts::ssr::auth::require_role(Role::Recruiter).await?;
    let status = ApplicationStatus::parse(&status)
        .ok_or_else(|| AppError::invalid("status", "Choose a pipeline step."))?;
    super::ssr::move_to(
        &state,
        recruiter.id,
        super::ApplicationId(id),
        status,
        notify.is_some(),
    )
    .await
}

/// Adds a note that only recruiters see.
#[server(endpoint = "recruit/note")]
pub async fn add_application_note(id: i64, body: String) -> Result<(), AppError> {
    use crate::{accounts::Role, ssr::AppState};

    let state = AppState::from_context()?;
    let recruiter = crate::accounts::ssr::auth::require_role(Role::Recruiter).await?;
    super::ssr::add_note(&state, recruiter.id, super::ApplicationId(id), &body).await
}
