//! `GET /forum/p/{id}`: a post's permanent address, which sends the browser
//! to the page of its thread that shows it.

use axum::{
    Extension,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};

use super::post_location;
use crate::{accounts::ssr::session::Auth, forum::PostId, ssr::AppState};

pub async fn post_permalink(
    State(state): State<AppState>,
    Extension(Auth(signed_in)): Extension<Auth>,
    Path(id): Path<i64>,
) -> Response {
    let viewer = signed_in.map(|signed_in| signed_in.user);
    match post_location(&state.db, viewer.as_ref(), PostId(id)).await {
        Ok(location) => Redirect::to(&location).into_response(),
        Err(error) => crate::ssr::error_status(&error),
    }
}
