//! Publishes version 5 of the privacy policy: visit statistics (page views
//! with non-identifying facts, a visitor hash with a salt destroyed daily,
//! nothing for `Sec-GPC` or `DNT`). Version 4 said the portal kept none, so
//! the version is material: members are asked to accept it.
//!
//! An installation whose operator already published a policy of their own
//! keeps it: version 5 is added only while version 4, as this software
//! shipped it, is the newest privacy policy.

use sea_orm_migration::prelude::*;
use time::macros::datetime;

use crate::{m20261129_000003_seed_privacy_policy as v1, m20261207_000203_privacy_policy_v4 as v4};

const VERSION: i32 = 5;
pub(crate) const BODY: &str = include_str!("policy/privacy-v5.md");

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let effective = datetime!(2026-12-07 00:00 UTC);
        v1::add_after(manager, v4::BODY, VERSION, BODY, effective, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        v1::remove(manager, VERSION, BODY).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
