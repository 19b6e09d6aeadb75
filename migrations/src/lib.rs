//! Database schema for Community Portal.
//!
//! Every migration has an `up` and a `down` and runs on both SQLite and
//! PostgreSQL. This crate never imports the application: the schema is
//! described here on its own, and the application's data manifest is checked
//! against the live schema by the test suite.

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_documents;
mod m20261129_000002_accounts;
mod m20261129_000003_seed_privacy_policy;
mod m20261129_000004_sessions_tokens_mail;
mod m20261129_000005_rate_limits;
mod m20261129_000006_second_factor;
mod m20261129_000007_jobs;
mod m20261129_000008_identities;
mod m20261129_000009_cla;
mod m20261129_000010_forum;
mod m20261130_000011_mail_lists;
mod m20261201_000101_secret_keys;
mod m20261201_000201_cla_confirmations;
mod m20261201_000301_webhook_bodies;
mod m20261201_000401_sign_in_hardening;
mod m20261203_000501_forum_visibility;
mod m20261203_000502_open_jobs_index;
mod m20261203_000601_post_html;
mod m20261203_000602_search_document;
mod m20261204_000701_privacy_policy_v2;
mod m20261204_000702_member_lookups;
mod m20261204_000703_username_changes;
mod m20261205_000801_job_closing;
mod m20261206_001001_public_generation;
mod m20261207_000101_privacy_requests;
mod m20261207_000102_privacy_policy_v3;
mod m20261207_000103_policy_notices;
mod m20261207_000104_retired_usernames;
mod m20261207_000105_data_archives;
mod m20261207_000201_mail_subscribers;
mod m20261207_000202_newsletter;
mod m20261207_000203_privacy_policy_v4;
mod m20261207_000204_campaigns;
mod m20261207_000205_mail_tracking;
mod m20261207_000206_mail_list_days;
mod m20261207_000301_insights;
mod m20261207_000302_privacy_policy_v5;
mod m20261207_000303_insight_summaries;
mod m20261207_000401_releases;
mod m20261207_000402_privacy_policy_v6;
mod m20261207_000403_usage_report_months;
mod m20261207_000404_privacy_policy_v7;
mod m20261208_000101_privacy_policy_v8;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_documents::Migration),
            Box::new(m20261129_000002_accounts::Migration),
            Box::new(m20261129_000003_seed_privacy_policy::Migration),
            Box::new(m20261129_000004_sessions_tokens_mail::Migration),
            Box::new(m20261129_000005_rate_limits::Migration),
            Box::new(m20261129_000006_second_factor::Migration),
            Box::new(m20261129_000007_jobs::Migration),
            Box::new(m20261129_000008_identities::Migration),
            Box::new(m20261129_000009_cla::Migration),
            Box::new(m20261129_000010_forum::Migration),
            Box::new(m20261130_000011_mail_lists::Migration),
            Box::new(m20261201_000101_secret_keys::Migration),
            Box::new(m20261201_000201_cla_confirmations::Migration),
            Box::new(m20261201_000301_webhook_bodies::Migration),
            Box::new(m20261201_000401_sign_in_hardening::Migration),
            Box::new(m20261203_000501_forum_visibility::Migration),
            Box::new(m20261203_000502_open_jobs_index::Migration),
            Box::new(m20261203_000601_post_html::Migration),
            Box::new(m20261203_000602_search_document::Migration),
            Box::new(m20261204_000701_privacy_policy_v2::Migration),
            Box::new(m20261204_000702_member_lookups::Migration),
            Box::new(m20261204_000703_username_changes::Migration),
            Box::new(m20261205_000801_job_closing::Migration),
            Box::new(m20261206_001001_public_generation::Migration),
            Box::new(m20261207_000101_privacy_requests::Migration),
            Box::new(m20261207_000102_privacy_policy_v3::Migration),
            Box::new(m20261207_000103_policy_notices::Migration),
            Box::new(m20261207_000104_retired_usernames::Migration),
            Box::new(m20261207_000105_data_archives::Migration),
            Box::new(m20261207_000201_mail_subscribers::Migration),
            Box::new(m20261207_000202_newsletter::Migration),
            Box::new(m20261207_000203_privacy_policy_v4::Migration),
            Box::new(m20261207_000204_campaigns::Migration),
            Box::new(m20261207_000205_mail_tracking::Migration),
            Box::new(m20261207_000206_mail_list_days::Migration),
            Box::new(m20261207_000301_insights::Migration),
            Box::new(m20261207_000302_privacy_policy_v5::Migration),
            Box::new(m20261207_000303_insight_summaries::Migration),
            Box::new(m20261207_000401_releases::Migration),
            Box::new(m20261207_000402_privacy_policy_v6::Migration),
            Box::new(m20261207_000403_usage_report_months::Migration),
            Box::new(m20261207_000404_privacy_policy_v7::Migration),
            Box::new(m20261208_000101_privacy_policy_v8::Migration),
        ]
    }
}
