//! The server key: 32 random bytes that are never written to the database,
//! so that a copy of the database alone reveals no second-factor secret and
//! no address behind a rate-limit counter.
//!
//! It comes from the configuration, or from a key file made on first start
//! that only its owner may read. Each use gets a sub-key of its own
//! (HMAC-SHA-256 of the purpose under the server key), and values kept in
//! the database are sealed with XChaCha20-Poly1305 under such a sub-key,
//! with a fresh random nonce each time.

use std::{io::Write as _, path::Path, sync::Arc};

use base64::{
    Engine as _,
    engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD},
};
use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, Payload},
};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretBox};
use sha2::Sha256;

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
/// Marks a sealed value (and its format) in a text column.
pub const SEALED_PREFIX: &str = "v1.";
/// Marks an erased value kept as a keyed hash (71 characters in all).
pub const ERASED_PREFIX: &str = "erased:";

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the key must be 32 bytes, written as 64 hex digits or in base64")]
    Malformed,
    #[error("the key file {0} may be read by other users: allow its owner only (chmod 600)")]
    Insecure(String),
    #[error("could not read or create the key file {0}: {1}")]
    File(String, std::io::Error),
    #[error("the system's random number generator failed")]
    Random,
    #[error("a sealed value could not be opened: wrong server key, or damaged")]
    Open,
}

/// The server key. Cloning shares it; it never prints.
#[derive(Clone)]
pub struct ServerKey(Arc<SecretBox<[u8; KEY_LEN]>>);

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey([redacted])")
    }
}

fn random<const N: usize>() -> Result<[u8; N], KeyError> {
    let mut bytes = [0_u8; N];
    rand::TryRngCore::try_fill_bytes(&mut rand::rngs::OsRng, &mut bytes)
        .map_err(|_| KeyError::Random)?;
    Ok(bytes)
}

/// 32 random bytes, e.g. a key of the day.
pub fn random_key() -> Result<[u8; KEY_LEN], KeyError> {
    random()
}

fn boxed(bytes: [u8; KEY_LEN]) -> SecretBox<[u8; KEY_LEN]> {
    SecretBox::new(Box::new(bytes))
}

impl ServerKey {
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(Arc::new(boxed(bytes)))
    }

    /// A new random key.
    pub fn generate() -> Result<Self, KeyError> {
        random().map(Self::from_bytes)
    }

    /// A key written as 64 hex digits or in base64 (standard or URL-safe,
    /// with or without padding).
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        let decoded = if text.len() == 2 * KEY_LEN {
            hex::decode(text).ok()
        } else {
            [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
                .iter()
                .find_map(|engine| engine.decode(text).ok())
        };
        decoded
            .and_then(|bytes| <[u8; KEY_LEN]>::try_from(bytes).ok())
            .map(Self::from_bytes)
            .ok_or(KeyError::Malformed)
    }

    /// Checks an existing key file: readable by its owner only, and a key.
    /// A missing file is fine (it is made on first start).
    pub fn check_file(path: &Path) -> Result<(), KeyError> {
        match std::fs::metadata(path) {
            Ok(_) => Self::read_file(path).map(drop),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(KeyError::File(path.display().to_string(), error)),
        }
    }

    /// Reads the key file at `path`, or makes one (mode 0600) with a new
    /// random key if there is none.
    pub fn load_or_create(path: &Path) -> Result<Self, KeyError> {
        let name = || path.display().to_string();
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(|e| KeyError::File(name(), e))?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(path) {
            Ok(mut file) => {
                let key = Self::generate()?;
                let text = format!("{}\n", hex::encode(key.0.expose_secret()));
                file.write_all(text.as_bytes())
                    .and_then(|()| file.sync_all())
                    .map_err(|e| KeyError::File(name(), e))?;
                tracing::info!(file = %name(), "server key created: back it up");
                Ok(key)
            }
            // Another instance made it first: use theirs.
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                Self::read_file(path)
            }
            Err(error) => Err(KeyError::File(name(), error)),
        }
    }

    fn read_file(path: &Path) -> Result<Self, KeyError> {
        let name = || path.display().to_string();
        let metadata = std::fs::metadata(path).map_err(|e| KeyError::File(name(), e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            if metadata.permissions().mode() & 0o077 != 0 {
                return Err(KeyError::Insecure(name()));
            }
        }
        #[cfg(not(unix))]
        let _ = metadata;
        let text = std::fs::read_to_string(path).map_err(|e| KeyError::File(name(), e))?;
        Self::parse(&text)
    }

    /// What a value of `table.column` is kept as once its owner's account
    /// is erased but the record must stay provable (a signed agreement):
    /// `erased:` and a keyed hash. The same value always gives the same
    /// text under one server key, so a value someone gives later can be
    /// matched; the text cannot be turned back into the value.
    pub fn erased_value(&self, table: &str, column: &str, value: &str) -> String {
        let mac = self.derive("erased-values").mac(&[
            table.as_bytes(),
            column.as_bytes(),
            value.as_bytes(),
        ]);
        format!("{ERASED_PREFIX}{}", hex::encode(mac))
    }

    /// The sub-key for one purpose, e.g. `"totp"` or `"rate-limit"`.
    pub fn derive(&self, purpose: &str) -> SubKey {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.0.expose_secret())
            .unwrap_or_else(|_| unreachable_key_length());
        mac.update(b"community-portal/");
        mac.update(purpose.as_bytes());
        SubKey {
            key: boxed(mac.finalize().into_bytes().into()),
            purpose: purpose.to_owned(),
        }
    }
}

/// HMAC takes keys of any length; this never runs.
fn unreachable_key_length() -> Hmac<Sha256> {
    unreachable!("HMAC accepts keys of any length")
}

/// A key for one purpose, derived from the server key.
pub struct SubKey {
    key: SecretBox<[u8; KEY_LEN]>,
    purpose: String,
}

impl SubKey {
    /// HMAC-SHA-256 of `parts` (each followed by a zero byte).
    pub fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.key.expose_secret())
            .unwrap_or_else(|_| unreachable_key_length());
        for part in parts {
            mac.update(part);
            mac.update(&[0]);
        }
        mac.finalize().into_bytes().into()
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.key.expose_secret().into())
    }

    /// Encrypts `plain` for a text column: `v1.` and base64 of nonce and
    /// ciphertext. The purpose is bound in as associated data.
    pub fn seal(&self, plain: &[u8]) -> Result<String, KeyError> {
        let nonce: [u8; NONCE_LEN] = random()?;
        let sealed = self
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: self.purpose.as_bytes(),
                },
            )
            .map_err(|_| KeyError::Open)?;
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        Ok(format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// Decrypts a value made by [`Self::seal`].
    pub fn open(&self, sealed: &str) -> Result<Vec<u8>, KeyError> {
        let bytes = sealed
            .strip_prefix(SEALED_PREFIX)
            .and_then(|text| URL_SAFE_NO_PAD.decode(text).ok())
            .filter(|bytes| bytes.len() > NONCE_LEN)
            .ok_or(KeyError::Open)?;
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        self.cipher()
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: self.purpose.as_bytes(),
                },
            )
            .map_err(|_| KeyError::Open)
    }
}

/// Whether a stored value was sealed (rather than written in clear by an
/// older version).
pub fn is_sealed(value: &str) -> bool {
    value.starts_with(SEALED_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_with_the_same_key_and_purpose() -> Result<(), KeyError> {
        let key = ServerKey::generate()?;
        let sealed = key.derive("totp").seal(b"JBSWY3DPEHPK3PXP")?;
        assert!(is_sealed(&sealed) && !sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(key.derive("totp").open(&sealed)?, b"JBSWY3DPEHPK3PXP");
        assert!(key.derive("rate-limit").open(&sealed).is_err());
        assert!(ServerKey::generate()?.derive("totp").open(&sealed).is_err());
        assert_ne!(sealed, key.derive("totp").seal(b"JBSWY3DPEHPK3PXP")?);
        Ok(())
    }

    #[test]
    fn keys_parse_from_hex_or_base64_and_nothing_else() {
        let hex = "00".repeat(32);
        assert!(ServerKey::parse(&hex).is_ok());
        assert!(ServerKey::parse(&STANDARD.encode([7_u8; 32])).is_ok());
        assert!(ServerKey::parse("short").is_err());
        assert!(ServerKey::parse(&STANDARD.encode([7_u8; 16])).is_err());
    }

    #[test]
    fn the_key_never_prints() -> Result<(), KeyError> {
        let key = ServerKey::parse(&"ab".repeat(32))?;
        assert!(!format!("{key:?}").contains("abab"));
        Ok(())
    }
}
