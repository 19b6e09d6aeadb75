//! The recruiters' pages: postings, the applications list, one
//! application's pipeline and notes. The server checks the role on every
//! call; these pages only show what it answers.

use crate::table::TableScroll;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    ApplicationDetail, ApplicationStatus, Employment, JobSummary, Workplace,
    api::job,
    recruit_api::{
        AddApplicationNote, MoveApplication, SaveJob, SetJobOpen, list_applications,
        recruiter_application, recruiter_jobs,
    },
};
use crate::{
    accounts::{Role, whoami},
    error::AppError,
    error_page::ErrorPage,
    forms::{Checkbox, Field, FormError, Select, TextArea, error_for, form_error},
};

/// `/recruit`: every posting and the newest applications.
#[component]
pub fn RecruitPage() -> impl IntoView {
    let toggle = ServerAction::<SetJobOpen>::new();
    let job_filter =
        move || use_query_map().with(|q| q.get("job").and_then(|id| id.parse::<i64>().ok()));
    let data = Resource::new(
        move || (job_filter(), toggle.version().get()),
        |(job, _)| async move {
            Ok::<_, AppError>((recruiter_jobs().await?, list_applications(job).await?))
        },
    );
    view! {
        <Title text="Recruiting" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((jobs, applications)) => {
                        view! {
                            <article class="page page-wide">
                                <h1>"Recruiting"</h1>
                                <p>
                                    <a class="button" href="/recruit/jobs/new">
                                        "New job posting"
                                    </a>
                                </p>
                                <JobTable jobs toggle />
                                <h2>"Applications"</h2>
                                <ApplicationTable applications />
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

#[component]
fn JobTable(jobs: Vec<JobSummary>, toggle: ServerAction<SetJobOpen>) -> impl IntoView {
    let rows = jobs
        .into_iter()
        .map(|job| {
            let (label, open) = if job.open {
                ("Close", "false")
            } else {
                ("Reopen", "true")
            };
            view! {
                <tr>
                    <th scope="row">
                        <a href=format!("/recruit/jobs/{}", job.id.0)>{job.title.clone()}</a>
                    </th>
                    <td>{if job.open { "Open" } else { "Closed" }}</td>
                    <td>
                        <a href=format!("/recruit?job={}", job.id.0)>"Applications"</a>
                    </td>
                    <td>
                        <ActionForm action=toggle attr:class="inline-form">
                            <input type="hidden" name="job_id" value=job.id.0.to_string() />
                            <input type="hidden" name="open" value=open />
                            <button
                                type="submit"
                                class="link-button"
                                aria-label=format!("{label} {}", job.title)
                            >
                                {label}
                            </button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll label="Job postings">
            <table class="data-table">
                <caption>"Job postings"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Title"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Applications"</th>
                        <th scope="col">"Action"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
}

#[component]
fn ApplicationTable(applications: Vec<super::ApplicationSummary>) -> impl IntoView {
    if applications.is_empty() {
        return view! { <p class="empty">"No applications yet."</p> }.into_any();
    }
    let rows = applications
        .into_iter()
        .map(|application| {
            let name = application
                .full_name
                .clone()
                .unwrap_or_else(|| "(erased)".to_owned());
            view! {
                <tr>
                    <th scope="row">
                        <a href=format!("/recruit/applications/{}", application.id.0)>{name}</a>
                    </th>
                    <td>{application.job_title.clone()}</td>
                    <td>{application.status.label()}</td>
                    <td>{application.submitted_on.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll label="Applications">
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">"Applicant"</th>
                        <th scope="col">"Job"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Sent"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}

const JOB_FIELDS: &[&str] = &[
    "title",
    "team",
    "location",
    "workplace",
    "employment",
    "description",
    "closes_on",
];

/// `/recruit/jobs/new` and `/recruit/jobs/<id>`.
#[component]
pub fn EditJobPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let existing = Resource::new(id, |id| async move {
        // The form is for recruiters (saving checks again on the server).
        match whoami().await? {
            None => return Err(AppError::Unauthorized),
            Some(user) if !user.has_role(Role::Recruiter) => return Err(AppError::Forbidden),
            Some(_) => {}
        }
        match id {
            Some(id) => job(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match existing.await {
                    Ok(detail) => view! { <JobForm detail /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn JobForm(detail: Option<super::JobDetail>) -> impl IntoView {
    let action = ServerAction::<SaveJob>::new();
    let value = action.value();
    let result = move || value.get();
    let title = if detail.is_some() {
        "Edit job posting"
    } else {
        "New job posting"
    };
    let job_id = detail
        .as_ref()
        .map(|detail| detail.summary.id.0.to_string());
    let current = detail.as_ref().map(|detail| detail.summary.clone());
    let text = |pick: fn(&JobSummary) -> String| current.as_ref().map(pick).unwrap_or_default();
    let (title_value, team_value, location_value) = (
        text(|j| j.title.clone()),
        text(|j| j.team.clone()),
        text(|j| j.location.clone()),
    );
    let (workplace_value, employment_value, closes_value) = (
        text(|j| j.workplace.as_str().to_owned()),
        text(|j| j.employment.as_str().to_owned()),
        text(|j| j.closes_on.clone().unwrap_or_default()),
    );
    let description_value = detail
        .as_ref()
        .map(|d| d.description.clone())
        .unwrap_or_default();
    let workplaces = Workplace::ALL
        .iter()
        .map(|w| (w.as_str(), w.label()))
        .collect();
    let employments = Employment::ALL
        .iter()
        .map(|e| (e.as_str(), e.label()))
        .collect();
    view! {
        <Title text=title />
        <article class="page">
            <h1>{title}</h1>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, JOB_FIELDS) />
                {job_id.map(|id| view! { <input type="hidden" name="job_id" value=id /> })}
                <Field
                    name="posting[title]"
                    label="Title"
                    required=true
                    value=title_value
                    error=error_for(result, "title")
                />
                <Field
                    name="posting[team]"
                    label="Team"
                    required=true
                    value=team_value
                    error=error_for(result, "team")
                />
                <Field
                    name="posting[location]"
                    label="Location"
                    required=true
                    value=location_value
                    error=error_for(result, "location")
                />
                <Select
                    name="posting[workplace]"
                    label="Workplace"
                    options=workplaces
                    selected=workplace_value
                    error=error_for(result, "workplace")
                />
                <Select
                    name="posting[employment]"
                    label="Employment"
                    options=employments
                    selected=employment_value
                    error=error_for(result, "employment")
                />
                <TextArea
                    name="posting[description]"
                    label="Description"
                    required=true
                    rows=12
                    hint="Markdown: headings, lists, links and emphasis."
                    value=description_value
                    error=error_for(result, "description")
                />
                <Field
                    name="posting[closes_on]"
                    label="Last day to apply"
                    kind="date"
                    hint="Leave empty to keep the posting open until you close it."
                    value=closes_value
                    error=error_for(result, "closes_on")
                />
                <button type="submit" class="button">
                    "Save posting"
                </button>
            </ActionForm>
        </article>
    }
}

/// `/recruit/applications/<id>`.
#[component]
pub fn ApplicationPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let moved = ServerAction::<MoveApplication>::new();
    let noted = ServerAction::<AddApplicationNote>::new();
    let data = Resource::new(
        move || (id(), moved.version().get(), noted.version().get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => recruiter_application(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text="Application" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(detail) => view! { <ApplicationView detail moved noted /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ApplicationView(
    detail: ApplicationDetail,
    moved: ServerAction<MoveApplication>,
    noted: ServerAction<AddApplicationNote>,
) -> impl IntoView {
    let id = detail.id.0;
    let (moved_value, noted_value) = (moved.value(), noted.value());
    let person = detail.person.clone().map(|person| {
        let links = person
            .links
            .iter()
            .map(|link| {
                view! {
                    <li>
                        <a href=link.clone() rel="nofollow noopener noreferrer">
                            {link.clone()}
                        </a>
                    </li>
                }
            })
            .collect_view();
        view! {
            <dl class="facts">
                <dt>"Name"</dt>
                <dd class="applicant-name">{person.full_name}</dd>
                <dt>"Postal address"</dt>
                <dd>
                    {person.street} <br /> {person.postal_code} " " {person.city} <br />
                    {person.country}
                </dd>
                <dt>"Phone"</dt>
                <dd>{person.phone}</dd>
                <dt>"Email"</dt>
                <dd>{person.email}</dd>
                <dt>"Résumé"</dt>
                <dd>
                    <a href=format!("/jobs/applications/{id}/resume") download rel="external">
                        {format!(
                            "Download ({}, {} KiB)",
                            person.resume_kind.to_uppercase(),
                            person.resume_bytes / 1024,
                        )}
                    </a>
                </dd>
                <dt>"Cover note"</dt>
                <dd class="cover-note">{person.cover_note}</dd>
                <dt>"Links"</dt>
                <dd>
                    <ul>{links}</ul>
                </dd>
            </dl>
        }
    });
    let events = detail
        .events
        .iter()
        .map(|event| {
            let by = event.actor.clone().unwrap_or_else(|| "applicant".to_owned());
            let mailed = if event.mailed { ", applicant mailed" } else { "" };
            view! { <li>{format!("{} — {} (by {by}{mailed})", event.at, event.status.label())}</li> }
        })
        .collect_view();
    let notes = detail
        .notes
        .iter()
        .map(|note| {
            let by = note
                .author
                .clone()
                .unwrap_or_else(|| "former recruiter".to_owned());
            view! {
                <li>
                    <p class="note-meta">{format!("{} — {by}", note.at)}</p>
                    <p class="note-body">{note.body.clone()}</p>
                </li>
            }
        })
        .collect_view();
    let steps = ApplicationStatus::PIPELINE
        .iter()
        .filter(|step| **step != detail.status)
        .map(|step| (step.as_str(), step.label()))
        .collect();
    let open = !detail.status.is_final();
    view! {
        <article class="page">
            <p class="breadcrumb">
                <a href="/recruit">"Recruiting"</a>
            </p>
            <h1>{format!("Application for {}", detail.job.title)}</h1>
            <p class="status-line">
                "Status: " <strong class="status">{detail.status.label()}</strong> " · sent on "
                {detail.submitted_on.clone()}
            </p>
            {detail
                .erase_on
                .clone()
                .map(|day| {
                    view! {
                        <p class="hint">{format!("Personal details will be erased on {day}.")}</p>
                    }
                })}
            {match person {
                Some(person) => person.into_any(),
                None => {
                    view! {
                        <p class="notice">
                            "The personal details of this application have been erased."
                        </p>
                    }
                        .into_any()
                }
            }}
            {open
                .then(|| {
                    view! {
                        <h2>"Move along the pipeline"</h2>
                        <ActionForm action=moved attr:class="form">
                            <FormError error=form_error(move || moved_value.get(), &[]) />
                            <input type="hidden" name="id" value=id.to_string() />
                            <Select name="status" label="New status" options=steps />
                            <Checkbox name="notify">"Mail the applicant about the change"</Checkbox>
                            <button type="submit" class="button">
                                "Change status"
                            </button>
                        </ActionForm>
                    }
                })}
            <h2>"History"</h2>
            <ol class="history">{events}</ol>
            <h2>"Notes"</h2>
            <p class="hint">"Only recruiters see notes. They are erased with the application."</p>
            <ul class="notes">{notes}</ul>
            {detail
                .person
                .is_some()
                .then(|| {
                    view! {
                        <ActionForm action=noted attr:class="form">
                            <input type="hidden" name="id" value=id.to_string() />
                            <TextArea
                                name="body"
                                label="New note"
                                required=true
                                rows=3
                                error=error_for(move || noted_value.get(), "body")
                            />
                            <button type="submit" class="button button-secondary">
                                "Add note"
                            </button>
                        </ActionForm>
                    }
                })}
        </article>
    }
}
