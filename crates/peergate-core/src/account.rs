//! Accounts as typed values: roles, user names, password rules and API token syntax.
//!
//! Parsing happens once at the edge (HTTP body, CLI argument) so the rest of the code holds only
//! valid values. The rules are deliberately plain: names an operator can type in a shell without
//! quoting, passwords long enough to resist guessing, tokens recognisable in a leaked log.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Operator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = AccountError;
    fn from_str(s: &str) -> Result<Role, AccountError> {
        match s {
            "admin" => Ok(Role::Admin),
            "operator" => Ok(Role::Operator),
            other => Err(AccountError::UnknownRole(other.to_string())),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("role `{0}` does not exist: use `admin` or `operator`")]
    UnknownRole(String),
    #[error("user names are 1 to 64 characters: letters, digits, `.`, `_`, `-` and `@`, starting with a letter or digit")]
    InvalidUsername,
    #[error("passwords must be at least {MIN_PASSWORD_CHARS} characters long")]
    PasswordTooShort,
    #[error("passwords must be at most {MAX_PASSWORD_BYTES} bytes long")]
    PasswordTooLong,
    #[error("token names are 1 to 64 printable characters")]
    InvalidTokenName,
}

/// A user name: `[A-Za-z0-9][A-Za-z0-9._@-]{0,63}`. Compared case-sensitively, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Username, AccountError> {
        let ok = (1..=64).contains(&s.len())
            && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
        if ok { Ok(Username(s.to_string())) } else { Err(AccountError::InvalidUsername) }
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

pub const MIN_PASSWORD_CHARS: usize = 12;
/// Bounds the work one login request can cause.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Checks a new password against the policy (login accepts any string and just fails to match).
pub fn check_new_password(password: &str) -> Result<(), AccountError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(AccountError::PasswordTooLong);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::PasswordTooShort);
    }
    Ok(())
}

/// The name an admin gives an API token ("backup script").
pub fn parse_token_name(s: &str) -> Result<String, AccountError> {
    let trimmed = s.trim();
    if (1..=64).contains(&trimmed.chars().count()) && !trimmed.chars().any(char::is_control) {
        Ok(trimmed.to_string())
    } else {
        Err(AccountError::InvalidTokenName)
    }
}

/// API tokens read `pgt_` + 43 base64url characters (32 random bytes): the prefix makes a leaked
/// token easy to spot and lets the server refuse garbage before touching the database.
pub const TOKEN_PREFIX: &str = "pgt_";

pub fn looks_like_api_token(s: &str) -> bool {
    s.strip_prefix(TOKEN_PREFIX)
        .is_some_and(|rest| rest.len() == 43 && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        for ok in ["admin", "a", "noc.ops-1@as64500", "A_b"] {
            assert!(Username::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", ".admin", "-x", "a b", "a;reboot", "ä", &"x".repeat(65)] {
            assert_eq!(Username::parse(bad), Err(AccountError::InvalidUsername), "{bad}");
        }
    }

    #[test]
    fn roles_round_trip_and_refuse_others() {
        assert_eq!("admin".parse::<Role>(), Ok(Role::Admin));
        assert_eq!(Role::Operator.to_string(), "operator");
        assert!("root".parse::<Role>().unwrap_err().to_string().contains("`root`"));
    }

    #[test]
    fn password_policy() {
        assert_eq!(check_new_password("short"), Err(AccountError::PasswordTooShort));
        assert_eq!(check_new_password(&"x".repeat(1025)), Err(AccountError::PasswordTooLong));
        assert_eq!(check_new_password("correct horse battery"), Ok(()));
        // Characters, not bytes: twelve multi-byte characters are enough.
        assert_eq!(check_new_password(&"ü".repeat(12)), Ok(()));
    }

    #[test]
    fn token_shape() {
        assert!(looks_like_api_token(&format!("pgt_{}", "A".repeat(43))));
        assert!(!looks_like_api_token(&format!("pgt_{}", "A".repeat(42))));
        assert!(!looks_like_api_token(&format!("xyz_{}", "A".repeat(43))));
        assert!(!looks_like_api_token(&format!("pgt_{}=", "A".repeat(42))));
        assert_eq!(parse_token_name("  ci  "), Ok("ci".into()));
        assert!(parse_token_name("a\nb").is_err());
        assert!(parse_token_name("").is_err());
    }
}
