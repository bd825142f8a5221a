//! A hand-written parser and renderer for wg-quick `.conf` files, the format operators upload and the
//! format peergate writes back to the WireGuard directory. It exists because an upload is untrusted
//! input that ends up executed by `wg-quick` as root: every value is parsed into a type that can only
//! hold something wg-quick accepts, every error names its line in a sentence, and peergate never writes
//! the raw upload, only [`render`] of the parsed value. The rules follow wg-quick(8) and wg(8): sections
//! and keys are case-insensitive, `#` starts a comment anywhere on a line (wg-quick strips it even
//! inside hook commands), list keys (`Address`, `DNS`, `AllowedIPs`) are comma-separated and accumulate
//! over repeated lines, and single-valued keys may appear once per section. Where wg would quietly
//! reinterpret a value we refuse it instead, because a silent reinterpretation is a route the operator
//! did not ask for: an `AllowedIPs` network with host bits set (`10.0.0.1/24`, which wg masks to
//! `10.0.0.0/24`) is refused with the corrected network as a suggestion, and two peers with the same
//! `PublicKey` (wg would merge them) are refused. Beyond syntax the parser enforces what peergate needs
//! from a *client* config: exactly one `[Interface]` with `PrivateKey` and `Address`, and at least one
//! `[Peer]` with `PublicKey`, `AllowedIPs` and `Endpoint` (the gateway dials out, so it needs to know
//! where). `MTU` must lie in 576..=65535 (576 is the smallest datagram every IPv4 host must accept;
//! 65535 is the largest Linux takes) and at least 1280 when the interface has an IPv6 address, since
//! Linux removes IPv6 from links below that. Policy (hooks, `Table`, full-tunnel routes) is not decided
//! here but in `client_policy`, so this module can parse and re-render any well-formed file faithfully.

mod error;
mod keys;
mod parser;
mod render;
mod sections;
mod values;

#[cfg(test)]
mod error_tests;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::net::IpAddr;

use ipnet::IpNet;

pub use error::{ParseError, ParseErrorKind};
pub use keys::{HIDDEN_KEY, KeyError, PresharedKey, PrivateKey, PublicKey, WgKey, contains_key, hide_keys};
pub use parser::{MAX_CONF_BYTES, decode, parse, parse_bytes};
pub use render::{render, render_redacted, rendered_by_peergate};
pub use values::{
    CidrError, DnsEntry, Endpoint, EndpointError, HookKind, Host, MAX_MTU, MIN_MTU, MIN_MTU_IPV6, Table, parse_interface_address,
    parse_network,
};

/// Where a value came from in the uploaded text, kept so later checks (client policy) can point the
/// user at the offending line.
///
/// Equality deliberately ignores it: a line number is provenance, not content, so a parsed file and
/// the same configuration re-parsed from [`render`] compare equal.
#[derive(Debug, Clone, Copy, Default, Eq, PartialOrd, Ord)]
pub struct SourceLine(pub Option<usize>);

impl PartialEq for SourceLine {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl std::hash::Hash for SourceLine {
    // Consistent with `PartialEq`: all lines are equal, so none may contribute to the hash.
    fn hash<H: std::hash::Hasher>(&self, _state: &mut H) {}
}

impl SourceLine {
    /// The 1-based line number, or `None` for values peergate created itself.
    pub fn get(self) -> Option<usize> {
        self.0
    }
}

/// A value together with the line it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Located<T> {
    pub value: T,
    pub line: SourceLine,
}

impl<T> Located<T> {
    pub fn new(value: T, line: Option<usize>) -> Self {
        Located { value, line: SourceLine(line) }
    }

    /// A value that did not come from an uploaded file (for example a subnet the user typed).
    pub fn synthetic(value: T) -> Self {
        Located { value, line: SourceLine(None) }
    }
}

/// A parsed wg-quick configuration: one interface and the peers it talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WgConf {
    pub interface: Interface,
    pub peers: Vec<Peer>,
}

/// The `[Interface]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// Line of the `[Interface]` header.
    pub line: SourceLine,
    pub private_key: Located<PrivateKey>,
    /// Interface addresses keep their host part (`10.204.0.2/24` is this host's address in a /24).
    pub addresses: Vec<Located<IpNet>>,
    pub listen_port: Option<Located<u16>>,
    pub fw_mark: Option<Located<u32>>,
    pub mtu: Option<Located<u16>>,
    pub table: Option<Located<Table>>,
    pub dns: Vec<Located<DnsEntry>>,
    pub save_config: Option<Located<bool>>,
    /// `PreUp`/`PostUp`/`PreDown`/`PostDown` in file order; parsed so policy can refuse them by line.
    pub hooks: Vec<Located<Hook>>,
}

/// One `PreUp`/`PostUp`/`PreDown`/`PostDown` line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Hook {
    pub kind: HookKind,
    pub command: String,
}

/// One `[Peer]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    /// Line of the `[Peer]` header.
    pub line: SourceLine,
    pub public_key: Located<PublicKey>,
    pub preshared_key: Option<Located<PresharedKey>>,
    /// Never empty after parsing; networks never have host bits set.
    pub allowed_ips: Vec<Located<IpNet>>,
    pub endpoint: Located<Endpoint>,
    /// Seconds; 0 means off.
    pub persistent_keepalive: Option<Located<u16>>,
}

impl Peer {
    /// The endpoint's address when the file gives an IP literal rather than a DNS name.
    pub fn endpoint_ip(&self) -> Option<IpAddr> {
        self.endpoint.value.ip()
    }
}
