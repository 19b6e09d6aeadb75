//! Agreements of deleted accounts: the record keeps no name or address,
//! only a keyed hash of the contact address and GitHub login, so the
//! project can still show that a person signed — when that person, or a
//! claim about their contributions, names the address or login.

use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityName, EntityTrait, QueryFilter};
use time::OffsetDateTime;

use super::entities::signature;
use crate::{accounts::Email, ssr::server_key::ServerKey};

/// What an erased agreement still proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasedRecord {
    pub id: i64,
    pub kind: String,
    pub company: Option<String>,
    pub version: i32,
    pub sha256: String,
    pub signed_at: OffsetDateTime,
    pub ended_at: Option<OffsetDateTime>,
    /// What matched: `"email"`, `"github"` or both.
    pub matched: Vec<&'static str>,
}

/// The erased agreements signed with `email` as contact address or with
/// `github` as GitHub login, oldest first.
pub async fn erased_records(
    db: &DatabaseConnection,
    server_key: &ServerKey,
    email: Option<&str>,
    github: Option<&str>,
) -> Result<Vec<ErasedRecord>, sea_orm::DbErr> {
    let table = signature::Entity.table_name();
    let email_hash = email
        .and_then(|email| Email::parse(email).ok())
        .map(|email| server_key.erased_value(table, "email_key", &email.key()));
    let login_hash = github
        .map(|login| login.trim().trim_start_matches('@').to_lowercase())
        .filter(|login| !login.is_empty())
        .map(|login| server_key.erased_value(table, "github_login_key", &login));
    let mut any = Condition::any();
    if let Some(hash) = &email_hash {
        any = any.add(signature::Column::EmailKey.eq(hash.as_str()));
    }
    if let Some(hash) = &login_hash {
        any = any.add(signature::Column::GithubLoginKey.eq(hash.as_str()));
    }
    if any.is_empty() {
        return Ok(Vec::new());
    }
    let rows = signature::Entity::find().filter(any).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut matched = Vec::new();
            if email_hash.as_deref() == Some(row.email_key.as_str()) {
                matched.push("email");
            }
            if login_hash.is_some() && login_hash == row.github_login_key {
                matched.push("github");
            }
            ErasedRecord {
                id: row.id,
                kind: row.kind,
                company: row.company_name,
                version: row.version,
                sha256: row.sha256,
                signed_at: row.signed_at,
                ended_at: row.revoked_at,
                matched,
            }
        })
        .collect())
}
