use serde::{Deserialize, Serialize};

/// The kinds of versioned document the portal publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    PrivacyPolicy,
    IndividualCla,
    CorporateCla,
}

impl DocumentKind {
    /// The value stored in `documents.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PrivacyPolicy => "privacy_policy",
            Self::IndividualCla => "individual_cla",
            Self::CorporateCla => "corporate_cla",
        }
    }
}

/// What publishing a version produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedVersion {
    pub version: i32,
    pub sha256: String,
}

/// One published version of a document, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedDocument {
    pub title: String,
    pub version: i32,
    /// `YYYY-MM-DD`, for `<time datetime>`.
    pub effective_date: String,
    /// For people, e.g. "29 November 2026".
    pub effective_date_label: String,
    /// Lowercase hex SHA-256 of the stored Markdown text.
    pub sha256: String,
    /// The text rendered from Markdown and sanitised on the server.
    pub html: String,
}

/// How a line of a document changed from one version to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineChange {
    Same,
    Added,
    Removed,
}

/// One line of a diff between two versions of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    pub change: LineChange,
    pub text: String,
}
