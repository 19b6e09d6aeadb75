//! Shared types of the contributor agreement feature.

use serde::{Deserialize, Serialize};

use crate::documents::PublishedDocument;

/// Id of a signature record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SignatureId(pub i64);

/// The public agreement page: the text in force, what changed, and the
/// visitor's own standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementOverview {
    pub agreement: PublishedDocument,
    /// Signing asks for a postal address.
    pub requires_address: bool,
    /// Changes against the previous version, if there is one.
    pub changes: Option<Changes>,
    /// The signed-in member's view; `None` for visitors.
    pub me: Option<MyAgreement>,
}

/// A line diff of one version against the one before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    pub previous_version: i32,
    /// Whether this version asked signers to sign again.
    pub material: bool,
    /// Changed lines with a little context; `None` separates the hunks.
    pub lines: Vec<Option<DiffLine>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineChange {
    Same,
    Added,
    Removed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    pub change: LineChange,
    pub text: String,
}

/// What the signing form starts with, and the member's signatures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyAgreement {
    /// Only members with a confirmed address may sign.
    pub verified: bool,
    /// The account's address: the default contact address.
    pub email: String,
    /// The login of the member's linked GitHub account, if any.
    pub github_login: Option<String>,
    /// Whether a signature covers the member's contributions now.
    pub covered: bool,
    pub signatures: Vec<MySignature>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MySignature {
    pub id: SignatureId,
    pub version: i32,
    pub signed: String,
    pub standing: Standing,
}

/// Where a signature stands today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Standing {
    /// Covers contributions (the version, or an editorial successor, is in force).
    Valid,
    /// A material change followed: sign the new version.
    Superseded,
    /// Revoked on this date, for future contributions.
    Revoked(String),
}

/// The printable record of one signature, for its signer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub id: SignatureId,
    pub agreement: String,
    pub version: i32,
    pub sha256: String,
    pub effective: String,
    pub full_name: String,
    pub email: String,
    pub postal_address: Option<String>,
    pub github_login: Option<String>,
    pub signature: String,
    /// UTC, to the second.
    pub signed_at: String,
    pub revoked: Option<(String, String)>,
}

/// The answer of the status API for CI bots. Nothing in it is personal:
/// the caller sent the login or address it asks about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageStatus {
    pub covered: bool,
    /// The agreement that covers, e.g. "individual".
    pub agreement: Option<String>,
    pub version: Option<i32>,
    /// `individual` or `corporate`.
    pub via: Option<String>,
}

/// A full name or typed signature as compared: case and spacing aside.
pub fn signature_matches(full_name: &str, signature: &str) -> bool {
    let normal = |text: &str| {
        text.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    !normal(full_name).is_empty() && normal(full_name) == normal(signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_the_full_name_whatever_the_case_and_spacing() {
        assert!(signature_matches("Ada Lovelace", "  ada   LOVELACE "));
        assert!(!signature_matches("Ada Lovelace", "Ada"));
        assert!(!signature_matches("", ""));
    }
}
