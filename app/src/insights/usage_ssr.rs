//! Call home, the server side of usage reports: `POST /api/usage/v1`,
//! where a product's install tells, anonymously, which version runs on
//! which system, how many servers of each type it manages and which
//! problems it met; and `GET /api/usage/v1/schema.json`, the JSON Schema of
//! that report, made from the same type that reads it.
//!
//! A report is refused whole, storing nothing, when it is larger than
//! [`REPORT_MAX`], is not JSON, has a field the schema does not know or a
//! value out of its bounds, or names an unknown product. The install's
//! random id is replaced at once by a keyed hash of the product, the week
//! and the id, so one install is one row a week and weeks cannot be linked;
//! the sender's address only passes through the rate limit (which keeps
//! it as a hash under a key destroyed daily). A problem's message is
//! checked and dropped: free text may carry a path or a host name, and the
//! dashboards count problems by code.

use std::collections::BTreeMap;

use axum::{
    Json,
    body::Body,
    extract::{ConnectInfo, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use schemars::JsonSchema;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, OnConflict},
};
use serde::Deserialize;
use time::{Date, Duration, OffsetDateTime};

use super::releases_ssr::{CallHome, architecture, json_error, parse_version, system};
use crate::ssr::{AppState, rate_limit::Limit};

pub mod report {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "usage_reports")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub product_id: i64,
        /// The Monday of the report's week.
        pub week: TimeDate,
        /// Keyed hash of the product, the week and the install's id.
        pub install: String,
        pub version: String,
        pub os: String,
        pub arch: String,
        pub last_day: TimeDate,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod servers {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "usage_servers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub report_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub kind: String,
        pub servers: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod problems {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "usage_problems")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub report_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub occurrences: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Where products send usage reports.
pub const USAGE_PATH: &str = "/api/usage/v1";
/// Where the report's JSON Schema is published.
pub const SCHEMA_PATH: &str = "/api/usage/v1/schema.json";
/// Largest report read, in bytes.
pub const REPORT_MAX: usize = 16 * 1024;
/// Weeks usage reports and daily check counts are kept.
pub const KEEP_WEEKS: i64 = 104;

/// Reports from one network address: generous, since many installs can
/// sit behind one company's address.
pub const USAGE_PER_IP: Limit = Limit {
    bucket: "usage_ip",
    max: 120,
    window: Duration::hours(1),
};
/// Reports from one install: a daily report and a few retries.
pub const USAGE_PER_INSTALL: Limit = Limit {
    bucket: "usage_install",
    max: 10,
    window: Duration::days(1),
};

const MAX_SERVER_KINDS: usize = 32;
const MAX_PROBLEMS: usize = 20;
const MAX_SERVERS: u32 = 1_000_000;

/// An anonymous usage report, as an install of a product sends it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Usage report")]
pub struct UsageReport {
    /// A random id the install made once and keeps: 16 to 64 letters,
    /// digits, `-` or `_` (a UUID will do). The portal keeps only a keyed
    /// hash of it with the week.
    #[schemars(length(min = 16, max = 64), regex(pattern = r"^[A-Za-z0-9_-]+$"))]
    pub install_id: String,
    /// The product's key, as its publisher set it up.
    #[schemars(length(min = 1, max = 40), regex(pattern = r"^[a-z0-9][a-z0-9-]*$"))]
    pub product: String,
    /// The running version, as a semantic version (`1.4.2`).
    #[schemars(length(min = 1, max = 50))]
    pub version: String,
    /// The operating system: `linux`, `windows`, `macos`, `freebsd`, …
    #[schemars(length(max = 32))]
    pub os: String,
    /// The processor architecture: `x86_64`, `aarch64`, …
    #[schemars(length(max = 32))]
    pub arch: String,
    /// How many servers of each type the install manages, by type
    /// (1 to 32 of `a-z`, `0-9`, `_`, `.`, `-`): `{"postgresql": 2}`. At
    /// most 32 types, each at most 1,000,000.
    #[serde(default)]
    #[schemars(extend("maxProperties" = 32))]
    pub servers: BTreeMap<String, u32>,
    /// Problems met since the last report: at most 20.
    #[serde(default)]
    #[schemars(length(max = 20))]
    pub problems: Vec<Problem>,
}

/// A problem an install met.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    /// The product's code for it: 1 to 32 letters, digits, `_`, `.`, `-`.
    #[schemars(length(min = 1, max = 32), regex(pattern = r"^[A-Za-z0-9_.-]+$"))]
    pub code: String,
    /// A short description, at most 500 characters. Checked, then dropped:
    /// problems are counted by code only.
    #[serde(default)]
    #[schemars(length(max = 500))]
    pub message: Option<String>,
    /// How often it happened since the last report; 1 when left out.
    #[serde(default = "once")]
    #[schemars(range(min = 1, max = 1_000_000))]
    pub count: u32,
}

fn once() -> u32 {
    1
}

fn is_key(text: &str, max: usize, extra: &[u8], upper: bool) -> bool {
    (1..=max).contains(&text.len())
        && text.bytes().all(|b| {
            b.is_ascii_lowercase()
                || b.is_ascii_digit()
                || (upper && b.is_ascii_uppercase())
                || extra.contains(&b)
        })
}

impl UsageReport {
    /// What serde's types cannot say: lengths, patterns and bounds. The
    /// field at fault and why.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let bad = |field, message: &str| Err((field, message.to_owned()));
        if !(16..=64).contains(&self.install_id.len()) || !is_key(&self.install_id, 64, b"-_", true)
        {
            return bad("install_id", "must be 16 to 64 letters, digits, '-' or '_'");
        }
        if !super::releases_ssr::is_slug(&self.product) {
            return bad(
                "product",
                "must be a product key: lower-case letters, digits and '-'",
            );
        }
        if self.os.len() > 32 || self.arch.len() > 32 {
            return bad("os", "os and arch must be at most 32 characters");
        }
        if self.servers.len() > MAX_SERVER_KINDS {
            return bad("servers", "at most 32 server types");
        }
        for (kind, count) in &self.servers {
            if !is_key(kind, 32, b"_.-", false) {
                return bad(
                    "servers",
                    "a server type must be 1 to 32 of a-z, 0-9, '_', '.', '-'",
                );
            }
            if *count > MAX_SERVERS {
                return bad("servers", "at most 1,000,000 servers of a type");
            }
        }
        if self.problems.len() > MAX_PROBLEMS {
            return bad("problems", "at most 20 problems");
        }
        for problem in &self.problems {
            if !is_key(&problem.code, 32, b"_.-", true) {
                return bad(
                    "problems",
                    "a code must be 1 to 32 letters, digits, '_', '.', '-'",
                );
            }
            if problem
                .message
                .as_ref()
                .is_some_and(|m| m.chars().count() > 500)
            {
                return bad("problems", "a message must be at most 500 characters");
            }
            if !(1..=MAX_SERVERS).contains(&problem.count) {
                return bad("problems", "a count must be 1 to 1,000,000");
            }
        }
        Ok(())
    }
}

/// The Monday of `day`'s week.
pub fn week_of(day: Date) -> Date {
    day - Duration::days(i64::from(day.weekday().number_days_from_monday()))
}

/// `GET /api/usage/v1/schema.json`: the report's JSON Schema.
pub async fn schema() -> Response {
    let schema = schemars::schema_for!(UsageReport);
    (
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        )],
        Json(schema),
    )
        .into_response()
}

/// `POST /api/usage/v1` with a [`UsageReport`]: 202 when stored.
pub async fn receive(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    let too_large = || {
        json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
            "A usage report is at most 16 KiB.",
        )
    };
    if declared.is_some_and(|length| length > REPORT_MAX) {
        return too_large();
    }
    let Ok(bytes) = axum::body::to_bytes(body, REPORT_MAX).await else {
        return too_large();
    };
    let report: UsageReport = match serde_json::from_slice(&bytes) {
        Ok(report) => report,
        Err(error) => {
            return json_error(
                StatusCode::BAD_REQUEST,
                None,
                &format!("Not a usage report ({error}); see {SCHEMA_PATH}."),
            );
        }
    };
    if let Err((field, message)) = report.check() {
        return json_error(
            StatusCode::BAD_REQUEST,
            Some(field),
            &format!("{field} {message}."),
        );
    }
    let Some(version) = parse_version(&report.version) else {
        return json_error(
            StatusCode::BAD_REQUEST,
            Some("version"),
            "version must be a semantic version, e.g. 1.4.2.",
        );
    };
    let Ok(calls) = state.settings::<CallHome>() else {
        return json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            None,
            "Usage reports are not taken.",
        );
    };
    let now = state.clock.now();
    let busy = |error: DbErr| {
        tracing::warn!(%error, "storing a usage report failed");
        let mut response = json_error(StatusCode::SERVICE_UNAVAILABLE, None, "Try again later.");
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        response
    };
    let catalogue = match calls.catalogue(&state.reads, now).await {
        Ok(catalogue) => catalogue,
        Err(error) => return busy(error),
    };
    let Some((product_id, version)) = catalogue.known(&report.product, &version) else {
        return json_error(StatusCode::NOT_FOUND, Some("product"), "No such product.");
    };
    let week = week_of(now.date());
    let install = install_hash(calls, &report.product, week, &report.install_id);
    let ip = crate::ssr::request::ip_of(&headers, Some(peer), state.site.trust_forwarded_for);
    let limits = [
        (USAGE_PER_IP, ip.as_str()),
        (USAGE_PER_INSTALL, install.as_str()),
    ];
    match state.limiter.within(&state.db, &limits, now).await {
        Ok(true) => {}
        Ok(false) => {
            let mut response = json_error(
                StatusCode::TOO_MANY_REQUESTS,
                None,
                "Too many reports; one a day is plenty.",
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("3600"));
            return response;
        }
        Err(error) => return busy(error),
    }
    let stored = Stored {
        product_id,
        week,
        install,
        version,
        os: system(Some(&report.os)),
        arch: architecture(Some(&report.arch)),
        day: now.date(),
    };
    match store(&state.db, &stored, &report).await {
        Ok(()) => (
            StatusCode::ACCEPTED,
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
            Json(serde_json::json!({ "accepted": true })),
        )
            .into_response(),
        Err(error) => busy(error),
    }
}

/// The stored form of an install's id: the first 16 bytes of a keyed hash
/// of the product, the week and the id, in hex.
pub fn install_hash(calls: &CallHome, product: &str, week: Date, install_id: &str) -> String {
    let mac = calls.install_key().mac(&[
        product.as_bytes(),
        week.to_string().as_bytes(),
        install_id.as_bytes(),
    ]);
    hex::encode(&mac[..16])
}

/// A report's row, ready to store.
struct Stored {
    product_id: i64,
    week: Date,
    install: String,
    /// A published version, or `other`.
    version: String,
    os: &'static str,
    arch: &'static str,
    day: Date,
}

/// Stores a report in one transaction: the install's row of the week
/// (made or brought up to date), its servers as they are now, and its
/// problems added to those of the week.
async fn store(
    db: &sea_orm::DatabaseConnection,
    stored: &Stored,
    report: &UsageReport,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    let row = report::Entity::insert(report::ActiveModel {
        product_id: Set(stored.product_id),
        week: Set(stored.week),
        install: Set(stored.install.clone()),
        version: Set(stored.version.clone()),
        os: Set(stored.os.to_owned()),
        arch: Set(stored.arch.to_owned()),
        last_day: Set(stored.day),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            report::Column::ProductId,
            report::Column::Week,
            report::Column::Install,
        ])
        .update_columns([
            report::Column::Version,
            report::Column::Os,
            report::Column::Arch,
            report::Column::LastDay,
        ])
        .to_owned(),
    )
    .exec_with_returning(&txn)
    .await?;
    servers::Entity::delete_many()
        .filter(servers::Column::ReportId.eq(row.id))
        .exec(&txn)
        .await?;
    let kinds: Vec<_> = report
        .servers
        .iter()
        .filter(|(_, count)| **count > 0)
        .map(|(kind, count)| servers::ActiveModel {
            report_id: Set(row.id),
            kind: Set(kind.clone()),
            servers: Set(i64::from(*count)),
        })
        .collect();
    if !kinds.is_empty() {
        servers::Entity::insert_many(kinds)
            .exec_without_returning(&txn)
            .await?;
    }
    let mut occurrences: BTreeMap<&str, i64> = BTreeMap::new();
    for problem in &report.problems {
        *occurrences.entry(problem.code.as_str()).or_default() += i64::from(problem.count);
    }
    for (code, n) in occurrences {
        problems::Entity::insert(problems::ActiveModel {
            report_id: Set(row.id),
            code: Set(code.to_owned()),
            occurrences: Set(n),
        })
        .on_conflict(
            OnConflict::columns([problems::Column::ReportId, problems::Column::Code])
                .value(
                    problems::Column::Occurrences,
                    Expr::cust("usage_problems.occurrences + excluded.occurrences"),
                )
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await
}

/// Deletes usage reports and check counts older than [`KEEP_WEEKS`].
pub async fn purge<C: ConnectionTrait>(
    db: &C,
    now: OffsetDateTime,
) -> Result<crate::ssr::feature::Counts, DbErr> {
    let cutoff = week_of(now.date()) - Duration::weeks(KEEP_WEEKS);
    let reports = report::Entity::delete_many()
        .filter(report::Column::Week.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected;
    let checks = super::releases_ssr::check_count::Entity::delete_many()
        .filter(super::releases_ssr::check_count::Column::Day.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected;
    Ok(vec![
        ("old usage reports", reports),
        ("old update check counts", checks),
    ])
}
