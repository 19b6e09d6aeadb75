//! Form pieces shared by every feature: a labelled field with its hint and
//! its error, and the form-level error notice.

use leptos::prelude::*;

use crate::error::AppError;

/// The message for `field` from a server function's last result.
pub fn error_for<T: Send + Sync + 'static>(
    result: impl Fn() -> Option<Result<T, AppError>> + Send + Sync + 'static,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || match result() {
        Some(Err(AppError::Invalid { field: f, message })) if f == field => Some(message),
        _ => None,
    })
}

/// Any error that does not belong to one of `fields`, for a notice above
/// the form.
pub fn form_error<T: Send + Sync + 'static>(
    result: impl Fn() -> Option<Result<T, AppError>> + Send + Sync + 'static,
    fields: &'static [&'static str],
) -> Signal<Option<String>> {
    Signal::derive(move || match result() {
        Some(Err(AppError::Invalid { field, .. })) if fields.contains(&field.as_str()) => None,
        Some(Err(error)) => Some(error.explanation()),
        _ => None,
    })
}

/// A labelled input with an optional hint and an error slot.
#[component]
pub fn Field(
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] value: Option<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field">
            <label for=id
                .clone()>
                {label} {(!required).then(|| view! { <span class="optional">" (optional)"</span> })}
            </label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                value=value
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=described_by
            />
            {hint
                .map(|hint| {
                    view! {
                        <p class="hint" id=hint_id>
                            {hint}
                        </p>
                    }
                })}
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <p class="field-error" id=error_id.clone()>
                                {message}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// A checkbox with its label and error slot.
#[component]
pub fn Checkbox(
    name: &'static str,
    children: Children,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let described_by = {
        let error_id = error_id.clone();
        move || error.get().map(|_| error_id.clone())
    };
    view! {
        <div class="checkbox">
            <input
                id=id.clone()
                name=name
                type="checkbox"
                required=required
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=described_by
            />
            <label for=id>{children()}</label>
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <p class="field-error" id=error_id.clone()>
                                {message}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// The notice for an error that belongs to no single field.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    move || {
        error.get().map(|message| {
            view! {
                <p class="notice notice-error" role="alert">
                    {message}
                </p>
            }
        })
    }
}
