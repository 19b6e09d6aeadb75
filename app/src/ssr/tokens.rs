//! Secrets handed to a browser or mailed to a person: 256 bits from the
//! operating system's CSPRNG, URL-safe, stored only as a SHA-256 hash.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::{TryRngCore, rngs::OsRng};
use sha2::{Digest, Sha256};

/// Characters in a token: 32 bytes in base64 without padding.
pub const TOKEN_LENGTH: usize = 43;

/// A fresh token and the hash to store for it.
pub fn generate() -> (String, String) {
    let mut bytes = [0_u8; 32];
    // The OS generator failing is unrecoverable; there is no safe fallback.
    #[expect(clippy::expect_used, reason = "no safe way on without randomness")]
    OsRng
        .try_fill_bytes(&mut bytes)
        .expect("the operating system's random generator failed");
    let token = URL_SAFE_NO_PAD.encode(bytes);
    debug_assert_eq!(token.len(), TOKEN_LENGTH);
    let hashed = hash(&token);
    (token, hashed)
}

/// The stored form of a token.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_unique_and_stored_hashed() {
        let (first, first_hash) = generate();
        let (second, _) = generate();
        assert_eq!(first.len(), 43);
        assert_ne!(first, second);
        assert_eq!(first_hash, hash(&first));
        assert_ne!(first_hash, first);
        assert_eq!(first_hash.len(), 64);
    }
}
