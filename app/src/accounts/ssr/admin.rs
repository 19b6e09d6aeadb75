//! `portal create-admin`: the first administrator, from the command line.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};
use secrecy::SecretString;

use super::{
    AccountError,
    entities::{account, account_role, audit_entry},
    password::{Password, hash_password},
};
use crate::{
    accounts::{Email, Role, Username},
    ssr::Clock,
};

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
    let username = Username::parse(&input.username).map_err(AccountError::invalid("username"))?;
    let email = Email::parse(&input.email).map_err(AccountError::invalid("email"))?;
    let password = Password::parse(input.password).map_err(AccountError::invalid("password"))?;
    let password_hash = hash_password(password).await?;
    let now = clock.now();

    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    let existing = account::Entity::find()
        .filter(
            Condition::any()
                .add(account::Column::UsernameKey.eq(username.key()))
                .add(account::Column::EmailKey.eq(email.key())),
        )
        .one(&txn)
        .await
        .map_err(AccountError::db("checking for an existing account"))?;
    if existing.is_some() {
        return Err(AccountError::Taken);
    }
    let id = account::Entity::insert(account::ActiveModel {
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
    .map_err(AccountError::db("inserting the account"))?
    .last_insert_id;
    account_role::Entity::insert(account_role::ActiveModel {
        account_id: Set(id),
        role: Set(Role::Admin.as_str().to_owned()),
        granted_at: Set(now),
    })
    .exec(&txn)
    .await
    .map_err(AccountError::db("granting the admin role"))?;
    audit_entry::Entity::insert(audit_entry::ActiveModel {
        kind: Set("role_granted".to_owned()),
        actor_id: Set(None),
        target_id: Set(Some(id)),
        detail: Set("admin (portal create-admin)".to_owned()),
        at: Set(now),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(AccountError::db("writing the audit log"))?;
    txn.commit().await.map_err(AccountError::db("committing"))?;
    tracing::info!(account_id = id, "administrator account created");
    Ok(id)
}
