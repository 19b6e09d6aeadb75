//! Recording page views without recording people (promises P1 and P2).
//!
//! A page served becomes one row of `insight_page_views` with only
//! non-identifying facts: the path (query dropped but for `utm_*`), the referring site's
//! host, browser family and major version, OS family, device class, first
//! preferred language, the country if a GeoIP database is configured, and
//! the minute. Unique visitors are told apart by a
//! visitor hash: HMAC(salt of the day, site, address and user agent). The
//! salt is derived from the day's random seed with the server key, which is
//! never in the database, and the seed is deleted once its day is over, so
//! neither a database dump nor yesterday's rows lead back to an address.
//!
//! Nothing is recorded for `Sec-GPC: 1` or `DNT: 1`, for crawlers, or for
//! prefetches. The request path only pushes the facts into a bounded
//! channel; a writer task stores them in batches. When the channel is full
//! the view is dropped and counted, so a burst never slows a page.

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration as StdDuration,
};

use axum::http::{HeaderMap, header};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter,
};
use sha2::{Digest, Sha256};
use time::{Date, Duration, OffsetDateTime};
use tokio::sync::{mpsc, oneshot};

use super::countries_ssr::Countries;
pub use crate::ssr::feature::PageRequest;
use crate::ssr::{
    Clock,
    feature::Counts,
    server_key::{ServerKey, SubKey},
};

pub mod page_view {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "insight_page_views")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: TimeDateTimeWithTimeZone,
        pub path: String,
        pub referrer_host: Option<String>,
        pub browser: String,
        pub browser_version: Option<String>,
        pub os: String,
        pub device: String,
        pub language: Option<String>,
        pub country: Option<String>,
        pub visitor: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod seed {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "insight_seeds")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: TimeDate,
        pub seed: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Page views waiting for the writer; more are dropped (and counted).
const QUEUE: usize = 10_000;
/// Rows written in one statement at most.
const BATCH: usize = 500;
/// How long the writer gathers views after the first before writing, so
/// that a burst becomes a few large transactions rather than many small
/// ones competing with the pages for the database.
const GATHER: StdDuration = StdDuration::from_millis(250);
const PATH_MAX: usize = 300;
const UTM_VALUE_MAX: usize = 60;

/// The operator's choices, from the configuration.
#[derive(Clone, Debug)]
pub struct InsightSettings {
    /// Record page views at all.
    pub enabled: bool,
    /// Days raw page views are kept.
    pub keep_days: u16,
    /// Page views recorded per network address and minute at most: more
    /// than a person reads, so that one client cannot fill the statistics
    /// (or the writer) with made-up views. The rest are dropped and counted.
    pub per_address_per_minute: u16,
    /// The GeoIP database, if the operator configured one.
    pub countries: Option<Arc<Countries>>,
}

/// The facts of one page view, in memory only until written. The address
/// and user agent are already reduced to a digest that only the writer,
/// with the salt of the day, turns into the stored visitor hash.
#[derive(Debug)]
struct Seen {
    at: OffsetDateTime,
    path: String,
    referrer_host: Option<String>,
    browser: String,
    browser_version: Option<String>,
    os: String,
    device: &'static str,
    language: Option<String>,
    country: Option<String>,
    client: [u8; 32],
}

enum Message {
    View(Box<Seen>),
    /// Answered once everything sent before it is written.
    Flush(oneshot::Sender<()>),
}

/// Records page views; cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Recorder(Arc<Inner>);

struct Inner {
    sender: mpsc::Sender<Message>,
    dropped: AtomicU64,
    settings: InsightSettings,
    clock: Clock,
    /// The site's host, so that links from its own pages are no referrer.
    site_host: String,
    /// User agents read lately: a burst comes from few browsers, and
    /// reading one takes regular expressions.
    agents: std::sync::Mutex<HashMap<u64, Option<Agent>>>,
    /// This minute's views per address (keyed by a hash, in memory only).
    per_address: std::sync::Mutex<(i64, HashMap<u64, u16>)>,
}

/// User agents remembered at most (then forgotten all at once).
const AGENTS_KEPT: usize = 1024;
/// Addresses counted per minute at most; views of further addresses in
/// that minute are dropped (memory stays bounded under a flood).
const ADDRESSES_PER_MINUTE: usize = 50_000;

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("enabled", &self.0.settings.enabled)
            .field("dropped", &self.dropped())
            .finish_non_exhaustive()
    }
}

impl Recorder {
    /// A recorder whose writer task stores views into `db`. Needs a Tokio
    /// runtime.
    pub fn start(
        db: DatabaseConnection,
        clock: Clock,
        server_key: &ServerKey,
        base_url: &str,
        settings: InsightSettings,
    ) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE);
        let site_host = url::Url::parse(base_url)
            .ok()
            .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
            .unwrap_or_default();
        let writer = Writer {
            db,
            clock: clock.clone(),
            key: server_key.derive("insights-salt"),
            site: site_host.clone(),
            salts: HashMap::new(),
        };
        tokio::spawn(writer.run(receiver));
        Self(Arc::new(Inner {
            sender,
            dropped: AtomicU64::new(0),
            settings,
            clock,
            site_host,
            agents: std::sync::Mutex::new(HashMap::new()),
            per_address: std::sync::Mutex::new((0, HashMap::new())),
        }))
    }

    pub fn settings(&self) -> &InsightSettings {
        &self.0.settings
    }

    /// Views dropped since the start because the writer fell behind.
    pub fn dropped(&self) -> u64 {
        self.0.dropped.load(Ordering::Relaxed)
    }

    /// Records a page the server served, unless the visitor asked not to
    /// be counted or is no visitor at all.
    pub fn page(&self, request: &PageRequest<'_>, trust_forwarded_for: bool) {
        if !self.0.settings.enabled || !wants_counting(request.headers) {
            return;
        }
        let Some(path) = clean_path(request.path, request.query) else {
            return;
        };
        let referrer_host = request
            .headers
            .get(header::REFERER)
            .and_then(|value| value.to_str().ok())
            .and_then(|referrer| url::Url::parse(referrer).ok())
            .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
            .filter(|host| *host != self.0.site_host && host.len() <= 253);
        self.record(request, path, referrer_host, trust_forwarded_for);
    }

    fn record(
        &self,
        request: &PageRequest<'_>,
        path: String,
        referrer_host: Option<String>,
        trust_forwarded_for: bool,
    ) {
        let user_agent = request
            .headers
            .get(header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let Some(agent) = self.agent(user_agent) else {
            return;
        };
        let address =
            crate::ssr::request::ip_of(request.headers, request.peer, trust_forwarded_for);
        let now = self.0.clock.now();
        if !self.within_limit(&address, now) {
            self.0.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let client: [u8; 32] = Sha256::new()
            .chain_update(address.as_bytes())
            .chain_update([0])
            .chain_update(user_agent.as_bytes())
            .finalize()
            .into();
        let seen = Seen {
            at: now
                - Duration::seconds(now.second().into())
                - Duration::nanoseconds(now.nanosecond().into()),
            path,
            referrer_host,
            browser: agent.browser,
            browser_version: agent.version,
            os: agent.os,
            device: agent.device,
            language: language(request.headers),
            country: self
                .0
                .settings
                .countries
                .as_ref()
                .and_then(|countries| countries.country_of(&address)),
            client,
        };
        if self
            .0
            .sender
            .try_send(Message::View(Box::new(seen)))
            .is_err()
        {
            self.0.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Whether `address` may have one more view recorded this minute.
    fn within_limit(&self, address: &str, now: OffsetDateTime) -> bool {
        let minute = now.unix_timestamp().div_euclid(60);
        let key = hash_of(address);
        let Ok(mut counted) = self.0.per_address.lock() else {
            return false;
        };
        let (of, views) = &mut *counted;
        if *of != minute {
            *of = minute;
            views.clear();
        }
        if views.len() >= ADDRESSES_PER_MINUTE && !views.contains_key(&key) {
            return false;
        }
        let seen = views.entry(key).or_insert(0);
        *seen = seen.saturating_add(1);
        *seen <= self.0.settings.per_address_per_minute
    }

    /// What is kept of `user_agent`, read once per [`AGENTS_KEPT`] distinct
    /// ones. (Only in memory; the key is a hash of the whole string.)
    fn agent(&self, user_agent: &str) -> Option<Agent> {
        let key = hash_of(user_agent);
        if let Ok(agents) = self.0.agents.lock()
            && let Some(agent) = agents.get(&key)
        {
            return agent.clone();
        }
        let agent = Agent::parse(user_agent);
        if let Ok(mut agents) = self.0.agents.lock() {
            if agents.len() >= AGENTS_KEPT {
                agents.clear();
            }
            agents.insert(key, agent.clone());
        }
        agent
    }

    /// Waits until every view recorded before this call is written (for
    /// tests and for a clean shutdown).
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.0.sender.send(Message::Flush(done)).await.is_ok() {
            let _ = tokio::time::timeout(StdDuration::from_secs(10), wait).await;
        }
    }
}

/// A hash of `text` with a key of this process, for in-memory maps only.
fn hash_of(text: &str) -> u64 {
    use std::hash::{BuildHasher, RandomState};
    static HASHER: std::sync::OnceLock<RandomState> = std::sync::OnceLock::new();
    HASHER.get_or_init(RandomState::new).hash_one(text)
}

/// Whether the request may be counted: not when the browser asks not to
/// be tracked (Global Privacy Control, or the older Do Not Track), and not
/// for a prefetch, which nobody may ever look at.
fn wants_counting(headers: &HeaderMap) -> bool {
    let says = |name: &str, value: &str| {
        headers
            .get(name)
            .and_then(|header| header.to_str().ok())
            .is_some_and(|header| header.trim() == value)
    };
    let prefetch = ["purpose", "sec-purpose", "x-moz"].iter().any(|name| {
        headers
            .get(*name)
            .and_then(|header| header.to_str().ok())
            .is_some_and(|header| header.contains("prefetch"))
    });
    !says("sec-gpc", "1") && !says("dnt", "1") && !prefetch
}

/// The path as recorded: at most [`PATH_MAX`] characters, and of the query
/// only the `utm_*` campaign tags, which name a campaign, never a person.
fn clean_path(path: &str, query: Option<&str>) -> Option<String> {
    if !path.starts_with('/') || path.starts_with("//") || path.chars().any(char::is_control) {
        return None;
    }
    let mut clean: String = path.chars().take(PATH_MAX).collect();
    let tags: Vec<String> = query
        .map(|query| {
            form_urlencoded::parse(query.as_bytes())
                .filter(|(key, value)| {
                    matches!(
                        key.as_ref(),
                        "utm_source" | "utm_medium" | "utm_campaign" | "utm_term" | "utm_content"
                    ) && !value.is_empty()
                })
                .map(|(key, value)| {
                    let value: String = value.chars().take(UTM_VALUE_MAX).collect();
                    form_urlencoded::Serializer::new(String::new())
                        .append_pair(&key, &value)
                        .finish()
                })
                .collect()
        })
        .unwrap_or_default();
    if !tags.is_empty() {
        let query = format!("?{}", tags.join("&"));
        if clean.len() + query.len() <= PATH_MAX {
            clean.push_str(&query);
        }
    }
    Some(clean)
}

/// The first language the browser prefers, as its primary subtag ("de"
/// of "de-CH"): a region would narrow a visitor down for nothing.
fn language(headers: &HeaderMap) -> Option<String> {
    let first = headers
        .get(header::ACCEPT_LANGUAGE)?
        .to_str()
        .ok()?
        .split(',')
        .next()?;
    let primary = first.split(';').next()?.trim().split('-').next()?;
    (2..=3)
        .contains(&primary.len())
        .then(|| primary.to_ascii_lowercase())
        .filter(|tag| tag.bytes().all(|b| b.is_ascii_lowercase()))
}

/// What is kept of a user agent: families and a major version only.
#[derive(Clone, Debug)]
struct Agent {
    browser: String,
    version: Option<String>,
    os: String,
    device: &'static str,
}

impl Agent {
    /// `None` for crawlers and other programs that are not a person's
    /// browser (and for requests without a user agent).
    fn parse(user_agent: &str) -> Option<Self> {
        if user_agent.is_empty() {
            return None;
        }
        let parsed = woothee::parser::Parser::new().parse(user_agent)?;
        if parsed.category == "crawler" || parsed.name == "UNKNOWN" {
            return None;
        }
        let tablet = parsed.os == "iPad" || user_agent.contains("Tablet");
        let device = match parsed.category {
            _ if tablet => "tablet",
            "pc" => "desktop",
            "smartphone" | "mobilephone" => "mobile",
            _ => "other",
        };
        let major: String = parsed
            .version
            .split('.')
            .next()
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_digit)
            .take(6)
            .collect();
        Some(Self {
            browser: parsed.name.chars().take(40).collect(),
            version: (!major.is_empty()).then_some(major),
            os: parsed.os.chars().take(40).collect(),
            device,
        })
    }
}

/// Stores what the recorder saw, in batches, with the salt of each day.
struct Writer {
    db: DatabaseConnection,
    clock: Clock,
    key: SubKey,
    site: String,
    /// Today's salt (and yesterday's, around midnight), in memory only.
    salts: HashMap<Date, [u8; 32]>,
}

impl Writer {
    async fn run(mut self, mut receiver: mpsc::Receiver<Message>) {
        let mut messages = Vec::with_capacity(BATCH);
        while receiver.recv_many(&mut messages, BATCH).await > 0 {
            let flushing = messages
                .iter()
                .any(|message| matches!(message, Message::Flush(_)));
            if !flushing && messages.len() < BATCH {
                tokio::time::sleep(GATHER).await;
                while messages.len() < BATCH {
                    match receiver.try_recv() {
                        Ok(message) => messages.push(message),
                        Err(_) => break,
                    }
                }
            }
            let mut views = Vec::new();
            let mut flushed = Vec::new();
            for message in messages.drain(..) {
                match message {
                    Message::View(seen) => views.push(*seen),
                    Message::Flush(done) => flushed.push(done),
                }
            }
            if let Err(error) = self.write(views).await {
                tracing::warn!(%error, "page views could not be written");
            }
            for done in flushed {
                let _ = done.send(());
            }
        }
    }

    async fn write(&mut self, views: Vec<Seen>) -> Result<(), DbErr> {
        if views.is_empty() {
            return Ok(());
        }
        let today = self.clock.now().date();
        self.salts
            .retain(|day, _| *day >= today - Duration::days(1));
        let mut rows = Vec::with_capacity(views.len());
        for seen in views {
            let day = seen.at.date();
            let Some(salt) = self.salt(day, today).await? else {
                continue;
            };
            let visitor =
                hex::encode(&hmac_sha256(&salt, &[self.site.as_bytes(), &seen.client])[..16]);
            rows.push(page_view::ActiveModel {
                at: Set(seen.at),
                path: Set(seen.path),
                referrer_host: Set(seen.referrer_host),
                browser: Set(seen.browser),
                browser_version: Set(seen.browser_version),
                os: Set(seen.os),
                device: Set(seen.device.to_owned()),
                language: Set(seen.language),
                country: Set(seen.country),
                visitor: Set(visitor),
                ..Default::default()
            });
        }
        if !rows.is_empty() {
            page_view::Entity::insert_many(rows).exec(&self.db).await?;
        }
        Ok(())
    }

    /// The salt of `day`: made on the first view of the day (by whichever
    /// instance comes first), the same for every instance. A view of a day
    /// already over whose salt is gone is not stored: its seed must never
    /// be made again.
    async fn salt(&mut self, day: Date, today: Date) -> Result<Option<[u8; 32]>, DbErr> {
        if let Some(salt) = self.salts.get(&day) {
            return Ok(Some(*salt));
        }
        if day != today {
            return Ok(None);
        }
        let (fresh, _) = crate::ssr::tokens::generate();
        seed::Entity::insert(seed::ActiveModel {
            day: Set(day),
            seed: Set(fresh),
        })
        .on_conflict_do_nothing_on([seed::Column::Day])
        .exec(&self.db)
        .await?;
        let Some(row) = seed::Entity::find_by_id(day).one(&self.db).await? else {
            return Ok(None);
        };
        let salt = self.key.mac(&[row.seed.as_bytes()]);
        self.salts.insert(day, salt);
        Ok(Some(salt))
    }
}

fn hmac_sha256(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key) else {
        return [0; 32];
    };
    for part in parts {
        mac.update(part);
        mac.update(&[0]);
    }
    mac.finalize().into_bytes().into()
}

/// Deletes page views older than the configured days, and the seeds of
/// days that are over (which makes their salts unrecoverable).
pub async fn purge<C: ConnectionTrait>(
    db: &C,
    settings: &InsightSettings,
    now: OffsetDateTime,
) -> Result<Counts, DbErr> {
    let views = page_view::Entity::delete_many()
        .filter(page_view::Column::At.lt(now - Duration::days(settings.keep_days.into())))
        .exec(db)
        .await?
        .rows_affected;
    let seeds = seed::Entity::delete_many()
        .filter(seed::Column::Day.lt(now.date()))
        .exec(db)
        .await?
        .rows_affected;
    Ok(vec![
        ("page views past their retention", views),
        ("visitor salts of days that are over", seeds),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_is_dropped_but_for_campaign_tags() {
        assert_eq!(
            clean_path("/forum", Some("token=secret&utm_source=mastodon&page=2")).as_deref(),
            Some("/forum?utm_source=mastodon")
        );
        assert_eq!(
            clean_path("/jobs", Some("email=ada%40example.org")).as_deref(),
            Some("/jobs")
        );
        assert_eq!(clean_path("//evil.example", None), None);
        assert_eq!(clean_path("relative", None), None);
        assert_eq!(
            clean_path(&"/a".repeat(400), None).map(|p| p.len()),
            Some(PATH_MAX)
        );
    }

    #[test]
    fn only_the_primary_language_is_kept() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_LANGUAGE,
            "de-CH,de;q=0.9,en;q=0.8"
                .parse()
                .unwrap_or_else(|_| unreachable!()),
        );
        assert_eq!(language(&headers).as_deref(), Some("de"));
        headers.insert(
            header::ACCEPT_LANGUAGE,
            "*".parse().unwrap_or_else(|_| unreachable!()),
        );
        assert_eq!(language(&headers), None);
    }

    #[test]
    fn crawlers_are_not_visitors_and_browsers_keep_a_major_version() {
        assert!(
            Agent::parse(
                "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
            )
            .is_none()
        );
        assert!(Agent::parse("").is_none());
        let firefox =
            Agent::parse("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0");
        let firefox = firefox.as_ref().map(|a| {
            (
                a.browser.as_str(),
                a.version.as_deref(),
                a.os.as_str(),
                a.device,
            )
        });
        assert_eq!(firefox, Some(("Firefox", Some("133"), "Linux", "desktop")));
    }
}
