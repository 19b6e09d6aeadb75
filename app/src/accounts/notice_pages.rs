//! Short pages that follow an account action.

use leptos::prelude::*;
use leptos_meta::Title;

use leptos::form::ActionForm;

use super::api::{ResendConfirmation, whoami};
use crate::{error_page::ErrorPage, notice::Notice};

/// After registering.
#[component]
pub fn CheckMailPage() -> impl IntoView {
    view! {
        <Notice
            title="Check your mail"
            lead="If the address you gave can be used for a new account, a message with a confirmation link is on its way. The link works once, for 48 hours."
            more="You can sign in now; posting and signing agreements wait until the address is confirmed."
            next=("/account/sign-in", "Sign in")
        />
    }
}

/// After confirming an address.
#[component]
pub fn VerifiedPage() -> impl IntoView {
    view! {
        <Notice
            title="Address confirmed"
            lead="Thank you. Your email address is confirmed."
            next=("/account/sign-in", "Sign in")
        />
    }
}

/// After asking for a reset link.
#[component]
pub fn ResetSentPage() -> impl IntoView {
    view! {
        <Notice
            title="Check your mail"
            lead="If the address belongs to an account, a link to choose a new password is on its way. It works once, for one hour."
        />
    }
}

/// After confirming a new address.
#[component]
pub fn EmailChangedPage() -> impl IntoView {
    view! {
        <Notice
            title="Email address changed"
            lead="Your account now uses the new address. We told the old address about the change."
            next=("/account", "Your account")
        />
    }
}

/// After a password reset.
#[component]
pub fn PasswordChangedPage() -> impl IntoView {
    view! {
        <Notice
            title="Password changed"
            lead="Your new password is set, and every device that was signed in has been signed out."
            next=("/account/sign-in", "Sign in")
        />
    }
}

/// After signing in: greets the member, or explains plainly that the
/// browser did not keep the sign-in cookie.
#[component]
pub fn WelcomePage() -> impl IntoView {
    let me = Resource::new(|| (), |()| whoami());
    let resend = ServerAction::<ResendConfirmation>::new();
    view! {
        <Title text="Signed in" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(user)) => {
                        view! {
                            <article class="page">
                                <h1>"Welcome, " {user.username.clone()}</h1>
                                <p class="lead">"You are signed in."</p>
                                {(!user.email_verified)
                                    .then(|| {
                                        view! {
                                            <p class="notice">
                                                "Your email address is not confirmed yet: open the link we mailed you to post and sign agreements."
                                            </p>
                                            <ActionForm action=resend attr:class="form">
                                                <button type="submit" class="button button-secondary">
                                                    "Mail me a new link"
                                                </button>
                                            </ActionForm>
                                        }
                                    })}
                                <p>
                                    <a class="button" href="/forum">
                                        "Go to the forum"
                                    </a>
                                </p>
                            </article>
                        }
                            .into_any()
                    }
                    Ok(None) => {
                        view! {
                            <article class="page">
                                <h1>"Your browser refused the sign-in cookie"</h1>
                                <p class="lead">
                                    "Your password was right, but signing in needs one strictly necessary cookie, and your browser did not keep it."
                                </p>
                                <p>
                                    "Allow cookies for this site and sign in again. Everything public works without cookies."
                                </p>
                                <p>
                                    <a class="button" href="/account/sign-in">
                                        "Sign in again"
                                    </a>
                                </p>
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
