//! The machinery behind [`settings!`]: each setting is declared once — name, type, environment
//! variable, default, documentation — and the macro derives the `Config` struct, its `Default`,
//! the table of names ([`SETTINGS`](super::SETTINGS)) and how an environment value becomes a
//! typed value ([`FromEnv`]).

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use figment::value::Value;
use serde::{Deserialize, Serialize};

/// One setting's names: the TOML key (the field) and the environment variable.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub key: &'static str,
    pub var: &'static str,
    /// Turns the variable's text into the value figment extracts the field from.
    pub env_value: fn(&str) -> Value,
}

/// How an environment variable's text becomes a configuration value: as text, unless the type
/// says otherwise (numbers). Extraction then parses the text with the type's `Deserialize`, so a
/// bad value fails naming its variable.
pub trait FromEnv {
    fn env_value(text: &str) -> Value {
        Value::from(text.to_string())
    }
}

impl FromEnv for String {}
impl FromEnv for PathBuf {}
impl FromEnv for SocketAddr {}
impl FromEnv for Secret {}
impl<T: FromEnv> FromEnv for Option<T> {
    fn env_value(text: &str) -> Value {
        T::env_value(text)
    }
}

macro_rules! numeric_from_env {
    ($($t:ty),*) => {$(
        impl FromEnv for $t {
            /// A number when it parses; otherwise the text, which extraction then refuses.
            fn env_value(text: &str) -> Value {
                match text.parse::<u64>() {
                    Ok(n) => Value::from(n),
                    Err(_) => Value::from(text.to_string()),
                }
            }
        }
    )*};
}
numeric_from_env!(u8, u64, usize);

/// A secret setting (a token, a client secret, a database URL with its password): `Debug` prints
/// `(redacted)`, so a logged `Config` never shows it. The text is reached only through
/// [`Secret::expose`].
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: impl Into<String>) -> Secret {
        Secret(text.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

/// Declares the settings: `/// doc` `name: Type = "VARIABLE", default;` for each.
macro_rules! settings {
    ($($(#[doc = $doc:literal])* $field:ident : $ty:ty = $var:literal, $default:expr;)*) => {
        #[derive(Debug, Clone, Serialize, Deserialize)]
        pub struct Config {
            $($(#[doc = $doc])* pub $field: $ty,)*
        }

        impl Default for Config {
            fn default() -> Self {
                Config { $($field: $default,)* }
            }
        }

        /// Every setting, in declaration order (also the order of `.env.example`).
        pub const SETTINGS: &[settings::Setting] = &[
            $(settings::Setting {
                key: stringify!($field),
                var: $var,
                env_value: <$ty as settings::FromEnv>::env_value,
            },)*
        ];
    };
}
pub(super) use settings;
