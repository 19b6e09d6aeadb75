//! The member's linked identities: list them, unlink one (never the last
//! way to sign in), and look up GitHub logins for the CLA.

use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
    sea_query::Expr,
};

use super::{
    AccountError,
    entities::{account, identity},
    identity_links::known_as,
    providers::{GITHUB, Providers},
};
use crate::accounts::{LinkedIdentity, SignInMethods};

/// The member's password and identities, and what they can still link.
pub async fn methods(
    db: &DatabaseConnection,
    providers: &Providers,
    account_id: i64,
) -> Result<SignInMethods, AccountError> {
    let has_password = account::Entity::find_by_id(account_id)
        .one(db)
        .await
        .map_err(AccountError::db("loading the account"))?
        .is_some_and(|account| account.password_hash.is_some());
    let rows = identity::Entity::find()
        .filter(identity::Column::AccountId.eq(account_id))
        .order_by_asc(identity::Column::Id)
        .all(db)
        .await
        .map_err(AccountError::db("listing identities"))?;
    let available = providers
        .buttons()
        .into_iter()
        .filter(|button| !rows.iter().any(|row| row.provider == button.key))
        .collect();
    Ok(SignInMethods {
        has_password,
        identities: rows
            .into_iter()
            .map(|row| LinkedIdentity {
                id: row.id,
                provider: providers.name(&row.provider).unwrap_or(row.provider),
                known_as: known_as(
                    row.login.as_deref(),
                    row.email.as_deref(),
                    &Some(row.subject),
                ),
                linked: crate::ssr::dates::day(row.created_at),
                last_used: crate::ssr::dates::long_day(row.last_sign_in_at),
            })
            .collect(),
        available,
    })
}

/// Unlinks one of the member's identities, unless it is their only way to
/// sign in. Someone else's identity matches nothing.
pub async fn unlink(
    db: &DatabaseConnection,
    account_id: i64,
    identity_id: i64,
) -> Result<(), AccountError> {
    let txn = db
        .begin()
        .await
        .map_err(AccountError::db("starting a transaction"))?;
    // Writing the account row first serialises unlinks of one member, so
    // two at once cannot remove the last two ways in.
    account::Entity::update_many()
        .col_expr(account::Column::Id, Expr::col(account::Column::Id))
        .filter(account::Column::Id.eq(account_id))
        .exec(&txn)
        .await
        .map_err(AccountError::db("locking the account"))?;
    let has_password = account::Entity::find_by_id(account_id)
        .one(&txn)
        .await
        .map_err(AccountError::db("loading the account"))?
        .is_some_and(|account| account.password_hash.is_some());
    let others = identity::Entity::find()
        .filter(identity::Column::AccountId.eq(account_id))
        .filter(identity::Column::Id.ne(identity_id))
        .all(&txn)
        .await
        .map_err(AccountError::db("listing identities"))?;
    if !has_password && others.is_empty() {
        return Err(AccountError::Invalid {
            field: "identity",
            message: "This is your only way to sign in. Set a password (with “Forgot your password?” on the sign-in page) or link another account first."
                .to_owned(),
        });
    }
    let removed = identity::Entity::delete_many()
        .filter(identity::Column::Id.eq(identity_id))
        .filter(identity::Column::AccountId.eq(account_id))
        .exec(&txn)
        .await
        .map_err(AccountError::db("unlinking the identity"))?;
    txn.commit().await.map_err(AccountError::db("committing"))?;
    if removed.rows_affected == 1 {
        tracing::info!(account_id, identity_id, "identity unlinked");
    }
    Ok(())
}

/// The account linked to a GitHub login (case does not matter), if any.
pub async fn account_for_github_login(
    db: &DatabaseConnection,
    login: &str,
) -> Result<Option<i64>, AccountError> {
    Ok(identity::Entity::find()
        .filter(identity::Column::Provider.eq(GITHUB))
        .filter(identity::Column::LoginKey.eq(login.to_lowercase()))
        .one(db)
        .await
        .map_err(AccountError::db("looking up a GitHub login"))?
        .map(|row| row.account_id))
}
