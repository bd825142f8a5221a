//! The keys each section accepts and what each value must look like: one draft per section that
//! collects values with their lines, refuses a single-valued key set twice, and on `finish` checks
//! the keys peergate needs are present.

use ipnet::IpNet;

use super::error::{ParseError, ParseErrorKind as K};
use super::keys::{KeyError, PresharedKey, PrivateKey, PublicKey};
use super::values::{
    DnsEntry, Endpoint, HookKind, MAX_MTU, MIN_MTU, MIN_MTU_IPV6, Table, parse_interface_address, parse_network,
};
use super::{Hook, Interface, Located, Peer, SourceLine};

/// Quoted input is shortened so one bad line cannot flood an error message, and never shows a key.
pub(super) fn excerpt(s: &str) -> String {
    const MAX: usize = 64;
    let s = &super::keys::hide_keys(s);
    if s.chars().count() <= MAX { s.to_owned() } else { s.chars().take(MAX - 1).chain(['…']).collect() }
}

#[derive(Default)]
pub(super) struct InterfaceDraft {
    line: usize,
    private_key: Option<Located<PrivateKey>>,
    addresses: Vec<Located<IpNet>>,
    listen_port: Option<Located<u16>>,
    fw_mark: Option<Located<u32>>,
    mtu: Option<Located<u16>>,
    table: Option<Located<Table>>,
    dns: Vec<Located<DnsEntry>>,
    save_config: Option<Located<bool>>,
    hooks: Vec<Located<Hook>>,
}

#[derive(Default)]
pub(super) struct PeerDraft {
    line: usize,
    public_key: Option<Located<PublicKey>>,
    preshared_key: Option<Located<PresharedKey>>,
    allowed_ips: Vec<Located<IpNet>>,
    endpoint: Option<Located<Endpoint>>,
    persistent_keepalive: Option<Located<u16>>,
}

/// Stores a single-valued key, refusing a second occurrence in the same section: wg-quick would
/// silently keep the last one, which hides mistakes in hand-edited files.
fn set_once<T>(slot: &mut Option<Located<T>>, key: &'static str, line: usize, value: T) -> Result<(), ParseError> {
    if let Some(first) = slot {
        let first_line = first.line.get().unwrap_or(0);
        return Err(ParseError::at(line, K::DuplicateKey { key, first_line }));
    }
    *slot = Some(Located::new(value, Some(line)));
    Ok(())
}

/// A key value (`PrivateKey`, `PublicKey`, `PresharedKey`): present, then parsed by `parse`.
fn parse_key<T>(
    key: &'static str,
    line: usize,
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, KeyError>,
) -> Result<T, ParseError> {
    non_empty(key, line, value)?;
    parse(value).map_err(|reason| ParseError::at(line, K::InvalidKey { key, reason }))
}

fn non_empty(key: &'static str, line: usize, value: &str) -> Result<(), ParseError> {
    if value.is_empty() {
        return Err(ParseError::at(line, K::EmptyValue { key }));
    }
    Ok(())
}

/// Splits a list value on commas; every entry must be non-empty.
fn list_entries<'a>(key: &'static str, line: usize, value: &'a str) -> Result<impl Iterator<Item = &'a str>, ParseError> {
    non_empty(key, line, value)?;
    if value.split(',').any(|entry| entry.trim().is_empty()) {
        return Err(ParseError::at(line, K::EmptyListEntry { key }));
    }
    Ok(value.split(',').map(str::trim))
}

fn number<T: std::str::FromStr + PartialOrd>(
    key: &'static str,
    line: usize,
    value: &str,
    range: std::ops::RangeInclusive<T>,
    expected: &'static str,
) -> Result<T, ParseError> {
    non_empty(key, line, value)?;
    let invalid = || ParseError::at(line, K::InvalidValue { key, value: excerpt(value), expected });
    // Digits only: `FromStr` for integers would also take a leading `+`.
    if value.is_empty() || value.len() > 10 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    match value.parse::<T>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(invalid()),
    }
}

fn off_or<T: std::str::FromStr + PartialOrd + Default>(
    key: &'static str,
    line: usize,
    value: &str,
    range: std::ops::RangeInclusive<T>,
    expected: &'static str,
) -> Result<T, ParseError> {
    if value.eq_ignore_ascii_case("off") {
        return Ok(T::default());
    }
    number(key, line, value, range, expected)
}

fn fw_mark(line: usize, value: &str) -> Result<u32, ParseError> {
    non_empty("FwMark", line, value)?;
    const EXPECTED: &str = "`off`, a number, or a hexadecimal number such as 0x1234";
    let hex = value.strip_prefix("0x").or_else(|| value.strip_prefix("0X"));
    match hex {
        Some(digits) if !digits.is_empty() && digits.len() <= 8 => u32::from_str_radix(digits, 16).map_err(|_| {
            let value = excerpt(value);
            ParseError::at(line, K::InvalidValue { key: "FwMark", value, expected: EXPECTED })
        }),
        _ => off_or("FwMark", line, value, 0..=u32::MAX, EXPECTED),
    }
}

impl InterfaceDraft {
    pub(super) fn new(line: usize) -> Self {
        InterfaceDraft { line, ..Default::default() }
    }

    pub(super) fn set(&mut self, line: usize, key: &str, value: &str) -> Result<(), ParseError> {
        match key.to_ascii_lowercase().as_str() {
            "privatekey" => {
                let key = parse_key("PrivateKey", line, value, PrivateKey::parse)?;
                set_once(&mut self.private_key, "PrivateKey", line, key)
            }
            "address" => {
                for entry in list_entries("Address", line, value)? {
                    let net = parse_interface_address(entry).map_err(|reason| {
                        let value = excerpt(entry);
                        ParseError::at(line, K::InvalidAddress { key: "Address", value, reason })
                    })?;
                    self.addresses.push(Located::new(net, Some(line)));
                }
                Ok(())
            }
            "listenport" => {
                let port = number("ListenPort", line, value, 0..=65535, "a port from 0 to 65535")?;
                set_once(&mut self.listen_port, "ListenPort", line, port)
            }
            "fwmark" => set_once(&mut self.fw_mark, "FwMark", line, fw_mark(line, value)?),
            "mtu" => {
                let mtu = number("MTU", line, value, MIN_MTU..=MAX_MTU, "a number from 576 to 65535")?;
                set_once(&mut self.mtu, "MTU", line, mtu)
            }
            "table" => {
                non_empty("Table", line, value)?;
                let table = Table::parse(value).ok_or_else(|| {
                    let (key, value) = ("Table", excerpt(value));
                    let expected = "`auto`, `off`, a table number or a table name";
                    ParseError::at(line, K::InvalidValue { key, value, expected })
                })?;
                set_once(&mut self.table, "Table", line, table)
            }
            "dns" => {
                for entry in list_entries("DNS", line, value)? {
                    let dns =
                        DnsEntry::parse(entry).ok_or_else(|| ParseError::at(line, K::InvalidDns { value: excerpt(entry) }))?;
                    self.dns.push(Located::new(dns, Some(line)));
                }
                Ok(())
            }
            "saveconfig" => {
                non_empty("SaveConfig", line, value)?;
                let save = match value.to_ascii_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        let (key, value, expected) = ("SaveConfig", excerpt(value), "`true` or `false`");
                        return Err(ParseError::at(line, K::InvalidValue { key, value, expected }));
                    }
                };
                set_once(&mut self.save_config, "SaveConfig", line, save)
            }
            "preup" => self.hook(line, HookKind::PreUp, value),
            "postup" => self.hook(line, HookKind::PostUp, value),
            "predown" => self.hook(line, HookKind::PreDown, value),
            "postdown" => self.hook(line, HookKind::PostDown, value),
            _ => Err(ParseError::at(line, K::UnknownKey { key: excerpt(key), section: "Interface" })),
        }
    }

    fn hook(&mut self, line: usize, kind: HookKind, value: &str) -> Result<(), ParseError> {
        non_empty(kind.key(), line, value)?;
        let hook = Hook { kind, command: value.to_owned() };
        self.hooks.push(Located::new(hook, Some(line)));
        Ok(())
    }

    pub(super) fn finish(self) -> Result<Interface, ParseError> {
        let missing = |key, hint| ParseError::at(self.line, K::MissingKey { section: "Interface", key, hint });
        let private_key = self.private_key.ok_or_else(|| missing("PrivateKey", ""))?;
        if self.addresses.is_empty() {
            return Err(missing("Address", " (the tunnel address of this side, such as `10.0.0.2/32`)"));
        }
        if let Some(mtu) = &self.mtu {
            let has_v6 = self.addresses.iter().any(|a| a.value.addr().is_ipv6());
            if has_v6 && mtu.value < MIN_MTU_IPV6 {
                let line = mtu.line.get().unwrap_or(self.line);
                return Err(ParseError::at(line, K::MtuTooSmallForIpv6 { mtu: mtu.value }));
            }
        }
        Ok(Interface {
            line: SourceLine(Some(self.line)),
            private_key,
            addresses: self.addresses,
            listen_port: self.listen_port,
            fw_mark: self.fw_mark,
            mtu: self.mtu,
            table: self.table,
            dns: self.dns,
            save_config: self.save_config,
            hooks: self.hooks,
        })
    }
}

impl PeerDraft {
    pub(super) fn new(line: usize) -> Self {
        PeerDraft { line, ..Default::default() }
    }

    pub(super) fn set(&mut self, line: usize, key: &str, value: &str) -> Result<(), ParseError> {
        match key.to_ascii_lowercase().as_str() {
            "publickey" => {
                let key = parse_key("PublicKey", line, value, PublicKey::parse)?;
                set_once(&mut self.public_key, "PublicKey", line, key)
            }
            "presharedkey" => {
                let key = parse_key("PresharedKey", line, value, PresharedKey::parse)?;
                set_once(&mut self.preshared_key, "PresharedKey", line, key)
            }
            "allowedips" => {
                for entry in list_entries("AllowedIPs", line, value)? {
                    let net = parse_network(entry).map_err(|reason| {
                        let value = excerpt(entry);
                        ParseError::at(line, K::InvalidNetwork { key: "AllowedIPs", value, reason })
                    })?;
                    self.allowed_ips.push(Located::new(net, Some(line)));
                }
                Ok(())
            }
            "endpoint" => {
                non_empty("Endpoint", line, value)?;
                let endpoint = Endpoint::parse(value)
                    .map_err(|reason| ParseError::at(line, K::InvalidEndpoint { value: excerpt(value), reason }))?;
                set_once(&mut self.endpoint, "Endpoint", line, endpoint)
            }
            "persistentkeepalive" => {
                let expected = "`off` or a number of seconds from 0 to 65535";
                let secs = off_or("PersistentKeepalive", line, value, 0..=65535, expected)?;
                set_once(&mut self.persistent_keepalive, "PersistentKeepalive", line, secs)
            }
            _ => Err(ParseError::at(line, K::UnknownKey { key: excerpt(key), section: "Peer" })),
        }
    }

    pub(super) fn finish(self) -> Result<Peer, ParseError> {
        let missing = |key, hint| ParseError::at(self.line, K::MissingKey { section: "Peer", key, hint });
        let public_key = self.public_key.ok_or_else(|| missing("PublicKey", ""))?;
        if self.allowed_ips.is_empty() {
            return Err(missing("AllowedIPs", " (the networks routed to this peer)"));
        }
        let endpoint =
            self.endpoint.ok_or_else(|| missing("Endpoint", "; the gateway connects out, so it needs `Endpoint = host:port`"))?;
        Ok(Peer {
            line: SourceLine(Some(self.line)),
            public_key,
            preshared_key: self.preshared_key,
            allowed_ips: self.allowed_ips,
            endpoint,
            persistent_keepalive: self.persistent_keepalive,
        })
    }
}
