//! `/privacy`: the policy in force, followed by the data manifest.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{
    manifest::{Personal, RetentionSettings, personal_fields},
    retention_settings,
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
            Ok::<_, crate::error::AppError>((document, retention_settings().await?))
        },
    );
    view! {
        <Title text="Privacy policy" />
        <Suspense fallback=|| {
            view! { <p>"Loading the policy…"</p> }
        }>
            {move || Suspend::new(async move {
                match policy.await {
                    Ok((document, settings)) => {
                        view! {
                            <DocumentView document />
                            <DataManifest settings />
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
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
            <div class="table-scroll">
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
            </div>
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
