//! Configuration: built-in defaults, then an optional TOML file, then
//! `PORTAL_*` environment variables (and `DATABASE_URL`). Secrets are
//! `SecretString`s and never appear in a log line or a summary.

mod providers;

use std::{collections::HashMap, fmt::Write as _, net::SocketAddr, path::Path};

use app::ssr::{
    db::{Backend, redact},
    server_key::{KeyError, ServerKey},
};
use config::{Environment, File, FileFormat};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/portal.db?mode=rwc";

#[derive(Debug, Deserialize)]
pub struct Config {
    /// Address and port the server listens on.
    #[serde(default = "defaults::listen")]
    pub listen: SocketAddr,
    /// The address people use to reach the site (no trailing slash).
    #[serde(default = "defaults::base_url")]
    pub base_url: String,
    /// `sqlite://…` or `postgres://…`; may hold a password.
    #[serde(default = "defaults::database_url")]
    pub database_url: SecretString,
    /// Pool size; 1 for SQLite and 10 for PostgreSQL when unset.
    #[serde(default)]
    pub database_max_connections: Option<u32>,
    /// Apply pending migrations when `serve` starts.
    #[serde(default = "defaults::yes")]
    pub auto_migrate: bool,
    /// `pretty` for people, `json` for log collectors.
    #[serde(default)]
    pub log_format: LogFormat,
    /// A tracing filter such as `info` or `info,portal=debug`; `RUST_LOG` wins.
    #[serde(default = "defaults::log")]
    pub log: String,
    /// Requests taking longer are answered with 503.
    #[serde(default = "defaults::request_timeout_secs")]
    pub request_timeout_secs: u64,
    /// Largest request body accepted, in bytes.
    #[serde(default = "defaults::body_limit_bytes")]
    pub body_limit_bytes: usize,
    /// Seconds a public page rendered for a visitor without a session is
    /// served again to the next such visitors (0 turns the cache off).
    #[serde(default = "defaults::page_cache_seconds")]
    pub page_cache_seconds: u64,
    /// Folder with the compiled site (CSS, WebAssembly, static files).
    #[serde(default = "defaults::site_root")]
    pub site_root: String,
    /// `smtp://…`, `smtps://…` or `smtp://…?tls=required`, with credentials;
    /// without it, mail is written as `.eml` files to `mail_dir`.
    #[serde(default)]
    pub smtp_url: Option<SecretString>,
    /// A PEM file with the certificate authority the SMTP relay's
    /// certificate is checked against, for a relay with a private CA
    /// (the public authorities otherwise).
    #[serde(default)]
    pub smtp_ca_file: Option<String>,
    /// The sender of every mail, e.g. `Community Portal <noreply@example.org>`.
    #[serde(default = "defaults::mail_from")]
    pub mail_from: String,
    /// An address whose mail the operator pipes into `portal
    /// unsubscribe-mail`: list mail then offers it (`mailto:`) beside the
    /// one-click link. Unset, only the link is offered.
    #[serde(default)]
    pub mail_unsubscribe_address: Option<String>,
    /// Who answers privacy requests, e.g. `Privacy team <privacy@example.org>`;
    /// shown on the privacy page, which the policy points people to.
    #[serde(default)]
    pub privacy_contact: Option<String>,
    /// Behind a reverse proxy that sets `X-Forwarded-For`: use its last
    /// entry as the client's address (for rate limits). Leave off otherwise,
    /// or clients could pick their own address.
    #[serde(default)]
    pub trust_forwarded_for: bool,
    /// Run the mail worker in this instance. Every instance may (they never
    /// send the same mail twice); turn it off to send from some only.
    #[serde(default = "defaults::yes")]
    pub mail_worker: bool,
    /// Run the housekeeping (retention purges, digests) in this instance
    /// every few minutes. Instances may all run it; one is enough.
    #[serde(default = "defaults::yes")]
    pub housekeeping: bool,
    /// Where mail goes when no SMTP server is configured.
    #[serde(default = "defaults::mail_dir")]
    pub mail_dir: String,
    /// Newsletter mails queued per minute while a campaign is sent (the
    /// relay's limit, or less).
    #[serde(default = "defaults::mail_rate_per_minute")]
    pub mail_rate_per_minute: u32,
    /// Let campaign mail count opens (a 1×1 image) and clicks, per campaign
    /// only; subscribers may still turn it off for themselves.
    #[serde(default = "defaults::yes")]
    pub mail_tracking: bool,
    /// Count page views, with no personal data (the privacy policy's
    /// visit statistics); off records nothing.
    #[serde(default = "defaults::yes")]
    pub insights: bool,
    /// Days raw page views are kept.
    #[serde(default = "defaults::insights_keep_days")]
    pub insights_keep_days: u16,
    /// Page views recorded per network address and minute at most.
    #[serde(default = "defaults::insights_views_per_minute")]
    pub insights_views_per_minute: u16,
    /// A GeoIP database (a MaxMind DB file, country or city) to record the
    /// country of page views; without one, no country is recorded.
    #[serde(default)]
    pub geoip_db: Option<String>,
    /// Who may read the monthly usage report: `public`, `partners` (the
    /// partner role and administrators) or `off` (none is made).
    #[serde(default = "defaults::usage_report")]
    pub usage_report: String,
    /// The server key (32 bytes, hex or base64) that seals secrets kept in
    /// the database; without it, the key in `secret_key_file` is used.
    #[serde(default)]
    pub secret_key: Option<SecretString>,
    /// The key file, made (mode 0600) on first start if it is missing.
    #[serde(default = "defaults::secret_key_file")]
    pub secret_key_file: String,
    /// Where uploaded résumés are stored: outside the site root, private.
    #[serde(default = "defaults::upload_dir")]
    pub upload_dir: String,
    /// Days after a final decision before a job application's personal
    /// fields and résumé are erased.
    #[serde(default = "defaults::application_retention_days")]
    pub application_retention_days: u32,
    /// A member's first this-many forum posts wait for a moderator's
    /// approval (0 turns holding off).
    #[serde(default = "defaults::forum_held_posts")]
    pub forum_held_posts: u32,
    /// Registrations per IP address and hour (password or provider).
    #[serde(default = "defaults::registrations_per_ip_per_hour")]
    pub registrations_per_ip_per_hour: i32,
    /// Sign-in attempts per IP address and ten minutes.
    #[serde(default = "defaults::sign_ins_per_ip_per_10_minutes")]
    pub sign_ins_per_ip_per_10_minutes: i32,
    /// Forum posts (threads, replies) per IP address and ten minutes.
    #[serde(default = "defaults::forum_posts_per_ip_per_10_minutes")]
    pub forum_posts_per_ip_per_10_minutes: i32,
    /// GitHub sign-in: the OAuth app's client id (off without it).
    #[serde(default)]
    pub github_client_id: Option<String>,
    #[serde(default)]
    pub github_client_secret: Option<SecretString>,
    /// GitHub's web and API addresses; change them for GitHub Enterprise Server.
    #[serde(default = "defaults::github_url")]
    pub github_url: String,
    #[serde(default = "defaults::github_api_url")]
    pub github_api_url: String,
    /// The shared secret of the GitHub webhook for contributor-agreement
    /// checks; the webhook is off without it.
    #[serde(default)]
    pub github_webhook_secret: Option<SecretString>,
    /// A GitHub token that may read pull requests and write commit
    /// statuses: the webhook then checks every commit author and posts a
    /// "CLA" status. Without it, only the pull request's author is checked.
    #[serde(default)]
    pub github_status_token: Option<SecretString>,
    /// OpenID Connect providers: `[[oidc]]` tables in the file, plus any
    /// given as `PORTAL_OIDC_<KEY>_<SETTING>` variables.
    #[serde(default)]
    pub oidc: Vec<providers::OidcProvider>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Pretty,
    Json,
}

mod defaults {
    use std::net::SocketAddr;

    use secrecy::SecretString;

    pub fn listen() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 3000))
    }
    pub fn base_url() -> String {
        "http://127.0.0.1:3000".to_owned()
    }
    pub fn database_url() -> SecretString {
        SecretString::from(super::DEFAULT_DATABASE_URL)
    }
    pub fn yes() -> bool {
        true
    }
    pub fn log() -> String {
        "info".to_owned()
    }
    pub fn request_timeout_secs() -> u64 {
        30
    }
    pub fn upload_dir() -> String {
        "data/uploads".to_owned()
    }
    pub fn application_retention_days() -> u32 {
        180
    }
    pub fn insights_views_per_minute() -> u16 {
        120
    }
    pub fn insights_keep_days() -> u16 {
        30
    }
    pub fn usage_report() -> String {
        "public".to_owned()
    }
    pub fn mail_rate_per_minute() -> u32 {
        600
    }
    pub fn forum_held_posts() -> u32 {
        1
    }
    pub fn body_limit_bytes() -> usize {
        2 * 1024 * 1024
    }
    pub fn page_cache_seconds() -> u64 {
        1
    }
    pub fn site_root() -> String {
        "target/site".to_owned()
    }
    pub fn mail_from() -> String {
        "Community Portal <noreply@localhost>".to_owned()
    }
    pub fn registrations_per_ip_per_hour() -> i32 {
        10
    }
    pub fn sign_ins_per_ip_per_10_minutes() -> i32 {
        30
    }
    pub fn forum_posts_per_ip_per_10_minutes() -> i32 {
        30
    }
    pub fn github_url() -> String {
        "https://github.com".to_owned()
    }
    pub fn github_api_url() -> String {
        "https://api.github.com".to_owned()
    }
    pub fn mail_dir() -> String {
        "data/mail".to_owned()
    }
    pub fn secret_key_file() -> String {
        "data/secret.key".to_owned()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration: {0}")]
    Load(#[from] config::ConfigError),
    #[error("{setting}: {problem}")]
    Invalid {
        setting: &'static str,
        problem: String,
    },
}

impl Config {
    /// Loads the configuration from `file` (if given, it must exist) and the
    /// variables in `env`.
    pub fn load(file: Option<&Path>, env: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let mut builder = config::Config::builder();
        if let Some(path) = file {
            builder = builder.add_source(File::from(path).format(FileFormat::Toml).required(true));
        }
        builder = builder.add_source(
            Environment::with_prefix("PORTAL")
                .prefix_separator("_")
                .try_parsing(true)
                .source(Some(
                    env.iter()
                        .filter(|(key, _)| {
                            key.starts_with("PORTAL_") && key.as_str() != "PORTAL_CONFIG"
                        })
                        .map(|(key, value)| (key.clone(), value.clone()))
                        .collect(),
                )),
        );
        // Hosting platforms commonly hand out `DATABASE_URL`; the prefixed
        // variable still wins. `LEPTOS_*` are set by the build tool.
        let fallbacks = [
            ("database_url", "PORTAL_DATABASE_URL", "DATABASE_URL"),
            ("site_root", "PORTAL_SITE_ROOT", "LEPTOS_SITE_ROOT"),
            ("listen", "PORTAL_LISTEN", "LEPTOS_SITE_ADDR"),
        ];
        for (key, preferred, fallback) in fallbacks {
            if !env.contains_key(preferred)
                && let Some(value) = env.get(fallback)
            {
                builder = builder.set_override(key, value.as_str())?;
            }
        }
        let mut config: Self = builder.build()?.try_deserialize()?;
        config.base_url = config.base_url.trim_end_matches('/').to_owned();
        config.oidc.extend(providers::from_env(env)?);
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |setting, problem: &str| ConfigError::Invalid {
            setting,
            problem: problem.to_owned(),
        };
        let scheme_ok =
            self.base_url.starts_with("http://") || self.base_url.starts_with("https://");
        if !scheme_ok || self.base_url.len() <= "https://".len() {
            return Err(invalid(
                "PORTAL_BASE_URL",
                "must be an http:// or https:// address, e.g. https://community.example.org",
            ));
        }
        Backend::of(self.database_url.expose_secret()).map_err(|error| ConfigError::Invalid {
            setting: "DATABASE_URL",
            problem: error.to_string(),
        })?;
        if self.request_timeout_secs == 0 {
            return Err(invalid("PORTAL_REQUEST_TIMEOUT_SECS", "must be at least 1"));
        }
        if self.mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(invalid(
                "PORTAL_MAIL_FROM",
                "must be a mailbox such as Community Portal <noreply@example.org>",
            ));
        }
        if let Some(address) = &self.mail_unsubscribe_address
            && address.parse::<lettre::Address>().is_err()
        {
            return Err(invalid(
                "PORTAL_MAIL_UNSUBSCRIBE_ADDRESS",
                "must be a bare address such as unsubscribe@example.org",
            ));
        }
        if self.smtp_ca_file.is_some() && self.smtp_url.is_none() {
            return Err(invalid(
                "PORTAL_SMTP_CA_FILE",
                "is only used with PORTAL_SMTP_URL, which is not set",
            ));
        }
        if let Some(contact) = &self.privacy_contact
            && contact.parse::<lettre::message::Mailbox>().is_err()
        {
            return Err(invalid(
                "PORTAL_PRIVACY_CONTACT",
                "must be a mailbox such as Privacy team <privacy@example.org>",
            ));
        }
        if self.application_retention_days == 0 || self.application_retention_days > 3650 {
            return Err(invalid(
                "PORTAL_APPLICATION_RETENTION_DAYS",
                "must be between 1 and 3650",
            ));
        }
        if !(1..=3650).contains(&self.insights_keep_days) {
            return Err(invalid(
                "PORTAL_INSIGHTS_KEEP_DAYS",
                "must be between 1 and 3650",
            ));
        }
        if app::insights::published::ReportAudience::parse(&self.usage_report).is_none() {
            return Err(invalid(
                "PORTAL_USAGE_REPORT",
                "must be public, partners or off",
            ));
        }
        if self.insights_views_per_minute == 0 {
            return Err(invalid(
                "PORTAL_INSIGHTS_VIEWS_PER_MINUTE",
                "must be at least 1",
            ));
        }
        if self.forum_held_posts > 100 {
            return Err(invalid(
                "PORTAL_FORUM_HELD_POSTS",
                "must be between 0 and 100",
            ));
        }
        self.check_secret_key()?;
        if self.body_limit_bytes < 1024 {
            return Err(invalid("PORTAL_BODY_LIMIT_BYTES", "must be at least 1024"));
        }
        if self.page_cache_seconds > 60 {
            return Err(invalid(
                "PORTAL_PAGE_CACHE_SECONDS",
                "must be between 0 (off) and 60",
            ));
        }
        for (setting, value) in [
            (
                "PORTAL_REGISTRATIONS_PER_IP_PER_HOUR",
                self.registrations_per_ip_per_hour,
            ),
            (
                "PORTAL_SIGN_INS_PER_IP_PER_10_MINUTES",
                self.sign_ins_per_ip_per_10_minutes,
            ),
            (
                "PORTAL_FORUM_POSTS_PER_IP_PER_10_MINUTES",
                self.forum_posts_per_ip_per_10_minutes,
            ),
        ] {
            if !(1..=100_000).contains(&value) {
                return Err(invalid(setting, "must be between 1 and 100000"));
            }
        }
        providers::validate(
            (&self.github_client_id, &self.github_client_secret),
            &[&self.github_url, &self.github_api_url],
            &self.oidc,
        )
    }

    /// A key given in the configuration must be one; a key file that
    /// exists must be a key that only its owner can read.
    fn check_secret_key(&self) -> Result<(), ConfigError> {
        match &self.secret_key {
            Some(key) => ServerKey::parse(key.expose_secret())
                .map(drop)
                .map_err(|error| ConfigError::Invalid {
                    setting: "PORTAL_SECRET_KEY",
                    problem: error.to_string(),
                }),
            None => ServerKey::check_file(Path::new(&self.secret_key_file)).map_err(|error| {
                ConfigError::Invalid {
                    setting: "PORTAL_SECRET_KEY_FILE",
                    problem: error.to_string(),
                }
            }),
        }
    }

    /// The server key: the configured one, or the key file's (made now if
    /// there is none).
    pub fn server_key(&self) -> Result<ServerKey, KeyError> {
        match &self.secret_key {
            Some(key) => ServerKey::parse(key.expose_secret()),
            None => ServerKey::load_or_create(Path::new(&self.secret_key_file)),
        }
    }

    /// The sign-in providers for the application.
    pub fn sign_in_providers(&self) -> Vec<app::accounts::ssr::ProviderConfig> {
        let github = self
            .github_client_id
            .clone()
            .zip(self.github_client_secret.clone());
        providers::provider_configs(github, &self.github_url, &self.github_api_url, &self.oidc)
    }

    /// The privacy contact people are shown, if one is set and valid.
    pub fn privacy_contact(&self) -> Option<app::privacy::PrivacyContact> {
        let mailbox: lettre::message::Mailbox = self.privacy_contact.as_deref()?.parse().ok()?;
        Some(app::privacy::PrivacyContact {
            name: mailbox.name,
            email: mailbox.email.to_string(),
        })
    }

    /// What an operator should set before opening the site to the public.
    pub fn warnings(&self) -> Vec<&'static str> {
        let mut warnings = Vec::new();
        if self.privacy_contact.is_none() {
            warnings.push(
                "PORTAL_PRIVACY_CONTACT is not set: the privacy policy sends people with a privacy request to a contact named on the privacy page, which says none is named yet.",
            );
        }
        warnings
    }

    /// A summary that is safe to print: no password, no secret.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let database = redact(self.database_url.expose_secret());
        let pool = self
            .database_max_connections
            .map_or_else(|| "default".to_owned(), |n| n.to_string());
        // Writing to a String cannot fail.
        let _ = writeln!(out, "listen            {}", self.listen);
        let _ = writeln!(out, "base_url          {}", self.base_url);
        let _ = writeln!(out, "database          {database} (pool: {pool})");
        let _ = writeln!(out, "auto_migrate      {}", self.auto_migrate);
        let _ = writeln!(
            out,
            "log               {} ({:?})",
            self.log, self.log_format
        );
        let _ = writeln!(out, "request_timeout   {} s", self.request_timeout_secs);
        let _ = writeln!(out, "body_limit        {} bytes", self.body_limit_bytes);
        let _ = writeln!(out, "page_cache        {} s", self.page_cache_seconds);
        let _ = writeln!(out, "site_root         {}", self.site_root);
        let _ = writeln!(out, "upload_dir        {}", self.upload_dir);
        let _ = match &self.secret_key {
            Some(_) => writeln!(out, "secret_key        set (PORTAL_SECRET_KEY)"),
            None => writeln!(out, "secret_key        file {}", self.secret_key_file),
        };
        let _ = writeln!(
            out,
            "retention         {} days after a decision (job applications)",
            self.application_retention_days
        );
        let _ = writeln!(
            out,
            "forum             a member's first {} posts wait for approval",
            self.forum_held_posts
        );
        let mail = match &self.smtp_url {
            Some(url) => match &self.smtp_ca_file {
                Some(ca) => format!("SMTP {} (CA {ca})", redact(url.expose_secret())),
                None => format!("SMTP {}", redact(url.expose_secret())),
            },
            None => format!("files in {}", self.mail_dir),
        };
        let _ = writeln!(out, "mail              {mail} (from {})", self.mail_from);
        let _ = writeln!(
            out,
            "leave a list      one-click link{}",
            self.mail_unsubscribe_address
                .as_ref()
                .map(|address| format!(", or mail to {address}"))
                .unwrap_or_default()
        );
        let _ = if self.insights {
            writeln!(
                out,
                "visit statistics  on, page views kept {} days",
                self.insights_keep_days
            )
        } else {
            writeln!(out, "visit statistics  off")
        };
        let _ = writeln!(
            out,
            "privacy contact   {}",
            self.privacy_contact.as_deref().unwrap_or("none")
        );
        let _ = writeln!(
            out,
            "per IP address    {} registrations an hour, {} sign-ins and {} forum posts per 10 minutes",
            self.registrations_per_ip_per_hour,
            self.sign_ins_per_ip_per_10_minutes,
            self.forum_posts_per_ip_per_10_minutes
        );
        let sign_in: Vec<String> = self
            .sign_in_providers()
            .into_iter()
            .map(|provider| format!("{} ({})", provider.name, provider.key))
            .collect();
        let _ = writeln!(
            out,
            "sign-in with      {}",
            if sign_in.is_empty() {
                "password only".to_owned()
            } else {
                format!("password, {}", sign_in.join(", "))
            }
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_need_no_configuration() -> Result<(), ConfigError> {
        let config = Config::load(None, &env(&[]))?;
        assert_eq!(config.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(config.database_url.expose_secret(), DEFAULT_DATABASE_URL);
        assert!(config.auto_migrate);
        Ok(())
    }

    #[test]
    fn prefixed_variables_override_defaults() -> Result<(), ConfigError> {
        let config = Config::load(
            None,
            &env(&[
                ("PORTAL_LISTEN", "0.0.0.0:8080"),
                ("PORTAL_BASE_URL", "https://community.example.org/"),
                ("PORTAL_LOG_FORMAT", "json"),
                ("PORTAL_REQUEST_TIMEOUT_SECS", "5"),
                ("PORTAL_AUTO_MIGRATE", "false"),
            ]),
        )?;
        assert_eq!(config.listen.port(), 8080);
        assert_eq!(config.base_url, "https://community.example.org");
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.request_timeout_secs, 5);
        assert!(!config.auto_migrate);
        Ok(())
    }

    #[test]
    fn database_url_is_read_without_prefix_but_the_prefixed_one_wins() -> Result<(), ConfigError> {
        let plain = Config::load(None, &env(&[("DATABASE_URL", "postgres://h/db")]))?;
        assert_eq!(plain.database_url.expose_secret(), "postgres://h/db");
        let both = Config::load(
            None,
            &env(&[
                ("DATABASE_URL", "postgres://h/db"),
                ("PORTAL_DATABASE_URL", "sqlite://x.db"),
            ]),
        )?;
        assert_eq!(both.database_url.expose_secret(), "sqlite://x.db");
        Ok(())
    }

    #[test]
    fn an_unsupported_database_is_refused_with_a_clear_message() {
        let error = Config::load(None, &env(&[("DATABASE_URL", "mysql://root:hunter2@h/db")]))
            .err()
            .map(|error| error.to_string())
            .unwrap_or_default();
        assert!(
            error.starts_with("DATABASE_URL: the database URL must start with sqlite:"),
            "{error}"
        );
        assert!(!error.contains("hunter2"), "{error}");
    }

    #[test]
    fn the_summary_never_shows_the_database_password() -> Result<(), ConfigError> {
        let config = Config::load(
            None,
            &env(&[("DATABASE_URL", "postgres://portal:hunter2@db:5432/portal")]),
        )?;
        let summary = config.summary();
        assert!(summary.contains("postgres://db:5432/portal"), "{summary}");
        assert!(!summary.contains("hunter2"));
        assert!(!format!("{config:?}").contains("hunter2"));
        Ok(())
    }

    #[test]
    fn a_config_file_is_read_and_the_environment_overrides_it()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = std::env::temp_dir().join(format!("portal-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("portal.toml");
        std::fs::write(
            &path,
            "base_url = \"https://from-file.example\"\nlog = \"debug\"\n",
        )?;
        let config = Config::load(Some(&path), &env(&[("PORTAL_LOG", "warn")]))?;
        std::fs::remove_dir_all(&dir)?;
        assert_eq!(config.base_url, "https://from-file.example");
        assert_eq!(config.log, "warn");
        Ok(())
    }

    #[test]
    fn a_missing_config_file_is_an_error() {
        let result = Config::load(Some(Path::new("/nonexistent/portal.toml")), &env(&[]));
        assert!(result.is_err());
    }

    #[test]
    fn providers_come_from_variables_and_the_file() -> Result<(), Box<dyn std::error::Error>> {
        let dir = std::env::temp_dir().join(format!("portal-oidc-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("portal.toml");
        std::fs::write(
            &path,
            "[[oidc]]\nkey = \"corp\"\nname = \"Example Corp\"\n\
             issuer = \"https://id.example.com/realms/staff\"\n\
             client_id = \"portal\"\nclient_secret = \"file-secret\"\n",
        )?;
        let config = Config::load(
            Some(&path),
            &env(&[
                ("PORTAL_GITHUB_CLIENT_ID", "gh-id"),
                ("PORTAL_GITHUB_CLIENT_SECRET", "gh-secret"),
                ("PORTAL_OIDC_CAMPUS_SSO_ISSUER", "https://sso.example.edu"),
                ("PORTAL_OIDC_CAMPUS_SSO_NAME", "Campus"),
                ("PORTAL_OIDC_CAMPUS_SSO_CLIENT_ID", "portal"),
                ("PORTAL_OIDC_CAMPUS_SSO_CLIENT_SECRET", "env-secret"),
            ]),
        )?;
        std::fs::remove_dir_all(&dir)?;
        let keys: Vec<String> = config
            .sign_in_providers()
            .into_iter()
            .map(|provider| provider.key)
            .collect();
        assert_eq!(keys, ["github", "corp", "campus-sso"]);
        let summary = config.summary();
        assert!(summary.contains("Example Corp (corp)"), "{summary}");
        for secret in ["gh-secret", "file-secret", "env-secret"] {
            assert!(!summary.contains(secret));
            assert!(!format!("{config:?}").contains(secret));
        }
        Ok(())
    }

    #[test]
    fn incomplete_or_unsafe_provider_settings_are_refused() {
        let refused = |pairs: &[(&str, &str)]| {
            Config::load(None, &env(pairs))
                .err()
                .map(|error| error.to_string())
                .unwrap_or_default()
        };
        assert!(refused(&[("PORTAL_GITHUB_CLIENT_ID", "x")]).contains("both"));
        assert!(
            refused(&[("PORTAL_OIDC_CORP_ISSUER", "https://id.example.com")])
                .contains("PORTAL_OIDC_CORP_NAME")
        );
        let unsafe_issuer = refused(&[
            (
                "PORTAL_OIDC_CORP_ISSUER",
                "https://id.example.com; script-src *",
            ),
            ("PORTAL_OIDC_CORP_NAME", "Corp"),
            ("PORTAL_OIDC_CORP_CLIENT_ID", "x"),
            ("PORTAL_OIDC_CORP_CLIENT_SECRET", "y"),
        ]);
        assert!(unsafe_issuer.contains("http(s) address"), "{unsafe_issuer}");
        let github_key = refused(&[
            ("PORTAL_OIDC_GITHUB_ISSUER", "https://id.example.com"),
            ("PORTAL_OIDC_GITHUB_NAME", "Not GitHub"),
            ("PORTAL_OIDC_GITHUB_CLIENT_ID", "x"),
            ("PORTAL_OIDC_GITHUB_CLIENT_SECRET", "y"),
        ]);
        assert!(github_key.contains("not `github`"), "{github_key}");
        assert!(
            refused(&[("PORTAL_REGISTRATIONS_PER_IP_PER_HOUR", "0")])
                .contains("PORTAL_REGISTRATIONS_PER_IP_PER_HOUR")
        );
    }
}
