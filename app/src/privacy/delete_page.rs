//! `/account/delete`: what deleting the account does, and the form that
//! does it; `/account/deleted` afterwards.

use std::collections::BTreeSet;

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{DeleteAccount, DeleteAccountByLink, deletion_proof, manifest::OWNED};
use crate::{
    accounts::{DeletionProof, whoami},
    error::AppError,
    error_page::ErrorPage,
    forms::{Field, FormError, error_for, form_error},
    notice::Notice,
};

#[component]
pub fn DeleteAccountPage() -> impl IntoView {
    let me = Resource::new(
        || (),
        |()| async {
            match whoami().await? {
                Some(user) => Ok((user.username, deletion_proof().await?)),
                None => Err(AppError::Unauthorized),
            }
        },
    );
    view! {
        <Title text="Delete your account" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok((username, proof)) => view! { <DeleteForm username proof /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What stays after the account is gone, one sentence per kind of record,
/// from the manifest.
fn what_stays() -> Vec<&'static str> {
    let mut seen = BTreeSet::new();
    OWNED
        .iter()
        .filter_map(|owned| owned.on_erase.why_kept())
        .filter(|why| seen.insert(*why))
        .collect()
}

#[component]
fn DeleteForm(username: String, proof: DeletionProof) -> impl IntoView {
    let action = ServerAction::<DeleteAccount>::new();
    let value = action.value();
    let result = move || value.get();
    let stays = what_stays()
        .into_iter()
        .map(|why| view! { <li>{why}</li> })
        .collect_view();
    view! {
        <article class="page">
            <h1>"Delete your account"</h1>
            <p class="lead">
                "Deleting your account cannot be undone. Your username, email address, password, sessions, sign-in methods, two-factor settings, notifications, reports you filed and the mail you turned on are erased at once."
            </p>
            <section aria-labelledby="stays-heading">
                <h2 id="stays-heading">"What stays"</h2>
                <ul>{stays}</ul>
                <p>
                    "You can " <a href="/account/data.json" download rel="external">
                        "download your data"
                    </a> " first. We send one last mail to your address to say the account is gone."
                </p>
            </section>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, &["confirm", "password", "code"]) />
                <Field
                    name="confirm"
                    label="Your username"
                    autocomplete="off"
                    required=true
                    hint=format!("Type {username} to confirm.")
                    error=error_for(result, "confirm")
                />
                <ProofField
                    proof
                    password_error=error_for(result, "password")
                    code_error=error_for(result, "code")
                />
                <button type="submit" class="button button-danger">
                    {match proof {
                        DeletionProof::MailedLink => "Mail me the link",
                        _ => "Delete my account",
                    }}
                </button>
            </ActionForm>
            <p>
                <a href="/account">"Keep my account"</a>
            </p>
        </article>
    }
}

/// The field that proves the member holds the account, or what happens
/// instead when there is none.
#[component]
fn ProofField(
    proof: DeletionProof,
    password_error: Signal<Option<String>>,
    code_error: Signal<Option<String>>,
) -> impl IntoView {
    match proof {
        DeletionProof::Password => view! {
            <Field
                name="password"
                label="Your password"
                kind="password"
                autocomplete="current-password"
                required=true
                error=password_error
            />
        }
        .into_any(),
        DeletionProof::SecondFactor => view! {
            <Field
                name="code"
                label="Code from your authenticator app"
                autocomplete="one-time-code"
                required=true
                hint="Your account has no password: give the current six-digit code, or one of your recovery codes."
                error=code_error
            />
        }
        .into_any(),
        DeletionProof::MailedLink => view! {
            <p>
                "Your account has no password, so we mail a link to your confirmed address. Your account is deleted only when you open it and press the button on that page, within one hour."
            </p>
        }
        .into_any(),
    }
}

/// After a deletion link was mailed.
#[component]
pub fn DeletionMailedPage() -> impl IntoView {
    view! {
        <Notice
            title="Check your mail"
            lead="We have mailed a link to your confirmed address. Open it within one hour and press the button on the page to delete your account; until then, nothing is deleted."
            more="If you change your mind, ignore the mail."
            next=("/account", "Back to your account")
        />
    }
}

/// `/account/delete/confirm?token=…`, behind the mailed link: opening the
/// page deletes nothing, the button does.
#[component]
pub fn ConfirmDeletionPage() -> impl IntoView {
    let action = ServerAction::<DeleteAccountByLink>::new();
    let value = action.value();
    let token = use_query_map().with(|query| query.get("token").unwrap_or_default());
    view! {
        <Title text="Delete your account" />
        <article class="page">
            <h1>"Delete your account"</h1>
            <p class="lead">"Press the button to delete your account. This cannot be undone."</p>
            <ActionForm action attr:class="form">
                <FormError error=form_error(move || value.get(), &[]) />
                <input type="hidden" name="token" value=token />
                <button type="submit" class="button button-danger">
                    "Delete my account"
                </button>
            </ActionForm>
            <p>
                <a href="/account">"Keep my account"</a>
            </p>
        </article>
    }
}

/// After the account was deleted.
#[component]
pub fn AccountDeletedPage() -> impl IntoView {
    view! {
        <Notice
            title="Your account was deleted"
            lead="Your account and what it held are erased, and you are signed out. We sent one last mail to your address to confirm it."
            next=("/", "Home page")
        />
    }
}
