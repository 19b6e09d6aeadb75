//! The recruiters' side: applications, their pipeline and their notes.
//! Every status change is an append-only event written in the same
//! transaction as the change.

use crate::ssr::dates::day;
use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait, sea_query::Expr,
};
use time::Duration;

use super::{add_event, entities::*, mails, postings};
use crate::{
    accounts::{Email, ssr::account},
    error::AppError,
    jobs::{
        ApplicantDetails, ApplicationDetail, ApplicationId, ApplicationStatus, ApplicationSummary,
        JobId, Note, PipelineEvent,
    },
    ssr::{AppState, db_error, mail},
};

fn status_of(row: &application::Model) -> ApplicationStatus {
    ApplicationStatus::parse(&row.status).unwrap_or(ApplicationStatus::Received)
}

/// Applications, newest first; for one job when `job` is given.
pub async fn applications(
    db: &DatabaseConnection,
    job: Option<JobId>,
) -> Result<Vec<ApplicationSummary>, AppError> {
    let mut select = application::Entity::find().order_by_desc(application::Column::SubmittedAt);
    if let Some(job) = job {
        select = select.filter(application::Column::JobId.eq(job.0));
    }
    let rows = select
        .limit(500)
        .all(db)
        .await
        .map_err(|e| db_error("listing applications", e))?;
    let job_ids: Vec<i64> = rows.iter().map(|row| row.job_id).collect();
    let titles: HashMap<i64, String> = job::Entity::find()
        .filter(job::Column::Id.is_in(job_ids))
        .all(db)
        .await
        .map_err(|e| db_error("listing jobs", e))?
        .into_iter()
        .map(|job| (job.id, job.title))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| ApplicationSummary {
            id: ApplicationId(row.id),
            job_title: titles.get(&row.job_id).cloned().unwrap_or_default(),
            status: status_of(&row),
            full_name: row.full_name.clone(),
            submitted_on: day(row.submitted_at),
        })
        .collect())
}

async fn find(db: &DatabaseConnection, id: ApplicationId) -> Result<application::Model, AppError> {
    application::Entity::find_by_id(id.0)
        .one(db)
        .await
        .map_err(|e| db_error("loading an application", e))?
        .ok_or(AppError::NotFound)
}

async fn usernames(
    db: &DatabaseConnection,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>, AppError> {
    Ok(account::Entity::find()
        .filter(account::Column::Id.is_in(ids.into_iter().collect::<Vec<_>>()))
        .all(db)
        .await
        .map_err(|e| db_error("loading usernames", e))?
        .into_iter()
        .map(|account| (account.id, account.username))
        .collect())
}

/// One application with its history and notes.
pub async fn application(
    state: &AppState,
    id: ApplicationId,
) -> Result<ApplicationDetail, AppError> {
    let db = &state.db;
    let row = find(db, id).await?;
    let posting = postings::find(db, JobId(row.job_id)).await?;
    let events = event::Entity::find()
        .filter(event::Column::ApplicationId.eq(row.id))
        .order_by_asc(event::Column::Id)
        .all(db)
        .await
        .map_err(|e| db_error("loading the history", e))?;
    let notes = note::Entity::find()
        .filter(note::Column::ApplicationId.eq(row.id))
        .order_by_asc(note::Column::Id)
        .all(db)
        .await
        .map_err(|e| db_error("loading notes", e))?;
    let names = usernames(
        db,
        events
            .iter()
            .filter_map(|event| event.actor_id)
            .chain(notes.iter().filter_map(|note| note.author_id)),
    )
    .await?;
    let status = status_of(&row);
    let kept = Duration::days(i64::from(
        state.settings::<super::JobSettings>()?.retention_days,
    ));
    let erase_on = row
        .decided_at
        .filter(|_| row.erased_at.is_none())
        .map(|at| day(at + kept));
    let person = row.full_name.clone().map(|full_name| ApplicantDetails {
        full_name,
        street: row.street.clone().unwrap_or_default(),
        city: row.city.clone().unwrap_or_default(),
        postal_code: row.postal_code.clone().unwrap_or_default(),
        country: row.country.clone().unwrap_or_default(),
        phone: row.phone.clone().unwrap_or_default(),
        email: row.email.clone().unwrap_or_default(),
        cover_note: row.cover_note.clone().unwrap_or_default(),
        links: row
            .links
            .as_deref()
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect(),
        resume_kind: row.resume_kind.clone().unwrap_or_default(),
        resume_bytes: row.resume_bytes.unwrap_or_default(),
    });
    Ok(ApplicationDetail {
        id,
        job: postings::summary(&posting, state.clock.now()),
        status,
        submitted_on: day(row.submitted_at),
        person,
        events: events
            .into_iter()
            .filter_map(|event| {
                Some(PipelineEvent {
                    status: ApplicationStatus::parse(&event.status)?,
                    actor: event.actor_id.and_then(|id| names.get(&id).cloned()),
                    mailed: event.mailed,
                    at: day(event.created_at),
                })
            })
            .collect(),
        notes: notes
            .into_iter()
            .map(|note| Note {
                author: note.author_id.and_then(|id| names.get(&id).cloned()),
                body: note.body,
                at: day(note.created_at),
            })
            .collect(),
        erase_on,
    })
}

/// Moves an application to `status`, optionally mailing the applicant.
pub async fn move_to(
    state: &AppState,
    recruiter: i64,
    id: ApplicationId,
    status: ApplicationStatus,
    notify: bool,
) -> Result<(), AppError> {
    if !ApplicationStatus::PIPELINE.contains(&status) {
        return Err(AppError::invalid("status", "Choose a pipeline step."));
    }
    let now = state.clock.now();
    let row = find(&state.db, id).await?;
    let current = status_of(&row);
    if current.is_final() {
        return Err(AppError::invalid(
            "status",
            "This application has been decided; its status can no longer change.",
        ));
    }
    if current == status {
        return Err(AppError::invalid(
            "status",
            "The application already has this status.",
        ));
    }
    let posting = postings::find(&state.db, JobId(row.job_id)).await?;
    let txn = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("starting a transaction", e))?;
    // Only from the status we read: two recruiters cannot both move it.
    let moved = application::Entity::update_many()
        .col_expr(application::Column::Status, Expr::value(status.as_str()))
        .col_expr(
            application::Column::DecidedAt,
            Expr::value(status.is_final().then_some(now)),
        )
        .col_expr(application::Column::UpdatedAt, Expr::value(now))
        .filter(application::Column::Id.eq(row.id))
        .filter(application::Column::Status.eq(current.as_str()))
        .exec(&txn)
        .await
        .map_err(|e| db_error("moving an application", e))?;
    if moved.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    let address = row
        .email
        .as_deref()
        .and_then(|email| Email::parse(email).ok());
    let mailed = notify && address.is_some();
    add_event(&txn, row.id, status, Some(recruiter), mailed, now).await?;
    if let (true, Some(address)) = (notify, address) {
        let mail = mails::status_changed(&address, &posting.title, status);
        mail::enqueue(&txn, &state.clock, mail)
            .await
            .map_err(|e| db_error("queueing mail", e))?;
    }
    txn.commit().await.map_err(|e| db_error("committing", e))?;
    tracing::info!(
        application = row.id,
        recruiter,
        status = status.as_str(),
        "application moved"
    );
    Ok(())
}

/// Adds a recruiters-only note.
pub async fn add_note(
    state: &AppState,
    recruiter: i64,
    id: ApplicationId,
    body: &str,
) -> Result<(), AppError> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 5_000 {
        return Err(AppError::invalid(
            "body",
            "Write a note of 1 to 5,000 characters.",
        ));
    }
    let row = find(&state.db, id).await?;
    if row.erased_at.is_some() {
        return Err(AppError::invalid(
            "body",
            "This application has been erased.",
        ));
    }
    note::ActiveModel {
        application_id: Set(row.id),
        author_id: Set(Some(recruiter)),
        body: Set(body.to_owned()),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&state.db)
    .await
    .map_err(|e| db_error("adding a note", e))?;
    Ok(())
}

/// The stored résumé's key and kind, if the application still has one.
pub fn resume_of(row: &application::Model) -> Option<(String, super::ResumeKind)> {
    let kind = super::ResumeKind::parse(row.resume_kind.as_deref()?)?;
    Some((row.resume_key.clone()?, kind))
}

/// The résumé of application `id`, for a recruiter.
pub async fn resume_by_id(
    db: &DatabaseConnection,
    id: ApplicationId,
) -> Result<Option<(String, super::ResumeKind)>, AppError> {
    Ok(resume_of(&find(db, id).await?))
}
