//! Short pages that follow an account action.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::whoami;
use crate::error_page::ErrorPage;

/// After registering.
#[component]
pub fn CheckMailPage() -> impl IntoView {
    view! {
        <Title text="Check your mail" />
        <article class="page">
            <h1>"Check your mail"</h1>
            <p class="lead">
                "If the address you gave can be used for a new account, a message with a confirmation link is on its way. The link works once, for 48 hours."
            </p>
            <p>
                "You can sign in now; posting and signing agreements wait until the address is confirmed."
            </p>
            <p>
                <a class="button" href="/account/sign-in">
                    "Sign in"
                </a>
            </p>
        </article>
    }
}

/// After confirming an address.
#[component]
pub fn VerifiedPage() -> impl IntoView {
    view! {
        <Title text="Address confirmed" />
        <article class="page">
            <h1>"Address confirmed"</h1>
            <p class="lead">"Thank you. Your email address is confirmed."</p>
            <p>
                <a class="button" href="/account/sign-in">
                    "Sign in"
                </a>
            </p>
        </article>
    }
}

/// After signing in: greets the member, or explains plainly that the
/// browser did not keep the sign-in cookie.
#[component]
pub fn WelcomePage() -> impl IntoView {
    let me = Resource::new(|| (), |()| whoami());
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
