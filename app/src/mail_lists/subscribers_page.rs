//! `/admin/subscribers`: the chart of each list over time (SVG drawn on the
//! server, no chart script), the search, one page of subscribers with the
//! erase button, and the CSV export.

use crate::table::TableScroll;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::subscribers::{EraseSubscriber, SubscriberPage, lists_over_time, subscribers};
use crate::{
    chart::{LineChart, Series},
    error_page::ErrorPage,
    forms::FormError,
    forms::form_error,
};

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
                            Ok(history) => {
                                let series = history
                                    .into_iter()
                                    .map(|list| Series {
                                        name: list.name,
                                        points: list.days,
                                    })
                                    .collect();
                                view! {
                                    <LineChart
                                        id="lists-chart"
                                        title="Subscribers per list, by day".to_owned()
                                        series
                                        empty="The chart starts with the first day counted (the housekeeping counts every few minutes)."
                                    />
                                }
                                    .into_any()
                            }
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
                                <button type="submit" class="button button-danger">
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
        <TableScroll label="Subscribers">
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
        </TableScroll>
        {next}
    }
    .into_any()
}
