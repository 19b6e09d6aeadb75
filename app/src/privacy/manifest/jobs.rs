//! The jobs feature's columns. An applicant's fields are erased a set time
//! after a final decision, or after the posting closes when no decision is
//! made (180 days unless the operator changes it); what
//! stays is anonymous: the job, the final status and the dates.

use super::{Audience, Column, Feature, INTERNAL_KEY, Personal, Retention, not_personal, personal};

const POSTING: &str = "published job posting";
const DATES: &str =
    "dates kept for anonymous reporting; not linked to a person once the application is erased";
const AFTER_DECISION: Retention = Retention::ConfiguredDaysAfter(
    180,
    "a final decision on the application, or after the posting closes if none is made",
);
const UNTIL_CONFIRMED: Retention =
    Retention::Brief("until you confirm the update, at most 48 hours");
const READERS: &[Audience] = &[Audience::Owner, Audience::Recruiters];

/// An applicant's field: `label`, why it is asked, and whether it must be.
const fn applicant(
    table: &'static str,
    column: &'static str,
    label: &'static str,
    purpose: &'static str,
    required: bool,
    retention: Retention,
) -> Column {
    personal(
        table,
        column,
        Personal {
            feature: Feature::Jobs,
            label,
            purpose,
            required,
            visible_to: READERS,
            retention,
        },
    )
}

const NAME: &str = "Lets us address you and tell your application apart.";
const ADDRESS: &str = "Needed for a contract and to check where you may work.";
const PHONE: &str = "Lets a recruiter call you to arrange interviews.";
const NOTE: &str = "Tells us in your words why you apply.";
const LINKS: &str = "Shows us your work, if you want to.";
const RESUME: &str = "Tells us about your experience; only recruiters and you can download it.";

/// The fields an applicant fills in, on `table` (an application, or an
/// update waiting for confirmation).
macro_rules! applicant_fields {
    ($table:literal, $retention:expr) => {
        [
            applicant($table, "full_name", "Full name", NAME, true, $retention),
            applicant(
                $table,
                "street",
                "Street address",
                ADDRESS,
                true,
                $retention,
            ),
            applicant($table, "city", "City", ADDRESS, true, $retention),
            applicant(
                $table,
                "postal_code",
                "Postal code",
                ADDRESS,
                true,
                $retention,
            ),
            applicant($table, "country", "Country", ADDRESS, true, $retention),
            applicant($table, "phone", "Phone number", PHONE, true, $retention),
            applicant($table, "cover_note", "Cover note", NOTE, false, $retention),
            applicant($table, "links", "Links", LINKS, false, $retention),
            applicant($table, "resume_key", "Résumé", RESUME, true, $retention),
            not_personal($table, "resume_kind", "file type (PDF or DOCX)"),
            not_personal($table, "resume_bytes", "file size"),
        ]
    };
}

/// The personal columns of an application that its erasure keeps: the
/// status, which then counts for reporting with nothing to tie it to a
/// person. The erasure empties every other personal column.
pub const APPLICATION_KEEPS: &[&str] = &["status"];

pub const APPLICATION_FIELDS: [Column; 11] = applicant_fields!("job_applications", AFTER_DECISION);
pub const UPDATE_FIELDS: [Column; 11] =
    applicant_fields!("job_application_updates", UNTIL_CONFIRMED);

/// Postings, and what an application holds besides the applicant's fields.
pub const OTHERS: &[Column] = &[
    // Postings.
    not_personal("jobs", "id", INTERNAL_KEY),
    not_personal("jobs", "title", POSTING),
    not_personal("jobs", "team", POSTING),
    not_personal("jobs", "location", POSTING),
    not_personal("jobs", "workplace", POSTING),
    not_personal("jobs", "employment", POSTING),
    not_personal("jobs", "description", POSTING),
    not_personal("jobs", "open", POSTING),
    not_personal("jobs", "closes_on", POSTING),
    not_personal("jobs", "closed_at", POSTING),
    not_personal("jobs", "created_at", POSTING),
    not_personal("jobs", "updated_at", POSTING),
    // Applications.
    not_personal("job_applications", "id", INTERNAL_KEY),
    not_personal("job_applications", "job_id", INTERNAL_KEY),
    applicant(
        "job_applications",
        "status",
        "Status of the application",
        "Tells you and the recruiters where your application stands.",
        true,
        Retention::Brief("kept as an anonymous count once the personal fields are erased"),
    ),
    applicant(
        "job_applications",
        "email",
        "Email address",
        "Lets us confirm your application, send your status link and reply to you.",
        true,
        AFTER_DECISION,
    ),
    personal(
        "job_applications",
        "email_key",
        Personal {
            feature: Feature::Jobs,
            label: "Email address (normalised)",
            purpose: "Keeps to one application per address and job.",
            required: true,
            visible_to: &[Audience::NoOne],
            retention: AFTER_DECISION,
        },
    ),
    personal(
        "job_applications",
        "claim_hash",
        Personal {
            feature: Feature::Jobs,
            label: "Status link (hashed)",
            purpose: "Lets the mailed link open your application once.",
            required: true,
            visible_to: &[Audience::NoOne],
            retention: Retention::Brief("until the link is opened, at most 30 days"),
        },
    ),
    not_personal(
        "job_applications",
        "claim_expires_at",
        "expires the status link",
    ),
    personal(
        "job_applications",
        "access_hash",
        Personal {
            feature: Feature::Jobs,
            label: "Browser key (hashed)",
            purpose: "Lets the browser that opened your status link follow the application.",
            required: true,
            visible_to: &[Audience::NoOne],
            retention: AFTER_DECISION,
        },
    ),
    not_personal("job_applications", "submitted_at", DATES),
    not_personal("job_applications", "updated_at", DATES),
    not_personal("job_applications", "decided_at", DATES),
    not_personal("job_applications", "erased_at", DATES),
    // Pipeline events and notes.
    not_personal("job_application_events", "id", INTERNAL_KEY),
    not_personal("job_application_events", "application_id", INTERNAL_KEY),
    not_personal(
        "job_application_events",
        "status",
        "pipeline step; anonymous once the application is erased",
    ),
    personal(
        "job_application_events",
        "actor_id",
        Personal {
            feature: Feature::Jobs,
            label: "Recruiter who changed a status",
            purpose: "Keeps the pipeline accountable: who moved an application, and when.",
            required: true,
            visible_to: &[Audience::Recruiters],
            retention: Retention::UntilAccountDeleted,
        },
    ),
    not_personal(
        "job_application_events",
        "mailed",
        "whether the applicant was mailed",
    ),
    not_personal("job_application_events", "created_at", DATES),
    not_personal("job_application_notes", "id", INTERNAL_KEY),
    not_personal("job_application_notes", "application_id", INTERNAL_KEY),
    personal(
        "job_application_notes",
        "author_id",
        Personal {
            feature: Feature::Jobs,
            label: "Author of a recruiter's note",
            purpose: "Shows recruiters who wrote a note.",
            required: true,
            visible_to: &[Audience::Recruiters],
            retention: AFTER_DECISION,
        },
    ),
    personal(
        "job_application_notes",
        "body",
        Personal {
            feature: Feature::Jobs,
            label: "Recruiters' notes",
            purpose: "Recruiters' notes on an application, for deciding on it.",
            required: false,
            visible_to: &[Audience::Recruiters],
            retention: AFTER_DECISION,
        },
    ),
    not_personal("job_application_notes", "created_at", DATES),
    // A second application waiting for confirmation.
    personal(
        "job_application_updates",
        "token_hash",
        Personal {
            feature: Feature::Jobs,
            label: "Update confirmation link (hashed)",
            purpose: "Lets only the address that applied confirm a second application.",
            required: true,
            visible_to: &[Audience::NoOne],
            retention: UNTIL_CONFIRMED,
        },
    ),
    not_personal("job_application_updates", "application_id", INTERNAL_KEY),
    not_personal(
        "job_application_updates",
        "created_at",
        "expires the update after 48 hours",
    ),
];
