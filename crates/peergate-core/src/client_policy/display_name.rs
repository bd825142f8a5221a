//! The name people give a client: free text in any script ("Zürich", "hq-router (1)"), shown
//! everywhere, never used as a file or interface name (that is [`InterfaceName`], derived from it
//! by [`derive_interface`]). It is bounded and refuses what would make it lie on screen or in the
//! audit log: control characters (a newline forges a log line) and the invisible formatting and
//! bidirectional-override characters that make text render differently from what it is.
//!
//! [`InterfaceName`]: super::InterfaceName
//! [`derive_interface`]: super::derive_interface

use std::fmt;

/// Longest display name, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct DisplayName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisplayNameError {
    #[error("the name is empty")]
    Empty,
    #[error("the name is {0} characters long; names have at most 64")]
    TooLong(usize),
    #[error("the name contains the invisible or control character U+{0:04X}; type it without")]
    Invisible(u32),
}

/// Zero-width, joiner-less formatting and bidirectional controls (Unicode `Cf` that matter for
/// spoofing). Joiners (U+200C, U+200D) stay: scripts and emoji need them.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{AD}')
}

impl DisplayName {
    /// Trims surrounding white space; inner white space runs become one space.
    pub fn parse(s: &str) -> Result<DisplayName, DisplayNameError> {
        if let Some(c) = s.chars().find(|&c| (c.is_control() && !c.is_whitespace()) || is_invisible(c) || c == '\n' || c == '\r')
        {
            return Err(DisplayNameError::Invisible(c as u32));
        }
        let name = s.split_whitespace().collect::<Vec<_>>().join(" ");
        match name.chars().count() {
            0 => Err(DisplayNameError::Empty),
            n if n > MAX_DISPLAY_NAME_CHARS => Err(DisplayNameError::TooLong(n)),
            _ => Ok(DisplayName(name)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The display name an uploaded file suggests: its base name without `.conf`
/// (`C:\exports\hq-router (1).conf` → `hq-router (1)`), or nothing when that is not a valid name.
pub fn display_name_from_filename(filename: &str) -> Option<DisplayName> {
    let base = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    let stem = match base.len().checked_sub(5) {
        Some(cut) if base.is_char_boundary(cut) && base[cut..].eq_ignore_ascii_case(".conf") => &base[..cut],
        _ => base,
    };
    DisplayName::parse(stem).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_are_free_text_but_never_invisible_or_unbounded() {
        let long = "ä".repeat(65);
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("Zürich", Ok("Zürich")),
            ("hq-router (1)", Ok("hq-router (1)")),
            ("  branch   office\tZurich ", Ok("branch office Zurich")),
            ("東京オフィス", Ok("東京オフィス")),
            ("👩‍💻 lab", Ok("👩‍💻 lab")),
            ("", Err("the name is empty")),
            ("   ", Err("the name is empty")),
            (&long, Err("the name is 65 characters long; names have at most 64")),
            ("site\nadmin logged in", Err("the name contains the invisible or control character U+000A; type it without")),
            ("site\u{202E}fdp.exe", Err("the name contains the invisible or control character U+202E; type it without")),
            ("a\u{200B}b", Err("the name contains the invisible or control character U+200B; type it without")),
            ("bell\u{7}", Err("the name contains the invisible or control character U+0007; type it without")),
        ];
        for (input, expected) in cases {
            let got = DisplayName::parse(input).map(|n| n.to_string()).map_err(|e| e.to_string());
            assert_eq!(got, expected.map(String::from).map_err(String::from), "{input:?}");
        }
    }

    #[test]
    fn file_names_suggest_display_names() {
        let cases = [
            ("hq-router (1).conf", Some("hq-router (1)")),
            ("branch-office-zurich-2.conf", Some("branch-office-zurich-2")),
            ("C:\\Users\\me\\Zürich.CONF", Some("Zürich")),
            ("../../x.conf", Some("x")),
            (".conf", None),
            ("dir/", None),
        ];
        for (input, expected) in cases {
            assert_eq!(display_name_from_filename(input).as_ref().map(DisplayName::as_str), expected, "{input:?}");
        }
    }
}
