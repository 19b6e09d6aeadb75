//! What the portal holds about one member, as the "Your data" page shows it
//! and the download writes it: features, their tables, each table's fields
//! and the member's rows.

use serde::{Deserialize, Serialize};

/// Everything held about the signed-in member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberData {
    pub username: String,
    /// The day it was read, for people ("4 December 2026").
    pub generated_at: String,
    /// In manifest order; features without a row are left out.
    pub features: Vec<HeldFeature>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldFeature {
    /// "Account", "Forum" …
    pub name: String,
    pub tables: Vec<HeldTable>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldTable {
    /// The table's name in the database, e.g. `forum_posts`.
    pub table: String,
    pub fields: Vec<HeldField>,
    /// One value per field, in field order; `None` where nothing is set.
    pub rows: Vec<Vec<Option<String>>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldField {
    /// The column's name in the database.
    pub column: String,
    /// What it is, for people, from the manifest.
    pub label: String,
}

impl HeldTable {
    /// `forum_posts` as "Forum posts".
    pub fn title(&self) -> String {
        let words = self.table.replace('_', " ");
        let mut chars = words.chars();
        chars
            .next()
            .map(|first| first.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_titled_for_people() {
        let table = HeldTable {
            table: "forum_report_flags".to_owned(),
            fields: Vec::new(),
            rows: Vec::new(),
        };
        assert_eq!(table.title(), "Forum report flags");
    }
}
