//! The page a section shows before it opens: what it will offer and what it
//! will ask of you, so that nobody meets a dead link.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn UpcomingPage(title: &'static str, lead: &'static str, body: &'static str) -> impl IntoView {
    view! {
        <Title text=title />
        <article class="page">
            <h1>{title}</h1>
            <p class="lead">{lead}</p>
            <p>{body}</p>
            <p class="notice">
                "This section is not open yet. It will appear here as soon as it is ready."
            </p>
        </article>
    }
}
