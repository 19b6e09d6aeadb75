//! Pages of signing in with a provider: the buttons, the step after the
//! provider (choose a username, or link an account), the mailed link's
//! page, and the page every failure ends on.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{
    identity_api::{
        CancelSignIn, ConfirmIdentityLink, ConfirmLink, FinishSignUp, LinkByMail, LinkWithPassword,
        identity_to_finish, sign_in_providers,
    },
    types::{PendingIdentity, PendingStep, ProviderButton},
};
use crate::{
    error::AppError,
    forms::{Checkbox, Field, FormError, error_for, form_error},
};

/// A form that starts a sign-in (or, signed in, a linking) with a provider.
/// A plain POST: the answer redirects to the provider.
#[component]
pub fn ProviderButton(button: ProviderButton, verb: &'static str) -> impl IntoView {
    view! {
        <form method="post" action=format!("/auth/{}/start", button.key) class="inline-form">
            <button type="submit" class="button button-secondary">
                {format!("{verb} {}", button.name)}
            </button>
        </form>
    }
}

/// "Sign in with …" for every configured provider; nothing without any.
#[component]
pub fn ProviderButtons() -> impl IntoView {
    let providers = Resource::new(|| (), |()| sign_in_providers());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let buttons = providers.await.unwrap_or_default();
                (!buttons.is_empty())
                    .then(|| {
                        view! {
                            <section class="provider-buttons" aria-labelledby="providers-heading">
                                <h2 id="providers-heading">"Or use another account"</h2>
                                {buttons
                                    .into_iter()
                                    .map(|button| {
                                        view! { <ProviderButton button verb="Sign in with" /> }
                                    })
                                    .collect_view()}
                                <p class="hint">
                                    "The first time, you choose a username here. We keep the provider's id for you, and your login and email address there."
                                </p>
                            </section>
                        }
                    })
            })}
        </Suspense>
    }
}

/// `/account/sign-in/finish`: what follows the provider for a new identity.
#[component]
pub fn FinishSignInPage() -> impl IntoView {
    let pending = Resource::new(|| (), |()| identity_to_finish());
    view! {
        <Title text="Finish signing in" />
        <article class="page">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match pending.await {
                        Ok(pending) => view! { <NextStep pending /> }.into_any(),
                        Err(error) => {
                            view! {
                                <h1>"Finish signing in"</h1>
                                <p class="lead" role="alert">
                                    {match error {
                                        AppError::Invalid { message, .. } => message,
                                        _ => {
                                            "This sign-in has expired. Please start again.".to_owned()
                                        }
                                    }}
                                </p>
                                <p>
                                    <a class="button" href="/account/sign-in">
                                        "Back to signing in"
                                    </a>
                                </p>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn NextStep(pending: PendingIdentity) -> impl IntoView {
    let PendingIdentity {
        provider,
        known_as,
        next,
    } = pending;
    let intro = format!("You signed in with {provider} as “{known_as}”.");
    let step = match next {
        PendingStep::NewAccount {
            suggested_username,
            verified_email,
        } => {
            view! { <NewAccountForm provider=provider.clone() suggested_username verified_email /> }
                .into_any()
        }
        PendingStep::LinkExisting {
            username,
            has_password,
        } => view! { <LinkExistingForms provider=provider.clone() username has_password /> }
            .into_any(),
        PendingStep::ConfirmLink { username } => {
            let action = ServerAction::<ConfirmLink>::new();
            let value = action.value();
            view! {
                <h1>{format!("Link {provider}")}</h1>
                <p class="lead">
                    {format!(
                        "Link the {provider} account “{known_as}” to your account “{username}”? You can then sign in with either, and unlink it at any time in your settings.",
                    )}
                </p>
                <ActionForm action attr:class="form">
                    <FormError error=form_error(move || value.get(), &[]) />
                    <button type="submit" class="button">
                        {format!("Link {provider}")}
                    </button>
                </ActionForm>
            }
                .into_any()
        }
    };
    view! {
        {step}
        <p class="hint">{intro}</p>
        <CancelForm />
    }
}

#[component]
fn NewAccountForm(
    provider: String,
    suggested_username: String,
    verified_email: Option<String>,
) -> impl IntoView {
    const FIELDS: &[&str] = &["username", "email", "age_confirmed", "policy_accepted"];
    let action = ServerAction::<FinishSignUp>::new();
    let value = action.value();
    let result = move || value.get();
    let email = match verified_email {
        Some(address) => view! {
            <p>
                {format!("Your email address, confirmed by {provider}: ")}
                <strong>{address}</strong> ". Never shown publicly."
            </p>
        }
        .into_any(),
        None => view! {
            <Field
                name="email"
                label="Email address"
                kind="email"
                autocomplete="email"
                required=true
                hint="The provider did not confirm an address for you, so we send a link to confirm this one. Never shown publicly."
                error=error_for(result, "email")
            />
        }
        .into_any(),
    };
    view! {
        <h1>"Choose your username"</h1>
        <p class="lead">"One more step to create your account here. No password is needed."</p>
        <ActionForm action attr:class="form" attr:novalidate=true>
            <FormError error=form_error(result, FIELDS) />
            <Field
                name="username"
                label="Username"
                autocomplete="username"
                required=true
                value=suggested_username
                hint="3 to 30 letters, digits, “_”, “-” or “.”. Shown publicly with your posts."
                error=error_for(result, "username")
            />
            {email}
            <Checkbox name="age_confirmed" required=true error=error_for(result, "age_confirmed")>
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
            <button type="submit" class="button">
                "Create account"
            </button>
        </ActionForm>
    }
}

#[component]
fn LinkExistingForms(provider: String, username: String, has_password: bool) -> impl IntoView {
    let by_password = ServerAction::<LinkWithPassword>::new();
    let by_mail = ServerAction::<LinkByMail>::new();
    let password_result = move || by_password.value().get();
    let mail_result = move || by_mail.value().get();
    view! {
        <h1>{format!("Link {provider} to your account")}</h1>
        <p class="lead">
            {format!(
                "The address {provider} confirmed for you belongs to the account “{username}” here. Confirm that it is yours to link them; after that you can sign in with either.",
            )}
        </p>
        {has_password
            .then(|| {
                view! {
                    <ActionForm action=by_password attr:class="form" attr:novalidate=true>
                        <FormError error=form_error(password_result, &["password"]) />
                        <Field
                            name="password"
                            label="Password of that account"
                            kind="password"
                            autocomplete="current-password"
                            required=true
                            error=error_for(password_result, "password")
                        />
                        <button type="submit" class="button">
                            "Link with my password"
                        </button>
                    </ActionForm>
                }
            })}
        <ActionForm action=by_mail attr:class="form">
            <FormError error=form_error(mail_result, &[]) />
            <p>"Or we mail a confirmation link to the account's address."</p>
            <button type="submit" class="button button-secondary">
                "Mail me a link"
            </button>
        </ActionForm>
    }
}

#[component]
fn CancelForm() -> impl IntoView {
    let action = ServerAction::<CancelSignIn>::new();
    view! {
        <ActionForm action attr:class="form">
            <button type="submit" class="link-button">
                "Cancel and forget this sign-in"
            </button>
        </ActionForm>
    }
}

/// `/account/link-identity?token=…`: the mailed link's page. Opening it
/// changes nothing; the button does.
#[component]
pub fn LinkIdentityPage() -> impl IntoView {
    let action = ServerAction::<ConfirmIdentityLink>::new();
    let value = action.value();
    let token = move || use_query_map().with(|query| query.get("token").unwrap_or_default());
    view! {
        <Title text="Link your account" />
        <article class="page">
            <h1>"Link your account"</h1>
            <p class="lead">
                "Press the button to link the account you signed in with to your account here, and sign in."
            </p>
            <ActionForm action attr:class="form">
                <FormError error=form_error(move || value.get(), &[]) />
                <input type="hidden" name="token" value=token />
                <button type="submit" class="button">
                    "Link and sign in"
                </button>
            </ActionForm>
        </article>
    }
}

/// What each failure reason tells the person.
fn explain(reason: &str) -> &'static str {
    match reason {
        "denied" => {
            "You cancelled at the provider, so nothing was shared with us and nothing was created."
        }
        "state" => {
            "This sign-in could not be matched to this browser: it expired, was already used, or was started elsewhere. Nothing was created."
        }
        "rejected" => {
            "The provider did not accept the sign-in (the code may have expired). Nothing was created."
        }
        "id_token" => {
            "The provider's answer could not be verified, so we did not trust it. Nothing was created."
        }
        "unreachable" => {
            "We could not reach the provider just now. Please try again in a few minutes."
        }
        "linked_elsewhere" => {
            "That account at the provider is already linked to a different account here. Unlink it there first."
        }
        "rate_limited" => "Too many attempts from your network. Please wait a few minutes.",
        "unknown" => "This sign-in provider is not configured on this site.",
        _ => "Something went wrong on our side. Nothing was created; please try again.",
    }
}

/// `/account/sign-in/failed?reason=…`: where every failed provider sign-in ends.
#[component]
pub fn SignInFailedPage() -> impl IntoView {
    let reason = move || use_query_map().with(|query| query.get("reason").unwrap_or_default());
    view! {
        <Title text="Sign-in did not work" />
        <article class="page">
            <h1>"Sign-in did not work"</h1>
            <p class="lead" role="alert">
                {move || explain(&reason())}
            </p>
            <p>
                <a class="button" href="/account/sign-in">
                    "Back to signing in"
                </a>
            </p>
        </article>
    }
}
