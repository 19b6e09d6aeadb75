//! Publishes version 4 of the privacy policy: the newsletter (sign-up with
//! a name and an address, double opt-in, leaving that erases them, opens
//! and clicks counted per newsletter) and the archive of a member's data. Both are used only when someone asks, so
//! the version is not material: members are not asked to accept it again.
//!
//! An installation whose operator already published a policy of their own
//! keeps it: version 4 is added only while version 3, as this software
//! shipped it, is the newest privacy policy.

use sea_orm_migration::prelude::*;
use time::macros::datetime;

use crate::{m20261129_000003_seed_privacy_policy as v1, m20261207_000102_privacy_policy_v3 as v3};

const VERSION: i32 = 4;
pub(crate) const BODY: &str = include_str!("policy/privacy-v4.md");

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let effective = datetime!(2026-12-07 00:00 UTC);
        v1::add_after(manager, v3::BODY, VERSION, BODY, effective, false).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        v1::remove(manager, VERSION, BODY).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
