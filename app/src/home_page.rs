//! The home page: what this community is and what the site promises.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::mail_lists::newsletter_pages::NewsletterBox;

#[component]
pub fn HomePage() -> impl IntoView {
    crate::shared_page::same_for_every_visitor();
    view! {
        <Title text="" />
        <crate::description::Description text="The home of our open-source community: ask and answer questions in the forum, contribute code under a clear agreement, and find a job on the project." />
        <section class="hero">
            <h1>"Build the software with the people who use it"</h1>
            <p class="lead">
                "This is the home of our open-source community: ask and answer questions in the forum, contribute code under a clear agreement, and find a job working on the project itself."
            </p>
            <p class="hero-actions">
                <a class="button" href="/forum">
                    "Read the forum"
                </a>
                " "
                <a class="button button-secondary" href="/contribute">
                    "Start contributing"
                </a>
            </p>
        </section>
        <section class="features" aria-labelledby="features-heading">
            <h2 id="features-heading">"What you can do here"</h2>
            <ul class="card-grid">
                <li class="card">
                    <h3>
                        <a href="/forum">"Forum"</a>
                    </h3>
                    <p>
                        "Read every discussion without an account. Members post under a username of their choosing."
                    </p>
                </li>
                <li class="card">
                    <h3>
                        <a href="/contribute">"Contribute"</a>
                    </h3>
                    <p>
                        "Sign the Contributor License Agreement online once; our CI checks ask only whether you are covered."
                    </p>
                </li>
                <li class="card">
                    <h3>
                        <a href="/jobs">"Jobs"</a>
                    </h3>
                    <p>
                        "Apply without creating an account. Applications are erased on a fixed schedule after a decision."
                    </p>
                </li>
                <li class="card">
                    <h3>
                        <a href="/privacy">"Privacy"</a>
                    </h3>
                    <p>
                        "Read the policy, see every personal field the site can hold, and why, who sees it and for how long."
                    </p>
                </li>
            </ul>
        </section>
        <section class="promises" aria-labelledby="promises-heading">
            <h2 id="promises-heading">"Our promises about your data"</h2>
            <ul class="promise-list">
                <li>
                    <strong>"Browsing is anonymous."</strong>
                    " No account, no cookies, and no IP address is ever stored: visits are counted without knowing who visits."
                </li>
                <li>
                    <strong>"Each feature asks only what it needs."</strong>
                    " The forum needs a username; a job application needs a name, address and phone number; nothing else is required."
                </li>
                <li>
                    <strong>"You stay in control."</strong>
                    " Download or delete what we hold about you, change your address and password, and leave the digest or a newsletter with one click."
                </li>
                <li>
                    <strong>"Every promise is in the code."</strong>
                    " The list of personal fields on the privacy page is the same list the software enforces and tests."
                </li>
            </ul>
        </section>
        <NewsletterBox />
    }
}
