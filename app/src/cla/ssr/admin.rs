//! The administrators' list of signatures: search, filters, and CSV.

use axum::{
    Extension,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};
use time::OffsetDateTime;

use super::{entities::signature, failed};
use crate::{
    accounts::Role,
    accounts::ssr::session::Auth,
    cla::{SignatureId, SignatureRow, Standing, standing_matches},
    error::AppError,
    ssr::{AppState, request::csv_field},
};

/// What the list is narrowed to.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct Filter {
    /// Part of a name, address, GitHub login or company.
    pub q: Option<String>,
    pub version: Option<i32>,
    /// `valid`, `superseded` (must sign again), `revoked`, or all.
    pub status: Option<String>,
}

/// Signatures matching `filter`, newest first (at most 1000).
pub async fn search(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    filter: &Filter,
) -> Result<Vec<SignatureRow>, AppError> {
    let mut select = signature::Entity::find()
        .order_by_desc(signature::Column::SignedAt)
        .order_by_desc(signature::Column::Id);
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let escaped: String = q
            .to_lowercase()
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        let pattern = format!("%{escaped}%");
        let mut any = sea_orm::Condition::any();
        for column in [
            signature::Column::FullName,
            signature::Column::Email,
            signature::Column::GithubLogin,
            signature::Column::CompanyName,
        ] {
            any = any.add(
                Expr::expr(Func::lower(Expr::col(column)))
                    .like(LikeExpr::new(pattern.clone()).escape('\\')),
            );
        }
        select = select.filter(any);
    }
    if let Some(version) = filter.version {
        select = select.filter(signature::Column::Version.eq(version));
    }
    let rows = select.all(db).await.map_err(failed("listing signatures"))?;
    let wanted = filter.status.as_deref().unwrap_or_default();
    let mut found = Vec::new();
    for row in rows {
        let standing = super::coverage::standing(db, &row, now, false).await?;
        if !standing_matches(&standing, wanted) {
            continue;
        }
        found.push(SignatureRow {
            id: SignatureId(row.id),
            kind: row.kind,
            company: row.company_name,
            full_name: row.full_name,
            email: row.email,
            github_login: row.github_login,
            version: row.version,
            signed: crate::ssr::dates::day(row.signed_at),
            standing,
        });
        if found.len() == 1000 {
            break;
        }
    }
    Ok(found)
}

/// The list as CSV (RFC 4180, CRLF line ends).
pub fn to_csv(rows: &[SignatureRow]) -> String {
    let mut out =
        String::from("id,kind,company,full_name,email,github_login,version,signed,status\r\n");
    for row in rows {
        let status = match &row.standing {
            Standing::Valid => "valid".to_owned(),
            Standing::Superseded => "must sign again".to_owned(),
            Standing::Revoked(on) => format!("revoked {on}"),
        };
        let fields = [
            row.id.0.to_string(),
            row.kind.clone(),
            row.company.clone().unwrap_or_default(),
            row.full_name.clone(),
            row.email.clone(),
            row.github_login.clone().unwrap_or_default(),
            row.version.to_string(),
            row.signed.clone(),
            status,
        ];
        out.push_str(
            &fields
                .iter()
                .map(|value| csv_field(value))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

/// `GET /admin/cla/signatures.csv`, with the list's filters; admins only.
pub async fn signatures_csv(
    State(state): State<AppState>,
    Extension(Auth(signed_in)): Extension<Auth>,
    Query(filter): Query<Filter>,
) -> Response {
    match signed_in {
        None => return StatusCode::UNAUTHORIZED.into_response(),
        Some(signed_in) if !signed_in.user.has_role(Role::Admin) => {
            return StatusCode::FORBIDDEN.into_response();
        }
        Some(_) => {}
    }
    match search(&state.db, state.clock.now(), &filter).await {
        Ok(rows) => crate::ssr::request::attachment(
            to_csv(&rows),
            "text/csv; charset=utf-8",
            "cla-signatures.csv",
        ),
        Err(error) => crate::ssr::error_status(&error),
    }
}
