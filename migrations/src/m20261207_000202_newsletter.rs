//! The newsletter: visitors subscribe to lists with a name and an address,
//! confirmed by a mailed link.
//!
//! - `mail_subscribers` gains the name, the address (and its lower-case
//!   key) of a subscriber without an account, and when the address was
//!   confirmed. Members' rows are confirmed as they are: their address is
//!   their account's. At most one confirmed subscriber per address; a
//!   sign-up waiting for its confirmation is a row of its own, erased
//!   after 7 days if nobody confirms it.
//! - `mail_subscriber_links`: the links mailed to a subscriber (confirm
//!   the sign-up, manage what they get), stored hashed.
//! - `mail_suppressions`: addresses that asked never to be mailed again,
//!   kept only as a keyed hash.
//! - Public pages show the lists visitors may join, so a change to a list
//!   bumps the public generation, as the `public_generation` migration
//!   does for the other tables public pages show.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const BUMP: &str = "UPDATE public_generation SET generation = generation + 1 WHERE id = 1";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in [
            string_len_null(MailSubscribers::Name, 100),
            string_len_null(MailSubscribers::Email, 254),
            string_len_null(MailSubscribers::EmailKey, 254),
            timestamp_with_time_zone_null(MailSubscribers::ConfirmedAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MailSubscribers::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared("UPDATE mail_subscribers SET confirmed_at = created_at")
            .await?;
        // A member's data download and erasure find sign-ups by address.
        manager
            .create_index(
                Index::create()
                    .name("mail_subscribers_by_email")
                    .table(MailSubscribers::Table)
                    .col(MailSubscribers::EmailKey)
                    .to_owned(),
            )
            .await?;
        // The purge of sign-ups nobody confirmed.
        manager
            .create_index(
                Index::create()
                    .name("mail_subscribers_unconfirmed")
                    .table(MailSubscribers::Table)
                    .col(MailSubscribers::ConfirmedAt)
                    .col(MailSubscribers::CreatedAt)
                    .to_owned(),
            )
            .await?;
        // One confirmed subscriber per address, even when two people
        // confirm the same address at once; both back ends know partial
        // indexes.
        db.execute_unprepared(
            "CREATE UNIQUE INDEX mail_subscribers_one_per_address ON mail_subscribers (email_key) \
             WHERE confirmed_at IS NOT NULL AND email_key IS NOT NULL",
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailSubscriberLinks::Table)
                    .col(char_len(MailSubscriberLinks::TokenHash, 64).primary_key())
                    .col(big_integer(MailSubscriberLinks::SubscriberId))
                    .col(string_len(MailSubscriberLinks::Purpose, 20))
                    .col(timestamp_with_time_zone(MailSubscriberLinks::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("mail_subscriber_links_subscriber")
                            .from(
                                MailSubscriberLinks::Table,
                                MailSubscriberLinks::SubscriberId,
                            )
                            .to(MailSubscribers::Table, MailSubscribers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            (
                "mail_subscriber_links_by_subscriber",
                MailSubscriberLinks::SubscriberId,
            ),
            (
                "mail_subscriber_links_by_age",
                MailSubscriberLinks::CreatedAt,
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(MailSubscriberLinks::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(MailSuppressions::Table)
                    .col(char_len(MailSuppressions::AddressHash, 64).primary_key())
                    .col(timestamp_with_time_zone(MailSuppressions::CreatedAt))
                    .to_owned(),
            )
            .await?;
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE TRIGGER mail_lists_public_change AFTER INSERT OR UPDATE OR DELETE \
                     ON mail_lists FOR EACH STATEMENT EXECUTE FUNCTION public_change()",
                )
                .await?;
            }
            _ => {
                for (i, event) in ["INSERT", "UPDATE", "DELETE"].iter().enumerate() {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER mail_lists_public_change_{i} AFTER {event} ON mail_lists \
                         BEGIN {BUMP}; END"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "DROP TRIGGER IF EXISTS mail_lists_public_change ON mail_lists",
                )
                .await?;
            }
            _ => {
                for i in 0..3 {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS mail_lists_public_change_{i}"
                    ))
                    .await?;
                }
            }
        }
        for table in [
            MailSuppressions::Table.into_iden(),
            MailSubscriberLinks::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        // Sign-ups without an account have no place in the older model.
        db.execute_unprepared("DELETE FROM mail_subscribers WHERE account_id IS NULL")
            .await?;
        for index in [
            "mail_subscribers_one_per_address",
            "mail_subscribers_unconfirmed",
            "mail_subscribers_by_email",
        ] {
            manager
                .drop_index(
                    Index::drop()
                        .name(index)
                        .table(MailSubscribers::Table)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            MailSubscribers::ConfirmedAt,
            MailSubscribers::EmailKey,
            MailSubscribers::Email,
            MailSubscribers::Name,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MailSubscribers::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

#[derive(DeriveIden)]
enum MailSubscribers {
    Table,
    Id,
    Name,
    Email,
    EmailKey,
    ConfirmedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MailSubscriberLinks {
    Table,
    TokenHash,
    SubscriberId,
    Purpose,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MailSuppressions {
    Table,
    AddressHash,
    CreatedAt,
}
