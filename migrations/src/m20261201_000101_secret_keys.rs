//! Keys under the server key: rate-limit counters are keyed by a random key
//! of the day (kept here only sealed under the server key, which is not in
//! the database), replacing the per-installation salt; and TOTP secrets are
//! stored sealed, which needs a wider column.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateLimitKeys::Table)
                    .col(string_len(RateLimitKeys::Day, 10).primary_key())
                    .col(string_len(RateLimitKeys::SealedKey, 200))
                    .to_owned(),
            )
            .await?;
        // The old salt sat beside the counters it protected: destroy it.
        // Counters made under it can no longer be matched, so drop them too.
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(InstallationSecrets::Table)
                    .and_where(Expr::col(InstallationSecrets::Name).eq("rate_limit_salt"))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(Query::delete().from_table(RateLimits::Table).to_owned())
            .await?;
        // SQLite does not enforce a text column's length.
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Postgres {
            manager
                .alter_table(
                    Table::alter()
                        .table(SecondFactors::Table)
                        .modify_column(string_len(SecondFactors::Secret, 400))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The secret column stays wide: sealed secrets would not fit back,
        // and a wider column is harmless to the older code.
        manager
            .drop_table(Table::drop().table(RateLimitKeys::Table).to_owned())
            .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

#[derive(DeriveIden)]
enum RateLimitKeys {
    Table,
    Day,
    SealedKey,
}

#[derive(DeriveIden)]
enum RateLimits {
    Table,
}

#[derive(DeriveIden)]
enum InstallationSecrets {
    Table,
    Name,
}

#[derive(DeriveIden)]
enum SecondFactors {
    Table,
    Secret,
}
