//! "Download my data": every personal field the portal holds about a
//! member, as one JSON document grouped by feature and table.
//!
//! Nothing here names a feature's table: the rows come from
//! [`OWNED`](crate::privacy::manifest::OWNED) and the columns from the
//! manifest, so a new personal column is in the next download. Hashes and
//! secrets the software alone uses are marked as held but not shown.

use axum::{
    Extension,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use sea_orm::{
    ConnectionTrait, DbErr, EntityTrait,
    sea_query::{Alias, Expr, Func, Query, SelectStatement, SimpleExpr},
};
use serde_json::{Map, Value, json};

use crate::{
    accounts::ssr::{account, session::Auth},
    privacy::{
        data::{HeldFeature, HeldField, HeldTable, MemberData},
        manifest::{Audience, Class, Column, OWNED, Owned, Rows, entries, lookup, owner_of},
    },
    ssr::{
        AppState,
        rate_limit::{Limit, Outcome},
    },
};

/// Views of the "Your data" page per member: each one reads every table.
pub const VIEWS_PER_ACCOUNT: Limit = Limit {
    bucket: "my_data_account",
    max: 60,
    window: time::Duration::hours(1),
};

/// Downloads per member: each one reads every table.
pub const EXPORT_PER_ACCOUNT: Limit = Limit {
    bucket: "export_account",
    max: 5,
    window: time::Duration::hours(1),
};

/// Columns that point to a row people know by name: exported as
/// `(column, table, name column)` — the document's title, the list's name.
const NAMED_BY: &[(&str, &str, &str)] = &[
    ("document_id", "documents", "title"),
    ("list_id", "mail_lists", "name"),
];

/// What stands in for a value only the software uses (a hash, a secret).
pub const NOT_SHOWN: &str = "(held, but used by the software only: a hash or an encrypted secret)";

/// The member whose data is read or erased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: i64,
    pub username: String,
    pub email: String,
    /// The normalised address, which finds records made without signing
    /// in (job applications) — only once the member has confirmed it:
    /// an account made with someone else's address, through a provider
    /// that does not vouch for it, must not read that person's records.
    pub email_key: Option<String>,
}

impl Member {
    /// The member with account `id`, if there is one.
    pub async fn load<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<Self>, DbErr> {
        Ok(account::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|account| Self {
                id: account.id,
                username: account.username,
                email: account.email,
                email_key: account
                    .email_verified_at
                    .is_some()
                    .then_some(account.email_key),
            }))
    }
}

/// Everything held about `member`.
pub async fn member_data<C: ConnectionTrait>(
    db: &C,
    member: &Member,
    generated_at: time::OffsetDateTime,
) -> Result<MemberData, DbErr> {
    let postgres = db.get_database_backend() == sea_orm::DbBackend::Postgres;
    let mut features: Vec<HeldFeature> = Vec::new();
    for owned in OWNED {
        let columns = exported_columns(owned, postgres);
        if columns.is_empty() {
            continue;
        }
        let rows = read_rows(db, owned, &columns, member).await?;
        if rows.is_empty() {
            continue;
        }
        let table = HeldTable {
            table: owned.table.to_owned(),
            fields: columns
                .iter()
                .map(|column| HeldField {
                    column: column.column.to_owned(),
                    label: label(column).to_owned(),
                })
                .collect(),
            rows,
        };
        let name = feature_of(&columns);
        match features.iter_mut().find(|feature| feature.name == name) {
            Some(feature) => feature.tables.push(table),
            None => features.push(HeldFeature {
                name,
                tables: vec![table],
            }),
        }
    }
    Ok(MemberData {
        username: member.username.clone(),
        generated_at: crate::ssr::dates::long_day(generated_at),
        features,
    })
}

/// The download: features, then tables, each with what its fields mean and
/// the member's rows as objects.
pub fn to_json(data: &MemberData) -> Value {
    let features: Map<String, Value> = data
        .features
        .iter()
        .map(|feature| {
            let tables: Map<String, Value> = feature
                .tables
                .iter()
                .map(|table| {
                    let fields: Map<String, Value> = table
                        .fields
                        .iter()
                        .map(|field| (field.column.clone(), json!(field.label)))
                        .collect();
                    let rows: Vec<Value> = table
                        .rows
                        .iter()
                        .map(|row| {
                            let object: Map<String, Value> = table
                                .fields
                                .iter()
                                .zip(row)
                                .map(|(field, value)| (field.column.clone(), json!(value)))
                                .collect();
                            Value::Object(object)
                        })
                        .collect();
                    (
                        table.table.clone(),
                        json!({ "fields": fields, "rows": rows }),
                    )
                })
                .collect();
            (feature.name.clone(), Value::Object(tables))
        })
        .collect();
    json!({
        "about": "Everything this community portal holds about you, grouped by feature and table. \
                  Each table lists what its fields mean, then your rows. \
                  Records kept about you by others' hands (what a moderator or recruiter wrote) \
                  are included; the names of those who wrote them are not.",
        "generated_at": data.generated_at,
        "username": data.username,
        "features": features,
    })
}

/// The columns of `owned` that say what a row is (its context), then its
/// personal columns this backend has, minus those about someone else.
fn exported_columns(owned: &Owned, postgres: bool) -> Vec<&'static Column> {
    let personal: Vec<&'static Column> = entries()
        .filter(|entry| entry.table == owned.table)
        .filter(|entry| matches!(entry.class, Class::Personal(_)))
        .filter(|entry| postgres || !entry.postgres_only)
        .filter(|entry| !owned.others.contains(&entry.column))
        .collect();
    if personal.is_empty() {
        return personal;
    }
    let context = owned
        .context
        .iter()
        .filter_map(|column| lookup(owned.table, column));
    context.chain(personal).collect()
}

fn label(column: &Column) -> &'static str {
    match &column.class {
        Class::Personal(field) => field.label,
        Class::NotPersonal(why) => why,
    }
}

/// Only the software sees it: say it is held, not what it is.
fn hidden(column: &Column) -> bool {
    matches!(&column.class, Class::Personal(field) if field.visible_to == [Audience::NoOne])
}

fn feature_of(columns: &[&Column]) -> String {
    columns
        .iter()
        .find_map(|column| match &column.class {
            Class::Personal(field) => Some(field.feature.to_string()),
            Class::NotPersonal(_) => None,
        })
        .unwrap_or_default()
}

async fn read_rows<C: ConnectionTrait>(
    db: &C,
    owned: &Owned,
    columns: &[&Column],
    member: &Member,
) -> Result<Vec<Vec<Option<String>>>, DbErr> {
    let mut select = Query::select();
    for column in columns {
        // Every value as text: one reading for both databases and every
        // column type.
        use sea_orm::sea_query::ExprTrait as _;
        let named = NAMED_BY.iter().find(|(key, _, _)| *key == column.column);
        let value: SimpleExpr = if let Some((key, table, name)) = named {
            // What the row points to, by its name rather than its number.
            SimpleExpr::SubQuery(
                None,
                Box::new(
                    Query::select()
                        .column(Alias::new(*name))
                        .from(Alias::new(*table))
                        .and_where(
                            Expr::col((Alias::new(*table), Alias::new("id")))
                                .equals((Alias::new(owned.table), Alias::new(*key))),
                        )
                        .to_owned()
                        .into(),
                ),
            )
        } else {
            Expr::col(Alias::new(column.column))
        };
        select.expr_as(
            Func::cast_as(value, Alias::new("TEXT")),
            Alias::new(column.column),
        );
    }
    select
        .from(Alias::new(owned.table))
        .and_where(rows_of(owned, member));
    let statement = db.get_database_backend().build(&select);
    let mut rows = Vec::new();
    for row in db.query_all_raw(statement).await? {
        let mut values = Vec::with_capacity(columns.len());
        for column in columns {
            let value: Option<String> = row.try_get("", column.column)?;
            values.push(match value {
                Some(_) if hidden(column) => Some(NOT_SHOWN.to_owned()),
                other => other,
            });
        }
        rows.push(values);
    }
    Ok(rows)
}

/// The condition that picks `member`'s rows of `owned.table`.
pub(super) fn rows_of(owned: &Owned, member: &Member) -> SimpleExpr {
    use sea_orm::sea_query::ExprTrait;
    match owned.rows {
        Rows::Account(column) => Expr::col(Alias::new(column)).eq(member.id),
        Rows::EmailKey(column) => match &member.email_key {
            Some(key) => Expr::col(Alias::new(column)).eq(key.as_str()),
            None => Expr::val(false),
        },
        Rows::AccountOrEmailKey { account, email_key } => {
            let by_account = Expr::col(Alias::new(account)).eq(member.id);
            match &member.email_key {
                Some(key) => by_account.or(Expr::col(Alias::new(email_key)).eq(key.as_str())),
                None => by_account,
            }
        }
        Rows::Through { column, parent } => {
            Expr::col(Alias::new(column)).in_subquery(parent_ids(parent, member))
        }
    }
}

fn parent_ids(parent: &str, member: &Member) -> SelectStatement {
    let mut select = Query::select();
    select
        .column(Alias::new("id"))
        .from(Alias::new(parent.to_owned()));
    if let Some(owned) = owner_of(parent) {
        select.and_where(rows_of(owned, member));
    } else {
        // Not reached: a test checks that every parent is listed.
        select.and_where(Expr::val(false));
    }
    select.to_owned()
}

/// `GET /account/data.json`: the signed-in member's data, as a download.
pub async fn download(
    State(state): State<AppState>,
    Extension(Auth(signed_in)): Extension<Auth>,
) -> Response {
    let Some(signed_in) = signed_in else {
        return Redirect::to("/account/sign-in").into_response();
    };
    let now = state.clock.now();
    let subject = signed_in.user.id.to_string();
    match state
        .limiter
        .hit(&state.db, EXPORT_PER_ACCOUNT, &subject, now)
        .await
    {
        Ok(Outcome::Allowed) => {}
        Ok(Outcome::Limited { retry_after }) => {
            let mut response = (
                StatusCode::TOO_MANY_REQUESTS,
                "You downloaded your data several times in the last hour; try again later.",
            )
                .into_response();
            if let Ok(value) =
                HeaderValue::from_str(&retry_after.whole_seconds().max(1).to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return response;
        }
        Err(error) => {
            return crate::ssr::error_status(&crate::ssr::db_error("counting downloads", error));
        }
    }
    let data = match Member::load(&state.db, signed_in.user.id).await {
        Ok(Some(member)) => member_data(&state.db, &member, now).await,
        Ok(None) => return Redirect::to("/account/sign-in").into_response(),
        Err(error) => Err(error),
    };
    let data = match data {
        Ok(data) => data,
        Err(error) => {
            return crate::ssr::error_status(&crate::ssr::db_error(
                "exporting a member's data",
                error,
            ));
        }
    };
    tracing::info!(account_id = signed_in.user.id, "member data downloaded");
    crate::ssr::request::attachment(
        serde_json::to_vec_pretty(&to_json(&data)).unwrap_or_default(),
        "application/json; charset=utf-8",
        &format!("my-data-{}.json", crate::ssr::dates::day(now)),
    )
}
