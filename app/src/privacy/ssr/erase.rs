//! Deleting an account: the member's rows go as the manifest's owners
//! say — deleted, or kept without the link to the account — in one
//! transaction, and the address gets one last mail saying what happened.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
    sea_query::{Alias, Expr, ExprTrait, Query, SimpleExpr},
};

use super::export::{Member, rows_of};
use crate::{
    accounts::{Email, Role, ssr::account_role},
    error::AppError,
    privacy::manifest::{Class, OWNED, OnErase, Owned, Reduce, lookup},
    ssr::{
        AppState, db_error,
        feature::Counts,
        mail::{self, Mail, escape, html},
    },
};

/// Who deleted the account, for the log and the last mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeletedBy {
    /// The member, from the deletion page.
    Member,
    /// The operator, from the command line (`portal delete-account`).
    Operator,
    /// The privacy team, carrying out a privacy request.
    PrivacyRequest,
}

/// Erases `member`'s account and returns what went, by table
/// (`("sessions", 2)`). The member's rows of every table the
/// manifest marks for deletion go, then the account itself (whose foreign
/// keys unlink what is kept); unsent mail to the address goes too, and a
/// last mail tells the address. Refused for the only administrator, so
/// that the site is never left without one.
pub async fn erase_account(
    state: &AppState,
    member: &Member,
    by: DeletedBy,
) -> Result<Counts, AppError> {
    let txn = state
        .db
        .begin()
        .await
        .map_err(|error| db_error("starting a transaction", error))?;
    if is_only_admin(&txn, member.id)
        .await
        .map_err(|error| db_error("counting administrators", error))?
    {
        return Err(AppError::invalid(
            "confirm",
            "You are the only administrator. Make another member an administrator first, so that the site is not left without one.",
        ));
    }
    crate::accounts::ssr::retire_username(&txn, &state.server_key, member.id, state.clock.now())
        .await
        .map_err(|error| db_error("retiring the username", error))?;
    let archives = super::archive::archive_files(&txn, member.id)
        .await
        .map_err(|error| db_error("finding archives", error))?;
    let mut erased = Counts::new();
    // Records that stay are reduced while they still name the account.
    for owned in OWNED {
        if let OnErase::Reduce { columns, .. } = owned.on_erase {
            let reduced = reduce(&txn, state, owned, member, columns)
                .await
                .map_err(|error| db_error("reducing a record to what it keeps", error))?;
            erased.push((owned.table, reduced));
        }
    }
    for owned in OWNED.iter().rev() {
        if owned.on_erase != OnErase::Delete {
            continue;
        }
        let mut delete = Query::delete();
        delete
            .from_table(Alias::new(owned.table))
            .cond_where(rows_of(owned, member));
        let statement = txn.get_database_backend().build(&delete);
        let done = txn
            .execute_raw(statement)
            .await
            .map_err(|error| db_error("erasing an account", error))?;
        if owned.table == "accounts" && done.rows_affected() == 0 {
            // Deleted meanwhile, by a second request: nothing more to do.
            return Err(AppError::NotFound);
        }
        erased.push((owned.table, done.rows_affected()));
    }
    // Without SMTP, mail already sent lies in the mail folder as files;
    // gone before the last mail is queued, so that it stays.
    if let (Some(folder), Ok(to)) = (state.mail_folder.clone(), Email::parse(&member.email)) {
        match tokio::task::spawn_blocking(move || mail::forget_files(&folder, &to)).await {
            Ok(Ok(files)) => erased.push(("mail files", files)),
            Ok(Err(error)) => tracing::warn!(%error, "erasing a member's mail files failed"),
            Err(error) => tracing::warn!(%error, "erasing a member's mail files failed"),
        }
    }
    let unsent = mail::forget_unsent(&txn, &member.email)
        .await
        .map_err(|error| db_error("erasing unsent mail", error))?;
    erased.push(("mail_outbox", unsent));
    if let Ok(to) = Email::parse(&member.email) {
        mail::enqueue(&txn, &state.clock, last_mail(&to, &member.username, by))
            .await
            .map_err(|error| db_error("queueing mail", error))?;
    }
    txn.commit()
        .await
        .map_err(|error| db_error("committing an erasure", error))?;
    erased.push((
        "archive files",
        super::archive::delete_files(state, &archives).await,
    ));
    tracing::info!(account_id = member.id, by = ?by, "account deleted");
    Ok(erased)
}

/// Reduces `member`'s rows of `owned.table` as `columns` say, and returns
/// how many rows were reduced. Row by row, since a keyed hash is made of
/// each row's own value.
async fn reduce<C: ConnectionTrait>(
    db: &C,
    state: &AppState,
    owned: &Owned,
    member: &Member,
    columns: &[(&'static str, Reduce)],
) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let hashed: Vec<&str> = columns
        .iter()
        .filter(|(_, how)| *how == Reduce::KeyedHash)
        .map(|(column, _)| *column)
        .collect();
    let mut select = Query::select();
    select
        .column(Alias::new("id"))
        .from(Alias::new(owned.table))
        .cond_where(rows_of(owned, member));
    for column in &hashed {
        select.column(Alias::new(*column));
    }
    let rows = db.query_all_raw(backend.build(&select)).await?;
    let now = state.clock.now();
    for row in &rows {
        let id: i64 = row.try_get("", "id")?;
        let mut update = Query::update();
        update
            .table(Alias::new(owned.table))
            .and_where(Expr::col(Alias::new("id")).eq(id));
        for &(column, how) in columns {
            let value: SimpleExpr = match how {
                Reduce::Empty if required(owned.table, column) => Expr::val(""),
                Reduce::Empty => Expr::val(Option::<String>::None),
                Reduce::KeyedHash => {
                    let kept: Option<String> = row.try_get("", column)?;
                    let hash = kept
                        .filter(|value| !value.is_empty())
                        .map(|value| state.server_key.erased_value(owned.table, column, &value));
                    Expr::val(hash)
                }
                Reduce::EndWhere(when, equals) => Expr::case(
                    Expr::col(Alias::new(column))
                        .is_null()
                        .and(Expr::col(Alias::new(when)).eq(equals)),
                    Expr::val(now),
                )
                .finally(Expr::col(Alias::new(column)))
                .into(),
            };
            update.value(Alias::new(column), value);
        }
        db.execute_raw(backend.build(&update)).await?;
    }
    Ok(rows.len() as u64)
}

/// Whether the manifest marks `table.column` as a required field, which
/// an erasure leaves empty rather than NULL.
fn required(table: &str, column: &str) -> bool {
    matches!(
        lookup(table, column).map(|entry| entry.class),
        Some(Class::Personal(field)) if field.required
    )
}

async fn is_only_admin<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<bool, DbErr> {
    // Locked (on PostgreSQL), so that two administrators deleting their
    // accounts at once cannot both see the other one still there.
    let admins: Vec<i64> = account_role::Entity::find()
        .filter(account_role::Column::Role.eq(Role::Admin.as_str()))
        .lock_exclusive()
        .all(db)
        .await?
        .into_iter()
        .map(|role| role.account_id)
        .collect();
    Ok(admins == [account_id])
}

fn last_mail(to: &Email, username: &str, by: DeletedBy) -> Mail {
    let who = match by {
        DeletedBy::Member => "as you asked",
        DeletedBy::Operator => "by the site's operator, at your request or as the site's rules say",
        DeletedBy::PrivacyRequest => "in answer to a privacy request",
    };
    let lines = [
        format!("Hello {username},"),
        format!("your account on our community portal was deleted, {who}. Your sessions, settings, sign-in methods, notifications and the mail you had turned on are erased."),
        "Your forum posts stay in their threads, shown without your name. Contributor agreements you signed stay as the project's legal record, no longer linked to an account and without your name, address or signature; an individual agreement no longer covers new contributions. Job applications are not part of the account; each is erased after its decision, as the privacy policy says.".to_owned(),
        "This is the last mail we send you. Your address is erased once it is sent.".to_owned(),
    ];
    let text = format!("{}\n", lines.join("\n\n"));
    let body = html(&lines.map(|line| escape(&line)));
    Mail::new(to, "Your account was deleted", text, body)
}
