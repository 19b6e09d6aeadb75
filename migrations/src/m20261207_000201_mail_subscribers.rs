//! One model of mail lists for members and, later, visitors alike: the
//! lists themselves (`mail_lists`: the forum digest is the first, made by
//! the software; administrators will add newsletters), the people who
//! receive mail (`mail_subscribers`: today a member, by their account),
//! what each receives (`mail_list_subscriptions`) and the one-click
//! unsubscribe links (`mail_list_unsubscribe_tokens`).
//!
//! The forum digest's subscriptions and links move over as they are, so
//! that every link in mail already sent keeps working; rolling back moves
//! them back.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// When mail lists came (the migration that made the digest list).
const LISTS_SINCE: &str = "2026-11-30 00:00:00+00:00";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MailLists::Table)
                    .col(big_pk_auto(MailLists::Id))
                    .col(string_len(MailLists::Slug, 40).unique_key())
                    .col(string_len(MailLists::Name, 100))
                    .col(text(MailLists::Description))
                    .col(string_len(MailLists::Audience, 20))
                    .col(timestamp_with_time_zone(MailLists::CreatedAt))
                    .col(timestamp_with_time_zone_null(MailLists::ArchivedAt))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "INSERT INTO mail_lists (slug, name, description, audience, created_at) VALUES \
             ('forum_digest', 'Daily forum digest', \
             'Your unread forum notifications, once a day at most.', 'members', '{LISTS_SINCE}')"
        ))
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailSubscribers::Table)
                    .col(big_pk_auto(MailSubscribers::Id))
                    .col(big_integer_null(MailSubscribers::AccountId).unique_key())
                    .col(timestamp_with_time_zone(MailSubscribers::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("mail_subscribers_account")
                            .from(MailSubscribers::Table, MailSubscribers::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailListSubscriptions::Table)
                    .col(big_integer(MailListSubscriptions::SubscriberId))
                    .col(big_integer(MailListSubscriptions::ListId))
                    .col(timestamp_with_time_zone(MailListSubscriptions::CreatedAt))
                    .col(timestamp_with_time_zone_null(
                        MailListSubscriptions::LastSentAt,
                    ))
                    .primary_key(
                        Index::create()
                            .col(MailListSubscriptions::SubscriberId)
                            .col(MailListSubscriptions::ListId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("mail_list_subscriptions_subscriber")
                            .from(
                                MailListSubscriptions::Table,
                                MailListSubscriptions::SubscriberId,
                            )
                            .to(MailSubscribers::Table, MailSubscribers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("mail_list_subscriptions_list")
                            .from(MailListSubscriptions::Table, MailListSubscriptions::ListId)
                            .to(MailLists::Table, MailLists::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The sender's scan: a list's subscriptions by when they were last
        // mailed.
        manager
            .create_index(
                Index::create()
                    .name("mail_list_subscriptions_by_list")
                    .table(MailListSubscriptions::Table)
                    .col(MailListSubscriptions::ListId)
                    .col(MailListSubscriptions::LastSentAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailListUnsubscribeTokens::Table)
                    .col(char_len(MailListUnsubscribeTokens::TokenHash, 64).primary_key())
                    .col(big_integer(MailListUnsubscribeTokens::SubscriberId))
                    .col(big_integer(MailListUnsubscribeTokens::ListId))
                    .col(timestamp_with_time_zone(
                        MailListUnsubscribeTokens::CreatedAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("mail_list_unsubscribe_tokens_subscriber")
                            .from(
                                MailListUnsubscribeTokens::Table,
                                MailListUnsubscribeTokens::SubscriberId,
                            )
                            .to(MailSubscribers::Table, MailSubscribers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("mail_list_unsubscribe_tokens_list")
                            .from(
                                MailListUnsubscribeTokens::Table,
                                MailListUnsubscribeTokens::ListId,
                            )
                            .to(MailLists::Table, MailLists::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // An erasure's: a subscriber's links.
        manager
            .create_index(
                Index::create()
                    .name("mail_list_unsubscribe_tokens_by_subscriber")
                    .table(MailListUnsubscribeTokens::Table)
                    .col(MailListUnsubscribeTokens::SubscriberId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("mail_list_unsubscribe_tokens_by_age")
                    .table(MailListUnsubscribeTokens::Table)
                    .col(MailListUnsubscribeTokens::CreatedAt)
                    .to_owned(),
            )
            .await?;
        // Every member with a subscription or a live link becomes a
        // subscriber; their rows move over.
        for sql in [
            "INSERT INTO mail_subscribers (account_id, created_at) \
             SELECT account_id, MIN(created_at) FROM ( \
               SELECT account_id, created_at FROM mail_subscriptions \
               UNION ALL SELECT account_id, created_at FROM mail_unsubscribe_tokens \
             ) AS rows_of_members GROUP BY account_id",
            "INSERT INTO mail_list_subscriptions (subscriber_id, list_id, created_at, last_sent_at) \
             SELECT s.id, l.id, o.created_at, o.last_sent_at FROM mail_subscriptions o \
             JOIN mail_subscribers s ON s.account_id = o.account_id \
             JOIN mail_lists l ON l.slug = o.list",
            "INSERT INTO mail_list_unsubscribe_tokens (token_hash, subscriber_id, list_id, created_at) \
             SELECT o.token_hash, s.id, l.id, o.created_at FROM mail_unsubscribe_tokens o \
             JOIN mail_subscribers s ON s.account_id = o.account_id \
             JOIN mail_lists l ON l.slug = o.list",
        ] {
            db.execute_unprepared(sql).await?;
        }
        for table in [
            OldTokens::Table.into_iden(),
            OldSubscriptions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OldSubscriptions::Table)
                    .col(big_integer(OldSubscriptions::AccountId))
                    .col(string_len(OldSubscriptions::List, 32))
                    .col(timestamp_with_time_zone(OldSubscriptions::CreatedAt))
                    .col(timestamp_with_time_zone_null(OldSubscriptions::LastSentAt))
                    .primary_key(
                        Index::create()
                            .col(OldSubscriptions::AccountId)
                            .col(OldSubscriptions::List),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("mail_subscriptions_account")
                            .from(OldSubscriptions::Table, OldSubscriptions::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OldTokens::Table)
                    .col(char_len(OldTokens::TokenHash, 64).primary_key())
                    .col(big_integer(OldTokens::AccountId))
                    .col(string_len(OldTokens::List, 32))
                    .col(timestamp_with_time_zone(OldTokens::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("mail_unsubscribe_tokens_account")
                            .from(OldTokens::Table, OldTokens::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("mail_unsubscribe_tokens_by_age")
                    .table(OldTokens::Table)
                    .col(OldTokens::CreatedAt)
                    .to_owned(),
            )
            .await?;
        // Members' rows of the lists the old tables knew go back.
        let db = manager.get_connection();
        for sql in [
            "INSERT INTO mail_subscriptions (account_id, list, created_at, last_sent_at) \
             SELECT s.account_id, l.slug, n.created_at, n.last_sent_at \
             FROM mail_list_subscriptions n \
             JOIN mail_subscribers s ON s.id = n.subscriber_id \
             JOIN mail_lists l ON l.id = n.list_id \
             WHERE s.account_id IS NOT NULL AND l.slug = 'forum_digest'",
            "INSERT INTO mail_unsubscribe_tokens (token_hash, account_id, list, created_at) \
             SELECT n.token_hash, s.account_id, l.slug, n.created_at \
             FROM mail_list_unsubscribe_tokens n \
             JOIN mail_subscribers s ON s.id = n.subscriber_id \
             JOIN mail_lists l ON l.id = n.list_id \
             WHERE s.account_id IS NOT NULL AND l.slug = 'forum_digest'",
        ] {
            db.execute_unprepared(sql).await?;
        }
        for table in [
            MailListUnsubscribeTokens::Table.into_iden(),
            MailListSubscriptions::Table.into_iden(),
            MailSubscribers::Table.into_iden(),
            MailLists::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MailLists {
    Table,
    Id,
    Slug,
    Name,
    Description,
    Audience,
    CreatedAt,
    ArchivedAt,
}

#[derive(DeriveIden)]
enum MailSubscribers {
    Table,
    Id,
    AccountId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MailListSubscriptions {
    Table,
    SubscriberId,
    ListId,
    CreatedAt,
    LastSentAt,
}

#[derive(DeriveIden)]
enum MailListUnsubscribeTokens {
    Table,
    TokenHash,
    SubscriberId,
    ListId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OldSubscriptions {
    #[sea_orm(iden = "mail_subscriptions")]
    Table,
    AccountId,
    List,
    CreatedAt,
    LastSentAt,
}

#[derive(DeriveIden)]
enum OldTokens {
    #[sea_orm(iden = "mail_unsubscribe_tokens")]
    Table,
    TokenHash,
    AccountId,
    List,
    CreatedAt,
}
