//! `/admin/subscribers`: the chart of each list over time (SVG drawn on the
//! server, no chart script), the search, one page of subscribers with the
//! erase button, and the CSV export.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::subscribers::{
    EraseSubscriber, ListHistory, SubscriberPage, lists_over_time, subscribers,
};
use crate::{error_page::ErrorPage, forms::FormError, forms::form_error};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const PAD: f64 = 36.0;
/// Line colours, told apart by a dash pattern too (never by colour alone).
const STYLES: [(&str, &str); 4] = [
    ("#1d4ed8", ""),
    ("#b45309", "6 3"),
    ("#047857", "2 3"),
    ("#7c3aed", "8 3 2 3"),
];

/// Each list's subscribers over the last 90 days, as lines.
#[component]
fn ListChart(history: Vec<ListHistory>) -> impl IntoView {
    let days: Vec<String> = {
        let mut days: Vec<String> = history
            .iter()
            .flat_map(|list| list.days.iter().map(|(day, _)| day.clone()))
            .collect();
        days.sort_unstable();
        days.dedup();
        days
    };
    let top = history
        .iter()
        .flat_map(|list| list.days.iter().map(|(_, n)| *n))
        .max()
        .unwrap_or(0)
        .max(1);
    if days.is_empty() {
        return view! {
            <p>
                "The chart starts with the first day counted (the housekeeping counts every few minutes)."
            </p>
        }
            .into_any();
    }
    let span = (days.len().max(2) - 1) as f64;
    let x = move |i: usize| PAD + (WIDTH - 2.0 * PAD) * i as f64 / span;
    let y = move |n: i64| HEIGHT - PAD - (HEIGHT - 2.0 * PAD) * n as f64 / top as f64;
    let lines = history
        .iter()
        .enumerate()
        .map(|(at, list)| {
            let (colour, dash) = STYLES[at % STYLES.len()];
            let points = list
                .days
                .iter()
                .filter_map(|(day, n)| {
                    days.iter()
                        .position(|d| d == day)
                        .map(|i| format!("{:.1},{:.1}", x(i), y(*n)))
                })
                .collect::<Vec<_>>()
                .join(" ");
            view! {
                <polyline
                    points=points
                    fill="none"
                    stroke=colour
                    stroke-width="2"
                    stroke-dasharray=dash
                ></polyline>
            }
        })
        .collect_view();
    let legend = history
        .iter()
        .enumerate()
        .map(|(at, list)| {
            let (colour, dash) = STYLES[at % STYLES.len()];
            let now = list.days.last().map_or(0, |(_, n)| *n);
            view! {
                <li>
                    <svg width="28" height="10" aria-hidden="true">
                        <line
                            x1="0"
                            y1="5"
                            x2="28"
                            y2="5"
                            stroke=colour
                            stroke-width="2"
                            stroke-dasharray=dash
                        ></line>
                    </svg>
                    {format!(" {}: {now}", list.name)}
                </li>
            }
        })
        .collect_view();
    let first = days.first().cloned().unwrap_or_default();
    let last = days.last().cloned().unwrap_or_default();
    let description = history
        .iter()
        .map(|list| {
            let start = list.days.first().map_or(0, |(_, n)| *n);
            let end = list.days.last().map_or(0, |(_, n)| *n);
            format!("{}: from {start} to {end}", list.name)
        })
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <figure class="chart">
            <svg
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="img"
                aria-labelledby="chart-title chart-desc"
                class="chart-svg"
            >
                <title id="chart-title">"Subscribers per list, by day"</title>
                <desc id="chart-desc">{description.clone()}</desc>
                <line x1=PAD y1=HEIGHT - PAD x2=WIDTH - PAD y2=HEIGHT - PAD stroke="#6b7280"></line>
                <line x1=PAD y1=PAD x2=PAD y2=HEIGHT - PAD stroke="#6b7280"></line>
                <text x=PAD - 6.0 y=PAD + 4.0 text-anchor="end" font-size="11">
                    {top}
                </text>
                <text x=PAD - 6.0 y=HEIGHT - PAD + 4.0 text-anchor="end" font-size="11">
                    "0"
                </text>
                <text x=PAD y=HEIGHT - 12.0 font-size="11">
                    {first}
                </text>
                <text x=WIDTH - PAD y=HEIGHT - 12.0 text-anchor="end" font-size="11">
                    {last}
                </text>
                {lines}
            </svg>
            <figcaption>
                <ul class="chart-legend">{legend}</ul>
            </figcaption>
        </figure>
    }
    .into_any()
}

/// `/admin/subscribers?q=…&list=…&after=…`
#[component]
pub fn SubscribersPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name).unwrap_or_default());
    let erase = ServerAction::<EraseSubscriber>::new();
    let page = Resource::new(
        move || {
            (
                param("q"),
                param("list").parse::<i64>().ok(),
                param("after").parse::<i64>().ok(),
                erase.version().get(),
            )
        },
        |(q, list, after, _)| subscribers(q, list, after),
    );
    let history = Resource::new(|| (), |()| lists_over_time());
    view! {
        <Title text="Subscribers" />
        <article class="page page-wide">
            <h1>"Subscribers"</h1>
            <p>
                "Everyone who confirmed an address for a "
                <a href="/admin/mail-lists">"mail list"</a>
                ". Erasing a subscriber deletes their name and address at once (a member only leaves every list). "
                <a href="/admin/subscribers.csv" download rel="external">
                    "Export all as CSV"
                </a> " (for moving to another service; each export is written to the audit log)."
            </p>
            <section aria-labelledby="chart-heading">
                <h2 id="chart-heading">"Over the last 90 days"</h2>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match history.await {
                            Ok(history) => view! { <ListChart history /> }.into_any(),
                            Err(error) => view! { <ErrorPage error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
            <section aria-labelledby="search-heading">
                <h2 id="search-heading">"Find"</h2>
                <form method="get" action="/admin/subscribers" class="inline-form" role="search">
                    <label for="field-q">"Name, username or address contains"</label>
                    <input id="field-q" name="q" type="search" value=move || param("q") />
                    <button type="submit" class="button button-secondary">
                        "Search"
                    </button>
                </form>
                <FormError error=form_error(move || erase.value().get(), &[]) />
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match page.await {
                            Ok(page) => {
                                view! { <SubscriberTable page erase q=param("q") /> }.into_any()
                            }
                            Err(error) => view! { <ErrorPage error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </article>
    }
}

#[component]
fn SubscriberTable(
    page: SubscriberPage,
    erase: ServerAction<EraseSubscriber>,
    q: String,
) -> impl IntoView {
    if page.rows.is_empty() {
        return view! { <p>"Nobody found."</p> }.into_any();
    }
    let next = page.next.map(|after| {
        let href = format!(
            "/admin/subscribers?q={}&after={after}",
            form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        );
        view! {
            <p>
                <a href=href>"Next page"</a>
            </p>
        }
    });
    let rows = page
        .rows
        .into_iter()
        .map(|row| {
            let label = format!("Erase {} ({})", row.name, row.email);
            view! {
                <tr>
                    <td>{row.name.clone()}</td>
                    <td>{row.email.clone()}</td>
                    <td>{row.lists.join(", ")}</td>
                    <td>{row.confirmed_on}</td>
                    <td>{if row.counting { "on" } else { "off" }}</td>
                    <td>
                        <details class="inline-edit">
                            <summary>{label.clone()}</summary>
                            <ActionForm action=erase attr:class="inline-form">
                                <input type="hidden" name="id" value=row.id.to_string() />
                                <button
                                    type="submit"
                                    class="button button-danger"
                                    aria-busy=move || erase.pending().get().then_some("true")
                                >
                                    {format!("Yes, erase {}", row.name)}
                                </button>
                            </ActionForm>
                        </details>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Subscribers">
            <table class="table">
                <caption>"Subscribers"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Address"</th>
                        <th scope="col">"Lists"</th>
                        <th scope="col">"Confirmed"</th>
                        <th scope="col">"Counting"</th>
                        <th scope="col">"Erase"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {next}
    }
    .into_any()
}
