//! `/account/verify?token=…`: the page behind the mailed link. Opening it
//! changes nothing; the button does — so mail scanners that prefetch links
//! confirm nothing.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{api::ConfirmEmail, settings_api::ConfirmEmailChange};
use crate::forms::{FormError, form_error};

#[component]
pub fn VerifyPage() -> impl IntoView {
    let action = ServerAction::<ConfirmEmail>::new();
    let value = action.value();
    let token = move || use_query_map().with(|query| query.get("token").unwrap_or_default());
    view! {
        <Title text="Confirm your email address" />
        <article class="page">
            <h1>"Confirm your email address"</h1>
            <p class="lead">"Press the button to confirm that this address is yours."</p>
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

/// `/account/confirm-email-change?token=…`: like [`VerifyPage`], for a new
/// address.
#[component]
pub fn ConfirmEmailChangePage() -> impl IntoView {
    let action = ServerAction::<ConfirmEmailChange>::new();
    let value = action.value();
    let token = move || use_query_map().with(|query| query.get("token").unwrap_or_default());
    view! {
        <Title text="Confirm your new email address" />
        <article class="page">
            <h1>"Confirm your new email address"</h1>
            <p class="lead">"Press the button to make this address the one of your account."</p>
            <ActionForm action attr:class="form">
                <FormError error=form_error(move || value.get(), &[]) />
                <input type="hidden" name="token" value=token />
                <button type="submit" class="button">
                    "Use this address"
                </button>
            </ActionForm>
        </article>
    }
}
