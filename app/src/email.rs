//! An email address, as every feature that stores or mails one takes it.

use serde::{Deserialize, Serialize};

/// An email address, checked for shape (the confirmation mail checks the rest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub const MAX: usize = 254;

    pub fn parse(input: &str) -> Result<Self, String> {
        let email = input.trim();
        let invalid = || Err("Enter an email address like name@example.org.".to_owned());
        if email.len() > Self::MAX {
            return Err(format!("Use at most {} characters.", Self::MAX));
        }
        if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return invalid();
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return invalid();
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty() || local.contains('@') || !domain_ok {
            return invalid();
        }
        Ok(Self(email.to_owned()))
    }

    /// The form used for uniqueness.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses_need_a_plausible_shape() {
        assert!(Email::parse("name@example.org").is_ok());
        for bad in [
            "",
            "name",
            "name@",
            "@example.org",
            "a@b",
            "a b@example.org",
            "a@.example.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} accepted");
        }
        assert!(Email::parse("x@example.org\r\nBcc: victim@example.org").is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_address_input_is_refused_or_has_one_local_part_and_a_dotted_domain(input in "\\PC{0,300}|[a-z.@]{0,30}") {
            if let Ok(email) = Email::parse(&input) {
                let (local, domain) = email.as_str().rsplit_once('@').unwrap_or_default();
                proptest::prop_assert!(!local.is_empty() && !local.contains('@'));
                proptest::prop_assert!(domain.contains('.') && !domain.contains(".."));
                proptest::prop_assert!(email.as_str().len() <= Email::MAX);
                proptest::prop_assert!(!email.as_str().chars().any(|c| c.is_whitespace() || c.is_control()));
            }
        }
    }
}
