//! `/forum/t/<id>-<slug>`: a thread's posts, page by page, with quoting,
//! reporting, the member's own edit and delete, moderators' tools and the
//! reply form.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

use super::{
    Category, PostState, PostView, Posting, ReportReason, ThreadView,
    api::{DeletePost, PostReply, ReportPost, load_thread},
    compose::{Draft, PostingNotice, ReplyForm},
    forum_pages::{Pager, draft_from_query, page_number, server_preview},
};
use crate::{
    error::AppError,
    error_page::ErrorPage,
    forms::{FormError, form_error},
    moderation::{ModeratePost, ModerateThread, PostAction},
    slug::leading_id,
};

/// The actions whose success changes what the page shows.
#[derive(Clone, Copy)]
struct Actions {
    moderate_post: ServerAction<ModeratePost>,
    moderate_thread: ServerAction<ModerateThread>,
    delete: ServerAction<DeletePost>,
    reply: ServerAction<PostReply>,
}

#[component]
pub fn ThreadPage() -> impl IntoView {
    crate::shared_page::same_for_every_visitor();
    let params = use_params_map();
    let query = use_query_map();
    let page = page_number();
    let actions = Actions {
        moderate_post: ServerAction::new(),
        moderate_thread: ServerAction::new(),
        delete: ServerAction::new(),
        reply: ServerAction::new(),
    };
    // With script, a quote, a report or a new reply changes only the query
    // or the fragment of the address: read the page again for those too.
    let location = use_location();
    let id = move || params.with(|p| p.get("thread").and_then(|s| leading_id(&s)));
    let data = Resource::new(
        move || {
            (
                id(),
                page.get(),
                actions.moderate_post.version().get()
                    + actions.moderate_thread.version().get()
                    + actions.delete.version().get()
                    + actions.reply.version().get(),
                location.search.get(),
                location.hash.get(),
            )
        },
        move |(id, page, _, _, _)| {
            let (body, wants_preview, quote) = query.with_untracked(|q| {
                (
                    q.get("body"),
                    q.get("preview").is_some(),
                    q.get("quote").and_then(|s| s.parse::<i64>().ok()),
                )
            });
            async move {
                let id = id.ok_or(AppError::NotFound)?;
                let thread = load_thread(id, page, quote).await?;
                Ok::<_, AppError>((thread, server_preview(body, wants_preview).await))
            }
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((thread, preview_html)) => {
                        let reported = query
                            .with_untracked(|q| {
                                q.get("reported").and_then(|s| s.parse::<i64>().ok())
                            });
                        view! { <Thread thread preview_html reported actions /> }.into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn state_label(state: PostState) -> Option<&'static str> {
    match state {
        PostState::Visible => None,
        PostState::Pending => Some("Awaiting approval"),
        PostState::Hidden => Some("Hidden by a moderator"),
        PostState::Deleted => Some("Deleted"),
    }
}

#[component]
fn Thread(
    thread: ThreadView,
    preview_html: Option<String>,
    reported: Option<i64>,
    actions: Actions,
) -> impl IntoView {
    let here = thread.path(thread.paging.number);
    let (_, body, _) = draft_from_query();
    let body = body.or_else(|| thread.quote.clone());
    let reply = match (&thread.posting, thread.locked) {
        (_, true) => view! {
            <p class="notice" role="status">
                "This thread is locked: it takes no more replies."
            </p>
        }
        .into_any(),
        (Posting::Allowed { held }, false) => {
            let draft = Draft {
                title: None,
                body,
                preview_html,
            };
            view! { <ReplyForm thread=thread.id.0 held=*held draft back=here.clone() action=actions.reply /> }
                .into_any()
        }
        (other, false) => view! { <PostingNotice posting=other.clone() /> }.into_any(),
    };
    let moderator = thread.moderator;
    let posts = thread
        .posts
        .iter()
        .cloned()
        .map(|post| {
            let back = here.clone();
            let just_reported = reported == Some(post.id.0);
            let can_report = matches!(thread.posting, Posting::Allowed { .. });
            view! { <Post post back moderator can_report just_reported actions /> }
        })
        .collect_view();
    // What search engines show: the opening post, or the title on later
    // pages and when the opening post is not shown.
    let opening = thread
        .posts
        .iter()
        .find(|post| post.first && post.state == PostState::Visible && !post.html.is_empty())
        .map_or_else(|| thread.title.clone(), |post| post.html.clone());
    let tools = moderator.then(|| {
        view! {
            <ThreadTools
                thread=thread.id.0
                locked=thread.locked
                current=thread.category.id.0
                categories=thread.categories.clone()
                back=here.clone()
                action=actions.moderate_thread
            />
        }
    });
    view! {
        <Title text=thread.title.clone() />
        <crate::description::Description text=opening.clone() />
        <article class="page thread">
            <p class="breadcrumb">
                <a href="/forum">"Forum"</a>
                " › "
                <a href=thread.category.path()>{thread.category.name.clone()}</a>
            </p>
            <h1>{thread.title.clone()}</h1>
            {state_label(thread.state)
                .map(|label| {
                    view! {
                        <p class="notice" role="status">
                            {format!("{label}: only moderators see this thread.")}
                        </p>
                    }
                })}
            {thread.locked.then(|| view! { <p class="badge badge-muted">"Locked"</p> })}
            {tools}
            <ol class="post-list">{posts}</ol>
            <Pager paging=thread.paging base=thread.path(1) />
            {reply}
        </article>
    }
}

#[component]
fn Post(
    post: PostView,
    back: String,
    moderator: bool,
    can_report: bool,
    just_reported: bool,
    actions: Actions,
) -> impl IntoView {
    let id = post.id.0;
    let author = post
        .author
        .clone()
        .unwrap_or_else(|| "a former member".to_owned());
    let quote_link = super::with_query(&back, &format!("quote={id}"), "compose");
    let own = post.mine && matches!(post.state, PostState::Visible | PostState::Pending);
    view! {
        {post
            .first_new
            .then(|| {
                view! {
                    <li class="new-marker" id="new">
                        "New since your last visit"
                    </li>
                }
            })}
        <li class="post" id=format!("post-{id}")>
            <header class="post-header">
                <strong>{author}</strong>
                <span class="hint">
                    {format!(" · {}", post.posted)} {post.edited.then_some(" · edited")}
                </span>
                {state_label(post.state)
                    .map(|label| view! { <span class="badge badge-muted">{label}</span> })}
            </header>
            <div class="prose" inner_html=post.html.clone()></div>
            <footer class="post-actions">
                {(post.state == PostState::Visible)
                    .then(|| {
                        // A full page load: the server renders the reply box
                        // with the quote in it, with or without script.
                        view! {
                            <a href=quote_link.clone() rel="external">
                                "Quote"
                            </a>
                        }
                    })}
                {own
                    .then(|| {
                        view! {
                            <a href=format!("/forum/p/{id}/edit")>"Edit"</a>
                            <ActionForm action=actions.delete attr:class="inline-form">
                                <input type="hidden" name="post" value=id.to_string() />
                                <button type="submit" class="link-button">
                                    "Delete"
                                </button>
                            </ActionForm>
                        }
                    })}
                {(moderator && post.edited)
                    .then(|| view! { <a href=format!("/forum/p/{id}/history")>"History"</a> })}
            </footer>
            {just_reported
                .then(|| {
                    view! {
                        <p class="notice" role="status">
                            "Thank you: the moderators will look at this post."
                        </p>
                    }
                })}
            {(can_report && !post.mine && post.state == PostState::Visible && !just_reported)
                .then(|| view! { <ReportForm post=id back=back.clone() /> })}
            {moderator
                .then(|| {
                    view! {
                        <ModeratePostForms
                            post=id
                            state=post.state
                            back=back.clone()
                            action=actions.moderate_post
                        />
                    }
                })}
        </li>
    }
}

#[component]
fn ReportForm(post: i64, back: String) -> impl IntoView {
    let action = ServerAction::<ReportPost>::new();
    let result = move || action.value().get();
    let reason_id = format!("report-reason-{post}");
    let note_id = format!("report-note-{post}");
    let options = ReportReason::ALL
        .into_iter()
        .map(|reason| view! { <option value=reason.as_str()>{reason.label()}</option> })
        .collect_view();
    view! {
        <details class="report">
            <summary>"Report"</summary>
            <ActionForm action attr:class="form">
                <FormError error=form_error(result, &[]) />
                <input type="hidden" name="post" value=post.to_string() />
                <input type="hidden" name="back" value=back />
                <div class="field">
                    <label for=reason_id.clone()>"Why do you report this post?"</label>
                    <select id=reason_id name="reason">
                        {options}
                    </select>
                </div>
                <div class="field">
                    <label for=note_id
                        .clone()>
                        "Note for the moderators " <span class="optional">"(optional)"</span>
                    </label>
                    <textarea id=note_id name="note" rows="2"></textarea>
                </div>
                <button type="submit" class="button button-secondary">
                    "Send report"
                </button>
            </ActionForm>
        </details>
    }
}

#[component]
fn ModeratePostForms(
    post: i64,
    state: PostState,
    back: String,
    action: ServerAction<ModeratePost>,
) -> impl IntoView {
    let forms = PostAction::for_state(state)
        .iter()
        .map(|verb| {
            let field = format!("reason-{post}-{}", verb.as_str());
            let value = verb.as_str();
            let back = back.clone();
            view! {
                <ActionForm action attr:class="inline-form">
                    <input type="hidden" name="post" value=post.to_string() />
                    <input type="hidden" name="action" value=value />
                    <input type="hidden" name="back" value=back />
                    <label for=field
                        .clone()>{format!("Reason to {}", verb.label().to_lowercase())}</label>
                    <input id=field name="reason" type="text" />
                    <button type="submit" class="button button-secondary">
                        {verb.label()}
                    </button>
                </ActionForm>
            }
        })
        .collect_view();
    view! {
        <details class="moderate">
            <summary>"Moderate"</summary>
            <FormError error=form_error(move || action.value().get(), &[]) />
            {forms}
        </details>
    }
}

#[component]
fn ThreadTools(
    thread: i64,
    locked: bool,
    current: i64,
    categories: Vec<Category>,
    back: String,
    action: ServerAction<ModerateThread>,
) -> impl IntoView {
    let (verb, label) = if locked {
        ("unlock", "Unlock thread")
    } else {
        ("lock", "Lock thread")
    };
    let options = categories
        .into_iter()
        .filter(|category| category.id.0 != current)
        .map(|category| {
            view! { <option value=category.id.0.to_string()>{category.name}</option> }
        })
        .collect_view();
    let back_here = back.clone();
    view! {
        <details class="moderate">
            <summary>"Moderate thread"</summary>
            <FormError error=form_error(move || action.value().get(), &[]) />
            <ActionForm action attr:class="inline-form">
                <input type="hidden" name="thread" value=thread.to_string() />
                <input type="hidden" name="action" value=verb />
                <input type="hidden" name="back" value=back_here />
                <label for="lock-reason">"Reason"</label>
                <input id="lock-reason" name="reason" type="text" />
                <button type="submit" class="button button-secondary">
                    {label}
                </button>
            </ActionForm>
            <ActionForm action attr:class="inline-form">
                <input type="hidden" name="thread" value=thread.to_string() />
                <input type="hidden" name="action" value="move" />
                <input type="hidden" name="back" value=back />
                <label for="move-category">"Move to"</label>
                <select id="move-category" name="category">
                    {options}
                </select>
                <label for="move-reason">"Reason"</label>
                <input id="move-reason" name="reason" type="text" />
                <button type="submit" class="button button-secondary">
                    "Move thread"
                </button>
            </ActionForm>
        </details>
    }
}
