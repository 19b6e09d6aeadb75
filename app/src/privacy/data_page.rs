//! `/account/data`: everything the portal holds about the signed-in member,
//! grouped by feature, generated from the data manifest.

use crate::table::TableScroll;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{
    AskForArchive,
    data::{HeldFeature, HeldTable, MemberData},
    my_data,
};
use crate::{
    error_page::ErrorPage,
    forms::{FormError, form_error},
};

/// Rows shown per table; the download has them all.
const ROWS_SHOWN: usize = 20;

#[component]
pub fn MyDataPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| my_data());
    view! {
        <Title text="Your data" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => {
                        // Each piece is type-erased: the nested view types of a
                        // page of tables are too deep for the compiler otherwise.
                        view! { <Held data /> }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Held(data: MemberData) -> impl IntoView {
    let features = data
        .features
        .into_iter()
        .map(|feature| view! { <Feature feature /> }.into_any())
        .collect_view();
    view! {
        <article class="page">
            <h1>"Your data"</h1>
            <p class="lead">
                "Everything we hold about you, " {data.username} ", as of " {data.generated_at}
                ", grouped by feature. Hashes and encrypted secrets are marked as held but not shown. Records others wrote about you (a moderator's or recruiter's) are included; their names are not."
            </p>
            <p>
                <a
                    class="button button-secondary"
                    href="/account/data.json"
                    download
                    rel="external"
                >
                    "Download all of it as JSON"
                </a>
                " "
                <a href="/account">"Back to your account"</a>
            </p>
            <Archive />
            {features}
        </article>
    }
}

/// Asking for the archive: a zip with the files too, built in the
/// background and mailed as a link.
#[component]
fn Archive() -> impl IntoView {
    let ask = ServerAction::<AskForArchive>::new();
    let query = use_query_map();
    let asked = move || {
        ask.value().get().is_some_and(|answer| answer.is_ok())
            || query.read().get("archive").as_deref() == Some("asked")
    };
    view! {
        <section aria-labelledby="archive-heading">
            <h2 id="archive-heading">"An archive with your files"</h2>
            <p>
                "A zip file with one JSON file per feature and the files you gave us, such as résumés. We build it in the background and mail you a link; the link works once, for 24 hours, while you are signed in."
            </p>
            <p role="status">
                {move || {
                    asked()
                        .then_some(
                            "We are preparing your archive and will mail you a link as soon as it is ready.",
                        )
                }}
            </p>
            <ActionForm action=ask attr:class="inline-form">
                <FormError error=form_error(move || ask.value().get(), &[]) />
                <button type="submit" class="button button-secondary">
                    "Mail me an archive"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Feature(feature: HeldFeature) -> impl IntoView {
    let id = format!("data-{}", crate::slug::slug(&feature.name, "feature"));
    let heading = id.clone();
    let tables = feature
        .tables
        .into_iter()
        .map(|table| view! { <Table table /> }.into_any())
        .collect_view();
    view! {
        <section id=id aria-labelledby=format!("{heading}-heading")>
            <h2 id=format!("{heading}-heading")>{feature.name}</h2>
            {tables}
        </section>
    }
}

#[component]
fn Table(table: HeldTable) -> impl IntoView {
    let title = table.title();
    let label = title.clone();
    let more = table.rows.len().saturating_sub(ROWS_SHOWN);
    let head = table
        .fields
        .iter()
        .map(|field| view! { <th scope="col">{field.label.clone()}</th> })
        .collect_view();
    let rows = table
        .rows
        .into_iter()
        .take(ROWS_SHOWN)
        .map(|row| {
            let cells = row
                .into_iter()
                .map(|value| view! { <td>{value.unwrap_or_else(|| "—".to_owned())}</td> })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    view! {
        <TableScroll label=label>
            <table class="data-table">
                <caption>{title}</caption>
                <thead>
                    <tr>{head}</tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
        {(more > 0)
            .then(|| {
                view! { <p class="hint">{format!("And {more} more, in the download.")}</p> }
            })}
    }
}
