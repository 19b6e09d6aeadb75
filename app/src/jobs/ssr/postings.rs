//! Job postings: the public list, one posting, and what recruiters change.

use crate::ssr::dates::day;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use time::{Date, Month, OffsetDateTime};

use super::entities::job;
use crate::{
    error::AppError,
    jobs::{Employment, FeedJob, JobDetail, JobId, JobInput, JobSummary, Workplace, slug},
    privacy::manifest::RetentionSettings,
    ssr::{AppState, Clock, db_error, markdown::to_safe_html_remembered},
};

/// Whether `job` accepts applications at `now`: open, and its closing day
/// (inclusive) not yet over.
pub fn accepting(job: &job::Model, now: OffsetDateTime) -> bool {
    job.open && job.closes_on.is_none_or(|last| now.date() <= last)
}

pub fn summary(job: &job::Model, now: OffsetDateTime) -> JobSummary {
    JobSummary {
        id: JobId(job.id),
        slug: slug(&job.title),
        title: job.title.clone(),
        team: job.team.clone(),
        location: job.location.clone(),
        workplace: Workplace::parse(&job.workplace).unwrap_or(Workplace::OnSite),
        employment: Employment::parse(&job.employment).unwrap_or(Employment::FullTime),
        open: accepting(job, now),
        closes_on: job.closes_on.map(|date| date.to_string()),
    }
}

/// Postings accepting applications, newest first.
pub async fn open_jobs(
    db: &DatabaseConnection,
    clock: &Clock,
) -> Result<Vec<JobSummary>, AppError> {
    let now = clock.now();
    Ok(job::Entity::find()
        .filter(job::Column::Open.eq(true))
        .order_by_desc(job::Column::CreatedAt)
        .all(db)
        .await
        .map_err(|e| db_error("listing jobs", e))?
        .iter()
        .filter(|job| accepting(job, now))
        .map(|job| summary(job, now))
        .collect())
}

/// Every posting, open or not, newest first (for recruiters).
pub async fn all_jobs(db: &DatabaseConnection, clock: &Clock) -> Result<Vec<JobSummary>, AppError> {
    let now = clock.now();
    Ok(job::Entity::find()
        .order_by_desc(job::Column::CreatedAt)
        .all(db)
        .await
        .map_err(|e| db_error("listing jobs", e))?
        .iter()
        .map(|job| summary(job, now))
        .collect())
}

pub async fn find(db: &DatabaseConnection, id: JobId) -> Result<job::Model, AppError> {
    job::Entity::find_by_id(id.0)
        .one(db)
        .await
        .map_err(|e| db_error("loading a job", e))?
        .ok_or(AppError::NotFound)
}

/// One posting with its description rendered to safe HTML.
pub async fn detail(state: &AppState, id: JobId) -> Result<JobDetail, AppError> {
    let job = find(&state.reads, id).await?;
    let now = state.clock.now();
    Ok(JobDetail {
        retention: RetentionSettings {
            application_days: state.settings::<super::JobSettings>()?.retention_days,
        },
        summary: summary(&job, now),
        description_html: to_safe_html_remembered(&job.description),
        accepting: accepting(&job, now),
        description: job.description,
    })
}

fn to_date((year, month, day): (i32, u8, u8)) -> Result<Date, AppError> {
    Month::try_from(month)
        .ok()
        .and_then(|month| Date::from_calendar_date(year, month, day).ok())
        .ok_or_else(|| AppError::invalid("closes_on", "That day does not exist."))
}

/// Creates a posting (`id` is `None`) or changes one; returns its id.
pub async fn save(
    db: &DatabaseConnection,
    clock: &Clock,
    id: Option<JobId>,
    input: JobInput,
) -> Result<JobId, AppError> {
    let now = clock.now();
    let closes_on = input.closes_on.map(to_date).transpose()?;
    let mut row = match id {
        Some(id) => job::ActiveModel::from(find(db, id).await?),
        None => job::ActiveModel {
            open: Set(true),
            created_at: Set(now),
            ..Default::default()
        },
    };
    row.title = Set(input.title);
    row.team = Set(input.team);
    row.location = Set(input.location);
    row.workplace = Set(input.workplace.as_str().to_owned());
    row.employment = Set(input.employment.as_str().to_owned());
    row.description = Set(input.description);
    row.closes_on = Set(closes_on);
    row.updated_at = Set(now);
    let saved = row
        .save(db)
        .await
        .map_err(|e| db_error("saving a job", e))?;
    let id = saved.id.try_as_ref().copied().ok_or(AppError::Internal)?;
    tracing::info!(job = id, "job saved");
    Ok(JobId(id))
}

/// Opens or closes a posting for applications.
pub async fn set_open(
    db: &DatabaseConnection,
    clock: &Clock,
    id: JobId,
    open: bool,
) -> Result<(), AppError> {
    let job = find(db, id).await?;
    let closed_at = match (open, job.closed_at) {
        (true, _) => None,
        (false, Some(closed)) => Some(closed),
        (false, None) => Some(clock.now()),
    };
    let mut row = job::ActiveModel::from(job);
    row.open = Set(open);
    row.closed_at = Set(closed_at);
    row.updated_at = Set(clock.now());
    row.update(db)
        .await
        .map_err(|e| db_error("opening or closing a job", e))?;
    tracing::info!(job = id.0, open, "job availability changed");
    Ok(())
}

/// The open postings as the public JSON feed gives them.
pub async fn feed(
    db: &DatabaseConnection,
    clock: &Clock,
    base_url: &str,
) -> Result<Vec<FeedJob>, AppError> {
    let now = clock.now();
    Ok(job::Entity::find()
        .filter(job::Column::Open.eq(true))
        .order_by_desc(job::Column::CreatedAt)
        .all(db)
        .await
        .map_err(|e| db_error("listing jobs", e))?
        .into_iter()
        .filter(|job| accepting(job, now))
        .map(|job| {
            let summary = summary(&job, now);
            FeedJob {
                url: format!("{base_url}{}", summary.path()),
                id: job.id,
                title: job.title,
                team: job.team,
                location: job.location,
                workplace: summary.workplace,
                employment: summary.employment,
                closes_on: summary.closes_on,
                updated_on: day(job.updated_at),
                content_html: to_safe_html_remembered(&job.description),
            }
        })
        .collect())
}
