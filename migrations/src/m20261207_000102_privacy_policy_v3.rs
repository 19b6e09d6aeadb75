//! Publishes version 3 of the privacy policy: the privacy request form,
//! how an account that belongs to a child is handled, and who else
//! receives data. The form collects personal data, so the version is
//! material: members are asked to accept it.
//!
//! An installation whose operator already published a policy of their own
//! keeps it: version 3 is added only while version 2, as this software
//! shipped it, is the newest privacy policy.

use sea_orm_migration::prelude::*;
use time::macros::datetime;

use crate::{m20261129_000003_seed_privacy_policy as v1, m20261204_000701_privacy_policy_v2 as v2};

const VERSION: i32 = 3;
pub(crate) const BODY: &str = include_str!("policy/privacy-v3.md");

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let effective = datetime!(2026-12-07 00:00 UTC);
        v1::add_after(manager, v2::BODY, VERSION, BODY, effective, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        v1::remove(manager, VERSION, BODY).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
