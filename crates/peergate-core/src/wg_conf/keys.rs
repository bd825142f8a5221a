//! WireGuard keys: 32 bytes written as 44 characters of padded standard base64, as `wg genkey`
//! prints them. Secret keys get their own types whose `Debug` and `Display` print `(redacted)`, so a
//! stray `{:?}` in a log line or an error cannot leak them; the text form is only reachable through
//! an explicitly named method used by the renderer.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Why a string is not a WireGuard key. Deliberately carries no part of the input: the input may be
/// a private key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("expected 44 base64 characters (32 bytes), got {0} characters")]
    WrongLength(usize),
    #[error("it is not valid base64")]
    NotBase64,
}

/// 32 raw key bytes. Public, because nothing about a public key is secret; secret keys wrap it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WgKey([u8; 32]);

impl WgKey {
    pub fn parse(s: &str) -> Result<WgKey, KeyError> {
        // Checking the length first gives a useful message for the common mistake (a truncated paste)
        // and keeps the decoder from ever seeing oversized input.
        if s.len() != 44 {
            return Err(KeyError::WrongLength(s.chars().count()));
        }
        let mut out = [0u8; 32];
        // The standard engine rejects non-canonical trailing bits, as wg does.
        match STANDARD.decode_slice(s, &mut out) {
            Ok(32) => Ok(WgKey(out)),
            _ => Err(KeyError::NotBase64),
        }
    }

    pub fn from_bytes(bytes: [u8; 32]) -> WgKey {
        WgKey(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }
}

impl fmt::Debug for WgKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WgKey({})", self.to_base64())
    }
}

impl fmt::Display for WgKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

/// A peer's public key. Safe to show, store and log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey(pub WgKey);

impl PublicKey {
    pub fn parse(s: &str) -> Result<PublicKey, KeyError> {
        WgKey::parse(s).map(PublicKey)
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl serde::Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

macro_rules! secret_key {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// No `Serialize` on purpose: secrets leave the process only through the 0600 file.
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(WgKey);

        impl $name {
            pub fn parse(s: &str) -> Result<$name, KeyError> {
                WgKey::parse(s).map($name)
            }

            pub fn from_bytes(bytes: [u8; 32]) -> $name {
                $name(WgKey(bytes))
            }

            /// The base64 text of the secret, for writing the 0600 config file and nothing else.
            pub fn expose_base64(&self) -> String {
                self.0.to_base64()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("(redacted)")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("(redacted)")
            }
        }
    };
}

secret_key!(
    /// The interface's private key.
    PrivateKey
);

impl PrivateKey {
    /// The matching public key, as `wg pubkey` prints it: what the remote site's admin puts in
    /// their `[Peer]` for this gateway. The scalar is clamped by X25519 itself and wiped on drop.
    pub fn public_key(&self) -> PublicKey {
        let secret = x25519_dalek::StaticSecret::from(self.0.0);
        PublicKey(WgKey(x25519_dalek::PublicKey::from(&secret).to_bytes()))
    }
}
secret_key!(
    /// An optional symmetric key shared with one peer; as secret as the private key.
    PresharedKey
);

/// What error messages show in place of text that looks like a key.
pub const HIDDEN_KEY: &str = "(hidden: it looks like a key)";

/// `text` with every run that looks like a WireGuard key replaced by [`HIDDEN_KEY`]: 40 or more
/// base64 characters (a key is 43 and `=`), or 64 hex digits (the UAPI form). Errors quote what
/// the user typed so they can find it, but a private key pasted into the wrong field (MTU,
/// Address, the subnet box) must not travel back in a response, a log line or the audit log.
pub fn hide_keys(text: &str) -> String {
    let is_b64 = |c: char| c.is_ascii_alphanumeric() || c == '+' || c == '/';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(is_b64) {
        out.push_str(&rest[..start]);
        let run_len = rest[start..].find(|c: char| !is_b64(c)).unwrap_or(rest.len() - start);
        let run = &rest[start..start + run_len];
        let hex = run.len() >= 64 && run.chars().all(|c| c.is_ascii_hexdigit());
        if run.len() >= 40 || hex {
            out.push_str(HIDDEN_KEY);
            rest = rest[start + run_len..].trim_start_matches('=');
        } else {
            out.push_str(run);
            rest = &rest[start + run_len..];
        }
    }
    out.push_str(rest);
    out
}

/// Whether `text` holds anything [`hide_keys`] would hide.
pub fn contains_key(text: &str) -> bool {
    hide_keys(text) != text
}

#[cfg(test)]
mod hide_tests {
    use super::*;

    #[test]
    fn public_keys_match_wg_pubkey() {
        // Pairs printed by `wg genkey | tee /dev/stderr | wg pubkey` (wireguard-tools 1.0.20210914).
        let cases = [
            ("yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=", "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw="),
            ("8L70Yt1xkUONJTWbNxnbvegPer+QBAMLfVJYZTF2wHo=", "pDTSoaEfxk69qBZcnCuJUI7apsDrPK8ihqhsTAOGsjc="),
            ("8I5YGLlhYfsboGp4U1JPpR1taHn6tzXuXMvS4Vv9+Xg=", "DGjQgO0JpMKrOMWwbLC5bxnhbSc76e+fUyWzSRA0ZnE="),
        ];
        for (private, public) in cases {
            assert_eq!(PrivateKey::parse(private).unwrap().public_key().to_string(), public);
        }
    }

    #[test]
    fn keys_are_hidden_wherever_they_appear_and_nothing_else_is() {
        let key = WgKey::from_bytes([7; 32]).to_base64();
        let cases = [
            (key.clone(), HIDDEN_KEY.to_string()),
            (format!("MTU = {key}"), format!("MTU = {HIDDEN_KEY}")),
            // `/` is a base64 character: the run (and so what is hidden) starts at the `1`.
            (format!("10.0.0.1/{key}"), format!("10.0.0.{HIDDEN_KEY}")),
            (format!("{key},10.1.0.0/24"), format!("{HIDDEN_KEY},10.1.0.0/24")),
            (key.trim_end_matches('=').to_string(), HIDDEN_KEY.to_string()),
            ("0a".repeat(32), HIDDEN_KEY.to_string()),
            ("vpn.example.com:51820".into(), "vpn.example.com:51820".into()),
            ("2001:db8::1/64".into(), "2001:db8::1/64".into()),
            (
                "a-rather-long-but-ordinary-host-name.example.com".into(),
                "a-rather-long-but-ordinary-host-name.example.com".into(),
            ),
            ("".into(), "".into()),
        ];
        for (input, expected) in cases {
            assert_eq!(hide_keys(&input), expected, "{input}");
        }
    }
}
