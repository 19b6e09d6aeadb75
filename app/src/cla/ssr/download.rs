//! `GET /contribute/receipts/{id}/download`: the receipt as a text file,
//! for its signer only.

use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};

use super::{mails::receipt_text, signing::receipt};
use crate::{
    accounts::ssr::session::Auth,
    cla::SignatureId,
    ssr::{AppState, request::attachment},
};

pub async fn receipt_download(
    State(state): State<AppState>,
    Extension(Auth(signed_in)): Extension<Auth>,
    Path(id): Path<i64>,
) -> Response {
    let Some(signed_in) = signed_in else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    match receipt(&state.db, signed_in.user.id, SignatureId(id)).await {
        Ok(found) => attachment(
            receipt_text(&found),
            "text/plain; charset=utf-8",
            &format!("cla-receipt-{id}.txt"),
        ),
        Err(error) => crate::ssr::error_status(&error),
    }
}
