//! Categories: listed in the admins' order, with public thread counts.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait, sea_query::Expr,
};

use super::{Seen, category, thread};
use crate::{
    error::AppError,
    forum::{Category, CategoryId},
    ssr::{Clock, db_error},
};

pub(super) fn to_category(row: category::Model) -> Category {
    Category {
        id: CategoryId(row.id),
        thread_count: u64::try_from(row.public_threads).unwrap_or(0),
        name: row.name,
        description: row.description,
        position: row.position,
    }
}

/// Every category in order, with how many public threads each holds.
pub async fn categories<C: ConnectionTrait>(db: &C) -> Result<Vec<Category>, AppError> {
    Ok(category::Entity::find()
        .order_by_asc(category::Column::Position)
        .order_by_asc(category::Column::Id)
        .all(db)
        .await
        .map_err(|e| db_error("listing categories", e))?
        .into_iter()
        .map(to_category)
        .collect())
}

/// One category, or `not_found`, with its count of public threads.
pub async fn find_category<C: ConnectionTrait>(
    db: &C,
    id: CategoryId,
) -> Result<Category, AppError> {
    category::Entity::find_by_id(id.0)
        .one(db)
        .await
        .map_err(|e| db_error("loading a category", e))?
        .map(to_category)
        .ok_or(AppError::NotFound)
}

/// Stores how many public threads a category holds, after a thread of it
/// became public or stopped being so, or moved in or out. Counted through
/// the index on (category, public), in the caller's transaction.
pub async fn recount_category<C: ConnectionTrait>(db: &C, id: i64) -> Result<(), AppError> {
    let count = thread::Entity::find()
        .filter(thread::Column::CategoryId.eq(id))
        .filter(Seen::public_threads())
        .count(db)
        .await
        .map_err(|e| db_error("counting threads", e))?;
    category::Entity::update_many()
        .col_expr(
            category::Column::PublicThreads,
            Expr::value(i64::try_from(count).unwrap_or(i64::MAX)),
        )
        .filter(category::Column::Id.eq(id))
        .exec(db)
        .await
        .map_err(|e| db_error("counting threads", e))?;
    Ok(())
}

/// A category's name and description as an admin typed them.
#[derive(Debug, Clone)]
pub struct CategoryInput {
    pub name: String,
    pub description: String,
    pub position: i32,
}

impl CategoryInput {
    pub fn parse(name: &str, description: &str, position: &str) -> Result<Self, AppError> {
        let name = name.trim();
        if !(2..=80).contains(&name.chars().count()) || name.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "name",
                "Give the category a name of 2 to 80 characters.",
            ));
        }
        let description = description.trim();
        if description.chars().count() > 500 {
            return Err(AppError::invalid(
                "description",
                "Keep the description to 500 characters.",
            ));
        }
        let position = position.trim().parse::<i32>().map_err(|_| {
            AppError::invalid("position", "The position is a whole number, e.g. 10.")
        })?;
        Ok(Self {
            name: name.to_owned(),
            description: description.to_owned(),
            position,
        })
    }
}

/// Creates a category (`id` is `None`) or changes one.
pub async fn save_category(
    db: &DatabaseConnection,
    clock: &Clock,
    id: Option<CategoryId>,
    input: CategoryInput,
) -> Result<CategoryId, AppError> {
    let mut row = match id {
        Some(id) => category::ActiveModel::from(
            category::Entity::find_by_id(id.0)
                .one(db)
                .await
                .map_err(|e| db_error("loading a category", e))?
                .ok_or(AppError::NotFound)?,
        ),
        None => category::ActiveModel {
            created_at: Set(clock.now()),
            ..Default::default()
        },
    };
    row.name = Set(input.name);
    row.description = Set(input.description);
    row.position = Set(input.position);
    let saved = row
        .save(db)
        .await
        .map_err(|e| db_error("saving a category", e))?;
    let id = saved.id.try_as_ref().copied().ok_or(AppError::Internal)?;
    tracing::info!(category = id, "forum category saved");
    Ok(CategoryId(id))
}

/// Deletes an empty category; one still holding threads of any state is
/// refused with how many, so the admin can move them first.
pub async fn delete_category(db: &DatabaseConnection, id: CategoryId) -> Result<(), AppError> {
    let txn = db
        .begin()
        .await
        .map_err(|e| db_error("deleting a category", e))?;
    if !category_exists(&txn, id).await? {
        return Err(AppError::NotFound);
    }
    let threads = thread::Entity::find()
        .filter(thread::Column::CategoryId.eq(id.0))
        .count(&txn)
        .await
        .map_err(|e| db_error("deleting a category", e))?;
    if threads > 0 {
        let held = if threads == 1 {
            "1 thread".to_owned()
        } else {
            format!("{threads} threads")
        };
        return Err(AppError::invalid(
            "id",
            format!(
                "The category still holds {held}, counting hidden and deleted ones. Moderators can move them to another category first."
            ),
        ));
    }
    category::Entity::delete_by_id(id.0)
        .exec(&txn)
        .await
        .map_err(|e| db_error("deleting a category", e))?;
    txn.commit()
        .await
        .map_err(|e| db_error("deleting a category", e))?;
    tracing::info!(category = id.0, "forum category deleted");
    Ok(())
}

/// Whether a category exists (for moving threads).
pub async fn category_exists<C: ConnectionTrait>(db: &C, id: CategoryId) -> Result<bool, AppError> {
    Ok(category::Entity::find()
        .filter(category::Column::Id.eq(id.0))
        .one(db)
        .await
        .map_err(|e| db_error("loading a category", e))?
        .is_some())
}
