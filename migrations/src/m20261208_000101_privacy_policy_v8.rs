//! Publishes version 8 of the privacy policy: the pages no longer report
//! moving from one page to the next (every page is now served, and counted,
//! by the site itself). It records nothing new, so the version is not
//! material and members are not asked to accept it again.
//!
//! An installation whose operator already published a policy of their own
//! keeps it: version 8 is added only while version 7, as this software
//! shipped it, is the newest privacy policy.

use sea_orm_migration::prelude::*;
use time::macros::datetime;

use crate::{m20261129_000003_seed_privacy_policy as v1, m20261207_000404_privacy_policy_v7 as v7};

const VERSION: i32 = 8;
pub(crate) const BODY: &str = include_str!("policy/privacy-v8.md");

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let effective = datetime!(2026-12-07 00:00 UTC);
        v1::add_after(manager, v7::BODY, VERSION, BODY, effective, false).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        v1::remove(manager, VERSION, BODY).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
