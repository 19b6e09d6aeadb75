//! Sign-in with GitHub and OpenID Connect providers: what a provider told
//! us about a member, and the few minutes' state of a sign-in in progress.

use super::{Audience, Column, Feature, INTERNAL_KEY, Personal, Retention, not_personal, personal};

const LINKED: Retention = Retention::UntilChangedOrAccountDeleted;
const IN_FLIGHT: Retention = Retention::Brief("while you sign in: at most an hour, then deleted");
const OWNER: &[Audience] = &[Audience::Owner];

const fn field(
    table: &'static str,
    column: &'static str,
    label: &'static str,
    purpose: &'static str,
    visible_to: &'static [Audience],
    retention: Retention,
) -> Column {
    personal(
        table,
        column,
        Personal {
            feature: Feature::Accounts,
            label,
            purpose,
            required: false,
            visible_to,
            retention,
        },
    )
}

const SUBJECT: &str = "Recognises you when you sign in with that provider again; for GitHub, the numeric user id, which never changes.";
const LOGIN: &str = "Shows you which account is linked; for GitHub, lets contributor-agreement checks find you by your GitHub login. Refreshed at each sign-in.";
const EMAIL: &str =
    "Offers to link an existing account with the same verified address; never used to mail you.";

pub const COLUMNS: &[Column] = &[
    not_personal("account_identities", "id", INTERNAL_KEY),
    not_personal("account_identities", "account_id", INTERNAL_KEY),
    not_personal(
        "account_identities",
        "provider",
        "which configured provider (e.g. github)",
    ),
    field(
        "account_identities",
        "subject",
        "Your id at the provider",
        SUBJECT,
        OWNER,
        LINKED,
    ),
    field(
        "account_identities",
        "login",
        "Your login at the provider",
        LOGIN,
        OWNER,
        LINKED,
    ),
    field(
        "account_identities",
        "login_key",
        "Your login at the provider, in lower case",
        "Finds a login whatever its case.",
        &[Audience::NoOne],
        LINKED,
    ),
    field(
        "account_identities",
        "email",
        "Your email address at the provider",
        EMAIL,
        OWNER,
        LINKED,
    ),
    not_personal(
        "account_identities",
        "email_verified",
        "whether the provider said it verified the address",
    ),
    field(
        "account_identities",
        "created_at",
        "When you linked the provider",
        "Shown in your settings.",
        OWNER,
        LINKED,
    ),
    field(
        "account_identities",
        "last_sign_in_at",
        "When you last signed in with the provider",
        "Shown in your settings, to spot a sign-in you don't recognise.",
        OWNER,
        LINKED,
    ),
    field(
        "sign_in_flows",
        "id_hash",
        "Sign-in in progress (as a SHA-256 hash of its cookie)",
        "Ties the provider's answer to the browser that asked.",
        &[Audience::NoOne],
        IN_FLIGHT,
    ),
    not_personal("sign_in_flows", "provider", "which configured provider"),
    not_personal("sign_in_flows", "account_id", INTERNAL_KEY),
    not_personal(
        "sign_in_flows",
        "state_hash",
        "hash of a random value that protects the callback",
    ),
    not_personal(
        "sign_in_flows",
        "pkce_verifier",
        "random one-time secret of the code exchange (PKCE)",
    ),
    not_personal(
        "sign_in_flows",
        "nonce",
        "random one-time value the ID token must carry",
    ),
    not_personal("sign_in_flows", "created_at", "expires the flow"),
    field(
        "sign_in_flows",
        "subject",
        "Your id at the provider, until you finish",
        SUBJECT,
        &[Audience::NoOne],
        IN_FLIGHT,
    ),
    field(
        "sign_in_flows",
        "login",
        "Your login at the provider, until you finish",
        "Suggests a username.",
        &[Audience::NoOne],
        IN_FLIGHT,
    ),
    field(
        "sign_in_flows",
        "email",
        "Your email address at the provider, until you finish",
        EMAIL,
        &[Audience::NoOne],
        IN_FLIGHT,
    ),
    not_personal(
        "sign_in_flows",
        "email_verified",
        "whether the provider said it verified the address",
    ),
    not_personal("sign_in_flows", "identified_at", "expires the flow"),
    field(
        "sign_in_flows",
        "mail_token_hash",
        "Link to confirm linking (as a SHA-256 hash)",
        "Lets the owner of an existing account confirm the link by mail.",
        &[Audience::NoOne],
        IN_FLIGHT,
    ),
    not_personal("sign_in_flows", "mail_account_id", INTERNAL_KEY),
];
