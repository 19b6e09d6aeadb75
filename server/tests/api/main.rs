//! Integration tests: the real router on a random port, against a fresh
//! SQLite file or a fresh PostgreSQL database (`PORTAL_TEST_BACKEND`).

mod accounts;
mod admin;
mod cla;
mod documents;
mod forum;
mod helpers;
mod insights;
mod jobs;
mod mail_lists;
mod moderation;
mod platform;
mod privacy;
mod provider_double;
