//! The application form on a job's page. It uploads a file, so it is a
//! plain multipart form in both modes; its errors come back in the page's
//! address (see [`url_error`]). Each field says why it is asked and how long
//! it is kept, straight from the data manifest.

use leptos::prelude::*;

use super::JobId;
use crate::{
    forms::{Field, FormError, TextArea, error_for, form_error, url_error},
    privacy::manifest::{Class, RetentionSettings, lookup},
};

const FIELDS: &[&str] = &[
    "full_name",
    "street",
    "city",
    "postal_code",
    "country",
    "phone",
    "email",
    "resume",
    "cover_note",
    "links",
];

/// "Why we ask. Kept until …." for a column of `job_applications`.
fn explained(column: &str, settings: &RetentionSettings) -> String {
    match lookup("job_applications", column).map(|entry| entry.class) {
        Some(Class::Personal(field)) => {
            format!(
                "{} Kept {}.",
                field.purpose,
                field.retention.describe(settings)
            )
        }
        _ => String::new(),
    }
}

#[component]
pub fn ApplyForm(job: JobId, retention: RetentionSettings) -> impl IntoView {
    let explained = move |column: &str| explained(column, &retention);
    let result = url_error("/api/jobs/apply");
    let resume_error = error_for(result, "resume");
    view! {
        <section class="apply" aria-labelledby="apply-heading">
            <h2 id="apply-heading">"Apply"</h2>
            <p>
                "Applying needs no account and sets no cookie. We ask only for what we need to consider your application and reply to you; optional fields are marked."
            </p>
            <form
                method="post"
                action="/api/jobs/apply"
                enctype="multipart/form-data"
                class="form"
                novalidate
            >
                <FormError error=form_error(result, FIELDS) />
                <input type="hidden" name="job" value=job.0.to_string() />
                <Field
                    name="full_name"
                    label="Full name"
                    autocomplete="name"
                    required=true
                    hint=explained("full_name")
                    error=error_for(result, "full_name")
                />
                <fieldset class="fieldset">
                    <legend>"Postal address"</legend>
                    <p class="hint">{explained("street")}</p>
                    <Field
                        name="street"
                        label="Street and number"
                        autocomplete="street-address"
                        required=true
                        error=error_for(result, "street")
                    />
                    <Field
                        name="city"
                        label="City"
                        autocomplete="address-level2"
                        required=true
                        error=error_for(result, "city")
                    />
                    <Field
                        name="postal_code"
                        label="Postal code"
                        autocomplete="postal-code"
                        required=true
                        error=error_for(result, "postal_code")
                    />
                    <Field
                        name="country"
                        label="Country"
                        autocomplete="country-name"
                        required=true
                        error=error_for(result, "country")
                    />
                </fieldset>
                <Field
                    name="phone"
                    label="Phone"
                    kind="tel"
                    autocomplete="tel"
                    required=true
                    hint=explained("phone")
                    error=error_for(result, "phone")
                />
                <Field
                    name="email"
                    label="Email address"
                    kind="email"
                    autocomplete="email"
                    required=true
                    hint=explained("email")
                    error=error_for(result, "email")
                />
                <div class="field">
                    <label for="field-resume">"Résumé"</label>
                    <input
                        id="field-resume"
                        name="resume"
                        type="file"
                        required
                        accept=".pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                        aria-invalid=move || resume_error.get().map(|_| "true")
                        aria-describedby=move || {
                            if resume_error.get().is_some() {
                                "field-resume-hint field-resume-error"
                            } else {
                                "field-resume-hint"
                            }
                        }
                    />
                    <p class="hint" id="field-resume-hint">
                        "A PDF or DOCX file of at most 5 MiB. "
                        {explained("resume_key")}
                    </p>
                    {move || {
                        resume_error
                            .get()
                            .map(|message| {
                                view! {
                                    <p class="field-error" id="field-resume-error">
                                        {message}
                                    </p>
                                }
                            })
                    }}
                </div>
                <TextArea
                    name="cover_note"
                    label="Cover note"
                    hint=explained("cover_note")
                    error=error_for(result, "cover_note")
                />
                <TextArea
                    name="links"
                    label="Links"
                    rows=3
                    hint=format!(
                        "Up to five web addresses, one per line (a portfolio, a code profile). {}",
                        explained("links"),
                    )
                    error=error_for(result, "links")
                />
                <div class="honeypot" aria-hidden="true">
                    <label for="field-website">"Leave this field empty"</label>
                    <input
                        id="field-website"
                        name="website"
                        type="text"
                        tabindex="-1"
                        autocomplete="off"
                    />
                </div>
                <p class="hint">
                    "If you applied for this job before with the same email address, we mail you a link to confirm that this application replaces the earlier one."
                </p>
                <button type="submit" class="button">
                    "Send application"
                </button>
            </form>
        </section>
    }
}
