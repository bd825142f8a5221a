//! The name people give a client: free text in any script ("Zürich", "hq-router (1)"), shown
//! everywhere, never used as a file or interface name (that is [`InterfaceName`], derived from it
//! by [`derive_interface`]). It is bounded and refuses what would make it lie on screen or in the
//! audit log: control characters (a newline forges a log line) and the invisible formatting and
//! bidirectional-override characters that make text render differently from what it is.
//!
//! [`InterfaceName`]: super::InterfaceName
//! [`derive_interface`]: super::derive_interface

use std::fmt;

use crate::wg_conf::contains_key;

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
    #[error("the name looks like a WireGuard key; names are shown everywhere and never hold keys")]
    LooksLikeKey,
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
            // A private key pasted into the name field would be shown and logged everywhere.
            _ if contains_key(&name) => Err(DisplayNameError::LooksLikeKey),
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

/// Longest notes, in characters.
pub const MAX_NOTES_CHARS: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotesError {
    #[error("the notes are {0} characters long; notes have at most 2000")]
    TooLong(usize),
    #[error("the notes contain the invisible or control character U+{0:04X}; type them without")]
    Invisible(u32),
    #[error(
        "the notes hold something that looks like a WireGuard key; notes never hold keys (this side's \
         public key and the peers' are shown on the client's page)"
    )]
    LooksLikeKey,
}

/// Free-text notes about a client: several lines allowed (CRLF becomes LF), surrounding white
/// space trimmed, empty allowed (clears them); other control and invisible characters refused for
/// the same reason as in names.
pub fn parse_notes(s: &str) -> Result<String, NotesError> {
    let text = s.replace("\r\n", "\n");
    if let Some(c) = text.chars().find(|&c| (c.is_control() && c != '\n' && c != '\t') || is_invisible(c)) {
        return Err(NotesError::Invisible(c as u32));
    }
    let text = text.trim();
    match text.chars().count() {
        n if n > MAX_NOTES_CHARS => Err(NotesError::TooLong(n)),
        _ if contains_key(text) => Err(NotesError::LooksLikeKey),
        _ => Ok(text.to_string()),
    }
}

/// The display name an uploaded file suggests: its base name without `.conf`
/// (`C:\exports\hq-router (1).conf` → `hq-router (1)`), or nothing when that is not a valid name
/// or has no letter or digit at all (`..`, `-.conf`: not what anyone calls a site).
pub fn display_name_from_filename(filename: &str) -> Option<DisplayName> {
    let base = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    let stem = match base.len().checked_sub(5) {
        Some(cut) if base.is_char_boundary(cut) && base[cut..].eq_ignore_ascii_case(".conf") => &base[..cut],
        _ => base,
    };
    DisplayName::parse(stem).ok().filter(|name| name.0.chars().any(char::is_alphanumeric))
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
            (
                "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
                Err("the name looks like a WireGuard key; names are shown everywhere and never hold keys"),
            ),
            (
                "site AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE",
                Err("the name looks like a WireGuard key; names are shown everywhere and never hold keys"),
            ),
        ];
        for (input, expected) in cases {
            let got = DisplayName::parse(input).map(|n| n.to_string()).map_err(|e| e.to_string());
            assert_eq!(got, expected.map(String::from).map_err(String::from), "{input:?}");
        }
    }

    #[test]
    fn notes_keep_lines_but_not_control_characters() {
        assert_eq!(
            parse_notes("  contact: noc@example.net\r\nrack 4\t(upper)\n "),
            Ok("contact: noc@example.net\nrack 4\t(upper)".into())
        );
        assert_eq!(parse_notes(""), Ok(String::new()));
        assert_eq!(parse_notes("a\u{1b}[31m"), Err(NotesError::Invisible(0x1b)));
        assert_eq!(parse_notes("a\u{202E}b"), Err(NotesError::Invisible(0x202E)));
        assert_eq!(parse_notes("a\rb"), Err(NotesError::Invisible(0x0D)));
        assert_eq!(parse_notes(&"x".repeat(2001)), Err(NotesError::TooLong(2001)));
        assert_eq!(parse_notes("key: AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="), Err(NotesError::LooksLikeKey));
        assert_eq!(parse_notes(&"xy ".repeat(600)).map(|n| n.len()), Ok(1799));
    }

    #[test]
    fn file_names_suggest_display_names() {
        let cases = [
            ("hq-router (1).conf", Some("hq-router (1)")),
            ("branch-office-zurich-2.conf", Some("branch-office-zurich-2")),
            ("C:\\Users\\me\\Zürich.CONF", Some("Zürich")),
            ("../../x.conf", Some("x")),
            (".conf", None),
            ("..", None),
            ("-.conf", None),
            ("dir/", None),
        ];
        for (input, expected) in cases {
            assert_eq!(display_name_from_filename(input).as_ref().map(DisplayName::as_str), expected, "{input:?}");
        }
    }
}
