//! The contributor agreement's columns. A signature is a legal record,
//! kept for the life of the project; when the account is deleted, what
//! identifies the signer is erased or kept only as a keyed hash (see
//! `AGREEMENT_RECORD` in `owners.rs`), and the record stays.

use super::{Audience, Column, Feature, INTERNAL_KEY, Personal, Retention, not_personal, personal};

const TABLE: &str = "cla_signatures";
const READERS: &[Audience] = &[Audience::Owner, Audience::Admins];
const RECORD: Retention = Retention::LifeOfProject;
/// What identifies the signer goes with the account; the record stays.
const SIGNER: Retention = Retention::UntilAccountDeleted;

const fn field(
    column: &'static str,
    label: &'static str,
    purpose: &'static str,
    required: bool,
    visible_to: &'static [Audience],
    retention: Retention,
) -> Column {
    personal(
        TABLE,
        column,
        Personal {
            feature: Feature::Contributing,
            label,
            purpose,
            required,
            visible_to,
            retention,
        },
    )
}

const WHO: &str = "Identifies who granted the licence in the agreement.";
const CONTACT: &str = "Lets us reach you about your contributions; CI checks may look you up by it (they learn only whether you are covered).";
const LOGIN: &str = "Lets CI checks on your pull requests find your signature (they learn only whether you are covered).";
const FINDS: &str = "Finds the record whatever the case.";

const COVERED: &str = "cla_covered_contributors";
const CONFIRMATIONS: &str = "cla_email_confirmations";

pub const COLUMNS: &[Column] = &[
    not_personal(COVERED, "id", INTERNAL_KEY),
    not_personal(COVERED, "signature_id", INTERNAL_KEY),
    not_personal(COVERED, "kind", "GitHub login, email address or domain"),
    personal(
        COVERED,
        "value",
        Personal {
            feature: Feature::Contributing,
            label: "Covered by your employer's agreement (GitHub login or email address)",
            purpose: "Lets CI checks find contributors a company covers; the company's signer manages the list. A whole domain names no one.",
            required: false,
            visible_to: &[Audience::Admins],
            retention: RECORD,
        },
    ),
    personal(
        COVERED,
        "value_key",
        Personal {
            feature: Feature::Contributing,
            label: "Covered login or address, in lower case",
            purpose: FINDS,
            required: false,
            visible_to: &[Audience::NoOne],
            retention: RECORD,
        },
    ),
    not_personal(COVERED, "added_by", INTERNAL_KEY),
    not_personal(
        COVERED,
        "added_at",
        "when the company added the entry (the change log)",
    ),
    not_personal(COVERED, "removed_by", INTERNAL_KEY),
    not_personal(
        COVERED,
        "removed_at",
        "when the company took the entry off its list (the change log)",
    ),
    not_personal(COVERED, "approved_by", INTERNAL_KEY),
    not_personal(
        COVERED,
        "approved_at",
        "when the entry was approved to cover anyone (the change log)",
    ),
    not_personal(CONFIRMATIONS, "id", INTERNAL_KEY),
    not_personal(CONFIRMATIONS, "signature_id", INTERNAL_KEY),
    not_personal(
        CONFIRMATIONS,
        "token_hash",
        "hash of the single-use link that confirms a contact address",
    ),
    not_personal(CONFIRMATIONS, "created_at", "when the link was mailed"),
    not_personal(CONFIRMATIONS, "expires_at", "links work for 7 days"),
    not_personal(CONFIRMATIONS, "used_at", "links work once"),
    not_personal(
        "cla_webhook_deliveries",
        "delivery_id",
        "GitHub's id of a webhook delivery, to refuse replays",
    ),
    not_personal(
        "cla_webhook_deliveries",
        "received_at",
        "deliveries are forgotten after a week",
    ),
    not_personal(
        "cla_webhook_bodies",
        "body_sha256",
        "SHA-256 of a signed webhook body, to refuse replays under a new id",
    ),
    not_personal(
        "cla_webhook_bodies",
        "received_at",
        "fingerprints are forgotten after a week",
    ),
    not_personal(TABLE, "id", INTERNAL_KEY),
    not_personal(TABLE, "account_id", INTERNAL_KEY),
    not_personal(TABLE, "document_id", INTERNAL_KEY),
    not_personal(TABLE, "kind", "individual or corporate agreement"),
    not_personal(TABLE, "version", "the version signed"),
    not_personal(TABLE, "sha256", "fingerprint of the text signed"),
    field("full_name", "Full legal name", WHO, true, READERS, SIGNER),
    field(
        "email",
        "Contact email address",
        CONTACT,
        true,
        READERS,
        SIGNER,
    ),
    field(
        "email_key",
        "Contact email address, normalised",
        FINDS,
        true,
        &[Audience::NoOne],
        Retention::HashedAfterAccountDeleted,
    ),
    field(
        "postal_address",
        "Postal address",
        "Some agreements need it to identify the signer; optional otherwise.",
        false,
        READERS,
        Retention::UntilAccountDeleted,
    ),
    field(
        "github_login",
        "GitHub login",
        LOGIN,
        false,
        READERS,
        Retention::UntilAccountDeleted,
    ),
    field(
        "github_login_key",
        "GitHub login, in lower case",
        FINDS,
        false,
        &[Audience::NoOne],
        Retention::HashedAfterAccountDeleted,
    ),
    field(
        "company_name",
        "Company name (corporate agreement)",
        "Names the company that grants the licence.",
        false,
        READERS,
        RECORD,
    ),
    field(
        "signatory_title",
        "Signatory's title (corporate agreement)",
        "Shows the signer's authority to sign for the company.",
        false,
        READERS,
        RECORD,
    ),
    field(
        "signature",
        "Typed signature",
        "Your signature: the name you typed to sign.",
        true,
        READERS,
        SIGNER,
    ),
    field(
        "signed_at",
        "Time of signing",
        "When the licence was granted.",
        true,
        READERS,
        RECORD,
    ),
    field(
        "revoked_at",
        "Time of revocation",
        "From when the agreement no longer covers new contributions.",
        false,
        READERS,
        RECORD,
    ),
    field(
        "email_confirmed_at",
        "Time the contact address was confirmed",
        "Only a confirmed contact address counts for CI checks and gets the receipt.",
        false,
        READERS,
        RECORD,
    ),
    field(
        "revocation_reason",
        "Reason for revoking",
        "Explains the revocation on the record.",
        false,
        READERS,
        SIGNER,
    ),
];
