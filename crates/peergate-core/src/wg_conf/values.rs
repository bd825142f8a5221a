//! The typed values a wg-quick file holds besides keys: networks, endpoints, DNS entries, routing
//! table choices and hook kinds. Each parser explains *why* a value is wrong, because the explanation
//! ends up in front of an operator ("prefix length 33 is longer than 32", not "invalid CIDR").

use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;

use super::keys::hide_keys;

/// Smallest MTU peergate accepts: every IPv4 host must accept 576-byte datagrams (RFC 791).
pub const MIN_MTU: u16 = 576;
/// Linux drops IPv6 from a link whose MTU is below 1280 (RFC 8200's minimum).
pub const MIN_MTU_IPV6: u16 = 1280;
pub const MAX_MTU: u16 = 65535;

/// Why a string is not a network or interface address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CidrError {
    #[error("`{0}` is not an IP address")]
    NotAnAddress(String),
    #[error("prefix length `{0}` is not a number")]
    PrefixNotANumber(String),
    #[error("prefix length {prefix} is longer than {max}")]
    PrefixTooLong { prefix: u32, max: u8 },
    #[error("it has host bits set; the network is `{0}`")]
    HostBitsSet(IpNet),
}

/// Parses `addr/prefix` or a bare address (meaning /32 or /128), keeping host bits: this is how an
/// interface's own address is written (`10.204.0.2/24`).
pub fn parse_interface_address(s: &str) -> Result<IpNet, CidrError> {
    let (addr, prefix) = match s.split_once('/') {
        Some((addr, prefix)) => (addr, Some(prefix)),
        None => (s, None),
    };
    let ip: IpAddr = addr.parse().map_err(|_| CidrError::NotAnAddress(hide_keys(addr)))?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        None => max,
        Some(p) => {
            // `u8::from_str` would accept "+24"; only plain digits are a prefix length.
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(CidrError::PrefixNotANumber(hide_keys(p)));
            }
            match p.parse::<u32>() {
                Ok(n) if n <= u32::from(max) => n as u8,
                Ok(n) => return Err(CidrError::PrefixTooLong { prefix: n, max }),
                Err(_) => {
                    return Err(CidrError::PrefixTooLong { prefix: u32::MAX, max });
                }
            }
        }
    };
    Ok(IpNet::new(ip, prefix).expect("prefix checked against the family's maximum"))
}

/// Parses a network (`10.0.0.0/24`, or a bare address as a host route) and refuses host bits, because
/// wg and the kernel would silently mask `10.0.0.1/24` to `10.0.0.0/24`: a different route from the
/// one the file appears to ask for.
pub fn parse_network(s: &str) -> Result<IpNet, CidrError> {
    let net = parse_interface_address(s)?;
    if net.trunc() != net {
        return Err(CidrError::HostBitsSet(net.trunc()));
    }
    Ok(net)
}

/// The host part of an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Host {
    Ip(IpAddr),
    /// A DNS name, validated as a host name (letters, digits, hyphens; dot-separated labels).
    Name(String),
}

/// Where a peer is reached: `host:port`, IPv6 literals in brackets.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    pub host: Host,
    pub port: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("it needs a port, as in `vpn.example.com:51820`")]
    MissingPort,
    #[error("an IPv6 address must be in brackets, as in `[{0}]:51820`")]
    UnbracketedIpv6(String),
    #[error("the port `{0}` is not a number from 1 to 65535")]
    BadPort(String),
    #[error("`{0}` is neither an IP address nor a valid host name")]
    BadHost(String),
}

impl Endpoint {
    pub fn parse(s: &str) -> Result<Endpoint, EndpointError> {
        let (host, port) = if let Some(rest) = s.strip_prefix('[') {
            let (inside, after) = rest.split_once(']').ok_or_else(|| EndpointError::BadHost(hide_keys(s)))?;
            let ip: std::net::Ipv6Addr = inside.parse().map_err(|_| EndpointError::BadHost(hide_keys(inside)))?;
            let port = after.strip_prefix(':').ok_or(EndpointError::MissingPort)?;
            (Host::Ip(IpAddr::V6(ip)), port)
        } else {
            let (host, port) = s.rsplit_once(':').ok_or(EndpointError::MissingPort)?;
            if host.contains(':') {
                // `fd00::1:51820` is itself a valid address, but the user almost surely meant
                // `fd00::1` port 51820, so the text before the last colon is the better guess.
                let guess = [host, s].into_iter().find_map(|t| t.parse::<std::net::Ipv6Addr>().ok());
                return Err(EndpointError::UnbracketedIpv6(guess.map_or_else(|| hide_keys(host), |ip| ip.to_string())));
            }
            let host = match host.parse::<IpAddr>() {
                Ok(ip) => Host::Ip(ip),
                Err(_) if is_hostname(host) => Host::Name(host.to_ascii_lowercase()),
                Err(_) => return Err(EndpointError::BadHost(hide_keys(host))),
            };
            (host, port)
        };
        let port_ok = !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit());
        match port.parse::<u16>() {
            Ok(p) if port_ok && p != 0 => Ok(Endpoint { host, port: p }),
            _ => Err(EndpointError::BadPort(hide_keys(port))),
        }
    }

    /// The address when the host is an IP literal; DNS names are the caller's to resolve.
    pub fn ip(&self) -> Option<IpAddr> {
        match self.host {
            Host::Ip(ip) => Some(ip),
            Host::Name(_) => None,
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Ip(ip) => write!(f, "{ip}"),
            Host::Name(name) => f.write_str(name),
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.host {
            Host::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]:{}", self.port),
            _ => write!(f, "{}:{}", self.host, self.port),
        }
    }
}

impl serde::Serialize for Endpoint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// RFC 1123 host name. A name whose last label is all digits is refused: it is a mistyped IPv4
/// address (`10.0.0.256`), and resolvers would treat it as one anyway.
pub(crate) fn is_hostname(s: &str) -> bool {
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.is_empty() || s.len() > 253 {
        return false;
    }
    let labels_ok = s.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    });
    let last = s.rsplit('.').next().unwrap_or(s);
    labels_ok && !last.bytes().all(|b| b.is_ascii_digit())
}

/// One `DNS =` entry: wg-quick treats addresses as servers and anything else as a search domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DnsEntry {
    Server(IpAddr),
    SearchDomain(String),
}

impl DnsEntry {
    pub fn parse(s: &str) -> Option<DnsEntry> {
        match s.parse::<IpAddr>() {
            Ok(ip) => Some(DnsEntry::Server(ip)),
            Err(_) if is_hostname(s) => Some(DnsEntry::SearchDomain(s.to_owned())),
            Err(_) => None,
        }
    }
}

impl fmt::Display for DnsEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DnsEntry::Server(ip) => write!(f, "{ip}"),
            DnsEntry::SearchDomain(d) => f.write_str(d),
        }
    }
}

/// wg-quick's `Table =`: `auto` (the default: routes for AllowedIPs in the main table), `off` (no
/// routes at all), a numeric table id, or a table name from `/etc/iproute2/rt_tables`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Table {
    Auto,
    Off,
    Id(u32),
    Name(String),
}

impl Table {
    pub fn parse(s: &str) -> Option<Table> {
        if s.eq_ignore_ascii_case("auto") {
            Some(Table::Auto)
        } else if s.eq_ignore_ascii_case("off") {
            Some(Table::Off)
        } else if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok().map(Table::Id)
        } else if !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            Some(Table::Name(s.to_owned()))
        } else {
            None
        }
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Table::Auto => f.write_str("auto"),
            Table::Off => f.write_str("off"),
            Table::Id(n) => write!(f, "{n}"),
            Table::Name(n) => f.write_str(n),
        }
    }
}

/// The four wg-quick hooks, each a shell command run as root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum HookKind {
    PreUp,
    PostUp,
    PreDown,
    PostDown,
}

impl HookKind {
    pub fn key(self) -> &'static str {
        match self {
            HookKind::PreUp => "PreUp",
            HookKind::PostUp => "PostUp",
            HookKind::PreDown => "PreDown",
            HookKind::PostDown => "PostDown",
        }
    }
}

impl fmt::Display for HookKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}
