//! Personal data kept in files rather than in the database.

use super::{Feature, Retention};

/// A kind of file the server writes, and how long it is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredFile {
    pub feature: Feature,
    pub label: &'static str,
    /// The setting naming the folder.
    pub folder_setting: &'static str,
    pub retention: Retention,
}

/// Every kind of file holding personal data. (Résumés are covered by the
/// job application rows that point to them: see [`FILE_COLUMNS`].)
pub const FILES: &[StoredFile] = &[
    StoredFile {
        feature: Feature::Accounts,
        label: "Mail to you, written as an .eml file when no mail server is configured",
        folder_setting: "PORTAL_MAIL_DIR",
        retention: Retention::DaysAfter(7, "the file is written"),
    },
    StoredFile {
        feature: Feature::Accounts,
        label: "Archive of your data that you asked for (a zip file)",
        folder_setting: "PORTAL_UPLOAD_DIR",
        retention: super::requests::ARCHIVE,
    },
];

/// Columns that hold the key of a file in the file store, and the column
/// saying what kind of file it is (its extension): a member's archive
/// carries these files beside the rows that name them.
pub const FILE_COLUMNS: &[(&str, &str, &str)] =
    &[("job_applications", "resume_key", "resume_kind")];

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn mail_files_are_deleted_when_the_manifest_says() {
        assert_eq!(
            FILES[0].retention,
            Retention::DaysAfter(
                u32::try_from(crate::ssr::mail::KEEP_SENT.whole_days()).unwrap_or_default(),
                "the file is written"
            )
        );
    }
}
