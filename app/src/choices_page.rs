//! `/account/choices`: every optional use of the member's data on one page,
//! each with the switch that stops it at once — the mail digest, the
//! newsletters, "remember me" and the sign-in providers linked to the
//! account. It gathers the features' own controls, so it sits above them,
//! like the home page.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    accounts::{ForgetDevices, SessionInfo, SignInMethodsSection, my_sessions},
    error_page::ErrorPage,
    forms::{FormError, form_error},
    forum::DigestSetting,
    mail_lists::newsletter_pages::MyNewslettersSection,
};

#[component]
pub fn ChoicesPage() -> impl IntoView {
    let forget = ServerAction::<ForgetDevices>::new();
    let sessions = Resource::new(move || forget.version().get(), |_| my_sessions());
    view! {
        <Title text="Your choices" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match sessions.await {
                    Ok(sessions) => {
                        view! {
                            <article class="page">
                                <h1>"Your choices"</h1>
                                <p class="lead">
                                    "Everything this site does with your data that you can do without. Each switch takes effect at once; what the site needs to run your account is listed on "
                                    <a href="/account/data">"your data"</a> "."
                                </p>
                                <DigestSetting />
                                <Remembered sessions forget />
                                <SignInMethodsSection />
                                <MyNewslettersSection />
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

/// "Remember me": how many devices stay signed in for 30 days, and the
/// button that makes every session end like one without it.
#[component]
fn Remembered(sessions: Vec<SessionInfo>, forget: ServerAction<ForgetDevices>) -> impl IntoView {
    let query = use_query_map();
    let forgotten = move || {
        forget.value().get().is_some_and(|answer| answer.is_ok())
            || query.read().get("forgotten").as_deref() == Some("devices")
    };
    let remembered = sessions.iter().filter(|session| session.remembered).count();
    let state = match remembered {
        0 => "No device keeps you signed in: every session ends twelve hours after sign-in, or after two hours unused.".to_owned(),
        1 => "One device keeps you signed in for up to 30 days.".to_owned(),
        n => format!("{n} devices keep you signed in for up to 30 days."),
    };
    view! {
        <section aria-labelledby="remember-heading">
            <h2 id="remember-heading">"Remember me"</h2>
            <p role="status">
                {move || {
                    if forgotten() {
                        "Done: no device remembers you any more.".to_owned()
                    } else {
                        state.clone()
                    }
                }}
            </p>
            {(remembered > 0)
                .then(|| {
                    view! {
                        <p class="hint">
                            "Forgetting them signs out the other remembered devices. This one stays signed in like a session without \u{201c}remember me\u{201d}: if you signed in more than twelve hours ago, you sign in again."
                        </p>
                        <ActionForm action=forget attr:class="inline-form">
                            <FormError error=form_error(move || forget.value().get(), &[]) />
                            <button type="submit" class="button button-secondary">
                                "Forget remembered devices"
                            </button>
                        </ActionForm>
                    }
                })}
        </section>
    }
}
