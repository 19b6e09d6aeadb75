//! Server-only half of the privacy centre: a member's data as JSON, and the
//! erasure of an account, both generated from the data manifest.

pub mod archive;
mod consent;
mod erase;
mod export;
pub mod notices;
mod request_mails;
mod requests;

pub use crate::accounts::ssr::policy_hold::pending_policy;
pub use archive::ask_for_archive;
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
/// member's data and of their archive, the purge of privacy requests and
/// archives, the policy notices and the archive builds.
pub const FEATURE: Feature = Feature {
    routes: || {
        use axum::routing::get;
        axum::Router::new()
            .route("/account/data.json", get(export::download))
            .route("/account/data/archive.zip", get(archive::download))
    },
    purge: |state| {
        Box::pin(async move {
            let mut counts = requests::counts(&requests::purge(state).await?);
            counts.push(("data archives deleted", archive::purge(state).await?));
            Ok(counts)
        })
    },
    periodic: |state| {
        Box::pin(async move {
            Ok(vec![
                (
                    "privacy policy notices queued",
                    notices::send_policy_notices(state).await?,
                ),
                ("data archives built", archive::build_due(state).await?),
            ])
        })
    },
    ..Feature::named("privacy")
};
