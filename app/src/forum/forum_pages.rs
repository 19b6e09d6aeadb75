//! `/forum`, `/forum/c/<id>-<slug>` and `/forum/new`: the categories, one
//! category's threads, and the form that starts a thread.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    CategoryPage, Paging, Posting, Seek, ThreadSummary,
    api::{compose_context, forum_categories, load_category, preview_post},
    compose::{Draft, NewThreadForm, PostingNotice},
};
use crate::{error::AppError, error_page::ErrorPage, slug::leading_id};

/// The `page` query parameter, from 1.
pub fn page_number() -> Memo<u64> {
    let query = use_query_map();
    Memo::new(move |_| {
        query
            .with(|q| q.get("page").and_then(|page| page.parse().ok()))
            .unwrap_or(1)
    })
}

/// "Previous / Page 2 of 5 / Next" links; `base` is the page's address
/// without a `page` parameter. With `seek`, the links go to the rows just
/// above and below this page's (the page number only labels them).
#[component]
pub fn Pager(
    paging: Paging,
    base: String,
    #[prop(default = None)] seek: Option<Seek>,
) -> impl IntoView {
    if paging.total <= 1 {
        return None;
    }
    let link = move |page: u64, from: Option<(&str, &str)>| {
        let query = match from {
            Some((name, key)) if page > 1 => format!("page={page}&{name}={key}"),
            _ => format!("page={page}"),
        };
        super::with_query(&base, &query, "")
    };
    let previous = seek.as_ref().map(|seek| ("after", seek.first.as_str()));
    let next = seek.as_ref().map(|seek| ("before", seek.last.as_str()));
    Some(view! {
        <nav class="pager" aria-label="Pages">
            {(paging.number > 1)
                .then(|| {
                    view! {
                        <a href=link(paging.number - 1, previous) rel="prev">
                            "Previous"
                        </a>
                    }
                })}
            <span aria-current="page">{format!("Page {} of {}", paging.number, paging.total)}</span>
            {(paging.number < paging.total)
                .then(|| {
                    view! {
                        <a href=link(paging.number + 1, next) rel="next">
                            "Next"
                        </a>
                    }
                })}
        </nav>
    })
}

/// The search box shown on the forum's pages.
#[component]
pub fn SearchBox(#[prop(optional)] query: String) -> impl IntoView {
    view! {
        <form class="search-box" method="get" action="/forum/search" role="search">
            <label for="forum-search">"Search the forum"</label>
            <input id="forum-search" name="q" type="search" value=query />
            <button type="submit" class="button button-secondary">
                "Search"
            </button>
        </form>
    }
}

#[component]
pub fn ForumPage() -> impl IntoView {
    crate::shared_page::same_for_every_visitor();
    let categories = Resource::new(|| (), |()| forum_categories());
    view! {
        <Title text="Forum" />
        <crate::description::Description text="Questions, answers and discussion about the project, open for anyone to read; members post with a username and nothing else shown." />
        <article class="page">
            <h1>"Forum"</h1>
            <p class="lead">"Ask questions, share what you built and help each other."</p>
            <p>
                "Anyone can read the forum without an account. Members post under the username they choose — the only personal detail shown with a post."
            </p>
            <SearchBox />
            <p>
                <a href="/forum/notifications">"Your notifications"</a>
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match categories.await {
                        Ok(list) if list.is_empty() => {
                            view! {
                                <p class="empty">
                                    "There are no categories yet. An administrator can add them."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(list) => {
                            let items = list
                                .into_iter()
                                .map(|category| {
                                    let count = match category.thread_count {
                                        1 => "1 thread".to_owned(),
                                        n => format!("{n} threads"),
                                    };
                                    view! {
                                        <li class="category-card">
                                            <h2>
                                                <a href=category.path()>{category.name.clone()}</a>
                                            </h2>
                                            <p>{category.description.clone()}</p>
                                            <p class="hint">{count}</p>
                                        </li>
                                    }
                                })
                                .collect_view();
                            view! { <ul class="category-list">{items}</ul> }.into_any()
                        }
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn ThreadRow(thread: ThreadSummary) -> impl IntoView {
    let replies = match thread.reply_count {
        1 => "1 reply".to_owned(),
        n => format!("{n} replies"),
    };
    let author = thread
        .author
        .clone()
        .unwrap_or_else(|| "a former member".to_owned());
    view! {
        <li class="thread-row">
            <h2>
                <a href=thread.path()>{thread.title.clone()}</a>
                {thread.unread.then(|| view! { <span class="badge">"New"</span> })}
                {thread.locked.then(|| view! { <span class="badge badge-muted">"Locked"</span> })}
            </h2>
            <p class="hint">
                {format!(
                    "Started by {author} · {replies} · last activity {}",
                    thread.last_activity,
                )}
            </p>
        </li>
    }
}

#[component]
pub fn CategoryPageView() -> impl IntoView {
    crate::shared_page::same_for_every_visitor();
    let params = use_params_map();
    let query = use_query_map();
    let page = page_number();
    let id = move || params.with(|p| p.get("category").and_then(|s| leading_id(&s)));
    let from = move || query.with(|q| (q.get("before"), q.get("after")));
    let data = Resource::new(
        move || (id(), page.get(), from()),
        |(id, page, (before, after))| async move {
            match id {
                Some(id) => load_category(id, page, before, after).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <CategoryView data /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CategoryView(data: CategoryPage) -> impl IntoView {
    let CategoryPage {
        category,
        threads,
        paging,
        seek,
        posting,
    } = data;
    let start = match posting {
        Posting::Allowed { .. } => view! {
            <p>
                <a class="button" href=format!("/forum/new?category={}", category.id.0)>
                    "Start a thread"
                </a>
            </p>
        }
        .into_any(),
        other => view! { <PostingNotice posting=other /> }.into_any(),
    };
    let empty = threads.is_empty();
    let rows = threads
        .into_iter()
        .map(|thread| view! { <ThreadRow thread /> })
        .collect_view();
    view! {
        <Title text=category.name.clone() />
        <crate::description::Description text=if category.description.trim().is_empty() {
            format!("Threads in {} on the community forum.", category.name)
        } else {
            category.description.clone()
        } />
        <article class="page">
            <p class="breadcrumb">
                <a href="/forum">"Forum"</a>
            </p>
            <h1>{category.name.clone()}</h1>
            <p class="lead">{category.description.clone()}</p>
            {start}
            {if empty {
                view! { <p class="empty">"No threads yet. Start the first one!"</p> }.into_any()
            } else {
                view! { <ul class="thread-list">{rows}</ul> }.into_any()
            }}
            <Pager paging base=category.path() seek=seek />
        </article>
    }
}

/// The draft a page was sent back with (quote or preview without script).
pub fn draft_from_query() -> (Option<String>, Option<String>, bool) {
    let query = use_query_map();
    query.with_untracked(|q| (q.get("title"), q.get("body"), q.get("preview").is_some()))
}

/// The preview of `body`, rendered by the server for forms sent without script.
pub async fn server_preview(body: Option<String>, wanted: bool) -> Option<String> {
    match body {
        Some(body) if wanted => preview_post(body).await.ok(),
        _ => None,
    }
}

#[component]
pub fn NewThreadPage() -> impl IntoView {
    let query = use_query_map();
    let category = move || query.with(|q| q.get("category").and_then(|s| s.parse::<i64>().ok()));
    let (title, body, wants_preview) = draft_from_query();
    let (title, body) = (StoredValue::new(title), StoredValue::new(body));
    let data = Resource::new(category, move |category| {
        let body = body.get_value();
        async move {
            let category = category.ok_or(AppError::NotFound)?;
            let context = compose_context(category).await?;
            Ok::<_, AppError>((context, server_preview(body, wants_preview).await))
        }
    });
    view! {
        <Title text="Start a thread" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(((category, posting), preview_html)) => {
                        let form = match posting {
                            Posting::Allowed { held } => {
                                let draft = Draft {
                                    title: title.get_value(),
                                    body: body.get_value(),
                                    preview_html,
                                };
                                let back = format!("/forum/new?category={}", category.id.0);
                                view! { <NewThreadForm category=category.id.0 held draft back /> }
                                    .into_any()
                            }
                            other => view! { <PostingNotice posting=other /> }.into_any(),
                        };
                        view! {
                            <article class="page">
                                <p class="breadcrumb">
                                    <a href="/forum">"Forum"</a>
                                    " › "
                                    <a href=category.path()>{category.name.clone()}</a>
                                </p>
                                <h1>"Start a thread"</h1>
                                <p class="lead">{format!("In {}", category.name)}</p>
                                {form}
                            </article>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
