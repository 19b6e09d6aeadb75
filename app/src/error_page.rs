//! The page shown for any error: a heading, an explanation and the stable
//! error code — never internal text. On the server it also sets the status.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::AppError;

#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    set_response_status(error.status());
    let title = error.title();
    view! {
        <Title text=title />
        <section class="error-page">
            <h1>{title}</h1>
            <p>{error.explanation()}</p>
            <p class="error-code">"Error code: " <code>{error.code()}</code></p>
            <p>
                <a class="button" href="/">
                    "Go to the home page"
                </a>
            </p>
        </section>
    }
}

/// Sets the HTTP status of the response being rendered; nothing to do once
/// the page runs in the browser.
#[cfg_attr(not(feature = "ssr"), allow(unused_variables))]
fn set_response_status(status: u16) {
    #[cfg(feature = "ssr")]
    crate::ssr::set_response_status(status);
}
