//! Résumé downloads: always as an attachment, never rendered inline, only
//! for recruiters and for the applicant's own browser.

use axum::{
    Extension,
    body::Body,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};

use super::{ResumeKind, by_access, resume_by_id, resume_of};
use crate::{
    accounts::{Role, ssr::session::Auth},
    jobs::ApplicationId,
    ssr::{AppState, files::Files},
};

/// `GET /jobs/applications/{id}/resume`, for recruiters.
pub async fn recruiter_resume(
    State(state): State<AppState>,
    Extension(Auth(signed_in)): Extension<Auth>,
    Path(id): Path<i64>,
) -> Response {
    let Some(signed_in) = signed_in else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    if !signed_in.user.has_role(Role::Recruiter) {
        return StatusCode::FORBIDDEN.into_response();
    }
    match resume_by_id(&state.db, ApplicationId(id)).await {
        Ok(Some((key, kind))) => send(&state, &key, kind, id).await,
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => crate::ssr::error_status(&error),
    }
}

/// `GET /jobs/application/resume`, for the applicant's own browser.
pub async fn applicant_resume(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let https = state.site.is_https();
    let Some(access) = super::APPLICANT.value(&headers, https) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match by_access(&state, &access).await {
        Ok(row) => match resume_of(&row) {
            Some((key, kind)) => send(&state, &key, kind, row.id).await,
            None => StatusCode::NOT_FOUND.into_response(),
        },
        Err(error) => crate::ssr::error_status(&error),
    }
}

async fn send(state: &AppState, key: &str, kind: ResumeKind, id: i64) -> Response {
    let store = match state.settings::<Files>() {
        Ok(Files(store)) => store,
        Err(error) => return crate::ssr::error_status(&error),
    };
    match store.get(key).await {
        Ok(bytes) => crate::ssr::request::attachment(
            Body::from(bytes),
            kind.content_type(),
            &format!("resume-{id}.{}", kind.as_str()),
        ),
        Err(error) => {
            tracing::error!(%error, "reading a résumé");
            StatusCode::NOT_FOUND.into_response()
        }
    }
}
