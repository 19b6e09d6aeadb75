//! Password rules and Argon2id hashing (OWASP: m = 19 MiB, t = 2, p = 1),
//! always off the async runtime.

use std::{
    sync::{
        Arc, LazyLock, Mutex,
        atomic::{AtomicU64, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use argon2::{
    ARGON2ID_IDENT, Algorithm, Argon2, Block, Params, PasswordHash, Version,
    password_hash::{self, Output, ParamsString, SaltString, rand_core::OsRng},
};
use secrecy::{ExposeSecret, SecretString};

use super::AccountError;

/// A password as typed: 12–128 characters, not on the list of common
/// passwords, never logged or serialised.
pub struct Password(SecretString);

/// Passwords of 12 or more characters from the OWASP SecLists "top one
/// million" list (CC BY-SA 3.0, see docs/accounts.md), lower-cased.
static COMMON: LazyLock<std::collections::HashSet<&'static str>> =
    LazyLock::new(|| include_str!("../common-passwords.txt").lines().collect());

impl Password {
    pub const MIN: usize = 12;
    pub const MAX: usize = 128;

    pub fn parse(input: SecretString) -> Result<Self, String> {
        let length = input.expose_secret().chars().count();
        if length < Self::MIN {
            return Err(format!("Use at least {} characters.", Self::MIN));
        }
        if length > Self::MAX {
            return Err(format!("Use at most {} characters.", Self::MAX));
        }
        if COMMON.contains(input.expose_secret().to_lowercase().as_str()) {
            return Err(
                "This password is on a list of commonly used passwords; please choose another."
                    .to_owned(),
            );
        }
        Ok(Self(input))
    }
}

fn argon2() -> Result<Argon2<'static>, AccountError> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|error| AccountError::Hash(error.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Argon2 takes 19 MiB and a core for each hash. Hashes run on a few
/// threads of their own, one per core, fed by a short queue. A hash that
/// could not start within [`WAIT_BUDGET`] (the hashes ahead of it, spread
/// over the cores, times the recent time of a hash) is answered `busy` at
/// once, and so is one that finds the queue full or, having waited past
/// [`LONGEST_WAIT`] after all, would start too late; nobody waits in line
/// for a second rather than piling up memory and threads. However many requests
/// arrive, hashing never holds more than `cores × 19 MiB` — and since only
/// these threads ever hash, the allocator keeps at most that much for
/// reuse (the blocking pool's hundreds of threads would each keep their
/// own).
struct HashingPool {
    queue: std::sync::mpsc::SyncSender<Job>,
}

type Job = Box<dyn FnOnce() + Send>;

/// Hashes that may wait for a core, per core.
const WAITING_PER_CORE: usize = 32;
/// How long a hash may expect to wait for a core; past it, `busy` at once.
const WAIT_BUDGET: Duration = Duration::from_millis(50);
/// How long a hash admitted may wait for a core after all (the estimate
/// was wrong, or the machine is busy with other work: a command-line
/// process on a loaded machine may wait for its first thread that long).
const LONGEST_WAIT: Duration = Duration::from_secs(2);
/// What a hash is assumed to take before one has been timed, in
/// microseconds.
const FIRST_GUESS_MICROS: u64 = 30_000;

/// Hashes queued and not yet started.
static WAITING: AtomicUsize = AtomicUsize::new(0);
/// A moving average of how long a hash takes, in microseconds.
static HASH_MICROS: AtomicU64 = AtomicU64::new(FIRST_GUESS_MICROS);

/// Whether a hash with `waiting` others ahead of it, on `cores` threads
/// that take `per_hash` each, starts within [`WAIT_BUDGET`].
fn starts_in_time(waiting: usize, cores: usize, per_hash: Duration) -> bool {
    let rounds = u32::try_from(waiting / cores.max(1)).unwrap_or(u32::MAX);
    per_hash.saturating_mul(rounds) <= WAIT_BUDGET
}

/// Adds one hash's time to the moving average (an eighth of the new one).
fn note_hash_time(took: Duration) {
    let sample = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
    let _ = HASH_MICROS.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |mean| {
        Some(mean - mean / 8 + sample / 8)
    });
}

fn cores() -> usize {
    static CORES: LazyLock<usize> =
        LazyLock::new(|| std::thread::available_parallelism().map_or(2, std::num::NonZero::get));
    *CORES
}

static POOL: LazyLock<HashingPool> = LazyLock::new(|| {
    let cores = cores();
    let (queue, jobs) = std::sync::mpsc::sync_channel::<Job>(cores * WAITING_PER_CORE);
    let jobs = Arc::new(Mutex::new(jobs));
    for index in 0..cores {
        let jobs = Arc::clone(&jobs);
        let spawned = std::thread::Builder::new()
            .name(format!("password-hash-{index}"))
            .spawn(move || {
                loop {
                    // The lock is held only while taking a job, not while running it.
                    let job = match jobs.lock() {
                        Ok(receiver) => receiver.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            });
        if let Err(error) = spawned {
            tracing::error!(%error, "could not start a password hashing thread");
        }
    }
    HashingPool { queue }
});

/// Counts a request refused for want of a core, and says how many were
/// in one log line at most every ten seconds: a flood must not become a
/// flood of log lines.
fn note_refusal() {
    static STARTED: LazyLock<Instant> = LazyLock::new(Instant::now);
    static REFUSED: AtomicU64 = AtomicU64::new(0);
    static LOGGED_AT: AtomicU64 = AtomicU64::new(0);
    REFUSED.fetch_add(1, Ordering::Relaxed);
    let now = STARTED.elapsed().as_secs() + 10;
    let last = LOGGED_AT.load(Ordering::Relaxed);
    if now >= last + 10
        && LOGGED_AT
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    {
        let refused = REFUSED.swap(0, Ordering::Relaxed);
        tracing::warn!(refused, "password hashing pool full; requests refused");
    }
}

/// Runs `work` on the hashing threads, inside the current tracing span;
/// `Busy` when the queue is full or the work waited too long for a core.
/// Work whose request has gone away by the time a core is free is skipped.
async fn off_runtime<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AccountError> + Send + 'static,
) -> Result<T, AccountError> {
    let busy = || {
        note_refusal();
        AccountError::Busy
    };
    let per_hash = Duration::from_micros(HASH_MICROS.load(Ordering::Relaxed));
    if !starts_in_time(WAITING.load(Ordering::Relaxed), cores(), per_hash) {
        return Err(busy());
    }
    let (answer, answered) = tokio::sync::oneshot::channel();
    let span = tracing::Span::current();
    let queued_at = Instant::now();
    let job: Job = Box::new(move || {
        WAITING.fetch_sub(1, Ordering::Relaxed);
        if answer.is_closed() {
            return;
        }
        let outcome = if queued_at.elapsed() > LONGEST_WAIT {
            None
        } else {
            let started = Instant::now();
            let outcome = span.in_scope(work);
            note_hash_time(started.elapsed());
            Some(outcome)
        };
        let _gone = answer.send(outcome);
    });
    WAITING.fetch_add(1, Ordering::Relaxed);
    if POOL.queue.try_send(job).is_err() {
        WAITING.fetch_sub(1, Ordering::Relaxed);
        return Err(busy());
    }
    match answered.await {
        Ok(Some(outcome)) => outcome,
        Ok(None) => Err(busy()),
        Err(_) => Err(AccountError::Hash("the hashing thread stopped".to_owned())),
    }
}

thread_local! {
    /// The working memory of this hashing thread's Argon2, allocated once
    /// and reused, so that hashing never asks the allocator for 19 MiB
    /// (which it would keep, fragmented, long after).
    static MEMORY: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Argon2 of `password` and `salt` into `out`, in this thread's memory.
fn compute(
    argon2: &Argon2<'_>,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    MEMORY.with_borrow_mut(|memory| {
        let blocks = argon2.params().block_count();
        if memory.len() < blocks {
            memory.resize(blocks, Block::new());
        }
        argon2.hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])
    })
}

fn hash_error(error: impl std::fmt::Display) -> AccountError {
    AccountError::Hash(error.to_string())
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) of `password`.
fn phc_string(password: &[u8]) -> Result<String, AccountError> {
    let argon2 = argon2()?;
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let raw_salt = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .map_err(hash_error)?;
    let hash = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
        compute(&argon2, password, raw_salt, out).map_err(|_| password_hash::Error::Crypto)
    })
    .map_err(hash_error)?;
    Ok(PasswordHash {
        algorithm: ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon2.params()).map_err(hash_error)?,
        salt: Some(salt.as_salt()),
        hash: Some(hash),
    }
    .to_string())
}

/// Whether `password` matches the PHC string `stored`, with the
/// parameters `stored` names; compared in constant time.
fn matches(password: &[u8], stored: &str) -> Result<bool, AccountError> {
    let parsed = PasswordHash::new(stored).map_err(hash_error)?;
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(hash_error)?;
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()
        .map_err(hash_error)?
        .unwrap_or_default();
    let params = Params::try_from(&parsed).map_err(hash_error)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(AccountError::Hash(
            "a stored hash without salt or output".to_owned(),
        ));
    };
    let mut salt_bytes = [0u8; 64];
    let raw_salt = salt.decode_b64(&mut salt_bytes).map_err(hash_error)?;
    let argon2 = Argon2::new(algorithm, version, params);
    let computed = Output::init_with(expected.len(), |out| {
        compute(&argon2, password, raw_salt, out).map_err(|_| password_hash::Error::Crypto)
    })
    .map_err(hash_error)?;
    Ok(computed == expected)
}

/// Hashes a password for storage.
pub async fn hash_password(password: Password) -> Result<String, AccountError> {
    off_runtime(move || phc_string(password.0.expose_secret().as_bytes())).await
}

/// A hash of a password nobody knows, so that checking a sign-in for an
/// account that does not exist costs the same as for one that does.
static DUMMY_HASH: LazyLock<Option<String>> =
    LazyLock::new(|| phc_string(b"no account has this password").ok());

/// Checks `password` against `stored`, or against a dummy hash when there
/// is no stored hash, taking the same time either way.
pub async fn verify_password(
    password: SecretString,
    stored: Option<String>,
) -> Result<bool, AccountError> {
    off_runtime(move || {
        let real = stored.is_some();
        let Some(hash) = stored.or_else(|| DUMMY_HASH.clone()) else {
            return Err(AccountError::Hash("no dummy hash".to_owned()));
        };
        let matched = matches(password.expose_secret().as_bytes(), &hash)?;
        Ok(real && matched)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_admitted_only_if_it_can_start_within_the_budget() {
        let hash = Duration::from_millis(20);
        // Two cores: the first two start at once, the next two after one
        // hash (20 ms), the next two after two (40 ms); later ones would
        // wait 60 ms or more and are refused at once.
        for waiting in 0..6 {
            assert!(starts_in_time(waiting, 2, hash), "{waiting} waiting");
        }
        for waiting in [6, 7, 63, 64 * 32] {
            assert!(!starts_in_time(waiting, 2, hash), "{waiting} waiting");
        }
        // Slow hashes leave less room; a machine with more cores more.
        assert!(!starts_in_time(2, 2, Duration::from_millis(60)));
        assert!(starts_in_time(30, 16, Duration::from_millis(25)));
        assert!(starts_in_time(0, 0, Duration::from_secs(1)));
    }

    #[test]
    fn the_hash_time_is_a_moving_average() {
        let before = HASH_MICROS.load(Ordering::Relaxed);
        note_hash_time(Duration::from_micros(before + 8_000));
        let after = HASH_MICROS.load(Ordering::Relaxed);
        assert!(
            after > before && after <= before + 1_000,
            "{before} → {after}"
        );
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        assert!(Password::parse(SecretString::from("password1234")).is_err());
        assert!(Password::parse(SecretString::from("PASSWORD1234")).is_err());
        assert!(Password::parse(SecretString::from("qwertyuiopasdfghjkl")).is_err());
        assert!(Password::parse(SecretString::from("violet kettle orbit lamp")).is_ok());
    }

    #[test]
    fn passwords_between_12_and_128_characters_are_accepted() {
        assert!(Password::parse(SecretString::from("short")).is_err());
        assert!(Password::parse(SecretString::from("correct horse battery")).is_ok());
        assert!(Password::parse(SecretString::from("x".repeat(129))).is_err());
    }

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters_and_verify() -> Result<(), AccountError> {
        let password = Password::parse(SecretString::from("correct horse battery"))
            .map_err(AccountError::invalid("password"))?;
        let hash = hash_password(password).await?;
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        let right = SecretString::from("correct horse battery");
        assert!(verify_password(right, Some(hash.clone())).await?);
        let wrong = SecretString::from("wrong horse battery");
        assert!(!verify_password(wrong, Some(hash)).await?);
        Ok(())
    }

    #[test]
    fn hashes_made_by_the_argon2_crate_itself_verify_and_ours_verify_there()
    -> Result<(), AccountError> {
        use argon2::{PasswordHasher, PasswordVerifier};
        let salt = SaltString::generate(&mut OsRng);
        let theirs = argon2()?
            .hash_password(b"correct horse battery", &salt)
            .map_err(hash_error)?
            .to_string();
        assert!(matches(b"correct horse battery", &theirs)?);
        assert!(!matches(b"wrong horse battery", &theirs)?);
        let ours = phc_string(b"correct horse battery")?;
        let parsed = PasswordHash::new(&ours).map_err(hash_error)?;
        assert!(
            argon2()?
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_missing_account_never_verifies() -> Result<(), AccountError> {
        let guess = SecretString::from("no account has this password");
        assert!(!verify_password(guess, None).await?);
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn a_password_is_accepted_exactly_when_its_length_is_12_to_128_and_it_is_not_common(input in "\\PC{0,140}") {
            let length = input.chars().count();
            let common = COMMON.contains(input.to_lowercase().as_str());
            let accepted = Password::parse(SecretString::from(input)).is_ok();
            proptest::prop_assert_eq!(accepted, (12..=128).contains(&length) && !common);
        }
    }
}
