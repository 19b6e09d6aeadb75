//! Every attempt to prove who one is with a password — signing in, linking
//! a provider, changing the password or the address, turning the second
//! factor off — passes through [`admit`] before any hash is computed.
//!
//! Attempts are counted, not failures, and counted first: one atomic
//! statement per counter, so fifty parallel guesses are fifty attempts and
//! only the first five reach Argon2. They are keyed by the account the
//! login leads to, so every spelling of it (username, address, full-width
//! or upper-case forms) shares one counter; a login that leads to no
//! account is keyed by its normalised form.
//!
//! Limits, per account:
//! - from one address: five attempts an hour, then each further attempt
//!   must wait twice as long after the one before as the previous did (1 s,
//!   2 s, 4 s … at most 15 minutes) — the owner signing in from another
//!   address is not slowed down by an attacker's guesses;
//! - from anywhere: 100 attempts an hour, which stops a distributed attack
//!   and ends with the hour;
//! - and per address, whatever the account: the operator's sign-in limit.
//!
//! A successful attempt clears the per-account counters.

use sea_orm::DatabaseConnection;
use time::{Duration, OffsetDateTime};

use super::{AccountError, enforce};
use crate::ssr::rate_limit::{Limit, Limiter};

/// Attempts on one account from one address before the back-off begins.
pub const PER_ACCOUNT_AND_IP: Limit = Limit {
    bucket: "password_account_ip",
    max: 5,
    window: Duration::hours(1),
};

/// Attempts on one account from anywhere.
pub const PER_ACCOUNT: Limit = Limit {
    bucket: "password_account",
    max: 100,
    window: Duration::hours(1),
};

/// How long attempt number `attempt` (counted from one) must wait after
/// the one before it.
pub fn backoff(attempt: i32) -> Duration {
    if attempt <= PER_ACCOUNT_AND_IP.max {
        return Duration::ZERO;
    }
    let doublings = (attempt - PER_ACCOUNT_AND_IP.max - 1).clamp(0, 10);
    Duration::seconds(1_i64 << doublings).min(Duration::minutes(15))
}

/// What a password is being tried against.
pub enum Target {
    /// The account the login leads to.
    Account(i64),
    /// No account: the login in its normalised form.
    Unknown(String),
}

impl Target {
    fn subject(&self) -> String {
        match self {
            Self::Account(id) => format!("account:{id}"),
            Self::Unknown(login) => format!("login:{login}"),
        }
    }
}

/// An attempt that was let through; report its success to clear the
/// account's counters.
#[must_use]
pub struct Admitted {
    subject: String,
    pair: String,
}

/// Counts an attempt on `target` from `ip`; `RateLimited` when it is over
/// a limit, in which case no password may be checked.
pub async fn admit(
    db: &DatabaseConnection,
    limiter: &Limiter,
    now: OffsetDateTime,
    target: &Target,
    ip: &str,
) -> Result<Admitted, AccountError> {
    enforce(db, limiter, &[(limiter.sign_ins(), ip)], now).await?;
    let subject = target.subject();
    let pair = format!("{subject}\n{ip}");
    let (attempt, previous) = limiter
        .attempt(db, PER_ACCOUNT_AND_IP, &pair, now)
        .await
        .map_err(AccountError::db("counting a password attempt"))?;
    let (anywhere, _) = limiter
        .attempt(db, PER_ACCOUNT, &subject, now)
        .await
        .map_err(AccountError::db("counting a password attempt"))?;
    let too_soon = previous.is_some_and(|previous| now - previous < backoff(attempt));
    if too_soon || anywhere > PER_ACCOUNT.max {
        tracing::info!("password attempt refused by the rate limit");
        return Err(AccountError::RateLimited);
    }
    Ok(Admitted { subject, pair })
}

impl Admitted {
    /// The password was right: forget the account's attempts.
    pub async fn succeeded(
        self,
        db: &DatabaseConnection,
        limiter: &Limiter,
    ) -> Result<(), AccountError> {
        for (limit, subject) in [
            (PER_ACCOUNT_AND_IP, &self.pair),
            (PER_ACCOUNT, &self.subject),
        ] {
            limiter
                .reset(db, limit, subject)
                .await
                .map_err(AccountError::db("clearing password attempts"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_attempts_are_free_then_the_wait_doubles_up_to_15_minutes() {
        assert_eq!(backoff(1), Duration::ZERO);
        assert_eq!(backoff(5), Duration::ZERO);
        assert_eq!(backoff(6), Duration::seconds(1));
        assert_eq!(backoff(7), Duration::seconds(2));
        assert_eq!(backoff(10), Duration::seconds(16));
        assert_eq!(backoff(40), Duration::minutes(15));
    }
}
