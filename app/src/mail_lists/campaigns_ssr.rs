//! Campaigns on the server: drafts, the rendering of one mail (multipart
//! text and HTML, the one-click unsubscribe of RFC 8058 and a link to the
//! preferences), and the sender.
//!
//! The sender runs every few seconds. It starts campaigns whose time has
//! come and queues the next batch of a campaign being sent: the next
//! subscribers by id after the campaign's cursor, each mail with its own
//! links, written to the outbox in the same transaction that moves the
//! cursor on. A restart therefore resumes after the last committed batch
//! and nobody is queued twice; two servers cannot both move the cursor
//! from the same place. Batches follow the configured rate, and wait while
//! the outbox still holds a minute's worth of the campaign's mail.

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    TransactionTrait,
    sea_query::{Alias, Expr, ExprTrait, Query},
};
use time::{Duration, OffsetDateTime};

use super::campaigns::{CampaignDetail, CampaignStatus, CampaignSummary, Counted, Progress};
use super::newsletter::ListChoice;
use crate::{
    accounts::{Email, ssr::account},
    error::AppError,
    ssr::{
        AppState, db_error,
        feature::Counts,
        mail::{self, Mail, batch, escape},
        mail_lists::{list, subscriber, subscription, unsubscribe_token},
        markdown, tokens,
    },
};

/// Test mails an administrator may send themselves.
pub const TESTS_PER_ACCOUNT: crate::ssr::rate_limit::Limit = crate::ssr::rate_limit::Limit {
    bucket: "campaign_test_account",
    max: 10,
    window: Duration::hours(1),
};

/// The most mails queued in one transaction.
const BATCH_MAX: u64 = 500;

/// How campaigns go out.
#[derive(Debug, Clone, Default)]
pub struct CampaignSettings {
    /// Mails queued per minute (`PORTAL_MAIL_RATE_PER_MINUTE`).
    pub per_minute: u32,
    /// Whether campaign mail may count opens and clicks at all
    /// (`PORTAL_MAIL_TRACKING`); each subscriber may turn it off too.
    pub tracking: bool,
    /// Opens and clicks not yet written.
    pub tally: Tally,
}

pub use super::tracking_ssr::Tally;

pub mod campaign {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_campaigns")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub subject: String,
        #[sea_orm(column_type = "Text")]
        pub body: String,
        pub status: String,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
        pub send_at: Option<TimeDateTimeWithTimeZone>,
        pub started_at: Option<TimeDateTimeWithTimeZone>,
        pub finished_at: Option<TimeDateTimeWithTimeZone>,
        pub batch_id: Option<i64>,
        /// The last subscriber id queued.
        pub cursor: i64,
        pub last_batch_at: Option<TimeDateTimeWithTimeZone>,
        /// Fetches of the counting image.
        pub opens: i64,
        /// Mails that carried it.
        pub tracked: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod campaign_link {
    use sea_orm::entity::prelude::*;

    /// A web link of a campaign, by its place in the text.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_campaign_links")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub campaign_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub position: i32,
        #[sea_orm(column_type = "Text")]
        pub url: String,
        pub clicks: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod campaign_list {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_campaign_lists")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub campaign_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub list_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn status_of(row: &campaign::Model) -> CampaignStatus {
    CampaignStatus::parse(&row.status).unwrap_or(CampaignStatus::Draft)
}

/// A campaign as the administrator typed it, checked.
#[derive(Debug, Clone)]
pub struct CampaignInput {
    pub subject: String,
    pub body: String,
    pub lists: Vec<i64>,
}

pub const MAX_SUBJECT: usize = 200;
pub const MAX_BODY: usize = 100_000;

impl CampaignInput {
    pub fn parse(
        subject: &str,
        body: &str,
        ticked: &HashMap<String, String>,
        offered: &[list::Model],
    ) -> Result<Self, AppError> {
        let subject = subject.trim();
        if subject.is_empty() {
            return Err(AppError::invalid("subject", "Give the mail a subject."));
        }
        if subject.chars().count() > MAX_SUBJECT {
            return Err(AppError::invalid(
                "subject",
                format!("Use at most {MAX_SUBJECT} characters."),
            ));
        }
        if body.chars().count() > MAX_BODY {
            return Err(AppError::invalid(
                "body",
                "Keep the text under 100,000 characters.",
            ));
        }
        // A draft may have no list yet; sending checks that it has one.
        let lists = super::newsletter_ssr::ticked_lists(ticked, offered)?;
        Ok(Self {
            subject: subject.to_owned(),
            body: body.trim_end().to_owned(),
            lists,
        })
    }
}

/// The lists a campaign can go to: every live list but the software's
/// own, the same that members may join.
pub async fn sendable_lists<C: ConnectionTrait>(db: &C) -> Result<Vec<list::Model>, DbErr> {
    super::newsletter_ssr::member_lists_offered(db).await
}

async fn lists_of<C: ConnectionTrait>(db: &C, campaign: i64) -> Result<Vec<i64>, DbErr> {
    Ok(campaign_list::Entity::find()
        .filter(campaign_list::Column::CampaignId.eq(campaign))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.list_id)
        .collect())
}

async fn find<C: ConnectionTrait>(db: &C, id: i64) -> Result<campaign::Model, AppError> {
    campaign::Entity::find_by_id(id)
        .one(db)
        .await
        .map_err(|e| db_error("loading a campaign", e))?
        .ok_or(AppError::NotFound)
}

/// Makes a draft (no `id`) or changes a draft or scheduled campaign (which
/// goes back to being a draft); its id.
pub async fn save(
    state: &AppState,
    id: Option<i64>,
    input: CampaignInput,
) -> Result<i64, AppError> {
    let now = state.clock.now();
    let failed = |e| db_error("saving a campaign", e);
    let txn = state.db.begin().await.map_err(failed)?;
    let id = match id {
        Some(id) => {
            let row = find(&txn, id).await?;
            if !status_of(&row).is_editable() {
                return Err(AppError::invalid(
                    "subject",
                    "This campaign is being sent or was sent; it can no longer change.",
                ));
            }
            let mut row = row.into_active_model();
            row.subject = Set(input.subject);
            row.body = Set(input.body);
            row.status = Set(CampaignStatus::Draft.as_str().to_owned());
            row.send_at = Set(None);
            row.updated_at = Set(now);
            row.update(&txn).await.map_err(failed)?.id
        }
        None => {
            campaign::ActiveModel {
                subject: Set(input.subject),
                body: Set(input.body),
                status: Set(CampaignStatus::Draft.as_str().to_owned()),
                created_at: Set(now),
                updated_at: Set(now),
                cursor: Set(0),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(failed)?
            .id
        }
    };
    campaign_list::Entity::delete_many()
        .filter(campaign_list::Column::CampaignId.eq(id))
        .exec(&txn)
        .await
        .map_err(failed)?;
    if !input.lists.is_empty() {
        campaign_list::Entity::insert_many(input.lists.iter().map(|list| {
            campaign_list::ActiveModel {
                campaign_id: Set(id),
                list_id: Set(*list),
            }
        }))
        .exec(&txn)
        .await
        .map_err(failed)?;
    }
    txn.commit().await.map_err(failed)?;
    Ok(id)
}

/// Subscribers a campaign would reach now: confirmed, on one of `lists`.
async fn audience_size<C: ConnectionTrait>(db: &C, lists: &[i64]) -> Result<i64, DbErr> {
    if lists.is_empty() {
        return Ok(0);
    }
    let select = Query::select()
        .expr(Expr::col((subscriber::Entity, subscriber::Column::Id)).count())
        .from(subscriber::Entity)
        .and_where(Expr::col((subscriber::Entity, subscriber::Column::ConfirmedAt)).is_not_null())
        .and_where(Expr::exists(on_lists(lists)))
        .to_owned();
    let row = db
        .query_one_raw(db.get_database_backend().build(&select))
        .await?;
    Ok(row
        .map(|row| row.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0))
}

/// `EXISTS` a subscription of the outer subscriber to one of `lists`.
fn on_lists(lists: &[i64]) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(subscription::Entity)
        .and_where(
            Expr::col((subscription::Entity, subscription::Column::SubscriberId))
                .equals((subscriber::Entity, subscriber::Column::Id)),
        )
        .and_where(
            Expr::col((subscription::Entity, subscription::Column::ListId))
                .is_in(lists.iter().copied()),
        )
        .to_owned()
}

async fn progress<C: ConnectionTrait>(
    db: &C,
    row: &campaign::Model,
) -> Result<Option<Progress>, DbErr> {
    let Some(batch_id) = row.batch_id else {
        return Ok(None);
    };
    let counts = batch::Entity::find_by_id(batch_id).one(db).await?;
    let lists = lists_of(db, row.id).await?;
    progress_from(db, row, counts.as_ref(), &lists).await
}

/// [`progress`] from the campaign's batch counts and lists, already read;
/// only a campaign being sent costs a query (what is left to queue).
async fn progress_from<C: ConnectionTrait>(
    db: &C,
    row: &campaign::Model,
    counts: Option<&batch::Model>,
    lists: &[i64],
) -> Result<Option<Progress>, DbErr> {
    let Some(counts) = counts else {
        return Ok(None);
    };
    let still_to_queue = if status_of(row) == CampaignStatus::Sending {
        remaining(db, lists, row.cursor).await?
    } else {
        0
    };
    let queued = i64::from(counts.queued);
    let sent = i64::from(counts.sent);
    let failed = i64::from(counts.failed);
    Ok(Some(Progress {
        sent,
        failed,
        left: Ord::max(queued - sent - failed, 0) + still_to_queue,
    }))
}

/// Subscribers after `cursor` still to be queued.
async fn remaining<C: ConnectionTrait>(db: &C, lists: &[i64], cursor: i64) -> Result<i64, DbErr> {
    if lists.is_empty() {
        return Ok(0);
    }
    let select = Query::select()
        .expr(Expr::col((subscriber::Entity, subscriber::Column::Id)).count())
        .from(subscriber::Entity)
        .and_where(Expr::col((subscriber::Entity, subscriber::Column::Id)).gt(cursor))
        .and_where(Expr::col((subscriber::Entity, subscriber::Column::ConfirmedAt)).is_not_null())
        .and_where(Expr::exists(on_lists(lists)))
        .to_owned();
    let row = db
        .query_one_raw(db.get_database_backend().build(&select))
        .await?;
    Ok(row
        .map(|row| row.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0))
}

fn when(row: &campaign::Model) -> String {
    match status_of(row) {
        CampaignStatus::Draft => format!("changed {}", crate::ssr::dates::long_day(row.updated_at)),
        CampaignStatus::Scheduled => row
            .send_at
            .map(|at| format!("to go {}", crate::ssr::dates::long_day(at)))
            .unwrap_or_default(),
        CampaignStatus::Sending => row
            .started_at
            .map(|at| format!("since {}", crate::ssr::dates::long_day(at)))
            .unwrap_or_default(),
        CampaignStatus::Sent | CampaignStatus::Cancelled => row
            .finished_at
            .map(crate::ssr::dates::long_day)
            .unwrap_or_default(),
    }
}

/// Every campaign, newest first.
pub async fn summaries(state: &AppState) -> Result<Vec<CampaignSummary>, AppError> {
    let failed = |e| db_error("listing campaigns", e);
    let rows = campaign::Entity::find()
        .order_by_desc(campaign::Column::Id)
        .all(&state.reads)
        .await
        .map_err(failed)?;
    let names: HashMap<i64, String> = list::Entity::find()
        .all(&state.reads)
        .await
        .map_err(failed)?
        .into_iter()
        .map(|row| (row.id, row.name))
        .collect();
    // One query each for every campaign's lists and batch counts.
    let mut lists_by_campaign: HashMap<i64, Vec<i64>> = HashMap::new();
    for row in campaign_list::Entity::find()
        .order_by_asc(campaign_list::Column::ListId)
        .all(&state.reads)
        .await
        .map_err(failed)?
    {
        lists_by_campaign
            .entry(row.campaign_id)
            .or_default()
            .push(row.list_id);
    }
    let batches: HashMap<i64, batch::Model> = batch::Entity::find()
        .filter(batch::Column::Id.is_in(rows.iter().filter_map(|row| row.batch_id)))
        .all(&state.reads)
        .await
        .map_err(failed)?
        .into_iter()
        .map(|counts| (counts.id, counts))
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let lists = lists_by_campaign.remove(&row.id).unwrap_or_default();
        let counts = row.batch_id.and_then(|id| batches.get(&id));
        let progress = progress_from(&state.reads, &row, counts, &lists)
            .await
            .map_err(failed)?;
        out.push(CampaignSummary {
            id: row.id,
            subject: row.subject.clone(),
            status: status_of(&row),
            when: when(&row),
            lists: lists
                .iter()
                .filter_map(|id| names.get(id).cloned())
                .collect(),
            progress,
        });
    }
    Ok(out)
}

/// One campaign, for its page.
pub async fn detail(state: &AppState, id: i64) -> Result<CampaignDetail, AppError> {
    let failed = |e| db_error("loading a campaign", e);
    let row = find(&state.db, id).await?;
    let chosen = lists_of(&state.db, id).await.map_err(failed)?;
    let mut offered = sendable_lists(&state.db).await.map_err(failed)?;
    // A list archived since it was chosen still shows, ticked.
    for id in &chosen {
        if !offered.iter().any(|row| row.id == *id)
            && let Some(row) = list::Entity::find_by_id(*id)
                .one(&state.db)
                .await
                .map_err(failed)?
        {
            offered.push(row);
        }
    }
    Ok(CampaignDetail {
        id: row.id,
        subject: row.subject.clone(),
        body: row.body.clone(),
        preview: markdown::to_safe_html(&row.body),
        status: status_of(&row),
        when: when(&row),
        lists: offered
            .iter()
            .map(|list| ListChoice {
                id: list.id,
                name: list.name.clone(),
                description: list.description.clone(),
                on: chosen.contains(&list.id),
            })
            .collect(),
        audience: audience_size(&state.db, &chosen).await.map_err(failed)?,
        progress: progress(&state.db, &row).await.map_err(failed)?,
        counted: counted(&state.db, &row).await.map_err(failed)?,
    })
}

/// The opens and clicks of a campaign that went out with the image.
async fn counted<C: ConnectionTrait>(
    db: &C,
    row: &campaign::Model,
) -> Result<Option<Counted>, DbErr> {
    if row.tracked == 0 {
        return Ok(None);
    }
    let links = campaign_link::Entity::find()
        .filter(campaign_link::Column::CampaignId.eq(row.id))
        .order_by_asc(campaign_link::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|link| (link.url, link.clicks))
        .collect();
    Ok(Some(Counted {
        opens: row.opens,
        tracked: row.tracked,
        links,
    }))
}

/// What one recipient's mail says, in both parts.
struct Rendered {
    text: String,
    html: String,
}

/// The mail of `row` for one recipient: the Markdown as the plain-text
/// part (complete, readable as it is), the rendered HTML in a layout that
/// common mail programs show alike, and the links that end it.
fn render(
    subject: &str,
    body: &str,
    list_name: &str,
    preferences: &str,
    unsubscribe: &str,
    counted: Option<(&str, i64)>,
) -> Rendered {
    let text = format!(
        "{body}\n\n-- \nYou get this mail because you are on the list \"{list_name}\".\nChange your lists or leave them all: {preferences}\nUnsubscribe from \"{list_name}\": {unsubscribe}\n"
    );
    let font = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head>\n\
         <body style=\"margin:0;padding:0;background:#f3f4f6;\">\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"background:#f3f4f6;\">\
         <tr><td align=\"center\" style=\"padding:24px 12px;\">\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"max-width:600px;background:#ffffff;border-radius:8px;\">\
         <tr><td style=\"padding:32px;{font};font-size:16px;line-height:1.6;color:#111827;\">\n{content}\n</td></tr></table>{pixel}\
         <p style=\"max-width:600px;margin:16px auto 0;{font};font-size:13px;line-height:1.5;color:#4b5563;\">\
         You get this mail because you are on the list \u{201c}{list}\u{201d}. \
         <a href=\"{preferences_attr}\" style=\"color:#1d4ed8;\">Change your lists or leave them all</a> \u{b7} \
         <a href=\"{unsubscribe_attr}\" style=\"color:#1d4ed8;\">Unsubscribe from \u{201c}{list}\u{201d}</a></p>\
         </td></tr></table></body></html>\n",
        title = escape(subject),
        content = match counted {
            Some((base, id)) => {
                markdown::to_safe_html_via(body, |n| format!("{base}/mail/c/{id}/{n}"))
            }
            None => markdown::to_safe_html(body),
        },
        pixel = counted.map_or_else(String::new, |(base, id)| {
            format!(
                "<img src=\"{}\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0;\">",
                escape(&format!("{base}/mail/o/{id}"))
            )
        }),
        list = escape(list_name),
        preferences_attr = escape(preferences),
        unsubscribe_attr = escape(unsubscribe),
    );
    Rendered { text, html }
}

/// Queues the campaign to the administrator's own address, marked as a
/// test; its links lead to the pages, not to anyone's subscription.
pub async fn send_test(state: &AppState, id: i64, to: &Email) -> Result<(), AppError> {
    let row = find(&state.db, id).await?;
    let base = &state.site.base_url;
    let rendered = render(
        &row.subject,
        &row.body,
        "(test)",
        &format!("{base}/newsletter"),
        &format!("{base}/newsletter"),
        None,
    );
    let mail = Mail::new(
        to,
        &format!("[Test] {}", row.subject),
        rendered.text,
        rendered.html,
    );
    mail::enqueue(&state.db, &state.clock, mail)
        .await
        .map_err(|e| db_error("queueing a test mail", e))
}

/// Schedules the campaign for `at` (now, when `None`); it needs a subject,
/// a text and at least one list.
pub async fn schedule(
    state: &AppState,
    id: i64,
    at: Option<OffsetDateTime>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let failed = |e| db_error("scheduling a campaign", e);
    let row = find(&state.db, id).await?;
    if !status_of(&row).is_editable() {
        return Err(AppError::invalid(
            "send_at",
            "This campaign is being sent or was sent already.",
        ));
    }
    if row.body.trim().is_empty() {
        return Err(AppError::invalid(
            "body",
            "Write the mail before sending it.",
        ));
    }
    if lists_of(&state.db, id).await.map_err(failed)?.is_empty() {
        return Err(AppError::invalid(
            "lists",
            "Choose at least one list, and save.",
        ));
    }
    let at = at.unwrap_or(now);
    if at < now - Duration::minutes(1) {
        return Err(AppError::invalid("send_at", "Choose a time in the future."));
    }
    let mut row = row.into_active_model();
    row.status = Set(CampaignStatus::Scheduled.as_str().to_owned());
    row.send_at = Set(Some(at));
    row.updated_at = Set(now);
    row.update(&state.db).await.map_err(failed)?;
    Ok(())
}

/// Stops a campaign: a scheduled one goes back to its draft; one being
/// sent queues nothing more (what is queued still goes).
pub async fn cancel(state: &AppState, id: i64) -> Result<(), AppError> {
    let now = state.clock.now();
    let failed = |e| db_error("stopping a campaign", e);
    let row = find(&state.db, id).await?;
    let status = match status_of(&row) {
        CampaignStatus::Scheduled => CampaignStatus::Draft,
        CampaignStatus::Sending => CampaignStatus::Cancelled,
        _ => {
            return Err(AppError::invalid(
                "send_at",
                "This campaign is not under way.",
            ));
        }
    };
    let stopped = campaign::Entity::update_many()
        .col_expr(campaign::Column::Status, Expr::value(status.as_str()))
        .col_expr(
            campaign::Column::SendAt,
            Expr::value(Option::<OffsetDateTime>::None),
        )
        .col_expr(
            campaign::Column::FinishedAt,
            Expr::value((status == CampaignStatus::Cancelled).then_some(now)),
        )
        .col_expr(campaign::Column::UpdatedAt, Expr::value(now))
        .filter(campaign::Column::Id.eq(id))
        .filter(campaign::Column::Status.eq(row.status))
        .exec(&state.db)
        .await
        .map_err(failed)?;
    if stopped.rows_affected == 0 {
        return Err(AppError::invalid(
            "send_at",
            "The campaign changed meanwhile; look again.",
        ));
    }
    Ok(())
}

/// One subscriber the next batch goes to.
struct Recipient {
    subscriber_id: i64,
    list_id: i64,
    email: Option<String>,
    account_id: Option<i64>,
    tracking: bool,
}

/// The next `limit` subscribers after `cursor` on `lists`, by id: the
/// subscribers' primary key is walked in order, each checked against the
/// subscriptions' primary key, so a batch costs the same at the end of a
/// large list as at its start.
async fn next_recipients<C: ConnectionTrait>(
    db: &C,
    lists: &[i64],
    cursor: i64,
    limit: u64,
) -> Result<Vec<Recipient>, DbErr> {
    let first_list = Query::select()
        .expr(Expr::col((subscription::Entity, subscription::Column::ListId)).min())
        .from(subscription::Entity)
        .and_where(
            Expr::col((subscription::Entity, subscription::Column::SubscriberId))
                .equals((subscriber::Entity, subscriber::Column::Id)),
        )
        .and_where(
            Expr::col((subscription::Entity, subscription::Column::ListId))
                .is_in(lists.iter().copied()),
        )
        .to_owned();
    let select = Query::select()
        .column((subscriber::Entity, subscriber::Column::Id))
        .column((subscriber::Entity, subscriber::Column::Email))
        .column((subscriber::Entity, subscriber::Column::AccountId))
        .column((subscriber::Entity, subscriber::Column::Tracking))
        .expr_as(first_list, Alias::new("list_id"))
        .from(subscriber::Entity)
        .and_where(Expr::col((subscriber::Entity, subscriber::Column::Id)).gt(cursor))
        .and_where(Expr::col((subscriber::Entity, subscriber::Column::ConfirmedAt)).is_not_null())
        .and_where(Expr::exists(on_lists(lists)))
        .order_by(
            (subscriber::Entity, subscriber::Column::Id),
            sea_orm::Order::Asc,
        )
        .limit(limit)
        .to_owned();
    let rows = db
        .query_all_raw(db.get_database_backend().build(&select))
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Recipient {
                subscriber_id: row.try_get("", "id")?,
                email: row.try_get("", "email")?,
                account_id: row.try_get("", "account_id")?,
                list_id: row.try_get("", "list_id")?,
                tracking: row.try_get("", "tracking")?,
            })
        })
        .collect()
}

/// Queues up to `limit` mails of a campaign being sent, moving its cursor
/// on in the same transaction; the number queued, or `None` when another
/// server moved the cursor first.
async fn queue_batch(
    state: &AppState,
    row: &campaign::Model,
    limit: u64,
) -> Result<Option<usize>, DbErr> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let lists = lists_of(&txn, row.id).await?;
    let recipients = next_recipients(&txn, &lists, row.cursor, limit).await?;
    let Some(last) = recipients.last().map(|r| r.subscriber_id) else {
        // Nobody is left: the campaign is sent once its queue drains.
        campaign::Entity::update_many()
            .col_expr(
                campaign::Column::Status,
                Expr::value(CampaignStatus::Sent.as_str()),
            )
            .col_expr(campaign::Column::FinishedAt, Expr::value(now))
            .filter(campaign::Column::Id.eq(row.id))
            .filter(campaign::Column::Status.eq(CampaignStatus::Sending.as_str()))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        return Ok(Some(0));
    };
    let moved = campaign::Entity::update_many()
        .col_expr(campaign::Column::Cursor, Expr::value(last))
        .col_expr(campaign::Column::LastBatchAt, Expr::value(now))
        .filter(campaign::Column::Id.eq(row.id))
        .filter(campaign::Column::Cursor.eq(row.cursor))
        .filter(campaign::Column::Status.eq(CampaignStatus::Sending.as_str()))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(None);
    }
    let members: Vec<i64> = recipients.iter().filter_map(|r| r.account_id).collect();
    let accounts: HashMap<i64, String> = if members.is_empty() {
        HashMap::new()
    } else {
        account::Entity::find()
            .filter(account::Column::Id.is_in(members))
            .filter(account::Column::EmailVerifiedAt.is_not_null())
            .all(&txn)
            .await?
            .into_iter()
            .map(|account| (account.id, account.email))
            .collect()
    };
    let names: HashMap<i64, String> = list::Entity::find()
        .filter(list::Column::Id.is_in(lists.iter().copied()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|list| (list.id, list.name))
        .collect();
    let base = state.site.base_url.trim_end_matches('/');
    let tracking = state
        .features
        .get::<CampaignSettings>()
        .is_some_and(|settings| settings.tracking);
    let mut tracked = 0_i64;
    let batch = row
        .batch_id
        .ok_or_else(|| DbErr::Custom("a campaign being sent has a batch".to_owned()))?;
    let (mut unsubscribes, mut links, mut mails) = (Vec::new(), Vec::new(), Vec::new());
    for recipient in &recipients {
        let address = match recipient.account_id {
            Some(account) => accounts.get(&account).cloned(),
            None => recipient.email.clone(),
        };
        // A member whose address is no longer confirmed gets nothing.
        let Some(to) = address.and_then(|address| Email::parse(&address).ok()) else {
            continue;
        };
        let (unsubscribe, unsubscribe_hash) = tokens::generate();
        unsubscribes.push(unsubscribe_token::ActiveModel {
            token_hash: Set(unsubscribe_hash),
            subscriber_id: Set(recipient.subscriber_id),
            list_id: Set(recipient.list_id),
            created_at: Set(now),
        });
        let (manage, manage_hash) = tokens::generate();
        links.push(super::newsletter_ssr::manage_link_row(
            recipient.subscriber_id,
            manage_hash,
            now,
        ));
        let unsubscribe = format!("{base}/mail/unsubscribe?token={unsubscribe}");
        let counted = (tracking && recipient.tracking).then_some((base, row.id));
        tracked += i64::from(counted.is_some());
        let rendered = render(
            &row.subject,
            &row.body,
            names.get(&recipient.list_id).map_or("", String::as_str),
            &format!("{base}/newsletter/preferences?token={manage}"),
            &unsubscribe,
            counted,
        );
        mails.push(
            Mail::new(&to, &row.subject, rendered.text, rendered.html)
                .unsubscribe_at(unsubscribe)
                .in_batch(batch),
        );
    }
    let queued = mails.len();
    if tracked > 0 {
        campaign::Entity::update_many()
            .col_expr(
                campaign::Column::Tracked,
                Expr::col(campaign::Column::Tracked).add(tracked),
            )
            .filter(campaign::Column::Id.eq(row.id))
            .exec(&txn)
            .await?;
    }
    if !unsubscribes.is_empty() {
        unsubscribe_token::Entity::insert_many(unsubscribes)
            .exec(&txn)
            .await?;
        super::newsletter_ssr::insert_links(&txn, links).await?;
        mail::enqueue_many(&txn, &state.clock, mails).await?;
    }
    txn.commit().await?;
    Ok(Some(queued))
}

/// Starts campaigns whose time has come: a batch to count their mail.
async fn start_due(state: &AppState) -> Result<u64, DbErr> {
    let now = state.clock.now();
    let due = campaign::Entity::find()
        .filter(campaign::Column::Status.eq(CampaignStatus::Scheduled.as_str()))
        .filter(campaign::Column::SendAt.lte(now))
        .all(&state.db)
        .await?;
    let mut started = 0;
    for row in due {
        let txn = state.db.begin().await?;
        let batch = mail::new_batch(&txn, now).await?;
        let won = campaign::Entity::update_many()
            .col_expr(
                campaign::Column::Status,
                Expr::value(CampaignStatus::Sending.as_str()),
            )
            .col_expr(campaign::Column::StartedAt, Expr::value(now))
            .col_expr(campaign::Column::BatchId, Expr::value(batch))
            .col_expr(campaign::Column::Cursor, Expr::value(0_i64))
            .filter(campaign::Column::Id.eq(row.id))
            .filter(campaign::Column::Status.eq(CampaignStatus::Scheduled.as_str()))
            .exec(&txn)
            .await?;
        if won.rows_affected == 1 {
            let links = markdown::links(&row.body);
            if !links.is_empty() {
                campaign_link::Entity::delete_many()
                    .filter(campaign_link::Column::CampaignId.eq(row.id))
                    .exec(&txn)
                    .await?;
                campaign_link::Entity::insert_many(links.into_iter().zip(0..).map(
                    |(url, position)| campaign_link::ActiveModel {
                        campaign_id: Set(row.id),
                        position: Set(position),
                        url: Set(url),
                        clicks: Set(0),
                    },
                ))
                .exec(&txn)
                .await?;
            }
            txn.commit().await?;
            tracing::info!(campaign = row.id, "campaign sending started");
            started += 1;
        } else {
            txn.rollback().await?;
        }
    }
    Ok(started)
}

/// How many mails a campaign may queue now: the configured rate over the
/// time since its last batch (a minute's worth at most), none while the
/// outbox still holds a minute's worth of its mail.
async fn allowance(state: &AppState, row: &campaign::Model, per_minute: u32) -> Result<u64, DbErr> {
    let per_minute = u64::from(Ord::max(per_minute, 1));
    if let Some(batch_id) = row.batch_id
        && let Some(counts) = batch::Entity::find_by_id(batch_id).one(&state.db).await?
    {
        let waiting = i64::from(counts.queued) - i64::from(counts.sent) - i64::from(counts.failed);
        if u64::try_from(waiting).unwrap_or(0) >= per_minute {
            return Ok(0);
        }
    }
    let elapsed = row
        .last_batch_at
        .map_or(Duration::minutes(1), |at| state.clock.now() - at)
        .clamp(Duration::ZERO, Duration::minutes(1));
    let millis = u64::try_from(elapsed.whole_milliseconds()).unwrap_or(0);
    Ok(Ord::min(per_minute * millis / 60_000, BATCH_MAX))
}

/// One round of the sender: start what is due, queue what the rate allows.
pub async fn tick(state: &AppState) -> Result<Counts, DbErr> {
    let settings = state
        .features
        .get::<CampaignSettings>()
        .cloned()
        .unwrap_or_default();
    let counted = settings.tally.flush(&state.db, state.clock.now()).await?;
    let started = start_due(state).await?;
    let per_minute = settings.per_minute;
    let sending = campaign::Entity::find()
        .filter(campaign::Column::Status.eq(CampaignStatus::Sending.as_str()))
        .order_by_asc(campaign::Column::Id)
        .all(&state.db)
        .await?;
    let mut queued = 0;
    for row in sending {
        let limit = allowance(state, &row, per_minute).await?;
        if limit == 0 {
            continue;
        }
        if let Some(n) = queue_batch(state, &row, limit).await? {
            queued += n as u64;
        }
    }
    Ok(vec![
        ("campaign opens and clicks counted", counted),
        ("campaigns started", started),
        ("campaign mails queued", queued),
    ])
}
