//! The applicant's pages: after applying, claiming the mailed link, the
//! status page with "withdraw", and confirming a second application.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{ClaimStatusLink, ConfirmApplicationUpdate, WithdrawApplication, my_application};
use crate::{
    error::AppError,
    error_page::ErrorPage,
    forms::{FormError, form_error},
    notice::Notice,
};

/// After sending an application.
#[component]
pub fn AppliedPage() -> impl IntoView {
    view! {
        <Notice
            title="Thank you for applying"
            lead="We have sent a message to the address you gave, with a private link to follow or withdraw your application."
            more="If you had already applied for this job with the same address, the message asks you to confirm that the new application replaces the earlier one."
            next=("/jobs", "Back to the jobs")
        />
    }
}

/// After asking for a new status link.
#[component]
pub fn LinkSentPage() -> impl IntoView {
    view! {
        <Notice
            title="Check your mail"
            lead="If that address applied for this job, a new link to the application is on its way."
            next=("/jobs", "Back to the jobs")
        />
    }
}

/// After confirming a second application.
#[component]
pub fn UpdatedPage() -> impl IntoView {
    view! {
        <Notice
            title="Application updated"
            lead="Your new details and résumé have replaced the earlier ones."
            next=("/jobs/application", "See your application")
        />
    }
}

/// A page behind a mailed link: opening it changes nothing, the button
/// in `children` does, so mail scanners that prefetch links claim nothing.
#[component]
fn TokenPage(title: &'static str, lead: &'static str, children: Children) -> impl IntoView {
    view! {
        <Title text=title />
        <article class="page">
            <h1>{title}</h1>
            <p class="lead">{lead}</p>
            {children()}
            <p class="hint">
                "Lost the link, or it stopped working? Open the job's page from the "
                <a href="/jobs">"list of jobs"</a> " and ask for a new one."
            </p>
        </article>
    }
}

/// The token from the mailed link.
fn token() -> String {
    use_query_map().with(|query| query.get("token").unwrap_or_default())
}

/// `/jobs/application/claim?token=…`
#[component]
pub fn ClaimPage() -> impl IntoView {
    let action = ServerAction::<ClaimStatusLink>::new();
    let value = action.value();
    view! {
        <TokenPage
            title="Follow your application"
            lead="Press the button to follow your application in this browser. The link then stops working, so no one else can use it; this browser keeps a strictly necessary cookie until you close it."
        >
            <ActionForm action attr:class="form">
                <FormError error=form_error(move || value.get(), &[]) />
                <input type="hidden" name="token" value=token() />
                <button type="submit" class="button">
                    "Show my application"
                </button>
            </ActionForm>
        </TokenPage>
    }
}

/// `/jobs/application/update?token=…`
#[component]
pub fn ConfirmUpdatePage() -> impl IntoView {
    let action = ServerAction::<ConfirmApplicationUpdate>::new();
    let value = action.value();
    view! {
        <TokenPage
            title="Replace your earlier application"
            lead="Press the button to replace your earlier application for this job with the details and résumé you sent last."
        >
            <ActionForm action attr:class="form">
                <FormError error=form_error(move || value.get(), &[]) />
                <input type="hidden" name="token" value=token() />
                <button type="submit" class="button">
                    "Replace my application"
                </button>
            </ActionForm>
        </TokenPage>
    }
}

/// `/jobs/application`: the status page of the application this browser
/// follows.
#[component]
pub fn MyApplicationPage() -> impl IntoView {
    let withdraw = ServerAction::<WithdrawApplication>::new();
    let data = Resource::new(move || withdraw.version().get(), |_| my_application());
    let withdraw_value = withdraw.value();
    view! {
        <Title text="Your application" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(mine) => {
                        let history = mine
                            .history
                            .iter()
                            .map(|(status, day)| {
                                view! {
                                    <li>
                                        <time>{day.clone()}</time>
                                        " — "
                                        {status.label()}
                                    </li>
                                }
                            })
                            .collect_view();
                        let decided = mine.status.is_final();
                        view! {
                            <article class="page">
                                <h1>"Your application"</h1>
                                <p class="lead">
                                    "For " <a href=mine.job.path()>{mine.job.title.clone()}</a>
                                    ", sent on " {mine.submitted_on.clone()} "."
                                </p>
                                <p class="status-line">
                                    "Status: " <strong class="status">{mine.status.label()}</strong>
                                </p>
                                <h2>"History"</h2>
                                <ol class="history">{history}</ol>
                                <h2>"What we hold"</h2>
                                <dl class="facts">
                                    <dt>"Name"</dt>
                                    <dd>{mine.full_name.clone()}</dd>
                                    <dt>"Postal address"</dt>
                                    <dd>
                                        {format!(
                                            "{}, {} {}, {}",
                                            mine.street,
                                            mine.postal_code,
                                            mine.city,
                                            mine.country,
                                        )}
                                    </dd>
                                    <dt>"Phone number"</dt>
                                    <dd>{mine.phone.clone()}</dd>
                                    <dt>"Email address"</dt>
                                    <dd>{mine.email.clone()}</dd>
                                    <dt>"Cover note"</dt>
                                    <dd>{mine.cover_note.clone()}</dd>
                                    <dt>"Links"</dt>
                                    <dd>{mine.links.join(" · ")}</dd>
                                    <dt>"Résumé"</dt>
                                    <dd>
                                        <a href="/jobs/application/resume" download rel="external">
                                            {format!("Download ({})", mine.resume_kind.to_uppercase())}
                                        </a>
                                    </dd>
                                </dl>
                                <p class="hint">
                                    "Your personal details and résumé are erased automatically some time after a final decision, or after the posting closes if none is made; the privacy page says exactly when."
                                </p>
                                {(!decided && mine.job.open)
                                    .then(|| {
                                        view! {
                                            <p>
                                                "To correct any of these, "
                                                <a href=mine.job.path()>"apply again for this job"</a>
                                                " with the same email address: we mail you a link, and once you confirm it the new details and résumé replace these."
                                            </p>
                                        }
                                    })}
                                {(!decided)
                                    .then(|| {
                                        view! {
                                            <h2>"Withdraw"</h2>
                                            <p>
                                                "Withdrawing ends the application. It cannot be undone, but you can apply again."
                                            </p>
                                            <ActionForm action=withdraw attr:class="form">
                                                <FormError error=form_error(
                                                    move || withdraw_value.get(),
                                                    &[],
                                                ) />
                                                <button type="submit" class="button button-danger">
                                                    "Withdraw my application"
                                                </button>
                                            </ActionForm>
                                        }
                                    })}
                            </article>
                        }
                            .into_any()
                    }
                    Err(AppError::NotFound) => {
                        view! {
                            <Notice
                                title="No application in this browser"
                                lead="This browser is not following an application. Open the link from the mail we sent when you applied, or ask for a new link on the job's page."
                                next=("/jobs", "See the jobs")
                            />
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
