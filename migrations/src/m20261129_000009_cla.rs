//! Contributor License Agreements: versions 1 of the individual and the
//! corporate agreement (as versioned documents), whether an agreement asks
//! for a postal address, and the append-only record of signatures.

use sea_orm_migration::{prelude::*, schema::*};
use sha2::{Digest, Sha256};
use time::macros::datetime;

use crate::m20261129_000001_documents::Documents;

/// Kind, title, body and whether the postal address is required.
const AGREEMENTS: [(&str, &str, &str, bool); 2] = [
    (
        "individual_cla",
        "Individual Contributor License Agreement",
        include_str!("cla/individual-v1.md"),
        false,
    ),
    (
        "corporate_cla",
        "Corporate Contributor License Agreement",
        include_str!("cla/corporate-v1.md"),
        true,
    ),
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Documents::Table)
                    .add_column(boolean(DocumentsCla::RequiresAddress).default(false))
                    .to_owned(),
            )
            .await?;
        let effective = datetime!(2026-11-29 00:00 UTC);
        for (kind, title, body, requires_address) in AGREEMENTS {
            let sha256 = hex::encode(Sha256::digest(body.as_bytes()));
            let insert = Query::insert()
                .into_table(Documents::Table)
                .columns([
                    Documents::Kind.into_iden(),
                    Documents::Version.into_iden(),
                    Documents::Title.into_iden(),
                    Documents::Body.into_iden(),
                    Documents::Sha256.into_iden(),
                    Documents::EffectiveAt.into_iden(),
                    Documents::Material.into_iden(),
                    Documents::CreatedAt.into_iden(),
                    DocumentsCla::RequiresAddress.into_iden(),
                ])
                .values_panic([
                    kind.into(),
                    1.into(),
                    title.into(),
                    body.into(),
                    sha256.into(),
                    effective.into(),
                    true.into(),
                    effective.into(),
                    requires_address.into(),
                ])
                .to_owned();
            manager.exec_stmt(insert).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ClaSignatures::Table)
                    .col(big_pk_auto(ClaSignatures::Id))
                    .col(big_integer_null(ClaSignatures::AccountId))
                    .col(big_integer(ClaSignatures::DocumentId))
                    .col(string_len(ClaSignatures::Kind, 40))
                    .col(integer(ClaSignatures::Version))
                    .col(char_len(ClaSignatures::Sha256, 64))
                    .col(string_len(ClaSignatures::FullName, 200))
                    .col(string_len(ClaSignatures::Email, 320))
                    .col(string_len(ClaSignatures::EmailKey, 320))
                    .col(text_null(ClaSignatures::PostalAddress))
                    .col(string_len_null(ClaSignatures::GithubLogin, 100))
                    .col(string_len_null(ClaSignatures::GithubLoginKey, 100))
                    .col(string_len_null(ClaSignatures::CompanyName, 200))
                    .col(string_len_null(ClaSignatures::SignatoryTitle, 200))
                    .col(string_len(ClaSignatures::Signature, 200))
                    .col(timestamp_with_time_zone(ClaSignatures::SignedAt))
                    .col(timestamp_with_time_zone_null(ClaSignatures::RevokedAt))
                    .col(string_len_null(ClaSignatures::RevocationReason, 500))
                    .foreign_key(
                        ForeignKey::create()
                            .name("cla_signatures_account")
                            .from(ClaSignatures::Table, ClaSignatures::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            // The legal record outlives the account.
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("cla_signatures_document")
                            .from(ClaSignatures::Table, ClaSignatures::DocumentId)
                            .to(Documents::Table, Documents::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ClaCoveredContributors::Table)
                    .col(big_pk_auto(ClaCoveredContributors::Id))
                    .col(big_integer(ClaCoveredContributors::SignatureId))
                    .col(string_len(ClaCoveredContributors::Kind, 20))
                    .col(string_len(ClaCoveredContributors::Value, 320))
                    .col(string_len(ClaCoveredContributors::ValueKey, 320))
                    .col(big_integer_null(ClaCoveredContributors::AddedBy))
                    .col(timestamp_with_time_zone(ClaCoveredContributors::AddedAt))
                    .col(big_integer_null(ClaCoveredContributors::RemovedBy))
                    .col(timestamp_with_time_zone_null(
                        ClaCoveredContributors::RemovedAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("cla_covered_signature")
                            .from(
                                ClaCoveredContributors::Table,
                                ClaCoveredContributors::SignatureId,
                            )
                            .to(ClaSignatures::Table, ClaSignatures::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("cla_covered_value_key")
                    .table(ClaCoveredContributors::Table)
                    .col(ClaCoveredContributors::Kind)
                    .col(ClaCoveredContributors::ValueKey)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ClaWebhookDeliveries::Table)
                    .col(string_len(ClaWebhookDeliveries::DeliveryId, 100).primary_key())
                    .col(timestamp_with_time_zone(ClaWebhookDeliveries::ReceivedAt))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("cla_signatures_account_id", ClaSignatures::AccountId),
            ("cla_signatures_email_key", ClaSignatures::EmailKey),
            (
                "cla_signatures_github_login_key",
                ClaSignatures::GithubLoginKey,
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(ClaSignatures::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ClaWebhookDeliveries::Table.into_iden(),
            ClaCoveredContributors::Table.into_iden(),
            ClaSignatures::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        let delete = Query::delete()
            .from_table(Documents::Table)
            .and_where(Expr::col(Documents::Kind).is_in(["individual_cla", "corporate_cla"]))
            .to_owned();
        manager.exec_stmt(delete).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Documents::Table)
                    .drop_column(DocumentsCla::RequiresAddress)
                    .to_owned(),
            )
            .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

#[derive(DeriveIden)]
enum DocumentsCla {
    RequiresAddress,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ClaSignatures {
    Table,
    Id,
    AccountId,
    DocumentId,
    Kind,
    Version,
    Sha256,
    FullName,
    Email,
    EmailKey,
    PostalAddress,
    GithubLogin,
    GithubLoginKey,
    CompanyName,
    SignatoryTitle,
    Signature,
    SignedAt,
    RevokedAt,
    RevocationReason,
}

#[derive(DeriveIden)]
enum ClaWebhookDeliveries {
    Table,
    DeliveryId,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum ClaCoveredContributors {
    Table,
    Id,
    SignatureId,
    Kind,
    Value,
    ValueKey,
    AddedBy,
    AddedAt,
    RemovedBy,
    RemovedAt,
}
