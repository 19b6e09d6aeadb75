//! The root component, the route table, and the HTML document around them.

use leptos::prelude::*;
use leptos_meta::{Link, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use crate::{
    accounts::{
        CheckMailPage, ConfirmEmailChangePage, EmailChangedPage, FinishSignInPage, ForgotPage,
        LinkIdentityPage, PasswordChangedPage, RegisterPage, ResetPage, ResetSentPage,
        SecondFactorCheckPage, SettingsPage, SignInFailedPage, SignInPage, TwoFactorPage,
        VerifiedPage, VerifyPage, WelcomePage,
    },
    admin::MembersPage,
    choices_page::ChoicesPage,
    cla::{
        ConfirmContactPage, ContactConfirmedPage, ContributePage, CorporatePage, ReceiptPage,
        SignaturesPage,
    },
    documents::PublishPage,
    error::AppError,
    error_page::ErrorPage,
    forum::{
        CategoryPageView, EditPostPage, ForumAdminPage, ForumPage, NewThreadPage,
        NotificationsPage, PostHistoryPage, SearchPage, ThreadPage,
    },
    home_page::HomePage,
    jobs::{
        ApplicationPage, AppliedPage, ClaimPage, ConfirmUpdatePage, EditJobPage, JobPage, JobsPage,
        LinkSentPage, MyApplicationPage, RecruitPage, UpdatedPage,
    },
    layout::Layout,
    mail_lists::{
        UnsubscribePage,
        newsletter_pages::{
            ConfirmSubscriptionPage, LeftPage, NewsletterPage, PreferencesPage, SignUpSentPage,
        },
    },
    moderation::{ModerationLogPage, ModerationPage},
    privacy::{
        AccountDeletedPage, ConfirmDeletionPage, ConfirmRequestPage, DeleteAccountPage,
        DeletionMailedPage, MyDataPage, PolicyPage, PolicyUpdatePage, PrivacyQueuePage,
        PrivacyRequestPage, RequestConfirmedPage, RequestFormPage, RequestSentPage,
    },
};

/// The whole site: layout around the routed page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Title formatter=page_title />
        <Router>
            <Layout>
                <Routes fallback=|| view! { <ErrorPage error=AppError::NotFound /> }>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("privacy") view=PolicyPage ssr=SsrMode::Async />
                    <Route path=path!("privacy/requests") view=RequestFormPage ssr=SsrMode::Async />
                    <Route
                        path=path!("privacy/requests/sent")
                        view=RequestSentPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("privacy/requests/confirm")
                        view=ConfirmRequestPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("privacy/requests/confirmed")
                        view=RequestConfirmedPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("privacy/queue") view=PrivacyQueuePage ssr=SsrMode::Async />
                    <Route
                        path=path!("privacy/queue/:id")
                        view=PrivacyRequestPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("account/register") view=RegisterPage ssr=SsrMode::Async />
                    <Route path=path!("account/check-mail") view=CheckMailPage ssr=SsrMode::Async />
                    <Route path=path!("account/verify") view=VerifyPage ssr=SsrMode::Async />
                    <Route path=path!("account/verified") view=VerifiedPage ssr=SsrMode::Async />
                    <Route path=path!("account/sign-in") view=SignInPage ssr=SsrMode::Async />
                    <Route
                        path=path!("account/sign-in/finish")
                        view=FinishSignInPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("account/sign-in/failed")
                        view=SignInFailedPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("account/link-identity")
                        view=LinkIdentityPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("account/welcome") view=WelcomePage ssr=SsrMode::Async />
                    <Route path=path!("account") view=SettingsPage ssr=SsrMode::Async />
                    <Route path=path!("account/data") view=MyDataPage ssr=SsrMode::Async />
                    <Route path=path!("account/choices") view=ChoicesPage ssr=SsrMode::Async />
                    <Route path=path!("account/policy") view=PolicyUpdatePage ssr=SsrMode::Async />
                    <Route path=path!("account/delete") view=DeleteAccountPage ssr=SsrMode::Async />
                    <Route
                        path=path!("account/delete/check-mail")
                        view=DeletionMailedPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("account/delete/confirm")
                        view=ConfirmDeletionPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("account/deleted")
                        view=AccountDeletedPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("admin/members") view=MembersPage ssr=SsrMode::Async />
                    <Route path=path!("admin/cla") view=SignaturesPage ssr=SsrMode::Async />
                    <Route path=path!("admin/documents") view=PublishPage ssr=SsrMode::Async />
                    <Route
                        path=path!("account/confirm-email-change")
                        view=ConfirmEmailChangePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("account/email-changed")
                        view=EmailChangedPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("account/two-factor") view=TwoFactorPage ssr=SsrMode::Async />
                    <Route
                        path=path!("account/two-factor/check")
                        view=SecondFactorCheckPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("account/forgot") view=ForgotPage ssr=SsrMode::Async />
                    <Route path=path!("account/reset-sent") view=ResetSentPage ssr=SsrMode::Async />
                    <Route path=path!("account/reset") view=ResetPage ssr=SsrMode::Async />
                    <Route
                        path=path!("account/password-changed")
                        view=PasswordChangedPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("forum") view=ForumPage ssr=SsrMode::Async />
                    <Route
                        path=path!("forum/c/:category")
                        view=CategoryPageView
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("forum/t/:thread") view=ThreadPage ssr=SsrMode::Async />
                    <Route path=path!("forum/new") view=NewThreadPage ssr=SsrMode::Async />
                    <Route path=path!("forum/search") view=SearchPage ssr=SsrMode::Async />
                    <Route
                        path=path!("forum/notifications")
                        view=NotificationsPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("mail/unsubscribe") view=UnsubscribePage ssr=SsrMode::Async />
                    <Route path=path!("newsletter") view=NewsletterPage ssr=SsrMode::Async />
                    <Route path=path!("newsletter/sent") view=SignUpSentPage ssr=SsrMode::Async />
                    <Route
                        path=path!("newsletter/confirm")
                        view=ConfirmSubscriptionPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("newsletter/preferences")
                        view=PreferencesPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("newsletter/left") view=LeftPage ssr=SsrMode::Async />
                    <Route path=path!("forum/p/:post/edit") view=EditPostPage ssr=SsrMode::Async />
                    <Route
                        path=path!("forum/p/:post/history")
                        view=PostHistoryPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("moderation") view=ModerationPage ssr=SsrMode::Async />
                    <Route path=path!("moderation/log") view=ModerationLogPage ssr=SsrMode::Async />
                    <Route path=path!("admin/forum") view=ForumAdminPage ssr=SsrMode::Async />
                    <Route
                        path=path!("admin/mail-lists")
                        view=crate::mail_lists::admin::MailListsAdminPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("admin/insights")
                        view=crate::insights::dashboard_page::InsightsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("admin/insights/installs")
                        view=crate::insights::installs_page::InstallsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("reports/usage")
                        view=crate::insights::published::UsageReportsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("reports/usage/:month")
                        view=crate::insights::published::UsageReportPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("admin/releases")
                        view=crate::insights::releases::ReleasesAdminPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("admin/subscribers")
                        view=crate::mail_lists::subscribers_page::SubscribersPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("admin/campaigns")
                        view=crate::mail_lists::campaign_pages::CampaignsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("admin/campaigns/new")
                        view=crate::mail_lists::campaign_pages::CampaignPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("admin/campaigns/:id")
                        view=crate::mail_lists::campaign_pages::CampaignPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("jobs") view=JobsPage ssr=SsrMode::Async />
                    <Route path=path!("jobs/applied") view=AppliedPage ssr=SsrMode::Async />
                    <Route
                        path=path!("jobs/application")
                        view=MyApplicationPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("jobs/application/claim") view=ClaimPage ssr=SsrMode::Async />
                    <Route
                        path=path!("jobs/application/update")
                        view=ConfirmUpdatePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("jobs/application/updated")
                        view=UpdatedPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("jobs/application/link-sent")
                        view=LinkSentPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("jobs/:job") view=JobPage ssr=SsrMode::Async />
                    <Route path=path!("recruit") view=RecruitPage ssr=SsrMode::Async />
                    <Route path=path!("recruit/jobs/new") view=EditJobPage ssr=SsrMode::Async />
                    <Route path=path!("recruit/jobs/:id") view=EditJobPage ssr=SsrMode::Async />
                    <Route
                        path=path!("recruit/applications/:id")
                        view=ApplicationPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("contribute") view=ContributePage ssr=SsrMode::Async />
                    <Route
                        path=path!("contribute/confirm")
                        view=ConfirmContactPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("contribute/confirmed")
                        view=ContactConfirmedPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("contribute/corporate")
                        view=CorporatePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("contribute/receipts/:id")
                        view=ReceiptPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </Layout>
        </Router>
    }
}

/// The full page for server-side rendering.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use axum::http::{HeaderValue, header::CONTENT_SECURITY_POLICY};
    use leptos::nonce::use_nonce;
    use leptos_axum::ResponseOptions;
    use leptos_meta::MetaTags;

    let nonce = use_nonce().map(|nonce| nonce.to_string());
    let form_origins = use_context::<crate::ssr::AppState>()
        .map(|state| state.site.form_origins.clone())
        .unwrap_or_default();
    if let Some(response) = use_context::<ResponseOptions>()
        && let Ok(policy) = HeaderValue::from_str(&crate::ssr::content_security_policy(
            nonce.as_deref(),
            &form_origins,
        ))
    {
        response.insert_header(CONTENT_SECURITY_POLICY, policy);
    }
    // The build's files share its name (with a digest of their contents
    // in a release build); the script's and the WebAssembly's are
    // written by `HydrationScripts`.
    let style = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="stylesheet" id="portal" href=style />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The page's title with the site's name. leptos_meta writes the server's
/// `<title>` without escaping it, and titles can come from members (thread
/// titles), so the server escapes it here; the browser sets
/// `document.title` as plain text and needs no escaping.
fn page_title(title: String) -> String {
    let full = if title.is_empty() {
        "Community Portal".to_owned()
    } else {
        format!("{title} · Community Portal")
    };
    #[cfg(feature = "ssr")]
    let full = crate::ssr::mail::escape(&full);
    full
}
