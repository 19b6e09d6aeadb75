//! `/admin/campaigns`: the campaigns, and each one's page — the editor
//! with its live preview, the test mail, sending now or later, and the
//! progress of a send.

use crate::table::TableScroll;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    campaigns::{
        CampaignDetail, CampaignStatus, Counted, Progress, SaveCampaign, SendCampaign,
        StopCampaign, TestCampaign, campaign, campaign_lists, campaigns, preview_campaign,
    },
    newsletter::ListChoice,
    newsletter_pages::ListBoxes,
};
use crate::{
    error_page::ErrorPage,
    forms::{Field, FormError, error_for, form_error},
};

const FIELDS: &[&str] = &["subject", "body", "lists"];

/// A send's progress: a bar and the numbers beside it.
#[component]
fn ProgressBar(progress: Progress) -> impl IntoView {
    let total = progress.total().max(1);
    let label = format!(
        "{} sent, {} failed, {} left",
        progress.sent, progress.failed, progress.left
    );
    view! {
        <div class="send-progress">
            <progress
                max=total.to_string()
                value=(progress.sent + progress.failed).to_string()
                aria-label="Sending"
            ></progress>
            <span>{label}</span>
        </div>
    }
}

/// A send's progress; with script, while the send goes on, it refreshes
/// itself every five seconds, and the page reloads once the send is over
/// (its actions change). Without script, the "Refresh" link does it.
#[island]
fn LiveProgress(id: i64, progress: Progress, sending: bool) -> impl IntoView {
    let (progress, set_progress) = signal(progress);
    #[cfg(feature = "hydrate")]
    if sending {
        let poll = move || {
            leptos::task::spawn_local(async move {
                match campaign(id).await {
                    Ok(detail) if detail.status == CampaignStatus::Sending => {
                        if let Some(now) = detail.progress {
                            set_progress.try_set(now);
                        }
                    }
                    Ok(_) => {
                        let _ = window().location().reload();
                    }
                    // Offline for a moment, or signed out: the link still works.
                    Err(_) => {}
                }
            });
        };
        if let Ok(handle) = set_interval_with_handle(poll, std::time::Duration::from_secs(5)) {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, sending, set_progress);
    move || view! { <ProgressBar progress=progress.get() /> }
}

/// What the counting image and links counted, with what that is worth.
#[component]
fn CountedSection(counted: Counted) -> impl IntoView {
    let Counted {
        opens,
        tracked,
        links,
    } = counted;
    view! {
        <section aria-labelledby="counted-heading">
            <h2 id="counted-heading">"Opens and clicks"</h2>
            <p>
                {format!(
                    "Opened {opens} times (an estimate); {tracked} of the mails carried the counting image.",
                )}
            </p>
            <p class="hint">
                "Counted per campaign, never per person: nothing says who opened or clicked. Mail programs that block images hide opens, and some (Apple Mail's privacy protection) fetch every image whether or not the mail is read, so opens are a rough estimate; clicks are firmer. Subscribers who turned counting off, and mail programs showing only text, are not counted."
            </p>
            {(!links.is_empty())
                .then(|| {
                    view! {
                        <TableScroll label="Clicks per link">
                            <table class="table">
                                <caption>"Clicks per link"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Link"</th>
                                        <th scope="col">"Clicks"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {links
                                        .into_iter()
                                        .map(|(url, clicks)| {
                                            view! {
                                                <tr>
                                                    <td class="url">{url}</td>
                                                    <td>{clicks}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </TableScroll>
                    }
                })}
        </section>
    }
}

/// `/admin/campaigns`
#[component]
pub fn CampaignsPage() -> impl IntoView {
    let rows = Resource::new(|| (), |()| campaigns());
    view! {
        <Title text="Campaigns" />
        <article class="page page-wide">
            <h1>"Campaigns"</h1>
            <p class="lead">
                "Newsletters to the people on your " <a href="/admin/mail-lists">"mail lists"</a>
                ": written in Markdown, tried on yourself first, sent now or at a set time in batches at the configured rate."
            </p>
            <p>
                <a class="button" href="/admin/campaigns/new">
                    "New campaign"
                </a>
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(rows) if rows.is_empty() => {
                            view! { <p>"No campaign yet."</p> }.into_any()
                        }
                        Ok(rows) => {
                            view! {
                                <TableScroll label="Campaigns">
                                    <table class="table">
                                        <caption>"Campaigns"</caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">"Subject"</th>
                                                <th scope="col">"Lists"</th>
                                                <th scope="col">"Status"</th>
                                                <th scope="col">"Progress"</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {rows
                                                .into_iter()
                                                .map(|row| {
                                                    view! {
                                                        <tr>
                                                            <td>
                                                                <a href=format!(
                                                                    "/admin/campaigns/{}",
                                                                    row.id,
                                                                )>{row.subject}</a>
                                                            </td>
                                                            <td>{row.lists.join(", ")}</td>
                                                            <td>{format!("{}, {}", row.status.label(), row.when)}</td>
                                                            <td>
                                                                {row
                                                                    .progress
                                                                    .map(|progress| view! { <ProgressBar progress /> })}
                                                            </td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </TableScroll>
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

/// `/admin/campaigns/new` and `/admin/campaigns/:id`
#[component]
pub fn CampaignPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let detail = Resource::new(id, |id| async move {
        match id {
            Some(id) => campaign(id).await.map(Some),
            None => Ok(None),
        }
    });
    let lists = Resource::new(|| (), |()| campaign_lists());
    view! {
        <Title text="Campaign" />
        <article class="page page-wide">
            <p>
                <a href="/admin/campaigns">"All campaigns"</a>
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match (detail.await, lists.await) {
                        (Ok(Some(detail)), _) => view! { <Campaign detail /> }.into_any(),
                        (Ok(None), Ok(lists)) => {
                            view! {
                                <h1>"New campaign"</h1>
                                <Editor
                                    id=None
                                    subject=String::new()
                                    body=String::new()
                                    preview=String::new()
                                    lists
                                />
                            }
                                .into_any()
                        }
                        (Err(error), _) | (_, Err(error)) => {
                            view! { <ErrorPage error /> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn Campaign(detail: CampaignDetail) -> impl IntoView {
    let query = use_query_map();
    let flag = move |name: &str| query.with(|query| query.get(name).is_some());
    let CampaignDetail {
        id,
        subject,
        body,
        preview,
        status,
        when,
        lists,
        audience,
        progress,
        counted,
    } = detail;
    let notice = move || {
        if flag("saved") {
            Some("Saved.")
        } else if flag("tested") {
            Some("A test is on its way to your address.")
        } else {
            None
        }
    };
    view! {
        <h1>{subject.clone()}</h1>
        {move || {
            notice()
                .map(|text| {
                    view! {
                        <p class="notice" role="status">
                            {text}
                        </p>
                    }
                })
        }}
        <p class="status-line">
            <span class="status">{status.label()}</span>
            {format!(" — {when}. Reaches {audience} confirmed subscribers on the lists chosen.")}
        </p>
        {progress
            .map(|progress| {
                view! {
                    <section aria-labelledby="progress-heading">
                        <h2 id="progress-heading">"Progress"</h2>
                        <LiveProgress id progress sending=status == CampaignStatus::Sending />
                        <p class="hint">
                            <a href=format!("/admin/campaigns/{id}")>"Refresh"</a>
                        </p>
                    </section>
                }
            })}
        {counted.map(|counted| view! { <CountedSection counted /> })}
        {if status.is_editable() {
            view! {
                <Editor id=Some(id) subject body preview lists />
                <Actions id status />
            }
                .into_any()
        } else {
            view! {
                <section aria-labelledby="sent-heading">
                    <h2 id="sent-heading">"The mail"</h2>
                    <div class="prose mail-preview" inner_html=preview></div>
                </section>
                <Actions id status />
            }
                .into_any()
        }}
    }
}

/// The subject, the Markdown with its live preview, and the lists.
#[component]
fn Editor(
    id: Option<i64>,
    subject: String,
    body: String,
    preview: String,
    lists: Vec<ListChoice>,
) -> impl IntoView {
    let save = ServerAction::<SaveCampaign>::new();
    let value = save.value();
    let result = move || value.get();
    let body_error = error_for(result, "body").get_untracked();
    view! {
        <section aria-labelledby="editor-heading">
            <h2 id="editor-heading">"Write"</h2>
            <ActionForm action=save attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, FIELDS) />
                {id.map(|id| view! { <input type="hidden" name="id" value=id.to_string() /> })}
                <Field
                    name="subject"
                    label="Subject"
                    required=true
                    value=subject
                    error=error_for(result, "subject")
                />
                <MarkdownEditor body preview error=body_error />
                <ListBoxes lists error=error_for(result, "lists") />
                <button type="submit" class="button">
                    "Save"
                </button>
            </ActionForm>
        </section>
    }
}

/// The text box and its preview, side by side. With script the preview
/// follows the text a moment after the last key; without, saving shows it.
#[island]
fn MarkdownEditor(body: String, preview: String, error: Option<String>) -> impl IntoView {
    let (shown, set_shown) = signal(preview);
    // A preview a moment after the last key, not one per key; the page may
    // be gone by then (saved, or left), so nothing here may insist on it.
    let typed = StoredValue::new(0_u32);
    let on_input = move |event: leptos::ev::Event| {
        let text = event_target_value(&event);
        typed.update_value(|n| *n += 1);
        let mine = typed.get_value();
        set_timeout(
            move || {
                if typed.try_get_value() == Some(mine) {
                    leptos::task::spawn_local(async move {
                        if let Ok(html) = preview_campaign(text).await {
                            set_shown.try_set(html);
                        }
                    });
                }
            },
            std::time::Duration::from_millis(300),
        );
    };
    let invalid = error.is_some().then_some("true");
    let described = if error.is_some() {
        "field-body-hint field-body-error"
    } else {
        "field-body-hint"
    };
    view! {
        <div class="editor">
            <div class="field">
                <label for="field-body">"Text (Markdown)"</label>
                <textarea
                    id="field-body"
                    name="body"
                    rows="16"
                    aria-describedby=described
                    aria-invalid=invalid
                    on:input=on_input
                >
                    {body}
                </textarea>
                <p class="hint" id="field-body-hint">
                    "Every mail adds who it went to and the links to change lists or leave; the text is sent as it is beside the HTML, for mail programs that show only text."
                </p>
                {error
                    .map(|message| {
                        view! {
                            <p class="field-error" id="field-body-error">
                                {message}
                            </p>
                        }
                    })}
            </div>
            <div class="preview" aria-labelledby="preview-heading" role="region">
                <h3 id="preview-heading">"Preview"</h3>
                <div class="prose mail-preview" inner_html=shown></div>
            </div>
        </div>
    }
}

/// The test mail, sending and stopping.
#[component]
fn Actions(id: i64, status: CampaignStatus) -> impl IntoView {
    let test = ServerAction::<TestCampaign>::new();
    let send = ServerAction::<SendCampaign>::new();
    let stop = ServerAction::<StopCampaign>::new();
    let send_result = move || send.value().get();
    let editable = status.is_editable();
    let stoppable = matches!(status, CampaignStatus::Scheduled | CampaignStatus::Sending);
    view! {
        <section aria-labelledby="send-heading">
            <h2 id="send-heading">"Send"</h2>
            <ActionForm action=test attr:class="inline-form">
                <FormError error=form_error(move || test.value().get(), &[]) />
                <input type="hidden" name="id" value=id.to_string() />
                <button type="submit" class="button button-secondary">
                    "Send a test to yourself"
                </button>
            </ActionForm>
            {editable
                .then(|| {
                    view! {
                        <ActionForm action=send attr:class="form">
                            <FormError error=form_error(send_result, &["send_at"]) />
                            <input type="hidden" name="id" value=id.to_string() />
                            <Field
                                name="send_at"
                                label="Send at"
                                kind="datetime-local"
                                hint="In UTC. Leave empty to send now. Save your changes first: what is saved is sent."
                                error=error_for(send_result, "send_at")
                            />
                            <button type="submit" class="button">
                                "Send to the lists"
                            </button>
                        </ActionForm>
                    }
                })}
            {stoppable
                .then(|| {
                    view! {
                        <ActionForm action=stop attr:class="inline-form">
                            <FormError error=form_error(move || stop.value().get(), &[]) />
                            <input type="hidden" name="id" value=id.to_string() />
                            <button type="submit" class="button button-secondary">
                                {if status == CampaignStatus::Scheduled {
                                    "Cancel the schedule"
                                } else {
                                    "Stop sending"
                                }}
                            </button>
                        </ActionForm>
                    }
                })}
        </section>
    }
}
