//! `/account/delete`: what deleting the account does, and the form that
//! does it; `/account/deleted` afterwards.

use std::collections::BTreeSet;

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

use super::{
    DeleteAccount,
    manifest::{OWNED, OnErase},
};
use crate::{
    accounts::whoami,
    error::AppError,
    error_page::ErrorPage,
    forms::{Field, FormError, error_for, form_error},
    notice::Notice,
};

#[component]
pub fn DeleteAccountPage() -> impl IntoView {
    let me = Resource::new(|| (), |()| whoami());
    view! {
        <Title text="Delete your account" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(user)) => view! { <DeleteForm username=user.username /> }.into_any(),
                    Ok(None) => view! { <ErrorPage error=AppError::Unauthorized /> }.into_any(),
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
        .filter_map(|owned| match owned.on_erase {
            OnErase::Keep(why) => Some(why),
            OnErase::Delete => None,
        })
        .filter(|why| seen.insert(*why))
        .collect()
}

#[component]
fn DeleteForm(username: String) -> impl IntoView {
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
                <FormError error=form_error(result, &["confirm", "password"]) />
                <Field
                    name="confirm"
                    label="Your username"
                    autocomplete="off"
                    required=true
                    hint=format!("Type {username} to confirm.")
                    error=error_for(result, "confirm")
                />
                <Field
                    name="password"
                    label="Your password"
                    kind="password"
                    autocomplete="current-password"
                    hint="Leave it empty if you sign in only through a provider such as GitHub."
                    error=error_for(result, "password")
                />
                <button
                    type="submit"
                    class="button button-danger"
                    aria-busy=move || action.pending().get().then_some("true")
                >
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
