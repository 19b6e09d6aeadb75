//! Publishes version 7 of the privacy policy: a page view may also keep
//! the country of the visitor's network address, where the operator has
//! installed a GeoIP database. It records one more fact about visits, so
//! the version is material and members are asked to accept it.
//!
//! An installation whose operator already published a policy of their own
//! keeps it: version 7 is added only while version 6, as this software
//! shipped it, is the newest privacy policy.

use sea_orm_migration::prelude::*;
use time::macros::datetime;

use crate::{m20261129_000003_seed_privacy_policy as v1, m20261207_000402_privacy_policy_v6 as v6};

const VERSION: i32 = 7;
pub(crate) const BODY: &str = include_str!("policy/privacy-v7.md");

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let effective = datetime!(2026-12-07 00:00 UTC);
        v1::add_after(manager, v6::BODY, VERSION, BODY, effective, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        v1::remove(manager, VERSION, BODY).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
