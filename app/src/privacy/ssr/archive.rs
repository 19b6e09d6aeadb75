//! The archive of a member's data: a zip with one JSON file per feature
//! (the rows of the data download, with the documents accepted or signed)
//! and the member's stored files (résumés). Asked for on `/account/data`,
//! built in the background, announced by a mail that holds only a link,
//! and downloaded once — by the member, signed in — within 24 hours.
//!
//! Every step is bounded: three archives a day per member and one at a
//! time; one build at a time per server, claimed in the database so that
//! several servers never build the same archive twice; the file is deleted
//! when it is downloaded, expires, or the account is deleted.

use std::io::Write as _;

use axum::{
    Extension,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
    sea_query::{Alias, Expr, Query as Sql},
};
use time::{Duration, OffsetDateTime};

use super::export::{Member, member_data, rows_of, to_json};
use crate::{
    accounts::{Email, ssr::session::Auth},
    error::AppError,
    privacy::{
        data::MemberData,
        manifest::{FILE_COLUMNS, owner_of},
    },
    ssr::{
        AppState, db_error,
        files::Files,
        mail::{self, Mail, escape, html, link},
        rate_limit::Limit,
        tokens,
    },
};

/// Archives a member may ask for a day: each one reads every table and
/// copies their files.
pub const ARCHIVES_PER_ACCOUNT: Limit = Limit {
    bucket: "archive_account",
    max: 3,
    window: Duration::days(1),
};
/// How long the mailed link works.
pub const LINK_VALID_FOR: Duration = Duration::hours(24);
/// A build not finished by then (its server stopped) is taken over.
const CLAIM_FOR: Duration = Duration::minutes(10);
/// Archives built per round, so that one round ends.
const BUILDS_PER_ROUND: usize = 20;

pub mod data_archive {
    use sea_orm::entity::prelude::*;

    /// One archive asked for: built, mailed, downloaded or expired.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "data_archives")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        pub requested_at: TimeDateTimeWithTimeZone,
        pub claimed_at: Option<TimeDateTimeWithTimeZone>,
        pub file_key: Option<String>,
        pub token_hash: Option<String>,
        pub ready_at: Option<TimeDateTimeWithTimeZone>,
        pub expires_at: Option<TimeDateTimeWithTimeZone>,
        pub downloaded_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Records the signed-in member's wish for an archive and starts building
/// it. Refused while one is still being built or waits to be downloaded.
pub async fn ask_for_archive(state: &AppState, account_id: i64) -> Result<(), AppError> {
    let now = state.clock.now();
    let open = data_archive::Entity::find()
        .filter(data_archive::Column::AccountId.eq(account_id))
        .filter(open_at(now))
        .one(&state.db)
        .await
        .map_err(|error| db_error("finding archives", error))?;
    if open.is_some() {
        return Err(AppError::invalid(
            "archive",
            "Your archive is already on its way: we mail you a link as soon as it is ready, and it works for 24 hours. Ask again once you have downloaded it or the link has expired.",
        ));
    }
    state
        .limiter
        .admit(
            &state.db,
            &[(ARCHIVES_PER_ACCOUNT, &account_id.to_string())],
            now,
        )
        .await?;
    data_archive::Entity::insert(data_archive::ActiveModel {
        account_id: Set(account_id),
        requested_at: Set(now),
        ..Default::default()
    })
    .exec(&state.db)
    .await
    .map_err(|error| db_error("recording an archive request", error))?;
    tracing::info!(account_id, "data archive asked for");
    let state = state.clone();
    tokio::spawn(async move {
        // Waits for a round already running, which may have looked for
        // work just before this request was recorded: this archive is then
        // built in the next round instead of at the next housekeeping.
        let _building = BUILDING.lock().await;
        if let Err(error) = build_round(&state).await {
            tracing::error!(%error, "building data archives failed");
        }
    });
    Ok(())
}

/// Archives still to build, or built and waiting to be downloaded.
fn open_at(now: OffsetDateTime) -> Condition {
    Condition::any()
        .add(data_archive::Column::ReadyAt.is_null())
        .add(
            Condition::all()
                .add(data_archive::Column::DownloadedAt.is_null())
                .add(data_archive::Column::ExpiresAt.gt(now)),
        )
}

/// One build at a time in this server; others wait for the next round.
static BUILDING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Builds the archives asked for and not yet built, mails their links, and
/// returns how many were built. Run after each request and by the
/// housekeeping, which picks up what a stopped server left.
pub async fn build_due(state: &AppState) -> Result<u64, DbErr> {
    let Ok(_building) = BUILDING.try_lock() else {
        return Ok(0);
    };
    build_round(state).await
}

/// One round of [`build_due`], with [`BUILDING`] held.
async fn build_round(state: &AppState) -> Result<u64, DbErr> {
    let mut built = 0;
    for _ in 0..BUILDS_PER_ROUND {
        let now = state.clock.now();
        let unclaimed = Condition::any()
            .add(data_archive::Column::ClaimedAt.is_null())
            .add(data_archive::Column::ClaimedAt.lt(now - CLAIM_FOR));
        let Some(next) = data_archive::Entity::find()
            .filter(data_archive::Column::ReadyAt.is_null())
            .filter(unclaimed.clone())
            .order_by_asc(data_archive::Column::RequestedAt)
            .one(&state.db)
            .await?
        else {
            break;
        };
        // Claimed by exactly one server: the update that finds it unclaimed.
        let claimed = data_archive::Entity::update_many()
            .col_expr(data_archive::Column::ClaimedAt, Expr::value(now))
            .filter(data_archive::Column::Id.eq(next.id))
            .filter(data_archive::Column::ReadyAt.is_null())
            .filter(unclaimed)
            .exec(&state.db)
            .await?;
        if claimed.rows_affected == 1 {
            build_one(state, &next).await?;
            built += 1;
        }
    }
    Ok(built)
}

async fn build_one(state: &AppState, asked: &data_archive::Model) -> Result<(), DbErr> {
    let Some(member) = Member::load(&state.db, asked.account_id).await? else {
        // The account went meanwhile (and its rows with it).
        return Ok(());
    };
    let now = state.clock.now();
    let data = member_data(&state.db, &member, now).await?;
    let files = member_files(state, &member).await?;
    let zipped = tokio::task::spawn_blocking(move || zip_archive(&data, &files))
        .await
        .map_err(|error| DbErr::Custom(format!("building an archive: {error}")))?
        .map_err(|error| DbErr::Custom(format!("building an archive: {error}")))?;
    let Ok(Files(store)) = state.settings::<Files>() else {
        return Err(DbErr::Custom("no file store".to_owned()));
    };
    let key = store
        .put(zipped)
        .await
        .map_err(|error| DbErr::Custom(format!("storing an archive: {error}")))?;
    let (token, token_hash) = tokens::generate();
    let txn = state.db.begin().await?;
    let ready = data_archive::Entity::update_many()
        .col_expr(data_archive::Column::FileKey, Expr::value(key.clone()))
        .col_expr(data_archive::Column::TokenHash, Expr::value(token_hash))
        .col_expr(data_archive::Column::ReadyAt, Expr::value(now))
        .col_expr(
            data_archive::Column::ExpiresAt,
            Expr::value(now + LINK_VALID_FOR),
        )
        .filter(data_archive::Column::Id.eq(asked.id))
        .filter(data_archive::Column::ReadyAt.is_null())
        .exec(&txn)
        .await?;
    if ready.rows_affected != 1 {
        // Gone (the account was deleted) or built elsewhere after all.
        drop(txn);
        delete_file(state, &key).await;
        return Ok(());
    }
    if let Ok(to) = Email::parse(&member.email) {
        let url = format!(
            "{}/account/data/archive.zip?token={token}",
            state.site.base_url
        );
        mail::enqueue(&txn, &state.clock, ready_mail(&to, &url)).await?;
    }
    txn.commit().await?;
    tracing::info!(account_id = member.id, "data archive ready");
    Ok(())
}

/// The member's stored files: `(name in the archive, bytes)`.
async fn member_files(state: &AppState, member: &Member) -> Result<Vec<(String, Vec<u8>)>, DbErr> {
    let Ok(Files(store)) = state.settings::<Files>() else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    for &(table, key_column, kind_column) in FILE_COLUMNS {
        let Some(owned) = owner_of(table) else {
            continue;
        };
        let mut select = Sql::select();
        select
            .column(Alias::new(key_column))
            .column(Alias::new(kind_column))
            .from(Alias::new(table))
            .and_where(rows_of(owned, member));
        let rows = state
            .db
            .query_all_raw(state.db.get_database_backend().build(&select))
            .await?;
        for row in rows {
            let key: Option<String> = row.try_get("", key_column)?;
            let kind: Option<String> = row.try_get("", kind_column)?;
            let Some(key) = key else { continue };
            match store.get(&key).await {
                Ok(bytes) => files.push((
                    format!("files/{table}/{key}.{}", kind.unwrap_or_default()),
                    bytes,
                )),
                Err(error) => tracing::warn!(%error, "a stored file is missing from an archive"),
            }
        }
    }
    Ok(files)
}

/// `account.json`, `forum.json` … one per feature, then the files.
fn zip_archive(data: &MemberData, files: &[(String, Vec<u8>)]) -> zip::result::ZipResult<Vec<u8>> {
    use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("README.txt", options)?;
    zip.write_all(README.as_bytes())?;
    for feature in &data.features {
        let alone = MemberData {
            features: vec![feature.clone()],
            ..data.clone()
        };
        let json = serde_json::to_vec_pretty(&to_json(&alone)).unwrap_or_default();
        zip.start_file(format!("{}.json", file_name(&feature.name)), options)?;
        zip.write_all(&json)?;
    }
    for (name, bytes) in files {
        // Already compressed (PDF, DOCX): stored as they are.
        zip.start_file(
            name.as_str(),
            options.compression_method(CompressionMethod::Stored),
        )?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

const README: &str = "Everything this community portal holds about you.\n\n\
Each .json file is one feature: its tables, what each field means, and your rows. \
Documents you accepted or signed are named with their version and SHA-256 fingerprint. \
The files folder holds the files you gave us (such as résumés), named as the rows that point to them.\n";

/// "Contributing (CLA)" as `contributing-cla`.
pub fn file_name(feature: &str) -> String {
    let mut name = String::new();
    for c in feature.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    name.trim_matches('-').to_owned()
}

/// Only the link: a mail can be forwarded or misdelivered.
fn ready_mail(to: &Email, url: &str) -> Mail {
    let lines = [
        "Hello,".to_owned(),
        "the archive of your data that you asked for is ready. Sign in to your account, then open this link to download it:".to_owned(),
        url.to_owned(),
        "The link works once, for 24 hours, and only for you: the archive is deleted as soon as you download it. If you did not ask for it, sign in and change your password.".to_owned(),
    ];
    let text = format!("{}\n", lines.join("\n\n"));
    let body = html(&lines.map(|line| {
        if line.starts_with("http") {
            link(&line)
        } else {
            escape(&line)
        }
    }));
    Mail::new(to, "Your data archive is ready", text, body)
}

#[derive(serde::Deserialize)]
pub struct TokenQuery {
    token: String,
}

/// `GET /account/data/archive.zip?token=…`: the archive, once, to the
/// member it belongs to. Without a session: to the sign-in page, and the
/// link still works afterwards (so a mail scanner uses nothing up).
pub async fn download(
    State(state): State<AppState>,
    Extension(Auth(signed_in)): Extension<Auth>,
    Query(query): Query<TokenQuery>,
) -> Response {
    let Some(signed_in) = signed_in else {
        return Redirect::to("/account/sign-in").into_response();
    };
    let now = state.clock.now();
    let found = data_archive::Entity::find()
        .filter(data_archive::Column::TokenHash.eq(tokens::hash(&query.token)))
        .filter(data_archive::Column::AccountId.eq(signed_in.user.id))
        .one(&state.db)
        .await;
    let archive = match found {
        Ok(Some(archive)) => archive,
        Ok(None) => return (StatusCode::NOT_FOUND, "There is no such archive.").into_response(),
        Err(error) => return crate::ssr::error_status(&db_error("finding an archive", error)),
    };
    let gone = || {
        (
            StatusCode::GONE,
            "This link was used or has expired. Ask for a new archive on the \"Your data\" page.",
        )
            .into_response()
    };
    let (Some(key), Some(expires_at)) = (archive.file_key.clone(), archive.expires_at) else {
        return gone();
    };
    if expires_at <= now || archive.downloaded_at.is_some() {
        return gone();
    }
    // Once: the update that finds it not yet downloaded wins.
    let taken = data_archive::Entity::update_many()
        .col_expr(data_archive::Column::DownloadedAt, Expr::value(now))
        .filter(data_archive::Column::Id.eq(archive.id))
        .filter(data_archive::Column::DownloadedAt.is_null())
        .exec(&state.db)
        .await;
    match taken {
        Ok(done) if done.rows_affected == 1 => {}
        Ok(_) => return gone(),
        Err(error) => return crate::ssr::error_status(&db_error("taking an archive", error)),
    }
    let Ok(Files(store)) = state.settings::<Files>() else {
        return crate::ssr::error_status(&AppError::Internal);
    };
    let bytes = match store.get(&key).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(%error, "reading an archive");
            return gone();
        }
    };
    delete_file(&state, &key).await;
    let day = now.date();
    crate::ssr::request::attachment(
        bytes,
        "application/zip",
        &format!("{}-data-{day}.zip", signed_in.user.username),
    )
}

async fn delete_file(state: &AppState, key: &str) {
    if let Ok(Files(store)) = state.settings::<Files>()
        && let Err(error) = store.delete(key).await
    {
        tracing::warn!(%error, "deleting an archive file");
    }
}

/// Deletes archives a day after they were asked for (ready or not), with
/// their files; returns how many.
pub async fn purge(state: &AppState) -> Result<u64, DbErr> {
    let before = state.clock.now() - LINK_VALID_FOR;
    let old = data_archive::Entity::find()
        .filter(
            Condition::any()
                .add(data_archive::Column::ExpiresAt.lte(state.clock.now()))
                .add(
                    Condition::all()
                        .add(data_archive::Column::ReadyAt.is_null())
                        .add(data_archive::Column::RequestedAt.lte(before)),
                ),
        )
        .all(&state.db)
        .await?;
    forget(state, &old).await
}

/// Deletes `archives` and their files.
async fn forget(state: &AppState, archives: &[data_archive::Model]) -> Result<u64, DbErr> {
    for archive in archives {
        if let Some(key) = &archive.file_key {
            delete_file(state, key).await;
        }
    }
    let ids: Vec<i64> = archives.iter().map(|archive| archive.id).collect();
    let deleted = data_archive::Entity::delete_many()
        .filter(data_archive::Column::Id.is_in(ids))
        .exec(&state.db)
        .await?;
    Ok(deleted.rows_affected)
}

/// The file keys of `account_id`'s archives, for the erasure of the
/// account (the rows go with it; the files after it commits).
pub async fn archive_files<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
) -> Result<Vec<String>, DbErr> {
    Ok(data_archive::Entity::find()
        .filter(data_archive::Column::AccountId.eq(account_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|archive| archive.file_key)
        .collect())
}

/// Deletes the archive files named, logging failures.
pub async fn delete_files(state: &AppState, keys: &[String]) -> u64 {
    for key in keys {
        delete_file(state, key).await;
    }
    keys.len() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_named_as_files() {
        assert_eq!(file_name("Contributing (CLA)"), "contributing-cla");
        assert_eq!(file_name("Job applications"), "job-applications");
        assert_eq!(file_name("Account"), "account");
    }
}
