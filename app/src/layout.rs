//! The frame around every page: skip link, header with navigation, footer.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{accounts::AccountNav, forms::SubmitFeedback, privacy::PolicyUpdateNotice};

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">
            "Skip to content"
        </a>
        <header class="site-header">
            <div class="container header-inner">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">
                        "◆"
                    </span>
                    " Community Portal"
                </a>
                <nav class="site-nav" aria-label="Main">
                    <ul>
                        <li>
                            <A href="/forum">"Forum"</A>
                        </li>
                        <li>
                            <A href="/jobs">"Jobs"</A>
                        </li>
                        <li>
                            <A href="/contribute">"Contribute"</A>
                        </li>
                        <li>
                            <A href="/privacy">"Privacy"</A>
                        </li>
                    </ul>
                </nav>
                <AccountNav />
            </div>
        </header>
        <main id="main" class="container site-main" tabindex="-1">
            <PolicyUpdateNotice />
            {children()}
        </main>
        <footer class="site-footer">
            <div class="container footer-inner">
                <nav aria-label="Footer">
                    <ul>
                        <li>
                            <a href="/privacy">"Privacy policy"</a>
                        </li>
                        <li>
                            <a href="/privacy#data">"Data we collect"</a>
                        </li>
                    </ul>
                </nav>
                <p class="footnote">
                    "Browsing this site needs no account and sets no cookies. Free software, self-hosted by its community."
                </p>
            </div>
        </footer>
        <SubmitFeedback />
    }
}
