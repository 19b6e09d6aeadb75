//! Integration tests: the real router on a random port, against a fresh
//! SQLite file or a fresh PostgreSQL database (`PORTAL_TEST_BACKEND`).

mod account_takeover;
mod accounts;
mod admin;
mod cla;
mod cla_admin;
mod cla_approval;
mod cla_confirm;
mod cla_corporate;
mod cla_webhook;
mod cli;
mod digest;
mod email_change;
mod forum;
mod forum_edits;
mod health;
mod helpers;
mod identities;
mod identity_links;
mod jobs;
mod jobs_access;
mod logs;
mod mail;
mod malformed_input;
mod manifest;
mod migrations;
mod moderation;
mod pages;
mod password_limits;
mod passwords;
mod provider_double;
mod rate_limits;
mod registration_privacy;
mod return_paths;
mod security;
mod two_factor;
