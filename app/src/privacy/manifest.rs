//! The data manifest (promise P6, docs/promises.md): every column of every table, classified.
//!
//! A column is either personal — with the feature that collects it, its
//! purpose, whether it is required, who may see it and how long it is kept —
//! or not personal, with the reason why. The privacy page and the job
//! application form are generated from this table, and so are a member's
//! data download and the erasure of an account (through [`OWNED`]; the
//! retention purges are still written by each feature). The test suite
//! fails on any column of the live schema that is missing here, or any
//! entry here that the schema no longer has.

use std::fmt;

pub use files::{FILE_COLUMNS, FILES, StoredFile};
pub use jobs::APPLICATION_KEEPS;
pub use owners::{NOT_ONE_MEMBERS, OWNED, OnErase, Owned, Reduce, Rows, owner_of};

mod cla;
mod files;
mod forum;
mod identities;
mod jobs;
mod owners;
mod requests;

/// The feature a personal field belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Feature {
    Accounts,
    Forum,
    Contributing,
    Jobs,
    Newsletter,
    Insights,
    PrivacyRequests,
    Moderation,
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Accounts => "Account",
            Self::Forum => "Forum",
            Self::Contributing => "Contributing (CLA)",
            Self::Jobs => "Job applications",
            Self::Newsletter => "Newsletter",
            Self::Insights => "Site statistics",
            Self::PrivacyRequests => "Privacy requests",
            Self::Moderation => "Moderation",
        })
    }
}

/// Who may see a personal field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anyone, including visitors without an account.
    Public,
    /// The person the field is about.
    Owner,
    Moderators,
    Recruiters,
    Admins,
    /// Staff with the privacy role, and administrators.
    PrivacyTeam,
    /// Only the software itself (hashes, normalised keys).
    NoOne,
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Public => "everyone",
            Self::Owner => "you",
            Self::Moderators => "moderators",
            Self::Recruiters => "recruiters",
            Self::Admins => "administrators",
            Self::PrivacyTeam => "the privacy team",
            Self::NoOne => "no one (used by the software only)",
        })
    }
}

/// How long a personal field is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// Until the member deletes the account (or it is deleted for them).
    UntilAccountDeleted,
    /// Replaced whenever the member changes it; gone with the account.
    UntilChangedOrAccountDeleted,
    /// A number of days after the event named.
    DaysAfter(u32, &'static str),
    /// Days after the event named, as the operator configures them
    /// (`PORTAL_APPLICATION_RETENTION_DAYS`); the number is the default.
    ConfiguredDaysAfter(u32, &'static str),
    /// As long as the project exists (legal records such as signed CLAs).
    LifeOfProject,
    /// For the life of the project, but only as a keyed hash once the
    /// account is deleted: enough to match a claim, not to read back.
    HashedAfterAccountDeleted,
    /// Until you sign out or the session expires (at most 30 days).
    SessionEnd,
    /// List mail: until the subscriber leaves every list (or deletes the
    /// account), or 7 days for a sign-up nobody confirmed.
    UntilUnsubscribed,
    /// Moments only; the text says how long.
    Brief(&'static str),
    /// Public posts: kept while the forum exists; deleting the account
    /// removes the name from them, not the text.
    KeptAnonymised,
}

impl fmt::Display for Retention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UntilAccountDeleted => f.write_str("until you delete your account"),
            Self::UntilChangedOrAccountDeleted => {
                f.write_str("until you change it or delete your account")
            }
            Self::DaysAfter(days, event) | Self::ConfiguredDaysAfter(days, event) => {
                write!(f, "{days} days after {event}")
            }
            Self::LifeOfProject => f.write_str("for the life of the project"),
            Self::HashedAfterAccountDeleted => f.write_str(
                "for the life of the project; once you delete your account, only as a keyed hash that cannot be read back",
            ),
            Self::Brief(text) => f.write_str(text),
            Self::KeptAnonymised => f.write_str(
                "while the forum exists; if you delete your account, your posts stay without your name",
            ),
            Self::SessionEnd => {
                f.write_str("until you sign out or the session expires (at most 30 days)")
            }
            Self::UntilUnsubscribed => f.write_str(
                "until you leave every list or delete your account; 7 days if the address is never confirmed",
            ),
        }
    }
}

impl Retention {
    /// The retention as people read it, with the operator's settings.
    pub fn describe(&self, settings: &RetentionSettings) -> String {
        match self {
            Self::ConfiguredDaysAfter(_, event) => {
                format!("{} days after {event}", settings.application_days)
            }
            other => other.to_string(),
        }
    }
}

/// Retention periods the operator may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RetentionSettings {
    /// Days after a final decision before a job application is erased.
    pub application_days: u32,
}

/// A personal field: why it exists and how it is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Personal {
    pub feature: Feature,
    /// A name for people, e.g. "Email address".
    pub label: &'static str,
    pub purpose: &'static str,
    pub required: bool,
    pub visible_to: &'static [Audience],
    pub retention: Retention,
}

/// How one column is classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Personal(Personal),
    /// Not about a person; the text says why.
    NotPersonal(&'static str),
}

/// One column of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub table: &'static str,
    pub column: &'static str,
    pub class: Class,
    /// The column exists only in PostgreSQL's schema (where its engine
    /// needs it), not in SQLite's.
    pub postgres_only: bool,
}

impl Column {
    /// The same column, present on PostgreSQL only.
    pub(super) const fn on_postgres_only(self) -> Column {
        Column {
            postgres_only: true,
            ..self
        }
    }
}

pub(super) const fn not_personal(
    table: &'static str,
    column: &'static str,
    why: &'static str,
) -> Column {
    Column {
        table,
        column,
        class: Class::NotPersonal(why),
        postgres_only: false,
    }
}

pub(super) const fn personal(table: &'static str, column: &'static str, field: Personal) -> Column {
    Column {
        table,
        column,
        class: Class::Personal(field),
        postgres_only: false,
    }
}

pub(super) const INTERNAL_KEY: &str = "internal identifier, meaningless outside the database";
const SCHEMA: &str = "schema bookkeeping";
const PUBLISHED: &str = "published document text and metadata";
const MAIL_LIST: &str = "a mail list, as the site describes it to everyone";
const CAMPAIGN: &str =
    "a newsletter the administrators wrote to a list, the same for everyone on it";
const CAMPAIGN_COUNT: &str = "how many mails of a campaign were queued, sent, given up, opened or clicked: counts per campaign, never per person";

/// Mailed links: kept a week after they were used or expired.
const SPENT_LINK: Retention = Retention::DaysAfter(7, "the link is used or expires");

/// Text of queued mail: it carries live links, so it goes once sent.
const OUTBOX_TEXT: Retention =
    Retention::Brief("until the mail is sent (or given up after its last retry), then erased");

/// Every column of every table, one section per feature.
pub const MANIFEST: &[&[Column]] = &[
    CORE,
    identities::COLUMNS,
    cla::COLUMNS,
    forum::COLUMNS,
    jobs::OTHERS,
    &jobs::APPLICATION_FIELDS,
    &jobs::UPDATE_FIELDS,
    requests::COLUMNS,
    INSIGHTS,
    CALL_HOME,
];

const PAGE_VIEW: &str = "a page view's non-identifying facts (path without the query but for utm_ tags, referring host, browser and OS family, device class, primary language, the minute); no address, user agent, cookie or account; deleted after PORTAL_INSIGHTS_KEEP_DAYS (30 by default)";
const VISITOR_HASH: &str = "HMAC of the site, address and user agent with a salt of the day; the salt is derived from the day's seed with the server key (never in the database) and gone with the seed when the day is over, after which the hash leads back to no one; deleted with the view";
const DAY_SUMMARY: &str = "a day's counts of the visit statistics, in total and per page, referrer, browser, system, device and language; no visitor hash; kept for years";
const SALT_SEED: &str = "a random value per day from which, with the server key, the day's salt is derived; deleted when its day is over";

/// Visit statistics: nothing here names or leads to a person.
const INSIGHTS: &[Column] = &[
    not_personal("insight_page_views", "id", INTERNAL_KEY),
    not_personal("insight_page_views", "at", PAGE_VIEW),
    not_personal("insight_page_views", "path", PAGE_VIEW),
    not_personal("insight_page_views", "referrer_host", PAGE_VIEW),
    not_personal("insight_page_views", "browser", PAGE_VIEW),
    not_personal("insight_page_views", "browser_version", PAGE_VIEW),
    not_personal("insight_page_views", "os", PAGE_VIEW),
    not_personal("insight_page_views", "device", PAGE_VIEW),
    not_personal("insight_page_views", "language", PAGE_VIEW),
    not_personal("insight_page_views", "country", PAGE_VIEW),
    not_personal("insight_page_views", "visitor", VISITOR_HASH),
    not_personal("insight_days", "day", DAY_SUMMARY),
    not_personal("insight_days", "visitors", DAY_SUMMARY),
    not_personal("insight_days", "views", DAY_SUMMARY),
    not_personal("insight_days", "visits", DAY_SUMMARY),
    not_personal("insight_days", "bounces", DAY_SUMMARY),
    not_personal("insight_days", "visit_seconds", DAY_SUMMARY),
    not_personal("insight_day_counts", "dimension", DAY_SUMMARY),
    not_personal("insight_day_counts", "day", DAY_SUMMARY),
    not_personal("insight_day_counts", "value", DAY_SUMMARY),
    not_personal("insight_day_counts", "visitors", DAY_SUMMARY),
    not_personal("insight_day_counts", "views", DAY_SUMMARY),
    not_personal("insight_seeds", "day", SALT_SEED),
    not_personal("insight_seeds", "seed", SALT_SEED),
];

const RELEASE: &str = "a product's release as the company publishes it (version, channel, date, notes address, security flag)";
const CHECK_COUNT: &str = "how many update checks came in a day for a product, version, channel, system and architecture: counts only, nothing of a single check; deleted after 104 weeks";
const USAGE_REPORT: &str = "what one install of a product reported in a week (version, system, architecture, the day of its last report); deleted after 104 weeks";
const INSTALL_HASH: &str = "keyed hash of the product, the week and the random id the install made for itself; the key is derived from the server key (never in the database), and the week in it keeps one week's installs from being linked to another's; deleted with the report";
const PUBLISHED_REPORT: &str = "a month's usage report as published: counts only, none under 10 visitors or installs; kept as published";
const USAGE_COUNT: &str = "servers of a type an install manages, or occurrences of a problem code it met (no message): counts only; deleted with the report";

/// Call home: what the company's products ask and report. The installs
/// are machines, known by a hash that changes every week; nothing here
/// names or leads to a person.
const CALL_HOME: &[Column] = &[
    not_personal("release_products", "id", INTERNAL_KEY),
    not_personal("release_products", "slug", RELEASE),
    not_personal("release_products", "name", RELEASE),
    not_personal("release_products", "channels", RELEASE),
    not_personal("release_products", "created_at", RELEASE),
    not_personal("releases", "id", INTERNAL_KEY),
    not_personal("releases", "product_id", INTERNAL_KEY),
    not_personal("releases", "version", RELEASE),
    not_personal("releases", "channel", RELEASE),
    not_personal("releases", "released_on", RELEASE),
    not_personal("releases", "notes_url", RELEASE),
    not_personal("releases", "security", RELEASE),
    not_personal("releases", "created_at", RELEASE),
    not_personal("update_check_counts", "product_id", INTERNAL_KEY),
    not_personal("update_check_counts", "day", CHECK_COUNT),
    not_personal("update_check_counts", "version", CHECK_COUNT),
    not_personal("update_check_counts", "channel", CHECK_COUNT),
    not_personal("update_check_counts", "os", CHECK_COUNT),
    not_personal("update_check_counts", "arch", CHECK_COUNT),
    not_personal("update_check_counts", "checks", CHECK_COUNT),
    not_personal("usage_reports", "id", INTERNAL_KEY),
    not_personal("usage_reports", "product_id", INTERNAL_KEY),
    not_personal("usage_reports", "week", USAGE_REPORT),
    not_personal("usage_reports", "install", INSTALL_HASH),
    not_personal("usage_reports", "version", USAGE_REPORT),
    not_personal("usage_reports", "os", USAGE_REPORT),
    not_personal("usage_reports", "arch", USAGE_REPORT),
    not_personal("usage_reports", "last_day", USAGE_REPORT),
    not_personal("usage_servers", "report_id", INTERNAL_KEY),
    not_personal("usage_servers", "kind", USAGE_COUNT),
    not_personal("usage_servers", "servers", USAGE_COUNT),
    not_personal("usage_problems", "report_id", INTERNAL_KEY),
    not_personal("usage_problems", "code", USAGE_COUNT),
    not_personal("usage_problems", "occurrences", USAGE_COUNT),
    not_personal("usage_report_months", "month", PUBLISHED_REPORT),
    not_personal("usage_report_months", "published_at", PUBLISHED_REPORT),
    not_personal("usage_report_months", "body", PUBLISHED_REPORT),
];

/// A column of `mail_list_subscriptions`: the subscriber's own choice of
/// mail.
const fn mail_choice(column: &'static str, label: &'static str, purpose: &'static str) -> Column {
    personal(
        "mail_list_subscriptions",
        column,
        Personal {
            feature: Feature::Newsletter,
            label,
            purpose,
            required: false,
            visible_to: &[Audience::Owner, Audience::Admins],
            retention: Retention::UntilUnsubscribed,
        },
    )
}

/// A column of `mail_subscribers`: who receives list mail.
const fn subscriber(
    column: &'static str,
    label: &'static str,
    purpose: &'static str,
    visible_to: &'static [Audience],
) -> Column {
    personal(
        "mail_subscribers",
        column,
        Personal {
            feature: Feature::Newsletter,
            label,
            purpose,
            required: true,
            visible_to,
            retention: Retention::UntilUnsubscribed,
        },
    )
}

/// A column of `mail_subscriber_links`: one row per link mailed.
const fn subscriber_link(column: &'static str, label: &'static str) -> Column {
    personal(
        "mail_subscriber_links",
        column,
        Personal {
            feature: Feature::Newsletter,
            label,
            purpose: "Lets the link in a mail confirm your sign-up, or open the page where you change or leave your lists, without signing in.",
            required: false,
            visible_to: &[Audience::NoOne],
            retention: Retention::Brief(
                "7 days for a confirmation link, a year for the others, or until you leave every list",
            ),
        },
    )
}

/// A column of `mail_suppressions`: an address that asked for no mail.
const fn suppression(column: &'static str, label: &'static str) -> Column {
    personal(
        "mail_suppressions",
        column,
        Personal {
            feature: Feature::Newsletter,
            label,
            purpose: "Keeps the promise never to mail an address again when its owner asked, without keeping the address.",
            required: false,
            visible_to: &[Audience::NoOne],
            retention: Retention::Brief(
                "until the address joins a list again from a signed-in account",
            ),
        },
    )
}

/// A column of `mail_list_unsubscribe_tokens`: one row per mail sent on a
/// list.
const fn unsubscribe_link(column: &'static str, label: &'static str) -> Column {
    personal(
        "mail_list_unsubscribe_tokens",
        column,
        Personal {
            feature: Feature::Newsletter,
            label,
            purpose: "Lets you stop a mail in one click from the mail itself, without signing in.",
            required: false,
            visible_to: &[Audience::NoOne],
            retention: Retention::DaysAfter(365, "the mail is sent"),
        },
    )
}

/// A column of `registration_holds`: erased with the hold after 48 hours.
const fn hold(column: &'static str, label: &'static str, purpose: &'static str) -> Column {
    personal(
        "registration_holds",
        column,
        Personal {
            feature: Feature::Accounts,
            label,
            purpose,
            required: true,
            visible_to: &[Audience::NoOne],
            retention: Retention::DaysAfter(2, "the registration"),
        },
    )
}

/// Site-wide tables and accounts.
const CORE: &[Column] = &[
    // Migration bookkeeping.
    not_personal("seaql_migrations", "version", SCHEMA),
    not_personal("seaql_migrations", "applied_at", SCHEMA),
    // Versioned documents.
    not_personal("documents", "id", INTERNAL_KEY),
    not_personal("documents", "kind", PUBLISHED),
    not_personal("documents", "version", PUBLISHED),
    not_personal("documents", "title", PUBLISHED),
    not_personal("documents", "body", PUBLISHED),
    not_personal("documents", "sha256", PUBLISHED),
    not_personal("documents", "effective_at", PUBLISHED),
    not_personal("documents", "material", PUBLISHED),
    not_personal("documents", "requires_address", PUBLISHED),
    not_personal("documents", "created_at", PUBLISHED),
    not_personal("policy_notices", "document_id", INTERNAL_KEY),
    not_personal(
        "policy_notices",
        "mailed_up_to",
        "how far through the account numbers a policy's notice mail got; names no one",
    ),
    not_personal(
        "policy_notices",
        "started_at",
        "when a policy's notice mail began",
    ),
    not_personal(
        "policy_notices",
        "finished_at",
        "when a policy's notice mail ended",
    ),
    // Accounts.
    not_personal("accounts", "id", INTERNAL_KEY),
    personal(
        "accounts",
        "username",
        Personal {
            feature: Feature::Accounts,
            label: "Username",
            purpose: "Identifies you to other members and is shown with your posts.",
            required: true,
            visible_to: &[Audience::Public],
            retention: Retention::UntilAccountDeleted,
        },
    ),
    personal(
        "accounts",
        "username_key",
        Personal {
            feature: Feature::Accounts,
            label: "Username (normalised)",
            purpose: "Keeps usernames unique regardless of case and look-alike characters.",
            required: true,
            visible_to: &[Audience::NoOne],
            retention: Retention::UntilAccountDeleted,
        },
    ),
    personal(
        "accounts",
        "email",
        Personal {
            feature: Feature::Accounts,
            label: "Email address",
            purpose: "Signing in, confirming your account, password resets and the mail you choose to receive.",
            required: true,
            visible_to: &[Audience::Owner, Audience::Admins],
            retention: Retention::UntilChangedOrAccountDeleted,
        },
    ),
    personal(
        "accounts",
        "email_key",
        Personal {
            feature: Feature::Accounts,
            label: "Email address (normalised)",
            purpose: "Keeps one account per email address.",
            required: true,
            visible_to: &[Audience::NoOne],
            retention: Retention::UntilChangedOrAccountDeleted,
        },
    ),
    personal(
        "accounts",
        "email_verified_at",
        Personal {
            feature: Feature::Accounts,
            label: "Email confirmation time",
            purpose: "Shows that you own the address before you can post or sign.",
            required: false,
            visible_to: &[Audience::Owner, Audience::Admins],
            retention: Retention::UntilChangedOrAccountDeleted,
        },
    ),
    personal(
        "accounts",
        "password_hash",
        Personal {
            feature: Feature::Accounts,
            label: "Password (as an Argon2id hash)",
            purpose: "Checks your password at sign-in; the password itself is never stored.",
            required: false,
            visible_to: &[Audience::NoOne],
            retention: Retention::UntilChangedOrAccountDeleted,
        },
    ),
    personal(
        "accounts",
        "age_confirmed_at",
        Personal {
            feature: Feature::Accounts,
            label: "Time you confirmed being 13 or older",
            purpose: "Records that you confirmed your age; no birth date is ever asked or stored.",
            required: true,
            visible_to: &[Audience::Owner, Audience::Admins],
            retention: Retention::UntilAccountDeleted,
        },
    ),
    personal(
        "accounts",
        "username_changed_at",
        Personal {
            feature: Feature::Accounts,
            label: "Time you last changed your username",
            purpose: "Lets you change your username once every 30 days.",
            required: false,
            visible_to: &[Audience::Owner, Audience::Admins],
            retention: Retention::UntilChangedOrAccountDeleted,
        },
    ),
    not_personal("username_reservations", "account_id", INTERNAL_KEY),
    personal(
        "username_reservations",
        "username_key",
        Personal {
            feature: Feature::Accounts,
            label: "A username you left (normalised)",
            purpose: "Keeps the name you changed from for you, so that links and mentions of it do not lead to someone else.",
            required: false,
            visible_to: &[Audience::NoOne],
            retention: Retention::DaysAfter(90, "you change your username"),
        },
    ),
    not_personal(
        "username_reservations",
        "reserved_until",
        "when the reservation ends",
    ),
    personal(
        "retired_usernames",
        "key_hash",
        Personal {
            feature: Feature::Accounts,
            label: "Your username, after you delete your account (keyed hash)",
            purpose: "Keeps anyone else from taking your name at once, so that links and mentions of it do not lead to an impostor. Only a keyed hash is kept, never the name.",
            required: false,
            visible_to: &[Audience::NoOne],
            retention: Retention::DaysAfter(90, "you delete your account"),
        },
    ),
    not_personal(
        "retired_usernames",
        "retired_until",
        "when the name may be taken again",
    ),
    personal(
        "accounts",
        "created_at",
        Personal {
            feature: Feature::Accounts,
            label: "Registration time",
            purpose: "Account administration, such as holding back a new member's first posts for review.",
            required: true,
            visible_to: &[Audience::Owner, Audience::Moderators, Audience::Admins],
            retention: Retention::UntilAccountDeleted,
        },
    ),
    not_personal("account_roles", "account_id", INTERNAL_KEY),
    personal(
        "account_roles",
        "role",
        Personal {
            feature: Feature::Accounts,
            label: "Staff role",
            purpose: "Grants moderators, recruiters and administrators their permissions.",
            required: false,
            visible_to: &[Audience::Owner, Audience::Admins],
            retention: Retention::UntilAccountDeleted,
        },
    ),
    personal(
        "account_roles",
        "granted_at",
        Personal {
            feature: Feature::Accounts,
            label: "Time a staff role was granted",
            purpose: "Accountability for who holds which permission since when.",
            required: false,
            visible_to: &[Audience::Owner, Audience::Admins],
            retention: Retention::UntilAccountDeleted,
        },
    ),
    // Sign-in sessions.
    personal(
        "sessions",
        "id_hash",
        Personal {
            feature: Feature::Accounts,
            label: "Session identifier (as a SHA-256 hash)",
            purpose: "Recognises your signed-in browser; the cookie holds the identifier, we keep only its hash.",
            required: true,
            visible_to: &[Audience::NoOne],
            retention: Retention::SessionEnd,
        },
    ),
    not_personal("sessions", "account_id", INTERNAL_KEY),
    personal(
        "sessions",
        "remember",
        Personal {
            feature: Feature::Accounts,
            label: "Whether you chose “keep me signed in”",
            purpose: "Decides how long the session lasts.",
            required: true,
            visible_to: &[Audience::Owner],
            retention: Retention::SessionEnd,
        },
    ),
    personal(
        "sessions",
        "device",
        Personal {
            feature: Feature::Accounts,
            label: "Browser and system family of a session",
            purpose: "Lets you recognise and end your sessions, e.g. “Firefox on Linux”; no version, no IP address.",
            required: true,
            visible_to: &[Audience::Owner],
            retention: Retention::SessionEnd,
        },
    ),
    personal(
        "sessions",
        "created_at",
        Personal {
            feature: Feature::Accounts,
            label: "Sign-in time",
            purpose: "Ends sessions after their maximum age.",
            required: true,
            visible_to: &[Audience::Owner],
            retention: Retention::SessionEnd,
        },
    ),
    personal(
        "sessions",
        "last_seen_at",
        Personal {
            feature: Feature::Accounts,
            label: "Last use of a session (to within five minutes)",
            purpose: "Ends sessions left unused.",
            required: true,
            visible_to: &[Audience::Owner],
            retention: Retention::SessionEnd,
        },
    ),
    // Single-use links mailed to members.
    not_personal("account_tokens", "id", INTERNAL_KEY),
    not_personal("account_tokens", "account_id", INTERNAL_KEY),
    not_personal(
        "account_tokens",
        "purpose",
        "the kind of link, e.g. email confirmation",
    ),
    personal(
        "account_tokens",
        "token_hash",
        Personal {
            feature: Feature::Accounts,
            label: "Mailed link code (as a SHA-256 hash)",
            purpose: "Checks the confirmation or reset link you follow.",
            required: true,
            visible_to: &[Audience::NoOne],
            retention: SPENT_LINK,
        },
    ),
    personal(
        "account_tokens",
        "new_email",
        Personal {
            feature: Feature::Accounts,
            label: "New email address awaiting confirmation",
            purpose: "Changes your address only once you confirm the new one.",
            required: false,
            visible_to: &[Audience::Owner],
            retention: SPENT_LINK,
        },
    ),
    personal(
        "account_tokens",
        "created_at",
        Personal {
            feature: Feature::Accounts,
            label: "Time a link was mailed",
            purpose: "Expiry of mailed links.",
            required: true,
            visible_to: &[Audience::Owner],
            retention: SPENT_LINK,
        },
    ),
    personal(
        "account_tokens",
        "expires_at",
        Personal {
            feature: Feature::Accounts,
            label: "Expiry of a mailed link",
            purpose: "A link stops working after 48 hours (confirmation) or one hour (password reset).",
            required: true,
            visible_to: &[Audience::Owner],
            retention: SPENT_LINK,
        },
    ),
    personal(
        "account_tokens",
        "used_at",
        Personal {
            feature: Feature::Accounts,
            label: "Time a link was used",
            purpose: "Makes every link work only once.",
            required: false,
            visible_to: &[Audience::Owner],
            retention: SPENT_LINK,
        },
    ),
    // Acceptance of policy versions.
    not_personal("consents", "id", INTERNAL_KEY),
    not_personal("consents", "account_id", INTERNAL_KEY),
    not_personal(
        "consents",
        "document_id",
        "which published document was accepted",
    ),
    not_personal(
        "consents",
        "document_version",
        "which published document was accepted",
    ),
    not_personal(
        "consents",
        "document_sha256",
        "which published document was accepted",
    ),
    personal(
        "consents",
        "accepted_at",
        Personal {
            feature: Feature::Accounts,
            label: "Time you accepted a version of the privacy policy",
            purpose: "Proof of which policy text you agreed to, and when.",
            required: true,
            visible_to: &[Audience::Owner, Audience::Admins],
            retention: Retention::UntilAccountDeleted,
        },
    ),
    // Outgoing mail: what it says and to whom is erased once it is sent or
    // given up; the bookkeeping that remains is deleted a week later.
    not_personal("mail_outbox", "id", INTERNAL_KEY),
    personal(
        "mail_outbox",
        "recipient",
        Personal {
            feature: Feature::Accounts,
            label: "Address a mail is sent to",
            purpose: "Delivering the mail.",
            required: true,
            visible_to: &[Audience::NoOne],
            retention: OUTBOX_TEXT,
        },
    ),
    personal(
        "mail_outbox",
        "subject",
        Personal {
            feature: Feature::Accounts,
            label: "Subject of a mail to you",
            purpose: "Delivering the mail.",
            required: true,
            visible_to: &[Audience::NoOne],
            retention: OUTBOX_TEXT,
        },
    ),
    personal(
        "mail_outbox",
        "body_text",
        Personal {
            feature: Feature::Accounts,
            label: "Text of a mail to you",
            purpose: "Delivering the mail.",
            required: true,
            visible_to: &[Audience::NoOne],
            retention: OUTBOX_TEXT,
        },
    ),
    personal(
        "mail_outbox",
        "body_html",
        Personal {
            feature: Feature::Accounts,
            label: "Text of a mail to you (HTML)",
            purpose: "Delivering the mail.",
            required: true,
            visible_to: &[Audience::NoOne],
            retention: OUTBOX_TEXT,
        },
    ),
    not_personal("mail_outbox", "created_at", "delivery bookkeeping"),
    not_personal("mail_outbox", "attempts", "delivery bookkeeping"),
    not_personal("mail_outbox", "next_attempt_at", "delivery bookkeeping"),
    not_personal("mail_outbox", "claimed_by", "delivery bookkeeping"),
    not_personal("mail_outbox", "claimed_until", "delivery bookkeeping"),
    not_personal("mail_outbox", "sent_at", "delivery bookkeeping"),
    not_personal("mail_outbox", "last_error", "delivery bookkeeping"),
    personal(
        "mail_outbox",
        "list_unsubscribe",
        Personal {
            feature: Feature::Accounts,
            label: "Unsubscribe link of a mail to you",
            purpose: "Lets your mail program stop mail you asked for in one click.",
            required: false,
            visible_to: &[Audience::NoOne],
            retention: OUTBOX_TEXT,
        },
    ),
    not_personal(
        "mail_outbox",
        "batch_id",
        "which bulk send (a campaign) the mail is part of",
    ),
    not_personal("mail_batches", "id", INTERNAL_KEY),
    not_personal("mail_batches", "queued", CAMPAIGN_COUNT),
    not_personal("mail_batches", "sent", CAMPAIGN_COUNT),
    not_personal("mail_batches", "failed", CAMPAIGN_COUNT),
    not_personal("mail_batches", "created_at", CAMPAIGN_COUNT),
    // Campaigns: what administrators write to the lists.
    not_personal("mail_campaigns", "id", INTERNAL_KEY),
    not_personal("mail_campaigns", "subject", CAMPAIGN),
    not_personal("mail_campaigns", "body", CAMPAIGN),
    not_personal("mail_campaigns", "status", CAMPAIGN),
    not_personal("mail_campaigns", "created_at", CAMPAIGN),
    not_personal("mail_campaigns", "updated_at", CAMPAIGN),
    not_personal("mail_campaigns", "send_at", CAMPAIGN),
    not_personal("mail_campaigns", "started_at", CAMPAIGN),
    not_personal("mail_campaigns", "finished_at", CAMPAIGN),
    not_personal("mail_campaigns", "batch_id", INTERNAL_KEY),
    not_personal(
        "mail_campaigns",
        "cursor",
        "how far the sender has come, as a row number of the subscribers",
    ),
    not_personal("mail_campaigns", "last_batch_at", CAMPAIGN),
    not_personal("mail_campaigns", "opens", CAMPAIGN_COUNT),
    not_personal("mail_campaigns", "tracked", CAMPAIGN_COUNT),
    not_personal("mail_list_days", "list_id", INTERNAL_KEY),
    not_personal("mail_list_days", "day", CAMPAIGN_COUNT),
    not_personal("mail_list_days", "subscribers", CAMPAIGN_COUNT),
    not_personal("mail_campaign_links", "campaign_id", INTERNAL_KEY),
    not_personal("mail_campaign_links", "position", CAMPAIGN),
    not_personal("mail_campaign_links", "url", CAMPAIGN),
    not_personal("mail_campaign_links", "clicks", CAMPAIGN_COUNT),
    not_personal("mail_campaign_lists", "campaign_id", INTERNAL_KEY),
    not_personal("mail_campaign_lists", "list_id", CAMPAIGN),
    // Mail lists, who receives list mail, and what.
    not_personal("mail_lists", "id", INTERNAL_KEY),
    not_personal("mail_lists", "slug", MAIL_LIST),
    not_personal("mail_lists", "name", MAIL_LIST),
    not_personal("mail_lists", "description", MAIL_LIST),
    not_personal("mail_lists", "audience", MAIL_LIST),
    not_personal("mail_lists", "created_at", MAIL_LIST),
    not_personal("mail_lists", "archived_at", MAIL_LIST),
    not_personal("mail_subscribers", "id", INTERNAL_KEY),
    not_personal("mail_subscribers", "account_id", INTERNAL_KEY),
    subscriber(
        "created_at",
        "When you first asked for list mail",
        "Keeps your mail choices together; a sign-up nobody confirms is erased 7 days after it.",
        &[Audience::Owner, Audience::Admins],
    ),
    subscriber(
        "name",
        "Your name (newsletter, without an account)",
        "Greets you in the newsletters you asked for.",
        &[Audience::Owner, Audience::Admins],
    ),
    subscriber(
        "email",
        "Your email address (newsletter, without an account)",
        "Where the newsletters you asked for are sent.",
        &[Audience::Owner, Audience::Admins],
    ),
    subscriber(
        "email_key",
        "Your address in lower case",
        "Keeps one subscription per address, so nobody gets a newsletter twice.",
        &[Audience::NoOne],
    ),
    subscriber(
        "confirmed_at",
        "When you confirmed your address",
        "Proves that the address's owner asked for the mail (double opt-in); nothing but the confirmation is sent before.",
        &[Audience::Owner, Audience::Admins],
    ),
    subscriber_link("token_hash", "Links in mail to you (hashed)"),
    not_personal("mail_subscriber_links", "subscriber_id", INTERNAL_KEY),
    not_personal(
        "mail_subscriber_links",
        "purpose",
        "what the link does: confirm a sign-up or open the preferences",
    ),
    subscriber_link("created_at", "When a link in mail to you was made"),
    subscriber(
        "tracking",
        "Whether your newsletters count opens and clicks",
        "Leaves the counting image and links out of your newsletters when you untick it; counts are per newsletter, never per person.",
        &[Audience::Owner, Audience::Admins],
    ),
    suppression(
        "address_hash",
        "Keyed hash of an address that asked never to be mailed again",
    ),
    suppression(
        "created_at",
        "When an address asked never to be mailed again",
    ),
    not_personal("mail_list_subscriptions", "subscriber_id", INTERNAL_KEY),
    mail_choice(
        "list_id",
        "Lists you are on",
        "Sends list mail (the forum digest, newsletters) only to those who asked for it.",
    ),
    mail_choice(
        "created_at",
        "When you joined a list",
        "The first digest lists only what came after.",
    ),
    mail_choice(
        "last_sent_at",
        "When you were last mailed on a list",
        "Sends the digest at most once a day, listing only what is new.",
    ),
    unsubscribe_link("token_hash", "Unsubscribe links in your mail (hashed)"),
    not_personal(
        "mail_list_unsubscribe_tokens",
        "subscriber_id",
        INTERNAL_KEY,
    ),
    not_personal(
        "mail_list_unsubscribe_tokens",
        "list_id",
        "which mail the link stops",
    ),
    unsubscribe_link("created_at", "When an unsubscribe link was made"),
    // Audit log of role changes.
    not_personal("audit_log", "id", INTERNAL_KEY),
    not_personal("audit_log", "kind", "the kind of change, e.g. role granted"),
    not_personal("audit_log", "actor_id", INTERNAL_KEY),
    not_personal("audit_log", "target_id", INTERNAL_KEY),
    not_personal("audit_log", "detail", "the change itself, e.g. which role"),
    personal(
        "audit_log",
        "at",
        Personal {
            feature: Feature::Accounts,
            label: "Time your permissions changed",
            purpose: "Accountability for who was given which permission, and when.",
            required: true,
            visible_to: &[Audience::Admins],
            retention: Retention::LifeOfProject,
        },
    ),
    // Rate-limit counters.
    personal(
        "rate_limits",
        "key",
        Personal {
            feature: Feature::Accounts,
            label: "Keyed hash of an IP address or login name",
            purpose: "Counts attempts to sign in, register or request mail, to stop abuse; the address itself is never stored, and the key of the hash changes every day.",
            required: true,
            visible_to: &[Audience::NoOne],
            retention: Retention::DaysAfter(1, "the counting window starts"),
        },
    ),
    not_personal("rate_limits", "window_started_at", "counter bookkeeping"),
    not_personal("rate_limits", "hits", "counter bookkeeping"),
    not_personal("rate_limits", "last_hit_at", "counter bookkeeping"),
    not_personal("rate_limits", "previous_hit_at", "counter bookkeeping"),
    // A username asked for with an address that already has an account.
    hold(
        "username_key",
        "Normalised form of the username asked for",
        "Keeps the name reserved, as an unconfirmed account would, so that registering tells no one whether an address has an account.",
    ),
    hold(
        "email_key",
        "Normalised email address given",
        "Finds the account that has this address, to mail its owner that someone tried to register with it.",
    ),
    hold(
        "password_hash",
        "Argon2id hash of the password chosen",
        "Answers a sign-in with the chosen name and password as an unconfirmed account would.",
    ),
    not_personal(
        "registration_holds",
        "created_at",
        "when the registration was made",
    ),
    not_personal(
        "registration_holds",
        "expires_at",
        "when the hold is erased",
    ),
    not_personal(
        "public_generation",
        "id",
        "the one row of the counter of public changes",
    ),
    not_personal(
        "public_generation",
        "generation",
        "how many writes have changed a public page: tells the page cache when to empty itself",
    ),
    not_personal("installation_secrets", "name", "server configuration"),
    not_personal("installation_secrets", "value", "server configuration"),
    not_personal("rate_limit_keys", "day", "which day a key counts"),
    not_personal(
        "rate_limit_keys",
        "sealed_key",
        "a random key of the day, sealed under the server key; destroyed when its day is over",
    ),
    // Optional second factor.
    not_personal("second_factors", "account_id", INTERNAL_KEY),
    personal(
        "second_factors",
        "secret",
        Personal {
            feature: Feature::Accounts,
            label: "Authenticator app secret (encrypted)",
            purpose: "Checks the codes of your authenticator app, if you turn two-factor sign-in on.",
            required: false,
            visible_to: &[Audience::NoOne],
            retention: Retention::UntilChangedOrAccountDeleted,
        },
    ),
    personal(
        "second_factors",
        "created_at",
        Personal {
            feature: Feature::Accounts,
            label: "Time you started setting up two-factor sign-in",
            purpose: "Account security.",
            required: false,
            visible_to: &[Audience::Owner],
            retention: Retention::UntilChangedOrAccountDeleted,
        },
    ),
    personal(
        "second_factors",
        "enabled_at",
        Personal {
            feature: Feature::Accounts,
            label: "Time you turned two-factor sign-in on",
            purpose: "Account security.",
            required: false,
            visible_to: &[Audience::Owner],
            retention: Retention::UntilChangedOrAccountDeleted,
        },
    ),
    not_personal(
        "second_factors",
        "last_used_step",
        "makes every code work only once",
    ),
    not_personal("recovery_codes", "id", INTERNAL_KEY),
    not_personal("recovery_codes", "account_id", INTERNAL_KEY),
    personal(
        "recovery_codes",
        "code_hash",
        Personal {
            feature: Feature::Accounts,
            label: "Recovery codes (as SHA-256 hashes)",
            purpose: "Let you sign in once each if you lose your authenticator app.",
            required: false,
            visible_to: &[Audience::NoOne],
            retention: Retention::UntilChangedOrAccountDeleted,
        },
    ),
    personal(
        "recovery_codes",
        "used_at",
        Personal {
            feature: Feature::Accounts,
            label: "Time a recovery code was used",
            purpose: "Makes every recovery code work only once.",
            required: false,
            visible_to: &[Audience::Owner],
            retention: Retention::UntilChangedOrAccountDeleted,
        },
    ),
    personal(
        "pending_sign_ins",
        "token_hash",
        Personal {
            feature: Feature::Accounts,
            label: "Sign-in waiting for its code (as a SHA-256 hash)",
            purpose: "Links the password you entered to the code you enter next.",
            required: false,
            visible_to: &[Audience::NoOne],
            retention: Retention::Brief("until the sign-in completes; an hour at most"),
        },
    ),
    not_personal("pending_sign_ins", "account_id", INTERNAL_KEY),
    not_personal(
        "pending_sign_ins",
        "remember",
        "how long the coming session lasts",
    ),
    not_personal("pending_sign_ins", "attempts", "limits wrong codes to five"),
    not_personal(
        "pending_sign_ins",
        "created_at",
        "expires the pending sign-in after five minutes",
    ),
];

/// Every classified column, in manifest order.
pub fn entries() -> impl Iterator<Item = &'static Column> {
    MANIFEST.iter().flat_map(|section| section.iter())
}

/// The classification of `table.column`, if the manifest has one.
pub fn lookup(table: &str, column: &str) -> Option<&'static Column> {
    entries().find(|entry| entry.table == table && entry.column == column)
}

/// The personal fields, in manifest order.
pub fn personal_fields() -> impl Iterator<Item = (&'static Column, &'static Personal)> {
    entries().filter_map(|entry| match &entry.class {
        Class::Personal(field) => Some((entry, field)),
        Class::NotPersonal(_) => None,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn no_column_is_classified_twice() {
        let mut seen = HashSet::new();
        for entry in entries() {
            assert!(
                seen.insert((entry.table, entry.column)),
                "{}.{} appears twice",
                entry.table,
                entry.column
            );
        }
    }

    #[test]
    fn every_personal_field_says_who_sees_it_and_why() {
        for (entry, field) in personal_fields() {
            let name = format!("{}.{}", entry.table, entry.column);
            assert!(!field.visible_to.is_empty(), "{name} has no audience");
            assert!(
                field.purpose.ends_with('.'),
                "{name} needs a purpose sentence"
            );
            assert!(!field.label.is_empty(), "{name} needs a label");
        }
    }

    #[test]
    fn lookup_finds_classified_columns_only() {
        assert!(lookup("accounts", "email").is_some());
        assert!(lookup("accounts", "birth_date").is_none());
    }
}
