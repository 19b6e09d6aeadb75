//! Sign-in and registration hardening.
//!
//! - `rate_limits.previous_hit_at`: the hit before the latest one, written
//!   in the same statement that counts a hit, so that a back-off between
//!   attempts is decided atomically even for parallel requests.
//! - `registration_holds`: a username asked for together with an address
//!   that already has an account. The name stays reserved for as long as a
//!   confirmation link would be valid, exactly as if an account had been
//!   made, so that registering tells nobody whether an address is known.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(RateLimits::Table)
                    .add_column(timestamp_with_time_zone_null(RateLimits::PreviousHitAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RegistrationHolds::Table)
                    .col(string_len(RegistrationHolds::UsernameKey, 120).primary_key())
                    .col(string_len(RegistrationHolds::EmailKey, 254))
                    .col(text(RegistrationHolds::PasswordHash))
                    .col(timestamp_with_time_zone(RegistrationHolds::CreatedAt))
                    .col(timestamp_with_time_zone(RegistrationHolds::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RegistrationHolds::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(RateLimits::Table)
                    .drop_column(RateLimits::PreviousHitAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum RateLimits {
    Table,
    PreviousHitAt,
}

#[derive(DeriveIden)]
enum RegistrationHolds {
    Table,
    UsernameKey,
    EmailKey,
    PasswordHash,
    CreatedAt,
    ExpiresAt,
}
