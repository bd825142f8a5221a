//! The interface name a client gets, which is also the file name `<wg_dir>/<name>.conf`, an
//! argument to `wg-quick`, `wg` and `ip`, and the interface match of its firewall rules: so it must
//! be a valid Linux interface name that every one of them treats literally, and never a path.
//! wg-quick accepts `^[A-Za-z0-9_=+.-]{1,15}$`; peergate refuses `+` as well, because iptables
//! reads a trailing `+` as a wildcard (`-i site+` matches every interface starting with `site`,
//! the WAN included), and a leading `-`, which `ip` and `wg` would read as an option. `.` and `..`
//! would name a directory; `all` / `default` collide with `/proc/sys/net/ipv4/conf/{all,default}`;
//! `dev`, `help`, `interfaces` and `none` are words `ip` or `wg` give a meaning of their own. (Names
//! of the host's own interfaces, `lo` or `eth0`, are refused by the caller, which can see them.)

use std::fmt;

/// Longest Linux interface name (IFNAMSIZ minus the terminating NUL).
pub const MAX_NAME_LEN: usize = 15;

/// Names that mean something else to the kernel, `ip` or `wg` (compared without case).
const RESERVED: &[&str] = &[".", "..", "all", "default", "dev", "help", "interfaces", "none"];

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
    #[error("the name contains `{0}`")]
    BadCharacter(String),
    #[error("the name starts with `-`, which commands would read as an option")]
    LeadingDash,
    #[error("`{0}` is reserved")]
    Reserved(String),
}

impl InterfaceName {
    pub fn parse(s: &str) -> Result<InterfaceName, NameError> {
        if s.is_empty() {
            return Err(NameError::Empty);
        }
        if let Some(c) = s.chars().find(|&c| !(c.is_ascii_alphanumeric() || "_=.-".contains(c))) {
            return Err(NameError::BadCharacter(c.escape_debug().to_string()));
        }
        // Checked after the characters so `../../etc/passwd` is reported for its `/`, which is
        // the actual problem, rather than for its length.
        if s.len() > MAX_NAME_LEN {
            return Err(NameError::TooLong(s.len()));
        }
        if s.starts_with('-') {
            return Err(NameError::LeadingDash);
        }
        if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s)) {
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

/// An interface name for a client called `display`, unique among `taken` (compared without case:
/// the other clients' interfaces, the host's interfaces, files in the WireGuard directory).
/// Letters are transliterated to ASCII (`Zürich` → `zurich`, `東京` → `dong-jing`) and lowered;
/// every other run of characters becomes one `-`; the result is cut to 15 characters; a taken or
/// reserved name gets the first free `-2`, `-3`, … suffix (the stem is shortened to make room).
/// A name with nothing left (`!!!`) becomes `site`.
pub fn derive_interface(display: &str, taken: &[&str]) -> InterfaceName {
    let ascii = deunicode::deunicode(display);
    let mut stem = String::new();
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            stem.push(c.to_ascii_lowercase());
        } else if !stem.is_empty() && !stem.ends_with('-') {
            stem.push('-');
        }
    }
    let stem = stem.trim_end_matches('-');
    let stem = if stem.is_empty() { "site" } else { stem };
    let is_free =
        |candidate: &str| InterfaceName::parse(candidate).is_ok() && !taken.iter().any(|t| t.eq_ignore_ascii_case(candidate));
    let fit = |suffix: &str| {
        let room = MAX_NAME_LEN - suffix.len();
        let cut = stem.get(..room.min(stem.len())).unwrap_or(stem).trim_end_matches('-');
        format!("{cut}{suffix}")
    };
    let plain = fit("");
    if is_free(&plain) {
        return InterfaceName(plain);
    }
    // Among `taken.len() + 1` distinct suffixed names at least one is free.
    (2..=taken.len() + 2)
        .map(|n| fit(&format!("-{n}")))
        .find(|candidate| is_free(candidate))
        .map(InterfaceName)
        .expect("more candidates than taken names")
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
            ("wg_0.b=c-d", Ok("wg_0.b=c-d")),
            ("sec1-g+", Err("the name contains `+`")),
            ("a+b", Err("the name contains `+`")),
            ("eth*", Err("the name contains `*`")),
            ("-site", Err("the name starts with `-`, which commands would read as an option")),
            ("--help", Err("the name starts with `-`, which commands would read as an option")),
            ("site-", Ok("site-")),
            ("help", Err("`help` is reserved")),
            ("interfaces", Err("`interfaces` is reserved")),
            ("ALL", Err("`ALL` is reserved")),
            ("Default", Err("`Default` is reserved")),
            ("dev", Err("`dev` is reserved")),
            ("abcdefghijklmno", Ok("abcdefghijklmno")),
            ("abcdefghijklmnop", Err("the name is 16 characters long; interface names have at most 15")),
            ("", Err("the name is empty")),
            ("../../etc/x", Err("the name contains `/`")),
            ("wg0;reboot", Err("the name contains `;`")),
            ("wg0\nx", Err("the name contains `\\n`")),
            ("site a", Err("the name contains ` `")),
            ("sité", Err("the name contains `é`")),
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
    fn interface_names_are_derived_from_any_display_name() {
        let cases: &[(&str, &[&str], &str)] = &[
            ("hq-router (1)", &[], "hq-router-1"),
            ("branch-office-zurich-2", &[], "branch-office-z"),
            ("Zürich", &[], "zurich"),
            ("Zürich", &["zurich"], "zurich-2"),
            ("Zürich", &["ZURICH", "zurich-2"], "zurich-3"),
            ("branch-office-zurich-2", &["branch-office-z"], "branch-office-2"),
            ("東京", &[], "dong-jing"),
            ("!!!", &[], "site"),
            ("", &["site"], "site-2"),
            ("all", &[], "all-2"),
            ("-x-", &[], "x"),
            ("wg0", &[], "wg0"),
            ("a.b c", &[], "a-b-c"),
            ("A+B*C", &[], "a-b-c"),
        ];
        for (display, taken, expected) in cases {
            assert_eq!(derive_interface(display, taken).as_str(), *expected, "{display:?} {taken:?}");
        }
    }

    #[test]
    fn a_derived_name_is_always_valid_and_free() {
        let mut taken: Vec<String> = Vec::new();
        for _ in 0..120 {
            let refs: Vec<&str> = taken.iter().map(String::as_str).collect();
            let name = derive_interface("branch-office-zurich", &refs);
            assert!(InterfaceName::parse(name.as_str()).is_ok());
            assert!(!taken.contains(&name.to_string()), "{name} given twice");
            taken.push(name.to_string());
        }
        assert_eq!(taken[119], "branch-offi-120");
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
            ("sec1-g+.conf", None),
            ("-x.conf", None),
            ("dir/", None),
        ];
        for (input, expected) in cases {
            assert_eq!(derive_name_from_filename(input).as_deref(), expected, "{input:?}");
        }
    }
}
