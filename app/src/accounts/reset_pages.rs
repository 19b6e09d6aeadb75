//! Forgotten passwords: ask for a link, then choose a new password.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::settings_api::{ForgotPassword, ResetPassword};
use crate::forms::{Field, FormError, error_for, form_error};

/// `/account/forgot`.
#[component]
pub fn ForgotPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    let value = action.value();
    let result = move || value.get();
    view! {
        <Title text="Forgot your password?" />
        <article class="page">
            <h1>"Forgot your password?"</h1>
            <p class="lead">
                "Enter the address of your account and we will mail you a link to choose a new password."
            </p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, &["email"]) />
                <Field
                    name="email"
                    label="Email address"
                    kind="email"
                    autocomplete="email"
                    required=true
                    error=error_for(result, "email")
                />
                <button type="submit" class="button">
                    "Mail me a link"
                </button>
            </ActionForm>
        </article>
    }
}

/// `/account/reset?token=…`.
#[component]
pub fn ResetPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let value = action.value();
    let result = move || value.get();
    let token = move || use_query_map().with(|query| query.get("token").unwrap_or_default());
    view! {
        <Title text="Choose a new password" />
        <article class="page">
            <h1>"Choose a new password"</h1>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, &["password"]) />
                <input type="hidden" name="token" value=token />
                <Field
                    name="password"
                    label="New password"
                    kind="password"
                    autocomplete="new-password"
                    required=true
                    hint="12 to 128 characters. Every device signed in to your account will be signed out."
                    error=error_for(result, "password")
                />
                <button type="submit" class="button">
                    "Set new password"
                </button>
            </ActionForm>
        </article>
    }
}
