//! `/account/sign-in`.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

use super::{api::SignIn, identity_pages::ProviderButtons};
use crate::forms::{Checkbox, Field, FormError, error_for, form_error};

const FIELDS: &[&str] = &["login", "password"];

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let value = action.value();
    let result = move || value.get();
    view! {
        <Title text="Sign in" />
        <crate::description::Description text="Sign in to post in the forum, sign the contributor agreement and manage your data, with a password or a sign-in provider." />
        <article class="page">
            <h1>"Sign in"</h1>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, FIELDS) />
                <Field
                    name="login"
                    label="Username or email address"
                    autocomplete="username"
                    required=true
                    error=error_for(result, "login")
                />
                <Field
                    name="password"
                    label="Password"
                    kind="password"
                    autocomplete="current-password"
                    required=true
                    error=error_for(result, "password")
                />
                <Checkbox name="remember">"Keep me signed in on this device for 30 days"</Checkbox>
                <p class="hint">
                    "Signing in sets one strictly necessary cookie. It lasts until you close the browser, or 30 days if you tick the box above. With two-factor sign-in, a second one holds your sign-in for the five minutes until you enter your code."
                </p>
                <button type="submit" class="button">
                    "Sign in"
                </button>
            </ActionForm>
            <ProviderButtons />
            <p>
                <a href="/account/forgot">"Forgot your password?"</a>
                " · New here? "
                <a href="/account/register">"Create an account"</a>
            </p>
        </article>
    }
}
