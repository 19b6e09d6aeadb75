//! Queries over the `documents` table.

use sea_orm::{QueryOrder, entity::prelude::*};
use time::{OffsetDateTime, macros::format_description};

use super::types::{DiffLine, DocumentKind, LineChange, PublishedDocument};
use crate::{error::AppError, ssr::markdown};

pub mod document {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "documents")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub kind: String,
        pub version: i32,
        pub title: String,
        #[sea_orm(column_type = "Text")]
        pub body: String,
        pub sha256: String,
        pub effective_at: TimeDateTimeWithTimeZone,
        pub material: bool,
        pub created_at: TimeDateTimeWithTimeZone,
        /// Agreements only: signing asks for a postal address.
        pub requires_address: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The row of the newest version of `kind` in force at `now`.
pub async fn current_version<C: ConnectionTrait>(
    db: &C,
    kind: DocumentKind,
    now: OffsetDateTime,
) -> Result<Option<document::Model>, DbErr> {
    document::Entity::find()
        .filter(document::Column::Kind.eq(kind.as_str()))
        .filter(document::Column::EffectiveAt.lte(now))
        .order_by_desc(document::Column::Version)
        .one(db)
        .await
}

/// Publishes a new version of `kind`: the next number, the SHA-256 of the
/// exact text. Only a `material` version asks for consent or signatures
/// again; an editorial one (a typo, a clearer sentence) carries them over.
pub async fn publish<C: ConnectionTrait>(
    db: &C,
    kind: DocumentKind,
    title: &str,
    body: &str,
    material: bool,
    effective_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<document::Model, DbErr> {
    use sea_orm::ActiveValue::Set;
    use sha2::{Digest, Sha256};

    let latest = document::Entity::find()
        .filter(document::Column::Kind.eq(kind.as_str()))
        .order_by_desc(document::Column::Version)
        .one(db)
        .await?;
    let requires_address = latest.as_ref().is_some_and(|row| row.requires_address);
    document::ActiveModel {
        kind: Set(kind.as_str().to_owned()),
        version: Set(latest.map_or(1, |row| row.version + 1)),
        title: Set(title.to_owned()),
        body: Set(body.to_owned()),
        sha256: Set(hex::encode(Sha256::digest(body.as_bytes()))),
        effective_at: Set(effective_at),
        material: Set(material),
        created_at: Set(now),
        requires_address: Set(requires_address),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// [`publish`] after checking what an administrator typed: a title, a
/// text, and an effective date (`YYYY-MM-DD`) that is not in the past —
/// a version cannot take effect before it exists.
pub async fn publish_checked(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    kind: DocumentKind,
    title: &str,
    body: &str,
    material: bool,
    effective: &str,
) -> Result<super::PublishedVersion, AppError> {
    let title = title.trim();
    if !(2..=200).contains(&title.chars().count()) {
        return Err(AppError::invalid(
            "title",
            "Give the document a title (2 to 200 characters).",
        ));
    }
    if body.trim().is_empty() || body.len() > 200_000 {
        return Err(AppError::invalid(
            "body",
            "Paste the full text (at most 200,000 characters).",
        ));
    }
    let effective_at = match effective.trim() {
        "" => now,
        date => {
            let day = time::Date::parse(date, format_description!("[year]-[month]-[day]"))
                .map_err(|_| AppError::invalid("effective", "Enter a date as YYYY-MM-DD."))?;
            if day < now.date() {
                return Err(AppError::invalid(
                    "effective",
                    "Choose today or a later date.",
                ));
            }
            day.midnight().assume_utc().max(now)
        }
    };
    let row = publish(db, kind, title, body, material, effective_at, now)
        .await
        .map_err(|error| crate::ssr::db_error("publishing a document", error))?;
    Ok(super::PublishedVersion {
        version: row.version,
        sha256: row.sha256,
    })
}

/// The newest version of `kind` whose effective date has been reached.
pub async fn current(
    db: &DatabaseConnection,
    kind: DocumentKind,
    now: OffsetDateTime,
) -> Result<PublishedDocument, AppError> {
    let found = current_version(db, kind, now)
        .await
        .map_err(|error| crate::ssr::db_error("load current document", error))?;
    let model = found.ok_or(AppError::NotFound)?;
    Ok(PublishedDocument {
        html: markdown::to_safe_html_remembered(&model.body),
        effective_date: crate::ssr::dates::day(model.effective_at),
        effective_date_label: crate::ssr::dates::long_day(model.effective_at),
        title: model.title,
        version: model.version,
        sha256: model.sha256,
    })
}

/// The lines of `new` that changed from `old`, with two lines of context;
/// `None` between hunks.
pub fn line_diff(old: &str, new: &str) -> Vec<Option<DiffLine>> {
    use similar::{ChangeTag, TextDiff};

    let diff = TextDiff::from_lines(old, new);
    let mut lines = Vec::new();
    for (index, group) in diff.grouped_ops(2).iter().enumerate() {
        if index > 0 {
            lines.push(None);
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let change_kind = match change.tag() {
                    ChangeTag::Equal => LineChange::Same,
                    ChangeTag::Insert => LineChange::Added,
                    ChangeTag::Delete => LineChange::Removed,
                };
                lines.push(Some(DiffLine {
                    change: change_kind,
                    text: change.value().trim_end_matches('\n').to_owned(),
                }));
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn dates_are_formatted_for_machines_and_people() {
        let at = datetime!(2026-11-09 00:00 UTC);
        assert_eq!(crate::ssr::dates::day(at), "2026-11-09");
        assert_eq!(crate::ssr::dates::long_day(at), "9 November 2026");
    }

    #[test]
    fn the_diff_shows_changed_lines_with_context() {
        let lines = line_diff("a\nb\nc\nd\n", "a\nB\nc\nd\n");
        let shown: Vec<(LineChange, &str)> = lines
            .iter()
            .flatten()
            .map(|line| (line.change, line.text.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (LineChange::Same, "a"),
                (LineChange::Removed, "b"),
                (LineChange::Added, "B"),
                (LineChange::Same, "c"),
                (LineChange::Same, "d"),
            ]
        );
    }
}
