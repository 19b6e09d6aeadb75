//! The newsletter on the server: sign-ups with double opt-in, the page a
//! mailed link opens to change or leave lists, members' one-click
//! subscriptions, and the purge of sign-ups nobody confirmed.
//!
//! A sign-up is a subscriber row of its own, with the lists chosen, until
//! its link is confirmed: only the confirmation is mailed before. If the
//! address already belongs to a confirmed subscriber, confirming adds the
//! lists to that subscriber, so the form answers the same whether or not
//! an address is subscribed. Leaving deletes the subscriber, name and
//! address with it; only an address that asks never to be mailed again
//! stays, as a keyed hash.

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, SqlErr, TransactionTrait,
};
use time::{Duration, OffsetDateTime};

use super::newsletter::{ListChoice, MemberNewsletters, Preferences};
use crate::{
    accounts::{Email, ssr::account},
    error::AppError,
    ssr::{
        AppState, db_error,
        feature::Counts,
        mail::{self, Mail},
        mail_lists::{
            self, LINK_VALID, MailList, join, link, list, lists_of, subscriber, subscription,
        },
        rate_limit::Limit,
        tokens,
    },
};

/// How long a sign-up waits for its confirmation before it is erased.
pub const CONFIRM_WITHIN: Duration = Duration::days(7);
/// Sign-ups from one network address: each one sends a mail.
pub const SIGN_UPS_PER_IP: Limit = Limit {
    bucket: "newsletter_ip",
    max: 5,
    window: Duration::hours(1),
};
/// Sign-ups for one address, so that nobody can flood someone else's
/// mailbox with confirmation mails.
pub const SIGN_UPS_PER_ADDRESS: Limit = Limit {
    bucket: "newsletter_address",
    max: 3,
    window: Duration::hours(24),
};
pub const MAX_NAME: usize = 100;

/// What a link mailed to a subscriber lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Confirm,
    Manage,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::Manage => "manage",
        }
    }

    fn valid_for(self) -> Duration {
        match self {
            Self::Confirm => CONFIRM_WITHIN,
            Self::Manage => LINK_VALID,
        }
    }
}

const AUDIENCE_EVERYONE: &str = "everyone";
const AUDIENCE_MEMBERS: &str = "members";

/// The lists `audiences` may join, oldest first: live ones that are not
/// the software's own (the forum digest has its own switch).
async fn offered<C: ConnectionTrait>(
    db: &C,
    audiences: &[&str],
) -> Result<Vec<list::Model>, DbErr> {
    Ok(list::Entity::find()
        .filter(list::Column::ArchivedAt.is_null())
        .filter(list::Column::Audience.is_in(audiences.iter().copied()))
        .order_by_asc(list::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|row| MailList::parse(&row.slug).is_none())
        .collect())
}

/// The lists visitors may join.
pub async fn open_lists<C: ConnectionTrait>(db: &C) -> Result<Vec<list::Model>, DbErr> {
    offered(db, &[AUDIENCE_EVERYONE]).await
}

/// The lists members may join.
pub(super) async fn member_lists_offered<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<list::Model>, DbErr> {
    offered(db, &[AUDIENCE_EVERYONE, AUDIENCE_MEMBERS]).await
}

fn choices(lists: &[list::Model], on: &[i64]) -> Vec<ListChoice> {
    lists
        .iter()
        .map(|row| ListChoice {
            id: row.id,
            name: row.name.clone(),
            description: row.description.clone(),
            on: on.contains(&row.id),
        })
        .collect()
}

/// The lists ticked on a form (`lists[ID]=on`), at least one, each one of
/// `offered`.
fn chosen_lists(
    ticked: &HashMap<String, String>,
    offered: &[list::Model],
) -> Result<Vec<i64>, AppError> {
    let ids = ticked_lists(ticked, offered)?;
    if ids.is_empty() {
        return Err(AppError::invalid("lists", "Choose at least one list."));
    }
    Ok(ids)
}

/// The lists ticked on a form (`lists[ID]=on`), each one of `offered`,
/// in order; none is an answer too.
pub(super) fn ticked_lists(
    ticked: &HashMap<String, String>,
    offered: &[list::Model],
) -> Result<Vec<i64>, AppError> {
    let mut ids = Vec::new();
    for key in ticked.keys() {
        let id = key
            .parse::<i64>()
            .ok()
            .filter(|id| offered.iter().any(|row| row.id == *id))
            .ok_or_else(|| {
                AppError::invalid(
                    "lists",
                    "One of these lists closed meanwhile; choose again.",
                )
            })?;
        ids.push(id);
    }
    ids.sort_unstable();
    Ok(ids)
}

fn parse_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid(
            "name",
            "Give your name, as the mail should greet you.",
        ));
    }
    if name.chars().count() > MAX_NAME {
        return Err(AppError::invalid(
            "name",
            format!("Use at most {MAX_NAME} characters."),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "name",
            "Use letters, not control characters.",
        ));
    }
    Ok(name.to_owned())
}

/// A sign-up as the form sent it, checked.
#[derive(Debug, Clone)]
pub struct SignUp {
    pub name: String,
    pub email: Email,
    pub lists: Vec<i64>,
}

impl SignUp {
    pub fn parse(
        name: &str,
        email: &str,
        ticked: &HashMap<String, String>,
        offered: &[list::Model],
    ) -> Result<Self, AppError> {
        let name = parse_name(name)?;
        let email = Email::parse(email).map_err(|message| AppError::invalid("email", message))?;
        let lists = chosen_lists(ticked, offered)?;
        Ok(Self { name, email, lists })
    }
}

/// A fresh link for `subscriber`; the token goes into a mail or a page.
async fn new_link<C: ConnectionTrait>(
    db: &C,
    subscriber: i64,
    purpose: Purpose,
    now: OffsetDateTime,
) -> Result<String, DbErr> {
    let (token, token_hash) = tokens::generate();
    link::Entity::insert(link::ActiveModel {
        token_hash: Set(token_hash),
        subscriber_id: Set(subscriber),
        purpose: Set(purpose.as_str().to_owned()),
        created_at: Set(now),
    })
    .exec(db)
    .await?;
    Ok(token)
}

/// The row of a fresh manage link (whose token hashes to `token_hash`),
/// for a campaign's batch to insert with [`insert_links`].
pub fn manage_link_row(
    subscriber: i64,
    token_hash: String,
    now: OffsetDateTime,
) -> link::ActiveModel {
    link::ActiveModel {
        token_hash: Set(token_hash),
        subscriber_id: Set(subscriber),
        purpose: Set(Purpose::Manage.as_str().to_owned()),
        created_at: Set(now),
    }
}

/// Inserts the links a batch made.
pub async fn insert_links<C: ConnectionTrait>(
    db: &C,
    rows: Vec<link::ActiveModel>,
) -> Result<(), DbErr> {
    if !rows.is_empty() {
        link::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

/// The live link `token` is, for `purpose`.
async fn live_link<C: ConnectionTrait>(
    db: &C,
    token: &str,
    purpose: Purpose,
    now: OffsetDateTime,
) -> Result<Option<link::Model>, DbErr> {
    link::Entity::find_by_id(tokens::hash(token.trim()))
        .filter(link::Column::Purpose.eq(purpose.as_str()))
        .filter(link::Column::CreatedAt.gt(now - purpose.valid_for()))
        .one(db)
        .await
}

fn confirm_mail(to: &Email, name: &str, link: &str) -> Mail {
    Mail::paragraphs(
        to,
        "Confirm your newsletter subscription",
        &[
            format!("Hello {name},"),
            "someone asked our community portal to send newsletters to this address. If it was you, open this link and press the button on the page:".to_owned(),
            link.to_owned(),
            "The link works once and expires in 7 days. If it was not you, ignore this mail: nothing more will be sent, and the name and address given are erased after 7 days.".to_owned(),
        ],
    )
}

/// Stores an unconfirmed sign-up and mails its confirmation link, unless
/// the address asked never to be mailed again; the caller answers the
/// same either way.
pub async fn sign_up(state: &AppState, input: SignUp, ip: &str) -> Result<(), AppError> {
    let now = state.clock.now();
    let address = input.email.key();
    state
        .limiter
        .admit(
            &state.db,
            &[(SIGN_UPS_PER_IP, ip), (SIGN_UPS_PER_ADDRESS, &address)],
            now,
        )
        .await?;
    let failed = |error| db_error("storing a newsletter sign-up", error);
    if mail_lists::is_suppressed(&state.db, &state.server_key, &address)
        .await
        .map_err(failed)?
    {
        tracing::info!("newsletter sign-up for an address that asked for no mail; nothing sent");
        return Ok(());
    }
    let txn = state.db.begin().await.map_err(failed)?;
    let row = subscriber::ActiveModel {
        name: Set(Some(input.name.clone())),
        email: Set(Some(input.email.as_str().to_owned())),
        email_key: Set(Some(address)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(failed)?;
    for list in &input.lists {
        join(&txn, row.id, *list, now).await.map_err(failed)?;
    }
    let token = new_link(&txn, row.id, Purpose::Confirm, now)
        .await
        .map_err(failed)?;
    let link = format!("{}/newsletter/confirm?token={token}", state.site.base_url);
    mail::enqueue(
        &txn,
        &state.clock,
        confirm_mail(&input.email, &input.name, &link),
    )
    .await
    .map_err(failed)?;
    txn.commit().await.map_err(failed)?;
    tracing::info!(
        subscriber = row.id,
        "newsletter sign-up waits for confirmation"
    );
    Ok(())
}

/// Moves every list of the subscriber `from` to `into`, and deletes `from`
/// with the name and address it held: one person, one subscriber.
async fn merge_into<C: ConnectionTrait>(
    db: &C,
    from: i64,
    into: i64,
    now: OffsetDateTime,
) -> Result<(), DbErr> {
    for list in lists_of(db, from).await? {
        join(db, into, list, now).await?;
    }
    subscriber::Entity::delete_by_id(from).exec(db).await?;
    Ok(())
}

/// The subscriber row of the member whose confirmed address is `email_key`.
async fn member_row_with_address<C: ConnectionTrait>(
    db: &C,
    email_key: &str,
) -> Result<Option<subscriber::Model>, DbErr> {
    let Some(account) = account::Entity::find()
        .filter(account::Column::EmailKey.eq(email_key))
        .filter(account::Column::EmailVerifiedAt.is_not_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    subscriber::Entity::find()
        .filter(subscriber::Column::AccountId.eq(account.id))
        .one(db)
        .await
}

/// Confirms the sign-up the mailed `token` belongs to, and answers a
/// fresh manage link for the page the subscriber lands on. A sign-up for
/// an address already confirmed adds its lists to that subscriber.
pub async fn confirm(state: &AppState, token: &str) -> Result<String, AppError> {
    let now = state.clock.now();
    let failed = |error| db_error("confirming a newsletter sign-up", error);
    let expired = || {
        AppError::invalid(
            "token",
            "This link has expired or was already used. Sign up again if you are not subscribed yet.",
        )
    };
    let txn = state.db.begin().await.map_err(failed)?;
    let link = live_link(&txn, token, Purpose::Confirm, now)
        .await
        .map_err(failed)?
        .ok_or_else(expired)?;
    let pending = subscriber::Entity::find_by_id(link.subscriber_id)
        .one(&txn)
        .await
        .map_err(failed)?
        .filter(|row| row.confirmed_at.is_none())
        .ok_or_else(expired)?;
    // The address is a member's who already gets list mail: their row.
    let member = match &pending.email_key {
        Some(key) => member_row_with_address(&txn, key).await.map_err(failed)?,
        None => None,
    };
    let existing = subscriber::Entity::find()
        .filter(subscriber::Column::EmailKey.eq(pending.email_key.clone()))
        .filter(subscriber::Column::ConfirmedAt.is_not_null())
        .one(&txn)
        .await
        .map_err(failed)?;
    let target = match (member, existing) {
        (Some(member), _) => {
            merge_into(&txn, pending.id, member.id, now)
                .await
                .map_err(failed)?;
            member.id
        }
        (None, existing) => match existing {
            Some(existing) => {
                for list in lists_of(&txn, pending.id).await.map_err(failed)? {
                    join(&txn, existing.id, list, now).await.map_err(failed)?;
                }
                let id = existing.id;
                let mut row = existing.into_active_model();
                row.name = Set(pending.name.clone());
                row.update(&txn).await.map_err(failed)?;
                subscriber::Entity::delete_by_id(pending.id)
                    .exec(&txn)
                    .await
                    .map_err(failed)?;
                id
            }
            None => {
                let id = pending.id;
                let mut row = pending.into_active_model();
                row.confirmed_at = Set(Some(now));
                row.update(&txn).await.map_err(|error| {
                if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
                    AppError::invalid(
                        "token",
                        "This address was confirmed from another link at the same moment; open this link again.",
                    )
                } else {
                    failed(error)
                }
            })?;
                link::Entity::delete_by_id(link.token_hash)
                    .exec(&txn)
                    .await
                    .map_err(failed)?;
                id
            }
        },
    };
    let manage = new_link(&txn, target, Purpose::Manage, now)
        .await
        .map_err(failed)?;
    txn.commit().await.map_err(failed)?;
    tracing::info!(subscriber = target, "newsletter sign-up confirmed");
    Ok(manage)
}

/// The confirmed subscriber a manage link belongs to.
async fn holder<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: OffsetDateTime,
) -> Result<subscriber::Model, AppError> {
    let failed = |error| db_error("reading a newsletter link", error);
    let link = live_link(db, token, Purpose::Manage, now)
        .await
        .map_err(failed)?
        .ok_or(AppError::NotFound)?;
    subscriber::Entity::find_by_id(link.subscriber_id)
        .one(db)
        .await
        .map_err(failed)?
        .filter(|row| row.confirmed_at.is_some())
        .ok_or(AppError::NotFound)
}

/// The lists a subscriber may choose among: members may join more.
async fn offered_to<C: ConnectionTrait>(
    db: &C,
    subscriber: &subscriber::Model,
) -> Result<Vec<list::Model>, DbErr> {
    if subscriber.account_id.is_some() {
        member_lists_offered(db).await
    } else {
        open_lists(db).await
    }
}

/// What a manage link shows.
pub async fn preferences(state: &AppState, token: &str) -> Result<Preferences, AppError> {
    let failed = |error| db_error("reading newsletter preferences", error);
    let row = holder(&state.db, token, state.clock.now()).await?;
    let offered = offered_to(&state.db, &row).await.map_err(failed)?;
    let on = lists_of(&state.db, row.id).await.map_err(failed)?;
    let email = match row.account_id {
        Some(account_id) => account::Entity::find_by_id(account_id)
            .one(&state.db)
            .await
            .map_err(failed)?
            .map(|account| account.email)
            .unwrap_or_default(),
        None => row.email.clone().unwrap_or_default(),
    };
    Ok(Preferences {
        member: row.account_id.is_some(),
        tracking: row.tracking,
        name: row.name,
        email,
        lists: choices(&offered, &on),
    })
}

/// Replaces a subscriber's choice among the lists offered to them, of
/// counting, and (for a visitor) their name; lists no longer offered are
/// left as they are.
pub async fn save(
    state: &AppState,
    token: &str,
    name: &str,
    ticked: &HashMap<String, String>,
    tracking: bool,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let failed = |error| db_error("saving newsletter preferences", error);
    let txn = state.db.begin().await.map_err(failed)?;
    let row = holder(&txn, token, now).await?;
    let offered = offered_to(&txn, &row).await.map_err(failed)?;
    let name = match row.account_id {
        Some(_) => None,
        None => Some(parse_name(name)?),
    };
    let chosen = chosen_lists(ticked, &offered)?;
    let dropped: Vec<i64> = offered
        .iter()
        .map(|list| list.id)
        .filter(|id| !chosen.contains(id))
        .collect();
    subscription::Entity::delete_many()
        .filter(subscription::Column::SubscriberId.eq(row.id))
        .filter(subscription::Column::ListId.is_in(dropped))
        .exec(&txn)
        .await
        .map_err(failed)?;
    for list in &chosen {
        join(&txn, row.id, *list, now).await.map_err(failed)?;
    }
    if (name.is_some() && name != row.name) || tracking != row.tracking {
        let mut row = row.into_active_model();
        if name.is_some() {
            row.name = Set(name);
        }
        row.tracking = Set(tracking);
        row.update(&txn).await.map_err(failed)?;
    }
    txn.commit().await.map_err(failed)
}

/// Takes the link's subscriber off every list and deletes them: a
/// visitor's name and address go at once. With `never`, the address is
/// kept as a keyed hash so that no sign-up can mail it again.
pub async fn leave(state: &AppState, token: &str, never: bool) -> Result<(), AppError> {
    let now = state.clock.now();
    let failed = |error| db_error("leaving the newsletter", error);
    let txn = state.db.begin().await.map_err(failed)?;
    let row = holder(&txn, token, now).await?;
    if never && let Some(address) = &row.email_key {
        mail_lists::set_suppressed(&txn, &state.server_key, address, true, now)
            .await
            .map_err(failed)?;
    }
    subscriber::Entity::delete_by_id(row.id)
        .exec(&txn)
        .await
        .map_err(failed)?;
    txn.commit().await.map_err(failed)?;
    tracing::info!(subscriber = row.id, never, "left every mail list");
    Ok(())
}

/// The signed-in member's lists.
pub async fn mine(state: &AppState, account_id: i64) -> Result<Vec<ListChoice>, AppError> {
    let failed = |error| db_error("reading a member's newsletters", error);
    let offered = member_lists_offered(&state.db).await.map_err(failed)?;
    let on = mail_lists::member_lists(&state.db, account_id)
        .await
        .map_err(failed)?;
    Ok(choices(&offered, &on))
}

/// Puts the member on a list or takes them off it, by their account's
/// confirmed address. Joining is a fresh request for mail at that address,
/// so it lifts an earlier "never mail again" for it.
pub async fn set_mine(
    state: &AppState,
    account_id: i64,
    list: i64,
    on: bool,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let failed = |error| db_error("changing a member's newsletters", error);
    let offered = member_lists_offered(&state.db).await.map_err(failed)?;
    if on && !offered.iter().any(|row| row.id == list) {
        return Err(AppError::invalid(
            "list",
            "This list is closed; it takes no new subscribers.",
        ));
    }
    let txn = state.db.begin().await.map_err(failed)?;
    mail_lists::set_member_list(&txn, account_id, list, on, now)
        .await
        .map_err(failed)?;
    if on
        && let Some(account) = account::Entity::find_by_id(account_id)
            .one(&txn)
            .await
            .map_err(failed)?
    {
        mail_lists::set_suppressed(&txn, &state.server_key, &account.email_key, false, now)
            .await
            .map_err(failed)?;
        // A sign-up made without the account, with the same address, joins
        // the member's row: one person, one subscriber, one copy of a mail.
        let signed_up = subscriber::Entity::find()
            .filter(subscriber::Column::EmailKey.eq(account.email_key.clone()))
            .filter(subscriber::Column::ConfirmedAt.is_not_null())
            .filter(subscriber::Column::AccountId.is_null())
            .one(&txn)
            .await
            .map_err(failed)?;
        let member = member_row_with_address(&txn, &account.email_key)
            .await
            .map_err(failed)?;
        if let (Some(signed_up), Some(member)) = (signed_up, member) {
            merge_into(&txn, signed_up.id, member.id, now)
                .await
                .map_err(failed)?;
        }
    }
    txn.commit().await.map_err(failed)
}

/// The member's lists, and whether they may join any (a confirmed address).
pub async fn my_newsletters(
    state: &AppState,
    account_id: i64,
    confirmed: bool,
) -> Result<MemberNewsletters, AppError> {
    Ok(MemberNewsletters {
        confirmed,
        lists: mine(state, account_id).await?,
    })
}

/// Erases sign-ups nobody confirmed within [`CONFIRM_WITHIN`] (their lists
/// and link with them), and links past their time.
pub async fn purge(state: &AppState) -> Result<Counts, DbErr> {
    let now = state.clock.now();
    let sign_ups = subscriber::Entity::delete_many()
        .filter(subscriber::Column::ConfirmedAt.is_null())
        .filter(subscriber::Column::CreatedAt.lte(now - CONFIRM_WITHIN))
        .exec(&state.db)
        .await?
        .rows_affected;
    let mut links = 0;
    for purpose in [Purpose::Confirm, Purpose::Manage] {
        links += link::Entity::delete_many()
            .filter(link::Column::Purpose.eq(purpose.as_str()))
            .filter(link::Column::CreatedAt.lte(now - purpose.valid_for()))
            .exec(&state.db)
            .await?
            .rows_affected;
    }
    Ok(vec![
        ("unconfirmed newsletter sign-ups", sign_ups),
        ("old newsletter links", links),
    ])
}
