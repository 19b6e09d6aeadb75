//! Seeds version 1 of the privacy policy. Its SHA-256 is computed from the
//! exact text stored, so the fingerprint shown on the site always matches.

use sea_orm_migration::prelude::*;
use sha2::{Digest, Sha256};
use time::macros::datetime;

use crate::m20261129_000001_documents::Documents;

pub(crate) const KIND: &str = "privacy_policy";
const VERSION: i32 = 1;
const TITLE: &str = "Privacy policy";
/// Version 1 as this software shipped it; version 2 is added only while
/// this is the newest policy.
pub(crate) const BODY: &str = include_str!("policy/privacy-v1.md");

/// The SHA-256 of `text`, in hex: the fingerprint the site shows.
pub(crate) fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Adds a later version of the privacy policy as this software ships it,
/// but only while the newest version is `previous` as the software shipped
/// it: an operator's own policy is never replaced.
pub(crate) async fn add_after(
    manager: &SchemaManager<'_>,
    previous: &str,
    version: i32,
    body: &str,
    effective: time::OffsetDateTime,
    material: bool,
) -> Result<(), DbErr> {
    let newest = Query::select()
        .column(Documents::Sha256)
        .from(Documents::Table)
        .and_where(Expr::col(Documents::Kind).eq(KIND))
        .order_by(Documents::Version, Order::Desc)
        .limit(1)
        .to_owned();
    let newest = manager
        .get_connection()
        .query_one(&newest)
        .await?
        .map(|row| row.try_get::<String>("", "sha256"))
        .transpose()?;
    if newest.as_deref() != Some(sha256(previous).as_str()) {
        return Ok(());
    }
    manager
        .exec_stmt(insert_policy(version, body, effective, material))
        .await
}

/// Removes the version [`add_after`] added, if it is still that text.
pub(crate) async fn remove(
    manager: &SchemaManager<'_>,
    version: i32,
    body: &str,
) -> Result<(), DbErr> {
    let delete = Query::delete()
        .from_table(Documents::Table)
        .and_where(Expr::col(Documents::Kind).eq(KIND))
        .and_where(Expr::col(Documents::Version).eq(version))
        .and_where(Expr::col(Documents::Sha256).eq(sha256(body)))
        .to_owned();
    manager.exec_stmt(delete).await
}

/// Inserts a version of the privacy policy shipped with the software.
pub(crate) fn insert_policy(
    version: i32,
    body: &str,
    effective: time::OffsetDateTime,
    material: bool,
) -> InsertStatement {
    Query::insert()
        .into_table(Documents::Table)
        .columns([
            Documents::Kind,
            Documents::Version,
            Documents::Title,
            Documents::Body,
            Documents::Sha256,
            Documents::EffectiveAt,
            Documents::Material,
            Documents::CreatedAt,
        ])
        .values_panic([
            KIND.into(),
            version.into(),
            TITLE.into(),
            body.into(),
            sha256(body).into(),
            effective.into(),
            material.into(),
            effective.into(),
        ])
        .to_owned()
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let effective = datetime!(2026-11-29 00:00 UTC);
        manager
            .exec_stmt(insert_policy(VERSION, BODY, effective, true))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let delete = Query::delete()
            .from_table(Documents::Table)
            .and_where(Expr::col(Documents::Kind).eq(KIND))
            .and_where(Expr::col(Documents::Version).eq(VERSION))
            .to_owned();
        manager.exec_stmt(delete).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
