//! `/account/two-factor` (set up or turn off an authenticator app) and
//! `/account/two-factor/check` (the code asked for at sign-in).

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

use super::{
    two_factor_api::{
        BeginTwoFactor, DisableTwoFactor, EnableTwoFactor, VerifySignInCode, two_factor_status,
    },
    types::TotpSetup,
};
use crate::{
    error_page::ErrorPage,
    forms::{Field, FormError, error_for, form_error},
};

#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let begin = ServerAction::<BeginTwoFactor>::new();
    let enable = ServerAction::<EnableTwoFactor>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let status = Resource::new(
        move || {
            (
                begin.version().get(),
                enable.version().get(),
                disable.version().get(),
            )
        },
        |_| two_factor_status(),
    );
    view! {
        <Title text="Two-factor sign-in" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(status) => {
                        let body = if status.enabled {
                            view! { <Enabled disable /> }.into_any()
                        } else if let Some(setup) = status.setup {
                            view! { <Setup setup enable /> }.into_any()
                        } else {
                            view! {
                                <p>
                                    "With two-factor sign-in, signing in asks for a code from an authenticator app on your phone as well as your password."
                                </p>
                                <ActionForm action=begin attr:class="form">
                                    <button type="submit" class="button">
                                        "Set up an authenticator app"
                                    </button>
                                </ActionForm>
                            }
                                .into_any()
                        };
                        view! {
                            <article class="page">
                                <h1>"Two-factor sign-in"</h1>
                                {body}
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

#[component]
fn Setup(setup: TotpSetup, enable: ServerAction<EnableTwoFactor>) -> impl IntoView {
    let value = enable.value();
    let result = move || value.get();
    let codes = setup
        .recovery_codes
        .into_iter()
        .map(|code| {
            view! {
                <li>
                    <code>{code}</code>
                </li>
            }
        })
        .collect_view();
    view! {
        <ol class="steps">
            <li>
                <p>"Scan this code with your authenticator app:"</p>
                <div
                    class="qr"
                    role="img"
                    aria-label="QR code of your authenticator secret"
                    inner_html=setup.qr_svg
                ></div>
                <p>
                    "Or type this key into the app: "
                    <code class="totp-secret">{setup.secret}</code>
                </p>
            </li>
            <li>
                <p>
                    "Keep these recovery codes somewhere safe. Each one signs you in once if you lose your phone; they are shown only until you finish."
                </p>
                <ul class="recovery-codes">{codes}</ul>
            </li>
            <li>
                <ActionForm action=enable attr:class="form" attr:novalidate=true>
                    <FormError error=form_error(result, &["code"]) />
                    <Field
                        name="code"
                        label="Code from the app"
                        autocomplete="one-time-code"
                        required=true
                        hint="Six digits."
                        error=error_for(result, "code")
                    />
                    <button type="submit" class="button">
                        "Turn on two-factor sign-in"
                    </button>
                </ActionForm>
            </li>
        </ol>
    }
}

#[component]
fn Enabled(disable: ServerAction<DisableTwoFactor>) -> impl IntoView {
    let value = disable.value();
    let result = move || value.get();
    view! {
        <p class="notice notice-success" role="status">
            "Two-factor sign-in is on."
        </p>
        <h2>"Turn it off"</h2>
        <ActionForm action=disable attr:class="form" attr:novalidate=true>
            <FormError error=form_error(result, &["password"]) />
            <Field
                name="password"
                label="Your password"
                kind="password"
                autocomplete="current-password"
                required=true
                error=error_for(result, "password")
            />
            <button type="submit" class="button button-secondary">
                "Turn off two-factor sign-in"
            </button>
        </ActionForm>
    }
}

#[component]
pub fn SecondFactorCheckPage() -> impl IntoView {
    let action = ServerAction::<VerifySignInCode>::new();
    let value = action.value();
    let result = move || value.get();
    view! {
        <Title text="Enter your code" />
        <article class="page">
            <h1>"Enter your code"</h1>
            <p class="lead">
                "Open your authenticator app and enter the current code, or use one of your recovery codes."
            </p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, &["code"]) />
                <Field
                    name="code"
                    label="Code"
                    autocomplete="one-time-code"
                    required=true
                    error=error_for(result, "code")
                />
                <button type="submit" class="button">
                    "Sign in"
                </button>
            </ActionForm>
        </article>
    }
}
