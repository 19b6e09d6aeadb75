//! A short page that says what just happened and offers the next step.

use leptos::prelude::*;
use leptos_meta::Title;

/// A page that says what just happened and offers the next step.
#[component]
pub fn Notice(
    title: &'static str,
    lead: &'static str,
    #[prop(optional)] more: Option<&'static str>,
    #[prop(optional)] next: Option<(&'static str, &'static str)>,
) -> impl IntoView {
    view! {
        <Title text=title />
        <article class="page">
            <h1>{title}</h1>
            <p class="lead">{lead}</p>
            {more.map(|more| view! { <p>{more}</p> })}
            {next
                .map(|(href, label)| {
                    view! {
                        <p>
                            <a class="button" href=href>
                                {label}
                            </a>
                        </p>
                    }
                })}
        </article>
    }
}
