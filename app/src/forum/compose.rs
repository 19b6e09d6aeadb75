//! The posting form, for new threads and for replies: what the member may
//! do, a notice that posts are public (promise P10, docs/promises.md), the Markdown box, a
//! preview, and a honeypot field people never see.
//!
//! "Preview" works without script too: the form goes to the server, which
//! sends the text back to this page in the address, and the page renders
//! the preview from there.

use leptos::{form::ActionForm, prelude::*};

use super::{
    Posting,
    api::{PostReply, PreviewPost, StartThread},
};
use crate::forms::{Field, FormError, TextArea, error_for, form_error};

const FIELDS: &[&str] = &["title", "body"];

/// What the form starts with (a quote, or a preview sent back).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub title: Option<String>,
    pub body: Option<String>,
    /// The preview the server rendered for a form sent without script.
    pub preview_html: Option<String>,
}

/// Why the member cannot post here, or `None` when they can.
#[component]
pub fn PostingNotice(posting: Posting) -> impl IntoView {
    match posting {
        Posting::SignedOut => Some(
            view! {
                <p class="notice">
                    <a href="/account/sign-in">"Sign in"</a>
                    " or "
                    <a href="/account/register">"create an account"</a>
                    " to post."
                </p>
            }
            .into_any(),
        ),
        Posting::Unverified => Some(
            view! {
                <p class="notice">
                    "Confirm your email address to post: use the link we mailed you, or ask for a new one on "
                    <a href="/account/welcome">"your welcome page"</a> "."
                </p>
            }
            .into_any(),
        ),
        Posting::Sanctioned { until, reason } => {
            let what = match until {
                Some(until) => format!("You are suspended from posting until {until}."),
                None => "You are banned from posting.".to_owned(),
            };
            Some(
                view! {
                    <div class="notice notice-error" role="status">
                        <p>{what} " You can still read the forum."</p>
                        <p>"The moderators' reason: " {reason}</p>
                    </div>
                }
                .into_any(),
            )
        }
        Posting::Allowed { .. } => None,
    }
}

/// The fields both forms share.
#[component]
fn ComposeFields(
    with_title: bool,
    draft: Draft,
    back: String,
    #[prop(into)] title_error: Signal<Option<String>>,
    #[prop(into)] body_error: Signal<Option<String>>,
    held: bool,
    submit: &'static str,
) -> impl IntoView {
    view! {
        <input type="hidden" name="back" value=back />
        {with_title
            .then(|| {
                view! {
                    <Field
                        name="title"
                        label="Title"
                        required=true
                        value=draft.title.clone().unwrap_or_default()
                        error=title_error
                    />
                }
            })}
        <TextArea
            name="body"
            label="Your post"
            rows=8
            required=true
            value=draft.body.clone().unwrap_or_default()
            hint="Markdown: **bold**, _italic_, [links](https://example.org), `code`, > quotes and lists. HTML is shown as typed and images are left out. Mention a member with @username."
            error=body_error
        />
        <div class="honeypot" aria-hidden="true">
            <label for="field-website">"Leave this empty"</label>
            <input id="field-website" name="website" type="text" tabindex="-1" autocomplete="off" />
        </div>
        <p class="hint">
            "Posts are public: anyone can read them, with your username and the time. Don't share personal details you wouldn't put on a notice board."
        </p>
        {held
            .then(|| {
                view! {
                    <p class="hint">
                        "Your first posts wait for a moderator's approval before others can see them."
                    </p>
                }
            })}
        <PreviewActions submit=submit.to_owned() html=draft.preview_html />
    }
}

/// The form's buttons, and the preview below them. "Preview" sends the
/// form to the server (`intent=preview`), which sends the draft back with
/// its preview; with script, the preview comes back without leaving the
/// page.
#[island]
fn PreviewActions(submit: String, html: Option<String>) -> impl IntoView {
    let preview = ServerAction::<PreviewPost>::new();
    let shown = move || match preview.value().get() {
        Some(Ok(html)) => Some(Ok(html)),
        Some(Err(error)) => Some(Err(error.explanation())),
        None => html.clone().map(Ok),
    };
    view! {
        <div class="actions">
            <button type="submit" class="button" name="intent" value="post">
                {submit}
            </button>
            <button
                type="submit"
                class="button button-secondary"
                name="intent"
                value="preview"
                aria-busy=move || preview.pending().get().then_some("true")
                on:click=move |ev| {
                    #[cfg(feature = "hydrate")]
                    {
                        ev.prevent_default();
                        let body = crate::forms::form_value(&ev, "body").unwrap_or_default();
                        preview.dispatch(PreviewPost { body });
                    }
                    #[cfg(not(feature = "hydrate"))]
                    let _ = ev;
                }
            >
                "Preview"
            </button>
        </div>
        {move || {
            shown()
                .map(|result| match result {
                    Ok(html) => {
                        view! {
                            <section class="preview" aria-labelledby="preview-heading">
                                <h3 id="preview-heading">"Preview"</h3>
                                <div class="prose" inner_html=html></div>
                            </section>
                        }
                            .into_any()
                    }
                    Err(message) => {
                        view! {
                            <p class="notice notice-error" role="alert">
                                {message}
                            </p>
                        }
                            .into_any()
                    }
                })
        }}
    }
}

/// The form that starts a thread in `category`.
#[component]
pub fn NewThreadForm(category: i64, held: bool, draft: Draft, back: String) -> impl IntoView {
    let action = ServerAction::<StartThread>::new();
    let result = move || action.value().get();
    view! {
        <ActionForm action attr:class="form" attr:novalidate=true attr:id="compose">
            <FormError error=form_error(result, FIELDS) />
            <input type="hidden" name="category" value=category.to_string() />
            <ComposeFields
                with_title=true
                draft
                back
                title_error=error_for(result, "title")
                body_error=error_for(result, "body")
                held
                submit="Post thread"
            />
        </ActionForm>
    }
}

/// The reply form at the foot of a thread.
#[component]
pub fn ReplyForm(
    thread: i64,
    held: bool,
    draft: Draft,
    back: String,
    action: ServerAction<PostReply>,
) -> impl IntoView {
    let result = move || action.value().get();
    view! {
        <section class="reply" aria-labelledby="reply-heading">
            <h2 id="reply-heading">"Reply"</h2>
            <ActionForm action attr:class="form" attr:novalidate=true attr:id="compose">
                <FormError error=form_error(result, FIELDS) />
                <input type="hidden" name="thread" value=thread.to_string() />
                <ComposeFields
                    with_title=false
                    draft
                    back
                    title_error=Signal::derive(|| None::<String>)
                    body_error=error_for(result, "body")
                    held
                    submit="Post reply"
                />
            </ActionForm>
        </section>
    }
}
