//! `/forum/p/<id>/edit` (the author changes their post) and
//! `/forum/p/<id>/history` (moderators read its earlier texts).

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{
    EditablePost,
    api::{EditPost, post_revisions, post_to_edit},
    thread_path,
};
use crate::{
    error::AppError,
    error_page::ErrorPage,
    forms::{Field, FormError, TextArea, error_for, form_error},
};

fn post_id() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("post").and_then(|s| s.parse().ok())))
}

#[component]
pub fn EditPostPage() -> impl IntoView {
    let id = post_id();
    let post = Resource::new(
        move || id.get(),
        |id| async move { post_to_edit(id.ok_or(AppError::NotFound)?).await },
    );
    view! {
        <Title text="Edit post" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match post.await {
                    Ok(post) => view! { <EditForm post /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EditForm(post: EditablePost) -> impl IntoView {
    let action = ServerAction::<EditPost>::new();
    let result = move || action.value().get();
    let back = thread_path(post.thread, &post.thread_title, 1);
    view! {
        <article class="page">
            <p class="breadcrumb">
                <a href="/forum">"Forum"</a>
                " › "
                <a href=back>{post.thread_title.clone()}</a>
            </p>
            <h1>"Edit your post"</h1>
            <p>
                "The post will show that it was edited. Moderators can still read the earlier text."
            </p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, &["title", "body"]) />
                <input type="hidden" name="post" value=post.id.0.to_string() />
                {post
                    .title
                    .clone()
                    .map(|title| {
                        view! {
                            <Field
                                name="title"
                                label="Title"
                                required=true
                                value=title
                                error=error_for(result, "title")
                            />
                        }
                    })}
                <TextArea
                    name="body"
                    label="Your post"
                    rows=10
                    required=true
                    value=post.markdown.clone()
                    error=error_for(result, "body")
                />
                <p class="hint">"Posts are public: anyone can read them, with your username."</p>
                <button type="submit" class="button">
                    "Save"
                </button>
            </ActionForm>
        </article>
    }
}

#[component]
pub fn PostHistoryPage() -> impl IntoView {
    let id = post_id();
    let revisions = Resource::new(
        move || id.get(),
        |id| async move { post_revisions(id.ok_or(AppError::NotFound)?).await },
    );
    view! {
        <Title text="Post history" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match revisions.await {
                    Ok(revisions) => {
                        let empty = revisions.is_empty();
                        let items = revisions
                            .into_iter()
                            .map(|revision| {
                                view! {
                                    <li class="revision">
                                        <p class="hint">
                                            {format!(
                                                "Written {}, replaced {}",
                                                revision.written,
                                                revision.replaced,
                                            )}
                                        </p>
                                        {revision.title.map(|title| view! { <h2>{title}</h2> })}
                                        <pre class="markdown-source">{revision.markdown}</pre>
                                    </li>
                                }
                            })
                            .collect_view();
                        view! {
                            <article class="page">
                                <p class="breadcrumb">
                                    <a
                                        rel="external"
                                        href=move || {
                                            format!("/forum/p/{}", id.get().unwrap_or_default())
                                        }
                                    >
                                        "Back to the post"
                                    </a>
                                </p>
                                <h1>"Earlier versions"</h1>
                                {if empty {
                                    view! { <p class="empty">"This post was never edited."</p> }
                                        .into_any()
                                } else {
                                    view! { <ol class="revision-list">{items}</ol> }.into_any()
                                }}
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
