//! Optional TOTP second factor (RFC 6238: SHA-1, six digits, 30-second
//! steps, one step of clock skew) with ten single-use recovery codes.
//!
//! The secret is stored sealed under the server key (which is not in the
//! database). The recovery codes are random, independent of the secret:
//! until enrolment is confirmed they are sealed together with the secret so
//! that the set-up page can show them again, and afterwards only their
//! hashes are kept.

use qrcode::{QrCode, render::svg};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use secrecy::SecretString;
use time::OffsetDateTime;
use totp_rs::{Builder, Secret, Totp};

use super::{
    AccountError,
    entities::{account, recovery_code, second_factor},
    password::verify_password,
};
use crate::{
    accounts::TotpSetup,
    ssr::{
        Clock,
        server_key::{ServerKey, is_sealed},
        tokens,
    },
};

const ISSUER: &str = "Community Portal";
const RECOVERY_CODES: usize = 10;

fn totp(secret: &str, username: &str) -> Result<Totp, AccountError> {
    let secret = Secret::try_from_base32(secret)
        .map_err(|_| AccountError::Hash("stored TOTP secret is not base32".to_owned()))?;
    Builder::new()
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(username)
        .build()
        .map_err(|error| AccountError::Hash(error.to_string()))
}

fn unix(at: OffsetDateTime) -> u64 {
    u64::try_from(at.unix_timestamp()).unwrap_or_default()
}

/// What the server key seals the secrets with.
const PURPOSE: &str = "totp";

/// Ten fresh random recovery codes such as `abcde-fghjk` (about 49 bits each).
fn new_recovery_codes() -> Result<Vec<String>, AccountError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    while codes.len() < RECOVERY_CODES {
        let mut bytes = [0_u8; 32];
        rand::TryRngCore::try_fill_bytes(&mut rand::rngs::OsRng, &mut bytes)
            .map_err(|error| AccountError::Hash(error.to_string()))?;
        // Rejection sampling keeps every character equally likely.
        let limit = u8::try_from(256 - 256 % ALPHABET.len()).unwrap_or(u8::MAX);
        let chars: String = bytes
            .iter()
            .filter(|byte| **byte < limit)
            .take(10)
            .map(|byte| char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]))
            .collect();
        if chars.len() == 10
            && !codes
                .iter()
                .any(|code: &String| code.replace('-', "") == chars)
        {
            codes.push(format!("{}-{}", &chars[..5], &chars[5..]));
        }
    }
    Ok(codes)
}

/// Seals the secret, and while enrolment waits for confirmation, its
/// recovery codes (one per line after the secret).
fn seal(key: &ServerKey, secret: &str, codes: &[String]) -> Result<String, AccountError> {
    let mut plain = secret.to_owned();
    for code in codes {
        plain.push('\n');
        plain.push_str(code);
    }
    key.derive(PURPOSE)
        .seal(plain.as_bytes())
        .map_err(|error| AccountError::Hash(error.to_string()))
}

/// The secret and pending recovery codes of a row. A row written before
/// secrets were sealed holds its secret in clear: it is sealed now.
async fn open<C: ConnectionTrait>(
    db: &C,
    key: &ServerKey,
    row: &second_factor::Model,
) -> Result<(String, Vec<String>), AccountError> {
    if !is_sealed(&row.secret) {
        let codes = if row.enabled_at.is_none() {
            new_recovery_codes()?
        } else {
            Vec::new()
        };
        second_factor::Entity::update_many()
            .col_expr(
                second_factor::Column::Secret,
                Expr::value(seal(key, &row.secret, &codes)?),
            )
            .filter(second_factor::Column::AccountId.eq(row.account_id))
            .filter(second_factor::Column::Secret.eq(row.secret.clone()))
            .exec(db)
            .await
            .map_err(AccountError::db("sealing a stored secret"))?;
        return Ok((row.secret.clone(), codes));
    }
    let plain = key
        .derive(PURPOSE)
        .open(&row.secret)
        .map_err(|error| AccountError::Hash(error.to_string()))?;
    let plain = String::from_utf8(plain)
        .map_err(|_| AccountError::Hash("a sealed TOTP secret is not text".to_owned()))?;
    let mut lines = plain.lines().map(str::to_owned);
    let secret = lines.next().unwrap_or_default();
    Ok((secret, lines.collect()))
}

fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn hash_recovery_code(code: &str) -> String {
    tokens::hash(&normalise_code(code))
}

/// Whether the member has a confirmed second factor.
pub async fn is_enabled<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<bool, AccountError> {
    Ok(second_factor::Entity::find_by_id(account_id)
        .one(db)
        .await
        .map_err(AccountError::db("loading the second factor"))?
        .is_some_and(|row| row.enabled_at.is_some()))
}

/// Starts enrolment with a fresh secret, replacing an unconfirmed one.
pub async fn begin(
    db: &DatabaseConnection,
    clock: &Clock,
    key: &ServerKey,
    account_id: i64,
) -> Result<(), AccountError> {
    if is_enabled(db, account_id).await? {
        return Ok(());
    }
    let mut bytes = [0_u8; 20];
    rand::TryRngCore::try_fill_bytes(&mut rand::rngs::OsRng, &mut bytes)
        .map_err(|error| AccountError::Hash(error.to_string()))?;
    let secret = Secret::new_stack(bytes).to_base32();
    let sealed = seal(key, &secret, &new_recovery_codes()?)?;
    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    second_factor::Entity::delete_by_id(account_id)
        .exec(&txn)
        .await
        .map_err(AccountError::db("removing an unconfirmed secret"))?;
    second_factor::Entity::insert(second_factor::ActiveModel {
        account_id: Set(account_id),
        secret: Set(sealed),
        created_at: Set(clock.now()),
        enabled_at: Set(None),
        last_used_step: Set(None),
    })
    .exec(&txn)
    .await
    .map_err(AccountError::db("storing the secret"))?;
    txn.commit().await.map_err(AccountError::db("committing"))?;
    Ok(())
}

/// What the enrolment page shows while it waits for the first code.
pub async fn pending_setup(
    db: &DatabaseConnection,
    key: &ServerKey,
    account_id: i64,
    username: &str,
) -> Result<Option<TotpSetup>, AccountError> {
    let Some(row) = second_factor::Entity::find_by_id(account_id)
        .one(db)
        .await
        .map_err(AccountError::db("loading the second factor"))?
        .filter(|row| row.enabled_at.is_none())
    else {
        return Ok(None);
    };
    let (secret, recovery_codes) = open(db, key, &row).await?;
    let uri = totp(&secret, username)?
        .to_url()
        .map_err(|error| AccountError::Hash(error.to_string()))?;
    let qr_svg = QrCode::new(uri.as_bytes())
        .map_err(|error| AccountError::Hash(error.to_string()))?
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build();
    let grouped = secret
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Some(TotpSetup {
        secret: grouped,
        uri,
        qr_svg,
        recovery_codes,
    }))
}

/// Confirms enrolment with a first code; the recovery codes become valid.
pub async fn enable(
    db: &DatabaseConnection,
    clock: &Clock,
    key: &ServerKey,
    account_id: i64,
    username: &str,
    code: &str,
) -> Result<(), AccountError> {
    let now = clock.now();
    let row = second_factor::Entity::find_by_id(account_id)
        .one(db)
        .await
        .map_err(AccountError::db("loading the second factor"))?
        .filter(|row| row.enabled_at.is_none())
        .ok_or(AccountError::Invalid {
            field: "code",
            message: "Start the set-up again: there is no code waiting for confirmation."
                .to_owned(),
        })?;
    let (secret, codes) = open(db, key, &row).await?;
    let step = totp(&secret, username)?
        .check(code.trim(), unix(now))
        .ok_or_else(wrong_code)?;
    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    // From now on only the secret is kept; the codes are kept hashed.
    second_factor::Entity::update_many()
        .col_expr(second_factor::Column::EnabledAt, Expr::value(now))
        .col_expr(
            second_factor::Column::Secret,
            Expr::value(seal(key, &secret, &[])?),
        )
        .col_expr(
            second_factor::Column::LastUsedStep,
            Expr::value(i64::try_from(step).unwrap_or(i64::MAX)),
        )
        .filter(second_factor::Column::AccountId.eq(account_id))
        .exec(&txn)
        .await
        .map_err(AccountError::db("enabling the second factor"))?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .exec(&txn)
        .await
        .map_err(AccountError::db("replacing recovery codes"))?;
    recovery_code::Entity::insert_many(codes.iter().map(|code| recovery_code::ActiveModel {
        account_id: Set(account_id),
        code_hash: Set(hash_recovery_code(code)),
        used_at: Set(None),
        ..Default::default()
    }))
    .exec(&txn)
    .await
    .map_err(AccountError::db("storing recovery codes"))?;
    txn.commit().await.map_err(AccountError::db("committing"))?;
    tracing::info!(account_id, "second factor enabled");
    Ok(())
}

/// Turns the second factor off; needs the member's password.
pub async fn disable(
    db: &DatabaseConnection,
    clock: &Clock,
    limiter: &crate::ssr::rate_limit::Limiter,
    account_id: i64,
    password: SecretString,
    ip: &str,
) -> Result<(), AccountError> {
    let target = super::attempts::Target::Account(account_id);
    let admitted = super::attempts::admit(db, limiter, clock.now(), &target, ip).await?;
    let stored = account::Entity::find_by_id(account_id)
        .one(db)
        .await
        .map_err(AccountError::db("loading the account"))?
        .and_then(|account| account.password_hash);
    if !verify_password(password, stored).await? {
        return Err(AccountError::Invalid {
            field: "password",
            message: "This is not your current password.".to_owned(),
        });
    }
    admitted.succeeded(db, limiter).await?;
    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    second_factor::Entity::delete_by_id(account_id)
        .exec(&txn)
        .await
        .map_err(AccountError::db("removing the second factor"))?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .exec(&txn)
        .await
        .map_err(AccountError::db("removing recovery codes"))?;
    txn.commit().await.map_err(AccountError::db("committing"))?;
    tracing::info!(account_id, "second factor disabled");
    Ok(())
}

fn wrong_code() -> AccountError {
    AccountError::Invalid {
        field: "code",
        message: "This code is not right. Use the current code from your app, or a recovery code."
            .to_owned(),
    }
}

/// Checks a sign-in code: a current TOTP code not used before, or an
/// unused recovery code (which is then used up).
pub async fn verify<C: ConnectionTrait>(
    db: &C,
    clock: &Clock,
    key: &ServerKey,
    account_id: i64,
    username: &str,
    code: &str,
) -> Result<(), AccountError> {
    let now = clock.now();
    let row = second_factor::Entity::find_by_id(account_id)
        .one(db)
        .await
        .map_err(AccountError::db("loading the second factor"))?
        .filter(|row| row.enabled_at.is_some())
        .ok_or_else(wrong_code)?;
    let code = code.trim();
    if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
        let (secret, _) = open(db, key, &row).await?;
        let step = totp(&secret, username)?
            .check(code, unix(now))
            .and_then(|step| i64::try_from(step).ok())
            .ok_or_else(wrong_code)?;
        // Conditional update: a code (a step) is accepted once, even twice in parallel.
        let accepted = second_factor::Entity::update_many()
            .col_expr(second_factor::Column::LastUsedStep, Expr::value(step))
            .filter(second_factor::Column::AccountId.eq(account_id))
            .filter(
                second_factor::Column::LastUsedStep
                    .is_null()
                    .or(second_factor::Column::LastUsedStep.lt(step)),
            )
            .exec(db)
            .await
            .map_err(AccountError::db("recording the code"))?;
        return if accepted.rows_affected == 1 {
            Ok(())
        } else {
            Err(wrong_code())
        };
    }
    let used = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(now))
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .filter(recovery_code::Column::CodeHash.eq(hash_recovery_code(code)))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await
        .map_err(AccountError::db("using a recovery code"))?;
    if used.rows_affected == 1 {
        tracing::info!(account_id, "recovery code used");
        Ok(())
    } else {
        Err(wrong_code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_ten_random_distinct_codes() -> Result<(), AccountError> {
        let codes = new_recovery_codes()?;
        assert_eq!(codes.len(), 10);
        assert!(
            codes
                .iter()
                .all(|code| code.len() == 11 && code.as_bytes()[5] == b'-')
        );
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), 10);
        assert_ne!(codes, new_recovery_codes()?);
        Ok(())
    }

    #[test]
    fn a_sealed_row_holds_neither_the_secret_nor_the_codes_in_clear() -> Result<(), AccountError> {
        let key = ServerKey::generate().map_err(|e| AccountError::Hash(e.to_string()))?;
        let codes = new_recovery_codes()?;
        let sealed = seal(&key, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", &codes)?;
        assert!(!sealed.contains("JBSWY3DP"));
        assert!(codes.iter().all(|code| !sealed.contains(code.as_str())));
        Ok(())
    }

    #[test]
    fn recovery_codes_are_compared_without_case_or_dashes() {
        assert_eq!(
            hash_recovery_code("abcde-fghjk"),
            hash_recovery_code(" ABCDEFGHJK ")
        );
    }
}
