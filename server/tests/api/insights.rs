//! Insights: visit statistics that identify no one (promises P1, P2, P4).

pub mod call_home;
pub mod dashboard;
pub mod geoip;
pub mod recording;
pub mod report;
