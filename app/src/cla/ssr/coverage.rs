//! Who is covered: a signature counts while it is not revoked and no
//! *material* version of its agreement has come into force since the
//! version signed. Editorial versions carry signatures over.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use time::OffsetDateTime;

use super::{
    entities::{covered, signature},
    failed,
};
use crate::{
    accounts::{
        Email,
        ssr::{account, identity, providers::GITHUB},
    },
    cla::{CoverageStatus, Standing},
    documents::{DocumentKind, ssr::document},
    error::AppError,
};

/// Whether `version` of `kind` still binds: no material version after it
/// is in force at `now`.
pub async fn is_current<C: ConnectionTrait>(
    db: &C,
    kind: DocumentKind,
    version: i32,
    now: OffsetDateTime,
) -> Result<bool, sea_orm::DbErr> {
    let later_material = document::Entity::find()
        .filter(document::Column::Kind.eq(kind.as_str()))
        .filter(document::Column::Version.gt(version))
        .filter(document::Column::Material.eq(true))
        .filter(document::Column::EffectiveAt.lte(now))
        .count(db)
        .await?;
    Ok(later_material == 0)
}

/// Where a signature stands at `now`; revocation dates as people read
/// them, or as `YYYY-MM-DD` when `for_people` is false.
pub async fn standing(
    db: &DatabaseConnection,
    row: &signature::Model,
    now: OffsetDateTime,
    for_people: bool,
) -> Result<Standing, AppError> {
    let kind = if row.kind == signature::CORPORATE {
        DocumentKind::CorporateCla
    } else {
        DocumentKind::IndividualCla
    };
    Ok(match row.revoked_at {
        Some(at) => Standing::Revoked(if for_people {
            crate::ssr::dates::long_day(at)
        } else {
            crate::ssr::dates::day(at)
        }),
        None if is_current(db, kind, row.version, now)
            .await
            .map_err(failed("checking versions"))? =>
        {
            Standing::Valid
        }
        None => Standing::Superseded,
    })
}

/// The status API: is the GitHub login or the address covered? Matches the
/// login and the *confirmed* contact address given when signing, and those
/// of the signer's account (its linked GitHub login, its confirmed
/// address), so a contributor is found however their commits name them.
pub async fn status(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    github: Option<&str>,
    email: Option<&str>,
) -> Result<CoverageStatus, AppError> {
    let mut accounts = Vec::new();
    // What a company's list may name: (kind, key).
    let mut listed: Vec<(&str, String)> = Vec::new();
    let mut condition = sea_orm::Condition::any();
    if let Some(login) = github.map(str::trim).filter(|login| !login.is_empty()) {
        let key = login.to_lowercase();
        accounts.extend(
            identity::Entity::find()
                .filter(identity::Column::Provider.eq(GITHUB))
                .filter(identity::Column::LoginKey.eq(key.clone()))
                .all(db)
                .await
                .map_err(failed("finding a GitHub login"))?
                .into_iter()
                .map(|row| row.account_id),
        );
        listed.push((covered::GITHUB, key.clone()));
        condition = condition.add(signature::Column::GithubLoginKey.eq(key));
    }
    if let Some(email) = email.and_then(|email| Email::parse(email).ok()) {
        accounts.extend(
            account::Entity::find()
                .filter(account::Column::EmailKey.eq(email.key()))
                .filter(account::Column::EmailVerifiedAt.is_not_null())
                .all(db)
                .await
                .map_err(failed("finding an address"))?
                .into_iter()
                .map(|row| row.id),
        );
        listed.push((covered::EMAIL, email.key()));
        // A contact address counts only once its owner confirmed it.
        condition = condition.add(
            sea_orm::Condition::all()
                .add(signature::Column::EmailKey.eq(email.key()))
                .add(signature::Column::EmailConfirmedAt.is_not_null()),
        );
    }
    // The confirmed addresses of the accounts found count for companies too.
    let addresses = account::Entity::find()
        .filter(account::Column::Id.is_in(accounts.clone()))
        .filter(account::Column::EmailVerifiedAt.is_not_null())
        .all(db)
        .await
        .map_err(failed("loading addresses"))?;
    for address in addresses {
        listed.push((covered::EMAIL, address.email_key));
    }
    let domains: Vec<(&str, String)> = listed
        .iter()
        .filter(|(kind, _)| *kind == covered::EMAIL)
        .filter_map(|(_, key)| key.rsplit_once('@'))
        .map(|(_, domain)| (covered::DOMAIN, domain.to_owned()))
        .collect();
    listed.extend(domains);
    if !accounts.is_empty() {
        condition = condition.add(signature::Column::AccountId.is_in(accounts));
    }
    let candidates = if condition.is_empty() {
        Vec::new()
    } else {
        signature::Entity::find()
            .filter(condition)
            .filter(signature::Column::Kind.eq(signature::INDIVIDUAL))
            .filter(signature::Column::RevokedAt.is_null())
            .order_by_desc(signature::Column::Version)
            .all(db)
            .await
            .map_err(failed("finding signatures"))?
    };
    for candidate in candidates {
        if is_current(db, DocumentKind::IndividualCla, candidate.version, now)
            .await
            .map_err(failed("checking the agreement's versions"))?
        {
            return Ok(CoverageStatus {
                covered: true,
                agreement: Some("individual".to_owned()),
                version: Some(candidate.version),
                via: Some("individual".to_owned()),
            });
        }
    }
    corporate(db, now, &listed).await
}

/// Coverage through a company's list: exact logins, exact addresses, and
/// exact domains (`evil-example.com` is not `example.com`) — approved
/// entries only.
async fn corporate(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    listed: &[(&str, String)],
) -> Result<CoverageStatus, AppError> {
    let mut condition = sea_orm::Condition::any();
    for (kind, key) in listed {
        condition = condition.add(
            sea_orm::Condition::all()
                .add(covered::Column::Kind.eq(*kind))
                .add(covered::Column::ValueKey.eq(key.clone())),
        );
    }
    let entries = if listed.is_empty() {
        Vec::new()
    } else {
        covered::Entity::find()
            .filter(condition)
            .filter(covered::Column::RemovedAt.is_null())
            .filter(covered::Column::ApprovedAt.is_not_null())
            .all(db)
            .await
            .map_err(failed("finding companies' lists"))?
    };
    let companies = signature::Entity::find()
        .filter(signature::Column::Id.is_in(entries.iter().map(|entry| entry.signature_id)))
        .filter(signature::Column::Kind.eq(signature::CORPORATE))
        .filter(signature::Column::RevokedAt.is_null())
        .order_by_desc(signature::Column::Version)
        .all(db)
        .await
        .map_err(failed("finding corporate agreements"))?;
    for company in companies {
        if is_current(db, DocumentKind::CorporateCla, company.version, now)
            .await
            .map_err(failed("checking the agreement's versions"))?
        {
            return Ok(CoverageStatus {
                covered: true,
                agreement: Some("corporate".to_owned()),
                version: Some(company.version),
                via: Some("corporate".to_owned()),
            });
        }
    }
    Ok(CoverageStatus {
        covered: false,
        agreement: None,
        version: None,
        via: None,
    })
}
