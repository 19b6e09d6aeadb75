//! The `portal` server: configuration, telemetry and the HTTP stack around
//! the `app` crate. It wires things together and holds no feature logic.

pub mod assets;
pub mod bench_ceiling;
pub mod config;
pub mod middleware;
pub mod page_cache;
pub mod seed;
pub mod startup;
pub mod telemetry;
