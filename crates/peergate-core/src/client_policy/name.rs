//! The interface name a client gets, which is also the file name `<wg_dir>/<name>.conf` and an
//! argument to `wg-quick`: so it must be a valid Linux interface name (what wg-quick itself enforces,
//! `^[A-Za-z0-9_=+.-]{1,15}$`) and must never be a path. `.` and `..` match the pattern but would
//! name a directory, and `all` / `default` would collide with the per-interface sysctl directories
//! `/proc/sys/net/ipv4/conf/{all,default}`, so those are refused too.

use std::fmt;

/// Longest Linux interface name (IFNAMSIZ minus the terminating NUL).
pub const MAX_NAME_LEN: usize = 15;

/// A validated interface name; the only way to build one is [`InterfaceName::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct InterfaceName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("the name is empty")]
    Empty,
    #[error("the name is {0} characters long; interface names have at most 15")]
    TooLong(usize),
    #[error("the name contains `{0}`; use only letters, digits and `_ = + . -`")]
    BadCharacter(String),
    #[error("`{0}` is reserved")]
    Reserved(String),
}

impl InterfaceName {
    pub fn parse(s: &str) -> Result<InterfaceName, NameError> {
        if s.is_empty() {
            return Err(NameError::Empty);
        }
        if let Some(c) = s.chars().find(|&c| !(c.is_ascii_alphanumeric() || "_=+.-".contains(c))) {
            return Err(NameError::BadCharacter(c.escape_debug().to_string()));
        }
        // Checked after the characters so `../../etc/passwd` is reported for its `/`, which is
        // the actual problem, rather than for its length.
        if s.len() > MAX_NAME_LEN {
            return Err(NameError::TooLong(s.len()));
        }
        if matches!(s, "." | ".." | "all" | "default") {
            return Err(NameError::Reserved(s.to_owned()));
        }
        Ok(InterfaceName(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InterfaceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for InterfaceName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Suggests a client name from an uploaded file name: `C:\exports\site-a.conf` → `site-a`. Returns
/// only names that pass [`InterfaceName::parse`], so the result is safe to use as given.
pub fn derive_name_from_filename(filename: &str) -> Option<String> {
    let base = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    let stem = match base.len().checked_sub(5) {
        Some(cut) if base.is_char_boundary(cut) && base[cut..].eq_ignore_ascii_case(".conf") => &base[..cut],
        _ => base,
    };
    InterfaceName::parse(stem).ok().map(|name| name.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_wg_quick_and_are_never_paths() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("site-a", Ok("site-a")),
            ("wg_0.b=c+d", Ok("wg_0.b=c+d")),
            ("abcdefghijklmno", Ok("abcdefghijklmno")),
            ("abcdefghijklmnop", Err("the name is 16 characters long; interface names have at most 15")),
            ("", Err("the name is empty")),
            ("../../etc/x", Err("the name contains `/`; use only letters, digits and `_ = + . -`")),
            ("wg0;reboot", Err("the name contains `;`; use only letters, digits and `_ = + . -`")),
            ("wg0\nx", Err("the name contains `\\n`; use only letters, digits and `_ = + . -`")),
            ("site a", Err("the name contains ` `; use only letters, digits and `_ = + . -`")),
            ("sité", Err("the name contains `é`; use only letters, digits and `_ = + . -`")),
            (".", Err("`.` is reserved")),
            ("..", Err("`..` is reserved")),
            ("all", Err("`all` is reserved")),
            ("default", Err("`default` is reserved")),
        ];
        for (input, expected) in cases {
            let got = InterfaceName::parse(input).map(|n| n.to_string()).map_err(|e| e.to_string());
            let expected = expected.map(String::from).map_err(String::from);
            assert_eq!(got, expected, "{input:?}");
        }
    }

    #[test]
    fn file_names_become_safe_names_or_nothing() {
        let cases = [
            ("site-a.conf", Some("site-a")),
            ("SITE-B.CONF", Some("SITE-B")),
            ("../../x.conf", Some("x")),
            ("C:\\Users\\me\\Downloads\\office.conf", Some("office")),
            ("wg0", Some("wg0")),
            (".conf", None),
            ("..conf", None),
            ("a very long file name.conf", None),
            ("site;rm -rf.conf", None),
            ("dir/", None),
        ];
        for (input, expected) in cases {
            assert_eq!(derive_name_from_filename(input).as_deref(), expected, "{input:?}");
        }
    }
}
