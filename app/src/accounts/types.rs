use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_security::confusable_detection::skeleton;

/// Names nobody may register because they would look official.
const RESERVED: &[&str] = &[
    "abuse",
    "admin",
    "administrator",
    "anonymous",
    "api",
    "help",
    "hostmaster",
    "info",
    "mod",
    "moderator",
    "moderators",
    "noreply",
    "no-reply",
    "official",
    "portal",
    "postmaster",
    "privacy",
    "root",
    "security",
    "staff",
    "support",
    "system",
    "team",
    "webmaster",
];

/// A username: 3–30 letters, digits, `_`, `-` or `.`, after Unicode NFKC
/// normalisation; not a reserved name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    pub const MIN: usize = 3;
    pub const MAX: usize = 30;

    pub fn parse(input: &str) -> Result<Self, String> {
        let name: String = input.trim().nfkc().collect();
        let length = name.chars().count();
        if length < Self::MIN {
            return Err(format!("Use at least {} characters.", Self::MIN));
        }
        if length > Self::MAX {
            return Err(format!("Use at most {} characters.", Self::MAX));
        }
        if let Some(bad) = name
            .chars()
            .find(|c| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
        {
            return Err(format!(
                "“{bad}” is not allowed; use letters, digits, “_”, “-” or “.”."
            ));
        }
        let username = Self(name);
        let key = username.key();
        if RESERVED.iter().any(|reserved| fold(reserved) == key) {
            return Err("This name is reserved; please choose another.".to_owned());
        }
        Ok(username)
    }

    /// The form used for uniqueness: normalised, lower-cased and reduced to
    /// its Unicode "skeleton" (UTS #39), so that look-alikes such as
    /// “paypal” and “pаypal” (with a Cyrillic а) or “ferris” and “ferrís”
    /// count as the same name.
    pub fn key(&self) -> String {
        fold(&self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn fold(name: &str) -> String {
    let lower: String = name.to_lowercase().nfkc().collect();
    skeleton(&lower).collect()
}

pub use crate::email::Email;

/// How a member proves, before their account is deleted, that they hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeletionProof {
    /// The account's password.
    Password,
    /// No password: a code from the authenticator app, or a recovery code.
    SecondFactor,
    /// Neither: a single-use link mailed to the confirmed address.
    MailedLink,
}

/// Staff roles; every account is a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Moderator,
    Recruiter,
    /// Handles privacy requests (administrators may too).
    Privacy,
    /// Reads the usage reports when they are published to partners only.
    Partner,
    Admin,
}

impl Role {
    pub const ALL: [Self; 5] = [
        Self::Moderator,
        Self::Recruiter,
        Self::Privacy,
        Self::Partner,
        Self::Admin,
    ];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == value)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Moderator => "moderator",
            Self::Recruiter => "recruiter",
            Self::Privacy => "privacy",
            Self::Partner => "partner",
            Self::Admin => "admin",
        }
    }
}

/// The signed-in member, as pages and server functions see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub email_verified: bool,
    pub roles: Vec<Role>,
}

impl CurrentUser {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether the member may read and answer privacy requests: the
    /// privacy role, or an administrator.
    pub fn handles_privacy_requests(&self) -> bool {
        self.has_role(Role::Privacy) || self.has_role(Role::Admin)
    }
}

/// What the two-factor set-up page shows before the first code confirms it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetup {
    /// The secret in base32, grouped by four for typing.
    pub secret: String,
    /// The `otpauth://` URI the QR code holds.
    pub uri: String,
    /// The QR code as an SVG element, generated on the server.
    pub qr_svg: String,
    pub recovery_codes: Vec<String>,
}

/// The two-factor state of the signed-in member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorState {
    pub enabled: bool,
    pub setup: Option<TotpSetup>,
}

/// One of the member's sign-in sessions, for the sessions page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// Opaque identifier (the hash of the session id, not the id).
    pub id: String,
    pub device: String,
    pub signed_in: String,
    pub last_seen: String,
    pub remembered: bool,
    /// The session this page is shown in.
    pub current: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_and_keyed_case_insensitively() {
        let name = Username::parse("  Ｆｅｒｒｉｓ_42 ").ok();
        assert_eq!(name.as_ref().map(Username::as_str), Some("Ferris_42"));
        let key = |input: &str| Username::parse(input).map(|name| name.key()).ok();
        assert_eq!(key("Ferris_42"), key("ferris_42"));
    }

    #[test]
    fn look_alike_usernames_share_a_key() {
        let key = |input: &str| Username::parse(input).map(|name| name.key()).ok();
        assert!(key("paypal").is_some());
        assert_eq!(key("paypal"), key("p\u{0430}ypal"), "Cyrillic a");
        assert_eq!(key("ferris"), key("ferrIs"));
        assert_eq!(key("hello1"), key("hellol"));
        assert_ne!(key("ferris"), key("ferrum"));
    }

    #[test]
    fn reserved_names_are_refused_in_disguise_too() {
        assert!(Username::parse("Admin").is_err());
        assert!(Username::parse("\u{0430}dmin").is_err());
    }

    #[test]
    fn usernames_outside_the_rules_are_refused_with_a_reason() {
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse(&"x".repeat(31)).is_err());
        assert!(Username::parse("<script>").is_err());
        assert!(Username::parse("Admin").is_err());
        assert!(Username::parse("ferris").is_ok());
    }

    proptest::proptest! {
        #[test]
        fn any_username_input_is_refused_or_becomes_a_clean_name(input in "\\PC{0,40}|[a-zA-Z0-9_.-]{0,40}") {
            if let Ok(name) = Username::parse(&input) {
                let length = name.as_str().chars().count();
                proptest::prop_assert!((3..=30).contains(&length));
                proptest::prop_assert!(!name.as_str().chars().any(char::is_whitespace));
                // Parsing is idempotent and the key never depends on the spelling's case.
                let again = Username::parse(name.as_str()).map(|again| again.key());
                proptest::prop_assert_eq!(again, Ok(name.key()));
            }
        }
    }
}

/// A "Sign in with …" button: the provider's key and display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderButton {
    pub key: String,
    pub name: String,
}

/// A sign-in with a provider that needs one more step from the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingIdentity {
    /// The provider's display name.
    pub provider: String,
    /// How the provider knows the person: login, else email, else id.
    pub known_as: String,
    pub next: PendingStep,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PendingStep {
    /// No account yet: choose a username (and give an address when the
    /// provider vouched for none).
    NewAccount {
        suggested_username: String,
        verified_email: Option<String>,
    },
    /// The provider's verified address is that of this existing account;
    /// its owner may link by password (if it has one) or by mail.
    LinkExisting {
        username: String,
        has_password: bool,
    },
    /// The signed-in member asked to link this identity: confirm.
    ConfirmLink { username: String },
}

/// An identity linked to the member's account, for the settings page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedIdentity {
    pub id: i64,
    pub provider: String,
    pub known_as: String,
    pub linked: String,
    pub last_used: String,
}

/// The settings page's "Sign-in methods" section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInMethods {
    pub has_password: bool,
    pub identities: Vec<LinkedIdentity>,
    /// Providers the member can still link.
    pub available: Vec<ProviderButton>,
}
