//! `/contribute/corporate`: the corporate agreement, signing it for a
//! company, and the list of people the company covers.

use crate::table::TableScroll;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

use super::{
    corporate_api::{AddCovered, RemoveCovered, SignCorporate, load_corporate},
    types::{CorporateAgreement, CorporateOverview, Standing},
};
use crate::{
    documents::{ChangeList, DocumentView},
    error_page::ErrorPage,
    forms::{Checkbox, Field, FormError, Select, TextArea, error_for, form_error},
};

#[component]
pub fn CorporatePage() -> impl IntoView {
    let sign = ServerAction::<SignCorporate>::new();
    let add = ServerAction::<AddCovered>::new();
    let remove = ServerAction::<RemoveCovered>::new();
    let overview = Resource::new(
        move || {
            (
                sign.version().get(),
                add.version().get(),
                remove.version().get(),
            )
        },
        |_| load_corporate(),
    );
    view! {
        <Title text="Contribute for a company" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => view! { <Corporate overview sign add remove /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Corporate(
    overview: CorporateOverview,
    sign: ServerAction<SignCorporate>,
    add: ServerAction<AddCovered>,
    remove: ServerAction<RemoveCovered>,
) -> impl IntoView {
    let CorporateOverview {
        agreement,
        changes,
        me,
    } = overview;
    let sha256 = agreement.sha256.clone();
    let mine = match me {
        None => view! {
            <p class="notice">
                "To sign for your company, " <a href="/account/sign-in">"sign in"</a>
                " with a confirmed email address."
            </p>
        }
        .into_any(),
        Some(me) if !me.verified => {
            view! { <p class="notice">"Confirm your email address to sign for your company."</p> }
                .into_any()
        }
        Some(me) => {
            let companies = me
                .agreements
                .into_iter()
                .map(|company| view! { <Company company add remove /> })
                .collect_view();
            view! {
                <section id="companies" aria-labelledby="companies-heading">
                    <h2 id="companies-heading">"Your companies"</h2>
                    <FormError error=form_error(move || remove.value().get(), &[]) />
                    {companies}
                </section>
                <SignForm email=me.email sha256 sign />
            }
            .into_any()
        }
    };
    view! {
        <article class="page">
            <h1>"Contribute for a company"</h1>
            <p class="lead">
                "When your employer owns what you write, an authorised person signs the corporate agreement once and lists who it covers: GitHub logins, email addresses or whole email domains."
            </p>
            <p>
                "Contributing for yourself? Sign the "
                <a href="/contribute">"individual agreement"</a> "."
            </p>
            {mine}
            <DocumentView document=agreement nested=true />
            {changes
                .map(|changes| {
                    view! { <ChangeList summary=changes.summary() lines=changes.lines /> }
                })}
        </article>
    }
}

#[component]
fn Company(
    company: CorporateAgreement,
    add: ServerAction<AddCovered>,
    remove: ServerAction<RemoveCovered>,
) -> impl IntoView {
    let CorporateAgreement {
        id,
        company,
        version,
        signed,
        standing,
        contact_pending,
        covered,
    } = company;
    let state = match &standing {
        Standing::Valid => "in force".to_owned(),
        Standing::Superseded => "a later version changed the terms: sign again below".to_owned(),
        Standing::Revoked(on) => format!("revoked on {on}"),
    };
    let rows = covered
        .into_iter()
        .map(|entry| {
            let label = format!("Remove {}", entry.value);
            view! {
                <tr>
                    <td>{entry.kind}</td>
                    <th scope="row">{entry.value}</th>
                    <td>{entry.added}</td>
                    <td>
                        {if entry.approved { "counts" } else { "waiting for an administrator" }}
                    </td>
                    <td>
                        <ActionForm action=remove attr:class="inline-form">
                            <input type="hidden" name="id" value=entry.id />
                            <button type="submit" class="link-button" aria-label=label>
                                "Remove"
                            </button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let result = move || add.value().get();
    view! {
        <h3>{format!("{company} — version {version}, signed {signed}, {state}")}</h3>
        <p>
            <a href=format!("/contribute/receipts/{}", id.0)>"Receipt"</a>
        </p>
        {contact_pending
            .map(|address| {
                view! {
                    <p class="hint">
                        {format!(
                            "Contact address {address}: waiting for confirmation through the link we mailed to it.",
                        )}
                    </p>
                }
            })}
        <TableScroll label=format!("Covered by {company}")>
            <table class="data-table">
                <caption>{format!("Covered by {company}")}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"Covers"</th>
                        <th scope="col">"Added"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Action"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
        {(standing == Standing::Valid)
            .then(|| {
                view! {
                    <ActionForm action=add attr:class="form" attr:novalidate=true>
                        <FormError error=form_error(result, &["value"]) />
                        <input type="hidden" name="id" value=id.0 />
                        <Select
                            name="kind"
                            label="Cover by"
                            options=vec![
                                ("github", "GitHub login"),
                                ("email", "Email address"),
                                ("domain", "Email domain"),
                            ]
                        />
                        <Field
                            name="value"
                            label="Login, address or domain"
                            required=true
                            hint="A domain covers exactly that domain: example.com does not cover evil-example.com or dev.example.com. Public mail domains such as gmail.com cannot be listed. Entries at the domain of your confirmed address count at once; others count once an administrator approves them."
                            error=error_for(result, "value")
                        />
                        <button type="submit" class="button button-secondary">
                            "Add to the list"
                        </button>
                    </ActionForm>
                }
            })}
    }
}

#[component]
fn SignForm(email: String, sha256: String, sign: ServerAction<SignCorporate>) -> impl IntoView {
    const FIELDS: &[&str] = &[
        "company_name",
        "postal_address",
        "full_name",
        "signatory_title",
        "email",
        "signature",
        "agreed",
    ];
    let result = move || sign.value().get();
    view! {
        <section aria-labelledby="sign-corporate-heading">
            <h2 id="sign-corporate-heading">"Sign for a company"</h2>
            <ActionForm action=sign attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, FIELDS) />
                <input type="hidden" name="sha256" value=sha256 />
                <Field
                    name="company_name"
                    label="Company's legal name"
                    autocomplete="organization"
                    required=true
                    error=error_for(result, "company_name")
                />
                <TextArea
                    name="postal_address"
                    label="Company's postal address"
                    rows=3
                    required=true
                    error=error_for(result, "postal_address")
                />
                <Field
                    name="full_name"
                    label="Your full legal name"
                    autocomplete="name"
                    required=true
                    error=error_for(result, "full_name")
                />
                <Field
                    name="signatory_title"
                    label="Your title"
                    autocomplete="organization-title"
                    required=true
                    hint="Shows that you may sign for the company."
                    error=error_for(result, "signatory_title")
                />
                <Field
                    name="email"
                    label="Your contact email address"
                    kind="email"
                    autocomplete="email"
                    required=true
                    value=email
                    error=error_for(result, "email")
                />
                <Field
                    name="signature"
                    label="Signature: type your full name to sign"
                    required=true
                    error=error_for(result, "signature")
                />
                <Checkbox name="agreed" required=true error=error_for(result, "agreed")>
                    "I am authorised to sign for this company and agree, on its behalf, to the Corporate Contributor License Agreement shown on this page."
                </Checkbox>
                <button type="submit" class="button">
                    "Sign for the company"
                </button>
            </ActionForm>
        </section>
    }
}
