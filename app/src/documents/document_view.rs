use leptos::prelude::*;

use super::types::PublishedDocument;

/// A published document with its version, effective date and fingerprint.
/// `nested` makes its title a second-level heading, for a page that has
/// its own.
#[component]
pub fn DocumentView(document: PublishedDocument, #[prop(optional)] nested: bool) -> impl IntoView {
    let title = if nested {
        view! { <h2>{document.title}</h2> }.into_any()
    } else {
        view! { <h1>{document.title}</h1> }.into_any()
    };
    view! {
        <article class="document">
            <header class="document-header">
                {title} <dl class="document-facts">
                    <div>
                        <dt>"Version"</dt>
                        <dd>{document.version}</dd>
                    </div>
                    <div>
                        <dt>"Effective"</dt>
                        <dd>
                            <time datetime=document
                                .effective_date>{document.effective_date_label}</time>
                        </dd>
                    </div>
                    <div>
                        <dt>"SHA-256"</dt>
                        <dd>
                            <code class="hash">{document.sha256}</code>
                        </dd>
                    </div>
                </dl>
            </header>
            <div class="prose" inner_html=document.html></div>
        </article>
    }
}
