//! Integration tests: the real router on a random port, against a fresh
//! SQLite file or a fresh PostgreSQL database (`PORTAL_TEST_BACKEND`).

mod accounts;
mod admin;
mod cla;
mod cla_admin;
mod cla_corporate;
mod cla_webhook;
mod cli;
mod digest;
mod email_change;
mod forum;
mod health;
mod helpers;
mod identities;
mod identity_links;
mod jobs;
mod jobs_access;
mod logs;
mod mail;
mod manifest;
mod migrations;
mod moderation;
mod pages;
mod passwords;
mod provider_double;
mod rate_limits;
mod secrets_at_rest;
mod security;
mod two_factor;
