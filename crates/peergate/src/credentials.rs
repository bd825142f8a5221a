//! Secrets at rest: argon2id password hashes, random session ids and API tokens, and the SHA-256
//! digests under which sessions and tokens are stored.
//!
//! Sessions and tokens are 256-bit random values, so a fast hash is enough to make a stolen
//! database useless for logging in; passwords are human-chosen and get argon2id. Verification of an
//! unknown user runs against a fixed dummy hash so "no such user" and "wrong password" take the same
//! time.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use peergate_core::account::TOKEN_PREFIX;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// argon2id with the crate defaults (19 MiB, 2 passes): OWASP's recommended minimum.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("encoding salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

/// [`hash_password`] on the blocking pool: argon2 takes tens of milliseconds of CPU, which must
/// not stall the async workers serving other requests.
pub async fn hash_password_off_thread(password: &str) -> anyhow::Result<String> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&password)).await?
}

static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("peergate-dummy-password").expect("argon2 with default parameters"));

/// Checks `password` against `stored`, or against a dummy hash when there is no user (same cost).
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    let (hash, real) = match stored {
        Some(h) => (h, true),
        None => (DUMMY_HASH.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(hash) else { return false };
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && real
}

/// Warms the dummy hash so the first failed login is not cheaper than later ones.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

fn random_b64(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// A new API token (`pgt_…`), shown once to its owner.
pub fn new_api_token() -> String {
    format!("{TOKEN_PREFIX}{}", random_b64(32))
}

/// A new session id for the cookie.
pub fn new_session_id() -> String {
    random_b64(32)
}

/// A new CSRF token bound to a session.
pub fn new_csrf_token() -> String {
    random_b64(32)
}

/// A password for `user add --generate-password`: 24 characters of base64url (144 bits).
pub fn generate_password() -> String {
    random_b64(18)
}

/// The digest under which a session id or token is stored and looked up.
pub fn digest(secret: &str) -> String {
    let hash = Sha256::digest(secret.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_with_the_right_secret_and_unknown_users_never_match() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&hash)));
        assert!(!verify_password("wrong", Some(&hash)));
        assert!(!verify_password("peergate-dummy-password", None));
        assert!(!verify_password("x", Some("not a hash")));
    }

    #[test]
    fn tokens_have_the_documented_shape_and_differ() {
        let a = new_api_token();
        assert!(peergate_core::account::looks_like_api_token(&a), "{a}");
        assert_ne!(a, new_api_token());
        assert_eq!(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
