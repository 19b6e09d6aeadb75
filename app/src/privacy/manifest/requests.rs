//! The columns of privacy requests. A request is made without an account:
//! it is found by the sender's confirmed address, answered within 30 days
//! and deleted, with its log, a year after it was answered (or 48 hours
//! after it was sent, if the address was never confirmed).

use super::{Audience, Column, Feature, INTERNAL_KEY, Personal, Retention, not_personal, personal};

const READERS: &[Audience] = &[Audience::Owner, Audience::PrivacyTeam];
const KEPT: Retention = Retention::DaysAfter(
    365,
    "the request is answered (48 hours after it is sent, if you never confirm your address)",
);
const HANDLING: &str = "how and when the request was handled";

const ARCHIVES: &str = "data_archives";
/// An archive and its record go a day after it is ready, downloaded or not.
pub const ARCHIVE: Retention = Retention::DaysAfter(
    1,
    "the archive is ready (the file itself as soon as you download it)",
);

const fn field(
    table: &'static str,
    column: &'static str,
    label: &'static str,
    purpose: &'static str,
    required: bool,
    visible_to: &'static [Audience],
) -> Column {
    personal(
        table,
        column,
        Personal {
            feature: Feature::PrivacyRequests,
            label,
            purpose,
            required,
            visible_to,
            retention: KEPT,
        },
    )
}

pub const COLUMNS: &[Column] = &[
    not_personal("privacy_requests", "id", INTERNAL_KEY),
    not_personal("privacy_requests", "kind", "what the request asks for"),
    not_personal("privacy_requests", "status", HANDLING),
    field(
        "privacy_requests",
        "name",
        "Your name",
        "Lets us address you and find data kept under your name.",
        false,
        READERS,
    ),
    field(
        "privacy_requests",
        "email",
        "Email address",
        "Lets us confirm that the address is yours, answer you and find the data held under it.",
        true,
        READERS,
    ),
    field(
        "privacy_requests",
        "email_key",
        "Email address (normalised)",
        "Finds the requests made with your address, whatever its spelling.",
        true,
        &[Audience::NoOne],
    ),
    field(
        "privacy_requests",
        "account_name",
        "Username of the account concerned",
        "Finds the account a request is about, such as a child's.",
        false,
        READERS,
    ),
    field(
        "privacy_requests",
        "details",
        "Your request",
        "Tells us what you ask for.",
        true,
        READERS,
    ),
    personal(
        "privacy_requests",
        "token_hash",
        Personal {
            feature: Feature::PrivacyRequests,
            label: "Confirmation link (hashed)",
            purpose: "Proves that the address is yours when you open the mailed link.",
            required: true,
            visible_to: &[Audience::NoOne],
            retention: Retention::Brief("until you confirm your address, at most 48 hours"),
        },
    ),
    field(
        "privacy_requests",
        "assignee_id",
        "Staff member handling it",
        "Tells the privacy team who is answering the request.",
        false,
        &[Audience::PrivacyTeam],
    ),
    not_personal("privacy_requests", "created_at", HANDLING),
    not_personal("privacy_requests", "confirmed_at", HANDLING),
    not_personal("privacy_requests", "due_at", HANDLING),
    not_personal("privacy_requests", "closed_at", HANDLING),
    not_personal("privacy_requests", "updated_at", HANDLING),
    not_personal("privacy_request_events", "id", INTERNAL_KEY),
    not_personal("privacy_request_events", "request_id", INTERNAL_KEY),
    field(
        "privacy_request_events",
        "actor_id",
        "Staff member who acted",
        "Records who handled each step of the request.",
        false,
        &[Audience::PrivacyTeam],
    ),
    not_personal("privacy_request_events", "action", HANDLING),
    not_personal("privacy_request_events", "status", HANDLING),
    field(
        "privacy_request_events",
        "note",
        "Messages and internal notes",
        "The messages mailed to you with each answer, and the privacy team's notes on your request.",
        false,
        READERS,
    ),
    not_personal("privacy_request_events", "mailed", HANDLING),
    not_personal("privacy_request_events", "created_at", HANDLING),
    // Archives of a member's data (`privacy::ssr::archive`).
    not_personal(ARCHIVES, "id", INTERNAL_KEY),
    not_personal(ARCHIVES, "account_id", INTERNAL_KEY),
    personal(
        ARCHIVES,
        "requested_at",
        Personal {
            feature: Feature::Accounts,
            label: "Time you asked for an archive of your data",
            purpose: "Builds the archive you asked for, and limits how often one is built.",
            required: true,
            visible_to: &[Audience::Owner],
            retention: ARCHIVE,
        },
    ),
    not_personal(
        ARCHIVES,
        "claimed_at",
        "when a server began building the archive, so that only one does",
    ),
    not_personal(
        ARCHIVES,
        "file_key",
        "random name of the archive file in the file store",
    ),
    not_personal(
        ARCHIVES,
        "token_hash",
        "hash of the single-use download link",
    ),
    not_personal(ARCHIVES, "ready_at", "when the link was mailed"),
    not_personal(ARCHIVES, "expires_at", "links work for 24 hours"),
    not_personal(ARCHIVES, "downloaded_at", "links work once"),
];
