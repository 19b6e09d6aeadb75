//! Applying for a job without an account, following the application
//! through a private link, and withdrawing it.
//!
//! The mailed status link is claimed once: opening it gives this browser a
//! cookie for the application and retires the link, so a forwarded or
//! leaked mail does not let anyone else in. A lost cookie is replaced by
//! asking for a new link, which goes to the application's address only.

use crate::ssr::dates::day;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use time::{Duration, OffsetDateTime};

use super::{entities::*, mails, postings, resume};
use crate::{
    accounts::Email,
    error::AppError,
    jobs::{Applicant, ApplicantView, ApplicationStatus, JobId},
    ssr::{AppState, db_error, files::Files, mail, rate_limit, tokens},
};

/// How long a mailed status link can be claimed.
const CLAIM_VALID: Duration = Duration::days(30);
/// How long a second application waits for its confirmation.
pub const UPDATE_VALID: Duration = Duration::hours(48);

/// Sets the applicant's columns on an application or a pending update.
macro_rules! set_applicant {
    ($row:expr, $applicant:expr, $key:expr, $kind:expr, $bytes:expr) => {{
        let applicant: &Applicant = $applicant;
        $row.full_name = Set(Some(applicant.full_name.clone()));
        $row.street = Set(Some(applicant.street.clone()));
        $row.city = Set(Some(applicant.city.clone()));
        $row.postal_code = Set(Some(applicant.postal_code.clone()));
        $row.country = Set(Some(applicant.country.clone()));
        $row.phone = Set(Some(applicant.phone.clone()));
        $row.cover_note = Set(Some(applicant.cover_note.clone()));
        $row.links = Set(Some(applicant.links.join("\n")));
        $row.resume_key = Set(Some($key));
        $row.resume_kind = Set(Some($kind.as_str().to_owned()));
        $row.resume_bytes = Set(Some($bytes));
    }};
}

/// Records an application for `job`, or — when this address already
/// applied — a pending update that the address must confirm. Either way the
/// answer is the same, and the mail tells the owner of the address what
/// happened.
pub async fn submit(
    state: &AppState,
    job: JobId,
    applicant: Applicant,
    resume_bytes: Vec<u8>,
    ip: &str,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let limits = [(rate_limit::APPLY_PER_IP, ip)];
    state.limiter.admit(&state.db, &limits, now).await?;
    let posting = postings::find(&state.db, job).await?;
    if !postings::accepting(&posting, now) {
        return Err(AppError::invalid(
            "job",
            "This job no longer accepts applications.",
        ));
    }
    let kind = resume::sniff(&resume_bytes)
        .map_err(|refused| AppError::invalid("resume", refused.to_string()))?;
    let size = i32::try_from(resume_bytes.len()).map_err(|_| AppError::Internal)?;
    let key = state
        .settings::<Files>()?
        .0
        .put(resume_bytes)
        .await
        .map_err(|error| {
            tracing::error!(%error, "storing a résumé");
            AppError::Internal
        })?;
    let recorded = record(state, &posting, &applicant, key.clone(), kind, size, now).await;
    if recorded.is_err() {
        discard_file(state, &key).await;
    }
    recorded
}

async fn record(
    state: &AppState,
    posting: &job::Model,
    applicant: &Applicant,
    key: String,
    kind: resume::ResumeKind,
    size: i32,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let txn = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("starting a transaction", e))?;
    let existing = application::Entity::find()
        .filter(application::Column::JobId.eq(posting.id))
        .filter(application::Column::EmailKey.eq(applicant.email.key()))
        .one(&txn)
        .await
        .map_err(|e| db_error("looking for an earlier application", e))?;
    let (token, token_hash) = tokens::generate();
    let base = &state.site.base_url;
    if let Some(existing) = existing {
        let mut update = update::ActiveModel {
            token_hash: Set(token_hash),
            application_id: Set(existing.id),
            created_at: Set(now),
            ..Default::default()
        };
        set_applicant!(update, applicant, key, kind, size);
        update
            .insert(&txn)
            .await
            .map_err(|e| db_error("storing an update", e))?;
        let link = format!("{base}/jobs/application/update?token={token}");
        let mail = mails::confirm_update(&applicant.email, &posting.title, &link);
        mail::enqueue(&txn, &state.clock, mail)
            .await
            .map_err(|e| db_error("queueing mail", e))?;
        tracing::info!(
            job = posting.id,
            "second application waits for confirmation"
        );
    } else {
        let mut row = application::ActiveModel {
            job_id: Set(posting.id),
            status: Set(ApplicationStatus::Received.as_str().to_owned()),
            email: Set(Some(applicant.email.as_str().to_owned())),
            email_key: Set(Some(applicant.email.key())),
            claim_hash: Set(Some(token_hash)),
            claim_expires_at: Set(Some(now + CLAIM_VALID)),
            submitted_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        set_applicant!(row, applicant, key, kind, size);
        let row = row
            .insert(&txn)
            .await
            .map_err(|e| db_error("storing an application", e))?;
        add_event(&txn, row.id, ApplicationStatus::Received, None, false, now).await?;
        let link = format!("{base}/jobs/application/claim?token={token}");
        let mail = mails::received(
            &applicant.email,
            &posting.title,
            &link,
            state.settings::<super::JobSettings>()?.retention_days,
        );
        mail::enqueue(&txn, &state.clock, mail)
            .await
            .map_err(|e| db_error("queueing mail", e))?;
        tracing::info!(
            job = posting.id,
            application = row.id,
            "application received"
        );
    }
    txn.commit().await.map_err(|e| db_error("committing", e))
}

/// Appends one row to an application's pipeline history.
pub async fn add_event<C: ConnectionTrait>(
    db: &C,
    application_id: i64,
    status: ApplicationStatus,
    actor: Option<i64>,
    mailed: bool,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    event::ActiveModel {
        application_id: Set(application_id),
        status: Set(status.as_str().to_owned()),
        actor_id: Set(actor),
        mailed: Set(mailed),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| db_error("recording a pipeline event", e))?;
    Ok(())
}

/// Deletes a stored résumé, logging (not failing) when that goes wrong.
pub async fn discard_file(state: &AppState, key: &str) {
    let Ok(Files(store)) = state.settings::<Files>() else {
        return;
    };
    if let Err(error) = store.delete(key).await {
        tracing::warn!(%error, "deleting a résumé file");
    }
}

fn used_link() -> AppError {
    AppError::invalid(
        "token",
        "This link has already been used or has expired. Ask for a new one below.",
    )
}

/// Exchanges a mailed status link for the token of this browser's cookie.
pub async fn claim(state: &AppState, token: &str) -> Result<String, AppError> {
    let now = state.clock.now();
    let row = application::Entity::find()
        .filter(application::Column::ClaimHash.eq(tokens::hash(token)))
        .filter(application::Column::ErasedAt.is_null())
        .one(&state.db)
        .await
        .map_err(|e| db_error("loading an application", e))?
        .filter(|row| row.claim_expires_at.is_some_and(|until| now < until))
        .ok_or_else(used_link)?;
    let (access, access_hash) = tokens::generate();
    let mut row = application::ActiveModel::from(row);
    row.claim_hash = Set(None);
    row.claim_expires_at = Set(None);
    row.access_hash = Set(Some(access_hash));
    row.update(&state.db)
        .await
        .map_err(|e| db_error("claiming a status link", e))?;
    Ok(access)
}

/// The application this browser's cookie belongs to.
pub(super) async fn by_access(
    state: &AppState,
    access: &str,
) -> Result<application::Model, AppError> {
    application::Entity::find()
        .filter(application::Column::AccessHash.eq(tokens::hash(access)))
        .filter(application::Column::ErasedAt.is_null())
        .one(&state.db)
        .await
        .map_err(|e| db_error("loading an application", e))?
        .ok_or(AppError::NotFound)
}

/// The applicant's own view of their application.
pub async fn mine(state: &AppState, access: &str) -> Result<ApplicantView, AppError> {
    let row = by_access(state, access).await?;
    let posting = postings::find(&state.db, JobId(row.job_id)).await?;
    let history = event::Entity::find()
        .filter(event::Column::ApplicationId.eq(row.id))
        .order_by_asc(event::Column::Id)
        .all(&state.db)
        .await
        .map_err(|e| db_error("loading the history", e))?
        .into_iter()
        .filter_map(|event| {
            ApplicationStatus::parse(&event.status).map(|s| (s, day(event.created_at)))
        })
        .collect();
    Ok(ApplicantView {
        job: postings::summary(&posting, state.clock.now()),
        status: ApplicationStatus::parse(&row.status).unwrap_or(ApplicationStatus::Received),
        full_name: row.full_name.unwrap_or_default(),
        street: row.street.unwrap_or_default(),
        city: row.city.unwrap_or_default(),
        postal_code: row.postal_code.unwrap_or_default(),
        country: row.country.unwrap_or_default(),
        phone: row.phone.unwrap_or_default(),
        email: row.email.unwrap_or_default(),
        cover_note: row.cover_note.unwrap_or_default(),
        links: row
            .links
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect(),
        submitted_on: day(row.submitted_at),
        history,
        resume_kind: row.resume_kind.unwrap_or_default(),
    })
}

/// The applicant withdraws; a decided application stays as it is.
pub async fn withdraw(state: &AppState, access: &str) -> Result<(), AppError> {
    let now = state.clock.now();
    let row = by_access(state, access).await?;
    let status = ApplicationStatus::parse(&row.status).unwrap_or(ApplicationStatus::Received);
    if status.is_final() {
        return Err(AppError::invalid(
            "withdraw",
            "This application has already been decided.",
        ));
    }
    let txn = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("starting a transaction", e))?;
    let id = row.id;
    let mut row = application::ActiveModel::from(row);
    row.status = Set(ApplicationStatus::Withdrawn.as_str().to_owned());
    row.decided_at = Set(Some(now));
    row.updated_at = Set(now);
    row.update(&txn)
        .await
        .map_err(|e| db_error("withdrawing", e))?;
    add_event(&txn, id, ApplicationStatus::Withdrawn, None, false, now).await?;
    txn.commit().await.map_err(|e| db_error("committing", e))?;
    tracing::info!(application = id, "application withdrawn");
    Ok(())
}

/// Mails a fresh status link to `email` if it applied for `job`. Answers the
/// same whether or not it did.
pub async fn request_link(
    state: &AppState,
    job: JobId,
    email: &Email,
    ip: &str,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let limits = [(rate_limit::MAIL_PER_IP, ip)];
    state.limiter.admit(&state.db, &limits, now).await?;
    let Some(row) = application::Entity::find()
        .filter(application::Column::JobId.eq(job.0))
        .filter(application::Column::EmailKey.eq(email.key()))
        .one(&state.db)
        .await
        .map_err(|e| db_error("loading an application", e))?
    else {
        return Ok(());
    };
    let posting = postings::find(&state.db, job).await?;
    let (token, token_hash) = tokens::generate();
    let txn = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("starting a transaction", e))?;
    let mut row = application::ActiveModel::from(row);
    row.claim_hash = Set(Some(token_hash));
    row.claim_expires_at = Set(Some(now + CLAIM_VALID));
    row.update(&txn)
        .await
        .map_err(|e| db_error("renewing a status link", e))?;
    let link = format!(
        "{}/jobs/application/claim?token={token}",
        state.site.base_url
    );
    mail::enqueue(
        &txn,
        &state.clock,
        mails::new_link(email, &posting.title, &link),
    )
    .await
    .map_err(|e| db_error("queueing mail", e))?;
    txn.commit().await.map_err(|e| db_error("committing", e))
}

/// Applies a confirmed second application over the first one.
pub async fn confirm_update(state: &AppState, token: &str) -> Result<(), AppError> {
    let now = state.clock.now();
    let pending = update::Entity::find_by_id(tokens::hash(token))
        .one(&state.db)
        .await
        .map_err(|e| db_error("loading an update", e))?
        .filter(|pending| now - pending.created_at < UPDATE_VALID)
        .ok_or_else(used_link)?;
    let current = application::Entity::find_by_id(pending.application_id)
        .one(&state.db)
        .await
        .map_err(|e| db_error("loading an application", e))?
        .filter(|row| row.erased_at.is_none())
        .ok_or_else(used_link)?;
    let old_key = current.resume_key.clone();
    let reopened = current.status == ApplicationStatus::Withdrawn.as_str();
    let txn = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("starting a transaction", e))?;
    let id = current.id;
    let mut row = application::ActiveModel::from(current);
    row.full_name = Set(pending.full_name);
    row.street = Set(pending.street);
    row.city = Set(pending.city);
    row.postal_code = Set(pending.postal_code);
    row.country = Set(pending.country);
    row.phone = Set(pending.phone);
    row.cover_note = Set(pending.cover_note);
    row.links = Set(pending.links);
    row.resume_key = Set(pending.resume_key);
    row.resume_kind = Set(pending.resume_kind);
    row.resume_bytes = Set(pending.resume_bytes);
    row.updated_at = Set(now);
    if reopened {
        row.status = Set(ApplicationStatus::Received.as_str().to_owned());
        row.decided_at = Set(None);
    }
    row.update(&txn)
        .await
        .map_err(|e| db_error("updating an application", e))?;
    if reopened {
        add_event(&txn, id, ApplicationStatus::Received, None, false, now).await?;
    }
    update::Entity::delete_by_id(pending.token_hash)
        .exec(&txn)
        .await
        .map_err(|e| db_error("deleting an update", e))?;
    txn.commit().await.map_err(|e| db_error("committing", e))?;
    if let Some(key) = old_key {
        discard_file(state, &key).await;
    }
    tracing::info!(application = id, "application updated by its applicant");
    Ok(())
}
