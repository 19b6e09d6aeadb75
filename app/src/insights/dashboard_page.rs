//! `/admin/insights?from=…&to=…`: the visit statistics, drawn on the
//! server (the chart is SVG, every table plain HTML with a CSV link), so
//! the page reads the same with JavaScript off.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::dashboard::{CountRow, Dimension, Report, Totals, insights};
use crate::{
    chart::{BarLabel, LineChart, Series},
    error_page::ErrorPage,
};

#[component]
pub fn InsightsPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name).filter(|value| !value.is_empty()));
    let report = Resource::new(
        move || (param("from"), param("to")),
        |(from, to)| insights(from, to),
    );
    view! {
        <Title text="Visit statistics" />
        <article class="page page-wide insights">
            <h1>"Visit statistics"</h1>
            <p>
                "Page views counted without knowing who visits: no address, no cookie, no account. "
                "A visitor is one browser on one day, so one person on two days counts twice. "
                "Browsers that ask not to be tracked (GPC or DNT) are not counted."
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
fn Dashboard(report: Report) -> impl IntoView {
    let range = format!("from={}&to={}", report.from, report.to);
    let series = vec![
        Series {
            name: "Visitors".to_owned(),
            points: report
                .days
                .iter()
                .map(|day| (day.day.clone(), day.totals.visitors))
                .collect(),
        },
        Series {
            name: "Page views".to_owned(),
            points: report
                .days
                .iter()
                .map(|day| (day.day.clone(), day.totals.views))
                .collect(),
        },
    ];
    let tables = report
        .tables
        .iter()
        .map(|(dimension, rows)| {
            view! { <CountTable dimension=*dimension rows=rows.clone() range=range.clone() /> }
        })
        .collect_view();
    view! {
        <form method="get" action="/admin/insights" class="inline-form range-form">
            <label for="field-from">"From"</label>
            <input id="field-from" name="from" type="date" value=report.from.clone() />
            <label for="field-to">"To"</label>
            <input id="field-to" name="to" type="date" value=report.to.clone() />
            <button type="submit" class="button button-secondary">
                "Show"
            </button>
        </form>
        <p class="range-presets">
            "Last: "
            {report
                .recent
                .iter()
                .map(|(days, from, to)| {
                    view! {
                        <a href=format!(
                            "/admin/insights?from={from}&to={to}",
                        )>{format!("{days} days")}</a>
                        " "
                    }
                })
                .collect_view()}
        </p>
        <section aria-labelledby="totals-heading">
            <h2 id="totals-heading">
                {format!(
                    "{} to {}, against the {} days before",
                    report.from,
                    report.to,
                    report.days.len(),
                )}
            </h2>
            <Tiles now=report.totals before=report.previous />
        </section>
        <section aria-labelledby="days-heading">
            <h2 id="days-heading">"Day by day"</h2>
            <LineChart
                id="insights-chart"
                title="Visitors and page views per day".to_owned()
                series
                empty="No page views in this range."
            />
            <p>
                <a href=format!("/admin/insights.csv?table=days&{range}") download rel="external">
                    "Days as CSV"
                </a>
            </p>
        </section>
        <div class="insight-tables">{tables}</div>
    }
}

/// The range's key figures, each with its change against the period before.
#[component]
fn Tiles(now: Totals, before: Totals) -> impl IntoView {
    let tile = |label: &'static str, value: String, change: String| {
        view! {
            <div class="tile">
                <dt>{label}</dt>
                <dd>
                    <span class="tile-value">{value}</span>
                    <span class="tile-change">{change}</span>
                </dd>
            </div>
        }
    };
    let change = |now: i64, before: i64| match (now, before) {
        (_, 0) if now == 0 => "no change".to_owned(),
        (_, 0) => "new".to_owned(),
        _ => {
            let percent = (now - before) * 100 / before;
            format!("{percent:+}% on the period before")
        }
    };
    let points = |now: Option<i64>, before: Option<i64>| match (now, before) {
        (Some(now), Some(before)) => format!("{:+} points on the period before", now - before),
        _ => String::new(),
    };
    let seconds = |s: Option<i64>| {
        s.map_or("–".to_owned(), |s| {
            format!("{} min {:02} s", s / 60, s % 60)
        })
    };
    view! {
        <dl class="tiles">
            {tile("Visitors", now.visitors.to_string(), change(now.visitors, before.visitors))}
            {tile("Page views", now.views.to_string(), change(now.views, before.views))}
            {tile("Visits", now.visits.to_string(), change(now.visits, before.visits))}
            {tile(
                "Bounce rate",
                now.bounce_rate().map_or("–".to_owned(), |rate| format!("{rate}%")),
                points(now.bounce_rate(), before.bounce_rate()),
            )}
            {tile(
                "Visit length",
                seconds(now.visit_length()),
                format!("{} before", seconds(before.visit_length())),
            )}
        </dl>
    }
}

/// The top values of one dimension, each with a bar for its share of the
/// largest.
#[component]
fn CountTable(dimension: Dimension, rows: Vec<CountRow>, range: String) -> impl IntoView {
    let id = format!("table-{}", dimension.key());
    let top = rows.first().map_or(1, |row| row.visitors.max(1));
    let body = if rows.is_empty() {
        view! {
            <tr>
                <td colspan="3">"None in this range."</td>
            </tr>
        }
        .into_any()
    } else {
        rows.into_iter()
            .map(|row| {
                let share = row.visitors * 100 / top;
                view! {
                    <tr>
                        <BarLabel value=row.value share />
                        <td class="number">{row.visitors}</td>
                        <td class="number">{row.views}</td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section aria-labelledby=id.clone() class="insight-table">
            <h2 id=id.clone()>{dimension.title()}</h2>
            <table>
                <thead>
                    <tr>
                        <th scope="col">{dimension.column()}</th>
                        <th scope="col" class="number">
                            "Visitors"
                        </th>
                        <th scope="col" class="number">
                            {dimension.views_label()}
                        </th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
            <p>
                <a
                    href=format!("/admin/insights.csv?table={}&{range}", dimension.key())
                    download
                    rel="external"
                >
                    {format!("{} as CSV", dimension.title())}
                </a>
            </p>
        </section>
    }
}
