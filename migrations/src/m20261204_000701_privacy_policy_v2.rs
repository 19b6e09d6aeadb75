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

use crate::m20261129_000003_seed_privacy_policy as v1;

const VERSION: i32 = 2;
pub(crate) const BODY: &str = include_str!("policy/privacy-v2.md");

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let effective = datetime!(2026-12-04 00:00 UTC);
        v1::add_after(manager, v1::BODY, VERSION, BODY, effective, false).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        v1::remove(manager, VERSION, BODY).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
