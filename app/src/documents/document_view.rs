use leptos::prelude::*;

use super::types::PublishedDocument;

/// A published document with its version, effective date and fingerprint.
#[component]
pub fn DocumentView(document: PublishedDocument) -> impl IntoView {
    view! {
        <article class="document">
            <header class="document-header">
                <h1>{document.title}</h1>
                <dl class="document-facts">
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
