//! `GET /contribute/receipts/{id}/download`: the receipt as a text file,
//! for its signer only.

use axum::{
    Extension,
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::{mails::receipt_text, signing::receipt};
use crate::{accounts::ssr::session::Auth, cla::SignatureId, ssr::AppState};

pub async fn receipt_download(
    State(state): State<AppState>,
    Extension(Auth(signed_in)): Extension<Auth>,
    Path(id): Path<i64>,
) -> Response {
    let Some(signed_in) = signed_in else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    match receipt(&state.db, signed_in.user.id, SignatureId(id)).await {
        Ok(found) => {
            let disposition = format!("attachment; filename=\"cla-receipt-{id}.txt\"");
            let mut response = receipt_text(&found).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => crate::ssr::error_status(&error),
    }
}
