//! The server side of the list administration.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, SqlErr,
    sea_query::Expr,
};
use time::OffsetDateTime;

use super::admin::ListRow;
use crate::{
    error::AppError,
    ssr::{
        db_error,
        mail_lists::{MailList, list},
    },
};

/// A list's fields as an administrator typed them, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListInput {
    pub name: String,
    pub description: String,
    pub audience: &'static str,
}

impl ListInput {
    pub fn parse(name: &str, description: &str, audience: &str) -> Result<Self, AppError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(AppError::invalid("name", "Give the list a name."));
        }
        if name.chars().count() > 100 {
            return Err(AppError::invalid(
                "name",
                "Keep the name under 100 characters.",
            ));
        }
        let description = description.trim();
        if description.chars().count() > 1000 {
            return Err(AppError::invalid(
                "description",
                "Keep the description under 1,000 characters.",
            ));
        }
        let audience = match audience {
            "everyone" => "everyone",
            "members" => "members",
            _ => {
                return Err(AppError::invalid(
                    "audience",
                    "Choose who may join the list.",
                ));
            }
        };
        Ok(Self {
            name: name.to_owned(),
            description: description.to_owned(),
            audience,
        })
    }
}

/// The list's key in `mail_lists.slug` (40 characters at most): its name's
/// words, so that two names differing only in case or punctuation clash.
fn list_slug(name: &str) -> String {
    let mut slug = crate::slug::slug(name, "list");
    slug.truncate(SLUG_LEN);
    slug.trim_end_matches('-').to_owned()
}

const SLUG_LEN: usize = 40;

/// Every list, oldest first, with its subscriber count.
pub async fn lists<C: ConnectionTrait>(db: &C) -> Result<Vec<ListRow>, AppError> {
    let failed = |error| db_error("listing mail lists", error);
    let rows = list::Entity::find()
        .order_by_asc(list::Column::Id)
        .all(db)
        .await
        .map_err(failed)?;
    let counts = super::subscribers_ssr::confirmed_counts(db)
        .await
        .map_err(failed)?;
    Ok(rows
        .into_iter()
        .map(|row| ListRow {
            subscribers: counts
                .get(&row.id)
                .and_then(|n| u64::try_from(*n).ok())
                .unwrap_or_default(),
            built_in: MailList::parse(&row.slug).is_some(),
            archived: row.archived_at.is_some(),
            id: row.id,
            name: row.name,
            description: row.description,
            audience: row.audience,
        })
        .collect())
}

/// The list `id`, if an administrator may change it.
async fn changeable<C: ConnectionTrait>(db: &C, id: i64) -> Result<list::Model, AppError> {
    let row = list::Entity::find_by_id(id)
        .one(db)
        .await
        .map_err(|error| db_error("loading a mail list", error))?
        .ok_or(AppError::NotFound)?;
    if MailList::parse(&row.slug).is_some() {
        return Err(AppError::invalid(
            "name",
            "This list is made by the portal and cannot be changed here.",
        ));
    }
    Ok(row)
}

/// Makes a list (no `id`) or changes one; two lists never share a name.
pub async fn save<C: ConnectionTrait>(
    db: &C,
    id: Option<i64>,
    input: ListInput,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let failed = |error| db_error("saving a mail list", error);
    let slug = list_slug(&input.name);
    let taken = list::Entity::find()
        .filter(list::Column::Slug.eq(slug.clone()))
        .one(db)
        .await
        .map_err(failed)?
        .is_some_and(|other| Some(other.id) != id);
    if taken {
        return Err(AppError::invalid(
            "name",
            "A list with this name already exists; choose another.",
        ));
    }
    let saved = match id {
        Some(id) => {
            changeable(db, id).await?;
            list::Entity::update_many()
                .col_expr(list::Column::Slug, Expr::value(slug))
                .col_expr(list::Column::Name, Expr::value(input.name))
                .col_expr(list::Column::Description, Expr::value(input.description))
                .col_expr(list::Column::Audience, Expr::value(input.audience))
                .filter(list::Column::Id.eq(id))
                .exec(db)
                .await
                .map(drop)
        }
        None => list::Entity::insert(list::ActiveModel {
            slug: Set(slug),
            name: Set(input.name),
            description: Set(input.description),
            audience: Set(input.audience.to_owned()),
            created_at: Set(now),
            archived_at: Set(None),
            ..Default::default()
        })
        .exec(db)
        .await
        .map(drop),
    };
    match saved {
        Ok(()) => Ok(()),
        // Two administrators saving the same name at once: one wins.
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(AppError::invalid(
                "name",
                "A list with this name already exists; choose another.",
            ))
        }
        Err(error) => Err(failed(error)),
    }
}

/// Archives list `id`, or restores it.
pub async fn archive<C: ConnectionTrait>(
    db: &C,
    id: i64,
    archived: bool,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    changeable(db, id).await?;
    list::Entity::update_many()
        .col_expr(
            list::Column::ArchivedAt,
            Expr::value(archived.then_some(now)),
        )
        .filter(list::Column::Id.eq(id))
        .exec(db)
        .await
        .map_err(|error| db_error("archiving a mail list", error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_name_gives_a_key_that_fits_its_column() {
        let slug = list_slug(&"Release notes ".repeat(7));
        assert!(slug.len() <= SLUG_LEN, "{slug}");
        assert!(!slug.ends_with('-'));
        assert_eq!(list_slug("Product News!"), list_slug("product news"));
    }

    #[test]
    fn a_list_needs_a_name_a_short_description_and_an_audience() {
        assert!(ListInput::parse("Product news", "Monthly.", "everyone").is_ok());
        for (name, description, audience, field) in [
            ("  ", "", "everyone", "name"),
            ("News", &"x".repeat(1001), "everyone", "description"),
            ("News", "", "robots", "audience"),
        ] {
            let refused = ListInput::parse(name, description, audience);
            assert!(
                matches!(&refused, Err(AppError::Invalid { field: f, .. }) if f == field),
                "{refused:?}"
            );
        }
    }
}
