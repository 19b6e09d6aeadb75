//! Sign-in providers in the configuration: GitHub (an OAuth app's client
//! id and secret) and any number of OpenID Connect providers, as
//! `[[oidc]]` tables in the file or as `PORTAL_OIDC_<KEY>_<SETTING>`
//! variables.

use std::collections::{BTreeMap, HashMap};

use app::accounts::ssr::{ProviderConfig, ProviderKind};
use secrecy::SecretString;
use serde::Deserialize;

use super::ConfigError;

/// One OpenID Connect provider.
#[derive(Debug, Deserialize)]
pub struct OidcProvider {
    /// Lower-case letters, digits and dashes; the callback address is
    /// `<base_url>/auth/<key>/callback`.
    pub key: String,
    /// The button says "Sign in with <name>".
    pub name: String,
    /// The issuer; `<issuer>/.well-known/openid-configuration` must answer.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: SecretString,
}

const SETTINGS: [&str; 4] = ["_ISSUER", "_CLIENT_ID", "_CLIENT_SECRET", "_NAME"];

/// The providers named by `PORTAL_OIDC_<KEY>_<SETTING>` variables.
pub fn from_env(env: &HashMap<String, String>) -> Result<Vec<OidcProvider>, ConfigError> {
    let mut found: BTreeMap<String, HashMap<&str, &str>> = BTreeMap::new();
    for (name, value) in env {
        let Some(rest) = name.strip_prefix("PORTAL_OIDC_") else {
            continue;
        };
        let Some((key, setting)) = SETTINGS
            .iter()
            .find_map(|setting| rest.strip_suffix(setting).map(|key| (key, *setting)))
        else {
            continue;
        };
        found
            .entry(key.to_lowercase().replace('_', "-"))
            .or_default()
            .insert(setting, value.as_str());
    }
    found
        .into_iter()
        .map(|(key, settings)| {
            let get = |setting: &str| {
                settings
                    .get(setting)
                    .map(|value| (*value).to_owned())
                    .ok_or_else(|| ConfigError::Invalid {
                        setting: "PORTAL_OIDC_<KEY>_*",
                        problem: format!(
                            "provider `{key}` needs PORTAL_OIDC_{}{setting}",
                            key.to_uppercase().replace('-', "_")
                        ),
                    })
            };
            Ok(OidcProvider {
                name: get("_NAME")?,
                issuer: get("_ISSUER")?,
                client_id: get("_CLIENT_ID")?,
                client_secret: SecretString::from(get("_CLIENT_SECRET")?),
                key,
            })
        })
        .collect()
}

/// Checks what the providers' settings can be checked for without asking
/// the providers.
pub fn validate(
    github: (&Option<String>, &Option<SecretString>),
    urls: &[&str],
    oidc: &[OidcProvider],
) -> Result<(), ConfigError> {
    let invalid = |setting, problem: String| ConfigError::Invalid { setting, problem };
    if github.0.is_some() != github.1.is_some() {
        return Err(invalid(
            "PORTAL_GITHUB_CLIENT_ID",
            "GitHub sign-in needs both PORTAL_GITHUB_CLIENT_ID and PORTAL_GITHUB_CLIENT_SECRET"
                .to_owned(),
        ));
    }
    let mut keys = vec!["github"];
    for provider in oidc {
        if !ProviderConfig::valid_key(&provider.key) || keys.contains(&provider.key.as_str()) {
            return Err(invalid(
                "oidc.key",
                format!(
                    "`{}` must be unique, not `github`, and only lower-case letters, digits and dashes",
                    provider.key
                ),
            ));
        }
        keys.push(&provider.key);
        if !is_web_address(&provider.issuer) {
            return Err(invalid(
                "oidc.issuer",
                format!("provider `{}`: must be an http(s) address", provider.key),
            ));
        }
    }
    if let Some(bad) = urls.iter().find(|url| !is_web_address(url)) {
        return Err(invalid(
            "PORTAL_GITHUB_URL",
            format!("`{bad}` must be an http(s) address"),
        ));
    }
    Ok(())
}

/// An http(s) address with nothing that could break out of a header.
fn is_web_address(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && url
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, ';' | ',' | '"' | '\'' | '\\'))
}

/// The providers for the application, GitHub first.
pub fn provider_configs(
    github: Option<(String, SecretString)>,
    github_url: &str,
    github_api_url: &str,
    oidc: &[OidcProvider],
) -> Vec<ProviderConfig> {
    let github = github.map(|(client_id, client_secret)| ProviderConfig {
        kind: ProviderKind::GitHub {
            web_url: github_url.trim_end_matches('/').to_owned(),
            api_url: github_api_url.trim_end_matches('/').to_owned(),
        },
        ..ProviderConfig::github(client_id, client_secret)
    });
    github
        .into_iter()
        .chain(oidc.iter().map(|provider| ProviderConfig {
            key: provider.key.clone(),
            name: provider.name.clone(),
            client_id: provider.client_id.clone(),
            client_secret: provider.client_secret.clone(),
            kind: ProviderKind::Oidc {
                // Exactly as configured: it must equal the ID tokens' `iss`.
                issuer: provider.issuer.clone(),
            },
        }))
        .collect()
}
