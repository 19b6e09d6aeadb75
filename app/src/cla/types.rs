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
    pub lines: Vec<Option<crate::documents::DiffLine>>,
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
    /// The contact address, while it waits for its owner's confirmation.
    pub contact_pending: Option<String>,
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
    /// Corporate agreements: the company and the signer's title.
    pub company: Option<(String, String)>,
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

/// The corporate agreement page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorporateOverview {
    pub agreement: PublishedDocument,
    /// Changes against the previous version, if there is one.
    pub changes: Option<Changes>,
    /// Only members with a confirmed address may sign; `None` for visitors.
    pub me: Option<CorporateMine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorporateMine {
    pub verified: bool,
    pub email: String,
    pub agreements: Vec<CorporateAgreement>,
}

/// A corporate agreement the member signed, with the people it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorporateAgreement {
    pub id: SignatureId,
    pub company: String,
    pub version: i32,
    pub signed: String,
    pub standing: Standing,
    /// The contact address, while it waits for its owner's confirmation.
    pub contact_pending: Option<String>,
    pub covered: Vec<CoveredEntry>,
}

/// One line of a company's list: a GitHub login, an address or a domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoveredEntry {
    pub id: i64,
    pub kind: String,
    pub value: String,
    pub added: String,
    /// Only approved entries cover anyone; the others wait for an
    /// administrator.
    pub approved: bool,
}

/// An entry of a company's list as administrators review it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedEntry {
    pub id: i64,
    pub company: String,
    /// The signer's account address, to judge the claim by.
    pub signer_email: String,
    pub kind: String,
    pub value: String,
    /// `YYYY-MM-DD`.
    pub added: String,
    /// How it was approved (e.g. "by an administrator, 2026-12-01"), or
    /// `None` while it waits.
    pub approval: Option<String>,
}

/// A covered contributor as the company manager types it: the value to
/// show and the key to match, or why it is not valid.
pub fn parse_covered(kind: &str, value: &str) -> Result<(String, String), String> {
    let value = value.trim();
    match kind {
        "github" => {
            let valid = (1..=39).contains(&value.len())
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !value.starts_with('-');
            if valid {
                Ok((value.to_owned(), value.to_lowercase()))
            } else {
                Err("A GitHub login has 1 to 39 letters, digits or dashes.".to_owned())
            }
        }
        "email" => crate::accounts::Email::parse(value)
            .map(|email| (email.as_str().to_owned(), email.key())),
        "domain" => {
            let domain = value.trim_start_matches('@').to_lowercase();
            let valid = domain.len() <= 253
                && domain.contains('.')
                && domain.split('.').all(|label| {
                    (1..=63).contains(&label.len())
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                });
            if !valid {
                Err("Enter a domain such as example.com (everyone with an address @example.com is covered).".to_owned())
            } else if is_public_mail_domain(&domain) {
                Err(format!(
                    "Anyone can get an address at {domain}, so it cannot be covered as a whole. List the people's addresses or GitHub logins instead."
                ))
            } else {
                Ok((domain.clone(), domain))
            }
        }
        _ => Err("Choose GitHub login, email address or domain.".to_owned()),
    }
}

/// Whether anyone can get an address at `domain` (gmail.com, gmx.de, …),
/// from the built-in list. Matches the exact domain, lower case.
pub fn is_public_mail_domain(domain: &str) -> bool {
    let domain = domain.trim().to_lowercase();
    include_str!("public_mail_domains.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .any(|entry| match entry.strip_suffix('*') {
            // `gmx.*`: gmx. followed by a top-level domain, perhaps two labels.
            Some(prefix) => domain.strip_prefix(prefix).is_some_and(|tld| {
                !tld.is_empty() && tld.split('.').count() <= 2 && !tld.split('.').any(str::is_empty)
            }),
            None => domain == entry,
        })
}

/// One signature in the administrators' list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureRow {
    pub id: SignatureId,
    /// `individual` or `corporate`.
    pub kind: String,
    pub company: Option<String>,
    pub full_name: String,
    pub email: String,
    pub github_login: Option<String>,
    pub version: i32,
    /// `YYYY-MM-DD`.
    pub signed: String,
    pub standing: Standing,
}

/// Which standing the administrators' list shows.
pub fn standing_matches(standing: &Standing, wanted: &str) -> bool {
    match wanted {
        "valid" => *standing == Standing::Valid,
        "superseded" => *standing == Standing::Superseded,
        "revoked" => matches!(standing, Standing::Revoked(_)),
        _ => true,
    }
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

impl Changes {
    /// "Changes since version 2 (a material change: …)".
    pub fn summary(&self) -> String {
        let kind = if self.material {
            "a material change: earlier signatures no longer cover new contributions"
        } else {
            "an editorial change: earlier signatures still count"
        };
        format!("Changes since version {} ({kind})", self.previous_version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covered_values_are_checked_and_normalised() {
        assert_eq!(
            parse_covered("github", "OctoCat"),
            Ok(("OctoCat".to_owned(), "octocat".to_owned()))
        );
        assert_eq!(
            parse_covered("domain", "@Example.COM"),
            Ok(("example.com".to_owned(), "example.com".to_owned()))
        );
        for (kind, bad) in [
            ("github", "no spaces"),
            ("github", "-dash"),
            ("domain", "localhost"),
            ("domain", "exa mple.com"),
            ("email", "nobody"),
            ("phone", "123"),
        ] {
            assert!(parse_covered(kind, bad).is_err(), "{kind} {bad}");
        }
    }

    #[test]
    fn public_mail_domains_are_refused_as_domains_but_not_as_addresses() {
        for public in [
            "gmail.com",
            "GMAIL.com",
            "gmx.de",
            "gmx.co.uk",
            "yandex.ru",
            "web.de",
        ] {
            assert!(is_public_mail_domain(public), "{public}");
            assert!(parse_covered("domain", public).is_err(), "{public}");
        }
        for company in [
            "example.com",
            "gmx-partner.com",
            "notgmail.com",
            "gmail.com.example.org",
        ] {
            assert!(!is_public_mail_domain(company), "{company}");
        }
        assert!(parse_covered("email", "someone@gmail.com").is_ok());
    }

    #[test]
    fn a_signature_is_the_full_name_whatever_the_case_and_spacing() {
        assert!(signature_matches("Ada Lovelace", "  ada   LOVELACE "));
        assert!(!signature_matches("Ada Lovelace", "Ada"));
        assert!(!signature_matches("", ""));
    }
}
