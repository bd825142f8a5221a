//! The line-oriented wg-quick parser: checks the file is small UTF-8 text, then reads sections and
//! `Key = Value` lines into builders that enforce "once per section" and, when the section ends,
//! "required keys present". Errors come out in line order because each section is finished as soon
//! as the next header starts. The per-section keys live in `sections`.

use super::error::{MAX_REPORTED, ParseError, ParseErrorKind as K};
use super::sections::{InterfaceDraft, PeerDraft, excerpt};
use super::{Interface, Peer, WgConf};

/// Uploads larger than this are refused before parsing (the product's 64 KiB limit).
pub const MAX_CONF_BYTES: usize = 64 * 1024;

/// Parses raw upload bytes: refuses more than [`MAX_CONF_BYTES`], text that is neither UTF-8 nor
/// UTF-16 with a byte-order mark, and binary content.
pub fn parse_bytes(bytes: &[u8]) -> Result<WgConf, ParseError> {
    parse(&decode(bytes)?)
}

/// The text of an upload: UTF-8, or UTF-16 with a byte-order mark (what Windows Notepad saves as
/// "Unicode"), at most [`MAX_CONF_BYTES`] as uploaded. Anything else (Latin-1, say) is refused with
/// the line of the first byte that is not UTF-8 and how to convert the file.
pub fn decode(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, ParseError> {
    check_size(bytes.len())?;
    let utf16 = match bytes {
        [0xFF, 0xFE, rest @ ..] => Some((rest, u16::from_le_bytes as fn([u8; 2]) -> u16)),
        [0xFE, 0xFF, rest @ ..] => Some((rest, u16::from_be_bytes as fn([u8; 2]) -> u16)),
        _ => None,
    };
    if let Some((rest, unit)) = utf16 {
        let units = rest.chunks(2).map(|pair| match pair {
            [a, b] => unit([*a, *b]),
            _ => 0xD800, // an odd trailing byte: decodes as invalid below
        });
        let mut text = String::with_capacity(rest.len() / 2);
        let mut line = 1;
        for c in char::decode_utf16(units) {
            match c {
                Ok(c) => {
                    line += usize::from(c == '\n');
                    text.push(c);
                }
                Err(_) => return Err(ParseError::at(line, K::BadUtf16)),
            }
        }
        return Ok(text.into());
    }
    std::str::from_utf8(bytes).map(Into::into).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        ParseError::at(line, K::NotUtf8)
    })
}

/// Parses wg-quick text, refusing control characters like [`parse_bytes`] but with no size limit:
/// the limit is for uploads, and a file peergate rendered may be a little longer than the upload it
/// came from (`AllowedIPs = 10.0.0.1` becomes `10.0.0.1/32`) yet must still parse.
pub fn parse(text: &str) -> Result<WgConf, ParseError> {
    // Windows editors prepend a byte-order mark; it is not part of the first key.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut state = Parser::default();
    let mut errors = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        // A bad line is reported and skipped; the next ones are still read.
        if let Err(err) = state.line(index + 1, raw) {
            state.had_errors = true;
            errors.push(err);
            if errors.len() == MAX_REPORTED {
                break;
            }
        }
    }
    // What the whole file lacks is judged only on a file whose lines all read: a refused
    // `PrivateKey` line would otherwise also come back as "no PrivateKey".
    match ParseError::all(errors) {
        Some(err) => Err(err),
        None => state.finish(),
    }
}

fn check_size(size: usize) -> Result<(), ParseError> {
    if size > MAX_CONF_BYTES {
        return Err(ParseError::file(K::TooLarge { size, limit: MAX_CONF_BYTES }));
    }
    Ok(())
}

#[derive(Default)]
struct Parser {
    saw_setting: bool,
    /// A line was refused: sections are no longer checked for completeness (a refused
    /// `PrivateKey` line must not also read as a missing one).
    had_errors: bool,
    interface: Option<Interface>,
    peers: Vec<Peer>,
    open: Open,
}

#[derive(Default)]
enum Open {
    #[default]
    Nothing,
    Interface(InterfaceDraft),
    Peer(PeerDraft),
}

impl Parser {
    fn line(&mut self, line: usize, raw: &str) -> Result<(), ParseError> {
        // `lines()` leaves a `\r` before end of input; anywhere else a `\r` is as suspect as a NUL.
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(c) = raw.chars().find(|&c| c.is_control() && c != '\t') {
            return Err(ParseError::at(line, K::ControlCharacter { code: u32::from(c) }));
        }
        let content = raw.split_once('#').map_or(raw, |(before, _)| before).trim();
        if content.is_empty() {
            return Ok(());
        }
        self.saw_setting = true;
        if let Some(header) = content.strip_prefix('[') {
            let name =
                header.strip_suffix(']').ok_or_else(|| ParseError::at(line, K::UnclosedSection { text: excerpt(content) }))?;
            return self.open_section(line, name.trim());
        }
        let (key, value) = content.split_once('=').ok_or(ParseError::at(line, K::MissingEquals))?;
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() {
            return Err(ParseError::at(line, K::MissingEquals));
        }
        match &mut self.open {
            Open::Nothing => Err(ParseError::at(line, K::KeyOutsideSection { key: excerpt(key) })),
            Open::Interface(draft) => draft.set(line, key, value),
            Open::Peer(draft) => draft.set(line, key, value),
        }
    }

    fn open_section(&mut self, line: usize, name: &str) -> Result<(), ParseError> {
        // The new section opens even when the last one was incomplete, so its lines are read
        // (and judged) as its own rather than as keys outside any section.
        let closed = self.close_section();
        if name.eq_ignore_ascii_case("interface") {
            if let Some(first) = &self.interface {
                let first_line = first.line.get().unwrap_or(0);
                return Err(ParseError::at(line, K::DuplicateInterface { first_line }));
            }
            self.open = Open::Interface(InterfaceDraft::new(line));
        } else if name.eq_ignore_ascii_case("peer") {
            self.open = Open::Peer(PeerDraft::new(line));
        } else {
            return Err(ParseError::at(line, K::UnknownSection { name: excerpt(name) }));
        }
        closed
    }

    fn close_section(&mut self) -> Result<(), ParseError> {
        let open = std::mem::take(&mut self.open);
        if self.had_errors {
            return Ok(()); // what an incomplete section lacks may be a refused line's doing
        }
        match open {
            Open::Nothing => {}
            Open::Interface(draft) => self.interface = Some(draft.finish()?),
            Open::Peer(draft) => {
                let peer = draft.finish()?;
                if let Some(first) = self.peers.iter().find(|p| p.public_key == peer.public_key) {
                    let first_line = first.line.get().unwrap_or(0);
                    let line = peer.line.get().unwrap_or(0);
                    return Err(ParseError::at(line, K::DuplicatePeer { first_line }));
                }
                self.peers.push(peer);
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<WgConf, ParseError> {
        if !self.saw_setting {
            return Err(ParseError::file(K::Empty));
        }
        self.close_section()?;
        let interface = self.interface.ok_or(ParseError::file(K::MissingInterface))?;
        if self.peers.is_empty() {
            return Err(ParseError::file(K::MissingPeer));
        }
        Ok(WgConf { interface, peers: self.peers })
    }
}
