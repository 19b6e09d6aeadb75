//! Privacy: the policy page, the data manifest that drives it, and the
//! member's own data — downloaded as JSON or erased with the account.

pub mod data;
mod data_page;
mod delete_page;
pub mod manifest;
mod policy_page;
mod policy_update;
mod queue_pages;
mod request_pages;
pub mod requests;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use data_page::MyDataPage;
pub use delete_page::{
    AccountDeletedPage, ConfirmDeletionPage, DeleteAccountPage, DeletionMailedPage,
};
pub use policy_page::PolicyPage;
pub use policy_update::{PolicyUpdateNotice, PolicyUpdatePage};
pub use queue_pages::{PrivacyQueuePage, PrivacyRequestPage};
pub use request_pages::{
    ConfirmRequestPage, RequestConfirmedPage, RequestFormPage, RequestSentPage,
};

use leptos::prelude::*;

use crate::error::AppError;

/// A new version of the privacy policy a member is asked to accept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PolicyChange {
    pub version: i32,
    /// For people, e.g. "4 December 2026".
    pub effective_date_label: String,
}

/// What the policy in force changed against the version a member
/// accepted last.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PolicyDiff {
    pub accepted_version: i32,
    pub version: i32,
    /// Changed lines with a little context; `None` separates the hunks.
    pub lines: Vec<Option<crate::documents::DiffLine>>,
}

/// Who answers privacy requests on this installation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PrivacyContact {
    pub name: Option<String>,
    pub email: String,
}

/// The privacy settings of this installation (`PORTAL_PRIVACY_CONTACT`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrivacySettings {
    pub contact: Option<PrivacyContact>,
}

/// What the privacy page states besides the policy text: the retention
/// periods and the privacy contact of this installation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PolicyFacts {
    pub retention: manifest::RetentionSettings,
    pub contact: Option<PrivacyContact>,
}

/// This installation's retention periods and privacy contact.
#[server(endpoint = "privacy/facts")]
pub async fn policy_settings() -> Result<PolicyFacts, AppError> {
    let state = crate::ssr::AppState::from_context()?;
    Ok(PolicyFacts {
        retention: *state.settings::<manifest::RetentionSettings>()?,
        contact: state.settings::<PrivacySettings>()?.contact.clone(),
    })
}

/// The version of the privacy policy the signed-in member is asked to
/// accept after a material change; `None` for visitors and for members
/// who accepted it.
#[server(endpoint = "privacy/update")]
pub async fn policy_update() -> Result<Option<PolicyChange>, AppError> {
    use crate::ssr::{AppState, db_error};

    let Some(me) = crate::accounts::ssr::auth::auth().await? else {
        return Ok(None);
    };
    let state = AppState::from_context()?;
    let pending = ssr::pending_policy(&state.reads, me.user.id, state.clock.now())
        .await
        .map_err(|error| db_error("checking the member's consent", error))?;
    Ok(pending.map(|document| PolicyChange {
        version: document.version,
        effective_date_label: crate::ssr::dates::long_day(document.effective_at),
    }))
}

/// Records that the signed-in member accepted the policy in force, the one
/// with `sha256`.
#[server(endpoint = "privacy/accept")]
pub async fn accept_policy(sha256: String) -> Result<(), AppError> {
    use crate::ssr::AppState;

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    ssr::accept_policy(&state.db, me.user.id, &sha256, state.clock.now()).await?;
    leptos_axum::redirect("/account?accepted=policy");
    Ok(())
}

/// Asks for an archive of the signed-in member's data, mailed as a link
/// once it is built.
#[server(endpoint = "account/archive")]
pub async fn ask_for_archive() -> Result<(), AppError> {
    let state = crate::ssr::AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    ssr::ask_for_archive(&state, me.user.id).await?;
    leptos_axum::redirect("/account/data?archive=asked");
    Ok(())
}

/// What the policy in force changed since the version the signed-in
/// member accepted; `None` if they accepted none, or accepted this one.
#[server(endpoint = "privacy/changes")]
pub async fn policy_changes() -> Result<Option<PolicyDiff>, AppError> {
    use crate::{
        accounts::ssr::policy_hold::accepted_policy,
        documents::{DocumentKind, ssr::current_version},
        ssr::{AppState, db_error},
    };

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    let failed = |error| db_error("loading policy versions", error);
    let accepted = accepted_policy(&state.reads, me.user.id)
        .await
        .map_err(failed)?;
    let current = current_version(&state.reads, DocumentKind::PrivacyPolicy, state.clock.now())
        .await
        .map_err(failed)?;
    Ok(match (accepted, current) {
        (Some(accepted), Some(current)) if accepted.version < current.version => Some(PolicyDiff {
            accepted_version: accepted.version,
            version: current.version,
            lines: crate::documents::ssr::line_diff(&accepted.body, &current.body),
        }),
        _ => None,
    })
}

/// Everything held about the signed-in member, for the "Your data" page.
#[server(endpoint = "account/data")]
pub async fn my_data() -> Result<data::MemberData, AppError> {
    use crate::ssr::{AppState, db_error};

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    let now = state.clock.now();
    state
        .limiter
        .admit(
            &state.db,
            &[(ssr::VIEWS_PER_ACCOUNT, &me.user.id.to_string())],
            now,
        )
        .await?;
    let member = ssr::Member::load(&state.reads, me.user.id)
        .await
        .map_err(|error| db_error("loading the account", error))?
        .ok_or(AppError::Unauthorized)?;
    ssr::member_data(&state.reads, &member, now)
        .await
        .map_err(|error| db_error("reading a member's data", error))
}

/// What the signed-in member must give to delete their account, and the
/// address a confirmation link would go to.
#[server(endpoint = "account/deletion-proof")]
pub async fn deletion_proof() -> Result<crate::accounts::DeletionProof, AppError> {
    use crate::accounts::ssr::{account, deletion_proof};
    use sea_orm::EntityTrait;

    let state = crate::ssr::AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    let account = account::Entity::find_by_id(me.user.id)
        .one(&state.reads)
        .await
        .map_err(|error| crate::ssr::db_error("loading the account", error))?
        .ok_or(AppError::Unauthorized)?;
    Ok(deletion_proof::proof_for(&state.reads, &account).await?)
}

/// Deletes the signed-in member's account, once they typed their username
/// and proved they hold the account: with its password, or without one
/// with their second factor. An account with neither is mailed a link,
/// and only [`delete_account_by_link`] deletes it.
#[server(endpoint = "account/delete")]
pub async fn delete_account(
    confirm: String,
    #[server(default)] password: String,
    #[server(default)] code: String,
) -> Result<(), AppError> {
    use crate::{
        accounts::ssr::{deletion_proof, session},
        ssr::{AppState, request},
    };

    let state = AppState::from_context()?;
    let me = crate::accounts::ssr::auth::require_user().await?;
    let member = ssr::Member::load(&state.db, me.user.id)
        .await
        .map_err(|error| crate::ssr::db_error("loading the account", error))?
        .ok_or(AppError::Unauthorized)?;
    if confirm.trim() != member.username {
        return Err(AppError::invalid(
            "confirm",
            format!("Type your username, {}, exactly as shown.", member.username),
        ));
    }
    let ip = request::client_ip(state.site.trust_forwarded_for).await;
    if !deletion_proof::prove(&state, member.id, password.into(), &code, &ip).await? {
        leptos_axum::redirect("/account/delete/check-mail");
        return Ok(());
    }
    ssr::erase_account(&state, &member, ssr::DeletedBy::Member).await?;
    request::set_cookie(session::SESSION.forget(state.site.is_https()));
    leptos_axum::redirect("/account/deleted");
    Ok(())
}

/// Deletes the account a mailed deletion link belongs to (the page behind
/// the link has the button, so that mail scanners delete nothing).
#[server(endpoint = "account/delete-by-link")]
pub async fn delete_account_by_link(token: String) -> Result<(), AppError> {
    use crate::{
        accounts::ssr::{deletion_proof, session},
        ssr::{AppState, request},
    };

    let state = AppState::from_context()?;
    let account_id = deletion_proof::redeem_link(&state, &token).await?;
    let member = ssr::Member::load(&state.db, account_id)
        .await
        .map_err(|error| crate::ssr::db_error("loading the account", error))?
        .ok_or(AppError::NotFound)?;
    ssr::erase_account(&state, &member, ssr::DeletedBy::Member).await?;
    let signed_in = crate::accounts::ssr::auth::auth()
        .await
        .ok()
        .flatten()
        .is_some_and(|me| me.user.id == account_id);
    if signed_in {
        request::set_cookie(session::SESSION.forget(state.site.is_https()));
    }
    leptos_axum::redirect("/account/deleted");
    Ok(())
}
