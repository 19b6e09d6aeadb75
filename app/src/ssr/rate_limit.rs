//! Rate limits counted in the database, so that every instance shares them
//! and concurrent requests are counted exactly: one atomic upsert per hit.
//!
//! What is counted (an IP address, a login name) is stored only as a salted
//! SHA-256; the salt is made once per installation. Counters are deleted a
//! day after their window starts.
//!
//! In-memory limiters (governor and friends) would be simpler, but each
//! instance would count on its own; DESIGN.md asks for shared counters.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, Value};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

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

/// The installation's salt and the database, ready to count.
#[derive(Clone, Debug)]
pub struct Limiter {
    salt: String,
    per_ip: PerIpLimits,
}

impl Limiter {
    /// Loads the installation's salt, making it on first use.
    pub async fn load(db: &DatabaseConnection) -> Result<Self, DbErr> {
        let backend = db.get_database_backend();
        let (salt, _) = super::tokens::generate();
        let insert = match backend {
            DbBackend::Postgres => {
                "INSERT INTO installation_secrets (name, value) VALUES ($1, $2) \
                 ON CONFLICT (name) DO NOTHING"
            }
            _ => {
                "INSERT INTO installation_secrets (name, value) VALUES (?1, ?2) \
                 ON CONFLICT (name) DO NOTHING"
            }
        };
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            insert,
            ["rate_limit_salt".into(), salt.into()],
        ))
        .await?;
        let select = match backend {
            DbBackend::Postgres => "SELECT value FROM installation_secrets WHERE name = $1",
            _ => "SELECT value FROM installation_secrets WHERE name = ?1",
        };
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                select,
                ["rate_limit_salt".into()],
            ))
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("rate_limit_salt".to_owned()))?;
        Ok(Self {
            salt: row.try_get("", "value")?,
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

    fn key(&self, bucket: &str, subject: &str) -> String {
        let mut hasher = Sha256::new();
        for part in [self.salt.as_str(), bucket, subject] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        hex::encode(hasher.finalize())
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
            self.key(limit.bucket, subject).into(),
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
                    self.key(limit.bucket, subject).into(),
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

    /// Forgets `subject`'s count, e.g. after a successful sign-in.
    pub async fn reset<C: ConnectionTrait>(
        &self,
        db: &C,
        limit: Limit,
        subject: &str,
    ) -> Result<(), DbErr> {
        let backend = db.get_database_backend();
        let sql = match backend {
            DbBackend::Postgres => "DELETE FROM rate_limits WHERE key = $1",
            _ => "DELETE FROM rate_limits WHERE key = ?1",
        };
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [self.key(limit.bucket, subject).into()],
        ))
        .await?;
        Ok(())
    }
}

/// Deletes counters whose window started more than a day ago.
pub async fn purge<C: ConnectionTrait>(db: &C, now: OffsetDateTime) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "DELETE FROM rate_limits WHERE window_started_at < $1",
        _ => "DELETE FROM rate_limits WHERE window_started_at < ?1",
    };
    let result = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [(now - Duration::days(1)).into()],
        ))
        .await?;
    Ok(result.rows_affected())
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
