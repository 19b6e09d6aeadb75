//! `/account/register`: the only fields an account needs.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

use super::{api::Register, identity_pages::ProviderButtons};
use crate::forms::{Checkbox, Field, FormError, Honeypot, error_for, form_error};

const FIELDS: &[&str] = &[
    "username",
    "email",
    "password",
    "age_confirmed",
    "policy_accepted",
];

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let value = action.value();
    let result = move || value.get();
    view! {
        <Title text="Create an account" />
        <crate::description::Description text="Create an account with a username and an email address: nothing else is asked, and you can delete it yourself at any time." />
        <article class="page">
            <h1>"Create an account"</h1>
            <p class="lead">
                "An account lets you post in the forum and sign the contributor agreement. We ask for a username, an email address and a password — nothing else."
            </p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, FIELDS) />
                <Field
                    name="username"
                    label="Username"
                    autocomplete="username"
                    required=true
                    hint="3 to 30 letters, digits, “_”, “-” or “.”. Shown publicly with your posts."
                    error=error_for(result, "username")
                />
                <Field
                    name="email"
                    label="Email address"
                    kind="email"
                    autocomplete="email"
                    required=true
                    hint="We send a link to confirm it. Never shown publicly."
                    error=error_for(result, "email")
                />
                <Field
                    name="password"
                    label="Password"
                    kind="password"
                    autocomplete="new-password"
                    required=true
                    hint="12 to 128 characters. A few unrelated words make a strong one."
                    error=error_for(result, "password")
                />
                <Checkbox
                    name="age_confirmed"
                    required=true
                    error=error_for(result, "age_confirmed")
                >
                    "I am 13 years old or older."
                </Checkbox>
                <Checkbox
                    name="policy_accepted"
                    required=true
                    error=error_for(result, "policy_accepted")
                >
                    "I have read and accept the "
                    <a href="/privacy">"privacy policy"</a>
                    "."
                </Checkbox>
                <Honeypot />
                <p class="hint">
                    "We store only when you confirmed your age, never your birth date. Creating an account sets no cookie; signing in later sets one strictly necessary cookie."
                </p>
                <button type="submit" class="button">
                    "Create account"
                </button>
            </ActionForm>
            <ProviderButtons />
            <p>"Already have an account? " <a href="/account/sign-in">"Sign in"</a></p>
        </article>
    }
}
