//! `/account`: the member's sessions, password, address and data.

use crate::table::TableScroll;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{
    identity_settings::SignInMethodsSection,
    settings_api::{
        ChangeEmail, ChangePassword, ChangeUsername, EndOtherSessions, EndSession, my_sessions,
    },
    types::SessionInfo,
};
use crate::{
    error_page::ErrorPage,
    forms::{Field, FormError, error_for, form_error},
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let end_one = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let sessions = Resource::new(
        move || (end_one.version().get(), end_others.version().get()),
        |_| my_sessions(),
    );
    view! {
        <Title text="Your account" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match sessions.await {
                    Ok(sessions) => {
                        view! {
                            <article class="page">
                                <h1>"Your account"</h1>
                                <SessionList sessions end_one end_others />
                                <SignInMethodsSection />
                                <section aria-labelledby="two-factor-heading">
                                    <h2 id="two-factor-heading">"Two-factor sign-in"</h2>
                                    <p>
                                        <a href="/account/two-factor">
                                            "Set up or change two-factor sign-in"
                                        </a>
                                    </p>
                                </section>
                                <UsernameForm />
                                <PasswordForm />
                                <EmailForm />
                                <section aria-labelledby="data-heading">
                                    <h2 id="data-heading">"Your data"</h2>
                                    <p>
                                        "Everything we hold about you, as one JSON file: your account, sessions, consents, sign-in methods, posts, reports, notifications, agreements and job applications."
                                    </p>
                                    <p>
                                        <a
                                            class="button button-secondary"
                                            href="/account/data.json"
                                            download
                                            rel="external"
                                        >
                                            "Download your data"
                                        </a>
                                    </p>
                                    <p>
                                        <a href="/account/data">"See your data"</a>
                                        " · "
                                        <a href="/account/choices">"Your choices"</a>
                                        " · "
                                        <a href="/account/delete">"Delete your account"</a>
                                        " · "
                                        <a href="/privacy">"How we handle your data"</a>
                                    </p>
                                </section>
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
fn SessionList(
    sessions: Vec<SessionInfo>,
    end_one: ServerAction<EndSession>,
    end_others: ServerAction<EndOtherSessions>,
) -> impl IntoView {
    let others = sessions.iter().filter(|session| !session.current).count();
    let rows = sessions
        .into_iter()
        .map(|session| {
            let action = if session.current {
                view! { <td>"This device"</td> }.into_any()
            } else {
                view! {
                    <td>
                        <ActionForm action=end_one attr:class="inline-form">
                            <input type="hidden" name="id" value=session.id />
                            <button type="submit" class="link-button">
                                "Sign out"
                            </button>
                        </ActionForm>
                    </td>
                }
                .into_any()
            };
            view! {
                <tr>
                    <th scope="row">{session.device}</th>
                    <td>{session.signed_in}</td>
                    <td>{session.last_seen}</td>
                    <td>
                        {if session.remembered { "30 days" } else { "until the browser closes" }}
                    </td>
                    {action}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">"Where you are signed in"</h2>
            <p>
                "We keep the browser and system family of each session — no IP address, no location."
            </p>
            <TableScroll label="Sessions">
                <table class="data-table">
                    <thead>
                        <tr>
                            <th scope="col">"Device"</th>
                            <th scope="col">"Signed in"</th>
                            <th scope="col">"Last used"</th>
                            <th scope="col">"Stays signed in"</th>
                            <th scope="col">
                                <span class="visually-hidden">"Action"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </TableScroll>
            {(others > 0)
                .then(|| {
                    view! {
                        <ActionForm action=end_others attr:class="form">
                            <button type="submit" class="button button-secondary">
                                "Sign out everywhere else"
                            </button>
                        </ActionForm>
                    }
                })}
        </section>
    }
}

#[component]
fn UsernameForm() -> impl IntoView {
    let action = ServerAction::<ChangeUsername>::new();
    let value = action.value();
    let result = move || value.get();
    let changed =
        move || use_query_map().with(|query| query.get("changed").as_deref() == Some("username"));
    view! {
        <section aria-labelledby="username-heading">
            <h2 id="username-heading">"Change your username"</h2>
            {move || {
                changed()
                    .then(|| {
                        view! {
                            <p class="notice notice-success" role="status">
                                "Your username was changed. Your old one stays reserved for you for 90 days."
                            </p>
                        }
                    })
            }}
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, &["username"]) />
                <Field
                    name="username"
                    label="New username"
                    autocomplete="username"
                    required=true
                    hint="3 to 30 letters, digits, “_”, “-” or “.”. Once every 30 days; your posts show the new name, and the old one stays reserved for you for 90 days."
                    error=error_for(result, "username")
                />
                <button type="submit" class="button">
                    "Change username"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let value = action.value();
    let result = move || value.get();
    let changed =
        move || use_query_map().with(|query| query.get("changed").as_deref() == Some("password"));
    view! {
        <section aria-labelledby="password-heading">
            <h2 id="password-heading">"Change your password"</h2>
            {move || {
                changed()
                    .then(|| {
                        view! {
                            <p class="notice notice-success" role="status">
                                "Your password was changed, and your other sessions were signed out."
                            </p>
                        }
                    })
            }}
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, &["current_password", "new_password"]) />
                <Field
                    name="current_password"
                    label="Current password"
                    kind="password"
                    autocomplete="current-password"
                    required=true
                    error=error_for(result, "current_password")
                />
                <Field
                    name="new_password"
                    label="New password"
                    kind="password"
                    autocomplete="new-password"
                    required=true
                    hint="12 to 128 characters. Your other sessions will be signed out."
                    error=error_for(result, "new_password")
                />
                <button type="submit" class="button">
                    "Change password"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn EmailForm() -> impl IntoView {
    let action = ServerAction::<ChangeEmail>::new();
    let value = action.value();
    let result = move || value.get();
    let requested = move || {
        use_query_map().with(|query| query.get("changed").as_deref() == Some("email-requested"))
    };
    view! {
        <section aria-labelledby="email-heading">
            <h2 id="email-heading">"Change your email address"</h2>
            {move || {
                requested()
                    .then(|| {
                        view! {
                            <p class="notice notice-success" role="status">
                                "Check the new address: the change happens when you open the link we sent there."
                            </p>
                        }
                    })
            }}
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, &["current_password", "new_email"]) />
                <Field
                    name="new_email"
                    label="New email address"
                    kind="email"
                    autocomplete="email"
                    required=true
                    error=error_for(result, "new_email")
                />
                <Field
                    name="current_password"
                    label="Current password"
                    kind="password"
                    autocomplete="current-password"
                    required=true
                    error=error_for(result, "current_password")
                />
                <button type="submit" class="button">
                    "Change email address"
                </button>
            </ActionForm>
        </section>
    }
}
