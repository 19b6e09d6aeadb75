//! After a material change of the privacy policy: a notice on every page
//! for members who have not accepted it yet, and `/account/policy`, where
//! they read the version in force and accept it.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_location;

use super::{AcceptPolicy, PolicyDiff, policy_changes, policy_update};
use crate::{
    documents::{ChangeList, DocumentKind, DocumentView, current_document},
    error::AppError,
    error_page::ErrorPage,
    forms::{FormError, form_error},
};

/// "The privacy policy changed": shown to a signed-in member until they
/// accept the version in force; nothing for everyone else.
#[component]
pub fn PolicyUpdateNotice() -> impl IntoView {
    let location = use_location();
    let update = Resource::new(move || location.pathname.get(), |_| policy_update());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match update.await {
                    Ok(Some(update)) => {
                        view! {
                            <p class="notice policy-update">
                                {format!(
                                    "Our privacy policy changed on {}. ",
                                    update.effective_date_label,
                                )}
                                <a href="/account/policy">
                                    "Read and accept version " {update.version}
                                </a>
                            </p>
                        }
                            .into_any()
                    }
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn PolicyUpdatePage() -> impl IntoView {
    let action = ServerAction::<AcceptPolicy>::new();
    let value = action.value();
    let result = move || value.get();
    let policy = Resource::new(|| (), |()| current_document(DocumentKind::PrivacyPolicy));
    let changes = Resource::new(|| (), |()| policy_changes());
    view! {
        <Title text="Accept the privacy policy" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match policy.await {
                    Ok(document) => {
                        let sha256 = document.sha256.clone();
                        view! {
                            <article class="page">
                                <h1>"The privacy policy changed"</h1>
                                <p class="lead">
                                    "Please read the version now in force. If you do not agree with it, you can download your data and delete your account from your account page."
                                </p>
                                <Changes changes />
                                <DocumentView document nested=true />
                                <ActionForm action attr:class="form">
                                    <FormError error=form_error(result, &[]) />
                                    <input type="hidden" name="sha256" value=sha256 />
                                    <button type="submit" class="button">
                                        "I accept this version"
                                    </button>
                                </ActionForm>
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

/// What changed since the version the member accepted, open at once:
/// that is what they are asked to read.
#[component]
fn Changes(changes: Resource<Result<Option<PolicyDiff>, AppError>>) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match changes.await {
                    Ok(Some(changes)) => {
                        let summary = format!(
                            "What changed in version {} since version {}, which you accepted",
                            changes.version,
                            changes.accepted_version,
                        );
                        view! { <ChangeList summary lines=changes.lines open=true /> }.into_any()
                    }
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
}
