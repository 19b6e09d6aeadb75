//! `/admin/documents`: publish a new version of the privacy policy or a
//! contributor agreement.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

use super::publish_api::PublishDocument;
use crate::forms::{Checkbox, Field, FormError, Select, TextArea, error_for, form_error};

#[component]
pub fn PublishPage() -> impl IntoView {
    const FIELDS: &[&str] = &["title", "body", "effective"];
    let action = ServerAction::<PublishDocument>::new();
    let value = action.value();
    let result = move || value.get();
    let done = move || {
        value.get().and_then(Result::ok).map(|published| {
            view! {
                <p class="notice" role="status">
                    {format!(
                        "Published version {} (SHA-256 {}).",
                        published.version,
                        published.sha256,
                    )}
                </p>
            }
        })
    };
    view! {
        <Title text="Publish a document version" />
        <article class="page">
            <h1>"Publish a document version"</h1>
            <p class="lead">
                "A new version of the privacy policy or a contributor agreement, with the SHA-256 of its exact text."
            </p>
            <p>
                "Tick “material” only when the terms change: members are then asked to accept the policy, or contributors to sign the agreement, again. An editorial version (a typo, a clearer sentence) carries acceptances and signatures over."
            </p>
            {done}
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error=form_error(result, FIELDS) />
                <Select
                    name="kind"
                    label="Document"
                    options=vec![
                        ("individual_cla", "Individual Contributor License Agreement"),
                        ("corporate_cla", "Corporate Contributor License Agreement"),
                        ("privacy_policy", "Privacy policy"),
                    ]
                />
                <Field name="title" label="Title" required=true error=error_for(result, "title") />
                <TextArea
                    name="body"
                    label="Text (Markdown)"
                    rows=20
                    required=true
                    error=error_for(result, "body")
                />
                <Field
                    name="effective"
                    label="In force from"
                    kind="date"
                    hint="Today or later (UTC). Empty: now."
                    error=error_for(result, "effective")
                />
                <Checkbox name="material">"Material change: ask everyone again"</Checkbox>
                <button type="submit" class="button">
                    "Publish"
                </button>
            </ActionForm>
        </article>
    }
}
