//! The one place that reads the system time. Everything else asks a
//! [`Clock`], so tests can move time forward (expiry, retention).

use std::sync::{Arc, Mutex};

use time::{Duration, OffsetDateTime};

#[derive(Clone, Debug)]
pub struct Clock(Arc<Source>);

#[derive(Debug)]
enum Source {
    System,
    Manual(Mutex<OffsetDateTime>),
}

impl Clock {
    /// The real clock.
    pub fn system() -> Self {
        Self(Arc::new(Source::System))
    }

    /// A clock that stands still at `start` until moved with [`Clock::advance`].
    pub fn manual(start: OffsetDateTime) -> Self {
        Self(Arc::new(Source::Manual(Mutex::new(start))))
    }

    /// The current time, truncated to whole microseconds so it survives a
    /// round trip through either database unchanged.
    pub fn now(&self) -> OffsetDateTime {
        let now = match &*self.0 {
            Source::System => system_now(),
            Source::Manual(at) => *at.lock().unwrap_or_else(|poison| poison.into_inner()),
        };
        let micros = now.microsecond();
        now.replace_microsecond(micros).unwrap_or(now)
    }

    /// Moves a manual clock forward; the system clock cannot be moved.
    pub fn advance(&self, by: Duration) {
        if let Source::Manual(at) = &*self.0 {
            let mut at = at.lock().unwrap_or_else(|poison| poison.into_inner());
            *at += by;
        }
    }
}

#[expect(
    clippy::disallowed_methods,
    reason = "the one reader of the system clock"
)]
fn system_now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = Clock::manual(datetime!(2026-01-01 00:00 UTC));
        assert_eq!(clock.now(), datetime!(2026-01-01 00:00 UTC));
        clock.advance(Duration::days(2));
        assert_eq!(clock.now(), datetime!(2026-01-03 00:00 UTC));
    }

    #[test]
    fn time_is_kept_to_microseconds() {
        let clock = Clock::manual(datetime!(2026-01-01 00:00:00.123456789 UTC));
        assert_eq!(clock.now().nanosecond(), 123_456_000);
    }
}
