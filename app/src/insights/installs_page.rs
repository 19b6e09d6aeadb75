//! `/admin/insights/installs?product=…&weeks=…`: what the products
//! report, drawn on the server (SVG chart, plain tables), so it reads the
//! same with JavaScript off.

use crate::table::TableScroll;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::installs::{InstallReport, Row, installs};
use crate::{
    chart::{BarLabel, LineChart, Series},
    error_page::ErrorPage,
};

const WEEK_CHOICES: [i64; 5] = [4, 12, 26, 52, 104];

#[component]
pub fn InstallsPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name).filter(|value| !value.is_empty()));
    let report = Resource::new(
        move || {
            (
                param("product"),
                param("weeks").and_then(|w| w.parse().ok()),
            )
        },
        |(product, weeks)| installs(product, weeks),
    );
    view! {
        <Title text="Installs" />
        <article class="page page-wide insights">
            <h1>"Installs"</h1>
            <p>
                "What the company's products report when they call home. An install is counted once a week, known only by a hash that changes every week; no address is kept. "
                <a href="/admin/releases">"Releases"</a> " sets what update checks are told."
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match report.await {
                        Ok(report) => view! { <Dashboard report /> }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn Dashboard(report: InstallReport) -> impl IntoView {
    let Some((slug, name)) = report.product.clone() else {
        return view! { <p>"No product yet: add one under " <a href="/admin/releases">"Releases"</a> "."</p> }
        .into_any();
    };
    let chosen_weeks = i64::try_from(report.weeks.len()).unwrap_or_default();
    let products = report
        .products
        .iter()
        .map(|(key, title)| {
            view! {
                <option value=key.clone() selected=*key == slug>
                    {title.clone()}
                </option>
            }
        })
        .collect_view();
    let week_options = WEEK_CHOICES
        .iter()
        .map(|n| {
            view! {
                <option value=n.to_string() selected=*n == chosen_weeks>
                    {format!("{n} weeks")}
                </option>
            }
        })
        .collect_view();
    let mut series = vec![Series {
        name: "All versions".to_owned(),
        points: report
            .weeks
            .iter()
            .map(|week| (week.week.clone(), week.installs))
            .collect(),
    }];
    series.extend(
        report
            .versions
            .iter()
            .take(3)
            .enumerate()
            .map(|(i, version)| Series {
                name: version.clone(),
                points: report
                    .weeks
                    .iter()
                    .map(|week| {
                        (
                            week.week.clone(),
                            week.by_version.get(i).copied().unwrap_or_default(),
                        )
                    })
                    .collect(),
            }),
    );
    let heads = report
        .versions
        .iter()
        .map(|version| {
            view! {
                <th scope="col" class="number">
                    {version.clone()}
                </th>
            }
        })
        .collect_view();
    let weeks = report
        .weeks
        .iter()
        .rev()
        .map(|week| {
            let cells = week
                .by_version
                .iter()
                .map(|n| view! { <td class="number">{*n}</td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{week.week.clone()}</th>
                    <td class="number">{week.installs}</td>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let of_week = report.week.clone().map_or_else(
        || "no report yet".to_owned(),
        |week| format!("week of {week}"),
    );
    view! {
        <form method="get" action="/admin/insights/installs" class="inline-form range-form">
            <label for="field-product">"Product"</label>
            <select id="field-product" name="product">
                {products}
            </select>
            <label for="field-weeks">"Over"</label>
            <select id="field-weeks" name="weeks">
                {week_options}
            </select>
            <button type="submit" class="button button-secondary">
                "Show"
            </button>
        </form>
        <section aria-labelledby="weeks-heading">
            <h2 id="weeks-heading">{format!("Active installs of {name}, week by week")}</h2>
            <LineChart
                id="installs-chart"
                title=format!("Installs of {name} that reported, per week")
                series
                empty="No install has reported in these weeks."
            />
            <TableScroll label="Installs by version">
                <table class="data-table">
                    <caption>"Installs by version, newest week first"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Week of"</th>
                            <th scope="col" class="number">
                                "All"
                            </th>
                            {heads}
                        </tr>
                    </thead>
                    <tbody>{weeks}</tbody>
                </table>
            </TableScroll>
        </section>
        <div class="insight-tables">
            <RowsTable
                id="systems"
                title=format!("Operating systems, {of_week}")
                column="System"
                count="Installs"
                rows=report.systems.clone()
            />
            <RowsTable
                id="architectures"
                title=format!("Architectures, {of_week}")
                column="Architecture"
                count="Installs"
                rows=report.architectures.clone()
            />
            <RowsTable
                id="servers"
                title=format!("Managed servers, {of_week}")
                column="Type"
                count="Installs"
                total="Servers"
                rows=report.servers.clone()
            />
            <RowsTable
                id="problems"
                title=format!("Problems, {of_week}")
                column="Code"
                count="Installs"
                total="Occurrences"
                rows=report.problems.clone()
            />
            <RowsTable
                id="checks"
                title="Update checks, last 30 days".to_owned()
                column="Version"
                count="Checks"
                rows=report.checks.clone()
            />
        </div>
    }
    .into_any()
}

/// One breakdown, with a bar per row for its share of the largest.
#[component]
fn RowsTable(
    id: &'static str,
    title: String,
    column: &'static str,
    count: &'static str,
    #[prop(optional)] total: Option<&'static str>,
    rows: Vec<Row>,
) -> impl IntoView {
    let heading = format!("installs-{id}");
    let labelled_by = heading.clone();
    let top = rows.first().map_or(1, |row| row.count.max(1));
    let columns = if total.is_some() { "3" } else { "2" };
    let body = if rows.is_empty() {
        view! {
            <tr>
                <td colspan=columns>"None."</td>
            </tr>
        }
        .into_any()
    } else {
        rows.into_iter()
            .map(|row| {
                let share = row.count * 100 / top;
                view! {
                    <tr>
                        <BarLabel value=row.value share />
                        <td class="number">{row.count}</td>
                        {total.map(|_| view! { <td class="number">{row.total}</td> })}
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section aria-labelledby=labelled_by class="insight-table">
            <h2 id=heading>{title}</h2>
            <table>
                <thead>
                    <tr>
                        <th scope="col">{column}</th>
                        <th scope="col" class="number">
                            {count}
                        </th>
                        {total
                            .map(|total| {
                                view! {
                                    <th scope="col" class="number">
                                        {total}
                                    </th>
                                }
                            })}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </section>
    }
}
