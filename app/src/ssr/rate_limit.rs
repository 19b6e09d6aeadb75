//! Rate limits counted in the database, so that every instance shares them
//! and concurrent requests are counted exactly: one atomic upsert per hit.
//!
//! What is counted (an IP address, a login name) is stored only as an
//! HMAC-SHA-256 under a key of the day: a random key made by whichever
//! instance needs it first, kept in the database only sealed under the
//! server key (which is not in the database), and destroyed once its day is
//! over. A copy of the database therefore cannot be searched for an address,
//! and once a day's key is gone nobody can link its counters to anyone.
//! Limits start again at each rotation (midnight UTC): a window open at
//! midnight is cut short, which at most doubles what one address gets
//! through around midnight. Counters are deleted a day after their window
//! starts.
//!
//! In-memory limiters (governor and friends) would be simpler, but each
//! instance would count on its own, and several instances must share
//! their counters (docs/security.md).

use std::sync::{Arc, Mutex};

use hmac::{Hmac, Mac};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, Value};
use secrecy::{ExposeSecret, SecretBox};
use sha2::Sha256;
use time::{Date, Duration, OffsetDateTime};

use super::server_key::{ServerKey, SubKey};

/// A limit: at most `max` hits per `window`, per subject.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub bucket: &'static str,
    pub max: i32,
    pub window: Duration,
}

/// Defaults; the limits in force come from [`Limiter::sign_ins`] and
/// [`Limiter::registrations`].
const SIGN_IN_PER_IP: Limit = Limit {
    bucket: "sign_in_ip",
    max: 30,
    window: Duration::minutes(10),
};
const REGISTER_PER_IP: Limit = Limit {
    bucket: "register_ip",
    max: 10,
    window: Duration::hours(1),
};
const FORUM_POSTS_PER_IP: Limit = Limit {
    bucket: "forum_post_ip",
    max: 30,
    window: Duration::minutes(10),
};
pub const MAIL_PER_IP: Limit = Limit {
    bucket: "mail_ip",
    max: 10,
    window: Duration::hours(1),
};
/// Questions to the CLA status API from one address (CI bots ask often).
pub const CLA_STATUS_PER_IP: Limit = Limit {
    bucket: "cla_status_ip",
    max: 600,
    window: Duration::minutes(10),
};
/// Job applications from one address.
pub const APPLY_PER_IP: Limit = Limit {
    bucket: "apply_ip",
    max: 10,
    window: Duration::hours(1),
};
pub const MAIL_PER_ACCOUNT: Limit = Limit {
    bucket: "mail_account",
    max: 3,
    window: Duration::hours(1),
};
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    Limited { retry_after: Duration },
}

/// The per-address limits an operator may change: behind a company's or a
/// campus's single outgoing address, many people share one IP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerIpLimits {
    /// Registrations (with a password or a provider) per hour.
    pub registrations_per_hour: i32,
    /// Sign-in attempts (password or provider) per ten minutes.
    pub sign_ins_per_10_minutes: i32,
    /// Forum posts (threads and replies) per ten minutes.
    pub forum_posts_per_10_minutes: i32,
}

impl Default for PerIpLimits {
    fn default() -> Self {
        Self {
            registrations_per_hour: REGISTER_PER_IP.max,
            sign_ins_per_10_minutes: SIGN_IN_PER_IP.max,
            forum_posts_per_10_minutes: FORUM_POSTS_PER_IP.max,
        }
    }
}

/// A day and its key.
type DayKey = (Date, Arc<SecretBox<[u8; 32]>>);

/// The server key and the operator's limits, ready to count.
#[derive(Clone, Debug)]
pub struct Limiter {
    server_key: ServerKey,
    /// The day key in use, so that a hit does not read it every time.
    today: Arc<Mutex<Option<DayKey>>>,
    per_ip: PerIpLimits,
}

/// What the day keys are sealed with.
const DAY_KEYS: &str = "rate-limit-day-keys";

impl Limiter {
    /// A limiter whose day keys are sealed under `server_key`; checks that
    /// the table of day keys is there.
    pub async fn load(db: &DatabaseConnection, server_key: ServerKey) -> Result<Self, DbErr> {
        db.query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) FROM rate_limit_keys",
        ))
        .await?;
        Ok(Self {
            server_key,
            today: Arc::new(Mutex::new(None)),
            per_ip: PerIpLimits::default(),
        })
    }

    /// The same limiter with the operator's per-address limits.
    pub fn with_per_ip(self, per_ip: PerIpLimits) -> Self {
        Self { per_ip, ..self }
    }

    /// Registrations per IP address, as configured.
    pub fn registrations(&self) -> Limit {
        Limit {
            max: self.per_ip.registrations_per_hour,
            ..REGISTER_PER_IP
        }
    }

    /// Sign-in attempts per IP address, as configured.
    pub fn sign_ins(&self) -> Limit {
        Limit {
            max: self.per_ip.sign_ins_per_10_minutes,
            ..SIGN_IN_PER_IP
        }
    }

    /// Forum posts per IP address, as configured.
    pub fn forum_posts(&self) -> Limit {
        Limit {
            max: self.per_ip.forum_posts_per_10_minutes,
            ..FORUM_POSTS_PER_IP
        }
    }

    fn sealer(&self) -> SubKey {
        self.server_key.derive(DAY_KEYS)
    }

    /// The key of `day`, made and stored (sealed) by whoever needs it first.
    async fn day_key<C: ConnectionTrait>(
        &self,
        db: &C,
        day: Date,
    ) -> Result<Arc<SecretBox<[u8; 32]>>, DbErr> {
        if let Ok(today) = self.today.lock()
            && let Some((cached, key)) = today.as_ref()
            && *cached == day
        {
            return Ok(key.clone());
        }
        let backend = db.get_database_backend();
        let fresh = super::server_key::random_key()
            .and_then(|key| self.sealer().seal(&key))
            .map_err(|error| DbErr::Custom(error.to_string()))?;
        let insert = placeholders(
            backend,
            "INSERT INTO rate_limit_keys (day, sealed_key) VALUES (?1, ?2) \
             ON CONFLICT (day) DO NOTHING",
        );
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            insert,
            [day.to_string().into(), fresh.into()],
        ))
        .await?;
        let select = placeholders(
            backend,
            "SELECT sealed_key FROM rate_limit_keys WHERE day = ?1",
        );
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                select,
                [day.to_string().into()],
            ))
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("rate limit key".to_owned()))?;
        let key = self.open(&row.try_get::<String>("", "sealed_key")?)?;
        if let Ok(mut today) = self.today.lock() {
            *today = Some((day, key.clone()));
        }
        Ok(key)
    }

    fn open(&self, sealed: &str) -> Result<Arc<SecretBox<[u8; 32]>>, DbErr> {
        self.sealer()
            .open(sealed)
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .map(|bytes| Arc::new(SecretBox::new(Box::new(bytes))))
            .ok_or_else(|| {
                DbErr::Custom("a rate-limit key does not open with the server key".to_owned())
            })
    }

    /// The counter's key: HMAC-SHA-256 of bucket and subject under a day key.
    fn key_under(day_key: &SecretBox<[u8; 32]>, bucket: &str, subject: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(day_key.expose_secret())
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        for part in [bucket, subject] {
            mac.update(part.as_bytes());
            mac.update(&[0]);
        }
        hex::encode(mac.finalize().into_bytes())
    }

    async fn key<C: ConnectionTrait>(
        &self,
        db: &C,
        bucket: &str,
        subject: &str,
        now: OffsetDateTime,
    ) -> Result<String, DbErr> {
        let day_key = self
            .day_key(db, now.to_offset(time::UtcOffset::UTC).date())
            .await?;
        Ok(Self::key_under(&day_key, bucket, subject))
    }

    /// Counts one hit of `subject` against `limit`.
    pub async fn hit<C: ConnectionTrait>(
        &self,
        db: &C,
        limit: Limit,
        subject: &str,
        now: OffsetDateTime,
    ) -> Result<Outcome, DbErr> {
        let (hits, started, _) = self.add(db, limit, subject, now).await?;
        if hits > limit.max {
            Ok(Outcome::Limited {
                retry_after: started + limit.window - now,
            })
        } else {
            Ok(Outcome::Allowed)
        }
    }

    /// Counts a hit against each `(limit, subject)`; `false` if any of them
    /// is over its limit.
    pub async fn within<C: ConnectionTrait>(
        &self,
        db: &C,
        limits: &[(Limit, &str)],
        now: OffsetDateTime,
    ) -> Result<bool, DbErr> {
        let mut within = true;
        for (limit, subject) in limits {
            within &= self.hit(db, *limit, subject, now).await? == Outcome::Allowed;
        }
        Ok(within)
    }

    /// Like [`Self::within`], as the error a server function answers:
    /// `rate_limited` when over a limit.
    pub async fn admit(
        &self,
        db: &DatabaseConnection,
        limits: &[(Limit, &str)],
        now: OffsetDateTime,
    ) -> Result<(), crate::error::AppError> {
        match self.within(db, limits, now).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(crate::error::AppError::RateLimited),
            Err(error) => Err(super::db_error("counting attempts", error)),
        }
    }

    /// Counts one hit of `subject` and returns the hits in the current
    /// window with the time of the hit before this one (none when this hit
    /// starts the window). One statement: of parallel hits, each sees its
    /// own count and its own predecessor.
    pub async fn attempt<C: ConnectionTrait>(
        &self,
        db: &C,
        limit: Limit,
        subject: &str,
        now: OffsetDateTime,
    ) -> Result<(i32, Option<OffsetDateTime>), DbErr> {
        let (hits, _, previous) = self.add(db, limit, subject, now).await?;
        Ok((hits, previous))
    }

    /// Counts one hit and returns the hits in the current window, when it
    /// started and when the hit before was. A window that has passed starts
    /// again at one.
    async fn add<C: ConnectionTrait>(
        &self,
        db: &C,
        limit: Limit,
        subject: &str,
        now: OffsetDateTime,
    ) -> Result<(i32, OffsetDateTime, Option<OffsetDateTime>), DbErr> {
        let backend = db.get_database_backend();
        let sql = match backend {
            DbBackend::Postgres => UPSERT.replace('?', "$"),
            _ => UPSERT.to_owned(),
        };
        let values: [Value; 3] = [
            self.key(db, limit.bucket, subject, now).await?.into(),
            now.into(),
            (now - limit.window).into(),
        ];
        let row = db
            .query_one_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("rate limit counter".to_owned()))?;
        Ok((
            row.try_get("", "hits")?,
            row.try_get("", "window_started_at")?,
            row.try_get("", "previous_hit_at")?,
        ))
    }

    /// How many hits `subject` has in the current window of `limit`, and
    /// when the last one was.
    pub async fn current<C: ConnectionTrait>(
        &self,
        db: &C,
        limit: Limit,
        subject: &str,
        now: OffsetDateTime,
    ) -> Result<(i32, Option<OffsetDateTime>), DbErr> {
        let backend = db.get_database_backend();
        let sql = match backend {
            DbBackend::Postgres => {
                "SELECT hits, last_hit_at FROM rate_limits WHERE key = $1 AND window_started_at > $2"
            }
            _ => {
                "SELECT hits, last_hit_at FROM rate_limits WHERE key = ?1 AND window_started_at > ?2"
            }
        };
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [
                    self.key(db, limit.bucket, subject, now).await?.into(),
                    (now - limit.window).into(),
                ],
            ))
            .await?;
        match row {
            Some(row) => Ok((
                row.try_get("", "hits")?,
                Some(row.try_get("", "last_hit_at")?),
            )),
            None => Ok((0, None)),
        }
    }

    /// Forgets `subject`'s count, e.g. after a successful sign-in (under
    /// every day key still kept).
    pub async fn reset<C: ConnectionTrait>(
        &self,
        db: &C,
        limit: Limit,
        subject: &str,
    ) -> Result<(), DbErr> {
        let backend = db.get_database_backend();
        let keys = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT sealed_key FROM rate_limit_keys",
            ))
            .await?;
        let sql = placeholders(backend, "DELETE FROM rate_limits WHERE key = ?1");
        for row in keys {
            let day_key = self.open(&row.try_get::<String>("", "sealed_key")?)?;
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                sql.clone(),
                [Self::key_under(&day_key, limit.bucket, subject).into()],
            ))
            .await?;
        }
        Ok(())
    }
}

fn placeholders(backend: DbBackend, sql: &str) -> String {
    match backend {
        DbBackend::Postgres => sql.replace('?', "$"),
        _ => sql.to_owned(),
    }
}

/// Deletes counters whose window started more than a day ago, and destroys
/// the day keys of past days: their counters can no longer be told apart.
pub async fn purge<C: ConnectionTrait>(db: &C, now: OffsetDateTime) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let counters = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "DELETE FROM rate_limits WHERE window_started_at < ?1",
            ),
            [(now - Duration::days(1)).into()],
        ))
        .await?;
    let today = now.to_offset(time::UtcOffset::UTC).date();
    let keys = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, "DELETE FROM rate_limit_keys WHERE day < ?1"),
            [today.to_string().into()],
        ))
        .await?;
    Ok(counters.rows_affected() + keys.rows_affected())
}

/// One statement: insert the counter at one, or add one to it — starting
/// the window again if it has passed. `?1` key, `?2` now, `?3` now − window.
/// (Every right-hand side of `SET` reads the row as it was before.)
const UPSERT: &str = "INSERT INTO rate_limits (key, window_started_at, hits, last_hit_at) \
     VALUES (?1, ?2, 1, ?2) \
     ON CONFLICT (key) DO UPDATE SET last_hit_at = ?2, \
     previous_hit_at = CASE WHEN rate_limits.window_started_at <= ?3 THEN NULL \
     ELSE rate_limits.last_hit_at END, \
     hits = CASE WHEN rate_limits.window_started_at <= ?3 THEN 1 ELSE rate_limits.hits + 1 END, \
     window_started_at = CASE WHEN rate_limits.window_started_at <= ?3 THEN ?2 \
     ELSE rate_limits.window_started_at END \
     RETURNING hits, window_started_at, previous_hit_at";
