//! `/contribute/confirm?token=…`: the page behind the link mailed to a
//! signature's contact address. Opening it changes nothing; the button
//! does — so mail scanners that prefetch links confirm nothing.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::ConfirmContact;
use crate::forms::{FormError, form_error};

#[component]
pub fn ConfirmContactPage() -> impl IntoView {
    let action = ServerAction::<ConfirmContact>::new();
    let value = action.value();
    let token = move || use_query_map().with(|query| query.get("token").unwrap_or_default());
    view! {
        <Title text="Confirm your contact address" />
        <article class="page">
            <h1>"Confirm your contact address"</h1>
            <p class="lead">
                "Someone signed our Contributor License Agreement with this address. If it was you, press the button: the signature then counts for this address, and the receipt is mailed to it."
            </p>
            <ActionForm action attr:class="form">
                <FormError error=form_error(move || value.get(), &[]) />
                <input type="hidden" name="token" value=token />
                <button type="submit" class="button">
                    "Confirm my address"
                </button>
            </ActionForm>
        </article>
    }
}

/// `/contribute/confirmed`: where confirming leads.
#[component]
pub fn ContactConfirmedPage() -> impl IntoView {
    view! {
        <Title text="Address confirmed" />
        <article class="page">
            <h1>"Address confirmed"</h1>
            <p class="lead" role="status">
                "Thank you. The signature now counts for this address, and its receipt is on its way to it."
            </p>
            <p>
                <a href="/contribute">"Back to the agreement"</a>
            </p>
        </article>
    }
}
