//! Publishes version 2 of the privacy policy, which corrects version 1: it
//! described features the portal does not have (visit statistics, a
//! newsletter, an update check, a request form) and named too few cookies.
//! What the portal does did not change, so the version is editorial and
//! acceptances of version 1 carry over.
//!
//! An installation whose operator already published a policy of their own
//! keeps it: version 2 is added only while version 1, as this software
//! shipped it, is the newest privacy policy.

use sea_orm_migration::prelude::*;
use time::macros::datetime;

use crate::{
    m20261129_000001_documents::Documents,
    m20261129_000003_seed_privacy_policy::{self as v1, KIND, sha256},
};

const VERSION: i32 = 2;
const BODY: &str = include_str!("policy/privacy-v2.md");

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let newest = Query::select()
            .column(Documents::Sha256)
            .from(Documents::Table)
            .and_where(Expr::col(Documents::Kind).eq(KIND))
            .order_by(Documents::Version, Order::Desc)
            .limit(1)
            .to_owned();
        let db = manager.get_connection();
        let newest = db
            .query_one(&newest)
            .await?
            .map(|row| row.try_get::<String>("", "sha256"))
            .transpose()?;
        if newest.as_deref() != Some(sha256(v1::BODY).as_str()) {
            return Ok(());
        }
        let effective = datetime!(2026-12-04 00:00 UTC);
        manager
            .exec_stmt(v1::insert_policy(VERSION, BODY, effective, false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let delete = Query::delete()
            .from_table(Documents::Table)
            .and_where(Expr::col(Documents::Kind).eq(KIND))
            .and_where(Expr::col(Documents::Version).eq(VERSION))
            .and_where(Expr::col(Documents::Sha256).eq(sha256(BODY)))
            .to_owned();
        manager.exec_stmt(delete).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
