//! `/moderation`: the queue — open reports, posts awaiting approval, the
//! form to suspend or ban a member, and the sanctions in force.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

use super::{
    LiftSanction, ModeratePost, PendingPost, PostAction, Queue, ReportView, ResolveReport,
    SanctionMember, SanctionView, moderation_queue,
};
use crate::{
    error_page::ErrorPage,
    forms::{Field, FormError, Select, error_for, form_error},
};

#[derive(Clone, Copy)]
struct Actions {
    post: ServerAction<ModeratePost>,
    resolve: ServerAction<ResolveReport>,
    sanction: ServerAction<SanctionMember>,
    lift: ServerAction<LiftSanction>,
}

#[component]
pub fn ModerationPage() -> impl IntoView {
    let actions = Actions {
        post: ServerAction::new(),
        resolve: ServerAction::new(),
        sanction: ServerAction::new(),
        lift: ServerAction::new(),
    };
    let queue = Resource::new(
        move || {
            actions.post.version().get()
                + actions.resolve.version().get()
                + actions.sanction.version().get()
                + actions.lift.version().get()
        },
        |_| moderation_queue(),
    );
    view! {
        <Title text="Moderation" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(queue) => view! { <QueueView queue actions /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn QueueView(queue: Queue, actions: Actions) -> impl IntoView {
    let Queue {
        reports,
        pending,
        sanctions,
    } = queue;
    let reports = if reports.is_empty() {
        view! { <p class="empty">"No open reports."</p> }.into_any()
    } else {
        let items = reports
            .into_iter()
            .map(|report| view! { <Report report actions /> })
            .collect_view();
        view! { <ol class="report-list">{items}</ol> }.into_any()
    };
    let pending = if pending.is_empty() {
        view! { <p class="empty">"No posts are waiting for approval."</p> }.into_any()
    } else {
        let items = pending
            .into_iter()
            .map(|post| view! { <Pending post action=actions.post /> })
            .collect_view();
        view! { <ol class="report-list">{items}</ol> }.into_any()
    };
    let sanctions = sanctions
        .into_iter()
        .map(|sanction| view! { <Sanction sanction action=actions.lift /> })
        .collect_view();
    let errors = move || {
        actions
            .post
            .value()
            .get()
            .or_else(|| actions.resolve.value().get())
            .or_else(|| actions.lift.value().get())
    };
    view! {
        <article class="page">
            <h1>"Moderation"</h1>
            <p>
                "Every action here is written to the "
                <a href="/moderation/log">"moderation log"</a>
                " with your username and reason. The log cannot be changed."
            </p>
            <FormError error=form_error(errors, &[]) />
            <section aria-labelledby="reports-heading">
                <h2 id="reports-heading">"Open reports"</h2>
                {reports}
            </section>
            <section aria-labelledby="pending-heading">
                <h2 id="pending-heading">"Awaiting approval"</h2>
                {pending}
            </section>
            <SanctionForm action=actions.sanction />
            <section aria-labelledby="sanctions-heading">
                <h2 id="sanctions-heading">"Suspensions and bans in force"</h2>
                <ul class="sanction-list">{sanctions}</ul>
            </section>
        </article>
    }
}

/// A form that applies `verb` to a post, with a reason field of its own.
#[component]
fn PostActionForm(
    post: i64,
    verb: PostAction,
    action: ServerAction<ModeratePost>,
) -> impl IntoView {
    let name = verb.as_str();
    let field = format!("queue-{post}-{name}");
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="post" value=post.to_string() />
            <input type="hidden" name="action" value=name />
            <input type="hidden" name="back" value="/moderation" />
            <label for=field.clone()>{format!("Reason to {name}")}</label>
            <input id=field name="reason" type="text" />
            <button type="submit" class="button button-secondary">
                {verb.label()}
            </button>
        </ActionForm>
    }
}

#[component]
fn Report(report: ReportView, actions: Actions) -> impl IntoView {
    let id = report.id.0;
    let post = report.post.0;
    let flags = report
        .flags
        .into_iter()
        .map(|flag| {
            view! {
                <li>
                    {format!("{} — {} ({})", flag.reporter, flag.reason.label(), flag.at)}
                    {flag.note.map(|note| view! { <blockquote>{note}</blockquote> })}
                </li>
            }
        })
        .collect_view();
    let verbs = PostAction::for_state(report.state)
        .iter()
        .map(|verb| view! { <PostActionForm post verb=*verb action=actions.post /> })
        .collect_view();
    let conclusion = format!("conclusion-{id}");
    view! {
        <li class="report-card" id=format!("report-{id}")>
            <h3>
                <a href=format!("/forum/p/{post}") rel="external">
                    {report.thread_title}
                </a>
            </h3>
            <p class="hint">
                {format!(
                    "Post by {} · now {}",
                    report.author.unwrap_or_else(|| "a former member".to_owned()),
                    report.state.describe(),
                )}
            </p>
            <p>"Text when reported:"</p>
            <pre class="markdown-source">{report.reported_text}</pre>
            <ul class="flag-list">{flags}</ul>
            {verbs}
            <ActionForm action=actions.resolve attr:class="inline-form">
                <input type="hidden" name="report" value=id.to_string() />
                <label for=conclusion.clone()>"Conclusion"</label>
                <input id=conclusion name="conclusion" type="text" />
                <button type="submit" class="button">
                    "Resolve report"
                </button>
            </ActionForm>
        </li>
    }
}

#[component]
fn Pending(post: PendingPost, action: ServerAction<ModeratePost>) -> impl IntoView {
    let id = post.post.0;
    view! {
        <li class="report-card">
            <h3>{post.thread_title}</h3>
            <p class="hint">
                {format!(
                    "By {} · {}",
                    post.author.unwrap_or_else(|| "a former member".to_owned()),
                    post.posted,
                )}
            </p>
            <pre class="markdown-source">{post.markdown}</pre>
            <PostActionForm post=id verb=PostAction::Approve action />
            <PostActionForm post=id verb=PostAction::Delete action />
        </li>
    }
}

#[component]
fn SanctionForm(action: ServerAction<SanctionMember>) -> impl IntoView {
    let result = move || action.value().get();
    let kinds = vec![
        ("suspension", "Suspend for some days"),
        ("ban", "Ban until lifted"),
    ];
    view! {
        <section aria-labelledby="sanction-heading">
            <h2 id="sanction-heading">"Suspend or ban a member"</h2>
            <p>
                "The member can still read; they cannot post, edit or report. They see your reason."
            </p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, &["username", "days", "reason"]) />
                <Field
                    name="username"
                    label="Username"
                    required=true
                    error=error_for(result, "username")
                />
                <Select name="kind" label="What" options=kinds />
                <Field
                    name="days"
                    label="Days (for a suspension)"
                    kind="number"
                    value="7".to_owned()
                    error=error_for(result, "days")
                />
                <Field
                    name="reason"
                    label="Reason (shown to the member)"
                    required=true
                    error=error_for(result, "reason")
                />
                <button type="submit" class="button">
                    "Apply"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Sanction(sanction: SanctionView, action: ServerAction<LiftSanction>) -> impl IntoView {
    let id = sanction.id.0;
    let field = format!("lift-{id}");
    let until = sanction
        .until
        .map_or_else(|| "banned".to_owned(), |until| format!("until {until}"));
    view! {
        <li>
            {format!("{} — {until}: {}", sanction.member, sanction.reason)}
            <ActionForm action attr:class="inline-form">
                <input type="hidden" name="sanction" value=id.to_string() />
                <label for=field.clone()>"Reason to lift"</label>
                <input id=field name="reason" type="text" />
                <button type="submit" class="button button-secondary">
                    "Lift"
                </button>
            </ActionForm>
        </li>
    }
}
