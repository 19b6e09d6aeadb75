//! Publishes version 6 of the privacy policy: products that call home
//! (update checks counted by day, anonymous usage reports with an install
//! hash that changes weekly). It adds nothing collected from visitors or
//! members, so the version is not material and nobody is asked to accept
//! it again.
//!
//! An installation whose operator already published a policy of their own
//! keeps it: version 6 is added only while version 5, as this software
//! shipped it, is the newest privacy policy.

use sea_orm_migration::prelude::*;
use time::macros::datetime;

use crate::{m20261129_000003_seed_privacy_policy as v1, m20261207_000302_privacy_policy_v5 as v5};

const VERSION: i32 = 6;
pub(crate) const BODY: &str = include_str!("policy/privacy-v6.md");

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let effective = datetime!(2026-12-07 00:00 UTC);
        v1::add_after(manager, v5::BODY, VERSION, BODY, effective, false).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        v1::remove(manager, VERSION, BODY).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
