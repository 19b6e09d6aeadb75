//! Call home, the server side of update checks: the catalogue of products
//! and releases administrators publish, `GET /api/updates/v1` that reads
//! it, and the daily counts of checks.
//!
//! A check is answered from a copy of the catalogue held in memory for
//! [`CATALOGUE_FRESH`] (an administrator's change on this instance drops
//! it at once), so a flood of checks never reaches the database. Each
//! check adds one to a counter in memory keyed by day, product, version,
//! channel, system and architecture; the counters are added to
//! `update_check_counts` at most every [`WRITE_AFTER`]. Nothing of a single
//! check (its address, its time) is kept. The key space is bounded: a
//! version the catalogue does not know counts as `other`, and so does a
//! system or architecture outside [`SYSTEMS`] and [`ARCHITECTURES`].

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock},
};

use axum::{
    Json,
    extract::{Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, OnConflict},
};
use semver::Version;
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

use super::releases::{ProductRow, ReleaseRow};
use crate::{
    error::AppError,
    ssr::{
        AppState, db_error,
        server_key::{ServerKey, SubKey},
    },
};

pub mod product {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "release_products")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub slug: String,
        pub name: String,
        /// Channel names, most stable first, separated by commas.
        pub channels: String,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod release {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "releases")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub product_id: i64,
        pub version: String,
        pub channel: String,
        pub released_on: TimeDate,
        pub notes_url: String,
        pub security: bool,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod check_count {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "update_check_counts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub product_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: TimeDate,
        #[sea_orm(primary_key, auto_increment = false)]
        pub version: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub channel: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub os: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub arch: String,
        pub checks: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Where products ask whether there is a newer version.
pub const UPDATES_PATH: &str = "/api/updates/v1";

/// How long a copy of the catalogue answers checks before it is read again.
const CATALOGUE_FRESH: Duration = Duration::seconds(30);
/// How old the counts may grow before a check writes them.
const WRITE_AFTER: Duration = Duration::seconds(10);

/// Systems counted by name; any other is `other`, none given `unknown`.
pub const SYSTEMS: &[&str] = &[
    "linux", "windows", "macos", "freebsd", "openbsd", "netbsd", "illumos", "android", "ios",
];
/// Architectures counted by name, as [`SYSTEMS`].
pub const ARCHITECTURES: &[&str] = &[
    "x86_64", "aarch64", "x86", "arm", "riscv64", "ppc64le", "s390x",
];

/// A system as a product names it, reduced to one of [`SYSTEMS`],
/// `other` or `unknown`.
pub fn system(raw: Option<&str>) -> &'static str {
    let Some(raw) = raw.map(str::trim).filter(|raw| !raw.is_empty()) else {
        return "unknown";
    };
    let raw = raw.to_ascii_lowercase();
    let name = match raw.as_str() {
        "darwin" | "osx" | "mac" | "macosx" => "macos",
        "win" | "win32" | "win64" | "windows_nt" => "windows",
        "sunos" | "solaris" => "illumos",
        other => other,
    };
    SYSTEMS
        .iter()
        .find(|known| **known == name)
        .copied()
        .unwrap_or("other")
}

/// An architecture as a product names it, reduced like [`system`].
pub fn architecture(raw: Option<&str>) -> &'static str {
    let Some(raw) = raw.map(str::trim).filter(|raw| !raw.is_empty()) else {
        return "unknown";
    };
    let raw = raw.to_ascii_lowercase();
    let name = match raw.as_str() {
        "amd64" | "x64" | "x86-64" => "x86_64",
        "arm64" | "armv8" => "aarch64",
        "i386" | "i486" | "i586" | "i686" | "386" | "ia32" => "x86",
        "armv7" | "armv7l" | "armhf" | "armv6" | "armv6l" => "arm",
        "ppc64el" => "ppc64le",
        other => other,
    };
    ARCHITECTURES
        .iter()
        .find(|known| **known == name)
        .copied()
        .unwrap_or("other")
}

/// A version as products and administrators write it: semantic
/// versioning, with or without a leading `v`, at most 50 characters.
pub fn parse_version(raw: &str) -> Option<Version> {
    let raw = raw.trim();
    if raw.len() > 50 {
        return None;
    }
    Version::parse(raw.strip_prefix('v').unwrap_or(raw)).ok()
}

/// A product's key in URLs and reports: 1–40 of `a-z`, `0-9` and `-`,
/// starting with a letter or digit.
pub fn is_slug(text: &str) -> bool {
    (1..=40).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
}

/// The catalogue as checks read it.
#[derive(Debug, Default)]
pub struct Catalogue {
    products: HashMap<String, Product>,
}

impl Catalogue {
    /// The product `slug`'s id and how `version` is counted: as published,
    /// or `other`.
    pub fn known(&self, slug: &str, version: &Version) -> Option<(i64, String)> {
        let product = self.products.get(slug)?;
        Some((product.id, product.counted(version).to_owned()))
    }
}

#[derive(Debug)]
struct Product {
    id: i64,
    channels: Vec<String>,
    /// Oldest version first.
    releases: Vec<Release>,
}

#[derive(Debug)]
struct Release {
    version: Version,
    text: String,
    channel: usize,
    released_on: Date,
    notes_url: String,
    security: bool,
}

/// What a check answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateAnswer {
    pub product: String,
    pub channel: String,
    pub current: String,
    /// The newest version on the channel (or a more stable one), if any.
    pub latest: Option<String>,
    pub update_available: bool,
    /// Whether a version after `current`, up to `latest`, fixes a security
    /// problem.
    pub security: bool,
    pub released_on: Option<String>,
    pub notes_url: Option<String>,
}

impl Product {
    /// `version` as published, or `other` when it was not: the counts
    /// name only versions an administrator published.
    fn counted(&self, version: &Version) -> &str {
        self.releases
            .iter()
            .find(|release| release.version == *version)
            .map_or("other", |release| release.text.as_str())
    }

    /// The answer for `current` on the channel at `channel`: the newest
    /// release on that channel or a more stable one.
    fn answer(&self, current: &Version, channel: usize) -> (Option<&Release>, bool) {
        let eligible = || {
            self.releases
                .iter()
                .filter(move |release| release.channel <= channel)
        };
        let latest = eligible().max_by(|a, b| a.version.cmp(&b.version));
        let security = latest.is_some_and(|latest| {
            eligible().any(|release| {
                release.security && &release.version > current && release.version <= latest.version
            })
        });
        (latest, security)
    }
}

/// Counters of checks not yet written.
#[derive(Debug, Default)]
struct Tally {
    checks: HashMap<CheckKey, i64>,
    flushed_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CheckKey {
    product: i64,
    day: Date,
    version: String,
    channel: String,
    os: &'static str,
    arch: &'static str,
}

/// Call home's shared parts: the catalogue's copy, the check counters and
/// the key that hashes install ids. Cheap to clone.
#[derive(Clone)]
pub struct CallHome(Arc<Inner>);

struct Inner {
    install_key: SubKey,
    catalogue: RwLock<Option<(OffsetDateTime, Arc<Catalogue>)>>,
    loading: tokio::sync::Mutex<()>,
    tally: Mutex<Tally>,
}

impl CallHome {
    pub fn new(server_key: &ServerKey) -> Self {
        Self(Arc::new(Inner {
            install_key: server_key.derive("usage-install"),
            catalogue: RwLock::new(None),
            loading: tokio::sync::Mutex::new(()),
            tally: Mutex::new(Tally::default()),
        }))
    }

    /// The key install ids are hashed with.
    pub(super) fn install_key(&self) -> &SubKey {
        &self.0.install_key
    }

    fn tally(&self) -> MutexGuard<'_, Tally> {
        // Plain counters: whatever a panicking holder left is still good.
        self.0.tally.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn cached(&self, now: OffsetDateTime) -> Option<Arc<Catalogue>> {
        let copy = self
            .0
            .catalogue
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        copy.as_ref()
            .filter(|(loaded_at, _)| now - *loaded_at < CATALOGUE_FRESH)
            .map(|(_, catalogue)| catalogue.clone())
    }

    /// The catalogue, read again when the copy is older than
    /// [`CATALOGUE_FRESH`]; one reader at a time.
    pub async fn catalogue<C: ConnectionTrait>(
        &self,
        db: &C,
        now: OffsetDateTime,
    ) -> Result<Arc<Catalogue>, DbErr> {
        if let Some(catalogue) = self.cached(now) {
            return Ok(catalogue);
        }
        let _loading = self.0.loading.lock().await;
        if let Some(catalogue) = self.cached(now) {
            return Ok(catalogue);
        }
        let catalogue = Arc::new(load_catalogue(db).await?);
        *self
            .0
            .catalogue
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some((now, catalogue.clone()));
        Ok(catalogue)
    }

    /// Drops the copy, after an administrator's change.
    pub fn forget_catalogue(&self) {
        *self
            .0
            .catalogue
            .write()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }

    fn count(&self, key: CheckKey) {
        *self.tally().checks.entry(key).or_default() += 1;
    }

    /// Writes the counters in the background if nobody has for
    /// [`WRITE_AFTER`].
    fn write_if_stale(&self, state: &AppState) {
        let now = state.clock.now();
        {
            let mut tally = self.tally();
            if tally.flushed_at.is_some_and(|at| now - at < WRITE_AFTER) {
                return;
            }
            tally.flushed_at = Some(now);
        }
        let (calls, db) = (self.clone(), state.db.clone());
        tokio::spawn(async move {
            if let Err(error) = calls.flush(&db, now).await {
                tracing::warn!(%error, "writing update check counts failed");
            }
        });
    }

    /// Adds the counted checks to `update_check_counts`; how many checks
    /// were written. Counters that fail to be written are kept for the
    /// next round.
    pub async fn flush<C: ConnectionTrait>(
        &self,
        db: &C,
        now: OffsetDateTime,
    ) -> Result<u64, DbErr> {
        let checks = {
            let mut tally = self.tally();
            tally.flushed_at = Some(now);
            std::mem::take(&mut tally.checks)
        };
        let mut written = 0;
        let mut entries = checks.into_iter();
        while let Some((key, n)) = entries.next() {
            let row = check_count::ActiveModel {
                product_id: Set(key.product),
                day: Set(key.day),
                version: Set(key.version.clone()),
                channel: Set(key.channel.clone()),
                os: Set(key.os.to_owned()),
                arch: Set(key.arch.to_owned()),
                checks: Set(n),
            };
            let upsert = check_count::Entity::insert(row)
                .on_conflict(
                    OnConflict::columns([
                        check_count::Column::ProductId,
                        check_count::Column::Day,
                        check_count::Column::Version,
                        check_count::Column::Channel,
                        check_count::Column::Os,
                        check_count::Column::Arch,
                    ])
                    .value(
                        check_count::Column::Checks,
                        Expr::cust("update_check_counts.checks + excluded.checks"),
                    )
                    .to_owned(),
                )
                .exec_without_returning(db)
                .await;
            if let Err(error) = upsert {
                // Keep this and the rest for the next round.
                let mut tally = self.tally();
                *tally.checks.entry(key).or_default() += n;
                for (key, n) in entries {
                    *tally.checks.entry(key).or_default() += n;
                }
                return Err(error);
            }
            written += n.unsigned_abs();
        }
        Ok(written)
    }
}

async fn load_catalogue<C: ConnectionTrait>(db: &C) -> Result<Catalogue, DbErr> {
    let products = product::Entity::find().all(db).await?;
    let releases = release::Entity::find()
        .order_by_asc(release::Column::Id)
        .all(db)
        .await?;
    let mut by_id: HashMap<i64, Product> = products
        .iter()
        .map(|row| {
            let product = Product {
                id: row.id,
                channels: channels(&row.channels),
                releases: Vec::new(),
            };
            (row.id, product)
        })
        .collect();
    for row in releases {
        let Some(product) = by_id.get_mut(&row.product_id) else {
            continue;
        };
        let (Some(version), Some(channel)) = (
            parse_version(&row.version),
            product.channels.iter().position(|c| *c == row.channel),
        ) else {
            continue;
        };
        product.releases.push(Release {
            version,
            text: row.version,
            channel,
            released_on: row.released_on,
            notes_url: row.notes_url,
            security: row.security,
        });
    }
    let mut catalogue = Catalogue::default();
    for row in products {
        if let Some(mut product) = by_id.remove(&row.id) {
            product.releases.sort_by(|a, b| a.version.cmp(&b.version));
            catalogue.products.insert(row.slug, product);
        }
    }
    Ok(catalogue)
}

/// A product's channels, in order, from their stored form.
pub fn channels(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .map(str::trim)
        .filter(|channel| !channel.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The query of an update check; every field is optional so that a
/// missing one is answered with a message rather than a bare 400.
#[derive(Debug, Default, Deserialize)]
pub struct CheckQuery {
    product: Option<String>,
    version: Option<String>,
    channel: Option<String>,
    os: Option<String>,
    arch: Option<String>,
}

/// A JSON error a product can show: `{"error": …, "field": …}`.
pub fn json_error(status: StatusCode, field: Option<&str>, message: &str) -> Response {
    let body = serde_json::json!({ "error": message, "field": field });
    (status, no_store(), Json(body)).into_response()
}

fn no_store() -> [(header::HeaderName, HeaderValue); 1] {
    [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))]
}

/// `GET /api/updates/v1?product=…&version=…&channel=…&os=…&arch=…`.
pub async fn update_check(
    State(state): State<AppState>,
    query: Result<Query<CheckQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return json_error(
            StatusCode::BAD_REQUEST,
            None,
            "The query could not be read.",
        );
    };
    let Ok(calls) = state.settings::<CallHome>() else {
        return json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            None,
            "Update checks are not available.",
        );
    };
    let now = state.clock.now();
    let Some(slug) = query
        .product
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    else {
        return json_error(
            StatusCode::BAD_REQUEST,
            Some("product"),
            "Say which product: ?product=…",
        );
    };
    let Some(current) = query.version.as_deref().and_then(parse_version) else {
        return json_error(
            StatusCode::BAD_REQUEST,
            Some("version"),
            "Give the running version as a semantic version, e.g. ?version=1.4.2.",
        );
    };
    let catalogue = match calls.catalogue(&state.reads, now).await {
        Ok(catalogue) => catalogue,
        Err(error) => {
            tracing::warn!(%error, "reading the release catalogue failed");
            return json_error(StatusCode::SERVICE_UNAVAILABLE, None, "Try again later.");
        }
    };
    let Some(product) = catalogue.products.get(slug) else {
        return json_error(StatusCode::NOT_FOUND, Some("product"), "No such product.");
    };
    let channel = match query
        .channel
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => 0,
        Some(name) => match product.channels.iter().position(|c| c == name) {
            Some(index) => index,
            None => {
                let known = product.channels.join(", ");
                return json_error(
                    StatusCode::BAD_REQUEST,
                    Some("channel"),
                    &format!("No such channel; this product has: {known}."),
                );
            }
        },
    };
    let (latest, security) = product.answer(&current, channel);
    let counted_version = product.counted(&current);
    calls.count(CheckKey {
        product: product.id,
        day: now.date(),
        version: counted_version.to_owned(),
        channel: product.channels[channel].clone(),
        os: system(query.os.as_deref()),
        arch: architecture(query.arch.as_deref()),
    });
    calls.write_if_stale(&state);
    let answer = UpdateAnswer {
        product: slug.to_owned(),
        channel: product.channels[channel].clone(),
        current: current.to_string(),
        update_available: latest.is_some_and(|latest| latest.version > current),
        security,
        latest: latest.map(|release| release.text.clone()),
        released_on: latest.map(|release| release.released_on.to_string()),
        notes_url: latest
            .map(|release| release.notes_url.clone())
            .filter(|url| !url.is_empty()),
    };
    (no_store(), Json(answer)).into_response()
}

/// Every product with its releases, newest version first, for
/// `/admin/releases`.
pub async fn products<C: ConnectionTrait>(db: &C) -> Result<Vec<ProductRow>, AppError> {
    let failed = |error| db_error("listing products", error);
    let products = product::Entity::find()
        .order_by_asc(product::Column::Name)
        .all(db)
        .await
        .map_err(failed)?;
    let releases = release::Entity::find().all(db).await.map_err(failed)?;
    Ok(products
        .into_iter()
        .map(|row| {
            let mut mine: Vec<_> = releases
                .iter()
                .filter(|release| release.product_id == row.id)
                .collect();
            mine.sort_by_key(|release| std::cmp::Reverse(parse_version(&release.version)));
            ProductRow {
                id: row.id,
                slug: row.slug,
                name: row.name,
                channels: channels(&row.channels),
                releases: mine
                    .into_iter()
                    .map(|release| ReleaseRow {
                        id: release.id,
                        version: release.version.clone(),
                        channel: release.channel.clone(),
                        released_on: release.released_on.to_string(),
                        notes_url: release.notes_url.clone(),
                        security: release.security,
                    })
                    .collect(),
            }
        })
        .collect())
}

/// A product's fields as an administrator typed them, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductInput {
    pub slug: String,
    pub name: String,
    pub channels: Vec<String>,
}

impl ProductInput {
    pub fn parse(slug: &str, name: &str, channels: &str) -> Result<Self, AppError> {
        let slug = slug.trim();
        if !is_slug(slug) {
            return Err(AppError::invalid(
                "slug",
                "Use 1 to 40 lower-case letters, digits and hyphens, starting with a letter or digit.",
            ));
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid(
                "name",
                "Give the product a name of at most 100 characters.",
            ));
        }
        let list: Vec<String> = channels
            .split(',')
            .map(|channel| channel.trim().to_ascii_lowercase())
            .filter(|channel| !channel.is_empty())
            .collect();
        let distinct = list
            .iter()
            .enumerate()
            .all(|(i, channel)| !list[..i].contains(channel));
        if list.is_empty()
            || list.len() > 8
            || !distinct
            || !list
                .iter()
                .all(|channel| channel.len() <= 20 && is_slug(channel))
        {
            return Err(AppError::invalid(
                "channels",
                "List 1 to 8 different channels, most stable first, separated by commas (e.g. stable, beta); each 1 to 20 lower-case letters, digits and hyphens.",
            ));
        }
        Ok(Self {
            slug: slug.to_owned(),
            name: name.to_owned(),
            channels: list,
        })
    }
}

/// Makes a product (no `id`) or changes one. A channel that releases
/// still use cannot be removed, and two products never share a key.
pub async fn save_product<C: ConnectionTrait>(
    db: &C,
    id: Option<i64>,
    input: ProductInput,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let failed = |error| db_error("saving a product", error);
    let taken = product::Entity::find()
        .filter(product::Column::Slug.eq(&input.slug))
        .one(db)
        .await
        .map_err(failed)?;
    if taken.is_some_and(|other| Some(other.id) != id) {
        return Err(AppError::invalid("slug", "Another product has this key."));
    }
    let stored = input.channels.join(",");
    match id {
        None => {
            product::Entity::insert(product::ActiveModel {
                slug: Set(input.slug),
                name: Set(input.name),
                channels: Set(stored),
                created_at: Set(now),
                ..Default::default()
            })
            .exec(db)
            .await
            .map_err(failed)?;
        }
        Some(id) => {
            product::Entity::find_by_id(id)
                .one(db)
                .await
                .map_err(failed)?
                .ok_or(AppError::NotFound)?;
            let used = release::Entity::find()
                .filter(release::Column::ProductId.eq(id))
                .all(db)
                .await
                .map_err(failed)?;
            if let Some(orphan) = used.iter().find(|r| !input.channels.contains(&r.channel)) {
                return Err(AppError::invalid(
                    "channels",
                    format!(
                        "Version {} is on the channel {}: keep that channel, or withdraw the release first.",
                        orphan.version, orphan.channel
                    ),
                ));
            }
            product::Entity::update_many()
                .col_expr(product::Column::Slug, Expr::value(input.slug))
                .col_expr(product::Column::Name, Expr::value(input.name))
                .col_expr(product::Column::Channels, Expr::value(stored))
                .filter(product::Column::Id.eq(id))
                .exec(db)
                .await
                .map_err(failed)?;
        }
    }
    Ok(())
}

/// A release as an administrator typed it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseForm {
    pub product_id: i64,
    pub version: String,
    pub channel: String,
    /// `YYYY-MM-DD`; today when empty.
    pub released_on: String,
    pub notes_url: String,
    pub security: bool,
}

/// Publishes a release of a product, checked against it; a version is
/// published once.
pub async fn publish<C: ConnectionTrait>(
    db: &C,
    form: &ReleaseForm,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let ReleaseForm {
        product_id,
        ref version,
        ref channel,
        ref released_on,
        ref notes_url,
        security,
    } = *form;
    let failed = |error| db_error("publishing a release", error);
    let product = product::Entity::find_by_id(product_id)
        .one(db)
        .await
        .map_err(failed)?
        .ok_or(AppError::NotFound)?;
    let Some(parsed) = parse_version(version) else {
        return Err(AppError::invalid(
            "version",
            "Write the version as a semantic version, e.g. 1.4.2 or 2.0.0-beta.1.",
        ));
    };
    let version = parsed.to_string();
    if !channels(&product.channels).iter().any(|c| c == channel) {
        return Err(AppError::invalid(
            "channel",
            "Choose one of the product's channels.",
        ));
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let released_on = if released_on.trim().is_empty() {
        now.date()
    } else {
        Date::parse(released_on.trim(), &format).map_err(|_| {
            AppError::invalid(
                "released_on",
                "Give the date as YYYY-MM-DD, e.g. 2026-12-07.",
            )
        })?
    };
    let notes_url = notes_url.trim();
    let is_web = |url: &str| {
        url::Url::parse(url).is_ok_and(|parsed| {
            matches!(parsed.scheme(), "https" | "http") && parsed.host().is_some()
        })
    };
    if !notes_url.is_empty() && (notes_url.len() > 500 || !is_web(notes_url)) {
        return Err(AppError::invalid(
            "notes_url",
            "Give the release notes' web address (https://…), at most 500 characters, or leave it empty.",
        ));
    }
    let published = release::Entity::find()
        .filter(release::Column::ProductId.eq(product_id))
        .filter(release::Column::Version.eq(&version))
        .one(db)
        .await
        .map_err(failed)?;
    if published.is_some() {
        return Err(AppError::invalid(
            "version",
            "This version is already published.",
        ));
    }
    release::Entity::insert(release::ActiveModel {
        product_id: Set(product_id),
        version: Set(version),
        channel: Set(channel.to_owned()),
        released_on: Set(released_on),
        notes_url: Set(notes_url.to_owned()),
        security: Set(security),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await
    .map_err(failed)?;
    Ok(())
}

/// Withdraws a release: checks no longer offer it.
pub async fn withdraw<C: ConnectionTrait>(db: &C, id: i64) -> Result<(), AppError> {
    let deleted = release::Entity::delete_by_id(id)
        .exec(db)
        .await
        .map_err(|error| db_error("withdrawing a release", error))?;
    if deleted.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
