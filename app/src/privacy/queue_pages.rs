//! The privacy team's pages: the queue of requests by deadline
//! (`/privacy/queue`) and one request with its log and actions
//! (`/privacy/queue/<id>`). The server checks the role on every call.

use crate::table::TableScroll;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::requests::{
    AssignRequest, EraseForRequest, NoteRequest, RequestDetail, RequestStatus, RequestSummary,
    SetRequestStatus, privacy_queue, privacy_request,
};
use crate::{
    error::AppError,
    error_page::ErrorPage,
    forms::{Field, FormError, Select, TextArea, error_for, form_error},
};

/// `/privacy/queue`
#[component]
pub fn PrivacyQueuePage() -> impl IntoView {
    let data = Resource::new(|| (), |()| privacy_queue());
    view! {
        <Title text="Privacy requests" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(queue) => {
                        view! {
                            <article class="page page-wide">
                                <h1>"Privacy requests"</h1>
                                <p>
                                    "Requests whose sender confirmed their address, by deadline: each must be answered within 30 days of confirmation. Every change is logged, and the sender is mailed at each change of status."
                                </p>
                                <h2>"Open"</h2>
                                <RequestTable requests=queue.open empty="No open requests." />
                                <h2>"Recently answered"</h2>
                                <RequestTable
                                    requests=queue.closed
                                    empty="No answered requests yet."
                                />
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
fn RequestTable(requests: Vec<RequestSummary>, empty: &'static str) -> impl IntoView {
    if requests.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    let rows = requests
        .into_iter()
        .map(|request| {
            view! {
                <tr>
                    <th scope="row">
                        <a href=format!(
                            "/privacy/queue/{}",
                            request.id,
                        )>{format!("#{} {}", request.id, request.kind.short_label())}</a>
                    </th>
                    <td>{request.status.label()}</td>
                    <td>{request.received_on}</td>
                    <td class=request
                        .urgency
                        .class()>{format!("{}{}", request.due_on, request.urgency.note())}</td>
                    <td>{request.assignee.unwrap_or_else(|| "—".to_owned())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll label="Privacy requests">
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">"Request"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Received"</th>
                        <th scope="col">"Due"</th>
                        <th scope="col">"Taken by"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}

/// `/privacy/queue/<id>`
#[component]
pub fn PrivacyRequestPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let actions = Actions {
        status: ServerAction::new(),
        assign: ServerAction::new(),
        note: ServerAction::new(),
        erase: ServerAction::new(),
    };
    let data = Resource::new(
        move || {
            (
                id(),
                actions.status.version().get(),
                actions.assign.version().get(),
                actions.note.version().get(),
                actions.erase.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => privacy_request(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text="Privacy request" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(detail) => view! { <RequestView detail actions /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The actions of the request page.
#[derive(Clone, Copy)]
struct Actions {
    status: ServerAction<SetRequestStatus>,
    assign: ServerAction<AssignRequest>,
    note: ServerAction<NoteRequest>,
    erase: ServerAction<EraseForRequest>,
}

#[component]
fn RequestView(detail: RequestDetail, actions: Actions) -> impl IntoView {
    let summary = detail.summary.clone();
    let id = summary.id.to_string();
    let open = !summary.status.is_closed();
    let log = detail
        .log
        .iter()
        .map(|entry| {
            let by = entry
                .actor
                .clone()
                .unwrap_or_else(|| "sender or software".to_owned());
            let mailed = if entry.mailed { ", sender mailed" } else { "" };
            view! {
                <li>
                    <p class="note-meta">
                        {format!("{} — {} (by {by}{mailed})", entry.at, entry.what)}
                    </p>
                    {entry.note.clone().map(|note| view! { <p class="note-body">{note}</p> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <article class="page">
            <p class="breadcrumb">
                <a href="/privacy/queue">"Privacy requests"</a>
            </p>
            <h1>{format!("Request #{}: {}", summary.id, summary.kind.short_label())}</h1>
            <p class="status-line">
                "Status: " <strong class="status">{summary.status.label()}</strong>
                " · received on " {summary.received_on.clone()} " · due on "
                <span class=summary
                    .urgency
                    .class()>{format!("{}{}", summary.due_on, summary.urgency.note())}</span>
            </p>
            <dl class="facts">
                <dt>"Asked for"</dt>
                <dd>{summary.kind.label()}</dd>
                <dt>"Sender's address (confirmed)"</dt>
                <dd class="request-email">{detail.email.clone()}</dd>
                <dt>"Sender's name"</dt>
                <dd>{detail.name.clone().unwrap_or_else(|| "not given".to_owned())}</dd>
                <dt>"Account with this address"</dt>
                <dd>{detail.account_with_address.clone().unwrap_or_else(|| "none".to_owned())}</dd>
                <dt>"Account named"</dt>
                <dd>{detail.account_name.clone().unwrap_or_else(|| "none".to_owned())}</dd>
                <dt>"Request"</dt>
                <dd class="request-details">{detail.details.clone()}</dd>
                <dt>"Taken by"</dt>
                <dd>{summary.assignee.clone().unwrap_or_else(|| "no one yet".to_owned())}</dd>
            </dl>
            <AssignForm id=id.clone() taken=detail.assigned_to_me action=actions.assign />
            <StatusForm id=id.clone() current=summary.status action=actions.status />
            {detail
                .erasable
                .clone()
                .filter(|_| open)
                .map(|username| {
                    view! { <EraseForm id=id.clone() username action=actions.erase /> }
                })}
            <h2>"Log"</h2>
            <p class="hint">
                "Notes are not mailed to the sender, but they are data about them: a sender with an account at this address finds the request, its messages and its notes in their data download. The request and its log are deleted a year after it is answered."
            </p>
            <ol class="history">{log}</ol>
            <NoteForm id action=actions.note />
        </article>
    }
}

#[component]
fn AssignForm(id: String, taken: bool, action: ServerAction<AssignRequest>) -> impl IntoView {
    let value = action.value();
    view! {
        <ActionForm action attr:class="inline-form">
            <FormError error=form_error(move || value.get(), &[]) />
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="take" value=(!taken).to_string() />
            <button type="submit" class="button button-secondary">
                {if taken { "Give back to the team" } else { "Take this request" }}
            </button>
        </ActionForm>
    }
}

#[component]
fn StatusForm(
    id: String,
    current: RequestStatus,
    action: ServerAction<SetRequestStatus>,
) -> impl IntoView {
    let value = action.value();
    let result = move || value.get();
    let options = RequestStatus::SETTABLE
        .iter()
        .map(|status| (status.as_str(), status.label()))
        .collect();
    view! {
        <h2>"Answer"</h2>
        <ActionForm action attr:class="form">
            <FormError error=form_error(result, &["status", "message"]) />
            <input type="hidden" name="id" value=id />
            <Select
                name="status"
                label="Status"
                options
                selected=current.as_str().to_owned()
                error=error_for(result, "status")
            />
            <TextArea
                name="message"
                label="Message to the sender"
                rows=4
                hint="Mailed to the sender with the new status, and kept in the log. Do not paste their data here: send it through a safe channel."
                error=error_for(result, "message")
            />
            <button type="submit" class="button">
                "Save and mail the sender"
            </button>
        </ActionForm>
    }
}

#[component]
fn EraseForm(id: String, username: String, action: ServerAction<EraseForRequest>) -> impl IntoView {
    let value = action.value();
    let result = move || value.get();
    view! {
        <section aria-labelledby="erase-heading">
            <h2 id="erase-heading">"Delete the account"</h2>
            <p>
                {format!(
                    "This erases the account {username} exactly as when its member deletes it, marks the request done and mails the sender. It cannot be undone.",
                )}
            </p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, &["confirm"]) />
                <input type="hidden" name="id" value=id />
                <Field
                    name="confirm"
                    label="Username of the account"
                    autocomplete="off"
                    required=true
                    hint=format!("Type {username} to confirm.")
                    error=error_for(result, "confirm")
                />
                <button type="submit" class="button button-danger">
                    "Delete the account"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn NoteForm(id: String, action: ServerAction<NoteRequest>) -> impl IntoView {
    let value = action.value();
    view! {
        <ActionForm action attr:class="form">
            <input type="hidden" name="id" value=id />
            <TextArea
                name="note"
                label="Internal note"
                required=true
                rows=3
                hint="Not mailed to the sender; part of their data if they download it. Write what you would show them."
                error=error_for(move || value.get(), "note")
            />
            <button type="submit" class="button button-secondary">
                "Add note"
            </button>
        </ActionForm>
    }
}
