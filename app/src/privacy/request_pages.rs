//! The sender's pages of a privacy request: the form (`/privacy/requests`,
//! no account needed), "check your mail", the confirmation behind the
//! mailed link, and "received".

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::requests::{ConfirmPrivacyRequest, RequestKind, SendPrivacyRequest};
use crate::{
    forms::{Field, FormError, Honeypot, TextArea, error_for, form_error},
    notice::Notice,
    privacy::manifest::{Class, lookup},
};

const FIELDS: &[&str] = &["kind", "email", "name", "account_name", "details"];

/// "Why we ask. Kept …." for a column of `privacy_requests`.
fn explained(column: &str) -> String {
    match lookup("privacy_requests", column).map(|entry| entry.class) {
        Some(Class::Personal(field)) => format!("{} Kept {}.", field.purpose, field.retention),
        _ => String::new(),
    }
}

/// The choice of what the request asks for, as radio buttons.
#[component]
fn KindChoice(error: Signal<Option<String>>) -> impl IntoView {
    let options = RequestKind::ALL
        .into_iter()
        .map(|kind| {
            let id = format!("field-kind-{}", kind.as_str());
            view! {
                <div class="radio">
                    <input
                        type="radio"
                        id=id.clone()
                        name="kind"
                        value=kind.as_str()
                        required=true
                        checked=kind == RequestKind::Access
                    />
                    <label for=id>{kind.label()}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset
            class="fieldset"
            aria-invalid=move || error.get().map(|_| "true")
            aria-describedby=move || error.get().map(|_| "field-kind-error")
        >
            <legend>"What are you asking for?"</legend>
            {options}
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <p class="field-error" id="field-kind-error">
                                {message}
                            </p>
                        }
                    })
            }}
        </fieldset>
    }
}

/// `/privacy/requests`
#[component]
pub fn RequestFormPage() -> impl IntoView {
    let action = ServerAction::<SendPrivacyRequest>::new();
    let value = action.value();
    let result = move || value.get();
    view! {
        <Title text="Privacy requests" />
        <article class="page">
            <h1>"Privacy requests"</h1>
            <p class="lead">
                "Ask us what data we hold about you, to correct or delete it, or to stop using it; tell us that an account belongs to a child under 13; or complain about how we handle data. No account is needed, and we answer within 30 days."
            </p>
            <p>
                "If you have an account, you can see, download and correct your data, and delete your account, yourself from "
                <a href="/account">"your account page"</a> " at once, without writing to us."
            </p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, FIELDS) />
                <KindChoice error=error_for(result, "kind") />
                <Field
                    name="email"
                    label="Your email address"
                    kind="email"
                    autocomplete="email"
                    required=true
                    hint=format!(
                        "We mail you a link to confirm that the address is yours; nothing happens until you open it. {}",
                        explained("email"),
                    )
                    error=error_for(result, "email")
                />
                <Field
                    name="name"
                    label="Your name"
                    autocomplete="name"
                    hint=explained("name")
                    error=error_for(result, "name")
                />
                <Field
                    name="account_name"
                    label="Username of the account concerned"
                    autocomplete="off"
                    hint=format!(
                        "Needed when you tell us about a child's account; otherwise only if the request is about an account that does not use your address. {}",
                        explained("account_name"),
                    )
                    error=error_for(result, "account_name")
                />
                <TextArea
                    name="details"
                    label="Your request"
                    required=true
                    rows=6
                    hint=format!(
                        "What should we do, and about which data? At most 4,000 characters. {}",
                        explained("details"),
                    )
                    error=error_for(result, "details")
                />
                <Honeypot />
                <button type="submit" class="button">
                    "Send request"
                </button>
            </ActionForm>
            <p class="hint">
                "You can also complain to your data-protection authority at any time. How we handle data is in our "
                <a href="/privacy">"privacy policy"</a> "."
            </p>
        </article>
    }
}

/// After sending a request.
#[component]
pub fn RequestSentPage() -> impl IntoView {
    view! {
        <Notice
            title="Check your mail"
            lead="We have sent a link to the address you gave. Open it within 48 hours to confirm that the address is yours; your request reaches us only then."
            more="If no mail arrives, check your spam folder, or send the request again."
            next=("/privacy", "Back to the privacy policy")
        />
    }
}

/// `/privacy/requests/confirm?token=…`: opening the page changes nothing,
/// the button does, so mail scanners that prefetch links confirm nothing.
#[component]
pub fn ConfirmRequestPage() -> impl IntoView {
    let action = ServerAction::<ConfirmPrivacyRequest>::new();
    let value = action.value();
    let token = use_query_map().with(|query| query.get("token").unwrap_or_default());
    view! {
        <Title text="Confirm your privacy request" />
        <article class="page">
            <h1>"Confirm your privacy request"</h1>
            <p class="lead">
                "Press the button to confirm that this address is yours. Your request then reaches us, and we answer within 30 days."
            </p>
            <ActionForm action attr:class="form">
                <FormError error=form_error(move || value.get(), &[]) />
                <input type="hidden" name="token" value=token />
                <button type="submit" class="button">
                    "Confirm my request"
                </button>
            </ActionForm>
            <p class="hint">
                "Link expired? " <a href="/privacy/requests">"Send the request again"</a> "."
            </p>
        </article>
    }
}

/// After confirming.
#[component]
pub fn RequestConfirmedPage() -> impl IntoView {
    view! {
        <Notice
            title="Request received"
            lead="Thank you: your address is confirmed and your request is with our privacy team. We have mailed you its number and the date by which we answer."
            next=("/", "Home page")
        />
    }
}
