//! Which entries of a company's list count. An entry is approved at once
//! when the signer's confirmed address shows they are at that domain;
//! otherwise it waits until an administrator approves it. Approvals and
//! removals are recorded on the entry, which is never deleted.

use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};

use super::{
    entities::{covered, signature},
    failed,
};
use crate::{
    accounts::ssr::{account, identity, providers::GITHUB},
    cla::{ListedEntry, is_public_mail_domain},
    error::AppError,
    ssr::Clock,
};

/// The domain of an address key, `None` for a public mail domain.
fn company_domain(email_key: &str) -> Option<&str> {
    email_key
        .rsplit_once('@')
        .map(|(_, domain)| domain)
        .filter(|domain| !is_public_mail_domain(domain))
}

/// Whether an entry the signer adds counts at once: the signer's own
/// confirmed address; or, when that address is at a company domain (not
/// a public mail domain), exactly that domain, an address at it, or the
/// GitHub login of an account whose confirmed address is at it.
/// Subdomains do not match: `dev.example.com` is not `example.com`.
pub(super) async fn approved_at_once(
    db: &DatabaseConnection,
    signer: i64,
    kind: &str,
    key: &str,
) -> Result<bool, AppError> {
    let Some(signer) = account::Entity::find_by_id(signer)
        .filter(account::Column::EmailVerifiedAt.is_not_null())
        .one(db)
        .await
        .map_err(failed("loading the account"))?
    else {
        return Ok(false);
    };
    if kind == covered::EMAIL && key == signer.email_key {
        return Ok(true);
    }
    let Some(domain) = company_domain(&signer.email_key) else {
        return Ok(false);
    };
    Ok(match kind {
        covered::DOMAIN => key == domain,
        covered::EMAIL => key.rsplit_once('@').is_some_and(|(_, at)| at == domain),
        covered::GITHUB => {
            let owners: Vec<i64> = identity::Entity::find()
                .filter(identity::Column::Provider.eq(GITHUB))
                .filter(identity::Column::LoginKey.eq(key))
                .all(db)
                .await
                .map_err(failed("finding a GitHub login"))?
                .into_iter()
                .map(|row| row.account_id)
                .collect();
            account::Entity::find()
                .filter(account::Column::Id.is_in(owners))
                .filter(account::Column::EmailVerifiedAt.is_not_null())
                .all(db)
                .await
                .map_err(failed("loading addresses"))?
                .iter()
                .any(|owner| company_domain(&owner.email_key) == Some(domain))
        }
        _ => false,
    })
}

/// The entries of unrevoked companies' lists, those waiting first, then
/// the newest (at most 500).
pub async fn listed(db: &DatabaseConnection) -> Result<Vec<ListedEntry>, AppError> {
    let mut entries = covered::Entity::find()
        .filter(covered::Column::RemovedAt.is_null())
        .order_by_desc(covered::Column::Id)
        .all(db)
        .await
        .map_err(failed("loading companies' lists"))?;
    entries.sort_by_key(|entry| entry.approved_at.is_some());
    let mut found = Vec::with_capacity(entries.len().min(500));
    for entry in entries.into_iter().take(500) {
        let Some(company) = signature::Entity::find_by_id(entry.signature_id)
            .filter(signature::Column::RevokedAt.is_null())
            .one(db)
            .await
            .map_err(failed("loading the agreement"))?
        else {
            continue;
        };
        let signer_email = match company.account_id {
            Some(id) => account::Entity::find_by_id(id)
                .one(db)
                .await
                .map_err(failed("loading the account"))?
                .map(|row| row.email)
                .unwrap_or_default(),
            None => String::new(),
        };
        let approval = entry.approved_at.map(|at| match entry.approved_by {
            Some(_) => format!("by an administrator, {}", crate::ssr::dates::day(at)),
            None => "the signer's address is at this domain".to_owned(),
        });
        found.push(ListedEntry {
            id: entry.id,
            company: company.company_name.unwrap_or_default(),
            signer_email,
            kind: entry.kind,
            value: entry.value,
            added: crate::ssr::dates::day(entry.added_at),
            approval,
        });
    }
    Ok(found)
}

/// An administrator approves an entry (`approve`) or takes it off its
/// company's list.
pub async fn decide(
    db: &DatabaseConnection,
    clock: &Clock,
    admin_id: i64,
    entry_id: i64,
    approve: bool,
) -> Result<(), AppError> {
    let now = clock.now();
    let update = if approve {
        covered::Entity::update_many()
            .col_expr(covered::Column::ApprovedAt, Expr::value(now))
            .col_expr(covered::Column::ApprovedBy, Expr::value(admin_id))
            .filter(covered::Column::ApprovedAt.is_null())
    } else {
        covered::Entity::update_many()
            .col_expr(covered::Column::RemovedAt, Expr::value(now))
            .col_expr(covered::Column::RemovedBy, Expr::value(admin_id))
    };
    let changed = update
        .filter(covered::Column::Id.eq(entry_id))
        .filter(covered::Column::RemovedAt.is_null())
        .exec(db)
        .await
        .map_err(failed("deciding on an entry"))?;
    if changed.rows_affected != 1 {
        return Err(AppError::NotFound);
    }
    tracing::info!(admin_id, entry_id, approve, "covered contributor decided");
    Ok(())
}
