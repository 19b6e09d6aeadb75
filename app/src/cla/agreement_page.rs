//! `/contribute`: the individual Contributor License Agreement in force,
//! what changed since the version before, the member's signatures and the
//! signing form.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

use super::{
    api::{RevokeSignature, SignAgreement, load_agreement},
    types::{AgreementOverview, MyAgreement, MySignature, Standing},
};
use crate::{
    documents::{ChangeList, DocumentView},
    error_page::ErrorPage,
    forms::{Checkbox, Field, FormError, TextArea, error_for, form_error},
};

#[component]
pub fn ContributePage() -> impl IntoView {
    crate::shared_page::same_for_every_visitor();
    let revoke = ServerAction::<RevokeSignature>::new();
    let overview = Resource::new(move || revoke.version().get(), |_| load_agreement());
    view! {
        <Title text="Contribute" />
        <crate::description::Description text="Sign the Contributor License Agreement online, for yourself or for your company, and see which contributions it covers." />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => view! { <Overview overview revoke /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Overview(overview: AgreementOverview, revoke: ServerAction<RevokeSignature>) -> impl IntoView {
    let AgreementOverview {
        agreement,
        requires_address,
        changes,
        me,
    } = overview;
    let sha256 = agreement.sha256.clone();
    let standing = match me {
        None => view! {
            <p class="notice">
                "To sign, " <a href="/account/sign-in">"sign in"</a> " or "
                <a href="/account/register">"create an account"</a>
                " and confirm your email address."
            </p>
        }
        .into_any(),
        Some(me) => view! { <Mine me sha256 requires_address revoke /> }.into_any(),
    };
    view! {
        <article class="page">
            <h1>"Contribute"</h1>
            <p class="lead">
                "Before we can accept your code, we need your signature on the Contributor License Agreement below — once, online. You keep the copyright in your work."
            </p>
            <p>
                "Signing asks for your name, your contact details and your signature; nothing else. Continuous-integration checks ask this portal whether a GitHub login or an email address is covered, and learn nothing else about you."
            </p>
            <p>
                "Contributing as part of your job? Your employer may need to sign the "
                <a href="/contribute/corporate">"corporate agreement"</a> " instead."
            </p>
            {standing}
            <DocumentView document=agreement nested=true />
            {changes
                .map(|changes| {
                    view! { <ChangeList summary=changes.summary() lines=changes.lines /> }
                })}
        </article>
    }
}

#[component]
fn Mine(
    me: MyAgreement,
    sha256: String,
    requires_address: bool,
    revoke: ServerAction<RevokeSignature>,
) -> impl IntoView {
    let has_signatures = !me.signatures.is_empty();
    let signatures = me
        .signatures
        .into_iter()
        .map(|signature| view! { <SignatureRow signature revoke /> })
        .collect_view();
    let form = if me.covered {
        view! {
            <p class="notice" role="status">
                "Your signature covers your contributions. Thank you!"
            </p>
        }
        .into_any()
    } else if me.verified {
        view! { <SignForm email=me.email github_login=me.github_login sha256 requires_address /> }
            .into_any()
    } else {
        view! {
            <p class="notice">
                "Confirm your email address to sign: use the link we mailed you, or ask for a new one on "
                <a href="/account/welcome">"your welcome page"</a> "."
            </p>
        }
            .into_any()
    };
    view! {
        {has_signatures
            .then(|| {
                view! {
                    <section id="my-signatures" aria-labelledby="my-signatures-heading">
                        <h2 id="my-signatures-heading">"Your signatures"</h2>
                        <FormError error=form_error(move || revoke.value().get(), &["reason"]) />
                        <ul class="signature-list">{signatures}</ul>
                    </section>
                }
            })}
        {form}
    }
}

#[component]
fn SignatureRow(signature: MySignature, revoke: ServerAction<RevokeSignature>) -> impl IntoView {
    let MySignature {
        id,
        version,
        signed,
        standing,
        contact_pending,
    } = signature;
    let (state, can_revoke) = match standing {
        Standing::Valid => ("valid: it covers your contributions".to_owned(), true),
        Standing::Superseded => (
            "a later version changed the terms: please sign the version below".to_owned(),
            true,
        ),
        Standing::Revoked(on) => (format!("revoked on {on}"), false),
    };
    view! {
        <li>
            <a href=format!(
                "/contribute/receipts/{}",
                id.0,
            )>{format!("Version {version}, signed {signed}")}</a>
            {format!(" — {state}.")}
            {contact_pending
                .map(|address| {
                    view! {
                        <p class="hint">
                            {format!(
                                "Contact address {address}: waiting for confirmation. Until its owner follows the link we mailed to it, the signature does not count for that address.",
                            )}
                        </p>
                    }
                })}
            {can_revoke
                .then(|| {
                    view! {
                        <details class="revoke">
                            <summary>"Revoke this signature"</summary>
                            <ActionForm action=revoke attr:class="form">
                                <input type="hidden" name="id" value=id.0 />
                                <Field
                                    name="reason"
                                    label="Reason (optional)"
                                    error=error_for(move || revoke.value().get(), "reason")
                                />
                                <p class="hint">
                                    "Revoking covers future contributions only; what you contributed before stays licensed. The record is kept, marked as revoked."
                                </p>
                                <button type="submit" class="button button-secondary">
                                    {format!("Revoke version {version}")}
                                </button>
                            </ActionForm>
                        </details>
                    }
                })}
        </li>
    }
}

#[component]
fn SignForm(
    email: String,
    github_login: Option<String>,
    sha256: String,
    requires_address: bool,
) -> impl IntoView {
    const FIELDS: &[&str] = &[
        "full_name",
        "email",
        "postal_address",
        "signature",
        "agreed",
    ];
    let action = ServerAction::<SignAgreement>::new();
    let value = action.value();
    let result = move || value.get();
    let address_hint = if requires_address {
        "This agreement needs it."
    } else {
        "Optional. Only if you want it on the record."
    };
    let github = match github_login {
        Some(login) => format!(
            "Your linked GitHub login, {login}, goes on the record too, so that checks on your pull requests find you."
        ),
        None => "Link your GitHub account in your settings first if you want checks on your pull requests to find you by your GitHub login; otherwise they find you by email address.".to_owned(),
    };
    view! {
        <section aria-labelledby="sign-heading">
            <h2 id="sign-heading">"Sign the agreement"</h2>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, FIELDS) />
                <input type="hidden" name="sha256" value=sha256 />
                <Field
                    name="full_name"
                    label="Full legal name"
                    autocomplete="name"
                    required=true
                    error=error_for(result, "full_name")
                />
                <Field
                    name="email"
                    label="Contact email address"
                    kind="email"
                    autocomplete="email"
                    required=true
                    value=email
                    hint="Defaults to your account's address. Checks may look you up by it. Any other address gets a link to confirm it first; until then it does not count."
                    error=error_for(result, "email")
                />
                <TextArea
                    name="postal_address"
                    label="Postal address"
                    rows=3
                    required=requires_address
                    hint=address_hint
                    error=error_for(result, "postal_address")
                />
                <p class="hint">{github}</p>
                <Field
                    name="signature"
                    label="Signature: type your full name to sign"
                    required=true
                    error=error_for(result, "signature")
                />
                <Checkbox name="agreed" required=true error=error_for(result, "agreed")>
                    "I agree to the Individual Contributor License Agreement shown on this page."
                </Checkbox>
                <p class="hint">
                    "We keep what you enter here, the version you sign and its SHA-256 fingerprint, and the time — for the life of the project. The receipt is mailed to the contact address once it is confirmed."
                </p>
                <button type="submit" class="button">
                    "Sign"
                </button>
            </ActionForm>
        </section>
    }
}
