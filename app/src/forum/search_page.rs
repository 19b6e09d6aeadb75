//! `/forum/search?q=…`: public posts matching the words, those with the
//! words in their title first, then the newest, with the matched words
//! marked in each snippet.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{
    SearchHit,
    api::search_forum,
    forum_pages::{Pager, SearchBox, page_number},
};
use crate::error_page::ErrorPage;

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let page = page_number();
    let words = move || query.with(|q| q.get("q").unwrap_or_default());
    let results = Resource::new(
        move || (words(), page.get()),
        |(words, page)| search_forum(words, page),
    );
    view! {
        <Title text="Search the forum" />
        <article class="page">
            <p class="breadcrumb">
                <a href="/forum">"Forum"</a>
            </p>
            <h1>"Search the forum"</h1>
            <SearchBox query=words() />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(results) if results.query.is_empty() => ().into_any(),
                        Ok(results) if results.hits.is_empty() => {
                            view! {
                                <p class="empty" role="status">
                                    {format!("Nothing matches “{}”.", results.query)}
                                </p>
                            }
                                .into_any()
                        }
                        Ok(results) => {
                            let count = match results.total {
                                1 => "1 post matches.".to_owned(),
                                n if n >= super::SEARCH_MATCHES_AT_MOST => {
                                    format!(
                                        "At least {n} posts match; these are the newest {n}, threads with the words in their title first. Add a word to narrow the search.",
                                    )
                                }
                                n => format!("{n} posts match."),
                            };
                            let words: String = form_urlencoded::byte_serialize(
                                    results.query.as_bytes(),
                                )
                                .collect();
                            let base = format!("/forum/search?q={words}");
                            let hits = results
                                .hits
                                .into_iter()
                                .map(|hit| view! { <Hit hit /> })
                                .collect_view();
                            view! {
                                <p role="status">{count}</p>
                                <ol class="search-results">{hits}</ol>
                                <Pager paging=results.paging base />
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
fn Hit(hit: SearchHit) -> impl IntoView {
    let snippet = hit
        .snippet
        .iter()
        .map(|segment| {
            if segment.hit {
                view! { <mark>{segment.text.clone()}</mark> }.into_any()
            } else {
                segment.text.clone().into_any()
            }
        })
        .collect_view();
    let author = hit
        .author
        .clone()
        .unwrap_or_else(|| "a former member".to_owned());
    view! {
        <li class="search-hit">
            <h2>
                <a href=hit.path() rel="external">
                    {hit.thread_title.clone()}
                </a>
            </h2>
            <p class="snippet">{snippet}</p>
            <p class="hint">{format!("{author} · {}", hit.posted)}</p>
        </li>
    }
}
