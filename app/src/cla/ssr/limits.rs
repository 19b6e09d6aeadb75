//! How often one member, or one client address, may sign and change
//! companies' lists. Mail sent to a contact address counts against the
//! site-wide mail limits as well.

use time::Duration;

use crate::{
    error::AppError,
    ssr::{AppState, rate_limit::Limit, request},
};

/// Signatures (individual and corporate, attempts included) per account.
pub const SIGN_PER_ACCOUNT: Limit = Limit {
    bucket: "cla_sign_account",
    max: 10,
    window: Duration::hours(1),
};
/// Signatures per client address.
pub const SIGN_PER_IP: Limit = Limit {
    bucket: "cla_sign_ip",
    max: 30,
    window: Duration::hours(1),
};
/// Additions to and removals from companies' lists per account.
pub const LIST_EDITS_PER_ACCOUNT: Limit = Limit {
    bucket: "cla_list_account",
    max: 60,
    window: Duration::hours(1),
};
/// List changes per client address.
pub const LIST_EDITS_PER_IP: Limit = Limit {
    bucket: "cla_list_ip",
    max: 120,
    window: Duration::hours(1),
};

/// Counts a change to a company's list against the caller's and their
/// address's limits: `rate_limited` beyond them.
pub async fn admit_list_edit(state: &AppState, account_id: i64) -> Result<(), AppError> {
    let ip = request::client_ip(state.site.trust_forwarded_for).await;
    let account_key = account_id.to_string();
    state
        .limiter
        .admit(
            &state.db,
            &[
                (LIST_EDITS_PER_ACCOUNT, &account_key),
                (LIST_EDITS_PER_IP, &ip),
            ],
            state.clock.now(),
        )
        .await
}

/// Counts a signing (attempt) against the caller's and their address's
/// limits, and returns the address for the mail limits.
pub async fn admit_signing(state: &AppState, account_id: i64) -> Result<String, AppError> {
    let ip = request::client_ip(state.site.trust_forwarded_for).await;
    let account_key = account_id.to_string();
    state
        .limiter
        .admit(
            &state.db,
            &[(SIGN_PER_ACCOUNT, &account_key), (SIGN_PER_IP, &ip)],
            state.clock.now(),
        )
        .await?;
    Ok(ip)
}
