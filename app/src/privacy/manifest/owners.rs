//! Whose rows are whose: for every table with a personal field, how the
//! rows about one member are found, and what deleting the account does to
//! them. The data export and the account erasure are generated from this
//! list and the columns above it, so a new personal column is exported and
//! erased without new code; a test fails on a table with personal fields
//! that is in neither [`OWNED`] nor [`NOT_ONE_MEMBERS`].

/// How the rows about one member are found in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    /// `column` holds the member's account id.
    Account(&'static str),
    /// `column` holds the member's normalised email address: records made
    /// without signing in, such as job applications.
    EmailKey(&'static str),
    /// `column` holds the `id` of a row of `parent` that is the member's.
    Through {
        column: &'static str,
        parent: &'static str,
    },
}

/// What deleting the account does to the member's rows of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnErase {
    /// The rows are deleted.
    Delete,
    /// The rows stay, no longer linked to the account; the text says why,
    /// for the deletion page.
    Keep(&'static str),
}

/// The rows of one table that are about a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owned {
    pub table: &'static str,
    pub rows: Rows,
    /// Personal columns of these rows that are about someone else (the
    /// recruiter who wrote a note, the moderator who closed a report):
    /// never exported to the member.
    pub others: &'static [&'static str],
    pub on_erase: OnErase,
}

const fn owned(table: &'static str, rows: Rows, on_erase: OnErase) -> Owned {
    Owned {
        table,
        rows,
        others: &[],
        on_erase,
    }
}

const fn by_account(table: &'static str, column: &'static str) -> Owned {
    owned(table, Rows::Account(column), OnErase::Delete)
}

const fn through(column: &'static str, parent: &'static str) -> Rows {
    Rows::Through { column, parent }
}

const POSTS_STAY: OnErase =
    OnErase::Keep("Your posts stay in their threads, shown without your name.");
const AGREEMENTS_STAY: OnErase = OnErase::Keep(
    "Signed contributor agreements are legal records of the project and stay, no longer linked to an account.",
);
const APPLICATIONS_STAY: OnErase = OnErase::Keep(
    "Job applications are not part of the account: withdraw one from its page, or it is erased after the decision as the policy says.",
);
const REQUESTS_STAY: OnErase = OnErase::Keep(
    "Privacy requests you sent stay as the record of how we answered them, and are deleted a year after the answer.",
);
const LOG_STAYS: OnErase = OnErase::Keep(
    "The administrators' record of permission changes keeps the account's number, which no longer leads to anyone.",
);

/// Every table with rows about one member, parents before the tables
/// that point at them.
pub const OWNED: &[Owned] = &[
    owned("accounts", Rows::Account("id"), OnErase::Delete),
    by_account("account_roles", "account_id"),
    by_account("username_reservations", "account_id"),
    by_account("sessions", "account_id"),
    by_account("account_tokens", "account_id"),
    by_account("consents", "account_id"),
    by_account("second_factors", "account_id"),
    by_account("recovery_codes", "account_id"),
    by_account("pending_sign_ins", "account_id"),
    by_account("account_identities", "account_id"),
    by_account("sign_in_flows", "account_id"),
    by_account("mail_subscriptions", "account_id"),
    by_account("mail_unsubscribe_tokens", "account_id"),
    owned("audit_log", Rows::Account("target_id"), LOG_STAYS),
    owned("forum_threads", Rows::Account("author_id"), POSTS_STAY),
    owned("forum_posts", Rows::Account("author_id"), POSTS_STAY),
    owned(
        "forum_post_revisions",
        through("post_id", "forum_posts"),
        POSTS_STAY,
    ),
    Owned {
        others: &["resolved_by"],
        ..owned(
            "forum_reports",
            through("post_id", "forum_posts"),
            POSTS_STAY,
        )
    },
    by_account("forum_reads", "account_id"),
    by_account("notifications", "account_id"),
    by_account("forum_report_flags", "reporter_id"),
    by_account("member_sanctions", "account_id"),
    owned(
        "cla_signatures",
        Rows::Account("account_id"),
        AGREEMENTS_STAY,
    ),
    owned(
        "cla_covered_contributors",
        through("signature_id", "cla_signatures"),
        AGREEMENTS_STAY,
    ),
    owned(
        "job_applications",
        Rows::EmailKey("email_key"),
        APPLICATIONS_STAY,
    ),
    Owned {
        others: &["actor_id"],
        ..owned(
            "job_application_events",
            through("application_id", "job_applications"),
            APPLICATIONS_STAY,
        )
    },
    Owned {
        others: &["author_id"],
        ..owned(
            "job_application_notes",
            through("application_id", "job_applications"),
            APPLICATIONS_STAY,
        )
    },
    owned(
        "job_application_updates",
        through("application_id", "job_applications"),
        APPLICATIONS_STAY,
    ),
    Owned {
        others: &["assignee_id"],
        ..owned(
            "privacy_requests",
            Rows::EmailKey("email_key"),
            REQUESTS_STAY,
        )
    },
    Owned {
        others: &["actor_id"],
        ..owned(
            "privacy_request_events",
            through("request_id", "privacy_requests"),
            REQUESTS_STAY,
        )
    },
];

/// Tables with personal fields whose rows are not about one known member,
/// and why they are neither exported nor erased with an account.
pub const NOT_ONE_MEMBERS: &[(&str, &str)] = &[
    (
        "retired_usernames",
        "keyed hashes of deleted accounts' usernames, which lead to no account and cannot be read back",
    ),
    (
        "mail_outbox",
        "mail waiting to be sent, erased once it is; unsent mail to a deleted account's address is erased with it",
    ),
    (
        "rate_limits",
        "keyed hashes of addresses and names, which cannot be traced back to anyone",
    ),
    (
        "registration_holds",
        "made by whoever typed an address into the registration form, not necessarily its owner; erased after 48 hours",
    ),
    (
        "forum_search",
        "the search index: a copy of each post's text, which goes with the post; the posts themselves are in the download",
    ),
    (
        "moderation_log",
        "the moderators' record of their own actions; what it says about a member is exported with their posts and sanctions",
    ),
];

/// The entry of `table`, if its rows belong to members.
pub fn owner_of(table: &str) -> Option<&'static Owned> {
    OWNED.iter().find(|owned| owned.table == table)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::privacy::manifest::{lookup, personal_fields};

    #[test]
    fn every_table_with_personal_fields_says_whose_rows_are_whose() {
        let tables: BTreeSet<&str> = personal_fields().map(|(entry, _)| entry.table).collect();
        for table in &tables {
            let owned = owner_of(table).is_some();
            let shared = NOT_ONE_MEMBERS.iter().any(|(name, _)| name == table);
            assert!(
                owned ^ shared,
                "{table}: list it once, in OWNED or in NOT_ONE_MEMBERS"
            );
        }
        for owned in OWNED {
            assert!(
                tables.contains(owned.table),
                "{} has no personal field",
                owned.table
            );
        }
    }

    #[test]
    fn owners_name_columns_the_manifest_has_and_parents_listed_before() {
        for (at, owned) in OWNED.iter().enumerate() {
            let (column, parent) = match owned.rows {
                Rows::Account(column) | Rows::EmailKey(column) => (column, None),
                Rows::Through { column, parent } => (column, Some(parent)),
            };
            assert!(
                lookup(owned.table, column).is_some(),
                "{}.{column} is not in the manifest",
                owned.table
            );
            if let Some(parent) = parent {
                let before = OWNED[..at].iter().any(|entry| entry.table == parent);
                assert!(before, "{}: {parent} must come first", owned.table);
            }
            for other in owned.others {
                assert!(
                    lookup(owned.table, other).is_some(),
                    "{}.{other} is not in the manifest",
                    owned.table
                );
            }
        }
    }
}
