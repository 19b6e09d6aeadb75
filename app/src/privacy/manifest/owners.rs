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
    /// Either: `account` holds the member's account id, or `email_key`
    /// their normalised address (a newsletter sign-up made without
    /// signing in).
    AccountOrEmailKey {
        account: &'static str,
        email_key: &'static str,
    },
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
    /// The rows stay as a record with less in them: each listed column is
    /// changed as it says, and the rest of the row is what the record
    /// keeps. The text says why, for the deletion page.
    Reduce {
        why: &'static str,
        columns: &'static [(&'static str, Reduce)],
    },
}

impl OnErase {
    /// Why the rows stay, when they do.
    pub fn why_kept(&self) -> Option<&'static str> {
        match self {
            Self::Delete => None,
            Self::Keep(why) | Self::Reduce { why, .. } => Some(why),
        }
    }
}

/// What erasing an account does to one column of a row that stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduce {
    /// Emptied: NULL, or the empty text where the column is required.
    Empty,
    /// Replaced by a keyed hash of its value, which cannot be read back
    /// but proves a value someone gives later (`portal cla-record`).
    KeyedHash,
    /// Set to the time of the erasure where it is empty, on the rows whose
    /// column `.0` holds `.1`: an agreement that ends with the account.
    EndWhere(&'static str, &'static str),
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
    /// Columns that are not personal but that a person needs to read the
    /// row (which version of which document was accepted or signed):
    /// exported with it. A column pointing to a named row (`document_id`,
    /// `list_id`) is exported as that row's name.
    pub context: &'static [&'static str],
    pub on_erase: OnErase,
}

const fn owned(table: &'static str, rows: Rows, on_erase: OnErase) -> Owned {
    Owned {
        table,
        rows,
        others: &[],
        context: &[],
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
const COMPANY_LISTS_STAY: OnErase = OnErase::Keep(
    "The list of contributors a company's agreement covers stays with the company's agreement.",
);
/// A signed agreement is the project's legal record of a licence: it
/// keeps what proves the grant (which text, when, for which company) and a
/// keyed hash of the address and login to match a claim against; the
/// signer's name, address and words go. An individual agreement ends with
/// the account; a company's goes on without the person who signed it.
const AGREEMENT_RECORD: OnErase = OnErase::Reduce {
    why: "Signed contributor agreements stay as the project's legal record with only the agreement's version and fingerprint, the time, the company (if any) and a keyed hash of your address and GitHub login; your name, postal address and typed signature are erased, and an individual agreement stops covering new contributions.",
    columns: &[
        ("full_name", Reduce::Empty),
        ("email", Reduce::Empty),
        ("email_key", Reduce::KeyedHash),
        ("postal_address", Reduce::Empty),
        ("github_login", Reduce::Empty),
        ("github_login_key", Reduce::KeyedHash),
        ("signature", Reduce::Empty),
        ("revoked_at", Reduce::EndWhere("kind", "individual")),
        ("revocation_reason", Reduce::Empty),
    ],
};
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
    Owned {
        context: &["document_id", "document_version", "document_sha256"],
        ..by_account("consents", "account_id")
    },
    by_account("second_factors", "account_id"),
    by_account("recovery_codes", "account_id"),
    by_account("pending_sign_ins", "account_id"),
    by_account("account_identities", "account_id"),
    by_account("sign_in_flows", "account_id"),
    owned(
        "mail_subscribers",
        Rows::AccountOrEmailKey {
            account: "account_id",
            email_key: "email_key",
        },
        OnErase::Delete,
    ),
    owned(
        "mail_subscriber_links",
        through("subscriber_id", "mail_subscribers"),
        OnErase::Delete,
    ),
    owned(
        "mail_list_subscriptions",
        through("subscriber_id", "mail_subscribers"),
        OnErase::Delete,
    ),
    owned(
        "mail_list_unsubscribe_tokens",
        through("subscriber_id", "mail_subscribers"),
        OnErase::Delete,
    ),
    by_account("data_archives", "account_id"),
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
    Owned {
        context: &["document_id", "kind", "version", "sha256"],
        ..owned(
            "cla_signatures",
            Rows::Account("account_id"),
            AGREEMENT_RECORD,
        )
    },
    owned(
        "cla_covered_contributors",
        through("signature_id", "cla_signatures"),
        COMPANY_LISTS_STAY,
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
        "mail_suppressions",
        "keyed hashes of addresses that asked never to be mailed again, which cannot be read back; a member lifts theirs by joining a list again",
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
    use crate::privacy::manifest::{Retention, lookup, personal_fields};

    #[test]
    fn a_reduced_record_empties_what_goes_with_the_account_and_keeps_the_rest() {
        for owned in OWNED {
            let columns = match owned.on_erase {
                OnErase::Reduce { columns, .. } => columns,
                _ => &[],
            };
            for (column, _) in columns {
                assert!(
                    lookup(owned.table, column).is_some(),
                    "{}.{column} is not in the manifest",
                    owned.table
                );
            }
            let fields = personal_fields().filter(|(entry, _)| entry.table == owned.table);
            for (entry, field) in fields {
                let how = columns
                    .iter()
                    .find(|(column, _)| *column == entry.column)
                    .map(|(_, how)| *how);
                let reduced = !columns.is_empty();
                let column = format!("{}.{}", entry.table, entry.column);
                match field.retention {
                    Retention::UntilAccountDeleted | Retention::UntilChangedOrAccountDeleted
                        if reduced =>
                    {
                        assert_eq!(how, Some(Reduce::Empty), "{column} goes with the account");
                    }
                    Retention::HashedAfterAccountDeleted => {
                        assert_eq!(how, Some(Reduce::KeyedHash), "{column} is hashed");
                    }
                    _ => assert!(
                        matches!(how, None | Some(Reduce::EndWhere(..))),
                        "{column} is kept, so the erasure must not empty it"
                    ),
                }
            }
        }
    }

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
            let (columns, parent) = match owned.rows {
                Rows::Account(column) | Rows::EmailKey(column) => (vec![column], None),
                Rows::AccountOrEmailKey { account, email_key } => (vec![account, email_key], None),
                Rows::Through { column, parent } => (vec![column], Some(parent)),
            };
            for column in columns {
                assert!(
                    lookup(owned.table, column).is_some(),
                    "{}.{column} is not in the manifest",
                    owned.table
                );
            }
            if let Some(parent) = parent {
                let before = OWNED[..at].iter().any(|entry| entry.table == parent);
                assert!(before, "{}: {parent} must come first", owned.table);
            }
            for context in owned.context {
                assert!(
                    matches!(
                        lookup(owned.table, context).map(|entry| entry.class),
                        Some(crate::privacy::manifest::Class::NotPersonal(_))
                    ),
                    "{}.{context}: context columns are in the manifest, not personal",
                    owned.table
                );
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
