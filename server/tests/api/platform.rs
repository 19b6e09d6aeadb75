//! What every feature stands on: pages, headers, build files, limits, the outbox, the CLI, migrations, query plans.

pub mod assets;
pub mod cli;
pub mod health;
pub mod logs;
pub mod malformed_input;
pub mod migrations;
pub mod outbox;
pub mod page_cache;
pub mod pages;
pub mod query_plans;
pub mod rate_limits;
pub mod return_paths;
pub mod secrets_at_rest;
pub mod security;
