//! `/privacy`: the policy in force, followed by the data manifest.

use crate::table::TableScroll;
use leptos::prelude::*;
use leptos_meta::Title;

use super::{
    PrivacyContact,
    manifest::{Personal, RetentionSettings, personal_fields},
    policy_settings,
};
use crate::{
    documents::{DocumentKind, DocumentView, current_document},
    error_page::ErrorPage,
};

#[component]
pub fn PolicyPage() -> impl IntoView {
    crate::shared_page::same_for_every_visitor();
    let policy = Resource::new(
        || (),
        |()| async {
            let document = current_document(DocumentKind::PrivacyPolicy).await?;
            Ok::<_, crate::error::AppError>((document, policy_settings().await?))
        },
    );
    view! {
        <Title text="Privacy policy" />
        <crate::description::Description text="What this site collects, why, for how long, who sees it, and how you see, download, correct or delete your data." />
        <Suspense fallback=|| {
            view! { <p>"Loading the policy…"</p> }
        }>
            {move || Suspend::new(async move {
                match policy.await {
                    Ok((document, facts)) => {
                        view! {
                            <DocumentView document />
                            <Contact contact=facts.contact />
                            <DataManifest settings=facts.retention />
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Where privacy requests go, as the policy says.
#[component]
fn Contact(contact: Option<PrivacyContact>) -> impl IntoView {
    let body = match contact {
        Some(contact) => {
            let href = format!("mailto:{}", contact.email);
            let name = contact.name.map(|name| format!("{name}, "));
            view! {
                <p>
                    "For access to your data, a correction, deletion, an objection or a complaint, write to "
                    {name} <a href=href>{contact.email}</a>
                    ". We answer within 30 days. No account is needed."
                </p>
            }
                .into_any()
        }
        None => {
            view! {
                <p>
                    "The operator of this site has not named a privacy contact yet. Until they do, members can download their data and delete their account from their account page."
                </p>
            }
                .into_any()
        }
    };
    view! {
        <section class="prose" id="contact" aria-labelledby="contact-heading">
            <h2 id="contact-heading">"Privacy contact"</h2>
            {body}
        </section>
    }
}

/// Every personal field the software can hold, straight from the manifest.
#[component]
fn DataManifest(settings: RetentionSettings) -> impl IntoView {
    let rows = personal_fields()
        .map(|(_, field)| view! { <ManifestRow field=*field settings /> })
        .collect_view();
    view! {
        <section class="manifest" id="data" aria-labelledby="data-heading">
            <h2 id="data-heading">"What we store"</h2>
            <p>
                "This list is generated from the same table the software uses to export, erase and test personal data. A field that is not listed here cannot be stored."
            </p>
            <TableScroll label="Personal fields, by feature">
                <table class="data-table">
                    <caption>"Personal fields, by feature"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Feature"</th>
                            <th scope="col">"Field"</th>
                            <th scope="col">"Why"</th>
                            <th scope="col">"Required"</th>
                            <th scope="col">"Who can see it"</th>
                            <th scope="col">"Kept"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </TableScroll>
        </section>
    }
}

#[component]
fn ManifestRow(field: Personal, settings: RetentionSettings) -> impl IntoView {
    let audience = field
        .visible_to
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <tr>
            <td>{field.feature.to_string()}</td>
            <th scope="row">{field.label}</th>
            <td>{field.purpose}</td>
            <td>{if field.required { "required" } else { "optional" }}</td>
            <td>{audience}</td>
            <td>{field.retention.describe(&settings)}</td>
        </tr>
    }
}
