//! Server-only half of the privacy centre: a member's data as JSON, and the
//! erasure of an account, both generated from the data manifest.

mod consent;
mod erase;
mod export;
pub mod notices;
mod request_mails;
mod requests;

pub use crate::accounts::ssr::policy_hold::pending_policy;
pub use consent::accept_policy;
pub use erase::{DeletedBy, erase_account};
pub use export::{EXPORT_PER_ACCOUNT, Member, NOT_SHOWN, VIEWS_PER_ACCOUNT, member_data, to_json};
pub use requests::{
    ANSWER_WITHIN, CONFIRM_WITHIN, KEEP_ANSWERED, REQUESTS_PER_ADDRESS, REQUESTS_PER_IP,
    RequestInput, add_note, assign, confirm_request, detail, erase_for_request, queue, request,
    request_event, send_request, set_status,
};

use crate::ssr::feature::Feature;

/// What the privacy centre brings to the server: the download of a
/// member's data, and the purge of privacy requests.
pub const FEATURE: Feature = Feature {
    routes: || {
        axum::Router::new().route("/account/data.json", axum::routing::get(export::download))
    },
    purge: |state| Box::pin(async move { Ok(requests::counts(&requests::purge(state).await?)) }),
    periodic: |state| {
        Box::pin(async move {
            Ok(vec![(
                "privacy policy notices queued",
                notices::send_policy_notices(state).await?,
            )])
        })
    },
    ..Feature::named("privacy")
};
