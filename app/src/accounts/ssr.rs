//! Account storage and password hashing.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version, password_hash::SaltString};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};
use secrecy::{ExposeSecret, SecretString};

use super::types::{Email, Role, Username};
use crate::ssr::Clock;

pub mod account {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "accounts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub username: String,
        #[sea_orm(unique)]
        pub username_key: String,
        pub email: String,
        #[sea_orm(unique)]
        pub email_key: String,
        pub email_verified_at: Option<TimeDateTimeWithTimeZone>,
        #[sea_orm(column_type = "Text", nullable)]
        pub password_hash: Option<String>,
        pub age_confirmed_at: TimeDateTimeWithTimeZone,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod account_role {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "account_roles")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub account_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub role: String,
        pub granted_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A password as typed: 12–128 characters, never logged or serialised.
pub struct Password(SecretString);

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
        Ok(Self(input))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("an account with this username or email address already exists")]
    Taken,
    #[error("could not hash the password")]
    Hash(String),
    #[error("database error while {action}")]
    Db {
        action: &'static str,
        source: sea_orm::DbErr,
    },
}

/// Argon2id with the OWASP parameters (m = 19 MiB, t = 2, p = 1).
fn argon2() -> Result<Argon2<'static>, AccountError> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|error| AccountError::Hash(error.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password off the async runtime, inside the current span.
pub async fn hash_password(password: Password) -> Result<String, AccountError> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        argon2()?
            .hash_password(password.0.expose_secret().as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| AccountError::Hash(error.to_string()))
    })
    .await
    .map_err(|error| AccountError::Hash(error.to_string()))?
}

/// What `portal create-admin` asks for.
pub struct NewAdmin {
    pub username: String,
    pub email: String,
    pub password: SecretString,
}

/// Creates a verified administrator account. The operator running the
/// command vouches for the address and the age attestation.
pub async fn create_admin(
    db: &DatabaseConnection,
    clock: &Clock,
    input: NewAdmin,
) -> Result<i64, AccountError> {
    let invalid = |field| move |message| AccountError::Invalid { field, message };
    let username = Username::parse(&input.username).map_err(invalid("username"))?;
    let email = Email::parse(&input.email).map_err(invalid("email"))?;
    let password = Password::parse(input.password).map_err(invalid("password"))?;
    let password_hash = hash_password(password).await?;
    let now = clock.now();

    let db_error = |action| move |source| AccountError::Db { action, source };
    let txn = db
        .begin()
        .await
        .map_err(db_error("starting a transaction"))?;
    let existing = account::Entity::find()
        .filter(
            Condition::any()
                .add(account::Column::UsernameKey.eq(username.key()))
                .add(account::Column::EmailKey.eq(email.key())),
        )
        .one(&txn)
        .await
        .map_err(db_error("checking for an existing account"))?;
    if existing.is_some() {
        return Err(AccountError::Taken);
    }
    let created = account::Entity::insert(account::ActiveModel {
        username: Set(username.as_str().to_owned()),
        username_key: Set(username.key()),
        email: Set(email.as_str().to_owned()),
        email_key: Set(email.key()),
        email_verified_at: Set(Some(now)),
        password_hash: Set(Some(password_hash)),
        age_confirmed_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(db_error("inserting the account"))?;
    let id = created.last_insert_id;
    account_role::Entity::insert(account_role::ActiveModel {
        account_id: Set(id),
        role: Set(Role::Admin.as_str().to_owned()),
        granted_at: Set(now),
    })
    .exec(&txn)
    .await
    .map_err(db_error("granting the admin role"))?;
    txn.commit().await.map_err(db_error("committing"))?;
    tracing::info!(account_id = id, "administrator account created");
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_between_12_and_128_characters_are_accepted() {
        assert!(Password::parse(SecretString::from("short")).is_err());
        assert!(Password::parse(SecretString::from("correct horse battery")).is_ok());
        assert!(Password::parse(SecretString::from("x".repeat(129))).is_err());
    }

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters() -> Result<(), AccountError> {
        let password =
            Password::parse(SecretString::from("correct horse battery")).map_err(|message| {
                AccountError::Invalid {
                    field: "password",
                    message,
                }
            })?;
        let hash = hash_password(password).await?;
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        Ok(())
    }
}
