//! `/reports/usage` and `/reports/usage/2026-11`: the monthly report of
//! how the site and the company's products are used, published to
//! everyone or to partners (`PORTAL_USAGE_REPORT`), with its Atom feed at
//! [`FEED_PATH`]. No count in it is under [`K`] (see `published_ssr`).

use leptos::prelude::*;
use leptos_meta::{Link, Title};
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::{chart::BarLabel, error::AppError, error_page::ErrorPage};

/// The smallest count a report shows.
pub const K: i64 = 10;
/// The reports' Atom feed.
pub const FEED_PATH: &str = "/reports/usage.atom";

/// A table of a report: its rows (each at least [`K`]), the merged rest,
/// and the total of both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedTable {
    pub title: String,
    pub column: String,
    /// What the numbers count: `Visitor-days`, `Installs`, `Checks`.
    pub unit: String,
    pub rows: Vec<(String, i64)>,
    /// The cells not shown, summed: at least [`K`], and never one cell.
    pub other: Option<i64>,
    pub total: i64,
}

/// The site's visits in a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visits {
    /// Each day's visitors, summed: one person on two days counts twice.
    pub visitor_days: i64,
    pub views: i64,
    pub visits: i64,
    /// Visitors per day, when no day had fewer than [`K`].
    pub days: Option<Vec<(String, i64)>>,
    pub tables: Vec<PublishedTable>,
}

/// One product's installs in the month's last week, and its checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductReport {
    pub name: String,
    /// The Monday of the week the installs are counted in.
    pub week: String,
    /// Installs that reported that week; 0 when fewer than [`K`].
    pub installs: i64,
    pub tables: Vec<PublishedTable>,
}

/// A month's report, as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthReport {
    /// `2026-11`.
    pub month: String,
    /// `November 2026`.
    pub title: String,
    pub k: i64,
    /// `None` when the month had fewer than [`K`] visitor-days.
    pub visits: Option<Visits>,
    pub products: Vec<ProductReport>,
}

/// A published month, for the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportListing {
    pub month: String,
    pub title: String,
    /// `2026-12-01`.
    pub published_at: String,
}

/// Who may read the reports, as the operator chose.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportAudience {
    Everyone,
    /// Members with the partner role, and administrators.
    Partners,
    /// No report is published.
    Nobody,
}

#[cfg(feature = "ssr")]
impl ReportAudience {
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim() {
            "public" => Some(Self::Everyone),
            "partners" => Some(Self::Partners),
            "off" => Some(Self::Nobody),
            _ => None,
        }
    }

    /// Whether `user` may read the reports.
    pub fn admits(self, user: Option<&crate::accounts::CurrentUser>) -> Result<(), AppError> {
        use crate::accounts::Role;
        match (self, user) {
            (Self::Everyone, _) => Ok(()),
            (Self::Nobody, _) => Err(AppError::NotFound),
            (Self::Partners, None) => Err(AppError::Unauthorized),
            (Self::Partners, Some(user))
                if user.has_role(Role::Partner) || user.has_role(Role::Admin) =>
            {
                Ok(())
            }
            (Self::Partners, Some(_)) => Err(AppError::Forbidden),
        }
    }
}

#[cfg(feature = "ssr")]
async fn admit(state: &crate::ssr::AppState) -> Result<(), AppError> {
    let audience = state
        .settings::<ReportAudience>()
        .copied()
        .unwrap_or(ReportAudience::Nobody);
    if audience == ReportAudience::Everyone {
        return Ok(());
    }
    let user = crate::accounts::ssr::auth::auth()
        .await?
        .map(|signed_in| signed_in.user);
    audience.admits(user.as_ref())
}

/// Every published month, newest first.
#[server(endpoint = "reports/usage", input = leptos::server_fn::codec::GetUrl)]
pub async fn usage_reports() -> Result<Vec<ReportListing>, AppError> {
    let state = crate::ssr::AppState::from_context()?;
    admit(&state).await?;
    super::published_ssr::listing(&state.reads)
        .await
        .map_err(|error| crate::ssr::db_error("listing usage reports", error))
}

/// The report of `month` (`2026-11`).
#[server(endpoint = "reports/usage/month", input = leptos::server_fn::codec::GetUrl)]
pub async fn usage_report(month: String) -> Result<MonthReport, AppError> {
    let state = crate::ssr::AppState::from_context()?;
    admit(&state).await?;
    super::published_ssr::stored(&state.reads, &month)
        .await
        .map_err(|error| crate::ssr::db_error("reading a usage report", error))?
        .ok_or(AppError::NotFound)
}

#[component]
pub fn UsageReportsPage() -> impl IntoView {
    let reports = Resource::new(|| (), |_| usage_reports());
    view! {
        <Title text="Usage reports" />
        <Link rel="alternate" type_="application/atom+xml" href=FEED_PATH title="Usage reports" />
        <article class="page">
            <h1>"Usage reports"</h1>
            <p>
                "Each month, how this site and the company's products were used, in counts only. Every number counts at least "
                {K}
                " visitors or installs: smaller ones are merged into “other”, and a table too small to show is left out. "
                <a href=FEED_PATH>"Follow the reports (Atom feed)"</a> "."
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match reports.await {
                        Ok(list) if list.is_empty() => {
                            view! { <p>"No report yet: the first comes when a month is over."</p> }
                                .into_any()
                        }
                        Ok(list) => {
                            view! {
                                <ul class="report-list">
                                    {list
                                        .into_iter()
                                        .map(|report| {
                                            view! {
                                                <li>
                                                    <a href=format!(
                                                        "/reports/usage/{}",
                                                        report.month,
                                                    )>{report.title}</a>
                                                    {format!(" (published {})", report.published_at)}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </article>
    }
}

#[component]
pub fn UsageReportPage() -> impl IntoView {
    let params = use_params_map();
    let report = Resource::new(
        move || params.with(|p| p.get("month").unwrap_or_default()),
        usage_report,
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => view! { <Report report /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Report(report: MonthReport) -> impl IntoView {
    let title = format!("Usage report, {}", report.title);
    let visits = match report.visits {
        None => view! { <p>{format!("Fewer than {} visitors this month: nothing to show.", report.k)}</p> }
        .into_any(),
        Some(visits) => {
            let chart = visits.days.map(|days| {
                let series = vec![crate::chart::Series {
                    name: "Visitors".to_owned(),
                    points: days,
                }];
                view! {
                    <crate::chart::LineChart
                        id="report-days"
                        title="Visitors per day".to_owned()
                        series
                        empty="No day to show."
                    />
                }
            });
            view! {
                <dl class="tiles">
                    <div class="tile">
                        <dt>"Visitor-days"</dt>
                        <dd>
                            <span class="tile-value">{visits.visitor_days}</span>
                        </dd>
                    </div>
                    <div class="tile">
                        <dt>"Visits"</dt>
                        <dd>
                            <span class="tile-value">{visits.visits}</span>
                        </dd>
                    </div>
                    <div class="tile">
                        <dt>"Page views"</dt>
                        <dd>
                            <span class="tile-value">{visits.views}</span>
                        </dd>
                    </div>
                </dl>
                {chart}
                <div class="insight-tables">
                    {visits
                        .tables
                        .into_iter()
                        .enumerate()
                        .map(|(n, table)| view! { <Table table id=format!("visits-{n}") /> })
                        .collect_view()}
                </div>
            }
            .into_any()
        }
    };
    let products = report
        .products
        .into_iter()
        .enumerate()
        .map(|(p, product)| {
            let heading = format!("product-{p}");
            let labelled_by = heading.clone();
            let installs = if product.installs > 0 {
                format!(
                    "{} installs reported in the week of {}.",
                    product.installs, product.week,
                )
            } else {
                format!(
                    "Fewer than {} installs reported in the week of {}.",
                    report.k, product.week
                )
            };
            view! {
                <section aria-labelledby=labelled_by>
                    <h2 id=heading>{product.name}</h2>
                    <p>{installs}</p>
                    <div class="insight-tables">
                        {product
                            .tables
                            .into_iter()
                            .enumerate()
                            .map(|(n, table)| {
                                view! { <Table table id=format!("product-{p}-{n}") /> }
                            })
                            .collect_view()}
                    </div>
                </section>
            }
        })
        .collect_view();
    view! {
        <Title text=title.clone() />
        <article class="page page-wide insights">
            <h1>{title}</h1>
            <p>
                {format!(
                    "Counts only. No number here counts fewer than {} visitors or installs: smaller ones are merged into “other”, and totals are the sum of what is shown. A visitor is one browser on one day, so the month's visitors are visitor-days. ",
                    report.k,
                )} <a href="/reports/usage">"All reports"</a>
            </p>
            <section aria-labelledby="report-visits">
                <h2 id="report-visits">"Visits to this site"</h2>
                {visits}
            </section>
            {products}
        </article>
    }
}

#[component]
fn Table(table: PublishedTable, id: String) -> impl IntoView {
    let top = table.rows.first().map_or(1, |(_, n)| (*n).max(1));
    let rows = table
        .rows
        .into_iter()
        .map(|(value, n)| {
            view! {
                <tr>
                    <BarLabel value share=n * 100 / top />
                    <td class="number">{n}</td>
                </tr>
            }
        })
        .collect_view();
    let other = table.other.map(|n| {
        view! {
            <tr>
                <th scope="row">"Other"</th>
                <td class="number">{n}</td>
            </tr>
        }
    });
    let labelled_by = id.clone();
    view! {
        <section aria-labelledby=labelled_by class="insight-table">
            <h3 id=id>{table.title}</h3>
            <table>
                <thead>
                    <tr>
                        <th scope="col">{table.column}</th>
                        <th scope="col" class="number">
                            {table.unit}
                        </th>
                    </tr>
                </thead>
                <tbody>{rows} {other}</tbody>
                <tfoot>
                    <tr>
                        <th scope="row">"Total"</th>
                        <td class="number">{table.total}</td>
                    </tr>
                </tfoot>
            </table>
        </section>
    }
}
