//! Server-only half of the jobs feature: postings, applications, the
//! recruiter pipeline, résumé storage and the retention purge.

mod applying;
mod download;
mod entities;
mod mails;
mod pipeline;
mod postings;
mod resume;
mod retention;

use crate::ssr::cookies::{CookieKind, Lasts};

pub use applying::*;
pub use download::{applicant_resume, recruiter_resume};
pub use entities::*;
pub use pipeline::*;
pub use postings::*;
pub use resume::{Refused, ResumeKind, within_limit};
pub use retention::purge;

/// What the jobs feature needs at run time.
#[derive(Clone, Debug)]
pub struct JobSettings {
    /// Days after a final decision (or, with none, after the posting
    /// closed) before an application is erased.
    pub retention_days: u32,
}

/// What the jobs feature brings to the server: the two résumé downloads,
/// the upload limit of the application form, and the retention purge.
pub const FEATURE: crate::ssr::feature::Feature = crate::ssr::feature::Feature {
    routes: || {
        use axum::routing::get;
        axum::Router::new()
            .route("/jobs/applications/{id}/resume", get(recruiter_resume))
            .route("/jobs/application/resume", get(applicant_resume))
    },
    upload_paths: &["/api/jobs/apply"],
    cookies: &[&APPLICANT],
    purge: |state| {
        Box::pin(async move {
            let purged = purge(state).await?;
            Ok(vec![
                ("decided job applications erased", purged.decided),
                (
                    "undecided job applications of closed postings erased",
                    purged.undecided,
                ),
                ("unconfirmed application updates", purged.updates),
            ])
        })
    },
    ..crate::ssr::feature::Feature::named("jobs")
};

/// The cookie that lets an applicant follow their application.
pub const APPLICANT: CookieKind = CookieKind {
    name: "portal_applicant",
    host_name: "__Host-portal_applicant",
    set_when: "you choose to follow your job application in this browser",
    lasts: Lasts::BrowserSession,
};
