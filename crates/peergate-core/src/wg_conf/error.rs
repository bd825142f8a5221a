//! Why an uploaded config could not be parsed, as a sentence that names the line and says what to
//! change. Errors never quote key material: a malformed `PrivateKey` line is still somebody's secret.

use std::fmt;

use super::keys::KeyError;
use super::values::{CidrError, EndpointError};

/// A parse failure. `line` is 1-based; `None` for problems with the whole file (size, encoding, a
/// missing section).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: Option<usize>,
    pub kind: ParseErrorKind,
    /// The problems of later lines: every line is read, so a file is fixed in one go rather
    /// than one refusal per upload (at most [`MAX_REPORTED`] in all).
    pub more: Box<[ParseError]>,
}

/// Problems reported for one file at most.
pub const MAX_REPORTED: usize = 20;

impl ParseError {
    pub(crate) fn at(line: usize, kind: ParseErrorKind) -> ParseError {
        ParseError { line: Some(line), kind, more: Box::default() }
    }

    pub(crate) fn file(kind: ParseErrorKind) -> ParseError {
        ParseError { line: None, kind, more: Box::default() }
    }

    /// The first of `errors` carrying the others; `None` when there are none.
    pub(crate) fn all(mut errors: Vec<ParseError>) -> Option<ParseError> {
        if errors.is_empty() {
            return None;
        }
        let mut first = errors.remove(0);
        first.more = errors.into_boxed_slice();
        Some(first)
    }

    /// Stable machine code for the HTTP layer.
    pub fn code(&self) -> &'static str {
        match self.kind {
            ParseErrorKind::TooLarge { .. } => "file_too_large",
            ParseErrorKind::NotUtf8 | ParseErrorKind::BadUtf16 | ParseErrorKind::ControlCharacter { .. } => "not_text",
            ParseErrorKind::UnknownKey { .. } => "unknown_key",
            _ => "parse_error",
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.kind),
            None => write!(f, "{}", capitalized(&self.kind.to_string())),
        }
    }
}

impl std::error::Error for ParseError {}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What went wrong. Quoted values are cut to a readable length by the parser.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    #[error("the file is {size} bytes; the limit is {limit} bytes (64 KiB)")]
    TooLarge { size: usize, limit: usize },
    #[error(
        "the file is not UTF-8 text (perhaps Latin-1 or Windows-1252); save it as UTF-8 (Notepad: Save \
         As, Encoding UTF-8) or convert it with `iconv -f windows-1252 -t utf-8`, and upload it again"
    )]
    NotUtf8,
    #[error("the file starts as UTF-16 text but is not valid UTF-16; save it as UTF-8 and upload it again")]
    BadUtf16,
    #[error("the file contains the control character U+{code:04X}; this does not look like a text file")]
    ControlCharacter { code: u32 },
    #[error("the file has no settings (it is empty or only comments)")]
    Empty,
    #[error("expected `Key = Value` or a section header such as `[Peer]`")]
    MissingEquals,
    #[error("`[{name}]` is not a section wg-quick knows; use `[Interface]` or `[Peer]`")]
    UnknownSection { name: String },
    #[error("`{text}` is missing its closing `]`")]
    UnclosedSection { text: String },
    #[error("`{key}` appears before any `[Interface]` or `[Peer]` section")]
    KeyOutsideSection { key: String },
    #[error("`{key}` is not a setting wg-quick knows in an `[{section}]` section")]
    UnknownKey { key: String, section: &'static str },
    #[error("{key} has no value")]
    EmptyValue { key: &'static str },
    #[error("{key} has an empty entry (two commas in a row, or a trailing comma)")]
    EmptyListEntry { key: &'static str },
    #[error("{key} is set twice in this section (first on line {first_line})")]
    DuplicateKey { key: &'static str, first_line: usize },
    #[error("a second `[Interface]` section (the first is on line {first_line}); a config has exactly one")]
    DuplicateInterface { first_line: usize },
    #[error("this peer has the same PublicKey as the peer on line {first_line}")]
    DuplicatePeer { first_line: usize },
    #[error("the config has no `[Interface]` section")]
    MissingInterface,
    #[error("the config has no `[Peer]` section; a client config needs the remote site as a peer")]
    MissingPeer,
    #[error("`[{section}]` has no {key}{hint}")]
    MissingKey { section: &'static str, key: &'static str, hint: &'static str },
    #[error("{key} is not a valid WireGuard key: {reason}")]
    InvalidKey { key: &'static str, reason: KeyError },
    #[error("{key} `{value}` is not a valid address: {reason}")]
    InvalidAddress { key: &'static str, value: String, reason: CidrError },
    #[error("{key} `{value}` is not a valid network: {reason}")]
    InvalidNetwork { key: &'static str, value: String, reason: CidrError },
    #[error("Endpoint `{value}` is not valid: {reason}")]
    InvalidEndpoint { value: String, reason: EndpointError },
    #[error("{key} `{value}` is not valid: expected {expected}")]
    InvalidValue { key: &'static str, value: String, expected: &'static str },
    #[error("DNS entry `{value}` is neither an IP address nor a search domain")]
    InvalidDns { value: String },
    #[error("MTU {mtu} is below 1280, the minimum for IPv6, and this interface has an IPv6 address")]
    MtuTooSmallForIpv6 { mtu: u16 },
}
