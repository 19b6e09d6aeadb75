//! `/jobs` and `/jobs/<id>-<slug>`: the public postings and the
//! application form.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{
    ApplyForm, JobSummary,
    api::{RequestStatusLink, job, open_jobs},
    id_from_segment,
};
use crate::{
    error::AppError,
    error_page::ErrorPage,
    forms::{Field, FormError, error_for, form_error},
};

/// "Team · Location · Remote · Full time".
fn facts(job: &JobSummary) -> String {
    [
        job.team.as_str(),
        job.location.as_str(),
        job.workplace.label(),
        job.employment.label(),
    ]
    .join(" · ")
}

#[component]
pub fn JobsPage() -> impl IntoView {
    crate::shared_page::same_for_every_visitor();
    let jobs = Resource::new(|| (), |()| open_jobs());
    view! {
        <Title text="Jobs" />
        <crate::description::Description text="Open positions working on the project. Apply without an account; only the recruiters see your application, and it is erased after the decision." />
        <article class="page">
            <h1>"Jobs"</h1>
            <p class="lead">"Work with us on the software this community uses."</p>
            <p>
                "Applying needs no account. An application asks for your name, postal address, phone number, an email address for replies and a résumé — nothing else — and is erased on a fixed schedule after a decision, or after the posting closes if none is made."
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match jobs.await {
                        Ok(jobs) if jobs.is_empty() => {
                            view! { <p class="empty">"There are no open positions right now."</p> }
                                .into_any()
                        }
                        Ok(jobs) => {
                            let items = jobs
                                .into_iter()
                                .map(|job| {
                                    let closes = job
                                        .closes_on
                                        .clone()
                                        .map(|day| format!("Applications close on {day}."));
                                    view! {
                                        <li class="job-card">
                                            <h2>
                                                <a href=job.path()>{job.title.clone()}</a>
                                            </h2>
                                            <p class="job-facts">{facts(&job)}</p>
                                            {closes.map(|text| view! { <p class="hint">{text}</p> })}
                                        </li>
                                    }
                                })
                                .collect_view();
                            view! { <ul class="job-list">{items}</ul> }.into_any()
                        }
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
            <p class="hint">
                "Job boards and feed readers can use the open positions as JSON: "
                <a href="/api/jobs/v1" rel="external">
                    "/api/jobs/v1"
                </a> "."
            </p>
        </article>
    }
}

#[component]
pub fn JobPage() -> impl IntoView {
    crate::shared_page::same_for_every_visitor();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("job").and_then(|segment| id_from_segment(&segment)));
    let detail = Resource::new(id, |id| async move {
        match id {
            Some(id) => job(id.0).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => {
                        let summary = detail.summary;
                        let id = summary.id;
                        view! {
                            <Title text=summary.title.clone() />
                            <crate::description::Description text=format!(
                                "{}: {}",
                                summary.title,
                                facts(&summary),
                            ) />
                            <article class="page">
                                <p class="breadcrumb">
                                    <a href="/jobs">"Jobs"</a>
                                </p>
                                <h1>{summary.title.clone()}</h1>
                                <p class="job-facts">{facts(&summary)}</p>
                                {summary
                                    .closes_on
                                    .clone()
                                    .filter(|_| detail.accepting)
                                    .map(|day| {
                                        view! {
                                            <p class="hint">
                                                {format!("Applications close on {day}.")}
                                            </p>
                                        }
                                    })}
                                <div class="prose" inner_html=detail.description_html></div>
                                {if detail.accepting {
                                    view! { <ApplyForm job=id retention=detail.retention /> }
                                        .into_any()
                                } else {
                                    view! {
                                        <p class="notice" role="status">
                                            "This job no longer accepts applications."
                                        </p>
                                    }
                                        .into_any()
                                }}
                                <LostLinkForm job=id.0 />
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

/// For applicants who lost the mailed link to their application.
#[component]
fn LostLinkForm(job: i64) -> impl IntoView {
    let action = ServerAction::<RequestStatusLink>::new();
    let value = action.value();
    let result = move || value.get();
    view! {
        <section class="lost-link" aria-labelledby="lost-link-heading">
            <h2 id="lost-link-heading">"Already applied?"</h2>
            <p>
                "Enter the address you applied with and we mail you a new link to follow or withdraw your application."
            </p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, &["address"]) />
                <input type="hidden" name="job" value=job.to_string() />
                <Field
                    name="address"
                    label="Email address you applied with"
                    kind="email"
                    autocomplete="email"
                    required=true
                    error=error_for(result, "address")
                />
                <button type="submit" class="button button-secondary">
                    "Mail me a new link"
                </button>
            </ActionForm>
        </section>
    }
}
