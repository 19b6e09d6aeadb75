//! Privacy requests on the server: the sender's form and confirmation,
//! the privacy team's queue, each change written with its log line (and
//! its mail) in one transaction, and the retention purge.

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    ExprTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use time::{Duration, OffsetDateTime};

use super::{DeletedBy, Member, erase_account, request_mails as mails};
use crate::{
    accounts::{
        Email, Username,
        ssr::{account, usernames},
    },
    error::AppError,
    privacy::{
        PrivacySettings,
        requests::{
            RequestDetail, RequestKind, RequestLogEntry, RequestQueue, RequestStatus,
            RequestSummary, Urgency,
        },
    },
    ssr::{AppState, db_error, feature::Counts, mail, rate_limit::Limit, tokens},
};

/// How long the sender has to confirm their address.
pub const CONFIRM_WITHIN: Duration = Duration::hours(48);
/// How long after confirmation a request must be answered.
pub const ANSWER_WITHIN: Duration = Duration::days(30);
/// How long an answered request and its log are kept, as the record of
/// how it was answered.
pub const KEEP_ANSWERED: Duration = Duration::days(365);
/// An open request due within this is shown as due soon.
const DUE_SOON: Duration = Duration::days(7);
/// Answered requests the queue shows.
const CLOSED_SHOWN: u64 = 50;
/// Open requests the queue shows, oldest deadline first.
const OPEN_SHOWN: u64 = 500;

/// Requests from one network address: each one sends a mail.
pub const REQUESTS_PER_IP: Limit = Limit {
    bucket: "privacy_request_ip",
    max: 5,
    window: Duration::hours(1),
};
/// Requests for one address, so that nobody can flood someone else's
/// mailbox with confirmation mails.
pub const REQUESTS_PER_ADDRESS: Limit = Limit {
    bucket: "privacy_request_address",
    max: 3,
    window: Duration::hours(24),
};

pub const MAX_DETAILS: usize = 4000;
pub const MAX_NAME: usize = 100;
pub const MAX_NOTE: usize = 4000;

pub mod request {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "privacy_requests")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub kind: String,
        pub status: String,
        pub name: Option<String>,
        pub email: String,
        pub email_key: String,
        pub account_name: Option<String>,
        #[sea_orm(column_type = "Text")]
        pub details: String,
        pub token_hash: Option<String>,
        pub assignee_id: Option<i64>,
        pub created_at: TimeDateTimeWithTimeZone,
        pub confirmed_at: Option<TimeDateTimeWithTimeZone>,
        pub due_at: Option<TimeDateTimeWithTimeZone>,
        pub closed_at: Option<TimeDateTimeWithTimeZone>,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod request_event {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "privacy_request_events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub request_id: i64,
        pub actor_id: Option<i64>,
        pub action: String,
        pub status: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub note: Option<String>,
        pub mailed: bool,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A request as the form sent it, checked.
#[derive(Debug, Clone)]
pub struct RequestInput {
    pub kind: RequestKind,
    pub email: Email,
    pub name: Option<String>,
    pub account_name: Option<String>,
    pub details: String,
}

impl RequestInput {
    pub fn parse(
        kind: &str,
        email: &str,
        name: &str,
        account_name: &str,
        details: &str,
    ) -> Result<Self, AppError> {
        let kind = RequestKind::parse(kind)
            .ok_or_else(|| AppError::invalid("kind", "Choose what you are asking for."))?;
        let email = Email::parse(email).map_err(|message| AppError::invalid("email", message))?;
        let name = name.trim();
        if name.chars().count() > MAX_NAME {
            return Err(AppError::invalid(
                "name",
                format!("Use at most {MAX_NAME} characters."),
            ));
        }
        let account_name = account_name.trim();
        if !account_name.is_empty() {
            Username::parse(account_name).map_err(|_| {
                AppError::invalid(
                    "account_name",
                    "This is not a username of this site; leave the field empty if you do not know it.",
                )
            })?;
        } else if kind == RequestKind::Child {
            return Err(AppError::invalid(
                "account_name",
                "Give the username of the child's account, so that we can find it.",
            ));
        }
        let details = details.trim();
        if details.is_empty() {
            return Err(AppError::invalid(
                "details",
                "Tell us what you are asking for, in a few words.",
            ));
        }
        if details.chars().count() > MAX_DETAILS {
            return Err(AppError::invalid(
                "details",
                format!("Use at most {MAX_DETAILS} characters."),
            ));
        }
        Ok(Self {
            kind,
            email,
            name: (!name.is_empty()).then(|| name.to_owned()),
            account_name: (!account_name.is_empty()).then(|| account_name.to_owned()),
            details: details.to_owned(),
        })
    }
}

/// What happened to a request, for its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Sent,
    Confirmed,
    Status,
    Assigned,
    Unassigned,
    Note,
    Erased,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Confirmed => "confirmed",
            Self::Status => "status",
            Self::Assigned => "assigned",
            Self::Unassigned => "unassigned",
            Self::Note => "note",
            Self::Erased => "erased",
        }
    }
}

/// Stores an unconfirmed request and mails its confirmation link.
pub async fn send_request(state: &AppState, input: RequestInput, ip: &str) -> Result<(), AppError> {
    let now = state.clock.now();
    let address = input.email.key();
    state
        .limiter
        .admit(
            &state.db,
            &[(REQUESTS_PER_IP, ip), (REQUESTS_PER_ADDRESS, &address)],
            now,
        )
        .await?;
    let (token, token_hash) = tokens::generate();
    let txn = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("starting a transaction", e))?;
    let row = request::ActiveModel {
        kind: Set(input.kind.as_str().to_owned()),
        status: Set(RequestStatus::Unconfirmed.as_str().to_owned()),
        name: Set(input.name),
        email: Set(input.email.as_str().to_owned()),
        email_key: Set(address),
        account_name: Set(input.account_name),
        details: Set(input.details),
        token_hash: Set(Some(token_hash)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| db_error("storing a privacy request", e))?;
    log(&txn, row.id, None, Action::Sent, None, None, false, now).await?;
    let link = format!(
        "{}/privacy/requests/confirm?token={token}",
        state.site.base_url
    );
    mail::enqueue(
        &txn,
        &state.clock,
        mails::confirm(&input.email, input.kind, &link),
    )
    .await
    .map_err(|e| db_error("queueing mail", e))?;
    txn.commit().await.map_err(|e| db_error("committing", e))?;
    tracing::info!(request = row.id, "privacy request waits for confirmation");
    Ok(())
}

/// Confirms the address of the request the mailed `token` belongs to.
pub async fn confirm_request(state: &AppState, token: &str) -> Result<(), AppError> {
    let now = state.clock.now();
    let txn = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("starting a transaction", e))?;
    let found = request::Entity::find()
        .filter(request::Column::TokenHash.eq(tokens::hash(token.trim())))
        .filter(request::Column::Status.eq(RequestStatus::Unconfirmed.as_str()))
        .filter(request::Column::CreatedAt.gt(now - CONFIRM_WITHIN))
        .lock_exclusive()
        .one(&txn)
        .await
        .map_err(|e| db_error("finding a privacy request", e))?
        .ok_or_else(|| {
            AppError::invalid(
                "token",
                "This link has expired or was already used. If your request is not confirmed yet, send it again.",
            )
        })?;
    let due = now + ANSWER_WITHIN;
    let mut row = found.clone().into_active_model();
    row.status = Set(RequestStatus::Received.as_str().to_owned());
    row.token_hash = Set(None);
    row.confirmed_at = Set(Some(now));
    row.due_at = Set(Some(due));
    row.updated_at = Set(now);
    row.update(&txn)
        .await
        .map_err(|e| db_error("confirming a privacy request", e))?;
    log(
        &txn,
        found.id,
        None,
        Action::Confirmed,
        Some(RequestStatus::Received),
        None,
        true,
        now,
    )
    .await?;
    let kind = kind_of(&found);
    if let Ok(to) = Email::parse(&found.email) {
        let due_on = crate::ssr::dates::long_day(due);
        mail::enqueue(
            &txn,
            &state.clock,
            mails::received(&to, found.id, kind, &due_on),
        )
        .await
        .map_err(|e| db_error("queueing mail", e))?;
    }
    if let Some(contact) = &state.settings::<PrivacySettings>()?.contact
        && let Ok(to) = Email::parse(&contact.email)
    {
        let link = format!("{}/privacy/queue/{}", state.site.base_url, found.id);
        mail::enqueue(
            &txn,
            &state.clock,
            mails::new_in_queue(&to, found.id, kind, &link),
        )
        .await
        .map_err(|e| db_error("queueing mail", e))?;
    }
    txn.commit().await.map_err(|e| db_error("committing", e))?;
    tracing::info!(request = found.id, "privacy request confirmed");
    Ok(())
}

fn kind_of(row: &request::Model) -> RequestKind {
    RequestKind::parse(&row.kind).unwrap_or(RequestKind::Access)
}

fn status_of(row: &request::Model) -> RequestStatus {
    RequestStatus::parse(&row.status).unwrap_or(RequestStatus::Received)
}

fn urgency(row: &request::Model, now: OffsetDateTime) -> Urgency {
    match row.due_at {
        _ if status_of(row).is_closed() => Urgency::Closed,
        Some(due) if due < now => Urgency::Overdue,
        Some(due) if due - now < DUE_SOON => Urgency::DueSoon,
        _ => Urgency::OnTime,
    }
}

fn summary(
    row: &request::Model,
    names: &HashMap<i64, String>,
    now: OffsetDateTime,
) -> RequestSummary {
    RequestSummary {
        id: row.id,
        kind: kind_of(row),
        status: status_of(row),
        received_on: crate::ssr::dates::day(row.confirmed_at.unwrap_or(row.created_at)),
        due_on: row.due_at.map(crate::ssr::dates::day).unwrap_or_default(),
        urgency: urgency(row, now),
        assignee: row.assignee_id.and_then(|id| names.get(&id).cloned()),
    }
}

/// The queue: every open request by deadline, then the latest answered.
pub async fn queue(state: &AppState) -> Result<RequestQueue, AppError> {
    let open_statuses = [RequestStatus::Received, RequestStatus::InProgress].map(|s| s.as_str());
    let closed_statuses = [RequestStatus::Done, RequestStatus::Declined].map(|s| s.as_str());
    let open = request::Entity::find()
        .filter(request::Column::Status.is_in(open_statuses))
        .order_by_asc(request::Column::DueAt)
        .order_by_asc(request::Column::Id)
        .limit(OPEN_SHOWN)
        .all(&state.reads)
        .await
        .map_err(|e| db_error("listing open privacy requests", e))?;
    let closed = request::Entity::find()
        .filter(request::Column::Status.is_in(closed_statuses))
        .order_by_desc(request::Column::ClosedAt)
        .limit(CLOSED_SHOWN)
        .all(&state.reads)
        .await
        .map_err(|e| db_error("listing answered privacy requests", e))?;
    let names = usernames(
        &state.reads,
        open.iter().chain(&closed).filter_map(|row| row.assignee_id),
    )
    .await?;
    let now = state.clock.now();
    Ok(RequestQueue {
        open: open.iter().map(|row| summary(row, &names, now)).collect(),
        closed: closed.iter().map(|row| summary(row, &names, now)).collect(),
    })
}

/// A confirmed request, or `not found` (unconfirmed ones are not staff's).
async fn find<C: ConnectionTrait>(db: &C, id: i64) -> Result<request::Model, AppError> {
    request::Entity::find_by_id(id)
        .filter(request::Column::Status.ne(RequestStatus::Unconfirmed.as_str()))
        .one(db)
        .await
        .map_err(|e| db_error("loading a privacy request", e))?
        .ok_or(AppError::NotFound)
}

/// The account the one-action erasure of `row` would delete.
async fn erasable<C: ConnectionTrait>(
    db: &C,
    row: &request::Model,
) -> Result<Option<account::Model>, DbErr> {
    match kind_of(row) {
        // Only an account whose owner proved the same address: the
        // sender proved it too, so both are the same person.
        RequestKind::Deletion => {
            account::Entity::find()
                .filter(account::Column::EmailKey.eq(&row.email_key))
                .filter(account::Column::EmailVerifiedAt.is_not_null())
                .one(db)
                .await
        }
        RequestKind::Child => match row.account_name.as_deref().map(Username::parse) {
            Some(Ok(name)) => {
                account::Entity::find()
                    .filter(account::Column::UsernameKey.eq(name.key()))
                    .one(db)
                    .await
            }
            _ => Ok(None),
        },
        _ => Ok(None),
    }
}

/// One request with its log, for staff member `me`.
pub async fn detail(state: &AppState, id: i64, me: i64) -> Result<RequestDetail, AppError> {
    let db = &state.reads;
    let row = find(db, id).await?;
    let events = request_event::Entity::find()
        .filter(request_event::Column::RequestId.eq(id))
        .order_by_asc(request_event::Column::Id)
        .all(db)
        .await
        .map_err(|e| db_error("loading a request's log", e))?;
    let names = usernames(
        db,
        events
            .iter()
            .filter_map(|event| event.actor_id)
            .chain(row.assignee_id),
    )
    .await?;
    let with_address = account::Entity::find()
        .filter(account::Column::EmailKey.eq(&row.email_key))
        .one(db)
        .await
        .map_err(|e| db_error("looking up the sender's account", e))?;
    let erasable = erasable(db, &row)
        .await
        .map_err(|e| db_error("looking up the account concerned", e))?;
    let log = events
        .iter()
        .map(|event| RequestLogEntry {
            at: format!(
                "{} {:02}:{:02} UTC",
                crate::ssr::dates::day(event.created_at),
                event.created_at.hour(),
                event.created_at.minute()
            ),
            actor: event.actor_id.and_then(|id| names.get(&id).cloned()),
            what: describe(event),
            note: event.note.clone(),
            mailed: event.mailed,
        })
        .collect();
    let open = !status_of(&row).is_closed();
    Ok(RequestDetail {
        summary: summary(&row, &names, state.clock.now()),
        name: row.name.clone(),
        email: row.email.clone(),
        account_name: row.account_name.clone(),
        details: row.details.clone(),
        assigned_to_me: row.assignee_id == Some(me),
        erasable: erasable.filter(|_| open).map(|account| account.username),
        account_with_address: with_address.map(|account| account.username),
        log,
    })
}

fn describe(event: &request_event::Model) -> String {
    let status = event
        .status
        .as_deref()
        .and_then(RequestStatus::parse)
        .map(RequestStatus::label);
    match (event.action.as_str(), status) {
        ("sent", _) => "Sent; confirmation link mailed".to_owned(),
        ("confirmed", _) => "Address confirmed; the 30 days start".to_owned(),
        ("status", Some(status)) => format!("Status set to \u{201c}{status}\u{201d}"),
        ("assigned", _) => "Taken".to_owned(),
        ("unassigned", _) => "Given back to the team".to_owned(),
        ("note", _) => "Internal note".to_owned(),
        ("erased", _) => "Account erased".to_owned(),
        (other, _) => other.to_owned(),
    }
}

#[expect(clippy::too_many_arguments, reason = "one log line, column by column")]
async fn log<C: ConnectionTrait>(
    db: &C,
    request_id: i64,
    actor: Option<i64>,
    action: Action,
    status: Option<RequestStatus>,
    note: Option<String>,
    mailed: bool,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    request_event::ActiveModel {
        request_id: Set(request_id),
        actor_id: Set(actor),
        action: Set(action.as_str().to_owned()),
        status: Set(status.map(|status| status.as_str().to_owned())),
        note: Set(note),
        mailed: Set(mailed),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| db_error("writing a request's log", e))?;
    Ok(())
}

fn checked_text(text: &str, field: &'static str, max: usize) -> Result<Option<String>, AppError> {
    let text = text.trim();
    if text.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("Use at most {max} characters."),
        ));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// Sets `status` on a request, with its log line and the mail to the
/// sender (carrying `message`), in one transaction.
pub async fn set_status(
    state: &AppState,
    id: i64,
    actor: i64,
    status: RequestStatus,
    message: &str,
) -> Result<(), AppError> {
    let message = checked_text(message, "message", MAX_NOTE)?;
    let now = state.clock.now();
    let txn = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("starting a transaction", e))?;
    let row = find(&txn, id).await?;
    if status_of(&row) == status && message.is_none() {
        return Err(AppError::invalid(
            "status",
            "The request already has this status; choose another or write a message.",
        ));
    }
    change_status(state, &txn, &row, actor, status, message, now).await?;
    txn.commit().await.map_err(|e| db_error("committing", e))
}

async fn change_status<C: ConnectionTrait>(
    state: &AppState,
    db: &C,
    row: &request::Model,
    actor: i64,
    status: RequestStatus,
    message: Option<String>,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let mut update = row.clone().into_active_model();
    update.status = Set(status.as_str().to_owned());
    update.closed_at = Set(status.is_closed().then_some(now));
    update.updated_at = Set(now);
    update
        .update(db)
        .await
        .map_err(|e| db_error("changing a request's status", e))?;
    let to = Email::parse(&row.email).ok();
    log(
        db,
        row.id,
        Some(actor),
        Action::Status,
        Some(status),
        message.clone(),
        to.is_some(),
        now,
    )
    .await?;
    if let Some(to) = to {
        let mail = mails::status_changed(&to, row.id, kind_of(row), status, message.as_deref());
        mail::enqueue(db, &state.clock, mail)
            .await
            .map_err(|e| db_error("queueing mail", e))?;
    }
    tracing::info!(
        request = row.id,
        status = status.as_str(),
        "privacy request updated"
    );
    Ok(())
}

/// Takes the request for `actor`, or gives it back.
pub async fn assign(state: &AppState, id: i64, actor: i64, take: bool) -> Result<(), AppError> {
    let now = state.clock.now();
    let txn = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("starting a transaction", e))?;
    let row = find(&txn, id).await?;
    let mut update = row.into_active_model();
    update.assignee_id = Set(take.then_some(actor));
    update.updated_at = Set(now);
    update
        .update(&txn)
        .await
        .map_err(|e| db_error("assigning a request", e))?;
    let action = if take {
        Action::Assigned
    } else {
        Action::Unassigned
    };
    log(&txn, id, Some(actor), action, None, None, false, now).await?;
    txn.commit().await.map_err(|e| db_error("committing", e))
}

/// Adds an internal note to a request's log.
pub async fn add_note(state: &AppState, id: i64, actor: i64, note: &str) -> Result<(), AppError> {
    let note = checked_text(note, "note", MAX_NOTE)?
        .ok_or_else(|| AppError::invalid("note", "Write the note first."))?;
    let now = state.clock.now();
    find(&state.db, id).await?;
    log(
        &state.db,
        id,
        Some(actor),
        Action::Note,
        None,
        Some(note),
        false,
        now,
    )
    .await
}

/// Erases the account a deletion request (or a child's account report)
/// is about, marks the request done and tells the sender. The erasure is
/// the member's own ([`erase_account`]), so it deletes exactly the same.
pub async fn erase_for_request(
    state: &AppState,
    id: i64,
    actor: i64,
    confirm: &str,
) -> Result<(), AppError> {
    let row = find(&state.db, id).await?;
    if status_of(&row).is_closed() {
        return Err(AppError::invalid(
            "confirm",
            "This request is already answered.",
        ));
    }
    let account = erasable(&state.db, &row)
        .await
        .map_err(|e| db_error("looking up the account concerned", e))?
        .ok_or_else(|| AppError::invalid("confirm", "No account to erase for this request."))?;
    if confirm.trim() != account.username {
        return Err(AppError::invalid(
            "confirm",
            format!("Type the username, {}, exactly as shown.", account.username),
        ));
    }
    let member = Member::load(&state.db, account.id)
        .await
        .map_err(|e| db_error("loading the account", e))?
        .ok_or(AppError::NotFound)?;
    erase_account(state, &member, DeletedBy::PrivacyRequest).await?;
    let now = state.clock.now();
    let txn = state
        .db
        .begin()
        .await
        .map_err(|e| db_error("starting a transaction", e))?;
    let row = find(&txn, id).await?;
    log(
        &txn,
        id,
        Some(actor),
        Action::Erased,
        None,
        None,
        false,
        now,
    )
    .await?;
    let message = match kind_of(&row) {
        RequestKind::Child => "The account you told us about is deleted.",
        _ => "Your account is deleted, as our privacy policy describes.",
    };
    change_status(
        state,
        &txn,
        &row,
        actor,
        RequestStatus::Done,
        Some(message.to_owned()),
        now,
    )
    .await?;
    txn.commit().await.map_err(|e| db_error("committing", e))
}

/// What the purge deleted.
pub struct Purged {
    pub unconfirmed: u64,
    pub answered: u64,
}

/// Deletes requests never confirmed in time, and answered ones kept for
/// their year, each with its log.
pub async fn purge(state: &AppState) -> Result<Purged, DbErr> {
    let now = state.clock.now();
    let unconfirmed = delete_where(
        state,
        request::Column::Status
            .eq(RequestStatus::Unconfirmed.as_str())
            .and(request::Column::CreatedAt.lt(now - CONFIRM_WITHIN)),
    )
    .await?;
    let answered = delete_where(state, request::Column::ClosedAt.lt(now - KEEP_ANSWERED)).await?;
    Ok(Purged {
        unconfirmed,
        answered,
    })
}

async fn delete_where(
    state: &AppState,
    condition: sea_orm::sea_query::SimpleExpr,
) -> Result<u64, DbErr> {
    let txn = state.db.begin().await?;
    let ids: Vec<i64> = request::Entity::find()
        .select_only()
        .column(request::Column::Id)
        .filter(condition)
        .limit(1000)
        .into_tuple()
        .all(&txn)
        .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    request_event::Entity::delete_many()
        .filter(request_event::Column::RequestId.is_in(ids.clone()))
        .exec(&txn)
        .await?;
    let done = request::Entity::delete_many()
        .filter(request::Column::Id.is_in(ids))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(done.rows_affected)
}

/// The purge's counts, for `portal purge` and the log.
pub fn counts(purged: &Purged) -> Counts {
    vec![
        ("unconfirmed privacy requests", purged.unconfirmed),
        ("answered privacy requests past their year", purged.answered),
    ]
}
