//! The daily forum digest: one mail with the notifications a member has
//! not read yet, for members who turned it on. Nobody gets it by default.
//!
//! Visibility is checked again when the mail is written, so a post hidden
//! since it notified is not mailed. Several instances may run this at once:
//! a member's digest is claimed with a conditional update of the time it
//! was last sent, in the same transaction that queues the mail.

use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
    sea_query::{Expr, ExprTrait as _, Query},
};
use time::{Duration, OffsetDateTime};

use super::{notification, notify::still_public};
use crate::{
    accounts::{Email, ssr::account},
    error::AppError,
    forum::Notification,
    ssr::{
        AppState, db_error,
        mail::{self, Mail, escape, html, link},
        mail_lists::{self, Due, MailList, unsubscribe_link},
    },
};

/// A member gets the digest at most this often.
const DIGEST_EVERY: Duration = Duration::hours(24);
/// At most this many notifications are listed in one mail.
const LISTED: u64 = 50;

/// Queues the digest of every member whose digest is due and who has unread
/// notifications about public posts; returns how many were queued.
pub async fn send_digests(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    // Only members with an unread notification since their last digest:
    // the others cost nothing but this query.
    let unread = Query::select()
        .expr(Expr::val(1))
        .from(notification::Entity)
        .and_where(
            Expr::col((notification::Entity, notification::Column::AccountId))
                .eq(mail_lists::account_expr()),
        )
        .and_where(Expr::col((notification::Entity, notification::Column::ReadAt)).is_null())
        .and_where(
            Expr::col((notification::Entity, notification::Column::CreatedAt))
                .gt(mail_lists::since_expr()),
        )
        .to_owned();
    let due = mail_lists::due(
        &state.db,
        MailList::ForumDigest,
        DIGEST_EVERY,
        now,
        Expr::exists(unread),
    )
    .await
    .map_err(|e| db_error("finding due digests", e))?;
    let mut queued = 0;
    for member in due {
        if send_digest(state, &member, now).await? {
            queued += 1;
        }
    }
    Ok(queued)
}

async fn send_digest(
    state: &AppState,
    member: &Due,
    now: OffsetDateTime,
) -> Result<bool, AppError> {
    let db = &state.db;
    let since = member.last_sent_at.unwrap_or(member.created_at);
    let rows = notification::Entity::find()
        .filter(notification::Column::AccountId.eq(member.account_id))
        .filter(notification::Column::ReadAt.is_null())
        .filter(notification::Column::CreatedAt.gt(since))
        .filter(notification::Column::CreatedAt.lte(now))
        .order_by_asc(notification::Column::Id)
        .limit(LISTED)
        .all(db)
        .await
        .map_err(|e| db_error("loading a digest", e))?;
    let items = still_public(db, &rows).await?;
    if items.is_empty() {
        return Ok(false);
    }
    let Some(account) = account::Entity::find_by_id(member.account_id)
        .one(db)
        .await
        .map_err(|e| db_error("loading a digest", e))?
    else {
        return Ok(false);
    };
    // Only a confirmed address gets mail it did not ask for just now.
    let (Some(_), Ok(email)) = (account.email_verified_at, Email::parse(&account.email)) else {
        return Ok(false);
    };
    let txn = db
        .begin()
        .await
        .map_err(|e| db_error("sending a digest", e))?;
    let claimed = mail_lists::claim(&txn, member, now)
        .await
        .map_err(|e| db_error("sending a digest", e))?;
    if !claimed {
        // Another instance sent it, or the member left the list meanwhile.
        return Ok(false);
    }
    let base = state.site.base_url.trim_end_matches('/');
    let stop = unsubscribe_link(&txn, base, member.account_id, MailList::ForumDigest, now)
        .await
        .map_err(|e| db_error("sending a digest", e))?;
    mail::enqueue(&txn, &state.clock, digest_mail(&email, base, &items, &stop))
        .await
        .map_err(|e| db_error("sending a digest", e))?;
    txn.commit()
        .await
        .map_err(|e| db_error("sending a digest", e))?;
    Ok(true)
}

fn digest_mail(to: &Email, base: &str, items: &[Notification], stop: &str) -> Mail {
    let lines: Vec<(String, String)> = items
        .iter()
        .map(|item| {
            (
                format!("{} \u{201c}{}\u{201d}", item.headline(), item.thread_title),
                format!("{base}/forum/p/{}", item.post.0),
            )
        })
        .collect();
    let settings = format!("{base}/forum/notifications");
    let count = items.len();
    let subject = if count == 1 {
        "Forum digest: 1 new notification".to_owned()
    } else {
        format!("Forum digest: {count} new notifications")
    };
    let text = format!(
        "Hello,\n\nhere is what happened in the forum since your last digest:\n\n{}\n\n\
         You get this mail because you turned on the daily digest. Change it at \
         {settings}, or stop it with one click, without signing in:\n\n{stop}\n",
        lines
            .iter()
            .map(|(line, url)| format!("- {line}\n  {url}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let list = lines
        .iter()
        .map(|(line, url)| format!("<li><a href=\"{}\">{}</a></li>", escape(url), escape(line)))
        .collect::<String>();
    let body = format!(
        "{}\n<ul>{list}</ul>\n{}",
        html(&[
            "Hello,".to_owned(),
            "here is what happened in the forum since your last digest:".to_owned(),
        ]),
        html(&[
            format!(
                "You get this mail because you turned on the daily digest. Change it at {}, or stop it with one click, without signing in:",
                link(&settings)
            ),
            link(stop),
        ])
    );
    Mail::new(to, &subject, text, body).unsubscribe_at(stop.to_owned())
}
