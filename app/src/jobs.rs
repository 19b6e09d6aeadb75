//! Jobs: public postings, applications with a résumé (no account needed), a
//! recruiter pipeline, and applicant data that erases itself after a
//! decision.

mod api;
mod apply_page;
mod job_pages;
mod recruit_api;
mod recruit_pages;
mod status_pages;
mod types;

pub use api::*;
pub use apply_page::ApplyForm;
pub use job_pages::{JobPage, JobsPage};
pub use recruit_api::*;
pub use recruit_pages::{ApplicationPage, EditJobPage, RecruitPage};
pub use status_pages::{
    AppliedPage, ClaimPage, ConfirmUpdatePage, LinkSentPage, MyApplicationPage, UpdatedPage,
};
pub use types::*;

#[cfg(feature = "ssr")]
pub mod ssr;
