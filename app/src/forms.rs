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

/// The element id of a field named `name` (`posting[title]` → `field-posting-title`).
fn field_id(name: &str) -> String {
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("field-{}", id.trim_end_matches('-'))
}

/// The `aria-describedby` of a field: its hint and, when shown, its error.
fn described_by(
    id: &str,
    has_hint: bool,
    error: Signal<Option<String>>,
) -> impl Fn() -> Option<String> + Send + Sync + 'static + use<> {
    let (hint_id, error_id) = (format!("{id}-hint"), format!("{id}-error"));
    move || {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(hint_id.clone());
        }
        if error.get().is_some() {
            ids.push(error_id.clone());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// A field's label, with "(optional)" when it is.
#[component]
fn Label(id: String, label: &'static str, required: bool) -> impl IntoView {
    view! {
        <label for=id>
            {label} {(!required).then(|| view! { <span class="optional">" (optional)"</span> })}
        </label>
    }
}

/// A field's hint and error message, below the control.
#[component]
fn Messages(id: String, hint: Option<String>, error: Signal<Option<String>>) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        {hint
            .map(|hint| {
                view! {
                    <p class="hint" id=format!("{id}-hint")>
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
    }
}

/// A labelled input with an optional hint and an error slot.
#[component]
pub fn Field(
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional)] value: Option<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    /// The input's id, when the page has the same field more than once.
    #[prop(optional, into)]
    dom_id: Option<String>,
) -> impl IntoView {
    let id = dom_id.unwrap_or_else(|| field_id(name));
    let describe = described_by(&id, hint.is_some(), error);
    view! {
        <div class="field">
            <Label id=id.clone() label required />
            <input
                id=id.clone()
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                value=value
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=describe
            />
            <Messages id hint error />
        </div>
    }
}

/// A labelled multi-line text box with an optional hint and an error slot.
#[component]
pub fn TextArea(
    name: &'static str,
    label: &'static str,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(default = 5)] rows: u32,
    #[prop(optional)] value: Option<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = field_id(name);
    let describe = described_by(&id, hint.is_some(), error);
    view! {
        <div class="field">
            <Label id=id.clone() label required />
            <textarea
                id=id.clone()
                name=name
                rows=rows
                required=required
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=describe
            >
                {value}
            </textarea>
            <Messages id hint error />
        </div>
    }
}

/// A labelled drop-down of `(value, label)` options.
#[component]
pub fn Select(
    name: &'static str,
    label: &'static str,
    options: Vec<(&'static str, &'static str)>,
    #[prop(optional)] selected: Option<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = field_id(name);
    let describe = described_by(&id, false, error);
    let options = options
        .into_iter()
        .map(|(value, text)| {
            let chosen = selected.as_deref() == Some(value);
            view! {
                <option value=value selected=chosen>
                    {text}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="field">
            <Label id=id.clone() label required=true />
            <select
                id=id.clone()
                name=name
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=describe
            >
                {options}
            </select>
            <Messages id hint=None error />
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

/// A field people never see and bots fill in (`website`): a form whose
/// server function finds it filled answers as usual and does nothing.
#[component]
pub fn Honeypot() -> impl IntoView {
    view! {
        <div class="honeypot" aria-hidden="true">
            <label for="field-website">"Leave this field empty"</label>
            <input id="field-website" name="website" type="text" tabindex="-1" autocomplete="off" />
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

/// The result a plain form post came back with. Without script, a server
/// function that fails redirects back to the form's page with its error in
/// the query (`__path`, `__err`); pages whose forms cannot be `ActionForm`s
/// (file uploads) read it from there, with or without script alike.
pub fn url_error(
    path: &'static str,
) -> impl Fn() -> Option<Result<(), AppError>> + Copy + Send + Sync + 'static {
    let query = leptos_router::hooks::use_query_map();
    move || {
        query.with(|query| {
            (query.get("__path").as_deref() == Some(path))
                .then(|| query.get("__err"))
                .flatten()
                .map(|error| {
                    Err(leptos::server_fn::error::ServerFnUrlError::<AppError>::decode_err(&error))
                })
        })
    }
}

/// How long a sent form refuses to be sent again, and its button shows it
/// is busy, when no new page replaces it (a download, or a slow network).
#[cfg(feature = "hydrate")]
const SENDING_FOR: std::time::Duration = std::time::Duration::from_secs(10);

/// With script, the button that sent a form says it is busy (`aria-busy`)
/// and a second click does not send the form again, until the next page
/// arrives. Without script the browser's own loading indicator says it.
/// Placed once, in the layout: it listens to every form on the page.
#[island]
pub fn SubmitFeedback() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;

        let on_submit = window_event_listener(leptos::ev::submit, |event| {
            let Some(form) = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            if form.has_attribute("data-sending") {
                event.prevent_default();
                return;
            }
            let button = event.submitter();
            mark_sending(&form, button.as_ref(), true);
            set_timeout(
                move || mark_sending(&form, button.as_ref(), false),
                SENDING_FOR,
            );
        });
        // A page the browser brings back from its history cache was left
        // while sending: it is not sending any more.
        let on_show = window_event_listener_untyped("pageshow", |_| {
            let Ok(sending) = document().query_selector_all("[data-sending], [aria-busy]") else {
                return;
            };
            for index in 0..sending.length() {
                if let Some(element) = sending
                    .item(index)
                    .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
                {
                    let _ = element.remove_attribute("data-sending");
                    let _ = element.remove_attribute("aria-busy");
                }
            }
        });
        on_cleanup(move || {
            on_submit.remove();
            on_show.remove();
        });
    }
}

#[cfg(feature = "hydrate")]
fn mark_sending(form: &web_sys::HtmlFormElement, button: Option<&web_sys::HtmlElement>, on: bool) {
    // Failing to set an attribute only loses the hint.
    if on {
        let _ = form.set_attribute("data-sending", "");
        if let Some(button) = button {
            let _ = button.set_attribute("aria-busy", "true");
        }
    } else {
        let _ = form.remove_attribute("data-sending");
        if let Some(button) = button {
            let _ = button.remove_attribute("aria-busy");
        }
    }
}

/// The value of the field `name` in the form of the button an event came
/// from, for islands that act on their form without sending it.
#[cfg(feature = "hydrate")]
pub fn form_value(event: &leptos::ev::MouseEvent, name: &str) -> Option<String> {
    use wasm_bindgen::JsCast;

    let form = event
        .target()?
        .dyn_into::<web_sys::HtmlButtonElement>()
        .ok()?
        .form()?;
    web_sys::FormData::new_with_form(&form)
        .ok()?
        .get(name)
        .as_string()
}
